// Contract calls from the household's wallet: build, simulate, show the network fee, sign,
// submit, await. Arguments are encoded here as the contracts declare them (market: offer,
// bid, cancel, withdraw; registry: accept_meter); logic.test.js checks every encoding against
// the spec embedded in the built WASM.
import { Address, Contract, TransactionBuilder, nativeToScVal, rpc, scValToNative } from "@stellar/stellar-sdk";

/** A meter id (its ed25519 public key, 64 hex digits) as a BytesN<32> SCVal. */
export function meterArg(meter) {
  if (typeof meter !== "string" || !/^[0-9a-fA-F]{64}$/.test(meter))
    throw new Error(`a meter id is 64 hex digits (its ed25519 public key), not ${JSON.stringify(meter)}`);
  return nativeToScVal(Uint8Array.from(meter.match(/../g).map((b) => parseInt(b, 16))));
}

const u64 = (v) => nativeToScVal(BigInt(v), { type: "u64" });
const i128 = (v) => nativeToScVal(BigInt(v), { type: "i128" });

/** Arguments of `market.offer(donor, meter, slot, wh, min_price)`. */
export function offerArgs(donor, meter, slot, wh, minPrice) {
  return [new Address(donor).toScVal(), meterArg(meter), u64(slot), i128(wh), i128(minPrice)];
}

/** Arguments of `market.bid(receiver, slot, wh, max_price)`. */
export function bidArgs(receiver, slot, wh, maxPrice) {
  return [new Address(receiver).toScVal(), u64(slot), i128(wh), i128(maxPrice)];
}

/** Arguments of `market.cancel(owner, order_id)`. */
export function cancelArgs(owner, orderId) {
  return [new Address(owner).toScVal(), u64(orderId)];
}

/** Arguments of `market.withdraw(owner)` and `market.credit(owner)`. */
export function ownerArgs(owner) {
  return [new Address(owner).toScVal()];
}

/** Arguments of `registry.accept_meter(meter_id)`. */
export function acceptMeterArgs(meter) {
  return [meterArg(meter)];
}

function server(config) {
  return new rpc.Server(config.rpc_url, { allowHttp: config.rpc_url.startsWith("http:") });
}

/** Builds and simulates `contract.fn(args)` from `wallet`'s account. Resolves to
 * `{ fee, send }`: `fee` is the most the transaction can charge in stroops (inclusion fee
 * plus the simulated resource fee), to show before signing; `send()` has the wallet sign it,
 * submits it and resolves to the decoded return value. */
export async function prepare(config, wallet, contract, fn, args) {
  const srv = server(config);
  const build = async () => {
    const source = await srv.getAccount(await wallet.address());
    const tx = new TransactionBuilder(source, { fee: "100", networkPassphrase: config.passphrase })
      .addOperation(new Contract(contract).call(fn, ...args))
      .setTimeout(120)
      .build();
    const sim = await srv.simulateTransaction(tx);
    if (rpc.Api.isSimulationError(sim)) throw new Error(sim.error);
    return rpc.assembleTransaction(tx, sim).build();
  };
  let prepared = await build();
  return {
    fee: BigInt(prepared.fee),
    // A transaction that fails although its simulation passed (another household's order
    // took the id it was simulated with, in the same ledger) had no effect: simulate again
    // and send once more.
    send: async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await submit(config, srv, wallet, prepared);
        } catch (e) {
          if (!e.stale || attempt >= 5) throw e;
          await new Promise((res) => setTimeout(res, 200 + Math.random() * 400 * attempt));
          prepared = await build();
        }
      }
    },
  };
}

async function submit(config, srv, wallet, prepared) {
  const signed = TransactionBuilder.fromXDR(
    await wallet.signTransaction(prepared.toXDR(), config.passphrase),
    config.passphrase,
  );
  const sent = await srv.sendTransaction(signed);
  if (sent.status === "ERROR") throw new Error("the network refused the transaction");
  for (let i = 0; i < 120; i++) {
    const r = await srv.getTransaction(sent.hash);
    if (r.status === "SUCCESS") return r.returnValue ? scValToNative(r.returnValue) : null;
    if (r.status === "FAILED") {
      const e = new Error("the transaction failed on the network; try again");
      e.stale = true;
      throw e;
    }
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error("the network did not confirm the transaction in time");
}

/** Prepares an offer from `meter` (side "sell") or a bid ("buy"); `send()` resolves to the
 * order id. */
export async function prepareOrder(config, wallet, side, { slot, wh, price, meter }) {
  const owner = await wallet.address();
  return side === "sell"
    ? prepare(config, wallet, config.contracts.market, "offer", offerArgs(owner, meter, slot, wh, price))
    : prepare(config, wallet, config.contracts.market, "bid", bidArgs(owner, slot, wh, price));
}

/** Prepares cancelling an order before its gate closes. */
export async function prepareCancel(config, wallet, orderId) {
  return prepare(config, wallet, config.contracts.market, "cancel", cancelArgs(await wallet.address(), orderId));
}

/** Prepares withdrawing the household's whole credit; `send()` resolves to the amount. */
export async function prepareWithdraw(config, wallet) {
  return prepare(config, wallet, config.contracts.market, "withdraw", ownerArgs(await wallet.address()));
}

/** Prepares the owner's signature accepting a meter the operator registered for it. */
export async function prepareAcceptMeter(config, wallet, meter) {
  return prepare(config, wallet, config.contracts.registry, "accept_meter", acceptMeterArgs(meter));
}
