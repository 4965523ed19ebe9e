//! Community governance: proposals, votes, timelock, execution.
