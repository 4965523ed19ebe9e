//! Order ids come from the owner's own `Account` (its household number and order count),
//! not from a counter every order shares: another household's order, applied first in the
//! same ledger, does not change the id (and so the footprint) of this one's (issue 14). The
//! household number is the registry's, given at admission, so even a household's first
//! order does not depend on anyone else's.
use super::*;
use crate::storage::{MAX_HOUSEHOLDS, ORDER_SEQ_BITS};
use soroban_sdk::Symbol;
use urja_interfaces::FIRST_HOUSEHOLD_NUMBER;

/// The id `who`'s next order gets, from its account as the market holds it now.
fn predicted(w: &World, who: &Address) -> u64 {
    let a = w.market.account(who);
    ((a.number as u64) << ORDER_SEQ_BITS) | a.orders as u64
}

/// Removes `who`'s household number from the registry, as for a member admitted before
/// the registry numbered members (the registry's `Key::Number(who)`).
fn unnumber(w: &World, who: &Address) {
    w.env.as_contract(&w.registry.address, || {
        let key = (Symbol::new(&w.env, "Number"), who.clone());
        assert!(
            w.env.storage().persistent().has(&key),
            "the registry's key layout"
        );
        w.env.storage().persistent().remove(&key);
    });
    assert_eq!(w.registry.household_number(who), None);
}

#[test]
fn an_order_id_does_not_depend_on_other_households_orders() {
    let w = world(Build::Native, 1, 2);
    let (d, r1, r2) = (&w.donors[0], &w.receivers[0], &w.receivers[1]);
    let first = w.market.bid(r1, &SLOT, &10, &5);
    let number = w.registry.household_number(r1).unwrap();
    assert_eq!(
        first >> ORDER_SEQ_BITS,
        number as u64,
        "the registry's number"
    );
    assert!(number >= FIRST_HOUSEHOLD_NUMBER);
    w.market.bid(r2, &SLOT, &10, &5);
    // What r1's next order will be called is fixed by r1's account alone ...
    let next = predicted(&w, r1);
    assert_eq!(next, first + 1);
    // ... whatever the others place in between, on either side of the book.
    w.market.bid(r2, &SLOT, &10, &5);
    let s = offer(&w, 0, SLOT, 50, 3);
    assert_eq!(
        s >> ORDER_SEQ_BITS,
        w.registry.household_number(d).unwrap() as u64
    );
    assert_eq!(w.market.bid(r1, &SLOT, &10, &5), next);
    assert_eq!(w.market.account(r1).orders, 2);
    assert_eq!(w.market.order(&next).unwrap().owner, *r1);
}

#[test]
fn attack_a_first_order_id_does_not_depend_on_other_households_first_orders() {
    // Households whose first orders were simulated against the same state: whichever is
    // applied first, each gets the id it was simulated with. With numbers drawn from the
    // market's counter at the first order, the one applied second got another id than its
    // simulation's, so its footprint missed the entry it wrote and it failed on chain.
    let (a, b) = (world(Build::Native, 0, 2), world(Build::Native, 0, 2));
    let a0 = a.market.bid(&a.receivers[0], &SLOT, &10, &5);
    let a1 = a.market.bid(&a.receivers[1], &SLOT, &10, &5);
    let b1 = b.market.bid(&b.receivers[1], &SLOT, &10, &5);
    let b0 = b.market.bid(&b.receivers[0], &SLOT, &10, &5);
    assert_eq!((a0, a1), (b0, b1), "the same ids in either order");
    assert_ne!(a0, a1);
}

#[test]
fn a_member_admitted_before_the_registry_numbered_members_draws_from_the_markets_counter() {
    let w = world(Build::Native, 0, 2);
    let (old, new) = (&w.receivers[0], &w.receivers[1]);
    unnumber(&w, old);
    let id = w.market.bid(old, &SLOT, &10, &5);
    assert_eq!(id >> ORDER_SEQ_BITS, 1, "the market's own counter, from 1");
    let id2 = w.market.bid(new, &SLOT, &10, &5);
    assert!(id2 >> ORDER_SEQ_BITS >= FIRST_HOUSEHOLD_NUMBER as u64);
    // The counter's numbers end where the registry's begin.
    w.env.as_contract(&w.market.address, || {
        w.env
            .storage()
            .instance()
            .set(&Key::NextHousehold, &FIRST_HOUSEHOLD_NUMBER);
    });
    let late = Address::generate(&w.env);
    w.registry.add_member(&late, &Role::Receiver, &0);
    StellarAssetClient::new(&w.env, &w.pay.address).mint(&late, &1_000_000);
    unnumber(&w, &late);
    assert_eq!(
        w.market.try_bid(&late, &SLOT, &10, &5),
        Err(Ok(MarketError::TooManyOrders))
    );
}

#[test]
fn a_household_out_of_order_ids_is_refused_naming_it() {
    let w = world(Build::Native, 1, 2);
    let r = &w.receivers[0];
    let b = w.market.bid(r, &SLOT, &10, &5);
    w.env.as_contract(&w.market.address, || {
        let key = Key::Account(r.clone());
        let mut a: Account = w.env.storage().persistent().get(&key).unwrap();
        a.orders = 1 << ORDER_SEQ_BITS;
        w.env.storage().persistent().set(&key, &a);
    });
    let before = w.market.totals();
    assert_eq!(
        w.market.try_bid(r, &SLOT, &10, &5),
        Err(Ok(MarketError::TooManyOrders))
    );
    // Nor may a number past the limit stand in an account.
    let other = &w.receivers[1];
    w.market.bid(other, &SLOT, &10, &5);
    w.env.as_contract(&w.market.address, || {
        let key = Key::Account(other.clone());
        let mut a: Account = w.env.storage().persistent().get(&key).unwrap();
        a.number = MAX_HOUSEHOLDS;
        w.env.storage().persistent().set(&key, &a);
    });
    let before_other = w.market.totals();
    assert_eq!(
        w.market.try_bid(other, &SLOT, &10, &5),
        Err(Ok(MarketError::TooManyOrders))
    );
    assert_eq!(w.market.totals(), before_other, "nothing was locked");
    assert!(before.locked <= before_other.locked);
    assert!(w.market.order(&b).is_some());
}
