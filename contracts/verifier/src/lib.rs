//! Groth16 verifier over BN254 with Stellar's X-Ray host functions.
//!
//! Verifying keys are stored per circuit id (`docs/zk.md` gives the byte layout) and can be
//! replaced only by the admin, the community's governance. `verify` checks
//! the encoding of every input first and answers with a contract error for anything
//! malformed — wrong lengths, flag bits, coordinates or scalars not below their modulus,
//! G1 points off the curve — then combines the public inputs with one `g1_msm` and decides
//! with one multi-pairing: `e(-A, B) e(alpha, beta) e(vk_x, gamma) e(C, delta) = 1`.
//!
//! `set_key` refuses, with a named error, every key the pairing host function would trap on
//! or that admits forged proofs: G2 points off the twist or outside the order-r subgroup
//! (checked in WASM on arkworks' `ark-bn254`, since no host function checks G2), points at
//! infinity, and `beta`, `gamma`, `delta` equal or opposite to one another (see
//! [`check_key`]). The proof's own `B` is not checked before the pairing, which traps on a
//! bad one: that is the one malformed input that aborts rather than returning an error.
#![no_std]

#[cfg(test)]
mod test;

mod poseidon;

use ark_bn254::{Fq, Fq12Config, Fq2, Fq6Config, G2Affine, G2Projective};
use ark_ec::AffineRepr;
use ark_ff::{AdditiveGroup, BigInt, Field, Fp12Config, Fp6Config, PrimeField};

use soroban_sdk::crypto::bn254::{Bn254Fr, Bn254G1Affine, Bn254G2Affine};
use soroban_sdk::{
    contract, contracterror, contractevent, contractimpl, contracttype, vec, Address, Bytes,
    BytesN, Env, Vec, U256,
};
use urja_interfaces::domain::DELIVERY_TAG;
use urja_interfaces::ttl_storage::{bump_instance, load, store};
use urja_interfaces::{admin, DeliveryClaim};

/// Verifier errors; codes are stable and documented in docs/contracts.md.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum VerifierError {
    /// No verifying key is stored for this circuit id.
    UnknownCircuit = 1,
    /// The verifying key is not 448 + 64 * (inputs + 1) bytes.
    BadKeyLength = 2,
    /// The proof is not 256 bytes.
    BadProofLength = 3,
    /// The number of public inputs does not match the key.
    WrongInputCount = 4,
    /// A public input is not below the scalar field modulus.
    InputNotInField = 5,
    /// A point has flag bits set or a coordinate not below the base field modulus.
    BadPointEncoding = 6,
    /// A G1 point is not on the curve.
    PointNotOnCurve = 7,
    /// The Poseidon parameters offered are not circomlib's for a width the contract uses.
    PoseidonParamsMismatch = 8,
    /// The Poseidon parameters for this width have not been installed yet.
    PoseidonNotInstalled = 9,
    /// A key's G2 point (beta, gamma or delta) is not on the curve y^2 = x^3 + 3/(9+u).
    G2NotOnCurve = 10,
    /// A key's G2 point (beta, gamma or delta) is on the curve but outside the order-r subgroup.
    G2NotInSubgroup = 11,
    /// A key point (alpha, beta, gamma, delta or an IC point) is the point at infinity.
    PointAtInfinity = 12,
    /// The key's gamma equals delta or its negation: proofs could be forged without a witness.
    GammaIsDelta = 13,
    /// The key's beta equals gamma or its negation: proofs could be forged without a witness.
    BetaIsGamma = 14,
    /// The key's beta equals delta or its negation: proofs could be forged without a witness.
    BetaIsDelta = 15,
}

#[contracttype]
#[derive(Clone)]
enum Key {
    Vk(u32),
    Poseidon(u32),
}

/// Emitted when a circuit's verifying key is set or replaced; carries the whole key so an
/// auditor can verify every proof off-chain with the very key the chain used.
#[contractevent(topics = ["vk_set"], data_format = "single-value")]
pub struct KeySet {
    #[topic]
    pub circuit_id: u32,
    pub vk: Bytes,
}

/// Emitted when Poseidon parameters for state width `t` are installed.
#[contractevent(topics = ["poseidon"], data_format = "single-value")]
pub struct PoseidonSet {
    pub t: u32,
}

