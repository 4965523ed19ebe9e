//! Python bindings of the slot-clearing engine (`urja._native`, wrapped by `urja.matching`).
//!
//! Three doors into the same engine: a JSON document (the CLI), a list of order dicts, and
//! NumPy-style integer columns (the fast path for large books). Every door validates
//! through `urja_matching::Book`, and clearing runs with the GIL released.
use pyo3::buffer::PyBuffer;
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};
use urja_matching::{
    Book, ClearError, Clearing, Columns, Mechanism, NamedBook, NamedNode, NamedOrder, NodeSpec,
    OrderIds, Side,
};

/// A feeder-tree node as the column path takes it: `(id, parent index, capacity_wh, fee)`.
type NodeTuple = (String, Option<usize>, i64, i64);

create_exception!(
    _native,
    MatchingError,
    PyValueError,
    "A rejected order book; the message names the offending order or node."
);

fn err(e: ClearError) -> PyErr {
    MatchingError::new_err(e.message().to_string())
}

fn bad(msg: String) -> PyErr {
    MatchingError::new_err(msg)
}

/// Clears a JSON book and returns the JSON result (the `urja market clear` path).
#[pyfunction]
fn clear_json(py: Python<'_>, text: &str) -> PyResult<String> {
    let text = text.to_owned();
    py.detach(move || urja_matching::clear_json(&text))
        .map_err(err)
}

fn item<'py>(d: &Bound<'py, PyDict>, key: &str, what: &str) -> PyResult<Bound<'py, PyAny>> {
    d.get_item(key)?
        .ok_or_else(|| bad(format!("{what}: missing field {key:?}")))
}

fn int_item(d: &Bound<'_, PyDict>, key: &str, what: &str) -> PyResult<i64> {
    let v = item(d, key, what)?;
    if v.is_instance_of::<pyo3::types::PyBool>() || !v.is_instance_of::<pyo3::types::PyInt>() {
        return Err(bad(format!(
            "{what}: field {key:?} must be an integer, got {v}"
        )));
    }
    v.extract::<i64>().map_err(|_| {
        bad(format!(
            "{what}: field {key:?} overflows a 64-bit integer ({v})"
        ))
    })
}

fn str_item(d: &Bound<'_, PyDict>, key: &str, what: &str) -> PyResult<String> {
    item(d, key, what)?
        .extract::<String>()
        .map_err(|_| bad(format!("{what}: field {key:?} must be a string")))
}

fn named_orders(orders: &Bound<'_, PyAny>) -> PyResult<Vec<NamedOrder>> {
    let mut out = Vec::new();
    for (i, o) in orders.try_iter()?.enumerate() {
        let o = o?;
        let d = o
            .cast::<PyDict>()
            .map_err(|_| bad(format!("orders[{i}]: must be a dict")))?;
        let id = str_item(d, "id", &format!("orders[{i}]"))?;
        let what = format!("order {id:?}");
        let side = urja_matching::parse_side(&str_item(d, "side", &what)?, &what).map_err(err)?;
        out.push(NamedOrder {
            side,
            wh: int_item(d, "wh", &what)?,
            price: int_item(d, "price", &what)?,
            feeder: str_item(d, "feeder", &what)?,
            ts: int_item(d, "ts", &what)?,
            id,
        });
    }
    Ok(out)
}

fn named_nodes(network: &Bound<'_, PyAny>) -> PyResult<Vec<NamedNode>> {
    let nodes = network
        .get_item("nodes")
        .map_err(|_| bad("network: missing \"nodes\"".into()))?;
    let nodes = nodes
        .cast::<PyDict>()
        .map_err(|_| bad("network: \"nodes\" must be a dict".into()))?;
    let mut out = Vec::with_capacity(nodes.len());
    for (k, v) in nodes.iter() {
        let id: String = k
            .extract()
            .map_err(|_| bad(format!("network: node id {k} must be a string")))?;
        let what = format!("node {id:?}");
        let d = v
            .cast::<PyDict>()
            .map_err(|_| bad(format!("{what}: must be a dict")))?;
        let parent = match d.get_item("parent")? {
            None => None,
            Some(p) if p.is_none() => None,
            Some(p) => Some(
                p.extract::<String>()
                    .map_err(|_| bad(format!("{what}: \"parent\" must be a node id or None")))?,
            ),
        };
        out.push(NamedNode {
            parent,
            capacity_wh: int_item(d, "capacity_wh", &what)?,
            fee: int_item(d, "fee", &what)?,
            id,
        });
    }
    Ok(out)
}

fn result_dict<'py>(py: Python<'py>, book: &Book, c: &Clearing) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("price", c.price)?;
    d.set_item("prices", c.prices.clone())?;
    d.set_item("welfare", c.welfare)?;
    d.set_item("volume_wh", c.volume_wh)?;
    let names = match &book.ids {
        OrderIds::Names(v) => v,
        OrderIds::Numbers(_) => unreachable!("dict books have string ids"),
    };
    let trades = PyList::empty(py);
    for t in &c.trades {
        trades.append(PyTuple::new(
            py,
            [
                names[t.buy as usize].clone().into_pyobject(py)?.into_any(),
                names[t.sell as usize].clone().into_pyobject(py)?.into_any(),
                t.wh.into_pyobject(py)?.into_any(),
                t.price.into_pyobject(py)?.into_any(),
            ],
        )?)?;
    }
    d.set_item("trades", trades)?;
    Ok(d)
}

