//! The node's cache of parsed contract code, as stellar-core keeps one: contracts are
//! parsed once, outside any transaction's budget, and every invocation gets the cache.

use soroban_env_host::budget::{AsBudget, Budget};
use soroban_env_host::xdr::{LedgerEntry, LedgerEntryData};
use soroban_env_host::{CompilationContext, Error, ErrorHandler, HostError, ModuleCache, Val};
use soroban_simulation::NetworkConfig;

/// Compiles contract code with a budget of its own (parsing is not charged to anyone).
#[derive(Clone)]
pub struct Compiler(Budget);

impl AsBudget for Compiler {
    fn as_budget(&self) -> &Budget {
        &self.0
    }
}

impl ErrorHandler for Compiler {
    fn map_err<T, E>(&self, res: Result<T, E>) -> Result<T, HostError>
    where
        Error: From<E>,
        E: std::fmt::Debug,
    {
        res.map_err(|e| HostError::from(Error::from(e)))
    }

    fn error(&self, error: Error, _msg: &str, _args: &[Val]) -> HostError {
        HostError::from(error)
    }
}

impl CompilationContext for Compiler {}

/// Parsed modules of every contract code entry seen so far.
#[derive(Clone)]
pub struct Modules {
    cpu: soroban_env_host::xdr::ContractCostParams,
    mem: soroban_env_host::xdr::ContractCostParams,
    pub cache: ModuleCache,
}

impl Modules {
    /// An empty cache.
    pub fn new(net: &NetworkConfig) -> anyhow::Result<Self> {
        let (cpu, mem) = (net.cpu_cost_params.clone(), net.memory_cost_params.clone());
        let cache = ModuleCache::new(&Self::compiler(&cpu, &mem)?)?;
        Ok(Self { cpu, mem, cache })
    }

    fn compiler(
        cpu: &soroban_env_host::xdr::ContractCostParams,
        mem: &soroban_env_host::xdr::ContractCostParams,
    ) -> anyhow::Result<Compiler> {
        Ok(Compiler(Budget::try_from_configs(
            u64::MAX / 2,
            u64::MAX / 2,
            cpu.clone(),
            mem.clone(),
        )?))
    }

    /// Parses a contract code entry into the cache (no-op for other entries or known code).
    pub fn add(&self, protocol: u32, entry: &LedgerEntry) -> anyhow::Result<()> {
        if let LedgerEntryData::ContractCode(c) = &entry.data {
            if !self.cache.contains_module(&c.hash)? {
                let compiler = Self::compiler(&self.cpu, &self.mem)?;
                self.cache
                    .parse_and_cache_module_simple(&compiler, protocol, c.code.as_slice())?;
            }
        }
        Ok(())
    }
}
