// Full-stack browser test: real local network, real orchestrator services, Debian's Chromium.
// The operator registers the donor's meter; the donor accepts it in the browser (signing
// registry.accept_meter after seeing the network fee) and offers from it; a receiver bids; the
// matcher settles; the meter reports; the relayer proves the delivery and the market verifies
// it and credits both households; each withdraws its credit. Screenshots of every view go to
// $ARTIFACTS.
//
// Env: APP_URL (the served app), ADMIN_CMD (prefix of an `urja` command line with the
// operator's config), ARTIFACTS (screenshot directory), WORK (a scratch directory).
import { execSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { chromium } from "playwright-core";

const APP = process.env.APP_URL;
const ADMIN = process.env.ADMIN_CMD;
const OUT = process.env.ARTIFACTS || "e2e/artifacts";
const WORK = process.env.WORK || "/tmp";
if (!APP || !ADMIN) throw new Error("set APP_URL and ADMIN_CMD");
mkdirSync(OUT, { recursive: true });

const admin = (args) => execSync(`${ADMIN} ${args}`, { stdio: ["ignore", "pipe", "inherit"] }).toString();
const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);
const status = async () => (await fetch(`${APP}/api/status`)).json();
const getJson = async (path) => (await fetch(`${APP}${path}`)).json();
const config = await (await fetch(`${APP}/api/config`)).json();

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const fail = async (msg) => {
  await browser.close();
  throw new Error(msg);
};

async function household(name, viewport) {
  const ctx = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => log(`${name} page error:`, e.message));
  await page.goto(APP);
  await page.getByRole("button", { name: "Create development wallet" }).click();
  await page.getByTestId("address").filter({ hasText: /^G[A-Z2-7]{55}$/ }).waitFor();
  const address = (await page.getByTestId("address").textContent()).trim();
  await page.getByText("Development wallet — local network only").waitFor();
  log(`${name} wallet ${address}`);
  return { page, address };
}

async function shoot(h, name) {
  await h.page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}

/** Clicks "Sign and send" in the confirmation showing `what`'s network fee; returns the fee text. */
async function signAfterFee(h, what, shot) {
  const confirm = h.page.getByRole("group", { name: `confirm ${what}` });
  await confirm.waitFor({ timeout: 60000 });
  const fee = (await confirm.getByTestId("network-fee").textContent()).trim();
  if (!/network fee up to \d[\d.]* XLM/.test(fee)) await fail(`${what}: no network fee shown (${fee})`);
  if (shot) await shoot(h, shot);
  await confirm.getByRole("button", { name: "Sign and send" }).click();
  return fee;
}

