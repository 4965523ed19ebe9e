// Wallets behind one small interface: address() and signTransaction(xdr, passphrase).
// On the local network a development wallet keeps its key in this browser (clearly labelled
// in the UI); elsewhere Freighter signs, and the key never reaches the app.
import { Keypair, TransactionBuilder } from "@stellar/stellar-sdk";

const STORE = "urja.devwallet.secret";

/** A key kept in localStorage, funded by the local network's friendbot. */
export class DevWallet {
  constructor(keypair) {
    this.kind = "dev";
    this.keypair = keypair;
  }

  static load(storage = globalThis.localStorage) {
    const s = storage?.getItem(STORE);
    return s ? new DevWallet(Keypair.fromSecret(s)) : null;
  }

  static async create(friendbotUrl, storage = globalThis.localStorage, fetcher = fetch) {
    const kp = Keypair.random();
    const r = await fetcher(`${friendbotUrl}?addr=${kp.publicKey()}`);
    if (!r.ok) throw new Error(`friendbot refused to fund the wallet (${r.status})`);
    storage.setItem(STORE, kp.secret());
    return new DevWallet(kp);
  }

  static forget(storage = globalThis.localStorage) {
    storage.removeItem(STORE);
  }

  async address() {
    return this.keypair.publicKey();
  }

  async signTransaction(xdr, passphrase) {
    const tx = TransactionBuilder.fromXDR(xdr, passphrase);
    tx.sign(this.keypair);
    return tx.toXDR();
  }
}

/** The Freighter browser extension (testnet and mainnet). */
export class FreighterWallet {
  constructor(freighter) {
    this.kind = "freighter";
    this.freighter = freighter;
  }

  static async connect() {
    const freighter = await import("@stellar/freighter-api");
    const { isConnected } = await freighter.isConnected();
    if (!isConnected) throw new Error("Freighter is not installed in this browser.");
    const access = await freighter.requestAccess();
    if (access.error) throw new Error(`Freighter: ${access.error}`);
    return new FreighterWallet(freighter);
  }

  async address() {
    const r = await this.freighter.getAddress();
    if (r.error) throw new Error(`Freighter: ${r.error}`);
    return r.address;
  }

  async signTransaction(xdr, passphrase) {
    const r = await this.freighter.signTransaction(xdr, { networkPassphrase: passphrase });
    if (r.error) throw new Error(`Freighter declined: ${r.error}`);
    return r.signedTxXdr;
  }
}
