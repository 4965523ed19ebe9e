//! Validating and applying transactions, the way stellar-core does for the operations the
//! local network supports. Soroban operations run in the real host via `e2e_invoke`.

use anyhow::Result;
use sha2::{Digest, Sha256};
use soroban_env_host::budget::Budget;
use soroban_env_host::e2e_invoke::{self, TtlLedgerEntryMeta};
use soroban_env_host::xdr::*;
use soroban_simulation::NetworkConfig;

use crate::config::{self, BASE_FEE, BASE_RESERVE};
use crate::state::View;

/// What applying one transaction produced.
pub struct Applied {
    pub result: TransactionResult,
    pub meta: TransactionMeta,
    pub events: Vec<(u32, ContractEvent)>,
    pub success: bool,
}

/// Network-bound hash of a transaction (what is signed).
pub fn tx_hash(network_id: [u8; 32], tx: &Transaction) -> [u8; 32] {
    let payload = TransactionSignaturePayload {
        network_id: Hash(network_id),
        tagged_transaction: TransactionSignaturePayloadTaggedTransaction::Tx(tx.clone()),
    };
    Sha256::digest(payload.to_xdr(Limits::none()).expect("encodes")).into()
}

fn account_key(id: &AccountId) -> LedgerKey {
    LedgerKey::Account(LedgerKeyAccount {
        account_id: id.clone(),
    })
}

/// The account behind a (possibly muxed) source.
pub(crate) fn muxed_id(m: &MuxedAccount) -> AccountId {
    match m {
        MuxedAccount::Ed25519(k) => AccountId(PublicKey::PublicKeyTypeEd25519(k.clone())),
        MuxedAccount::MuxedEd25519(m) => {
            AccountId(PublicKey::PublicKeyTypeEd25519(m.ed25519.clone()))
        }
    }
}

fn pk_bytes(id: &AccountId) -> [u8; 32] {
    let AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(b))) = id;
    *b
}

/// A fresh account entry.
pub fn new_account(id: AccountId, balance: i64, ledger: u32) -> LedgerEntry {
    LedgerEntry {
        last_modified_ledger_seq: ledger,
        data: LedgerEntryData::Account(AccountEntry {
            account_id: id,
            balance,
            seq_num: SequenceNumber((ledger as i64) << 32),
            num_sub_entries: 0,
            inflation_dest: None,
            flags: 0,
            home_domain: Default::default(),
            thresholds: Thresholds([1, 0, 0, 0]),
            signers: Default::default(),
            ext: AccountEntryExt::V0,
        }),
        ext: LedgerEntryExt::V0,
    }
}

/// An account entry, if the account exists.
pub(crate) fn load_account(view: &View, id: &AccountId) -> Result<Option<AccountEntry>> {
    Ok(match view.get(&account_key(id))? {
        Some((
            LedgerEntry {
                data: LedgerEntryData::Account(a),
                ..
            },
            _,
        )) => Some(a),
        _ => None,
    })
}

/// Writes an account entry.
pub(crate) fn store_account(view: &mut View, a: &AccountEntry, ledger: u32) {
    let e = LedgerEntry {
        last_modified_ledger_seq: ledger,
        data: LedgerEntryData::Account(a.clone()),
        ext: LedgerEntryExt::V0,
    };
    view.put(&account_key(&a.account_id), &e, None);
}

fn failed(code: TransactionResultResult, fee: i64) -> TransactionResult {
    TransactionResult {
        fee_charged: fee,
        result: code,
        ext: TransactionResultExt::V0,
    }
}

/// The declared Soroban data of a transaction, if any.
fn soroban_data(tx: &Transaction) -> Option<&SorobanTransactionData> {
    match &tx.ext {
        TransactionExt::V1(d) => Some(d),
        TransactionExt::V0 => None,
    }
}

fn is_soroban(op: &Operation) -> bool {
    matches!(
        op.body,
        OperationBody::InvokeHostFunction(_)
            | OperationBody::ExtendFootprintTtl(_)
            | OperationBody::RestoreFootprint(_)
    )
}

