//! The per-reading limit the market binds into every proof agrees with the shared vectors
//! (docs/vectors/delivery.json, made by tools/gen_vectors.py from docs/formats.md), which
//! the relayer's and the auditor's Python copy is checked against too.
use urja_interfaces::metering::{reading_limit_wh, MAX_READING_WH, READINGS_PER_SLOT};

#[test]
fn reading_limits_match_the_shared_vectors() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/vectors/delivery.json"
    );
    let all: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("vectors")).unwrap();
    let cases = all["reading_limits"].as_array().expect("reading_limits");
    assert!(cases.len() >= 8);
    for c in cases {
        let rate = c["max_wh_per_minute"].as_u64().unwrap() as u32;
        let slot_secs = c["slot_secs"].as_u64().unwrap();
        let want = c["reading_limit_wh"].as_u64().unwrap() as u32;
        assert_eq!(reading_limit_wh(rate, slot_secs), want, "{c}");
    }
}

#[test]
fn a_fifteen_minute_slot_keeps_the_per_minute_rate_and_shorter_slots_scale_it() {
    assert_eq!(READINGS_PER_SLOT, 15);
    assert_eq!(reading_limit_wh(60, 900), 60);
    assert_eq!(reading_limit_wh(60, 15), 1);
    assert_eq!(reading_limit_wh(60, 1_800), 120);
    assert_eq!(reading_limit_wh(u32::MAX, u64::MAX), MAX_READING_WH);
}
