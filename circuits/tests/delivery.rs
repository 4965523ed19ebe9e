//! Prove, verify, tamper and round-trip the encodings of the delivery circuit.

use ark_bn254::Fr;
use std::sync::OnceLock;
use urja_circuits::delivery::{constraint_count, fr_to_be, public_hash};
use urja_circuits::encode::*;
use urja_circuits::*;

fn keys() -> &'static Keys {
    static K: OnceLock<Keys> = OnceLock::new();
    K.get_or_init(|| setup_insecure_deterministic(7))
}

fn witness(readings: [u64; READINGS]) -> DeliveryWitness {
    let mut salt = [0x5au8; 32];
    salt[0] &= 0x1f;
    DeliveryWitness::new(&readings, salt, 1_900_000, 500, [9u8; 32], DOMAIN).unwrap()
}

/// A market domain (any 32 bytes; the vectors test checks how it is derived).
const DOMAIN: [u8; 32] = [0xd0; 32];

const READ: [u64; READINGS] = [10, 0, 500, 33, 7, 250, 499, 1, 2, 3, 4, 5, 6, 7, 8];

#[test]
fn a_valid_proof_verifies_and_binds_every_public_value() {
    let w = witness(READ);
    let (proof, h) = prove(&keys().pk, &w).unwrap();
    assert!(verify(&keys().vk, &proof, &h));
    assert_eq!(
        h,
        public_hash(
            w.commitment(),
            w.energy(),
            w.slot,
            w.max_wh,
            &w.meter_key,
            &w.domain
        )
    );
    let c = w.commitment();
    let e = w.energy();
    // E changed by one, another slot, meter, limit or market domain (another network or
    // market contract; also one differing only in byte 30, the last one D keeps):
    // another h, rejected.
    let mut near = DOMAIN;
    near[30] ^= 1;
    let k = &w.meter_key;
    for other in [
        public_hash(c, e + 1, w.slot, w.max_wh, k, &DOMAIN),
        public_hash(c, e, w.slot + 1, w.max_wh, k, &DOMAIN),
        public_hash(c, e, w.slot, w.max_wh, &[8u8; 32], &DOMAIN),
        public_hash(c, e, w.slot, w.max_wh + 1, k, &DOMAIN),
        public_hash(c, e, w.slot, w.max_wh, k, &[0xd1; 32]),
        public_hash(c, e, w.slot, w.max_wh, k, &near),
    ] {
        assert!(!verify(&keys().vk, &proof, &other));
    }
    // A proof for other readings does not verify for this statement.
    let mut r2 = READ;
    r2[3] += 1;
    let (proof2, h2) = prove(&keys().pk, &witness(r2)).unwrap();
    assert!(verify(&keys().vk, &proof2, &h2));
    assert!(!verify(&keys().vk, &proof2, &h));
    // A key from another setup rejects the proof.
    let other = setup_insecure_deterministic(8);
    assert!(!verify(&other.vk, &proof, &h));
}

#[test]
fn every_flipped_bit_of_an_encoded_proof_is_caught() {
    let w = witness(READ);
    let (proof, h) = prove(&keys().pk, &w).unwrap();
    let bytes = proof_bytes(&proof);
    // Every 8th bit (all bytes covered) to keep the test quick.
    for bit in (0..PROOF_BYTES * 8).step_by(7) {
        let mut t = bytes;
        t[bit / 8] ^= 1 << (bit % 8);
        match proof_from_bytes(&t) {
            Err(_) => {}
            Ok(p) => assert!(
                !verify(&keys().vk, &p, &h),
                "bit {bit} flipped still verifies"
            ),
        }
    }
}

#[test]
fn the_witness_is_refused_out_of_range_naming_the_reading() {
    let mut r = READ;
    r[4] = 70_000;
    let e = DeliveryWitness::new(&r, [0; 32], 1, 60_000, [0; 32], DOMAIN).unwrap_err();
    assert_eq!(e.to_string(), "reading 5 is 70000 Wh, outside 0..=65535");
    let mut r = READ;
    r[0] = 501;
    let e = DeliveryWitness::new(&r, [0; 32], 1, 500, [0; 32], DOMAIN).unwrap_err();
    assert_eq!(
        e.to_string(),
        "reading 1 is 501 Wh, above the meter's limit of 500 Wh per interval"
    );
    assert!(DeliveryWitness::new(&READ[..3], [0; 32], 1, 500, [0; 32], DOMAIN).is_err());
    assert!(DeliveryWitness::new(&READ, [0xff; 32], 1, 500, [0; 32], DOMAIN).is_err());
}

#[test]
fn the_prover_never_proves_a_false_statement() {
    // Bypass validation: a reading above the limit must fail the constraint check.
    let mut w = witness(READ);
    w.readings[2] = 501;
    assert_eq!(
        prove(&keys().pk, &w).unwrap_err(),
        keys::ProveError::Unsatisfied
    );
    let mut w = witness(READ);
    w.readings[2] = 1 << 16;
    w.max_wh = (1 << 16) + 5;
    assert_eq!(
        prove(&keys().pk, &w).unwrap_err(),
        keys::ProveError::Unsatisfied
    );
}

#[test]
fn contract_bytes_and_snarkjs_json_round_trip() {
    let (proof, h) = prove(&keys().pk, &witness(READ)).unwrap();
    let vk = &keys().vk;
    assert_eq!(vk_from_bytes(&vk_bytes(vk)).unwrap(), *vk);
    assert_eq!(proof_from_bytes(&proof_bytes(&proof)).unwrap(), proof);
    assert_eq!(vk_from_snarkjs(&vk_snarkjs(vk)).unwrap(), *vk);
    assert_eq!(proof_from_snarkjs(&proof_snarkjs(&proof)).unwrap(), proof);
    assert_eq!(public_from_snarkjs(&public_snarkjs(&[h])).unwrap(), vec![h]);
    assert_eq!(vk_bytes(vk).len(), VK_FIXED_BYTES + 2 * 64);
    let k2 = Keys::from_bytes(&keys().to_bytes()).unwrap();
    assert_eq!(k2.vk, *vk);
    assert!(Keys::from_bytes(&[1, 2, 3]).is_err());
    let _ = fr_to_be(&Fr::from(1u64));
}

#[test]
fn constraint_count_is_small() {
    let n = constraint_count();
    println!("delivery circuit: {n} constraints");
    assert!(n > 1000 && n < 3000, "{n}");
}

#[test]
fn the_commitment_needs_only_readings_and_salt() {
    use urja_circuits::delivery::commitment;
    let salt = [3; 32];
    // The same C the witness (with any limit, slot, key and domain) commits to.
    let w = DeliveryWitness::new(&READ, salt, 9, 65_535, [1; 32], DOMAIN).unwrap();
    assert_eq!(commitment(&READ, &salt).unwrap(), w.commitment());
    assert_ne!(commitment(&READ, &[4; 32]).unwrap(), w.commitment());
    let mut r = READ;
    r[14] = 65_536;
    assert_eq!(
        commitment(&r, &salt).unwrap_err().to_string(),
        "reading 15 is 65536 Wh, outside 0..=65535"
    );
    assert!(commitment(&READ[..14], &salt).is_err());
    assert!(commitment(&READ, &[0xff; 32]).is_err());
}
