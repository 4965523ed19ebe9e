"""Urja: a community peer-to-peer solar energy market on Stellar.

The package holds the orchestrator (the local grid server): CLI, relayer, matcher,
indexer, grid monitor and audit. Rust hot paths live in the `urja._native` extension.
"""

__version__ = "0.1.0"
