//! The case page (stage, deadlines, parties and representatives, mediators, channels, documents,
//! timeline, and the actions open to the viewer) and the handler of its action forms.

use accord_app::AppError;
use accord_app::cases::Openness;
use accord_app::paging::{Order, PageRequest};
use accord_app::views::{CaseView, EventView};
use accord_domain::ErrorCode;
use accord_domain::grant::Consent;
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::action_forms::{ACTION_FORMS, ActionForm, FieldError, Kind, label_id};
use super::frame::{PageFrame, html, see_other};
use super::respond::{error_page, refusal};
use super::viewer::{CheckedForm, Viewer};
use crate::AppState;

/// A fact in a list of facts.
struct Fact {
    label: String,
    value: String,
}

/// A party as shown.
struct PartyLine {
    name: String,
    kind: String,
    representatives: Vec<String>,
    /// The consent on file, as entered (what the Secretariat screens).
    consent: String,
    /// Whom the Secretariat writes to for the party: name and e-mail address.
    contact: Option<(String, String)>,
    withdrawn: bool,
}

/// A deadline as shown.
struct DeadlineLine {
    what: String,
    party: String,
    /// The last day as the rules count it, in the seat's zone ("until the end of …").
    ends: String,
    /// The same instant in the viewer's zone, when that zone is another one.
    your_time: String,
    /// Who must act, what and how.
    how: String,
}

/// The place a zone is named after, as people say it: `Asia/Hong_Kong` → "Hong Kong".
fn zone_place(zone: &str) -> String {
    zone.rsplit('/').next().unwrap_or(zone).replace('_', " ")
}

/// A channel the viewer may open (full or metadata access), linked from the case page.
struct ChannelLink {
    href: String,
    label: String,
    private: bool,
}

/// A generated document link.
struct DocumentLink {
    href: String,
    label: String,
}

/// A case-log event as a line of the timeline, shown newest first.
/// (The rule basis each event records stays in the API and the case record; pages show no
/// rule text until a profile carries the citations a person would cite — issue 21 item 2.)
struct TimelineEntry {
    when: String,
    what: String,
    /// For which party and by whom, where the case names them.
    who: String,
}

/// A field of an offered form, ready for the template.
pub struct FieldView {
    /// `id` attribute (unique on the page).
    pub id: String,
    /// `name` attribute.
    pub name: String,
    /// Text of the `<label>`, translated; a per-party field adds the party's name.
    pub label: String,
    /// Kind as the template knows it: text, long, number, check, choice.
    pub kind: &'static str,
    /// Options of a choice: (value, label).
    pub options: Vec<(String, String)>,
    /// The field must be filled; optional text and choice fields are labelled "(optional)".
    pub required: bool,
    /// Value to show again after an error.
    pub value: String,
    /// Error next to the field.
    pub error: Option<String>,
}

/// An action form offered to the viewer.
pub struct OfferedForm {
    /// Where it posts.
    pub post_to: String,
    /// `id` prefix.
    pub key: String,
    /// Heading and button.
    pub label: String,
    /// For which party (a per-party form), shown.
    pub party_name: Option<String>,
    /// Party id (hidden field).
    pub party: String,
    /// The inputs in order, one per party for a per-party field.
    pub fields: Vec<FieldView>,
    /// The act cannot be undone: a confirmation page comes first.
    pub confirms: bool,
    /// The act ends, refuses or takes away: styled as destructive.
    pub destructive: bool,
    /// May be offered as the viewer's next step.
    pub may_lead: bool,
    /// Sent back with the viewer's values (after a refusal or a field error).
    pub resent: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    page: PageFrame,
    reference: String,
    case_title: String,
    stage: String,
    facts: Vec<Fact>,
    deadlines: Vec<DeadlineLine>,
    parties: Vec<PartyLine>,
    mediators: Vec<Fact>,
    channels: Vec<ChannelLink>,
    documents: Vec<DocumentLink>,
    /// The case file as a ZIP (everything the viewer may see), and the same for other
    /// proceedings (without without-prejudice, caucus, notes and internal items); not offered
    /// to a reader under break-glass, who reads the record and never exports it.
    export_hrefs: Option<(String, String)>,
    settlement_href: String,
    meetings_href: String,
    negotiations_href: String,
    biddings_href: String,
    attestation_open: bool,
    /// The draft's edit form, for its requesting party before submission.
    draft_href: Option<String>,
    attestation_to: String,
    waiting: Vec<Fact>,
    /// The step the viewer is expected to take next, if one is open.
    next_step: Option<OfferedForm>,
    /// Every other open action, under "More actions".
    more: Vec<OfferedForm>,
    /// "More actions" starts open (a form in it came back with the viewer's values).
    more_open: bool,
    timeline: Vec<TimelineEntry>,
    /// Back to the latest events, and on to earlier ones.
    events_pager: Option<super::frame::Pager>,
}

/// The page that asks to confirm an act that cannot be undone, with what was entered, before it
/// is done (without scripts: the form is sent again with `confirmed=yes`).
#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    page: PageFrame,
    reference: String,
    case_title: String,
    case_href: String,
    heading: String,
    action_label: String,
    party_name: Option<String>,
    destructive: bool,
    /// A party's withdrawal: its representatives lose access to the case at once.
    withdrawal: bool,
    /// What was entered, as the viewer reads it.
    shown: Vec<Fact>,
    /// What was entered, as sent (carried in hidden fields).
    carried: Vec<(String, String)>,
    post_to: String,
}

/// A submitted form carries the confirmation of its confirmation page.
fn confirmed(values: &[(String, String)]) -> bool {
    values.iter().any(|(k, v)| k == "confirmed" && v == "yes")
}

