//! Python bindings of the zero-knowledge side (`urja._native`, wrapped by `urja.zk`):
//! Poseidon, the delivery statement's hashes, setup, keys from a snarkjs ceremony, proving
//! (GIL released), the circuit's `.r1cs` and the key and proof encodings (contract bytes
//! and snarkjs JSON).
use ark_bn254::Fr;
use ark_ff::PrimeField;
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use urja_circuits::delivery::{fr_from_be, fr_to_be, public_hash};
use urja_circuits::{encode, DeliveryWitness, Keys};

create_exception!(
    _native,
    ZkError,
    PyValueError,
    "Bad input to the prover or a key/proof that cannot be read; the message says which."
);

/// `(proof, h, commitment, energy_wh)` as `prove_delivery` returns it.
type ProvedDelivery<'py> = (
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    u64,
);
/// `(vk, proof, public inputs)` in the contract encoding.
type ContractEncoded<'py> = (
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Vec<Bound<'py, PyBytes>>,
);

fn zk_err(msg: impl ToString) -> PyErr {
    ZkError::new_err(msg.to_string())
}

fn to_fr(x: &Bound<'_, PyAny>, what: &str) -> PyResult<Fr> {
    let v: num_fallback::Big = x
        .extract()
        .map_err(|_| zk_err(format!("{what}: expected an int")))?;
    let bytes = v.0;
    fr_from_be(&bytes).ok_or_else(|| zk_err(format!("{what}: not below the BN254 scalar modulus")))
}

/// Conversion of a Python int in 0..2^256 to 32 big-endian bytes without extra crates.
mod num_fallback {
    use pyo3::prelude::*;

    /// A Python int as 32 big-endian bytes.
    pub struct Big(pub [u8; 32]);

    impl<'py> FromPyObject<'_, 'py> for Big {
        type Error = PyErr;
        fn extract(ob: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
            let b = ob
                .call_method1("to_bytes", (32, "big"))
                .map_err(|_| super::zk_err("integer must be in 0..2^256"))?;
            let v: Vec<u8> = b.extract()?;
            let mut out = [0u8; 32];
            out.copy_from_slice(&v);
            Ok(Big(out))
        }
    }
}

fn fr_to_int<'py>(py: Python<'py>, x: &Fr) -> PyResult<Bound<'py, PyAny>> {
    let int = py.get_type::<pyo3::types::PyInt>();
    int.call_method1("from_bytes", (PyBytes::new(py, &fr_to_be(x)), "big"))
}

/// circomlib Poseidon of 1 to 16 field elements (ints below the BN254 scalar modulus).
#[pyfunction]
fn poseidon<'py>(py: Python<'py>, inputs: Vec<Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
    let xs = inputs
        .iter()
        .enumerate()
        .map(|(i, x)| to_fr(x, &format!("input {i}")))
        .collect::<PyResult<Vec<_>>>()?;
    let h = urja_poseidon::hash(&xs).map_err(zk_err)?;
    fr_to_int(py, &h)
}

fn bytes32(b: &[u8], what: &str) -> PyResult<[u8; 32]> {
    b.try_into()
        .map_err(|_| zk_err(format!("{what} must be 32 bytes, got {}", b.len())))
}

/// The public input `h` for a delivery in the market `domain` (`docs/formats.md`), as 32
/// big-endian bytes.
#[pyfunction]
fn delivery_public_input<'py>(
    py: Python<'py>,
    commitment: &[u8],
    energy_wh: u64,
    slot: u64,
    max_wh_per_minute: u64,
    meter_key: &[u8],
    domain: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let c = fr_from_be(&bytes32(commitment, "commitment")?)
        .ok_or_else(|| zk_err("commitment is not below the BN254 scalar modulus"))?;
    let key = bytes32(meter_key, "meter key")?;
    let domain = bytes32(domain, "market domain")?;
    let h = public_hash(c, energy_wh, slot, max_wh_per_minute, &key, &domain);
    Ok(PyBytes::new(py, &fr_to_be(&h)))
}

