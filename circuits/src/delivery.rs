//! The delivery statement and its circuit.
//!
//! Private: readings `r_1..r_N` (Wh per reading interval) and a salt `s`; public: `h`.
//! Proven: every `r_i` and the meter limit `max` lie in `[0, 2^16)`, every `r_i <= max`,
//! and `h = Poseidon(C, E, slot, max, K)` with `C = Poseidon(r_1..r_N, s)` and
//! `E = r_1 + .. + r_N`. `K = Poseidon(Poseidon(key_hi, key_lo), D)` binds the meter key
//! and the market's domain `D` (network and market contract, docs/formats.md); `K` is a free
//! witness, so the constraints do not depend on how it is made. The contract recomputes `h`
//! from values it checks itself, so the proof ties the signed commitment `C` to the claimed
//! energy `E` for that meter, slot, limit, network and market.

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

/// Readings per slot (one per minute of a 15-minute slot). A compile-time parameter of
/// the circuit; a different value is a different circuit with its own keys.
pub const READINGS: usize = 15;

/// Every reading and the meter limit fit this many bits.
pub const READING_BITS: usize = 16;

/// Why a witness was refused before proving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// A reading is above 2^16 - 1 Wh.
    ReadingOutOfRange { index: usize, value: u64 },
    /// A reading exceeds the meter's registered limit.
    ReadingAboveLimit { index: usize, value: u64, max: u64 },
    /// The limit itself does not fit 16 bits.
    LimitOutOfRange(u64),
    /// The salt is not below the field modulus.
    SaltOutOfRange,
    /// Wrong number of readings.
    ReadingCount { expected: usize, got: usize },
}

impl std::fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ReadingOutOfRange { index, value } => write!(
                f,
                "reading {} is {value} Wh, outside 0..={}",
                index + 1,
                (1u64 << READING_BITS) - 1
            ),
            Self::ReadingAboveLimit { index, value, max } => write!(
                f,
                "reading {} is {value} Wh, above the meter's limit of {max} Wh per interval",
                index + 1
            ),
            Self::LimitOutOfRange(m) => write!(
                f,
                "meter limit {m} Wh is outside 0..={}",
                (1u64 << READING_BITS) - 1
            ),
            Self::SaltOutOfRange => write!(f, "salt is not below the BN254 scalar modulus"),
            Self::ReadingCount { expected, got } => {
                write!(f, "expected {expected} readings, got {got}")
            }
        }
    }
}

impl std::error::Error for DeliveryError {}

/// Everything the prover knows, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryWitness {
    /// Readings, Wh per interval.
    pub readings: [u64; READINGS],
    /// 32-byte salt, big-endian, below the field modulus.
    pub salt: [u8; 32],
    /// Slot index.
    pub slot: u64,
    /// The meter's registered limit, Wh per interval.
    pub max_wh: u64,
    /// The meter's ed25519 public key.
    pub meter_key: [u8; 32],
    /// The market's 32-byte domain: SHA-256("URJA/domain/v1" || network_id || market).
    pub domain: [u8; 32],
}

/// Splits a 32-byte key into its big-endian 128-bit halves as field elements.
pub fn key_halves(key: &[u8; 32]) -> (Fr, Fr) {
    (
        Fr::from_be_bytes_mod_order(&key[..16]),
        Fr::from_be_bytes_mod_order(&key[16..]),
    )
}

/// `D`: the first 31 bytes of the market's 32-byte domain as a big-endian integer
/// (below 2^248, so always a field element).
pub fn domain_scalar(domain: &[u8; 32]) -> Fr {
    Fr::from_be_bytes_mod_order(&domain[..31])
}

/// `K = Poseidon(Poseidon(key_hi, key_lo), D)`: the meter key bound to the market's domain.
pub fn key_digest(key: &[u8; 32], domain: &[u8; 32]) -> Fr {
    let (hi, lo) = key_halves(key);
    let inner = urja_poseidon::hash(&[hi, lo]).expect("arity 2");
    urja_poseidon::hash(&[inner, domain_scalar(domain)]).expect("arity 2")
}