const FP_MODULUS: [u8; 32] = [
    0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
    0x97, 0x81, 0x6a, 0x91, 0x68, 0x71, 0xca, 0x8d, 0x3c, 0x20, 0x8c, 0x16, 0xd8, 0x7c, 0xfd, 0x47,
];
const FR_MODULUS: [u8; 32] = [
    0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
    0x28, 0x33, 0xe8, 0x48, 0x79, 0xb9, 0x70, 0x91, 0x43, 0xe1, 0xf5, 0x93, 0xf0, 0x00, 0x00, 0x01,
];
const G1: u32 = 64;
const G2: u32 = 128;
const VK_FIXED: u32 = G1 + 3 * G2;
const PROOF: u32 = 2 * G1 + G2;

/// Checks every 32-byte coordinate of an encoded point is below the base field modulus
/// (which also rules out the two flag bits).
fn check_coordinates(b: &Bytes) -> Result<(), VerifierError> {
    let mut c = [0u8; 32];
    for k in 0..b.len() / 32 {
        b.slice(k * 32..(k + 1) * 32).copy_into_slice(&mut c);
        if c >= FP_MODULUS {
            return Err(VerifierError::BadPointEncoding);
        }
    }
    Ok(())
}

fn g1(env: &Env, b: &Bytes, at: u32) -> Result<Bn254G1Affine, VerifierError> {
    let s = b.slice(at..at + G1);
    check_coordinates(&s)?;
    let p = Bn254G1Affine::from_bytes(
        BytesN::try_from(s).map_err(|_| VerifierError::BadPointEncoding)?,
    );
    if !env.crypto().bn254().g1_is_on_curve(&p) {
        return Err(VerifierError::PointNotOnCurve);
    }
    Ok(p)
}

fn g2(b: &Bytes, at: u32) -> Result<Bn254G2Affine, VerifierError> {
    let s = b.slice(at..at + G2);
    check_coordinates(&s)?;
    Ok(Bn254G2Affine::from_bytes(
        BytesN::try_from(s).map_err(|_| VerifierError::BadPointEncoding)?,
    ))
}

/// BN254's seed: p, r and the trace are polynomials in it.
const SEED: u64 = 4_965_661_367_192_848_881;

/// True when a point of the twist curve lies in G2, the order-r subgroup, by the test of
/// Dai, Lin, Zhao and Zhou ("Fast subgroup membership testings for G1, G2 and GT on
/// pairing-friendly curves", eprint 2022/348; for BN254 see Sanso and Liang, "Fast G2
/// subgroup check in BN254", ethresear.ch/t/13974):
/// `[x+1]Q + psi([x]Q) + psi^2([x]Q) = psi^3([2x]Q)`, valid because the seed x is neither
/// 4 mod 13 nor 92 mod 97 (`the_g2_membership_test_agrees_with_the_order`). `psi` is the
/// untwist-Frobenius-twist endomorphism `(x, y) -> (x^p * xi^((p-1)/3), y^p * xi^((p-1)/2))`
/// with `xi = 9 + u`; its constants are arkworks' Frobenius coefficients. One 63-bit scalar
/// multiplication, where arkworks' own test (`psi(Q) = [6x^2]Q`) needs a 127-bit one and
/// `[r]Q = 0` a 254-bit one: in WASM each G2 point costs tens of millions of instructions.
fn in_g2(q: &G2Affine) -> bool {
    let c = Fq12Config::FROBENIUS_COEFF_FP12_C1[1]; // xi^((p-1)/6)
    let (cx, cy) = (Fq6Config::FROBENIUS_COEFF_FP6_C1[1], c * c * c);
    // On Jacobian coordinates (x = X/Z^2, y = Y/Z^3): the Frobenius is a field automorphism.
    let psi = |p: G2Projective| {
        let (mut x, mut y, mut z) = (p.x, p.y, p.z);
        x.frobenius_map_in_place(1);
        y.frobenius_map_in_place(1);
        z.frobenius_map_in_place(1);
        G2Projective::new_unchecked(x * cx, y * cy, z)
    };
    let xq = q.mul_bigint([SEED]);
    let lhs = xq + q + psi(xq) + psi(psi(xq));
    lhs == psi(psi(psi(xq.double())))
}

