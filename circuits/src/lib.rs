//! Groth16 proof of delivery over BN254 (arkworks), the zero-knowledge heart of Urja.
//!
//! A meter's readings for one slot stay private; the chain sees one public field element
//! `h` that binds the commitment the meter signed, the energy it claims, the slot, the
//! meter's registered limit and the meter's key (`docs/zk.md`). This crate holds the
//! circuit ([`delivery`]), the setup, prover and verifier ([`keys`]), the encodings the
//! contract and outside tools read ([`encode`]), and the circom/snarkjs formats of the
//! multi-party ceremony ([`circom`]).
#![forbid(unsafe_code)]

pub mod circom;
pub mod delivery;
pub mod encode;
pub mod keys;

pub use delivery::{DeliveryCircuit, DeliveryError, DeliveryWitness, READINGS, READING_BITS};
pub use keys::{prove, setup, setup_insecure_deterministic, verify, Keys, Qap};
