import {Address} from '@stellar/stellar-sdk';

    /**
 * Which side of the book an order is on.
 */
export enum Side {
  /**
   * A donor's offer to sell.
   */
  Sell = 0,
  /**
   * A receiver's bid to buy (escrowed).
   */
  Buy = 1
}

/**
 * An order as stored: quantities in Wh, prices in payment-token units per Wh.
 */
export interface Order {
  /**
   * The delivery deadline (unix seconds, exclusive) of the order's last slot under the
   */
  deadline: bigint;
  /**
   * The slot the latest settled trade of this order belongs to, and the Wh matched in
   */
  fill_slot: bigint;
  /**
   * Wh matched by settled trades, over all its slots.
   */
  filled: bigint;
  /**
   * The meter an offer is delivered from (its trades settle on that meter's proof);
   */
  meter: Uint8Array | null;
  owner: string;
  /**
   * Minimum price (sell) or maximum price (buy).
   */
  price: bigint;
  side: Side;
  /**
   * The first slot the order stands for.
   */
  slot: bigint;
  slot_filled: bigint;
  /**
   * How many consecutive slots it stands for (1 for a one-slot order).
   */
  slots: number;
  status: OrderStatus;
  /**
   * Most Wh per slot.
   */
  wh: bigint;
}

/**
 * A settled trade between one bid and one offer.
 */
export interface Trade {
  buy: bigint;
  /**
   * The bid's limit price: the trade's share of escrow is `wh * buy_price`.
   */
  buy_price: bigint;
  buyer: string;
  /**
   * and the moment (unix seconds, exclusive) until which its delivery is accepted.
   */
  deadline: bigint;
  delivered_wh: bigint;
  /**
   * Terms fixed when the trade settled, so later parameter changes cannot alter it:
   */
  fee_bps: number;
  fee_recipient: string;
  price: bigint;
  sell: bigint;
  seller: string;
  slot: bigint;
  state: TradeState;
  wh: bigint;
}

/**
 * Market parameters, set at deployment and changed only by the admin (governance).
 */
export interface Params {
  /**
   * The verifying key id in the verifier used for delivery proofs.
   */
  circuit_id: number;
  /**
   * Deliveries are accepted until this many seconds after the slot ends.
   */
  delivery_deadline_secs: bigint;
  /**
   * Fee on each payment to a donor, in basis points (at most 10 000).
   */
  fee_bps: number;
  fee_recipient: string;
  /**
   * Orders close this many seconds before their slot starts.
   */
  gate_lead_secs: bigint;
  /**
   * How many slots ahead orders may be placed.
   */
  horizon_slots: bigint;
  /**
   * The kWh token this market mints.
   */
  kwh_token: string;
  /**
   * The only address that may settle slots.
   */
  operator: string;
  /**
   * Any SEP-41 token (e.g.
   */
  payment_token: string;
  price_cap: bigint;
  price_floor: bigint;
  registry: string;
  /**
   * Length of a delivery slot in seconds (a multiple of 15: one reading per 1/15th).
   */
  slot_secs: bigint;
  verifier: string;
}

/**
 * Running totals of the payment token the market has taken in and let out.
 */
export interface Totals {
  fees: bigint;
  locked: bigint;
  /**
   * kWh minted for delivered energy (to buyers and as donor surplus).
   */
  minted_wh: bigint;
  /**
   * Paid out for delivered energy, fees included.
   */
  paid: bigint;
  refunded: bigint;
  /**
   * Transferred out to households (withdrawn credits and cancellation refunds).
   */
  withdrawn: bigint;
}

/**
 * A household's money in the market, one persistent entry per household.
 */
export interface Account {
  credit: bigint;
  held: bigint;
  /**
   * The latest delivery deadline of any escrow this household placed: once it passed,
   */
  held_until: bigint;
  /**
   * The household's number in this market (from 1, given with its first order; 0 before),
   */
  number: number;
  /**
   * Orders the household placed: the low part of its next order id.
   */
  orders: number;
  /**
   * The `held_until` of the last sweep: records with a deadline at or before it were
   */
  swept_until: bigint;
}

