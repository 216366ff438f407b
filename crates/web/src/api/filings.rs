//! Documents filed in channels: upload streamed into the vault, listing, and download
//! streamed out of it.
//!
//! Upload, either of two forms on the same route:
//! * `multipart/form-data` with a `metadata` part (JSON, see `NewFiling`, at most 16 KiB) first,
//!   then a `file` part whose `Content-Type` is the declared type (what a browser form sends);
//! * the file itself as the body, its `Content-Type` the declared type, and the metadata in the
//!   `Accord-Filing` header, form-encoded (`title=…&language=fr&without_prejudice=true&file_name=…`
//!   `&translation_of=…&version_of=…`, UTF-8 percent-encoded), as object stores take uploads;
//!   nothing to parse around the content, so it costs less. Not in the query: a title can be
//!   confidential, and URLs end up in logs.
//!
//! Either way the content is relayed to the application through a small bounded channel, so
//! memory does not grow with the file.
//! Download: documents up to 16 MiB are authenticated whole before the first byte is sent, so a
//! damaged one is answered with an error; larger ones stream chunk by chunk, each authenticated
//! before it is sent, and a damaged chunk ends the transfer early (the client sees a body shorter
//! than `Content-Length`, never altered content).

use accord_app::filings::{ExpansionView, FiledDocumentView, NewFiling};
use accord_app::ports::BlobError;
use axum::Json;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::on;
use bytes::Bytes;
use futures::{Stream, StreamExt};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::paged::{PageParams, page_response};
use crate::route_table::{RouteSpec, schema};
use crate::session::Authed;

/// Documents filed in a channel.
pub(super) const ROUTES: &[RouteSpec] = &[
    RouteSpec::get(
        "/api/v1/cases/{case_id}/channels/{channel}/documents",
        |m| on(m, list),
    )
    .summary("A channel's documents (title and name only for full readers, per the policy), by filing time, a page at a time")
    .query(schema::<PageParams>)
    .paged()
    .responds(200, schema::<Vec<FiledDocumentView>>),
    // The vault enforces its own size limit while the file streams.
    RouteSpec::post(
        "/api/v1/cases/{case_id}/channels/{channel}/documents",
        |m| on(m, upload).layer(DefaultBodyLimit::disable()),
    )
    .summary(
        "File a document: multipart/form-data with a 'metadata' part (JSON, NewFiling) \
         first and a 'file' part (declared Content-Type) second, or the file itself as \
         the body (its Content-Type the declared type) with NewFiling's fields \
         form-encoded in the Accord-Filing header; streamed into the encrypted vault, \
         its SHA-256 recorded in the case log",
    )
    .filing_body(schema::<NewFiling>)
    .responds(201, schema::<FiledDocumentView>),
    RouteSpec::get(
        "/api/v1/cases/{case_id}/channels/{channel}/documents/{document_id}",
        |m| on(m, download),
    )
    .summary("A document's content (full readers of the channel; attachment, sniffed type)"),
    RouteSpec::post(
        "/api/v1/cases/{case_id}/channels/{channel}/documents/{document_id}/expand",
        |m| on(m, expand),
    )
    .summary(
        "Expand a filed ZIP archive on request (one level; bombs and unsafe paths \
         refused): each entry is filed as a document of the channel",
    )
    .responds(200, schema::<ExpansionView>),
];

/// Size of the blocks relayed from the request to the vault.
const RELAY_BLOCK: usize = 256 * 1024;

/// Largest metadata part.
const METADATA_MAX: usize = 16 * 1024;

/// Documents up to this size are checked whole before they are sent.
const VERIFY_FIRST: i64 = 16 * 1024 * 1024;

fn bad_upload(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-upload", message)
}

/// What the relay task read before the file's content: the metadata, the declared type and the
/// file name, or why the upload is malformed.
type Head = Result<(NewFiling, String, String), ApiError>;

