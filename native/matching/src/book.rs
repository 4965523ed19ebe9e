//! The validated order book of one slot: columns of order fields plus the feeder tree.
//!
//! Every entry point (JSON, Python dicts, NumPy columns) ends here, so every check on an
//! order or a node lives in one place and names what it rejects.

use crate::error::ClearError;

/// Largest accepted quantity, price, capacity or fee: 2^53 - 1, so every value survives a
/// round trip through JSON and JavaScript numbers unchanged.
pub const MAX_AMOUNT: i64 = (1 << 53) - 1;

/// Which way an order trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A receiver buying energy up to its limit price.
    Buy,
    /// A donor selling energy at or above its limit price.
    Sell,
}

impl Side {
    /// The side of column code `code` at position `i`: 1 buy, 0 sell.
    pub fn from_code(code: i64, i: usize) -> Result<Self, ClearError> {
        match code {
            1 => Ok(Side::Buy),
            0 => Ok(Side::Sell),
            other => Err(ClearError::new(format!(
                "side[{i}]: must be 1 (buy) or 0 (sell), got {other}"
            ))),
        }
    }
}

/// How a slot is cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    /// Welfare-maximising double auction with one clearing price.
    Uniform,
    /// The uniform allocation, each trade priced between its own two limits.
    PayAsBid,
    /// Welfare net of grid fees within feeder capacities, locational prices.
    Network,
}

impl Mechanism {
    /// Parses the wire name (`uniform`, `pay_as_bid`, `network`).
    pub fn parse(name: &str) -> Result<Self, ClearError> {
        match name {
            "uniform" => Ok(Self::Uniform),
            "pay_as_bid" => Ok(Self::PayAsBid),
            "network" => Ok(Self::Network),
            other => Err(ClearError::new(format!(
                "unknown mechanism {other:?}: expected \"uniform\", \"pay_as_bid\" or \"network\""
            ))),
        }
    }
}

/// One node of the feeder tree: the edge from this node to its parent has a capacity in
/// Wh per slot and a grid fee per Wh. The root's edge leads nowhere (the community is
/// closed), so its capacity and fee are unused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpec {
    /// Name used in results and errors.
    pub id: String,
    /// Index of the parent node, `None` for the root.
    pub parent: Option<usize>,
    /// Wh per slot the edge to the parent carries at most.
    pub capacity_wh: i64,
    /// Payment units per Wh for crossing the edge to the parent.
    pub fee: i64,
}

/// How orders are named: strings from JSON and dicts, integers from NumPy columns.
#[derive(Debug, Clone)]
pub enum OrderIds {
    /// String ids, compared bytewise for tie-breaking.
    Names(Vec<String>),
    /// Integer ids, compared numerically for tie-breaking.
    Numbers(Vec<u64>),
}

impl OrderIds {
    fn len(&self) -> usize {
        match self {
            Self::Names(v) => v.len(),
            Self::Numbers(v) => v.len(),
        }
    }

    /// Human-readable label of order `i` for error messages.
    pub fn label(&self, i: usize) -> String {
        match self {
            Self::Names(v) => format!("order {:?}", v[i]),
            Self::Numbers(v) => format!("order {}", v[i]),
        }
    }
}

/// A validated slot book. Construct with [`Book::new`]; fields are read-only afterwards.
#[derive(Debug, Clone)]
pub struct Book {
    /// Mechanism to clear with.
    pub mechanism: Mechanism,
    /// Side of each order.
    pub side: Vec<Side>,
    /// Wh offered or wanted, 1..=MAX_AMOUNT.
    pub wh: Vec<i64>,
    /// Limit price per Wh, 1..=MAX_AMOUNT.
    pub price: Vec<i64>,
    /// Order time; earlier wins ties.
    pub ts: Vec<i64>,
    /// Node index of each order (network mechanism), else all zero.
    pub node: Vec<u32>,
    /// Order ids.
    pub ids: OrderIds,
    /// The final, unique tie-breaker, ordered like the ids: the integer id itself, or the
    /// position of a string id in sorted order.
    pub rank: Vec<u64>,
    /// Feeder tree (empty unless the mechanism is network).
    pub nodes: Vec<NodeSpec>,
}

