//! Negotiation in a case: the public record, each party's private preferences and answers, and
//! the mediator's analysis.

use accord_app::negotiations::{AnalysisView, AnswerInput, NegotiationView};
use accord_domain::negotiation::Preferences;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::on;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// Negotiations, preferences, answers and the analysis.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get("/api/v1/cases/{case_id}/negotiations", |m| {
        on(m, negotiations)
    })
    .summary("The case's negotiations: the public record, plus the viewer's own standing")
    .responds(200, schema::<Vec<NegotiationView>>),
    RouteSpec::get(
        "/api/v1/cases/{case_id}/negotiations/{negotiation_id}",
        |m| on(m, negotiation),
    )
    .summary("One negotiation as the viewer may see it")
    .responds(200, schema::<NegotiationView>),
    RouteSpec::get(
        "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/analysis",
        |m| on(m, negotiation_analysis),
    )
    .summary("The mediator's analysis: efficient packages, fair points, proposals checked")
    .responds(200, schema::<AnalysisView>),
    RouteSpec::get(
        "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/preferences/{party}",
        |m| on(m, preferences),
    )
    .summary(
        "A party's private preferences (its representatives; the mediator under full disclosure)",
    )
    .responds(200, schema::<Preferences>),
    RouteSpec::post(
        "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/preferences/{party}",
        |m| on(m, enter_preferences),
    )
    .summary("A party enters or replaces its private preferences")
    .json_body(schema::<Preferences>)
    .responds(200, schema::<NegotiationView>),
    RouteSpec::post(
        "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/proposals/{proposal_id}/answers/{party}",
        |m| on(m, answer_proposal),
    )
    .summary(
        "A party answers a proposal privately; when all accept, the agreement is recorded",
    )
    .json_body(schema::<AnswerInput>)
    .responds(200, schema::<NegotiationView>),
];

async fn negotiations(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.negotiations(&p.actor, &case_id).await?).into_response())
}

async fn negotiation(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, n)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.negotiation(&p.actor, &case_id, &n).await?).into_response())
}

async fn negotiation_analysis(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, n)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.analysis(&p.actor, &case_id, &n).await?).into_response())
}

async fn preferences(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, n, party)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.preferences(&p.actor, &case_id, &n, &party).await?).into_response())
}

async fn enter_preferences(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, n, party)): Path<(String, String, String)>,
    ApiJson(prefs): ApiJson<Preferences>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.accord
            .enter_preferences(&p.actor, &case_id, &n, &party, prefs)
            .await?,
    )
    .into_response())
}

async fn answer_proposal(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, n, proposal, party)): Path<(String, String, String, String)>,
    ApiJson(a): ApiJson<AnswerInput>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.accord
            .answer_proposal(&p.actor, &case_id, &n, &proposal, &party, a)
            .await?,
    )
    .into_response())
}