/// The confirmation page of `form`, filled in with `values`.
fn confirm_page(
    viewer: &Viewer,
    view: &CaseView,
    form: &ActionForm,
    party: Option<&str>,
    values: &[(String, String)],
) -> Response {
    let c = &view.case;
    let ctx = FormContext {
        view,
        mediators: &[],
        newer_rules: &[],
    };
    let offered = form_view(viewer, &ctx, form, party, values, &[]);
    let shown = offered
        .fields
        .iter()
        .filter(|f| !f.value.is_empty())
        .map(|f| Fact {
            label: f.label.clone(),
            value: if f.kind == "check" {
                viewer.t("confirm-yes")
            } else {
                f.options
                    .iter()
                    .find(|(v, _)| *v == f.value)
                    .map(|(_, label)| label.clone())
                    .unwrap_or_else(|| f.value.clone())
            },
        })
        .collect();
    let carried = values
        .iter()
        .filter(|(k, _)| k != "csrf" && k != "confirmed")
        .cloned()
        .collect();
    let case_href = format!("/cases/{}", c.id);
    let page = viewer
        .frame("case-title", "/")
        .at(&case_href)
        .titled(viewer.ta("confirm-title", &[("action", offered.label.as_str())]));
    html(
        StatusCode::OK,
        &ConfirmPage {
            heading: viewer.ta("confirm-title", &[("action", offered.label.as_str())]),
            page,
            reference: c.reference.clone(),
            case_title: c.title.clone(),
            case_href,
            action_label: offered.label,
            party_name: offered.party_name,
            destructive: offered.destructive,
            withdrawal: form.action == "withdraw",
            shown,
            carried,
            post_to: offered.post_to,
        },
    )
}

/// Query of the case page: which action was just done (for the confirmation line).
#[derive(Debug, Deserialize, Default)]
pub struct CaseQuery {
    /// The action done.
    pub done: Option<String>,
    /// The timeline's page (a cursor), when not its latest events.
    pub events: Option<String>,
}

/// The documents Accord generates from the case log, and the state from which each exists.
const GENERATED: &[(&str, &str)] = &[
    ("acknowledgement", "document-acknowledgement"),
    ("notice-of-registration", "document-notice-of-registration"),
    ("attestation", "document-attestation"),
    ("termination-record", "document-termination-record"),
];

/// The case's stage as people say it: where a mediation has ended, how it ended ("Settled",
/// "Ended when a party withdrew"), and that the file is closed once it is.
fn stage_words(viewer: &Viewer, c: &accord_domain::Case, state_name: &str) -> String {
    stage_of(viewer, state_name, c.termination_ground)
}

/// A stage in words: the termination ground for an ended mediation ("Settled"), else the
/// state's name in the viewer's language.
pub(super) fn stage_of(
    viewer: &Viewer,
    state_name: &str,
    ground: Option<accord_domain::state::TerminationGround>,
) -> String {
    let ground = ground
        .and_then(|g| serde_json::to_value(g).ok())
        .and_then(|v| v.as_str().map(str::to_owned));
    match (state_name, ground) {
        ("TERMINATED", Some(g)) => viewer.t(&format!("stage-{g}")),
        ("CLOSED", Some(g)) => viewer.ta(
            "stage-file-closed",
            &[("stage", viewer.t(&format!("stage-{g}")).as_str())],
        ),
        _ => viewer.t(&format!("state-{state_name}")),
    }
}

/// The case carries a settlement signed by every party and countersigned, and has ended.
fn settled(c: &accord_domain::Case, state_name: &str) -> bool {
    matches!(state_name, "TERMINATED" | "CLOSED")
        && c.settlement
            .as_ref()
            .is_some_and(|s| s.countersigned.is_some())
}

/// A panel member as the parties choose: name, nationality and working languages (each
/// language by its own name, as interpreters' lists give them).
fn panel_label(viewer: &Viewer, m: &accord_app::accounts::PanelMember) -> String {
    let mut label = m.name.clone();
    if let Some(n) = m.nationality.as_deref() {
        label.push_str(" — ");
        label.push_str(
            &super::countries::known_name(viewer.lang, n).unwrap_or_else(|| n.to_owned()),
        );
    }
    if !m.languages.is_empty() {
        let names: Vec<&str> = m
            .languages
            .iter()
            .map(|l| language_autonym(l).unwrap_or(l.as_str()))
            .collect();
        label.push_str(" — ");
        label.push_str(&names.join(", "));
    }
    label
}

/// A language's name in itself, for the languages mediators commonly work in.
fn language_autonym(code: &str) -> Option<&'static str> {
    Some(match code {
        "ar" => "العربية",
        "de" => "Deutsch",
        "en" => "English",
        "es" => "Español",
        "fa" => "فارسی",
        "fr" => "Français",
        "hi" => "हिन्दी",
        "id" => "Bahasa Indonesia",
        "it" => "Italiano",
        "ja" => "日本語",
        "ko" => "한국어",
        "ms" => "Bahasa Melayu",
        "nl" => "Nederlands",
        "pt" => "Português",
        "ru" => "Русский",
        "sw" => "Kiswahili",
        "th" => "ไทย",
        "tr" => "Türkçe",
        "ur" => "اردو",
        "vi" => "Tiếng Việt",
        "zh" => "中文",
        _ => return None,
    })
}

/// A party's consent on file, with the text the filing or acceptance gave.
fn consent_words(viewer: &Viewer, consent: Option<&accord_domain::party::ConsentBasis>) -> String {
    use accord_domain::party::ConsentBasis as B;
    match consent {
        Some(B::PriorClause { reference }) => {
            viewer.ta("consent-shown-prior-clause", &[("text", reference)])
        }
        Some(B::TreatyOrAgreement { instrument }) => {
            viewer.ta("consent-shown-treaty-or-agreement", &[("text", instrument)])
        }
        Some(B::AcceptedInvitation { instrument }) => {
            viewer.ta("consent-shown-accepted-invitation", &[("text", instrument)])
        }
        None => viewer.t("consent-shown-none"),
    }
}

