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
    /// Physical cap on export per reading interval; proven per reading in zero knowledge.
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
    /// The per-reading cap proven for every reading (the meter's registered limit).
    pub max_wh_per_reading: u32,
    /// The meter's ed25519 signature over the delivery message (`docs/formats.md`).
    pub signature: BytesN<64>,
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

/// The four administration entry points every governed Urja contract exports
/// (`propose_admin`, `accept_admin`, `upgrade`, `admin`), generated from one definition on
/// top of `admin` so the contracts cannot drift apart: `urja_interfaces::admin_entry_points!(Market);`.
#[macro_export]
macro_rules! admin_entry_points {
    ($contract:ident) => {
        #[soroban_sdk::contractimpl]
        impl $contract {
            /// The admin proposes its successor (two-step handover). Admin only.
            pub fn propose_admin(env: soroban_sdk::Env, new_admin: soroban_sdk::Address) {
                $crate::admin::propose(&env, &new_admin);
                $crate::ttl_storage::bump_instance(&env);
            }

            /// The proposed admin takes over.
            pub fn accept_admin(env: soroban_sdk::Env) {
                $crate::admin::accept(&env);
                $crate::ttl_storage::bump_instance(&env);
            }

            /// Replaces the contract code (a governance decision). Admin only.
            pub fn upgrade(env: soroban_sdk::Env, wasm_hash: soroban_sdk::BytesN<32>) {
                $crate::admin::upgrade(&env, &wasm_hash);
            }

            /// The current admin.
            pub fn admin(env: soroban_sdk::Env) -> soroban_sdk::Address {
                $crate::admin::get(&env)
            }
        }
    };
}

/// Administration shared by every Urja contract: one admin (the community's governance
/// after deployment), handed over in two steps (the current admin proposes, the new one
/// accepts, so a typo cannot lose the contract), and code upgrades by the admin alone.
pub mod admin {
    use soroban_sdk::{contractevent, contracttype, Address, BytesN, ContractExecutable, Env};

    #[contracttype]
    #[derive(Clone)]
    enum AdminKey {
        UrjaAdmin,
        UrjaPendingAdmin,
    }

    /// An admin handover was proposed: `["admin_proposed"]`.
    #[contractevent(topics = ["admin_proposed"], data_format = "single-value")]
    pub struct AdminProposed {
        pub pending: Address,
    }

    /// The proposed admin accepted: `["set_admin"]`.
    #[contractevent(topics = ["set_admin"], data_format = "single-value")]
    pub struct AdminChanged {
        pub new_admin: Address,
    }

    /// The contract's code was replaced: `["upgraded"]`.
    #[contractevent(topics = ["upgraded"], data_format = "single-value")]
    pub struct Upgraded {
        pub wasm_hash: BytesN<32>,
    }

    /// Sets the first admin (constructor only).
    pub fn init(env: &Env, admin: &Address) {
        env.storage().instance().set(&AdminKey::UrjaAdmin, admin);
    }

    /// The current admin.
    pub fn get(env: &Env) -> Address {
        env.storage()
            .instance()
            .get(&AdminKey::UrjaAdmin)
            .expect("constructor sets the admin")
    }

    /// Requires the admin's authorization.
    pub fn require(env: &Env) -> Address {
        let a = get(env);
        a.require_auth();
        a
    }

    /// The admin proposes `pending` as its successor (admin only).
    pub fn propose(env: &Env, pending: &Address) {
        require(env);
        env.storage()
            .instance()
            .set(&AdminKey::UrjaPendingAdmin, pending);
        AdminProposed {
            pending: pending.clone(),
        }
        .publish(env);
    }

    /// The pending admin accepts; returns false (nothing changes) when none is pending.
    pub fn accept(env: &Env) -> bool {
        let Some(pending) = env
            .storage()
            .instance()
            .get::<_, Address>(&AdminKey::UrjaPendingAdmin)
        else {
            return false;
        };
        pending.require_auth();
        env.storage().instance().remove(&AdminKey::UrjaPendingAdmin);
        env.storage().instance().set(&AdminKey::UrjaAdmin, &pending);
        AdminChanged { new_admin: pending }.publish(env);
        true
    }

    /// Replaces the contract's code (admin only).
    pub fn upgrade(env: &Env, wasm_hash: &BytesN<32>) {
        require(env);
        env.deployer()
            .update_current_contract(ContractExecutable::Wasm(wasm_hash.clone()));
        Upgraded {
            wasm_hash: wasm_hash.clone(),
        }
        .publish(env);
    }
}
