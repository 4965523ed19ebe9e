//! Governance tests on the native and the WASM builds, including the attacks of issue 13:
//! stale and quorum-lowered proposals, votes by members admitted mid-vote, an operator's
//! sybil takeover, rules below the deployment's floors, and self-upgrade only by vote.
extern crate std;

use super::*;
use soroban_sdk::testutils::{Address as _, Ledger as _};
use soroban_sdk::{vec, Env, IntoVal, InvokeError};
use urja_interfaces::testing::{auth_as, wasm};
use urja_interfaces::Role;
use urja_registry::{Registry, RegistryClient as Reg};
use urja_token::{KwhToken, KwhTokenClient};

const MATURITY: u64 = 3_600;

struct World {
    env: Env,
    gov: GovernanceClient<'static>,
    reg: Reg<'static>,
    token: KwhTokenClient<'static>,
    operator: Address,
    members: std::vec::Vec<Address>,
}

fn params() -> GovParams {
    GovParams {
        quorum_bps: 5_000,
        voting_secs: 600,
        timelock_secs: 300,
        grace_secs: 1_000,
        maturity_secs: MATURITY,
    }
}

fn floors() -> GovParams {
    GovParams {
        quorum_bps: 1_000,
        voting_secs: 300,
        timelock_secs: 60,
        grace_secs: 600,
        maturity_secs: 600,
    }
}

/// Governance administers a registry and a token from their construction (its address is
/// fixed in advance, as `urja deploy` computes it); the operator admits `n` members, whose
/// votes mature before the test starts.
fn world(wasm_build: bool, n: usize) -> World {
    let env = Env::default();
    env.mock_all_auths();
    env.ledger().with_mut(|l| l.timestamp = 1_000_000);
    let operator = Address::generate(&env);
    let gov_id = Address::generate(&env);
    let (reg_id, token_id) = if wasm_build {
        (
            env.register(wasm("registry").as_slice(), (&gov_id, &operator)),
            env.register(wasm("token").as_slice(), (&gov_id, &gov_id)),
        )
    } else {
        (
            env.register(Registry, (&gov_id, &operator)),
            env.register(KwhToken, (&gov_id, &gov_id)),
        )
    };
    let governed = vec![&env, reg_id.clone(), token_id.clone()];
    let args = (&reg_id, governed, params(), floors());
    if wasm_build {
        env.register_at(&gov_id, wasm("governance").as_slice(), args);
    } else {
        env.register_at(&gov_id, Governance, args);
    }
    let reg = Reg::new(&env, &reg_id);
    let mut members = std::vec::Vec::new();
    for _ in 0..n {
        let m = Address::generate(&env);
        reg.add_member(&m, &Role::Both, &0);
        members.push(m);
    }
    env.ledger().with_mut(|l| l.timestamp += MATURITY + 1);
    World {
        gov: GovernanceClient::new(&env, &gov_id),
        token: KwhTokenClient::new(&env, &token_id),
        env,
        reg,
        operator,
        members,
    }
}

fn set_minter(w: &World, minter: &Address) -> Action {
    let args = vec![&w.env, minter.into_val(&w.env)];
    Action::Call(
        w.token.address.clone(),
        Symbol::new(&w.env, "set_minter"),
        args,
    )
}

fn desc(env: &Env) -> String {
    String::from_str(env, "make the market the minter")
}

fn warp(w: &World, secs: u64) {
    w.env.ledger().with_mut(|l| l.timestamp += secs);
}

/// Proposes `a` by member 0, every listed member votes yes, then waits out voting and
/// timelock.
fn pass(w: &World, a: &Action, voters: &[usize]) -> u64 {
    let id = w.gov.propose(&w.members[0], a, &desc(&w.env));
    for &i in voters {
        w.gov.vote(&w.members[i], &id, &true);
    }
    warp(w, 900);
    id
}

