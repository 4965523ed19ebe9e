// Full-stack browser test: real local network, real orchestrator services, Debian's Chromium.
// A donor offers and a receiver bids from their own development wallets; the matcher settles;
// the donor's meter reports; the relayer proves the delivery and the market verifies it; both
// households see the result. Screenshots of every view go to $ARTIFACTS.
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

const donor = await household("donor", { width: 1280, height: 900 });
const receiver = await household("receiver", { width: 375, height: 812 }); // a phone

// Not a member yet: the app says so in words.
await receiver.page.getByRole("button", { name: "Buy" }).click();
await receiver.page.getByText("Ask your community operator to admit").waitFor();
await shoot(receiver, "receiver-not-member-375");

admin(`member add ${donor.address} --role donor --feeder 0`);
admin(`member add ${receiver.address} --role receiver --feeder 0`);
const meterKey = join(WORK, "e2e-meter.key");
admin(`meter register --owner ${donor.address} --feeder 0 --max-wh-per-minute 100 --new-key ${meterKey}`);

// Donor offers.
await donor.page.getByRole("button", { name: "Sell" }).click();
const form = donor.page.getByRole("form", { name: "place offer" });
await form.waitFor({ timeout: 30000 });
const slot = Number(await form.getByLabel("Delivery slot").inputValue());
await form.getByLabel("Energy (Wh)").fill("300");
await form.getByLabel("Lowest price per Wh").fill("4");
await form.getByRole("button", { name: "Place offer" }).click();
await donor.page.getByRole("status").filter({ hasText: `placed for slot ${slot}` }).waitFor({ timeout: 60000 });
log(`donor offered 300 Wh at 4 in slot ${slot}`);
await shoot(donor, "donor-offer-desktop");

// Receiver: a price above the cap is refused by the contract and explained.
await receiver.page.getByRole("button", { name: "Buy" }).click();
const bid = receiver.page.getByRole("form", { name: "place bid" });
await bid.waitFor({ timeout: 30000 });
await bid.getByLabel("Delivery slot").selectOption(String(slot));
await bid.getByLabel("Energy (Wh)").fill("200");
await bid.getByLabel("Highest price per Wh").fill(String(config.market.price_cap + 1));
await bid.getByRole("button", { name: "Place bid" }).click();
await receiver.page.getByRole("alert").filter({ hasText: "outside what this market allows" }).waitFor({ timeout: 30000 });
log("a bid above the price cap was explained in words");
await bid.getByLabel("Highest price per Wh").fill("8");
const escrow = await receiver.page.getByTestId("escrow").textContent();
if (!escrow.includes("0.00016 XLM")) await fail(`escrow shown as ${escrow}`);
await bid.getByRole("button", { name: "Place bid" }).click();
await receiver.page.getByRole("status").filter({ hasText: `placed for slot ${slot}` }).waitFor({ timeout: 60000 });
log("receiver bid 200 Wh at 8");
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
await receiver.page.getByTestId("received").filter({ hasText: "200 Wh" }).waitFor({ timeout: 30000 });
log("receiver sees 200 Wh received as kWh tokens");
await shoot(donor, "donor-delivered-desktop");
await shoot(receiver, "receiver-received-375");

// Market dashboard and history, CSV export.
for (const h of [donor, receiver]) {
  await h.page.getByRole("button", { name: "Market" }).click();
  await h.page.getByRole("img", { name: "Supply and demand curves" }).waitFor();
}
await donor.page.getByTestId("clearing-price").filter({ hasText: "per Wh" }).waitFor({ timeout: 30000 });
await shoot(donor, "market-desktop");
await shoot(receiver, "market-375");
await receiver.page.getByRole("button", { name: "History" }).click();
const [download] = await Promise.all([
  receiver.page.waitForEvent("download"),
  receiver.page.getByRole("button", { name: "Export CSV" }).click(),
]);
const csv = readFileSync(await download.path(), "utf8");
if (!csv.startsWith("slot,trade_id,side") || !csv.includes(",bought,")) await fail(`CSV: ${csv}`);
await shoot(receiver, "history-375");
await donor.page.getByRole("button", { name: "History" }).click();
await shoot(donor, "history-desktop");
log("CSV export and every view captured");
await browser.close();
log("full-stack browser test passed");