/// A country field's name (typed or picked from the list, in the viewer's language or English)
/// becomes its ISO 3166-1 code; what names no country is sent as typed, for the step's own check
/// to refuse.
fn with_country_codes(
    viewer: &Viewer,
    form: &super::action_forms::ActionForm,
    values: Vec<(String, String)>,
) -> Vec<(String, String)> {
    values
        .into_iter()
        .map(|(k, v)| {
            let is_country = form
                .fields
                .iter()
                .any(|f| f.name == k && f.kind == super::action_forms::Kind::Country);
            match is_country
                .then(|| super::countries::code_of(viewer.lang, &v))
                .flatten()
            {
                Some(code) => (k, code),
                None => (k, v),
            }
        })
        .collect()
}

fn party_kind(viewer: &Viewer, kind: &accord_domain::party::PartyKind) -> String {
    let v = serde_json::to_value(kind).unwrap_or_default();
    let t = v.get("type").and_then(|t| t.as_str()).unwrap_or("party");
    let country = ["country", "nationality"]
        .iter()
        .find_map(|k| v.get(*k).and_then(|c| c.as_str()))
        .unwrap_or("");
    let label = viewer.t(&format!("party-kind-{t}"));
    if country.is_empty() {
        label
    } else {
        match super::countries::known_name(viewer.lang, country) {
            Some(name) => format!("{label} ({name})"),
            None => label,
        }
    }
}

/// What an event says, in the viewer's language.
fn event_text(viewer: &Viewer, e: &EventView) -> String {
    accord_i18n::message(viewer.lang, &format!("event-{}", e.kind), &[])
        .unwrap_or_else(|| viewer.ta("event-other", &[("code", e.kind.as_str())]))
}

/// Who took a step in the timeline, as the case names them: a party's representative ("by Jane
/// Smith") and the party the step was for, or a mediator. The Secretariat's staff and the
/// scheduler are not named (the case does not hold their names).
fn event_people(viewer: &Viewer, c: &accord_domain::Case, e: &EventView) -> String {
    let user = e.actor.strip_prefix("user:");
    let by = user.and_then(|u| {
        c.parties
            .iter()
            .flat_map(|p| p.representatives.iter())
            .find(|r| r.user_id == u)
            .map(|r| r.name.clone())
            .or_else(|| {
                c.mediators
                    .iter()
                    .find(|m| m.user_id == u)
                    .map(|m| m.name.clone())
            })
    });
    let party = e
        .payload
        .get("party")
        .and_then(|p| p.as_str())
        .and_then(|p| c.party(p))
        .map(|p| p.name.clone());
    let mut out = vec![];
    if let Some(p) = party {
        out.push(viewer.ta("timeline-for", &[("party", p.as_str())]));
    }
    if let Some(w) = by {
        out.push(viewer.ta("timeline-by", &[("who", w.as_str())]));
    }
    out.join(" ")
}

