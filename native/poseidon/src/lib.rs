//! Poseidon hash over BN254 Fr with circomlib parameters.
