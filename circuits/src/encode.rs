//! Byte and JSON encodings of verifying keys, proofs and public inputs.
//!
//! Contract bytes (what the verifier contract stores and takes), Ethereum-style as the
//! Soroban BN254 host functions expect: G1 = `x || y` (32-byte big-endian each), G2 =
//! `x.c1 || x.c0 || y.c1 || y.c0`, infinity = all zeros. Verifying key = `alpha (G1) ||
//! beta (G2) || gamma (G2) || delta (G2) || IC_0 .. IC_n (G1)`; proof = `A (G1) || B (G2)
//! || C (G1)`, 256 bytes; public inputs = 32-byte big-endian scalars.
//!
//! snarkjs JSON (`verification_key.json`, `proof.json`, `public.json`) as snarkjs 0.7
//! writes for Groth16 on `bn128`: decimal strings, projective with `z = 1`.

use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField, Zero};
use ark_groth16::{Proof, VerifyingKey};
use serde_json::{json, Value};
use std::str::FromStr;

/// Length of an encoded proof.
pub const PROOF_BYTES: usize = 256;
/// Length of the fixed part of an encoded verifying key (before the IC points).
pub const VK_FIXED_BYTES: usize = 64 + 3 * 128;

fn fq_be(x: &Fq) -> [u8; 32] {
    let v = x.into_bigint().to_bytes_be();
    let mut out = [0u8; 32];
    out[32 - v.len()..].copy_from_slice(&v);
    out
}

fn fq_from_be(b: &[u8]) -> Result<Fq, String> {
    let x = Fq::from_be_bytes_mod_order(b);
    if fq_be(&x)[..] != b[..] {
        return Err("coordinate not below the base field modulus".into());
    }
    Ok(x)
}

/// G1 point as 64 contract bytes.
pub fn g1_bytes(p: &G1Affine) -> [u8; 64] {
    let mut out = [0u8; 64];
    if let Some((x, y)) = p.xy() {
        out[..32].copy_from_slice(&fq_be(&x));
        out[32..].copy_from_slice(&fq_be(&y));
    }
    out
}

/// G2 point as 128 contract bytes.
pub fn g2_bytes(p: &G2Affine) -> [u8; 128] {
    let mut out = [0u8; 128];
    if let Some((x, y)) = p.xy() {
        for (k, c) in [x.c1, x.c0, y.c1, y.c0].iter().enumerate() {
            out[32 * k..32 * (k + 1)].copy_from_slice(&fq_be(c));
        }
    }
    out
}

/// Parses 64 contract bytes, checking the point is on the curve.
pub fn g1_from_bytes(b: &[u8]) -> Result<G1Affine, String> {
    if b.len() != 64 {
        return Err(format!("G1 point must be 64 bytes, got {}", b.len()));
    }
    if b.iter().all(|&x| x == 0) {
        return Ok(G1Affine::zero());
    }
    let p = G1Affine::new_unchecked(fq_from_be(&b[..32])?, fq_from_be(&b[32..])?);
    if !p.is_on_curve() {
        return Err("G1 point not on the curve".into());
    }
    Ok(p)
}

/// Parses 128 contract bytes, checking curve and subgroup membership.
pub fn g2_from_bytes(b: &[u8]) -> Result<G2Affine, String> {
    if b.len() != 128 {
        return Err(format!("G2 point must be 128 bytes, got {}", b.len()));
    }
    if b.iter().all(|&x| x == 0) {
        return Ok(G2Affine::zero());
    }
    let c = |k: usize| fq_from_be(&b[32 * k..32 * (k + 1)]);
    let p = G2Affine::new_unchecked(Fq2::new(c(1)?, c(0)?), Fq2::new(c(3)?, c(2)?));
    if !p.is_on_curve() || !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err("G2 point not on the curve or not in the subgroup".into());
    }
    Ok(p)
}

