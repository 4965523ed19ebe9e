//! The delivery circuit in the circom/snarkjs ecosystem: its R1CS in circom's binary `.r1cs`
//! format, the QAP reduction snarkjs keys are built for, and a reader of snarkjs Groth16
//! `.zkey` files that checks the key belongs to this circuit.
//!
//! Formats (read from iden3's `r1csfile` spec and snarkjs's `zkey_new.js`/`zkey_utils.js`):
//! every file is `magic (4) || version u32 || n_sections u32` followed by sections
//! `type u32 || size u64 || bytes`, all little-endian.
//!
//! Wire numbering: circom puts the constant one at wire 0, then public outputs, public
//! inputs, then private wires. arkworks numbers instance variables first (index 0 = one,
//! then the public inputs) and witness variables after them, so arkworks index `i` is
//! circom wire `i`; the single public input `h` is wire 1, declared as a public input.
//!
//! Reduction: arkworks' default (libsnark) reduction evaluates `H = (AB - C)/Z` on a coset
//! and hands the prover `H`'s coefficients; snarkjs instead puts into the key the Lagrange
//! basis of a domain twice as large at its odd points, so the prover hands it the values
//! of `AB - C` at those odd points ([`CircomQap`]). A `.zkey` only works with that reduction.

use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, BigInteger, Field, PrimeField, Zero};
use ark_groth16::r1cs_to_qap::{evaluate_constraint, LibsnarkReduction, R1CSToQAP};
use ark_groth16::{ProvingKey, VerifyingKey};
use ark_poly::EvaluationDomain;
use ark_relations::r1cs::{
    ConstraintMatrices, ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef,
    OptimizationGoal, SynthesisError, SynthesisMode,
};

use crate::delivery::DeliveryCircuit;

/// One row of a constraint matrix: `(coefficient, wire)`, wires ascending and distinct.
pub type Row = Vec<(Fr, usize)>;

/// The delivery circuit's constraint system as the prover and snarkjs see it.
#[derive(Clone, Debug, PartialEq)]
pub struct CircuitShape {
    /// Instance variables including the constant one (wire 0).
    pub num_instance: usize,
    /// Witness (private) variables.
    pub num_witness: usize,
    /// `A` rows, one per constraint.
    pub a: Vec<Row>,
    /// `B` rows.
    pub b: Vec<Row>,
    /// `C` rows.
    pub c: Vec<Row>,
}

fn normalise(row: &[(Fr, usize)]) -> Row {
    let mut v: Row = row.to_vec();
    v.sort_by_key(|&(_, w)| w);
    let mut out: Row = Vec::with_capacity(v.len());
    for (c, w) in v {
        match out.last_mut() {
            Some((acc, last)) if *last == w => *acc += c,
            _ => out.push((c, w)),
        }
    }
    out.retain(|(c, _)| !c.is_zero());
    out
}

/// Synthesises a circuit exactly as arkworks' Groth16 setup does (setup mode, constraint
/// count optimised, linear combinations inlined) and returns its matrices.
pub fn shape_of<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<CircuitShape, SynthesisError> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Setup);
    circuit.generate_constraints(cs.clone())?;
    cs.finalize();
    let m: ConstraintMatrices<Fr> = cs.to_matrices().ok_or(SynthesisError::MissingCS)?;
    let rows = |x: &[Vec<(Fr, usize)>]| x.iter().map(|r| normalise(r)).collect();
    Ok(CircuitShape {
        num_instance: m.num_instance_variables,
        num_witness: m.num_witness_variables,
        a: rows(&m.a),
        b: rows(&m.b),
        c: rows(&m.c),
    })
}

/// The delivery circuit's shape.
pub fn delivery_shape() -> CircuitShape {
    shape_of(DeliveryCircuit::default())
        .expect("the delivery circuit synthesises without a witness")
}

const R1CS_MAGIC: &[u8; 4] = b"r1cs";
const ZKEY_MAGIC: &[u8; 4] = b"zkey";

fn put_u32(out: &mut Vec<u8>, x: usize) {
    out.extend_from_slice(&u32::try_from(x).expect("fits u32").to_le_bytes());
}

fn fr_le(x: &Fr) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&x.into_bigint().to_bytes_le());
    out
}

fn modulus_le<F: PrimeField>() -> Vec<u8> {
    F::MODULUS.to_bytes_le()
}

