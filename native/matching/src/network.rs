//! Network-constrained clearing over the community's feeder tree.
//!
//! The problem is a min-cost flow on a tree: sells inject energy at their node, buys take
//! it out, every edge carries at most its capacity in either direction and charges its fee
//! per Wh. It is solved exactly by dynamic programming over concave piecewise-linear
//! functions: for every subtree, `f(x)` is the best welfare inside the subtree when it
//! exports `x` Wh to its parent (negative `x` imports). Such a function is a start point
//! `lo` (everything imported: all buys served, no sell used) plus segments sorted by
//! falling slope, one or more per order. Adding subtrees is merging their segments; an
//! edge subtracts its fee on the export side and adds it on the import side (the slope
//! order is kept) and clips the domain to `[-capacity, capacity]`. At the root the
//! community is closed, so `x = 0`: the segments before that point are the ones "taken"
//! (a sell segment taken sells, a buy segment taken is demand dropped). Ties in slope are
//! broken by a fixed order key, so the result never depends on input order.
//!
//! Locational prices are the dual of that flow problem, recovered from the allocation:
//! bottom-up, the interval of prices each node may take given its subtree's orders and
//! edges; top-down, the root takes the midpoint of its interval (rounded down) and each
//! child the price its edge implies, clamped into its own interval. An empty interval
//! would mean the allocation is not optimal and is reported as an internal error.

use std::cmp::Reverse;

use crate::book::{Book, Side};
use crate::error::ClearError;
use crate::outcome::{Clearing, Trade};

/// A linear piece of a subtree's welfare function, belonging to one order.
#[derive(Clone, Copy)]
struct Piece {
    slope: i128,
    tie: u32,
    order: u32,
    len: i64,
}

/// A subtree's welfare function: start point plus pieces sorted by falling slope.
struct Func {
    lo: i128,
    pieces: Vec<Piece>,
}

/// The tree in processing order.
struct Tree {
    children: Vec<Vec<u32>>,
    postorder: Vec<u32>,
    root: u32,
    orders_at: Vec<Vec<u32>>,
}

fn build_tree(book: &Book) -> Tree {
    let n = book.nodes.len();
    let mut children = vec![Vec::new(); n];
    let mut root = 0;
    for (i, node) in book.nodes.iter().enumerate() {
        match node.parent {
            Some(p) => children[p].push(i as u32),
            None => root = i as u32,
        }
    }
    for c in &mut children {
        c.sort_by(|&a, &b| book.nodes[a as usize].id.cmp(&book.nodes[b as usize].id));
    }
    let mut postorder = Vec::with_capacity(n);
    let mut stack = vec![(root, false)];
    while let Some((v, expanded)) = stack.pop() {
        if expanded {
            postorder.push(v);
        } else {
            stack.push((v, true));
            for &c in children[v as usize].iter().rev() {
                stack.push((c, false));
            }
        }
    }
    let mut orders_at = vec![Vec::new(); n];
    for i in 0..book.len() {
        orders_at[book.node[i] as usize].push(i as u32);
    }
    Tree {
        children,
        postorder,
        root,
        orders_at,
    }
}

/// Fixed tie order among equal slopes: sells before buys (so zero-surplus energy still
/// trades), earlier sells first, later buys dropped first; ids last.
fn tie_positions(book: &Book) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..book.len() as u32).collect();
    idx.sort_unstable_by_key(|&i| {
        let i = i as usize;
        match book.side[i] {
            Side::Sell => (0u8, book.ts[i], book.rank[i]),
            Side::Buy => (1u8, -book.ts[i], u64::MAX - book.rank[i]),
        }
    });
    let mut tie = vec![0u32; book.len()];
    for (pos, &i) in idx.iter().enumerate() {
        tie[i as usize] = pos as u32;
    }
    tie
}

/// Marks the first `amount` Wh of `pieces` as taken and removes them.
fn take_front(pieces: &mut Vec<Piece>, mut amount: i128, taken: &mut [i64]) {
    let mut used = 0;
    while amount > 0 {
        let p = &mut pieces[used];
        let part = (p.len as i128).min(amount) as i64;
        taken[p.order as usize] += part;
        amount -= part as i128;
        if part == p.len {
            used += 1;
        } else {
            p.len -= part;
        }
    }
    pieces.drain(..used);
}

/// Drops the last `amount` Wh of `pieces` (never taken).
fn drop_back(pieces: &mut Vec<Piece>, mut amount: i128) {
    while amount > 0 {
        let last = pieces.last_mut().expect("amount within total length");
        if (last.len as i128) <= amount {
            amount -= last.len as i128;
            pieces.pop();
        } else {
            last.len -= amount as i64;
            amount = 0;
        }
    }
}

