//! Registry of community members and their meters.
