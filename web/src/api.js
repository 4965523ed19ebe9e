// The orchestrator's read API (docs/api.md). Same origin: the app is served by `urja serve`.

async function get(path) {
  const r = await fetch(path);
  if (!r.ok) {
    let detail = `${r.status}`;
    try {
      detail = (await r.json()).detail || detail;
    } catch {
      /* not JSON */
    }
    throw new Error(`${path}: ${detail}`);
  }
  return r.json();
}

export const api = {
  config: () => get("/api/config"),
  status: () => get("/api/status"),
  slots: (limit = 20) => get(`/api/slots?limit=${limit}`),
  book: (slot) => get(`/api/slots/${slot}/book`),
  account: (address) => get(`/api/accounts/${address}`),
  credit: (address) => get(`/api/accounts/${address}/credit`),
  grid: (limit = 20) => get(`/api/grid?limit=${limit}`),
  kpi: () => get("/api/kpi"),
};
