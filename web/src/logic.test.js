import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { Keypair, contract } from "@stellar/stellar-sdk";
import { describe, expect, it } from "vitest";

import { HISTORY_COLUMNS, heldEscrow, historyRows, toCsv } from "./csv.js";
import { curve, forecast } from "./curves.js";
import table from "../../orchestrator/urja/data/contract_errors.json";
import { contractError, explain } from "./errors.js";
import units from "../../docs/vectors/units.json";
import { energy, money, parseKwh, parsePerKwh, perKwhText, power, price, short, slotTime } from "./format.js";
import { clientOptions, meterBytes, orderCall } from "./market.js";
import { Client as MarketClient } from "./contracts/market/index.ts";
import { Client as RegistryClient } from "./contracts/registry/index.ts";
import { maxSlotsFrom, openSlots, orderProblem, repeatChoices, times } from "./slots.js";
import { DevWallet } from "./wallet.js";

const M = { slot_secs: 900, gate_lead_secs: 300, horizon_slots: 4, price_floor: 1, price_cap: 1000 };

describe("contract errors in words", () => {
  it("names market errors from the generated table", () => {
    expect(contractError("HostError: Error(Contract, #4)").name).toBe("SlotClosed");
    expect(explain(new Error("HostError: Error(Contract, #6) ..."))).toMatch(/not a member/);
    expect(explain(new Error("Error(Contract, #8)"))).toMatch(/donors offer, receivers bid/);
    expect(contractError("Error(Contract, #99)").text).toBe("Contract error #99.");
  });
  it("explains meter, acceptance and withdrawal errors of the market and the registry", () => {
    const code = (contract, name) => Object.entries(table[contract]).find(([, e]) => e.name === name)[0];
    const host = (contract, name) => new Error(`HostError: Error(Contract, #${code(contract, name)})`);
    expect(explain(host("market", "NothingToWithdraw"))).toBe("There is no credit to withdraw yet.");
    expect(explain(host("market", "MeterNotAccepted"))).toMatch(/Accept this meter first/);
    expect(explain(host("market", "NotMeterOwner"))).toMatch(/registered to another household/);
    expect(explain(host("registry", "AlreadyAccepted"), "registry")).toBe("You have already accepted this meter.");
    expect(explain(host("registry", "UnknownMeter"), "registry")).toMatch(/not registered in this community/);
  });
  it("explains balance, signature and network failures", () => {
    expect(explain(new Error("insufficient balance"))).toMatch(/Not enough funds/);
    expect(explain(new Error("Freighter declined: User declined access"))).toMatch(/declined to sign/);
    expect(explain(new TypeError("Failed to fetch"))).toMatch(/network cannot be reached/);
    expect(explain("weird")).toBe("Something went wrong: weird");
  });
});

describe("slot timing mirrors the market contract", () => {
  it("computes gate and end", () => {
    expect(times(M, 10)).toEqual({ start: 9000, gate: 8700, end: 9900 });
  });
  it("offers only slots whose gate is ahead and within the horizon", () => {
    expect(openSlots(M, 8699, 10)).toEqual([10, 11, 12, 13]);
    expect(openSlots(M, 8700, 10)).toEqual([11, 12, 13]);
    expect(orderProblem(M, 8700, 10)).toMatch(/closed/);
    expect(orderProblem(M, 8700, 99)).toMatch(/too far/);
    expect(orderProblem(M, 8700, 11)).toBeNull();
  });
});

describe("standing orders stay within the horizon, as the contract requires", () => {
  const m = { slot_secs: 15, gate_lead_secs: 5, horizon_slots: 8 };
  it("stand for at most the slots up to the current slot plus the horizon", () => {
    // now 1500 s: current slot 100, horizon ends at slot 108.
    expect(maxSlotsFrom(m, 1500, 102)).toBe(7);
    expect(maxSlotsFrom(m, 1500, 108)).toBe(1);
    expect(maxSlotsFrom(m, 1500, 109)).toBe(0);
    expect(repeatChoices(m, 1500, 102)).toEqual([1, 2, 4, 7]);
    expect(repeatChoices(m, 1500, 101)).toEqual([1, 2, 4, 8]);
    expect(repeatChoices(m, 1500, 109)).toEqual([]);
  });
});