/// A loaded proving key (with its verifying key). Proving releases the GIL.
#[pyclass(frozen)]
struct ProvingKey {
    keys: Keys,
}

#[pymethods]
impl ProvingKey {
    /// Circuit-specific setup from OS randomness; with `insecure_dev_seed` a repeatable,
    /// forgeable setup for tests and demos only.
    #[staticmethod]
    #[pyo3(signature = (insecure_dev_seed=None))]
    fn setup(py: Python<'_>, insecure_dev_seed: Option<u64>) -> Self {
        let keys = py.detach(|| match insecure_dev_seed {
            Some(seed) => urja_circuits::setup_insecure_deterministic(seed),
            None => urja_circuits::setup(),
        });
        Self { keys }
    }

    /// Reads the final `.zkey` of a snarkjs ceremony over the delivery circuit; refuses a
    /// truncated file, a key for another circuit or an invalid point, saying which.
    #[staticmethod]
    fn from_zkey(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        let data = data.to_vec();
        let keys = py.detach(move || Keys::from_zkey(&data)).map_err(zk_err)?;
        Ok(Self { keys })
    }

    /// True when the key came from a snarkjs ceremony (proven with snarkjs's reduction).
    #[getter(from_ceremony)]
    fn is_ceremony_key(&self) -> bool {
        self.keys.qap == urja_circuits::Qap::Circom
    }

    /// Loads a key written by `to_bytes`, checking every point.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        let data = data.to_vec();
        let keys = py.detach(move || Keys::from_bytes(&data)).map_err(zk_err)?;
        Ok(Self { keys })
    }

    /// The proving key, compressed (arkworks canonical serialisation).
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.keys.to_bytes())
    }

    /// The verifying key in the contract byte encoding.
    fn vk_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &encode::vk_bytes(&self.keys.vk))
    }

    /// The verifying key as snarkjs `verification_key.json` text.
    fn vk_snarkjs(&self) -> String {
        encode::vk_snarkjs(&self.keys.vk).to_string()
    }

    /// Proves a delivery in the market `domain`. Returns `(proof, h, commitment, energy_wh)`:
    /// the 256-byte proof, the 32-byte public input and commitment, and the energy. Refuses
    /// readings out of range, naming the reading.
    #[allow(clippy::too_many_arguments)] // mirrors the Python signature, one value each
    fn prove_delivery<'py>(
        &self,
        py: Python<'py>,
        readings: Vec<u64>,
        salt: &[u8],
        slot: u64,
        max_wh_per_minute: u64,
        meter_key: &[u8],
        domain: &[u8],
    ) -> PyResult<ProvedDelivery<'py>> {
        let w = DeliveryWitness::new(
            &readings,
            bytes32(salt, "salt")?,
            slot,
            max_wh_per_minute,
            bytes32(meter_key, "meter key")?,
            bytes32(domain, "market domain")?,
        )
        .map_err(zk_err)?;
        let keys = &self.keys;
        let (proof, h) = py.detach(|| keys.prove(&w)).map_err(zk_err)?;
        Ok((
            PyBytes::new(py, &encode::proof_bytes(&proof)),
            PyBytes::new(py, &fr_to_be(&h)),
            PyBytes::new(py, &fr_to_be(&w.commitment())),
            w.energy(),
        ))
    }
}

/// `C = Poseidon(r_1..r_15, salt)` as 32 bytes: what a meter signs. Readings must be 15
/// values in 0..2^16 and the salt below the scalar modulus.
#[pyfunction]
fn commitment<'py>(
    py: Python<'py>,
    readings: Vec<u64>,
    salt: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let salt = bytes32(salt, "salt")?;
    let c = urja_circuits::delivery::commitment(&readings, &salt).map_err(zk_err)?;
    Ok(PyBytes::new(py, &fr_to_be(&c)))
}

