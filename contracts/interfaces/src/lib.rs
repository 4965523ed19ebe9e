//! Shared contract types and cross-contract client interfaces.
