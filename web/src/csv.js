// History export: RFC 4180 CSV (quotes doubled, fields with commas/quotes/newlines quoted).

function field(v) {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of `rows` with the given column keys as header. */
export function toCsv(rows, columns) {
  const lines = [columns.join(",")];
  for (const r of rows) lines.push(columns.map((c) => field(r[c])).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** A household's trades as history rows (one per trade, from its side). */
export function historyRows(account, grid_tariff) {
  return account.trades.map((t) => {
    const sold = t.seller === account.address;
    return {
      slot: t.slot,
      trade_id: t.trade_id,
      side: sold ? "sold" : "bought",
      counterparty: sold ? t.buyer : t.seller,
      matched_wh: t.wh,
      delivered_wh: t.delivered_wh,
      price: t.price,
      state: t.state,
      earned: sold ? t.paid : 0,
      spent: sold ? 0 : t.delivered_wh * t.price,
      refund: sold ? 0 : t.refund,
      saving_vs_grid: sold ? 0 : t.delivered_wh * (grid_tariff - t.price),
    };
  });
}

export const HISTORY_COLUMNS = [
  "slot", "trade_id", "side", "counterparty", "matched_wh", "delivered_wh", "price", "state",
  "earned", "spent", "refund", "saving_vs_grid",
];
