//! The native hash and the gadget against the shared circomlibjs vectors (arity 1..16).

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::R1CSVar;
use ark_relations::r1cs::ConstraintSystem;
use std::str::FromStr;

fn vectors() -> Vec<(Vec<Fr>, Fr, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/vectors/poseidon.json"
    );
    let text = std::fs::read_to_string(path).expect("shared vectors at ../shared/vectors");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let inputs = e["inputs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| Fr::from_str(x.as_str().unwrap()).unwrap())
                .collect();
            let hash = Fr::from_str(e["hash"].as_str().unwrap()).unwrap();
            (inputs, hash, e["hash_hex"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn native_hash_reproduces_every_shared_vector() {
    let vs = vectors();
    assert_eq!(vs.len(), 16);
    for (inputs, expected, hex) in vs {
        let got = urja_poseidon::hash(&inputs).unwrap();
        assert_eq!(got, expected, "arity {}", inputs.len());
        let be = got.into_bigint().to_bytes_be();
        assert_eq!(format!("0x{}", hex_string(&be)), hex);
    }
}

fn hex_string(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn gadget_reproduces_every_shared_vector() {
    for (inputs, expected, _) in vectors() {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let vars: Vec<FpVar<Fr>> = inputs
            .iter()
            .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)).unwrap())
            .collect();
        let out = urja_poseidon::gadget::hash(&vars).unwrap();
        assert_eq!(out.value().unwrap(), expected);
        assert!(cs.is_satisfied().unwrap());
    }
}

#[test]
fn arity_outside_1_to_16_is_an_error() {
    assert_eq!(
        urja_poseidon::hash(&[]).unwrap_err(),
        urja_poseidon::PoseidonError::Arity(0)
    );
    assert!(urja_poseidon::hash(&[Fr::from(1u64); 17]).is_err());
}