/// Unvalidated columns handed to [`Book::new`].
#[derive(Debug, Clone)]
pub struct Columns {
    /// Side of each order.
    pub side: Vec<Side>,
    /// Quantity of each order in Wh.
    pub wh: Vec<i64>,
    /// Limit price of each order.
    pub price: Vec<i64>,
    /// Time of each order.
    pub ts: Vec<i64>,
    /// Node index of each order (ignored unless network).
    pub node: Vec<u32>,
    /// Order ids.
    pub ids: OrderIds,
}

impl Columns {
    /// Columns from the integer codes a NumPy book carries: `side` (1 buy, 0 sell), `ids`
    /// (non-negative) and `feeder` (node indices; empty unless network). Amounts and the
    /// rest are checked by [`Book::new`].
    pub fn from_codes(
        side: &[i64],
        wh: Vec<i64>,
        price: Vec<i64>,
        ts: Vec<i64>,
        ids: &[i64],
        feeder: &[i64],
    ) -> Result<Self, ClearError> {
        let side = side
            .iter()
            .enumerate()
            .map(|(i, &s)| Side::from_code(s, i))
            .collect::<Result<Vec<_>, _>>()?;
        let ids = ids
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                u64::try_from(x)
                    .map_err(|_| ClearError::new(format!("ids[{i}]: must be >= 0, got {x}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let node = feeder
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                u32::try_from(x)
                    .map_err(|_| ClearError::new(format!("feeder[{i}]: bad node index {x}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Columns {
            side,
            wh,
            price,
            ts,
            node,
            ids: OrderIds::Numbers(ids),
        })
    }
}

impl Book {
    /// Validates columns and tree and computes the id ranks. Errors name the first
    /// offending order or node.
    pub fn new(
        mechanism: Mechanism,
        cols: Columns,
        nodes: Vec<NodeSpec>,
    ) -> Result<Self, ClearError> {
        let n = cols.side.len();
        let lens = [
            cols.wh.len(),
            cols.price.len(),
            cols.ts.len(),
            cols.ids.len(),
        ];
        if lens.iter().any(|&l| l != n) || (mechanism == Mechanism::Network && cols.node.len() != n)
        {
            return Err(ClearError::new(
                "order columns have different lengths (side, wh, price, ts, id, feeder)",
            ));
        }
        if n > u32::MAX as usize / 2 {
            return Err(ClearError::new(format!("too many orders: {n}")));
        }
        for i in 0..n {
            check_amount(&cols.ids, i, "wh", cols.wh[i])?;
            check_amount(&cols.ids, i, "price", cols.price[i])?;
        }
        let rank = rank_ids(&cols.ids)?;
        let node = if mechanism == Mechanism::Network {
            validate_tree(&nodes)?;
            for (i, &v) in cols.node.iter().enumerate() {
                if v as usize >= nodes.len() {
                    return Err(ClearError::new(format!(
                        "{}: unknown feeder (node index {v})",
                        cols.ids.label(i)
                    )));
                }
            }
            cols.node
        } else {
            vec![0; n]
        };
        Ok(Self {
            mechanism,
            side: cols.side,
            wh: cols.wh,
            price: cols.price,
            ts: cols.ts,
            node,
            ids: cols.ids,
            rank,
            nodes: if mechanism == Mechanism::Network {
                nodes
            } else {
                Vec::new()
            },
        })
    }

    /// Number of orders.
    pub fn len(&self) -> usize {
        self.side.len()
    }

    /// True when the book has no orders.
    pub fn is_empty(&self) -> bool {
        self.side.is_empty()
    }
}

fn check_amount(ids: &OrderIds, i: usize, field: &str, value: i64) -> Result<(), ClearError> {
    if value <= 0 {
        return Err(ClearError::new(format!(
            "{}: {field} must be positive, got {value}",
            ids.label(i)
        )));
    }
    if value > MAX_AMOUNT {
        return Err(ClearError::new(format!(
            "{}: {field} {value} overflows the limit of {MAX_AMOUNT}",
            ids.label(i)
        )));
    }
    Ok(())
}

/// Tie-break keys ordered like the ids, rejecting duplicates. String ids are sorted once;
/// integer ids are their own keys and are checked with a bitmap when they are dense.
fn rank_ids(ids: &OrderIds) -> Result<Vec<u64>, ClearError> {
    let duplicate = |i: usize| ClearError::new(format!("{}: duplicate order id", ids.label(i)));
    match ids {
        OrderIds::Names(v) => {
            let mut idx: Vec<u32> = (0..v.len() as u32).collect();
            idx.sort_unstable_by(|&a, &b| v[a as usize].cmp(&v[b as usize]));
            let mut rank = vec![0u64; v.len()];
            for (pos, &w) in idx.iter().enumerate() {
                if pos > 0 && v[idx[pos - 1] as usize] == v[w as usize] {
                    return Err(duplicate(w as usize));
                }
                rank[w as usize] = pos as u64;
            }
            Ok(rank)
        }
        OrderIds::Numbers(v) => {
            let max = v.iter().copied().max().unwrap_or(0);
            if max < 64 * v.len() as u64 + 64 {
                let mut seen = vec![0u64; (max / 64 + 1) as usize];
                for (i, &x) in v.iter().enumerate() {
                    let (word, bit) = ((x / 64) as usize, 1u64 << (x % 64));
                    if seen[word] & bit != 0 {
                        return Err(duplicate(i));
                    }
                    seen[word] |= bit;
                }
            } else {
                let mut idx: Vec<u32> = (0..v.len() as u32).collect();
                idx.sort_unstable_by_key(|&a| v[a as usize]);
                for w in idx.windows(2) {
                    if v[w[0] as usize] == v[w[1] as usize] {
                        return Err(duplicate(w[1] as usize));
                    }
                }
            }
            Ok(v.clone())
        }
    }
}

/// Exactly one root, every parent known, no cycles, capacities and fees in range.
pub(crate) fn validate_tree(nodes: &[NodeSpec]) -> Result<(), ClearError> {
    if nodes.is_empty() {
        return Err(ClearError::new(
            "the network mechanism needs a network with at least one node",
        ));
    }
    let mut root: Option<usize> = None;
    for (i, node) in nodes.iter().enumerate() {
        for (field, value) in [("capacity_wh", node.capacity_wh), ("fee", node.fee)] {
            if !(0..=MAX_AMOUNT).contains(&value) {
                return Err(ClearError::new(format!(
                    "node {:?}: {field} must be in 0..={MAX_AMOUNT}, got {value}",
                    node.id
                )));
            }
        }
        match node.parent {
            None => {
                if let Some(r) = root {
                    return Err(ClearError::new(format!(
                        "node {:?}: a second root (node {:?} has no parent either); the \
                         network must be one tree",
                        node.id, nodes[r].id
                    )));
                }
                root = Some(i);
            }
            Some(p) if p >= nodes.len() => {
                return Err(ClearError::new(format!(
                    "node {:?}: unknown parent",
                    node.id
                )))
            }
            Some(p) if p == i => {
                return Err(ClearError::new(format!(
                    "node {:?}: is its own parent (cycle)",
                    node.id
                )))
            }
            Some(_) => {}
        }
    }
    if root.is_none() {
        return Err(ClearError::new(
            "the network has no root (every node has a parent, so there is a cycle)",
        ));
    }
    // Walk up from each node; a walk longer than the node count is a cycle.
    let mut state = vec![0u8; nodes.len()]; // 0 unseen, 1 on current path, 2 reaches root
    for start in 0..nodes.len() {
        let mut path = Vec::new();
        let mut v = start;
        loop {
            match state[v] {
                2 => break,
                1 => {
                    return Err(ClearError::new(format!(
                        "node {:?}: lies on a cycle of parents",
                        nodes[v].id
                    )))
                }
                _ => {}
            }
            state[v] = 1;
            path.push(v);
            match nodes[v].parent {
                Some(p) => v = p,
                None => break,
            }
        }
        for u in path {
            state[u] = 2;
        }
    }
    Ok(())
}
