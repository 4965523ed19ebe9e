//! The node: the store, the transaction queue, ledger closing and preflight.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Context, Result};
use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};
use soroban_env_host::e2e_invoke::{RecordingInvocationAuthMode, RecordingInvocationAuthParams};
use soroban_env_host::xdr::*;
use soroban_simulation::simulation::{
    simulate_extend_ttl_op, simulate_invoke_host_function_op, simulate_restore_op,
    SimulationAdjustmentConfig,
};
use soroban_simulation::NetworkConfig;

use crate::apply::{self, LedgerCtx};
use crate::config;
use crate::state::{key_bytes, StoreSnapshot, View};
use crate::store::{EventRow, LedgerRow, Store, TxRow};

/// Outcome of `sendTransaction`.
pub enum Submitted {
    /// Queued for the next ledger.
    Pending,
    /// Already queued or applied.
    Duplicate,
    /// Rejected; the result stellar-core would give.
    Error(TransactionResult),
}

/// The local network's single node.
pub struct Node {
    pub dir: PathBuf,
    pub passphrase: String,
    pub network_id: [u8; 32],
    pub store: Store,
    pub net: NetworkConfig,
    pub root: SigningKey,
    pub pending: Vec<([u8; 32], TransactionEnvelope)>,
    pub modules: crate::modules::Modules,
}

fn header_for(seq: u32, close_time: u64, prev: [u8; 32]) -> LedgerHeader {
    let mut h = LedgerHeader {
        ledger_version: config::protocol_version(),
        ledger_seq: seq,
        previous_ledger_hash: Hash(prev),
        total_coins: config::ROOT_BALANCE,
        base_fee: config::BASE_FEE as u32,
        base_reserve: config::BASE_RESERVE,
        max_tx_set_size: 1000,
        ..Default::default()
    };
    h.scp_value.close_time = TimePoint(close_time);
    h
}

