//! Energy market: orders, escrow, settlement, delivery.
