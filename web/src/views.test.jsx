// The household views against a mocked read API, with the contract calls (market.js, whose
// encodings logic.test.js checks) replaced by recorders: every action shows its network fee
// and sends only after "Sign and send".
import { Keypair } from "@stellar/stellar-sdk";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import table from "../../orchestrator/urja/data/contract_errors.json";
import App from "./App.jsx";
import { prepareAcceptMeter, prepareOrder, prepareWithdraw } from "./market.js";

vi.mock("./market.js", () => ({
  prepareOrder: vi.fn(),
  prepareCancel: vi.fn(),
  prepareWithdraw: vi.fn(),
  prepareAcceptMeter: vi.fn(),
}));

const KP = Keypair.random();
const ME = KP.publicKey();
const NEIGHBOUR = Keypair.random().publicKey();
const M1 = "a1".repeat(32);
const M2 = "b2".repeat(32);
const CONFIG = {
  network: "local", rpc_url: "http://127.0.0.1:8000", passphrase: "P", friendbot_url: "http://fb",
  dev_wallet: true, contracts: { market: "CMARKET", registry: "CREGISTRY" }, grid_tariff: 8,
  feeders: [{ id: 0, capacity_wh: 5000 }],
  market: { slot_secs: 15, gate_lead_secs: 5, delivery_deadline_secs: 600, horizon_slots: 100, price_floor: 1, price_cap: 1000, fee_bps: 100 },
  payment: { symbol: "XLM", decimals: 7 }, time_zone: "Asia/Kolkata",
};
const meter = (id, status) => ({
  meter: id, owner: ME, feeder: 0, max_wh_per_minute: 100, status,
  accepted: status !== "pending", active: status === "active", since: 1_700_000_000,
});
const TOTALS = { sold_wh: 200, bought_wh: 0, earned: 1188, spent: 0, refunded: 0, credited: 1188, withdrawn: 1000, kwh_received_wh: 0, savings: 0 };

let routes;
function account(over = {}) {
  return {
    address: ME, member: { role: "donor", feeder: 0, active: true }, meters: [], orders: [],
    trades: [], deliveries: [], withdrawals: [], totals: TOTALS, ...over,
  };
}

