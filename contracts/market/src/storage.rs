//! Storage layout and lifetimes.
//!
//! - Instance: parameters, the trade id and household number counters, totals, the domain.
//! - Persistent: one `Account` per household (its credit, the escrow it has in flight, its
//!   household number and order count, from which its order ids come), kept for the
//!   market's life because it holds money.
//! - Temporary: everything whose business ends with its slot (orders, trades, the pair and
//!   per-meter trade indexes, the clearing price, delivery nullifiers), each kept just past
//!   the last moment the market reads it (orders and trades a day past their deadline, for
//!   refunds; `docs/cost-model.md`). Temporary rent is half the
//!   persistent rate and is paid for hours, not for the 120-day persistent minimum.
//!
//! Expiry never frees or doubles money: a bid's escrow is counted in its owner's
//! `Account::held` until a delivery, refund or release moves it to credit; once every
//! deadline of the owner's escrow has passed, the rest is swept to credit (`sweep`) and
//! refunds of records from before the sweep are refused (`Account::swept_until`).
use soroban_sdk::{contracttype, Address, BytesN, Env, IntoVal, Map, TryFromVal, Val, Vec};

use urja_interfaces::{RegistryClient, FIRST_HOUSEHOLD_NUMBER};

use crate::errors::MarketError;
use crate::types::{Account, Order, Params, Totals, Trade};

/// Keys of every entry the market writes.
#[contracttype]
#[derive(Clone)]
pub enum Key {
    Params,
    /// The number the next household placing its first order gets (instance).
    NextHousehold,
    NextTrade,
    Totals,
    /// Temporary, until a day past the order's delivery deadline.
    Order(u64),
    /// Temporary, until a day past the trade's delivery deadline.
    Trade(u64),
    /// (buy id, sell id, slot) -> trade id: a pair settles once per slot. Temporary, until
    /// the slot ends.
    Pair(u64, u64, u64),
    /// The uniform clearing price of a slot, once its first batch set it. Temporary, until
    /// the slot ends.
    SlotPrice(u64),
    /// Trade ids of one meter's offers in one slot, in settlement order (bounded by
    /// `MAX_TRADES_PER_METER_SLOT`). Temporary, until the latest delivery deadline.
    MeterTrades(BytesN<32>, u64),
    /// A household's money in the market (persistent): credit and escrow in flight.
    Account(Address),
    /// The market's domain (`urja_interfaces::domain`), fixed at construction.
    Domain,
    /// Set once a meter's delivery for a slot is settled: replays are refused. Temporary,
    /// until the latest possible delivery deadline of the slot.
    Delivered(BytesN<32>, u64),
}

pub use urja_interfaces::ttl_storage::{bump_instance, load, store};

/// Ledgers close no faster than one per second (Stellar's consensus targets about five), so
/// an entry that must live until unix time `t` is kept for `t - now` ledgers at least.
pub const MIN_LEDGER_SECS: u64 = 1;

/// How long after its deadline an order or trade stays readable, so that `release` and
/// `refund_expired` (the operator's services call them for everyone) have a day to run;
/// after that the owner's `withdraw` sweeps what is left.
pub const REFUND_WINDOW_SECS: u64 = 86_400;

/// Ledgers a temporary entry needs to outlive unix time `until`.
fn ledgers_until(env: &Env, until: u64) -> u32 {
    let secs = until.saturating_sub(env.ledger().timestamp());
    let ledgers = secs / MIN_LEDGER_SECS + 1;
    ledgers.min(env.storage().max_ttl() as u64) as u32
}

/// Writes a temporary entry that lives at least until unix time `until`.
pub fn store_temp<K: IntoVal<Env, Val>, V: IntoVal<Env, Val>>(
    env: &Env,
    key: &K,
    v: &V,
    until: u64,
) {
    let t = env.storage().temporary();
    t.set(key, v);
    let n = ledgers_until(env, until);
    t.extend_ttl(key, n, n);
}

