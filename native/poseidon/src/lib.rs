//! Poseidon over the BN254 scalar field with circomlib's parameters, for 1 to 16 inputs.
//!
//! This is the hash of Urja's commitments and proof statements; the circuit, the native
//! prover, the contracts (through the Soroban Poseidon host function) and the firmware
//! must all agree on it byte for byte. The parameters are not written here: they are read
//! from `orchestrator/urja/data/poseidon_bn254_x5.bin`, generated from circomlibjs by
//! `tools/zk-js/gen-poseidon.js`, the one copy every language reads.
//!
//! `hash([x1..xn])`: state `[0, x1, .., xn]` (t = n + 1), `8` full and `R_P(t)` partial rounds
//! of add-round-constants, x^5 S-box (all elements in full rounds, the first in partial
//! rounds) and MDS mix; the result is `state[0]`.

use std::sync::OnceLock;

use ark_bn254::Fr;
use ark_ff::PrimeField;

#[cfg(feature = "r1cs")]
pub mod gadget;

/// Largest number of inputs circomlib defines parameters for.
pub const MAX_INPUTS: usize = 16;

static PARAMS_BIN: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../orchestrator/urja/data/poseidon_bn254_x5.bin"
));

/// Round constants and MDS matrix for one state width.
#[derive(Debug)]
pub struct Params {
    /// State width, inputs + 1.
    pub t: usize,
    /// Number of full rounds (half before, half after the partial rounds).
    pub full_rounds: usize,
    /// Number of partial rounds.
    pub partial_rounds: usize,
    /// `(full + partial) * t` round constants, round-major.
    pub constants: Vec<Fr>,
    /// `t x t` MDS matrix, row-major: `new[i] = sum_j mds[i][j] * old[j]`.
    pub mds: Vec<Vec<Fr>>,
}

fn parse_all() -> Vec<Params> {
    let mut out = Vec::new();
    let mut at = 0;
    let fe = |at: &mut usize| {
        let x = Fr::from_be_bytes_mod_order(&PARAMS_BIN[*at..*at + 32]);
        *at += 32;
        x
    };
    while at < PARAMS_BIN.len() {
        let (t, f, p) = (
            PARAMS_BIN[at] as usize,
            PARAMS_BIN[at + 1] as usize,
            PARAMS_BIN[at + 2] as usize,
        );
        at += 3;
        let constants = (0..(f + p) * t).map(|_| fe(&mut at)).collect();
        let mds = (0..t)
            .map(|_| (0..t).map(|_| fe(&mut at)).collect())
            .collect();
        out.push(Params {
            t,
            full_rounds: f,
            partial_rounds: p,
            constants,
            mds,
        });
    }
    out
}

/// Parameters for `n` inputs (1..=16).
pub fn params(n: usize) -> Result<&'static Params, PoseidonError> {
    static ALL: OnceLock<Vec<Params>> = OnceLock::new();
    if n == 0 || n > MAX_INPUTS {
        return Err(PoseidonError::Arity(n));
    }
    let all = ALL.get_or_init(parse_all);
    Ok(&all[n - 1])
}

/// Why a hash could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoseidonError {
    /// Poseidon is defined here for 1 to 16 inputs.
    Arity(usize),
}

impl std::fmt::Display for PoseidonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Arity(n) => write!(f, "Poseidon takes 1 to {MAX_INPUTS} inputs, got {n}"),
        }
    }
}

impl std::error::Error for PoseidonError {}

fn pow5(x: Fr) -> Fr {
    let x2 = x * x;
    x2 * x2 * x
}

/// circomlib's `Poseidon(inputs)`.
pub fn hash(inputs: &[Fr]) -> Result<Fr, PoseidonError> {
    let p = params(inputs.len())?;
    let t = p.t;
    let mut state = Vec::with_capacity(t);
    state.push(Fr::from(0u64));
    state.extend_from_slice(inputs);
    let half = p.full_rounds / 2;
    let mut next = vec![Fr::from(0u64); t];
    for r in 0..p.full_rounds + p.partial_rounds {
        for (i, s) in state.iter_mut().enumerate() {
            *s += p.constants[r * t + i];
        }
        if r < half || r >= half + p.partial_rounds {
            state.iter_mut().for_each(|s| *s = pow5(*s));
        } else {
            state[0] = pow5(state[0]);
        }
        for (i, n) in next.iter_mut().enumerate() {
            *n = p.mds[i].iter().zip(&state).map(|(m, s)| *m * s).sum();
        }
        std::mem::swap(&mut state, &mut next);
    }
    Ok(state[0])
}
