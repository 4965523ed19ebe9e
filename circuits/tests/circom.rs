//! The circom/snarkjs side of the delivery circuit: the `.r1cs` export numbers wires as
//! circom does and is satisfied by a real witness, snarkjs's QAP reduction proves with keys
//! made for it (and only with those), and malformed files are refused. Interoperability with
//! snarkjs itself (its keys, its verifier) is tested from Python in tests/zk.

use ark_bn254::{Bn254, Fr};
use ark_ff::{BigInteger, PrimeField, Zero};
use ark_groth16::Groth16;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystem};
use ark_snark::SNARK;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use urja_circuits::circom::{delivery_shape, read_sections, read_zkey, CircomQap, ZkeyError};
use urja_circuits::delivery::constraint_count;
use urja_circuits::keys::ProveError;
use urja_circuits::*;

const READ: [u64; READINGS] = [10, 0, 500, 33, 7, 250, 499, 1, 2, 3, 4, 5, 6, 7, 8];

fn witness() -> DeliveryWitness {
    let mut salt = [0x33u8; 32];
    salt[0] &= 0x1f;
    DeliveryWitness::new(&READ, salt, 1_900_000, 500, [9u8; 32], [0xd0; 32]).unwrap()
}

/// The full assignment arkworks computes for a witness, indexed as arkworks numbers
/// variables (instance first, then witness).
fn assignment(w: &DeliveryWitness) -> Vec<Fr> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    DeliveryCircuit {
        witness: Some(w.clone()),
    }
    .generate_constraints(cs.clone())
    .unwrap();
    cs.finalize();
    let cs = cs.borrow().unwrap();
    [
        cs.instance_assignment.as_slice(),
        cs.witness_assignment.as_slice(),
    ]
    .concat()
}

/// A minimal independent reader of circom's `.r1cs`: header fields and constraints.
struct R1cs {
    prime: Vec<u8>,
    wires: usize,
    outputs: usize,
    inputs: usize,
    private: usize,
    labels: u64,
    constraints: Vec<[Vec<(usize, Fr)>; 3]>,
    map: Vec<u64>,
}

