//! circomlib Poseidon through the `poseidon_permutation` host function, with parameters
//! kept in contract storage.
//!
//! soroban-poseidon builds its tables as code, which for the two widths the delivery
//! statement needs (t = 3 and t = 6) would push this contract past the 64 KiB limit. So the
//! admin installs the tables once, as the bytes of Urja's parameter file; the contract
//! accepts them only if their SHA-256 matches the digest compiled in below (a test checks
//! these digests against `orchestrator/urja/data/poseidon_bn254_x5.bin`).

use soroban_sdk::{contracttype, symbol_short, vec, Bytes, BytesN, Env, Vec, U256};
use urja_interfaces::ttl_storage::{load, store};

use crate::{Key, VerifierError};

/// SHA-256 of the parameter section for each width the contract uses.
pub const EXPECTED: [(u32, [u8; 32]); 2] = [
    (
        3,
        hex32("8155202e8d08431e2c8074a2e531b63435f96395aac414ce73aa8f261e16bcf6"),
    ),
    (
        6,
        hex32("6e7939b0b691d2a6743bd5fe5e998c07b0533ed60cf2ecab10e6df26f6202d51"),
    ),
];

const fn hex32(s: &str) -> [u8; 32] {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c - b'a' + 10,
    }
}

/// One width's tables as the host function takes them.
#[contracttype]
#[derive(Clone)]
pub struct Params {
    pub rounds_f: u32,
    pub rounds_p: u32,
    pub mds: Vec<Vec<U256>>,
    pub rc: Vec<Vec<U256>>,
}

fn rows(env: &Env, b: &Bytes, at: &mut u32, n: u32, t: u32) -> Vec<Vec<U256>> {
    let mut out = Vec::new(env);
    for _ in 0..n {
        let mut row = Vec::new(env);
        for _ in 0..t {
            row.push_back(U256::from_be_bytes(env, &b.slice(*at..*at + 32)));
            *at += 32;
        }
        out.push_back(row);
    }
    out
}

/// Checks and stores one width's parameters; returns the width.
pub fn install(env: &Env, b: &Bytes) -> Result<u32, VerifierError> {
    if b.len() < 3 {
        return Err(VerifierError::PoseidonParamsMismatch);
    }
    let (t, f, p) = (
        b.get_unchecked(0) as u32,
        b.get_unchecked(1) as u32,
        b.get_unchecked(2) as u32,
    );
    let digest: BytesN<32> = env.crypto().sha256(b).into();
    let known = EXPECTED
        .iter()
        .any(|(w, d)| *w == t && digest.to_array() == *d);
    if !known || b.len() != 3 + ((f + p) * t + t * t) * 32 {
        return Err(VerifierError::PoseidonParamsMismatch);
    }
    let mut at = 3;
    let rc = rows(env, b, &mut at, f + p, t);
    let mds = rows(env, b, &mut at, t, t);
    store(
        env,
        &Key::Poseidon(t),
        &Params {
            rounds_f: f,
            rounds_p: p,
            mds,
            rc,
        },
    );
    Ok(t)
}

/// circomlib `Poseidon(inputs)` (state `[0, inputs..]`, output the first element).
pub fn hash(env: &Env, inputs: Vec<U256>) -> Result<U256, VerifierError> {
    let t = inputs.len() + 1;
    let p: Params = load(env, &Key::Poseidon(t)).ok_or(VerifierError::PoseidonNotInstalled)?;
    let mut state = vec![env, U256::from_u32(env, 0)];
    state.append(&inputs);
    let out = env.crypto_hazmat().poseidon_permutation(
        &state,
        symbol_short!("BN254"),
        t,
        5,
        p.rounds_f,
        p.rounds_p,
        &p.mds,
        &p.rc,
    );
    Ok(out.get_unchecked(0))
}
