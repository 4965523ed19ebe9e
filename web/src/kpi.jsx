// The Community view: what the market did for the community and each household, per local
// day (`GET /api/kpi`, computed by orchestrator/urja/kpi.py from the agents' recorded flows).
import { api } from "./api.js";
import { useLive } from "./views.jsx";

/** A share (0..1) as a percentage, "–" when undefined (e.g. self-consumption without PV). */
export function share(x) {
  return x === null || x === undefined ? "–" : `${Math.round(x * 100)} %`;
}

/** A KPI number with its unit: money to two decimals ("1.50 ₹"), others to two at most. */
export function amount(x, unit, money = false) {
  if (x === null || x === undefined) return "–";
  return money ? `${x.toFixed(2)} ${unit}` : `${Math.round(x * 100) / 100} ${unit}`;
}

/** The community's KPIs per day and each household's for the chosen (latest) day. */
export function CommunityView({ version }) {
  const [doc, error] = useLive(() => api.kpi(), [version]);
  if (error) {
    return (
      <section aria-labelledby="kpi-h">
        <h2 id="kpi-h">What the market did</h2>
        <p role="note" className="note">
          {/no agent flows/.test(error)
            ? "No results yet: they appear once households' agents (urja agent run) have finished slots."
            : error}
        </p>
      </section>
    );
  }
  if (!doc) return <p>Loading…</p>;
  const u = doc.units;
  const days = doc.community;
  const last = days[days.length - 1]?.day;
  const homes = doc.households.filter((h) => h.day === last);
  return (
    <section aria-labelledby="kpi-h">
      <h2 id="kpi-h">What the market did</h2>
      <table>
        <caption>The community, per day ({u.days})</caption>
        <thead>
          <tr><th>day</th><th>households</th><th>used</th><th>solar</th><th>traded</th><th>self-sufficiency</th>
            <th>self-consumption</th><th>saved vs grid only</th><th>peak grid import</th><th>CO₂ avoided</th>
            <th>better / worse off</th><th>savings spread (Gini)</th></tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day} data-testid="kpi-day">
              <td>{d.day}</td><td>{d.households}</td><td>{amount(d.consumption_kwh, u.energy)}</td>
              <td>{amount(d.pv_kwh, u.energy)}</td><td>{amount(d.traded_kwh, u.energy)}</td>
              <td>{share(d.self_sufficiency)}</td><td>{share(d.self_consumption)}</td>
              <td>{amount(d.saved, u.money, true)}</td><td>{amount(d.peak_import_kw, u.power)}</td>
              <td>{amount(d.co2_avoided_kg, u.co2)}</td><td>{d.better_off} / {d.worse_off}</td>
              <td>{d.gini_saved == null ? "–" : d.gini_saved.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {last && (
        <table>
          <caption>Households on {last}</caption>
          <thead>
            <tr><th>household</th><th>used</th><th>solar</th><th>bought</th><th>sold</th><th>self-sufficiency</th>
              <th>cost</th><th>grid only</th><th>saved</th><th>peak grid import</th><th>CO₂ avoided</th></tr>
          </thead>
          <tbody>
            {homes.map((h) => (
              <tr key={h.household} data-testid="kpi-household">
                <td>{h.household}</td><td>{amount(h.consumption_kwh, u.energy)}</td><td>{amount(h.pv_kwh, u.energy)}</td>
                <td>{amount(h.bought_kwh, u.energy)}</td><td>{amount(h.sold_kwh, u.energy)}</td>
                <td>{share(h.self_sufficiency)}</td><td>{amount(h.cost, u.money, true)}</td>
                <td>{amount(h.grid_only_cost, u.money, true)}</td>
                <td className={h.saved < 0 ? "warn" : undefined}>{amount(h.saved, u.money, true)}</td>
                <td>{amount(h.peak_import_kw, u.power)}</td><td>{amount(h.co2_avoided_kg, u.co2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>CO₂ avoided counts consumption not drawn from the grid at {doc.emission_factor_kg_per_kwh} kg per kWh.</p>
    </section>
  );
}
