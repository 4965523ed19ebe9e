//! `deliver` end to end on the native and the WASM build: a real meter signature and a
//! real Groth16 proof settle the donor's trades; every way of cheating is refused.
use super::*;

use ed25519_dalek::{Signer, SigningKey};
use soroban_sdk::{Bytes, BytesN};
use std::sync::OnceLock;
use urja_circuits::delivery::fr_to_be;
use urja_circuits::{encode, prove, setup_insecure_deterministic, DeliveryWitness, Keys};
use urja_interfaces::testing::poseidon_section;
use urja_verifier::{Verifier, VerifierClient};

const MAX: u32 = 60;

fn keys() -> &'static Keys {
    static K: OnceLock<Keys> = OnceLock::new();
    K.get_or_init(|| setup_insecure_deterministic(21))
}

/// A meter's submission for one slot.
struct Delivery {
    meter: [u8; 32],
    slot: u64,
    commitment: [u8; 32],
    energy: u64,
    signature: [u8; 64],
    proof: std::vec::Vec<u8>,
}

fn meter_key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn signed(sk: &SigningKey, slot: u64, commitment: [u8; 32]) -> [u8; 64] {
    let meter = sk.verifying_key().to_bytes();
    let mut msg = b"URJA/delivery/v1".to_vec();
    msg.extend_from_slice(&meter);
    msg.extend_from_slice(&slot.to_be_bytes());
    msg.extend_from_slice(&commitment);
    sk.sign(&msg).to_bytes()
}

fn delivery(sk: &SigningKey, slot: u64, readings: [u64; 15]) -> Delivery {
    let meter = sk.verifying_key().to_bytes();
    let w = DeliveryWitness::new(&readings, [4; 32], slot, MAX as u64, meter).unwrap();
    let (proof, _) = prove(&keys().pk, &w).unwrap();
    let commitment = fr_to_be(&w.commitment());
    Delivery {
        meter,
        slot,
        commitment,
        energy: w.energy(),
        signature: signed(sk, slot, commitment),
        proof: encode::proof_bytes(&proof).to_vec(),
    }
}

struct Setup {
    w: World,
    verifier: VerifierClient<'static>,
}

fn setup(build: Build) -> Setup {
    let w = world(build, 2, 2);
    let vid = match build {
        Build::Native => w.env.register(Verifier, (&w.admin,)),
        Build::Wasm => w.env.register(wasm("verifier").as_slice(), (&w.admin,)),
    };
    let verifier = VerifierClient::new(&w.env, &vid);
    for t in [3, 6] {
        verifier.set_poseidon(&Bytes::from_slice(&w.env, &poseidon_section(t)));
    }
    verifier.set_key(
        &1,
        &Bytes::from_slice(&w.env, &encode::vk_bytes(&keys().vk)),
    );
    let mut p = w.market.params();
    p.verifier = vid;
    w.market.set_params(&p);
    for (seed, donor) in [(1u8, 0usize), (2, 1)] {
        let id = BytesN::from_array(&w.env, &meter_key(seed).verifying_key().to_bytes());
        w.registry
            .register_meter(&id, &w.donors[donor], &(donor as u32 % 2), &MAX);
    }
    // Donor 0 sells 600 Wh to receiver 0 at 7 in SLOT.
    let s = w.market.offer(&w.donors[0], &SLOT, &600, &5);
    let b = w.market.bid(&w.receivers[0], &SLOT, &700, &9);
    at_gate(&w, SLOT);
    w.market
        .settle(&SLOT, &vec![&w.env, trade(b, s, 600, 7)], &Some(7));
    at(&w, (SLOT + 1) * SLOT_SECS + 10);
    Setup { w, verifier }
}

fn submit(s: &Setup, d: &Delivery) -> Result<(), Result<MarketError, InvokeError>> {
    let env = &s.w.env;
    match s.w.market.try_deliver(
        &BytesN::from_array(env, &d.meter),
        &d.slot,
        &BytesN::from_array(env, &d.commitment),
        &d.energy,
        &BytesN::from_array(env, &d.signature),
        &Bytes::from_slice(env, &d.proof),
    ) {
        Ok(Ok(())) => Ok(()),
        Err(Ok(e)) => Err(Ok(e)),
        Err(Err(e)) => Err(Err(e)),
        Ok(Err(e)) => panic!("conversion error {e:?}"),
    }
}

const READ: [u64; 15] = [40; 15]; // 600 Wh

fn fixture() -> &'static Delivery {
    static D: OnceLock<Delivery> = OnceLock::new();
    D.get_or_init(|| delivery(&meter_key(1), SLOT, READ))
}

#[test]
fn a_proven_delivery_settles_the_trades_on_both_builds() {
    for build in [Build::Native, Build::Wasm] {
        let s = setup(build);
        let before = s.w.pay.balance(&s.w.donors[0]);
        assert_eq!(submit(&s, fixture()), Ok(()));
        assert_eq!(s.w.kwh.balance(&s.w.receivers[0]), 600);
        // 600 Wh at 7, less the 1% fee.
        assert_eq!(s.w.pay.balance(&s.w.donors[0]) - before, 4200 - 42);
        let meter = BytesN::from_array(&s.w.env, &fixture().meter);
        assert!(s.w.market.delivered(&meter, &SLOT));
        // Replay of the same (meter, slot).
        assert_eq!(
            submit(&s, fixture()),
            Err(Ok(MarketError::AlreadyDelivered))
        );
    }
}

