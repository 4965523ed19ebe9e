//! Community governance: the admin of the registry, token, market and verifier.
//!
//! Members propose actions — any call on a governed contract (parameter changes, registry
//! actions, operator change, verifying-key installation, contract upgrade), a change of
//! governance's own rules, its own upgrade, or the cancellation of another proposal — and
//! vote one member one vote. The electorate of a proposal is fixed when it is created: only
//! members admitted at least `maturity_secs` before it may vote, and the quorum base is the
//! number of members active at that moment (the registry's checkpoints). A proposal passes
//! when turnout reaches its quorum (snapshotted at creation) and yes votes outnumber no
//! votes; anyone executes it after the voting period and the timelock, until it expires
//! `grace_secs` later. The proposer, or a passed `Cancel` proposal, can cancel it before it
//! executes. No key has any power here: there is no bootstrap admin.
#![no_std]

#[cfg(test)]
mod test;

use soroban_sdk::{
    contract, contracterror, contractevent, contractimpl, contracttype, Address, BytesN, Env,
    String, Symbol, Val, Vec,
};
use urja_interfaces::{RegistryClient, TTL_EXTEND_TO, TTL_THRESHOLD};

/// The shortest rules any deployment may set (its own floors may only be higher): one
/// ledger of voting and of timelock, and a minute to execute.
pub const ABSOLUTE_FLOORS: GovParams = GovParams {
    quorum_bps: 1,
    voting_secs: 5,
    timelock_secs: 5,
    grace_secs: 60,
    maturity_secs: 0,
};

/// Governance errors; codes are stable and documented in docs/contracts.md.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum GovError {
    /// The caller is not an active registry member.
    NotMember = 1,
    /// No proposal with this id.
    UnknownProposal = 2,
    /// Voting on this proposal has ended.
    VotingClosed = 3,
    /// This member already voted on this proposal.
    AlreadyVoted = 4,
    /// Voting period or timelock not over yet.
    TooEarly = 5,
    /// The proposal was already executed.
    AlreadyExecuted = 6,
    /// Turnout is below the quorum.
    QuorumNotReached = 7,
    /// Yes votes do not outnumber no votes.
    Rejected = 8,
    /// The action's target is not a governed contract.
    TargetNotGoverned = 9,
    /// Rules fail validation: quorum 1..=10000 bps and every period at or above the
    /// deployment's floors.
    InvalidParams = 10,
    /// The member was admitted (or reinstated) too late to vote on this proposal.
    NotEligible = 11,
    /// The proposal's execution window (grace period) has passed.
    Expired = 12,
    /// The proposal was cancelled.
    Cancelled = 13,
    /// Only the proposer (or a passed `Cancel` proposal) may cancel.
    NotProposer = 14,
}

/// Voting rules.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct GovParams {
    /// Share of the electorate who must vote, in basis points.
    pub quorum_bps: u32,
    /// How long a proposal is open for votes, in seconds.
    pub voting_secs: u64,
    /// Delay between the end of voting and execution, in seconds.
    pub timelock_secs: u64,
    /// How long after the timelock a passed proposal may still be executed.
    pub grace_secs: u64,
    /// A member votes only on proposals created at least this long after its admission.
    pub maturity_secs: u64,
}

/// What a proposal does when executed.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Action {
    /// Call `func(args)` on a governed contract (governance is its admin).
    Call(Address, Symbol, Vec<Val>),
    /// Change governance's own voting rules (never below the deployment's floors).
    SetParams(GovParams),
    /// Add a contract to the governed set.
    Govern(Address),
    /// Replace governance's own code.
    Upgrade(BytesN<32>),
    /// Cancel another proposal that has not executed.
    Cancel(u64),
}

/// A proposal and its tally.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Proposal {
    pub proposer: Address,
    pub action: Action,
    pub description: String,
    /// Ledger time of creation: the electorate's snapshot.
    pub created: u64,
    pub voting_ends: u64,
    pub executable_at: u64,
    /// Execution is refused from this moment on.
    pub expires_at: u64,
    /// Members active just before `created - maturity`: the quorum base.
    pub electorate: u32,
    /// The quorum in force at creation.
    pub quorum_bps: u32,
    /// The vote maturity in force at creation.
    pub maturity_secs: u64,
    pub yes: u32,
    pub no: u32,
    pub executed: bool,
    pub cancelled: bool,
}

#[contracttype]
#[derive(Clone)]
enum Key {
    Registry,
    Params,
    Floors,
    Governed,
    NextProposal,
    Proposal(u64),
    Vote(u64, Address),
}

/// A new proposal: `["proposed", id]`.
#[contractevent(topics = ["proposed"], data_format = "vec")]
pub struct Proposed {
    #[topic]
    pub id: u64,
    pub proposer: Address,
    pub action: Action,
    pub voting_ends: u64,
    pub description: String,
}

/// A vote: `["voted", id]`.
#[contractevent(topics = ["voted"], data_format = "vec")]
pub struct Voted {
    #[topic]
    pub id: u64,
    pub voter: Address,
    pub support: bool,
}

