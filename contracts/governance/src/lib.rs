//! Community governance: the admin of the registry, token, market and verifier.
//!
//! Members propose actions — any call on a governed contract (parameter changes, registry
//! actions, operator change, verifying-key rotation, contract upgrade) or a change of
//! governance's own parameters — and vote one member one vote. A proposal passes when turnout
//! reaches the quorum and yes votes outnumber no votes; anyone executes it after the voting
//! period and timelock. A one-time bootstrap admin may set the system up and must then end
//! the bootstrap, after which no single key has any power here.
#![no_std]

#[cfg(test)]
mod test;

use soroban_sdk::{
    contract, contracterror, contractevent, contractimpl, contracttype, Address, Env, String,
    Symbol, Val, Vec,
};
use urja_interfaces::{RegistryClient, TTL_EXTEND_TO, TTL_THRESHOLD};

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
    /// Parameters fail validation (quorum 1..=10000 bps, voting period > 0).
    InvalidParams = 10,
    /// The bootstrap has ended (or the caller is not the bootstrap admin).
    BootstrapEnded = 11,
}

/// Voting rules.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct GovParams {
    /// Share of active members who must vote, in basis points.
    pub quorum_bps: u32,
    /// How long a proposal is open for votes, in seconds.
    pub voting_secs: u64,
    /// Delay between the end of voting and execution, in seconds.
    pub timelock_secs: u64,
}

/// What a proposal does when executed.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Action {
    /// Call `func(args)` on a governed contract (governance is its admin).
    Call(Address, Symbol, Vec<Val>),
    /// Change governance's own voting rules.
    SetParams(GovParams),
    /// Add a contract to the governed set.
    Govern(Address),
}

/// A proposal and its tally.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Proposal {
    pub proposer: Address,
    pub action: Action,
    pub description: String,
    pub voting_ends: u64,
    pub executable_at: u64,
    /// Active members when the proposal was made: the quorum base.
    pub electorate: u32,
    pub yes: u32,
    pub no: u32,
    pub executed: bool,
}