#[test]
fn no_key_administers_anything_from_construction() {
    let w = world(false, 3);
    assert_eq!(w.reg.get_owner(), Some(w.gov.address.clone()));
    assert_eq!(w.token.get_owner(), Some(w.gov.address.clone()));
    // The operator can admit, but cannot suspend or change the token.
    let x = Address::generate(&w.env);
    auth_as(
        &w.env,
        &w.operator,
        &w.reg.address,
        "set_member_active",
        (&w.members[0], false),
    );
    assert!(w.reg.try_set_member_active(&w.members[0], &false).is_err());
    auth_as(&w.env, &w.operator, &w.token.address, "set_minter", (&x,));
    assert!(w.token.try_set_minter(&x).is_err());
}

#[test]
fn a_passed_proposal_executes_once_after_the_timelock() {
    let w = world(false, 3);
    let market = Address::generate(&w.env);
    let id = w
        .gov
        .propose(&w.members[0], &set_minter(&w, &market), &desc(&w.env));
    w.gov.vote(&w.members[0], &id, &true);
    w.gov.vote(&w.members[1], &id, &true);
    assert_eq!(
        w.gov.try_vote(&w.members[1], &id, &false),
        Err(Ok(GovError::AlreadyVoted))
    );
    assert_eq!(w.gov.try_execute(&id), Err(Ok(GovError::TooEarly)));
    warp(&w, 600);
    assert_eq!(
        w.gov.try_vote(&w.members[2], &id, &false),
        Err(Ok(GovError::VotingClosed))
    );
    assert_eq!(w.gov.try_execute(&id), Err(Ok(GovError::TooEarly)));
    warp(&w, 300);
    w.gov.execute(&id);
    assert_eq!(w.token.minter(), Some(market));
    assert_eq!(w.gov.try_execute(&id), Err(Ok(GovError::AlreadyExecuted)));
    assert_eq!(w.gov.try_execute(&99), Err(Ok(GovError::UnknownProposal)));
}

#[test]
fn quorum_and_majority_are_required() {
    let w = world(false, 4);
    let a = set_minter(&w, &w.members[3]);
    let low = w.gov.propose(&w.members[0], &a, &desc(&w.env));
    w.gov.vote(&w.members[0], &low, &true);
    let tie = w.gov.propose(&w.members[0], &a, &desc(&w.env));
    w.gov.vote(&w.members[0], &tie, &true);
    w.gov.vote(&w.members[1], &tie, &false);
    warp(&w, 900);
    assert_eq!(w.gov.try_execute(&low), Err(Ok(GovError::QuorumNotReached)));
    assert_eq!(w.gov.try_execute(&tie), Err(Ok(GovError::Rejected)));
    assert_eq!(w.token.minter(), Some(w.gov.address.clone()));
}

#[test]
fn attack_stale_proposal_expires_after_its_grace_period() {
    let w = world(false, 2);
    let id = pass(&w, &set_minter(&w, &w.members[1]), &[0, 1]);
    // Left unexecuted past voting + timelock + grace, it can never be executed.
    warp(&w, 1_000);
    assert_eq!(w.gov.try_execute(&id), Err(Ok(GovError::Expired)));
    assert_eq!(w.token.minter(), Some(w.gov.address.clone()));
}

#[test]
fn attack_quorum_lowered_later_does_not_pass_an_earlier_proposal() {
    let w = world(false, 4);
    // Proposal A gets one vote of four: below the 50 % quorum.
    let a = w
        .gov
        .propose(&w.members[0], &set_minter(&w, &w.members[3]), &desc(&w.env));
    w.gov.vote(&w.members[0], &a, &true);
    // Proposal B lowers the quorum to 20 % and passes.
    let lower = Action::SetParams(GovParams {
        quorum_bps: 2_000,
        ..params()
    });
    let b = w.gov.propose(&w.members[1], &lower, &desc(&w.env));
    w.gov.vote(&w.members[1], &b, &true);
    w.gov.vote(&w.members[2], &b, &true);
    warp(&w, 900);
    w.gov.execute(&b);
    assert_eq!(w.gov.params().quorum_bps, 2_000);
    // A was judged by the quorum in force when it was created.
    assert_eq!(w.gov.try_execute(&a), Err(Ok(GovError::QuorumNotReached)));
}

