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
    RouteSpec::get("/readyz", |m| on(m, ready))
        .public()
        .summary("Ready for traffic: 200 when the database and the document storage answer (503 naming what does not)"),
    RouteSpec::get("/metrics", |m| on(m, metrics))
        .public()
        .summary("Prometheus metrics, with the deployment's metrics token as a bearer token (404 when none is configured)"),
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

async fn ready(State(s): State<AppState>) -> Response {
    let database = s.accord.store().ping().await.map_err(|e| e.to_string());
    let storage = match s.accord.vault() {
        Some(b) => b.ping().await.map_err(|e| e.to_string()),
        None => Ok(()),
    };
    let word = |r: &Result<(), String>| if r.is_ok() { "ok" } else { "unavailable" };
    let body = json!({
        "ready": database.is_ok() && storage.is_ok(),
        "database": word(&database),
        "storage": word(&storage),
    });
    if let (Err(e), _) | (_, Err(e)) = (&database, &storage) {
        tracing::error!(error = %e, "readiness check failed");
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    }
    Json(body).into_response()
}

/// `GET /metrics` on the main listener: only with the configured token (compared in constant
/// time); without a configured token it is not served here (404 `metrics-not-enabled`).
async fn metrics(State(s): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let (Some(token), Some(handle)) = (&s.config.metrics_token, crate::observe::recorder()) else {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            "metrics-not-enabled",
            "metrics are not served on this address: the operator sets metrics_token (then \
             send it as a bearer token) or metrics_listen (an address of their own)",
        )
        .into_response();
    };
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let same = given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "metrics-token-required",
            "the metrics need the deployment's metrics token as a bearer token",
        )
        .into_response();
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        handle.render(),
    )
        .into_response()
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}
