//! The public verification page (`/verify`): anyone holding a verification ID and a document's
//! SHA-256 value learns whether it is an attested settlement agreement or attestation — and
//! nothing else. The form is sent by POST so that neither value lands in URLs or access logs; it
//! changes nothing and carries no session, so it has no CSRF token.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::frame::{PageFrame, html, t, visitor_language};
use crate::AppState;

/// The outcome shown on the page.
struct VerifyOutcome {
    matches: bool,
    text: String,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    page: PageFrame,
    intro: String,
    id_label: String,
    id_hint: String,
    hash_label: String,
    hash_hint: String,
    submit: String,
    result_heading: String,
    id: String,
    sha256: String,
    id_error: Option<String>,
    hash_error: Option<String>,
    result: Option<VerifyOutcome>,
}

impl VerifyPage {
    fn new(lang: &'static str) -> Self {
        VerifyPage {
            page: PageFrame::public(lang, "verify-title", "/verify"),
            intro: t(lang, "verify-intro", &[]),
            id_label: t(lang, "verify-id", &[]),
            id_hint: t(lang, "verify-id-hint", &[]),
            hash_label: t(lang, "verify-hash", &[]),
            hash_hint: t(lang, "verify-hash-hint", &[]),
            submit: t(lang, "verify-submit", &[]),
            result_heading: t(lang, "verify-result", &[]),
            id: String::new(),
            sha256: String::new(),
            id_error: None,
            hash_error: None,
            result: None,
        }
    }
}

/// Query of a page: its language.
#[derive(Debug, Deserialize, Default)]
pub struct PageQuery {
    /// A language tag.
    pub lang: Option<String>,
}

/// The verification form as sent.
#[derive(Debug, Deserialize, Default)]
pub struct VerifyForm {
    /// The page's language.
    #[serde(default)]
    pub lang: Option<String>,
    /// The verification ID.
    #[serde(default)]
    pub id: String,
    /// The document's SHA-256 value.
    #[serde(default)]
    pub sha256: String,
}

/// `GET /verify`: the empty form.
pub async fn verify_page(
    headers: HeaderMap,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Response {
    let given = query.as_ref().ok().and_then(|q| q.lang.as_deref());
    html(
        StatusCode::OK,
        &VerifyPage::new(visitor_language(given, &headers)),
    )
}

/// `POST /verify`: the answer, or the form with its errors next to their fields.
pub async fn verify_submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<VerifyForm>, FormRejection>,
) -> Response {
    // A malformed body is treated as an empty form: the page says what to enter.
    let f = form.map(|Form(f)| f).unwrap_or_default();
    let lang = visitor_language(f.lang.as_deref(), &headers);
    let mut page = VerifyPage::new(lang);
    // Echo what was typed (bounded), so a correction does not mean retyping.
    page.id = f.id.trim().chars().take(100).collect();
    page.sha256 = f.sha256.trim().chars().take(200).collect();
    let id = accord_app::attestations::clean_code(&page.id);
    if id.is_empty() {
        page.id_error = Some(t(lang, "verify-error-id", &[]));
    }
    let hex = accord_app::attestations::clean_code(&page.sha256).to_ascii_lowercase();
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        page.hash_error = Some(t(lang, "verify-error-hash", &[]));
    }
    if page.id_error.is_some() || page.hash_error.is_some() {
        return html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    match s.accord.verify_publicly(&id, &hex).await {
        Ok(v) if v.matches => {
            let document = v.document.unwrap_or_default();
            let date = v.issued_on.unwrap_or_default();
            page.result = Some(VerifyOutcome {
                matches: true,
                text: t(
                    lang,
                    "verify-match",
                    &[("document", document.as_str()), ("date", date.as_str())],
                ),
            });
        }
        Ok(_) => {
            page.result = Some(VerifyOutcome {
                matches: false,
                text: t(lang, "verify-no-match", &[]),
            });
        }
        Err(e) => {
            tracing::error!(error = %e, "public verification failed");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "the verification service is unavailable; try again later",
            )
                .into_response();
        }
    }
    html(StatusCode::OK, &page)
}
