// Small dependency-free SVG charts: supply/demand step curves and bars.

const W = 360;
const H = 200;
const PAD = 32;

function scale(max, size) {
  return (v) => (max > 0 ? (v / max) * size : 0);
}

/** Supply (green, rising) and demand (blue, falling) step curves with the clearing price. */
export function SupplyDemand({ supply, demand, price }) {
  const maxWh = Math.max(1, ...supply.map((p) => p.cum_wh), ...demand.map((p) => p.cum_wh));
  const maxP = Math.max(1, ...supply.map((p) => p.price), ...demand.map((p) => p.price)) * 1.1;
  const x = scale(maxWh, W - 2 * PAD);
  const y = scale(maxP, H - 2 * PAD);
  const path = (pts) => {
    let d = "";
    let prev = 0;
    for (const p of pts) {
      const yy = H - PAD - y(p.price);
      d += `${d ? "L" : "M"}${PAD + x(prev)},${yy} L${PAD + x(p.cum_wh)},${yy} `;
      prev = p.cum_wh;
    }
    return d;
  };
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Supply and demand curves" className="chart">
      <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} stroke="#888" />
      <line x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} stroke="#888" />
      <path d={path(supply)} stroke="#2a8a2a" fill="none" strokeWidth="2" data-testid="supply" />
      <path d={path(demand)} stroke="#2255cc" fill="none" strokeWidth="2" data-testid="demand" />
      {price != null && (
        <>
          <line x1={PAD} x2={W - PAD} y1={H - PAD - y(price)} y2={H - PAD - y(price)}
            stroke="#cc3333" strokeDasharray="4 3" />
          <text x={W - PAD + 2} y={H - PAD - y(price) + 3} fontSize="10" fill="#cc3333">{price}</text>
        </>
      )}
      <text x={PAD - 4} y={H - PAD - y(maxP / 1.1) + 3} fontSize="10" textAnchor="end">{Math.round(maxP / 1.1)}</text>
      <text x={PAD - 4} y={H - PAD + 3} fontSize="10" textAnchor="end">0</text>
      <text x={W / 2} y={H - 6} fontSize="10" textAnchor="middle">cumulative Wh (max {maxWh})</text>
      <text x={4} y={PAD - 8} fontSize="10">price/Wh</text>
    </svg>
  );
}

/** Vertical bars with labels; `limit` draws a dashed capacity line. */
export function Bars({ items, label, limit }) {
  const max = Math.max(limit || 0, ...items.map((i) => i.value)) || 1;
  const bw = (W - 2 * PAD) / Math.max(1, items.length);
  const y = scale(max, H - 2 * PAD);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} className="chart">
      {items.map((it, i) => (
        <g key={it.key}>
          <rect x={PAD + i * bw + 2} width={Math.max(1, bw - 4)} y={H - PAD - y(it.value)}
            height={y(it.value)} fill={it.color || "#8a8a2a"}>
            <title>{`${it.key}: ${Number(it.value.toPrecision(4))}`}</title>
          </rect>
        </g>
      ))}
      {limit ? (
        <line x1={PAD} x2={W - PAD} y1={H - PAD - y(limit)} y2={H - PAD - y(limit)}
          stroke="#cc3333" strokeDasharray="4 3" />
      ) : null}
      <text x={PAD - 4} y={PAD + 3} fontSize="10" textAnchor="end">{Number(max.toPrecision(3))}</text>
      <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} stroke="#888" />
      <text x={W / 2} y={H - 6} fontSize="10" textAnchor="middle">{label}</text>
    </svg>
  );
}
