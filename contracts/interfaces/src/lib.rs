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
    /// Suspended members can neither trade, be paid for deliveries, nor vote.
    pub active: bool,
    /// When the member was admitted or last reinstated (ledger unix time): governance
    /// counts its vote only on proposals created after this moment plus the vote maturity.
    pub since: u64,
}

/// A smart meter bound to a member; its id is its ed25519 public key.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Meter {
    pub owner: Address,
    pub feeder: u32,
    /// The meter's physical export rate cap; each reading is proven within it for the
    /// reading's interval (`metering::reading_limit_wh`).
    pub max_wh_per_minute: u32,
    /// Delivering: accepted by its owner and not suspended.
    pub active: bool,
    /// The owner signed for the meter (`accept_meter`); until then it cannot deliver.
    pub accepted: bool,
}

/// Read access to the registry, used by the market and governance.
#[contractclient(name = "RegistryClient")]
pub trait RegistryInterface {
    /// The member record of `addr`, if any.
    fn member(env: Env, addr: Address) -> Option<Member>;
    /// The meter registered under `meter_id`, if any.
    fn meter(env: Env, meter_id: BytesN<32>) -> Option<Meter>;
    /// Number of active members now.
    fn active_members(env: Env) -> u32;
    /// Number of members active at ledger time `t` (governance's quorum base).
    fn active_members_at(env: Env, t: u64) -> u32;
    /// The household number the registry gave `addr` when it was admitted (from
    /// `FIRST_HOUSEHOLD_NUMBER` on, one after another): the market builds order ids from it.
    /// None for a member admitted before the registry numbered members.
    fn household_number(env: Env, addr: Address) -> Option<u32>;
}

/// The first household number the registry gives. Numbers the market drew from its own
/// counter (households that ordered before the registry numbered members) stay below it, so
/// the two never meet.
pub const FIRST_HOUSEHOLD_NUMBER: u32 = 1 << 28;

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

    /// True when `proof` proves `claim` for the market whose `domain` is given: the
    /// verifier checks the meter's ed25519 signature over the domain-separated delivery
    /// message (aborting on a bad one), computes
    /// `h = Poseidon(C, E, slot, max, Poseidon(Poseidon(key_hi, key_lo), D))` with the
    /// Poseidon host function and checks the proof against it (`docs/formats.md`).
    fn verify_delivery(
        env: Env,
        circuit_id: u32,
        domain: BytesN<32>,
        claim: DeliveryClaim,
        proof: Bytes,
    ) -> bool;
}

/// One meter's claim of energy exported in one slot, as the meter signed it and the
/// market checked it against the registry.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct DeliveryClaim {
    /// The meter's ed25519 public key (its id).
    pub meter: BytesN<32>,
    pub slot: u64,
    /// `C = Poseidon(readings, salt)`, the commitment the meter signed.
    pub commitment: BytesN<32>,
    /// `E`, the sum of the committed readings in Wh.
    pub energy_wh: u64,
    /// The per-reading cap proven for every reading: the meter's registered rate over one
    /// reading's interval (`metering::reading_limit_wh`).
    pub max_wh_per_reading: u32,
    /// The meter's ed25519 signature over the delivery message (`docs/formats.md`).
    pub signature: BytesN<64>,
}

/// How a meter's registered rate bounds its readings; the relayer, the prover and the
/// auditor compute the same bound (`docs/formats.md`, vectors in
/// `docs/vectors/delivery.json`).
pub mod metering {
    /// Readings a meter commits per slot, each covering a fifteenth of the slot.
    pub const READINGS_PER_SLOT: u64 = 15;
    /// Readings and their limit are proven below 2^16.
    pub const MAX_READING_WH: u32 = 65_535;

    /// The most Wh one reading may claim in slots of `slot_secs` seconds from a meter
    /// registered at `max_wh_per_minute`: the rate times the reading's interval
    /// (`slot_secs / 15` seconds), rounded down, never above `MAX_READING_WH`. It exists
    /// because a per-minute rate applied to each reading whatever the slot length let a
    /// meter in 15-second slots claim 60 times its rate.
    pub fn reading_limit_wh(max_wh_per_minute: u32, slot_secs: u64) -> u32 {
        let secs = slot_secs / READINGS_PER_SLOT;
        let wh = (max_wh_per_minute as u64).saturating_mul(secs) / 60;
        wh.min(MAX_READING_WH as u64) as u32
    }
}

/// Domain separation shared by every contract and every off-chain implementation: the
/// 32-byte `domain` of a market is `SHA-256("URJA/domain/v1" || network_id || market
/// strkey)`, so a meter's signature and proof for one market on one network mean nothing
/// to any other (`docs/formats.md`).
pub mod domain {
    use soroban_sdk::{Address, Bytes, BytesN, Env};

