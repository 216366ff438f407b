//! Case documents as PDF/A in one language: the frozen settlement agreement and the documents
//! worded from the case's facts (acknowledgement, invitation, notices, certificate, attestation,
//! termination record). What each says and its content hash are the application's
//! (`accord_app::rendering`); this module only sends the PDF.

use accord_app::rendering::{RenderedDocument, SETTLEMENT_AGREEMENT};
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

/// The agreement and the case documents.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get(
        "/api/v1/cases/{case_id}/documents/settlement-agreement",
        |m| on(m, agreement_pdf),
    )
    .summary("The frozen settlement agreement in one language, as PDF/A (query: language)")
    .query(schema::<DocumentParams>),
    RouteSpec::get("/api/v1/cases/{case_id}/documents/{kind}", |m| {
        on(m, case_document_pdf)
    })
    .summary(
        "A case document as PDF/A in one language (query: language): acknowledgement, \
         invitation, notice-of-registration, declaration-of-independence, \
         certificate-of-mediation, attestation or termination-record",
    )
    .query(schema::<DocumentParams>),
];

/// Query of a rendered document.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentParams {
    /// The language version (`en`, `zh-Hans`, `zh-Hant`, `fr`, `ar`, `ru`, `es`).
    pub language: String,
}

fn pdf_response(d: RenderedDocument) -> Response {
    let mut resp = d.pdf.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{}\"", d.file_name)) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

async fn case_document_pdf(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, kind)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<DocumentParams>,
) -> Result<Response, ApiError> {
    let d = s
        .accord
        .document_pdf(&p.actor, &case_id, &kind, &q.language)
        .await?;
    Ok(pdf_response(d))
}

async fn agreement_pdf(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
    ApiQuery(q): ApiQuery<DocumentParams>,
) -> Result<Response, ApiError> {
    let d = s
        .accord
        .document_pdf(&p.actor, &case_id, SETTLEMENT_AGREEMENT, &q.language)
        .await?;
    Ok(pdf_response(d))
}