#[test]
fn attack_member_admitted_mid_vote_cannot_vote() {
    let w = world(false, 2);
    let id = w
        .gov
        .propose(&w.members[0], &set_minter(&w, &w.members[1]), &desc(&w.env));
    let late = Address::generate(&w.env);
    w.reg.add_member(&late, &Role::Both, &0);
    assert_eq!(
        w.gov.try_vote(&late, &id, &true),
        Err(Ok(GovError::NotEligible))
    );
    // Even after its own maturity, it is outside this proposal's electorate.
    warp(&w, 500);
    assert_eq!(
        w.gov.try_vote(&late, &id, &true),
        Err(Ok(GovError::NotEligible))
    );
    assert_eq!(w.gov.proposal(&id).electorate, 2);
}

#[test]
fn attack_operator_sybils_cannot_take_over() {
    let w = world(false, 3);
    // The operator (whose role lets it admit members instantly) admits ten sybils and
    // has one propose to make the operator the kWh minter.
    let sybils: std::vec::Vec<Address> = (0..10).map(|_| Address::generate(&w.env)).collect();
    for s in &sybils {
        w.reg.add_member(s, &Role::Both, &0);
    }
    let grab = set_minter(&w, &w.operator);
    assert_eq!(
        w.gov.try_propose(&sybils[0], &grab, &desc(&w.env)),
        Err(Ok(GovError::NotEligible))
    );
    // A genuine member's proposal: the sybils neither vote nor count in the quorum base.
    let id = w.gov.propose(&w.members[0], &grab, &desc(&w.env));
    assert_eq!(w.gov.proposal(&id).electorate, 3);
    for s in &sybils {
        assert_eq!(
            w.gov.try_vote(s, &id, &true),
            Err(Ok(GovError::NotEligible))
        );
    }
    // The community has the maturity period to react: it revokes the operator role and
    // suspends the sybils before they can vote.
    w.gov.vote(&w.members[0], &id, &false);
    w.gov.vote(&w.members[1], &id, &false);
    let revoke = Action::Call(
        w.reg.address.clone(),
        Symbol::new(&w.env, "set_operator"),
        vec![&w.env, w.members[2].into_val(&w.env)],
    );
    let r = w.gov.propose(&w.members[1], &revoke, &desc(&w.env));
    w.gov.vote(&w.members[1], &r, &true);
    w.gov.vote(&w.members[2], &r, &true);
    warp(&w, 900);
    assert_eq!(w.gov.try_execute(&id), Err(Ok(GovError::Rejected)));
    w.gov.execute(&r);
    assert_eq!(w.reg.operator(), w.members[2]);
    assert_eq!(w.token.minter(), Some(w.gov.address.clone()));
}

#[test]
fn proposals_can_be_cancelled_by_the_proposer_or_a_vote() {
    let w = world(false, 3);
    let a = set_minter(&w, &w.members[2]);
    let id = w.gov.propose(&w.members[0], &a, &desc(&w.env));
    auth_as(
        &w.env,
        &w.members[1],
        &w.gov.address,
        "cancel",
        (&w.members[1], id),
    );
    assert_eq!(
        w.gov.try_cancel(&w.members[1], &id),
        Err(Ok(GovError::NotProposer))
    );
    w.env.mock_all_auths();
    w.gov.cancel(&w.members[0], &id);
    assert_eq!(
        w.gov.try_vote(&w.members[1], &id, &true),
        Err(Ok(GovError::Cancelled))
    );
    // A proposal passed by vote, cancelled by another vote before it executes.
    let doomed = pass(&w, &a, &[0, 1]);
    let c = pass(&w, &Action::Cancel(doomed), &[1, 2]);
    w.gov.execute(&c);
    assert_eq!(w.gov.try_execute(&doomed), Err(Ok(GovError::Cancelled)));
    assert_eq!(w.token.minter(), Some(w.gov.address.clone()));
}

