//! Filing a request for mediation, guided by dispute type: first the type (between companies,
//! investor and State, between States), then a form shaped for it — the kinds of party expected,
//! the investment for an investor–State dispute, third States for a dispute between States —
//! with the parties (their countries picked by name; the form gives each its id), consent on
//! file, representatives named by sign-in name and
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

/// Most party blocks an edited draft can show (the domain's limit on parties).
const PARTIES_MAX: usize = 20;

/// The parties' ids on a new request, by their place on the form (nobody types them).
const PARTY_IDS: [&str; PARTY_BLOCKS] = ["A", "B", "C"];

/// Subject matters offered as boxes to tick (ids as the record keeps them; `category-<id>` names
/// each in the reader's language). Others are typed. The last four fall under the scope rule of
/// a commercial dispute (Singapore Convention Art. 1(2)).
pub(super) const CATEGORIES: &[&str] = &[
    "sale-of-goods",
    "construction",
    "energy",
    "investment",
    "finance",
    "insurance",
    "intellectual-property",
    "maritime",
    "transport",
    "technology",
    "corporate",
    "trade",
    "boundaries",
    "water-resources",
    "environment",
    "employment",
    "consumer",
    "family",
    "inheritance",
];

/// Procedural profiles offered.
const PROFILES: &[&str] = &["iomed-default", "uncitral-2021", "icsid-2022"];

