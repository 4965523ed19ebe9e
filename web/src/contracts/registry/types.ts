import {Address} from '@stellar/stellar-sdk';

    /**
 * Emitted when a meter is registered or changed (suspended, reactivated, new cap).
 */
export interface MeterChangedEvent {
  name: "MeterChanged";
  data: {
    meter_id: Uint8Array;
    owner: string;
    feeder: number;
    max_wh_per_minute: number;
    active: boolean;
    accepted: boolean;
  };
}

/**
 * Registry errors; codes are stable and documented in docs/contracts.md.
 */
export const RegistryError = {
  /**
   * The address is already a member.
   */
  1 : { message: "MemberExists" },
  /**
   * The address is not a member.
   */
  2 : { message: "UnknownMember" },
  /**
   * A meter with this key is already registered.
   */
  3 : { message: "MeterExists" },
  /**
   * No meter is registered under this key.
   */
  4 : { message: "UnknownMeter" },
  /**
   * A meter's owner must be an active member allowed to sell.
   */
  5 : { message: "OwnerCannotSell" },
  /**
   * `max_wh_per_minute` must be in 1..=65535 (readings are proven below 2^16).
   */
  6 : { message: "InvalidCapacity" },
  /**
   * Meter and owner must hang from the same feeder.
   */
  7 : { message: "FeederMismatch" },
  /**
   * The meter was already accepted by its owner.
   */
  8 : { message: "AlreadyAccepted" },
  /**
   * Only the meter's owner may do this.
   */
  9 : { message: "NotMeterOwner" },
  /**
   * A meter can be reinstated only after its owner accepted it.
   */
  10 : { message: "NotAccepted" }
}

/**
 * Emitted when a member is added or changed (role, feeder, active).
 */
export interface MemberChangedEvent {
  name: "MemberChanged";
  data: {
    addr: string;
    role: Role;
    feeder: number;
    active: boolean;
    since: bigint;
  };
}

/**
 * Emitted when the admin grants the operator role to another address.
 */
export interface OperatorChangedEvent {
  name: "OperatorChanged";
  data: {
    operator: string;
  };
}

/**
 * What a household does in the market.
 */
export enum Role {
  /**
   * Sells surplus energy (has a meter).
   */
  Donor = 1,
  /**
   * Buys energy.
   */
  Receiver = 2,
  /**
   * Both sells and buys.
   */
  Both = 3
}

/**
 * A smart meter bound to a member; its id is its ed25519 public key.
 */
export interface Meter {
  /**
   * The owner signed for the meter (`accept_meter`); until then it cannot deliver.
   */
  accepted: boolean;
  /**
   * Delivering: accepted by its owner and not suspended.
   */
  active: boolean;
  feeder: number;
  /**
   * The meter's physical export rate cap; each reading is proven within it for the
   */
  max_wh_per_minute: number;
  owner: string;
}

/**
 * A community member as the registry records it.
 */
export interface Member {
  /**
   * Suspended members can neither trade, be paid for deliveries, nor vote.
   */
  active: boolean;
  /**
   * The feeder (grid branch) the household hangs from.
   */
  feeder: number;
  role: Role;
  /**
   * When the member was admitted or last reinstated (ledger unix time): governance
   */
  since: bigint;
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
    export type ContractEvent = MeterChangedEvent | MemberChangedEvent | OperatorChangedEvent | UpgradedEvent | OwnershipTransferEvent | OwnershipTransferCompletedEvent;
    