//! Case documents as PDF/A in one language: the frozen settlement agreement and the documents
//! worded from the case's facts (acknowledgement, invitation, notices, certificate, attestation,
//! termination record).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
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

/// The PDF renderer, with the system's fonts found once.
pub(super) fn renderer() -> &'static accord_documents::Renderer {
    static R: std::sync::OnceLock<accord_documents::Renderer> = std::sync::OnceLock::new();
    R.get_or_init(|| accord_documents::Renderer::new(&[]))
}

/// Renders the frozen agreement in one language.
pub(super) async fn render_agreement(
    s: &AppState,
    actor: &accord_domain::Actor,
    case_id: &str,
    language: &str,
) -> Result<(String, Vec<u8>), ApiError> {
    let a = s
        .accord
        .agreement_document(actor, case_id, language)
        .await?;
    let data = accord_documents::DocumentData {
        kind: "settlement-agreement".into(),
        language: language.to_owned(),
        reference: a.reference.clone(),
        date: a.date,
        parties: a.parties,
        paragraphs: a.paragraphs,
        signatures: a
            .signatures
            .into_iter()
            .map(|(name, capacity, at)| accord_documents::SignatureLine {
                name,
                capacity,
                signed_at: Some(at),
            })
            .collect(),
        content_hash: a.text_hash,
        facts: a.facts,
        sections: a
            .obligations
            .into_iter()
            .map(|facts| accord_documents::Section {
                facts,
                notes: vec![],
            })
            .collect(),
        clauses: a.clauses,
        steps: vec![],
    };
    Ok((a.reference, render_pdf(data).await?))
}

/// Lays a document out in a worker thread (Typst is CPU-bound).
async fn render_pdf(data: accord_documents::DocumentData) -> Result<Vec<u8>, ApiError> {
    tokio::task::spawn_blocking(move || renderer().render(&data))
        .await
        .map_err(|e| ApiError::from(accord_app::AppError::Storage(e.to_string())))?
        .map_err(|e| match e {
            accord_documents::DocumentError::Unsupported(m) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unsupported-document", m)
            }
            other => ApiError::from(accord_app::AppError::Storage(other.to_string())),
        })
}

/// Renders a case document (its facts from the application) in one language.
pub(super) async fn render_case_document(
    s: &AppState,
    actor: &accord_domain::Actor,
    case_id: &str,
    kind: &str,
    language: &str,
) -> Result<(String, Vec<u8>), ApiError> {
    let d = s.accord.case_document(actor, case_id, kind).await?;
    let content_hash = d.content_hash()?;
    let data = accord_documents::DocumentData {
        kind: d.kind,
        language: language.to_owned(),
        reference: d.reference.clone(),
        date: d.date,
        parties: d.parties,
        paragraphs: vec![],
        facts: d.facts,
        sections: d
            .sections
            .into_iter()
            .map(|s| accord_documents::Section {
                facts: s.facts,
                notes: s.notes,
            })
            .collect(),
        steps: d.steps,
        clauses: vec![],
        signatures: d
            .signatures
            .into_iter()
            .map(|s| accord_documents::SignatureLine {
                name: s.name,
                capacity: s.capacity,
                signed_at: Some(s.signed_at),
            })
            .collect(),
        content_hash,
    };
    Ok((d.reference, render_pdf(data).await?))
}

fn pdf_response(pdf: Vec<u8>, file_name: &str) -> Response {
    let mut resp = pdf.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")) {
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
    let (reference, pdf) = render_case_document(&s, &p.actor, &case_id, &kind, &q.language).await?;
    Ok(pdf_response(
        pdf,
        &format!("{kind}-{reference}-{}.pdf", q.language),
    ))
}

async fn agreement_pdf(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
    ApiQuery(q): ApiQuery<DocumentParams>,
) -> Result<Response, ApiError> {
    let (reference, pdf) = render_agreement(&s, &p.actor, &case_id, &q.language).await?;
    Ok(pdf_response(
        pdf,
        &format!("settlement-agreement-{reference}-{}.pdf", q.language),
    ))
}