fn binfile(magic: &[u8; 4], sections: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(magic);
    put_u32(&mut out, 1);
    put_u32(&mut out, sections.len());
    for (kind, body) in sections {
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        out.extend_from_slice(body);
    }
    out
}

impl CircuitShape {
    /// Number of constraints.
    pub fn num_constraints(&self) -> usize {
        self.a.len()
    }

    /// Number of wires (circom's `nVars`), the constant one included.
    pub fn num_wires(&self) -> usize {
        self.num_instance + self.num_witness
    }

    /// Public inputs, the constant one excluded (snarkjs's `nPublic`).
    pub fn num_public(&self) -> usize {
        self.num_instance - 1
    }

    /// Size of the evaluation domain: constraints plus one row per instance variable,
    /// rounded up to a power of two (the same in arkworks and snarkjs).
    pub fn domain_size(&self) -> usize {
        (self.num_constraints() + self.num_instance).next_power_of_two()
    }

    /// `log2` of [`Self::domain_size`]: the smallest powers-of-tau ceremony (`2^power`)
    /// snarkjs accepts for this circuit.
    pub fn power(&self) -> u32 {
        self.domain_size().trailing_zeros()
    }

    /// The circuit in circom's binary `.r1cs` format (version 1): header, constraints and
    /// the wire-to-label map (label = wire). `h` is the one public input; every witness
    /// variable is declared a private input.
    pub fn r1cs_bytes(&self) -> Vec<u8> {
        let mut header = Vec::new();
        put_u32(&mut header, 32);
        header.extend_from_slice(&modulus_le::<Fr>());
        put_u32(&mut header, self.num_wires());
        put_u32(&mut header, 0); // public outputs
        put_u32(&mut header, self.num_public()); // public inputs
        put_u32(&mut header, self.num_witness); // private inputs
        header.extend_from_slice(&(self.num_wires() as u64).to_le_bytes()); // labels
        put_u32(&mut header, self.num_constraints());

        let mut constraints = Vec::new();
        for i in 0..self.num_constraints() {
            for row in [&self.a[i], &self.b[i], &self.c[i]] {
                put_u32(&mut constraints, row.len());
                for (coeff, wire) in row {
                    put_u32(&mut constraints, *wire);
                    constraints.extend_from_slice(&fr_le(coeff));
                }
            }
        }

        let mut map = Vec::with_capacity(8 * self.num_wires());
        for w in 0..self.num_wires() as u64 {
            map.extend_from_slice(&w.to_le_bytes());
        }
        binfile(R1CS_MAGIC, &[(1, header), (2, constraints), (3, map)])
    }

    /// The `(matrix, constraint, wire, value)` entries snarkjs stores in a zkey's
    /// coefficient section: `A` and `B` of every constraint, then `A[n + s][s] = 1` for
    /// every instance wire `s` (the rows that make the public inputs independent).
    fn zkey_coefficients(&self) -> Vec<(u32, u32, u32, Fr)> {
        let mut out = Vec::new();
        for i in 0..self.num_constraints() {
            for (m, row) in [(0u32, &self.a[i]), (1, &self.b[i])] {
                for (c, w) in row {
                    out.push((m, i as u32, *w as u32, *c));
                }
            }
        }
        for s in 0..self.num_instance {
            out.push((
                0,
                (self.num_constraints() + s) as u32,
                s as u32,
                Fr::from(1u64),
            ));
        }
        out
    }
}

/// snarkjs's reduction from R1CS to a QAP (see the module documentation). The instance
/// map is the same as arkworks' libsnark reduction; the witness map returns `A·B − C` at
/// the odd points of the domain of twice the size, and the setup's `H` query holds that
/// domain's Lagrange polynomials at those points, divided by delta.
pub struct CircomQap;

fn double_domain_coset<F: PrimeField, D: EvaluationDomain<F>>(
    domain: &D,
) -> Result<D, SynthesisError> {
    // The odd points of the domain of size 2n are w_2n * (the points of the domain of size n).
    let w2n = D::new(2 * domain.size())
        .ok_or(SynthesisError::PolynomialDegreeTooLarge)?
        .group_gen();
    domain
        .get_coset(w2n)
        .ok_or(SynthesisError::PolynomialDegreeTooLarge)
}