#[contracttype]
#[derive(Clone)]
enum Key {
    Bootstrap,
    Registry,
    Params,
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

/// An action carried out directly by the bootstrap admin: `["bootstrap"]`.
#[contractevent(topics = ["bootstrap"], data_format = "single-value")]
pub struct BootstrapAction {
    pub action: Action,
}

/// The bootstrap admin gave up its powers for good: `["bootstrap_ended"]`.
#[contractevent(topics = ["bootstrap_ended"], data_format = "single-value")]
pub struct BootstrapEnded {
    pub admin: Address,
}

#[contract]
pub struct Governance;

fn bump(env: &Env) {
    env.storage()
        .instance()
        .extend_ttl(TTL_THRESHOLD, TTL_EXTEND_TO);
}

fn validate(p: &GovParams) -> Result<(), GovError> {
    if p.quorum_bps == 0 || p.quorum_bps > 10_000 || p.voting_secs == 0 {
        return Err(GovError::InvalidParams);
    }
    Ok(())
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

fn require_member(env: &Env, who: &Address) -> Result<(), GovError> {
    who.require_auth();
    match registry(env).member(who) {
        Some(m) if m.active => Ok(()),
        _ => Err(GovError::NotMember),
    }
}

fn check_action(env: &Env, action: &Action) -> Result<(), GovError> {
    match action {
        Action::Call(target, _, _) if !governed(env).contains(target) => {
            Err(GovError::TargetNotGoverned)
        }
        Action::SetParams(p) => validate(p),
        _ => Ok(()),
    }
}

fn perform(env: &Env, action: &Action) {
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
    }
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
    /// Deploys governance with a one-time bootstrap admin, the registry whose active members
    /// vote, and the voting rules.
    pub fn __constructor(
        env: Env,
        bootstrap_admin: Address,
        registry: Address,
        params: GovParams,
    ) -> Result<(), GovError> {
        validate(&params)?;
        env.storage()
            .instance()
            .set(&Key::Bootstrap, &bootstrap_admin);
        env.storage().instance().set(&Key::Registry, &registry);
        env.storage().instance().set(&Key::Params, &params);
        bump(&env);
        Ok(())
    }

    /// During bootstrap only: the bootstrap admin carries out `action` at once (e.g. adding
    /// the governed contracts, installing the first verifying key).
    pub fn bootstrap_execute(env: Env, action: Action) -> Result<(), GovError> {
        let admin: Address = env
            .storage()
            .instance()
            .get(&Key::Bootstrap)
            .ok_or(GovError::BootstrapEnded)?;
        admin.require_auth();
        check_action(&env, &action)?;
        perform(&env, &action);
        bump(&env);
        BootstrapAction { action }.publish(&env);
        Ok(())
    }

    /// Ends the bootstrap for good: from now on only passed proposals act.
    pub fn end_bootstrap(env: Env) -> Result<(), GovError> {
        let admin: Address = env
            .storage()
            .instance()
            .get(&Key::Bootstrap)
            .ok_or(GovError::BootstrapEnded)?;
        admin.require_auth();
        env.storage().instance().remove(&Key::Bootstrap);
        bump(&env);
        BootstrapEnded { admin }.publish(&env);
        Ok(())
    }

    /// An active member proposes `action`. Returns the proposal id.
    pub fn propose(
        env: Env,
        proposer: Address,
        action: Action,
        description: String,
    ) -> Result<u64, GovError> {
        require_member(&env, &proposer)?;
        check_action(&env, &action)?;
        let p: GovParams = env
            .storage()
            .instance()
            .get(&Key::Params)
            .expect("constructor sets params");
        let now = env.ledger().timestamp();
        let voting_ends = now.saturating_add(p.voting_secs);
        let id: u64 = env
            .storage()
            .instance()
            .get(&Key::NextProposal)
            .unwrap_or(0);
        env.storage().instance().set(&Key::NextProposal, &(id + 1));
        let proposal = Proposal {
            proposer: proposer.clone(),
            action: action.clone(),
            description,
            voting_ends,
            executable_at: voting_ends.saturating_add(p.timelock_secs),
            electorate: registry(&env).active_members(),
            yes: 0,
            no: 0,
            executed: false,
        };
        store_proposal(&env, id, &proposal);
        bump(&env);
        Proposed {
            id,
            proposer,
            action,
            voting_ends,
        }
        .publish(&env);
        Ok(id)
    }

    /// An active member votes once on an open proposal.
    pub fn vote(env: Env, voter: Address, id: u64, support: bool) -> Result<(), GovError> {
        require_member(&env, &voter)?;
        let mut p = load_proposal(&env, id)?;
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

    /// Anyone executes a passed proposal once its timelock is over.
    pub fn execute(env: Env, id: u64) -> Result<(), GovError> {
        let mut p = load_proposal(&env, id)?;
        if p.executed {
            return Err(GovError::AlreadyExecuted);
        }
        if env.ledger().timestamp() < p.executable_at {
            return Err(GovError::TooEarly);
        }
        let params: GovParams = env
            .storage()
            .instance()
            .get(&Key::Params)
            .expect("constructor sets params");
        let turnout = (p.yes + p.no) as u64 * 10_000;
        if turnout < p.electorate as u64 * params.quorum_bps as u64 {
            return Err(GovError::QuorumNotReached);
        }
        if p.yes <= p.no {
            return Err(GovError::Rejected);
        }
        check_action(&env, &p.action)?;
        p.executed = true;
        store_proposal(&env, id, &p);
        perform(&env, &p.action);
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
        env.storage()
            .instance()
            .get(&Key::Params)
            .expect("constructor sets params")
    }

    /// The contracts governance administers.
    pub fn governed(env: Env) -> Vec<Address> {
        governed(&env)
    }

    /// The bootstrap admin, until the bootstrap ends.
    pub fn bootstrap_admin(env: Env) -> Option<Address> {
        env.storage().instance().get(&Key::Bootstrap)
    }
}