/// What the viewer could do: the open forms, and the actions waiting on a condition (with what is
/// missing, in the domain's words).
struct Offered {
    open: Vec<(&'static ActionForm, Option<String>)>,
    blocked: Vec<(&'static ActionForm, Option<String>, ErrorCode, String)>,
}

/// Builds the offered forms: every form of [`ACTION_FORMS`] (one per party for per-party ones)
/// that the use case says is open to the viewer, and those waiting on a condition.
async fn offered_forms(
    s: &AppState,
    viewer: &Viewer,
    view: &CaseView,
) -> Result<Offered, AppError> {
    let parties: Vec<String> = view.case.parties.iter().map(|p| p.id.clone()).collect();
    let mut candidates = vec![];
    let mut steps = vec![];
    for form in ACTION_FORMS {
        let scopes: Vec<Option<String>> = if form.per_party {
            parties.iter().cloned().map(Some).collect()
        } else {
            vec![None]
        };
        for party in scopes {
            if let Some(step) = super::action_forms::step(form, party.as_deref()) {
                candidates.push((form, party));
                steps.push(step);
            }
        }
    }
    let open = s
        .accord
        .open_actions(&viewer.principal.actor, &view.case.id, &steps)
        .await?;
    let mut offered = Offered {
        open: vec![],
        blocked: vec![],
    };
    for ((form, party), openness) in candidates.into_iter().zip(open) {
        match openness {
            Openness::Open => offered.open.push((form, party)),
            Openness::Blocked { code, message } => {
                offered.blocked.push((form, party, code, message))
            }
            Openness::Closed => {}
        }
    }
    Ok(offered)
}

/// Inputs of a form other than the form itself.
struct FormContext<'a> {
    view: &'a CaseView,
    /// The panel of mediators (id, name).
    mediators: &'a [(String, String)],
    /// The newer versions of the case's rules in force (version, label).
    newer_rules: &'a [(String, String)],
}

fn form_view(
    viewer: &Viewer,
    ctx: &FormContext<'_>,
    form: &ActionForm,
    party: Option<&str>,
    sent: &[(String, String)],
    errors: &[FieldError],
) -> OfferedForm {
    let view = ctx.view;
    let key = format!(
        "{}{}",
        form.action,
        party.map(|p| format!("-{p}")).unwrap_or_default()
    );
    let value_of = |name: &str| {
        sent.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let error_of = |name: &str| {
        errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| viewer.t(e.message))
    };
    let mut fields = vec![];
    for field in form.fields {
        let base = FieldView {
            id: format!("{key}-{}", field.name.replace(['.', '_'], "-")),
            name: field.name.to_owned(),
            label: viewer.t(&label_id(field.name)),
            kind: "text",
            options: vec![],
            required: field.required,
            value: value_of(field.name),
            error: error_of(field.name),
        };
        match field.kind {
            Kind::PerParty => {
                for p in &view.case.parties {
                    let name = format!("{}.{}", field.name, p.id);
                    fields.push(FieldView {
                        id: format!("{}-{}", base.id, p.id),
                        label: format!("{} — {}", base.label, p.name),
                        value: value_of(&name),
                        error: error_of(&name),
                        name,
                        ..base_clone(&base)
                    });
                }
            }
            Kind::Text => fields.push(base),
            Kind::Country => fields.push(FieldView {
                kind: "country",
                options: super::countries::all(viewer.lang).to_vec(),
                // A code sent back after a refusal is shown by its name.
                value: match base.value.as_str() {
                    code if code.len() == 2 => super::countries::name(viewer.lang, code),
                    _ => base.value.clone(),
                },
                ..base
            }),
            Kind::Mediator => fields.push(FieldView {
                kind: "choice",
                options: ctx.mediators.to_vec(),
                ..base
            }),
            Kind::LongText | Kind::Lines => fields.push(FieldView {
                kind: "long",
                ..base
            }),
            Kind::Number => fields.push(FieldView {
                kind: "number",
                ..base
            }),
            Kind::Check => fields.push(FieldView {
                kind: "check",
                ..base
            }),
            Kind::Choice(options) => fields.push(FieldView {
                kind: "choice",
                options: options
                    .iter()
                    .map(|o| ((*o).to_owned(), viewer.t(&format!("choice-{o}"))))
                    .collect(),
                ..base
            }),
            Kind::Party => {
                let mut options: Vec<(String, String)> = if field.required {
                    vec![]
                } else {
                    vec![(String::new(), "—".to_owned())]
                };
                options.extend(
                    view.case
                        .parties
                        .iter()
                        .map(|p| (p.id.clone(), p.name.clone())),
                );
                fields.push(FieldView {
                    kind: "choice",
                    options,
                    ..base
                })
            }
            Kind::GrantRole => fields.push(FieldView {
                kind: "choice",
                options: grant_roles(viewer, &view.case)
                    .into_iter()
                    .map(|o| (o.to_owned(), viewer.t(&format!("choice-{o}"))))
                    .collect(),
                ..base
            }),
            Kind::GrantChannel => {
                let mut options = vec![(String::new(), "—".to_owned())];
                options.extend(grant_channels(viewer, &view.case).into_iter().map(|c| {
                    let label = super::channel_page::channel_name(viewer, &view.case, &c);
                    (c, label)
                }));
                fields.push(FieldView {
                    kind: "choice",
                    options,
                    ..base
                })
            }
            Kind::Representative => {
                let registered = view.case.is_registered();
                let options = view
                    .case
                    .active_parties()
                    .filter(|p| party.is_none_or(|only| only == p.id))
                    .flat_map(|p| {
                        p.representatives.iter().map(move |r| {
                            let status = r.authority(registered).as_str();
                            (
                                format!("{}/{}", p.id, r.user_id),
                                format!(
                                    "{} — {} ({})",
                                    p.name,
                                    r.name,
                                    viewer.t(&format!("authority-{status}"))
                                ),
                            )
                        })
                    })
                    .collect();
                fields.push(FieldView {
                    kind: "choice",
                    options,
                    ..base
                })
            }
            Kind::RulesVersion => fields.push(FieldView {
                kind: "choice",
                options: ctx.newer_rules.to_vec(),
                ..base
            }),
            Kind::Seat => {
                let mut options = vec![(String::new(), "—".to_owned())];
                options.extend(
                    view.case
                        .serving_mediators()
                        .map(|m| (m.user_id.clone(), m.name.clone())),
                );
                fields.push(FieldView {
                    kind: "choice",
                    options,
                    ..base
                })
            }
            Kind::Proofs => {
                let reps = view
                    .case
                    .party(party.unwrap_or_default())
                    .map(|p| p.representatives.as_slice())
                    .unwrap_or_default();
                for r in reps {
                    let name = format!("{}.{}", field.name, r.user_id);
                    fields.push(FieldView {
                        id: format!("{}-{}", base.id, r.user_id),
                        label: format!("{} — {}", base.label, r.name),
                        value: Some(value_of(&name))
                            .filter(|v| !v.is_empty())
                            .or_else(|| r.authority_document.clone())
                            .unwrap_or_default(),
                        error: error_of(&name),
                        name,
                        ..base_clone(&base)
                    });
                }
            }
            Kind::Scopes => {
                for scope in super::action_forms::SCOPES {
                    let name = format!("{}.{scope}", field.name);
                    fields.push(FieldView {
                        id: format!("{}-{scope}", base.id),
                        label: format!("{} — {}", base.label, viewer.t(&format!("scope-{scope}"))),
                        kind: "check",
                        required: false,
                        value: value_of(&name),
                        error: error_of(&name),
                        name,
                        ..base_clone(&base)
                    });
                }
            }
            Kind::PendingGrant => fields.push(FieldView {
                kind: "choice",
                options: view
                    .case
                    .pending_grants
                    .iter()
                    .map(|g| {
                        let channels: Vec<String> = g
                            .role
                            .guest_channels()
                            .iter()
                            .map(|c| {
                                super::channel_page::channel_name(viewer, &view.case, &c.encode())
                            })
                            .collect();
                        let role = serde_json::to_value(&g.role)
                            .ok()
                            .and_then(|v| v["role"].as_str().map(str::to_owned))
                            .unwrap_or_default();
                        let label = format!(
                            "{} — {}{}",
                            g.user_id,
                            viewer.t(&format!("choice-{role}")),
                            if channels.is_empty() {
                                String::new()
                            } else {
                                format!(" ({})", channels.join(", "))
                            }
                        );
                        (g.user_id.clone(), label)
                    })
                    .collect(),
                ..base
            }),
        }
    }
    OfferedForm {
        post_to: format!("/cases/{}/actions/{}", view.case.id, form.action),
        label: viewer.t(&format!("action-{}", form.action)),
        party_name: party.map(|p| {
            view.case
                .parties
                .iter()
                .find(|x| x.id == p)
                .map(|x| x.name.clone())
                .unwrap_or_else(|| p.to_owned())
        }),
        party: party.unwrap_or_default().to_owned(),
        key,
        fields,
        confirms: form.weight.confirms(),
        destructive: form.weight == super::action_forms::Weight::Destructive,
        may_lead: form.weight.may_lead(),
        resent: !sent.is_empty(),
    }
}

/// The role kinds the viewer may grant or propose, by the consents the policy says it holds: the
/// Secretariat's case-wide roles, a party's internal reviewer, and guests for any grant authority.
fn grant_roles(viewer: &Viewer, case: &accord_domain::Case) -> Vec<&'static str> {
    let held = accord_domain::policy::consents_held(&viewer.principal.actor, case);
    let party = held.iter().any(|c| matches!(c, Consent::Party { .. }));
    let secretariat = held.contains(&Consent::Secretariat);
    super::action_forms::GRANT_ROLES
        .iter()
        .copied()
        .filter(|r| match *r {
            "internal-reviewer" => party,
            "case-officer" | "finance-officer" => secretariat,
            _ => !held.is_empty(),
        })
        .collect()
}

