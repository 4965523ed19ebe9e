//! Double auction without a network: the merit-order walk.
//!
//! Buys are taken from the highest limit down, sells from the lowest up (ties: earlier
//! `ts`, then smaller id), and matched while the buy limit is at least the sell limit.
//! That allocation maximises welfare. The uniform price is the midpoint of the marginal
//! (last matched) buy and sell limits, rounded down; pay-as-bid prices each trade at the
//! midpoint of its own two limits, rounded down.

use crate::book::{Book, Mechanism, Side};
use crate::outcome::{Clearing, Trade};

/// Bits needed to represent `span` (0 for 0).
fn bits(span: u128) -> u32 {
    128 - span.leading_zeros()
}

/// Span of a column as (min, bits needed for max - min).
fn span(values: impl Iterator<Item = i64>) -> (i128, u32) {
    let (lo, hi) = values.fold((i64::MAX, i64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        (0, 0)
    } else {
        (lo as i128, bits((hi as i128 - lo as i128) as u128))
    }
}

/// Offsets and widths of the packed sort key, computed once per book.
#[derive(Clone, Copy)]
struct Spans {
    p0: i128,
    pb: u32,
    t0: i128,
    tb: u32,
    r0: i128,
    rb: u32,
    ib: u32,
}

impl Spans {
    /// Column-wide spans (both sides): cheap sequential passes, wide enough for either.
    fn of(book: &Book) -> Self {
        let (p0, pb) = span(book.price.iter().copied());
        let (t0, tb) = span(book.ts.iter().copied());
        let (r0, rb) = span(book.rank.iter().map(|&r| r.min(i64::MAX as u64) as i64));
        Self {
            p0,
            pb,
            t0,
            tb,
            r0,
            rb,
            ib: bits(book.len() as u128),
        }
    }
}

/// One order in merit order, carrying what the walk needs so it reads sequentially.
#[derive(Clone, Copy)]
struct Entry {
    index: u32,
    price: i64,
    wh: i64,
}

/// Orders of one side in merit order: limit (best first), then time, then id.
///
/// The keys of one slot are usually narrow (prices, times and ids span a few thousand
/// values each), so limit, time, id and the order's position are packed into one `u64`
/// and radix-sorted, several times faster than a comparison sort. Wider keys fall back to
/// a comparison sort with the same order.
fn merit_order(book: &Book, side: Side, spans: Spans, keep: (i64, i64)) -> Vec<Entry> {
    let buy = side == Side::Buy;
    let n = book.len();
    let Spans {
        p0,
        pb,
        t0,
        tb,
        r0,
        rb,
        ib,
    } = spans;
    let pmax = p0 + (1i128 << pb) - 1;
    let entry = |i: usize| Entry {
        index: i as u32,
        price: book.price[i],
        wh: book.wh[i],
    };
    if pb + tb + rb + ib <= 64 && book.rank.iter().all(|&r| r <= i64::MAX as u64) {
        let mut keyed: Vec<(u64, i64)> = Vec::with_capacity(n / 2 + 1);
        for i in 0..n {
            if book.side[i] != side || !(keep.0..=keep.1).contains(&book.price[i]) {
                continue;
            }
            let p = book.price[i] as i128;
            let p = (if buy { pmax - p } else { p - p0 }) as u64;
            let t = (book.ts[i] as i128 - t0) as u64;
            let r = (book.rank[i] as i128 - r0) as u64;
            let mut k = p;
            for (v, b) in [(t, tb), (r, rb), (i as u64, ib)] {
                k = k.checked_shl(b).unwrap_or(0) | v;
            }
            keyed.push((k, book.wh[i]));
        }
        radsort::sort_by_key(&mut keyed, |e| e.0);
        let shift = tb + rb + ib;
        let mask = if ib == 64 { u64::MAX } else { (1u64 << ib) - 1 };
        keyed
            .into_iter()
            .map(|(k, wh)| {
                let p = k.checked_shr(shift).unwrap_or(0) as i128;
                Entry {
                    index: (k & mask) as u32,
                    price: (if buy { pmax - p } else { p + p0 }) as i64,
                    wh,
                }
            })
            .collect()
    } else {
        let mut entries: Vec<Entry> = (0..n)
            .filter(|&i| book.side[i] == side && (keep.0..=keep.1).contains(&book.price[i]))
            .map(entry)
            .collect();
        entries.sort_unstable_by_key(|e| {
            let i = e.index as usize;
            (
                if buy { -e.price } else { e.price },
                book.ts[i],
                book.rank[i],
            )
        });
        entries
    }
}

/// Widest price span for which the level walk below is used (65,536 price levels).
const LEVEL_BITS: u32 = 16;

/// The marginal buy and sell limits, found by walking the aggregate demand and supply per
/// price level, when prices span few levels. Orders beyond them never trade, so only the
/// rest needs sorting: the walk over the kept orders is identical to the walk over all.
/// `Some((i64::MAX, i64::MIN))` when nothing trades; `None` when prices are too spread.
fn marginal_levels(book: &Book, spans: Spans) -> Option<(i64, i64)> {
    if spans.pb > LEVEL_BITS {
        return None;
    }
    let levels = 1usize << spans.pb;
    let (mut demand, mut supply) = (vec![0u128; levels], vec![0u128; levels]);
    for i in 0..book.len() {
        let l = (book.price[i] as i128 - spans.p0) as usize;
        match book.side[i] {
            Side::Buy => demand[l] += book.wh[i] as u128,
            Side::Sell => supply[l] += book.wh[i] as u128,
        }
    }
    let (mut b, mut s) = (levels as isize - 1, 0usize);
    let (mut qb, mut qs) = (0u128, 0u128);
    let mut last = None;
    loop {
        while qb == 0 && b >= 0 {
            qb = demand[b as usize];
            if qb == 0 {
                b -= 1;
            }
        }
        while qs == 0 && s < levels {
            qs = supply[s];
            if qs == 0 {
                s += 1;
            }
        }
        if b < 0 || s >= levels || (b as usize) < s {
            break;
        }
        let m = qb.min(qs);
        qb -= m;
        qs -= m;
        last = Some((b as usize, s));
        if qb == 0 {
            b -= 1;
        }
        if qs == 0 {
            s += 1;
        }
    }
    let level = |l: usize| (spans.p0 + l as i128) as i64;
    Some(last.map_or((i64::MAX, i64::MIN), |(b, s)| (level(b), level(s))))
}

/// Clears `book` with the uniform or pay-as-bid rule.
pub fn clear(book: &Book) -> Clearing {
    // The two sides sort independently: one core each.
    let spans = Spans::of(book);
    let (buy_keep, sell_keep) = match marginal_levels(book, spans) {
        Some((b, s)) => ((b, i64::MAX), (i64::MIN, s)),
        None => ((i64::MIN, i64::MAX), (i64::MIN, i64::MAX)),
    };
    let (buys, sells) = rayon::join(
        || merit_order(book, Side::Buy, spans, buy_keep),
        || merit_order(book, Side::Sell, spans, sell_keep),
    );
    let mut trades = Vec::with_capacity(buys.len().min(sells.len()) * 2);
    let (mut i, mut j) = (0, 0);
    let (mut left_b, mut left_s) = (0i64, 0i64);
    let mut welfare: i128 = 0;
    let mut volume: i128 = 0;
    while i < buys.len() && j < sells.len() {
        let (b, s) = (buys[i], sells[j]);
        if b.price < s.price {
            break;
        }
        if left_b == 0 {
            left_b = b.wh;
        }
        if left_s == 0 {
            left_s = s.wh;
        }
        let wh = left_b.min(left_s);
        trades.push(Trade {
            buy: b.index,
            sell: s.index,
            wh,
            price: (b.price + s.price) / 2,
        });
        welfare += wh as i128 * (b.price - s.price) as i128;
        volume += wh as i128;
        left_b -= wh;
        left_s -= wh;
        if left_b == 0 {
            i += 1;
        }
        if left_s == 0 {
            j += 1;
        }
    }
    let price = trades.last().map(|t| t.price);
    if book.mechanism == Mechanism::Uniform {
        for t in &mut trades {
            t.price = price.expect("trades exist");
        }
    }
    Clearing {
        price: if book.mechanism == Mechanism::Uniform {
            price
        } else {
            None
        },
        prices: Default::default(),
        trades,
        welfare,
        volume_wh: volume,
    }
}
