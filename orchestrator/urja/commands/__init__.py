"""Click command groups of the `urja` CLI, one module per area (node, market, zk, ...)."""