/// Checks a key's G2 point: in range, not the point at infinity, on the twist curve and in the
/// order-r subgroup ([`in_g2`]). Returns the 128 encoded bytes.
///
/// No host function checks G2 membership and the pairing host function traps on a bad point,
/// so the check runs in WASM on arkworks' `ark-bn254` arithmetic (the library the project's
/// prover uses). Parity's `substrate-bn` was measured first: its `[r]Q` check alone exceeded
/// the 400 M instruction limit for one point in WASM.
/// Contract encoding is `x.c1 || x.c0 || y.c1 || y.c0`; `Fq2::new` takes `(c0, c1)`.
fn g2_key_point(b: &Bytes, at: u32) -> Result<[u8; 128], VerifierError> {
    let s = b.slice(at..at + G2);
    check_coordinates(&s)?;
    let mut p = [0u8; 128];
    s.copy_into_slice(&mut p);
    if p == [0u8; 128] {
        return Err(VerifierError::PointAtInfinity);
    }
    let fq = |k: usize| {
        let mut limbs = [0u64; 4];
        for (i, l) in limbs.iter_mut().enumerate() {
            let at = 32 * k + 24 - 8 * i;
            *l = u64::from_be_bytes(p[at..at + 8].try_into().unwrap_or_default());
        }
        Fq::from_bigint(BigInt::new(limbs)).ok_or(VerifierError::BadPointEncoding)
    };
    let q = G2Affine::new_unchecked(Fq2::new(fq(1)?, fq(0)?), Fq2::new(fq(3)?, fq(2)?));
    if !q.is_on_curve() {
        return Err(VerifierError::G2NotOnCurve);
    }
    if !in_g2(&q) {
        return Err(VerifierError::G2NotInSubgroup);
    }
    Ok(p)
}

/// Checks a key's G1 point: in range, not the point at infinity, on the curve (BN254's G1
/// has cofactor 1, so on the curve means in the group).
fn g1_key_point(env: &Env, b: &Bytes, at: u32) -> Result<(), VerifierError> {
    let mut p = [0u8; 64];
    b.slice(at..at + G1).copy_into_slice(&mut p);
    if p == [0u8; 64] {
        return Err(VerifierError::PointAtInfinity);
    }
    g1(env, b, at).map(|_| ())
}

/// True when two valid G2 points are equal or opposite: on `y^2 = x^3 + b` a nonzero
/// point shares its x-coordinate only with itself and its negation.
fn same_or_opposite(p: &[u8; 128], q: &[u8; 128]) -> bool {
    p[..64] == q[..64]
}

/// Validates a key's layout and points; returns its number of public inputs.
///
/// Beyond the encoding, a key is refused when it is *degenerate*: an output that Groth16's
/// setup (Groth, "On the Size of Pairing-Based Non-interactive Arguments", EUROCRYPT 2016,
/// eprint 2016/260: alpha, beta, gamma, delta drawn independently from the nonzero scalars)
/// produces only with negligible probability and that lets anyone forge proofs. With
/// `e(A, B) = e(alpha, beta) e(vk_x, gamma) e(C, delta)` as the check:
/// - any point at infinity: `alpha` or `beta` = 0 is met by `A = vk_x, B = gamma, C = 0`;
///   `gamma` = 0 by `A = alpha, B = beta, C = 0`; `delta` = 0 leaves `C` unconstrained; an
///   IC point = 0 means its public input is not bound by the proof at all;
/// - `gamma = ±delta`: `e(vk_x, gamma) e(C, ±gamma)` lets a prover move public-input terms
///   into `C`: `A = alpha, B = beta, C = ∓vk_x` verifies for any input. It is what a snarkjs
///   key with no phase-2 contribution looks like (both the G2 generator; zkSecurity, "Groth16
///   setup exploit", blog.zksecurity.xyz/posts/groth16-setup-exploit; snarkjs PR 620 refuses
///   such keys);
/// - `beta = ±gamma`: `A = alpha ± vk_x, B = beta, C = 0` verifies for any input;
/// - `beta = ±delta`: `A = vk_x, B = gamma, C = ∓alpha` verifies for any input.
///
/// Any *known* scalar relation between two of beta, gamma, delta allows the same forgeries;
/// only ±1 can be recognised without a discrete logarithm, and a real ceremony never
/// produces a known one.
fn check_key(env: &Env, vk: &Bytes) -> Result<u32, VerifierError> {
    if vk.len() < VK_FIXED + 2 * G1 || !(vk.len() - VK_FIXED).is_multiple_of(G1) {
        return Err(VerifierError::BadKeyLength);
    }
    g1_key_point(env, vk, 0)?;
    let n = (vk.len() - VK_FIXED) / G1;
    for i in 0..n {
        g1_key_point(env, vk, VK_FIXED + i * G1)?;
    }
    let beta = g2_key_point(vk, G1)?;
    let gamma = g2_key_point(vk, G1 + G2)?;
    let delta = g2_key_point(vk, G1 + 2 * G2)?;
    if same_or_opposite(&gamma, &delta) {
        return Err(VerifierError::GammaIsDelta);
    }
    if same_or_opposite(&beta, &gamma) {
        return Err(VerifierError::BetaIsGamma);
    }
    if same_or_opposite(&beta, &delta) {
        return Err(VerifierError::BetaIsDelta);
    }
    Ok(n - 1)
}

