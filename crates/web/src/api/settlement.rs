//! The settlement draft: its versions (each sealed and hashed) and the differences between two.

use accord_app::settlement::{DraftDiffView, DraftVersionView, DraftView};
use accord_domain::settlement::SettlementDraft;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// Draft versions and their comparison.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get("/api/v1/cases/{case_id}/settlement/drafts", |m| {
        on(m, drafts)
    })
    .summary("Versions of the settlement draft, with the hash of each")
    .responds(200, schema::<Vec<DraftVersionView>>),
    RouteSpec::post("/api/v1/cases/{case_id}/settlement/drafts", |m| {
        on(m, put_draft)
    })
    .summary("Put a new version of the settlement draft (mediator or a party's counsel)")
    .json_body(schema::<SettlementDraft>)
    .responds(201, schema::<DraftVersionView>),
    RouteSpec::get("/api/v1/cases/{case_id}/settlement/drafts/{version}", |m| {
        on(m, draft)
    })
    .summary("One version with its content and the exact bytes hashed")
    .responds(200, schema::<DraftView>),
    RouteSpec::get("/api/v1/cases/{case_id}/settlement/diff", |m| {
        on(m, draft_diff)
    })
    .summary("The differences between two versions (query: from, to)")
    .query(schema::<DiffParams>)
    .responds(200, schema::<DraftDiffView>),
];

/// Query of a draft comparison.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffParams {
    /// The older version.
    pub from: i64,
    /// The newer version.
    pub to: i64,
}

async fn drafts(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.drafts(&p.actor, &case_id).await?).into_response())
}

async fn put_draft(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
    ApiJson(d): ApiJson<SettlementDraft>,
) -> Result<Response, ApiError> {
    let v = s.accord.put_draft(&p.actor, &case_id, d).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn draft(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let version: i64 = version
        .parse()
        .map_err(|_| accord_app::AppError::NotFound { what: "draft" })?;
    Ok(Json(s.accord.draft(&p.actor, &case_id, version).await?).into_response())
}

async fn draft_diff(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
    ApiQuery(q): ApiQuery<DiffParams>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.accord
            .draft_diff(&p.actor, &case_id, q.from, q.to)
            .await?,
    )
    .into_response())
}
