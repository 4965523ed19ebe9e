// Supply and demand step curves and the forecast of a donor's surplus.

/** Cumulative step points [{price, cum_wh}]: supply by rising price, demand by falling. */
export function curve(orders, side) {
  const rows = orders
    .filter((o) => o.side === side && o.status !== "cancelled")
    .sort((a, b) => (side === "buy" ? b.price - a.price : a.price - b.price));
  const out = [];
  let cum = 0;
  for (const o of rows) {
    cum += o.wh;
    if (out.length && out[out.length - 1].price === o.price) out[out.length - 1].cum_wh = cum;
    else out.push({ price: o.price, cum_wh: cum });
  }
  return out;
}

/** Forecast surplus for the next slot: the mean of the household's last `n` proven deliveries
 * (null without history). */
export function forecast(deliveries, n = 4) {
  const recent = [...deliveries].sort((a, b) => b.slot - a.slot).slice(0, n);
  if (!recent.length) return null;
  return Math.round(recent.reduce((s, d) => s + d.energy_wh, 0) / recent.length);
}