/** Waits until the API reports `address`'s chain credit as `amount` (stroops). */
async function creditIs(address, amount) {
  const deadline = Date.now() + 60000;
  let last = null;
  while (Date.now() < deadline) {
    last = (await getJson(`/api/accounts/${address}/credit`)).credit;
    if (last === amount) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  await fail(`credit of ${address} is ${last}, expected ${amount}`);
}

/** The household withdraws its whole credit (`amount` stroops) from the view it is on. */
async function withdraw(h, amount) {
  await h.page.getByTestId("credit").filter({ hasNotText: /^(0 XLM|…)$/ }).waitFor({ timeout: 30000 });
  await h.page.getByRole("button", { name: "Withdraw" }).click();
  const fee = await signAfterFee(h, "Withdraw");
  await h.page.getByRole("status").filter({ hasText: "Withdrew" }).waitFor({ timeout: 60000 });
  await h.page.getByTestId("credit").filter({ hasText: /^0 XLM$/ }).waitFor({ timeout: 30000 });
  await creditIs(h.address, 0);
  const deadline = Date.now() + 60000;
  for (;;) {
    const w = (await getJson(`/api/accounts/${h.address}`)).withdrawals;
    if (w.length === 1 && w[0].amount === amount) break;
    if (Date.now() > deadline) await fail(`withdrawals of ${h.address}: ${JSON.stringify(w)}, expected one of ${amount}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  log(`withdrew ${amount} stroops after being shown "${fee}"`);
}

const donor = await household("donor", { width: 1280, height: 900 });
const receiver = await household("receiver", { width: 375, height: 812 }); // a phone

// Not a member yet: the app says so in words.
await receiver.page.getByRole("button", { name: "Buy" }).click();
await receiver.page.getByText("Ask your community operator to admit").waitFor();
await shoot(receiver, "receiver-not-member-375");

admin(`member add ${donor.address} --role donor --feeder 0`);
admin(`member add ${receiver.address} --role receiver --feeder 0`);
const meterKey = join(WORK, "e2e-meter.key");
// A 6 kW roof (100 Wh a minute) whose short test slots stand for 15 minutes of energy: the
// registered rate is scaled by that compression, as urja.metering.compressed_rate does.
const rate = Math.ceil((100 * 900) / config.market.slot_secs);
admin(`meter register --owner ${donor.address} --feeder 0 --max-wh-per-minute ${rate} --new-key ${meterKey}`);

// The registered meter waits for its owner: the donor accepts it, seeing the fee first.
await donor.page.getByRole("button", { name: "Sell" }).click();
const pending = donor.page.getByTestId("meter").filter({ hasText: "waiting for your acceptance" });
await pending.waitFor({ timeout: 30000 });
await donor.page.getByText("only once you accept it with your wallet's signature").waitFor();
const meterId = (await pending.locator("td").first().getAttribute("title")).trim();
const [listed] = await getJson(`/api/accounts/${donor.address}/meters`);
if (listed?.meter !== meterId || listed.status !== "pending") await fail(`meters: ${JSON.stringify(listed)}`);
await shoot(donor, "donor-meter-pending-desktop");
await pending.getByRole("button", { name: /^Accept meter/ }).click();
await signAfterFee(donor, `Accept meter ${meterId.slice(0, 6)}…${meterId.slice(-6)}`, "donor-accept-fee-desktop");
await donor.page.getByRole("status").filter({ hasText: "accepted: it can now deliver" }).waitFor({ timeout: 60000 });
await donor.page.getByTestId("meter").filter({ hasText: "active" }).waitFor({ timeout: 30000 });
log(`donor accepted meter ${meterId}`);

// Donor offers from that meter.
const form = donor.page.getByRole("form", { name: "place offer" });
await form.waitFor({ timeout: 30000 });
if ((await form.getByLabel("Meter").inputValue()) !== meterId) await fail("the offer form did not default to the donor's meter");
const slot = Number(await form.getByLabel("Delivery slot").inputValue());
// The slot as households read it: the clock times it covers, in the community's time zone.
const when = (await form.getByLabel("Delivery slot").locator("option:checked").textContent()).split(" (")[0];
if (!/^\d\d:\d\d(:\d\d)?–\d\d:\d\d(:\d\d)?$/.test(when)) await fail(`slot ${slot} shown as "${when}", not clock times`);
// Prices are typed in XLM per kWh; the chain takes stroops per Wh (1 stroop/Wh = 0.0001 XLM/kWh).
const perKwh = (p) => ((p * 1000) / 10 ** config.payment.decimals).toFixed(config.payment.decimals - 3);
await form.getByLabel("Energy (kWh)").fill("0.3");
await form.getByLabel("Lowest price (XLM/kWh)").fill(perKwh(4));
await form.getByRole("button", { name: "Place offer" }).click();
await signAfterFee(donor, "Place offer");
await donor.page.getByRole("status").filter({ hasText: `placed for ${when}` }).waitFor({ timeout: 60000 });
log(`donor offered 0.3 kWh at ${perKwh(4)} XLM/kWh in slot ${slot} (${when}) from its meter`);
await shoot(donor, "donor-offer-desktop");
for (let i = 0; ; i++) {
  const offer = (await getJson(`/api/accounts/${donor.address}`)).orders.find((o) => o.slot === slot);
  if (offer?.meter === meterId) break;
  if (i > 120) await fail(`the offer is not bound to meter ${meterId}: ${JSON.stringify(offer)}`);
  await new Promise((r) => setTimeout(r, 500));
}

// Receiver: a price above the cap is refused by the contract and explained.
await receiver.page.getByRole("button", { name: "Buy" }).click();
const bid = receiver.page.getByRole("form", { name: "place bid" });
await bid.waitFor({ timeout: 30000 });
await bid.getByLabel("Delivery slot").selectOption(String(slot));
await bid.getByLabel("Energy (kWh)").fill("0.2");
await bid.getByLabel("Highest price (XLM/kWh)").fill(perKwh(config.market.price_cap + 1));
await bid.getByRole("button", { name: "Place bid" }).click();
// Refused by the contract's simulation, before anything is signed.
await receiver.page.getByRole("alert").filter({ hasText: "outside what this market allows" }).waitFor({ timeout: 30000 });
log("a bid above the price cap was explained in words");
await bid.getByLabel("Highest price (XLM/kWh)").fill(perKwh(8));
const escrow = await receiver.page.getByTestId("escrow").textContent();
if (!escrow.includes("0.00016 XLM")) await fail(`escrow shown as ${escrow}`);
await bid.getByRole("button", { name: "Place bid" }).click();
await signAfterFee(receiver, "Place bid", "receiver-bid-fee-375");
await receiver.page.getByRole("status").filter({ hasText: `placed for ${when}` }).waitFor({ timeout: 60000 });
log(`receiver bid 0.2 kWh at ${perKwh(8)} XLM/kWh`);
await shoot(receiver, "receiver-bid-375");

// The matcher settles at the gate; both see the match.
await receiver.page.getByTestId("trade").first().waitFor({ timeout: 90000 });
await donor.page.getByTestId("trade").first().waitFor({ timeout: 30000 });
log("both households see the match");

// After the slot ends the donor's meter reports 250 Wh; the relayer proves it.
const end = (slot + 1) * config.market.slot_secs;
while ((await status()).ledger_time < end) await new Promise((r) => setTimeout(r, 500));
admin(`meter report --key-file ${meterKey} --slot ${slot} --wh 250`);
await donor.page.getByTestId("delivery").filter({ hasText: "verified by the market contract" }).waitFor({ timeout: 90000 });
log("donor sees the proven delivery");
await receiver.page.getByTestId("received").filter({ hasText: "0.2 kWh" }).waitFor({ timeout: 30000 });
log("receiver sees 0.2 kWh received as kWh tokens");
await shoot(donor, "donor-delivered-desktop");
await shoot(receiver, "receiver-received-375");

// The delivery credited both inside the market: the donor the price less the fee, the
// receiver the escrow its bid locked above the price paid. Each withdraws its credit.
const [trade] = await getJson(`/api/trades?slot=${slot}`);
const gross = trade.delivered_wh * trade.price;
const paid = gross - Math.floor((gross * config.market.fee_bps) / 10000);
const refund = trade.wh * 8 - gross;
if (trade.paid !== paid || trade.refund !== refund || refund <= 0)
  await fail(`trade ${JSON.stringify(trade)}: expected paid ${paid}, refund ${refund}`);
await creditIs(donor.address, paid);
await creditIs(receiver.address, refund);
await withdraw(donor, paid);
await shoot(donor, "donor-withdrawn-desktop");
await withdraw(receiver, refund);
await receiver.page.getByTestId("held").filter({ hasText: /: 0 XLM$/ }).waitFor({ timeout: 30000 });
await shoot(receiver, "receiver-withdrawn-375");

// Market dashboard and history, CSV export.
for (const h of [donor, receiver]) {
  await h.page.getByRole("button", { name: "Market" }).click();
  await h.page.getByRole("img", { name: "Supply and demand curves" }).waitFor();
}
await donor.page.getByTestId("clearing-price").filter({ hasText: "XLM/kWh" }).waitFor({ timeout: 30000 });
await shoot(donor, "market-desktop");
await shoot(receiver, "market-375");
await receiver.page.getByRole("button", { name: "History" }).click();
await receiver.page.getByRole("cell", { name: "withdrawal", exact: true }).waitFor({ timeout: 30000 });
const [download] = await Promise.all([
  receiver.page.waitForEvent("download"),
  receiver.page.getByRole("button", { name: "Export CSV" }).click(),
]);
const csv = readFileSync(await download.path(), "utf8");
if (!csv.startsWith("slot,trade_id,side") || !csv.includes(",bought,") || !csv.includes(`,withdrawal,,0,0,,withdrawn,0,0,0,0,${refund},`))
  await fail(`CSV: ${csv}`);
await shoot(receiver, "history-375");
await donor.page.getByRole("button", { name: "History" }).click();
await shoot(donor, "history-desktop");
// No agent runs in this community: the Community view says where its KPIs come from.
await donor.page.getByRole("button", { name: "Community" }).click();
await donor.page.getByRole("note").filter({ hasText: "urja agent run" }).waitFor({ timeout: 30000 });
await shoot(donor, "community-desktop");
log("CSV export and every view captured");
await browser.close();
log("full-stack browser test passed");
