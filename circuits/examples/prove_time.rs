//! Times setup and proving (developer aid: `cargo run --release -p urja-circuits --example prove_time`).
use std::time::Instant;
use urja_circuits::*;

fn main() {
    let t = Instant::now();
    let keys = setup_insecure_deterministic(1);
    println!("setup {:?}", t.elapsed());
    let w = DeliveryWitness::new(&[10; READINGS], [0; 32], 5, 60, [1; 32], [2; 32]).unwrap();
    for _ in 0..3 {
        let t = Instant::now();
        let (p, h) = prove(&keys.pk, &w).unwrap();
        let el = t.elapsed();
        let t2 = Instant::now();
        assert!(verify(&keys.vk, &p, &h));
        println!("prove {el:?} verify {:?}", t2.elapsed());
    }
    use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystem};
    let t = Instant::now();
    let cs = ConstraintSystem::<ark_bn254::Fr>::new_ref();
    DeliveryCircuit {
        witness: Some(w.clone()),
    }
    .generate_constraints(cs.clone())
    .unwrap();
    println!("synthesis {:?}", t.elapsed());
    let t = Instant::now();
    cs.finalize();
    println!("finalize (inline LCs) {:?}", t.elapsed());
    let t = Instant::now();
    assert!(cs.is_satisfied().unwrap());
    println!("is_satisfied {:?}", t.elapsed());
    let m = cs.to_matrices().unwrap();
    println!(
        "nnz a {} b {} c {}",
        m.a_num_non_zero, m.b_num_non_zero, m.c_num_non_zero
    );
    let t = Instant::now();
    let _ = w.public_hash();
    println!("native public hash {:?}", t.elapsed());
}

#[allow(dead_code)]
fn synth_only() {}
