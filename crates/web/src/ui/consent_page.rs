//! A third State's consent request: all a third State sees of a case (reference, title, the
//! scope summary) and the two forms by which its representative gives or declines its consent.

use accord_app::AppError;
use accord_domain::Command;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::frame::{PageFrame, html, see_other};
use super::respond::error_page;
use super::viewer::{CheckedForm, Viewer};
use crate::AppState;

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage {
    page: PageFrame,
    reference: String,
    title: String,
    summary: String,
    /// `pending`, `given` or `declined`.
    status: &'static str,
    post_to: String,
    instrument: String,
    reasons: String,
    /// The field the refusal concerns, marked on the form.
    error_field: &'static str,
}

/// What the representative typed, given back with a refusal.
#[derive(Default)]
struct Typed {
    instrument: String,
    reasons: String,
    error_field: &'static str,
}

async fn render(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
    country: &str,
    status: StatusCode,
    alert: Option<(String, String)>,
    typed: Typed,
) -> Response {
    let r = match s
        .accord
        .consent_request(&viewer.principal.actor, case_id, country)
        .await
    {
        Ok(r) => r,
        Err(e) => return error_page(viewer, e),
    };
    let mut page = viewer
        .frame("consent-title", "/")
        .at(&format!("/consent-requests/{case_id}/{country}"));
    page.alert = alert;
    html(
        status,
        &ConsentPage {
            page,
            reference: r.reference,
            title: r.title,
            summary: r.summary,
            status: status_of(&r.status),
            post_to: format!("/consent-requests/{case_id}/{country}"),
            instrument: typed.instrument,
            reasons: typed.reasons,
            error_field: typed.error_field,
        },
    )
}

/// The page's name for a consent status.
fn status_of(s: &str) -> &'static str {
    match s {
        "given" => "given",
        "declined" => "declined",
        _ => "pending",
    }
}

/// `GET /consent-requests/{case_id}/{country}`.
pub async fn consent_page(
    State(s): State<AppState>,
    viewer: Viewer,
    Path((case_id, country)): Path<(String, String)>,
) -> Response {
    render(
        &s,
        &viewer,
        &case_id,
        &country,
        StatusCode::OK,
        None,
        Typed::default(),
    )
    .await
}

/// What a third State's representative posts: its consent (as the command
/// `record-third-state-consent`) or its refusal (`decline-third-state-consent`).
#[derive(Debug, Deserialize, Default)]
pub struct ConsentForm {
    /// `give` or `decline`.
    #[serde(default)]
    pub answer: String,
    /// Reference of the consent instrument (a note verbale, for instance).
    #[serde(default)]
    pub instrument: String,
    /// The State's reasons for declining.
    #[serde(default)]
    pub reasons: String,
}

/// `POST /consent-requests/{case_id}/{country}`: places the State's consent or refusal on file.
pub async fn give_consent(
    State(s): State<AppState>,
    Path((case_id, country)): Path<(String, String)>,
    CheckedForm(viewer, f): CheckedForm<ConsentForm>,
) -> Response {
    let instrument = f.instrument.trim().to_owned();
    let reasons = f.reasons.trim().to_owned();
    let declining = f.answer == "decline";
    let cmd = serde_json::from_value::<Command>(if declining {
        serde_json::json!({
            "action": "decline-third-state-consent",
            "country": country,
            "reasons": reasons,
        })
    } else {
        serde_json::json!({
            "action": "record-third-state-consent",
            "country": country,
            "instrument": instrument,
        })
    });
    let outcome = match cmd {
        Ok(cmd) => s
            .accord
            .act(&viewer.principal.actor, &case_id, &cmd, None)
            .await
            .map(|_| ()),
        Err(e) => Err(AppError::invalid("invalid-form", e.to_string())),
    };
    match outcome {
        Ok(()) => see_other(&format!("/consent-requests/{case_id}/{country}")),
        Err(e) => {
            let (status, alert) = match super::respond::refusal(&viewer, e) {
                Ok(r) => r,
                Err(page) => return *page,
            };
            render(
                &s,
                &viewer,
                &case_id,
                &country,
                status,
                Some(alert),
                Typed {
                    instrument,
                    reasons,
                    error_field: if declining { "reasons" } else { "instrument" },
                },
            )
            .await
        }
    }
}
