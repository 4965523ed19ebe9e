"""The indexer: contract events from getEvents into SQLite, resumable from a persisted cursor."""