/**
 * A trade as the operator proposes it in `settle`.
 */
export interface TradeIn {
  buy: bigint;
  price: bigint;
  sell: bigint;
  wh: bigint;
}

/**
 * Lifecycle of a matched trade.
 */
export enum TradeState {
  /**
   * Settled by the operator; waiting for the donor's proven delivery.
   */
  Matched = 0,
  /**
   * Delivery proven; kWh minted, donor and fee credited, buyer credited the rest.
   */
  Delivered = 1,
  /**
   * No delivery before the deadline; the buyer was credited its escrow back.
   */
  Expired = 2
}

/**
 * Lifecycle of an order.
 */
export enum OrderStatus {
  /**
   * In the book; may still be matched (until the slot ends).
   */
  Open = 0,
  /**
   * Withdrawn by its owner before gate closure.
   */
  Cancelled = 1,
  /**
   * The slot ended; any unmatched escrow has been released.
   */
  Closed = 2
}

/**
 * Every way a market call can be refused.
 */
export const MarketError = {
  /**
   * A quantity is zero or negative.
   */
  1 : { message: "InvalidAmount" },
  /**
   * A price is outside the market's floor and cap.
   */
  2 : { message: "PriceOutOfRange" },
  /**
   * Arithmetic would overflow.
   */
  3 : { message: "Overflow" },
  /**
   * The slot's gate has closed (or the slot is in the past): no new orders.
   */
  4 : { message: "SlotClosed" },
  /**
   * The slot is beyond the order horizon.
   */
  5 : { message: "SlotTooFar" },
  /**
   * The address is not a registry member.
   */
  6 : { message: "UnknownMember" },
  /**
   * The member is suspended.
   */
  7 : { message: "MemberSuspended" },
  /**
   * The member's role does not allow this side.
   */
  8 : { message: "RoleNotAllowed" },
  /**
   * No order with this id.
   */
  9 : { message: "UnknownOrder" },
  /**
   * Only the order's owner may do this.
   */
  10 : { message: "NotOrderOwner" },
  /**
   * The order is cancelled or closed.
   */
  11 : { message: "OrderNotOpen" },
  /**
   * Cancel after the slot's gate closure.
   */
  12 : { message: "GateClosed" },
  /**
   * Settle before the slot's gate closure.
   */
  13 : { message: "GateNotClosed" },
  /**
   * Settle after the slot ended.
   */
  14 : { message: "SettlementClosed" },
  /**
   * A trade's orders are on the wrong sides.
   */
  15 : { message: "WrongSide" },
  /**
   * A trade's order belongs to another slot.
   */
  16 : { message: "WrongSlot" },
  /**
   * A trade would fill an order beyond its quantity.
   */
  17 : { message: "Overfill" },
  /**
   * A trade price is outside its bid's or offer's limit.
   */
  18 : { message: "PriceOutsideLimits" },
  /**
   * A trade price differs from the slot's clearing price.
   */
  19 : { message: "PriceMismatch" },
  /**
   * This pair of orders was already settled.
   */
  20 : { message: "DuplicateTrade" },
  /**
   * A settle batch with no trades.
   */
  21 : { message: "EmptyBatch" },
  /**
   * A bid and an offer of the same owner.
   */
  22 : { message: "SelfTrade" },
  /**
   * Parameters fail validation (see docs/contracts.md).
   */
  23 : { message: "InvalidParams" },
  /**
   * No trade with this id.
   */
  24 : { message: "UnknownTrade" },
  /**
   * The trade was already delivered or expired.
   */
  25 : { message: "TradeNotOpen" },
  /**
   * Refund before the delivery deadline, or release before the slot ended.
   */
  26 : { message: "TooEarly" },
  /**
   * The slot has not ended yet or its delivery deadline passed.
   */
  27 : { message: "DeliveryWindowClosed" },
  /**
   * Too many trades in one settle batch.
   */
  28 : { message: "BatchTooLarge" },
  /**
   * The meter is not registered.
   */
  29 : { message: "UnknownMeter" },
  /**
   * The meter is suspended.
   */
  30 : { message: "MeterSuspended" },
  /**
   * This meter already delivered for this slot (replay).
   */
  31 : { message: "AlreadyDelivered" },
  /**
   * The proof does not prove this delivery.
   */
  32 : { message: "ProofRejected" },
  /**
   * The verifier refused the proof's encoding or has no key for the circuit.
   */
  33 : { message: "MalformedProof" },
  /**
   * Claimed energy is more than the meter's limit allows in a slot.
   */
  34 : { message: "EnergyOutOfRange" },
  /**
   * The offer names a meter its owner does not own.
   */
  35 : { message: "NotMeterOwner" },
  /**
   * A meter's offers would have more trades in one slot than `deliver` can settle.
   */
  36 : { message: "TooManyTrades" },
  /**
   * `set_params` would change a parameter fixed for the market's life
   */
  37 : { message: "ImmutableParam" },
  /**
   * There is no credit to withdraw.
   */
  38 : { message: "NothingToWithdraw" },
  /**
   * The meter has not been accepted by its owner yet.
   */
  39 : { message: "MeterNotAccepted" },
  /**
   * This escrow was already returned to its owner's credit by a sweep (its deadline and
   */
  40 : { message: "EscrowSwept" },
  /**
   * The accounts would go negative: refused, nothing is written.
   */
  41 : { message: "AccountUnderflow" },
  /**
   * A standing order's slot count is zero or reaches past the market's horizon.
   */
  42 : { message: "InvalidSlots" },
  /**
   * A standing order already has trades in a later slot: slots settle in order.
   */
  43 : { message: "SlotOutOfOrder" },
  /**
   * A household placed `2^ORDER_SEQ_BITS` orders, or the market numbered
   */
  44 : { message: "TooManyOrders" }
}

