// Contract calls from the household's wallet, through the clients generated from the
// contracts' own specs (src/contracts/, `make web-bindings`; never edited by hand): the
// generated client encodes the named arguments as the contract declares them, simulates,
// and the app shows the network fee before the wallet signs and the client submits.
import { rpc } from "@stellar/stellar-sdk";

import { Client as MarketClient } from "./contracts/market/index.ts";
import { Client as RegistryClient } from "./contracts/registry/index.ts";

/** A meter id (its ed25519 public key, 64 hex digits) as the 32 bytes the contracts take. */
export function meterBytes(meter) {
  if (typeof meter !== "string" || !/^[0-9a-fA-F]{64}$/.test(meter))
    throw new Error(`a meter id is 64 hex digits (its ed25519 public key), not ${JSON.stringify(meter)}`);
  return Uint8Array.from(meter.match(/../g).map((b) => parseInt(b, 16)));
}

/** The market function and its named arguments (as the spec names them) for an offer from
 * `meter` (side "sell") or a bid ("buy") by `owner`; `slots` > 1 makes it a standing order
 * for that many consecutive slots. */
export function orderCall(side, owner, { slot, wh, price, meter, slots = 1 }) {
  const each = { wh: BigInt(wh) };
  const standing = slots > 1;
  const when = standing ? { first_slot: BigInt(slot), slots } : { slot: BigInt(slot) };
  if (side === "sell")
    return [standing ? "offer_slots" : "offer", { donor: owner, meter: meterBytes(meter), ...when, ...each, min_price: BigInt(price) }];
  if (side === "buy")
    return [standing ? "bid_slots" : "bid", { receiver: owner, ...when, ...each, max_price: BigInt(price) }];
  throw new Error(`an order's side is "sell" or "buy", not ${JSON.stringify(side)}`);
}

/** The generated client's options for `contractId`, signing with `wallet` as `address`. */
export function clientOptions(config, wallet, contractId, address) {
  return {
    contractId,
    networkPassphrase: config.passphrase,
    rpcUrl: config.rpc_url,
    allowHttp: config.rpc_url.startsWith("http:"),
    publicKey: address,
    signTransaction: async (xdr) => ({
      signedTxXdr: await wallet.signTransaction(xdr, config.passphrase),
      signerAddress: address,
    }),
  };
}

/** The market's and the registry's generated clients for `wallet`. */
export async function clients(config, wallet) {
  const address = await wallet.address();
  return {
    address,
    market: new MarketClient(clientOptions(config, wallet, config.contracts.market, address)),
    registry: new RegistryClient(clientOptions(config, wallet, config.contracts.registry, address)),
  };
}

/** The value of a call's return, a `Result` unwrapped. */
function value(result) {
  if (!result || typeof result.isErr !== "function") return result ?? null;
  if (result.isOk()) return result.unwrap();
  throw new Error(`the contract refused the call: ${result.unwrapErr().message}`);
}

/** Builds and simulates `client.fn(args)`. Resolves to `{ fee, send }`: `fee` is the most
 * the transaction can charge in stroops (inclusion fee plus the simulated resource fee), to
 * show before signing; `send()` has the wallet sign it, submits it and resolves to the
 * decoded return value. A contract error found by the simulation rejects here, before
 * anything is signed. */
export async function prepare(client, fn, args) {
  const build = () => (args === undefined ? client[fn]() : client[fn](args));
  let tx = await build();
  // Refused by the simulation, before anything is signed: the host's error names the
  // contract's error code (`Error(Contract, #n)`), which `errors.explain` words.
  if (rpc.Api.isSimulationError(tx.simulation)) throw new Error(tx.simulation.error);
  return {
    fee: BigInt(tx.built.fee),
    // A transaction that fails on chain although its simulation passed (the state it was
    // simulated against changed first) had no effect: simulate again and send once more.
    send: async () => {
      for (let attempt = 1; ; attempt++) {
        const sent = await tx.signAndSend();
        const status = sent.getTransactionResponse?.status;
        if (status !== "FAILED") return value(sent.result);
        if (attempt >= 5) throw new Error("the transaction failed on the network; try again");
        await new Promise((res) => setTimeout(res, 200 + Math.random() * 400 * attempt));
        tx = await build();
      }
    },
  };
}

/** Prepares an offer from `meter` (side "sell") or a bid ("buy"), standing for `slots`
 * slots when more than one; `send()` resolves to the order id. */
export async function prepareOrder(config, wallet, side, order) {
  const c = await clients(config, wallet);
  return prepare(c.market, ...orderCall(side, c.address, order));
}

/** Prepares cancelling an order before its gate closes. */
export async function prepareCancel(config, wallet, orderId) {
  const c = await clients(config, wallet);
  return prepare(c.market, "cancel", { owner: c.address, order_id: BigInt(orderId) });
}

/** Prepares withdrawing the household's whole credit; `send()` resolves to the amount. */
export async function prepareWithdraw(config, wallet) {
  const c = await clients(config, wallet);
  return prepare(c.market, "withdraw", { owner: c.address });
}

/** Prepares the owner's signature accepting a meter the operator registered for it. */
export async function prepareAcceptMeter(config, wallet, meter) {
  const c = await clients(config, wallet);
  return prepare(c.registry, "accept_meter", { meter_id: meterBytes(meter) });
}
