// The four views: market dashboard, donor (sell), receiver (buy) and history.
import { useEffect, useState } from "react";

import { api } from "./api.js";
import { Bars, SupplyDemand } from "./Chart.jsx";
import { HISTORY_COLUMNS, historyRows, toCsv } from "./csv.js";
import { forecast } from "./curves.js";
import { explain } from "./errors.js";
import { clock, energy, money, price, short } from "./format.js";
import { cancelOrder, placeOrder } from "./market.js";
import { openSlots, orderProblem, times } from "./slots.js";

/** Fetches `load()` again whenever `version` changes (live updates). */
export function useLive(load, deps) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    load()
      .then((d) => live && (setData(d), setError(null)))
      .catch((e) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps
  return [data, error];
}

export function MarketView({ config, version }) {
  const [slots] = useLive(() => api.slots(16), [version]);
  const [grid] = useLive(() => api.grid(8).catch(() => []), [version]);
  const [chosen, setChosen] = useState(null);
  const slot = chosen ?? slots?.find((s) => s.trades > 0)?.slot ?? slots?.[0]?.slot;
  const [book] = useLive(() => (slot ? api.book(slot) : Promise.resolve(null)), [slot, version]);
  const latestGrid = grid?.length ? grid.filter((g) => g.slot === grid[0].slot) : [];
  return (
    <section aria-labelledby="market-h">
      <h2 id="market-h">Community market</h2>
      <div className="grid2">
        <div>
          <label>
            Slot{" "}
            <select value={slot ?? ""} onChange={(e) => setChosen(Number(e.target.value))}>
              {(slots || []).map((s) => (
                <option key={s.slot} value={s.slot}>
                  {s.slot} ({s.status})
                </option>
              ))}
            </select>
          </label>
          {book && (
            <>
              <SupplyDemand supply={book.supply} demand={book.demand} price={book.clearing_price} />
              <p data-testid="clearing-price">
                Clearing price: {book.clearing_price == null ? "not cleared yet" : price(book.clearing_price)}
              </p>
            </>
          )}
        </div>
        <div>
          <Bars label="cleared Wh per slot"
            items={[...(slots || [])].reverse().map((s) => ({ key: `slot ${s.slot}`, value: s.cleared_wh }))} />
          <Bars label={`feeder load, slot ${latestGrid[0]?.slot ?? "–"} (dashed: capacity)`}
            limit={Math.max(0, ...latestGrid.map((g) => g.capacity_wh || 0))}
            items={latestGrid.map((g) => ({ key: `feeder ${g.feeder}`, value: g.export_wh + g.import_wh,
              color: g.flags.length ? "#cc3333" : "#2a8a2a" }))} />
        </div>
      </div>
      <table>
        <caption>Recent slots</caption>
        <thead>
          <tr><th>slot</th><th>status</th><th>offers</th><th>bids</th><th>cleared</th><th>price</th><th>delivered</th></tr>
        </thead>
        <tbody>
          {(slots || []).map((s) => (
            <tr key={s.slot}>
              <td>{s.slot}</td><td>{s.status}</td><td>{s.offers}</td><td>{s.bids}</td>
              <td>{energy(s.cleared_wh)}</td><td>{price(s.price)}</td><td>{energy(s.delivered_wh)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {latestGrid.some((g) => g.flags.length) && (
        <ul aria-label="grid alerts">
          {latestGrid.flatMap((g) => g.details.map((d) => <li key={d}>feeder {g.feeder}: {d}</li>))}
        </ul>
      )}
    </section>
  );
}

function OrderForm({ config, status, wallet, side, suggestion, onDone }) {
  const m = config.market;
  const slots = openSlots(m, status.ledger_time, 8, 2);
  const [slot, setSlot] = useState(slots[1] ?? slots[0]);
  const [wh, setWh] = useState(suggestion ?? 300);
  const [limit, setLimit] = useState(side === "sell" ? 4 : 8);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState(null);
  const [err, setErr] = useState(null);
  const what = side === "sell" ? "offer" : "bid";
  const submit = async (e) => {
    e.preventDefault();
    setMsg(null);
    setErr(null);
    const problem = orderProblem(m, status.ledger_time, Number(slot));
    if (problem) return setErr(problem);
    if (!(wh > 0) || !(limit > 0)) return setErr("Energy and price must be more than zero.");
    setBusy(true);
    try {
      const id = await placeOrder(config, wallet, side, Number(slot), Number(wh), Number(limit));
      setMsg(`${what === "offer" ? "Offer" : "Bid"} ${id} placed for slot ${slot}.`);
      onDone();
    } catch (e2) {
      setErr(explain(e2));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} aria-label={`place ${what}`}>
      <label>
        Delivery slot
        <select name="slot" value={slot} onChange={(e) => setSlot(Number(e.target.value))}>
          {slots.map((s) => (
            <option key={s} value={s}>
              {s} (orders close {clock(times(m, s).gate)})
            </option>
          ))}
        </select>
      </label>
      <label>
        Energy (Wh)
        <input name="wh" type="number" min="1" value={wh} onChange={(e) => setWh(Number(e.target.value))} />
      </label>
      <label>
        {side === "sell" ? "Lowest price per Wh" : "Highest price per Wh"}
        <input name="price" type="number" min={m.price_floor} value={limit}
          onChange={(e) => setLimit(Number(e.target.value))} />
      </label>
      {side === "buy" && (
        <p data-testid="escrow">Locks {money(wh * limit, config.payment)} in escrow until the slot is delivered; the unused part comes back.</p>
      )}
      <button type="submit" disabled={busy}>{busy ? "Signing…" : `Place ${what}`}</button>
      {msg && <p role="status">{msg}</p>}
      {err && <p role="alert" className="error">{err}</p>}
    </form>
  );
}

function Orders({ config, status, wallet, orders, onDone }) {
  const [err, setErr] = useState(null);
  const cancel = async (id) => {
    setErr(null);
    try {
      await cancelOrder(config, wallet, id);
      onDone();
    } catch (e) {
      setErr(explain(e));
    }
  };
  return (
    <>
      <table>
        <caption>Your orders</caption>
        <thead><tr><th>id</th><th>slot</th><th>energy</th><th>price</th><th>matched</th><th>status</th><th></th></tr></thead>
        <tbody>
          {orders.map((o) => (
            <tr key={o.id}>
              <td>{o.id}</td><td>{o.slot}</td><td>{energy(o.wh)}</td><td>{price(o.price)}</td>
              <td>{energy(o.filled)}</td><td>{o.status}</td>
              <td>
                {o.status === "open" && times(config.market, o.slot).gate > status.ledger_time && (
                  <button type="button" onClick={() => cancel(o.id)}>Cancel order {o.id}</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {err && <p role="alert" className="error">{err}</p>}
    </>
  );
}

function Trades({ trades, me }) {
  return (
    <table>
      <caption>Your matches</caption>
      <thead><tr><th>slot</th><th>with</th><th>matched</th><th>price</th><th>state</th><th>delivered</th><th>paid / refund</th></tr></thead>
      <tbody>
        {trades.map((t) => (
          <tr key={t.trade_id} data-testid="trade">
            <td>{t.slot}</td><td title={t.seller === me ? t.buyer : t.seller}>{short(t.seller === me ? t.buyer : t.seller)}</td>
            <td>{energy(t.wh)}</td><td>{price(t.price)}</td><td>{t.state}</td>
            <td>{energy(t.delivered_wh)}</td>
            <td>{t.seller === me ? t.paid : t.refund}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DonorView({ config, status, wallet, account, refresh }) {
  const mine = account.orders.filter((o) => o.side === "sell");
  const f = forecast(account.deliveries);
  return (
    <section aria-labelledby="donor-h">
      <h2 id="donor-h">Sell your surplus</h2>
      <p>Forecast surplus per slot (from your recent proven deliveries): <strong data-testid="forecast">{f == null ? "no history yet" : energy(f)}</strong></p>
      <OrderForm config={config} status={status} wallet={wallet} side="sell" suggestion={f ?? 300} onDone={refresh} />
      <Orders config={config} status={status} wallet={wallet} orders={mine} onDone={refresh} />
      <Trades trades={account.trades.filter((t) => t.seller === account.address)} me={account.address} />
      <table>
        <caption>Deliveries proven on-chain</caption>
        <thead><tr><th>slot</th><th>energy</th><th>verification</th><th>transaction</th></tr></thead>
        <tbody>
          {account.deliveries.map((d) => (
            <tr key={`${d.meter}-${d.slot}`} data-testid="delivery">
              <td>{d.slot}</td><td>{energy(d.energy_wh)}</td>
              <td>{d.verified ? "✓ zero-knowledge proof verified by the market contract" : "not verified"}</td>
              <td title={d.tx_hash}>{short(d.tx_hash, 6)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>Payments received: <strong data-testid="earned">{money(account.totals.earned, config.payment)}</strong></p>
    </section>
  );
}

export function ReceiverView({ config, status, wallet, account, refresh }) {
  const mine = account.orders.filter((o) => o.side === "buy");
  const locked = mine.filter((o) => o.status === "open").reduce((s, o) => s + o.escrow, 0);
  return (
    <section aria-labelledby="receiver-h">
      <h2 id="receiver-h">Buy energy from your neighbours</h2>
      <OrderForm config={config} status={status} wallet={wallet} side="buy" onDone={refresh} />
      <p>In escrow for open bids: {money(locked, config.payment)}</p>
      <Orders config={config} status={status} wallet={wallet} orders={mine} onDone={refresh} />
      <Trades trades={account.trades.filter((t) => t.buyer === account.address)} me={account.address} />
      <p>Energy received as kWh tokens: <strong data-testid="received">{energy(account.totals.kwh_received_wh)}</strong>;
        refunds: {money(account.totals.refunded, config.payment)}</p>
    </section>
  );
}

export function HistoryView({ config, account }) {
  const rows = historyRows(account, config.grid_tariff);
  const download = () => {
    const blob = new Blob([toCsv(rows, HISTORY_COLUMNS)], { type: "text/csv" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `urja-history-${short(account.address)}.csv`;
    a.click();
  };
  const t = account.totals;
  return (
    <section aria-labelledby="history-h">
      <h2 id="history-h">History</h2>
      <dl className="totals">
        <dt>Sold</dt><dd>{energy(t.sold_wh)}</dd>
        <dt>Earned</dt><dd>{money(t.earned, config.payment)}</dd>
        <dt>Bought</dt><dd>{energy(t.bought_wh)}</dd>
        <dt>Spent</dt><dd>{money(t.spent, config.payment)}</dd>
        <dt>Saved against the grid tariff</dt><dd data-testid="savings">{money(t.savings, config.payment)}</dd>
      </dl>
      <button type="button" onClick={download}>Export CSV</button>
      <table>
        <caption>Trades</caption>
        <thead><tr>{HISTORY_COLUMNS.map((c) => <th key={c}>{c}</th>)}</tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.trade_id}>{HISTORY_COLUMNS.map((c) => <td key={c}>{c === "counterparty" ? short(r[c]) : r[c]}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
