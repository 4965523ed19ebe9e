//! The ledger state seen while a ledger closes: the store plus this ledger's writes.

use std::collections::BTreeMap;
use std::rc::Rc;

use anyhow::Result;
use soroban_env_host::storage::{EntryWithLiveUntil, SnapshotSource};
use soroban_env_host::xdr::{LedgerEntry, LedgerKey, Limits, ReadXdr, WriteXdr};
use soroban_env_host::HostError;

use crate::store::{EntryWrite, Store};

/// Entry bytes and live-until ledger; `None` when deleted in this ledger.
type Slot = Option<(Vec<u8>, Option<u32>)>;

/// Reads through this ledger's overlay to the store.
pub struct View<'a> {
    pub store: &'a Store,
    pub overlay: BTreeMap<Vec<u8>, Slot>,
}

/// XDR bytes of a ledger key.
pub fn key_bytes(key: &LedgerKey) -> Vec<u8> {
    key.to_xdr(Limits::none()).expect("ledger keys encode")
}

impl<'a> View<'a> {
    /// A view with no pending writes.
    pub fn new(store: &'a Store) -> Self {
        Self {
            store,
            overlay: BTreeMap::new(),
        }
    }

    /// Raw entry bytes and TTL.
    pub fn get_raw(&self, key: &[u8]) -> Result<Slot> {
        if let Some(v) = self.overlay.get(key) {
            return Ok(v.clone());
        }
        Ok(self.store.entry(key)?.map(|(e, ttl, _)| (e, ttl)))
    }

    /// Decoded entry and TTL.
    pub fn get(&self, key: &LedgerKey) -> Result<Option<(LedgerEntry, Option<u32>)>> {
        match self.get_raw(&key_bytes(key))? {
            Some((bytes, ttl)) => Ok(Some((LedgerEntry::from_xdr(bytes, Limits::none())?, ttl))),
            None => Ok(None),
        }
    }

    /// Writes an entry.
    pub fn put(&mut self, key: &LedgerKey, entry: &LedgerEntry, ttl: Option<u32>) {
        let bytes = entry.to_xdr(Limits::none()).expect("entries encode");
        self.overlay.insert(key_bytes(key), Some((bytes, ttl)));
    }

    /// Deletes an entry.
    pub fn delete(&mut self, key: &LedgerKey) {
        self.overlay.insert(key_bytes(key), None);
    }

    /// The pending writes, for the store.
    pub fn writes(self) -> Vec<EntryWrite> {
        self.overlay.into_iter().collect()
    }
}

/// The last closed ledger's state for soroban-simulation (owns its own connection).
pub struct StoreSnapshot(pub Store);

impl SnapshotSource for StoreSnapshot {
    fn get(&self, key: &Rc<LedgerKey>) -> Result<Option<EntryWithLiveUntil>, HostError> {
        let internal = || {
            HostError::from(soroban_env_host::Error::from_type_and_code(
                soroban_env_host::xdr::ScErrorType::Storage,
                soroban_env_host::xdr::ScErrorCode::InternalError,
            ))
        };
        match self.0.entry(&key_bytes(key)).map_err(|_| internal())? {
            Some((bytes, ttl, _)) => {
                let e = LedgerEntry::from_xdr(bytes, Limits::none()).map_err(|_| internal())?;
                Ok(Some((Rc::new(e), ttl)))
            }
            None => Ok(None),
        }
    }
}