#[test]
fn a_short_delivery_is_settled_pro_rata_and_surplus_is_minted() {
    let s = setup(Build::Native);
    let short = delivery(&meter_key(1), SLOT, [20; 15]); // 300 Wh of 600
    assert_eq!(submit(&s, &short), Ok(()));
    assert_eq!(s.w.kwh.balance(&s.w.receivers[0]), 300);
    let s = setup(Build::Native);
    let more = delivery(&meter_key(1), SLOT, [50; 15]); // 750 Wh: 150 surplus
    assert_eq!(submit(&s, &more), Ok(()));
    assert_eq!(s.w.kwh.balance(&s.w.donors[0]), 150);
}

#[test]
fn cheating_is_refused_with_a_specific_error() {
    let s = setup(Build::Native);
    let f = fixture();
    // E changed by one.
    let mut d = delivery(&meter_key(1), SLOT, READ);
    d.energy += 1;
    assert_eq!(submit(&s, &d), Err(Ok(MarketError::ProofRejected)));
    // A proof for other readings under the same signed commitment.
    let other = delivery(&meter_key(1), SLOT, [39; 15]);
    let d = Delivery {
        proof: other.proof.clone(),
        ..delivery(&meter_key(1), SLOT, READ)
    };
    assert_eq!(submit(&s, &d), Err(Ok(MarketError::ProofRejected)));
    // A different slot, correctly signed, with the proof made for SLOT.
    let d = Delivery {
        slot: SLOT - 1,
        signature: signed(&meter_key(1), SLOT - 1, f.commitment),
        proof: f.proof.clone(),
        ..delivery(&meter_key(1), SLOT, READ)
    };
    assert_eq!(submit(&s, &d), Err(Ok(MarketError::ProofRejected)));
    // A different (registered) meter signs the commitment; the proof is for meter 1.
    let sk2 = meter_key(2);
    let d = Delivery {
        meter: sk2.verifying_key().to_bytes(),
        signature: signed(&sk2, SLOT, f.commitment),
        proof: f.proof.clone(),
        ..delivery(&meter_key(1), SLOT, READ)
    };
    assert_eq!(submit(&s, &d), Err(Ok(MarketError::ProofRejected)));
    // A flipped bit in the proof's C element.
    let mut d = delivery(&meter_key(1), SLOT, READ);
    d.proof[255] ^= 1;
    assert!(matches!(
        submit(&s, &d),
        Err(Ok(MarketError::ProofRejected | MarketError::MalformedProof))
    ));
    // A signature by another key aborts in the signature host function.
    let d = Delivery {
        signature: signed(&meter_key(9), SLOT, f.commitment),
        ..delivery(&meter_key(1), SLOT, READ)
    };
    assert!(submit(&s, &d).is_err());
    // An unregistered meter.
    let d = delivery(&meter_key(5), SLOT, READ);
    assert_eq!(submit(&s, &d), Err(Ok(MarketError::UnknownMeter)));
    // Energy beyond 15 x the meter's limit.
    let mut d = delivery(&meter_key(1), SLOT, READ);
    d.energy = 15 * MAX as u64 + 1;
    assert_eq!(submit(&s, &d), Err(Ok(MarketError::EnergyOutOfRange)));
    // Nothing above changed the books.
    assert_eq!(s.w.kwh.balance(&s.w.receivers[0]), 0);
    // A suspended meter.
    let meter = BytesN::from_array(&s.w.env, &f.meter);
    s.w.registry.set_meter_active(&meter, &false);
    assert_eq!(submit(&s, f), Err(Ok(MarketError::MeterSuspended)));
    s.w.registry.set_meter_active(&meter, &true);
    // A verifying key from another setup.
    let other = setup_insecure_deterministic(22);
    s.verifier.set_key(
        &1,
        &Bytes::from_slice(&s.w.env, &encode::vk_bytes(&other.vk)),
    );
    assert_eq!(submit(&s, f), Err(Ok(MarketError::ProofRejected)));
}

#[test]
fn delivery_is_accepted_only_between_slot_end_and_deadline() {
    let s = setup(Build::Native);
    at(&s.w, (SLOT + 1) * SLOT_SECS - 1);
    assert_eq!(submit(&s, fixture()), Err(Ok(MarketError::TooEarly)));
    at(&s.w, (SLOT + 1) * SLOT_SECS + 3_600);
    assert_eq!(
        submit(&s, fixture()),
        Err(Ok(MarketError::DeliveryWindowClosed))
    );
}

#[test]
fn wasm_cost_of_deliver() {
    use soroban_env_host::InvocationResourceLimits;
    use soroban_sdk::testutils::cost_estimate::NetworkInvocationResourceLimits as _;
    let s = setup(Build::Wasm);
    assert_eq!(submit(&s, fixture()), Ok(()));
    let r = s.w.env.cost_estimate().resources();
    let l = InvocationResourceLimits::mainnet();
    std::println!(
        "deliver (WASM, 1 trade): {} instructions, {} memory bytes, {} read entries, {} writes \
         (mainnet per-tx limits: {} instructions, {} bytes)",
        r.instructions,
        r.mem_bytes,
        r.memory_read_entries + r.disk_read_entries,
        r.write_entries,
        l.instructions,
        l.mem_bytes
    );
    let path = std::format!(
        "{}/../../target/contract-costs-deliver.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::write(
        path,
        std::format!("deliver {} {}\n", r.instructions, r.mem_bytes),
    )
    .unwrap();
    assert!(r.instructions < l.instructions && r.mem_bytes < l.mem_bytes);
}
