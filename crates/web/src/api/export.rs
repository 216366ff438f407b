//! The case-file export as a ZIP: an HTML index (and the application's index as JSON and PDF)
//! first, then every entry the application listed. The ZIP is written to an anonymous temporary file (unlinked from the
//! start, so nothing is left behind whatever happens) by a blocking task, then streamed out, so
//! memory stays flat however large the documents are. A document that fails its integrity check
//! aborts the export with an error instead of exporting altered content.

use accord_app::export::{ExportContent, ExportPurpose};
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use futures::StreamExt;
use serde::Deserialize;
use std::io::{Seek, Write};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// The case file.
pub(super) const ROUTES: &[RouteSpec] =
    &[
        RouteSpec::get("/api/v1/cases/{case_id}/export", |m| on(m, export))
            .summary(
                "The case file as a ZIP with an HTML index (query: purpose = case-file | \
     other-proceedings, which omits without-prejudice, caucus, notes and \
     internal items)",
            )
            .query(schema::<ExportParams>),
    ];

/// Query of an export.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    /// `case-file` (everything you may see; the default) or `other-proceedings` (without
    /// without-prejudice, caucus, notes and internal items).
    pub purpose: Option<ExportPurpose>,
    /// Language of the PDF index (`en` by default; `zh-Hans`, `zh-Hant`, `fr`, `ar`, `ru`, `es`).
    pub language: Option<String>,
}

struct IndexRow {
    section: String,
    title: String,
    path: String,
    size: u64,
    sha256: String,
}

#[derive(Template)]
#[template(path = "export_index.html")]
struct IndexPage<'a> {
    reference: &'a str,
    title: &'a str,
    purpose_text: &'a str,
    generated_at: &'a str,
    generated_by: &'a str,
    entries: &'a [IndexRow],
}

fn failed(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "case-file export failed");
    ApiError::from(accord_app::AppError::Storage(format!("export: {e}")))
}

async fn export(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path(case_id): Path<String>,
    ApiQuery(q): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    let purpose = q.purpose.unwrap_or(ExportPurpose::CaseFile);
    let export = s
        .accord
        .case_file_export(&p.actor, &case_id, purpose)
        .await?;
    let rows: Vec<IndexRow> = export
        .entries
        .iter()
        .map(|e| IndexRow {
            section: e.section.clone(),
            title: e.title.clone(),
            path: e.path.clone(),
            size: e.size,
            sha256: e.sha256.clone().unwrap_or_default(),
        })
        .collect();
    let purpose_text = match purpose {
        ExportPurpose::CaseFile => "Everything the requesting user may see in this case.",
        ExportPurpose::OtherProceedings => {
            "For other proceedings: without-prejudice material, caucus items, the mediator's \
             notes and internal workspaces are omitted."
        }
    };
    let index = IndexPage {
        reference: &export.reference,
        title: &export.title,
        purpose_text,
        generated_at: &export.generated_at,
        generated_by: &export.generated_by,
        entries: &rows,
    }
    .render()
    .map_err(failed)?;
    let language = q.language.unwrap_or_else(|| "en".into());
    if !accord_i18n::is_supported(&language) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unsupported-language",
            format!(
                "no index in '{language}' ({})",
                accord_i18n::LANGUAGES.join(", ")
            ),
        ));
    }
    let index_files = s.accord.case_file_index(&export, &language).await?;
    let accord = s.accord.clone();
    let reference = export.reference.clone();
    let handle = tokio::runtime::Handle::current();
    let file = tokio::task::spawn_blocking(move || -> Result<std::fs::File, ApiError> {
        let tmp = tempfile::tempfile().map_err(failed)?;
        let mut z = zip::ZipWriter::new(tmp);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true);
        z.start_file("index.html", opts).map_err(failed)?;
        z.write_all(index.as_bytes()).map_err(failed)?;
        z.start_file("index.json", opts).map_err(failed)?;
        z.write_all(&index_files.json).map_err(failed)?;
        z.start_file("index.pdf", opts).map_err(failed)?;
        z.write_all(&index_files.pdf).map_err(failed)?;
        for e in export.entries {
            z.start_file(e.path.as_str(), opts).map_err(failed)?;
            match e.content {
                ExportContent::Bytes(b) => z.write_all(&b).map_err(failed)?,
                ExportContent::Document(d) => {
                    let mut stream = handle
                        .block_on(accord.export_document_content(&d))
                        .map_err(ApiError::from)?;
                    while let Some(chunk) = handle.block_on(stream.next()) {
                        let chunk = chunk.map_err(|e| {
                            tracing::error!(document = %d.id, error = %e, "a stored document failed its check during an export");
                            ApiError::new(
                                StatusCode::INTERNAL_SERVER_ERROR,
                                "document-integrity",
                                "a stored document failed its integrity check; the export was stopped and the Secretariat has been told",
                            )
                        })?;
                        z.write_all(&chunk).map_err(failed)?;
                    }
                }
            }
        }
        let mut f = z.finish().map_err(failed)?;
        f.flush().map_err(failed)?;
        f.rewind().map_err(failed)?;
        Ok(f)
    })
    .await
    .map_err(failed)??;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
    let mut resp = Body::from_stream(stream).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(v) = HeaderValue::from_str(&len.to_string()) {
        h.insert(header::CONTENT_LENGTH, v);
    }
    let name = format!(
        "case-file-{}{}.zip",
        reference.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_"),
        if purpose == ExportPurpose::OtherProceedings {
            "-other-proceedings"
        } else {
            ""
        }
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}
