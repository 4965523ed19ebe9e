//! The Stellar RPC JSON-RPC API (same method names, request and response shapes and error
//! codes as stellar-rpc) and the friendbot, over HTTP on loopback.

use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use serde_json::{json, Value};
use soroban_env_host::xdr::*;
use tokio::sync::watch;

use crate::config;
use crate::node::{Node, Submitted};
use crate::store::{EventRow, TxRow};

/// Shared server state.
#[derive(Clone)]
pub struct App {
    pub node: Arc<Mutex<Node>>,
    pub closed: watch::Receiver<u32>,
    pub url: String,
}

/// A JSON-RPC error: code and message as stellar-rpc uses them.
struct RpcError(i64, String);

fn invalid(msg: impl Into<String>) -> RpcError {
    RpcError(-32602, msg.into())
}

fn internal(e: anyhow::Error) -> RpcError {
    RpcError(-32603, format!("{e:#}"))
}

/// A minimal `LedgerCloseMeta` (v2: the header, no transactions) for `metadataXdr`, which
/// the SDKs decode. Full close meta is not recorded (docs/localnet.md).
fn close_meta(l: &crate::store::LedgerRow) -> String {
    let header = LedgerHeader::from_xdr(&l.header_xdr, Limits::none()).unwrap_or_default();
    let meta = LedgerCloseMeta::V2(LedgerCloseMetaV2 {
        ledger_header: LedgerHeaderHistoryEntry {
            hash: Hash(l.hash),
            header,
            ext: LedgerHeaderHistoryEntryExt::V0,
        },
        ..Default::default()
    });
    b64(&meta.to_xdr(Limits::none()).unwrap_or_default())
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn from_b64<T: ReadXdr>(s: &str, what: &str) -> Result<T, RpcError> {
    T::from_xdr_base64(s, Limits::len(256 * 1024))
        .map_err(|_| invalid(format!("invalid_xdr: {what}")))
}

/// The router: JSON-RPC on `/` (and `/rpc`), friendbot on `/friendbot`. Any origin may call
/// it (as public RPC providers allow), so a browser wallet app can talk to the node.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/", post(rpc))
        .route("/rpc", post(rpc))
        .route("/friendbot", get(friendbot))
        .layer(axum::extract::DefaultBodyLimit::max(512 * 1024))
        .layer(tower_http::cors::CorsLayer::permissive())
        .with_state(app)
}

async fn rpc(State(app): State<App>, body: axum::body::Bytes) -> Response {
    let req: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return reply(
                Value::Null,
                Err(RpcError(-32700, format!("parse error: {e}"))),
            )
        }
    };
    let id = req.get("id").cloned().unwrap_or(Value::Null);
    let (Some(method), true) = (
        req.get("method").and_then(Value::as_str),
        req.get("jsonrpc") == Some(&json!("2.0")),
    ) else {
        return reply(
            id,
            Err(RpcError(
                -32600,
                "invalid request: expected jsonrpc 2.0 with a method".into(),
            )),
        );
    };
    let params = req.get("params").cloned().unwrap_or(json!({}));
    let result = dispatch(&app, method, &params).await;
    reply(id, result)
}

fn reply(id: Value, r: Result<Value, RpcError>) -> Response {
    let body = match r {
        Ok(v) => json!({"jsonrpc": "2.0", "id": id, "result": v}),
        Err(RpcError(code, message)) => {
            json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
        }
    };
    Json(body).into_response()
}

