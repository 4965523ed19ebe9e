//! Groth16 verifier over BN254 with the X-Ray host functions.
