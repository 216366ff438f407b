//! Filing a request for mediation, guided by dispute type: first the type (between companies,
//! investor and State, between States), then a form shaped for it — the kinds of party expected,
//! the investment for an investor–State dispute, third States for a dispute between States —
//! with the parties (country codes), consent on file, representatives named by sign-in name and
//! their proof of authority. The request is saved as a draft (state `DRAFT`): it is filed
//! only when the requesting party submits it from the case page, so a draft can be completed
//! first and nothing reaches the Secretariat early.

use accord_app::AppError;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::frame::{PageFrame, html, see_other};
use super::respond::{error_message, error_page};
use super::viewer::{CheckedForm, Viewer, field as value};
use crate::AppState;
use crate::error::ApiError;

/// How many party blocks the form has (more parties are added through the API).
const PARTY_BLOCKS: usize = 3;

/// Kinds of party offered, with the country fields they need.
const PARTY_KINDS: &[&str] = &["company", "investor", "state", "state-entity"];

/// Dispute types offered on the first step; any other `type` shows that step again (a posted
/// form falls back to `commercial`).
const DISPUTE_TYPES: &[&str] = &["commercial", "state-investor", "state-state"];

/// Procedural profiles offered.
const PROFILES: &[&str] = &["iomed-default", "uncitral-2021", "icsid-2022"];

/// A party block of the form, with what was sent.
struct PartyBlock {
    n: usize,
    id: String,
    name: String,
    kind: String,
    country: String,
    representative: String,
    authority: String,
    consent: String,
    required: bool,
    error: Option<String>,
}

/// A dispute type on the first step.
struct TypeChoice {
    href: String,
    label: String,
    hint: String,
}

#[derive(Template)]
#[template(path = "filing_type.html")]
struct FilingTypePage {
    page: PageFrame,
    types: Vec<TypeChoice>,
}

/// The query of the filing form: the dispute type chosen on the first step.
#[derive(Debug, serde::Deserialize, Default)]
pub struct FilingQuery {
    /// `commercial`, `state-investor` or `state-state`.
    #[serde(rename = "type")]
    pub dispute_type: Option<String>,
}

#[derive(Template)]
#[template(path = "filing.html")]
struct FilingPage {
    page: PageFrame,
    dispute_type: String,
    dispute_label: String,
    investment: String,
    /// (value, name in the viewer's language, selected).
    profiles: Vec<(String, String, bool)>,
    party_kinds: Vec<(String, String)>,
    title: String,
    summary: String,
    categories: String,
    third_state: String,
    third_state_name: String,
    third_state_representative: String,
    third_state_error: Option<String>,
    parties: Vec<PartyBlock>,
}

/// The kind a party block starts with, for a dispute type (the form can change it).
fn default_kind(dispute: &str, n: usize) -> &'static str {
    match (dispute, n) {
        ("state-state", _) => "state",
        ("state-investor", 1) => "investor",
        ("state-investor", _) => "state",
        _ => "company",
    }
}

fn page_for(viewer: &Viewer, dispute: &str, sent: &[(String, String)]) -> FilingPage {
    let profile = value(sent, "profile");
    FilingPage {
        page: viewer
            .frame("filing-title", "/cases/new")
            .at(&format!("/cases/new?type={dispute}")),
        dispute_type: dispute.to_owned(),
        dispute_label: viewer.t(&format!("dispute-{dispute}")),
        investment: value(sent, "investment").to_owned(),
        profiles: PROFILES
            .iter()
            .map(|p| {
                let name = accord_i18n::message(viewer.lang, &format!("profile-{p}"), &[])
                    .unwrap_or_else(|| (*p).to_owned());
                ((*p).to_owned(), name, *p == profile)
            })
            .collect(),
        party_kinds: PARTY_KINDS
            .iter()
            .map(|k| ((*k).to_owned(), viewer.t(&format!("party-kind-{k}"))))
            .collect(),
        title: value(sent, "title").to_owned(),
        summary: value(sent, "summary").to_owned(),
        categories: value(sent, "categories").to_owned(),
        third_state: value(sent, "third_state").to_owned(),
        third_state_name: value(sent, "third_state_name").to_owned(),
        third_state_representative: value(sent, "third_state_representative").to_owned(),
        third_state_error: None,
        parties: (1..=PARTY_BLOCKS)
            .map(|n| {
                let v = |k: &str| value(sent, &format!("p{n}_{k}")).to_owned();
                PartyBlock {
                    n,
                    id: {
                        let id = v("id");
                        if id.is_empty() && sent.is_empty() && n <= 2 {
                            ["A", "B"][n - 1].to_owned()
                        } else {
                            id
                        }
                    },
                    name: v("name"),
                    kind: {
                        let k = v("kind");
                        if k.is_empty() {
                            default_kind(dispute, n).to_owned()
                        } else {
                            k
                        }
                    },
                    country: v("country"),
                    representative: v("representative"),
                    authority: v("authority"),
                    consent: v("consent"),
                    required: n <= 2,
                    error: None,
                }
            })
            .collect(),
    }
}

/// `GET /cases/new`: first the type of dispute, then (`?type=`) the form shaped for it.
pub async fn filing_form(
    viewer: Viewer,
    query: Result<axum::extract::Query<FilingQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if !accord_domain::policy::can_file_request(&viewer.principal.actor) {
        return error_page(&viewer, AppError::Forbidden);
    }
    let chosen = query
        .ok()
        .and_then(|axum::extract::Query(q)| q.dispute_type)
        .filter(|t| DISPUTE_TYPES.contains(&t.as_str()));
    match chosen {
        Some(t) => html(StatusCode::OK, &page_for(&viewer, &t, &[])),
        None => html(
            StatusCode::OK,
            &FilingTypePage {
                page: viewer.frame("filing-title", "/cases/new"),
                types: DISPUTE_TYPES
                    .iter()
                    .map(|t| TypeChoice {
                        href: format!("/cases/new?type={t}"),
                        label: viewer.t(&format!("dispute-{t}")),
                        hint: viewer.t(&format!("filing-type-{t}-hint")),
                    })
                    .collect(),
            },
        ),
    }
}