/// A party block of the form, with what was sent.
struct PartyBlock {
    n: usize,
    /// The party's id in the case: A, B, C by its place on the form (nobody types it).
    id: String,
    name: String,
    kind: String,
    /// The kind is one the form offers (a draft's other kinds, such as an international
    /// organisation, are kept as they are, without a country).
    kind_offered: bool,
    /// The country as typed or picked (a name, in the viewer's language or English).
    country: String,
    country_error: Option<String>,
    /// Whom the Secretariat writes to at this party (the other sides of the request).
    contact_name: String,
    contact_email: String,
    contact_error: Option<String>,
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
    /// Where the form posts: `/cases/new`, or the draft's own page when it is being edited.
    post_to: String,
    /// The form edits a saved draft (its button saves the changes).
    editing: bool,
    /// The draft's version the form was read at: a save over someone else's newer save is
    /// refused rather than silently overwriting it.
    version: String,
    dispute_type: String,
    dispute_label: String,
    investment: String,
    /// (value, name in the viewer's language, selected).
    profiles: Vec<(String, String, bool)>,
    party_kinds: Vec<(String, String)>,
    title: String,
    summary: String,
    /// The categories to tick: (id, label, ticked).
    category_choices: Vec<(String, String, bool)>,
    /// Further categories, as typed.
    categories: String,
    third_state: String,
    /// The name of a State of an exercise (a user-assigned code), which the list cannot name.
    third_state_name: String,
    third_state_representative: String,
    third_state_error: Option<String>,
    parties: Vec<PartyBlock>,
    /// Every country, (code, name in the viewer's language), for the searchable list.
    countries: &'static [(String, String)],
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
    // As many party blocks as the form was sent with, at least the usual three.
    let blocks = (1..=PARTIES_MAX)
        .rev()
        .find(|n| !value(sent, &format!("p{n}_id")).is_empty())
        .unwrap_or(0)
        .max(PARTY_BLOCKS);
    FilingPage {
        page: viewer
            .frame("filing-title", "/cases/new")
            .at(&format!("/cases/new?type={dispute}")),
        post_to: "/cases/new".to_owned(),
        editing: false,
        version: value(sent, "version").to_owned(),
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
        category_choices: CATEGORIES
            .iter()
            .map(|c| {
                let ticked = sent
                    .iter()
                    .any(|(k, v)| k == "category" && v.as_str() == *c);
                ((*c).to_owned(), viewer.t(&format!("category-{c}")), ticked)
            })
            .collect(),
        categories: value(sent, "categories").to_owned(),
        third_state: value(sent, "third_state").to_owned(),
        third_state_name: value(sent, "third_state_name").to_owned(),
        third_state_representative: value(sent, "third_state_representative").to_owned(),
        third_state_error: None,
        parties: (1..=blocks)
            .map(|n| {
                let v = |k: &str| value(sent, &format!("p{n}_{k}")).to_owned();
                PartyBlock {
                    n,
                    id: match v("id") {
                        id if id.is_empty() => format!("P{n}"),
                        id => id,
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
                    kind_offered: {
                        let k = v("kind");
                        k.is_empty() || PARTY_KINDS.contains(&k.as_str())
                    },
                    country: v("country"),
                    country_error: None,
                    contact_name: v("contact_name"),
                    contact_email: v("contact_email"),
                    contact_error: None,
                    representative: v("representative"),
                    authority: v("authority"),
                    consent: v("consent"),
                    required: n <= 2,
                    error: None,
                }
            })
            .collect(),
        countries: super::countries::all(viewer.lang),
    }
}

/// The hidden ids of a new request's party blocks.
fn new_party_ids() -> Vec<(String, String)> {
    PARTY_IDS
        .iter()
        .enumerate()
        .map(|(i, id)| (format!("p{}_id", i + 1), (*id).to_owned()))
        .collect()
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
        Some(t) => html(StatusCode::OK, &page_for(&viewer, &t, &new_party_ids())),
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
        if !block.required && block.name.trim().is_empty() && block.country.trim().is_empty() {
            continue;
        }
        if block.name.trim().is_empty() {
            block.error = Some(viewer.t("filing-error-party"));
            continue;
        }
        let country = if block.kind_offered {
            match super::countries::code_of(viewer.lang, &block.country) {
                Some(code) => code,
                None => {
                    block.country_error =
                        Some(viewer.ta("filing-error-country", &[("name", block.country.trim())]));
                    continue;
                }
            }
        } else {
            String::new()
        };
        let kind = match block.kind.as_str() {
            // A kind the form does not offer: an edited draft keeps it as it was.
            other if !block.kind_offered => json!({ "type": other }),
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
        let (contact_name, contact_email) = (block.contact_name.trim(), block.contact_email.trim());
        let contact = match (contact_name.is_empty(), contact_email.is_empty()) {
            (true, true) => Value::Null,
            (true, false) => {
                block.contact_error = Some(viewer.t("filing-error-contact"));
                continue;
            }
            (false, _)
                if !contact_email.is_empty()
                    && !accord_domain::party::PartyContact::email_is_plausible(contact_email) =>
            {
                block.contact_error = Some(viewer.t("error-invalid-contact-email"));
                continue;
            }
            // A name needs its address.
            (false, true) => {
                block.contact_error = Some(viewer.t("error-invalid-contact-email"));
                continue;
            }
            (false, false) => json!({"name": contact_name, "email": contact_email}),
        };
        parties.push(json!({
            "id": block.id, "name": block.name, "kind": kind,
            "representatives": representatives, "consent": consent, "contact": contact
        }));
    }
    let mut third_states = vec![];
    let third_state = match page.third_state.trim() {
        "" => None,
        typed => match super::countries::code_of(viewer.lang, typed) {
            Some(code) => Some(code),
            None => {
                page.third_state_error =
                    Some(viewer.ta("filing-error-country", &[("name", typed)]));
                None
            }
        },
    };
    if let Some(country) = third_state {
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
        // The record keeps the State's English name; pages show it in each reader's language. A
        // State of an exercise takes the name typed for it.
        let name = match super::countries::known_name("en", &country) {
            Some(name) => name,
            None if !page.third_state_name.trim().is_empty() => {
                page.third_state_name.trim().to_owned()
            }
            None => country.clone(),
        };
        third_states.push(json!({
            "country": country,
            "name": name,
            "representatives": representatives,
        }));
    }
    if page
        .parties
        .iter()
        .any(|p| p.error.is_some() || p.country_error.is_some() || p.contact_error.is_some())
        || page.third_state_error.is_some()
    {
        return None;
    }
    let mut categories: Vec<String> = page
        .category_choices
        .iter()
        .filter(|(_, _, ticked)| *ticked)
        .map(|(id, _, _)| id.clone())
        .collect();
    for typed in page
        .categories
        .split([',', '，', '،'])
        .map(|c| c.trim().to_lowercase().replace(' ', "-"))
        .filter(|c| !c.is_empty())
    {
        if !categories.contains(&typed) {
            categories.push(typed);
        }
    }
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
    let body = filing_from_form(&s, &viewer, &sent, &mut page).await;
    let request = match request_from(&viewer, &mut page, body) {
        Ok(r) => r,
        Err(back) => return *back,
    };
    match s
        .accord
        .file_request(&viewer.principal.actor, &request)
        .await
    {
        Ok(view) => see_other(&format!("/cases/{}?done=filed", view.case.id)),
        Err(e) => refused(&viewer, &mut page, e),
    }
}

/// The form's values for a saved draft: what the requesting party typed, read back from the
/// case (countries by name in the viewer's language, representatives by sign-in name).
fn sent_from_draft(
    viewer: &Viewer,
    case: &accord_domain::Case,
    usernames: &std::collections::BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let mut sent = vec![
        (
            "dispute_type".to_owned(),
            case.dispute_type.as_str().to_owned(),
        ),
        ("title".to_owned(), case.title.clone()),
        ("summary".to_owned(), case.summary.clone()),
        (
            "categories".to_owned(),
            case.subject_categories
                .iter()
                .filter(|c| !CATEGORIES.contains(&c.as_str()))
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "investment".to_owned(),
            case.investment_description.clone().unwrap_or_default(),
        ),
        ("profile".to_owned(), case.profile.id.clone()),
        ("version".to_owned(), case.version.to_string()),
    ];
    sent.extend(
        case.subject_categories
            .iter()
            .filter(|c| CATEGORIES.contains(&c.as_str()))
            .map(|c| ("category".to_owned(), c.clone())),
    );
    // The requesting party's block comes first, as on a new request.
    let mut parties: Vec<&accord_domain::party::Party> = case.parties.iter().collect();
    parties.sort_by_key(|p| p.id != case.requesting_party);
    for (i, p) in parties.iter().enumerate() {
        let n = i + 1;
        let kind = serde_json::to_value(&p.kind).unwrap_or_default();
        let kind_name = kind
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("company");
        let country = ["country", "approving_state", "nationality"]
            .iter()
            .find_map(|k| kind.get(*k).and_then(Value::as_str))
            .map(|c| super::countries::name(viewer.lang, c))
            .unwrap_or_default();
        let first = p.representatives.first();
        let consent = match &p.consent {
            Some(accord_domain::party::ConsentBasis::PriorClause { reference }) => reference,
            Some(accord_domain::party::ConsentBasis::TreatyOrAgreement { instrument })
            | Some(accord_domain::party::ConsentBasis::AcceptedInvitation { instrument }) => {
                instrument
            }
            None => "",
        };
        for (k, v) in [
            ("id", p.id.clone()),
            ("name", p.name.clone()),
            ("kind", kind_name.to_owned()),
            ("country", country),
            (
                "representative",
                first
                    .and_then(|r| usernames.get(&r.user_id))
                    .cloned()
                    .unwrap_or_default(),
            ),
            (
                "authority",
                first
                    .and_then(|r| r.authority_document.clone())
                    .unwrap_or_default(),
            ),
            ("consent", consent.to_owned()),
            (
                "contact_name",
                p.contact
                    .as_ref()
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
            ),
            (
                "contact_email",
                p.contact
                    .as_ref()
                    .map(|c| c.email.clone())
                    .unwrap_or_default(),
            ),
        ] {
            sent.push((format!("p{n}_{k}"), v));
        }
    }
    if let Some(t) = case.third_states.first() {
        sent.push((
            "third_state".to_owned(),
            super::countries::name(viewer.lang, t.country.as_str()),
        ));
        if super::countries::known_name("en", t.country.as_str()).is_none() {
            sent.push(("third_state_name".to_owned(), t.name.clone()));
        }
        if let Some(rep) = t.representatives.first().and_then(|id| usernames.get(id)) {
            sent.push(("third_state_representative".to_owned(), rep.clone()));
        }
    }
    sent
}

/// What the form cannot show of a draft is kept as it was: a party's kind in full (a State's
/// convention status, a company's place of business) while its type and country are unchanged,
/// its consent basis while the text is unchanged, its further representatives and their scopes
/// while the first is the same person, further third States, the request's joint character and
/// its overrides of the rules.
fn keep_what_the_form_cannot_show(case: &accord_domain::Case, body: &mut Value) {
    let Ok(old) = serde_json::to_value(case) else {
        return;
    };
    let old_parties = old["parties"].as_array().cloned().unwrap_or_default();
    if let Some(parties) = body["parties"].as_array_mut() {
        for p in parties.iter_mut() {
            let Some(was) = old_parties.iter().find(|o| o["id"] == p["id"]) else {
                continue;
            };
            // The requesting party's block has no contact fields.
            if p["contact"].is_null() && was["id"] == json!(case.requesting_party) {
                p["contact"] = was["contact"].clone();
            }
            let same_kind = ["type", "country", "approving_state", "nationality"]
                .iter()
                .all(|k| was["kind"][*k] == p["kind"][*k]);
            let offered = was["kind"]["type"]
                .as_str()
                .is_some_and(|t| PARTY_KINDS.contains(&t));
            if same_kind || !offered {
                p["kind"] = was["kind"].clone();
            }
            let text = |c: &Value| {
                c.get("reference")
                    .or_else(|| c.get("instrument"))
                    .cloned()
                    .unwrap_or(Value::Null)
            };
            if !p["consent"].is_null() && text(&p["consent"]) == text(&was["consent"]) {
                p["consent"] = was["consent"].clone();
            }
            let old_reps = was["representatives"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let same_first = match (p["representatives"].get(0), old_reps.first()) {
                (Some(new), Some(old)) => new["user_id"] == old["user_id"],
                _ => false,
            };
            let as_input = |r: &Value| {
                json!({
                    "user_id": r["user_id"], "name": r["name"], "capacity": r["capacity"],
                    "authority_document": r["authority_document"], "scopes": r["scopes"],
                })
            };
            let mut reps: Vec<Value> = if same_first {
                // The first person as before, with the proof of authority as now typed.
                let mut first = as_input(&old_reps[0]);
                first["authority_document"] = p["representatives"][0]["authority_document"].clone();
                vec![first]
            } else {
                p["representatives"].as_array().cloned().unwrap_or_default()
            };
            // The others the form does not show stay, whoever is now first.
            for r in old_reps.iter().skip(1) {
                if !reps.iter().any(|x| x["user_id"] == r["user_id"]) {
                    reps.push(as_input(r));
                }
            }
            p["representatives"] = Value::Array(reps);
        }
    }
    let old_third = old["third_states"].as_array().cloned().unwrap_or_default();
    if let Some(third) = body["third_states"].as_array_mut() {
        // The first third State's further representatives, while it is the same State.
        if let (Some(first), Some(was)) = (third.first_mut(), old_third.first())
            && first["country"] == was["country"]
            && let Some(reps) = first["representatives"].as_array_mut()
        {
            for r in was["representatives"].as_array().into_iter().flatten() {
                if !reps.contains(r) {
                    reps.push(r.clone());
                }
            }
        }
        // The others the form does not show, each once.
        for t in old_third.iter().skip(1) {
            if !third.iter().any(|x| x["country"] == t["country"]) {
                third.push(json!({
                    "country": t["country"], "name": t["name"],
                    "representatives": t["representatives"],
                }));
            }
        }
    }
    body["joint_request"] = json!(case.joint_request);
    body["requesting_party"] = json!(case.requesting_party);
    body["profile_overrides"] = json!(case.profile.case_overrides);
}

/// Loads the viewer's own draft and the sign-in names of its representatives, or the page that
/// says why not (not the viewer's, or no longer a draft).
async fn editable_draft(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
) -> Result<
    (
        accord_domain::Case,
        std::collections::BTreeMap<String, String>,
    ),
    Response,
> {
    let names = s
        .accord
        .draft_representative_names(&viewer.principal.actor, case_id)
        .await
        .map_err(|e| error_page(viewer, e))?;
    let view = s
        .accord
        .case_view(&viewer.principal.actor, case_id)
        .await
        .map_err(|e| error_page(viewer, e))?;
    Ok((view.case, names))
}

fn editing_page(
    viewer: &Viewer,
    case: &accord_domain::Case,
    sent: &[(String, String)],
) -> FilingPage {
    let mut page = page_for(viewer, case.dispute_type.as_str(), sent);
    let here = format!("/cases/{}/draft", case.id);
    page.page = viewer
        .frame("filing-edit-title", "/")
        .at(&here)
        .titled(format!(
            "{} — {}",
            case.reference,
            viewer.t("filing-edit-title")
        ));
    page.post_to = here;
    page.editing = true;
    page
}

/// `GET /cases/{case_id}/draft`: the requesting party's draft in the filing form, to edit
/// before it is submitted.
pub async fn draft_form(
    State(s): State<AppState>,
    viewer: Viewer,
    axum::extract::Path(case_id): axum::extract::Path<String>,
) -> Response {
    match editable_draft(&s, &viewer, &case_id).await {
        Ok((case, names)) => {
            let sent = sent_from_draft(&viewer, &case, &names);
            html(StatusCode::OK, &editing_page(&viewer, &case, &sent))
        }
        Err(page) => page,
    }
}

/// `POST /cases/{case_id}/draft`: saves the edited draft (`amend-draft`) and opens its case
/// page; a refused form comes back with what was typed.
pub async fn draft_submit(
    State(s): State<AppState>,
    axum::extract::Path(case_id): axum::extract::Path<String>,
    CheckedForm(viewer, sent): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let (case, _) = match editable_draft(&s, &viewer, &case_id).await {
        Ok(d) => d,
        Err(page) => return page,
    };
    let mut sent = sent;
    sent.retain(|(k, _)| k != "dispute_type");
    sent.push((
        "dispute_type".to_owned(),
        case.dispute_type.as_str().to_owned(),
    ));
    let mut page = editing_page(&viewer, &case, &sent);
    let mut body = filing_from_form(&s, &viewer, &sent, &mut page).await;
    if let Some(body) = body.as_mut() {
        keep_what_the_form_cannot_show(&case, body);
    }
    let request = match request_from(&viewer, &mut page, body) {
        Ok(r) => r,
        Err(back) => return *back,
    };
    let amend = accord_domain::Command::AmendDraft {
        request: Box::new(request),
    };
    match s
        .accord
        .act(
            &viewer.principal.actor,
            &case_id,
            &amend,
            value(&sent, "version").parse::<i64>().ok(),
        )
        .await
    {
        Ok(_) => see_other(&format!("/cases/{case_id}?done=amend-draft")),
        Err(e) => refused(&viewer, &mut page, e),
    }
}

/// The request a filing form makes, or the form back with what stops it: fields to correct
/// (`body` is `None`), or a body that does not read as a request.
fn request_from(
    viewer: &Viewer,
    page: &mut FilingPage,
    body: Option<Value>,
) -> Result<accord_domain::command::FileRequest, Box<Response>> {
    let Some(body) = body else {
        page.page.alert = Some((viewer.t("web-error-fields"), "invalid-form".to_owned()));
        return Err(Box::new(html(StatusCode::UNPROCESSABLE_ENTITY, &*page)));
    };
    serde_json::from_value(body).map_err(|e| {
        page.page.alert = Some((
            viewer.ta("filing-error-invalid", &[("detail", &e.to_string())]),
            "invalid-request-body".to_owned(),
        ));
        Box::new(html(StatusCode::UNPROCESSABLE_ENTITY, &*page))
    })
}

/// A filing or an amendment the service refused: the form back with the refusal in words, or
/// the error page for a service failure.
fn refused(viewer: &Viewer, page: &mut FilingPage, e: AppError) -> Response {
    if let AppError::Storage(_) = e {
        return error_page(viewer, e);
    }
    let api = ApiError::from(e);
    page.page.alert = Some((error_message(viewer.lang, &api), api.code.to_owned()));
    html(api.status, &*page)
}
