//! Accounts: the signed-in user and their second factor, and the Secretariat's management of
//! accounts.

use accord_app::accounts::{NewUser, TotpEnrolment, UserView};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::on;
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
];

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
