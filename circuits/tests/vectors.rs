//! The shared cross-language vectors (docs/vectors/delivery.json, made by
//! tools/gen_vectors.py): `D`, `K`, `C` and `h` of the delivery statement for one meter and
//! slot in three market domains, as the prover computes them.

use ark_bn254::Fr;
use std::str::FromStr;
use urja_circuits::delivery::{domain_scalar, fr_to_be, key_digest, public_hash};
use urja_circuits::DeliveryWitness;

fn hex32(v: &serde_json::Value) -> [u8; 32] {
    let s = v.as_str().expect("hex string");
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex");
    }
    out
}

fn dec(v: &serde_json::Value) -> Fr {
    Fr::from_str(v.as_str().expect("decimal string")).expect("field element")
}

#[test]
fn the_prover_reproduces_every_shared_delivery_vector() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/vectors/delivery.json");
    let text = std::fs::read_to_string(path).expect("docs/vectors/delivery.json");
    let all: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut hs = Vec::new();
    for section in ["delivery", "other_market", "other_network"] {
        let v = &all[section];
        let domain = hex32(&v["domain"]);
        let meter = hex32(&v["meter"]);
        assert_eq!(
            domain_scalar(&domain),
            dec(&v["domain_scalar"]),
            "{section}"
        );
        assert_eq!(
            key_digest(&meter, &domain),
            dec(&v["key_digest"]),
            "{section}"
        );
        let readings: Vec<u64> = v["export_wh"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        let slot = v["slot"].as_u64().unwrap();
        let max = v["max_wh_per_reading"].as_u64().unwrap();
        let w =
            DeliveryWitness::new(&readings, hex32(&v["salt"]), slot, max, meter, domain).unwrap();
        assert_eq!(
            fr_to_be(&w.commitment()),
            hex32(&v["commitment"]),
            "{section}"
        );
        assert_eq!(w.energy(), v["energy_wh"].as_u64().unwrap());
        let h = hex32(&v["public_input"]);
        assert_eq!(fr_to_be(&w.public_hash()), h, "{section}");
        let c = w.commitment();
        assert_eq!(
            fr_to_be(&public_hash(c, w.energy(), slot, max, &meter, &domain)),
            h
        );
        // The signed bytes: tag, domain, meter, slot (u64 BE), C.
        let mut msg = b"URJA/delivery/v2".to_vec();
        msg.extend_from_slice(&domain);
        msg.extend_from_slice(&meter);
        msg.extend_from_slice(&slot.to_be_bytes());
        msg.extend_from_slice(&fr_to_be(&c));
        let hex: String = msg.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, v["message"].as_str().unwrap(), "{section}");
        hs.push(h);
    }
    hs.sort();
    hs.dedup();
    assert_eq!(hs.len(), 3, "every market domain gives another h");
}
