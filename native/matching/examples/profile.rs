//! Times the phases of clearing a large random book (developer aid: `cargo run --release
//! -p urja-matching --example profile -- 1000000`).
use std::time::Instant;
use urja_matching::{clear, Book, Columns, Mechanism, OrderIds, Side};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mut x: u64 = 0x9E3779B97F4A7C15;
    let mut next = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    let cols = Columns {
        side: (0..n)
            .map(|_| if next(2) == 1 { Side::Buy } else { Side::Sell })
            .collect(),
        wh: (0..n).map(|_| 1 + next(2000) as i64).collect(),
        price: (0..n).map(|_| 1 + next(400) as i64).collect(),
        ts: (0..n).map(|_| next(900) as i64).collect(),
        node: Vec::new(),
        ids: OrderIds::Numbers((0..n as u64).collect()),
    };
    let t = Instant::now();
    let book = Book::new(Mechanism::Uniform, cols, Vec::new()).unwrap();
    let t_book = t.elapsed();
    let t = Instant::now();
    let c = clear(&book).unwrap();
    println!(
        "{n} orders: validate {:?}, clear {:?}, {} trades",
        t_book,
        t.elapsed(),
        c.trades.len()
    );
}
