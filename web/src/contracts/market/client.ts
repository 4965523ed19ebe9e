import {MarketError, Order, Trade, Params, TradeIn, Totals, Account, ContractEvent} from './types.js';
import {Result, Spec, AssembledTransaction, Client as ContractClient, ClientOptions as ContractClientOptions, MethodOptions, ExternalExecutableRef} from '@stellar/stellar-sdk/contract';
import {Address, xdr} from '@stellar/stellar-sdk';

export interface Client {
  /**
   * A receiver bids for `wh` Wh in `slot` at no more than `max_price` per Wh, locking
   */
  bid(args: { receiver: string | Address; slot: bigint; wh: bigint; max_price: bigint }, options?: MethodOptions): Promise<AssembledTransaction<Result<bigint, MarketError>>>;
  /**
   * A donor offers `wh` Wh from its `meter` in `slot` at no less than `min_price` per Wh.
   */
  offer(args: { donor: string | Address; meter: Uint8Array; slot: bigint; wh: bigint; min_price: bigint }, options?: MethodOptions): Promise<AssembledTransaction<Result<bigint, MarketError>>>;
  /**
   * An order by id.
   */
  order(args: { order_id: bigint }, options?: MethodOptions): Promise<AssembledTransaction<Order | null>>;
  /**
   * A trade by id.
   */
  trade(args: { trade_id: bigint }, options?: MethodOptions): Promise<AssembledTransaction<Trade | null>>;
  /**
   * The owner withdraws an order before its (first) slot's gate closes; a bid's escrow
   */
  cancel(args: { owner: string | Address; order_id: bigint }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, MarketError>>>;
  /**
   * The payment-token credit `owner` has been credited and not withdrawn (`withdraw`
   */
  credit(args: { owner: string | Address }, options?: MethodOptions): Promise<AssembledTransaction<bigint>>;
  /**
   * This market's domain: what its meters sign and its proofs bind (`docs/formats.md`).
   */
  domain(options?: MethodOptions): Promise<AssembledTransaction<Uint8Array>>;
  /**
   * The market parameters.
   */
  params(options?: MethodOptions): Promise<AssembledTransaction<Params>>;
  /**
   * The operator settles a batch of trades for `slot` after its gate closed and before it
   */
  settle(args: { slot: bigint; trades: Array<TradeIn>; clearing_price: bigint | null }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, MarketError>>>;
  /**
   * Payment-token totals: escrow held = locked - paid - refunded.
   */
  totals(options?: MethodOptions): Promise<AssembledTransaction<Totals>>;
  /**
   * `owner`'s account: credit, escrow in flight and its deadlines.
   */
  account(args: { owner: string | Address }, options?: MethodOptions): Promise<AssembledTransaction<Account>>;
  /**
   * A meter's proven delivery for `slot` settles the trades of that meter's offers
   */
  deliver(args: { meter: Uint8Array; slot: bigint; commitment: Uint8Array; energy_wh: bigint; signature: Uint8Array; proof: Uint8Array }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, MarketError>>>;
  /**
   * After its (last) slot ended, anyone closes an open order; a bid's unmatched escrow
   */
  release(args: { order_id: bigint }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, MarketError>>>;
  /**
   * Replaces the code.
   */
  upgrade(args: { new_wasm_hash: Uint8Array; operator: string | Address }, options?: MethodOptions): Promise<AssembledTransaction<void>>;
  /**
   * A household withdraws its whole credit of the payment token (what deliveries,
   */
  withdraw(args: { owner: string | Address }, options?: MethodOptions): Promise<AssembledTransaction<Result<bigint, MarketError>>>;
  /**
   * A standing bid: up to `wh` Wh in each of `slots` consecutive slots from
   */
  bid_slots(args: { receiver: string | Address; first_slot: bigint; slots: number; wh: bigint; max_price: bigint }, options?: MethodOptions): Promise<AssembledTransaction<Result<bigint, MarketError>>>;
  /**
   * True once `meter` delivered for `slot`.
   */
  delivered(args: { meter: Uint8Array; slot: bigint }, options?: MethodOptions): Promise<AssembledTransaction<boolean>>;
  /**
   * Returns `Some(Address)` if ownership is set, or `None` if ownership has
   */
  get_owner(options?: MethodOptions): Promise<AssembledTransaction<string | null>>;
  /**
   * Replaces the parameters (a governance decision).
   */
  set_params(args: { params: Params }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, MarketError>>>;
  /**
   * The uniform clearing price of `slot`, once set.
   */
  slot_price(args: { slot: bigint }, options?: MethodOptions): Promise<AssembledTransaction<bigint | null>>;
  /**
   * A standing offer: up to `wh` Wh from `meter` in each of `slots` consecutive slots
   */
  offer_slots(args: { donor: string | Address; meter: Uint8Array; first_slot: bigint; slots: number; wh: bigint; min_price: bigint }, options?: MethodOptions): Promise<AssembledTransaction<Result<bigint, MarketError>>>;
  /**
   * The trade ids of `meter`'s offers in `slot`.
   */
  meter_trades(args: { meter: Uint8Array; slot: bigint }, options?: MethodOptions): Promise<AssembledTransaction<Array<bigint>>>;
  /**
   * After the trade's delivery deadline, anyone credits a never-delivered trade's escrow
   */
  refund_expired(args: { trade_id: bigint }, options?: MethodOptions): Promise<AssembledTransaction<Result<null, MarketError>>>;
  /**
   * Accepts a pending ownership transfer.
   */
  accept_ownership(options?: MethodOptions): Promise<AssembledTransaction<void>>;
  /**
   * Refused (`RenounceRefused`).
   */
  renounce_ownership(options?: MethodOptions): Promise<AssembledTransaction<void>>;
  /**
   * Initiates a 2-step ownership transfer to a new address.
   */
  transfer_ownership(args: { new_owner: string | Address; live_until_ledger: number }, options?: MethodOptions): Promise<AssembledTransaction<void>>;
}

export class Client extends ContractClient {
  constructor(public readonly options: ContractClientOptions) {
    super(
      new Spec(["AAAAAAAAAFFBIHJlY2VpdmVyIGJpZHMgZm9yIGB3aGAgV2ggaW4gYHNsb3RgIGF0IG5vIG1vcmUgdGhhbiBgbWF4X3ByaWNlYCBwZXIgV2gsIGxvY2tpbmcAAAAAAAADYmlkAAAAAAQAAAAAAAAACHJlY2VpdmVyAAAAEwAAAAAAAAAEc2xvdAAAAAYAAAAAAAAAAndoAAAAAAALAAAAAAAAAAltYXhfcHJpY2UAAAAAAAALAAAAAQAAA+kAAAAGAAAH0AAAAAtNYXJrZXRFcnJvcgA=", "AAAAAAAAAFVBIGRvbm9yIG9mZmVycyBgd2hgIFdoIGZyb20gaXRzIGBtZXRlcmAgaW4gYHNsb3RgIGF0IG5vIGxlc3MgdGhhbiBgbWluX3ByaWNlYCBwZXIgV2guAAAAAAAABW9mZmVyAAAAAAAABQAAAAAAAAAFZG9ub3IAAAAAAAATAAAAAAAAAAVtZXRlcgAAAAAAA+4AAAAgAAAAAAAAAARzbG90AAAABgAAAAAAAAACd2gAAAAAAAsAAAAAAAAACW1pbl9wcmljZQAAAAAAAAsAAAABAAAD6QAAAAYAAAfQAAAAC01hcmtldEVycm9yAA==", "AAAAAAAAAA9BbiBvcmRlciBieSBpZC4AAAAABW9yZGVyAAAAAAAAAQAAAAAAAAAIb3JkZXJfaWQAAAAGAAAAAQAAA+gAAAfQAAAABU9yZGVyAAAA", "AAAAAAAAAA5BIHRyYWRlIGJ5IGlkLgAAAAAABXRyYWRlAAAAAAAAAQAAAAAAAAAIdHJhZGVfaWQAAAAGAAAAAQAAA+gAAAfQAAAABVRyYWRlAAAA", "AAAAAAAAAFJUaGUgb3duZXIgd2l0aGRyYXdzIGFuIG9yZGVyIGJlZm9yZSBpdHMgKGZpcnN0KSBzbG90J3MgZ2F0ZSBjbG9zZXM7IGEgYmlkJ3MgZXNjcm93AAAAAAAGY2FuY2VsAAAAAAACAAAAAAAAAAVvd25lcgAAAAAAABMAAAAAAAAACG9yZGVyX2lkAAAABgAAAAEAAAPpAAAAAgAAB9AAAAALTWFya2V0RXJyb3IA", "AAAAAAAAAFBUaGUgcGF5bWVudC10b2tlbiBjcmVkaXQgYG93bmVyYCBoYXMgYmVlbiBjcmVkaXRlZCBhbmQgbm90IHdpdGhkcmF3biAoYHdpdGhkcmF3YAAAAAZjcmVkaXQAAAAAAAEAAAAAAAAABW93bmVyAAAAAAAAEwAAAAEAAAAL", "AAAAAAAAAFNUaGlzIG1hcmtldCdzIGRvbWFpbjogd2hhdCBpdHMgbWV0ZXJzIHNpZ24gYW5kIGl0cyBwcm9vZnMgYmluZCAoYGRvY3MvZm9ybWF0cy5tZGApLgAAAAAGZG9tYWluAAAAAAAAAAAAAQAAA+4AAAAg", "AAAAAAAAABZUaGUgbWFya2V0IHBhcmFtZXRlcnMuAAAAAAAGcGFyYW1zAAAAAAAAAAAAAQAAB9AAAAAGUGFyYW1zAAA=", "AAAAAAAAAFVUaGUgb3BlcmF0b3Igc2V0dGxlcyBhIGJhdGNoIG9mIHRyYWRlcyBmb3IgYHNsb3RgIGFmdGVyIGl0cyBnYXRlIGNsb3NlZCBhbmQgYmVmb3JlIGl0AAAAAAAABnNldHRsZQAAAAAAAwAAAAAAAAAEc2xvdAAAAAYAAAAAAAAABnRyYWRlcwAAAAAD6gAAB9AAAAAHVHJhZGVJbgAAAAAAAAAADmNsZWFyaW5nX3ByaWNlAAAAAAPoAAAACwAAAAEAAAPpAAAAAgAAB9AAAAALTWFya2V0RXJyb3IA", "AAAAAAAAAD1QYXltZW50LXRva2VuIHRvdGFsczogZXNjcm93IGhlbGQgPSBsb2NrZWQgLSBwYWlkIC0gcmVmdW5kZWQuAAAAAAAABnRvdGFscwAAAAAAAAAAAAEAAAfQAAAABlRvdGFscwAA", "AAAAAAAAAD5gb3duZXJgJ3MgYWNjb3VudDogY3JlZGl0LCBlc2Nyb3cgaW4gZmxpZ2h0IGFuZCBpdHMgZGVhZGxpbmVzLgAAAAAAB2FjY291bnQAAAAAAQAAAAAAAAAFb3duZXIAAAAAAAATAAAAAQAAB9AAAAAHQWNjb3VudAA=", "AAAAAAAAAE5BIG1ldGVyJ3MgcHJvdmVuIGRlbGl2ZXJ5IGZvciBgc2xvdGAgc2V0dGxlcyB0aGUgdHJhZGVzIG9mIHRoYXQgbWV0ZXIncyBvZmZlcnMAAAAAAAdkZWxpdmVyAAAAAAYAAAAAAAAABW1ldGVyAAAAAAAD7gAAACAAAAAAAAAABHNsb3QAAAAGAAAAAAAAAApjb21taXRtZW50AAAAAAPuAAAAIAAAAAAAAAAJZW5lcmd5X3doAAAAAAAABgAAAAAAAAAJc2lnbmF0dXJlAAAAAAAD7gAAAEAAAAAAAAAABXByb29mAAAAAAAADgAAAAEAAAPpAAAAAgAAB9AAAAALTWFya2V0RXJyb3IA", "AAAAAAAAAFJBZnRlciBpdHMgKGxhc3QpIHNsb3QgZW5kZWQsIGFueW9uZSBjbG9zZXMgYW4gb3BlbiBvcmRlcjsgYSBiaWQncyB1bm1hdGNoZWQgZXNjcm93AAAAAAAHcmVsZWFzZQAAAAABAAAAAAAAAAhvcmRlcl9pZAAAAAYAAAABAAAD6QAAAAIAAAfQAAAAC01hcmtldEVycm9yAA==", "AAAAAAAAABJSZXBsYWNlcyB0aGUgY29kZS4AAAAAAAd1cGdyYWRlAAAAAAIAAAAAAAAADW5ld193YXNtX2hhc2gAAAAAAAPuAAAAIAAAAAAAAAAIb3BlcmF0b3IAAAATAAAAAA==", "AAAAAAAAAE1BIGhvdXNlaG9sZCB3aXRoZHJhd3MgaXRzIHdob2xlIGNyZWRpdCBvZiB0aGUgcGF5bWVudCB0b2tlbiAod2hhdCBkZWxpdmVyaWVzLAAAAAAAAAh3aXRoZHJhdwAAAAEAAAAAAAAABW93bmVyAAAAAAAAEwAAAAEAAAPpAAAACwAAB9AAAAALTWFya2V0RXJyb3IA", "AAAAAAAAAEdBIHN0YW5kaW5nIGJpZDogdXAgdG8gYHdoYCBXaCBpbiBlYWNoIG9mIGBzbG90c2AgY29uc2VjdXRpdmUgc2xvdHMgZnJvbQAAAAAJYmlkX3Nsb3RzAAAAAAAABQAAAAAAAAAIcmVjZWl2ZXIAAAATAAAAAAAAAApmaXJzdF9zbG90AAAAAAAGAAAAAAAAAAVzbG90cwAAAAAAAAQAAAAAAAAAAndoAAAAAAALAAAAAAAAAAltYXhfcHJpY2UAAAAAAAALAAAAAQAAA+kAAAAGAAAH0AAAAAtNYXJrZXRFcnJvcgA=", "AAAAAAAAACdUcnVlIG9uY2UgYG1ldGVyYCBkZWxpdmVyZWQgZm9yIGBzbG90YC4AAAAACWRlbGl2ZXJlZAAAAAAAAAIAAAAAAAAABW1ldGVyAAAAAAAD7gAAACAAAAAAAAAABHNsb3QAAAAGAAAAAQAAAAE=", "AAAAAAAAAEdSZXR1cm5zIGBTb21lKEFkZHJlc3MpYCBpZiBvd25lcnNoaXAgaXMgc2V0LCBvciBgTm9uZWAgaWYgb3duZXJzaGlwIGhhcwAAAAAJZ2V0X293bmVyAAAAAAAAAAAAAAEAAAPoAAAAEw==", "AAAAAAAAADBSZXBsYWNlcyB0aGUgcGFyYW1ldGVycyAoYSBnb3Zlcm5hbmNlIGRlY2lzaW9uKS4AAAAKc2V0X3BhcmFtcwAAAAAAAQAAAAAAAAAGcGFyYW1zAAAAAAfQAAAABlBhcmFtcwAAAAAAAQAAA+kAAAACAAAH0AAAAAtNYXJrZXRFcnJvcgA=", "AAAAAAAAAC9UaGUgdW5pZm9ybSBjbGVhcmluZyBwcmljZSBvZiBgc2xvdGAsIG9uY2Ugc2V0LgAAAAAKc2xvdF9wcmljZQAAAAAAAQAAAAAAAAAEc2xvdAAAAAYAAAABAAAD6AAAAAs=", "AAAAAAAAAFFBIHN0YW5kaW5nIG9mZmVyOiB1cCB0byBgd2hgIFdoIGZyb20gYG1ldGVyYCBpbiBlYWNoIG9mIGBzbG90c2AgY29uc2VjdXRpdmUgc2xvdHMAAAAAAAALb2ZmZXJfc2xvdHMAAAAABgAAAAAAAAAFZG9ub3IAAAAAAAATAAAAAAAAAAVtZXRlcgAAAAAAA+4AAAAgAAAAAAAAAApmaXJzdF9zbG90AAAAAAAGAAAAAAAAAAVzbG90cwAAAAAAAAQAAAAAAAAAAndoAAAAAAALAAAAAAAAAAltaW5fcHJpY2UAAAAAAAALAAAAAQAAA+kAAAAGAAAH0AAAAAtNYXJrZXRFcnJvcgA=", "AAAAAAAAACxUaGUgdHJhZGUgaWRzIG9mIGBtZXRlcmAncyBvZmZlcnMgaW4gYHNsb3RgLgAAAAxtZXRlcl90cmFkZXMAAAACAAAAAAAAAAVtZXRlcgAAAAAAA+4AAAAgAAAAAAAAAARzbG90AAAABgAAAAEAAAPqAAAABg==", "AAAAAAAAAExEZXBsb3lzIHRoZSBtYXJrZXQgd2l0aCBpdHMgZmlyc3QgYWRtaW4gKGJvb3RzdHJhcCBkZXBsb3llcikgYW5kIHBhcmFtZXRlcnMuAAAADV9fY29uc3RydWN0b3IAAAAAAAACAAAAAAAAAAVhZG1pbgAAAAAAABMAAAAAAAAABnBhcmFtcwAAAAAH0AAAAAZQYXJhbXMAAAAAAAEAAAPpAAAAAgAAB9AAAAALTWFya2V0RXJyb3IA", "AAAAAAAAAFRBZnRlciB0aGUgdHJhZGUncyBkZWxpdmVyeSBkZWFkbGluZSwgYW55b25lIGNyZWRpdHMgYSBuZXZlci1kZWxpdmVyZWQgdHJhZGUncyBlc2Nyb3cAAAAOcmVmdW5kX2V4cGlyZWQAAAAAAAEAAAAAAAAACHRyYWRlX2lkAAAABgAAAAEAAAPpAAAAAgAAB9AAAAALTWFya2V0RXJyb3IA", "AAAAAAAAACVBY2NlcHRzIGEgcGVuZGluZyBvd25lcnNoaXAgdHJhbnNmZXIuAAAAAAAAEGFjY2VwdF9vd25lcnNoaXAAAAAAAAAAAA==", "AAAAAAAAABxSZWZ1c2VkIChgUmVub3VuY2VSZWZ1c2VkYCkuAAAAEnJlbm91bmNlX293bmVyc2hpcAAAAAAAAAAAAAA=", "AAAAAAAAADdJbml0aWF0ZXMgYSAyLXN0ZXAgb3duZXJzaGlwIHRyYW5zZmVyIHRvIGEgbmV3IGFkZHJlc3MuAAAAABJ0cmFuc2Zlcl9vd25lcnNoaXAAAAAAAAIAAAAAAAAACW5ld19vd25lcgAAAAAAABMAAAAAAAAAEWxpdmVfdW50aWxfbGVkZ2VyAAAAAAAABAAAAAA=", "AAAAAwAAACZXaGljaCBzaWRlIG9mIHRoZSBib29rIGFuIG9yZGVyIGlzIG9uLgAAAAAAAAAAAARTaWRlAAAAAgAAABhBIGRvbm9yJ3Mgb2ZmZXIgdG8gc2VsbC4AAAAEU2VsbAAAAAAAAAAjQSByZWNlaXZlcidzIGJpZCB0byBidXkgKGVzY3Jvd2VkKS4AAAAAA0J1eQAAAAAB", "AAAAAQAAAEtBbiBvcmRlciBhcyBzdG9yZWQ6IHF1YW50aXRpZXMgaW4gV2gsIHByaWNlcyBpbiBwYXltZW50LXRva2VuIHVuaXRzIHBlciBXaC4AAAAAAAAAAAVPcmRlcgAAAAAAAAwAAABSVGhlIGRlbGl2ZXJ5IGRlYWRsaW5lICh1bml4IHNlY29uZHMsIGV4Y2x1c2l2ZSkgb2YgdGhlIG9yZGVyJ3MgbGFzdCBzbG90IHVuZGVyIHRoZQAAAAAACGRlYWRsaW5lAAAABgAAAFFUaGUgc2xvdCB0aGUgbGF0ZXN0IHNldHRsZWQgdHJhZGUgb2YgdGhpcyBvcmRlciBiZWxvbmdzIHRvLCBhbmQgdGhlIFdoIG1hdGNoZWQgaW4AAAAAAAAJZmlsbF9zbG90AAAAAAAABgAAADFXaCBtYXRjaGVkIGJ5IHNldHRsZWQgdHJhZGVzLCBvdmVyIGFsbCBpdHMgc2xvdHMuAAAAAAAABmZpbGxlZAAAAAAACwAAAE9UaGUgbWV0ZXIgYW4gb2ZmZXIgaXMgZGVsaXZlcmVkIGZyb20gKGl0cyB0cmFkZXMgc2V0dGxlIG9uIHRoYXQgbWV0ZXIncyBwcm9vZik7AAAAAAVtZXRlcgAAAAAAA+gAAAPuAAAAIAAAAAAAAAAFb3duZXIAAAAAAAATAAAALE1pbmltdW0gcHJpY2UgKHNlbGwpIG9yIG1heGltdW0gcHJpY2UgKGJ1eSkuAAAABXByaWNlAAAAAAAACwAAAAAAAAAEc2lkZQAAB9AAAAAEU2lkZQAAACRUaGUgZmlyc3Qgc2xvdCB0aGUgb3JkZXIgc3RhbmRzIGZvci4AAAAEc2xvdAAAAAYAAAAAAAAAC3Nsb3RfZmlsbGVkAAAAAAsAAABCSG93IG1hbnkgY29uc2VjdXRpdmUgc2xvdHMgaXQgc3RhbmRzIGZvciAoMSBmb3IgYSBvbmUtc2xvdCBvcmRlcikuAAAAAAAFc2xvdHMAAAAAAAAEAAAAAAAAAAZzdGF0dXMAAAAAB9AAAAALT3JkZXJTdGF0dXMAAAAAEU1vc3QgV2ggcGVyIHNsb3QuAAAAAAAAAndoAAAAAAAL", "AAAAAQAAAC5BIHNldHRsZWQgdHJhZGUgYmV0d2VlbiBvbmUgYmlkIGFuZCBvbmUgb2ZmZXIuAAAAAAAAAAAABVRyYWRlAAAAAAAADQAAAAAAAAADYnV5AAAAAAYAAABHVGhlIGJpZCdzIGxpbWl0IHByaWNlOiB0aGUgdHJhZGUncyBzaGFyZSBvZiBlc2Nyb3cgaXMgYHdoICogYnV5X3ByaWNlYC4AAAAACWJ1eV9wcmljZQAAAAAAAAsAAAAAAAAABWJ1eWVyAAAAAAAAEwAAAE5hbmQgdGhlIG1vbWVudCAodW5peCBzZWNvbmRzLCBleGNsdXNpdmUpIHVudGlsIHdoaWNoIGl0cyBkZWxpdmVyeSBpcyBhY2NlcHRlZC4AAAAAAAhkZWFkbGluZQAAAAYAAAAAAAAADGRlbGl2ZXJlZF93aAAAAAsAAABPVGVybXMgZml4ZWQgd2hlbiB0aGUgdHJhZGUgc2V0dGxlZCwgc28gbGF0ZXIgcGFyYW1ldGVyIGNoYW5nZXMgY2Fubm90IGFsdGVyIGl0OgAAAAAHZmVlX2JwcwAAAAAEAAAAAAAAAA1mZWVfcmVjaXBpZW50AAAAAAAAEwAAAAAAAAAFcHJpY2UAAAAAAAALAAAAAAAAAARzZWxsAAAABgAAAAAAAAAGc2VsbGVyAAAAAAATAAAAAAAAAARzbG90AAAABgAAAAAAAAAFc3RhdGUAAAAAAAfQAAAAClRyYWRlU3RhdGUAAAAAAAAAAAACd2gAAAAAAAs=", "AAAAAQAAAFBNYXJrZXQgcGFyYW1ldGVycywgc2V0IGF0IGRlcGxveW1lbnQgYW5kIGNoYW5nZWQgb25seSBieSB0aGUgYWRtaW4gKGdvdmVybmFuY2UpLgAAAAAAAAAGUGFyYW1zAAAAAAAOAAAAPlRoZSB2ZXJpZnlpbmcga2V5IGlkIGluIHRoZSB2ZXJpZmllciB1c2VkIGZvciBkZWxpdmVyeSBwcm9vZnMuAAAAAAAKY2lyY3VpdF9pZAAAAAAABAAAAEREZWxpdmVyaWVzIGFyZSBhY2NlcHRlZCB1bnRpbCB0aGlzIG1hbnkgc2Vjb25kcyBhZnRlciB0aGUgc2xvdCBlbmRzLgAAABZkZWxpdmVyeV9kZWFkbGluZV9zZWNzAAAAAAAGAAAAQUZlZSBvbiBlYWNoIHBheW1lbnQgdG8gYSBkb25vciwgaW4gYmFzaXMgcG9pbnRzIChhdCBtb3N0IDEwIDAwMCkuAAAAAAAAB2ZlZV9icHMAAAAABAAAAAAAAAANZmVlX3JlY2lwaWVudAAAAAAAABMAAAA4T3JkZXJzIGNsb3NlIHRoaXMgbWFueSBzZWNvbmRzIGJlZm9yZSB0aGVpciBzbG90IHN0YXJ0cy4AAAAOZ2F0ZV9sZWFkX3NlY3MAAAAAAAYAAAAqSG93IG1hbnkgc2xvdHMgYWhlYWQgb3JkZXJzIG1heSBiZSBwbGFjZWQuAAAAAAANaG9yaXpvbl9zbG90cwAAAAAAAAYAAAAgVGhlIGtXaCB0b2tlbiB0aGlzIG1hcmtldCBtaW50cy4AAAAJa3doX3Rva2VuAAAAAAAAEwAAACdUaGUgb25seSBhZGRyZXNzIHRoYXQgbWF5IHNldHRsZSBzbG90cy4AAAAACG9wZXJhdG9yAAAAEwAAABZBbnkgU0VQLTQxIHRva2VuIChlLmcuAAAAAAANcGF5bWVudF90b2tlbgAAAAAAABMAAAAAAAAACXByaWNlX2NhcAAAAAAAAAsAAAAAAAAAC3ByaWNlX2Zsb29yAAAAAAsAAAAAAAAACHJlZ2lzdHJ5AAAAEwAAAFBMZW5ndGggb2YgYSBkZWxpdmVyeSBzbG90IGluIHNlY29uZHMgKGEgbXVsdGlwbGUgb2YgMTU6IG9uZSByZWFkaW5nIHBlciAxLzE1dGgpLgAAAAlzbG90X3NlY3MAAAAAAAAGAAAAAAAAAAh2ZXJpZmllcgAAABM=", "AAAAAQAAAEhSdW5uaW5nIHRvdGFscyBvZiB0aGUgcGF5bWVudCB0b2tlbiB0aGUgbWFya2V0IGhhcyB0YWtlbiBpbiBhbmQgbGV0IG91dC4AAAAAAAAABlRvdGFscwAAAAAABgAAAAAAAAAEZmVlcwAAAAsAAAAAAAAABmxvY2tlZAAAAAAACwAAAEFrV2ggbWludGVkIGZvciBkZWxpdmVyZWQgZW5lcmd5ICh0byBidXllcnMgYW5kIGFzIGRvbm9yIHN1cnBsdXMpLgAAAAAAAAltaW50ZWRfd2gAAAAAAAALAAAALVBhaWQgb3V0IGZvciBkZWxpdmVyZWQgZW5lcmd5LCBmZWVzIGluY2x1ZGVkLgAAAAAAAARwYWlkAAAACwAAAAAAAAAIcmVmdW5kZWQAAAALAAAAS1RyYW5zZmVycmVkIG91dCB0byBob3VzZWhvbGRzICh3aXRoZHJhd24gY3JlZGl0cyBhbmQgY2FuY2VsbGF0aW9uIHJlZnVuZHMpLgAAAAAJd2l0aGRyYXduAAAAAAAACw==", "AAAAAQAAAEZBIGhvdXNlaG9sZCdzIG1vbmV5IGluIHRoZSBtYXJrZXQsIG9uZSBwZXJzaXN0ZW50IGVudHJ5IHBlciBob3VzZWhvbGQuAAAAAAAAAAAAB0FjY291bnQAAAAABgAAAAAAAAAGY3JlZGl0AAAAAAALAAAAAAAAAARoZWxkAAAACwAAAFFUaGUgbGF0ZXN0IGRlbGl2ZXJ5IGRlYWRsaW5lIG9mIGFueSBlc2Nyb3cgdGhpcyBob3VzZWhvbGQgcGxhY2VkOiBvbmNlIGl0IHBhc3NlZCwAAAAAAAAKaGVsZF91bnRpbAAAAAAABgAAAFVUaGUgaG91c2Vob2xkJ3MgbnVtYmVyIGluIHRoaXMgbWFya2V0IChmcm9tIDEsIGdpdmVuIHdpdGggaXRzIGZpcnN0IG9yZGVyOyAwIGJlZm9yZSksAAAAAAAABm51bWJlcgAAAAAABAAAAD9PcmRlcnMgdGhlIGhvdXNlaG9sZCBwbGFjZWQ6IHRoZSBsb3cgcGFydCBvZiBpdHMgbmV4dCBvcmRlciBpZC4AAAAABm9yZGVycwAAAAAABAAAAFBUaGUgYGhlbGRfdW50aWxgIG9mIHRoZSBsYXN0IHN3ZWVwOiByZWNvcmRzIHdpdGggYSBkZWFkbGluZSBhdCBvciBiZWZvcmUgaXQgd2VyZQAAAAtzd2VwdF91bnRpbAAAAAAG", "AAAAAQAAADBBIHRyYWRlIGFzIHRoZSBvcGVyYXRvciBwcm9wb3NlcyBpdCBpbiBgc2V0dGxlYC4AAAAAAAAAB1RyYWRlSW4AAAAABAAAAAAAAAADYnV5AAAAAAYAAAAAAAAABXByaWNlAAAAAAAACwAAAAAAAAAEc2VsbAAAAAYAAAAAAAAAAndoAAAAAAAL", "AAAAAwAAAB1MaWZlY3ljbGUgb2YgYSBtYXRjaGVkIHRyYWRlLgAAAAAAAAAAAAAKVHJhZGVTdGF0ZQAAAAAAAwAAAEFTZXR0bGVkIGJ5IHRoZSBvcGVyYXRvcjsgd2FpdGluZyBmb3IgdGhlIGRvbm9yJ3MgcHJvdmVuIGRlbGl2ZXJ5LgAAAAAAAAdNYXRjaGVkAAAAAAAAAABNRGVsaXZlcnkgcHJvdmVuOyBrV2ggbWludGVkLCBkb25vciBhbmQgZmVlIGNyZWRpdGVkLCBidXllciBjcmVkaXRlZCB0aGUgcmVzdC4AAAAAAAAJRGVsaXZlcmVkAAAAAAAAAQAAAEhObyBkZWxpdmVyeSBiZWZvcmUgdGhlIGRlYWRsaW5lOyB0aGUgYnV5ZXIgd2FzIGNyZWRpdGVkIGl0cyBlc2Nyb3cgYmFjay4AAAAHRXhwaXJlZAAAAAAC", "AAAAAwAAABZMaWZlY3ljbGUgb2YgYW4gb3JkZXIuAAAAAAAAAAAAC09yZGVyU3RhdHVzAAAAAAMAAAA4SW4gdGhlIGJvb2s7IG1heSBzdGlsbCBiZSBtYXRjaGVkICh1bnRpbCB0aGUgc2xvdCBlbmRzKS4AAAAET3BlbgAAAAAAAAArV2l0aGRyYXduIGJ5IGl0cyBvd25lciBiZWZvcmUgZ2F0ZSBjbG9zdXJlLgAAAAAJQ2FuY2VsbGVkAAAAAAAAAQAAADdUaGUgc2xvdCBlbmRlZDsgYW55IHVubWF0Y2hlZCBlc2Nyb3cgaGFzIGJlZW4gcmVsZWFzZWQuAAAAAAZDbG9zZWQAAAAAAAI=", "AAAABAAAACdFdmVyeSB3YXkgYSBtYXJrZXQgY2FsbCBjYW4gYmUgcmVmdXNlZC4AAAAAAAAAAAtNYXJrZXRFcnJvcgAAAAAsAAAAH0EgcXVhbnRpdHkgaXMgemVybyBvciBuZWdhdGl2ZS4AAAAADUludmFsaWRBbW91bnQAAAAAAAABAAAALkEgcHJpY2UgaXMgb3V0c2lkZSB0aGUgbWFya2V0J3MgZmxvb3IgYW5kIGNhcC4AAAAAAA9QcmljZU91dE9mUmFuZ2UAAAAAAgAAABpBcml0aG1ldGljIHdvdWxkIG92ZXJmbG93LgAAAAAACE92ZXJmbG93AAAAAwAAAEdUaGUgc2xvdCdzIGdhdGUgaGFzIGNsb3NlZCAob3IgdGhlIHNsb3QgaXMgaW4gdGhlIHBhc3QpOiBubyBuZXcgb3JkZXJzLgAAAAAKU2xvdENsb3NlZAAAAAAABAAAACVUaGUgc2xvdCBpcyBiZXlvbmQgdGhlIG9yZGVyIGhvcml6b24uAAAAAAAAClNsb3RUb29GYXIAAAAAAAUAAAAlVGhlIGFkZHJlc3MgaXMgbm90IGEgcmVnaXN0cnkgbWVtYmVyLgAAAAAAAA1Vbmtub3duTWVtYmVyAAAAAAAABgAAABhUaGUgbWVtYmVyIGlzIHN1c3BlbmRlZC4AAAAPTWVtYmVyU3VzcGVuZGVkAAAAAAcAAAArVGhlIG1lbWJlcidzIHJvbGUgZG9lcyBub3QgYWxsb3cgdGhpcyBzaWRlLgAAAAAOUm9sZU5vdEFsbG93ZWQAAAAAAAgAAAAWTm8gb3JkZXIgd2l0aCB0aGlzIGlkLgAAAAAADFVua25vd25PcmRlcgAAAAkAAAAjT25seSB0aGUgb3JkZXIncyBvd25lciBtYXkgZG8gdGhpcy4AAAAADU5vdE9yZGVyT3duZXIAAAAAAAAKAAAAIVRoZSBvcmRlciBpcyBjYW5jZWxsZWQgb3IgY2xvc2VkLgAAAAAAAAxPcmRlck5vdE9wZW4AAAALAAAAJUNhbmNlbCBhZnRlciB0aGUgc2xvdCdzIGdhdGUgY2xvc3VyZS4AAAAAAAAKR2F0ZUNsb3NlZAAAAAAADAAAACZTZXR0bGUgYmVmb3JlIHRoZSBzbG90J3MgZ2F0ZSBjbG9zdXJlLgAAAAAADUdhdGVOb3RDbG9zZWQAAAAAAAANAAAAHFNldHRsZSBhZnRlciB0aGUgc2xvdCBlbmRlZC4AAAAQU2V0dGxlbWVudENsb3NlZAAAAA4AAAAoQSB0cmFkZSdzIG9yZGVycyBhcmUgb24gdGhlIHdyb25nIHNpZGVzLgAAAAlXcm9uZ1NpZGUAAAAAAAAPAAAAKEEgdHJhZGUncyBvcmRlciBiZWxvbmdzIHRvIGFub3RoZXIgc2xvdC4AAAAJV3JvbmdTbG90AAAAAAAAEAAAADBBIHRyYWRlIHdvdWxkIGZpbGwgYW4gb3JkZXIgYmV5b25kIGl0cyBxdWFudGl0eS4AAAAIT3ZlcmZpbGwAAAARAAAANEEgdHJhZGUgcHJpY2UgaXMgb3V0c2lkZSBpdHMgYmlkJ3Mgb3Igb2ZmZXIncyBsaW1pdC4AAAASUHJpY2VPdXRzaWRlTGltaXRzAAAAAAASAAAANUEgdHJhZGUgcHJpY2UgZGlmZmVycyBmcm9tIHRoZSBzbG90J3MgY2xlYXJpbmcgcHJpY2UuAAAAAAAADVByaWNlTWlzbWF0Y2gAAAAAAAATAAAAKFRoaXMgcGFpciBvZiBvcmRlcnMgd2FzIGFscmVhZHkgc2V0dGxlZC4AAAAORHVwbGljYXRlVHJhZGUAAAAAABQAAAAeQSBzZXR0bGUgYmF0Y2ggd2l0aCBubyB0cmFkZXMuAAAAAAAKRW1wdHlCYXRjaAAAAAAAFQAAACVBIGJpZCBhbmQgYW4gb2ZmZXIgb2YgdGhlIHNhbWUgb3duZXIuAAAAAAAACVNlbGZUcmFkZQAAAAAAABYAAAAzUGFyYW1ldGVycyBmYWlsIHZhbGlkYXRpb24gKHNlZSBkb2NzL2NvbnRyYWN0cy5tZCkuAAAAAA1JbnZhbGlkUGFyYW1zAAAAAAAAFwAAABZObyB0cmFkZSB3aXRoIHRoaXMgaWQuAAAAAAAMVW5rbm93blRyYWRlAAAAGAAAACtUaGUgdHJhZGUgd2FzIGFscmVhZHkgZGVsaXZlcmVkIG9yIGV4cGlyZWQuAAAAAAxUcmFkZU5vdE9wZW4AAAAZAAAARlJlZnVuZCBiZWZvcmUgdGhlIGRlbGl2ZXJ5IGRlYWRsaW5lLCBvciByZWxlYXNlIGJlZm9yZSB0aGUgc2xvdCBlbmRlZC4AAAAAAAhUb29FYXJseQAAABoAAAA7VGhlIHNsb3QgaGFzIG5vdCBlbmRlZCB5ZXQgb3IgaXRzIGRlbGl2ZXJ5IGRlYWRsaW5lIHBhc3NlZC4AAAAAFERlbGl2ZXJ5V2luZG93Q2xvc2VkAAAAGwAAACRUb28gbWFueSB0cmFkZXMgaW4gb25lIHNldHRsZSBiYXRjaC4AAAANQmF0Y2hUb29MYXJnZQAAAAAAABwAAAAcVGhlIG1ldGVyIGlzIG5vdCByZWdpc3RlcmVkLgAAAAxVbmtub3duTWV0ZXIAAAAdAAAAF1RoZSBtZXRlciBpcyBzdXNwZW5kZWQuAAAAAA5NZXRlclN1c3BlbmRlZAAAAAAAHgAAADRUaGlzIG1ldGVyIGFscmVhZHkgZGVsaXZlcmVkIGZvciB0aGlzIHNsb3QgKHJlcGxheSkuAAAAEEFscmVhZHlEZWxpdmVyZWQAAAAfAAAAJ1RoZSBwcm9vZiBkb2VzIG5vdCBwcm92ZSB0aGlzIGRlbGl2ZXJ5LgAAAAANUHJvb2ZSZWplY3RlZAAAAAAAACAAAABIVGhlIHZlcmlmaWVyIHJlZnVzZWQgdGhlIHByb29mJ3MgZW5jb2Rpbmcgb3IgaGFzIG5vIGtleSBmb3IgdGhlIGNpcmN1aXQuAAAADk1hbGZvcm1lZFByb29mAAAAAAAhAAAAP0NsYWltZWQgZW5lcmd5IGlzIG1vcmUgdGhhbiB0aGUgbWV0ZXIncyBsaW1pdCBhbGxvd3MgaW4gYSBzbG90LgAAAAAQRW5lcmd5T3V0T2ZSYW5nZQAAACIAAAAvVGhlIG9mZmVyIG5hbWVzIGEgbWV0ZXIgaXRzIG93bmVyIGRvZXMgbm90IG93bi4AAAAADU5vdE1ldGVyT3duZXIAAAAAAAAjAAAATkEgbWV0ZXIncyBvZmZlcnMgd291bGQgaGF2ZSBtb3JlIHRyYWRlcyBpbiBvbmUgc2xvdCB0aGFuIGBkZWxpdmVyYCBjYW4gc2V0dGxlLgAAAAAADVRvb01hbnlUcmFkZXMAAAAAAAAkAAAAQWBzZXRfcGFyYW1zYCB3b3VsZCBjaGFuZ2UgYSBwYXJhbWV0ZXIgZml4ZWQgZm9yIHRoZSBtYXJrZXQncyBsaWZlAAAAAAAADkltbXV0YWJsZVBhcmFtAAAAAAAlAAAAH1RoZXJlIGlzIG5vIGNyZWRpdCB0byB3aXRoZHJhdy4AAAAAEU5vdGhpbmdUb1dpdGhkcmF3AAAAAAAAJgAAADFUaGUgbWV0ZXIgaGFzIG5vdCBiZWVuIGFjY2VwdGVkIGJ5IGl0cyBvd25lciB5ZXQuAAAAAAAAEE1ldGVyTm90QWNjZXB0ZWQAAAAnAAAAU1RoaXMgZXNjcm93IHdhcyBhbHJlYWR5IHJldHVybmVkIHRvIGl0cyBvd25lcidzIGNyZWRpdCBieSBhIHN3ZWVwIChpdHMgZGVhZGxpbmUgYW5kAAAAAAtFc2Nyb3dTd2VwdAAAAAAoAAAAPFRoZSBhY2NvdW50cyB3b3VsZCBnbyBuZWdhdGl2ZTogcmVmdXNlZCwgbm90aGluZyBpcyB3cml0dGVuLgAAABBBY2NvdW50VW5kZXJmbG93AAAAKQAAAEtBIHN0YW5kaW5nIG9yZGVyJ3Mgc2xvdCBjb3VudCBpcyB6ZXJvIG9yIHJlYWNoZXMgcGFzdCB0aGUgbWFya2V0J3MgaG9yaXpvbi4AAAAADEludmFsaWRTbG90cwAAACoAAABLQSBzdGFuZGluZyBvcmRlciBhbHJlYWR5IGhhcyB0cmFkZXMgaW4gYSBsYXRlciBzbG90OiBzbG90cyBzZXR0bGUgaW4gb3JkZXIuAAAAAA5TbG90T3V0T2ZPcmRlcgAAAAAAKwAAAERBIGhvdXNlaG9sZCBwbGFjZWQgYDJeT1JERVJfU0VRX0JJVFNgIG9yZGVycywgb3IgdGhlIG1hcmtldCBudW1iZXJlZAAAAA1Ub29NYW55T3JkZXJzAAAAAAAALA==", "AAAABQAAAExBIGhvdXNlaG9sZCB3aXRoZHJldyBpdHMgY3JlZGl0IG9mIHRoZSBwYXltZW50IHRva2VuOiBgWyJ3aXRoZHJhdyIsIG93bmVyXWAuAAAAAAAAAAlXaXRoZHJhd24AAAAAAAABAAAACHdpdGhkcmF3AAAAAgAAAAAAAAAFb3duZXIAAAAAAAATAAAAAQAAAAAAAAAGYW1vdW50AAAAAAALAAAAAAAAAAA=", "AAAABQAAAE1Fc2Nyb3cgd2hvc2UgZXZlcnkgZGVsaXZlcnkgZGVhZGxpbmUgaGFkIHBhc3NlZCwgbW92ZWQgdG8gaXRzIG93bmVyJ3MgY3JlZGl0OgAAAAAAAAAAAAALRXNjcm93U3dlcHQAAAAAAQAAAAVzd2VwdAAAAAAAAAMAAAAAAAAABW93bmVyAAAAAAAAEwAAAAEAAAAAAAAABmFtb3VudAAAAAAACwAAAAAAAAAAAAAABXVudGlsAAAAAAAABgAAAAAAAAAB", "AAAABQAAACxBIG5ldyBvcmRlciBmb3Igb25lIHNsb3Q6IGBbIm9yZGVyIiwgc2xvdF1gLgAAAAAAAAALT3JkZXJQbGFjZWQAAAAAAQAAAAVvcmRlcgAAAAAAAAgAAAAAAAAABHNsb3QAAAAGAAAAAQAAAAAAAAACaWQAAAAAAAYAAAAAAAAAAAAAAAVvd25lcgAAAAAAABMAAAAAAAAAAAAAAARzaWRlAAAH0AAAAARTaWRlAAAAAAAAAAAAAAACd2gAAAAAAAsAAAAAAAAAAAAAAAVwcmljZQAAAAAAAAsAAAAAAAAAMFBheW1lbnQgdG9rZW4gbG9ja2VkIChiaWRzKSDigJQgemVybyBmb3Igb2ZmZXJzLgAAAAZlc2Nyb3cAAAAAAAsAAAAAAAAAMlRoZSBtZXRlciBhbiBvZmZlciBkZWxpdmVycyBmcm9tOyBgTm9uZWAgZm9yIGJpZHMuAAAAAAAFbWV0ZXIAAAAAAAPoAAAD7gAAACAAAAAAAAAAAQ==", "AAAABQAAAFRBIHNldHRsZSBiYXRjaDogYFsic2V0dGxlIiwgc2xvdF1gIHdpdGggaXRzIHNpemUgYW5kIHVuaWZvcm0gY2xlYXJpbmcgcHJpY2UsIGlmIGFueS4AAAAAAAAADEJhdGNoU2V0dGxlZAAAAAEAAAAGc2V0dGxlAAAAAAADAAAAAAAAAARzbG90AAAABgAAAAEAAAAAAAAABnRyYWRlcwAAAAAABAAAAAAAAAAAAAAADmNsZWFyaW5nX3ByaWNlAAAAAAPoAAAACwAAAAAAAAAB", "AAAABQAAAFRBIHRyYWRlIHdpdGggbm8gZGVsaXZlcnkgYnkgdGhlIGRlYWRsaW5lLCBlc2Nyb3cgY3JlZGl0ZWQgYmFjazogYFsiZXhwaXJlZCIsIHNsb3RdYC4AAAAAAAAADFRyYWRlRXhwaXJlZAAAAAEAAAAHZXhwaXJlZAAAAAADAAAAAAAAAARzbG90AAAABgAAAAEAAAAAAAAACHRyYWRlX2lkAAAABgAAAAAAAAAAAAAABnJlZnVuZAAAAAAACwAAAAAAAAAB", "AAAABQAAACVPbmUgc2V0dGxlZCB0cmFkZTogYFsidHJhZGUiLCBzbG90XWAuAAAAAAAAAAAAAAxUcmFkZVNldHRsZWQAAAABAAAABXRyYWRlAAAAAAAACAAAAAAAAAAEc2xvdAAAAAYAAAABAAAAAAAAAAh0cmFkZV9pZAAAAAYAAAAAAAAAAAAAAANidXkAAAAABgAAAAAAAAAAAAAABHNlbGwAAAAGAAAAAAAAAAAAAAAFYnV5ZXIAAAAAAAATAAAAAAAAAAAAAAAGc2VsbGVyAAAAAAATAAAAAAAAAAAAAAACd2gAAAAAAAsAAAAAAAAAAAAAAAVwcmljZQAAAAAAAAsAAAAAAAAAAQ==", "AAAABQAAAFZBbiBvcmRlciBjbG9zZWQgYWZ0ZXIgaXRzIHNsb3QgZW5kZWQsIGNyZWRpdGluZyBhIGJpZCdzIHVubWF0Y2hlZCBlc2Nyb3cgdG8gaXRzIG93bmVyOgAAAAAAAAAAAA1PcmRlclJlbGVhc2VkAAAAAAAAAQAAAAdyZWxlYXNlAAAAAAMAAAAAAAAABHNsb3QAAAAGAAAAAQAAAAAAAAACaWQAAAAAAAYAAAAAAAAAAAAAAAZyZWZ1bmQAAAAAAAsAAAAAAAAAAQ==", "AAAABQAAACROZXcgbWFya2V0IHBhcmFtZXRlcnM6IGBbInBhcmFtcyJdYC4AAAAAAAAADVBhcmFtc0NoYW5nZWQAAAAAAAABAAAABnBhcmFtcwAAAAAAAQAAAAAAAAAGcGFyYW1zAAAAAAfQAAAABlBhcmFtcwAAAAAAAAAAAAA=", "AAAABQAAAFpQcm92ZW4gZW5lcmd5IGJleW9uZCB0aGUgZG9ub3IncyBtYXRjaGVkIHRyYWRlcywgbWludGVkIHRvIHRoZSBkb25vcjogYFsic3VycGx1cyIsIHNsb3RdYC4AAAAAAAAAAAANU3VycGx1c01pbnRlZAAAAAAAAAEAAAAHc3VycGx1cwAAAAADAAAAAAAAAARzbG90AAAABgAAAAEAAAAAAAAABWRvbm9yAAAAAAAAEwAAAAAAAAAAAAAAAndoAAAAAAALAAAAAAAAAAE=", "AAAABQAAADhBIG1ldGVyJ3MgZGVsaXZlcnkgd2FzIHByb3ZlbjogYFsicHJvb2YiLCBtZXRlciwgc2xvdF1gLgAAAAAAAAAORGVsaXZlcnlQcm92ZW4AAAAAAAEAAAAFcHJvb2YAAAAAAAAHAAAAAAAAAAVtZXRlcgAAAAAAA+4AAAAgAAAAAQAAAAAAAAAEc2xvdAAAAAYAAAABAAAAAAAAAAVkb25vcgAAAAAAABMAAAAAAAAAAAAAAApjb21taXRtZW50AAAAAAPuAAAAIAAAAAAAAAAAAAAACWVuZXJneV93aAAAAAAAAAYAAAAAAAAAAAAAAAlzaWduYXR1cmUAAAAAAAPuAAAAQAAAAAAAAAAAAAAABXByb29mAAAAAAAADgAAAAAAAAAB", "AAAABQAAADRBbiBvcmRlciB3aXRoZHJhd24gYnkgaXRzIG93bmVyOiBgWyJjYW5jZWwiLCBzbG90XWAuAAAAAAAAAA5PcmRlckNhbmNlbGxlZAAAAAAAAQAAAAZjYW5jZWwAAAAAAAMAAAAAAAAABHNsb3QAAAAGAAAAAQAAAAAAAAACaWQAAAAAAAYAAAAAAAAAAAAAAAZyZWZ1bmQAAAAAAAsAAAAAAAAAAQ==", "AAAABQAAADVEZWxpdmVyeSBzZXR0bGVkIG9uIG9uZSB0cmFkZTogYFsiZGVsaXZlcmVkIiwgc2xvdF1gLgAAAAAAAAAAAAAOVHJhZGVEZWxpdmVyZWQAAAAAAAEAAAAJZGVsaXZlcmVkAAAAAAAABgAAAAAAAAAEc2xvdAAAAAYAAAABAAAAAAAAAAh0cmFkZV9pZAAAAAYAAAAAAAAAAAAAAAxkZWxpdmVyZWRfd2gAAAALAAAAAAAAACVDcmVkaXRlZCB0byB0aGUgZG9ub3IsIGFmdGVyIHRoZSBmZWUuAAAAAAAABHBhaWQAAAALAAAAAAAAACZDcmVkaXRlZCB0byB0aGUgdHJhZGUncyBmZWUgcmVjaXBpZW50LgAAAAAAA2ZlZQAAAAALAAAAAAAAABtDcmVkaXRlZCBiYWNrIHRvIHRoZSBidXllci4AAAAABnJlZnVuZAAAAAAACwAAAAAAAAAB", "AAAABQAAAFdBIG5ldyBzdGFuZGluZyBvcmRlcjogYFsib3JkZXIiLCBmaXJzdCBzbG90XWAsIHRoZSBmaWVsZHMgb2YgYE9yZGVyUGxhY2VkYCBhbmQgYHNsb3RzYC4AAAAAAAAAABNTdGFuZGluZ09yZGVyUGxhY2VkAAAAAAEAAAAFb3JkZXIAAAAAAAAJAAAAAAAAAARzbG90AAAABgAAAAEAAAAAAAAAAmlkAAAAAAAGAAAAAAAAAAAAAAAFb3duZXIAAAAAAAATAAAAAAAAAAAAAAAEc2lkZQAAB9AAAAAEU2lkZQAAAAAAAAAURW5lcmd5IGluIGVhY2ggc2xvdC4AAAACd2gAAAAAAAsAAAAAAAAAAAAAAAVwcmljZQAAAAAAAAsAAAAAAAAAQlBheW1lbnQgdG9rZW4gbG9ja2VkIGZvciBhbGwgaXRzIHNsb3RzIChiaWRzKSDigJQgemVybyBmb3Igb2ZmZXJzLgAAAAAABmVzY3JvdwAAAAAACwAAAAAAAAAyVGhlIG1ldGVyIGFuIG9mZmVyIGRlbGl2ZXJzIGZyb207IGBOb25lYCBmb3IgYmlkcy4AAAAAAAVtZXRlcgAAAAAAA+gAAAPuAAAAIAAAAAAAAABMSG93IG1hbnkgY29uc2VjdXRpdmUgc2xvdHMgZnJvbSBgc2xvdGAgdGhlIG9yZGVyIHN0YW5kcyBmb3IgKG1vcmUgdGhhbiBvbmUpLgAAAAVzbG90cwAAAAAAAAQAAAAAAAAAAQ==", "AAAABQAAAElUaGUgY29udHJhY3QncyBjb2RlIHdhcyByZXBsYWNlZDogYFsidXBncmFkZWQiXWAsIGRhdGEgdGhlIG5ldyBXQVNNIGhhc2guAAAAAAAAAAAAAAhVcGdyYWRlZAAAAAEAAAAIdXBncmFkZWQAAAABAAAAAAAAAAl3YXNtX2hhc2gAAAAAAAPuAAAAIAAAAAAAAAAA", "AAAABAAAAEZBZG1pbmlzdHJhdGlvbiBlcnJvcnMgYmV5b25kIE9wZW5aZXBwZWxpbidzIChgT3duYWJsZUVycm9yYCAyMTAwLTIxMDIsAAAAAAAAAAAACkFkbWluRXJyb3IAAAAAAAEAAAAkQSBnb3Zlcm5lZCBjb250cmFjdCBrZWVwcyBpdHMgb3duZXIuAAAAD1Jlbm91bmNlUmVmdXNlZAAAAAtU", "AAAABAAAAAAAAAAAAAAAEVJvbGVUcmFuc2ZlckVycm9yAAAAAAAABAAAAAAAAAARTm9QZW5kaW5nVHJhbnNmZXIAAAAAAAiYAAAAAAAAABZJbnZhbGlkTGl2ZVVudGlsTGVkZ2VyAAAAAAiZAAAAAAAAABVJbnZhbGlkUGVuZGluZ0FjY291bnQAAAAAAAiaAAAAAAAAAA9UcmFuc2ZlckV4cGlyZWQAAAAImw==", "AAAABAAAAAAAAAAAAAAADE93bmFibGVFcnJvcgAAAAMAAAAAAAAAC093bmVyTm90U2V0AAAACDQAAAAAAAAAElRyYW5zZmVySW5Qcm9ncmVzcwAAAAAINQAAAAAAAAAPT3duZXJBbHJlYWR5U2V0AAAACDY=", "AAAABQAAADZFdmVudCBlbWl0dGVkIHdoZW4gYW4gb3duZXJzaGlwIHRyYW5zZmVyIGlzIGluaXRpYXRlZC4AAAAAAAAAAAART3duZXJzaGlwVHJhbnNmZXIAAAAAAAABAAAAEm93bmVyc2hpcF90cmFuc2ZlcgAAAAAAAwAAAAAAAAAJb2xkX293bmVyAAAAAAAAEwAAAAAAAAAAAAAACW5ld19vd25lcgAAAAAAABMAAAAAAAAAAAAAABFsaXZlX3VudGlsX2xlZGdlcgAAAAAAAAQAAAAAAAAAAg==", "AAAABQAAADZFdmVudCBlbWl0dGVkIHdoZW4gYW4gb3duZXJzaGlwIHRyYW5zZmVyIGlzIGNvbXBsZXRlZC4AAAAAAAAAAAAaT3duZXJzaGlwVHJhbnNmZXJDb21wbGV0ZWQAAAAAAAEAAAAcb3duZXJzaGlwX3RyYW5zZmVyX2NvbXBsZXRlZAAAAAEAAAAAAAAACW5ld19vd25lcgAAAAAAABMAAAAAAAAAAg=="]),
      options
    );
  }

   static deploy<T = Client>(args: { admin: string | Address; params: Params }, options: MethodOptions & Omit<ContractClientOptions, 'contractId'> & { salt?: Uint8Array; address?: string; } & ({ wasmHash: Uint8Array | string; format?: "hex" | "base64"; externalRef?: never; } | { externalRef: ExternalExecutableRef; wasmHash?: never; format?: never; })): Promise<AssembledTransaction<T>> {
    return ContractClient.deploy(args, options);
  }
  public readonly fromJson = {
    bid : this.txFromJson<Result<bigint, MarketError>>,  offer : this.txFromJson<Result<bigint, MarketError>>,  order : this.txFromJson<Order | null>,  trade : this.txFromJson<Trade | null>,  cancel : this.txFromJson<Result<null, MarketError>>,  credit : this.txFromJson<bigint>,  domain : this.txFromJson<Uint8Array>,  params : this.txFromJson<Params>,  settle : this.txFromJson<Result<null, MarketError>>,  totals : this.txFromJson<Totals>,  account : this.txFromJson<Account>,  deliver : this.txFromJson<Result<null, MarketError>>,  release : this.txFromJson<Result<null, MarketError>>,  upgrade : this.txFromJson<void>,  withdraw : this.txFromJson<Result<bigint, MarketError>>,  bid_slots : this.txFromJson<Result<bigint, MarketError>>,  delivered : this.txFromJson<boolean>,  get_owner : this.txFromJson<string | null>,  set_params : this.txFromJson<Result<null, MarketError>>,  slot_price : this.txFromJson<bigint | null>,  offer_slots : this.txFromJson<Result<bigint, MarketError>>,  meter_trades : this.txFromJson<Array<bigint>>,  refund_expired : this.txFromJson<Result<null, MarketError>>,  accept_ownership : this.txFromJson<void>,  renounce_ownership : this.txFromJson<void>,  transfer_ownership : this.txFromJson<void>
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
   * Build a topics filter row for the "Withdrawn" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  withdrawnEventFilter(topicValues?: { owner?: string | Address }): string[] {
    return this.spec.eventTopicFilter("Withdrawn", topicValues);
  }
  /**
   * Build a topics filter row for the "EscrowSwept" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  escrowSweptEventFilter(topicValues?: { owner?: string | Address }): string[] {
    return this.spec.eventTopicFilter("EscrowSwept", topicValues);
  }
  /**
   * Build a topics filter row for the "OrderPlaced" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  orderPlacedEventFilter(topicValues?: { slot?: bigint }): string[] {
    return this.spec.eventTopicFilter("OrderPlaced", topicValues);
  }
  /**
   * Build a topics filter row for the "BatchSettled" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  batchSettledEventFilter(topicValues?: { slot?: bigint }): string[] {
    return this.spec.eventTopicFilter("BatchSettled", topicValues);
  }
  /**
   * Build a topics filter row for the "TradeExpired" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  tradeExpiredEventFilter(topicValues?: { slot?: bigint }): string[] {
    return this.spec.eventTopicFilter("TradeExpired", topicValues);
  }
  /**
   * Build a topics filter row for the "TradeSettled" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  tradeSettledEventFilter(topicValues?: { slot?: bigint }): string[] {
    return this.spec.eventTopicFilter("TradeSettled", topicValues);
  }
  /**
   * Build a topics filter row for the "OrderReleased" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  orderReleasedEventFilter(topicValues?: { slot?: bigint }): string[] {
    return this.spec.eventTopicFilter("OrderReleased", topicValues);
  }
  /**
   * Build a topics filter row for the "ParamsChanged" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  paramsChangedEventFilter(): string[] {
    return this.spec.eventTopicFilter("ParamsChanged");
  }
  /**
   * Build a topics filter row for the "SurplusMinted" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  surplusMintedEventFilter(topicValues?: { slot?: bigint }): string[] {
    return this.spec.eventTopicFilter("SurplusMinted", topicValues);
  }
  /**
   * Build a topics filter row for the "DeliveryProven" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  deliveryProvenEventFilter(topicValues?: { meter?: Uint8Array; slot?: bigint }): string[] {
    return this.spec.eventTopicFilter("DeliveryProven", topicValues);
  }
  /**
   * Build a topics filter row for the "OrderCancelled" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  orderCancelledEventFilter(topicValues?: { slot?: bigint }): string[] {
    return this.spec.eventTopicFilter("OrderCancelled", topicValues);
  }
  /**
   * Build a topics filter row for the "TradeDelivered" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  tradeDeliveredEventFilter(topicValues?: { slot?: bigint }): string[] {
    return this.spec.eventTopicFilter("TradeDelivered", topicValues);
  }
  /**
   * Build a topics filter row for the "StandingOrderPlaced" event, for use in `Api.EventFilter.topics` when calling `server.getEvents`. Omitted fields match any value.
   */
  standingOrderPlacedEventFilter(topicValues?: { slot?: bigint }): string[] {
    return this.spec.eventTopicFilter("StandingOrderPlaced", topicValues);
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