async fn dispatch(app: &App, method: &str, p: &Value) -> Result<Value, RpcError> {
    let node = || app.node.lock().expect("node lock");
    match method {
        "getHealth" => {
            let n = node();
            let (latest, oldest) = bounds(&n)?;
            Ok(
                json!({"status": "healthy", "latestLedger": latest.0, "oldestLedger": oldest.0,
                      "ledgerRetentionWindow": latest.0 - oldest.0 + 1}),
            )
        }
        "getNetwork" => {
            let n = node();
            Ok(
                json!({"friendbotUrl": format!("{}/friendbot", app.url), "passphrase": n.passphrase,
                      "protocolVersion": config::protocol_version()}),
            )
        }
        "getVersionInfo" => Ok(json!({
            "version": concat!("urja-localnet ", env!("CARGO_PKG_VERSION")),
            "commitHash": "", "buildTimestamp": "",
            "captiveCoreVersion": "none: embedded soroban-env-host 28.0.2",
            "protocolVersion": config::protocol_version()})),
        "getLatestLedger" => {
            let n = node();
            let l = n.latest().map_err(internal)?;
            Ok(
                json!({"id": hex::encode(l.hash), "protocolVersion": config::protocol_version(),
                      "sequence": l.seq, "closeTime": l.close_time.to_string(),
                      "headerXdr": b64(&l.header_xdr), "metadataXdr": close_meta(&l)}),
            )
        }
        "getFeeStats" => {
            let n = node();
            let latest = n.latest().map_err(internal)?.seq;
            let dist = json!({"max": "100", "min": "100", "mode": "100", "p10": "100", "p20": "100",
                "p30": "100", "p40": "100", "p50": "100", "p60": "100", "p70": "100", "p80": "100",
                "p90": "100", "p95": "100", "p99": "100", "transactionCount": "0", "ledgerCount": 1});
            Ok(json!({"sorobanInclusionFee": dist, "inclusionFee": dist, "latestLedger": latest}))
        }
        "getLedgerEntries" => get_ledger_entries(&node(), p),
        "sendTransaction" => send_transaction(&mut node(), p),
        "getTransaction" => get_transaction(&node(), p),
        "getTransactions" => get_transactions(&node(), p),
        "getLedgers" => get_ledgers(&node(), p),
        "simulateTransaction" => {
            let s = p
                .get("transaction")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("missing transaction"))?;
            let env: TransactionEnvelope = from_b64(s, "transaction")?;
            let auth = p.get("authMode").and_then(Value::as_str);
            let v2 = p
                .get("useUpgradedAuth")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let n = node();
            match n.simulate(&env, auth, v2) {
                Ok(v) => Ok(v),
                Err(e) => Ok(
                    json!({"error": format!("{e:#}"), "latestLedger": n.latest().map_err(internal)?.seq}),
                ),
            }
        }
        "getEvents" => get_events(&node(), p),
        other => Err(RpcError(-32601, format!("method not found: {other}"))),
    }
}

/// (sequence, close time) of a ledger.
type LedgerMark = (u32, u64);

/// The latest and the oldest stored ledger.
fn bounds(n: &Node) -> Result<(LedgerMark, LedgerMark), RpcError> {
    let l = n.latest().map_err(internal)?;
    let o = n
        .store
        .oldest_ledger()
        .map_err(internal)?
        .expect("genesis exists");
    Ok(((l.seq, l.close_time), (o.seq, o.close_time)))
}

fn get_ledger_entries(n: &Node, p: &Value) -> Result<Value, RpcError> {
    let keys = p
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("keys: expected an array"))?;
    if keys.len() > 200 {
        return Err(invalid("key count (201+) exceeds maximum supported (200)"));
    }
    let mut entries = Vec::new();
    for k in keys {
        let s = k
            .as_str()
            .ok_or_else(|| invalid("keys: expected base64 strings"))?;
        let key: LedgerKey = from_b64(s, "ledger key")?;
        let bytes = key.to_xdr(Limits::none()).map_err(|e| internal(e.into()))?;
        if let Some((entry, ttl, modified)) = n.store.entry(&bytes).map_err(internal)? {
            let e = LedgerEntry::from_xdr(entry, Limits::none()).map_err(|e| internal(e.into()))?;
            let mut v = json!({"key": s, "xdr": b64(&e.data.to_xdr(Limits::none()).map_err(|e| internal(e.into()))?),
                               "lastModifiedLedgerSeq": modified});
            if let Some(t) = ttl {
                v["liveUntilLedgerSeq"] = json!(t);
            }
            entries.push(v);
        }
    }
    Ok(json!({"entries": entries, "latestLedger": n.latest().map_err(internal)?.seq}))
}