describe("curves and forecast", () => {
  const orders = [
    { side: "sell", wh: 300, price: 4, status: "open" },
    { side: "sell", wh: 200, price: 5, status: "open" },
    { side: "sell", wh: 100, price: 4, status: "cancelled" },
    { side: "buy", wh: 250, price: 8, status: "open" },
    { side: "buy", wh: 200, price: 6, status: "open" },
  ];
  it("builds cumulative step curves without cancelled orders", () => {
    expect(curve(orders, "sell")).toEqual([{ price: 4, cum_wh: 300 }, { price: 5, cum_wh: 500 }]);
    expect(curve(orders, "buy")).toEqual([{ price: 8, cum_wh: 250 }, { price: 6, cum_wh: 450 }]);
  });
  it("forecasts from the latest deliveries", () => {
    expect(forecast([])).toBeNull();
    const d = [1, 2, 3, 4, 5].map((s) => ({ slot: s, energy_wh: s * 100 }));
    expect(forecast(d, 2)).toBe(450);
  });
});

describe("history CSV", () => {
  const me = "GME";
  const account = {
    address: me,
    trades: [
      { trade_id: 1, slot: 7, buyer: me, seller: "GX", wh: 100, delivered_wh: 80, price: 5, state: "delivered", paid: 396, refund: 400, fee: 4 },
      { trade_id: 2, slot: 8, buyer: "GY", seller: me, wh: 50, delivered_wh: 50, price: 6, state: "delivered", paid: 297, refund: 0, fee: 3 },
    ],
  };
  it("has one row per trade from the household's side, savings against the tariff", () => {
    const rows = historyRows(account, 8);
    expect(rows[0]).toMatchObject({ side: "bought", spent: 400, saving_vs_grid: 240, refund: 400 });
    expect(rows[1]).toMatchObject({ side: "sold", earned: 297, spent: 0 });
  });
  it("includes withdrawals, newest ledger first", () => {
    const withLedgers = {
      ...account,
      trades: account.trades.map((t, i) => ({ ...t, ledger: 10 + i })),
      withdrawals: [{ amount: 697, ledger: 30 }, { amount: 5, ledger: 10 }],
    };
    const rows = historyRows(withLedgers, 8);
    expect(rows.map((r) => [r.side, r.ledger])).toEqual([["withdrawal", 30], ["sold", 11], ["bought", 10], ["withdrawal", 10]]);
    expect(rows[0]).toMatchObject({ state: "withdrawn", withdrawn: 697, earned: 0, refund: 0 });
    const csv = toCsv(rows, HISTORY_COLUMNS).split("\r\n");
    expect(csv[1]).toBe(",,withdrawal,,0,0,,withdrawn,0,0,0,0,697,30");
  });
  it("quotes fields per RFC 4180", () => {
    const csv = toCsv([{ a: 'x,"y"', b: 1 }], ["a", "b"]);
    expect(csv).toBe('a,b\r\n"x,""y""",1\r\n');
    expect(toCsv(historyRows(account, 8), HISTORY_COLUMNS).split("\r\n")[0]).toBe(HISTORY_COLUMNS.join(","));
  });
});

describe("escrow held", () => {
  it("counts unmatched bid parts and trades awaiting delivery, not delivered or expired ones", () => {
    const orders = [
      { id: 1, side: "buy", status: "open", wh: 200, filled: 200, price: 8 },
      { id: 2, side: "buy", status: "open", wh: 100, filled: 40, price: 5 },
      { id: 3, side: "buy", status: "cancelled", wh: 100, filled: 0, price: 5 },
      { id: 4, side: "sell", status: "open", wh: 100, filled: 0, price: 5 },
    ];
    const trades = [
      { buy: 1, wh: 150, state: "delivered" },
      { buy: 1, wh: 50, state: "expired" },
      { buy: 2, wh: 40, state: "matched" },
    ];
    expect(heldEscrow(orders, trades)).toBe(60 * 5 + 40 * 5);
    expect(heldEscrow(orders, [])).toBe(60 * 5);
  });
});

