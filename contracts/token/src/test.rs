extern crate std;

use super::{KwhToken, KwhTokenClient, TokenError};
use soroban_sdk::testutils::{Address as _, Events as _, Ledger as _};
use soroban_sdk::{Address, Env, InvokeError, MuxedAddress, String};
use urja_interfaces::testing::{auth_as, wasm};

struct Setup {
    env: Env,
    token: KwhTokenClient<'static>,
    admin: Address,
    minter: Address,
}

fn setup() -> Setup {
    let env = Env::default();
    let admin = Address::generate(&env);
    let minter = Address::generate(&env);
    let id = env.register(KwhToken, (&admin, &minter));
    let token = KwhTokenClient::new(&env, &id);
    env.mock_all_auths();
    Setup {
        env,
        token,
        admin,
        minter,
    }
}

#[test]
fn metadata_is_kwh_with_three_decimals() {
    let s = setup();
    assert_eq!(s.token.decimals(), 3);
    assert_eq!(s.token.symbol(), String::from_str(&s.env, "kWh"));
    assert_eq!(s.token.name(), String::from_str(&s.env, "Urja Energy"));
}

#[test]
fn only_the_minter_mints() {
    let s = setup();
    let alice = Address::generate(&s.env);
    let id = s.token.address.clone();
    // The admin is not the minter.
    auth_as(&s.env, &s.admin, &id, "mint", (&alice, 5i128));
    assert_eq!(s.token.try_mint(&alice, &5), Err(Err(InvokeError::Abort)));
    auth_as(&s.env, &alice, &id, "mint", (&alice, 5i128));
    assert_eq!(s.token.try_mint(&alice, &5), Err(Err(InvokeError::Abort)));
    assert_eq!(s.token.total_supply(), 0);
    auth_as(&s.env, &s.minter, &id, "mint", (&alice, 5i128));
    s.token.mint(&alice, &5);
    assert_eq!(s.token.balance(&alice), 5);
    assert_eq!(s.token.total_supply(), 5);
}

#[test]
fn mint_needs_a_positive_amount() {
    let env = Env::default();
    env.mock_all_auths();
    let admin = Address::generate(&env);
    let token = KwhTokenClient::new(&env, &env.register(KwhToken, (&admin, &admin)));
    let alice = Address::generate(&env);
    assert_eq!(
        token.try_mint(&alice, &0),
        Err(Ok(TokenError::InvalidAmount))
    );
    assert_eq!(
        token.try_mint(&alice, &-3),
        Err(Ok(TokenError::InvalidAmount))
    );
    token.mint(&alice, &i128::MAX);
    assert_eq!(token.try_mint(&alice, &1), Err(Ok(TokenError::Overflow)));
    assert_eq!(token.balance(&alice), i128::MAX);
}

#[test]
fn admin_actions_need_the_admin() {
    let s = setup();
    let eve = Address::generate(&s.env);
    let id = s.token.address.clone();
    auth_as(&s.env, &eve, &id, "set_minter", (&eve,));
    assert!(s.token.try_set_minter(&eve).is_err());
    auth_as(&s.env, &eve, &id, "propose_admin", (&eve,));
    assert!(s.token.try_propose_admin(&eve).is_err());
    assert_eq!(s.token.minter(), Some(s.minter.clone()));
    let gov = Address::generate(&s.env);
    auth_as(&s.env, &s.admin, &id, "propose_admin", (&gov,));
    s.token.propose_admin(&gov);
    // Proposing hands nothing over: the admin is unchanged until the successor accepts,
    // and only the proposed successor can accept.
    assert_eq!(s.token.admin(), s.admin);
    auth_as(&s.env, &eve, &id, "accept_admin", ());
    assert!(s.token.try_accept_admin().is_err());
    auth_as(&s.env, &gov, &id, "accept_admin", ());
    s.token.accept_admin();
    assert_eq!(s.token.admin(), gov);
    // The old admin has lost its powers.
    auth_as(&s.env, &s.admin, &id, "set_minter", (&eve,));
    assert!(s.token.try_set_minter(&eve).is_err());
}

