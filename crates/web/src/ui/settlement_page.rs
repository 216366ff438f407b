//! Settlement drafting, review of differences between versions, approval of the final text and
//! signing. Signing and countersigning ask for the password (and the second factor's code) again,
//! as the API does: a signature is an act that must be the signer's own, now.

use accord_app::AppError;
use accord_domain::policy::{self, Action};
use accord_domain::step::Step;
use accord_domain::{Command, CommandKind};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;

use super::frame::{LANGUAGE_NAMES, PageFrame, html, see_other};
use super::respond::error_page;
use super::viewer::{CheckedForm, Viewer, field as get};
use crate::AppState;

struct VersionLine {
    version: i64,
    href: String,
    author: String,
    when: String,
    hash: String,
    current: bool,
}

struct TextVersion {
    language: String,
    language_name: String,
    text: String,
    dir: &'static str,
}

/// A signature step open to the viewer on the shown version.
struct SignStep {
    action: String,
    label: String,
    party: String,
    party_name: String,
    needs_password: bool,
}

/// The shown version's content, to start the next version from (empty without a draft).
#[derive(Default)]
/// One obligation's row on the draft form (those of the version shown, then blank ones).
struct ObligationRow {
    /// Row number from 0 (the fields are `obligation.<index>.<field>`).
    index: usize,
    /// Row number from 1, as the legend says it.
    number: usize,
    party: String,
    description: String,
    amount: String,
    currency: String,
    due: String,
}

/// Blank obligation rows offered after those of the version shown.
const BLANK_OBLIGATION_ROWS: usize = 2;

struct Prefill {
    /// (party id, name, place of business, a place is required: companies and investors).
    places: Vec<(String, String, String, bool)>,
    obligations: Vec<ObligationRow>,
    governing_law: String,
    dispute_clause: String,
    confidentiality: String,
    permitted_disclosure: String,
    singapore: bool,
    authoritative: String,
    texts: Vec<(&'static str, &'static str, String)>,
}

#[derive(Template)]
#[template(path = "settlement.html")]
struct SettlementPage {
    prefill: Prefill,
    page: PageFrame,
    case_href: String,
    post_to: String,
    versions: Vec<VersionLine>,
    shown: Option<i64>,
    shown_hash: String,
    terms: Vec<(String, String)>,
    texts: Vec<TextVersion>,
    diff: Option<String>,
    may_draft: bool,
    steps: Vec<SignStep>,
    parties: Vec<(String, String)>,
    languages: Vec<(&'static str, &'static str)>,
    password_error: Option<String>,
    /// Where each party's approval and signature, and the mediator's countersignature, stand.
    signatures: Vec<(String, String)>,
    /// The agreement as rendered from the approved final text, one PDF per language (once every
    /// party has approved it): (href, label).
    agreement_pdfs: Vec<(String, String)>,
}

/// Query: which version to show, or which two to compare.
#[derive(Debug, Deserialize, Default)]
pub struct SettlementQuery {
    /// Version shown.
    pub version: Option<i64>,
    /// Compare from.
    pub from: Option<i64>,
    /// Compare to.
    pub to: Option<i64>,
    /// What was just done.
    pub done: Option<String>,
}

/// A refused draft's form as it was sent: it fills the form again instead of the shown version.
type Sent<'a> = Option<&'a [(String, String)]>;

