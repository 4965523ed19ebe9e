extern crate std;

use super::{Registry, RegistryClient, RegistryError};
use soroban_sdk::testutils::{Address as _, Events as _};
use soroban_sdk::{Address, BytesN, Env};
use urja_interfaces::testing::{auth_as, wasm};
use urja_interfaces::{Meter, Role, FIRST_HOUSEHOLD_NUMBER};

fn setup() -> (Env, RegistryClient<'static>, Address) {
    let (env, reg, admin, _) = setup_with_operator();
    (env, reg, admin)
}

/// A registry administered by `admin` (governance) with `operator` holding the operator role.
fn setup_with_operator() -> (Env, RegistryClient<'static>, Address, Address) {
    let env = Env::default();
    let admin = Address::generate(&env);
    let operator = Address::generate(&env);
    let reg = RegistryClient::new(&env, &env.register(Registry, (&admin, &operator)));
    env.mock_all_auths();
    (env, reg, admin, operator)
}

fn key(env: &Env, b: u8) -> BytesN<32> {
    BytesN::from_array(env, &[b; 32])
}

#[test]
fn members_and_meters_roundtrip_with_events() {
    let (env, reg, _) = setup();
    let donor = Address::generate(&env);
    reg.add_member(&donor, &Role::Donor, &1);
    assert_eq!(env.events().all().events().len(), 1);
    reg.register_meter(&key(&env, 7), &donor, &1, &500);
    assert_eq!(env.events().all().events().len(), 1);
    let pending = Meter {
        owner: donor.clone(),
        feeder: 1,
        max_wh_per_minute: 500,
        active: false,
        accepted: false,
    };
    assert_eq!(reg.meter(&key(&env, 7)).unwrap(), pending);
    reg.accept_meter(&key(&env, 7));
    assert_eq!(
        reg.meter(&key(&env, 7)).unwrap(),
        Meter {
            active: true,
            accepted: true,
            ..pending
        }
    );
    assert_eq!(
        reg.try_accept_meter(&key(&env, 7)),
        Err(Ok(RegistryError::AlreadyAccepted))
    );
    reg.set_meter_active(&key(&env, 7), &false);
    assert!(!reg.meter(&key(&env, 7)).unwrap().active);
    reg.set_meter_capacity(&key(&env, 7), &800);
    assert_eq!(reg.meter(&key(&env, 7)).unwrap().max_wh_per_minute, 800);
    assert_eq!(reg.active_members(), 1);
    reg.set_member_active(&donor, &false);
    assert_eq!(reg.active_members(), 0);
    reg.set_member_active(&donor, &false);
    assert_eq!(
        reg.active_members(),
        0,
        "suspending twice must not double count"
    );
    reg.set_member_active(&donor, &true);
    assert_eq!(reg.active_members(), 1);
    assert!(reg.member(&Address::generate(&env)).is_none());
}

