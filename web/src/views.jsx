// The four views: market dashboard, donor (sell), receiver (buy) and history.
import { useEffect, useState } from "react";

import { api } from "./api.js";
import { Bars, SupplyDemand } from "./Chart.jsx";
import { HISTORY_COLUMNS, heldEscrow, historyRows, toCsv } from "./csv.js";
import { forecast } from "./curves.js";
import { explain } from "./errors.js";
import { energy, gateTime, power, kwhText, money, parseKwh, parsePerKwh, perKwhText, price, short, slotTime } from "./format.js";
import { prepareAcceptMeter, prepareCancel, prepareOrder, prepareWithdraw } from "./market.js";
import { openSlots, orderProblem, repeatChoices, times } from "./slots.js";

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
                  {slotTime(config.market, s.slot, config.time_zone)} ({s.status})
                </option>
              ))}
            </select>
          </label>
          {book && (
            <>
              <SupplyDemand supply={book.supply} demand={book.demand} price={book.clearing_price} />
              <p data-testid="clearing-price">
                Clearing price: {book.clearing_price == null ? "not cleared yet" : price(book.clearing_price, config.payment)}
              </p>
            </>
          )}
        </div>
        <div>
          <Bars label="cleared kWh per slot"
            items={[...(slots || [])].reverse().map((s) => ({ key: slotTime(config.market, s.slot, config.time_zone), value: s.cleared_wh / 1000 }))} />
          <Bars label={`feeder load in kWh, ${latestGrid.length ? slotTime(config.market, latestGrid[0].slot, config.time_zone) : "–"} (dashed: capacity)`}
            limit={Math.max(0, ...latestGrid.map((g) => (g.capacity_wh || 0) / 1000))}
            items={latestGrid.map((g) => ({ key: `feeder ${g.feeder}`, value: (g.export_wh + g.import_wh) / 1000,
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
              <td title={`slot ${s.slot}`}>{slotTime(config.market, s.slot, config.time_zone)}</td><td>{s.status}</td><td>{s.offers}</td><td>{s.bids}</td>
              <td>{energy(s.cleared_wh)}</td><td>{price(s.price, config.payment)}</td><td>{energy(s.delivered_wh)}</td>
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

/** Network fees are paid in the network's own asset, whatever the market pays in. */
const NETWORK_ASSET = { symbol: "XLM", decimals: 7 };

/** One signed action at a time: `start(what, prepare, done)` simulates the call and shows
 * its network fee with "Sign and send" and "Back"; signing sends it and shows `done(result)`.
 * Errors are explained in words for `contract`'s error table. */
export function useSigner() {
  const [pending, setPending] = useState(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState(null);
  const [err, setErr] = useState(null);
  const start = async (what, prep, done, contract = "market") => {
    setMsg(null);
    setErr(null);
    setPending(null);
    setBusy(true);
    try {
      setPending({ what, prepared: await prep(), done, contract });
    } catch (e) {
      setErr(explain(e, contract));
    } finally {
      setBusy(false);
    }
  };
  const sign = async () => {
    const p = pending;
    setBusy(true);
    try {
      const result = await p.prepared.send();
      setPending(null);
      setMsg(p.done(result));
    } catch (e) {
      setPending(null);
      setErr(explain(e, p.contract));
    } finally {
      setBusy(false);
    }
  };
  const ui = (
    <>
      {pending && (
        <div role="group" aria-label={`confirm ${pending.what}`} className="confirm">
          <p data-testid="network-fee">
            {pending.what}: network fee up to <strong>{money(pending.prepared.fee, NETWORK_ASSET)}</strong>, paid from your wallet when you sign.
          </p>
          <button type="button" onClick={sign} disabled={busy}>{busy ? "Signing…" : "Sign and send"}</button>{" "}
          <button type="button" onClick={() => setPending(null)} disabled={busy}>Back</button>
        </div>
      )}
      {msg && <p role="status">{msg}</p>}
      {err && <p role="alert" className="error">{err}</p>}
    </>
  );
  return { start, busy, pending, ui, setErr };
}

/** Meters a donor can offer from: accepted by it and not suspended. */
export function offerMeters(account) {
  return (account.meters || []).filter((m) => m.accepted && m.active);
}

/** What a bid of `kwh` at `perKwh` (as typed) in each of `slots` slots locks, or "–" when
 * they do not parse. */
function escrowText(kwh, perKwh, payment, slots = 1) {
  const a = parseKwh(kwh);
  const p = parsePerKwh(perKwh, payment);
  return a.error || p.error ? "–" : money(a.wh * p.unitsPerWh * slots, payment);
}

function OrderForm({ config, status, wallet, side, suggestion, meters, onDone }) {
  const m = config.market;
  const slots = openSlots(m, status.ledger_time, 8, 2);
  const [slot, setSlot] = useState(slots[1] ?? slots[0]);
  const [kwh, setKwh] = useState(kwhText(suggestion ?? 300));
  const [limit, setLimit] = useState(perKwhText(Math.max(m.price_floor, side === "sell" ? 4 : 8), config.payment));
  const [meter, setMeter] = useState(null);
  const [repeat, setRepeat] = useState(1);
  const signer = useSigner();
  const choices = repeatChoices(m, status.ledger_time, Number(slot));
  const slotsInARow = Math.min(repeat, choices.at(-1) ?? 1);
  const what = side === "sell" ? "offer" : "bid";
  const chosenMeter = meter ?? meters?.[0]?.meter;
  const submit = (e) => {
    e.preventDefault();
    const problem = orderProblem(m, status.ledger_time, Number(slot));
    if (problem) return signer.setErr(problem);
    const amount = parseKwh(kwh);
    if (amount.error) return signer.setErr(amount.error);
    const perWh = parsePerKwh(limit, config.payment);
    if (perWh.error) return signer.setErr(perWh.error);
    if (side === "sell" && !chosenMeter) return signer.setErr("Choose the meter this offer delivers from.");
    const order = { slot: Number(slot), wh: amount.wh, price: perWh.unitsPerWh, meter: chosenMeter, slots: slotsInARow };
    const last = order.slot + slotsInARow - 1;
    const when = slotsInARow > 1
      ? `${slotsInARow} slots from ${slotTime(m, order.slot, config.time_zone)} to ${slotTime(m, last, config.time_zone)}`
      : slotTime(m, order.slot, config.time_zone);
    return signer.start(
      `Place ${what}`,
      () => prepareOrder(config, wallet, side, order),
      (id) => {
        onDone();
        return `${what === "offer" ? "Offer" : "Bid"} ${id} placed for ${when}.`;
      },
    );
  };
  return (
    <form onSubmit={submit} aria-label={`place ${what}`}>
      {/* Locked while a prepared order waits for its signature, so what is signed is what is shown. */}
      <fieldset className="plain" disabled={signer.busy || !!signer.pending}>
      {side === "sell" && (
        <label>
          Meter
          <select name="meter" value={chosenMeter ?? ""} onChange={(e) => setMeter(e.target.value)}>
            {meters.map((x) => (
              <option key={x.meter} value={x.meter}>
                {short(x.meter, 6)} (feeder {x.feeder}, up to {power(x.max_wh_per_minute)})
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Delivery slot
        <select name="slot" value={slot} onChange={(e) => setSlot(Number(e.target.value))}>
          {slots.map((s) => (
            <option key={s} value={s}>
              {slotTime(m, s, config.time_zone)} (orders close {gateTime(m, s, config.time_zone)})
            </option>
          ))}
        </select>
      </label>
      <label>
        Slots in a row
        <select name="slots" value={slotsInARow} onChange={(e) => setRepeat(Number(e.target.value))}>
          {choices.map((n) => (
            <option key={n} value={n}>
              {n === 1 ? "this slot only" : `${n} slots, until ${slotTime(m, Number(slot) + n - 1, config.time_zone).split("–")[1]}`}
            </option>
          ))}
        </select>
      </label>
      <label>
        {slotsInARow > 1 ? "Energy in each slot (kWh)" : "Energy (kWh)"}
        <input name="kwh" inputMode="decimal" value={kwh} onChange={(e) => setKwh(e.target.value)} />
      </label>
      <label>
        {`${side === "sell" ? "Lowest" : "Highest"} price (${config.payment.symbol}/kWh)`}
        <input name="price" inputMode="decimal" value={limit} onChange={(e) => setLimit(e.target.value)} />
      </label>
      {side === "sell" && (
        <p>Your offer is paid when this meter's delivery for {slotsInARow > 1 ? "each slot" : "the slot"} is proven.</p>
      )}
      {slotsInARow > 1 && (
        <p>One transaction, one network fee, for all {slotsInARow} slots: the same amount and price stand in each.</p>
      )}
      {side === "buy" && (
        <p data-testid="escrow">Locks {escrowText(kwh, limit, config.payment, slotsInARow)} in escrow until {slotsInARow > 1 ? "its last slot is" : "the slot is"} delivered; the unused part is credited back to you.</p>
      )}
      <button type="submit">{`Place ${what}`}</button>
      </fieldset>
      {signer.ui}
    </form>
  );
}

function Orders({ config, status, wallet, orders, onDone }) {
  const signer = useSigner();
  const cancel = (id) =>
    signer.start(`Cancel order ${id}`, () => prepareCancel(config, wallet, id), () => {
      onDone();
      return `Order ${id} cancelled.`;
    });
  const sell = orders.some((o) => o.side === "sell");
  return (
    <>
      <table>
        <caption>Your orders</caption>
        <thead><tr><th>id</th><th>slot</th>{sell && <th>meter</th>}<th>energy</th><th>price</th><th>matched</th><th>status</th><th></th></tr></thead>
        <tbody>
          {orders.map((o) => (
            <tr key={o.id}>
              <td>{o.id}</td>
              <td title={`slot ${o.slot}`}>
                {slotTime(config.market, o.slot, config.time_zone)}
                {(o.slots ?? 1) > 1 && ` and ${o.slots - 1} more, to ${slotTime(config.market, o.slot + o.slots - 1, config.time_zone)}`}
              </td>
              {sell && <td title={o.meter}>{short(o.meter, 6)}</td>}
              <td>{(o.slots ?? 1) > 1 ? `${energy(o.wh)} each` : energy(o.wh)}</td><td>{price(o.price, config.payment)}</td>
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
      {signer.ui}
    </>
  );
}

function Trades({ config, trades, me }) {
  const payment = config.payment;
  return (
    <table>
      <caption>Your matches</caption>
      <thead><tr><th>slot</th><th>with</th><th>matched</th><th>price</th><th>state</th><th>delivered</th><th>credited to you</th></tr></thead>
      <tbody>
        {trades.map((t) => (
          <tr key={t.trade_id} data-testid="trade">
            <td title={`slot ${t.slot}`}>{slotTime(config.market, t.slot, config.time_zone)}</td><td title={t.seller === me ? t.buyer : t.seller}>{short(t.seller === me ? t.buyer : t.seller)}</td>
            <td>{energy(t.wh)}</td><td>{price(t.price, payment)}</td><td>{t.state}</td>
            <td>{energy(t.delivered_wh)}</td>
            <td>{money(t.seller === me ? t.paid : t.refund, payment)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The household's meters; a pending one (registered by the operator) waits for its owner's
 * signature before it can deliver. */
export function Meters({ config, wallet, meters, onDone }) {
  const signer = useSigner();
  const accept = (meter) =>
    signer.start(
      `Accept meter ${short(meter, 6)}`,
      () => prepareAcceptMeter(config, wallet, meter),
      () => {
        onDone();
        return `Meter ${short(meter, 6)} accepted: it can now deliver and your offers from it can be paid.`;
      },
      "registry",
    );
  const pending = meters.some((m) => m.status === "pending");
  return (
    <>
      <table>
        <caption>Your meters</caption>
        <thead><tr><th>meter</th><th>feeder</th><th>limit</th><th>state</th><th></th></tr></thead>
        <tbody>
          {meters.map((m) => (
            <tr key={m.meter} data-testid="meter">
              <td title={m.meter}><code>{short(m.meter, 6)}</code></td><td>{m.feeder}</td>
              <td>{power(m.max_wh_per_minute)}</td>
              <td>{{ pending: "waiting for your acceptance", active: "active", suspended: "suspended" }[m.status]}</td>
              <td>
                {m.status === "pending" && (
                  <button type="button" disabled={signer.busy} onClick={() => accept(m.meter)}>Accept meter {short(m.meter, 6)}</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pending && (
        <p role="note" className="note">
          Your community operator registered a meter for your household. It delivers, and your
          offers from it are paid, only once you accept it with your wallet's signature — so
          nobody can attach a meter to your household or be paid through it without you.
          Check that the id matches the one on your meter before accepting.
        </p>
      )}
      {signer.ui}
    </>
  );
}

/** The payment-token credit waiting for the household inside the market, with Withdraw. */
export function Credit({ config, wallet, account, version, onDone }) {
  const [credit, error] = useLive(() => api.credit(account.address), [account.address, version]);
  const signer = useSigner();
  const withdraw = () =>
    signer.start(
      "Withdraw",
      () => prepareWithdraw(config, wallet),
      (amount) => {
        onDone();
        return `Withdrew ${money(amount, config.payment)} to your wallet.`;
      },
    );
  const amount = credit?.credit;
  return (
    <div aria-label="credit" className="credit">
      <p>
        Credit waiting for you in the market:{" "}
        <strong data-testid="credit">{amount == null ? (error ? "not available" : "…") : money(amount, config.payment)}</strong>{" "}
        <button type="button" disabled={!(amount > 0) || signer.busy || !!signer.pending} onClick={withdraw}>Withdraw</button>
      </p>
      <p><small>Payments for delivered energy and refunds of unused escrow are credited here; withdraw them to your wallet whenever you like.</small></p>
      {error && <p role="alert" className="error">{explain(new Error(error))}</p>}
      {signer.ui}
    </div>
  );
}

export function DonorView({ config, status, wallet, account, refresh, version }) {
  const mine = account.orders.filter((o) => o.side === "sell");
  const f = forecast(account.deliveries);
  const meters = account.meters || [];
  const usable = offerMeters(account);
  return (
    <section aria-labelledby="donor-h">
      <h2 id="donor-h">Sell your surplus</h2>
      <Credit config={config} wallet={wallet} account={account} version={version} onDone={refresh} />
      <Meters config={config} wallet={wallet} meters={meters} onDone={refresh} />
      <p>Forecast surplus per slot (from your recent proven deliveries): <strong data-testid="forecast">{f == null ? "no history yet" : energy(f)}</strong></p>
      {usable.length ? (
        <OrderForm config={config} status={status} wallet={wallet} side="sell" suggestion={f ?? 300}
          meters={usable} onDone={refresh} />
      ) : (
        <p role="note" className="note">
          {meters.length
            ? "You can offer once one of your meters is active: accept it above."
            : "You have no meter yet. Ask your community operator to register your meter."}
        </p>
      )}
      <Orders config={config} status={status} wallet={wallet} orders={mine} onDone={refresh} />
      <Trades trades={account.trades.filter((t) => t.seller === account.address)} me={account.address} config={config} />
      <table>
        <caption>Deliveries proven on-chain</caption>
        <thead><tr><th>slot</th><th>meter</th><th>energy</th><th>verification</th><th>transaction</th></tr></thead>
        <tbody>
          {account.deliveries.map((d) => (
            <tr key={`${d.meter}-${d.slot}`} data-testid="delivery">
              <td title={`slot ${d.slot}`}>{slotTime(config.market, d.slot, config.time_zone)}</td><td title={d.meter}>{short(d.meter, 6)}</td><td>{energy(d.energy_wh)}</td>
              <td>{d.verified ? "✓ zero-knowledge proof verified by the market contract" : "not verified"}</td>
              <td title={d.tx_hash}>{short(d.tx_hash, 6)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>Payments credited for your deliveries: <strong data-testid="earned">{money(account.totals.earned, config.payment)}</strong></p>
    </section>
  );
}

export function ReceiverView({ config, status, wallet, account, refresh, version }) {
  const mine = account.orders.filter((o) => o.side === "buy");
  const locked = heldEscrow(mine, account.trades);
  return (
    <section aria-labelledby="receiver-h">
      <h2 id="receiver-h">Buy energy from your neighbours</h2>
      <Credit config={config} wallet={wallet} account={account} version={version} onDone={refresh} />
      <OrderForm config={config} status={status} wallet={wallet} side="buy" onDone={refresh} />
      <p data-testid="held">Held in escrow for your bids: {money(locked, config.payment)}</p>
      <Orders config={config} status={status} wallet={wallet} orders={mine} onDone={refresh} />
      <Trades trades={account.trades.filter((t) => t.buyer === account.address)} me={account.address} config={config} />
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
        <dt>Credited in the market</dt><dd>{money(t.credited, config.payment)}</dd>
        <dt>Withdrawn to your wallet</dt><dd data-testid="withdrawn">{money(t.withdrawn, config.payment)}</dd>
        <dt>Saved against the grid tariff</dt><dd data-testid="savings">{money(t.savings, config.payment)}</dd>
      </dl>
      <button type="button" onClick={download}>Export CSV</button>
      <table>
        <caption>Trades and withdrawals</caption>
        <thead><tr>{HISTORY_COLUMNS.map((c) => <th key={c}>{c}</th>)}</tr></thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.side === "withdrawal" ? `w${i}` : r.trade_id}>{HISTORY_COLUMNS.map((c) => <td key={c}>{c === "counterparty" ? short(r[c]) : r[c]}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
