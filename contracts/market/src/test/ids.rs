//! Order ids come from the owner's own `Account` (its household number and order count),
//! not from a counter every order shares: another household's order, applied first in the
//! same ledger, does not change the id (and so the footprint) of this one's (issue 14).
use super::*;
use crate::storage::{MAX_HOUSEHOLDS, ORDER_SEQ_BITS};

/// The id `who`'s next order gets, from its account as the market holds it now.
fn predicted(w: &World, who: &Address) -> u64 {
    let a = w.market.account(who);
    ((a.number as u64) << ORDER_SEQ_BITS) | a.orders as u64
}

#[test]
fn an_order_id_does_not_depend_on_other_households_orders() {
    let w = world(Build::Native, 1, 2);
    let (d, r1, r2) = (&w.donors[0], &w.receivers[0], &w.receivers[1]);
    let first = w.market.bid(r1, &SLOT, &10, &5);
    assert_eq!(
        first >> ORDER_SEQ_BITS,
        1,
        "the first household to order is number 1"
    );
    w.market.bid(r2, &SLOT, &10, &5);
    // What r1's next order will be called is fixed by r1's account alone ...
    let next = predicted(&w, r1);
    assert_eq!(next, first + 1);
    // ... whatever the others place in between, on either side of the book.
    w.market.bid(r2, &SLOT, &10, &5);
    let s = offer(&w, 0, SLOT, 50, 3);
    assert_eq!(s >> ORDER_SEQ_BITS, 3);
    assert_eq!(w.market.bid(r1, &SLOT, &10, &5), next);
    assert_eq!(w.market.account(r1).orders, 2);
    assert_eq!(w.market.account(d).number, 3);
    assert_eq!(w.market.order(&next).unwrap().owner, *r1);
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
        w.env
            .storage()
            .instance()
            .set(&Key::NextHousehold, &MAX_HOUSEHOLDS);
    });
    let before = w.market.totals();
    assert_eq!(
        w.market.try_bid(r, &SLOT, &10, &5),
        Err(Ok(MarketError::TooManyOrders))
    );
    // A household never numbered cannot be given a number past the limit either.
    assert_eq!(
        w.market.try_bid(&w.receivers[1], &SLOT, &10, &5),
        Err(Ok(MarketError::TooManyOrders))
    );
    assert_eq!(w.market.totals(), before, "nothing was locked");
    assert!(w.market.order(&b).is_some());
}