#[test]
fn rules_never_go_below_the_deployments_floors() {
    let w = world(false, 1);
    for bad in [
        GovParams {
            voting_secs: 1,
            ..params()
        },
        GovParams {
            timelock_secs: 0,
            ..params()
        },
        GovParams {
            grace_secs: 10,
            ..params()
        },
        GovParams {
            maturity_secs: 0,
            ..params()
        },
        GovParams {
            quorum_bps: 0,
            ..params()
        },
        GovParams {
            quorum_bps: 10_001,
            ..params()
        },
    ] {
        assert_eq!(
            w.gov
                .try_propose(&w.members[0], &Action::SetParams(bad), &desc(&w.env)),
            Err(Ok(GovError::InvalidParams))
        );
    }
    let np = GovParams {
        quorum_bps: 10_000,
        voting_secs: 300,
        timelock_secs: 60,
        ..params()
    };
    let id = pass(&w, &Action::SetParams(np.clone()), &[0]);
    w.gov.execute(&id);
    assert_eq!(w.gov.params(), np);
    assert_eq!(w.gov.floors(), floors());
    // Floors themselves cannot be set below the absolute minimum.
    let env = Env::default();
    let reg = Address::generate(&env);
    let zero = GovParams {
        timelock_secs: 0,
        ..floors()
    };
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        env.register(Governance, (&reg, vec![&env, reg.clone()], params(), zero))
    }));
    assert!(
        r.is_err(),
        "a deployment with a zero timelock floor must be refused"
    );
}

#[test]
fn only_active_members_propose_and_vote_and_only_governed_targets() {
    let w = world(false, 2);
    let stranger = Address::generate(&w.env);
    let a = set_minter(&w, &stranger);
    assert_eq!(
        w.gov.try_propose(&stranger, &a, &desc(&w.env)),
        Err(Ok(GovError::NotMember))
    );
    let rogue = Action::Call(
        Address::generate(&w.env),
        Symbol::new(&w.env, "x"),
        vec![&w.env],
    );
    assert_eq!(
        w.gov.try_propose(&w.members[0], &rogue, &desc(&w.env)),
        Err(Ok(GovError::TargetNotGoverned))
    );
    // Suspend member 1 through governance itself.
    let args = vec![
        &w.env,
        w.members[1].into_val(&w.env),
        false.into_val(&w.env),
    ];
    let suspend = Action::Call(
        w.reg.address.clone(),
        Symbol::new(&w.env, "set_member_active"),
        args,
    );
    let s = pass(&w, &suspend, &[0, 1]);
    w.gov.execute(&s);
    assert!(!w.reg.member(&w.members[1]).unwrap().active);
    let id2 = w.gov.propose(&w.members[0], &a, &desc(&w.env));
    assert_eq!(
        w.gov.try_vote(&w.members[1], &id2, &true),
        Err(Ok(GovError::NotMember))
    );
}

#[test]
fn every_state_change_needs_the_right_signer() {
    let w = world(false, 1);
    let eve = Address::generate(&w.env);
    let m = &w.members[0];
    let a = set_minter(&w, &eve);
    auth_as(
        &w.env,
        &eve,
        &w.gov.address,
        "propose",
        (m, a.clone(), desc(&w.env)),
    );
    assert_eq!(
        w.gov.try_propose(m, &a, &desc(&w.env)),
        Err(Err(InvokeError::Abort))
    );
    w.env.mock_all_auths();
    let id = w.gov.propose(m, &a, &desc(&w.env));
    auth_as(&w.env, &eve, &w.gov.address, "vote", (m, id, true));
    assert_eq!(w.gov.try_vote(m, &id, &true), Err(Err(InvokeError::Abort)));
    assert_eq!(w.gov.proposal(&id).yes, 0);
    auth_as(&w.env, &eve, &w.gov.address, "cancel", (m, id));
    assert_eq!(w.gov.try_cancel(m, &id), Err(Err(InvokeError::Abort)));
}

