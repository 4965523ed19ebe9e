//! The community registry: who is a member (role, feeder) and which meters exist (ed25519
//! key, owner, feeder, per-minute export cap, active flag). The market and governance read
//! it. The admin (the community's governance) holds every power; the operator role, granted
//! and revoked by the admin, may only admit members and propose meters, and a proposed meter
//! delivers only once its owner accepts it with its own signature. Every change emits an
//! event so indexers and auditors can rebuild the registry.
#![no_std]

#[cfg(test)]
mod test;

use soroban_sdk::{
    contract, contracterror, contractevent, contractimpl, contracttype, Address, BytesN, Env,
};
use urja_interfaces::{
    admin, Member, Meter, Role, FIRST_HOUSEHOLD_NUMBER, TTL_EXTEND_TO, TTL_THRESHOLD,
};

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
    /// The meter was already accepted by its owner.
    AlreadyAccepted = 8,
    /// Only the meter's owner may do this.
    NotMeterOwner = 9,
    /// A meter can be reinstated only after its owner accepted it.
    NotAccepted = 10,
}

#[contracttype]
#[derive(Clone)]
enum Key {
    Operator,
    ActiveMembers,
    /// Number of active-member checkpoints written so far.
    Checkpoints,
    /// Checkpoint `i`: (ledger time, active members from then on).
    Checkpoint(u32),
    Member(Address),
    Meter(BytesN<32>),
    /// The next household number to give (instance).
    NextNumber,
    /// A member's household number, given once at admission and kept for its life.
    Number(Address),
}

/// Emitted when a member is added or changed (role, feeder, active).
#[contractevent(topics = ["member"], data_format = "vec")]
pub struct MemberChanged {
    #[topic]
    pub addr: Address,
    pub role: Role,
    pub feeder: u32,
    pub active: bool,
    pub since: u64,
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
    pub accepted: bool,
}

/// Emitted when the admin grants the operator role to another address.
#[contractevent(topics = ["operator"], data_format = "single-value")]
pub struct OperatorChanged {
    pub operator: Address,
}

/// Readings are proven to lie below 2^16 Wh, so a larger cap could never be met.
const MAX_CAPACITY: u32 = 65_535;

#[contract]
pub struct Registry;

urja_interfaces::admin_entry_points!(Registry);

fn bump(env: &Env) {
    env.storage()
        .instance()
        .extend_ttl(TTL_THRESHOLD, TTL_EXTEND_TO);
}

fn require_admin(env: &Env) {
    admin::require(env);
    bump(env);
}

/// The operator's authorization (the role the admin granted).
fn require_operator(env: &Env) -> Result<(), RegistryError> {
    let op: Address = env
        .storage()
        .instance()
        .get(&Key::Operator)
        .expect("constructor sets the operator");
    op.require_auth();
    bump(env);
    Ok(())
}

use urja_interfaces::ttl_storage::{load, store};

fn active_members(env: &Env) -> u32 {
    env.storage()
        .instance()
        .get(&Key::ActiveMembers)
        .unwrap_or(0)
}

/// Records that `count` members are active from now on, so governance can ask how many
/// were active at any past moment (its electorate), as OpenZeppelin's vote checkpoints do.
fn checkpoint(env: &Env, count: u32) {
    let n: u32 = env.storage().instance().get(&Key::Checkpoints).unwrap_or(0);
    let now = env.ledger().timestamp();
    if n > 0 {
        let (t, _): (u64, u32) = load(env, &Key::Checkpoint(n - 1)).expect("written");
        if t == now {
            store(env, &Key::Checkpoint(n - 1), &(now, count));
            return;
        }
    }
    store(env, &Key::Checkpoint(n), &(now, count));
    env.storage().instance().set(&Key::Checkpoints, &(n + 1));
}

