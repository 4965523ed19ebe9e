//! Storage layout: parameters and counters in instance storage, orders, trades and per-slot
//! indexes in persistent storage, each extended whenever touched so live entries never archive.
use soroban_sdk::{contracttype, Address, BytesN, Env, Vec};

use crate::types::{Order, Params, Totals, Trade};

/// Keys of every entry the market writes.
#[contracttype]
#[derive(Clone)]
pub enum Key {
    Admin,
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
    /// Trade ids of one donor in one slot, in settlement order.
    DonorTrades(u64, Address),
    /// Set once a meter's delivery for a slot is settled: replays are refused.
    Delivered(BytesN<32>, u64),
}

pub use urja_interfaces::ttl_storage::{bump_instance, load, store};

/// The admin (bootstrap deployer, then governance).
pub fn admin(env: &Env) -> Address {
    env.storage()
        .instance()
        .get(&Key::Admin)
        .expect("constructor sets admin")
}

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

/// The trade ids of `donor` in `slot`.
pub fn donor_trades(env: &Env, slot: u64, donor: &Address) -> Vec<u64> {
    load(env, &Key::DonorTrades(slot, donor.clone())).unwrap_or_else(|| Vec::new(env))
}