/// Clears a list of order dicts; returns a dict whose `trades` are
/// `(buy_id, sell_id, wh, price)` tuples, plus `engine_ns`, the time spent validating and
/// clearing with the GIL released.
#[pyfunction]
#[pyo3(signature = (mechanism, orders, network=None))]
fn clear_orders<'py>(
    py: Python<'py>,
    mechanism: &str,
    orders: &Bound<'py, PyAny>,
    network: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let mechanism = Mechanism::parse(mechanism).map_err(err)?;
    let named = NamedBook {
        mechanism,
        orders: named_orders(orders)?,
        nodes: network.map(named_nodes).transpose()?,
    };
    let (book, clearing, ns) = py
        .detach(move || {
            let t = std::time::Instant::now();
            let book = named.resolve()?;
            let c = urja_matching::clear(&book)?;
            Ok::<_, ClearError>((book, c, t.elapsed().as_nanos() as u64))
        })
        .map_err(err)?;
    let d = result_dict(py, &book, &clearing)?;
    d.set_item("engine_ns", ns)?;
    Ok(d)
}

fn column(py: Python<'_>, obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<i64>> {
    let buf = PyBuffer::<i64>::get(obj).map_err(|e| {
        bad(format!(
            "column {name:?}: expected a contiguous int64 array ({e})"
        ))
    })?;
    buf.to_vec(py)
}

fn le_bytes<'py, T: Copy, const N: usize>(
    py: Python<'py>,
    v: impl Iterator<Item = T>,
    f: impl Fn(T) -> [u8; N],
) -> Bound<'py, PyBytes> {
    let mut bytes = Vec::with_capacity(v.size_hint().0 * N);
    for x in v {
        bytes.extend_from_slice(&f(x));
    }
    PyBytes::new(py, &bytes)
}

/// Clears integer columns (int64 buffers: `side` 1 = buy / 0 = sell, `wh`, `price`,
/// `ts`, `ids`, and for the network mechanism `feeder` = index into `nodes`, a list of
/// `(id, parent_index or None, capacity_wh, fee)`). Returns
/// `(price, prices, welfare, volume_wh, buy, sell, wh, trade_price, engine_ns)` where
/// buy..trade_price are little-endian bytes (u32 order positions, u32, i64, i64) for
/// `numpy.frombuffer` and `engine_ns` is the time spent validating and clearing.
#[pyfunction]
#[pyo3(signature = (mechanism, side, wh, price, ts, ids, feeder=None, nodes=None))]
#[allow(clippy::too_many_arguments)]
fn clear_columns<'py>(
    py: Python<'py>,
    mechanism: &str,
    side: &Bound<'py, PyAny>,
    wh: &Bound<'py, PyAny>,
    price: &Bound<'py, PyAny>,
    ts: &Bound<'py, PyAny>,
    ids: &Bound<'py, PyAny>,
    feeder: Option<&Bound<'py, PyAny>>,
    nodes: Option<Vec<NodeTuple>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let mechanism = Mechanism::parse(mechanism).map_err(err)?;
    let side_col = column(py, side, "side")?;
    let mut sides = Vec::with_capacity(side_col.len());
    for (i, s) in side_col.iter().enumerate() {
        sides.push(match s {
            1 => Side::Buy,
            0 => Side::Sell,
            other => {
                return Err(bad(format!(
                    "side[{i}]: must be 1 (buy) or 0 (sell), got {other}"
                )))
            }
        });
    }
    let id_col = column(py, ids, "ids")?;
    let mut numbers = Vec::with_capacity(id_col.len());
    for (i, &x) in id_col.iter().enumerate() {
        numbers
            .push(u64::try_from(x).map_err(|_| bad(format!("ids[{i}]: must be >= 0, got {x}")))?);
    }
    let node = match feeder {
        Some(f) => column(py, f, "feeder")?
            .into_iter()
            .enumerate()
            .map(|(i, x)| {
                u32::try_from(x).map_err(|_| bad(format!("feeder[{i}]: bad node index {x}")))
            })
            .collect::<PyResult<Vec<u32>>>()?,
        None => Vec::new(),
    };
    let cols = Columns {
        side: sides,
        wh: column(py, wh, "wh")?,
        price: column(py, price, "price")?,
        ts: column(py, ts, "ts")?,
        node,
        ids: OrderIds::Numbers(numbers),
    };
    let specs: Vec<NodeSpec> = nodes
        .unwrap_or_default()
        .into_iter()
        .map(|(id, parent, capacity_wh, fee)| NodeSpec {
            id,
            parent,
            capacity_wh,
            fee,
        })
        .collect();
    let (c, ns) = py
        .detach(move || {
            let t = std::time::Instant::now();
            let book = Book::new(mechanism, cols, specs)?;
            let c = urja_matching::clear(&book)?;
            Ok::<_, ClearError>((c, t.elapsed().as_nanos() as u64))
        })
        .map_err(err)?;
    let t = &c.trades;
    let out = (
        c.price,
        c.prices.clone(),
        c.welfare,
        c.volume_wh,
        le_bytes(py, t.iter().map(|t| t.buy), u32::to_le_bytes),
        le_bytes(py, t.iter().map(|t| t.sell), u32::to_le_bytes),
        le_bytes(py, t.iter().map(|t| t.wh), i64::to_le_bytes),
        le_bytes(py, t.iter().map(|t| t.price), i64::to_le_bytes),
        ns,
    );
    out.into_pyobject(py)
}

/// Adds this part's functions and classes to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("MatchingError", m.py().get_type::<MatchingError>())?;
    m.add_function(wrap_pyfunction!(clear_json, m)?)?;
    m.add_function(wrap_pyfunction!(clear_orders, m)?)?;
    m.add_function(wrap_pyfunction!(clear_columns, m)?)?;
    Ok(())
}