/// Applies the edge to the parent: fee by direction, then the capacity window.
fn cross_edge(f: &mut Func, fee: i64, capacity: i64, taken: &mut [i64]) {
    if fee > 0 {
        let mut out = Vec::with_capacity(f.pieces.len() + 1);
        let mut pos = f.lo;
        for p in f.pieces.drain(..) {
            let end = pos + p.len as i128;
            if end <= 0 {
                out.push(Piece {
                    slope: p.slope + fee as i128,
                    ..p
                });
            } else if pos >= 0 {
                out.push(Piece {
                    slope: p.slope - fee as i128,
                    ..p
                });
            } else {
                let left = (-pos) as i64;
                out.push(Piece {
                    slope: p.slope + fee as i128,
                    len: left,
                    ..p
                });
                out.push(Piece {
                    slope: p.slope - fee as i128,
                    len: p.len - left,
                    ..p
                });
            }
            pos = end;
        }
        f.pieces = out;
    }
    let cap = capacity as i128;
    if f.lo < -cap {
        take_front(&mut f.pieces, -cap - f.lo, taken);
        f.lo = -cap;
    }
    let hi = f.lo + f.pieces.iter().map(|p| p.len as i128).sum::<i128>();
    if hi > cap {
        drop_back(&mut f.pieces, hi - cap);
    }
}

/// Solves the allocation: Wh taken per order (sold for sells, dropped for buys).
fn allocate(book: &Book, tree: &Tree) -> Vec<i64> {
    let tie = tie_positions(book);
    let mut taken = vec![0i64; book.len()];
    let mut funcs: Vec<Option<Func>> = (0..book.nodes.len()).map(|_| None).collect();
    for &v in &tree.postorder {
        let v = v as usize;
        let mut lo: i128 = 0;
        let mut pieces = Vec::new();
        for &o in &tree.orders_at[v] {
            let o = o as usize;
            if book.side[o] == Side::Buy {
                lo -= book.wh[o] as i128;
            }
            pieces.push(Piece {
                slope: -(book.price[o] as i128),
                tie: tie[o],
                order: o as u32,
                len: book.wh[o],
            });
        }
        for &c in &tree.children[v] {
            let f = funcs[c as usize]
                .take()
                .expect("children come first in postorder");
            lo += f.lo;
            pieces.extend(f.pieces);
        }
        // Stable merge of already sorted runs.
        pieces.sort_by_key(|p| (Reverse(p.slope), p.tie));
        let mut f = Func { lo, pieces };
        if v as u32 == tree.root {
            take_front(&mut f.pieces, -f.lo, &mut taken);
        } else {
            let node = &book.nodes[v];
            cross_edge(&mut f, node.fee, node.capacity_wh, &mut taken);
            funcs[v] = Some(f);
        }
    }
    taken
}

/// A closed price interval; `None` ends are unbounded.
#[derive(Clone, Copy, Debug)]
struct Interval {
    lo: Option<i128>,
    hi: Option<i128>,
}

impl Interval {
    const ALL: Self = Self { lo: None, hi: None };

    fn at_least(&mut self, x: i128) {
        self.lo = Some(self.lo.map_or(x, |l| l.max(x)));
    }

    fn at_most(&mut self, x: i128) {
        self.hi = Some(self.hi.map_or(x, |h| h.min(x)));
    }

    fn meet(&mut self, other: Interval) {
        if let Some(l) = other.lo {
            self.at_least(l);
        }
        if let Some(h) = other.hi {
            self.at_most(h);
        }
    }

    fn shift(self, d: i128) -> Self {
        Self {
            lo: self.lo.map(|x| x + d),
            hi: self.hi.map(|x| x + d),
        }
    }

    fn is_empty(&self) -> bool {
        matches!((self.lo, self.hi), (Some(l), Some(h)) if l > h)
    }

    /// The documented choice inside an interval: the midpoint rounded down, or the one
    /// finite end.
    fn pick(&self) -> Option<i128> {
        match (self.lo, self.hi) {
            (Some(l), Some(h)) => Some((l + h).div_euclid(2)),
            (Some(x), None) | (None, Some(x)) => Some(x),
            (None, None) => None,
        }
    }

    fn clamp(&self, x: i128) -> i128 {
        let x = self.lo.map_or(x, |l| x.max(l));
        self.hi.map_or(x, |h| x.min(h))
    }
}

