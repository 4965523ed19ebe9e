//! `urja-localnet`: a single-node Stellar network on loopback that serves the Stellar RPC
//! JSON-RPC API and a friendbot, executing transactions with the real Soroban host.
mod apply;
mod config;
mod modules;
mod node;
mod rpc;
mod state;
mod store;
mod trust;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;

/// Command line of the local network.
#[derive(Parser)]
#[command(
    name = "urja-localnet",
    about = "Local Stellar network with the Stellar RPC API"
)]
struct Args {
    /// Loopback port for JSON-RPC and friendbot.
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Where ledgers, entries, transactions and events are stored.
    #[arg(long, default_value = ".urja/localnet")]
    data_dir: PathBuf,
    /// Milliseconds between ledger closes.
    #[arg(long, default_value_t = 1000)]
    ledger_close_ms: u64,
    /// Network passphrase.
    #[arg(long, default_value = config::DEFAULT_PASSPHRASE)]
    passphrase: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let node = node::Node::open(&args.data_dir, &args.passphrase)?;
    let start = node.latest()?.seq;
    let node = Arc::new(Mutex::new(node));
    let (tx, rx) = tokio::sync::watch::channel(start);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let url = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
    let closer = node.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(args.ledger_close_ms.max(10)));
        loop {
            tick.tick().await;
            let closed = closer.lock().expect("node lock").close_ledger();
            match closed {
                Ok(seq) => {
                    let _ = tx.send(seq);
                }
                Err(e) => eprintln!("urja-localnet: closing a ledger failed: {e:#}"),
            }
        }
    });
    let app = rpc::App {
        node,
        closed: rx,
        url: url.clone(),
    };
    println!("READY {url}");
    use std::io::Write;
    std::io::stdout().flush()?;
    axum::serve(listener, rpc::router(app))
        .with_graceful_shutdown(async {
            use tokio::signal::unix::{signal, SignalKind};
            let mut term = signal(SignalKind::terminate()).expect("signal handler");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        })
        .await?;
    Ok(())
}
