//! Events the market emits for every state change an indexer or auditor needs.
use soroban_sdk::{contractevent, Address, Bytes, BytesN};

use crate::types::{Params, Side};

/// A new order for one slot: `["order", slot]`. The layout every market version emits, so
/// an indexer reads one-slot orders from before standing orders existed the same way.
#[contractevent(topics = ["order"], data_format = "vec")]
pub struct OrderPlaced {
    #[topic]
    pub slot: u64,
    pub id: u64,
    pub owner: Address,
    pub side: Side,
    pub wh: i128,
    pub price: i128,
    /// Payment token locked (bids) — zero for offers.
    pub escrow: i128,
    /// The meter an offer delivers from; `None` for bids.
    pub meter: Option<BytesN<32>>,
}

/// A new standing order: `["order", first slot]`, the fields of `OrderPlaced` and `slots`.
#[contractevent(topics = ["order"], data_format = "vec")]
pub struct StandingOrderPlaced {
    #[topic]
    pub slot: u64,
    pub id: u64,
    pub owner: Address,
    pub side: Side,
    /// Energy in each slot.
    pub wh: i128,
    pub price: i128,
    /// Payment token locked for all its slots (bids) — zero for offers.
    pub escrow: i128,
    /// The meter an offer delivers from; `None` for bids.
    pub meter: Option<BytesN<32>>,
    /// How many consecutive slots from `slot` the order stands for (more than one).
    pub slots: u32,
}

/// An order withdrawn by its owner: `["cancel", slot]`.
#[contractevent(topics = ["cancel"], data_format = "vec")]
pub struct OrderCancelled {
    #[topic]
    pub slot: u64,
    pub id: u64,
    pub refund: i128,
}

/// An order closed after its slot ended, crediting a bid's unmatched escrow to its owner:
/// `["release", slot]`.
#[contractevent(topics = ["release"], data_format = "vec")]
pub struct OrderReleased {
    #[topic]
    pub slot: u64,
    pub id: u64,
    pub refund: i128,
}

/// One settled trade: `["trade", slot]`.
#[contractevent(topics = ["trade"], data_format = "vec")]
pub struct TradeSettled {
    #[topic]
    pub slot: u64,
    pub trade_id: u64,
    pub buy: u64,
    pub sell: u64,
    pub buyer: Address,
    pub seller: Address,
    pub wh: i128,
    pub price: i128,
}

/// A settle batch: `["settle", slot]` with its size and uniform clearing price, if any.
#[contractevent(topics = ["settle"], data_format = "vec")]
pub struct BatchSettled {
    #[topic]
    pub slot: u64,
    pub trades: u32,
    pub clearing_price: Option<i128>,
}

/// Delivery settled on one trade: `["delivered", slot]`.
#[contractevent(topics = ["delivered"], data_format = "vec")]
pub struct TradeDelivered {
    #[topic]
    pub slot: u64,
    pub trade_id: u64,
    pub delivered_wh: i128,
    /// Credited to the donor, after the fee.
    pub paid: i128,
    /// Credited to the trade's fee recipient.
    pub fee: i128,
    /// Credited back to the buyer.
    pub refund: i128,
}

/// Proven energy beyond the donor's matched trades, minted to the donor: `["surplus", slot]`.
#[contractevent(topics = ["surplus"], data_format = "vec")]
pub struct SurplusMinted {
    #[topic]
    pub slot: u64,
    pub donor: Address,
    pub wh: i128,
}

/// A trade with no delivery by the deadline, escrow credited back: `["expired", slot]`.
#[contractevent(topics = ["expired"], data_format = "vec")]
pub struct TradeExpired {
    #[topic]
    pub slot: u64,
    pub trade_id: u64,
    pub refund: i128,
}

/// New market parameters: `["params"]`.
#[contractevent(topics = ["params"], data_format = "single-value")]
pub struct ParamsChanged {
    pub params: Params,
}

/// A meter's delivery was proven: `["proof", meter, slot]`. Carries everything an auditor
/// needs to re-verify off-chain: the signed commitment, the energy, the signature and the
/// Groth16 proof (`docs/zk.md`).
#[contractevent(topics = ["proof"], data_format = "vec")]
pub struct DeliveryProven {
    #[topic]
    pub meter: BytesN<32>,
    #[topic]
    pub slot: u64,
    pub donor: Address,
    pub commitment: BytesN<32>,
    pub energy_wh: u64,
    pub signature: BytesN<64>,
    pub proof: Bytes,
}

/// A household withdrew its credit of the payment token: `["withdraw", owner]`.
#[contractevent(topics = ["withdraw"], data_format = "single-value")]
pub struct Withdrawn {
    #[topic]
    pub owner: Address,
    pub amount: i128,
}

/// Escrow whose every delivery deadline had passed, moved to its owner's credit:
/// `["swept", owner]`. Records with a deadline at or before `until` refund nothing more.
#[contractevent(topics = ["swept"], data_format = "vec")]
pub struct EscrowSwept {
    #[topic]
    pub owner: Address,
    pub amount: i128,
    pub until: u64,
}