impl R1CSToQAP for CircomQap {
    #[allow(clippy::type_complexity)]
    fn instance_map_with_evaluation<F: PrimeField, D: EvaluationDomain<F>>(
        cs: ConstraintSystemRef<F>,
        t: &F,
    ) -> Result<(Vec<F>, Vec<F>, Vec<F>, F, usize, usize), SynthesisError> {
        LibsnarkReduction::instance_map_with_evaluation::<F, D>(cs, t)
    }

    fn witness_map_from_matrices<F: PrimeField, D: EvaluationDomain<F>>(
        matrices: &ConstraintMatrices<F>,
        num_inputs: usize,
        num_constraints: usize,
        full_assignment: &[F],
    ) -> Result<Vec<F>, SynthesisError> {
        let domain =
            D::new(num_constraints + num_inputs).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        let n = domain.size();
        let mut a = vec![F::zero(); n];
        let mut b = vec![F::zero(); n];
        for i in 0..num_constraints {
            a[i] = evaluate_constraint(&matrices.a[i], full_assignment);
            b[i] = evaluate_constraint(&matrices.b[i], full_assignment);
        }
        a[num_constraints..num_constraints + num_inputs]
            .copy_from_slice(&full_assignment[..num_inputs]);
        // On the domain a satisfied system has C = A·B (snarkjs never reads the C matrix).
        let mut c: Vec<F> = a.iter().zip(&b).map(|(x, y)| *x * y).collect();
        let odd = double_domain_coset(&domain)?;
        for v in [&mut a, &mut b, &mut c] {
            domain.ifft_in_place(v);
            odd.fft_in_place(v);
        }
        Ok(a.iter()
            .zip(&b)
            .zip(&c)
            .map(|((x, y), z)| *x * y - z)
            .collect())
    }

    fn h_query_scalars<F: PrimeField, D: EvaluationDomain<F>>(
        max_power: usize,
        t: F,
        _zt: F,
        delta_inverse: F,
    ) -> Result<Vec<F>, SynthesisError> {
        // arkworks passes n - 1; the key needs L_{2i+1}(t) / delta for i in 0..n over the
        // domain of size 2n.
        let double = D::new(2 * (max_power + 1)).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        Ok(double
            .evaluate_all_lagrange_coefficients(t)
            .into_iter()
            .skip(1)
            .step_by(2)
            .map(|l| l * delta_inverse)
            .collect())
    }
}

/// Why a `.zkey` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZkeyError {
    /// Not a snarkjs binary file of the expected kind, or a malformed section table.
    Format(String),
    /// The file ends before a section it announces (a truncated copy).
    Truncated(String),
    /// A Groth16 key for BN254, but not for the delivery circuit.
    OtherCircuit(String),
    /// A point is off the curve, outside the subgroup or has a coordinate above the modulus.
    BadPoint(String),
}

impl std::fmt::Display for ZkeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Format(m) => write!(f, "not a snarkjs Groth16 zkey: {m}"),
            Self::Truncated(m) => write!(f, "truncated zkey: {m}"),
            Self::OtherCircuit(m) => write!(f, "zkey is for another circuit: {m}"),
            Self::BadPoint(m) => write!(f, "zkey holds an invalid point: {m}"),
        }
    }
}

impl std::error::Error for ZkeyError {}

/// Sections of a snarkjs binary file: `(type, bytes)` in file order.
pub fn read_sections<'a>(
    bytes: &'a [u8],
    magic: &[u8; 4],
) -> Result<Vec<(u32, &'a [u8])>, ZkeyError> {
    let kind = String::from_utf8_lossy(magic).into_owned();
    if bytes.len() < 12 || &bytes[..4] != magic {
        return Err(ZkeyError::Format(format!(
            "the file does not start with the {kind:?} magic"
        )));
    }
    let n = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes")) as usize;
    let mut pos = 12;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if bytes.len() < pos + 12 {
            return Err(ZkeyError::Truncated(format!(
                "the file ends at byte {} inside the header of section {} of {n}",
                bytes.len(),
                i + 1
            )));
        }
        let ty = u32::from_le_bytes(bytes[pos..pos + 4].try_into().expect("4 bytes"));
        let size = u64::from_le_bytes(bytes[pos + 4..pos + 12].try_into().expect("8 bytes"));
        let start = pos + 12;
        let end = usize::try_from(size)
            .ok()
            .and_then(|s| start.checked_add(s))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| {
                ZkeyError::Truncated(format!(
                    "section {ty} announces {size} bytes at byte {start}, the file has {}",
                    bytes.len()
                ))
            })?;
        out.push((ty, &bytes[start..end]));
        pos = end;
    }
    if pos != bytes.len() {
        return Err(ZkeyError::Format(format!(
            "{} bytes after the last section",
            bytes.len() - pos
        )));
    }
    Ok(out)
}