/// Big-endian 32-byte encoding of a field element.
pub fn fr_to_be(x: &Fr) -> [u8; 32] {
    let v = x.into_bigint().to_bytes_be();
    let mut out = [0u8; 32];
    out[32 - v.len()..].copy_from_slice(&v);
    out
}

/// Parses a big-endian 32-byte field element, refusing values at or above the modulus.
pub fn fr_from_be(bytes: &[u8; 32]) -> Option<Fr> {
    let x = Fr::from_be_bytes_mod_order(bytes);
    (fr_to_be(&x) == *bytes).then_some(x)
}

/// Refuses anything but `READINGS` readings below 2^`READING_BITS`, naming the offender.
fn check_readings(readings: &[u64]) -> Result<(), DeliveryError> {
    if readings.len() != READINGS {
        return Err(DeliveryError::ReadingCount {
            expected: READINGS,
            got: readings.len(),
        });
    }
    let top = 1u64 << READING_BITS;
    match readings.iter().position(|&v| v >= top) {
        Some(index) => Err(DeliveryError::ReadingOutOfRange {
            index,
            value: readings[index],
        }),
        None => Ok(()),
    }
}

/// `C = Poseidon(r_1..r_N, salt)`: what a meter signs. Validates only what `C` depends on
/// (the readings' count and range, the salt below the scalar modulus), so a meter or relayer
/// can compute it without a slot, a limit or a key.
pub fn commitment(readings: &[u64], salt: &[u8; 32]) -> Result<Fr, DeliveryError> {
    check_readings(readings)?;
    let salt = fr_from_be(salt).ok_or(DeliveryError::SaltOutOfRange)?;
    Ok(poseidon_commitment(readings, salt))
}

/// The hash behind `commitment`, for inputs already checked (or deliberately not, when a
/// test hands the prover a false statement).
fn poseidon_commitment(readings: &[u64], salt: Fr) -> Fr {
    let mut inputs: Vec<Fr> = readings.iter().map(|&r| Fr::from(r)).collect();
    inputs.push(salt);
    urja_poseidon::hash(&inputs).expect("arity 16")
}

impl DeliveryWitness {
    /// Validates the inputs; the error names the offending reading.
    pub fn new(
        readings: &[u64],
        salt: [u8; 32],
        slot: u64,
        max_wh: u64,
        meter_key: [u8; 32],
        domain: [u8; 32],
    ) -> Result<Self, DeliveryError> {
        check_readings(readings)?;
        if max_wh >= 1u64 << READING_BITS {
            return Err(DeliveryError::LimitOutOfRange(max_wh));
        }
        for (index, &value) in readings.iter().enumerate() {
            if value > max_wh {
                return Err(DeliveryError::ReadingAboveLimit {
                    index,
                    value,
                    max: max_wh,
                });
            }
        }
        fr_from_be(&salt).ok_or(DeliveryError::SaltOutOfRange)?;
        let mut r = [0u64; READINGS];
        r.copy_from_slice(readings);
        Ok(Self {
            readings: r,
            salt,
            slot,
            max_wh,
            meter_key,
            domain,
        })
    }

    /// `C = Poseidon(r_1..r_N, salt)`: what the meter signs.
    pub fn commitment(&self) -> Fr {
        poseidon_commitment(&self.readings, fr_from_be(&self.salt).expect("validated"))
    }

    /// `E`: the energy delivered in the slot, Wh.
    pub fn energy(&self) -> u64 {
        self.readings.iter().sum()
    }

    /// The public input `h`.
    pub fn public_hash(&self) -> Fr {
        public_hash(
            self.commitment(),
            self.energy(),
            self.slot,
            self.max_wh,
            &self.meter_key,
            &self.domain,
        )
    }
}

