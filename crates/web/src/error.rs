//! API errors: `{"error": {"code": "stable-kebab-code", "message": "..."}}` with the right status.

use accord_app::AppError;
use accord_domain::DomainError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error as the API answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code.
    pub code: &'static str,
    /// A message a person can act on.
    pub message: String,
    /// Seconds for a `Retry-After` header.
    pub retry_after: Option<i64>,
}

impl ApiError {
    /// Builds an error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"code": self.code, "message": self.message}});
        let mut resp = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, v);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"accord\""),
            );
        }
        resp
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = match &e {
            AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::NotFound { .. } => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::AuthorityNotAccepted => StatusCode::FORBIDDEN,
            AppError::Domain(DomainError::Invalid { .. }) | AppError::Invalid { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            // A transition refused in the current state, or a guard: the request conflicts
            // with the case as it is.
            AppError::Domain(_)
            | AppError::VersionConflict { .. }
            | AppError::AlreadyExists { .. } => StatusCode::CONFLICT,
            AppError::Storage(_) => StatusCode::SERVICE_UNAVAILABLE,
            // Stored data that fails its check will fail again: not a retryable 503.
            AppError::Integrity { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::SecondFactorRequired => StatusCode::UNAUTHORIZED,
            AppError::SecondFactorEnrolmentRequired | AppError::ReauthenticationRequired => {
                StatusCode::FORBIDDEN
            }
        };
        let message = match &e {
            AppError::Storage(detail) => {
                tracing::error!(%detail, "storage failure");
                "the service cannot reach its storage; nothing was changed, try again shortly"
                    .to_owned()
            }
            AppError::Integrity { what, detail } => {
                tracing::error!(what, %detail, "stored data failed its integrity check");
                format!(
                    "the stored {what} failed its integrity check and was not used; nothing was \
                     changed, and the Secretariat has been told"
                )
            }
            other => other.to_string(),
        };
        let retry = match &e {
            AppError::TooManyAttempts {
                retry_after_seconds,
            } => Some(*retry_after_seconds),
            _ => None,
        };
        let mut err = ApiError::new(status, e.code(), message);
        err.retry_after = retry;
        err
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_data_that_fails_its_check_is_a_500_and_an_outage_a_503() {
        let integrity = ApiError::from(AppError::integrity("message", "does not open"));
        assert_eq!(
            (integrity.status, integrity.code),
            (StatusCode::INTERNAL_SERVER_ERROR, "integrity-failure")
        );
        assert_eq!(integrity.retry_after, None);
        let document = ApiError::from(AppError::integrity("document", "a chunk was changed"));
        assert_eq!(
            (document.status, document.code),
            (StatusCode::INTERNAL_SERVER_ERROR, "document-integrity")
        );
        let outage = ApiError::from(AppError::Storage("connection refused".into()));
        assert_eq!(
            (outage.status, outage.code),
            (StatusCode::SERVICE_UNAVAILABLE, "storage-unavailable")
        );
    }
}