#[test]
fn governance_upgrades_itself_only_by_its_own_vote() {
    let w = world(true, 2);
    let hash = w
        .env
        .deployer()
        .upload_contract_wasm(wasm("governance").as_slice());
    let id = pass(&w, &Action::Upgrade(hash), &[0, 1]);
    w.gov.execute(&id);
    // Still governs after the upgrade.
    assert_eq!(w.gov.params(), params());
}

/// Governance owns every contract through the shared admin entry points (OpenZeppelin's
/// `upgrade(new_wasm_hash, operator)`, `transfer_ownership(new_owner, live_until_ledger)`),
/// which it calls by name from passed proposals.
#[test]
fn governance_upgrades_and_hands_over_a_governed_contract_only_by_vote() {
    let w = world(true, 2);
    let e = &w.env;
    let alice = Address::generate(e);
    let minter = w.token.minter().unwrap();
    w.token.mint(&alice, &9);
    // Without a vote nobody upgrades the token: the operator and members sign in vain.
    let hash = e.deployer().upload_contract_wasm(wasm("token").as_slice());
    for who in [&w.operator, &w.members[0]] {
        auth_as(e, who, &w.token.address, "upgrade", (&hash, who));
        assert!(w.token.try_upgrade(&hash, who).is_err());
    }
    e.mock_all_auths();
    let upgrade = Action::Call(
        w.token.address.clone(),
        Symbol::new(e, "upgrade"),
        vec![e, hash.into_val(e), w.gov.address.into_val(e)],
    );
    let id = pass(&w, &upgrade, &[0, 1]);
    w.gov.execute(&id);
    assert_eq!(w.token.balance(&alice), 9);
    assert_eq!(w.token.minter(), Some(minter));
    // A two-step handover to a successor, decided by a vote; the successor accepts.
    let next = Address::generate(e);
    let until = e.ledger().sequence() + 10_000;
    let handover = Action::Call(
        w.token.address.clone(),
        Symbol::new(e, "transfer_ownership"),
        vec![e, next.into_val(e), until.into_val(e)],
    );
    let id = pass(&w, &handover, &[0, 1]);
    w.gov.execute(&id);
    assert_eq!(w.token.get_owner(), Some(w.gov.address.clone()));
    auth_as(e, &next, &w.token.address, "accept_ownership", ());
    w.token.accept_ownership();
    assert_eq!(w.token.get_owner(), Some(next));
}

#[test]
fn the_wasm_build_governs_the_wasm_registry() {
    let w = world(true, 2);
    let newcomer = Address::generate(&w.env);
    let args = vec![
        &w.env,
        newcomer.into_val(&w.env),
        Role::Receiver.into_val(&w.env),
        1u32.into_val(&w.env),
    ];
    let add = Action::Call(
        w.reg.address.clone(),
        Symbol::new(&w.env, "update_member"),
        args,
    );
    w.reg.add_member(&newcomer, &Role::Donor, &0);
    let id = pass(&w, &add, &[0, 1]);
    w.gov.execute(&id);
    std::println!(
        "governance.execute on WASM: {:?}",
        w.env.cost_estimate().resources()
    );
    assert_eq!(w.reg.member(&newcomer).unwrap().role, Role::Receiver);
    assert_eq!(w.gov.try_execute(&id), Err(Ok(GovError::AlreadyExecuted)));
}

/// The per-call load cost of the WASM build: one `params` (a single instance read), whose
/// instructions are mostly the module's instantiation (docs/contracts.md, "Sizes").
#[test]
fn load_cost_of_the_wasm_build() {
    let w = world(true, 1);
    let cost = urja_interfaces::testing::call_cost(&w.env, || w.gov.params());
    std::println!("LOAD_COST governance params {cost}");
    assert!(cost > 0);
}
