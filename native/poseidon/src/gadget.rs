//! Poseidon as R1CS constraints: the same rounds as [`crate::hash`] over `FpVar`s.
//!
//! Round constants and MDS entries are constants of the circuit, so additions and the mix
//! cost no constraints; each x^5 S-box costs three multiplications. In the partial rounds
//! all but one state element stay linear combinations of linear combinations; left alone
//! they nest 60-odd levels deep and expanding them dominates proving time. So every
//! [`CUT_EVERY`] partial rounds the state is cut: each element becomes a fresh witness
//! equal to its combination (one cheap linear constraint each).

use ark_bn254::Fr;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::r1cs::SynthesisError;

use crate::params;

/// Partial rounds between two cuts of the linear state (see the module doc).
pub const CUT_EVERY: usize = 6;

fn cut(x: FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    match &x {
        FpVar::Constant(_) => Ok(x),
        FpVar::Var(v) => {
            let w = FpVar::new_witness(v.cs.clone(), || x.value())?;
            w.enforce_equal(&x)?;
            Ok(w)
        }
    }
}

fn pow5(x: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    let x2 = x.square()?;
    let x4 = x2.square()?;
    Ok(x4 * x)
}

/// circomlib's `Poseidon(inputs)` inside a circuit.
pub fn hash(inputs: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    let p = params(inputs.len()).map_err(|_| SynthesisError::Unsatisfiable)?;
    let t = p.t;
    let mut state: Vec<FpVar<Fr>> = Vec::with_capacity(t);
    state.push(FpVar::Constant(Fr::from(0u64)));
    state.extend_from_slice(inputs);
    let half = p.full_rounds / 2;
    for r in 0..p.full_rounds + p.partial_rounds {
        for (i, s) in state.iter_mut().enumerate() {
            *s = s.clone() + p.constants[r * t + i];
        }
        if r < half || r >= half + p.partial_rounds {
            for s in state.iter_mut() {
                *s = pow5(s)?;
            }
        } else {
            state[0] = pow5(&state[0])?;
        }
        state = (0..t)
            .map(|i| {
                p.mds[i]
                    .iter()
                    .zip(&state)
                    .fold(FpVar::Constant(Fr::from(0u64)), |acc, (m, s)| acc + s * *m)
            })
            .collect();
        let partial = r >= half && r < half + p.partial_rounds;
        if partial && (r - half + 1) % CUT_EVERY == 0 {
            state = state.into_iter().map(cut).collect::<Result<_, _>>()?;
        }
    }
    Ok(state.swap_remove(0))
}