fn send_transaction(n: &mut Node, p: &Value) -> Result<Value, RpcError> {
    let s = p
        .get("transaction")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("missing transaction"))?;
    let env: TransactionEnvelope = from_b64(s, "transaction")?;
    let latest = n.latest().map_err(internal)?;
    let (hash, outcome) = n.submit(env).map_err(internal)?;
    let mut v = json!({"hash": hex::encode(hash), "latestLedger": latest.seq,
                       "latestLedgerCloseTime": latest.close_time.to_string()});
    match outcome {
        Submitted::Pending => v["status"] = json!("PENDING"),
        Submitted::Duplicate => v["status"] = json!("DUPLICATE"),
        Submitted::Error(r) => {
            v["status"] = json!("ERROR");
            v["errorResultXdr"] = json!(b64(&r
                .to_xdr(Limits::none())
                .map_err(|e| internal(e.into()))?));
        }
    }
    Ok(v)
}

fn tx_json(t: &TxRow) -> Value {
    json!({"status": if t.success { "SUCCESS" } else { "FAILED" }, "txHash": hex::encode(t.hash),
           "applicationOrder": t.app_order, "feeBump": false, "envelopeXdr": b64(&t.envelope),
           "resultXdr": b64(&t.result), "resultMetaXdr": b64(&t.meta), "ledger": t.ledger,
           "createdAt": t.close_time.to_string()})
}

fn get_transaction(n: &Node, p: &Value) -> Result<Value, RpcError> {
    let h = p
        .get("hash")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("missing hash"))?;
    let hash = hex::decode(h)
        .ok()
        .filter(|b| b.len() == 32)
        .ok_or_else(|| invalid("invalid hash"))?;
    let ((lseq, lt), (oseq, ot)) = bounds(n)?;
    let mut v = match n.store.tx(&hash).map_err(internal)? {
        Some(t) => tx_json(&t),
        None => json!({"status": "NOT_FOUND", "txHash": h}),
    };
    v["latestLedger"] = json!(lseq);
    v["latestLedgerCloseTime"] = json!(lt.to_string());
    v["oldestLedger"] = json!(oseq);
    v["oldestLedgerCloseTime"] = json!(ot.to_string());
    Ok(v)
}

fn limit(p: &Value) -> Result<u32, RpcError> {
    match p.pointer("/pagination/limit") {
        None | Some(Value::Null) => Ok(100),
        Some(v) => v
            .as_u64()
            .filter(|&l| (1..=10_000).contains(&l))
            .map(|l| l as u32)
            .ok_or_else(|| invalid("limit must be between 1 and 10000")),
    }
}

fn cursor(p: &Value) -> Option<&str> {
    p.pointer("/pagination/cursor").and_then(Value::as_str)
}

fn start_ledger(p: &Value, oldest: u32, latest: u32) -> Result<u32, RpcError> {
    let s = p
        .get("startLedger")
        .and_then(Value::as_u64)
        .ok_or_else(|| invalid("startLedger or a cursor is required"))? as u32;
    if s < oldest || s > latest {
        return Err(invalid(format!("startLedger must be between the oldest ledger ({oldest}) and the latest ledger ({latest})")));
    }
    Ok(s)
}

fn get_transactions(n: &Node, p: &Value) -> Result<Value, RpcError> {
    let ((lseq, lt), (oseq, ot)) = bounds(n)?;
    let lim = limit(p)?;
    let (ledger, order) = match cursor(p) {
        Some(c) => {
            let toid: u64 = c.parse().map_err(|_| invalid("invalid cursor"))?;
            ((toid >> 32) as u32, ((toid >> 12) & 0xFFFFF) as u32)
        }
        None => (start_ledger(p, oseq, lseq)?, 0),
    };
    let txs = n.store.txs_after(ledger, order, lim).map_err(internal)?;
    let cursor = txs
        .last()
        .map(|t| ((t.ledger as u64) << 32 | (t.app_order as u64) << 12).to_string())
        .unwrap_or_default();
    Ok(
        json!({"transactions": txs.iter().map(tx_json).collect::<Vec<_>>(), "latestLedger": lseq,
              "latestLedgerCloseTimestamp": lt, "oldestLedger": oseq, "oldestLedgerCloseTimestamp": ot,
              "cursor": cursor}),
    )
}

