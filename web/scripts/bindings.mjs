// Generates the web app's contract clients from the contracts' own specs: the TypeScript
// bindings generator shipped in @stellar/stellar-sdk (`stellar-js generate`, the same one
// `stellar contract bindings typescript` runs) over each WASM that `make contracts` builds.
// The output under src/contracts/ is committed and never edited by hand.
//
//   node scripts/bindings.mjs            regenerate src/contracts/ from ../target/wasm
//   node scripts/bindings.mjs --check    exit 1, naming the files, if they differ
//   --wasm-dir DIR                       read the WASM files from DIR instead
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const WEB = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The contracts the web app calls, by the directory their client lives in. */
export const CONTRACTS = { market: "urja_market.wasm", registry: "urja_registry.wasm" };
/** The generated files the app imports (the generator also writes a package.json etc.). */
const FILES = ["index.ts", "client.ts", "types.ts"];
const OUT = join(WEB, "src", "contracts");

function generate(wasm, name) {
  const tmp = mkdtempSync(join(tmpdir(), "urja-bindings-"));
  try {
    execFileSync(
      process.execPath,
      [join(WEB, "node_modules", "@stellar", "stellar-sdk", "bin", "stellar-js"), "generate",
        "--wasm", wasm, "--output-dir", tmp, "--contract-name", `urja-${name}`, "--overwrite"],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    return Object.fromEntries(FILES.map((f) => [f, readFileSync(join(tmp, "src", f), "utf8")]));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function main(argv) {
  const check = argv.includes("--check");
  const at = argv.indexOf("--wasm-dir");
  const dir = at >= 0 ? argv[at + 1] : join(WEB, "..", "target", "wasm");
  const stale = [];
  for (const [name, file] of Object.entries(CONTRACTS)) {
    const wasm = join(dir, file);
    if (!existsSync(wasm)) {
      console.error(`bindings: ${wasm} is missing: run \`make contracts\` first`);
      return 2;
    }
    const made = generate(wasm, name);
    mkdirSync(join(OUT, name), { recursive: true });
    for (const [f, text] of Object.entries(made)) {
      const path = join(OUT, name, f);
      const old = existsSync(path) ? readFileSync(path, "utf8") : null;
      if (old === text) continue;
      if (check) stale.push(`src/contracts/${name}/${f}`);
      else writeFileSync(path, text);
    }
  }
  if (stale.length) {
    console.error(
      `bindings: ${stale.join(", ")} differ from the contracts' specs in ${dir}: ` +
        "a contract interface changed; run `make web-bindings` and commit the result",
    );
    return 1;
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
