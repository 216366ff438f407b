//! The service itself: readiness, the OpenAPI document, and the answers for unknown routes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;
use crate::route_table::RouteSpec;

/// Readiness and the document.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get("/healthz", |m| on(m, health))
        .public()
        .summary("Readiness: 200 when storage answers"),
    RouteSpec::get("/api/v1/openapi.json", |m| on(m, openapi))
        .public()
        .summary("This document"),
];

pub(super) async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "route-not-found",
        "no such endpoint; see /api/v1/openapi.json",
    )
}

pub(super) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "this endpoint does not accept this method; see /api/v1/openapi.json",
    )
}

async fn health(State(s): State<AppState>) -> Response {
    match s.accord.store().ping().await {
        Ok(()) => {
            Json(json!({"status": "ok", "storage": s.accord.store().backend()})).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage-unavailable",
                "the service cannot reach its storage",
            )
            .into_response()
        }
    }
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}
