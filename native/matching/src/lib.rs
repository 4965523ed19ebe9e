//! Slot-clearing engine for the Urja market.
//!
//! One slot's order book goes in, trades come out. Three mechanisms share one validated
//! input ([`Book`]): a uniform-price double auction, the same allocation priced per trade
//! (pay-as-bid), and a network-constrained clearing over the community's feeder tree that
//! maximises welfare net of grid fees within every edge's capacity, with locational prices.
//! Everything is integer (Wh and the smallest payment unit per Wh) and deterministic: the
//! result depends only on the orders' contents, never on their order in the input.
#![forbid(unsafe_code)]

mod auction;
mod book;
mod error;
mod json;
mod network;
mod outcome;

pub use book::{Book, Columns, Mechanism, NodeSpec, OrderIds, Side, MAX_AMOUNT};
pub use error::ClearError;
pub use json::{
    clear_json, node_specs, parse_book, parse_node, parse_order, parse_side, render_clearing,
    NamedBook, NamedNode, NamedOrder,
};
pub use outcome::{Clearing, Trade};

/// Clears one slot with the book's mechanism.
pub fn clear(book: &Book) -> Result<Clearing, ClearError> {
    match book.mechanism {
        Mechanism::Uniform | Mechanism::PayAsBid => Ok(auction::clear(book)),
        Mechanism::Network => network::clear(book),
    }
}
