// The Community view against a mocked /api/kpi in the shape orchestrator/urja/kpi.py's
// `report` returns (tests/agent/test_cli_api.py::test_read_api_kpi serves it).
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { amount, CommunityView, share } from "./kpi.jsx";

const DOC = {
  units: { energy: "kWh", money: "₹", power: "kW", co2: "kg", days: "local dates in Asia/Kolkata" },
  emission_factor_kg_per_kwh: 0.7117,
  community: [
    { day: "2025-03-20", households: 2, consumption_kwh: 3, pv_kwh: 1, grid_import_kwh: 2, grid_export_kwh: 0, traded_kwh: 0.5, self_sufficiency: 0.3333, self_consumption: 1, saved: 0.4, peak_import_kw: 1.5, co2_avoided_kg: 0.7117, gini_saved: 0.5, better_off: 1, worse_off: 0 },
    { day: "2025-03-21", households: 2, consumption_kwh: 2, pv_kwh: 2, grid_import_kwh: 0.5, grid_export_kwh: 0.5, traded_kwh: 1, self_sufficiency: 0.75, self_consumption: 0.75, saved: 0, peak_import_kw: 2, co2_avoided_kg: 1.06755, gini_saved: null, better_off: 1, worse_off: 1 },
  ],
  households: [
    { household: "donor", day: "2025-03-20", consumption_kwh: 1, pv_kwh: 1, grid_import_kwh: 0, grid_export_kwh: 0, bought_kwh: 0, sold_kwh: 0.5, self_sufficiency: 1, self_consumption: 1, cost: -1, grid_only_cost: -0.6, saved: 0.4, peak_import_kw: 0, co2_avoided_kg: 0.7117 },
    { household: "donor", day: "2025-03-21", consumption_kwh: 0.5, pv_kwh: 2, grid_import_kwh: 0, grid_export_kwh: 0.5, bought_kwh: 0, sold_kwh: 1, self_sufficiency: 1, self_consumption: 0.75, cost: -6, grid_only_cost: -4.5, saved: 1.5, peak_import_kw: 0, co2_avoided_kg: 0.35585 },
    { household: "home", day: "2025-03-21", consumption_kwh: 1.5, pv_kwh: 0, grid_import_kwh: 0.5, grid_export_kwh: 0, bought_kwh: 1, sold_kwh: 0, self_sufficiency: 0.6667, self_consumption: null, cost: 6, grid_only_cost: 4.5, saved: -1.5, peak_import_kw: 2, co2_avoided_kg: 0.7117 },
  ],
};

function serve(body, status = 200) {
  vi.stubGlobal("fetch", vi.fn(async (url) => {
    expect(url).toBe("/api/kpi");
    return { ok: status === 200, status, json: async () => body };
  }));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("community view", () => {
  it("shows each day's KPIs and the households of the latest day, with units", async () => {
    serve(DOC);
    render(<CommunityView version={0} />);
    const days = await screen.findAllByTestId("kpi-day");
    expect(days).toHaveLength(2);
    expect(days[1].textContent).toContain("75 %");
    expect(days[1].textContent).toContain("1.07 kg");
    expect(days[1].textContent).toContain("1 / 1");
    const homes = screen.getAllByTestId("kpi-household");
    expect(homes.map((h) => within(h).getAllByRole("cell")[0].textContent)).toEqual(["donor", "home"]);
    expect(homes[1].textContent).toContain("-1.50 ₹"); // worse off than grid-only, shown as such
    expect(screen.getByRole("table", { name: /Households on 2025-03-21/ })).toBeTruthy();
  });

  it("says when no agent has recorded flows yet", async () => {
    serve({ detail: "no agent flows recorded yet (urja agent run writes them)" }, 404);
    render(<CommunityView version={0} />);
    expect((await screen.findByRole("note")).textContent).toMatch(/appear once households' agents/);
  });

  it("formats shares and amounts, leaving undefined ones blank", () => {
    expect([share(0.6667), share(null), amount(2, "kW"), amount(-1.5, "₹", true), amount(null, "kg")])
      .toEqual(["67 %", "–", "2 kW", "-1.50 ₹", "–"]);
  });
});
