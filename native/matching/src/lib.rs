//! Slot-clearing engine: double auctions and network-constrained clearing.