impl Node {
    /// Opens the node's data directory, creating the genesis ledger on first start.
    pub fn open(dir: &Path, passphrase: &str) -> Result<Self> {
        let mut store = Store::open(dir)?;
        let network_id = config::network_id(passphrase);
        // The root account's key is derived from the passphrase, as in stellar-core.
        let root = SigningKey::from_bytes(&network_id);
        if store.latest_ledger()?.is_none() {
            let now = now();
            let root_id = AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(
                root.verifying_key().to_bytes(),
            )));
            let entry = apply::new_account(root_id.clone(), config::ROOT_BALANCE, 1);
            let key = LedgerKey::Account(LedgerKeyAccount {
                account_id: root_id,
            });
            let header = header_for(1, now, [0; 32]);
            let header_xdr = header.to_xdr(Limits::none())?;
            let ledger = LedgerRow {
                seq: 1,
                close_time: now,
                hash: Sha256::digest(&header_xdr).into(),
                header_xdr,
            };
            let write = (key_bytes(&key), Some((entry.to_xdr(Limits::none())?, None)));
            store.commit_ledger(&ledger, &[write], &[], &[])?;
        }
        let net = config::network_config();
        let modules = crate::modules::Modules::new(&net)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            passphrase: passphrase.to_string(),
            network_id,
            store,
            net,
            root,
            pending: Vec::new(),
            modules,
        })
    }

    /// The newest closed ledger.
    pub fn latest(&self) -> Result<LedgerRow> {
        self.store.latest_ledger()?.context("no ledger")
    }

    /// Validates and queues a transaction for the next ledger.
    pub fn submit(&mut self, env: TransactionEnvelope) -> Result<([u8; 32], Submitted)> {
        let hash = match &env {
            TransactionEnvelope::Tx(e) => apply::tx_hash(self.network_id, &e.tx),
            _ => {
                let h: [u8; 32] = Sha256::digest(env.to_xdr(Limits::none())?).into();
                return Ok((h, Submitted::Error(not_supported())));
            }
        };
        if self.pending.iter().any(|(h, _)| *h == hash) || self.store.tx(&hash)?.is_some() {
            return Ok((hash, Submitted::Duplicate));
        }
        // Validate against the closed state, with this source's queued transactions counted
        // (their sequence numbers used up and fees reserved), as stellar-core's queue does.
        let mut view = View::new(&self.store);
        let TransactionEnvelope::Tx(new) = &env else {
            unreachable!("checked above")
        };
        let src = new.tx.source_account.clone();
        let (mut last_seq, mut fees) = (None, 0i64);
        for (_, queued) in &self.pending {
            if let TransactionEnvelope::Tx(q) = queued {
                if q.tx.source_account == src {
                    last_seq = Some(q.tx.seq_num.0);
                    fees += q.tx.fee as i64;
                }
            }
        }
        if let Some(seq) = last_seq {
            let ledger = self.latest()?.seq;
            if let Some(mut a) = apply::load_account(&view, &apply::muxed_id(&src))? {
                a.seq_num = SequenceNumber(seq);
                a.balance -= fees;
                apply::store_account(&mut view, &a, ledger);
            }
        }
        match apply::validate(&view, self.network_id, &env)? {
            Ok(()) => {
                self.pending.push((hash, env));
                Ok((hash, Submitted::Pending))
            }
            Err(r) => Ok((hash, Submitted::Error(r))),
        }
    }

    /// Closes a ledger with every queued transaction, atomically.
    pub fn close_ledger(&mut self) -> Result<u32> {
        let prev = self.latest()?;
        let seq = prev.seq + 1;
        // Unix seconds never go backwards; with sub-second closes several ledgers share one.
        let close_time = now().max(prev.close_time);
        let queued = std::mem::take(&mut self.pending);
        let ctx = LedgerCtx {
            network_id: self.network_id,
            seq,
            close_time,
            net: &self.net,
            modules: &self.modules,
        };
        let mut view = View::new(&self.store);
        let mut txs = Vec::new();
        let mut events = Vec::new();
        for (i, (hash, env)) in queued.iter().enumerate() {
            let order = i as u32 + 1;
            let applied = apply::apply(&ctx, &mut view, env)?;
            for (k, (op, ev)) in applied.events.iter().enumerate() {
                let (topics, value) = match &ev.body {
                    ContractEventBody::V0(b) => (
                        b.topics
                            .iter()
                            .map(|t| t.to_xdr(Limits::none()))
                            .collect::<Result<Vec<_>, _>>()?,
                        b.data.to_xdr(Limits::none())?,
                    ),
                };
                events.push(EventRow {
                    ledger: seq,
                    tx_order: order,
                    op_index: *op,
                    event_index: k as u32,
                    contract_id: ev.contract_id.as_ref().map(|c| c.0 .0),
                    topics,
                    value,
                    event_xdr: ev.to_xdr(Limits::none())?,
                    tx_hash: *hash,
                    close_time,
                });
            }
            txs.push(TxRow {
                hash: *hash,
                ledger: seq,
                app_order: order,
                envelope: env.to_xdr(Limits::none())?,
                result: applied.result.to_xdr(Limits::none())?,
                meta: applied.meta.to_xdr(Limits::none())?,
                success: applied.success,
                close_time,
            });
        }
        let writes = view.writes();
        let mut header = header_for(seq, close_time, prev.hash);
        let mut tx_digest = Sha256::new();
        for t in &txs {
            tx_digest.update(t.hash);
        }
        header.tx_set_result_hash = Hash(tx_digest.finalize().into());
        let header_xdr = header.to_xdr(Limits::none())?;
        let row = LedgerRow {
            seq,
            close_time,
            hash: Sha256::digest(&header_xdr).into(),
            header_xdr,
        };
        self.store.commit_ledger(&row, &writes, &txs, &events)?;
        Ok(seq)
    }

    /// A signed CreateAccount from the root account (friendbot).
    pub fn friendbot_tx(&self, dest: AccountId) -> Result<TransactionEnvelope> {
        let root_id = AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(
            self.root.verifying_key().to_bytes(),
        )));
        let mut seq = apply::load_account(&View::new(&self.store), &root_id)?
            .context("root account missing")?
            .seq_num
            .0;
        let root_pk = self.root.verifying_key().to_bytes();
        for (_, q) in &self.pending {
            if let TransactionEnvelope::Tx(e) = q {
                if e.tx.source_account == MuxedAccount::Ed25519(Uint256(root_pk)) {
                    seq = seq.max(e.tx.seq_num.0);
                }
            }
        }
        let tx = Transaction {
            source_account: MuxedAccount::Ed25519(Uint256(root_pk)),
            fee: config::BASE_FEE as u32,
            seq_num: SequenceNumber(seq + 1),
            cond: Preconditions::None,
            memo: Memo::None,
            operations: vec![Operation {
                source_account: None,
                body: OperationBody::CreateAccount(CreateAccountOp {
                    destination: dest,
                    starting_balance: config::FRIENDBOT_AMOUNT,
                }),
            }]
            .try_into()?,
            ext: TransactionExt::V0,
        };
        let hash = apply::tx_hash(self.network_id, &tx);
        let sig = self.root.sign(&hash);
        Ok(TransactionEnvelope::Tx(TransactionV1Envelope {
            tx,
            signatures: vec![DecoratedSignature {
                hint: SignatureHint(root_pk[28..].try_into()?),
                signature: Signature(sig.to_bytes().to_vec().try_into()?),
            }]
            .try_into()?,
        }))
    }

    /// Preflight of a Soroban transaction with soroban-simulation, as stellar-rpc does.
    pub fn simulate(
        &self,
        env: &TransactionEnvelope,
        auth: Option<&str>,
        v2: bool,
    ) -> Result<serde_json::Value> {
        use base64::Engine;
        let b64 = |b: Vec<u8>| base64::engine::general_purpose::STANDARD.encode(b);
        let latest = self.latest()?;
        let TransactionEnvelope::Tx(e) = env else {
            anyhow::bail!("only v1 transaction envelopes can be simulated");
        };
        let tx = &e.tx;
        if tx.operations.len() != 1 {
            anyhow::bail!("a Soroban transaction must contain exactly one operation");
        }
        let op = &tx.operations[0];
        let source = apply::muxed_id(op.source_account.as_ref().unwrap_or(&tx.source_account));
        let li = config::ledger_info(
            self.network_id,
            latest.seq + 1,
            now().max(latest.close_time),
        );
        let snapshot = StoreSnapshot(Store::open(&self.dir)?);
        let adjust = SimulationAdjustmentConfig::default_adjustment();
        let mut out = serde_json::json!({ "latestLedger": latest.seq });
        match &op.body {
            OperationBody::InvokeHostFunction(f) => {
                let mode = match auth {
                    Some("enforce") => RecordingInvocationAuthMode::Enforcing(f.auth.to_vec()),
                    Some("record") | None if f.auth.is_empty() => RecordingInvocationAuthMode::Recording(
                        RecordingInvocationAuthParams::new(true, v2),
                    ),
                    Some("record_allow_nonroot") => RecordingInvocationAuthMode::Recording(
                        RecordingInvocationAuthParams::new(false, v2),
                    ),
                    _ => RecordingInvocationAuthMode::Enforcing(f.auth.to_vec()),
                };
                let seed: [u8; 32] = Sha256::digest(latest.hash).into();
                let r = simulate_invoke_host_function_op(
                    Rc::new(snapshot),
                    &self.net,
                    &adjust,
                    &li,
                    f.host_function.clone(),
                    mode,
                    &source,
                    seed,
                    true,
                )?;
                let events: Vec<String> = r
                    .diagnostic_events
                    .iter()
                    .map(|d| d.to_xdr(Limits::none()).map(b64))
                    .collect::<Result<_, _>>()?;
                out["events"] = serde_json::json!(events);
                out["cost"] = serde_json::json!({
                    "cpuInsns": r.simulated_instructions.to_string(),
                    "memBytes": r.simulated_memory.to_string(),
                });
                match (r.invoke_result, r.transaction_data) {
                    (Ok(val), Some(data)) => {
                        let auth: Vec<String> = r
                            .auth
                            .iter()
                            .map(|a| a.to_xdr(Limits::none()).map(b64))
                            .collect::<Result<_, _>>()?;
                        out["results"] = serde_json::json!([{
                            "auth": auth,
                            "xdr": b64(val.to_xdr(Limits::none())?),
                        }]);
                        out["minResourceFee"] = serde_json::json!(data.resource_fee.to_string());
                        out["transactionData"] = serde_json::json!(b64(data.to_xdr(Limits::none())?));
                    }
                    (Err(e), _) => out["error"] = serde_json::json!(format!("HostError: {e:?}")),
                    (Ok(_), None) => out["error"] = serde_json::json!("simulation produced no resources"),
                }
            }
            OperationBody::ExtendFootprintTtl(x) => {
                let data = soroban_data(tx)?;
                let keys: Vec<LedgerKey> = data.resources.footprint.read_only.to_vec();
                let r = simulate_extend_ttl_op(&snapshot, &self.net, &adjust, &li, &keys, x.extend_to)?;
                out["minResourceFee"] = serde_json::json!(r.transaction_data.resource_fee.to_string());
                out["transactionData"] = serde_json::json!(b64(r.transaction_data.to_xdr(Limits::none())?));
                out["cost"] = serde_json::json!({"cpuInsns": "0", "memBytes": "0"});
            }
            OperationBody::RestoreFootprint(_) => {
                let data = soroban_data(tx)?;
                let keys: Vec<LedgerKey> = data.resources.footprint.read_write.to_vec();
                let r = simulate_restore_op(&snapshot, &self.net, &adjust, &li, &keys)?;
                out["minResourceFee"] = serde_json::json!(r.transaction_data.resource_fee.to_string());
                out["transactionData"] = serde_json::json!(b64(r.transaction_data.to_xdr(Limits::none())?));
                out["cost"] = serde_json::json!({"cpuInsns": "0", "memBytes": "0"});
            }
            _ => anyhow::bail!("simulateTransaction takes InvokeHostFunction, ExtendFootprintTTL or RestoreFootprint"),
        }
        Ok(out)
    }
}

fn soroban_data(tx: &Transaction) -> Result<&SorobanTransactionData> {
    match &tx.ext {
        TransactionExt::V1(d) => Ok(d),
        TransactionExt::V0 => anyhow::bail!("the transaction has no Soroban data (footprint)"),
    }
}

fn not_supported() -> TransactionResult {
    TransactionResult {
        fee_charged: 0,
        result: TransactionResultResult::TxNotSupported,
        ext: TransactionResultExt::V0,
    }
}

/// Unix seconds now.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
