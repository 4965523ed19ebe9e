//! Storage layout: parameters and counters in instance storage, orders, trades and per-slot
//! indexes in persistent storage, each extended whenever touched so live entries never archive.
use soroban_sdk::{contracttype, Address, BytesN, Env, Map, Vec};

use crate::types::{Order, Params, Totals, Trade};

/// Keys of every entry the market writes.
#[contracttype]
#[derive(Clone)]
pub enum Key {
    Params,
    NextOrder,
    NextTrade,
    Totals,
    Order(u64),
    Trade(u64),
    /// (buy id, sell id) -> trade id: a pair settles once.
    Pair(u64, u64),
    /// The uniform clearing price of a slot, once its first batch set it.
    SlotPrice(u64),
    /// Trade ids of one meter's offers in one slot, in settlement order (bounded by
    /// `MAX_TRADES_PER_METER_SLOT`).
    MeterTrades(BytesN<32>, u64),
    /// A household's credit of the payment token, withdrawn by `withdraw` (pull payments).
    Credit(Address),
    /// The market's domain (`urja_interfaces::domain`), fixed at construction.
    Domain,
    /// Set once a meter's delivery for a slot is settled: replays are refused.
    Delivered(BytesN<32>, u64),
}

pub use urja_interfaces::ttl_storage::{bump_instance, load, store};

/// The market parameters.
pub fn params(env: &Env) -> Params {
    env.storage()
        .instance()
        .get(&Key::Params)
        .expect("constructor sets params")
}

/// Allocates the next id from an instance counter.
pub fn next_id(env: &Env, key: &Key) -> u64 {
    let id: u64 = env.storage().instance().get(key).unwrap_or(0);
    env.storage().instance().set(key, &(id + 1));
    id
}

/// The market's domain, fixed at construction.
pub fn domain(env: &Env) -> BytesN<32> {
    env.storage()
        .instance()
        .get(&Key::Domain)
        .expect("constructor sets domain")
}

/// The payment-token totals.
pub fn totals(env: &Env) -> Totals {
    env.storage()
        .instance()
        .get(&Key::Totals)
        .unwrap_or_default()
}

/// Stores the payment-token totals.
pub fn set_totals(env: &Env, t: &Totals) {
    env.storage().instance().set(&Key::Totals, t);
}

/// An order by id.
pub fn order(env: &Env, id: u64) -> Option<Order> {
    load(env, &Key::Order(id))
}

/// A trade by id.
pub fn trade(env: &Env, id: u64) -> Option<Trade> {
    load(env, &Key::Trade(id))
}

/// The trade ids of `meter`'s offers in `slot`.
pub fn meter_trades(env: &Env, meter: &BytesN<32>, slot: u64) -> Vec<u64> {
    load(env, &Key::MeterTrades(meter.clone(), slot)).unwrap_or_else(|| Vec::new(env))
}

/// A household's credit of the payment token.
pub fn credit(env: &Env, who: &Address) -> i128 {
    load(env, &Key::Credit(who.clone())).unwrap_or(0)
}

/// Adds `amount` to the credits in `pending` (written once per call by `flush_credits`).
pub fn add_credit(pending: &mut Map<Address, i128>, who: &Address, amount: i128) {
    if amount > 0 {
        let have = pending.get(who.clone()).unwrap_or(0);
        pending.set(who.clone(), have + amount);
    }
}

/// Writes the credits gathered in `pending`: one write per household per call.
pub fn flush_credits(env: &Env, pending: &Map<Address, i128>) {
    for (who, amount) in pending.iter() {
        let total = credit(env, &who) + amount;
        store(env, &Key::Credit(who), &total);
    }
}