#[test]
fn transfers_move_balances_and_check_the_signer() {
    let s = setup();
    let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
    s.token.mint(&alice, &1_000);
    let id = s.token.address.clone();
    auth_as(&s.env, &bob, &id, "transfer", (&alice, &bob, 10i128));
    let to: MuxedAddress = bob.clone().into();
    assert!(s.token.try_transfer(&alice, &to, &10).is_err());
    s.env.mock_all_auths();
    s.token.transfer(&alice, &to, &400);
    assert_eq!((s.token.balance(&alice), s.token.balance(&bob)), (600, 400));
    assert_eq!(
        s.token.try_transfer(&alice, &to, &601),
        Err(Ok(TokenError::InsufficientBalance))
    );
    assert_eq!(
        s.token.try_transfer(&alice, &to, &0),
        Err(Ok(TokenError::InvalidAmount))
    );
    assert_eq!(
        s.token.try_transfer(&alice, &to, &-1),
        Err(Ok(TokenError::InvalidAmount))
    );
    assert_eq!((s.token.balance(&alice), s.token.balance(&bob)), (600, 400));
    assert_eq!(s.token.total_supply(), 1_000);
}

#[test]
fn allowances_expire_and_are_spent() {
    let s = setup();
    let (alice, bob, carol) = (
        Address::generate(&s.env),
        Address::generate(&s.env),
        Address::generate(&s.env),
    );
    s.token.mint(&alice, &100);
    s.env.ledger().with_mut(|l| l.sequence_number = 1_000);
    let seq = s.env.ledger().sequence();
    assert_eq!(
        s.token.try_approve(&alice, &bob, &50, &(seq - 1)),
        Err(Ok(TokenError::InvalidExpiration))
    );
    assert_eq!(
        s.token.try_approve(&alice, &bob, &-1, &seq),
        Err(Ok(TokenError::InvalidAmount))
    );
    s.token.approve(&alice, &bob, &50, &(seq + 100));
    assert_eq!(s.token.allowance(&alice, &bob), 50);
    let id = s.token.address.clone();
    auth_as(
        &s.env,
        &carol,
        &id,
        "transfer_from",
        (&bob, &alice, &carol, 10i128),
    );
    assert!(s
        .token
        .try_transfer_from(&bob, &alice, &carol, &10)
        .is_err());
    s.env.mock_all_auths();
    s.token.transfer_from(&bob, &alice, &carol, &30);
    assert_eq!(
        s.token.try_transfer_from(&bob, &alice, &carol, &21),
        Err(Ok(TokenError::InsufficientAllowance))
    );
    s.token.burn_from(&bob, &alice, &20);
    assert_eq!(s.token.allowance(&alice, &bob), 0);
    assert_eq!((s.token.balance(&alice), s.token.balance(&carol)), (50, 30));
    assert_eq!(s.token.total_supply(), 80);
    s.token.approve(&alice, &bob, &5, &(seq + 10));
    s.env.ledger().with_mut(|l| l.sequence_number = seq + 11);
    assert_eq!(s.token.allowance(&alice, &bob), 0);
}

#[test]
fn burn_reduces_supply_and_needs_the_holder() {
    let s = setup();
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &10);
    let id = s.token.address.clone();
    auth_as(&s.env, &s.minter, &id, "burn", (&alice, 4i128));
    assert!(s.token.try_burn(&alice, &4).is_err());
    s.env.mock_all_auths();
    assert_eq!(
        s.token.try_burn(&alice, &11),
        Err(Ok(TokenError::InsufficientBalance))
    );
    s.token.burn(&alice, &4);
    assert_eq!((s.token.balance(&alice), s.token.total_supply()), (6, 6));
}

#[test]
fn every_state_change_emits_an_event() {
    let s = setup();
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &10);
    assert_eq!(s.env.events().all().events().len(), 1);
    s.token.burn(&alice, &1);
    assert_eq!(s.env.events().all().events().len(), 1);
}

#[test]
fn the_wasm_build_behaves_like_the_native_one() {
    let env = Env::default();
    env.mock_all_auths();
    let admin = Address::generate(&env);
    let id = env.register(wasm("token").as_slice(), (&admin, &admin));
    let token = KwhTokenClient::new(&env, &id);
    let alice = Address::generate(&env);
    token.mint(&alice, &2_500);
    assert_eq!(token.balance(&alice), 2_500);
    assert_eq!(
        token.try_mint(&alice, &0),
        Err(Ok(TokenError::InvalidAmount))
    );
    assert_eq!(token.decimals(), 3);
    std::println!("token.mint on WASM: {:?}", env.cost_estimate().resources());
}
