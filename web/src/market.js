// Market calls from the household's wallet: build, simulate, sign, submit, await.
import { Address, Contract, TransactionBuilder, nativeToScVal, rpc, scValToNative } from "@stellar/stellar-sdk";

/** Arguments of market.offer / market.bid / market.cancel as SCVals. */
export function orderArgs(owner, slot, wh, price) {
  return [
    new Address(owner).toScVal(),
    nativeToScVal(BigInt(slot), { type: "u64" }),
    nativeToScVal(BigInt(wh), { type: "i128" }),
    nativeToScVal(BigInt(price), { type: "i128" }),
  ];
}

/** Calls `fn` on the market, signed by `wallet`; resolves to the decoded return value.
 * A transaction that fails although its simulation passed (another household's order took
 * the id it was simulated with, in the same ledger) had no effect: simulate and send again. */
export async function call(config, wallet, fn, args) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await callOnce(config, wallet, fn, args);
    } catch (e) {
      if (!e.stale || attempt >= 5) throw e;
      await new Promise((res) => setTimeout(res, 200 + Math.random() * 400 * attempt));
    }
  }
}

async function callOnce(config, wallet, fn, args) {
  const server = new rpc.Server(config.rpc_url, { allowHttp: config.rpc_url.startsWith("http:") });
  const source = await server.getAccount(await wallet.address());
  const tx = new TransactionBuilder(source, { fee: "100", networkPassphrase: config.passphrase })
    .addOperation(new Contract(config.contracts.market).call(fn, ...args))
    .setTimeout(120)
    .build();
  const sim = await server.simulateTransaction(tx);
  if (rpc.Api.isSimulationError(sim)) throw new Error(sim.error);
  const prepared = rpc.assembleTransaction(tx, sim).build();
  const signed = TransactionBuilder.fromXDR(
    await wallet.signTransaction(prepared.toXDR(), config.passphrase),
    config.passphrase,
  );
  const sent = await server.sendTransaction(signed);
  if (sent.status === "ERROR") throw new Error(`the network refused the transaction`);
  for (let i = 0; i < 120; i++) {
    const r = await server.getTransaction(sent.hash);
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

/** Places an offer (side "sell") or a bid ("buy"); resolves to the order id. */
export async function placeOrder(config, wallet, side, slot, wh, price) {
  const owner = await wallet.address();
  return call(config, wallet, side === "sell" ? "offer" : "bid", orderArgs(owner, slot, wh, price));
}

/** Cancels an order before its gate closes. */
export async function cancelOrder(config, wallet, orderId) {
  const owner = await wallet.address();
  return call(config, wallet, "cancel", [
    new Address(owner).toScVal(),
    nativeToScVal(BigInt(orderId), { type: "u64" }),
  ]);
}