fn get_ledgers(n: &Node, p: &Value) -> Result<Value, RpcError> {
    let ((lseq, lt), (oseq, ot)) = bounds(n)?;
    let lim = limit(p)?;
    let start = match cursor(p) {
        Some(c) => c.parse::<u32>().map_err(|_| invalid("invalid cursor"))? + 1,
        None => start_ledger(p, oseq, lseq)?,
    };
    let rows = n.store.ledgers_from(start, lim).map_err(internal)?;
    let ledgers: Vec<Value> = rows.iter().map(|l| json!({"hash": hex::encode(l.hash), "sequence": l.seq,
        "ledgerCloseTime": l.close_time.to_string(), "headerXdr": b64(&l.header_xdr), "metadataXdr": close_meta(l)})).collect();
    Ok(
        json!({"ledgers": ledgers, "latestLedger": lseq, "latestLedgerCloseTime": lt,
              "oldestLedger": oseq, "oldestLedgerCloseTime": ot,
              "cursor": rows.last().map(|l| l.seq.to_string()).unwrap_or_default()}),
    )
}

/// stellar-rpc's event id: the TOID of the operation, then the event index.
fn event_id(e: &EventRow) -> String {
    let toid = (e.ledger as u64) << 32 | (e.tx_order as u64) << 12 | e.op_index as u64;
    format!("{toid:019}-{:010}", e.event_index)
}

fn parse_event_id(s: &str) -> Option<(u32, u32, u32, u32)> {
    let (toid, idx) = s.split_once('-')?;
    let toid: u64 = toid.parse().ok()?;
    Some((
        (toid >> 32) as u32,
        ((toid >> 12) & 0xFFFFF) as u32,
        (toid & 0xFFF) as u32,
        idx.parse().ok()?,
    ))
}

/// UTC ISO-8601 time of a unix timestamp.
fn iso8601(t: u64) -> String {
    let days = (t / 86_400) as i64;
    let secs = t % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// One parsed `getEvents` filter.
struct Filter {
    contracts: Vec<[u8; 32]>,
    topics: Vec<Vec<Option<Vec<u8>>>>, // None = "*"; a trailing "**" is kept as `wild_tail`
    wild_tail: Vec<bool>,
}

fn parse_filters(p: &Value) -> Result<Vec<Filter>, RpcError> {
    let Some(fs) = p.get("filters").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    if fs.len() > 5 {
        return Err(invalid("maximum 5 filters per request"));
    }
    let mut out = Vec::new();
    for f in fs {
        if let Some(t) = f.get("type").and_then(Value::as_str) {
            if t != "contract" && t != "system" && t != "diagnostic" {
                return Err(invalid(format!(
                    "filter type must be one of contract, system, diagnostic; got {t}"
                )));
            }
        }
        let mut contracts = Vec::new();
        for c in f
            .get("contractIds")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let s = c.as_str().unwrap_or_default();
            match stellar_strkey::Contract::from_string(s) {
                Ok(k) => contracts.push(k.0),
                Err(_) => {
                    return Err(invalid(format!(
                        "contract ID {s:?} is not a valid C... strkey"
                    )))
                }
            }
        }
        let mut topics = Vec::new();
        let mut wild_tail = Vec::new();
        for t in f
            .get("topics")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let segs = t
                .as_array()
                .ok_or_else(|| invalid("topics: expected arrays of segments"))?;
            let mut v = Vec::new();
            let mut tail = false;
            for (i, s) in segs.iter().enumerate() {
                match s.as_str() {
                    Some("*") => v.push(None),
                    Some("**") if i + 1 == segs.len() => tail = true,
                    Some(x) => {
                        let val: ScVal = from_b64(x, "topic segment")?;
                        v.push(Some(
                            val.to_xdr(Limits::none()).map_err(|e| internal(e.into()))?,
                        ));
                    }
                    None => return Err(invalid("topic segments must be strings")),
                }
            }
            topics.push(v);
            wild_tail.push(tail);
        }
        out.push(Filter {
            contracts,
            topics,
            wild_tail,
        });
    }
    Ok(out)
}