fn section<'a>(sections: &[(u32, &'a [u8])], ty: u32) -> Result<&'a [u8], ZkeyError> {
    let mut found = sections.iter().filter(|(t, _)| *t == ty);
    match (found.next(), found.next()) {
        (Some((_, b)), None) => Ok(b),
        (None, _) => Err(ZkeyError::Format(format!("section {ty} is missing"))),
        (Some(_), Some(_)) => Err(ZkeyError::Format(format!("section {ty} appears twice"))),
    }
}

/// A little-endian cursor over one section.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Self {
            bytes,
            pos: 0,
            what,
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ZkeyError> {
        let end = self.pos + n;
        if end > self.bytes.len() {
            return Err(ZkeyError::Format(format!(
                "section {} is {} bytes, too short for its content",
                self.what,
                self.bytes.len()
            )));
        }
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn u32(&mut self) -> Result<usize, ZkeyError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")) as usize)
    }

    fn done(&self) -> Result<(), ZkeyError> {
        if self.pos != self.bytes.len() {
            return Err(ZkeyError::Format(format!(
                "section {} has {} bytes, expected {}",
                self.what,
                self.bytes.len(),
                self.pos
            )));
        }
        Ok(())
    }

    /// A base-field element stored in Montgomery form (snarkjs's "LEM").
    fn fq(&mut self, what: &dyn Fn() -> String) -> Result<Fq, ZkeyError> {
        let b = self.take(32)?;
        let mut limbs = [0u64; 4];
        for (k, l) in limbs.iter_mut().enumerate() {
            *l = u64::from_le_bytes(b[8 * k..8 * k + 8].try_into().expect("8 bytes"));
        }
        let m = BigInt::new(limbs);
        if m >= Fq::MODULUS {
            return Err(ZkeyError::BadPoint(format!(
                "{}: coordinate not below the field modulus",
                what()
            )));
        }
        Ok(Fq::new_unchecked(m))
    }

    fn g1(&mut self, what: &dyn Fn() -> String) -> Result<G1Affine, ZkeyError> {
        let (x, y) = (self.fq(what)?, self.fq(what)?);
        if x.is_zero() && y.is_zero() {
            return Ok(G1Affine::zero());
        }
        let p = G1Affine::new_unchecked(x, y);
        if !p.is_on_curve() {
            return Err(ZkeyError::BadPoint(format!("{}: not on the curve", what())));
        }
        Ok(p)
    }

    fn g2(&mut self, what: &dyn Fn() -> String) -> Result<G2Affine, ZkeyError> {
        let x = Fq2::new(self.fq(what)?, self.fq(what)?);
        let y = Fq2::new(self.fq(what)?, self.fq(what)?);
        if x.is_zero() && y.is_zero() {
            return Ok(G2Affine::zero());
        }
        let p = G2Affine::new_unchecked(x, y);
        if !p.is_on_curve() || !p.is_in_correct_subgroup_assuming_on_curve() {
            return Err(ZkeyError::BadPoint(format!(
                "{}: not on the curve or not in the subgroup",
                what()
            )));
        }
        Ok(p)
    }

    fn g1s(&mut self, n: usize, name: &'static str) -> Result<Vec<G1Affine>, ZkeyError> {
        (0..n)
            .map(|i| self.g1(&|| format!("{name}[{i}]")))
            .collect()
    }
}

fn other(what: &str, key: usize, ours: usize) -> ZkeyError {
    ZkeyError::OtherCircuit(format!(
        "the key has {key} {what}, the delivery circuit has {ours}"
    ))
}

