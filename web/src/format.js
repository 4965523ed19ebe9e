// Numbers as households read them: energy in kWh, money in the payment asset's units.

/** Energy: Wh below 1 kWh, else kWh with up to two decimals. */
export function energy(wh) {
  if (wh === null || wh === undefined) return "–";
  if (Math.abs(wh) < 1000) return `${wh} Wh`;
  return `${(wh / 1000).toFixed(2)} kWh`;
}

/** Money from base units (stroops for XLM: 10^7 per unit). */
export function money(units, payment = { symbol: "XLM", decimals: 7 }) {
  if (units === null || units === undefined) return "–";
  const v = Number(units) / 10 ** payment.decimals;
  const digits = Math.abs(v) >= 1 ? 2 : Math.min(payment.decimals, 7);
  return `${v.toFixed(digits).replace(/\.?0+$/, "") || "0"} ${payment.symbol}`;
}

/** A price per Wh in base units, as "N stroops/Wh" style text. */
export function price(p) {
  return p === null || p === undefined ? "–" : `${p} per Wh`;
}

/** Shortens an address or hash for display: GABC…WXYZ. */
export function short(s, n = 4) {
  if (!s) return "";
  return s.length <= 2 * n + 1 ? s : `${s.slice(0, n)}…${s.slice(-n)}`;
}

/** A unix time as local HH:MM:SS. */
export function clock(unix) {
  return new Date(unix * 1000).toLocaleTimeString();
}
