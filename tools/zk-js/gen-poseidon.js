// Writes Urja's one copy of the Poseidon parameters (circomlib, BN254, x^5) in a compact
// binary form every implementation reads: Rust (native/poseidon), Python (urja.proof_check) and
// C++ (firmware, via its generated header). Source: circomlibjs's poseidon_constants.json,
// the same package the shared test vectors were made with.
//
// Layout, for t = 2..17 in order: u8 t, u8 full rounds, u8 partial rounds, then
// (full + partial) * t round constants, then t * t MDS entries (row-major), each a 32-byte
// big-endian field element.
//
// Usage: node gen-poseidon.js OUT.bin
"use strict";
const fs = require("fs");
const path = require("path");

const N_ROUNDS_F = 8;
const N_ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];

function be32(hex) {
  const h = BigInt(hex).toString(16).padStart(64, "0");
  if (h.length !== 64) throw new Error(`constant does not fit 32 bytes: ${hex}`);
  return Buffer.from(h, "hex");
}

const src = path.join(__dirname, "node_modules", "circomlibjs", "src", "poseidon_constants.json");
const { C, M } = JSON.parse(fs.readFileSync(src, "utf8"));
const parts = [];
for (let t = 2; t <= 17; t++) {
  const rp = N_ROUNDS_P[t - 2];
  const c = C[t - 2];
  const m = M[t - 2];
  if (c.length !== (N_ROUNDS_F + rp) * t) throw new Error(`t=${t}: ${c.length} constants`);
  if (m.length !== t || m.some((row) => row.length !== t)) throw new Error(`t=${t}: MDS shape`);
  parts.push(Buffer.from([t, N_ROUNDS_F, rp]));
  for (const x of c) parts.push(be32(x));
  for (const row of m) for (const x of row) parts.push(be32(x));
}
const out = process.argv[2];
if (!out) throw new Error("usage: node gen-poseidon.js OUT.bin");
fs.writeFileSync(out, Buffer.concat(parts));
console.log(`wrote ${out}`);
