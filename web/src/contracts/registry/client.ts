import {Meter, Member, Role, RegistryError, ContractEvent} from './types.js';
import {Result, Spec, AssembledTransaction, Client as ContractClient, ClientOptions as ContractClientOptions, MethodOptions, ExternalExecutableRef} from '@stellar/stellar-sdk/contract';
import {Address, xdr} from '@stellar/stellar-sdk';

export interface Client {
  /**
   * The meter registered under `meter_id`, if any.
   */
  meter(args: { meter_id: Uint8Array }, options?: MethodOptions): Promise<AssembledTransaction<Meter | null>>;
  /**
   * The member record of `addr`, if any.
   */
  member(args: { addr: string | Address }, options?: MethodOptions): Promise<AssembledTransaction<Member | null>>;
  /**
   * Replaces the code.
   */
  upgrade(args: { new_wasm_hash: Uint8Array; operator: string | Address }, options?: MethodOptions): Promise<AssembledTransaction<void>>;
  /**
   * The address holding the operator role.
   */
  operator(options?: MethodOptions): Promise<AssembledTransaction<string>>;
  /**
   * Returns `Some(Address)` if ownership is set, or `None` if ownership has
   */
  get_owner(options?: MethodOptions): Promise<AssembledTransaction<string | null>>;
  /**
   * Admits a household as an active member.
   */
  add_member(args: { addr: string | Address; role: Role; feeder: number }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, RegistryError>>>;
  /**
   * The meter's owner signs for it: from now on it may deliver.
   */
  accept_meter(args: { meter_id: Uint8Array }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, RegistryError>>>;
  /**
   * The meter's owner withdraws its own meter (e.g.
   */
  retire_meter(args: { meter_id: Uint8Array }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, RegistryError>>>;
  /**
   * Grants the operator role to `operator` (revoking it from the previous holder).
   */
  set_operator(args: { operator: string | Address }, options?: MethodOptions): Promise<AssembledTransaction<void>>;
  /**
   * Changes a member's role or feeder.
   */
  update_member(args: { addr: string | Address; role: Role; feeder: number }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, RegistryError>>>;
  /**
   * Number of active members now.
   */
  active_members(options?: MethodOptions): Promise<AssembledTransaction<number>>;
  /**
   * Proposes a meter (its ed25519 public key) for a member allowed to sell.
   */
  register_meter(args: { meter_id: Uint8Array; owner: string | Address; feeder: number; max_wh_per_minute: number }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, RegistryError>>>;
  /**
   * Accepts a pending ownership transfer.
   */
  accept_ownership(options?: MethodOptions): Promise<AssembledTransaction<void>>;
  /**
   * The household number `addr` was given at admission (`FIRST_HOUSEHOLD_NUMBER` on);
   */
  household_number(args: { addr: string | Address }, options?: MethodOptions): Promise<AssembledTransaction<number | null>>;
  /**
   * Suspends (`false`) or reinstates (`true`) an accepted meter.
   */
  set_meter_active(args: { meter_id: Uint8Array; active: boolean }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, RegistryError>>>;
  /**
   * Number of members active at ledger time `t` (governance's quorum base).
   */
  active_members_at(args: { t: bigint }, options?: MethodOptions): Promise<AssembledTransaction<number>>;
  /**
   * Suspends (`false`) or reinstates (`true`) a member.
   */
  set_member_active(args: { addr: string | Address; active: boolean }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, RegistryError>>>;
  /**
   * Refused (`RenounceRefused`).
   */
  renounce_ownership(options?: MethodOptions): Promise<AssembledTransaction<void>>;
  /**
   * Changes a meter's per-minute export cap (e.g.
   */
  set_meter_capacity(args: { meter_id: Uint8Array; max_wh_per_minute: number }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, RegistryError>>>;
  /**
   * Initiates a 2-step ownership transfer to a new address.
   */
  transfer_ownership(args: { new_owner: string | Address; live_until_ledger: number }, options?: MethodOptions): Promise<AssembledTransaction<void>>;
}

export class Client extends ContractClient {
  constructor(public readonly options: ContractClientOptions) {
    super(
      new Spec(["AAAABQAAAFBFbWl0dGVkIHdoZW4gYSBtZXRlciBpcyByZWdpc3RlcmVkIG9yIGNoYW5nZWQgKHN1c3BlbmRlZCwgcmVhY3RpdmF0ZWQsIG5ldyBjYXApLgAAAAAAAAAMTWV0ZXJDaGFuZ2VkAAAAAQAAAAVtZXRlcgAAAAAAAAYAAAAAAAAACG1ldGVyX2lkAAAD7gAAACAAAAABAAAAAAAAAAVvd25lcgAAAAAAABMAAAAAAAAAAAAAAAZmZWVkZXIAAAAAAAQAAAAAAAAAAAAAABFtYXhfd2hfcGVyX21pbnV0ZQAAAAAAAAQAAAAAAAAAAAAAAAZhY3RpdmUAAAAAAAEAAAAAAAAAAAAAAAhhY2NlcHRlZAAAAAEAAAAAAAAAAQ==", "AAAABAAAAEZSZWdpc3RyeSBlcnJvcnM7IGNvZGVzIGFyZSBzdGFibGUgYW5kIGRvY3VtZW50ZWQgaW4gZG9jcy9jb250cmFjdHMubWQuAAAAAAAAAAAADVJlZ2lzdHJ5RXJyb3IAAAAAAAAKAAAAIFRoZSBhZGRyZXNzIGlzIGFscmVhZHkgYSBtZW1iZXIuAAAADE1lbWJlckV4aXN0cwAAAAEAAAAcVGhlIGFkZHJlc3MgaXMgbm90IGEgbWVtYmVyLgAAAA1Vbmtub3duTWVtYmVyAAAAAAAAAgAAACxBIG1ldGVyIHdpdGggdGhpcyBrZXkgaXMgYWxyZWFkeSByZWdpc3RlcmVkLgAAAAtNZXRlckV4aXN0cwAAAAADAAAAJk5vIG1ldGVyIGlzIHJlZ2lzdGVyZWQgdW5kZXIgdGhpcyBrZXkuAAAAAAAMVW5rbm93bk1ldGVyAAAABAAAADlBIG1ldGVyJ3Mgb3duZXIgbXVzdCBiZSBhbiBhY3RpdmUgbWVtYmVyIGFsbG93ZWQgdG8gc2VsbC4AAAAAAAAPT3duZXJDYW5ub3RTZWxsAAAAAAUAAABKYG1heF93aF9wZXJfbWludXRlYCBtdXN0IGJlIGluIDEuLj02NTUzNSAocmVhZGluZ3MgYXJlIHByb3ZlbiBiZWxvdyAyXjE2KS4AAAAAAA9JbnZhbGlkQ2FwYWNpdHkAAAAABgAAAC9NZXRlciBhbmQgb3duZXIgbXVzdCBoYW5nIGZyb20gdGhlIHNhbWUgZmVlZGVyLgAAAAAORmVlZGVyTWlzbWF0Y2gAAAAAAAcAAAAsVGhlIG1ldGVyIHdhcyBhbHJlYWR5IGFjY2VwdGVkIGJ5IGl0cyBvd25lci4AAAAPQWxyZWFkeUFjY2VwdGVkAAAAAAgAAAAjT25seSB0aGUgbWV0ZXIncyBvd25lciBtYXkgZG8gdGhpcy4AAAAADU5vdE1ldGVyT3duZXIAAAAAAAAJAAAAO0EgbWV0ZXIgY2FuIGJlIHJlaW5zdGF0ZWQgb25seSBhZnRlciBpdHMgb3duZXIgYWNjZXB0ZWQgaXQuAAAAAAtOb3RBY2NlcHRlZAAAAAAK", "AAAABQAAAEFFbWl0dGVkIHdoZW4gYSBtZW1iZXIgaXMgYWRkZWQgb3IgY2hhbmdlZCAocm9sZSwgZmVlZGVyLCBhY3RpdmUpLgAAAAAAAAAAAAANTWVtYmVyQ2hhbmdlZAAAAAAAAAEAAAAGbWVtYmVyAAAAAAAFAAAAAAAAAARhZGRyAAAAEwAAAAEAAAAAAAAABHJvbGUAAAfQAAAABFJvbGUAAAAAAAAAAAAAAAZmZWVkZXIAAAAAAAQAAAAAAAAAAAAAAAZhY3RpdmUAAAAAAAEAAAAAAAAAAAAAAAVzaW5jZQAAAAAAAAYAAAAAAAAAAQ==", "AAAABQAAAENFbWl0dGVkIHdoZW4gdGhlIGFkbWluIGdyYW50cyB0aGUgb3BlcmF0b3Igcm9sZSB0byBhbm90aGVyIGFkZHJlc3MuAAAAAAAAAAAPT3BlcmF0b3JDaGFuZ2VkAAAAAAEAAAAIb3BlcmF0b3IAAAABAAAAAAAAAAhvcGVyYXRvcgAAABMAAAAAAAAAAA==", "AAAAAAAAAC5UaGUgbWV0ZXIgcmVnaXN0ZXJlZCB1bmRlciBgbWV0ZXJfaWRgLCBpZiBhbnkuAAAAAAAFbWV0ZXIAAAAAAAABAAAAAAAAAAhtZXRlcl9pZAAAA+4AAAAgAAAAAQAAA+gAAAfQAAAABU1ldGVyAAAA", "AAAAAAAAACRUaGUgbWVtYmVyIHJlY29yZCBvZiBgYWRkcmAsIGlmIGFueS4AAAAGbWVtYmVyAAAAAAABAAAAAAAAAARhZGRyAAAAEwAAAAEAAAPoAAAH0AAAAAZNZW1iZXIAAA==", "AAAAAAAAABJSZXBsYWNlcyB0aGUgY29kZS4AAAAAAAd1cGdyYWRlAAAAAAIAAAAAAAAADW5ld193YXNtX2hhc2gAAAAAAAPuAAAAIAAAAAAAAAAIb3BlcmF0b3IAAAATAAAAAA==", "AAAAAAAAACZUaGUgYWRkcmVzcyBob2xkaW5nIHRoZSBvcGVyYXRvciByb2xlLgAAAAAACG9wZXJhdG9yAAAAAAAAAAEAAAAT", "AAAAAAAAAEdSZXR1cm5zIGBTb21lKEFkZHJlc3MpYCBpZiBvd25lcnNoaXAgaXMgc2V0LCBvciBgTm9uZWAgaWYgb3duZXJzaGlwIGhhcwAAAAAJZ2V0X293bmVyAAAAAAAAAAAAAAEAAAPoAAAAEw==", "AAAAAAAAACdBZG1pdHMgYSBob3VzZWhvbGQgYXMgYW4gYWN0aXZlIG1lbWJlci4AAAAACmFkZF9tZW1iZXIAAAAAAAMAAAAAAAAABGFkZHIAAAATAAAAAAAAAARyb2xlAAAH0AAAAARSb2xlAAAAAAAAAAZmZWVkZXIAAAAAAAQAAAABAAAD6QAAAAIAAAfQAAAADVJlZ2lzdHJ5RXJyb3IAAAA=", "AAAAAAAAADtUaGUgbWV0ZXIncyBvd25lciBzaWducyBmb3IgaXQ6IGZyb20gbm93IG9uIGl0IG1heSBkZWxpdmVyLgAAAAAMYWNjZXB0X21ldGVyAAAAAQAAAAAAAAAIbWV0ZXJfaWQAAAPuAAAAIAAAAAEAAAPpAAAAAgAAB9AAAAANUmVnaXN0cnlFcnJvcgAAAA==", "AAAAAAAAAC9UaGUgbWV0ZXIncyBvd25lciB3aXRoZHJhd3MgaXRzIG93biBtZXRlciAoZS5nLgAAAAAMcmV0aXJlX21ldGVyAAAAAQAAAAAAAAAIbWV0ZXJfaWQAAAPuAAAAIAAAAAEAAAPpAAAAAgAAB9AAAAANUmVnaXN0cnlFcnJvcgAAAA==", "AAAAAAAAAE5HcmFudHMgdGhlIG9wZXJhdG9yIHJvbGUgdG8gYG9wZXJhdG9yYCAocmV2b2tpbmcgaXQgZnJvbSB0aGUgcHJldmlvdXMgaG9sZGVyKS4AAAAAAAxzZXRfb3BlcmF0b3IAAAABAAAAAAAAAAhvcGVyYXRvcgAAABMAAAAA", "AAAAAAAAAFFEZXBsb3lzIHRoZSByZWdpc3RyeSB3aXRoIGl0cyBhZG1pbiAodGhlIGNvbW11bml0eSdzIGdvdmVybmFuY2UpIGFuZCB0aGUgb3BlcmF0b3IAAAAAAAANX19jb25zdHJ1Y3RvcgAAAAAAAAIAAAAAAAAABWFkbWluAAAAAAAAEwAAAAAAAAAIb3BlcmF0b3IAAAATAAAAAA==", "AAAAAAAAACJDaGFuZ2VzIGEgbWVtYmVyJ3Mgcm9sZSBvciBmZWVkZXIuAAAAAAANdXBkYXRlX21lbWJlcgAAAAAAAAMAAAAAAAAABGFkZHIAAAATAAAAAAAAAARyb2xlAAAH0AAAAARSb2xlAAAAAAAAAAZmZWVkZXIAAAAAAAQAAAABAAAD6QAAAAIAAAfQAAAADVJlZ2lzdHJ5RXJyb3IAAAA=", "AAAAAAAAAB1OdW1iZXIgb2YgYWN0aXZlIG1lbWJlcnMgbm93LgAAAAAAAA5hY3RpdmVfbWVtYmVycwAAAAAAAAAAAAEAAAAE", "AAAAAAAAAEdQcm9wb3NlcyBhIG1ldGVyIChpdHMgZWQyNTUxOSBwdWJsaWMga2V5KSBmb3IgYSBtZW1iZXIgYWxsb3dlZCB0byBzZWxsLgAAAAAOcmVnaXN0ZXJfbWV0ZXIAAAAAAAQAAAAAAAAACG1ldGVyX2lkAAAD7gAAACAAAAAAAAAABW93bmVyAAAAAAAAEwAAAAAAAAAGZmVlZGVyAAAAAAAEAAAAAAAAABFtYXhfd2hfcGVyX21pbnV0ZQAAAAAAAAQAAAABAAAD6QAAAAIAAAfQAAAADVJlZ2lzdHJ5RXJyb3IAAAA=", "AAAAAAAAACVBY2NlcHRzIGEgcGVuZGluZyBvd25lcnNoaXAgdHJhbnNmZXIuAAAAAAAAEGFjY2VwdF9vd25lcnNoaXAAAAAAAAAAAA==", "AAAAAAAAAFFUaGUgaG91c2Vob2xkIG51bWJlciBgYWRkcmAgd2FzIGdpdmVuIGF0IGFkbWlzc2lvbiAoYEZJUlNUX0hPVVNFSE9MRF9OVU1CRVJgIG9uKTsAAAAAAAAQaG91c2Vob2xkX251bWJlcgAAAAEAAAAAAAAABGFkZHIAAAATAAAAAQAAA+gAAAAE", "AAAAAAAAADxTdXNwZW5kcyAoYGZhbHNlYCkgb3IgcmVpbnN0YXRlcyAoYHRydWVgKSBhbiBhY2NlcHRlZCBtZXRlci4AAAAQc2V0X21ldGVyX2FjdGl2ZQAAAAIAAAAAAAAACG1ldGVyX2lkAAAD7gAAACAAAAAAAAAABmFjdGl2ZQAAAAAAAQAAAAEAAAPpAAAAAgAAB9AAAAANUmVnaXN0cnlFcnJvcgAAAA==", "AAAAAAAAAEdOdW1iZXIgb2YgbWVtYmVycyBhY3RpdmUgYXQgbGVkZ2VyIHRpbWUgYHRgIChnb3Zlcm5hbmNlJ3MgcXVvcnVtIGJhc2UpLgAAAAARYWN0aXZlX21lbWJlcnNfYXQAAAAAAAABAAAAAAAAAAF0AAAAAAAABgAAAAEAAAAE", "AAAAAAAAADNTdXNwZW5kcyAoYGZhbHNlYCkgb3IgcmVpbnN0YXRlcyAoYHRydWVgKSBhIG1lbWJlci4AAAAAEXNldF9tZW1iZXJfYWN0aXZlAAAAAAAAAgAAAAAAAAAEYWRkcgAAABMAAAAAAAAABmFjdGl2ZQAAAAAAAQAAAAEAAAPpAAAAAgAAB9AAAAANUmVnaXN0cnlFcnJvcgAAAA==", "AAAAAAAAABxSZWZ1c2VkIChgUmVub3VuY2VSZWZ1c2VkYCkuAAAAEnJlbm91bmNlX293bmVyc2hpcAAAAAAAAAAAAAA=", "AAAAAAAAAC1DaGFuZ2VzIGEgbWV0ZXIncyBwZXItbWludXRlIGV4cG9ydCBjYXAgKGUuZy4AAAAAAAASc2V0X21ldGVyX2NhcGFjaXR5AAAAAAACAAAAAAAAAAhtZXRlcl9pZAAAA+4AAAAgAAAAAAAAABFtYXhfd2hfcGVyX21pbnV0ZQAAAAAAAAQAAAABAAAD6QAAAAIAAAfQAAAADVJlZ2lzdHJ5RXJyb3IAAAA=", "AAAAAAAAADdJbml0aWF0ZXMgYSAyLXN0ZXAgb3duZXJzaGlwIHRyYW5zZmVyIHRvIGEgbmV3IGFkZHJlc3MuAAAAABJ0cmFuc2Zlcl9vd25lcnNoaXAAAAAAAAIAAAAAAAAACW5ld19vd25lcgAAAAAAABMAAAAAAAAAEWxpdmVfdW50aWxfbGVkZ2VyAAAAAAAABAAAAAA=", "AAAAAwAAACRXaGF0IGEgaG91c2Vob2xkIGRvZXMgaW4gdGhlIG1hcmtldC4AAAAAAAAABFJvbGUAAAADAAAAI1NlbGxzIHN1cnBsdXMgZW5lcmd5IChoYXMgYSBtZXRlcikuAAAAAAVEb25vcgAAAAAAAAEAAAAMQnV5cyBlbmVyZ3kuAAAACFJlY2VpdmVyAAAAAgAAABRCb3RoIHNlbGxzIGFuZCBidXlzLgAAAARCb3RoAAAAAw==", "AAAAAQAAAEJBIHNtYXJ0IG1ldGVyIGJvdW5kIHRvIGEgbWVtYmVyOyBpdHMgaWQgaXMgaXRzIGVkMjU1MTkgcHVibGljIGtleS4AAAAAAAAAAAAFTWV0ZXIAAAAAAAAFAAAATlRoZSBvd25lciBzaWduZWQgZm9yIHRoZSBtZXRlciAoYGFjY2VwdF9tZXRlcmApOyB1bnRpbCB0aGVuIGl0IGNhbm5vdCBkZWxpdmVyLgAAAAAACGFjY2VwdGVkAAAAAQAAADREZWxpdmVyaW5nOiBhY2NlcHRlZCBieSBpdHMgb3duZXIgYW5kIG5vdCBzdXNwZW5kZWQuAAAABmFjdGl2ZQAAAAAAAQAAAAAAAAAGZmVlZGVyAAAAAAAEAAAATlRoZSBtZXRlcidzIHBoeXNpY2FsIGV4cG9ydCByYXRlIGNhcDsgZWFjaCByZWFkaW5nIGlzIHByb3ZlbiB3aXRoaW4gaXQgZm9yIHRoZQAAAAAAEW1heF93aF9wZXJfbWludXRlAAAAAAAABAAAAAAAAAAFb3duZXIAAAAAAAAT", "AAAAAQAAAC5BIGNvbW11bml0eSBtZW1iZXIgYXMgdGhlIHJlZ2lzdHJ5IHJlY29yZHMgaXQuAAAAAAAAAAAABk1lbWJlcgAAAAAABAAAAEZTdXNwZW5kZWQgbWVtYmVycyBjYW4gbmVpdGhlciB0cmFkZSwgYmUgcGFpZCBmb3IgZGVsaXZlcmllcywgbm9yIHZvdGUuAAAAAAAGYWN0aXZlAAAAAAABAAAAMlRoZSBmZWVkZXIgKGdyaWQgYnJhbmNoKSB0aGUgaG91c2Vob2xkIGhhbmdzIGZyb20uAAAAAAAGZmVlZGVyAAAAAAAEAAAAAAAAAARyb2xlAAAH0AAAAARSb2xlAAAATldoZW4gdGhlIG1lbWJlciB3YXMgYWRtaXR0ZWQgb3IgbGFzdCByZWluc3RhdGVkIChsZWRnZXIgdW5peCB0aW1lKTogZ292ZXJuYW5jZQAAAAAABXNpbmNlAAAAAAAABg==", "AAAABQAAAElUaGUgY29udHJhY3QncyBjb2RlIHdhcyByZXBsYWNlZDogYFsidXBncmFkZWQiXWAsIGRhdGEgdGhlIG5ldyBXQVNNIGhhc2guAAAAAAAAAAAAAAhVcGdyYWRlZAAAAAEAAAAIdXBncmFkZWQAAAABAAAAAAAAAAl3YXNtX2hhc2gAAAAAAAPuAAAAIAAAAAAAAAAA", "AAAABAAAAEZBZG1pbmlzdHJhdGlvbiBlcnJvcnMgYmV5b25kIE9wZW5aZXBwZWxpbidzIChgT3duYWJsZUVycm9yYCAyMTAwLTIxMDIsAAAAAAAAAAAACkFkbWluRXJyb3IAAAAAAAEAAAAkQSBnb3Zlcm5lZCBjb250cmFjdCBrZWVwcyBpdHMgb3duZXIuAAAAD1Jlbm91bmNlUmVmdXNlZAAAAAtU", "AAAABAAAAAAAAAAAAAAAEVJvbGVUcmFuc2ZlckVycm9yAAAAAAAABAAAAAAAAAARTm9QZW5kaW5nVHJhbnNmZXIAAAAAAAiYAAAAAAAAABZJbnZhbGlkTGl2ZVVudGlsTGVkZ2VyAAAAAAiZAAAAAAAAABVJbnZhbGlkUGVuZGluZ0FjY291bnQAAAAAAAiaAAAAAAAAAA9UcmFuc2ZlckV4cGlyZWQAAAAImw==", "AAAABAAAAAAAAAAAAAAADE93bmFibGVFcnJvcgAAAAMAAAAAAAAAC093bmVyTm90U2V0AAAACDQAAAAAAAAAElRyYW5zZmVySW5Qcm9ncmVzcwAAAAAINQAAAAAAAAAPT3duZXJBbHJlYWR5U2V0AAAACDY=", "AAAABQAAADZFdmVudCBlbWl0dGVkIHdoZW4gYW4gb3duZXJzaGlwIHRyYW5zZmVyIGlzIGluaXRpYXRlZC4AAAAAAAAAAAART3duZXJzaGlwVHJhbnNmZXIAAAAAAAABAAAAEm93bmVyc2hpcF90cmFuc2ZlcgAAAAAAAwAAAAAAAAAJb2xkX293bmVyAAAAAAAAEwAAAAAAAAAAAAAACW5ld19vd25lcgAAAAAAABMAAAAAAAAAAAAAABFsaXZlX3VudGlsX2xlZGdlcgAAAAAAAAQAAAAAAAAAAg==", "AAAABQAAADZFdmVudCBlbWl0dGVkIHdoZW4gYW4gb3duZXJzaGlwIHRyYW5zZmVyIGlzIGNvbXBsZXRlZC4AAAAAAAAAAAAaT3duZXJzaGlwVHJhbnNmZXJDb21wbGV0ZWQAAAAAAAEAAAAcb3duZXJzaGlwX3RyYW5zZmVyX2NvbXBsZXRlZAAAAAEAAAAAAAAACW5ld19vd25lcgAAAAAAABMAAAAAAAAAAg=="]),
      options
    );
  }

   static deploy<T = Client>(args: { admin: string | Address; operator: string | Address }, options: MethodOptions & Omit<ContractClientOptions, 'contractId'> & { salt?: Uint8Array; address?: string; } & ({ wasmHash: Uint8Array | string; format?: "hex" | "base64"; externalRef?: never; } | { externalRef: ExternalExecutableRef; wasmHash?: never; format?: never; })): Promise<AssembledTransaction<T>> {
    return ContractClient.deploy(args, options);
  }
  public readonly fromJson = {
    meter : this.txFromJson<Meter | null>,  member : this.txFromJson<Member | null>,  upgrade : this.txFromJson<void>,  operator : this.txFromJson<string>,  get_owner : this.txFromJson<string | null>,  add_member : this.txFromJson<Result<null, RegistryError>>,  accept_meter : this.txFromJson<Result<null, RegistryError>>,  retire_meter : this.txFromJson<Result<null, RegistryError>>,  set_operator : this.txFromJson<void>,  update_member : this.txFromJson<Result<null, RegistryError>>,  active_members : this.txFromJson<number>,  register_meter : this.txFromJson<Result<null, RegistryError>>,  accept_ownership : this.txFromJson<void>,  household_number : this.txFromJson<number | null>,  set_meter_active : this.txFromJson<Result<null, RegistryError>>,  active_members_at : this.txFromJson<number>,  set_member_active : this.txFromJson<Result<null, RegistryError>>,  renounce_ownership : this.txFromJson<void>,  set_meter_capacity : this.txFromJson<Result<null, RegistryError>>,  transfer_ownership : this.txFromJson<void>
  };

  /** @deprecated Use fromJson instead. */
  public readonly fromJSON = this.fromJson;

  /**
   * Parse a raw contract event (topics + data) into a typed {@link ContractEvent}.
   */
  parseEvent(topics: xdr.ScVal[] | string[], data: xdr.ScVal | string): ContractEvent | undefined {
    return this.spec.parseEvent(topics, data) as ContractEvent | undefined;
  }
  /**
   * Build a topics filter row for the "MeterChanged" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  meterChangedEventFilter(topicValues?: { meter_id?: Uint8Array }): string[] {
    return this.spec.eventTopicFilter("MeterChanged", topicValues);
  }
  /**
   * Build a topics filter row for the "MemberChanged" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  memberChangedEventFilter(topicValues?: { addr?: string | Address }): string[] {
    return this.spec.eventTopicFilter("MemberChanged", topicValues);
  }
  /**
   * Build a topics filter row for the "OperatorChanged" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  operatorChangedEventFilter(): string[] {
    return this.spec.eventTopicFilter("OperatorChanged");
  }
  /**
   * Build a topics filter row for the "Upgraded" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  upgradedEventFilter(): string[] {
    return this.spec.eventTopicFilter("Upgraded");
  }
  /**
   * Build a topics filter row for the "OwnershipTransfer" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  ownershipTransferEventFilter(): string[] {
    return this.spec.eventTopicFilter("OwnershipTransfer");
  }
  /**
   * Build a topics filter row for the "OwnershipTransferCompleted" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  ownershipTransferCompletedEventFilter(): string[] {
    return this.spec.eventTopicFilter("OwnershipTransferCompleted");
  }
}