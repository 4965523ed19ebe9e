//! The JSON book and result formats (`urja market clear`), and the named-order builder the
//! Python bindings share.
//!
//! Book: `{"mechanism": "uniform"|"pay_as_bid"|"network", "orders": [{"id", "side",
//! "wh", "price", "feeder", "ts"}], "network": {"nodes": {id: {"parent", "capacity_wh",
//! "fee"}}}}`. Result: `{"price", "prices", "trades": [{"buy", "sell", "wh", "price"}],
//! "welfare", "volume_wh"}`.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::book::{Book, Columns, Mechanism, NodeSpec, OrderIds, Side};
use crate::error::ClearError;
use crate::outcome::Clearing;

/// An order as users write it: names instead of indices.
#[derive(Debug, Clone)]
pub struct NamedOrder {
    /// Unique order id.
    pub id: String,
    /// Buy or sell.
    pub side: Side,
    /// Quantity in Wh.
    pub wh: i64,
    /// Limit price per Wh.
    pub price: i64,
    /// Node of the feeder tree the household hangs from.
    pub feeder: String,
    /// Order time.
    pub ts: i64,
}

/// A feeder-tree node as users write it.
#[derive(Debug, Clone)]
pub struct NamedNode {
    /// Node id.
    pub id: String,
    /// Parent node id, `None` for the root.
    pub parent: Option<String>,
    /// Capacity of the edge to the parent, Wh per slot.
    pub capacity_wh: i64,
    /// Fee per Wh on the edge to the parent.
    pub fee: i64,
}

/// A book whose orders and nodes are still named; [`NamedBook::resolve`] validates it.
#[derive(Debug, Clone)]
pub struct NamedBook {
    /// Mechanism.
    pub mechanism: Mechanism,
    /// Orders.
    pub orders: Vec<NamedOrder>,
    /// Nodes (network mechanism only).
    pub nodes: Option<Vec<NamedNode>>,
}

impl NamedBook {
    /// Resolves names to indices and validates everything.
    pub fn resolve(self) -> Result<Book, ClearError> {
        let network = self.mechanism == Mechanism::Network;
        let named_nodes = match (network, self.nodes) {
            (true, Some(n)) => n,
            (true, None) => {
                return Err(ClearError::new(
                    "the network mechanism needs a \"network\" with \"nodes\"",
                ))
            }
            (false, _) => Vec::new(),
        };
        let nodes = node_specs(&named_nodes)?;
        let index: HashMap<&str, usize> = named_nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        if network {
            crate::book::validate_tree(&nodes)?;
        }
        let len = self.orders.len();
        let mut cols = Columns {
            side: Vec::with_capacity(len),
            wh: Vec::with_capacity(len),
            price: Vec::with_capacity(len),
            ts: Vec::with_capacity(len),
            node: Vec::with_capacity(if network { len } else { 0 }),
            ids: OrderIds::Names(Vec::new()),
        };
        let mut ids = Vec::with_capacity(len);
        for o in self.orders {
            if network {
                let v = index.get(o.feeder.as_str()).ok_or_else(|| {
                    ClearError::new(format!("order {:?}: unknown feeder {:?}", o.id, o.feeder))
                })?;
                cols.node.push(*v as u32);
            }
            cols.side.push(o.side);
            cols.wh.push(o.wh);
            cols.price.push(o.price);
            cols.ts.push(o.ts);
            ids.push(o.id);
        }
        cols.ids = OrderIds::Names(ids);
        Book::new(self.mechanism, cols, nodes)
    }
}

/// Named nodes with their parents resolved to indices, in the order given (the feeder
/// indices of a column book refer to it); refuses a repeated id or an unknown parent.
pub fn node_specs(named: &[NamedNode]) -> Result<Vec<NodeSpec>, ClearError> {
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(named.len());
    for (i, n) in named.iter().enumerate() {
        if index.insert(n.id.as_str(), i).is_some() {
            return Err(ClearError::new(format!(
                "node {:?}: duplicate node id",
                n.id
            )));
        }
    }
    named
        .iter()
        .map(|n| {
            let parent = match &n.parent {
                None => None,
                Some(p) => Some(*index.get(p.as_str()).ok_or_else(|| {
                    ClearError::new(format!("node {:?}: unknown parent {p:?}", n.id))
                })?),
            };
            Ok(NodeSpec {
                id: n.id.clone(),
                parent,
                capacity_wh: n.capacity_wh,
                fee: n.fee,
            })
        })
        .collect()
}

/// An integral JSON number beyond 64 bits (a float without a fraction, as a huge integer
/// reaches JSON from other languages).
fn is_big_integer(n: &serde_json::Number) -> bool {
    n.is_u64()
        || n.as_f64()
            .is_some_and(|f| f.fract() == 0.0 && f.abs() >= 9.2e18)
}

fn int_field(obj: &Map<String, Value>, field: &str, what: &str) -> Result<i64, ClearError> {
    match obj.get(field) {
        None => Err(ClearError::new(format!("{what}: missing field {field:?}"))),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(x) => Ok(x),
            None if is_big_integer(n) => Err(ClearError::new(format!(
                "{what}: field {field:?} overflows a 64-bit integer ({n})"
            ))),
            None => Err(ClearError::new(format!(
                "{what}: field {field:?} must be an integer, got {n}"
            ))),
        },
        Some(other) => Err(ClearError::new(format!(
            "{what}: field {field:?} must be an integer, got {other}"
        ))),
    }
}