    /// Prefix of the domain preimage.
    pub const DOMAIN_TAG: &[u8] = b"URJA/domain/v1";
    /// Prefix of the meter's signed delivery message.
    pub const DELIVERY_TAG: &[u8] = b"URJA/delivery/v2";
    /// Length of a contract's strkey (`C...`).
    const STRKEY_LEN: usize = 56;

    /// The domain of `market` on the network this code runs on.
    pub fn market_domain(env: &Env, market: &Address) -> BytesN<32> {
        let mut pre = Bytes::from_slice(env, DOMAIN_TAG);
        pre.append(&env.ledger().network_id().into());
        let s = market.to_string();
        let mut buf = [0u8; STRKEY_LEN];
        s.copy_into_slice(&mut buf[..s.len() as usize]);
        pre.extend_from_slice(&buf[..s.len() as usize]);
        env.crypto().sha256(&pre).into()
    }
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

/// OpenZeppelin's `Ownable` and `Upgradeable`, re-exported so `admin_entry_points!` expands
/// in every contract crate without each naming the OpenZeppelin crates.
pub use stellar_access::ownable::Ownable;
pub use stellar_contract_utils::upgradeable::Upgradeable;

/// The administration entry points every governed Urja contract exports, generated from one
/// definition so the contracts cannot drift apart: `urja_interfaces::admin_entry_points!(Market);`.
///
/// They are OpenZeppelin's `Ownable` (`get_owner`, `transfer_ownership(new_owner,
/// live_until_ledger)`, `accept_ownership`; `renounce_ownership` is refused, see
/// [`admin::renounce`]) and `Upgradeable` (`upgrade(new_wasm_hash, operator)`, owner only).
#[macro_export]
macro_rules! admin_entry_points {
    ($contract:ident) => {
        #[soroban_sdk::contractimpl(contracttrait)]
        impl urja_interfaces::Ownable for $contract {
            /// Refused (`RenounceRefused`).
            fn renounce_ownership(env: &soroban_sdk::Env) {
                $crate::admin::renounce(env);
            }
        }

        #[soroban_sdk::contractimpl]
        impl urja_interfaces::Upgradeable for $contract {
            /// Replaces the code. Owner only; `operator` is not consulted.
            fn upgrade(
                env: &soroban_sdk::Env,
                new_wasm_hash: soroban_sdk::BytesN<32>,
                _operator: soroban_sdk::Address,
            ) {
                $crate::admin::upgrade(env, &new_wasm_hash);
            }
        }
    };
}

/// Administration shared by every Urja contract, on OpenZeppelin's `stellar-access` Ownable:
/// one owner (the community's governance from construction), handed over in two steps (the
/// owner proposes with an expiry ledger, the new owner accepts before it, so a typo cannot lose
/// the contract), and code upgrades (`stellar-contract-utils` upgradeable) by the owner alone.
/// The only hand-written parts: the refusal to renounce and the `upgraded` event.
pub mod admin {
    use soroban_sdk::{contracterror, contractevent, panic_with_error, Address, BytesN, Env};
    use stellar_access::ownable;
    use stellar_contract_utils::upgradeable;

    /// Administration errors beyond OpenZeppelin's (`OwnableError` 2100-2102,
    /// `RoleTransferError` 2200-2203). Without an owner nothing could ever change a
    /// contract's parameters, suspend a member or fix a bug, so renouncing is refused.
    #[contracterror]
    #[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
    #[repr(u32)]
    pub enum AdminError {
        /// A governed contract keeps its owner.
        RenounceRefused = 2900,
    }

    /// The contract's code was replaced: `["upgraded"]`, data the new WASM hash.
    #[contractevent(topics = ["upgraded"], data_format = "single-value")]
    pub struct Upgraded {
        pub wasm_hash: BytesN<32>,
    }

    /// Sets the first owner (constructor only; OpenZeppelin refuses a second call).
    pub fn init(env: &Env, owner: &Address) {
        ownable::set_owner(env, owner);
    }

    /// The current owner.
    pub fn get(env: &Env) -> Address {
        ownable::get_owner(env).expect("constructor sets the owner")
    }

    /// Requires the owner's authorization; returns the owner.
    pub fn require(env: &Env) -> Address {
        ownable::enforce_owner_auth(env)
    }

    /// Refuses `renounce_ownership` (after checking the caller is the owner, so a stranger
    /// learns nothing new).
    pub fn renounce(env: &Env) {
        require(env);
        panic_with_error!(env, AdminError::RenounceRefused);
    }

    /// Replaces the contract's code (owner only) and announces the new hash.
    pub fn upgrade(env: &Env, wasm_hash: &BytesN<32>) {
        require(env);
        upgradeable::upgrade(env, wasm_hash);
        Upgraded {
            wasm_hash: wasm_hash.clone(),
        }
        .publish(env);
    }
}
