//! The one error type of the engine: what was wrong and with which order or node.

use std::fmt;

/// A rejected book. The message names the offending order or node; nothing partial is
/// ever returned alongside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClearError {
    message: String,
}

impl ClearError {
    /// Builds an error from a complete, human-readable message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The message, for callers that wrap it in their own error type.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ClearError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ClearError {}