#[test]
fn bad_input_gets_specific_errors_and_changes_nothing() {
    let (env, reg, _) = setup();
    let (donor, receiver) = (Address::generate(&env), Address::generate(&env));
    reg.add_member(&donor, &Role::Both, &2);
    reg.add_member(&receiver, &Role::Receiver, &2);
    assert_eq!(
        reg.try_add_member(&donor, &Role::Donor, &1),
        Err(Ok(RegistryError::MemberExists))
    );
    let k = key(&env, 1);
    let stranger = Address::generate(&env);
    assert_eq!(
        reg.try_register_meter(&k, &stranger, &2, &10),
        Err(Ok(RegistryError::UnknownMember))
    );
    assert_eq!(
        reg.try_register_meter(&k, &receiver, &2, &10),
        Err(Ok(RegistryError::OwnerCannotSell))
    );
    assert_eq!(
        reg.try_register_meter(&k, &donor, &3, &10),
        Err(Ok(RegistryError::FeederMismatch))
    );
    assert_eq!(
        reg.try_register_meter(&k, &donor, &2, &0),
        Err(Ok(RegistryError::InvalidCapacity))
    );
    assert_eq!(
        reg.try_register_meter(&k, &donor, &2, &65_536),
        Err(Ok(RegistryError::InvalidCapacity))
    );
    assert!(reg.meter(&k).is_none());
    reg.register_meter(&k, &donor, &2, &65_535);
    assert_eq!(
        reg.try_register_meter(&k, &donor, &2, &10),
        Err(Ok(RegistryError::MeterExists))
    );
    assert_eq!(
        reg.try_set_meter_active(&key(&env, 9), &false),
        Err(Ok(RegistryError::UnknownMeter))
    );
    assert_eq!(
        reg.try_set_meter_capacity(&k, &0),
        Err(Ok(RegistryError::InvalidCapacity))
    );
    assert_eq!(
        reg.try_update_member(&stranger, &Role::Donor, &1),
        Err(Ok(RegistryError::UnknownMember))
    );
    reg.set_member_active(&donor, &false);
    assert_eq!(
        reg.try_register_meter(&key(&env, 2), &donor, &2, &10),
        Err(Ok(RegistryError::OwnerCannotSell))
    );
}

#[test]
fn the_operator_admits_and_proposes_only_governance_changes_the_rest() {
    let (env, reg, admin, operator) = setup_with_operator();
    let eve = Address::generate(&env);
    let id = reg.address.clone();
    let k = key(&env, 3);
    auth_as(&env, &eve, &id, "add_member", (&eve, Role::Donor, 1u32));
    assert!(reg.try_add_member(&eve, &Role::Donor, &1).is_err());
    auth_as(
        &env,
        &operator,
        &id,
        "add_member",
        (&eve, Role::Donor, 1u32),
    );
    reg.add_member(&eve, &Role::Donor, &1);
    // Member changes beyond admission are governance's.
    for who in [&eve, &operator] {
        auth_as(&env, who, &id, "update_member", (&eve, Role::Both, 1u32));
        assert!(reg.try_update_member(&eve, &Role::Both, &1).is_err());
        auth_as(&env, who, &id, "set_member_active", (&eve, false));
        assert!(reg.try_set_member_active(&eve, &false).is_err());
    }
    auth_as(&env, &eve, &id, "register_meter", (&k, &eve, 1u32, 10u32));
    assert!(reg.try_register_meter(&k, &eve, &1, &10).is_err());
    assert!(reg.meter(&k).is_none());
    auth_as(
        &env,
        &operator,
        &id,
        "register_meter",
        (&k, &eve, 1u32, 10u32),
    );
    reg.register_meter(&k, &eve, &1, &10);
    // Only the owner accepts its meter: not the operator who proposed it.
    auth_as(&env, &operator, &id, "accept_meter", (&k,));
    assert!(reg.try_accept_meter(&k).is_err());
    assert!(!reg.meter(&k).unwrap().active);
    auth_as(&env, &eve, &id, "accept_meter", (&k,));
    reg.accept_meter(&k);
    assert!(reg.meter(&k).unwrap().active);
    // Suspending a meter and raising its cap are governance's, not the operator's.
    for who in [&eve, &operator] {
        auth_as(&env, who, &id, "set_meter_active", (&k, false));
        assert!(reg.try_set_meter_active(&k, &false).is_err());
        auth_as(&env, who, &id, "set_meter_capacity", (&k, 20u32));
        assert!(reg.try_set_meter_capacity(&k, &20).is_err());
        auth_as(&env, who, &id, "transfer_ownership", (who, 1u32));
        assert!(reg.try_transfer_ownership(who, &1).is_err());
        auth_as(&env, who, &id, "upgrade", (&k, who));
        assert!(reg.try_upgrade(&k, who).is_err());
        auth_as(&env, who, &id, "set_operator", (who,));
        assert!(reg.try_set_operator(who).is_err());
    }
    assert_eq!(reg.get_owner(), Some(admin.clone()));
    assert!(reg.meter(&k).unwrap().active);
    // Governance revokes the operator role: the old operator can no longer admit.
    let op2 = Address::generate(&env);
    auth_as(&env, &admin, &id, "set_operator", (&op2,));
    reg.set_operator(&op2);
    let late = Address::generate(&env);
    auth_as(
        &env,
        &operator,
        &id,
        "add_member",
        (&late, Role::Donor, 1u32),
    );
    assert!(reg.try_add_member(&late, &Role::Donor, &1).is_err());
    // The owner may retire its own meter; reinstating it is governance's.
    auth_as(&env, &eve, &id, "retire_meter", (&k,));
    reg.retire_meter(&k);
    assert!(!reg.meter(&k).unwrap().active);
    auth_as(&env, &eve, &id, "set_meter_active", (&k, true));
    assert!(reg.try_set_meter_active(&k, &true).is_err());
    auth_as(&env, &admin, &id, "set_meter_active", (&k, true));
    reg.set_meter_active(&k, &true);
    assert!(reg.meter(&k).unwrap().active);
}