/// Checks a transaction against the current state without changing it. `Err(result)` is
/// the result code stellar-core would reject the transaction with.
pub fn validate(
    view: &View,
    network_id: [u8; 32],
    env: &TransactionEnvelope,
) -> Result<Result<(), TransactionResult>> {
    let (tx, sigs) = match env {
        TransactionEnvelope::Tx(e) => (&e.tx, &e.signatures),
        _ => return Ok(Err(failed(TransactionResultResult::TxNotSupported, 0))),
    };
    let ops = tx.operations.len() as i64;
    if ops == 0 {
        return Ok(Err(failed(TransactionResultResult::TxMissingOperation, 0)));
    }
    let soroban = tx.operations.iter().any(is_soroban);
    if soroban && (ops != 1 || soroban_data(tx).is_none()) {
        return Ok(Err(failed(TransactionResultResult::TxMalformed, 0)));
    }
    let resource_fee = soroban_data(tx).map_or(0, |d| d.resource_fee);
    if resource_fee < 0 || (tx.fee as i64) < BASE_FEE * ops + resource_fee {
        return Ok(Err(failed(TransactionResultResult::TxInsufficientFee, 0)));
    }
    let source = muxed_id(&tx.source_account);
    let Some(acct) = load_account(view, &source)? else {
        return Ok(Err(failed(TransactionResultResult::TxNoAccount, 0)));
    };
    if tx.seq_num.0 != acct.seq_num.0 + 1 {
        return Ok(Err(failed(TransactionResultResult::TxBadSeq, 0)));
    }
    if acct.balance < tx.fee as i64 {
        return Ok(Err(failed(
            TransactionResultResult::TxInsufficientBalance,
            0,
        )));
    }
    // Every source (transaction and operations) must have signed with its master key.
    let hash = tx_hash(network_id, tx);
    let mut signers = vec![source];
    for op in tx.operations.iter() {
        if let Some(s) = &op.source_account {
            let id = muxed_id(s);
            if load_account(view, &id)?.is_none() {
                return Ok(Err(failed(TransactionResultResult::TxNoAccount, 0)));
            }
            signers.push(id);
        }
    }
    for id in &signers {
        let pk = pk_bytes(id);
        let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(&pk) else {
            return Ok(Err(failed(TransactionResultResult::TxBadAuth, 0)));
        };
        let ok = sigs.iter().any(|s| {
            s.hint.0 == pk[28..]
                && <[u8; 64]>::try_from(s.signature.0.as_slice())
                    .map(|b| {
                        vk.verify_strict(&hash, &ed25519_dalek::Signature::from_bytes(&b))
                            .is_ok()
                    })
                    .unwrap_or(false)
        });
        if !ok {
            return Ok(Err(failed(TransactionResultResult::TxBadAuth, 0)));
        }
    }
    Ok(Ok(()))
}

/// Inputs shared by every transaction of one closing ledger.
pub struct LedgerCtx<'n> {
    pub network_id: [u8; 32],
    pub seq: u32,
    pub close_time: u64,
    pub net: &'n NetworkConfig,
    pub modules: &'n crate::modules::Modules,
}

/// Applies a validated transaction: charges the fee, bumps the sequence number, then runs
/// the operations; if one fails, their changes are undone (fee and sequence stay).
pub fn apply(ctx: &LedgerCtx, view: &mut View, env: &TransactionEnvelope) -> Result<Applied> {
    if let Err(result) = validate(view, ctx.network_id, env)? {
        return Ok(Applied {
            result,
            meta: empty_meta(None),
            events: Vec::new(),
            success: false,
        });
    }
    let TransactionEnvelope::Tx(e) = env else {
        unreachable!("validated")
    };
    let tx = &e.tx;
    let source = muxed_id(&tx.source_account);
    let mut acct = load_account(view, &source)?.expect("validated");
    let fee = tx.fee as i64;
    acct.balance -= fee;
    acct.seq_num = tx.seq_num.clone();
    store_account(view, &acct, ctx.seq);
    let before = view.overlay.clone();
    let hash = tx_hash(ctx.network_id, tx);
    let mut results = Vec::new();
    let mut events = Vec::new();
    let mut return_value = None;
    let mut ok = true;
    for (i, op) in tx.operations.iter().enumerate() {
        let op_source = op
            .source_account
            .as_ref()
            .map(muxed_id)
            .unwrap_or(source.clone());
        let r = match &op.body {
            OperationBody::CreateAccount(c) => create_account(ctx, view, &op_source, c)?,
            OperationBody::Payment(p) => payment(ctx, view, &op_source, p)?,
            OperationBody::InvokeHostFunction(f) => {
                let data = soroban_data(tx).expect("validated");
                let (r, evs, rv) = invoke(ctx, view, &op_source, f, data, &hash, i as u32)?;
                events.extend(evs.into_iter().map(|e| (i as u32, e)));
                return_value = rv.or(return_value);
                r
            }
            OperationBody::ExtendFootprintTtl(x) => {
                extend_ttl(ctx, view, soroban_data(tx).expect("validated"), x.extend_to)?
            }
            OperationBody::RestoreFootprint(_) => {
                restore(ctx, view, soroban_data(tx).expect("validated"))?
            }
            OperationBody::ChangeTrust(c) => {
                crate::trust::change_trust(view, ctx.seq, &op_source, c)?
            }
            OperationBody::SetTrustLineFlags(f) => {
                crate::trust::set_flags(view, ctx.seq, &op_source, f)?
            }
            _ => OperationResult::OpNotSupported,
        };
        ok &= op_succeeded(&r);
        results.push(r);
    }
    if !ok {
        view.overlay = before;
        events.clear();
        return_value = None;
    }
    let results: VecM<OperationResult> = results.try_into().expect("<= 100 ops");
    let result = TransactionResult {
        fee_charged: fee,
        result: if ok {
            TransactionResultResult::TxSuccess(results)
        } else {
            TransactionResultResult::TxFailed(results)
        },
        ext: TransactionResultExt::V0,
    };
    let is_soroban = tx.operations.iter().any(is_soroban);
    let mut meta = empty_meta(if is_soroban && ok {
        Some(return_value)
    } else {
        None
    });
    if let TransactionMeta::V4(m) = &mut meta {
        let mut per_op: Vec<OperationMetaV2> = (0..tx.operations.len())
            .map(|_| OperationMetaV2 {
                ext: ExtensionPoint::V0,
                changes: Default::default(),
                events: Default::default(),
            })
            .collect();
        for (i, e) in &events {
            let mut v: Vec<ContractEvent> = per_op[*i as usize].events.to_vec();
            v.push(e.clone());
            per_op[*i as usize].events = v.try_into().expect("fits");
        }
        m.operations = per_op.try_into().expect("fits");
    }
    Ok(Applied {
        result,
        meta,
        events,
        success: ok,
    })
}