/// How a child's edge was used, which decides how its price relates to its parent's.
#[derive(Clone, Copy)]
enum EdgeUse {
    /// Capacity zero: the prices are unrelated.
    Closed,
    /// Exporting below capacity: parent = child + fee.
    Exporting,
    /// Exporting at capacity: parent >= child + fee.
    ExportFull,
    /// Importing below capacity: child = parent + fee.
    Importing,
    /// Importing at capacity: child >= parent + fee.
    ImportFull,
    /// Idle: |parent - child| <= fee.
    Idle,
}

fn edge_use(flow: i128, capacity: i64) -> EdgeUse {
    let cap = capacity as i128;
    match flow {
        _ if cap == 0 => EdgeUse::Closed,
        f if f == cap => EdgeUse::ExportFull,
        f if f > 0 => EdgeUse::Exporting,
        f if f == -cap => EdgeUse::ImportFull,
        f if f < 0 => EdgeUse::Importing,
        _ => EdgeUse::Idle,
    }
}

/// The parent prices a child's interval allows through its edge.
fn lift(child: Interval, fee: i128, edge: EdgeUse) -> Interval {
    match edge {
        EdgeUse::Closed => Interval::ALL,
        EdgeUse::Exporting => child.shift(fee),
        EdgeUse::ExportFull => Interval {
            lo: child.lo.map(|x| x + fee),
            hi: None,
        },
        EdgeUse::Importing => child.shift(-fee),
        EdgeUse::ImportFull => Interval {
            lo: None,
            hi: child.hi.map(|x| x - fee),
        },
        EdgeUse::Idle => Interval {
            lo: child.lo.map(|x| x - fee),
            hi: child.hi.map(|x| x + fee),
        },
    }
}

/// The child prices a parent price allows through the edge.
fn lower(parent: i128, fee: i128, edge: EdgeUse) -> Interval {
    let point = |x| Interval {
        lo: Some(x),
        hi: Some(x),
    };
    match edge {
        EdgeUse::Closed => Interval::ALL,
        EdgeUse::Exporting => point(parent - fee),
        EdgeUse::ExportFull => Interval {
            lo: None,
            hi: Some(parent - fee),
        },
        EdgeUse::Importing => point(parent + fee),
        EdgeUse::ImportFull => Interval {
            lo: Some(parent + fee),
            hi: None,
        },
        EdgeUse::Idle => Interval {
            lo: Some(parent - fee),
            hi: Some(parent + fee),
        },
    }
}

/// Locational prices consistent with the allocation (see the module doc).
fn prices(
    book: &Book,
    tree: &Tree,
    filled: &[i64],
    flow: &[i128],
) -> Result<Vec<Option<i128>>, ClearError> {
    let n = book.nodes.len();
    let mut own = vec![Interval::ALL; n];
    for &v in &tree.postorder {
        let v = v as usize;
        let mut iv = Interval::ALL;
        for &o in &tree.orders_at[v] {
            let o = o as usize;
            let (p, q, wh) = (book.price[o] as i128, filled[o], book.wh[o]);
            let (full_means_at_least, none_means_at_least) = match book.side[o] {
                Side::Sell => (true, false),
                Side::Buy => (false, true),
            };
            if q == wh {
                if full_means_at_least {
                    iv.at_least(p)
                } else {
                    iv.at_most(p)
                }
            } else if q == 0 {
                if none_means_at_least {
                    iv.at_least(p)
                } else {
                    iv.at_most(p)
                }
            } else {
                iv.at_least(p);
                iv.at_most(p);
            }
        }
        for &c in &tree.children[v] {
            let c = c as usize;
            let node = &book.nodes[c];
            iv.meet(lift(
                own[c],
                node.fee as i128,
                edge_use(flow[c], node.capacity_wh),
            ));
        }
        if iv.is_empty() {
            return Err(ClearError::new(format!(
                "internal error: no consistent price at node {:?}",
                book.nodes[v].id
            )));
        }
        own[v] = iv;
    }
    let mut price = vec![None; n];
    for &v in tree.postorder.iter().rev() {
        let v = v as usize;
        price[v] = match book.nodes[v].parent {
            None => own[v].pick(),
            Some(p) => match price[p] {
                None => own[v].pick(),
                Some(pp) => {
                    let node = &book.nodes[v];
                    let edge = edge_use(flow[v], node.capacity_wh);
                    let fee = node.fee as i128;
                    let target = match edge {
                        EdgeUse::Exporting | EdgeUse::ExportFull => pp - fee,
                        EdgeUse::Importing | EdgeUse::ImportFull => pp + fee,
                        EdgeUse::Closed | EdgeUse::Idle => pp,
                    };
                    let mut allowed = own[v];
                    allowed.meet(lower(pp, fee, edge));
                    if allowed.is_empty() {
                        return Err(ClearError::new(format!(
                            "internal error: price of node {:?} inconsistent with its parent",
                            node.id
                        )));
                    }
                    Some(allowed.clamp(target))
                }
            },
        };
    }
    Ok(price)
}

