// The dashboard shell: network config from the orchestrator, the wallet, live status polling
// and the five views.
import { useCallback, useEffect, useState } from "react";

import { api } from "./api.js";
import { explain } from "./errors.js";
import { clock, short } from "./format.js";
import { CommunityView } from "./kpi.jsx";
import { DonorView, HistoryView, MarketView, ReceiverView } from "./views.jsx";
import { DevWallet, FreighterWallet } from "./wallet.js";

const TABS = [
  ["market", "Market"],
  ["sell", "Sell"],
  ["buy", "Buy"],
  ["history", "History"],
  ["community", "Community"],
];

function WalletBar({ config, wallet, address, setWallet }) {
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const connect = async () => {
    setErr(null);
    setBusy(true);
    try {
      setWallet(config.dev_wallet ? await DevWallet.create(config.friendbot_url) : await FreighterWallet.connect());
    } catch (e) {
      setErr(explain(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="wallet" aria-label="wallet">
      {wallet ? (
        <>
          <span>
            {wallet.kind === "dev" ? "Development wallet" : "Freighter"}:{" "}
            <code data-testid="address" title={address}>{address}</code>
          </span>
          {wallet.kind === "dev" && (
            <>
              <small className="warn">Development wallet — local network only, keys stored in this browser.</small>
              <button type="button" onClick={() => (DevWallet.forget(), setWallet(null))}>Forget wallet</button>
            </>
          )}
        </>
      ) : (
        <button type="button" onClick={connect} disabled={busy}>
          {config.dev_wallet ? "Create development wallet" : "Connect Freighter"}
        </button>
      )}
      {err && <p role="alert" className="error">{err}</p>}
    </div>
  );
}

export default function App() {
  const [config, setConfig] = useState(null);
  const [status, setStatus] = useState(null);
  const [error, setError] = useState(null);
  const [wallet, setWallet] = useState(() => DevWallet.load());
  const [address, setAddress] = useState(null);
  const [account, setAccount] = useState(null);
  const [tab, setTab] = useState("market");
  const [bump, setBump] = useState(0);

  useEffect(() => {
    api.config().then(setConfig).catch((e) => setError(explain(e)));
  }, []);
  useEffect(() => {
    if (!config) return undefined;
    let last = null;
    const poll = () =>
      api
        .status()
        .then((s) => {
          setError(null);
          setStatus(s);
          if (s.events !== last) {
            last = s.events;
            setBump((b) => b + 1);
          }
        })
        .catch((e) => setError(explain(e)));
    poll();
    const t = setInterval(poll, 2000);
    return () => clearInterval(t);
  }, [config]);
  useEffect(() => {
    if (wallet) wallet.address().then(setAddress);
    else setAddress(null);
  }, [wallet]);
  const refresh = useCallback(() => setBump((b) => b + 1), []);
  useEffect(() => {
    if (address) api.account(address).then(setAccount).catch((e) => setError(explain(e)));
    else setAccount(null);
  }, [address, bump]);

  if (!config) return <main><h1>Urja</h1><p>{error || "Loading…"}</p></main>;
  const member = account?.member;
  const needsMember = (
    <p role="note" className="note">
      {address
        ? <>Your wallet is not a member of this community yet. Ask your community operator to admit <code>{address}</code>.</>
        : "Create or connect a wallet to trade."}
    </p>
  );
  const props = { config, status, wallet, account, refresh, version: bump };
  return (
    <main>
      <header>
        <h1>Urja <small>community solar market · {config.network}</small></h1>
        <WalletBar config={config} wallet={wallet} address={address} setWallet={setWallet} />
      </header>
      <nav aria-label="views">
        {TABS.map(([id, label]) => (
          <button key={id} type="button" aria-pressed={tab === id} onClick={() => setTab(id)}>{label}</button>
        ))}
      </nav>
      {error && <p role="alert" className="error">{error}</p>}
      {status && (
        <p className="status">
          Ledger {status.latest_ledger} · chain time {clock(status.ledger_time, config.time_zone)}
          {config.time_zone ? ` (${config.time_zone})` : ""} · {short(config.contracts.market)}
        </p>
      )}
      {tab === "market" && <MarketView {...props} />}
      {tab === "sell" && (member && status ? <DonorView {...props} /> : needsMember)}
      {tab === "buy" && (member && status ? <ReceiverView {...props} /> : needsMember)}
      {tab === "history" && (account ? <HistoryView {...props} /> : needsMember)}
      {tab === "community" && <CommunityView {...props} />}
    </main>
  );
}