/// A proposal carried out: `["executed", id]`.
#[contractevent(topics = ["executed"], data_format = "single-value")]
pub struct Executed {
    #[topic]
    pub id: u64,
    pub action: Action,
}

/// A proposal cancelled: `["cancelled", id]`.
#[contractevent(topics = ["cancelled"], data_format = "single-value")]
pub struct CancelledEvent {
    #[topic]
    pub id: u64,
    pub by: Address,
}

#[contract]
pub struct Governance;

fn bump(env: &Env) {
    env.storage()
        .instance()
        .extend_ttl(TTL_THRESHOLD, TTL_EXTEND_TO);
}

fn floors(env: &Env) -> GovParams {
    env.storage()
        .instance()
        .get(&Key::Floors)
        .expect("constructor sets floors")
}

fn params(env: &Env) -> GovParams {
    env.storage()
        .instance()
        .get(&Key::Params)
        .expect("constructor sets params")
}

/// Checks `p` against `min`: quorum in 1..=10000 bps, every period at or above its floor.
fn validate(p: &GovParams, min: &GovParams) -> Result<(), GovError> {
    let ok = p.quorum_bps >= min.quorum_bps.max(1)
        && p.quorum_bps <= 10_000
        && p.voting_secs >= min.voting_secs
        && p.timelock_secs >= min.timelock_secs
        && p.grace_secs >= min.grace_secs
        && p.maturity_secs >= min.maturity_secs;
    if ok {
        Ok(())
    } else {
        Err(GovError::InvalidParams)
    }
}

fn governed(env: &Env) -> Vec<Address> {
    env.storage()
        .instance()
        .get(&Key::Governed)
        .unwrap_or_else(|| Vec::new(env))
}

fn registry(env: &Env) -> RegistryClient<'_> {
    let id: Address = env
        .storage()
        .instance()
        .get(&Key::Registry)
        .expect("constructor sets registry");
    RegistryClient::new(env, &id)
}

/// `who` signs and is an active member admitted strictly before `admitted_before` (ledger
/// times have a resolution of one second: a member admitted in the same second as a
/// proposal is not in its electorate).
fn require_member(env: &Env, who: &Address, admitted_before: u64) -> Result<(), GovError> {
    who.require_auth();
    match registry(env).member(who) {
        Some(m) if m.active && m.since < admitted_before => Ok(()),
        Some(m) if m.active => Err(GovError::NotEligible),
        _ => Err(GovError::NotMember),
    }
}