/// Active members at ledger time `t` (the last checkpoint at or before `t`).
fn active_members_at(env: &Env, t: u64) -> u32 {
    let n: u32 = env.storage().instance().get(&Key::Checkpoints).unwrap_or(0);
    let (mut lo, mut hi) = (0u32, n);
    // Invariant: checkpoints below `lo` are at or before `t`, from `hi` on after it.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let (at, _): (u64, u32) = load(env, &Key::Checkpoint(mid)).expect("written");
        if at <= t {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if lo == 0 {
        return 0;
    }
    let (_, count): (u64, u32) = load(env, &Key::Checkpoint(lo - 1)).expect("written");
    count
}

fn write_member(env: &Env, addr: &Address, m: &Member, was_active: bool) {
    let count = active_members(env) + m.active as u32 - was_active as u32;
    env.storage().instance().set(&Key::ActiveMembers, &count);
    if m.active != was_active {
        checkpoint(env, count);
    }
    store(env, &Key::Member(addr.clone()), m);
    MemberChanged {
        addr: addr.clone(),
        role: m.role,
        feeder: m.feeder,
        active: m.active,
        since: m.since,
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
        accepted: m.accepted,
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
    /// Deploys the registry with its admin (the community's governance) and the operator
    /// who may admit members and propose meters.
    pub fn __constructor(env: Env, admin: Address, operator: Address) {
        admin::init(&env, &admin);
        env.storage().instance().set(&Key::Operator, &operator);
        bump(&env);
    }

    /// Grants the operator role to `operator` (revoking it from the previous holder).
    /// Admin only.
    pub fn set_operator(env: Env, operator: Address) {
        require_admin(&env);
        env.storage().instance().set(&Key::Operator, &operator);
        OperatorChanged { operator }.publish(&env);
    }

    /// The address holding the operator role.
    pub fn operator(env: Env) -> Address {
        env.storage()
            .instance()
            .get(&Key::Operator)
            .expect("constructor sets the operator")
    }

    /// Admits a household as an active member. Operator only.
    pub fn add_member(
        env: Env,
        addr: Address,
        role: Role,
        feeder: u32,
    ) -> Result<(), RegistryError> {
        require_operator(&env)?;
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
                since: env.ledger().timestamp(),
            },
            false,
        );
        // Admissions are the operator's, one transaction after another: no two members can
        // draw the same number, as households' first orders could from a market counter.
        let n: u32 = env
            .storage()
            .instance()
            .get(&Key::NextNumber)
            .unwrap_or(FIRST_HOUSEHOLD_NUMBER);
        store(&env, &Key::Number(addr), &n);
        env.storage().instance().set(&Key::NextNumber, &(n + 1));
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
                ..m.clone()
            },
            m.active,
        );
        Ok(())
    }

    /// Suspends (`false`) or reinstates (`true`) a member. A suspended member can neither
    /// trade, be paid for its meters' deliveries, nor vote; a reinstated member's vote
    /// matures again from now. Admin only.
    pub fn set_member_active(env: Env, addr: Address, active: bool) -> Result<(), RegistryError> {
        require_admin(&env);
        let m: Member =
            load(&env, &Key::Member(addr.clone())).ok_or(RegistryError::UnknownMember)?;
        let since = if active && !m.active {
            env.ledger().timestamp()
        } else {
            m.since
        };
        write_member(
            &env,
            &addr,
            &Member {
                active,
                since,
                ..m.clone()
            },
            m.active,
        );
        Ok(())
    }

    /// Proposes a meter (its ed25519 public key) for a member allowed to sell. Operator only. The meter delivers only after its owner accepts it (`accept_meter`).
    pub fn register_meter(
        env: Env,
        meter_id: BytesN<32>,
        owner: Address,
        feeder: u32,
        max_wh_per_minute: u32,
    ) -> Result<(), RegistryError> {
        require_operator(&env)?;
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
                active: false,
                accepted: false,
            },
        );
        Ok(())
    }

    /// The meter's owner signs for it: from now on it may deliver. Owner only.
    pub fn accept_meter(env: Env, meter_id: BytesN<32>) -> Result<(), RegistryError> {
        let m: Meter =
            load(&env, &Key::Meter(meter_id.clone())).ok_or(RegistryError::UnknownMeter)?;
        m.owner.require_auth();
        if m.accepted {
            return Err(RegistryError::AlreadyAccepted);
        }
        bump(&env);
        write_meter(
            &env,
            &meter_id,
            &Meter {
                active: true,
                accepted: true,
                ..m
            },
        );
        Ok(())
    }

    /// The meter's owner withdraws its own meter (e.g. a lost or stolen device). Reinstating
    /// it is a governance decision (`set_meter_active`). Owner only.
    pub fn retire_meter(env: Env, meter_id: BytesN<32>) -> Result<(), RegistryError> {
        let m: Meter =
            load(&env, &Key::Meter(meter_id.clone())).ok_or(RegistryError::UnknownMeter)?;
        m.owner.require_auth();
        bump(&env);
        write_meter(&env, &meter_id, &Meter { active: false, ..m });
        Ok(())
    }

    /// Suspends (`false`) or reinstates (`true`) an accepted meter. Admin only.
    pub fn set_meter_active(
        env: Env,
        meter_id: BytesN<32>,
        active: bool,
    ) -> Result<(), RegistryError> {
        require_admin(&env);
        let m: Meter =
            load(&env, &Key::Meter(meter_id.clone())).ok_or(RegistryError::UnknownMeter)?;
        if active && !m.accepted {
            return Err(RegistryError::NotAccepted);
        }
        write_meter(&env, &meter_id, &Meter { active, ..m });
        Ok(())
    }

    /// Changes a meter's per-minute export cap (e.g. after a panel upgrade). Admin
    /// (governance) only: a higher cap lets a meter prove more energy.
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

    /// The household number `addr` was given at admission (`FIRST_HOUSEHOLD_NUMBER` on);
    /// None for a member admitted before the registry numbered members.
    pub fn household_number(env: Env, addr: Address) -> Option<u32> {
        load(&env, &Key::Number(addr))
    }

    /// The meter registered under `meter_id`, if any.
    pub fn meter(env: Env, meter_id: BytesN<32>) -> Option<Meter> {
        load(&env, &Key::Meter(meter_id))
    }

    /// Number of active members now.
    pub fn active_members(env: Env) -> u32 {
        active_members(&env)
    }

    /// Number of members active at ledger time `t` (governance's quorum base).
    pub fn active_members_at(env: Env, t: u64) -> u32 {
        active_members_at(&env, t)
    }
}