/**
 * A household withdrew its credit of the payment token: `["withdraw", owner]`.
 */
export interface WithdrawnEvent {
  name: "Withdrawn";
  data: {
    owner: string;
    amount: bigint;
  };
}

/**
 * Escrow whose every delivery deadline had passed, moved to its owner's credit:
 */
export interface EscrowSweptEvent {
  name: "EscrowSwept";
  data: {
    owner: string;
    amount: bigint;
    until: bigint;
  };
}

/**
 * A new order for one slot: `["order", slot]`.
 */
export interface OrderPlacedEvent {
  name: "OrderPlaced";
  data: {
    slot: bigint;
    id: bigint;
    owner: string;
    side: Side;
    wh: bigint;
    price: bigint;
    /**
     * Payment token locked (bids) — zero for offers.
     */
    escrow: bigint;
    /**
     * The meter an offer delivers from; `None` for bids.
     */
    meter: Uint8Array | null;
  };
}

/**
 * A settle batch: `["settle", slot]` with its size and uniform clearing price, if any.
 */
export interface BatchSettledEvent {
  name: "BatchSettled";
  data: {
    slot: bigint;
    trades: number;
    clearing_price: bigint | null;
  };
}

/**
 * A trade with no delivery by the deadline, escrow credited back: `["expired", slot]`.
 */
export interface TradeExpiredEvent {
  name: "TradeExpired";
  data: {
    slot: bigint;
    trade_id: bigint;
    refund: bigint;
  };
}

/**
 * One settled trade: `["trade", slot]`.
 */
export interface TradeSettledEvent {
  name: "TradeSettled";
  data: {
    slot: bigint;
    trade_id: bigint;
    buy: bigint;
    sell: bigint;
    buyer: string;
    seller: string;
    wh: bigint;
    price: bigint;
  };
}

/**
 * An order closed after its slot ended, crediting a bid's unmatched escrow to its owner:
 */
export interface OrderReleasedEvent {
  name: "OrderReleased";
  data: {
    slot: bigint;
    id: bigint;
    refund: bigint;
  };
}

/**
 * New market parameters: `["params"]`.
 */
export interface ParamsChangedEvent {
  name: "ParamsChanged";
  data: {
    params: Params;
  };
}