/// The channels the viewer may open (or propose to open) to a guest: plenary and administrative
/// for the Secretariat; a party's caucus and workspace for its representatives; every active
/// party's caucus for the mediator.
fn grant_channels(viewer: &Viewer, case: &accord_domain::Case) -> Vec<String> {
    let held = accord_domain::policy::consents_held(&viewer.principal.actor, case);
    let mut out = vec![];
    if held.contains(&Consent::Secretariat) {
        out.push("plenary".to_owned());
        out.push("administrative".to_owned());
    }
    for p in case.active_parties() {
        let party = Consent::Party {
            party: p.id.clone(),
        };
        if held.contains(&party) || held.contains(&Consent::Mediator) {
            out.push(format!("caucus:{}", p.id));
        }
        if held.contains(&party) {
            out.push(format!("internal:{}", p.id));
        }
    }
    out
}

fn base_clone(b: &FieldView) -> FieldView {
    FieldView {
        id: b.id.clone(),
        name: b.name.clone(),
        label: b.label.clone(),
        kind: b.kind,
        options: b.options.clone(),
        required: b.required,
        value: b.value.clone(),
        error: b.error.clone(),
    }
}

/// A form sent again with errors: which one, what was sent, what is wrong.
struct Resent<'a> {
    action: &'a str,
    party: Option<&'a str>,
    values: &'a [(String, String)],
    errors: &'a [FieldError],
}

/// How many events one page of the case page's timeline shows.
const TIMELINE_PAGE: i64 = 50;

async fn render_case(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
    status: StatusCode,
    notice: Option<String>,
    alert: Option<(String, String)>,
    resent: Option<Resent<'_>>,
) -> Response {
    render_case_at(s, viewer, case_id, status, notice, alert, resent, None).await
}

