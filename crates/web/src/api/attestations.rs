//! The institution's attestation of a settlement, its public check, and the enforcement package
//! built on it.

use accord_app::attestations::{AttestationView, PublicVerification};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// The attestation, its public check and the enforcement package.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get("/api/v1/verify/{verification_id}", |m| {
        on(m, verify_publicly)
    })
    .public()
    .summary(
        "Public check of a document against an attestation (query: sha256); reveals match or no match only",
    )
    .query(schema::<VerifyParams>)
    .responds(200, schema::<PublicVerification>),
    RouteSpec::get("/api/v1/cases/{case_id}/attestation", |m| {
        on(m, attestation)
    })
    .summary("The institution's attestation of the case's settlement")
    .responds(200, schema::<AttestationView>),
    RouteSpec::post("/api/v1/cases/{case_id}/attestation", |m| {
        on(m, issue_attestation)
    })
    .summary("The Secretariat issues the attestation of a signed, countersigned settlement")
    .responds(200, schema::<AttestationView>),
    RouteSpec::get("/api/v1/cases/{case_id}/enforcement-package", |m| {
        on(m, enforcement_package)
    })
    .summary(
        "The enforcement package (application/zip): agreement, signatures, attestation, case-log extract; verify it with `accord verify`",
    ),
];

/// Query of the public verification.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyParams {
    /// SHA-256 of the document to check (64 hex digits).
    pub sha256: String,
}

async fn verify_publicly(
    State(s): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<VerifyParams>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.verify_publicly(&id, &q.sha256).await?).into_response())
}

async fn attestation(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.attestation(&p.actor, &case_id).await?).into_response())
}

async fn issue_attestation(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(s.accord.issue_attestation(&p.actor, &case_id).await?).into_response())
}

async fn enforcement_package(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
) -> Result<Response, ApiError> {
    let package = s.accord.enforcement_package(&p.actor, &case_id).await?;
    let mut resp = package.zip.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", package.file_name))
    {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}
