//! Storage layout of the kWh token: admin, minter and supply in instance storage, balances
//! in persistent storage, allowances in temporary storage that expires with the approval.
use soroban_sdk::{contracttype, Address, Env};
use urja_interfaces::{TTL_EXTEND_TO, TTL_THRESHOLD};

/// Keys of every entry the token writes.
#[contracttype]
#[derive(Clone)]
pub enum Key {
    Minter,
    Supply,
    Balance(Address),
    Allowance(Address, Address),
}

/// An approval: how much, and until which ledger.
#[contracttype]
#[derive(Clone)]
pub struct AllowanceValue {
    pub amount: i128,
    pub live_until: u32,
}

/// The balance of `id`, extending its TTL when it exists.
pub fn read_balance(env: &Env, id: &Address) -> i128 {
    let key = Key::Balance(id.clone());
    match env.storage().persistent().get::<_, i128>(&key) {
        Some(b) => {
            env.storage()
                .persistent()
                .extend_ttl(&key, TTL_THRESHOLD, TTL_EXTEND_TO);
            b
        }
        None => 0,
    }
}

/// Stores a balance and extends its TTL.
pub fn write_balance(env: &Env, id: &Address, amount: i128) {
    let key = Key::Balance(id.clone());
    env.storage().persistent().set(&key, &amount);
    env.storage()
        .persistent()
        .extend_ttl(&key, TTL_THRESHOLD, TTL_EXTEND_TO);
}

/// The live allowance (0 once expired) and its expiry ledger.
pub fn read_allowance(env: &Env, from: &Address, spender: &Address) -> (i128, u32) {
    let key = Key::Allowance(from.clone(), spender.clone());
    match env.storage().temporary().get::<_, AllowanceValue>(&key) {
        Some(a) if a.live_until >= env.ledger().sequence() => (a.amount, a.live_until),
        _ => (0, 0),
    }
}

/// Stores an allowance that lives until `live_until` (temporary storage).
pub fn write_allowance(
    env: &Env,
    from: &Address,
    spender: &Address,
    amount: i128,
    live_until: u32,
) {
    let key = Key::Allowance(from.clone(), spender.clone());
    env.storage()
        .temporary()
        .set(&key, &AllowanceValue { amount, live_until });
    if amount > 0 {
        let live_for = live_until.saturating_sub(env.ledger().sequence());
        env.storage()
            .temporary()
            .extend_ttl(&key, live_for, live_for);
    }
}
