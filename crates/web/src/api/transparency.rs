//! The transparency log: the institution's key, signed checkpoints, and the consistency and
//! inclusion proofs a holder of a checkpoint checks against it.

use accord_app::transparency::{CheckpointView, ConsistencyView, InclusionView, LogKeyView};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// The log's key, checkpoints and proofs.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get("/api/v1/transparency/key", |m| on(m, log_key))
        .public()
        .summary("The institution's public key and the log's origin (public)")
        .responds(200, schema::<LogKeyView>),
    RouteSpec::get("/api/v1/transparency/checkpoint", |m| on(m, checkpoint))
        .summary("A signed checkpoint of the transparency log (keep it)")
        .responds(200, schema::<CheckpointView>),
    RouteSpec::get("/api/v1/transparency/consistency", |m| on(m, consistency))
        .summary(
            "Proof that the log at `from` entries is a prefix of the log at `to` (query: from, to)",
        )
        .query(schema::<ConsistencyParams>)
        .responds(200, schema::<ConsistencyView>),
    RouteSpec::get("/api/v1/cases/{case_id}/events/{event_id}/inclusion", |m| {
        on(m, inclusion)
    })
    .summary("Proof that a case event, named by its id, is in the transparency log (query: size)")
    .query(schema::<InclusionParams>)
    .responds(200, schema::<InclusionView>),
];

/// Query of a consistency proof.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyParams {
    /// The older tree size (from a checkpoint you hold).
    pub from: u64,
    /// The newer size (default: the log's current size).
    pub to: Option<u64>,
}

/// Query of an inclusion proof.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InclusionParams {
    /// The tree size to prove against (default: the log's current size).
    pub size: Option<u64>,
}

async fn log_key(State(s): State<AppState>) -> Result<Response, ApiError> {
    Ok(Json(s.accord.log_key().await?).into_response())
}

async fn checkpoint(State(s): State<AppState>, Authed(p): Authed) -> Result<Response, ApiError> {
    Ok(Json(s.accord.checkpoint(&p.actor).await?).into_response())
}

async fn consistency(
    State(s): State<AppState>,
    Authed(p): Authed,
    ApiQuery(q): ApiQuery<ConsistencyParams>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.consistency_proof(&p.actor, q.from, q.to).await?).into_response())
}

async fn inclusion(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, event_id)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<InclusionParams>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.accord
            .inclusion_proof(&p.actor, &case_id, &event_id, q.size)
            .await?,
    )
    .into_response())
}
