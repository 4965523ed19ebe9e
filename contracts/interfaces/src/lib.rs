//! Types and client interfaces shared by Urja's contracts.
//!
//! Contracts call each other through the `#[contractclient]` traits defined here, so no
//! contract needs another's WASM at build time, and the shared `#[contracttype]`s keep one
//! definition of members, meters and market parameters.
#![no_std]

use soroban_sdk::{contractclient, contracttype, Address, Bytes, BytesN, Env, Vec};

/// Ledgers per day at the network's 5-second close time; the unit of every TTL below.
pub const DAY_IN_LEDGERS: u32 = 17_280;
/// Entries are extended to live this long whenever they are touched.
pub const TTL_EXTEND_TO: u32 = 30 * DAY_IN_LEDGERS;
/// Entries are extended only once their remaining TTL falls below this.
pub const TTL_THRESHOLD: u32 = TTL_EXTEND_TO - DAY_IN_LEDGERS;

/// What a household does in the market.
#[contracttype]
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[repr(u32)]
pub enum Role {
    /// Sells surplus energy (has a meter).
    Donor = 1,
    /// Buys energy.
    Receiver = 2,
    /// Both sells and buys.
    Both = 3,
}

impl Role {
    /// True when this role may place sell offers.
    pub fn can_sell(self) -> bool {
        matches!(self, Role::Donor | Role::Both)
    }
    /// True when this role may place buy bids.
    pub fn can_buy(self) -> bool {
        matches!(self, Role::Receiver | Role::Both)
    }
}

/// A community member as the registry records it.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Member {
    pub role: Role,
    /// The feeder (grid branch) the household hangs from.
    pub feeder: u32,
    /// Suspended members can neither trade nor vote.
    pub active: bool,
}

/// A smart meter bound to a member; its id is its ed25519 public key.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Meter {
    pub owner: Address,
    pub feeder: u32,
    /// Physical cap on export per reading interval; proven per reading in zero knowledge.
    pub max_wh_per_minute: u32,
    pub active: bool,
}

/// Read access to the registry, used by the market and governance.
#[contractclient(name = "RegistryClient")]
pub trait RegistryInterface {
    /// The member record of `addr`, if any.
    fn member(env: Env, addr: Address) -> Option<Member>;
    /// The meter registered under `meter_id`, if any.
    fn meter(env: Env, meter_id: BytesN<32>) -> Option<Meter>;
    /// Number of active members (governance quorum base).
    fn active_members(env: Env) -> u32;
}

/// The kWh token's minting entry point, callable only by its minter (the market).
#[contractclient(name = "MintClient")]
pub trait MintInterface {
    /// Creates `amount` Wh for `to`.
    fn mint(env: Env, to: Address, amount: i128);
    /// Total units in existence (= proven delivered Wh).
    fn total_supply(env: Env) -> i128;
}

/// The Groth16 verifier contract as the market calls it.
#[contractclient(name = "VerifierClient")]
pub trait VerifierInterface {
    /// True when `proof` verifies against the key stored for `circuit_id` and `public_inputs`
    /// (each a big-endian BN254 scalar).
    fn verify(env: Env, circuit_id: u32, proof: Bytes, public_inputs: Vec<BytesN<32>>) -> bool;

    /// True when `proof` proves the delivery statement for these values: the verifier
    /// checks the meter's ed25519 `signature` over the delivery message (aborting on a bad
    /// one), computes `h = Poseidon(C, E, slot, max, Poseidon(key_hi, key_lo))` with the
    /// Poseidon host function and checks the proof against it (`docs/zk.md`).
    #[allow(clippy::too_many_arguments)]
    fn verify_delivery(
        env: Env,
        circuit_id: u32,
        proof: Bytes,
        commitment: BytesN<32>,
        energy_wh: u64,
        slot: u64,
        max_wh_per_minute: u32,
        meter: BytesN<32>,
        signature: BytesN<64>,
    ) -> bool;
}

#[cfg(feature = "testutils")]
pub mod testing;

/// Persistent storage that never lets a live entry archive: every read of an existing entry
/// and every write extends it to `TTL_EXTEND_TO`. One implementation for every contract.
pub mod ttl_storage {
    use soroban_sdk::{Env, IntoVal, TryFromVal, Val};

    use super::{TTL_EXTEND_TO, TTL_THRESHOLD};

    /// Extends the calling contract's instance (and code) TTL.
    pub fn bump_instance(env: &Env) {
        env.storage()
            .instance()
            .extend_ttl(TTL_THRESHOLD, TTL_EXTEND_TO);
    }

    /// Reads a persistent entry, extending its TTL when present.
    pub fn load<K: IntoVal<Env, Val>, V: TryFromVal<Env, Val>>(env: &Env, key: &K) -> Option<V> {
        let v = env.storage().persistent().get::<K, V>(key);
        if v.is_some() {
            env.storage()
                .persistent()
                .extend_ttl(key, TTL_THRESHOLD, TTL_EXTEND_TO);
        }
        v
    }

    /// Writes a persistent entry and extends its TTL.
    pub fn store<K: IntoVal<Env, Val>, V: IntoVal<Env, Val>>(env: &Env, key: &K, v: &V) {
        env.storage().persistent().set(key, v);
        env.storage()
            .persistent()
            .extend_ttl(key, TTL_THRESHOLD, TTL_EXTEND_TO);
    }
}