fn matches(fs: &[Filter], e: &EventRow) -> bool {
    if fs.is_empty() {
        return true;
    }
    fs.iter().any(|f| {
        let cid_ok =
            f.contracts.is_empty() || e.contract_id.is_some_and(|c| f.contracts.contains(&c));
        let topic_ok = f.topics.is_empty()
            || f.topics.iter().zip(&f.wild_tail).any(|(segs, tail)| {
                let len_ok = if *tail {
                    e.topics.len() >= segs.len()
                } else {
                    e.topics.len() == segs.len()
                };
                len_ok
                    && segs
                        .iter()
                        .zip(&e.topics)
                        .all(|(s, t)| s.as_ref().is_none_or(|s| s == t))
            });
        cid_ok && topic_ok
    })
}

fn get_events(n: &Node, p: &Value) -> Result<Value, RpcError> {
    let ((lseq, lt), (oseq, ot)) = bounds(n)?;
    let lim = limit(p)? as usize;
    let filters = parse_filters(p)?;
    let after = match cursor(p) {
        Some(c) => parse_event_id(c).ok_or_else(|| invalid("invalid cursor"))?,
        None => {
            let s = start_ledger(p, oseq, lseq)?;
            (s - 1, u32::MAX, u32::MAX, u32::MAX)
        }
    };
    let end = p
        .get("endLedger")
        .and_then(Value::as_u64)
        .map(|e| e as u32)
        .unwrap_or(lseq + 1);
    let (events, _) = n
        .store
        .events(0, end, after, |e| matches(&filters, e), lim)
        .map_err(internal)?;
    let list: Vec<Value> = events
        .iter()
        .map(|e| {
            let contract: std::string::String = e
                .contract_id
                .map(|c| stellar_strkey::Contract(c).to_string().as_str().to_owned())
                .unwrap_or_default();
            json!({"type": "contract", "ledger": e.ledger, "ledgerClosedAt": iso8601(e.close_time),
               "contractId": contract, "id": event_id(e), "operationIndex": e.op_index,
               "transactionIndex": e.tx_order, "txHash": hex::encode(e.tx_hash),
               "topic": e.topics.iter().map(|t| b64(t)).collect::<Vec<_>>(), "value": b64(&e.value),
               "inSuccessfulContractCall": true})
        })
        .collect();
    let cursor = events
        .last()
        .map(event_id)
        .unwrap_or_else(|| format!("{:019}-{:010}", ((end as u64) << 32) - 1, 0));
    Ok(
        json!({"events": list, "latestLedger": lseq, "oldestLedger": oseq,
              "latestLedgerCloseTime": lt.to_string(), "oldestLedgerCloseTime": ot.to_string(),
              "cursor": cursor}),
    )
}

#[derive(serde::Deserialize)]
struct FriendbotQuery {
    addr: Option<String>,
}

async fn friendbot(State(app): State<App>, Query(q): Query<FriendbotQuery>) -> Response {
    let bad = |msg: String| {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({"status": 400, "detail": msg})),
        )
            .into_response()
    };
    let Some(addr) = q.addr else {
        return bad("missing addr".into());
    };
    let Ok(pk) = stellar_strkey::ed25519::PublicKey::from_string(&addr) else {
        return bad(format!("addr {addr:?} is not a valid G... account id"));
    };
    let dest = AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(pk.0)));
    let submitted = {
        let mut n = app.node.lock().expect("node lock");
        let exists = crate::state::View::new(&n.store)
            .get(&LedgerKey::Account(LedgerKeyAccount {
                account_id: dest.clone(),
            }))
            .map(|e| e.is_some())
            .unwrap_or(false);
        if exists {
            return bad("account already funded to starting balance".into());
        }
        match n.friendbot_tx(dest).and_then(|tx| n.submit(tx)) {
            Ok((hash, Submitted::Pending)) => hash,
            Ok(_) => return bad("friendbot transaction rejected".into()),
            Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}")).into_response(),
        }
    };
    let mut closed = app.closed.clone();
    for _ in 0..50 {
        if closed.changed().await.is_err() {
            break;
        }
        let n = app.node.lock().expect("node lock");
        if let Ok(Some(t)) = n.store.tx(&submitted) {
            return Json(
                json!({"hash": hex::encode(t.hash), "successful": t.success, "ledger": t.ledger}),
            )
            .into_response();
        }
    }
    (
        StatusCode::GATEWAY_TIMEOUT,
        "friendbot transaction not included",
    )
        .into_response()
}
