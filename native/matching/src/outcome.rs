//! The result of clearing a slot.

use std::collections::BTreeMap;

/// One matched quantity between a buy and a sell order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trade {
    /// Index of the buy order in the book.
    pub buy: u32,
    /// Index of the sell order in the book.
    pub sell: u32,
    /// Wh traded.
    pub wh: i64,
    /// Price per Wh the buyer pays.
    pub price: i64,
}

/// Trades plus the prices and totals that explain them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Clearing {
    /// The uniform clearing price (uniform mechanism with at least one trade).
    pub price: Option<i64>,
    /// Locational price per node id (network mechanism).
    pub prices: BTreeMap<String, i64>,
    /// The trades, in a deterministic order.
    pub trades: Vec<Trade>,
    /// Sum over traded Wh of buyer limit minus seller limit, less grid fees.
    pub welfare: i128,
    /// Total Wh traded.
    pub volume_wh: i128,
}
