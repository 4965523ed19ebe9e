//! Groth16 verifier over BN254 with Stellar's X-Ray host functions.
//!
//! Verifying keys are stored per circuit id (`docs/zk.md` gives the byte layout) and can be
//! replaced only by the admin, which governance becomes after bootstrap. `verify` checks
//! the encoding of every input first and answers with a contract error for anything
//! malformed — wrong lengths, flag bits, coordinates or scalars not below their modulus,
//! G1 points off the curve — then combines the public inputs with one `g1_msm` and decides
//! with one multi-pairing: `e(-A, B) e(alpha, beta) e(vk_x, gamma) e(C, delta) = 1`.
//! A G2 point that is off the curve or outside the subgroup cannot be detected before the
//! pairing host function, which traps on it; that is the one malformed input that aborts
//! rather than returning an error.
#![no_std]

#[cfg(test)]
mod test;

mod poseidon;

use soroban_sdk::crypto::bn254::{Bn254Fr, Bn254G1Affine, Bn254G2Affine};
use soroban_sdk::{
    contract, contracterror, contractevent, contractimpl, contracttype, vec, Address, Bytes,
    BytesN, Env, Vec, U256,
};
use urja_interfaces::ttl_storage::{bump_instance, load, store};

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
}

#[contracttype]
#[derive(Clone)]
enum Key {
    Admin,
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

/// Emitted when the admin (bootstrap deployer, then governance) changes.
#[contractevent(topics = ["set_admin"], data_format = "single-value")]
pub struct AdminChanged {
    pub admin: Address,
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

/// Validates a key's layout and G1 points; returns its number of public inputs.
fn check_key(env: &Env, vk: &Bytes) -> Result<u32, VerifierError> {
    if vk.len() < VK_FIXED + 2 * G1 || !(vk.len() - VK_FIXED).is_multiple_of(G1) {
        return Err(VerifierError::BadKeyLength);
    }
    g1(env, vk, 0)?;
    for k in 0..3 {
        g2(vk, G1 + k * G2)?;
    }
    let n = (vk.len() - VK_FIXED) / G1;
    for i in 0..n {
        g1(env, vk, VK_FIXED + i * G1)?;
    }
    Ok(n - 1)
}

#[contract]
pub struct Verifier;

#[contractimpl]
impl Verifier {
    /// Sets the admin allowed to install keys (hand it to governance after bootstrap).
    pub fn __constructor(env: Env, admin: Address) {
        store(&env, &Key::Admin, &admin);
        bump_instance(&env);
    }

    /// Current admin.
    pub fn admin(env: Env) -> Address {
        load(&env, &Key::Admin).expect("set in constructor")
    }

    /// Hands the admin role over (bootstrap deployer to governance). Admin only.
    pub fn set_admin(env: Env, new_admin: Address) {
        Self::admin(env.clone()).require_auth();
        store(&env, &Key::Admin, &new_admin);
        AdminChanged { admin: new_admin }.publish(&env);
        bump_instance(&env);
    }

    /// Installs or replaces the verifying key of `circuit_id`. Admin only; the key is
    /// validated (layout, field ranges, G1 points on the curve) before it is stored.
    pub fn set_key(env: Env, circuit_id: u32, vk: Bytes) -> Result<(), VerifierError> {
        Self::admin(env.clone()).require_auth();
        check_key(&env, &vk)?;
        store(&env, &Key::Vk(circuit_id), &vk);
        KeySet { circuit_id, vk }.publish(&env);
        bump_instance(&env);
        Ok(())
    }

    /// Installs circomlib's Poseidon parameters for one state width (3 or 6), in the
    /// layout of `poseidon_bn254_x5.bin` (`docs/zk.md`). Admin only; accepted only when the
    /// bytes hash to the value compiled into the contract, so nobody can install other
    /// constants. Kept in storage because as code they would not fit the WASM size limit.
    pub fn set_poseidon(env: Env, params: Bytes) -> Result<u32, VerifierError> {
        Self::admin(env.clone()).require_auth();
        let t = poseidon::install(&env, &params)?;
        PoseidonSet { t }.publish(&env);
        bump_instance(&env);
        Ok(t)
    }

    /// The verifying key stored for `circuit_id`, if any.
    pub fn key(env: Env, circuit_id: u32) -> Option<Bytes> {
        load(&env, &Key::Vk(circuit_id))
    }

    /// The delivery statement's public input `h = Poseidon(C, E, slot, max, K)` with
    /// `K = Poseidon(key_hi, key_lo)`, computed with the Poseidon host function.
    pub fn delivery_input(
        env: Env,
        commitment: BytesN<32>,
        energy_wh: u64,
        slot: u64,
        max_wh_per_minute: u32,
        meter: BytesN<32>,
    ) -> Result<BytesN<32>, VerifierError> {
        if commitment.to_array() >= FR_MODULUS {
            return Err(VerifierError::InputNotInField);
        }
        let key = meter.to_array();
        let half = |b: &[u8]| {
            let mut x = [0u8; 16];
            x.copy_from_slice(b);
            U256::from_u128(&env, u128::from_be_bytes(x))
        };
        let k = poseidon::hash(&env, vec![&env, half(&key[..16]), half(&key[16..])])?;
        let h = poseidon::hash(
            &env,
            vec![
                &env,
                U256::from_be_bytes(&env, &commitment.into()),
                U256::from_u128(&env, energy_wh as u128),
                U256::from_u128(&env, slot as u128),
                U256::from_u128(&env, max_wh_per_minute as u128),
                k,
            ],
        )?;
        BytesN::try_from(h.to_be_bytes()).map_err(|_| VerifierError::InputNotInField)
    }

    /// Verifies a meter's delivery (`docs/zk.md`): the meter's ed25519 `signature` over
    /// `"URJA/delivery/v1" || meter || slot (u64 BE) || commitment` (the host function
    /// aborts the call on a bad signature), then the Groth16 `proof` against the public
    /// input computed from the values the market checked.
    #[allow(clippy::too_many_arguments)]
    pub fn verify_delivery(
        env: Env,
        circuit_id: u32,
        proof: Bytes,
        commitment: BytesN<32>,
        energy_wh: u64,
        slot: u64,
        max_wh_per_minute: u32,
        meter: BytesN<32>,
        signature: BytesN<64>,
    ) -> Result<bool, VerifierError> {
        let mut msg = Bytes::from_slice(&env, b"URJA/delivery/v1");
        msg.append(&meter.clone().into());
        msg.extend_from_array(&slot.to_be_bytes());
        msg.append(&commitment.clone().into());
        env.crypto().ed25519_verify(&meter, &msg, &signature);
        let h = Self::delivery_input(
            env.clone(),
            commitment,
            energy_wh,
            slot,
            max_wh_per_minute,
            meter,
        )?;
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