fn check_action(env: &Env, action: &Action) -> Result<(), GovError> {
    match action {
        Action::Call(target, _, _) if !governed(env).contains(target) => {
            Err(GovError::TargetNotGoverned)
        }
        Action::SetParams(p) => validate(p, &floors(env)),
        Action::Cancel(id) => {
            let p = load_proposal(env, *id)?;
            if p.executed {
                return Err(GovError::AlreadyExecuted);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn cancel_proposal(env: &Env, id: u64, by: &Address) -> Result<(), GovError> {
    let mut p = load_proposal(env, id)?;
    if p.executed {
        return Err(GovError::AlreadyExecuted);
    }
    if p.cancelled {
        return Err(GovError::Cancelled);
    }
    p.cancelled = true;
    store_proposal(env, id, &p);
    CancelledEvent { id, by: by.clone() }.publish(env);
    Ok(())
}

fn perform(env: &Env, action: &Action) -> Result<(), GovError> {
    match action {
        Action::Call(target, func, args) => {
            env.invoke_contract::<Val>(target, func, args.clone());
        }
        Action::SetParams(p) => env.storage().instance().set(&Key::Params, p),
        Action::Govern(target) => {
            let mut g = governed(env);
            if !g.contains(target) {
                g.push_back(target.clone());
                env.storage().instance().set(&Key::Governed, &g);
            }
        }
        Action::Upgrade(hash) => stellar_contract_utils::upgradeable::upgrade(env, hash),
        Action::Cancel(id) => cancel_proposal(env, *id, &env.current_contract_address())?,
    }
    Ok(())
}

fn load_proposal(env: &Env, id: u64) -> Result<Proposal, GovError> {
    let key = Key::Proposal(id);
    let p = env
        .storage()
        .persistent()
        .get(&key)
        .ok_or(GovError::UnknownProposal)?;
    env.storage()
        .persistent()
        .extend_ttl(&key, TTL_THRESHOLD, TTL_EXTEND_TO);
    Ok(p)
}

fn store_proposal(env: &Env, id: u64, p: &Proposal) {
    let key = Key::Proposal(id);
    env.storage().persistent().set(&key, p);
    env.storage()
        .persistent()
        .extend_ttl(&key, TTL_THRESHOLD, TTL_EXTEND_TO);
}

#[contractimpl]
impl Governance {
    /// Deploys governance over `governed` contracts, with the registry whose members vote,
    /// the voting rules, and the deployment's floors (fixed for good; `params` and every
    /// later change must stay at or above them, and they at or above `ABSOLUTE_FLOORS`).
    pub fn __constructor(
        env: Env,
        registry: Address,
        governed: Vec<Address>,
        params: GovParams,
        floors: GovParams,
    ) -> Result<(), GovError> {
        validate(&floors, &ABSOLUTE_FLOORS)?;
        validate(&params, &floors)?;
        env.storage().instance().set(&Key::Registry, &registry);
        env.storage().instance().set(&Key::Governed, &governed);
        env.storage().instance().set(&Key::Params, &params);
        env.storage().instance().set(&Key::Floors, &floors);
        bump(&env);
        Ok(())
    }

    /// An active, mature member proposes `action`. Returns the proposal id.
    pub fn propose(
        env: Env,
        proposer: Address,
        action: Action,
        description: String,
    ) -> Result<u64, GovError> {
        let p = params(&env);
        let now = env.ledger().timestamp();
        let snapshot = now.saturating_sub(p.maturity_secs);
        require_member(&env, &proposer, snapshot)?;
        // Members admitted before `snapshot`: active at the end of the second before it.
        let electorate = registry(&env).active_members_at(&snapshot.saturating_sub(1));
        check_action(&env, &action)?;
        let voting_ends = now.saturating_add(p.voting_secs);
        let executable_at = voting_ends.saturating_add(p.timelock_secs);
        let id: u64 = env
            .storage()
            .instance()
            .get(&Key::NextProposal)
            .unwrap_or(0);
        env.storage().instance().set(&Key::NextProposal, &(id + 1));
        let proposal = Proposal {
            proposer: proposer.clone(),
            action: action.clone(),
            description: description.clone(),
            created: now,
            voting_ends,
            executable_at,
            expires_at: executable_at.saturating_add(p.grace_secs),
            electorate,
            quorum_bps: p.quorum_bps,
            maturity_secs: p.maturity_secs,
            yes: 0,
            no: 0,
            executed: false,
            cancelled: false,
        };
        store_proposal(&env, id, &proposal);
        bump(&env);
        Proposed {
            id,
            proposer,
            action,
            voting_ends,
            description,
        }
        .publish(&env);
        Ok(id)
    }

    /// An active member of the proposal's electorate votes once while voting is open.
    pub fn vote(env: Env, voter: Address, id: u64, support: bool) -> Result<(), GovError> {
        let mut p = load_proposal(&env, id)?;
        require_member(&env, &voter, p.created.saturating_sub(p.maturity_secs))?;
        if p.cancelled {
            return Err(GovError::Cancelled);
        }
        if env.ledger().timestamp() >= p.voting_ends {
            return Err(GovError::VotingClosed);
        }
        let key = Key::Vote(id, voter.clone());
        if env.storage().persistent().has(&key) {
            return Err(GovError::AlreadyVoted);
        }
        env.storage().persistent().set(&key, &support);
        env.storage()
            .persistent()
            .extend_ttl(&key, TTL_THRESHOLD, TTL_EXTEND_TO);
        if support {
            p.yes += 1;
        } else {
            p.no += 1;
        }
        store_proposal(&env, id, &p);
        bump(&env);
        Voted { id, voter, support }.publish(&env);
        Ok(())
    }

    /// The proposer withdraws its proposal before it executes.
    pub fn cancel(env: Env, proposer: Address, id: u64) -> Result<(), GovError> {
        proposer.require_auth();
        let p = load_proposal(&env, id)?;
        if p.proposer != proposer {
            return Err(GovError::NotProposer);
        }
        cancel_proposal(&env, id, &proposer)?;
        bump(&env);
        Ok(())
    }

    /// Anyone executes a passed proposal between the end of its timelock and its expiry.
    pub fn execute(env: Env, id: u64) -> Result<(), GovError> {
        let mut p = load_proposal(&env, id)?;
        if p.executed {
            return Err(GovError::AlreadyExecuted);
        }
        if p.cancelled {
            return Err(GovError::Cancelled);
        }
        let now = env.ledger().timestamp();
        if now < p.executable_at {
            return Err(GovError::TooEarly);
        }
        if now >= p.expires_at {
            return Err(GovError::Expired);
        }
        let turnout = (p.yes + p.no) as u64 * 10_000;
        if p.electorate == 0 || turnout < p.electorate as u64 * p.quorum_bps as u64 {
            return Err(GovError::QuorumNotReached);
        }
        if p.yes <= p.no {
            return Err(GovError::Rejected);
        }
        check_action(&env, &p.action)?;
        p.executed = true;
        store_proposal(&env, id, &p);
        perform(&env, &p.action)?;
        bump(&env);
        Executed {
            id,
            action: p.action,
        }
        .publish(&env);
        Ok(())
    }

    /// A proposal by id.
    pub fn proposal(env: Env, id: u64) -> Result<Proposal, GovError> {
        load_proposal(&env, id)
    }

    /// The voting rules.
    pub fn params(env: Env) -> GovParams {
        params(&env)
    }

    /// The deployment's floors under which no rule may go.
    pub fn floors(env: Env) -> GovParams {
        floors(&env)
    }

    /// The contracts governance administers.
    pub fn governed(env: Env) -> Vec<Address> {
        governed(&env)
    }

    /// The registry whose members vote.
    pub fn registry(env: Env) -> Address {
        registry(&env).address
    }
}