#[test]
fn a_pending_meter_cannot_be_reinstated_around_its_owner() {
    let (env, reg, _) = setup();
    let donor = Address::generate(&env);
    reg.add_member(&donor, &Role::Donor, &1);
    let k = key(&env, 4);
    reg.register_meter(&k, &donor, &1, &10);
    assert_eq!(
        reg.try_set_meter_active(&k, &true),
        Err(Ok(RegistryError::NotAccepted))
    );
    assert!(!reg.meter(&k).unwrap().active);
}

#[test]
fn active_member_checkpoints_answer_for_any_past_moment() {
    use soroban_sdk::testutils::Ledger as _;
    let (env, reg, _) = setup();
    let at = |t: u64| env.ledger().with_mut(|l| l.timestamp = t);
    let ms: std::vec::Vec<Address> = (0..4).map(|_| Address::generate(&env)).collect();
    at(100);
    reg.add_member(&ms[0], &Role::Both, &0);
    reg.add_member(&ms[1], &Role::Both, &0);
    at(200);
    reg.add_member(&ms[2], &Role::Both, &0);
    at(300);
    reg.set_member_active(&ms[0], &false);
    at(400);
    reg.add_member(&ms[3], &Role::Both, &0);
    reg.set_member_active(&ms[0], &true);
    let expect = [
        (0, 0),
        (99, 0),
        (100, 2),
        (150, 2),
        (200, 3),
        (299, 3),
        (300, 2),
        (399, 2),
        (400, 4),
        (10_000, 4),
    ];
    for (t, n) in expect {
        assert_eq!(reg.active_members_at(&t), n, "at {t}");
    }
    assert_eq!(
        reg.member(&ms[0]).unwrap().since,
        400,
        "reinstatement restarts maturity"
    );
    assert_eq!(reg.member(&ms[1]).unwrap().since, 100);
}

#[test]
fn the_wasm_build_behaves_like_the_native_one() {
    let env = Env::default();
    env.mock_all_auths();
    let admin = Address::generate(&env);
    let reg = RegistryClient::new(
        &env,
        &env.register(wasm("registry").as_slice(), (&admin, &admin)),
    );
    let donor = Address::generate(&env);
    reg.add_member(&donor, &Role::Donor, &4);
    reg.register_meter(&key(&env, 5), &donor, &4, &300);
    reg.accept_meter(&key(&env, 5));
    std::println!(
        "registry.register_meter on WASM: {:?}",
        env.cost_estimate().resources()
    );
    assert_eq!(
        reg.try_add_member(&donor, &Role::Donor, &4),
        Err(Ok(RegistryError::MemberExists))
    );
    assert_eq!(reg.meter(&key(&env, 5)).unwrap().max_wh_per_minute, 300);
}

