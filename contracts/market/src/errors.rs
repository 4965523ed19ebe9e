//! Market errors; codes are stable and documented in docs/contracts.md.
use soroban_sdk::contracterror;

/// Every way a market call can be refused.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum MarketError {
    /// A quantity is zero or negative.
    InvalidAmount = 1,
    /// A price is outside the market's floor and cap.
    PriceOutOfRange = 2,
    /// Arithmetic would overflow.
    Overflow = 3,
    /// The slot's gate has closed (or the slot is in the past): no new orders.
    SlotClosed = 4,
    /// The slot is beyond the order horizon.
    SlotTooFar = 5,
    /// The address is not a registry member.
    UnknownMember = 6,
    /// The member is suspended.
    MemberSuspended = 7,
    /// The member's role does not allow this side.
    RoleNotAllowed = 8,
    /// No order with this id.
    UnknownOrder = 9,
    /// Only the order's owner may do this.
    NotOrderOwner = 10,
    /// The order is cancelled or closed.
    OrderNotOpen = 11,
    /// Cancel after the slot's gate closure.
    GateClosed = 12,
    /// Settle before the slot's gate closure.
    GateNotClosed = 13,
    /// Settle after the slot ended.
    SettlementClosed = 14,
    /// A trade's orders are on the wrong sides.
    WrongSide = 15,
    /// A trade's order belongs to another slot.
    WrongSlot = 16,
    /// A trade would fill an order beyond its quantity.
    Overfill = 17,
    /// A trade price is outside its bid's or offer's limit.
    PriceOutsideLimits = 18,
    /// A trade price differs from the slot's clearing price.
    PriceMismatch = 19,
    /// This pair of orders was already settled.
    DuplicateTrade = 20,
    /// A settle batch with no trades.
    EmptyBatch = 21,
    /// A bid and an offer of the same owner.
    SelfTrade = 22,
    /// Parameters fail validation (see docs/contracts.md).
    InvalidParams = 23,
    /// No trade with this id.
    UnknownTrade = 24,
    /// The trade was already delivered or expired.
    TradeNotOpen = 25,
    /// Refund before the delivery deadline, or release before the slot ended.
    TooEarly = 26,
    /// The slot has not ended yet or its delivery deadline passed.
    DeliveryWindowClosed = 27,
    /// Too many trades in one settle batch.
    BatchTooLarge = 28,
    /// The meter is not registered.
    UnknownMeter = 29,
    /// The meter is suspended.
    MeterSuspended = 30,
    /// This meter already delivered for this slot (replay).
    AlreadyDelivered = 31,
    /// The proof does not prove this delivery.
    ProofRejected = 32,
    /// The verifier refused the proof's encoding or has no key for the circuit.
    MalformedProof = 33,
    /// Claimed energy is more than the meter's limit allows in a slot.
    EnergyOutOfRange = 34,
    /// The offer names a meter its owner does not own.
    NotMeterOwner = 35,
    /// A meter's offers would have more trades in one slot than `deliver` can settle.
    TooManyTrades = 36,
    /// `set_params` would change a parameter fixed for the market's life
    /// (payment token, kWh token, registry, slot length).
    ImmutableParam = 37,
    /// There is no credit to withdraw.
    NothingToWithdraw = 38,
    /// The meter has not been accepted by its owner yet.
    MeterNotAccepted = 39,
    /// This escrow was already returned to its owner's credit by a sweep (its deadline and
    /// every later one of the owner's had passed).
    EscrowSwept = 40,
    /// The accounts would go negative: refused, nothing is written.
    AccountUnderflow = 41,
    /// A standing order's slot count is zero or reaches past the market's horizon.
    InvalidSlots = 42,
    /// A standing order already has trades in a later slot: slots settle in order.
    SlotOutOfOrder = 43,
    /// A household placed `2^ORDER_SEQ_BITS` orders, or the market numbered
    /// `MAX_HOUSEHOLDS` households: no order id is left for it.
    TooManyOrders = 44,
}