/// Verifying key as contract bytes.
pub fn vk_bytes(vk: &VerifyingKey<Bn254>) -> Vec<u8> {
    let mut out = Vec::with_capacity(VK_FIXED_BYTES + 64 * vk.gamma_abc_g1.len());
    out.extend_from_slice(&g1_bytes(&vk.alpha_g1));
    out.extend_from_slice(&g2_bytes(&vk.beta_g2));
    out.extend_from_slice(&g2_bytes(&vk.gamma_g2));
    out.extend_from_slice(&g2_bytes(&vk.delta_g2));
    for p in &vk.gamma_abc_g1 {
        out.extend_from_slice(&g1_bytes(p));
    }
    out
}

/// Parses a verifying key from contract bytes.
pub fn vk_from_bytes(b: &[u8]) -> Result<VerifyingKey<Bn254>, String> {
    if b.len() < VK_FIXED_BYTES + 64 || !(b.len() - VK_FIXED_BYTES).is_multiple_of(64) {
        return Err(format!("verifying key has a bad length: {} bytes", b.len()));
    }
    Ok(VerifyingKey {
        alpha_g1: g1_from_bytes(&b[..64])?,
        beta_g2: g2_from_bytes(&b[64..192])?,
        gamma_g2: g2_from_bytes(&b[192..320])?,
        delta_g2: g2_from_bytes(&b[320..448])?,
        gamma_abc_g1: b[VK_FIXED_BYTES..]
            .chunks(64)
            .map(g1_from_bytes)
            .collect::<Result<_, _>>()?,
    })
}

/// Proof as 256 contract bytes.
pub fn proof_bytes(p: &Proof<Bn254>) -> [u8; PROOF_BYTES] {
    let mut out = [0u8; PROOF_BYTES];
    out[..64].copy_from_slice(&g1_bytes(&p.a));
    out[64..192].copy_from_slice(&g2_bytes(&p.b));
    out[192..].copy_from_slice(&g1_bytes(&p.c));
    out
}

/// Parses a proof from contract bytes.
pub fn proof_from_bytes(b: &[u8]) -> Result<Proof<Bn254>, String> {
    if b.len() != PROOF_BYTES {
        return Err(format!(
            "proof must be {PROOF_BYTES} bytes, got {}",
            b.len()
        ));
    }
    Ok(Proof {
        a: g1_from_bytes(&b[..64])?,
        b: g2_from_bytes(&b[64..192])?,
        c: g1_from_bytes(&b[192..])?,
    })
}

fn dec<F: PrimeField>(x: &F) -> Value {
    Value::String(x.into_bigint().to_string())
}

fn g1_json(p: &G1Affine) -> Value {
    match p.xy() {
        Some((x, y)) => json!([dec(&x), dec(&y), "1"]),
        None => json!(["0", "1", "0"]),
    }
}

fn g2_json(p: &G2Affine) -> Value {
    match p.xy() {
        Some((x, y)) => json!([
            [dec(&x.c0), dec(&x.c1)],
            [dec(&y.c0), dec(&y.c1)],
            ["1", "0"]
        ]),
        None => json!([["0", "0"], ["1", "0"], ["0", "0"]]),
    }
}

/// snarkjs `verification_key.json`.
pub fn vk_snarkjs(vk: &VerifyingKey<Bn254>) -> Value {
    json!({
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": vk.gamma_abc_g1.len() - 1,
        "vk_alpha_1": g1_json(&vk.alpha_g1),
        "vk_beta_2": g2_json(&vk.beta_g2),
        "vk_gamma_2": g2_json(&vk.gamma_g2),
        "vk_delta_2": g2_json(&vk.delta_g2),
        "IC": vk.gamma_abc_g1.iter().map(g1_json).collect::<Vec<_>>(),
    })
}

/// snarkjs `proof.json`.
pub fn proof_snarkjs(p: &Proof<Bn254>) -> Value {
    json!({
        "pi_a": g1_json(&p.a),
        "pi_b": g2_json(&p.b),
        "pi_c": g1_json(&p.c),
        "protocol": "groth16",
        "curve": "bn128",
    })
}

/// snarkjs `public.json`.
pub fn public_snarkjs(inputs: &[Fr]) -> Value {
    Value::Array(inputs.iter().map(dec).collect())
}