/// Builds the filing from the form, resolving representatives' sign-in names.
async fn filing_from_form(
    s: &AppState,
    viewer: &Viewer,
    sent: &[(String, String)],
    page: &mut FilingPage,
) -> Option<Value> {
    let mut parties = vec![];
    for block in &mut page.parties {
        let n = block.n;
        if !block.required && block.name.is_empty() && block.id.is_empty() {
            continue;
        }
        if block.id.is_empty() || block.name.is_empty() {
            block.error = Some(viewer.t("filing-error-party"));
            continue;
        }
        let country = block.country.to_ascii_uppercase();
        let kind = match block.kind.as_str() {
            "state" => json!({"type": "state", "country": country, "status": "contracting"}),
            "state-entity" => json!({"type": "state-entity", "approving_state": country}),
            "investor" => {
                json!({"type": "investor", "nationality": country, "place_of_business": country})
            }
            _ => json!({"type": "company", "nationality": country, "place_of_business": country}),
        };
        let mut representatives = vec![];
        let rep_name = value(sent, &format!("p{n}_representative"));
        let rep_name = if rep_name.is_empty() && n == 1 {
            viewer.principal.user.username.clone()
        } else {
            rep_name.to_owned()
        };
        if !rep_name.is_empty() {
            match s
                .accord
                .representative_by_username(&viewer.principal.actor, &rep_name)
                .await
            {
                Ok(Some(u)) => representatives.push(json!({
                    "user_id": u.id, "name": u.display_name, "capacity": "principal",
                    "authority_document": (!block.authority.is_empty()).then(|| block.authority.clone()),
                })),
                Ok(None) => {
                    block.error =
                        Some(viewer.ta("filing-error-representative", &[("name", &rep_name)]));
                    continue;
                }
                Err(_) => {
                    block.error = Some(viewer.t("web-error-unavailable"));
                    continue;
                }
            }
        }
        let consent = (!block.consent.is_empty())
            .then(|| json!({"basis": "prior-clause", "reference": block.consent}));
        parties.push(json!({
            "id": block.id, "name": block.name, "kind": kind,
            "representatives": representatives, "consent": consent
        }));
    }
    let mut third_states = vec![];
    if !page.third_state.is_empty() {
        let mut representatives = vec![];
        let rep = page.third_state_representative.clone();
        if !rep.is_empty() {
            match s
                .accord
                .representative_by_username(&viewer.principal.actor, &rep)
                .await
            {
                Ok(Some(u)) => representatives.push(u.id),
                Ok(None) => {
                    page.third_state_error =
                        Some(viewer.ta("filing-error-representative", &[("name", &rep)]))
                }
                Err(_) => page.third_state_error = Some(viewer.t("web-error-unavailable")),
            }
        }
        let name = if page.third_state_name.is_empty() {
            page.third_state.clone()
        } else {
            page.third_state_name.clone()
        };
        third_states.push(json!({
            "country": page.third_state.to_ascii_uppercase(),
            "name": name,
            "representatives": representatives,
        }));
    }
    if page.parties.iter().any(|p| p.error.is_some()) || page.third_state_error.is_some() {
        return None;
    }
    let categories: Vec<String> = page
        .categories
        .split([',', '，', '،'])
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    let requesting = page
        .parties
        .first()
        .map(|p| p.id.clone())
        .unwrap_or_default();
    Some(json!({
        "dispute_type": value(sent, "dispute_type"),
        "title": page.title,
        "summary": page.summary,
        "subject_categories": categories,
        "investment_description": (!page.investment.is_empty()).then(|| page.investment.clone()),
        "parties": parties,
        "requesting_party": requesting,
        "third_states": third_states,
        "profile": value(sent, "profile"),
    }))
}

/// `POST /cases/new`: saves the request as a draft and opens its case page.
pub async fn filing_submit(
    State(s): State<AppState>,
    CheckedForm(viewer, sent): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let dispute = value(&sent, "dispute_type");
    let dispute = DISPUTE_TYPES
        .iter()
        .find(|t| **t == dispute)
        .copied()
        .unwrap_or("commercial");
    let mut page = page_for(&viewer, dispute, &sent);
    let Some(body) = filing_from_form(&s, &viewer, &sent, &mut page).await else {
        page.page.alert = Some((viewer.t("web-error-fields"), "invalid-form".to_owned()));
        return html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let request = match serde_json::from_value(body) {
        Ok(r) => r,
        Err(e) => {
            page.page.alert = Some((
                viewer.ta("filing-error-invalid", &[("detail", &e.to_string())]),
                "invalid-request-body".to_owned(),
            ));
            return html(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    match s
        .accord
        .file_request(&viewer.principal.actor, &request)
        .await
    {
        Ok(view) => see_other(&format!("/cases/{}?done=filed", view.case.id)),
        Err(e @ AppError::Storage(_)) => error_page(&viewer, e),
        Err(e) => {
            let api = ApiError::from(e);
            page.page.alert = Some((error_message(viewer.lang, &api), api.code.to_owned()));
            html(api.status, &page)
        }
    }
}
