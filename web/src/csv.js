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

/** A household's history rows, newest ledger first: one per trade, from its side (what the
 * trade credited it inside the market: `earned` for a sale, `refund` for a purchase), and one
 * per withdrawal of its credit to its wallet (`withdrawn`). */
export function historyRows(account, grid_tariff) {
  const trades = account.trades.map((t) => {
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
      withdrawn: 0,
      ledger: t.ledger,
    };
  });
  const withdrawals = (account.withdrawals || []).map((w) => ({
    slot: "",
    trade_id: "",
    side: "withdrawal",
    counterparty: "",
    matched_wh: 0,
    delivered_wh: 0,
    price: "",
    state: "withdrawn",
    earned: 0,
    spent: 0,
    refund: 0,
    saving_vs_grid: 0,
    withdrawn: w.amount,
    ledger: w.ledger,
  }));
  return [...trades, ...withdrawals].sort((a, b) => b.ledger - a.ledger);
}

export const HISTORY_COLUMNS = [
  "slot", "trade_id", "side", "counterparty", "matched_wh", "delivered_wh", "price", "state",
  "earned", "spent", "refund", "saving_vs_grid", "withdrawn", "ledger",
];

/** Escrow a household's bids still hold in the market: the unmatched part of each open bid
 * plus the share of its trades still waiting for delivery (delivered, expired and released
 * escrow has gone to the donor or been credited back). */
export function heldEscrow(orders, trades) {
  const waiting = new Map();
  for (const t of trades) if (t.state === "matched") waiting.set(t.buy, (waiting.get(t.buy) || 0) + t.wh);
  return orders
    .filter((o) => o.side === "buy" && o.status === "open")
    .reduce((s, o) => s + ((o.wh - o.filled) + (waiting.get(o.id) || 0)) * o.price, 0);
}
