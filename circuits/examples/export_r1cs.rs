//! Writes the delivery circuit in circom's `.r1cs` format: `cargo run --example export_r1cs
//! -- OUT.r1cs` (the ceremony CLI, `urja zk ceremony init`, does the same from Python).
fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: export_r1cs OUT.r1cs");
    let shape = urja_circuits::circom::delivery_shape();
    std::fs::write(&out, shape.r1cs_bytes()).expect("write");
    println!(
        "{out}: {} constraints, {} wires, powers of tau 2^{}",
        shape.num_constraints(),
        shape.num_wires(),
        shape.power()
    );
}
