//! The market's stored records and parameters.
use soroban_sdk::{contracttype, Address, BytesN};

/// Which side of the book an order is on.
#[contracttype]
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[repr(u32)]
pub enum Side {
    /// A donor's offer to sell.
    Sell = 0,
    /// A receiver's bid to buy (escrowed).
    Buy = 1,
}

/// Lifecycle of an order.
#[contracttype]
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[repr(u32)]
pub enum OrderStatus {
    /// In the book; may still be matched (until the slot ends).
    Open = 0,
    /// Withdrawn by its owner before gate closure.
    Cancelled = 1,
    /// The slot ended; any unmatched escrow has been released.
    Closed = 2,
}

/// An order as stored: quantities in Wh, prices in payment-token units per Wh.
///
/// A standing order stands for `slots` consecutive slots from `slot`, for up to `wh` in
/// each, so a household that trades every slot places (and pays for) one transaction, not
/// one per slot (`docs/cost-model.md`).
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Order {
    pub owner: Address,
    pub side: Side,
    /// The meter an offer is delivered from (its trades settle on that meter's proof);
    /// `None` for bids.
    pub meter: Option<BytesN<32>>,
    /// The first slot the order stands for.
    pub slot: u64,
    /// How many consecutive slots it stands for (1 for a one-slot order).
    pub slots: u32,
    /// Most Wh per slot.
    pub wh: i128,
    /// Minimum price (sell) or maximum price (buy).
    pub price: i128,
    /// Wh matched by settled trades, over all its slots.
    pub filled: i128,
    /// The slot the latest settled trade of this order belongs to, and the Wh matched in
    /// it: slots settle in order, so this is all the per-slot state an order needs.
    pub fill_slot: u64,
    pub slot_filled: i128,
    pub status: OrderStatus,
    /// The delivery deadline (unix seconds, exclusive) of the order's last slot under the
    /// terms in force when it was placed; its trades keep their slot's share of it, and
    /// the order lives until then.
    pub deadline: u64,
}

impl Order {
    /// The order's last slot.
    pub fn last_slot(&self) -> u64 {
        self.slot + self.slots as u64 - 1
    }

    /// Whether the order stands for `slot`.
    pub fn covers(&self, slot: u64) -> bool {
        slot >= self.slot && slot <= self.last_slot()
    }

    /// The Wh already matched in `slot`.
    pub fn filled_in(&self, slot: u64) -> i128 {
        if self.fill_slot == slot {
            self.slot_filled
        } else {
            0
        }
    }

    /// The delivery deadline of `slot` under the order's terms (slot length is fixed for
    /// the market's life, so each slot's deadline is the last one's less whole slots).
    pub fn deadline_of(&self, slot: u64, slot_secs: u64) -> u64 {
        self.deadline
            .saturating_sub((self.last_slot() - slot).saturating_mul(slot_secs))
    }
}

/// Lifecycle of a matched trade.
#[contracttype]
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[repr(u32)]
pub enum TradeState {
    /// Settled by the operator; waiting for the donor's proven delivery.
    Matched = 0,
    /// Delivery proven; kWh minted, donor and fee credited, buyer credited the rest.
    Delivered = 1,
    /// No delivery before the deadline; the buyer was credited its escrow back.
    Expired = 2,
}

/// A settled trade between one bid and one offer.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Trade {
    pub slot: u64,
    pub buy: u64,
    pub sell: u64,
    pub buyer: Address,
    pub seller: Address,
    pub wh: i128,
    pub price: i128,
    /// The bid's limit price: the trade's share of escrow is `wh * buy_price`.
    pub buy_price: i128,
    pub state: TradeState,
    pub delivered_wh: i128,
    /// Terms fixed when the trade settled, so later parameter changes cannot alter it:
    /// the fee in basis points and who receives it,
    pub fee_bps: u32,
    pub fee_recipient: Address,
    /// and the moment (unix seconds, exclusive) until which its delivery is accepted.
    pub deadline: u64,
}

/// A trade as the operator proposes it in `settle`.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct TradeIn {
    pub buy: u64,
    pub sell: u64,
    pub wh: i128,
    pub price: i128,
}

/// Market parameters, set at deployment and changed only by the admin (governance).
/// `payment_token`, `kwh_token`, `registry` and `slot_secs` are fixed for the market's life
/// (a change would strand escrow or renumber slots); `set_params` refuses to change them.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Params {
    /// Any SEP-41 token (e.g. a Stellar Asset Contract) that buyers pay with.
    pub payment_token: Address,
    /// The kWh token this market mints.
    pub kwh_token: Address,
    pub registry: Address,
    pub verifier: Address,
    /// The verifying key id in the verifier used for delivery proofs.
    pub circuit_id: u32,
    /// The only address that may settle slots.
    pub operator: Address,
    pub fee_recipient: Address,
    /// Fee on each payment to a donor, in basis points (at most 10 000).
    pub fee_bps: u32,
    /// Length of a delivery slot in seconds (a multiple of 15: one reading per 1/15th).
    pub slot_secs: u64,
    /// Orders close this many seconds before their slot starts.
    pub gate_lead_secs: u64,
    /// Deliveries are accepted until this many seconds after the slot ends.
    pub delivery_deadline_secs: u64,
    /// How many slots ahead orders may be placed.
    pub horizon_slots: u64,
    pub price_floor: i128,
    pub price_cap: i128,
}

/// Running totals of the payment token the market has taken in and let out.
/// Escrow held = `locked - paid - refunded`; credits owed = `paid + refunded - withdrawn`;
/// the market's balance of the payment token = `locked - withdrawn`.
#[contracttype]
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Totals {
    pub locked: i128,
    /// Paid out for delivered energy, fees included.
    pub paid: i128,
    pub fees: i128,
    pub refunded: i128,
    /// Transferred out to households (withdrawn credits and cancellation refunds).
    pub withdrawn: i128,
    /// kWh minted for delivered energy (to buyers and as donor surplus).
    pub minted_wh: i128,
}

/// A household's money in the market, one persistent entry per household.
/// `held` is bid escrow in flight (placed, matched or awaiting delivery); `credit` is what
/// `withdraw` pays out. Sum of `held` = `locked - paid - refunded`; sum of `credit` =
/// `paid + refunded - withdrawn`.
#[contracttype]
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Account {
    pub credit: i128,
    pub held: i128,
    /// The latest delivery deadline of any escrow this household placed: once it passed,
    /// no delivery can pay out of `held` any more, so what is left is swept to credit.
    pub held_until: u64,
    /// The `held_until` of the last sweep: records with a deadline at or before it were
    /// refunded by the sweep, so their own refunds are refused.
    pub swept_until: u64,
    /// The household's number in this market (from 1, given with its first order; 0 before),
    /// the high part of its order ids.
    pub number: u32,
    /// Orders the household placed: the low part of its next order id.
    pub orders: u32,
}