fn str_field<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
    what: &str,
) -> Result<&'a str, ClearError> {
    match obj.get(field) {
        Some(Value::String(s)) => Ok(s),
        None => Err(ClearError::new(format!("{what}: missing field {field:?}"))),
        Some(other) => Err(ClearError::new(format!(
            "{what}: field {field:?} must be a string, got {other}"
        ))),
    }
}

/// Parses the side wire name.
pub fn parse_side(name: &str, what: &str) -> Result<Side, ClearError> {
    match name {
        "buy" => Ok(Side::Buy),
        "sell" => Ok(Side::Sell),
        other => Err(ClearError::new(format!(
            "{what}: side must be \"buy\" or \"sell\", got {other:?}"
        ))),
    }
}

/// Order `i` of a book (`{"id", "side", "wh", "price", "feeder", "ts"}`), validated field
/// by field; errors name the order.
pub fn parse_order(i: usize, v: &Value) -> Result<NamedOrder, ClearError> {
    let obj = v
        .as_object()
        .ok_or_else(|| ClearError::new(format!("orders[{i}]: must be an object (a dict)")))?;
    let id = match obj.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => {
            return Err(ClearError::new(format!(
                "orders[{i}]: \"id\" must be a non-empty string"
            )))
        }
    };
    let what = format!("order {id:?}");
    Ok(NamedOrder {
        side: parse_side(str_field(obj, "side", &what)?, &what)?,
        wh: int_field(obj, "wh", &what)?,
        price: int_field(obj, "price", &what)?,
        feeder: str_field(obj, "feeder", &what)?.to_string(),
        ts: int_field(obj, "ts", &what)?,
        id,
    })
}

fn parse_nodes(v: &Value) -> Result<Vec<NamedNode>, ClearError> {
    let nodes = v
        .get("nodes")
        .and_then(Value::as_object)
        .ok_or_else(|| ClearError::new("\"network\" must be an object with a \"nodes\" object"))?;
    nodes
        .iter()
        .map(|(id, spec)| parse_node(id, spec))
        .collect()
}

/// Node `id` of a feeder tree (`{"parent", "capacity_wh", "fee"}`), validated field by
/// field; errors name the node.
pub fn parse_node(id: &str, spec: &Value) -> Result<NamedNode, ClearError> {
    let what = format!("node {id:?}");
    let obj = spec
        .as_object()
        .ok_or_else(|| ClearError::new(format!("{what}: must be an object (a dict)")))?;
    let parent = match obj.get("parent") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) => Some(p.clone()),
        Some(other) => {
            return Err(ClearError::new(format!(
                "{what}: \"parent\" must be a node id or null, got {other}"
            )))
        }
    };
    Ok(NamedNode {
        id: id.to_string(),
        parent,
        capacity_wh: int_field(obj, "capacity_wh", &what)?,
        fee: int_field(obj, "fee", &what)?,
    })
}

/// Parses and validates a JSON book.
pub fn parse_book(text: &str) -> Result<Book, ClearError> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        ClearError::new(format!(
            "malformed JSON at line {} column {}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    let obj = root
        .as_object()
        .ok_or_else(|| ClearError::new("the book must be a JSON object"))?;
    let mechanism = Mechanism::parse(str_field(obj, "mechanism", "book")?)?;
    let orders = obj
        .get("orders")
        .and_then(Value::as_array)
        .ok_or_else(|| ClearError::new("book: \"orders\" must be an array"))?;
    let orders = orders
        .iter()
        .enumerate()
        .map(|(i, v)| parse_order(i, v))
        .collect::<Result<Vec<_>, _>>()?;
    let nodes = match obj.get("network") {
        None | Some(Value::Null) => None,
        Some(v) => Some(parse_nodes(v)?),
    };
    NamedBook {
        mechanism,
        orders,
        nodes,
    }
    .resolve()
}

/// Renders a clearing with the book's ids, in the documented result format.
pub fn render_clearing(book: &Book, c: &Clearing) -> Value {
    let name = |i: u32| -> Value {
        match &book.ids {
            OrderIds::Names(v) => Value::String(v[i as usize].clone()),
            OrderIds::Numbers(v) => json!(v[i as usize]),
        }
    };
    let trades: Vec<Value> = c
        .trades
        .iter()
        .map(|t| json!({"buy": name(t.buy), "sell": name(t.sell), "wh": t.wh, "price": t.price}))
        .collect();
    json!({
        "price": c.price,
        "prices": c.prices,
        "trades": trades,
        "welfare": c.welfare,
        "volume_wh": c.volume_wh,
    })
}

/// Parses, clears and renders in one call: the CLI's whole job.
pub fn clear_json(text: &str) -> Result<String, ClearError> {
    let book = parse_book(text)?;
    let clearing = crate::clear(&book)?;
    Ok(render_clearing(&book, &clearing).to_string())
}