/// Reads the parts in order and relays the file's content.
async fn relay_parts(
    mut multipart: multer::Multipart<'static>,
    head: tokio::sync::oneshot::Sender<Head>,
    tx: tokio::sync::mpsc::Sender<Result<Bytes, BlobError>>,
) {
    let parsed: Result<NewFiling, ApiError> = async {
        let mut meta_part = multipart
            .next_field()
            .await
            .map_err(|e| bad_upload(e.to_string()))?
            .ok_or_else(|| {
                bad_upload("the upload is empty; send a 'metadata' part, then a 'file' part")
            })?;
        if meta_part.name() != Some("metadata") {
            return Err(bad_upload(
                "send the 'metadata' part first, then the 'file' part",
            ));
        }
        let mut meta_bytes = vec![];
        while let Some(c) = meta_part
            .chunk()
            .await
            .map_err(|e| bad_upload(e.to_string()))?
        {
            meta_bytes.extend_from_slice(&c);
            if meta_bytes.len() > METADATA_MAX {
                return Err(bad_upload("the metadata part is larger than 16 KiB"));
            }
        }
        serde_json::from_slice::<NewFiling>(&meta_bytes).map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-document-metadata",
                format!("the metadata part is not valid: {e}"),
            )
        })
    }
    .await;
    let meta = match parsed {
        Ok(m) => m,
        Err(e) => {
            let _ = head.send(Err(e));
            return;
        }
    };
    let file = match multipart.next_field().await {
        Ok(Some(f)) if f.name() == Some("file") => f,
        Ok(Some(_)) => {
            let _ = head.send(Err(bad_upload("the second part must be named 'file'")));
            return;
        }
        Ok(None) => {
            let _ = head.send(Err(bad_upload("the 'file' part is missing")));
            return;
        }
        Err(e) => {
            let _ = head.send(Err(bad_upload(e.to_string())));
            return;
        }
    };
    let declared = file
        .content_type()
        .map(|m| m.as_ref())
        .unwrap_or("")
        .to_owned();
    let name = file.file_name().unwrap_or("").to_owned();
    if head.send(Ok((meta, declared, name))).is_err() {
        return;
    }
    relay_content(file, tx).await;
}

/// Relays a file's content (a multipart part or a whole body) in blocks of about 256 KiB: small
/// pieces from the network are gathered; a piece already that large goes on as it is, without a
/// copy.
pub(crate) async fn relay_content<S, E>(
    mut file: S,
    tx: tokio::sync::mpsc::Sender<Result<Bytes, BlobError>>,
) where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut block = bytes::BytesMut::with_capacity(RELAY_BLOCK);
    loop {
        match file.next().await.transpose() {
            Ok(Some(c)) if block.is_empty() && c.len() >= RELAY_BLOCK / 4 => {
                if tx.send(Ok(c)).await.is_err() {
                    return;
                }
            }
            Ok(Some(c)) => {
                block.extend_from_slice(&c);
                if block.len() >= RELAY_BLOCK {
                    let full =
                        std::mem::replace(&mut block, bytes::BytesMut::with_capacity(RELAY_BLOCK));
                    if tx.send(Ok(full.freeze())).await.is_err() {
                        return;
                    }
                }
            }
            Ok(None) => {
                if !block.is_empty() {
                    let _ = tx.send(Ok(block.freeze())).await;
                }
                return;
            }
            Err(e) => {
                let _ = tx.send(Err(BlobError::Interrupted(e.to_string()))).await;
                return;
            }
        }
    }
}

/// The header that carries a body upload's metadata.
pub(crate) const FILING_HEADER: &str = "accord-filing";

/// Largest `Accord-Filing` header.
const FILING_HEADER_MAX: usize = 16 * 1024;

/// How to send an upload, for the errors that say it was sent otherwise.
const UPLOAD_FORMS: &str = "send the document as multipart/form-data (a 'metadata' part, then a \
    'file' part), or as the request body with its own Content-Type and the metadata in the \
    Accord-Filing header (title=…, form-encoded)";