/// Residual energy of one order waiting to be paired at a common ancestor.
#[derive(Clone, Copy)]
struct Open {
    key: (i64, i64, u64),
    order: u32,
    wh: i64,
}

/// Pairs sells with buys at their lowest common ancestor, so no edge carries energy in
/// both directions and the Wh crossing each edge equal its flow.
fn decompose(book: &Book, tree: &Tree, filled: &[i64]) -> Vec<(u32, u32, i64)> {
    let mut pairs = Vec::new();
    let mut open: Vec<Option<(Vec<Open>, Vec<Open>)>> =
        (0..book.nodes.len()).map(|_| None).collect();
    for &v in &tree.postorder {
        let v = v as usize;
        let (mut sells, mut buys) = (Vec::new(), Vec::new());
        for &o in &tree.orders_at[v] {
            let i = o as usize;
            if filled[i] == 0 {
                continue;
            }
            let rec = |price: i64| Open {
                key: (price, book.ts[i], book.rank[i]),
                order: o,
                wh: filled[i],
            };
            match book.side[i] {
                Side::Sell => sells.push(rec(book.price[i])),
                Side::Buy => buys.push(rec(-book.price[i])),
            }
        }
        for &c in &tree.children[v] {
            let (s, b) = open[c as usize].take().expect("postorder");
            sells.extend(s);
            buys.extend(b);
        }
        sells.sort_by_key(|x| x.key);
        buys.sort_by_key(|x| x.key);
        let (mut i, mut j) = (0, 0);
        while i < sells.len() && j < buys.len() {
            let wh = sells[i].wh.min(buys[j].wh);
            pairs.push((buys[j].order, sells[i].order, wh));
            sells[i].wh -= wh;
            buys[j].wh -= wh;
            if sells[i].wh == 0 {
                i += 1;
            }
            if buys[j].wh == 0 {
                j += 1;
            }
        }
        open[v] = Some((sells.split_off(i), buys.split_off(j)));
    }
    pairs
}

/// Clears a network book exactly.
pub fn clear(book: &Book) -> Result<Clearing, ClearError> {
    let tree = build_tree(book);
    let taken = allocate(book, &tree);
    let filled: Vec<i64> = (0..book.len())
        .map(|i| match book.side[i] {
            Side::Sell => taken[i],
            Side::Buy => book.wh[i] - taken[i],
        })
        .collect();
    let mut flow = vec![0i128; book.nodes.len()];
    for i in 0..book.len() {
        let f = filled[i] as i128;
        flow[book.node[i] as usize] += if book.side[i] == Side::Sell { f } else { -f };
    }
    let mut welfare: i128 = 0;
    for &v in &tree.postorder {
        let v = v as usize;
        if let Some(p) = book.nodes[v].parent {
            let cap = book.nodes[v].capacity_wh as i128;
            if flow[v].abs() > cap {
                return Err(ClearError::new(format!(
                    "internal error: edge above node {:?} over capacity",
                    book.nodes[v].id
                )));
            }
            welfare -= flow[v].abs() * book.nodes[v].fee as i128;
            flow[p] += flow[v];
        }
    }
    if flow[tree.root as usize] != 0 {
        return Err(ClearError::new(
            "internal error: community energy does not balance",
        ));
    }
    let price = prices(book, &tree, &filled, &flow)?;
    let mut trades = Vec::new();
    let mut volume: i128 = 0;
    for (buy, sell, wh) in decompose(book, &tree, &filled) {
        let (b, s) = (buy as usize, sell as usize);
        welfare += wh as i128 * (book.price[b] - book.price[s]) as i128;
        volume += wh as i128;
        let p = price[book.node[b] as usize].expect("a buyer's node has a price");
        trades.push(Trade {
            buy,
            sell,
            wh,
            price: i64::try_from(p).map_err(|_| ClearError::new("price overflow"))?,
        });
    }
    let mut named = std::collections::BTreeMap::new();
    for (v, p) in price.iter().enumerate() {
        if let Some(p) = p {
            let p = i64::try_from(*p).map_err(|_| ClearError::new("price overflow"))?;
            named.insert(book.nodes[v].id.clone(), p);
        }
    }
    Ok(Clearing {
        price: None,
        prices: named,
        trades,
        welfare,
        volume_wh: volume,
    })
}