/// Verifies a proof natively (arkworks) against a contract-encoded verifying key.
#[pyfunction]
fn verify(vk: &[u8], proof: &[u8], public_input: &[u8]) -> PyResult<bool> {
    let vk = encode::vk_from_bytes(vk).map_err(zk_err)?;
    let proof = match encode::proof_from_bytes(proof) {
        Ok(p) => p,
        Err(_) => return Ok(false),
    };
    let h = fr_from_be(&bytes32(public_input, "public input")?)
        .ok_or_else(|| zk_err("public input not below the scalar modulus"))?;
    Ok(urja_circuits::verify(&vk, &proof, &h))
}

/// snarkjs `proof.json` text for a contract-encoded proof.
#[pyfunction]
fn proof_snarkjs(proof: &[u8]) -> PyResult<String> {
    Ok(encode::proof_snarkjs(&encode::proof_from_bytes(proof).map_err(zk_err)?).to_string())
}

/// snarkjs `public.json` text for 32-byte public inputs.
#[pyfunction]
fn public_snarkjs(inputs: Vec<Vec<u8>>) -> PyResult<String> {
    let xs = inputs
        .iter()
        .map(|b| Ok(Fr::from_be_bytes_mod_order(&bytes32(b, "public input")?)))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(encode::public_snarkjs(&xs).to_string())
}

/// Converts snarkjs JSON (verification key, proof, public inputs) to the contract
/// encoding: `(vk_bytes, proof_bytes, [input_bytes])`.
#[pyfunction]
fn import_snarkjs<'py>(
    py: Python<'py>,
    vk_json: &str,
    proof_json: &str,
    public_json: &str,
) -> PyResult<ContractEncoded<'py>> {
    let parse = |s: &str, what: &str| {
        serde_json::from_str::<serde_json::Value>(s).map_err(|e| zk_err(format!("{what}: {e}")))
    };
    let vk = encode::vk_from_snarkjs(&parse(vk_json, "verification key")?).map_err(zk_err)?;
    let proof = encode::proof_from_snarkjs(&parse(proof_json, "proof")?).map_err(zk_err)?;
    let public = encode::public_from_snarkjs(&parse(public_json, "public")?).map_err(zk_err)?;
    Ok((
        PyBytes::new(py, &encode::vk_bytes(&vk)),
        PyBytes::new(py, &encode::proof_bytes(&proof)),
        public
            .iter()
            .map(|x| PyBytes::new(py, &fr_to_be(x)))
            .collect(),
    ))
}

/// Number of R1CS constraints of the delivery circuit.
#[pyfunction]
fn constraint_count() -> usize {
    urja_circuits::delivery::constraint_count()
}

/// The delivery circuit in circom's binary `.r1cs` format and the smallest powers-of-tau
/// size (`2^power`) snarkjs accepts for it: `(r1cs_bytes, power)`.
#[pyfunction]
fn circuit_r1cs<'py>(py: Python<'py>) -> (Bound<'py, PyBytes>, u32) {
    let shape = py.detach(urja_circuits::circom::delivery_shape);
    (PyBytes::new(py, &shape.r1cs_bytes()), shape.power())
}

/// Adds this part's functions and classes to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ZkError", m.py().get_type::<ZkError>())?;
    m.add_class::<ProvingKey>()?;
    for f in [
        wrap_pyfunction!(poseidon, m)?,
        wrap_pyfunction!(delivery_public_input, m)?,
        wrap_pyfunction!(commitment, m)?,
        wrap_pyfunction!(verify, m)?,
        wrap_pyfunction!(proof_snarkjs, m)?,
        wrap_pyfunction!(public_snarkjs, m)?,
        wrap_pyfunction!(import_snarkjs, m)?,
        wrap_pyfunction!(constraint_count, m)?,
        wrap_pyfunction!(circuit_r1cs, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}