/// A body upload's metadata, from its `Accord-Filing` header.
fn filing_from_header(headers: &HeaderMap) -> Result<NewFiling, ApiError> {
    let invalid = |why: String| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-document-metadata",
            format!(
                "{why}; with the file as the body, send the metadata in the Accord-Filing header, \
                 form-encoded: title=… (required), and file_name, language, without_prejudice, \
                 translation_of, version_of as needed"
            ),
        )
    };
    let raw = headers
        .get(FILING_HEADER)
        .ok_or_else(|| invalid("the Accord-Filing header is missing".into()))?;
    if raw.len() > FILING_HEADER_MAX {
        return Err(invalid(
            "the Accord-Filing header is larger than 16 KiB".into(),
        ));
    }
    let text = raw
        .to_str()
        .map_err(|_| invalid("the Accord-Filing header is not percent-encoded ASCII".into()))?;
    serde_urlencoded::from_str::<NewFiling>(text)
        .map_err(|e| invalid(format!("the Accord-Filing header is not valid ({e})")))
}

async fn upload(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, channel)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    // Who may file here is decided before a byte of the body is read.
    s.accord.check_filing(&p.actor, &case_id, &channel).await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_owned();
    if content_type.is_empty() {
        return Err(bad_upload(format!(
            "the upload has no Content-Type; {UPLOAD_FORMS}"
        )));
    }
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let (meta, declared) = if content_type
        .get(..10)
        .is_some_and(|t| t.eq_ignore_ascii_case("multipart/"))
    {
        let multipart = crate::paced_multipart::multipart(&headers, body)
            .map_err(|e| bad_upload(format!("{UPLOAD_FORMS} ({e})")))?;
        let (head_tx, head_rx) = tokio::sync::oneshot::channel();
        tokio::spawn(relay_parts(multipart, head_tx, tx));
        let (mut meta, declared, name) = head_rx
            .await
            .map_err(|_| bad_upload("the upload ended before its file part"))??;
        if meta.file_name.trim().is_empty() {
            meta.file_name = name;
        }
        (meta, declared)
    } else {
        let meta = filing_from_header(&headers)?;
        tokio::spawn(relay_content(body.into_data_stream(), tx));
        (meta, content_type)
    };
    let body = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
    .boxed();
    let v = s
        .accord
        .file_document(&p.actor, &case_id, &channel, meta, &declared, body)
        .await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn list(
    State(s): State<AppState>,
    Authed(p): Authed,
    uri: Uri,
    Path((case_id, channel)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> Result<Response, ApiError> {
    let page = s
        .accord
        .filed_documents(&p.actor, &case_id, &channel, &q.request())
        .await?;
    Ok(page_response(&uri, page))
}

async fn download(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, channel, document_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let (view, mut stream) = s
        .accord
        .download_document(&p.actor, &case_id, &channel, &document_id)
        .await?;
    let body = if view.size <= VERIFY_FIRST {
        let mut whole = Vec::with_capacity(view.size.max(0) as usize);
        while let Some(b) = stream.next().await {
            let b = b.map_err(|e| {
                tracing::error!(case_id, document_id, error = %e, "a stored document failed its check");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "document-integrity",
                    "the stored document failed its integrity check and was not served; the \
                     Secretariat has been told",
                )
            })?;
            whole.extend_from_slice(&b);
        }
        Body::from(whole)
    } else {
        let (case_log, doc_log) = (case_id.clone(), document_id.clone());
        Body::from_stream(stream.map(move |r| {
            r.map_err(|e| {
                tracing::error!(case_id = %case_log, document_id = %doc_log, error = %e, "a stored document failed its check mid-transfer");
                std::io::Error::other(e.to_string())
            })
        }))
    };
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&view.media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&view.size.to_string()) {
        h.insert(header::CONTENT_LENGTH, v);
    }
    let name = view.file_name.clone().unwrap_or_else(|| "document".into());
    if let Ok(v) = HeaderValue::from_str(&accord_domain::file_names::content_disposition(&name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(sha) = &view.sha256
        && let Ok(v) = HeaderValue::from_str(&format!("\"{sha}\""))
    {
        h.insert(header::ETAG, v);
    }
    Ok(resp)
}

async fn expand(
    State(s): State<AppState>,
    Authed(p): Authed,
    Path((case_id, channel, document_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let v = s
        .accord
        .expand_archive(&p.actor, &case_id, &channel, &document_id)
        .await?;
    Ok(Json(v).into_response())
}