/// `h = Poseidon(C, E, slot, max, K)` with `K = key_digest(key, domain)`, exactly as the
/// market contract computes it.
pub fn public_hash(
    c: Fr,
    energy: u64,
    slot: u64,
    max_wh: u64,
    key: &[u8; 32],
    domain: &[u8; 32],
) -> Fr {
    urja_poseidon::hash(&[
        c,
        Fr::from(energy),
        Fr::from(slot),
        Fr::from(max_wh),
        key_digest(key, domain),
    ])
    .expect("arity 5")
}

/// The circuit. With `witness: None` it only shapes the constraint system (setup).
#[derive(Clone, Default)]
pub struct DeliveryCircuit {
    /// The prover's witness; `None` during setup.
    pub witness: Option<DeliveryWitness>,
}

/// Constrains `x` to `[0, 2^bits)` by decomposing it into boolean witnesses.
fn enforce_bits(
    cs: &ConstraintSystemRef<Fr>,
    x: &FpVar<Fr>,
    value: Option<Fr>,
    bits: usize,
) -> Result<(), SynthesisError> {
    let le = value.map(|v| v.into_bigint().to_bits_le());
    let mut sum = FpVar::Constant(Fr::from(0u64));
    let mut weight = Fr::from(1u64);
    for i in 0..bits {
        let b = Boolean::new_witness(cs.clone(), || {
            le.as_ref()
                .map(|l| l[i])
                .ok_or(SynthesisError::AssignmentMissing)
        })?;
        sum += FpVar::from(b) * weight;
        weight = weight + weight;
    }
    sum.enforce_equal(x)
}

impl ConstraintSynthesizer<Fr> for DeliveryCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let w = self.witness.as_ref();
        let h_value = w.map(|w| w.public_hash());
        let h = FpVar::new_input(cs.clone(), || {
            h_value.ok_or(SynthesisError::AssignmentMissing)
        })?;
        let fe = |f: &dyn Fn(&DeliveryWitness) -> Fr| w.map(f);
        let alloc = |v: Option<Fr>| {
            FpVar::new_witness(cs.clone(), || v.ok_or(SynthesisError::AssignmentMissing))
        };
        let max_v = fe(&|w| Fr::from(w.max_wh));
        let max = alloc(max_v)?;
        enforce_bits(&cs, &max, max_v, READING_BITS)?;
        let mut inputs = Vec::with_capacity(READINGS + 1);
        let mut energy = FpVar::Constant(Fr::from(0u64));
        for i in 0..READINGS {
            let rv = fe(&|w| Fr::from(w.readings[i]));
            let r = alloc(rv)?;
            enforce_bits(&cs, &r, rv, READING_BITS)?;
            // max - r_i in [0, 2^16): r_i <= max (both are below 2^16).
            let head = &max - &r;
            enforce_bits(&cs, &head, max_v.zip(rv).map(|(m, r)| m - r), READING_BITS)?;
            energy += &r;
            inputs.push(r);
        }
        inputs.push(alloc(fe(&|w| fr_from_be(&w.salt).expect("validated")))?);
        let c = urja_poseidon::gadget::hash(&inputs)?;
        let slot = alloc(fe(&|w| Fr::from(w.slot)))?;
        let k = alloc(fe(&|w| key_digest(&w.meter_key, &w.domain)))?;
        let computed = urja_poseidon::gadget::hash(&[c, energy, slot, max, k])?;
        computed.enforce_equal(&h)
    }
}

/// Number of R1CS constraints of the circuit (reported by `make bench` and the docs).
pub fn constraint_count() -> usize {
    let cs = ark_relations::r1cs::ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(ark_relations::r1cs::SynthesisMode::Setup);
    DeliveryCircuit::default()
        .generate_constraints(cs.clone())
        .expect("shape");
    cs.num_constraints()
}