/// Reads a temporary entry (`None` once it expired or if it never existed).
pub fn load_temp<K: IntoVal<Env, Val>, V: TryFromVal<Env, Val>>(env: &Env, key: &K) -> Option<V> {
    env.storage().temporary().get(key)
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

/// Bits of an order id that count its owner's orders; the bits above hold the owner's
/// household number.
pub const ORDER_SEQ_BITS: u32 = 24;

/// Household numbers stay below this, so order ids stay below 2^53 and are exact as JSON
/// numbers (the read API, the web app).
pub const MAX_HOUSEHOLDS: u32 = 1 << 29;

/// The id of `owner`'s next order: its household number and how many orders it placed,
/// both kept in its own `Account`. No shared counter: two households' orders simulated
/// against the same state and applied in one ledger name different order entries, so
/// neither fails (a shared counter made the second fail on chain, charged, and be sent
/// again; `docs/cost-model.md`). A household's number is the one the registry gave it at
/// admission (`household_number`), taken at its first order; a member admitted before the
/// registry numbered members draws one from the market's own counter instead, below
/// `FIRST_HOUSEHOLD_NUMBER`, so the two kinds never meet.
pub fn next_order_id(env: &Env, owner: &Address, registry: &Address) -> Result<u64, MarketError> {
    let key = Key::Account(owner.clone());
    let mut a = account(env, owner);
    if a.number == 0 {
        a.number = match RegistryClient::new(env, registry).household_number(owner) {
            Some(n) => n,
            None => {
                let n: u32 = env
                    .storage()
                    .instance()
                    .get(&Key::NextHousehold)
                    .unwrap_or(1);
                if n >= FIRST_HOUSEHOLD_NUMBER {
                    return Err(MarketError::TooManyOrders);
                }
                env.storage().instance().set(&Key::NextHousehold, &(n + 1));
                n
            }
        };
    }
    if a.number >= MAX_HOUSEHOLDS || a.orders >= 1 << ORDER_SEQ_BITS {
        return Err(MarketError::TooManyOrders);
    }
    let id = ((a.number as u64) << ORDER_SEQ_BITS) | a.orders as u64;
    a.orders += 1;
    store(env, &key, &a);
    Ok(id)
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

/// An order by id, while it lives.
pub fn order(env: &Env, id: u64) -> Option<Order> {
    load_temp(env, &Key::Order(id))
}

/// Stores an order until a day past its delivery deadline.
pub fn set_order(env: &Env, id: u64, o: &Order) {
    let until = o.deadline.saturating_add(REFUND_WINDOW_SECS);
    store_temp(env, &Key::Order(id), o, until);
}

/// A trade by id, while it lives.
pub fn trade(env: &Env, id: u64) -> Option<Trade> {
    load_temp(env, &Key::Trade(id))
}

/// Stores a trade until a day past its delivery deadline.
pub fn set_trade(env: &Env, id: u64, t: &Trade) {
    let until = t.deadline.saturating_add(REFUND_WINDOW_SECS);
    store_temp(env, &Key::Trade(id), t, until);
}

/// The trade ids of `meter`'s offers in `slot`.
pub fn meter_trades(env: &Env, meter: &BytesN<32>, slot: u64) -> Vec<u64> {
    load_temp(env, &Key::MeterTrades(meter.clone(), slot)).unwrap_or_else(|| Vec::new(env))
}

/// A household's account (all zero for a household the market never paid or escrowed for).
pub fn account(env: &Env, who: &Address) -> Account {
    load(env, &Key::Account(who.clone())).unwrap_or_default()
}

/// Changes to households' accounts gathered during one call and written once per household
/// by `flush`: (credit change, held-escrow change, latest escrow deadline).
pub type Pending = Map<Address, (i128, i128, u64)>;

/// Adds `credit` to `who`'s credit and `held` to its escrow in flight (either may be
/// negative: escrow moving to credit), with `until` the deadline of newly held escrow.
pub fn add(pending: &mut Pending, who: &Address, credit: i128, held: i128, until: u64) {
    if credit == 0 && held == 0 {
        return;
    }
    let (c, h, u) = pending.get(who.clone()).unwrap_or((0, 0, 0));
    pending.set(who.clone(), (c + credit, h + held, u.max(until)));
}

/// Writes the gathered account changes: one write per household per call.
pub fn flush(env: &Env, pending: &Pending) -> Result<(), MarketError> {
    for (who, (credit, held, until)) in pending.iter() {
        let mut a = account(env, &who);
        a.credit = a.credit.checked_add(credit).ok_or(MarketError::Overflow)?;
        a.held = a.held.checked_add(held).ok_or(MarketError::Overflow)?;
        if a.credit < 0 || a.held < 0 {
            return Err(MarketError::AccountUnderflow);
        }
        a.held_until = a.held_until.max(until);
        store(env, &Key::Account(who), &a);
    }
    Ok(())
}
