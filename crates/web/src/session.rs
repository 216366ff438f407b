//! Sessions on requests: a bearer token (API clients) or the `accord_session` cookie (browsers).

use accord_app::accounts::Principal;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::ApiError;

/// The session cookie's name.
pub const COOKIE: &str = "accord_session";

/// Where the token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// `Authorization: Bearer`.
    Bearer,
    /// The session cookie.
    Cookie,
}

/// The session token of a request, if any.
pub fn token(headers: &HeaderMap) -> Option<(String, TokenSource)> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let t = v.strip_prefix("Bearer ").unwrap_or("").trim();
        return Some((t.to_owned(), TokenSource::Bearer));
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| (v.to_owned(), TokenSource::Cookie))
}

/// A cookie-authenticated unsafe request must come from this site (CSRF defence in depth on top
/// of `SameSite=Strict`).
pub(crate) fn cross_site(headers: &HeaderMap) -> bool {
    if let Some(s) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(s, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => {
            let o = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                .unwrap_or(origin);
            o != host
        }
        _ => false,
    }
}

/// What a session still owing a second factor may reach.
const ENROLMENT_PATHS: &[&str] = &[
    "/api/v1/me",
    "/api/v1/me/totp",
    "/api/v1/me/totp/confirm",
    "/api/v1/sessions/current",
];

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Middleware: every route behind it needs a live session.
pub async fn require_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some((token, source)) = token(req.headers()) else {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "sign in first (POST /api/v1/sessions) and send the token as 'Authorization: Bearer <token>'",
        )
        .into_response();
    };
    if source == TokenSource::Cookie
        && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && cross_site(req.headers())
    {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "cross-site-request",
            "a request from another site cannot act with your session",
        )
        .into_response();
    }
    match state.accord.authenticate(&token).await {
        Ok(p) => {
            let unsafe_method =
                !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
            if source == TokenSource::Cookie && unsafe_method {
                let sent = req
                    .headers()
                    .get("x-csrf-token")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if p.csrf_token.is_empty()
                    || !constant_time_eq(sent.as_bytes(), p.csrf_token.as_bytes())
                {
                    return ApiError::new(
                        StatusCode::FORBIDDEN,
                        "csrf-token-invalid",
                        "send the session's CSRF token in the X-CSRF-Token header",
                    )
                    .into_response();
                }
            }
            if p.second_factor_pending && !ENROLMENT_PATHS.contains(&req.uri().path()) {
                return ApiError::from(accord_app::AppError::SecondFactorEnrolmentRequired)
                    .into_response();
            }
            req.extensions_mut().insert(p);
            next.run(req).await
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// The signed-in principal (set by [`require_session`]).
pub struct Authed(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(Authed)
            .ok_or_else(|| {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "sign in first")
            })
    }
}
