//! Sessions: signing in (a bearer token and the session cookie), signing out, and confirming the
//! password again before acts such as signing.

use std::net::SocketAddr;

use accord_app::accounts::{Credentials, NewSession};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use axum::{Extension, Json};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::route_table::{RouteSpec, schema};
use crate::session::{Authed, COOKIE};

/// Sign-in, sign-out and re-authentication.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::post("/api/v1/sessions", |m| on(m, login))
        .public()
        .summary("Sign in; returns a bearer token and sets the session cookie")
        .json_body(schema::<LoginRequest>)
        .responds(201, schema::<NewSession>),
    RouteSpec::delete("/api/v1/sessions/current", |m| on(m, logout))
        .summary("Sign out")
        .status(204),
    RouteSpec::post("/api/v1/password-resets", |m| on(m, reset_password))
        .public()
        .summary(
            "Choose a new password with a reset link's token; every session of the account ends",
        )
        .status(204)
        .json_body(schema::<PasswordReset>),
    RouteSpec::post("/api/v1/sessions/reauth", |m| on(m, reauth))
        .summary("Confirm the password (and code) again before acts such as signing")
        .status(204)
        .json_body(schema::<ReauthRequest>),
];

/// Sign-in request.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// User name.
    pub username: String,
    /// The account's password; over 256 characters fails like a wrong one, without hashing.
    pub password: String,
    /// The current TOTP code, for accounts with a second factor.
    #[serde(default)]
    pub totp: Option<String>,
}

/// Body of `POST /api/v1/password-resets`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// The `token` of the reset link the Secretariat gave.
    pub token: String,
    /// The new password, 12 to 256 characters.
    pub new_password: String,
}

/// Re-authentication request.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReauthRequest {
    /// The signed-in account's password again; a wrong one counts as a failed sign-in.
    pub password: String,
    /// The current TOTP code, for accounts with a second factor.
    #[serde(default)]
    pub totp: Option<String>,
}

/// The `Set-Cookie` value of a session (an empty token with no age clears it); the sign-in page
/// sets the same cookie.
pub(crate) fn session_cookie(s: &AppState, token: &str, max_age: i64) -> HeaderValue {
    let secure = if s.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("accord_session=; Path=/; Max-Age=0"))
}

async fn login(
    State(s): State<AppState>,
    headers: HeaderMap,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let session = s
        .accord
        .login(&Credentials {
            username: req.username,
            password: req.password,
            totp: req.totp,
            source: connect.map(|Extension(ConnectInfo(a))| a.ip().to_string()),
        })
        .await?;
    // Rotate: a session presented with the sign-in ends; the new one replaces it.
    if let Some((old, _)) = crate::session::token(&headers) {
        let _ = s.accord.logout(&old).await;
    }
    let cookie = session_cookie(&s, &session.token, 8 * 3600);
    let mut resp = (StatusCode::CREATED, Json(session)).into_response();
    resp.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(resp)
}

async fn logout(
    State(s): State<AppState>,
    headers: HeaderMap,
    Authed(_): Authed,
) -> Result<Response, ApiError> {
    if let Some((token, _)) = crate::session::token(&headers) {
        s.accord.logout(&token).await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&s, "", 0));
    Ok(resp)
}

async fn reauth(
    State(s): State<AppState>,
    Authed(p): Authed,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    ApiJson(r): ApiJson<ReauthRequest>,
) -> Result<Response, ApiError> {
    let source = connect.map(|Extension(ConnectInfo(a))| a.ip().to_string());
    s.accord
        .reauthenticate(&p, &r.password, r.totp, source.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn reset_password(
    State(s): State<AppState>,
    ApiJson(r): ApiJson<PasswordReset>,
) -> Result<Response, ApiError> {
    s.accord.reset_password(&r.token, &r.new_password).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