#[contract]
pub struct Verifier;

urja_interfaces::admin_entry_points!(Verifier);

#[contractimpl]
impl Verifier {
    /// Deploys the verifier with its admin (the community's governance), the only one who
    /// may install verifying keys.
    pub fn __constructor(env: Env, admin: Address) {
        admin::init(&env, &admin);
        bump_instance(&env);
    }

    /// Installs or replaces the verifying key of `circuit_id`. Admin only; the key is
    /// validated before it is stored (layout, field ranges, every point on its curve and in
    /// its group, no point at infinity, beta, gamma and delta pairwise neither equal nor
    /// opposite); a refused key leaves the stored one in force.
    pub fn set_key(env: Env, circuit_id: u32, vk: Bytes) -> Result<(), VerifierError> {
        admin::require(&env);
        check_key(&env, &vk)?;
        store(&env, &Key::Vk(circuit_id), &vk);
        KeySet { circuit_id, vk }.publish(&env);
        bump_instance(&env);
        Ok(())
    }

    /// Installs circomlib's Poseidon parameters for one state width (3 or 6), in the
    /// layout of `poseidon_bn254_x5.bin` (`docs/zk.md`). Anyone may call it: the bytes are
    /// accepted only when they hash to the value compiled into the contract, so nobody can
    /// install other constants. Kept in storage because as code they would not fit the
    /// WASM size limit.
    pub fn set_poseidon(env: Env, params: Bytes) -> Result<u32, VerifierError> {
        let t = poseidon::install(&env, &params)?;
        PoseidonSet { t }.publish(&env);
        bump_instance(&env);
        Ok(t)
    }

    /// The verifying key stored for `circuit_id`, if any.
    pub fn key(env: Env, circuit_id: u32) -> Option<Bytes> {
        load(&env, &Key::Vk(circuit_id))
    }

    /// The delivery statement's public input
    /// `h = Poseidon(C, E, slot, max, Poseidon(Poseidon(key_hi, key_lo), D))`, where `D` is
    /// the first 31 bytes of the market's `domain` (`docs/formats.md`), computed with the
    /// Poseidon host function.
    pub fn delivery_input(
        env: Env,
        domain: BytesN<32>,
        claim: DeliveryClaim,
    ) -> Result<BytesN<32>, VerifierError> {
        if claim.commitment.to_array() >= FR_MODULUS {
            return Err(VerifierError::InputNotInField);
        }
        let key = claim.meter.to_array();
        let half = |b: &[u8]| {
            let mut x = [0u8; 16];
            x.copy_from_slice(b);
            U256::from_u128(&env, u128::from_be_bytes(x))
        };
        let mut d = [0u8; 32];
        d[1..].copy_from_slice(&domain.to_array()[..31]);
        let key_digest = poseidon::hash(&env, vec![&env, half(&key[..16]), half(&key[16..])])?;
        let k = poseidon::hash(
            &env,
            vec![
                &env,
                key_digest,
                U256::from_be_bytes(&env, &Bytes::from_array(&env, &d)),
            ],
        )?;
        let h = poseidon::hash(
            &env,
            vec![
                &env,
                U256::from_be_bytes(&env, &claim.commitment.into()),
                U256::from_u128(&env, claim.energy_wh as u128),
                U256::from_u128(&env, claim.slot as u128),
                U256::from_u128(&env, claim.max_wh_per_reading as u128),
                k,
            ],
        )?;
        BytesN::try_from(h.to_be_bytes()).map_err(|_| VerifierError::InputNotInField)
    }

