//! The market built to WASM: behaviour matches the native build, and the CPU/memory of `bid`
//! and `settle` (1, 10, 50 trades) are measured against Soroban's per-transaction limits.
use super::*;

use soroban_env_host::InvocationResourceLimits;
use soroban_sdk::testutils::cost_estimate::NetworkInvocationResourceLimits as _;

/// What one invocation used, as the host's invocation metering reports it.
struct Cost {
    insns: i64,
    mem: i64,
    writes: u32,
    keys: u32,
    write_bytes: u32,
    events: u32,
}

impl Cost {
    /// Within Stellar Mainnet's per-transaction limits (the SDK's snapshot of the network
    /// settings: instructions, memory, write entries, footprint size, write and event bytes).
    fn fits(&self) -> bool {
        let l = InvocationResourceLimits::mainnet();
        self.insns <= l.instructions
            && self.mem <= l.mem_bytes
            && self.writes <= l.write_entries
            && self.keys + self.writes <= l.ledger_entries
            && self.write_bytes <= l.write_bytes
            && self.events <= l.contract_events_size_bytes
    }
}

fn settle_cost(n: usize) -> Cost {
    let w = world(Build::Wasm, n, n);
    let mut trades = soroban_sdk::Vec::new(&w.env);
    for i in 0..n {
        let s = offer(&w, i, SLOT, 100, 5);
        let b = w.market.bid(&w.receivers[i], &SLOT, &100, &9);
        trades.push_back(trade(b, s, 100, 7));
    }
    at_gate(&w, SLOT);
    // Measure past the limits too; `fits` judges the figures against them.
    w.env.cost_estimate().disable_resource_limits();
    w.market.settle(&SLOT, &trades, &Some(7));
    let r = w.env.cost_estimate().resources();
    Cost {
        insns: r.instructions,
        mem: r.mem_bytes,
        writes: r.write_entries,
        keys: r.memory_read_entries + r.disk_read_entries,
        write_bytes: r.write_bytes,
        events: r.contract_events_size_bytes,
    }
}

#[test]
fn wasm_costs_of_bid_and_settle() {
    let w = world(Build::Wasm, 1, 1);
    w.market.bid(&w.receivers[0], &SLOT, &100, &9);
    let bid = w.env.cost_estimate().resources();
    std::println!(
        "market.bid (WASM): {} instructions, {} bytes memory",
        bid.instructions,
        bid.mem_bytes
    );
    assert!(bid.instructions < InvocationResourceLimits::mainnet().instructions);
    let mut report = std::format!(
        "bid: {} insns, {} mem bytes\n",
        bid.instructions,
        bid.mem_bytes
    );
    let mut largest = 0;
    for n in [1usize, 10, 50] {
        let c = settle_cost(n);
        let line = std::format!(
            "settle {n:>2} trades: {} insns, {} mem bytes, {} write entries, {} entries accessed, {} write bytes, {} event bytes\n",
            c.insns, c.mem, c.writes, c.keys, c.write_bytes, c.events
        );
        std::print!("{line}");
        report.push_str(&line);
        if c.fits() {
            largest = n;
        }
    }
    // Search the largest batch that fits every limit.
    let (mut lo, mut hi) = (largest, 101usize);
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if settle_cost(mid).fits() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let line = std::format!("largest settle batch within per-transaction limits: {lo} trades\n");
    std::print!("{line}");
    report.push_str(&line);
    assert!(lo >= 1, "a single trade must fit in one transaction");
    let out = std::format!(
        "{}/../../target/contract-costs.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::write(out, report).expect("write target/contract-costs.txt");
}

#[test]
fn the_wasm_build_refuses_bad_input_like_the_native_one() {
    let w = world(Build::Wasm, 1, 1);
    let (d, r) = (&w.donors[0], &w.receivers[0]);
    assert_eq!(
        w.market.try_offer(d, &w.meters[0], &SLOT, &0, &5),
        Err(Ok(MarketError::InvalidAmount))
    );
    assert_eq!(
        w.market.try_bid(d, &SLOT, &5, &5),
        Err(Ok(MarketError::RoleNotAllowed))
    );
    let s = offer(&w, 0, SLOT, 100, 5);
    let b = w.market.bid(r, &SLOT, &100, &9);
    assert_eq!(
        w.market
            .try_settle(&SLOT, &vec![&w.env, trade(b, s, 100, 7)], &Some(7)),
        Err(Ok(MarketError::GateNotClosed))
    );
    at_gate(&w, SLOT);
    w.market
        .settle(&SLOT, &vec![&w.env, trade(b, s, 100, 7)], &Some(7));
    assert_eq!(
        w.market
            .try_settle(&SLOT, &vec![&w.env, trade(b, s, 100, 7)], &Some(7)),
        Err(Ok(MarketError::DuplicateTrade))
    );
}
