//! `deliver` end to end on the native and the WASM build: a real meter signature and a
//! real Groth16 proof settle the donor's trades; every way of cheating is refused.
use super::*;

use ed25519_dalek::{Signer, SigningKey};
use soroban_sdk::{Bytes, BytesN};
use std::sync::OnceLock;
use urja_circuits::delivery::fr_to_be;
use urja_circuits::{encode, prove, setup_insecure_deterministic, DeliveryWitness, Keys};
use urja_interfaces::domain::DELIVERY_TAG;
use urja_interfaces::testing::poseidon_section;
use urja_verifier::{Verifier, VerifierClient};

const MAX: u32 = METER_MAX;

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

/// The meter's signature over the delivery message for the market of `domain`.
fn signed_for(sk: &SigningKey, domain: [u8; 32], slot: u64, commitment: [u8; 32]) -> [u8; 64] {
    let meter = sk.verifying_key().to_bytes();
    let mut msg = DELIVERY_TAG.to_vec();
    msg.extend_from_slice(&domain);
    msg.extend_from_slice(&meter);
    msg.extend_from_slice(&slot.to_be_bytes());
    msg.extend_from_slice(&commitment);
    sk.sign(&msg).to_bytes()
}

/// The domain every test market gets: each test world deploys its market at a fresh
/// address, so the domain is read from the market itself.
fn domain_of(w: &World) -> [u8; 32] {
    w.market.domain().to_array()
}

fn signed(sk: &SigningKey, slot: u64, commitment: [u8; 32]) -> [u8; 64] {
    signed_for(sk, current_domain(), slot, commitment)
}

std::thread_local! {
    static DOMAIN: std::cell::Cell<[u8; 32]> = const { std::cell::Cell::new([0; 32]) };
}

fn current_domain() -> [u8; 32] {
    DOMAIN.with(|d| d.get())
}

/// A meter's signed, proven delivery for the market of `domain`.
fn delivery_for(sk: &SigningKey, domain: [u8; 32], slot: u64, readings: [u64; 15]) -> Delivery {
    proven(sk, domain, slot, readings, MAX as u64)
}

/// A signed delivery proven against the per-reading limit `limit` (900-second slots: the
/// meter's per-minute rate).
fn proven(
    sk: &SigningKey,
    domain: [u8; 32],
    slot: u64,
    readings: [u64; 15],
    limit: u64,
) -> Delivery {
    let meter = sk.verifying_key().to_bytes();
    let w = DeliveryWitness::new(&readings, [4; 32], slot, limit, meter, domain).unwrap();
    let (proof, _) = prove(&keys().pk, &w).unwrap();
    let commitment = fr_to_be(&w.commitment());
    Delivery {
        meter,
        slot,
        commitment,
        energy: w.energy(),
        signature: signed_for(sk, domain, slot, commitment),
        proof: encode::proof_bytes(&proof).to_vec(),
    }
}

/// A delivery for the market of the current test world.
fn delivery(sk: &SigningKey, slot: u64, readings: [u64; 15]) -> Delivery {
    delivery_for(sk, current_domain(), slot, readings)
}

/// Deploys a verifier holding the test key, makes it the market's and records the market's
/// domain for the test's signatures.
fn install_verifier(w: &World, build: Build) -> VerifierClient<'static> {
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
    DOMAIN.with(|d| d.set(domain_of(w)));
    verifier
}

struct Setup {
    w: World,
    verifier: VerifierClient<'static>,
}

