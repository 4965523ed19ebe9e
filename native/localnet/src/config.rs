//! Network constants of the local network and the Soroban settings it runs with.
//!
//! Fees and limits follow Stellar mainnet's published per-transaction limits; the host's
//! cost model is the one built into soroban-env-host (`Budget::default()`), read back
//! through its public `charge` API so that simulation (soroban-simulation) and execution
//! (e2e_invoke) meter with exactly the same parameters.

use sha2::{Digest, Sha256};
use soroban_env_host::budget::Budget;
use soroban_env_host::fees::{FeeConfiguration, RentFeeConfiguration};
use soroban_env_host::xdr::{
    ContractCostParamEntry, ContractCostParams, ContractCostType, ExtensionPoint,
};
use soroban_env_host::LedgerInfo;
use soroban_simulation::NetworkConfig;

/// Default network passphrase (printed by `getNetwork`).
pub const DEFAULT_PASSPHRASE: &str = "Urja Local Network ; November 2026";
/// Base fee per operation in stroops.
pub const BASE_FEE: i64 = 100;
/// Base reserve in stroops (0.5 XLM, as on the public networks).
pub const BASE_RESERVE: u32 = 5_000_000;
/// Lumens the root account starts with (stroops).
pub const ROOT_BALANCE: i64 = 100_000_000_000 * 10_000_000;
/// Lumens friendbot gives a new account (stroops).
pub const FRIENDBOT_AMOUNT: i64 = 10_000 * 10_000_000;
/// Per-transaction instruction limit (mainnet).
pub const TX_MAX_INSTRUCTIONS: i64 = 400_000_000;
/// Per-transaction memory limit (mainnet).
pub const TX_MEMORY_LIMIT: u32 = 41_943_040;
/// Minimum TTL of temporary entries, in ledgers.
pub const MIN_TEMP_TTL: u32 = 17_280;
/// Minimum TTL of persistent entries, in ledgers.
pub const MIN_PERSISTENT_TTL: u32 = 2_073_600;
/// Longest TTL an entry can be extended to.
pub const MAX_ENTRY_TTL: u32 = 3_110_400;

/// The protocol the embedded host implements (with the X-Ray BN254/Poseidon functions).
pub fn protocol_version() -> u32 {
    soroban_env_host::meta::INTERFACE_VERSION.protocol
}

/// SHA-256 of the passphrase: the network id every signature is bound to.
pub fn network_id(passphrase: &str) -> [u8; 32] {
    Sha256::digest(passphrase.as_bytes()).into()
}

/// The host's built-in cost model as network cost parameters: for every cost type,
/// charging input 0 reveals the constant term and input 128 adds the (x128-scaled) linear
/// term.
fn cost_params() -> (ContractCostParams, ContractCostParams) {
    let mut cpu = Vec::new();
    let mut mem = Vec::new();
    for ct in ContractCostType::variants() {
        // Constant models take no input; linear ones take one. The linear (x128-scaled)
        // term is read at input 128, or at a smaller input when 128 would exceed the
        // default budget's limit (only very expensive BLS operations).
        let measure = |input: Option<u64>| {
            let b = Budget::default();
            b.charge(ct, input).ok().map(|()| {
                (
                    b.get_cpu_insns_consumed().unwrap_or(0),
                    b.get_mem_bytes_consumed().unwrap_or(0),
                )
            })
        };
        let (c0, m0, lc, lm) = if let Some((c, m)) = measure(None) {
            (c, m, 0, 0)
        } else {
            let (c0, m0) = measure(Some(0)).unwrap_or((0, 0));
            let (x, (c1, m1)) = [128u64, 16, 1]
                .iter()
                .find_map(|&x| measure(Some(x)).map(|r| (x, r)))
                .unwrap_or((1, (c0, m0)));
            (
                c0,
                m0,
                c1.saturating_sub(c0) * 128 / x,
                m1.saturating_sub(m0) * 128 / x,
            )
        };
        if std::env::var_os("URJA_DEBUG_COSTS").is_some() {
            eprintln!("{ct:?}: cpu {c0} + {lc}/128 x, mem {m0} + {lm}/128 x");
        }
        cpu.push(ContractCostParamEntry {
            ext: ExtensionPoint::V0,
            const_term: c0 as i64,
            linear_term: lc as i64,
        });
        mem.push(ContractCostParamEntry {
            ext: ExtensionPoint::V0,
            const_term: m0 as i64,
            linear_term: lm as i64,
        });
    }
    (
        ContractCostParams(cpu.try_into().expect("fits")),
        ContractCostParams(mem.try_into().expect("fits")),
    )
}

/// Fee schedule (stroops), close to mainnet's published values.
pub fn fee_configuration() -> FeeConfiguration {
    FeeConfiguration {
        fee_per_instruction_increment: 25,
        fee_per_disk_read_entry: 6_250,
        fee_per_write_entry: 10_000,
        fee_per_disk_read_1kb: 1_786,
        fee_per_write_1kb: 3_500,
        fee_per_historical_1kb: 16_235,
        fee_per_contract_event_1kb: 10_000,
        fee_per_transaction_size_1kb: 1_624,
    }
}

/// Rent schedule (stroops).
pub fn rent_fee_configuration() -> RentFeeConfiguration {
    // Rent per KB follows the write fee; uploading a 64 KiB contract with the minimum
    // persistent TTL costs about 11 XLM, in line with the public networks.
    RentFeeConfiguration {
        fee_per_write_1kb: 3_500,
        fee_per_rent_1kb: 1_000,
        fee_per_write_entry: 10_000,
        persistent_rent_rate_denominator: 1_215,
        temporary_rent_rate_denominator: 2_430,
    }
}

/// The settings soroban-simulation and the apply path share.
pub fn network_config() -> NetworkConfig {
    let (cpu_cost_params, memory_cost_params) = cost_params();
    NetworkConfig {
        fee_configuration: fee_configuration(),
        rent_fee_configuration: rent_fee_configuration(),
        tx_max_instructions: TX_MAX_INSTRUCTIONS,
        tx_memory_limit: TX_MEMORY_LIMIT,
        cpu_cost_params,
        memory_cost_params,
        min_temp_entry_ttl: MIN_TEMP_TTL,
        min_persistent_entry_ttl: MIN_PERSISTENT_TTL,
        max_entry_ttl: MAX_ENTRY_TTL,
    }
}

/// Ledger info for executing in ledger `sequence` closing at `timestamp`.
pub fn ledger_info(network_id: [u8; 32], sequence: u32, timestamp: u64) -> LedgerInfo {
    LedgerInfo {
        protocol_version: protocol_version(),
        sequence_number: sequence,
        timestamp,
        network_id,
        base_reserve: BASE_RESERVE,
        min_temp_entry_ttl: MIN_TEMP_TTL,
        min_persistent_entry_ttl: MIN_PERSISTENT_TTL,
        max_entry_ttl: MAX_ENTRY_TTL,
    }
}
