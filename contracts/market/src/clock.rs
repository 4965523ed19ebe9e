//! Slot timing: slot `k` covers unix seconds `[k * slot_secs, (k + 1) * slot_secs)`.
use crate::errors::MarketError;
use crate::types::Params;

/// When slot `slot` starts.
pub fn start(p: &Params, slot: u64) -> Result<u64, MarketError> {
    slot.checked_mul(p.slot_secs).ok_or(MarketError::Overflow)
}

/// When slot `slot` ends (exclusive).
pub fn end(p: &Params, slot: u64) -> Result<u64, MarketError> {
    start(p, slot)?
        .checked_add(p.slot_secs)
        .ok_or(MarketError::Overflow)
}

/// When the order book of `slot` closes.
pub fn gate(p: &Params, slot: u64) -> Result<u64, MarketError> {
    Ok(start(p, slot)?.saturating_sub(p.gate_lead_secs))
}

/// The last moment (exclusive) a delivery for `slot` is accepted.
pub fn deadline(p: &Params, slot: u64) -> Result<u64, MarketError> {
    end(p, slot)?
        .checked_add(p.delivery_deadline_secs)
        .ok_or(MarketError::Overflow)
}