/// The case page with the timeline's page at `events` (a cursor), or its latest events.
#[allow(clippy::too_many_arguments)]
async fn render_case_at(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
    status: StatusCode,
    notice: Option<String>,
    alert: Option<(String, String)>,
    resent: Option<Resent<'_>>,
    events: Option<String>,
) -> Response {
    let actor = &viewer.principal.actor;
    let later_page = events.is_some();
    let events_request = PageRequest {
        cursor: events,
        ..PageRequest::first(TIMELINE_PAGE, Order::Newest)
    };
    let view = match s.accord.case_view(actor, case_id).await {
        Ok(v) => v,
        Err(e) => return error_page(viewer, e),
    };
    // A reader under break-glass sees the case record alone: its channels and the steps of the
    // case answer as missing, and the page shows none.
    let nothing_offered = || Offered {
        open: vec![],
        blocked: vec![],
    };
    let mut break_glass = false;
    let (timeline, channels, offered) = match (
        s.accord.timeline(actor, case_id, &events_request).await,
        s.accord.channels(actor, case_id).await,
        offered_forms(s, viewer, &view).await,
    ) {
        (Ok(t), Ok(c), Ok(o)) => (t, c, o),
        (Ok(t), Err(AppError::NotFound { .. }), Err(AppError::NotFound { .. })) => {
            break_glass = true;
            (t, vec![], nothing_offered())
        }
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return error_page(viewer, e),
    };
    let c = &view.case;
    let stage = stage_words(viewer, c, &view.state_name);
    let mut facts = vec![
        Fact {
            label: viewer.t("case-type"),
            value: viewer.t(&format!("dispute-{}", c.dispute_type.as_str())),
        },
        Fact {
            label: viewer.t("case-stage"),
            value: stage.clone(),
        },
        Fact {
            label: viewer.t("case-profile"),
            value: viewer.ta(
                "case-profile-version",
                &[
                    ("name", &super::rules_page::profile_name(viewer, &c.profile)),
                    ("version", &c.profile.version.to_string()),
                ],
            ),
        },
    ];
    if let Some(filed) = c.filed_at {
        facts.push(Fact {
            label: viewer.t("case-filed"),
            value: viewer.when_ms(filed.as_millisecond()),
        });
    }
    if let Some(d) = &c.commencement_date {
        facts.push(Fact {
            label: viewer.t("case-commenced"),
            value: d
                .parse::<jiff::civil::Date>()
                .map(|d| accord_i18n::format::date_of(viewer.lang, d.year(), d.month(), d.day()))
                .unwrap_or_else(|_| d.clone()),
        });
    }
    // A subject matter outside the Singapore Convention is flagged from screening on.
    for flag in &view.scope_flags {
        facts.push(Fact {
            label: viewer.t(match flag.treatment {
                accord_domain::profile::ExcludedTreatment::Refuse => "case-scope-refused",
                accord_domain::profile::ExcludedTreatment::RegisterOutsideConvention => {
                    "case-scope-outside-convention"
                }
            }),
            value: flag.rule.clone(),
        });
    }
    // Every reader of the case is told where each third State's consent stands.
    for t in &c.third_states {
        facts.push(Fact {
            label: super::countries::known_name(viewer.lang, t.country.as_str())
                .unwrap_or_else(|| t.name.clone()),
            value: viewer.t(&format!("third-state-consent-{}", t.consent_status())),
        });
    }
    if !c.summary.is_empty() {
        facts.push(Fact {
            label: viewer.t("case-summary"),
            value: c.summary.clone(),
        });
    }
    // The subject matters: named in the viewer's language where the form offered them, as
    // typed (words, not hyphens) otherwise.
    if !c.subject_categories.is_empty() {
        let named: Vec<String> = c
            .subject_categories
            .iter()
            .map(|cat| {
                accord_i18n::message(viewer.lang, &format!("category-{cat}"), &[])
                    .unwrap_or_else(|| cat.replace('-', " "))
            })
            .collect();
        facts.push(Fact {
            label: viewer.t("filing-categories"),
            value: named.join(", "),
        });
    }
    let deadlines = view
        .next_deadlines
        .iter()
        .map(|d| &d.deadline)
        .map(|d| {
            let kind = serde_json::to_value(d.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            DeadlineLine {
                what: viewer.t(&format!("deadline-{kind}")),
                how: viewer.t(&format!("deadline-{kind}-how")),
                party: d
                    .party
                    .as_deref()
                    .and_then(|p| c.parties.iter().find(|x| x.id == p))
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                ends: match d.last_day {
                    Some(day) => viewer.ta(
                        "deadline-ends",
                        &[
                            (
                                "day",
                                &accord_i18n::format::date_of(
                                    viewer.lang,
                                    day.year(),
                                    day.month(),
                                    day.day(),
                                ),
                            ),
                            ("place", &zone_place(&d.zone)),
                        ],
                    ),
                    None => viewer.when_ms(d.due_at.as_millisecond()),
                },
                your_time: if d.last_day.is_some()
                    && viewer.time_zone.as_deref().unwrap_or("UTC") != d.zone
                {
                    viewer.ta(
                        "deadline-your-time",
                        &[("when", &viewer.when_ms(d.due_at.as_millisecond()))],
                    )
                } else {
                    String::new()
                },
            }
        })
        .collect();
    let parties = c
        .parties
        .iter()
        .map(|p| PartyLine {
            name: p.name.clone(),
            kind: party_kind(viewer, &p.kind),
            representatives: p
                .representatives
                .iter()
                .map(|r| {
                    let status = r.authority(c.is_registered()).as_str();
                    let status = viewer.t(&format!("authority-{status}"));
                    match &r.authority_document {
                        Some(d) => format!(
                            "{} ({status}; {})",
                            r.name,
                            viewer.ta("case-authority-document", &[("text", d)])
                        ),
                        None => format!("{} ({status})", r.name),
                    }
                })
                .collect(),
            consent: consent_words(viewer, p.consent.as_ref()),
            contact: p
                .contact
                .as_ref()
                .map(|c| (c.name.clone(), c.email.clone())),
            withdrawn: p.withdrawn_at.is_some(),
        })
        .collect();
    let mediators = c
        .mediators
        .iter()
        .map(|m| Fact {
            label: m.name.clone(),
            value: viewer.t(&format!(
                "seat-{}",
                serde_json::to_value(m.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            )),
        })
        .chain(c.mediator_proposals.iter().map(|(party, m)| {
            let party = c
                .party(party)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| party.clone());
            Fact {
                label: m.name.clone(),
                value: viewer.ta("seat-proposed-by", &[("party", party.as_str())]),
            }
        }))
        .collect();
    let channel_links = channels
        .iter()
        .filter(|ch| ch.access == "full" || ch.access == "metadata")
        .map(|ch| ChannelLink {
            href: format!("/cases/{}/channels/{}", c.id, ch.channel),
            label: super::channel_page::channel_name(viewer, &view.case, &ch.channel),
            private: ch.private,
        })
        .collect();
    let documents = GENERATED
        .iter()
        .filter(|(kind, _)| match *kind {
            "acknowledgement" => c.filed_at.is_some(),
            "notice-of-registration" => c.commencement_date.is_some(),
            "attestation" => settled(c, &view.state_name),
            "termination-record" => c.state.is_terminal(),
            _ => false,
        })
        .map(|(kind, label)| DocumentLink {
            href: format!(
                "/api/v1/cases/{}/documents/{kind}?language={}",
                c.id, viewer.lang
            ),
            label: viewer.t(label),
        })
        .collect();
    let waiting: Vec<Fact> = offered
        .blocked
        .iter()
        .map(|(form, party, code, why)| Fact {
            label: format!(
                "{}{}",
                viewer.t(&format!("action-{}", form.action)),
                party
                    .as_deref()
                    .and_then(|p| c.parties.iter().find(|x| x.id == p))
                    .map(|p| format!(" — {}", p.name))
                    .unwrap_or_default()
            ),
            // The condition in the viewer's language where it is worded; else the rule's own words.
            value: accord_i18n::message(viewer.lang, &format!("error-{code}"), &[])
                .unwrap_or_else(|| why.clone()),
        })
        .collect();
    let offered = offered.open;
    let needs_panel = offered.iter().any(|(form, _)| {
        form.fields
            .iter()
            .any(|f| f.kind == super::action_forms::Kind::Mediator)
    });
    let panel: Vec<(String, String)> = if needs_panel {
        s.accord
            .mediator_panel(actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|m| (m.user_id.clone(), panel_label(viewer, &m)))
            .collect()
    } else {
        vec![]
    };
    let newer_rules = newer_rules(s, viewer, c, &mut facts).await;
    let ctx = FormContext {
        view: &view,
        mediators: &panel,
        newer_rules: &newer_rules,
    };
    let mut more: Vec<OfferedForm> = offered
        .iter()
        .map(|(form, party)| {
            let (values, errors): (&[(String, String)], &[FieldError]) = match &resent {
                Some(r) if r.action == form.action && r.party == party.as_deref() => {
                    (r.values, r.errors)
                }
                _ => (&[], &[]),
            };
            form_view(viewer, &ctx, form, party.as_deref(), values, errors)
        })
        .collect();
    // The first open step in the order of the case's life is the one next step.
    let next_step = more.iter().position(|f| f.may_lead).map(|i| more.remove(i));
    let more_open = more.iter().any(|f| f.resent);
    // The attestation: its verification ID once issued; the Secretariat's form until then.
    let mut attestation_open = false;
    if settled(c, &view.state_name) {
        match s.accord.attestation(actor, case_id).await {
            Ok(a) => {
                facts.push(Fact {
                    label: viewer.t("case-verification-id"),
                    value: a.verification_id,
                });
                facts.push(Fact {
                    label: viewer.t("case-agreement-sha256"),
                    value: a.text_hash,
                });
            }
            Err(AppError::NotFound { .. }) => {
                attestation_open = accord_domain::policy::authorize(
                    actor,
                    &accord_domain::policy::Action::Administer,
                    c,
                )
                .is_ok();
            }
            Err(e) => return error_page(viewer, e),
        }
    }
    // A draft is edited on the filing form, by whoever may amend it.
    let draft_href = if view.state_name == "DRAFT" {
        let amend = accord_domain::step::Step::new(accord_domain::CommandKind::AmendDraft);
        match s.accord.open_actions(actor, case_id, &[amend]).await {
            Ok(o) if matches!(o.as_slice(), [Openness::Open]) => {
                Some(format!("/cases/{case_id}/draft"))
            }
            Ok(_) => None,
            Err(e) => return error_page(viewer, e),
        }
    } else {
        None
    };
    // Newest first, a page at a time.
    let path = format!("/cases/{}", c.id);
    let earlier_events_href = timeline
        .next
        .as_ref()
        .map(|n| format!("{path}?events={n}#timeline-h"));
    let latest_events_href = later_page.then(|| format!("{path}#timeline-h"));
    let timeline: Vec<TimelineEntry> = timeline
        .items
        .iter()
        .map(|e| TimelineEntry {
            when: viewer.when(&e.recorded_at),
            what: event_text(viewer, e),
            who: event_people(viewer, c, e),
        })
        .collect();
    let mut page = viewer
        .frame("case-title", "/")
        .at(&path)
        .titled(format!("{} — {}", c.reference, c.title));
    page.notice = notice;
    page.alert = alert;
    html(
        status,
        &CasePage {
            page,
            reference: c.reference.clone(),
            case_title: c.title.clone(),
            stage,
            facts,
            deadlines,
            parties,
            mediators,
            channels: channel_links,
            documents,
            export_hrefs: (!break_glass).then(|| {
                let base = format!("/api/v1/cases/{}/export?language={}", c.id, viewer.lang);
                (base.clone(), format!("{base}&purpose=other-proceedings"))
            }),
            settlement_href: format!("/cases/{}/settlement", c.id),
            meetings_href: format!("/cases/{}/meetings", c.id),
            negotiations_href: format!("/cases/{}/negotiations", c.id),
            biddings_href: format!("/cases/{}/blind-biddings", c.id),
            attestation_open,
            draft_href,
            attestation_to: format!("/cases/{}/attestation", c.id),
            waiting,
            next_step,
            more,
            more_open,
            timeline,
            events_pager: super::frame::Pager::of(
                latest_events_href.map(|h| (h, viewer.t("pager-latest-events"))),
                earlier_events_href.map(|h| (h, viewer.t("pager-earlier-events"))),
            ),
        },
    )
}

/// The versions of the case's rules newer than its own and in force (for the agreement form),
/// and the facts that tell the parties about them.
async fn newer_rules(
    s: &AppState,
    viewer: &Viewer,
    c: &accord_domain::Case,
    facts: &mut Vec<Fact>,
) -> Vec<(String, String)> {
    // Before registration screening applies the version in force by itself; a case that ended
    // follows no rules any more.
    if !c.is_registered() || c.state.is_terminal() {
        return vec![];
    }
    let Ok(history) = s.accord.profile_history(&c.profile.id).await else {
        return vec![];
    };
    if !c.profile_agreements.is_empty() {
        let agreed: Vec<String> = c
            .profile_agreements
            .iter()
            .map(|(party, version)| {
                let name = c.party(party).map_or(party.as_str(), |p| p.name.as_str());
                viewer.ta(
                    "case-rules-agreed-by",
                    &[("party", name), ("version", &version.to_string())],
                )
            })
            .collect();
        facts.push(Fact {
            label: viewer.t("case-rules-agreed"),
            value: agreed.join("; "),
        });
    }
    history
        .versions
        .iter()
        .filter(|v| v.profile.version > c.profile.version && v.profile.version <= history.in_force)
        .filter_map(|v| {
            let d = v.decision()?;
            let since = viewer.when_ms(d.in_force_from.as_millisecond());
            let version = v.profile.version.to_string();
            let changes: Vec<String> = d
                .changes
                .iter()
                .map(|(field, value)| {
                    super::rules_page::change_text(viewer, &history, field, value)
                })
                .collect();
            facts.push(Fact {
                label: viewer.ta("case-newer-rules", &[("version", &version)]),
                value: viewer.ta(
                    "case-newer-rules-text",
                    &[
                        ("since", &since),
                        ("text", &d.text),
                        ("changes", &changes.join("; ")),
                    ],
                ),
            });
            Some((
                version.clone(),
                viewer.ta(
                    "case-rules-version",
                    &[("version", &version), ("since", &since)],
                ),
            ))
        })
        .collect()
}

/// `GET /cases/{case_id}`.
pub async fn case_page(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(case_id): Path<String>,
    query: Result<Query<CaseQuery>, QueryRejection>,
) -> Response {
    let (done, events) = query.map(|Query(q)| (q.done, q.events)).unwrap_or_default();
    let notice = done
        .filter(|a| {
            super::action_forms::form_for(a).is_some()
                || matches!(a.as_str(), "filed" | "attestation" | "amend-draft")
        })
        .map(|a| {
            // What was done, in a sentence of its own; the step's name where there is none.
            accord_i18n::message(viewer.lang, &format!("done-{a}"), &[]).unwrap_or_else(|| {
                let action = viewer.t(&format!("action-{a}"));
                viewer.ta("case-done", &[("action", action.as_str())])
            })
        });
    render_case_at(
        &s,
        &viewer,
        &case_id,
        StatusCode::OK,
        notice,
        None,
        None,
        events,
    )
    .await
}

/// A mediator picked from the panel without a name typed in is recorded under the panel's name
/// for that member (nobody retypes what the panel already says).
async fn with_panel_name(
    s: &AppState,
    viewer: &Viewer,
    form: &ActionForm,
    mut values: Vec<(String, String)>,
) -> Vec<(String, String)> {
    if !matches!(form.action, "nominate-mediator" | "propose-mediator") {
        return values;
    }
    let get = |k: &str| {
        values
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let (chosen, typed) = (get("mediator_user_id"), get("name"));
    if chosen.is_empty() || !typed.is_empty() {
        return values;
    }
    let panel = s
        .accord
        .mediator_panel(&viewer.principal.actor)
        .await
        .unwrap_or_default();
    if let Some(m) = panel.into_iter().find(|m| m.user_id == chosen) {
        values.retain(|(n, _)| n != "name");
        values.push(("name".into(), m.name));
    }
    values
}

/// `POST /cases/{case_id}/actions/{action}`: runs one action from its form.
pub async fn act_submit(
    State(s): State<AppState>,
    Path((case_id, action)): Path<(String, String)>,
    CheckedForm(viewer, values): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let Some(form) = super::action_forms::form_for(&action) else {
        return error_page(
            &viewer,
            AppError::invalid("unknown-action", format!("there is no action '{action}'")),
        );
    };
    let party = values
        .iter()
        .find(|(k, _)| k == "party")
        .map(|(_, v)| v.clone())
        .filter(|_| form.per_party);
    let view = match s.accord.case_view(&viewer.principal.actor, &case_id).await {
        Ok(v) => v,
        Err(e) => return error_page(&viewer, e),
    };
    let parties: Vec<String> = view.case.parties.iter().map(|p| p.id.clone()).collect();
    let values = with_panel_name(&s, &viewer, form, values).await;
    let values = with_country_codes(&viewer, form, values);
    let cmd =
        match super::action_forms::command_from_form(form, party.as_deref(), &parties, &values) {
            Ok(c) => c,
            Err(errors) => {
                let alert = Some((viewer.t("web-error-fields"), "invalid-form".to_owned()));
                return render_case(
                    &s,
                    &viewer,
                    &case_id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    alert,
                    Some(Resent {
                        action: form.action,
                        party: party.as_deref(),
                        values: &values,
                        errors: &errors,
                    }),
                )
                .await;
            }
        };
    // An act that cannot be undone is confirmed on a page of its own first — when it is open to
    // the viewer; anything else goes straight to the rules, which refuse it with their reason.
    if form.weight.confirms() && !confirmed(&values) {
        let open = match super::action_forms::step(form, party.as_deref()) {
            Some(step) => s
                .accord
                .open_actions(&viewer.principal.actor, &case_id, &[step])
                .await
                .is_ok_and(|o| o.first() == Some(&Openness::Open)),
            None => false,
        };
        if open {
            return confirm_page(&viewer, &view, form, party.as_deref(), &values);
        }
    }
    match s
        .accord
        .act(&viewer.principal.actor, &case_id, &cmd, None)
        .await
    {
        // A party that withdrew loses access to the case at once (docs/PROCEDURE.md,
        // transition 19): it goes back to its cases, told why the case is no longer there.
        Ok(_) if form.action == "withdraw" => {
            match s.accord.case_view(&viewer.principal.actor, &case_id).await {
                Err(AppError::NotFound { .. }) => see_other("/?done=left-case"),
                _ => see_other(&format!("/cases/{case_id}?done={action}")),
            }
        }
        Ok(_) => see_other(&format!("/cases/{case_id}?done={action}")),
        Err(e) => {
            let (status, alert) = match refusal(&viewer, e) {
                Ok((status, alert)) => (status, Some(alert)),
                Err(page) => return *page,
            };
            render_case(
                &s,
                &viewer,
                &case_id,
                status,
                None,
                alert,
                Some(Resent {
                    action: form.action,
                    party: party.as_deref(),
                    values: &values,
                    errors: &[],
                }),
            )
            .await
        }
    }
}

/// `POST /cases/{case_id}/attestation`: the Secretariat issues the attestation of a settled case.
pub async fn issue_attestation(
    State(s): State<AppState>,
    Path(case_id): Path<String>,
    CheckedForm(viewer, _values): CheckedForm<Vec<(String, String)>>,
) -> Response {
    match s
        .accord
        .issue_attestation(&viewer.principal.actor, &case_id)
        .await
    {
        Ok(_) => see_other(&format!("/cases/{case_id}?done=attestation")),
        Err(e) => match refusal(&viewer, e) {
            Ok((status, alert)) => {
                render_case(&s, &viewer, &case_id, status, None, Some(alert), None).await
            }
            Err(page) => *page,
        },
    }
}