impl Prefill {
    /// Puts back what the viewer sent, field by field, so that a refused draft loses nothing.
    fn keep_sent(&mut self, sent: &[(String, String)]) {
        let got = |k: &str| sent.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        for (id, _, place, _) in &mut self.places {
            if let Some(v) = got(&format!("place_of_business.{id}")) {
                *place = v;
            }
        }
        for row in &mut self.obligations {
            let field = |f: &str| got(&format!("obligation.{}.{f}", row.index));
            row.party = field("party").unwrap_or_default();
            row.description = field("description").unwrap_or_default();
            row.amount = field("amount").unwrap_or_default();
            row.currency = field("currency").unwrap_or_default();
            row.due = field("due_date").unwrap_or_default();
        }
        self.governing_law = got("governing_law").unwrap_or_default();
        self.dispute_clause = got("dispute_clause").unwrap_or_default();
        self.confidentiality = got("confidentiality").unwrap_or_default();
        self.permitted_disclosure = got("permitted_disclosure").unwrap_or_default();
        self.singapore = got("singapore_convention").is_some_and(|v| !v.is_empty());
        if let Some(a) = got("authoritative_language") {
            self.authoritative = a;
        }
        for (code, _, text) in &mut self.texts {
            *text = got(&format!("text.{code}")).unwrap_or_default();
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn render(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
    q: SettlementQuery,
    status: StatusCode,
    alert: Option<(String, String)>,
    password_error: Option<String>,
    sent: Sent<'_>,
) -> Response {
    let actor = &viewer.principal.actor;
    let view = match s.accord.case_view(actor, case_id).await {
        Ok(v) => v,
        Err(e) => return error_page(viewer, e),
    };
    let drafts = match s.accord.drafts(actor, case_id).await {
        Ok(d) => d,
        Err(e) => return error_page(viewer, e),
    };
    let shown = q.version.or(drafts.last().map(|d| d.version));
    let draft = match shown {
        Some(v) => match s.accord.draft(actor, case_id, v).await {
            Ok(d) => Some(d),
            Err(e) => return error_page(viewer, e),
        },
        None => None,
    };
    let diff = match (q.from, q.to) {
        (Some(a), Some(b)) => match s.accord.draft_diff(actor, case_id, a, b).await {
            Ok(d) => Some(d.diff),
            Err(e) => return error_page(viewer, e),
        },
        _ => None,
    };
    let c = &view.case;
    let party_name = |id: &str| {
        c.parties
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let mut terms = vec![];
    let mut texts = vec![];
    let mut shown_hash = String::new();
    if let Some(d) = &draft {
        shown_hash = d.meta.text_hash.clone();
        let t = &d.draft.terms;
        for o in &t.obligations {
            let amount = match (&o.amount, &o.currency) {
                (Some(a), Some(cur)) => {
                    format!(" — {}", accord_i18n::format::money(viewer.lang, a, cur))
                }
                _ => String::new(),
            };
            let due = o
                .due_date
                .as_deref()
                .map(|d| {
                    format!(
                        " — {}",
                        viewer.ta("settlement-due", &[("date", &calendar_day(viewer, d))])
                    )
                })
                .unwrap_or_default();
            terms.push((
                viewer.ta(
                    "settlement-obligation-of",
                    &[("party", &party_name(&o.performing_party))],
                ),
                format!("{}{amount}{due}", o.description),
            ));
        }
        terms.push((viewer.t("field-governing-law"), t.governing_law.clone()));
        terms.push((viewer.t("field-dispute-clause"), t.dispute_clause.clone()));
        terms.push((viewer.t("field-confidentiality"), t.confidentiality.clone()));
        terms.push((
            viewer.t("field-singapore-convention"),
            viewer.t(if t.singapore_convention {
                "web-yes"
            } else {
                "web-no"
            }),
        ));
        texts = d
            .draft
            .versions
            .iter()
            .map(|v| TextVersion {
                language: v.language.clone(),
                language_name: LANGUAGE_NAMES
                    .iter()
                    .find(|(c, _)| *c == v.language)
                    .map(|(_, n)| (*n).to_owned())
                    .unwrap_or_else(|| v.language.clone()),
                text: v.text.clone(),
                dir: if accord_i18n::is_rtl(&v.language) {
                    "rtl"
                } else {
                    "ltr"
                },
            })
            .collect();
    }
    // The signature steps open now on the shown (latest) version, as the use case decides.
    let mut steps = vec![];
    if !shown_hash.is_empty() && shown == drafts.last().map(|d| d.version) {
        let mut candidates = vec![];
        for p in &c.parties {
            for action in ["approve-final-text", "sign-settlement"] {
                candidates.push((action, p.id.clone()));
            }
        }
        candidates.push(("countersign-settlement", String::new()));
        // Signatures bind the frozen text: they are offered on that version only.
        let frozen = c.settlement.as_ref().and_then(|s| s.frozen_hash.as_deref())
            == Some(shown_hash.as_str());
        candidates.retain(|(action, _)| *action == "approve-final-text" || frozen);
        let steps_asked: Vec<Step> = candidates
            .iter()
            .filter_map(|(action, party)| {
                let kind = CommandKind::from_name(action)?;
                Some(Step {
                    kind,
                    party: (!party.is_empty()).then(|| party.clone()),
                })
            })
            .collect();
        if steps_asked.len() == candidates.len()
            && let Ok(open) = s.accord.open_actions(actor, case_id, &steps_asked).await
        {
            for ((action, party), openness) in candidates.into_iter().zip(open) {
                if openness == accord_app::cases::Openness::Open {
                    steps.push(SignStep {
                        action: action.to_owned(),
                        label: viewer.t(&format!("action-{action}")),
                        party_name: if party.is_empty() {
                            String::new()
                        } else {
                            party_name(&party)
                        },
                        party,
                        needs_password: action != "approve-final-text",
                    });
                }
            }
        }
    }
    // The next version starts from the one shown.
    let shown_terms = draft.as_ref().map(|d| &d.draft);
    let shown_obligations = shown_terms
        .map(|d| d.terms.obligations.as_slice())
        .unwrap_or_default();
    let mut obligations: Vec<ObligationRow> = shown_obligations
        .iter()
        .map(|o| ObligationRow {
            index: 0,
            number: 0,
            party: o.performing_party.clone(),
            description: o.description.clone(),
            amount: o.amount.clone().unwrap_or_default(),
            currency: o.currency.clone().unwrap_or_default(),
            due: o.due_date.clone().unwrap_or_default(),
        })
        .collect();
    let blank = (obligations.len() + BLANK_OBLIGATION_ROWS)
        .min(accord_domain::settlement::limits::OBLIGATIONS_MAX)
        .saturating_sub(obligations.len());
    obligations.extend((0..blank).map(|_| ObligationRow {
        index: 0,
        number: 0,
        party: String::new(),
        description: String::new(),
        amount: String::new(),
        currency: String::new(),
        due: String::new(),
    }));
    for (i, row) in obligations.iter_mut().enumerate() {
        row.index = i;
        row.number = i + 1;
    }
    let prefill = Prefill {
        places: c
            .parties
            .iter()
            .map(|p| {
                let place = shown_terms
                    .and_then(|d| d.terms.parties.iter().find(|x| x.party == p.id))
                    .and_then(|x| x.place_of_business.clone())
                    .unwrap_or_default();
                let required = matches!(
                    p.kind,
                    accord_domain::party::PartyKind::Company { .. }
                        | accord_domain::party::PartyKind::Investor { .. }
                );
                (p.id.clone(), p.name.clone(), place, required)
            })
            .collect(),
        obligations,
        governing_law: shown_terms
            .map(|d| d.terms.governing_law.clone())
            .unwrap_or_default(),
        dispute_clause: shown_terms
            .map(|d| d.terms.dispute_clause.clone())
            .unwrap_or_default(),
        confidentiality: shown_terms
            .map(|d| d.terms.confidentiality.clone())
            .unwrap_or_default(),
        permitted_disclosure: shown_terms
            .map(|d| d.terms.permitted_disclosure.clone())
            .unwrap_or_default(),
        // The Singapore Convention covers commercial settlements (Art. 1): the box starts ticked
        // only for a commercial dispute, and a State–State or State–investor settlement opts in
        // only by the parties' choice.
        singapore: shown_terms.map_or(
            c.dispute_type == accord_domain::party::DisputeType::Commercial
                && c.outside_convention().is_empty(),
            |d| d.terms.singapore_convention,
        ),
        authoritative: shown_terms
            .map(|d| {
                if d.terms.equally_authentic {
                    "equal".to_owned()
                } else {
                    d.terms.authoritative_language.clone()
                }
            })
            .unwrap_or_else(|| viewer.lang.to_owned()),
        texts: LANGUAGE_NAMES
            .iter()
            .map(|(code, name)| {
                let text = shown_terms
                    .and_then(|d| d.versions.iter().find(|v| v.language == *code))
                    .map(|v| v.text.clone())
                    .unwrap_or_default();
                (*code, *name, text)
            })
            .collect(),
    };
    let mut prefill = prefill;
    if let Some(sent) = sent {
        prefill.keep_sent(sent);
    }
    let people = viewer.participant_names(c);
    let (signatures, agreement_pdfs) =
        signature_lines(viewer, c, &people, &drafts_languages(&draft));
    let path = format!("/cases/{case_id}/settlement");
    let mut page = viewer
        .frame("settlement-title", "/")
        .at(&path)
        .titled(format!(
            "{} — {}",
            c.reference,
            viewer.t("settlement-title")
        ));
    page.alert = alert;
    page.notice = match q.done.as_deref() {
        Some("drafted") => Some(viewer.t("settlement-done-drafted")),
        Some(a) if a.ends_with("-settlement") || a == "approve-final-text" => {
            let action = viewer.t(&format!("action-{a}"));
            Some(viewer.ta("case-done", &[("action", action.as_str())]))
        }
        _ => None,
    };
    html(
        status,
        &SettlementPage {
            page,
            prefill,
            case_href: format!("/cases/{case_id}"),
            post_to: path.clone(),
            versions: drafts
                .iter()
                .map(|d| VersionLine {
                    version: d.version,
                    href: format!("{path}?version={}", d.version),
                    author: people
                        .get(&d.author)
                        .cloned()
                        .unwrap_or_else(|| viewer.t("channel-author-institution")),
                    when: viewer.when(&d.created_at),
                    hash: d.text_hash.clone(),
                    current: Some(d.version) == shown,
                })
                .collect(),
            shown,
            shown_hash,
            terms,
            texts,
            diff,
            may_draft: policy::authorize(actor, &Action::DraftSettlement, c).is_ok()
                && matches!(view.state_name.as_str(), "SETTLEMENT_DRAFTING" | "ACTIVE"),
            steps,
            parties: c
                .parties
                .iter()
                .map(|p| (p.id.clone(), p.name.clone()))
                .collect(),
            languages: LANGUAGE_NAMES.to_vec(),
            password_error,
            signatures,
            agreement_pdfs,
        },
    )
}

/// A line of text with its label, or a link with its text.
type Labelled = (String, String);

/// The languages of the shown draft's texts.
fn drafts_languages(draft: &Option<accord_app::settlement::DraftView>) -> Vec<String> {
    draft
        .as_ref()
        .map(|d| {
            d.draft
                .versions
                .iter()
                .map(|v| v.language.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Who approved, signed and countersigned, and when; and, once the final text is approved by
/// every party, the agreement as PDF in each of its languages.
fn signature_lines(
    viewer: &Viewer,
    c: &accord_domain::Case,
    people: &BTreeMap<String, String>,
    languages: &[String],
) -> (Vec<Labelled>, Vec<Labelled>) {
    let Some(progress) = &c.settlement else {
        return (vec![], vec![]);
    };
    let name = |user: &str| {
        people
            .get(user)
            .cloned()
            .unwrap_or_else(|| viewer.t("channel-author-institution"))
    };
    let mut lines: Vec<(String, String)> = c
        .active_parties()
        .map(|p| {
            let status = match (
                progress.signatures.get(&p.id),
                progress.approvals.get(&p.id),
            ) {
                (Some((user, at)), _) => viewer.ta(
                    "settlement-status-signed",
                    &[
                        ("who", name(user).as_str()),
                        ("when", viewer.when_ms(at.as_millisecond()).as_str()),
                    ],
                ),
                (None, Some(_)) => viewer.t("settlement-status-approved"),
                (None, None) => viewer.t("settlement-status-waiting"),
            };
            (p.name.clone(), status)
        })
        .collect();
    if progress.frozen_hash.is_some() {
        lines.push((
            viewer.t("settlement-the-mediator"),
            match &progress.countersigned {
                Some((user, at)) => viewer.ta(
                    "settlement-status-countersigned",
                    &[
                        ("who", name(user).as_str()),
                        ("when", viewer.when_ms(at.as_millisecond()).as_str()),
                    ],
                ),
                None => viewer.t("settlement-status-not-countersigned"),
            },
        ));
    }
    let pdfs = if progress.frozen_hash.is_some() {
        languages
            .iter()
            .map(|l| {
                let language = LANGUAGE_NAMES
                    .iter()
                    .find(|(code, _)| *code == l.as_str())
                    .map(|(_, n)| (*n).to_owned())
                    .unwrap_or_else(|| l.clone());
                (
                    format!(
                        "/api/v1/cases/{}/documents/settlement-agreement?language={l}",
                        c.id
                    ),
                    viewer.ta(
                        "settlement-agreement-pdf",
                        &[("language", language.as_str())],
                    ),
                )
            })
            .collect()
    } else {
        vec![]
    };
    (lines, pdfs)
}

/// A refused draft or step: the settlement page again with the alert (or the error page), the
/// draft form filled with what was sent.
async fn refused(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
    e: AppError,
    sent: Sent<'_>,
) -> Response {
    match super::respond::refusal(viewer, e) {
        Ok((status, alert)) => {
            let q = SettlementQuery::default();
            render(s, viewer, case_id, q, status, Some(alert), None, sent).await
        }
        Err(page) => *page,
    }
}

/// `GET /cases/{case_id}/settlement`.
pub async fn settlement_page(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(case_id): Path<String>,
    query: Result<Query<SettlementQuery>, QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    render(&s, &viewer, &case_id, q, StatusCode::OK, None, None, None).await
}

/// `POST /cases/{case_id}/settlement`: a new draft version from the form.
pub async fn put_draft(
    State(s): State<AppState>,
    Path(case_id): Path<String>,
    CheckedForm(viewer, sent): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let parties: Vec<serde_json::Value> = sent
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("place_of_business.").map(|p| {
                // A State states no place of business: an empty field is left out.
                let place = Some(v.trim()).filter(|v| !v.is_empty());
                json!({"party": p, "place_of_business": place})
            })
        })
        .collect();
    let opt = |k: &str| {
        let v = get(&sent, k);
        (!v.is_empty()).then(|| v.to_owned())
    };
    // Rows `obligation.<n>.<field>`, in the order of their numbers; a row without a
    // description is left out.
    let mut rows: Vec<usize> = sent
        .iter()
        .filter_map(|(k, _)| {
            k.strip_prefix("obligation.")?
                .split_once('.')?
                .0
                .parse()
                .ok()
        })
        .filter(|n| *n < accord_domain::settlement::limits::OBLIGATIONS_MAX + BLANK_OBLIGATION_ROWS)
        .collect();
    rows.sort_unstable();
    rows.dedup();
    let obligations: Vec<serde_json::Value> = rows
        .into_iter()
        .filter_map(|n| {
            let field = |f: &str| opt(&format!("obligation.{n}.{f}"));
            field("description").map(|description| {
                json!({
                    "performing_party": field("party").unwrap_or_default(),
                    "description": description,
                    "amount": field("amount"),
                    "currency": field("currency"),
                    "due_date": field("due_date"),
                })
            })
        })
        .collect();
    let versions: Vec<serde_json::Value> = sent
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("text.")
                .filter(|_| !v.trim().is_empty())
                .map(|l| json!({"language": l, "text": v.trim()}))
        })
        .collect();
    let body = json!({
        "terms": {
            "parties": parties,
            "obligations": obligations,
            "governing_law": get(&sent, "governing_law"),
            "dispute_clause": get(&sent, "dispute_clause"),
            "confidentiality": get(&sent, "confidentiality"),
            "permitted_disclosure": get(&sent, "permitted_disclosure"),
            "singapore_convention": !get(&sent, "singapore_convention").is_empty(),
            "authoritative_language": match get(&sent, "authoritative_language") {
                "equal" => "",
                other => other,
            },
            "equally_authentic": get(&sent, "authoritative_language") == "equal",
        },
        "versions": versions,
    });
    let outcome = match serde_json::from_value(body) {
        Ok(draft) => {
            s.accord
                .put_draft(&viewer.principal.actor, &case_id, draft)
                .await
        }
        Err(e) => Err(AppError::invalid("invalid-draft", e.to_string())),
    };
    match outcome {
        Ok(_) => see_other(&format!("/cases/{case_id}/settlement?done=drafted")),
        Err(e) => refused(&s, &viewer, &case_id, e, Some(&sent)).await,
    }
}

/// `POST /cases/{case_id}/settlement/sign`: approval of the final text, signature or
/// countersignature of the version whose hash the form carries.
pub async fn sign(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(case_id): Path<String>,
    CheckedForm(viewer, sent): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let action = get(&sent, "action");
    if !matches!(
        action,
        "approve-final-text" | "sign-settlement" | "countersign-settlement"
    ) {
        return error_page(
            &viewer,
            AppError::invalid("unknown-action", "choose a settlement step"),
        );
    }
    let mut body = json!({"action": action, "text_hash": get(&sent, "text_hash")});
    if action != "countersign-settlement" {
        body["party"] = json!(get(&sent, "party"));
    }
    let Ok(cmd) = serde_json::from_value::<Command>(body) else {
        return error_page(
            &viewer,
            AppError::invalid("invalid-form", "the form is incomplete"),
        );
    };
    let mut principal = viewer.principal.clone();
    if action != "approve-final-text" {
        let code = get(&sent, "code");
        let again = s
            .accord
            .reauthenticate(
                &principal,
                get(&sent, "password"),
                (!code.is_empty()).then(|| code.to_owned()),
                None,
            )
            .await;
        let refreshed = match again {
            Ok(()) => match crate::session::token(&headers) {
                Some((token, _)) => s.accord.authenticate(&token).await.ok(),
                None => None,
            },
            Err(AppError::Storage(m)) => return error_page(&viewer, AppError::Storage(m)),
            Err(_) => None,
        };
        let Some(p) = refreshed else {
            return render(
                &s,
                &viewer,
                &case_id,
                SettlementQuery::default(),
                StatusCode::UNAUTHORIZED,
                None,
                Some(viewer.t("settlement-error-password")),
                None,
            )
            .await;
        };
        if let Err(e) = s.accord.require_fresh_authentication(&p) {
            return error_page(&viewer, e);
        }
        principal = p;
    }
    match s.accord.act(&principal.actor, &case_id, &cmd, None).await {
        Ok(_) => see_other(&format!("/cases/{case_id}/settlement?done={action}")),
        Err(e) => refused(&s, &viewer, &case_id, e, None).await,
    }
}

/// A day written `YYYY-MM-DD` (as the terms keep it) in the viewer's language; as written when
/// it is not such a day.
fn calendar_day(viewer: &Viewer, day: &str) -> String {
    match day.parse::<jiff::civil::Date>() {
        Ok(d) => accord_i18n::format::date_of(viewer.lang, d.year(), d.month(), d.day()),
        Err(_) => day.to_owned(),
    }
}