describe("formatting and encoding", () => {
  it("formats energy and money", () => {
    expect(energy(950)).toBe("0.95 kWh");
    expect(energy(1250)).toBe("1.25 kWh");
    expect(energy(1)).toBe("0.001 kWh");
    expect(money(25_000_000)).toBe("2.5 XLM");
    expect(short("GABCDEFGHIJKLMNOP")).toBe("GABC…MNOP");
    expect(power(100)).toBe("6 kW");
  });
  it("shows chain prices (base units per Wh) per kWh in the payment asset", () => {
    expect(price(4)).toBe("0.0004 XLM/kWh");
    expect(price(1000)).toBe("0.1 XLM/kWh");
    expect(price(45_000, { symbol: "₹", decimals: 7 })).toBe("4.5 ₹/kWh");
    expect(perKwhText(4)).toBe("0.0004");
  });
  it("reads what a household types in kWh and per kWh exactly, or says what is wrong", () => {
    expect(parseKwh("0.25")).toEqual({ wh: 250 });
    expect(parseKwh("2")).toEqual({ wh: 2000 });
    expect(parseKwh("0.0005").error).toMatch(/up to 3 decimals: 1 Wh/);
    expect(parseKwh("abc").error).toMatch(/"abc" is not an amount of kWh/);
    expect(parseKwh("0").error).toMatch(/more than zero/);
    expect(parsePerKwh("0.0004")).toEqual({ unitsPerWh: 4 });
    expect(parsePerKwh("4.5", { symbol: "₹", decimals: 7 })).toEqual({ unitsPerWh: 45_000 });
    expect(parsePerKwh("0.00045").error).toMatch(/steps of 0\.0001 XLM\/kWh/);
    expect(parsePerKwh("-1").error).toMatch(/not a whole number of steps/);
    expect(parsePerKwh("0").error).toMatch(/more than zero/);
    // What is shown is what is parsed back.
    for (const p of [1, 4, 37, 1000]) expect(parsePerKwh(perKwhText(p))).toEqual({ unitsPerWh: p });
  });
  it("agrees with the shared unit vectors (docs/vectors/units.json) that the Python side checks", () => {
    for (const v of units.energy) {
      const got = parseKwh(v.kwh);
      if (v.refused) expect(got.error, v.kwh).toBeTruthy();
      else expect([got, energy(v.wh)]).toEqual([{ wh: v.wh }, v.text]);
    }
    for (const v of units.price) {
      const payment = { symbol: v.symbol, decimals: v.decimals };
      const got = parsePerKwh(v.per_kwh, payment);
      if (v.refused) expect(got.error, v.per_kwh).toBeTruthy();
      else expect([got, price(v.units_per_wh, payment)]).toEqual([{ unitsPerWh: v.units_per_wh }, v.text]);
    }
  });
  it("names slots by the clock times they cover in the community's time zone", () => {
    const m = { slot_secs: 900, gate_lead_secs: 300 };
    // Slot 4 of 900 s: 01:00-01:15 UTC, 06:30-06:45 in Delhi.
    expect(slotTime(m, 4, "Asia/Kolkata")).toBe("06:30–06:45");
    expect(slotTime(m, 4, "UTC")).toBe("01:00–01:15");
    expect(slotTime({ slot_secs: 15 }, 102, "UTC")).toBe("00:25:30–00:25:45");
  });
  it("orders name their arguments as the market's spec does", () => {
    const me = Keypair.random().publicKey();
    const meter = "ab".repeat(31) + "0f";
    const bytes = Uint8Array.from(Buffer.from(meter, "hex"));
    expect(orderCall("sell", me, { slot: 10, wh: 300, price: 4, meter })).toEqual([
      "offer", { donor: me, meter: bytes, slot: 10n, wh: 300n, min_price: 4n }]);
    expect(orderCall("buy", me, { slot: 10, wh: 300, price: 8 })).toEqual([
      "bid", { receiver: me, slot: 10n, wh: 300n, max_price: 8n }]);
    expect(orderCall("buy", me, { slot: 10, wh: 300, price: 8, slots: 4 })).toEqual([
      "bid_slots", { receiver: me, first_slot: 10n, slots: 4, wh: 300n, max_price: 8n }]);
    expect(orderCall("sell", me, { slot: 10, wh: 300, price: 4, meter, slots: 4 })[0]).toBe("offer_slots");
    expect(() => orderCall("hold", me, { slot: 10, wh: 1, price: 1 })).toThrow(/"sell" or "buy", not "hold"/);
  });
  it("refuses a meter id that is not 32 bytes of hex, naming it", () => {
    expect(() => meterBytes("ab".repeat(31))).toThrow(/64 hex digits.*"abab/);
    expect(() => meterBytes("zz".repeat(32))).toThrow(/64 hex digits/);
    expect(() => meterBytes(undefined)).toThrow(/64 hex digits/);
  });
});

// The generated clients (src/contracts/, `make web-bindings`) against the contracts built by
// `make contracts` (target/wasm, before the web tests in `make test`): the committed bindings
// are what the generator makes of today's WASM, and what the app asks of them encodes as
// the WASM's own spec encodes it.
const WEB = join(dirname(fileURLToPath(import.meta.url)), "..");
const WASM = join(WEB, "..", "target", "wasm");
const built = ["urja_market.wasm", "urja_registry.wasm"].every((f) => existsSync(join(WASM, f)));
const bindings = (...args) => spawnSync(process.execPath, [join(WEB, "scripts", "bindings.mjs"), "--check", ...args], { encoding: "utf8" });
describe.skipIf(!built && !process.env.CI)("generated clients match the contracts' specs (target/wasm)", () => {
  const spec = (name) => contract.Spec.fromWasm(readFileSync(join(WASM, `urja_${name}.wasm`)));
  const wallet = { signTransaction: async (x) => x };
  const config = { passphrase: "Test", rpc_url: "http://127.0.0.1:1" };
  const me = Keypair.random().publicKey();
  const market = new MarketClient(clientOptions(config, wallet, "CA" + "A".repeat(54), me));
  const registry = new RegistryClient(clientOptions(config, wallet, "CA" + "A".repeat(54), me));
  const same = (a, b) => expect(a.map((v) => v.toXDR("base64"))).toEqual(b.map((v) => v.toXDR("base64")));
  it("the committed bindings are the generator's output for today's contracts", () => {
    const r = bindings();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 60000);
  it("a contract whose interface changed fails the check, naming the stale files", () => {
    // The registry's WASM in the market's place: every market binding is stale.
    const dir = mkdtempSync(join(tmpdir(), "urja-wasm-"));
    copyFileSync(join(WASM, "urja_registry.wasm"), join(dir, "urja_market.wasm"));
    copyFileSync(join(WASM, "urja_registry.wasm"), join(dir, "urja_registry.wasm"));
    const r = bindings("--wasm-dir", dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/src\/contracts\/market\/client\.ts.*differ.*make web-bindings/);
    expect(r.stderr).not.toMatch(/registry/);
  }, 60000);
  it("orders, cancel, withdraw and accept_meter encode as the WASM's spec encodes them", () => {
    const m = spec("market");
    const meter = "c0".repeat(32);
    for (const [side, order] of [
      ["sell", { slot: 12, wh: 300, price: 4, meter }],
      ["buy", { slot: 12, wh: 200, price: 8 }],
      ["sell", { slot: 12, wh: 300, price: 4, meter, slots: 3 }],
      ["buy", { slot: 12, wh: 200, price: 8, slots: 3 }],
    ]) {
      const [fn, args] = orderCall(side, me, order);
      same(market.spec.funcArgsToScVals(fn, args), m.funcArgsToScVals(fn, args));
    }
    same(market.spec.funcArgsToScVals("cancel", { owner: me, order_id: 3n }), m.funcArgsToScVals("cancel", { owner: me, order_id: 3n }));
    same(market.spec.funcArgsToScVals("withdraw", { owner: me }), m.funcArgsToScVals("withdraw", { owner: me }));
    const id = { meter_id: meterBytes(meter) };
    same(registry.spec.funcArgsToScVals("accept_meter", id), spec("registry").funcArgsToScVals("accept_meter", id));
  });
  it("the order event's data ends with the offer's meter", () => {
    const fields = market.spec.entries
      .filter((e) => e.type === "scSpecEntryEventV0")
      .map((e) => e.value)
      .find((e) => e.name.toString() === "OrderPlaced")
      .params.map((p) => p.name.toString());
    expect(fields.at(-1)).toBe("meter");
  });
});

describe("development wallet", () => {
  it("is funded by friendbot, kept in storage and signs", async () => {
    const store = new Map();
    const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v), removeItem: (k) => store.delete(k) };
    let asked = null;
    const w = await DevWallet.create("http://fb/friendbot", storage, async (url) => ((asked = url), { ok: true }));
    expect(asked).toContain(await w.address());
    expect((await DevWallet.load(storage).address())).toBe(await w.address());
    DevWallet.forget(storage);
    expect(DevWallet.load(storage)).toBeNull();
    await expect(DevWallet.create("http://fb", storage, async () => ({ ok: false, status: 400 }))).rejects.toThrow(/friendbot/);
  });
});
