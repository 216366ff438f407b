//! Application errors with stable codes.

use accord_domain::DomainError;

/// What a use case can fail with. Every variant maps to one HTTP status and a stable code.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No session, or it expired.
    #[error("sign in to continue")]
    Unauthenticated,
    /// Wrong user name or password (same answer for unknown accounts).
    #[error("the user name or password is not correct")]
    BadCredentials,
    /// The object does not exist, or the actor may not know it exists.
    #[error("no {what} with this id")]
    NotFound {
        /// What kind of object (`case`, `user`).
        what: &'static str,
    },
    /// The actor sees the object but may not do this.
    #[error("your role in this case does not allow this action")]
    Forbidden,
    /// The actor is named as a party's representative, but its proof of authority is missing,
    /// awaiting the Secretariat's acceptance, or revoked.
    #[error(
        "your proof of authority to act for this party is not accepted (missing, awaiting the \
         Secretariat's acceptance, or revoked); ask the Secretariat to record it"
    )]
    AuthorityNotAccepted,
    /// A domain rule refused the command.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// Invalid input outside the domain rules.
    #[error("{message}")]
    Invalid {
        /// Stable code.
        code: &'static str,
        /// What is wrong.
        message: String,
    },
    /// Someone else changed the case first; reload and retry.
    #[error(
        "the case changed while this request was processed{}; reload it and try again",
        .current.map(|v| format!(" (your view is now at version {v})")).unwrap_or_default()
    )]
    VersionConflict {
        /// The actor's view version now, when known (never the case's overall version, which
        /// counts events the actor may not read).
        current: Option<i64>,
    },
    /// A unique name is taken.
    #[error("{message}")]
    AlreadyExists {
        /// What is taken.
        message: String,
    },
    /// Too many failed sign-ins for this account or address; try again later.
    #[error("too many failed sign-ins; wait {retry_after_seconds} seconds and try again")]
    TooManyAttempts {
        /// Seconds until the window allows another try.
        retry_after_seconds: i64,
    },
    /// The account uses a second factor: send the current TOTP code.
    #[error("enter the 6-digit code from your authenticator app")]
    SecondFactorRequired,
    /// This session must enrol a second factor before anything else.
    #[error(
        "your role requires a second factor: enrol one (POST /api/v1/me/totp) before continuing"
    )]
    SecondFactorEnrolmentRequired,
    /// The act needs a fresh re-authentication.
    #[error("confirm your password (POST /api/v1/sessions/reauth) before this act")]
    ReauthenticationRequired,
    /// The storage failed; nothing was acknowledged. Trying again later may succeed.
    #[error("storage is unavailable: {0}")]
    Storage(String),
    /// Stored data failed its integrity check: it does not decrypt under its key, its hash is
    /// not the one recorded, or a record the case log points to is missing or different. Trying
    /// again cannot help; someone must look at the data.
    #[error("a stored {what} failed its integrity check: {detail}")]
    Integrity {
        /// What failed (`document`, `message`, `draft`, `case key`, `log entry`…).
        what: &'static str,
        /// The failure, for the operator's log (never shown to the user).
        detail: String,
    },
}

impl AppError {
    /// The stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad-credentials",
            AppError::NotFound { what: "case" } => "case-not-found",
            AppError::NotFound { what: "user" } => "user-not-found",
            AppError::NotFound { what: "channel" } => "channel-not-found",
            AppError::NotFound { what: "message" } => "message-not-found",
            AppError::NotFound { what: "relay" } => "relay-not-found",
            AppError::NotFound { what: "session" } => "session-not-found",
            AppError::NotFound { what: "profile" } => "profile-not-found",
            AppError::NotFound { what: "meeting" } => "meeting-not-found",
            AppError::NotFound { .. } => "not-found",
            AppError::Forbidden => "forbidden",
            AppError::AuthorityNotAccepted => "authority-not-accepted",
            AppError::Domain(e) => e.code().as_str(),
            AppError::Invalid { code, .. } => code,
            AppError::VersionConflict { .. } => "version-conflict",
            AppError::AlreadyExists { .. } => "already-exists",
            AppError::Storage(_) => "storage-unavailable",
            // A filed document keeps the code its streamed download has always had.
            AppError::Integrity {
                what: "document", ..
            } => "document-integrity",
            AppError::Integrity { .. } => "integrity-failure",
            AppError::TooManyAttempts { .. } => "too-many-attempts",
            AppError::SecondFactorRequired => "second-factor-required",
            AppError::SecondFactorEnrolmentRequired => "second-factor-enrolment-required",
            AppError::ReauthenticationRequired => "reauthentication-required",
        }
    }

    /// Builds an invalid-input error.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            code,
            message: message.into(),
        }
    }

    /// Builds an integrity failure of stored data.
    pub fn integrity(what: &'static str, detail: impl Into<String>) -> Self {
        AppError::Integrity {
            what,
            detail: detail.into(),
        }
    }

    /// The failure of a key operation on `what`: sealed data that does not open (changed, moved
    /// or sealed under another key) is an integrity failure; anything else (no randomness, an
    /// unreadable master key) is the service's own trouble.
    pub fn from_key(what: &'static str, context: &str, e: accord_keys::KeyError) -> Self {
        match e {
            accord_keys::KeyError::Tampered => AppError::integrity(what, format!("{context}: {e}")),
            other => AppError::Storage(format!("{what} {context}: {other}")),
        }
    }
}

impl From<crate::ports::StoreError> for AppError {
    fn from(e: crate::ports::StoreError) -> Self {
        match e {
            crate::ports::StoreError::Conflict { .. } => {
                AppError::VersionConflict { current: None }
            }
            crate::ports::StoreError::Duplicate(m) => AppError::AlreadyExists { message: m },
            crate::ports::StoreError::Backend(m) => AppError::Storage(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_that_does_not_open_is_an_integrity_failure() {
        let e = AppError::from_key("message", "m1", accord_keys::KeyError::Tampered);
        assert!(
            matches!(
                e,
                AppError::Integrity {
                    what: "message",
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(e.code(), "integrity-failure");
        // No randomness or an unusable master key is the service's trouble, not the data's.
        let e = AppError::from_key("case key", "c1", accord_keys::KeyError::BadMasterKey);
        assert_eq!(e.code(), "storage-unavailable");
    }
}
