//! The embedded database: ledger entries with their TTLs, ledger headers, transactions and
//! events in SQLite (WAL, full sync). A ledger is written in one SQLite transaction, so a
//! kill -9 at any moment leaves either the previous or the next ledger, never a mix.

use anyhow::{Context, Result};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

/// One stored ledger header.
#[derive(Clone, Debug)]
pub struct LedgerRow {
    pub seq: u32,
    pub close_time: u64,
    pub hash: [u8; 32],
    pub header_xdr: Vec<u8>,
}

/// One stored transaction.
#[derive(Clone, Debug)]
pub struct TxRow {
    pub hash: [u8; 32],
    pub ledger: u32,
    pub app_order: u32,
    pub envelope: Vec<u8>,
    pub result: Vec<u8>,
    pub meta: Vec<u8>,
    pub success: bool,
    pub close_time: u64,
}

/// One stored contract event.
#[derive(Clone, Debug)]
pub struct EventRow {
    pub ledger: u32,
    pub tx_order: u32,
    pub op_index: u32,
    pub event_index: u32,
    pub contract_id: Option<[u8; 32]>,
    pub topics: Vec<Vec<u8>>,
    pub value: Vec<u8>,
    pub event_xdr: Vec<u8>,
    pub tx_hash: [u8; 32],
    pub close_time: u64,
}

/// A stored entry: XDR bytes, live-until ledger (for TTL'd entries), last-modified ledger.
pub type StoredEntry = (Vec<u8>, Option<u32>, u32);

/// Position of an event: (ledger, transaction order, operation index, event index).
pub type EventPos = (u32, u32, u32, u32);

/// An entry write of a closing ledger: `None` deletes.
pub type EntryWrite = (Vec<u8>, Option<(Vec<u8>, Option<u32>)>);

