// Every failure in words a household understands. Contract error codes come from the table
// generated from the contracts' Rust enums (orchestrator/urja/data/contract_errors.json), so
// the app and the contracts cannot drift apart.
import table from "../../orchestrator/urja/data/contract_errors.json";

/** Plain-language messages for the market errors a household can run into. */
const PLAIN = {
  InvalidAmount: "The amount must be more than zero.",
  PriceOutOfRange: "That price is outside what this market allows.",
  SlotClosed: "This slot has closed for orders. Pick a later slot.",
  GateClosed: "This slot has closed for orders. Pick a later slot.",
  SlotTooFar: "This slot is too far ahead to order yet.",
  UnknownMember: "Your wallet is not a member of this community yet. Ask your operator.",
  MemberSuspended: "Your membership is suspended. Contact your community operator.",
  RoleNotAllowed: "Your household's role does not allow this (donors offer, receivers bid).",
  UnknownOrder: "That order does not exist.",
  NotOrderOwner: "Only the household that placed an order can cancel it.",
  OrderNotOpen: "That order is already cancelled or closed.",
  UnknownMeter: "That meter is not registered in this community.",
  NotMeterOwner: "That meter is registered to another household.",
  MeterNotAccepted: "Accept this meter first: it delivers only after you sign for it.",
  MeterSuspended: "This meter is suspended. Contact your community operator.",
  AlreadyAccepted: "You have already accepted this meter.",
  NothingToWithdraw: "There is no credit to withdraw yet.",
};

/** The contract error {contract, code, name, text} in a host error string, or null. */
export function contractError(detail, contract = "market") {
  const m = /Error\(Contract, #(\d+)\)/.exec(detail || "");
  if (!m) return null;
  const code = m[1];
  const entry = (table[contract] || {})[code];
  if (!entry) return { contract, code: Number(code), name: null, text: `Contract error #${code}.` };
  return { contract, code: Number(code), name: entry.name, text: PLAIN[entry.name] || entry.doc };
}

/** A household-facing message for any error thrown by a call to `contract` (market,
 * registry, ...). */
export function explain(err, contract = "market") {
  const detail = [err?.message, err?.detail, typeof err === "string" ? err : ""]
    .filter(Boolean)
    .join(" ");
  const c = contractError(detail, contract);
  if (c) return c.text;
  if (/balance|underfunded|insufficient/i.test(detail))
    return "Not enough funds in your wallet for this (including the escrow a bid locks).";
  if (/reject|declin|denied|cancel/i.test(detail)) return "You declined to sign in your wallet.";
  if (/Failed to fetch|NetworkError|ECONNREFUSED|network/i.test(detail))
    return "The network cannot be reached right now. Try again in a moment.";
  if (/not found|does not exist|404/i.test(detail) && /account/i.test(detail))
    return "Your wallet account does not exist on this network yet. Fund it first.";
  return `Something went wrong: ${detail || "unknown error"}`;
}