fn empty_meta(soroban: Option<Option<ScVal>>) -> TransactionMeta {
    TransactionMeta::V4(TransactionMetaV4 {
        ext: ExtensionPoint::V0,
        tx_changes_before: Default::default(),
        operations: Default::default(),
        tx_changes_after: Default::default(),
        soroban_meta: soroban.map(|rv| SorobanTransactionMetaV2 {
            ext: SorobanTransactionMetaExt::V0,
            return_value: rv,
        }),
        events: Default::default(),
        diagnostic_events: Default::default(),
    })
}

fn op_succeeded(r: &OperationResult) -> bool {
    match r {
        OperationResult::OpInner(tr) => matches!(
            tr,
            OperationResultTr::CreateAccount(CreateAccountResult::Success)
                | OperationResultTr::Payment(PaymentResult::Success)
                | OperationResultTr::InvokeHostFunction(InvokeHostFunctionResult::Success(_))
                | OperationResultTr::ExtendFootprintTtl(ExtendFootprintTtlResult::Success)
                | OperationResultTr::RestoreFootprint(RestoreFootprintResult::Success)
                | OperationResultTr::ChangeTrust(ChangeTrustResult::Success)
                | OperationResultTr::SetTrustLineFlags(SetTrustLineFlagsResult::Success)
        ),
        _ => false,
    }
}

fn inner(r: OperationResultTr) -> OperationResult {
    OperationResult::OpInner(r)
}

fn create_account(
    ctx: &LedgerCtx,
    view: &mut View,
    source: &AccountId,
    op: &CreateAccountOp,
) -> Result<OperationResult> {
    use CreateAccountResult as R;
    let r = |x| inner(OperationResultTr::CreateAccount(x));
    if op.starting_balance <= 0 {
        return Ok(r(R::Malformed));
    }
    if op.starting_balance < 2 * BASE_RESERVE as i64 {
        return Ok(r(R::LowReserve));
    }
    if load_account(view, &op.destination)?.is_some() {
        return Ok(r(R::AlreadyExist));
    }
    let mut src = load_account(view, source)?.expect("source exists");
    if src.balance - op.starting_balance < 2 * BASE_RESERVE as i64 {
        return Ok(r(R::Underfunded));
    }
    src.balance -= op.starting_balance;
    store_account(view, &src, ctx.seq);
    let e = new_account(op.destination.clone(), op.starting_balance, ctx.seq);
    view.put(&account_key(&op.destination), &e, None);
    Ok(r(R::Success))
}

