//! The community registry: who is a member (role, feeder) and which meters exist (ed25519
//! key, owner, feeder, per-minute export cap, active flag). The market and governance read
//! it; only the admin (bootstrap deployer, then governance) writes it, and every change emits
//! an event so indexers and auditors can rebuild it.
#![no_std]

#[cfg(test)]
mod test;

use soroban_sdk::{
    contract, contracterror, contractevent, contractimpl, contracttype, Address, BytesN,
    ContractExecutable, Env,
};
use urja_interfaces::{Member, Meter, Role, TTL_EXTEND_TO, TTL_THRESHOLD};

/// Registry errors; codes are stable and documented in docs/contracts.md.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum RegistryError {
    /// The address is already a member.
    MemberExists = 1,
    /// The address is not a member.
    UnknownMember = 2,
    /// A meter with this key is already registered.
    MeterExists = 3,
    /// No meter is registered under this key.
    UnknownMeter = 4,
    /// A meter's owner must be an active member allowed to sell.
    OwnerCannotSell = 5,
    /// `max_wh_per_minute` must be in 1..=65535 (readings are proven below 2^16).
    InvalidCapacity = 6,
    /// Meter and owner must hang from the same feeder.
    FeederMismatch = 7,
}

#[contracttype]
#[derive(Clone)]
enum Key {
    Admin,
    ActiveMembers,
    Member(Address),
    Meter(BytesN<32>),
}

/// Emitted when a member is added or changed (role, feeder, active).
#[contractevent(topics = ["member"], data_format = "vec")]
pub struct MemberChanged {
    #[topic]
    pub addr: Address,
    pub role: Role,
    pub feeder: u32,
    pub active: bool,
}

/// Emitted when a meter is registered or changed (suspended, reactivated, new cap).
#[contractevent(topics = ["meter"], data_format = "vec")]
pub struct MeterChanged {
    #[topic]
    pub meter_id: BytesN<32>,
    pub owner: Address,
    pub feeder: u32,
    pub max_wh_per_minute: u32,
    pub active: bool,
}

/// Emitted when administration moves (to governance).
#[contractevent(topics = ["set_admin"], data_format = "single-value")]
pub struct AdminChanged {
    pub new_admin: Address,
}

/// Readings are proven to lie below 2^16 Wh, so a larger cap could never be met.
const MAX_CAPACITY: u32 = 65_535;

#[contract]
pub struct Registry;

fn bump(env: &Env) {
    env.storage()
        .instance()
        .extend_ttl(TTL_THRESHOLD, TTL_EXTEND_TO);
}

fn require_admin(env: &Env) {
    let admin: Address = env
        .storage()
        .instance()
        .get(&Key::Admin)
        .expect("constructor sets admin");
    admin.require_auth();
    bump(env);
}

use urja_interfaces::ttl_storage::{load, store};

fn active_members(env: &Env) -> u32 {
    env.storage()
        .instance()
        .get(&Key::ActiveMembers)
        .unwrap_or(0)
}

fn write_member(env: &Env, addr: &Address, m: &Member, was_active: bool) {
    let count = active_members(env) + m.active as u32 - was_active as u32;
    env.storage().instance().set(&Key::ActiveMembers, &count);
    store(env, &Key::Member(addr.clone()), m);
    MemberChanged {
        addr: addr.clone(),
        role: m.role,
        feeder: m.feeder,
        active: m.active,
    }
    .publish(env);
}

fn write_meter(env: &Env, id: &BytesN<32>, m: &Meter) {
    store(env, &Key::Meter(id.clone()), m);
    MeterChanged {
        meter_id: id.clone(),
        owner: m.owner.clone(),
        feeder: m.feeder,
        max_wh_per_minute: m.max_wh_per_minute,
        active: m.active,
    }
    .publish(env);
}

fn check_capacity(max_wh_per_minute: u32) -> Result<(), RegistryError> {
    if max_wh_per_minute == 0 || max_wh_per_minute > MAX_CAPACITY {
        return Err(RegistryError::InvalidCapacity);
    }
    Ok(())
}

#[contractimpl]
impl Registry {
    /// Deploys the registry with its first admin (the bootstrap deployer).
    pub fn __constructor(env: Env, admin: Address) {
        env.storage().instance().set(&Key::Admin, &admin);
        bump(&env);
    }

    /// Hands administration to `new_admin` (governance). Admin only.
    pub fn set_admin(env: Env, new_admin: Address) {
        require_admin(&env);
        env.storage().instance().set(&Key::Admin, &new_admin);
        AdminChanged { new_admin }.publish(&env);
    }

