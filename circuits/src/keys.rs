//! Groth16 setup, proving and verification for the delivery circuit.
//!
//! Setup draws its toxic waste from the operating system's randomness. A deterministic
//! setup exists only as [`setup_insecure_deterministic`], for tests and demos: anyone who
//! knows the seed can forge proofs.

use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof, ProvingKey, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use ark_snark::SNARK;
use rand::rngs::OsRng;
use rand::{CryptoRng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::delivery::{DeliveryCircuit, DeliveryWitness};

/// A proving key and its verifying key.
#[derive(Clone)]
pub struct Keys {
    /// Used by the prover (grid server).
    pub pk: ProvingKey<Bn254>,
    /// Stored in the verifier contract and published for auditors.
    pub vk: VerifyingKey<Bn254>,
}

/// Why proving failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProveError {
    /// The witness does not satisfy the circuit (never proven).
    Unsatisfied,
    /// arkworks reported an error.
    Synthesis(String),
}

impl std::fmt::Display for ProveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unsatisfied => write!(f, "the witness does not satisfy the delivery circuit"),
            Self::Synthesis(e) => write!(f, "constraint synthesis failed: {e}"),
        }
    }
}

impl std::error::Error for ProveError {}

fn setup_with<R: RngCore + CryptoRng>(rng: &mut R) -> Keys {
    let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(DeliveryCircuit::default(), rng)
        .expect("the delivery circuit synthesises without a witness");
    Keys { pk, vk }
}

/// Circuit-specific setup from OS randomness.
pub fn setup() -> Keys {
    setup_with(&mut OsRng)
}

/// INSECURE: a setup anyone can repeat from `seed`, so anyone can forge proofs for its
/// keys. For tests and demos only; never register such a key on a real network.
pub fn setup_insecure_deterministic(seed: u64) -> Keys {
    setup_with(&mut ChaCha20Rng::seed_from_u64(seed))
}

/// Proves a validated witness; returns the proof and its public input `h`. The proof is
/// verified before it is returned, so no proof of a false statement ever leaves here (an
/// unsatisfied witness cannot yield a verifying proof).
pub fn prove(
    pk: &ProvingKey<Bn254>,
    witness: &DeliveryWitness,
) -> Result<(Proof<Bn254>, Fr), ProveError> {
    let circuit = DeliveryCircuit {
        witness: Some(witness.clone()),
    };
    let proof = Groth16::<Bn254>::prove(pk, circuit, &mut OsRng)
        .map_err(|e| ProveError::Synthesis(e.to_string()))?;
    let h = witness.public_hash();
    if !verify(&pk.vk, &proof, &h) {
        return Err(ProveError::Unsatisfied);
    }
    Ok((proof, h))
}

/// Verifies a proof against its public input.
pub fn verify(vk: &VerifyingKey<Bn254>, proof: &Proof<Bn254>, h: &Fr) -> bool {
    let pvk: PreparedVerifyingKey<Bn254> = ark_groth16::prepare_verifying_key(vk);
    Groth16::<Bn254>::verify_with_processed_vk(&pvk, &[*h], proof).unwrap_or(false)
}

impl Keys {
    /// Serialises the proving key (which contains the verifying key), compressed.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.pk
            .serialize_compressed(&mut out)
            .expect("writing to a Vec cannot fail");
        out
    }

    /// Loads keys written by [`Keys::to_bytes`], checking every point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let pk = ProvingKey::<Bn254>::deserialize_compressed(bytes)
            .map_err(|e| format!("not a delivery proving key: {e}"))?;
        Ok(Self {
            vk: pk.vk.clone(),
            pk,
        })
    }
}
