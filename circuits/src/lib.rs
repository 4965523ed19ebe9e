//! Groth16 delivery circuit over BN254 (arkworks).
