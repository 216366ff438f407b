//! Accord's HTTP shell: the JSON API under `/api/v1` (OpenAPI at `/api/v1/openapi.json`) and the
//! health check. Handlers are thin: they parse, call one use case with the acting user, and map
//! the result; the policy lives in `accord-domain` and is applied by the use cases.

mod api;
mod error;
mod extract;
mod idempotency;
pub mod observe;
pub mod openapi;
mod paced_multipart;
pub mod paged;
mod route_table;
mod session;
mod ui;

use std::time::Duration;

use accord_app::Accord;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::IntoResponse;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use api::ROUTES;
pub use error::ApiError;
pub use ui::PAGES;

/// Web-layer settings.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark the session cookie `Secure` (true behind TLS; false for plain loopback HTTP).
    pub secure_cookies: bool,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest document upload, in bytes (the idempotency layer reads no more of a streamed
    /// body when it checks a repeat against the stored fingerprint).
    pub max_upload_bytes: u64,
    /// The bearer token that opens `GET /metrics` on the main listener (`None`: not served
    /// there).
    pub metrics_token: Option<String>,
    /// How often the deadline scheduler runs (not used by the router itself; kept with the web
    /// settings because `serve` owns both).
    pub scheduler_interval: Duration,
    /// How often the notifier runs (notices, then e-mail).
    pub notifier_interval: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 200 * 1024 * 1024,
            scheduler_interval: Duration::from_secs(60),
            notifier_interval: Duration::from_secs(5),
            metrics_token: None,
        }
    }
}

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    /// The application.
    pub accord: Accord,
    /// Web settings.
    pub config: WebConfig,
}

/// Builds the whole router.
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    api::router(state)
        .layer(DefaultBodyLimit::max(limit))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; \
                 img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn(observe::observe))
}

/// The router of a metrics-only listener (`metrics_listen`): `GET /metrics`, no token.
pub fn metrics_router() -> Router {
    Router::new()
        .route(
            "/metrics",
            axum::routing::get(|| async {
                match observe::recorder() {
                    Some(h) => (
                        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                        h.render(),
                    )
                        .into_response(),
                    None => axum::http::StatusCode::NOT_FOUND.into_response(),
                }
            }),
        )
        .layer(axum::middleware::from_fn(observe::observe))
}