fn setup(build: Build) -> Setup {
    let w = world(build, 2, 2);
    let verifier = install_verifier(&w, build);
    // Donor 0 sells 600 Wh to receiver 0 at 7 in SLOT.
    let s = offer(&w, 0, SLOT, 600, 5);
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

/// Meter 1's genuine delivery of 600 Wh for the current test world's market.
fn fixture() -> Delivery {
    delivery(&meter_key(1), SLOT, READ)
}

#[test]
fn a_proven_delivery_settles_the_trades_on_both_builds() {
    for build in [Build::Native, Build::Wasm] {
        let s = setup(build);
        let f = fixture();
        assert_eq!(submit(&s, &f), Ok(()));
        assert_eq!(s.w.kwh.balance(&s.w.receivers[0]), 600);
        // 600 Wh at 7, less the 1% fee, credited to the donor; the buyer is credited the
        // rest of the trade's escrow share (600 * 9 - 600 * 7); the bid's unmatched 100 Wh
        // wait for `release`.
        assert_eq!(s.w.market.credit(&s.w.donors[0]), 4200 - 42);
        assert_eq!(s.w.market.credit(&s.w.fee_to), 42);
        assert_eq!(s.w.market.credit(&s.w.receivers[0]), 600 * 2);
        let meter = BytesN::from_array(&s.w.env, &fixture().meter);
        assert!(s.w.market.delivered(&meter, &SLOT));
        // Replay of the same (meter, slot).
        assert_eq!(submit(&s, &f), Err(Ok(MarketError::AlreadyDelivered)));
        // The nullifier is temporary but outlives the longest deadline any parameters
        // allow, at one ledger per second (the fastest ledgers close).
        let left =
            (SLOT + 1) * SLOT_SECS + MAX_DELIVERY_DEADLINE_SECS - s.w.env.ledger().timestamp();
        s.w.env.as_contract(&s.w.market.address, || {
            use soroban_sdk::testutils::storage::Temporary as _;
            let key = crate::storage::Key::Delivered(meter.clone(), SLOT);
            assert!(s.w.env.storage().temporary().get_ttl(&key) as u64 >= left);
        });
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
    let f = &fixture();
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
    // A suspended owner is not paid through its still-active meter.
    s.w.registry.set_member_active(&s.w.donors[0], &false);
    assert_eq!(submit(&s, f), Err(Ok(MarketError::MemberSuspended)));
    s.w.registry.set_member_active(&s.w.donors[0], &true);
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
    let f = fixture();
    at(&s.w, (SLOT + 1) * SLOT_SECS - 1);
    assert_eq!(submit(&s, &f), Err(Ok(MarketError::TooEarly)));
    at(&s.w, (SLOT + 1) * SLOT_SECS + 3_600);
    assert_eq!(submit(&s, &f), Err(Ok(MarketError::DeliveryWindowClosed)));
}

#[test]
fn wasm_cost_of_deliver() {
    use soroban_env_host::InvocationResourceLimits;
    use soroban_sdk::testutils::cost_estimate::NetworkInvocationResourceLimits as _;
    let s = setup(Build::Wasm);
    assert_eq!(submit(&s, &fixture()), Ok(()));
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

#[test]
fn attack_cross_market_replay_is_refused() {
    // The same meter is registered in two markets (another community, or a migration):
    // a delivery signed and proven for market A is worthless in market B.
    let a = setup(Build::Native);
    let da = delivery(&meter_key(1), SLOT, READ);
    let b = setup(Build::Native);
    assert_ne!(domain_of(&a.w), domain_of(&b.w));
    // Submitted to B, the signature (over A's domain) does not verify: the call aborts.
    assert!(submit(&b, &da).is_err());
    // Re-signed for B but with A's proof: the proof's public input binds A's domain.
    let d = Delivery {
        signature: signed_for(&meter_key(1), domain_of(&b.w), SLOT, da.commitment),
        ..delivery_for(&meter_key(1), domain_of(&a.w), SLOT, READ)
    };
    assert_eq!(submit(&b, &d), Err(Ok(MarketError::ProofRejected)));
    assert_eq!(b.w.kwh.total_supply(), 0);
    // The genuine delivery for A is accepted once, by A.
    assert_eq!(submit(&a, &da), Ok(()));
}

#[test]
fn attack_cross_network_replay_is_refused() {
    // The same market address on another network (testnet vs mainnet) has another domain.
    let s = setup(Build::Native);
    let here = domain_of(&s.w);
    let other_net = s.w.env.as_contract(&s.w.market.address, || {
        let mut pre = soroban_sdk::Bytes::from_slice(&s.w.env, urja_interfaces::domain::DOMAIN_TAG);
        pre.extend_from_array(&[7u8; 32]); // another network id
        let mut addr = [0u8; 56];
        let text = s.w.market.address.to_string();
        text.copy_into_slice(&mut addr);
        pre.extend_from_array(&addr);
        s.w.env.crypto().sha256(&pre).to_array()
    });
    assert_ne!(here, other_net);
    let d = delivery_for(&meter_key(1), other_net, SLOT, READ);
    assert!(submit(&s, &d).is_err());
    assert_eq!(s.w.kwh.total_supply(), 0);
}

#[test]
fn attack_two_meters_of_one_owner_settle_their_own_trades() {
    let s = setup(Build::Native);
    let w = &s.w;
    // Donor 0 gets a second meter and sells 300 Wh from it to receiver 1.
    let m2 = meter_id(&w.env, 9);
    at(w, SLOT * SLOT_SECS - 3_600);
    w.registry.register_meter(&m2, &w.donors[0], &0, &MAX);
    w.registry.accept_meter(&m2);
    let s2 = w.market.offer(&w.donors[0], &m2, &(SLOT + 1), &300, &5);
    let b2 = w.market.bid(&w.receivers[1], &(SLOT + 1), &300, &9);
    let s1 = offer(w, 0, SLOT + 1, 600, 5);
    let b1 = w.market.bid(&w.receivers[0], &(SLOT + 1), &600, &9);
    at_gate(w, SLOT + 1);
    w.market.settle(
        &(SLOT + 1),
        &vec![&w.env, trade(b1, s1, 600, 7), trade(b2, s2, 300, 7)],
        &Some(7),
    );
    at(w, (SLOT + 2) * SLOT_SECS + 10);
    // Meter 9 delivers first, 300 Wh: it settles only its own trade; meter 1's trade
    // stays open for meter 1 (today's bug: the first meter took all the owner's trades).
    let d9 = delivery(&meter_key(9), SLOT + 1, [20; 15]);
    assert_eq!(submit(&s, &d9), Ok(()));
    assert_eq!(w.kwh.balance(&w.receivers[1]), 300);
    assert_eq!(w.kwh.balance(&w.receivers[0]), 0);
    assert_eq!(
        w.kwh.balance(&w.donors[0]),
        0,
        "no surplus taken from meter 1's trade"
    );
    let d1 = delivery(&meter_key(1), SLOT + 1, READ);
    assert_eq!(submit(&s, &d1), Ok(()));
    assert_eq!(w.kwh.balance(&w.receivers[0]), 600);
}

#[test]
fn attack_a_short_slot_claims_no_more_than_the_meters_rate() {
    // 15-second slots: each of the 15 readings covers one second, so a meter registered at
    // METER_MAX Wh per minute may claim METER_MAX / 60 Wh per reading. The cap used to be
    // METER_MAX per reading whatever the slot, 60 times the meter's rate.
    let w = world_with_slots(Build::Native, 1, 1, 15);
    let verifier = install_verifier(&w, Build::Native);
    let s = Setup { w, verifier };
    let w = &s.w;
    let sell = offer(w, 0, SLOT, 900, 5);
    let buy = w.market.bid(&w.receivers[0], &SLOT, &900, &9);
    at_gate(w, SLOT);
    w.market
        .settle(&SLOT, &vec![&w.env, trade(buy, sell, 900, 7)], &Some(7));
    at(w, (SLOT + 1) * 15 + 2);
    let limit = (MAX / 60) as u64;
    assert_eq!(limit, 1, "the test meter's rate is one Wh a second");
    // 900 Wh in 15 seconds, proven against the per-minute rate as a per-second limit.
    let greedy = proven(
        &meter_key(1),
        domain_of(w),
        SLOT,
        [MAX as u64; 15],
        MAX as u64,
    );
    assert_eq!(submit(&s, &greedy), Err(Ok(MarketError::EnergyOutOfRange)));
    // Within the energy bound, but proven against the wrong limit: h does not match.
    let wrong = proven(&meter_key(1), domain_of(w), SLOT, [1; 15], MAX as u64);
    assert_eq!(submit(&s, &wrong), Err(Ok(MarketError::ProofRejected)));
    assert_eq!(w.kwh.balance(&w.receivers[0]), 0);
    // What the meter can physically export in 15 seconds is delivered.
    let honest = proven(&meter_key(1), domain_of(w), SLOT, [limit; 15], limit);
    assert_eq!(submit(&s, &honest), Ok(()));
    assert_eq!(w.kwh.balance(&w.receivers[0]), 15);
}

#[test]
fn attack_buyer_account_state_cannot_block_a_donors_delivery() {
    // The buyer's account can no longer receive the payment asset (a removed trustline,
    // a deauthorised or merged account): with push payments `deliver` reverted, the donor
    // was never paid and the buyer later took its escrow back with `refund_expired`.
    let s = setup(Build::Native);
    let sac = StellarAssetClient::new(&s.w.env, &s.w.pay.address);
    sac.set_authorized(&s.w.receivers[0], &false);
    assert_eq!(submit(&s, &fixture()), Ok(()));
    assert_eq!(withdraw(&s.w, &s.w.donors[0]), 4200 - 42);
    assert_eq!(s.w.kwh.balance(&s.w.receivers[0]), 600);
    // Only the blocked buyer's own withdrawal fails; its credit stays for later.
    at(&s.w, (SLOT + 1) * SLOT_SECS + 4_000);
    let b =
        s.w.market
            .meter_trades(&s.w.meters[0], &SLOT)
            .get(0)
            .unwrap();
    let t = s.w.market.trade(&b).unwrap();
    s.w.market.release(&t.buy);
    let owed = s.w.market.credit(&s.w.receivers[0]);
    assert_eq!(owed, 700 * 9 - 600 * 7);
    assert!(s.w.market.try_withdraw(&s.w.receivers[0]).is_err());
    assert_eq!(s.w.market.credit(&s.w.receivers[0]), owed);
    sac.set_authorized(&s.w.receivers[0], &true);
    assert_eq!(withdraw(&s.w, &s.w.receivers[0]), owed);
}

#[test]
fn deliver_at_the_trade_cap_fits_a_transaction() {
    // One meter's offer matched with the most trades `settle` allows, then its real
    // delivery (signature, proof, settlement of every trade) on the WASM build.
    use soroban_env_host::InvocationResourceLimits;
    use soroban_sdk::testutils::cost_estimate::NetworkInvocationResourceLimits as _;
    let cap = MAX_TRADES_PER_METER_SLOT as usize;
    let w = world(Build::Wasm, 1, cap);
    let verifier = install_verifier(&w, Build::Wasm);
    let s = offer(&w, 0, SLOT, 900, 5);
    let mut trades = soroban_sdk::Vec::new(&w.env);
    for r in &w.receivers {
        let b = w.market.bid(r, &SLOT, &30, &9);
        trades.push_back(trade(b, s, 30, 7));
    }
    at_gate(&w, SLOT);
    w.env.cost_estimate().budget().reset_unlimited();
    w.market.settle(&SLOT, &trades, &Some(7));
    at(&w, (SLOT + 1) * SLOT_SECS + 10);
    let setup = Setup { w, verifier };
    w_deliver_and_report(&setup, cap, InvocationResourceLimits::mainnet());
}

fn w_deliver_and_report(s: &Setup, cap: usize, l: soroban_env_host::InvocationResourceLimits) {
    s.w.env.cost_estimate().disable_resource_limits();
    // Measure past the test budget too; the assertions below judge against the network.
    s.w.env.cost_estimate().budget().reset_unlimited();
    let d = delivery(&meter_key(1), SLOT, [40; 15]); // 600 Wh, short of 20 x 30: pro rata
    assert_eq!(submit(s, &d), Ok(()));
    let r = s.w.env.cost_estimate().resources();
    let keys = r.memory_read_entries + r.disk_read_entries;
    let line = std::format!(
        "deliver at the cap ({cap} trades, WASM): {} insns, {} mem bytes, {} write entries, {} entries accessed, {} write bytes, {} event bytes\n",
        r.instructions, r.mem_bytes, r.write_entries, keys, r.write_bytes, r.contract_events_size_bytes
    );
    std::print!("{line}");
    let out = std::format!(
        "{}/../../target/contract-costs-deliver-cap.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::write(out, line).expect("write target/contract-costs-deliver-cap.txt");
    assert_eq!(s.w.kwh.total_supply(), 600);
    assert!(r.instructions <= l.instructions, "instructions");
    assert!(r.mem_bytes <= l.mem_bytes, "memory");
    assert!(r.write_entries <= l.write_entries, "write entries");
    assert!(
        keys + r.write_entries <= l.ledger_entries,
        "footprint entries"
    );
    assert!(r.write_bytes <= l.write_bytes, "write bytes");
    assert!(
        r.contract_events_size_bytes <= l.contract_events_size_bytes,
        "event bytes"
    );
}

#[test]
fn delivery_events_are_pinned() {
    use super::events::{event, market_events};
    use soroban_sdk::{Env, IntoVal, Val};
    let s = setup(Build::Native);
    // 750 Wh: the 600 Wh trade at 7 (escrow at 9) and 150 Wh surplus.
    let d = delivery(&meter_key(1), SLOT, [50; 15]);
    assert_eq!(submit(&s, &d), Ok(()));
    let (w, e) = (&s.w, &s.w.env);
    let v = |x: soroban_sdk::Vec<Val>| IntoVal::<Env, Val>::into_val(&x, e);
    let slot: Val = SLOT.into_val(e);
    let meter: Val = BytesN::from_array(e, &d.meter).into_val(e);
    let delivered = vals!(e; 0u64, 600i128, 4200i128 - 42, 42i128, 600i128 * 2);
    let surplus = vals!(e; w.donors[0].clone(), 150i128);
    let proof = vals!(e;
        w.donors[0].clone(),
        BytesN::from_array(e, &d.commitment),
        750u64,
        BytesN::from_array(e, &d.signature),
        Bytes::from_slice(e, &d.proof)
    );
    assert_eq!(
        market_events(w),
        vec![
            e,
            event(w, "delivered", &[slot], v(delivered)),
            event(w, "surplus", &[slot], v(surplus)),
            event(w, "proof", &[meter, slot], v(proof))
        ]
    );
}