    /// Verifies a meter's delivery for the market of `domain` (`docs/formats.md`): the
    /// meter's ed25519 signature over `"URJA/delivery/v2" || domain || meter || slot (u64
    /// BE) || commitment` (the host function aborts the call on a bad signature), then the
    /// Groth16 `proof` against the public input computed from the claim.
    pub fn verify_delivery(
        env: Env,
        circuit_id: u32,
        domain: BytesN<32>,
        claim: DeliveryClaim,
        proof: Bytes,
    ) -> Result<bool, VerifierError> {
        let mut msg = Bytes::from_slice(&env, DELIVERY_TAG);
        msg.append(&domain.clone().into());
        msg.append(&claim.meter.clone().into());
        msg.extend_from_array(&claim.slot.to_be_bytes());
        msg.append(&claim.commitment.clone().into());
        env.crypto()
            .ed25519_verify(&claim.meter, &msg, &claim.signature);
        let h = Self::delivery_input(env.clone(), domain, claim)?;
        Self::verify(env.clone(), circuit_id, proof, vec![&env, h])
    }

    /// True when `proof` verifies for `public_inputs` (big-endian scalars) under the key of
    /// `circuit_id`; an error for malformed input.
    pub fn verify(
        env: Env,
        circuit_id: u32,
        proof: Bytes,
        public_inputs: Vec<BytesN<32>>,
    ) -> Result<bool, VerifierError> {
        let vk: Bytes = load(&env, &Key::Vk(circuit_id)).ok_or(VerifierError::UnknownCircuit)?;
        if proof.len() != PROOF {
            return Err(VerifierError::BadProofLength);
        }
        let n = (vk.len() - VK_FIXED) / G1;
        if public_inputs.len() + 1 != n {
            return Err(VerifierError::WrongInputCount);
        }
        let bn = env.crypto().bn254();
        let a = g1(&env, &proof, 0)?;
        let b = g2(&proof, G1)?;
        let c = g1(&env, &proof, G1 + G2)?;
        let mut points = Vec::new(&env);
        let mut scalars = Vec::new(&env);
        for (i, x) in public_inputs.iter().enumerate() {
            if x.to_array() >= FR_MODULUS {
                return Err(VerifierError::InputNotInField);
            }
            let at = VK_FIXED + (i as u32 + 1) * G1;
            points.push_back(Bn254G1Affine::from_bytes(
                BytesN::try_from(vk.slice(at..at + G1)).map_err(|_| VerifierError::BadKeyLength)?,
            ));
            scalars.push_back(Bn254Fr::from_u256(U256::from_be_bytes(&env, &x.into())));
        }
        let ic0 = Bn254G1Affine::from_bytes(
            BytesN::try_from(vk.slice(VK_FIXED..VK_FIXED + G1))
                .map_err(|_| VerifierError::BadKeyLength)?,
        );
        let vk_x = bn.g1_add(&ic0, &bn.g1_msm(points, scalars));
        let alpha = Bn254G1Affine::from_bytes(
            BytesN::try_from(vk.slice(0..G1)).map_err(|_| VerifierError::BadKeyLength)?,
        );
        let g2_at = |k: u32| g2(&vk, G1 + k * G2);
        let g1s = Vec::from_array(&env, [-a, alpha, vk_x, c]);
        let g2s = Vec::from_array(&env, [b, g2_at(0)?, g2_at(1)?, g2_at(2)?]);
        Ok(bn.pairing_check(g1s, g2s))
    }
}
