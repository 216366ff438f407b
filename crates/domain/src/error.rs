//! Domain errors with stable codes.

use serde::Serialize;

/// A refused command. Every variant has a stable kebab-case code (see [`DomainError::code`]) that
/// API clients can match on, and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub enum DomainError {
    /// The command is not allowed in the case's current state.
    #[error("'{command}' is not possible while the case is {state}")]
    TransitionNotAllowed {
        /// The command that was refused.
        command: &'static str,
        /// The state the case is in.
        state: String,
    },
    /// A named guard of a transition failed.
    #[error("{message}")]
    GuardFailed {
        /// The guard's stable code, for example `guard-consent-missing`.
        code: &'static str,
        /// What failed and what to do about it.
        message: String,
    },
    /// The command's content is invalid (missing or malformed field).
    #[error("{message}")]
    Invalid {
        /// The stable code, for example `invalid-party`.
        code: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl DomainError {
    /// The stable kebab-case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::TransitionNotAllowed { .. } => "transition-not-allowed",
            DomainError::GuardFailed { code, .. } | DomainError::Invalid { code, .. } => code,
        }
    }

    /// Builds a failed guard.
    pub fn guard(code: &'static str, message: impl Into<String>) -> Self {
        DomainError::GuardFailed {
            code,
            message: message.into(),
        }
    }

    /// Builds an invalid-input error.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        DomainError::Invalid {
            code,
            message: message.into(),
        }
    }
}
