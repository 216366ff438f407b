//! What cases are filed against: the procedural profiles' presets, the panel of mediators and the
//! States' exclusion declarations.

use accord_app::accounts::PanelMember;
use accord_app::cases::NewDeclaration;
use accord_domain::party::ExclusionDeclaration;
use accord_domain::profile::Profile;
use axum::Json;
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
        .summary("Procedural profile presets")
        .responds(200, schema::<Vec<Profile>>),
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

async fn profiles(Authed(_): Authed) -> Json<Vec<Profile>> {
    Json(Profile::presets())
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