/**
 * Proven energy beyond the donor's matched trades, minted to the donor: `["surplus", slot]`.
 */
export interface SurplusMintedEvent {
  name: "SurplusMinted";
  data: {
    slot: bigint;
    donor: string;
    wh: bigint;
  };
}

/**
 * A meter's delivery was proven: `["proof", meter, slot]`.
 */
export interface DeliveryProvenEvent {
  name: "DeliveryProven";
  data: {
    meter: Uint8Array;
    slot: bigint;
    donor: string;
    commitment: Uint8Array;
    energy_wh: bigint;
    signature: Uint8Array;
    proof: Uint8Array;
  };
}

/**
 * An order withdrawn by its owner: `["cancel", slot]`.
 */
export interface OrderCancelledEvent {
  name: "OrderCancelled";
  data: {
    slot: bigint;
    id: bigint;
    refund: bigint;
  };
}

/**
 * Delivery settled on one trade: `["delivered", slot]`.
 */
export interface TradeDeliveredEvent {
  name: "TradeDelivered";
  data: {
    slot: bigint;
    trade_id: bigint;
    delivered_wh: bigint;
    /**
     * Credited to the donor, after the fee.
     */
    paid: bigint;
    /**
     * Credited to the trade's fee recipient.
     */
    fee: bigint;
    /**
     * Credited back to the buyer.
     */
    refund: bigint;
  };
}

/**
 * A new standing order: `["order", first slot]`, the fields of `OrderPlaced` and `slots`.
 */
export interface StandingOrderPlacedEvent {
  name: "StandingOrderPlaced";
  data: {
    slot: bigint;
    id: bigint;
    owner: string;
    side: Side;
    /**
     * Energy in each slot.
     */
    wh: bigint;
    price: bigint;
    /**
     * Payment token locked for all its slots (bids) — zero for offers.
     */
    escrow: bigint;
    /**
     * The meter an offer delivers from; `None` for bids.
     */
    meter: Uint8Array | null;
    /**
     * How many consecutive slots from `slot` the order stands for (more than one).
     */
    slots: number;
  };
}

/**
 * The contract's code was replaced: `["upgraded"]`, data the new WASM hash.
 */
export interface UpgradedEvent {
  name: "Upgraded";
  data: {
    wasm_hash: Uint8Array;
  };
}

/**
 * Administration errors beyond OpenZeppelin's (`OwnableError` 2100-2102,
 */
export const AdminError = {
  /**
   * A governed contract keeps its owner.
   */
  2900 : { message: "RenounceRefused" }
}

/**
 * Error Enum: RoleTransferError
 */
export const RoleTransferError = {
  2200 : { message: "NoPendingTransfer" },
  2201 : { message: "InvalidLiveUntilLedger" },
  2202 : { message: "InvalidPendingAccount" },
  2203 : { message: "TransferExpired" }
}

/**
 * Error Enum: OwnableError
 */
export const OwnableError = {
  2100 : { message: "OwnerNotSet" },
  2101 : { message: "TransferInProgress" },
  2102 : { message: "OwnerAlreadySet" }
}

/**
 * Event emitted when an ownership transfer is initiated.
 */
export interface OwnershipTransferEvent {
  name: "OwnershipTransfer";
  data: {
    old_owner?: string;
    new_owner?: string;
    live_until_ledger?: number;
  };
}

/**
 * Event emitted when an ownership transfer is completed.
 */
export interface OwnershipTransferCompletedEvent {
  name: "OwnershipTransferCompleted";
  data: {
    new_owner?: string;
  };
}
    export type ContractEvent = WithdrawnEvent | EscrowSweptEvent | OrderPlacedEvent | BatchSettledEvent | TradeExpiredEvent | TradeSettledEvent | OrderReleasedEvent | ParamsChangedEvent | SurplusMintedEvent | DeliveryProvenEvent | OrderCancelledEvent | TradeDeliveredEvent | StandingOrderPlacedEvent | UpgradedEvent | OwnershipTransferEvent | OwnershipTransferCompletedEvent;
    