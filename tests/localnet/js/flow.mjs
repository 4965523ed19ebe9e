// The official JavaScript SDK (rpc.Server) against urja-localnet: fund through friendbot,
// upload and deploy the token WASM, call it, read the result and the events.
// Usage: node flow.mjs RPC_URL TOKEN_WASM_PATH. Exits non-zero on any mismatch.
import { readFileSync } from "node:fs";
import {
  Address, Keypair, Operation, TransactionBuilder, nativeToScVal, rpc, scValToNative,
} from "@stellar/stellar-sdk";

const [url, wasmPath] = process.argv.slice(2);
const server = new rpc.Server(url, { allowHttp: true });
const { passphrase } = await server.getNetwork();
const admin = Keypair.random();
const res = await fetch(`${url}/friendbot?addr=${admin.publicKey()}`);
if (!res.ok) throw new Error(`friendbot: ${res.status}`);

async function run(op) {
  const account = await server.getAccount(admin.publicKey());
  let tx = new TransactionBuilder(account, { fee: "100", networkPassphrase: passphrase })
    .addOperation(op).setTimeout(30).build();
  tx = await server.prepareTransaction(tx);
  tx.sign(admin);
  const sent = await server.sendTransaction(tx);
  if (sent.status !== "PENDING") throw new Error(`send: ${JSON.stringify(sent)}`);
  for (let i = 0; i < 100; i++) {
    const got = await server.getTransaction(sent.hash);
    if (got.status === "SUCCESS") return got.returnValue;
    if (got.status === "FAILED") throw new Error(`failed: ${sent.hash}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("not included");
}

const wasmHash = await run(Operation.uploadContractWasm({ wasm: readFileSync(wasmPath) }));
const contract = await run(Operation.createCustomContract({
  address: Address.fromString(admin.publicKey()),
  wasmHash: Buffer.from(scValToNative(wasmHash)),
  // The kWh token's constructor: admin and minter (here both the test's account).
  constructorArgs: [nativeToScVal(admin.publicKey(), { type: "address" }), nativeToScVal(admin.publicKey(), { type: "address" })],
}));
const contractId = scValToNative(contract);
const call = (fn, args = []) => Operation.invokeContractFunction({ contract: contractId, function: fn, args });
await run(call("set_minter", [nativeToScVal(admin.publicKey(), { type: "address" })]));
await run(call("mint", [nativeToScVal(admin.publicKey(), { type: "address" }), nativeToScVal(42n, { type: "i128" })]));
const account = await server.getAccount(admin.publicKey());
const sim = await server.simulateTransaction(new TransactionBuilder(account, { fee: "100", networkPassphrase: passphrase })
  .addOperation(call("balance", [nativeToScVal(admin.publicKey(), { type: "address" })])).setTimeout(30).build());
if (!rpc.Api.isSimulationSuccess(sim)) throw new Error(`simulate: ${sim.error}`);
const balance = scValToNative(sim.result.retval);
if (balance !== 42n) throw new Error(`balance ${balance}`);
const latest = await server.getLatestLedger();
const events = await server.getEvents({ startLedger: Math.max(2, latest.sequence - 50), filters: [{ type: "contract", contractIds: [contractId] }], limit: 10 });
if (events.events.length === 0) throw new Error("no events");
console.log(JSON.stringify({ contractId, balance: balance.toString(), events: events.events.length }));