fn payment(
    ctx: &LedgerCtx,
    view: &mut View,
    source: &AccountId,
    op: &PaymentOp,
) -> Result<OperationResult> {
    use PaymentResult as R;
    let r = |x| inner(OperationResultTr::Payment(x));
    if op.amount <= 0 {
        return Ok(r(R::Malformed));
    }
    let dest_id = muxed_id(&op.destination);
    if op.asset != Asset::Native {
        return crate::trust::pay_credit(view, ctx.seq, source, &dest_id, &op.asset, op.amount);
    }
    let Some(mut dest) = load_account(view, &dest_id)? else {
        return Ok(r(R::NoDestination));
    };
    let mut src = load_account(view, source)?.expect("source exists");
    if src.balance - op.amount < 2 * BASE_RESERVE as i64 {
        return Ok(r(R::Underfunded));
    }
    if dest_id == *source {
        return Ok(r(R::Success));
    }
    src.balance -= op.amount;
    dest.balance = dest
        .balance
        .checked_add(op.amount)
        .ok_or_else(|| anyhow::anyhow!("overflow"))?;
    store_account(view, &src, ctx.seq);
    store_account(view, &dest, ctx.seq);
    Ok(r(R::Success))
}

fn is_persistent(key: &LedgerKey) -> bool {
    match key {
        LedgerKey::ContractData(d) => d.durability == ContractDataDurability::Persistent,
        LedgerKey::ContractCode(_) => true,
        _ => false,
    }
}

fn has_ttl(key: &LedgerKey) -> bool {
    matches!(key, LedgerKey::ContractData(_) | LedgerKey::ContractCode(_))
}

/// Runs a host function in the real Soroban host over the declared footprint.
#[allow(clippy::type_complexity)]
fn invoke(
    ctx: &LedgerCtx,
    view: &mut View,
    source: &AccountId,
    op: &InvokeHostFunctionOp,
    data: &SorobanTransactionData,
    tx_hash: &[u8; 32],
    op_index: u32,
) -> Result<(OperationResult, Vec<ContractEvent>, Option<ScVal>)> {
    use InvokeHostFunctionResult as R;
    let r = |x| inner(OperationResultTr::InvokeHostFunction(x));
    let res = &data.resources;
    let restored: Vec<u32> = match &data.ext {
        SorobanTransactionDataExt::V1(v) => v.archived_soroban_entries.to_vec(),
        SorobanTransactionDataExt::V0 => Vec::new(),
    };
    let budget = Budget::try_from_configs(
        res.instructions as u64,
        ctx.net.tx_memory_limit as u64,
        ctx.net.cpu_cost_params.clone(),
        ctx.net.memory_cost_params.clone(),
    )?;
    // Sizing entries for rent parses contract code; that work is not the transaction's.
    let size_budget = Budget::try_from_configs(
        u64::MAX / 2,
        u64::MAX / 2,
        ctx.net.cpu_cost_params.clone(),
        ctx.net.memory_cost_params.clone(),
    )?;
    let keys: Vec<&LedgerKey> = res
        .footprint
        .read_only
        .iter()
        .chain(res.footprint.read_write.iter())
        .collect();
    let n_ro = res.footprint.read_only.len();
    let mut entries = Vec::with_capacity(keys.len());
    for (i, key) in keys.iter().enumerate() {
        let got = view.get(key)?;
        let entry = match got {
            Some((e, ttl)) if has_ttl(key) => {
                let live = ttl.unwrap_or(0);
                let archived = live < ctx.seq;
                let rw_index = i.checked_sub(n_ro).map(|x| x as u32);
                if archived && !is_persistent(key) {
                    view.delete(key);
                    (None, None)
                } else if archived && !rw_index.is_some_and(|x| restored.contains(&x)) {
                    return Ok((r(R::EntryArchived), Vec::new(), None));
                } else {
                    let bytes = e.to_xdr(Limits::none())?;
                    let size =
                        e2e_invoke::entry_size_for_rent(&size_budget, &e, bytes.len() as u32)?;
                    (
                        Some(bytes),
                        Some(TtlLedgerEntryMeta {
                            live_until_ledger: live,
                            entry_size_for_rent: size,
                        }),
                    )
                }
            }
            Some((e, _)) => (Some(e.to_xdr(Limits::none())?), None),
            None => (None, None),
        };
        if let (LedgerKey::ContractCode(_), Some(bytes)) = (key, &entry.0) {
            ctx.modules.add(
                config::protocol_version(),
                &LedgerEntry::from_xdr(bytes, Limits::none())?,
            )?;
        }
        entries.push(entry);
    }
    let seed: [u8; 32] =
        Sha256::digest([tx_hash.as_slice(), &op_index.to_be_bytes()].concat()).into();
    let auth: Vec<Vec<u8>> = op
        .auth
        .iter()
        .map(|a| a.to_xdr(Limits::none()))
        .collect::<Result<_, _>>()?;
    let mut diagnostics = Vec::new();
    let out = e2e_invoke::invoke_host_function(
        &budget,
        false,
        op.host_function.to_xdr(Limits::none())?,
        res.to_xdr(Limits::none())?,
        &restored,
        source.to_xdr(Limits::none())?,
        auth.into_iter(),
        config::ledger_info(ctx.network_id, ctx.seq, ctx.close_time),
        entries.into_iter(),
        seed.to_vec(),
        &mut diagnostics,
        None,
        Some(ctx.modules.cache.clone()),
    );
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            eprintln!("urja-localnet: host function failed before running: {e:?}");
            return Ok((r(R::Trapped), Vec::new(), None));
        }
    };
    let value = match out.encoded_invoke_result {
        Ok(v) => ScVal::from_xdr(v, Limits::none())?,
        Err(e) => {
            if std::env::var_os("URJA_LOCALNET_DEBUG").is_some() {
                eprintln!(
                    "urja-localnet: invocation failed: {e:?}; cpu {:?}/{}, mem {:?}",
                    budget.get_cpu_insns_consumed(),
                    res.instructions,
                    budget.get_mem_bytes_consumed()
                );
            }
            let exceeded = e.error.is_type(ScErrorType::Budget);
            let code = if exceeded {
                R::ResourceLimitExceeded
            } else {
                R::Trapped
            };
            return Ok((r(code), Vec::new(), None));
        }
    };
    for ch in &out.ledger_changes {
        let key = LedgerKey::from_xdr(&ch.encoded_key, Limits::none())?;
        let ttl = ch.ttl_change.as_ref().map(|t| t.new_live_until_ledger);
        if ch.read_only {
            if let (Some(live), Some((e, _))) = (ttl, view.get(&key)?) {
                view.put(&key, &e, Some(live));
            }
        } else {
            match &ch.encoded_new_value {
                Some(bytes) => {
                    let mut e = LedgerEntry::from_xdr(bytes, Limits::none())?;
                    e.last_modified_ledger_seq = ctx.seq;
                    let ttl = ttl.or_else(|| view.get(&key).ok().flatten().and_then(|(_, t)| t));
                    view.put(&key, &e, ttl);
                }
                None => view.delete(&key),
            }
        }
    }
    let events: Vec<ContractEvent> = out
        .encoded_contract_events
        .iter()
        .map(|b| ContractEvent::from_xdr(b, Limits::none()))
        .collect::<Result<_, _>>()?;
    let preimage = InvokeHostFunctionSuccessPreImage {
        return_value: value.clone(),
        events: events.clone().try_into()?,
    };
    let h: [u8; 32] = Sha256::digest(preimage.to_xdr(Limits::none())?).into();
    Ok((r(R::Success(Hash(h))), events, Some(value)))
}