    /// The current admin.
    pub fn admin(env: Env) -> Address {
        env.storage()
            .instance()
            .get(&Key::Admin)
            .expect("constructor sets admin")
    }

    /// Replaces the contract code (a governance decision). Admin only.
    pub fn upgrade(env: Env, wasm_hash: BytesN<32>) {
        require_admin(&env);
        env.deployer()
            .update_current_contract(ContractExecutable::Wasm(wasm_hash));
    }

    /// Admits a household as an active member. Admin only.
    pub fn add_member(
        env: Env,
        addr: Address,
        role: Role,
        feeder: u32,
    ) -> Result<(), RegistryError> {
        require_admin(&env);
        if load::<_, Member>(&env, &Key::Member(addr.clone())).is_some() {
            return Err(RegistryError::MemberExists);
        }
        write_member(
            &env,
            &addr,
            &Member {
                role,
                feeder,
                active: true,
            },
            false,
        );
        Ok(())
    }

    /// Changes a member's role or feeder. Admin only.
    pub fn update_member(
        env: Env,
        addr: Address,
        role: Role,
        feeder: u32,
    ) -> Result<(), RegistryError> {
        require_admin(&env);
        let m: Member =
            load(&env, &Key::Member(addr.clone())).ok_or(RegistryError::UnknownMember)?;
        write_member(
            &env,
            &addr,
            &Member {
                role,
                feeder,
                active: m.active,
            },
            m.active,
        );
        Ok(())
    }

    /// Suspends (`false`) or reinstates (`true`) a member. Admin only.
    pub fn set_member_active(env: Env, addr: Address, active: bool) -> Result<(), RegistryError> {
        require_admin(&env);
        let m: Member =
            load(&env, &Key::Member(addr.clone())).ok_or(RegistryError::UnknownMember)?;
        write_member(
            &env,
            &addr,
            &Member {
                active,
                ..m.clone()
            },
            m.active,
        );
        Ok(())
    }

    /// Binds a meter (its ed25519 public key) to a member allowed to sell. Admin only.
    pub fn register_meter(
        env: Env,
        meter_id: BytesN<32>,
        owner: Address,
        feeder: u32,
        max_wh_per_minute: u32,
    ) -> Result<(), RegistryError> {
        require_admin(&env);
        check_capacity(max_wh_per_minute)?;
        if load::<_, Meter>(&env, &Key::Meter(meter_id.clone())).is_some() {
            return Err(RegistryError::MeterExists);
        }
        let m: Member =
            load(&env, &Key::Member(owner.clone())).ok_or(RegistryError::UnknownMember)?;
        if !m.active || !m.role.can_sell() {
            return Err(RegistryError::OwnerCannotSell);
        }
        if m.feeder != feeder {
            return Err(RegistryError::FeederMismatch);
        }
        write_meter(
            &env,
            &meter_id,
            &Meter {
                owner,
                feeder,
                max_wh_per_minute,
                active: true,
            },
        );
        Ok(())
    }

    /// Suspends (`false`) or reinstates (`true`) a meter. Admin only.
    pub fn set_meter_active(
        env: Env,
        meter_id: BytesN<32>,
        active: bool,
    ) -> Result<(), RegistryError> {
        require_admin(&env);
        let m: Meter =
            load(&env, &Key::Meter(meter_id.clone())).ok_or(RegistryError::UnknownMeter)?;
        write_meter(&env, &meter_id, &Meter { active, ..m });
        Ok(())
    }

    /// Changes a meter's per-minute export cap (e.g. after a panel upgrade). Admin only.
    pub fn set_meter_capacity(
        env: Env,
        meter_id: BytesN<32>,
        max_wh_per_minute: u32,
    ) -> Result<(), RegistryError> {
        require_admin(&env);
        check_capacity(max_wh_per_minute)?;
        let m: Meter =
            load(&env, &Key::Meter(meter_id.clone())).ok_or(RegistryError::UnknownMeter)?;
        write_meter(
            &env,
            &meter_id,
            &Meter {
                max_wh_per_minute,
                ..m
            },
        );
        Ok(())
    }

    /// The member record of `addr`, if any.
    pub fn member(env: Env, addr: Address) -> Option<Member> {
        load(&env, &Key::Member(addr))
    }

    /// The meter registered under `meter_id`, if any.
    pub fn meter(env: Env, meter_id: BytesN<32>) -> Option<Meter> {
        load(&env, &Key::Meter(meter_id))
    }

    /// Number of active members (governance's quorum base).
    pub fn active_members(env: Env) -> u32 {
        active_members(&env)
    }
}
