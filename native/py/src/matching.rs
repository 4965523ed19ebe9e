//! Python bindings of the slot-clearing engine (`urja._native`, wrapped by `urja.matching`).
//!
//! Three doors into the same engine: a JSON document (the CLI), a list of order dicts, and
//! NumPy-style integer columns (the fast path for large books). This layer only converts:
//! Python values become the core's JSON values (`Json`, `Network`) and integer columns,
//! and every field is validated by `urja_matching` (`parse_order`, `parse_node`,
//! `Columns::from_codes`, `Book`); clearing runs with the GIL released.
use pyo3::buffer::PyBuffer;
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};
use urja_matching::{
    Book, ClearError, Clearing, Columns, Mechanism, NamedBook, NamedNode, OrderIds,
};

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

/// A Python value as the JSON value the core validates: dicts, lists and tuples, strings,
/// ints, floats, bools and None map one to one (an int beyond 64 bits becomes a float the
/// core reports as overflowing); anything else becomes its `repr`, so the core's error
/// names the field that holds it.
struct Json(Value);

impl<'py> FromPyObject<'_, 'py> for Json {
    type Error = PyErr;

    fn extract(ob: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        to_json(&ob).map(Json)
    }
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn to_json(ob: &Bound<'_, PyAny>) -> PyResult<Value> {
    if ob.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = ob.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if ob.is_instance_of::<PyInt>() {
        if let Ok(x) = ob.extract::<i64>() {
            return Ok(x.into());
        }
        if let Ok(x) = ob.extract::<u64>() {
            return Ok(x.into());
        }
        return Ok(float(ob.extract::<f64>().unwrap_or(f64::INFINITY)));
    }
    if let Ok(f) = ob.cast::<PyFloat>() {
        return Ok(float(f.value()));
    }
    if let Ok(s) = ob.cast::<PyString>() {
        return Ok(Value::String(s.to_str()?.to_owned()));
    }
    if let Ok(d) = ob.cast::<PyDict>() {
        let mut m = Map::new();
        for (k, v) in d.iter() {
            m.insert(k.str()?.to_str()?.to_owned(), to_json(&v)?);
        }
        return Ok(Value::Object(m));
    }
    if ob.is_instance_of::<PyList>() || ob.is_instance_of::<PyTuple>() {
        let items = ob.try_iter()?.map(|x| to_json(&x?));
        return items.collect::<PyResult<Vec<_>>>().map(Value::Array);
    }
    Ok(Value::String(ob.repr()?.to_str()?.to_owned()))
}

/// A feeder tree `{"nodes": {id: {"parent", "capacity_wh", "fee"}}}`, its nodes in the
/// dict's order (a column book's `feeder` indexes them), each validated by the core.
struct Network(Vec<NamedNode>);

impl<'py> FromPyObject<'_, 'py> for Network {
    type Error = PyErr;

    fn extract(ob: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let nodes = ob
            .get_item("nodes")
            .map_err(|_| bad("network: missing \"nodes\"".into()))?;
        let nodes = nodes
            .cast::<PyDict>()
            .map_err(|_| bad("network: \"nodes\" must be a dict".into()))?;
        let mut out = Vec::with_capacity(nodes.len());
        for (k, v) in nodes.iter() {
            let id = k.str()?.to_str()?.to_owned();
            out.push(urja_matching::parse_node(&id, &to_json(&v)?).map_err(err)?);
        }
        Ok(Network(out))
    }
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
    orders: Vec<Json>,
    network: Option<Network>,
) -> PyResult<Bound<'py, PyDict>> {
    let mechanism = Mechanism::parse(mechanism).map_err(err)?;
    let orders = orders
        .iter()
        .enumerate()
        .map(|(i, o)| urja_matching::parse_order(i, &o.0))
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)?;
    let named = NamedBook {
        mechanism,
        orders,
        nodes: network.map(|n| n.0),
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
/// `ts`, `ids`, and for the network mechanism `feeder` = index into the nodes of
/// `network`, in its dict order). Returns
/// `(price, prices, welfare, volume_wh, buy, sell, wh, trade_price, engine_ns)` where
/// buy..trade_price are little-endian bytes (u32 order positions, u32, i64, i64) for
/// `numpy.frombuffer` and `engine_ns` is the time spent validating and clearing.
#[pyfunction]
#[pyo3(signature = (mechanism, side, wh, price, ts, ids, feeder=None, network=None))]
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
    network: Option<Network>,
) -> PyResult<Bound<'py, PyTuple>> {
    let mechanism = Mechanism::parse(mechanism).map_err(err)?;
    let feeder = match feeder {
        Some(f) => column(py, f, "feeder")?,
        None => Vec::new(),
    };
    let cols = Columns::from_codes(
        &column(py, side, "side")?,
        column(py, wh, "wh")?,
        column(py, price, "price")?,
        column(py, ts, "ts")?,
        &column(py, ids, "ids")?,
        &feeder,
    )
    .map_err(err)?;
    let specs =
        urja_matching::node_specs(&network.map(|n| n.0).unwrap_or_default()).map_err(err)?;
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