/// The per-call load cost of the WASM build: one `get_owner` (a single instance read), whose
/// instructions are mostly the module's instantiation (docs/contracts.md, "Sizes").
#[test]
fn load_cost_of_the_wasm_build() {
    let env = Env::default();
    let a = Address::generate(&env);
    let reg = RegistryClient::new(&env, &env.register(wasm("registry").as_slice(), (&a, &a)));
    let cost = urja_interfaces::testing::call_cost(&env, || reg.get_owner());
    std::println!("LOAD_COST registry get_owner {cost}");
    assert!(cost > 0);
}

/// The layouts the indexer decodes (`orchestrator/urja/data/contract_events.json`):
/// `["member", addr]` / `[role, feeder, active, since]`,
/// `["meter", meter_id]` / `[owner, feeder, max_wh_per_minute, active, accepted]`,
/// `["operator"]` / operator.
#[test]
fn events_are_pinned() {
    use soroban_sdk::testutils::Ledger as _;
    use soroban_sdk::{symbol_short, vec, IntoVal, Symbol};
    let (env, reg, _) = setup();
    let e = &env;
    let id = reg.address.clone();
    e.ledger().with_mut(|l| l.timestamp = 12_345);
    let donor = Address::generate(e);
    reg.add_member(&donor, &Role::Donor, &1);
    let data: soroban_sdk::Vec<soroban_sdk::Val> = vec![
        e,
        Role::Donor.into_val(e),
        1u32.into_val(e),
        true.into_val(e),
        12_345u64.into_val(e),
    ];
    assert_eq!(
        e.events().all(),
        vec![
            e,
            (
                id.clone(),
                vec![e, symbol_short!("member").into_val(e), donor.into_val(e)],
                data.into_val(e)
            )
        ]
    );
    reg.register_meter(&key(e, 7), &donor, &1, &500);
    let data: soroban_sdk::Vec<soroban_sdk::Val> = vec![
        e,
        donor.into_val(e),
        1u32.into_val(e),
        500u32.into_val(e),
        false.into_val(e),
        false.into_val(e),
    ];
    assert_eq!(
        e.events().all(),
        vec![
            e,
            (
                id.clone(),
                vec![e, symbol_short!("meter").into_val(e), key(e, 7).into_val(e)],
                data.into_val(e)
            )
        ]
    );
    let op = Address::generate(e);
    reg.set_operator(&op);
    assert_eq!(
        e.events().all(),
        vec![
            e,
            (
                id,
                vec![e, Symbol::new(e, "operator").into_val(e)],
                op.into_val(e)
            )
        ]
    );
}

#[test]
fn members_are_numbered_in_admission_order_for_life() {
    // The market builds order ids from these numbers: no two members may share one, and a
    // member's stays whatever else changes.
    let (env, reg, _) = setup();
    let (a, b) = (Address::generate(&env), Address::generate(&env));
    assert_eq!(reg.household_number(&a), None);
    reg.add_member(&a, &Role::Donor, &0);
    reg.add_member(&b, &Role::Receiver, &1);
    assert_eq!(reg.household_number(&a), Some(FIRST_HOUSEHOLD_NUMBER));
    assert_eq!(reg.household_number(&b), Some(FIRST_HOUSEHOLD_NUMBER + 1));
    // Admitting a member twice is refused and gives no second number.
    assert_eq!(
        reg.try_add_member(&a, &Role::Donor, &0),
        Err(Ok(RegistryError::MemberExists))
    );
    reg.update_member(&a, &Role::Both, &2);
    assert_eq!(reg.household_number(&a), Some(FIRST_HOUSEHOLD_NUMBER));
    let c = Address::generate(&env);
    reg.add_member(&c, &Role::Receiver, &0);
    assert_eq!(reg.household_number(&c), Some(FIRST_HOUSEHOLD_NUMBER + 2));
}
