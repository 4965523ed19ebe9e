//! Local Stellar network serving the Stellar RPC API with the real Soroban host.
