//! What cases are filed against: the procedural profiles (their versions in force and the
//! governing bodies' decisions that made them), the panel of mediators and the States' exclusion
//! declarations.

use accord_app::accounts::PanelMember;
use accord_app::cases::NewDeclaration;
use accord_app::rules::ProfileHistory;
use accord_domain::party::ExclusionDeclaration;
use accord_domain::profile::Profile;
use accord_domain::rule_change::{DecisionInput, ProfileVersion};
use axum::Json;
use axum::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::on;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// Profiles and declarations.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get("/api/v1/profiles", |m| on(m, profiles))
        .summary("Procedural profiles, each at the version in force (new requests are filed under it)")
        .responds(200, schema::<Vec<Profile>>),
    RouteSpec::get("/api/v1/profiles/{profile_id}", |m| on(m, profile_history))
        .summary("A profile's versions: the preset, every recorded decision (who recorded it, when) and the version in force")
        .responds(200, schema::<ProfileHistory>),
    RouteSpec::post("/api/v1/profiles/{profile_id}/versions", |m| {
        on(m, record_rule_decision)
    })
    .summary("Record a governing body's decision as the profile's next version (Secretariat or Governing Council)")
    .json_body(schema::<DecisionInput>)
    .responds(201, schema::<ProfileVersion>),
    RouteSpec::get("/api/v1/declarations", |m| on(m, list_declarations))
        .summary("States' exclusion declarations")
        .responds(200, schema::<Vec<ExclusionDeclaration>>),
    RouteSpec::get("/api/v1/mediators", |m| on(m, mediator_panel))
        .summary("The panel of mediators the parties choose from (id and name)")
        .responds(200, schema::<Vec<PanelMember>>),
    RouteSpec::post("/api/v1/declarations", |m| on(m, add_declaration))
        .summary("Record an exclusion declaration (Secretariat)")
        .json_body(schema::<NewDeclaration>)
        .responds(201, schema::<ExclusionDeclaration>),
];

async fn profiles(State(s): State<AppState>, Authed(_): Authed) -> Result<Response, ApiError> {
    Ok(Json(s.accord.profiles_in_force().await?).into_response())
}

async fn profile_history(
    State(s): State<AppState>,
    Authed(_): Authed,
    Path(profile_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.profile_history(&profile_id).await?).into_response())
}

async fn record_rule_decision(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(profile_id): Path<String>,
    ApiJson(d): ApiJson<DecisionInput>,
) -> Result<Response, ApiError> {
    let v = s
        .accord
        .record_rule_decision(&p.actor, &profile_id, &d)
        .await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn mediator_panel(
    State(s): State<AppState>,
    Authed(p): Authed,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.mediator_panel(&p.actor).await?).into_response())
}

async fn list_declarations(
    State(s): State<AppState>,
    Authed(_): Authed,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.declarations().await?).into_response())
}

async fn add_declaration(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiJson(d): ApiJson<NewDeclaration>,
) -> Result<Response, ApiError> {
    let decl = s.accord.add_declaration(&p.actor, d).await?;
    Ok((StatusCode::CREATED, Json(decl)).into_response())
}
