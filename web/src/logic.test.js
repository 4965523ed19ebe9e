import { Keypair } from "@stellar/stellar-sdk";
import { describe, expect, it } from "vitest";

import { HISTORY_COLUMNS, historyRows, toCsv } from "./csv.js";
import { curve, forecast } from "./curves.js";
import { contractError, explain } from "./errors.js";
import { energy, money, short } from "./format.js";
import { orderArgs } from "./market.js";
import { openSlots, orderProblem, times } from "./slots.js";
import { DevWallet } from "./wallet.js";

const M = { slot_secs: 900, gate_lead_secs: 300, horizon_slots: 4, price_floor: 1, price_cap: 1000 };

describe("contract errors in words", () => {
  it("names market errors from the generated table", () => {
    expect(contractError("HostError: Error(Contract, #4)").name).toBe("SlotClosed");
    expect(explain(new Error("HostError: Error(Contract, #6) ..."))).toMatch(/not a member/);
    expect(explain(new Error("Error(Contract, #8)"))).toMatch(/donors offer, receivers bid/);
    expect(contractError("Error(Contract, #99)").text).toBe("Contract error #99.");
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
  it("quotes fields per RFC 4180", () => {
    const csv = toCsv([{ a: 'x,"y"', b: 1 }], ["a", "b"]);
    expect(csv).toBe('a,b\r\n"x,""y""",1\r\n');
    expect(toCsv(historyRows(account, 8), HISTORY_COLUMNS).split("\r\n")[0]).toBe(HISTORY_COLUMNS.join(","));
  });
});

describe("formatting and encoding", () => {
  it("formats energy and money", () => {
    expect(energy(950)).toBe("950 Wh");
    expect(energy(1250)).toBe("1.25 kWh");
    expect(money(25_000_000)).toBe("2.5 XLM");
    expect(short("GABCDEFGHIJKLMNOP")).toBe("GABC…MNOP");
  });
  it("encodes order arguments as the market expects", () => {
    const kp = Keypair.random();
    const args = orderArgs(kp.publicKey(), 10, 300, 4);
    expect(args.map((a) => a.constructor.name)).toEqual(["ScValAddress", "ScValU64", "ScValI128", "ScValI128"]);
    expect(args[1].toXDR("base64")).toBe("AAAABQAAAAAAAAAK"); // u64 10
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
