//! Verifier tests on the native and the WASM build: a real proof from `urja-circuits` is
//! accepted; tampered proofs, other statements, other keys and malformed encodings are
//! rejected with the documented result.
extern crate std;

use soroban_sdk::testutils::Address as _;
use soroban_sdk::{Address, Bytes, BytesN, Env, Vec};
use std::sync::OnceLock;
use urja_circuits::delivery::fr_to_be;
use urja_circuits::{encode, prove, setup_insecure_deterministic, DeliveryWitness, Keys};
use urja_interfaces::testing::{auth_as, poseidon_section, wasm};

use crate::{Verifier, VerifierClient, VerifierError};

struct Fixture {
    witness: DeliveryWitness,
    keys: Keys,
    proof: std::vec::Vec<u8>,
    h: [u8; 32],
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let keys = setup_insecure_deterministic(11);
        let w = DeliveryWitness::new(&[40; 15], [3; 32], 77, 60, [1; 32]).unwrap();
        let (proof, h) = prove(&keys.pk, &w).unwrap();
        Fixture {
            witness: w,
            proof: encode::proof_bytes(&proof).to_vec(),
            h: fr_to_be(&h),
            keys,
        }
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Build {
    Native,
    Wasm,
}

struct World {
    env: Env,
    admin: Address,
    v: VerifierClient<'static>,
}

fn world(build: Build) -> World {
    let env = Env::default();
    let admin = Address::generate(&env);
    let id = match build {
        Build::Native => env.register(Verifier, (admin.clone(),)),
        Build::Wasm => env.register(wasm("verifier").as_slice(), (admin.clone(),)),
    };
    let v = VerifierClient::new(&env, &id);
    env.mock_all_auths();
    for t in [3, 6] {
        v.set_poseidon(&Bytes::from_slice(&env, &poseidon_section(t)));
    }
    v.set_key(
        &1,
        &Bytes::from_slice(&env, &encode::vk_bytes(&fixture().keys.vk)),
    );
    World { env, admin, v }
}

fn inputs(env: &Env, h: [u8; 32]) -> Vec<BytesN<32>> {
    Vec::from_array(env, [BytesN::from_array(env, &h)])
}

fn check(w: &World, proof: &[u8], h: [u8; 32]) -> Result<bool, VerifierError> {
    match w
        .v
        .try_verify(&1, &Bytes::from_slice(&w.env, proof), &inputs(&w.env, h))
    {
        Ok(Ok(ok)) => Ok(ok),
        Err(Ok(e)) => Err(e),
        other => panic!("unexpected {other:?}"),
    }
}

fn both(f: impl Fn(&World)) {
    f(&world(Build::Native));
    f(&world(Build::Wasm));
}

#[test]
fn a_valid_proof_is_accepted() {
    both(|w| assert_eq!(check(w, &fixture().proof, fixture().h), Ok(true)));
}

#[test]
fn a_flipped_bit_in_any_proof_element_is_rejected() {
    let w = world(Build::Native);
    let f = fixture();
    // One bit in each 32-byte coordinate of A and C: a contract error or a failed check.
    for coord in [0, 1, 6, 7] {
        let mut p = f.proof.clone();
        p[coord * 32 + 31] ^= 1;
        let r = check(&w, &p, f.h);
        assert!(
            matches!(r, Ok(false) | Err(VerifierError::PointNotOnCurve)),
            "coordinate {coord}: {r:?}"
        );
    }
    // B (G2): the host cannot check curve or subgroup membership before the pairing, which
    // traps on such a point; the invocation fails either way.
    for coord in 2..6 {
        let mut p = f.proof.clone();
        p[coord * 32 + 31] ^= 1;
        let r =
            w.v.try_verify(&1, &Bytes::from_slice(&w.env, &p), &inputs(&w.env, f.h));
        assert!(!matches!(r, Ok(Ok(true))), "coordinate {coord}: {r:?}");
    }
}

#[test]
fn another_statement_or_key_is_rejected() {
    both(|w| {
        let f = fixture();
        let mut h = f.h;
        h[31] ^= 1;
        assert_eq!(check(w, &f.proof, h), Ok(false));
        // A key from another setup.
        let other = setup_insecure_deterministic(12);
        w.v.set_key(&1, &Bytes::from_slice(&w.env, &encode::vk_bytes(&other.vk)));
        assert_eq!(check(w, &f.proof, f.h), Ok(false));
    });
}

#[test]
fn malformed_input_gets_a_contract_error() {
    let w = world(Build::Native);
    let f = fixture();
    assert_eq!(
        check(&w, &f.proof[..255], f.h),
        Err(VerifierError::BadProofLength)
    );
    let mut big = f.h;
    big[0] = 0xff;
    assert_eq!(
        check(&w, &f.proof, big),
        Err(VerifierError::InputNotInField)
    );
    let mut p = f.proof.clone();
    p[0] = 0xff; // A.x above the base field modulus (and flag bits set)
    assert_eq!(check(&w, &p, f.h), Err(VerifierError::BadPointEncoding));
    let mut p = f.proof.clone();
    p[63] ^= 1; // A.y changed: A leaves the curve
    assert_eq!(check(&w, &p, f.h), Err(VerifierError::PointNotOnCurve));
    let one = BytesN::from_array(&w.env, &f.h);
    let two = Vec::from_array(&w.env, [one.clone(), one]);
    assert_eq!(
        w.v.try_verify(&1, &Bytes::from_slice(&w.env, &f.proof), &two),
        Err(Ok(VerifierError::WrongInputCount))
    );
    assert_eq!(
        w.v.try_verify(
            &9,
            &Bytes::from_slice(&w.env, &f.proof),
            &inputs(&w.env, f.h)
        ),
        Err(Ok(VerifierError::UnknownCircuit))
    );
    let vk = encode::vk_bytes(&f.keys.vk);
    assert_eq!(
        w.v.try_set_key(&2, &Bytes::from_slice(&w.env, &vk[..vk.len() - 1])),
        Err(Ok(VerifierError::BadKeyLength))
    );
    let mut bad = vk.clone();
    bad[63] ^= 1;
    assert_eq!(
        w.v.try_set_key(&2, &Bytes::from_slice(&w.env, &bad)),
        Err(Ok(VerifierError::PointNotOnCurve))
    );
    assert!(w.v.key(&2).is_none());
}

#[test]
fn only_the_admin_installs_keys() {
    let w = world(Build::Native);
    let stranger = Address::generate(&w.env);
    let vk = Bytes::from_slice(&w.env, &encode::vk_bytes(&fixture().keys.vk));
    auth_as(
        &w.env,
        &stranger,
        &w.v.address,
        "set_key",
        (3u32, vk.clone()),
    );
    assert!(w.v.try_set_key(&3, &vk).is_err());
    auth_as(
        &w.env,
        &w.admin,
        &w.v.address,
        "set_key",
        (3u32, vk.clone()),
    );
    w.v.set_key(&3, &vk);
    assert_eq!(w.v.key(&3), Some(vk));
}

#[test]
fn wasm_cost_of_one_verification() {
    use soroban_env_host::InvocationResourceLimits;
    use soroban_sdk::testutils::cost_estimate::NetworkInvocationResourceLimits as _;
    let w = world(Build::Wasm);
    let f = fixture();
    assert_eq!(check(&w, &f.proof, f.h), Ok(true));
    let r = w.env.cost_estimate().resources();
    let limit = InvocationResourceLimits::mainnet();
    std::println!(
        "verify (WASM): {} instructions, {} memory bytes (mainnet per-tx limits {} / {})",
        r.instructions,
        r.mem_bytes,
        limit.instructions,
        limit.mem_bytes
    );
    let line = std::format!("verify {} {}\n", r.instructions, r.mem_bytes);
    let path = std::format!(
        "{}/../../target/contract-costs-verifier.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::write(path, line).unwrap();
    assert!(r.instructions < limit.instructions);
}

#[test]
fn the_host_poseidon_computes_the_same_public_input_as_the_prover() {
    both(|w| {
        let f = fixture();
        let x = &f.witness;
        let c = BytesN::from_array(&w.env, &fr_to_be(&x.commitment()));
        let key = BytesN::from_array(&w.env, &x.meter_key);
        let h =
            w.v.delivery_input(&c, &x.energy(), &x.slot, &(x.max_wh as u32), &key);
        assert_eq!(h.to_array(), f.h);
        let proof = Bytes::from_slice(&w.env, &f.proof);
        let e = x.energy();
        let ok = |h: BytesN<32>| w.v.verify(&1, &proof, &Vec::from_array(&w.env, [h]));
        assert!(ok(w.v.delivery_input(&c, &e, &x.slot, &60, &key)));
        assert!(!ok(w.v.delivery_input(&c, &(e + 1), &x.slot, &60, &key)));
        assert!(!ok(w.v.delivery_input(&c, &e, &(x.slot + 1), &60, &key)));
        assert!(!ok(w.v.delivery_input(&c, &e, &x.slot, &61, &key)));
        let other = BytesN::from_array(&w.env, &[2; 32]);
        assert!(!ok(w.v.delivery_input(&c, &e, &x.slot, &60, &other)));
    });
}

#[test]
fn only_circomlib_poseidon_parameters_are_accepted() {
    let w = world(Build::Native);
    let mut p = poseidon_section(3);
    p[100] ^= 1;
    assert_eq!(
        w.v.try_set_poseidon(&Bytes::from_slice(&w.env, &p)),
        Err(Ok(VerifierError::PoseidonParamsMismatch))
    );
    // Width 4 is genuine circomlib but not one the contract uses.
    assert_eq!(
        w.v.try_set_poseidon(&Bytes::from_slice(&w.env, &poseidon_section(4))),
        Err(Ok(VerifierError::PoseidonParamsMismatch))
    );
    // Without parameters the delivery input cannot be computed.
    let env = Env::default();
    let id = env.register(Verifier, (Address::generate(&env),));
    let v = VerifierClient::new(&env, &id);
    let z = BytesN::from_array(&env, &[0; 32]);
    assert_eq!(
        v.try_delivery_input(&z, &1, &1, &1, &z),
        Err(Ok(VerifierError::PoseidonNotInstalled))
    );
}