fn extend_ttl(
    ctx: &LedgerCtx,
    view: &mut View,
    data: &SorobanTransactionData,
    extend_to: u32,
) -> Result<OperationResult> {
    let r = |x| inner(OperationResultTr::ExtendFootprintTtl(x));
    if !data.resources.footprint.read_write.is_empty() || extend_to > config::MAX_ENTRY_TTL {
        return Ok(r(ExtendFootprintTtlResult::Malformed));
    }
    let target = ctx.seq.saturating_add(extend_to);
    for key in data.resources.footprint.read_only.iter() {
        if !has_ttl(key) {
            return Ok(r(ExtendFootprintTtlResult::Malformed));
        }
        if let Some((e, ttl)) = view.get(key)? {
            let live = ttl.unwrap_or(0);
            if live < ctx.seq {
                continue; // archived: must be restored first
            }
            if live < target {
                view.put(key, &e, Some(target));
            }
        }
    }
    Ok(r(ExtendFootprintTtlResult::Success))
}

fn restore(
    ctx: &LedgerCtx,
    view: &mut View,
    data: &SorobanTransactionData,
) -> Result<OperationResult> {
    let r = |x| inner(OperationResultTr::RestoreFootprint(x));
    if !data.resources.footprint.read_only.is_empty() {
        return Ok(r(RestoreFootprintResult::Malformed));
    }
    for key in data.resources.footprint.read_write.iter() {
        if !is_persistent(key) {
            return Ok(r(RestoreFootprintResult::Malformed));
        }
        if let Some((e, ttl)) = view.get(key)? {
            if ttl.unwrap_or(0) < ctx.seq {
                view.put(key, &e, Some(ctx.seq + config::MIN_PERSISTENT_TTL - 1));
            }
        }
    }
    Ok(r(RestoreFootprintResult::Success))
}