fn u32le(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

fn parse_r1cs(bytes: &[u8]) -> R1cs {
    assert_eq!(&bytes[..4], b"r1cs");
    assert_eq!(u32le(bytes, 4), 1, "version");
    let sections = read_sections(bytes, b"r1cs").unwrap();
    assert_eq!(sections.len(), 3);
    let h = sections.iter().find(|s| s.0 == 1).unwrap().1;
    let n8 = u32le(h, 0);
    assert_eq!(n8, 32);
    let p = 4 + n8;
    let mut r = R1cs {
        prime: h[4..p].to_vec(),
        wires: u32le(h, p),
        outputs: u32le(h, p + 4),
        inputs: u32le(h, p + 8),
        private: u32le(h, p + 12),
        labels: u64::from_le_bytes(h[p + 16..p + 24].try_into().unwrap()),
        constraints: vec![],
        map: vec![],
    };
    let m = u32le(h, p + 24);
    assert_eq!(h.len(), p + 28);
    let c = sections.iter().find(|s| s.0 == 2).unwrap().1;
    let mut at = 0;
    for _ in 0..m {
        let mut lcs: [Vec<(usize, Fr)>; 3] = Default::default();
        for lc in lcs.iter_mut() {
            let n = u32le(c, at);
            at += 4;
            for _ in 0..n {
                let wire = u32le(c, at);
                let v = Fr::from_le_bytes_mod_order(&c[at + 4..at + 36]);
                // Canonical: the value is below the modulus, wires strictly ascending.
                assert_eq!(v.into_bigint().to_bytes_le(), c[at + 4..at + 36].to_vec());
                assert!(lc.last().is_none_or(|&(prev, _)| prev < wire));
                assert!(!v.is_zero());
                lc.push((wire, v));
                at += 36;
            }
        }
        r.constraints.push(lcs);
    }
    assert_eq!(at, c.len());
    let map = sections.iter().find(|s| s.0 == 3).unwrap().1;
    r.map = map
        .chunks(8)
        .map(|x| u64::from_le_bytes(x.try_into().unwrap()))
        .collect();
    r
}

fn eval(lc: &[(usize, Fr)], z: &[Fr]) -> Fr {
    lc.iter().map(|(w, v)| z[*w] * v).sum()
}

#[test]
fn the_r1cs_export_numbers_wires_as_circom_and_a_real_witness_satisfies_it() {
    let shape = delivery_shape();
    let r = parse_r1cs(&shape.r1cs_bytes());
    assert_eq!(r.prime, Fr::MODULUS.to_bytes_le());
    assert_eq!(r.constraints.len(), constraint_count());
    assert_eq!((r.outputs, r.inputs), (0, 1), "h is the one public input");
    assert_eq!(r.wires, shape.num_wires());
    assert_eq!(r.private, r.wires - 2);
    assert_eq!(r.labels, r.wires as u64);
    assert_eq!(r.map, (0..r.wires as u64).collect::<Vec<_>>());
    println!(
        "delivery.r1cs: {} constraints, {} wires, domain 2^{}",
        r.constraints.len(),
        r.wires,
        shape.power()
    );

    let w = witness();
    let z = assignment(&w);
    assert_eq!(z.len(), r.wires);
    // circom's wire 0 is the constant one, wire 1 the public input h.
    assert_eq!(z[0], Fr::from(1u64));
    assert_eq!(z[1], w.public_hash());
    let satisfied = |z: &[Fr]| {
        r.constraints
            .iter()
            .all(|[a, b, c]| eval(a, z) * eval(b, z) == eval(c, z))
    };
    assert!(satisfied(&z));
    // Another h, or another value on any sampled wire, breaks some constraint.
    for wire in [1, 2, 17, r.wires / 2, r.wires - 1] {
        let mut bad = z.clone();
        bad[wire] += Fr::from(1u64);
        assert!(!satisfied(&bad), "wire {wire} is not constrained");
    }
}

#[test]
fn snarkjs_reduction_proves_with_keys_made_for_it_and_only_with_those() {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let (pk, vk) =
        Groth16::<Bn254, CircomQap>::circuit_specific_setup(DeliveryCircuit::default(), &mut rng)
            .unwrap();
    // snarkjs's H query has one point per domain element (arkworks' has one fewer).
    assert_eq!(pk.h_query.len(), delivery_shape().domain_size());
    let circom = Keys {
        pk: pk.clone(),
        vk: vk.clone(),
        qap: Qap::Circom,
    };
    let w = witness();
    let (proof, h) = circom.prove(&w).unwrap();
    assert!(verify(&vk, &proof, &h));
    // The same key with arkworks' own reduction yields no valid proof, and an arkworks key
    // with snarkjs's reduction neither: the reduction is part of the key.
    let wrong = Keys {
        qap: Qap::Libsnark,
        ..circom.clone()
    };
    assert_eq!(wrong.prove(&w).unwrap_err(), ProveError::Unsatisfied);
    let ark = setup_insecure_deterministic(3);
    let wrong = Keys {
        qap: Qap::Circom,
        ..ark.clone()
    };
    assert_eq!(wrong.prove(&w).unwrap_err(), ProveError::Unsatisfied);
    assert!(ark.prove(&w).is_ok());
    // The reduction survives serialisation.
    let back = Keys::from_bytes(&circom.to_bytes()).unwrap();
    assert_eq!(back.qap, Qap::Circom);
    assert_eq!(back.vk, vk);
    assert_eq!(
        Keys::from_bytes(&ark.to_bytes()).unwrap().qap,
        Qap::Libsnark
    );
}

#[test]
fn malformed_files_are_refused_saying_why() {
    let shape = delivery_shape();
    let r1cs = shape.r1cs_bytes();
    let cut = &r1cs[..r1cs.len() - 100];
    match read_sections(cut, b"r1cs") {
        Err(ZkeyError::Truncated(m)) => assert!(m.contains("section 3"), "{m}"),
        other => panic!("{other:?}"),
    }
    let mut extra = r1cs.clone();
    extra.push(0);
    assert!(matches!(
        read_sections(&extra, b"r1cs"),
        Err(ZkeyError::Format(_))
    ));
    // An .r1cs (or anything else) is not a zkey.
    let e = read_zkey(&r1cs, &shape).unwrap_err();
    assert_eq!(
        e.to_string(),
        "not a snarkjs Groth16 zkey: the file does not start with the \"zkey\" magic"
    );
}
