//! Classic trustlines, as far as the Stellar Asset Contract needs them: ChangeTrust,
//! SetTrustLineFlags and Payment of credit assets (issuer mints and burns, holders move).

use anyhow::Result;
use soroban_env_host::xdr::*;

use crate::apply::{load_account as account, store_account as put_account};
use crate::config::BASE_RESERVE;
use crate::state::View;

/// Trustline flag: the holder may hold and move the asset.
const AUTHORIZED: u32 = 1;
/// Issuer account flag: new trustlines start unauthorised.
const AUTH_REQUIRED: u32 = 1;

fn inner(r: OperationResultTr) -> OperationResult {
    OperationResult::OpInner(r)
}

/// The issuer of a credit asset.
pub fn issuer(asset: &Asset) -> Option<&AccountId> {
    match asset {
        Asset::CreditAlphanum4(a) => Some(&a.issuer),
        Asset::CreditAlphanum12(a) => Some(&a.issuer),
        Asset::Native => None,
    }
}

fn line_asset(asset: &Asset) -> Option<TrustLineAsset> {
    match asset {
        Asset::CreditAlphanum4(a) => Some(TrustLineAsset::CreditAlphanum4(a.clone())),
        Asset::CreditAlphanum12(a) => Some(TrustLineAsset::CreditAlphanum12(a.clone())),
        Asset::Native => None,
    }
}

fn key(holder: &AccountId, asset: &TrustLineAsset) -> LedgerKey {
    LedgerKey::Trustline(LedgerKeyTrustLine {
        account_id: holder.clone(),
        asset: asset.clone(),
    })
}

fn line(view: &View, holder: &AccountId, asset: &TrustLineAsset) -> Result<Option<TrustLineEntry>> {
    Ok(match view.get(&key(holder, asset))? {
        Some((
            LedgerEntry {
                data: LedgerEntryData::Trustline(t),
                ..
            },
            _,
        )) => Some(t),
        _ => None,
    })
}

fn put_line(view: &mut View, t: &TrustLineEntry, seq: u32) {
    let e = LedgerEntry {
        last_modified_ledger_seq: seq,
        data: LedgerEntryData::Trustline(t.clone()),
        ext: LedgerEntryExt::V0,
    };
    view.put(&key(&t.account_id, &t.asset), &e, None);
}

/// ChangeTrust: create, re-limit or (limit 0, empty) delete a trustline.
pub fn change_trust(
    view: &mut View,
    seq: u32,
    source: &AccountId,
    op: &ChangeTrustOp,
) -> Result<OperationResult> {
    use ChangeTrustResult as R;
    let r = |x| inner(OperationResultTr::ChangeTrust(x));
    let asset = match &op.line {
        ChangeTrustAsset::CreditAlphanum4(a) => Asset::CreditAlphanum4(a.clone()),
        ChangeTrustAsset::CreditAlphanum12(a) => Asset::CreditAlphanum12(a.clone()),
        ChangeTrustAsset::Native => return Ok(r(R::Malformed)),
        ChangeTrustAsset::PoolShare(_) => return Ok(OperationResult::OpNotSupported),
    };
    let iss = issuer(&asset).expect("credit asset");
    if iss == source {
        return Ok(r(R::SelfNotAllowed));
    }
    if op.limit < 0 {
        return Ok(r(R::Malformed));
    }
    let Some(issuer_acct) = account(view, iss)? else {
        return Ok(r(R::NoIssuer));
    };
    let la = line_asset(&asset).expect("credit asset");
    let mut src = account(view, source)?.expect("source exists");
    match line(view, source, &la)? {
        Some(mut t) => {
            if op.limit == 0 {
                if t.balance > 0 {
                    return Ok(r(R::InvalidLimit));
                }
                view.delete(&key(source, &la));
                src.num_sub_entries -= 1;
                put_account(view, &src, seq);
            } else {
                if op.limit < t.balance {
                    return Ok(r(R::InvalidLimit));
                }
                t.limit = op.limit;
                put_line(view, &t, seq);
            }
        }
        None => {
            if op.limit == 0 {
                return Ok(r(R::TrustLineMissing));
            }
            let reserve = (2 + src.num_sub_entries as i64 + 1) * BASE_RESERVE as i64;
            if src.balance < reserve {
                return Ok(r(R::LowReserve));
            }
            let flags = if issuer_acct.flags & AUTH_REQUIRED != 0 {
                0
            } else {
                AUTHORIZED
            };
            put_line(
                view,
                &TrustLineEntry {
                    account_id: source.clone(),
                    asset: la,
                    balance: 0,
                    limit: op.limit,
                    flags,
                    ext: TrustLineEntryExt::V0,
                },
                seq,
            );
            src.num_sub_entries += 1;
            put_account(view, &src, seq);
        }
    }
    Ok(r(R::Success))
}

/// SetTrustLineFlags: the issuer authorises or freezes a holder's trustline.
pub fn set_flags(
    view: &mut View,
    seq: u32,
    source: &AccountId,
    op: &SetTrustLineFlagsOp,
) -> Result<OperationResult> {
    use SetTrustLineFlagsResult as R;
    let r = |x| inner(OperationResultTr::SetTrustLineFlags(x));
    let (Some(iss), Some(la)) = (issuer(&op.asset), line_asset(&op.asset)) else {
        return Ok(r(R::Malformed));
    };
    if iss != source || op.set_flags & op.clear_flags != 0 {
        return Ok(r(R::Malformed));
    }
    let Some(mut t) = line(view, &op.trustor, &la)? else {
        return Ok(r(R::NoTrustLine));
    };
    t.flags = (t.flags & !op.clear_flags) | op.set_flags;
    put_line(view, &t, seq);
    Ok(r(R::Success))
}

/// Payment of a credit asset: from the issuer it mints, to the issuer it burns.
pub fn pay_credit(
    view: &mut View,
    seq: u32,
    source: &AccountId,
    dest: &AccountId,
    asset: &Asset,
    amount: i64,
) -> Result<OperationResult> {
    use PaymentResult as R;
    let r = |x| inner(OperationResultTr::Payment(x));
    let iss = issuer(asset).expect("credit asset");
    let la = line_asset(asset).expect("credit asset");
    if account(view, iss)?.is_none() {
        return Ok(r(R::NoIssuer));
    }
    if account(view, dest)?.is_none() {
        return Ok(r(R::NoDestination));
    }
    let mut from = None;
    if source != iss {
        let Some(t) = line(view, source, &la)? else {
            return Ok(r(R::SrcNoTrust));
        };
        if t.flags & AUTHORIZED == 0 {
            return Ok(r(R::SrcNotAuthorized));
        }
        if t.balance < amount {
            return Ok(r(R::Underfunded));
        }
        from = Some(t);
    }
    let mut to = None;
    if dest != iss {
        let Some(t) = line(view, dest, &la)? else {
            return Ok(r(R::NoTrust));
        };
        if t.flags & AUTHORIZED == 0 {
            return Ok(r(R::NotAuthorized));
        }
        if t.limit - t.balance < amount {
            return Ok(r(R::LineFull));
        }
        to = Some(t);
    }
    if let Some(mut t) = from {
        t.balance -= amount;
        put_line(view, &t, seq);
    }
    if let Some(mut t) = to {
        t.balance += amount;
        put_line(view, &t, seq);
    }
    Ok(r(R::Success))
}