beforeEach(() => {
  localStorage.clear();
  localStorage.setItem("urja.devwallet.secret", KP.secret());
  routes = {
    "/api/config": CONFIG,
    "/api/status": { latest_ledger: 9, ledger_time: 1500, current_slot: 100, next_open_slot: 101, indexed_ledger: 9, events: 3 },
    "/api/slots?limit=16": [],
    "/api/grid?limit=8": [],
    [`/api/accounts/${ME}`]: account(),
    [`/api/accounts/${ME}/credit`]: { address: ME, credit: 188, ledger: 9, ledger_time: 1500, withdrawn: 1000, withdrawals: [] },
  };
  vi.stubGlobal("fetch", vi.fn(async (url) => {
    const body = routes[url];
    return body === undefined
      ? { ok: false, status: 404, json: async () => ({ detail: "nope" }) }
      : { ok: true, json: async () => body };
  }));
  for (const f of [prepareOrder, prepareWithdraw, prepareAcceptMeter]) f.mockReset();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** A prepared call that records whether it was sent. */
function prepared(fee, result) {
  const p = { fee, sent: 0, send: vi.fn(async () => ((p.sent += 1), result)) };
  return p;
}

async function openTab(name) {
  render(<App />);
  fireEvent.click(await screen.findByRole("button", { name }));
}

describe("donor view", () => {
  it("shows a pending meter with its Accept action, the fee before signing, and why", async () => {
    routes[`/api/accounts/${ME}`] = account({ meters: [meter(M1, "pending")] });
    const p = prepared(12345n, null);
    prepareAcceptMeter.mockResolvedValue(p);
    await openTab("Sell");
    const row = await screen.findByTestId("meter");
    expect(row.textContent).toMatch(/waiting for your acceptance/);
    expect(screen.getByText(/only once you accept it with your wallet's signature/)).toBeTruthy();
    expect(screen.queryByRole("form", { name: "place offer" })).toBeNull();
    expect(screen.getByText(/accept it above/)).toBeTruthy();
    fireEvent.click(within(row).getByRole("button", { name: /^Accept meter a1a1a1/ }));
    const confirm = await screen.findByRole("group", { name: /confirm Accept meter/ });
    expect(prepareAcceptMeter).toHaveBeenCalledWith(CONFIG, expect.anything(), M1);
    expect(within(confirm).getByTestId("network-fee").textContent).toMatch(/network fee up to 0\.0012345 XLM/);
    expect(p.sent).toBe(0);
    fireEvent.click(within(confirm).getByRole("button", { name: "Sign and send" }));
    expect(await screen.findByText(/accepted: it can now deliver/)).toBeTruthy();
    expect(p.sent).toBe(1);
  });

  it("offers from the only active meter by default and sends only after Sign and send", async () => {
    routes[`/api/accounts/${ME}`] = account({ meters: [meter(M2, "suspended"), meter(M1, "active")] });
    const p = prepared(20000n, 5n);
    prepareOrder.mockResolvedValue(p);
    await openTab("Sell");
    const form = await screen.findByRole("form", { name: "place offer" });
    const choice = within(form).getByLabelText("Meter");
    expect(choice.value).toBe(M1);
    expect(within(choice).getAllByRole("option")).toHaveLength(1); // the suspended one is not offered
    fireEvent.change(within(form).getByLabelText("Energy (kWh)"), { target: { value: "0.25" } });
    expect(within(form).getByLabelText("Lowest price (XLM/kWh)").value).toBe("0.0004");
    fireEvent.click(within(form).getByRole("button", { name: "Place offer" }));
    const confirm = await within(form).findByRole("group", { name: "confirm Place offer" });
    expect(prepareOrder).toHaveBeenCalledWith(CONFIG, expect.anything(), "sell", { slot: 102, wh: 250, price: 4, meter: M1, slots: 1 });
    expect(confirm.textContent).toMatch(/0\.002 XLM/);
    expect(within(form).getByLabelText("Energy (kWh)").matches(":disabled")).toBe(true); // what is signed is what is shown
    expect(p.sent).toBe(0);
    fireEvent.click(within(confirm).getByRole("button", { name: "Sign and send" }));
    expect((await within(form).findByRole("status")).textContent).toBe("Offer 5 placed for 05:55:30–05:55:45.");
  });

  it("tells a donor without any meter to ask the operator", async () => {
    await openTab("Sell");
    expect((await screen.findAllByRole("note")).some((n) => /no meter yet/.test(n.textContent))).toBe(true);
  });

  it("Back leaves the action unsent", async () => {
    routes[`/api/accounts/${ME}`] = account({ meters: [meter(M1, "pending")] });
    const p = prepared(100n, null);
    prepareAcceptMeter.mockResolvedValue(p);
    await openTab("Sell");
    fireEvent.click(await screen.findByRole("button", { name: /^Accept meter/ }));
    fireEvent.click(await screen.findByRole("button", { name: "Back" }));
    await waitFor(() => expect(screen.queryByRole("group", { name: /confirm/ })).toBeNull());
    expect(p.sent).toBe(0);
  });
});

describe("receiver view", () => {
  it("takes a bid in kWh and XLM/kWh, shows its escrow, and refuses a price finer than the chain's step", async () => {
    routes[`/api/accounts/${ME}`] = account({ member: { role: "receiver", feeder: 0, active: true } });
    prepareOrder.mockResolvedValue(prepared(20000n, 6n));
    await openTab("Buy");
    const form = await screen.findByRole("form", { name: "place bid" });
    fireEvent.change(within(form).getByLabelText("Energy (kWh)"), { target: { value: "1.5" } });
    fireEvent.change(within(form).getByLabelText("Highest price (XLM/kWh)"), { target: { value: "0.00075" } });
    fireEvent.click(within(form).getByRole("button", { name: "Place bid" }));
    expect((await within(form).findByRole("alert")).textContent).toMatch(/"0\.00075" is not a whole number of steps of 0\.0001 XLM\/kWh/);
    expect(prepareOrder).not.toHaveBeenCalled();
    fireEvent.change(within(form).getByLabelText("Highest price (XLM/kWh)"), { target: { value: "0.0008" } });
    // 1,500 Wh at 8 stroops per Wh.
    expect(within(form).getByTestId("escrow").textContent).toMatch(/Locks 0\.0012 XLM in escrow/);
    fireEvent.click(within(form).getByRole("button", { name: "Place bid" }));
    await within(form).findByRole("group", { name: "confirm Place bid" });
    expect(prepareOrder).toHaveBeenCalledWith(CONFIG, expect.anything(), "buy", expect.objectContaining({ wh: 1500, price: 8 }));
  });
});

describe("standing orders", () => {
  it("a bid for several slots in a row locks escrow for each and is one transaction", async () => {
    routes[`/api/accounts/${ME}`] = account({ member: { role: "receiver", feeder: 0, active: true } });
    const p = prepared(20000n, 7n);
    prepareOrder.mockResolvedValue(p);
    await openTab("Buy");
    const form = await screen.findByRole("form", { name: "place bid" });
    const repeat = within(form).getByLabelText("Slots in a row");
    // Slot 102 of a 100-slot horizon from slot 100: at most 99 slots, offered as 1, 2, 4, ... 64, 99.
    expect(within(repeat).getAllByRole("option").map((o) => o.value)).toEqual(["1", "2", "4", "8", "16", "32", "64", "99"]);
    fireEvent.change(repeat, { target: { value: "4" } });
    expect(within(repeat).getByRole("option", { selected: true }).textContent).toBe("4 slots, until 05:56:30");
    fireEvent.change(within(form).getByLabelText("Energy in each slot (kWh)"), { target: { value: "0.5" } });
    fireEvent.change(within(form).getByLabelText("Highest price (XLM/kWh)"), { target: { value: "0.0008" } });
    // 500 Wh at 8 stroops per Wh in each of 4 slots.
    expect(within(form).getByTestId("escrow").textContent).toMatch(/Locks 0\.0016 XLM in escrow until its last slot is delivered/);
    fireEvent.click(within(form).getByRole("button", { name: "Place bid" }));
    const confirm = await within(form).findByRole("group", { name: "confirm Place bid" });
    expect(prepareOrder).toHaveBeenCalledWith(CONFIG, expect.anything(), "buy", { slot: 102, wh: 500, price: 8, meter: undefined, slots: 4 });
    fireEvent.click(within(confirm).getByRole("button", { name: "Sign and send" }));
    expect((await within(form).findByRole("status")).textContent).toBe("Bid 7 placed for 4 slots from 05:55:30–05:55:45 to 05:56:15–05:56:30.");
    expect(p.sent).toBe(1);
  });
  it("lists a standing order with the slots it stands for and its amount in each", async () => {
    const order = { id: 7, side: "buy", slot: 102, slots: 4, wh: 500, price: 8, filled: 0, status: "open" };
    routes[`/api/accounts/${ME}`] = account({ member: { role: "receiver", feeder: 0, active: true }, orders: [order] });
    await openTab("Buy");
    const row = (await screen.findByRole("button", { name: "Cancel order 7" })).closest("tr");
    expect(row.textContent).toMatch(/05:55:30–05:55:45 and 3 more, to 05:56:15–05:56:30/);
    expect(row.textContent).toMatch(/0\.5 kWh each/);
  });
});

describe("credit and withdrawal", () => {
  it("shows the credit waiting and withdraws it after showing the fee", async () => {
    const p = prepared(15000n, 188n);
    prepareWithdraw.mockResolvedValue(p);
    await openTab("Buy");
    await waitFor(() => expect(screen.getByTestId("credit").textContent).toBe("0.0000188 XLM"));
    fireEvent.click(screen.getByRole("button", { name: "Withdraw" }));
    const confirm = await screen.findByRole("group", { name: "confirm Withdraw" });
    expect(confirm.textContent).toMatch(/network fee up to 0\.0015 XLM/);
    routes[`/api/accounts/${ME}/credit`] = { ...routes[`/api/accounts/${ME}/credit`], credit: 0 };
    fireEvent.click(within(confirm).getByRole("button", { name: "Sign and send" }));
    expect(await screen.findByText("Withdrew 0.0000188 XLM to your wallet.")).toBeTruthy();
    expect(p.sent).toBe(1);
    await waitFor(() => expect(screen.getByTestId("credit").textContent).toBe("0 XLM"));
    expect(screen.getByRole("button", { name: "Withdraw" }).disabled).toBe(true);
  });

  it("explains a refused withdrawal in words", async () => {
    const [code] = Object.entries(table.market).find(([, e]) => e.name === "NothingToWithdraw");
    prepareWithdraw.mockRejectedValue(new Error(`HostError: Error(Contract, #${code})`));
    await openTab("Sell");
    await waitFor(() => expect(screen.getByTestId("credit").textContent).toBe("0.0000188 XLM"));
    fireEvent.click(screen.getByRole("button", { name: "Withdraw" }));
    expect((await screen.findByRole("alert")).textContent).toBe("There is no credit to withdraw yet.");
  });
});

describe("history", () => {
  it("lists withdrawals with the trades and totals", async () => {
    routes[`/api/accounts/${ME}`] = account({
      trades: [{ trade_id: 1, slot: 40, buyer: NEIGHBOUR, seller: ME, wh: 200, delivered_wh: 200, price: 6, state: "delivered", paid: 1188, fee: 12, refund: 0, ledger: 16 }],
      withdrawals: [{ amount: 1000, ledger: 20, ledger_time: 1600, tx_hash: "ab" }],
    });
    await openTab("History");
    await waitFor(() => expect(screen.getByTestId("withdrawn").textContent).toBe("0.0001 XLM"));
    const rows = screen.getAllByRole("row").slice(1).map((r) => r.textContent);
    expect(rows[0]).toMatch(/withdrawal/);
    expect(rows[1]).toMatch(/sold/);
  });
});
