//! Idempotency keys on POST requests.
//!
//! A client may send `Idempotency-Key: <1–255 visible ASCII characters>` with any POST. The first
//! request with a key runs and its response (unless a 5xx) is stored with a fingerprint of the
//! method, path and body; a repeat with the same fingerprint gets the stored response again
//! (`Idempotent-Replayed: true`) without running twice. The same key with a different request is
//! `idempotency-key-reused` (422); a repeat while the first is still running is
//! `idempotency-request-in-progress` (409). Keys are per user.

use accord_app::accounts::Principal;
use accord_app::ports::IdempotencyClaim;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::ApiError;

/// The request header.
pub const HEADER: &str = "idempotency-key";

/// Middleware (runs after the session middleware).
pub async fn idempotency(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get(HEADER) else {
        return next.run(req).await;
    };
    // Uploads stream through and are not replayed: a repeated upload files a new document (the
    // content hash in the log shows it is the same).
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    if multipart {
        return next.run(req).await;
    }
    let key = match key.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()) => {
            k.to_owned()
        }
        _ => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid-idempotency-key",
                "Idempotency-Key is 1 to 255 visible ASCII characters",
            )
            .into_response();
        }
    };
    let Some(user_id) = req
        .extensions()
        .get::<Principal>()
        .map(|p| p.user.id.clone())
    else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, state.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body-too-large",
                "the request body is larger than this endpoint accepts",
            )
            .into_response();
        }
    };
    let mut h = Sha256::new();
    h.update(parts.method.as_str().as_bytes());
    h.update(b" ");
    h.update(parts.uri.path().as_bytes());
    h.update(b"\n");
    h.update(&bytes);
    let fingerprint = hex::encode(h.finalize());
    let store = state.accord.store();
    let now = state.accord.clock().now().as_millisecond();
    match store
        .claim_idempotency_key(&user_id, &key, &fingerprint, now)
        .await
    {
        Ok(IdempotencyClaim::New) => {}
        Ok(IdempotencyClaim::Replay { status, body }) => {
            let mut resp = Response::new(Body::from(body));
            *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            resp.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            resp.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return resp;
        }
        Ok(IdempotencyClaim::Mismatch) => {
            return ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "this Idempotency-Key was used for a different request; use a new key",
            )
            .into_response();
        }
        Ok(IdempotencyClaim::InProgress) => {
            return ApiError::new(
                StatusCode::CONFLICT,
                "idempotency-request-in-progress",
                "a request with this Idempotency-Key is still being processed",
            )
            .into_response();
        }
        Err(e) => return ApiError::from(accord_app::AppError::from(e)).into_response(),
    }
    let resp = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let (rparts, rbody) = resp.into_parts();
    let rbytes = match to_bytes(rbody, 64 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => {
            let _ = store.release_idempotency_key(&user_id, &key).await;
            return ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "response-failed",
                "the response could not be produced",
            )
            .into_response();
        }
    };
    if rparts.status.is_server_error() {
        let _ = store.release_idempotency_key(&user_id, &key).await;
    } else {
        let text = String::from_utf8_lossy(&rbytes);
        if let Err(e) = store
            .complete_idempotency_key(&user_id, &key, rparts.status.as_u16(), &text)
            .await
        {
            tracing::warn!(error = %e, "could not record an idempotent response");
        }
    }
    Response::from_parts(rparts, Body::from(rbytes))
}
