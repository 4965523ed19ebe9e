//! Helpers shared by the contracts' tests: load the built WASM and authorise a call as one
//! specific signer (so tests prove the *right* signer is required, not just any).
extern crate std;

use soroban_sdk::testutils::{MockAuth, MockAuthInvoke};
use soroban_sdk::{Address, Env, IntoVal, Val, Vec};

/// The release WASM of contract `name` (e.g. "token"), built by `make contracts`.
pub fn wasm(name: &str) -> std::vec::Vec<u8> {
    let path = std::format!(
        "{}/../../target/wasm/urja_{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!("cannot read {path}: {e}; run `make contracts` first to build the WASM")
    })
}

/// Authorises exactly one invocation `contract.fn_name(args)` signed by `signer`.
pub fn auth_as(
    env: &Env,
    signer: &Address,
    contract: &Address,
    fn_name: &str,
    args: impl IntoVal<Env, Vec<Val>>,
) {
    let args: Vec<Val> = args.into_val(env);
    env.mock_auths(&[MockAuth {
        address: signer,
        invoke: &MockAuthInvoke {
            contract,
            fn_name,
            args,
            sub_invokes: &[],
        },
    }]);
}

/// CPU instructions the host charges for `call` alone (the budget is reset first): for a
/// call on a WASM contract this includes instantiating its module, the per-call load cost.
pub fn call_cost<T>(env: &Env, call: impl FnOnce() -> T) -> u64 {
    env.cost_estimate().budget().reset_default();
    call();
    env.cost_estimate().budget().cpu_instruction_cost()
}

/// The section of Urja's Poseidon parameter file (`orchestrator/urja/data`) for state
/// width `t`, as the verifier's `set_poseidon` takes it.
pub fn poseidon_section(t: u8) -> std::vec::Vec<u8> {
    let path = std::format!(
        "{}/../../orchestrator/urja/data/poseidon_bn254_x5.bin",
        env!("CARGO_MANIFEST_DIR")
    );
    let b = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let mut at = 0;
    while at < b.len() {
        let (w, f, p) = (b[at] as usize, b[at + 1] as usize, b[at + 2] as usize);
        let n = 3 + ((f + p) * w + w * w) * 32;
        if w == t as usize {
            return b[at..at + n].to_vec();
        }
        at += n;
    }
    panic!("no Poseidon parameters for t = {t}")
}