fn num<F: PrimeField + FromStr>(v: &Value, what: &str) -> Result<F, String> {
    let s = v
        .as_str()
        .ok_or_else(|| format!("{what}: expected a decimal string"))?;
    let x = F::from_str(s).map_err(|_| format!("{what}: bad number {s:?}"))?;
    // from_str reduces; a value at or above the modulus would not print back the same.
    if x.into_bigint().to_string() != s {
        return Err(format!("{what}: {s} is not a canonical field element"));
    }
    Ok(x)
}

fn g1_from_json(v: &Value, what: &str) -> Result<G1Affine, String> {
    let a = v
        .as_array()
        .filter(|a| a.len() == 3)
        .ok_or(format!("{what}: expected [x, y, z]"))?;
    let z: Fq = num(&a[2], what)?;
    if z.is_zero() {
        return Ok(G1Affine::zero());
    }
    if z != Fq::from(1u64) {
        return Err(format!("{what}: expected affine coordinates (z = 1)"));
    }
    let p = G1Affine::new_unchecked(num(&a[0], what)?, num(&a[1], what)?);
    p.is_on_curve()
        .then_some(p)
        .ok_or(format!("{what}: not on the curve"))
}

fn g2_from_json(v: &Value, what: &str) -> Result<G2Affine, String> {
    let a = v
        .as_array()
        .filter(|a| a.len() == 3)
        .ok_or(format!("{what}: expected [x, y, z]"))?;
    let pair = |v: &Value| -> Result<Fq2, String> {
        let p = v
            .as_array()
            .filter(|p| p.len() == 2)
            .ok_or(format!("{what}: expected [c0, c1]"))?;
        Ok(Fq2::new(num(&p[0], what)?, num(&p[1], what)?))
    };
    let z = pair(&a[2])?;
    if z.is_zero() {
        return Ok(G2Affine::zero());
    }
    if z != Fq2::new(Fq::from(1u64), Fq::zero()) {
        return Err(format!("{what}: expected affine coordinates (z = 1)"));
    }
    let p = G2Affine::new_unchecked(pair(&a[0])?, pair(&a[1])?);
    (p.is_on_curve() && p.is_in_correct_subgroup_assuming_on_curve())
        .then_some(p)
        .ok_or(format!("{what}: not on the curve or not in the subgroup"))
}

/// Reads snarkjs `verification_key.json`.
pub fn vk_from_snarkjs(v: &Value) -> Result<VerifyingKey<Bn254>, String> {
    if v["protocol"] != "groth16" || v["curve"] != "bn128" {
        return Err("verification key: expected protocol groth16 on curve bn128".into());
    }
    let ic = v["IC"].as_array().ok_or("verification key: missing IC")?;
    Ok(VerifyingKey {
        alpha_g1: g1_from_json(&v["vk_alpha_1"], "vk_alpha_1")?,
        beta_g2: g2_from_json(&v["vk_beta_2"], "vk_beta_2")?,
        gamma_g2: g2_from_json(&v["vk_gamma_2"], "vk_gamma_2")?,
        delta_g2: g2_from_json(&v["vk_delta_2"], "vk_delta_2")?,
        gamma_abc_g1: ic
            .iter()
            .enumerate()
            .map(|(i, p)| g1_from_json(p, &format!("IC[{i}]")))
            .collect::<Result<_, _>>()?,
    })
}

/// Reads snarkjs `proof.json`.
pub fn proof_from_snarkjs(v: &Value) -> Result<Proof<Bn254>, String> {
    Ok(Proof {
        a: g1_from_json(&v["pi_a"], "pi_a")?,
        b: g2_from_json(&v["pi_b"], "pi_b")?,
        c: g1_from_json(&v["pi_c"], "pi_c")?,
    })
}

/// Reads snarkjs `public.json`.
pub fn public_from_snarkjs(v: &Value) -> Result<Vec<Fr>, String> {
    v.as_array()
        .ok_or("public inputs: expected an array")?
        .iter()
        .enumerate()
        .map(|(i, x)| num(x, &format!("public[{i}]")))
        .collect()
}
