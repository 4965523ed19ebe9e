//! Groth16 setup, proving and verification for the delivery circuit.
//!
//! Keys come from a multi-party ceremony run with snarkjs ([`Keys::from_zkey`], proven with
//! snarkjs's QAP reduction) or, for development only, from a single-party setup that draws
//! its toxic waste from the operating system's randomness ([`setup`]) or from a seed
//! ([`setup_insecure_deterministic`]): whoever ran a single-party setup can forge proofs.

use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof, ProvingKey, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use ark_snark::SNARK;
use rand::rngs::OsRng;
use rand::{CryptoRng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::circom::{delivery_shape, read_zkey, CircomQap, ZkeyError};
use crate::delivery::{DeliveryCircuit, DeliveryWitness};

/// Which R1CS-to-QAP reduction a proving key was made for: the prover must use the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qap {
    /// arkworks' default (keys from [`setup`] and [`setup_insecure_deterministic`]).
    Libsnark,
    /// snarkjs's (keys read from a `.zkey` with [`Keys::from_zkey`]).
    Circom,
}

/// A proving key and its verifying key.
#[derive(Clone)]
pub struct Keys {
    /// Used by the prover (grid server).
    pub pk: ProvingKey<Bn254>,
    /// Stored in the verifier contract and published for auditors.
    pub vk: VerifyingKey<Bn254>,
    /// The reduction `pk` was made for.
    pub qap: Qap,
}

/// Prefix of [`Keys::to_bytes`] for keys made for snarkjs's reduction.
const CIRCOM_TAG: &[u8; 16] = b"URJA/zkey-pk/v1\0";

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
    Keys {
        pk,
        vk,
        qap: Qap::Libsnark,
    }
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

/// Proves a validated witness with a key from arkworks' setup ([`Keys::prove`] takes keys
/// of either kind); returns the proof and its public input `h`. The proof is verified
/// before it is returned, so no proof of a false statement ever leaves here (an
/// unsatisfied witness cannot yield a verifying proof).
pub fn prove(
    pk: &ProvingKey<Bn254>,
    witness: &DeliveryWitness,
) -> Result<(Proof<Bn254>, Fr), ProveError> {
    prove_qap(pk, Qap::Libsnark, witness)
}

fn prove_qap(
    pk: &ProvingKey<Bn254>,
    qap: Qap,
    witness: &DeliveryWitness,
) -> Result<(Proof<Bn254>, Fr), ProveError> {
    let circuit = DeliveryCircuit {
        witness: Some(witness.clone()),
    };
    let proof = match qap {
        Qap::Libsnark => Groth16::<Bn254>::prove(pk, circuit, &mut OsRng),
        Qap::Circom => Groth16::<Bn254, CircomQap>::prove(pk, circuit, &mut OsRng),
    }
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
    /// Reads the final `.zkey` of a snarkjs ceremony over the delivery circuit (see
    /// [`crate::circom::read_zkey`]: a key for another circuit, a truncated file or a bad
    /// point is refused).
    pub fn from_zkey(bytes: &[u8]) -> Result<Self, ZkeyError> {
        let pk = read_zkey(bytes, &delivery_shape())?;
        Ok(Self {
            vk: pk.vk.clone(),
            pk,
            qap: Qap::Circom,
        })
    }

    /// Proves a validated witness with the reduction these keys were made for; see
    /// [`prove`].
    pub fn prove(&self, witness: &DeliveryWitness) -> Result<(Proof<Bn254>, Fr), ProveError> {
        prove_qap(&self.pk, self.qap, witness)
    }

    /// Serialises the proving key (which contains the verifying key), compressed; keys for
    /// snarkjs's reduction carry a 16-byte tag in front.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.qap == Qap::Circom {
            out.extend_from_slice(CIRCOM_TAG);
        }
        self.pk
            .serialize_compressed(&mut out)
            .expect("writing to a Vec cannot fail");
        out
    }

    /// Loads keys written by [`Keys::to_bytes`], checking every point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let (qap, body) = match bytes.strip_prefix(CIRCOM_TAG) {
            Some(rest) => (Qap::Circom, rest),
            None => (Qap::Libsnark, bytes),
        };
        let pk = ProvingKey::<Bn254>::deserialize_compressed(body)
            .map_err(|e| format!("not a delivery proving key: {e}"))?;
        Ok(Self {
            vk: pk.vk.clone(),
            pk,
            qap,
        })
    }
}