/// Reads a snarkjs Groth16 `.zkey` for `shape`: checks the curve, the sizes and every
/// coefficient of the circuit the key was made for, and every point, and returns the
/// proving key (to be used with [`CircomQap`]).
pub fn read_zkey(bytes: &[u8], shape: &CircuitShape) -> Result<ProvingKey<Bn254>, ZkeyError> {
    let sections = read_sections(bytes, ZKEY_MAGIC)?;
    let mut r = Reader::new(section(&sections, 1)?, "1 (protocol)");
    if r.u32()? != 1 {
        return Err(ZkeyError::Format("the key is not for Groth16".into()));
    }
    r.done()?;

    let mut r = Reader::new(section(&sections, 2)?, "2 (Groth16 header)");
    let n8q = r.u32()?;
    let q = r.take(n8q)?.to_vec();
    let n8r = r.u32()?;
    let rr = r.take(n8r)?.to_vec();
    if q != modulus_le::<Fq>() || rr != modulus_le::<Fr>() {
        return Err(ZkeyError::OtherCircuit(
            "the key is for another curve than BN254".into(),
        ));
    }
    let (n_vars, n_public, domain) = (r.u32()?, r.u32()?, r.u32()?);
    if n_vars != shape.num_wires() {
        return Err(other("wires", n_vars, shape.num_wires()));
    }
    if n_public != shape.num_public() {
        return Err(other("public inputs", n_public, shape.num_public()));
    }
    if domain != shape.domain_size() {
        return Err(other("as domain size", domain, shape.domain_size()));
    }
    let alpha_g1 = r.g1(&|| "alpha".into())?;
    let beta_g1 = r.g1(&|| "beta (G1)".into())?;
    let beta_g2 = r.g2(&|| "beta (G2)".into())?;
    let gamma_g2 = r.g2(&|| "gamma".into())?;
    let delta_g1 = r.g1(&|| "delta (G1)".into())?;
    let delta_g2 = r.g2(&|| "delta (G2)".into())?;
    r.done()?;

    // The circuit itself: every A and B coefficient, compared in a canonical order.
    let mut r = Reader::new(section(&sections, 4)?, "4 (coefficients)");
    let count = r.u32()?;
    let mut expected = shape.zkey_coefficients();
    if count != expected.len() {
        return Err(other("matrix coefficients", count, expected.len()));
    }
    // snarkjs stores value * R^2 (R = 2^256 mod r) in standard little-endian form.
    let r2 = Fr::from(2u64).pow([512u64]);
    let mut found = Vec::with_capacity(count);
    for _ in 0..count {
        let (m, c, s) = (r.u32()? as u32, r.u32()? as u32, r.u32()? as u32);
        found.push((m, c, s, r.take(32)?.to_vec()));
    }
    r.done()?;
    let mut expected: Vec<(u32, u32, u32, Vec<u8>)> = expected
        .drain(..)
        .map(|(m, c, s, v)| (m, c, s, fr_le(&(v * r2)).to_vec()))
        .collect();
    expected.sort();
    found.sort();
    if let Some((e, f)) = expected.iter().zip(&found).find(|(e, f)| e != f) {
        return Err(ZkeyError::OtherCircuit(format!(
            "coefficient (matrix {}, constraint {}, wire {}) differs from the delivery circuit's \
             (matrix {}, constraint {}, wire {})",
            f.0, f.1, f.2, e.0, e.1, e.2
        )));
    }

    let mut r = Reader::new(section(&sections, 3)?, "3 (IC)");
    let ic = r.g1s(n_public + 1, "IC")?;
    r.done()?;
    let mut r = Reader::new(section(&sections, 5)?, "5 (A)");
    let a_query = r.g1s(n_vars, "A")?;
    r.done()?;
    let mut r = Reader::new(section(&sections, 6)?, "6 (B1)");
    let b_g1_query = r.g1s(n_vars, "B1")?;
    r.done()?;
    let mut r = Reader::new(section(&sections, 7)?, "7 (B2)");
    let b_g2_query = (0..n_vars)
        .map(|i| r.g2(&|| format!("B2[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    r.done()?;
    let mut r = Reader::new(section(&sections, 8)?, "8 (C)");
    let l_query = r.g1s(n_vars - n_public - 1, "C")?;
    r.done()?;
    let mut r = Reader::new(section(&sections, 9)?, "9 (H)");
    let h_query = r.g1s(domain, "H")?;
    r.done()?;
    section(&sections, 10)?; // contributions: checked by `snarkjs zkey verify`

    let vk = VerifyingKey {
        alpha_g1,
        beta_g2,
        gamma_g2,
        delta_g2,
        gamma_abc_g1: ic,
    };
    Ok(ProvingKey {
        vk,
        beta_g1,
        delta_g1,
        a_query,
        b_g1_query,
        b_g2_query,
        h_query,
        l_query,
    })
}