/// The database handle.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database under `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let conn = Connection::open(dir.join("ledger.sqlite"))?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
             CREATE TABLE IF NOT EXISTS entries(key BLOB PRIMARY KEY, entry BLOB NOT NULL,
                 live_until INTEGER, last_modified INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS ledgers(seq INTEGER PRIMARY KEY, close_time INTEGER NOT NULL,
                 hash BLOB NOT NULL, header BLOB NOT NULL);
             CREATE TABLE IF NOT EXISTS txs(hash BLOB PRIMARY KEY, ledger INTEGER NOT NULL,
                 app_order INTEGER NOT NULL, envelope BLOB NOT NULL, result BLOB NOT NULL,
                 meta BLOB NOT NULL, success INTEGER NOT NULL);
             CREATE INDEX IF NOT EXISTS txs_by_ledger ON txs(ledger, app_order);
             CREATE TABLE IF NOT EXISTS events(ledger INTEGER NOT NULL, tx_order INTEGER NOT NULL,
                 op_index INTEGER NOT NULL, event_index INTEGER NOT NULL, contract_id BLOB,
                 topics BLOB NOT NULL, value BLOB NOT NULL, event BLOB NOT NULL, tx_hash BLOB NOT NULL,
                 PRIMARY KEY(ledger, tx_order, op_index, event_index));",
        )?;
        Ok(Self { conn })
    }

    /// The newest ledger, if any was closed.
    pub fn latest_ledger(&self) -> Result<Option<LedgerRow>> {
        self.ledger_where("ORDER BY seq DESC LIMIT 1", params![])
    }

    /// The oldest stored ledger.
    pub fn oldest_ledger(&self) -> Result<Option<LedgerRow>> {
        self.ledger_where("ORDER BY seq ASC LIMIT 1", params![])
    }

    /// Up to `limit` ledgers from `start`.
    pub fn ledgers_from(&self, start: u32, limit: u32) -> Result<Vec<LedgerRow>> {
        let mut st = self.conn.prepare(
            "SELECT seq, close_time, hash, header FROM ledgers WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = st.query_map(params![start, limit], Self::ledger_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn ledger_row(r: &rusqlite::Row) -> rusqlite::Result<LedgerRow> {
        let hash: Vec<u8> = r.get(2)?;
        Ok(LedgerRow {
            seq: r.get(0)?,
            close_time: r.get::<_, i64>(1)? as u64,
            hash: hash.try_into().unwrap_or([0; 32]),
            header_xdr: r.get(3)?,
        })
    }

    fn ledger_where(&self, clause: &str, p: impl rusqlite::Params) -> Result<Option<LedgerRow>> {
        let sql = format!("SELECT seq, close_time, hash, header FROM ledgers {clause}");
        Ok(self.conn.query_row(&sql, p, Self::ledger_row).optional()?)
    }

    /// An entry with its live-until ledger and last-modified ledger.
    pub fn entry(&self, key: &[u8]) -> Result<Option<StoredEntry>> {
        Ok(self
            .conn
            .query_row(
                "SELECT entry, live_until, last_modified FROM entries WHERE key = ?1",
                params![key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    /// A stored transaction.
    pub fn tx(&self, hash: &[u8]) -> Result<Option<TxRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT t.hash, t.ledger, t.app_order, t.envelope, t.result, t.meta, t.success,
                        l.close_time FROM txs t JOIN ledgers l ON l.seq = t.ledger WHERE t.hash = ?1",
                params![hash],
                Self::tx_row,
            )
            .optional()?)
    }

    fn tx_row(r: &rusqlite::Row) -> rusqlite::Result<TxRow> {
        let hash: Vec<u8> = r.get(0)?;
        Ok(TxRow {
            hash: hash.try_into().unwrap_or([0; 32]),
            ledger: r.get(1)?,
            app_order: r.get(2)?,
            envelope: r.get(3)?,
            result: r.get(4)?,
            meta: r.get(5)?,
            success: r.get::<_, i64>(6)? != 0,
            close_time: r.get::<_, i64>(7)? as u64,
        })
    }

    /// Transactions ordered by (ledger, order) after the position `(ledger, order)`.
    pub fn txs_after(&self, ledger: u32, order: u32, limit: u32) -> Result<Vec<TxRow>> {
        let mut st = self.conn.prepare(
            "SELECT t.hash, t.ledger, t.app_order, t.envelope, t.result, t.meta, t.success, l.close_time
             FROM txs t JOIN ledgers l ON l.seq = t.ledger
             WHERE (t.ledger, t.app_order) > (?1, ?2) ORDER BY t.ledger, t.app_order LIMIT ?3",
        )?;
        let rows = st.query_map(params![ledger, order, limit], Self::tx_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Events in `[start, end)` ledgers after the position `after`, in order.
    pub fn events(
        &self,
        start: u32,
        end: u32,
        after: EventPos,
        mut keep: impl FnMut(&EventRow) -> bool,
        limit: usize,
    ) -> Result<(Vec<EventRow>, Option<EventPos>)> {
        let mut st = self.conn.prepare(
            "SELECT e.ledger, e.tx_order, e.op_index, e.event_index, e.contract_id, e.topics, e.value,
                    e.event, e.tx_hash, l.close_time
             FROM events e JOIN ledgers l ON l.seq = e.ledger
             WHERE e.ledger >= ?1 AND e.ledger < ?2
               AND (e.ledger, e.tx_order, e.op_index, e.event_index) > (?3, ?4, ?5, ?6)
             ORDER BY e.ledger, e.tx_order, e.op_index, e.event_index",
        )?;
        let mut rows = st.query(params![start, end, after.0, after.1, after.2, after.3])?;
        let mut out = Vec::new();
        let mut last = None;
        while let Some(r) = rows.next()? {
            let cid: Option<Vec<u8>> = r.get(4)?;
            let topics: Vec<u8> = r.get(5)?;
            let hash: Vec<u8> = r.get(8)?;
            let e = EventRow {
                ledger: r.get(0)?,
                tx_order: r.get(1)?,
                op_index: r.get(2)?,
                event_index: r.get(3)?,
                contract_id: cid.and_then(|c| c.try_into().ok()),
                topics: serde_json::from_slice::<Vec<Vec<u8>>>(&topics)?,
                value: r.get(6)?,
                event_xdr: r.get(7)?,
                tx_hash: hash.try_into().unwrap_or([0; 32]),
                close_time: r.get::<_, i64>(9)? as u64,
            };
            last = Some((e.ledger, e.tx_order, e.op_index, e.event_index));
            if keep(&e) {
                out.push(e);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok((out, last))
    }

    /// Writes one closed ledger atomically.
    pub fn commit_ledger(
        &mut self,
        ledger: &LedgerRow,
        writes: &[EntryWrite],
        txs: &[TxRow],
        events: &[EventRow],
    ) -> Result<()> {
        let t = self.conn.transaction()?;
        for (key, value) in writes {
            match value {
                Some((entry, live_until)) => {
                    t.execute(
                        "INSERT INTO entries(key, entry, live_until, last_modified) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT(key) DO UPDATE SET entry = ?2, live_until = ?3, last_modified = ?4",
                        params![key, entry, live_until, ledger.seq],
                    )?;
                }
                None => {
                    t.execute("DELETE FROM entries WHERE key = ?1", params![key])?;
                }
            }
        }
        for tx in txs {
            t.execute(
                "INSERT INTO txs(hash, ledger, app_order, envelope, result, meta, success)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    tx.hash.as_slice(),
                    tx.ledger,
                    tx.app_order,
                    tx.envelope,
                    tx.result,
                    tx.meta,
                    tx.success as i64
                ],
            )?;
        }
        for e in events {
            t.execute(
                "INSERT INTO events(ledger, tx_order, op_index, event_index, contract_id, topics, value,
                 event, tx_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![e.ledger, e.tx_order, e.op_index, e.event_index,
                        e.contract_id.map(|c| c.to_vec()), serde_json::to_vec(&e.topics)?, e.value,
                        e.event_xdr, e.tx_hash.as_slice()],
            )?;
        }
        t.execute(
            "INSERT INTO ledgers(seq, close_time, hash, header) VALUES (?1, ?2, ?3, ?4)",
            params![
                ledger.seq,
                ledger.close_time as i64,
                ledger.hash.as_slice(),
                ledger.header_xdr
            ],
        )?;
        t.commit()?;
        Ok(())
    }
}
