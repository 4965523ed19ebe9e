extern crate std;

use super::*;
use soroban_sdk::testutils::{Address as _, Ledger as _};
use soroban_sdk::{vec, Env, IntoVal, InvokeError};
use urja_interfaces::testing::{auth_as, wasm};
use urja_interfaces::Role;
use urja_registry::{Registry, RegistryClient as Reg};
use urja_token::{KwhToken, KwhTokenClient};

struct World {
    env: Env,
    gov: GovernanceClient<'static>,
    reg: Reg<'static>,
    token: KwhTokenClient<'static>,
    boot: Address,
    members: std::vec::Vec<Address>,
}

fn params() -> GovParams {
    GovParams {
        quorum_bps: 5_000,
        voting_secs: 600,
        timelock_secs: 300,
    }
}

/// Deploys registry and token under a bootstrap admin, hands both to governance, admits
/// `n` members through governance and ends the bootstrap.
fn world(wasm_build: bool, n: usize) -> World {
    let env = Env::default();
    env.mock_all_auths();
    env.ledger().with_mut(|l| l.timestamp = 1_000_000);
    let boot = Address::generate(&env);
    let (reg_id, gov_id) = if wasm_build {
        let r = env.register(wasm("registry").as_slice(), (&boot,));
        (
            r.clone(),
            env.register(wasm("governance").as_slice(), (&boot, &r, params())),
        )
    } else {
        let r = env.register(Registry, (&boot,));
        (r.clone(), env.register(Governance, (&boot, &r, params())))
    };
    let reg = Reg::new(&env, &reg_id);
    let token = KwhTokenClient::new(&env, &env.register(KwhToken, (&boot,)));
    let gov = GovernanceClient::new(&env, &gov_id);
    reg.set_admin(&gov_id);
    token.set_admin(&gov_id);
    gov.bootstrap_execute(&Action::Govern(reg_id.clone()));
    gov.bootstrap_execute(&Action::Govern(token.address.clone()));
    let mut members = std::vec::Vec::new();
    for _ in 0..n {
        let m = Address::generate(&env);
        let args = vec![
            &env,
            m.into_val(&env),
            Role::Both.into_val(&env),
            0u32.into_val(&env),
        ];
        gov.bootstrap_execute(&Action::Call(
            reg_id.clone(),
            Symbol::new(&env, "add_member"),
            args,
        ));
        members.push(m);
    }
    gov.end_bootstrap();
    World {
        env,
        gov,
        reg,
        token,
        boot,
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

#[test]
fn bootstrap_sets_up_then_can_never_act_again() {
    let w = world(false, 3);
    assert_eq!(w.reg.active_members(), 3);
    assert_eq!(w.gov.bootstrap_admin(), None);
    assert_eq!(
        w.gov.try_bootstrap_execute(&Action::Govern(w.boot.clone())),
        Err(Ok(GovError::BootstrapEnded))
    );
    assert_eq!(w.gov.try_end_bootstrap(), Err(Ok(GovError::BootstrapEnded)));
    // The bootstrap admin no longer administers the registry either.
    let x = Address::generate(&w.env);
    auth_as(
        &w.env,
        &w.boot,
        &w.reg.address,
        "add_member",
        (&x, Role::Donor, 0u32),
    );
    assert!(w.reg.try_add_member(&x, &Role::Donor, &0).is_err());
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
    assert_eq!(w.token.minter(), None);
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
    let bad = Action::SetParams(GovParams {
        quorum_bps: 0,
        voting_secs: 1,
        timelock_secs: 0,
    });
    assert_eq!(
        w.gov.try_propose(&w.members[0], &bad, &desc(&w.env)),
        Err(Ok(GovError::InvalidParams))
    );
    let id = w.gov.propose(&w.members[0], &a, &desc(&w.env));
    assert_eq!(
        w.gov.try_vote(&stranger, &id, &true),
        Err(Ok(GovError::NotMember))
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
    let s = w.gov.propose(&w.members[0], &suspend, &desc(&w.env));
    w.gov.vote(&w.members[0], &s, &true);
    w.gov.vote(&w.members[1], &s, &true);
    warp(&w, 900);
    w.gov.execute(&s);
    assert!(!w.reg.member(&w.members[1]).unwrap().active);
    let id2 = w.gov.propose(&w.members[0], &a, &desc(&w.env));
    assert_eq!(
        w.gov.try_vote(&w.members[1], &id2, &true),
        Err(Ok(GovError::NotMember))
    );
    let _ = id;
}

#[test]
fn governance_changes_its_own_rules_by_vote() {
    let w = world(false, 1);
    let np = GovParams {
        quorum_bps: 10_000,
        voting_secs: 60,
        timelock_secs: 0,
    };
    let id = w
        .gov
        .propose(&w.members[0], &Action::SetParams(np.clone()), &desc(&w.env));
    w.gov.vote(&w.members[0], &id, &true);
    warp(&w, 900);
    w.gov.execute(&id);
    assert_eq!(w.gov.params(), np);
}

#[test]
fn every_state_change_needs_the_right_signer() {
    let env = Env::default();
    let boot = Address::generate(&env);
    let reg_id = env.register(Registry, (&boot,));
    let gov = GovernanceClient::new(&env, &env.register(Governance, (&boot, &reg_id, params())));
    let eve = Address::generate(&env);
    let a = Action::Govern(eve.clone());
    auth_as(&env, &eve, &gov.address, "bootstrap_execute", (a.clone(),));
    assert_eq!(gov.try_bootstrap_execute(&a), Err(Err(InvokeError::Abort)));
    auth_as(&env, &eve, &gov.address, "end_bootstrap", ());
    assert_eq!(gov.try_end_bootstrap(), Err(Err(InvokeError::Abort)));
    assert_eq!(gov.bootstrap_admin(), Some(boot.clone()));
    // A member's vote and proposal need that member's signature.
    let reg = Reg::new(&env, &reg_id);
    env.mock_all_auths();
    let m = Address::generate(&env);
    reg.add_member(&m, &Role::Both, &0);
    auth_as(
        &env,
        &eve,
        &gov.address,
        "propose",
        (&m, a.clone(), desc(&env)),
    );
    assert_eq!(
        gov.try_propose(&m, &a, &desc(&env)),
        Err(Err(InvokeError::Abort))
    );
    env.mock_all_auths();
    let id = gov.propose(&m, &a, &desc(&env));
    auth_as(&env, &eve, &gov.address, "vote", (&m, id, true));
    assert_eq!(gov.try_vote(&m, &id, &true), Err(Err(InvokeError::Abort)));
    assert_eq!(gov.proposal(&id).yes, 0);
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
        Symbol::new(&w.env, "add_member"),
        args,
    );
    let id = w.gov.propose(&w.members[0], &add, &desc(&w.env));
    w.gov.vote(&w.members[0], &id, &true);
    w.gov.vote(&w.members[1], &id, &true);
    warp(&w, 900);
    w.gov.execute(&id);
    std::println!(
        "governance.execute on WASM: {:?}",
        w.env.cost_estimate().resources()
    );
    assert_eq!(w.reg.member(&newcomer).unwrap().role, Role::Receiver);
    assert_eq!(w.gov.try_execute(&id), Err(Ok(GovError::AlreadyExecuted)));
}
