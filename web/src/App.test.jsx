import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import App from "./App.jsx";

const CONFIG = {
  network: "local", rpc_url: "http://127.0.0.1:8000", passphrase: "P", friendbot_url: "http://fb",
  dev_wallet: true, contracts: { market: "CMARKET" }, grid_tariff: 8, feeders: [{ id: 0, capacity_wh: 5000 }],
  market: { slot_secs: 15, gate_lead_secs: 5, delivery_deadline_secs: 600, horizon_slots: 100, price_floor: 1, price_cap: 1000, fee_bps: 100 },
  payment: { symbol: "XLM", decimals: 7 },
};
const ROUTES = {
  "/api/config": CONFIG,
  "/api/status": { latest_ledger: 9, ledger_time: 1500, current_slot: 100, next_open_slot: 101, indexed_ledger: 9, events: 3 },
  "/api/slots?limit=16": [{ slot: 99, status: "done", offers: 2, bids: 2, cleared_wh: 450, price: 5, delivered_wh: 400, trades: 3 }],
  "/api/slots/99/book": { slot: 99, offers: [], bids: [], supply: [{ price: 4, cum_wh: 300 }], demand: [{ price: 8, cum_wh: 250 }], clearing_price: 5 },
  "/api/grid?limit=8": [{ slot: 99, feeder: 0, export_wh: 450, import_wh: 0, capacity_wh: 5000, flags: [], details: [] }],
};

beforeEach(() => {
  localStorage.clear();
  vi.stubGlobal("fetch", vi.fn(async (url) => {
    const body = ROUTES[url];
    return body === undefined
      ? { ok: false, status: 404, json: async () => ({ detail: "nope" }) }
      : { ok: true, json: async () => body };
  }));
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("App", () => {
  it("shows the market dashboard from the API", async () => {
    render(<App />);
    expect(await screen.findByText(/community solar market · local/)).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("clearing-price").textContent).toMatch(/0\.0005 XLM\/kWh/));
    expect(screen.getByRole("img", { name: "Supply and demand curves" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Create development wallet" })).toBeTruthy();
  });

  it("asks a household without a wallet or membership to get one", async () => {
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "Sell" }));
    expect(screen.getByRole("note").textContent).toMatch(/Create or connect a wallet/);
  });

  it("reports an unreachable orchestrator in words", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => { throw new TypeError("Failed to fetch"); }));
    render(<App />);
    expect(await screen.findByText(/network cannot be reached/)).toBeTruthy();
  });
});
