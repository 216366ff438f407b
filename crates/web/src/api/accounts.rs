//! Accounts: the signed-in user and their second factor, and the Secretariat's management of
//! accounts.

use std::net::SocketAddr;

use accord_app::accounts::{NewUser, PanelProfile, TotpEnrolment, UserView};
use accord_app::passwords::ResetLink;
use accord_app::sessions::SessionView;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use axum::{Extension, Json};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// The user's own account, and the accounts the Secretariat manages.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get("/api/v1/me", |m| on(m, me))
        .summary("The signed-in user")
        .responds(200, schema::<UserView>),
    RouteSpec::post("/api/v1/me/totp", |m| on(m, enrol_totp))
        .summary("Start second-factor enrolment")
        .responds(201, schema::<TotpEnrolment>),
    RouteSpec::post("/api/v1/me/totp/confirm", |m| on(m, confirm_totp))
        .summary("Confirm the second factor with a current code")
        .status(204)
        .json_body(schema::<TotpCode>),
    RouteSpec::post("/api/v1/me/password", |m| on(m, change_password))
        .summary("Change your password (the current one again); your other sessions end")
        .status(204)
        .json_body(schema::<PasswordChange>),
    RouteSpec::get("/api/v1/me/sessions", |m| on(m, my_sessions))
        .summary("Your live sessions, newest first (at most 100)")
        .responds(200, schema::<Vec<SessionView>>),
    RouteSpec::delete("/api/v1/me/sessions/{session_id}", |m| {
        on(m, end_my_session)
    })
    .summary("End one of your sessions")
    .status(204),
    RouteSpec::get("/api/v1/users", |m| on(m, list_users))
        .summary("Accounts (Secretariat)")
        .responds(200, schema::<Vec<UserView>>),
    RouteSpec::post("/api/v1/users", |m| on(m, create_user))
        .summary("Create an account (Secretariat)")
        .json_body(schema::<NewUser>)
        .responds(201, schema::<UserView>),
    RouteSpec::post("/api/v1/users/{user_id}/disable", |m| on(m, disable_user))
        .summary("Disable an account and end its sessions (Secretariat)")
        .status(204),
    RouteSpec::post("/api/v1/users/{user_id}/enable", |m| on(m, enable_user))
        .summary("Re-enable an account (Secretariat)")
        .status(204),
    RouteSpec::post("/api/v1/users/{user_id}/role", |m| on(m, set_role))
        .summary("Change an account's role (Secretariat)")
        .status(204)
        .json_body(schema::<RoleChange>),
    RouteSpec::post("/api/v1/users/{user_id}/panel-profile", |m| {
        on(m, set_panel_profile)
    })
    .summary("Record a mediator's panel entry: nationality and working languages (Secretariat)")
    .status(204)
    .json_body(schema::<PanelProfile>),
    RouteSpec::post("/api/v1/users/{user_id}/reset-link", |m| {
        on(m, issue_reset_link)
    })
    .summary("A one-time, expiring link with which the user chooses a new password (Secretariat)")
    .responds(201, schema::<ResetLink>),
];

/// Body of `POST /api/v1/me/password`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The present password; a wrong one counts as a failed sign-in.
    pub current_password: String,
    /// The new password, 12 to 256 characters.
    pub new_password: String,
    /// The current TOTP code, for accounts with a second factor.
    #[serde(default)]
    pub totp: Option<String>,
}

/// Body of `POST /api/v1/me/totp/confirm`: a current code that completes enrolment.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    /// The 6-digit code.
    pub code: String,
}

/// Body of `POST /api/v1/users/{user_id}/role` (Secretariat only).
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// The new institution-wide role.
    pub role: String,
}

async fn me(Authed(p): Authed) -> Json<UserView> {
    Json(p.user)
}

async fn enrol_totp(State(s): State<AppState>, Authed(p): Authed) -> Result<Response, ApiError> {
    Ok((StatusCode::CREATED, Json(s.accord.enrol_totp(&p).await?)).into_response())
}

async fn confirm_totp(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiJson(c): ApiJson<TotpCode>,
) -> Result<Response, ApiError> {
    s.accord.confirm_totp(&p, &c.code).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn list_users(
    State(s): State<AppState>,
    Authed(p): Authed,
) -> Result<Json<Vec<UserView>>, ApiError> {
    Ok(Json(s.accord.list_users(&p.actor).await?))
}

async fn create_user(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiJson(u): ApiJson<NewUser>,
) -> Result<Response, ApiError> {
    let user = s.accord.create_user(&p.actor, u).await?;
    Ok((StatusCode::CREATED, Json(user)).into_response())
}

async fn disable_user(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    s.accord.set_user_disabled(&p.actor, &user_id, true).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn enable_user(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    s.accord
        .set_user_disabled(&p.actor, &user_id, false)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn set_role(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(user_id): Path<String>,
    ApiJson(r): ApiJson<RoleChange>,
) -> Result<Response, ApiError> {
    s.accord.set_user_role(&p.actor, &user_id, &r.role).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn set_panel_profile(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(user_id): Path<String>,
    ApiJson(entry): ApiJson<PanelProfile>,
) -> Result<Response, ApiError> {
    s.accord
        .set_panel_profile(&p.actor, &user_id, entry)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn change_password(
    State(s): State<AppState>,
    Authed(p): Authed,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    ApiJson(c): ApiJson<PasswordChange>,
) -> Result<Response, ApiError> {
    let source = connect.map(|Extension(ConnectInfo(a))| a.ip().to_string());
    s.accord
        .change_password(
            &p,
            &c.current_password,
            &c.new_password,
            c.totp,
            source.as_deref(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn my_sessions(
    State(s): State<AppState>,
    Authed(p): Authed,
) -> Result<Json<Vec<SessionView>>, ApiError> {
    Ok(Json(s.accord.my_sessions(&p).await?))
}

async fn end_my_session(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(session_id): Path<String>,
) -> Result<Response, ApiError> {
    s.accord.end_my_session(&p, &session_id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn issue_reset_link(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    let link = s.accord.issue_reset_link(&p.actor, &user_id).await?;
    Ok((StatusCode::CREATED, Json(link)).into_response())
}
