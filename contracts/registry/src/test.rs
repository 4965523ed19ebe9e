extern crate std;

use super::{Registry, RegistryClient, RegistryError};
use soroban_sdk::testutils::{Address as _, Events as _};
use soroban_sdk::{Address, BytesN, Env};
use urja_interfaces::testing::{auth_as, wasm};
use urja_interfaces::{Meter, Role};

fn setup() -> (Env, RegistryClient<'static>, Address) {
    let env = Env::default();
    let admin = Address::generate(&env);
    let reg = RegistryClient::new(&env, &env.register(Registry, (&admin,)));
    env.mock_all_auths();
    (env, reg, admin)
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
    let m = reg.meter(&key(&env, 7)).unwrap();
    assert_eq!(
        m,
        Meter {
            owner: donor.clone(),
            feeder: 1,
            max_wh_per_minute: 500,
            active: true
        }
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
fn every_write_needs_the_admin() {
    let (env, reg, admin) = setup();
    let eve = Address::generate(&env);
    let id = reg.address.clone();
    let k = key(&env, 3);
    auth_as(&env, &eve, &id, "add_member", (&eve, Role::Donor, 1u32));
    assert!(reg.try_add_member(&eve, &Role::Donor, &1).is_err());
    auth_as(&env, &admin, &id, "add_member", (&eve, Role::Donor, 1u32));
    reg.add_member(&eve, &Role::Donor, &1);
    auth_as(&env, &eve, &id, "update_member", (&eve, Role::Both, 1u32));
    assert!(reg.try_update_member(&eve, &Role::Both, &1).is_err());
    auth_as(&env, &eve, &id, "set_member_active", (&eve, true));
    assert!(reg.try_set_member_active(&eve, &true).is_err());
    auth_as(&env, &eve, &id, "register_meter", (&k, &eve, 1u32, 10u32));
    assert!(reg.try_register_meter(&k, &eve, &1, &10).is_err());
    assert!(reg.meter(&k).is_none());
    auth_as(&env, &admin, &id, "register_meter", (&k, &eve, 1u32, 10u32));
    reg.register_meter(&k, &eve, &1, &10);
    auth_as(&env, &eve, &id, "set_meter_active", (&k, false));
    assert!(reg.try_set_meter_active(&k, &false).is_err());
    auth_as(&env, &eve, &id, "set_meter_capacity", (&k, 20u32));
    assert!(reg.try_set_meter_capacity(&k, &20).is_err());
    auth_as(&env, &eve, &id, "set_admin", (&eve,));
    assert!(reg.try_set_admin(&eve).is_err());
    auth_as(&env, &eve, &id, "upgrade", (&k,));
    assert!(reg.try_upgrade(&k).is_err());
    assert_eq!(reg.admin(), admin);
    assert!(reg.meter(&k).unwrap().active);
}

#[test]
fn the_wasm_build_behaves_like_the_native_one() {
    let env = Env::default();
    env.mock_all_auths();
    let admin = Address::generate(&env);
    let reg = RegistryClient::new(&env, &env.register(wasm("registry").as_slice(), (&admin,)));
    let donor = Address::generate(&env);
    reg.add_member(&donor, &Role::Donor, &4);
    reg.register_meter(&key(&env, 5), &donor, &4, &300);
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
