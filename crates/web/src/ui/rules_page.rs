//! The procedural rules page: each profile at its version in force, the rules awaiting the
//! governing body's decision, every decision recorded (who recorded it and when — the audit
//! trail), and, for the Secretariat and the Governing Council, the form that records a decision
//! on the pending rules as the profile's next version.

use std::collections::BTreeMap;

use accord_app::AppError;
use accord_app::rules::ProfileHistory;
use accord_domain::profile::Profile;
use accord_domain::rule_change::DecisionInput;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::case_page::FieldView;
use super::frame::{PageFrame, html, see_other};
use super::respond::{error_message, error_page};
use super::viewer::{CheckedForm, Viewer};
use crate::AppState;
use crate::error::ApiError;

/// A rule awaiting the decision, with its value meanwhile.
struct PendingLine {
    question: String,
    interim: String,
}

/// A recorded decision (one version).
struct DecisionLine {
    version: String,
    decided_on: String,
    in_force_from: String,
    text: String,
    changes: Vec<String>,
    recorded: String,
}

/// One profile's section.
struct ProfileSection {
    id: String,
    heading: String,
    in_force: String,
    pending: Vec<PendingLine>,
    decisions: Vec<DecisionLine>,
    /// The decision form (for those who may record one, while rules are pending).
    form: Option<DecisionForm>,
}

/// The form recording a decision on the pending rules.
struct DecisionForm {
    post_to: String,
    fields: Vec<FieldView>,
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    page: PageFrame,
    intro: String,
    profiles: Vec<ProfileSection>,
}

/// Query of the rules page: `done` after a decision was recorded.
#[derive(Debug, Deserialize, Default)]
pub struct RulesQuery {
    done: Option<String>,
}

/// How a value of a rule reads.
fn value_text(viewer: &Viewer, field: &str, v: &Value) -> String {
    match v {
        Value::Bool(true) => viewer.t("rules-yes"),
        Value::Bool(false) => viewer.t("rules-no"),
        Value::Number(n) if accord_domain::profile::day_bounds(field).is_some() => {
            viewer.ta("rules-days", &[("days", &n.to_string())])
        }
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The field of the decision form for a pending rule: yes/no for a switch, a number of days
/// for a period; other rules are decided through the API.
fn pending_field(
    viewer: &Viewer,
    profile: &Profile,
    field: &str,
    question: &str,
    sent: &BTreeMap<String, String>,
) -> Option<FieldView> {
    let current = serde_json::to_value(profile).ok()?.get(field).cloned()?;
    let name = format!("rule.{field}");
    let base = FieldView {
        id: format!("{}-rule-{}", profile.id, field.replace('_', "-")),
        label: question.to_owned(),
        kind: "number",
        options: vec![],
        required: false,
        value: sent.get(&name).cloned().unwrap_or_default(),
        error: None,
        name,
    };
    match current {
        Value::Bool(_) => Some(FieldView {
            kind: "choice",
            options: vec![
                (String::new(), viewer.t("rules-not-decided")),
                ("yes".into(), viewer.t("rules-yes")),
                ("no".into(), viewer.t("rules-no")),
            ],
            ..base
        }),
        Value::Number(_) => Some(base),
        _ => None,
    }
}

fn section(
    viewer: &Viewer,
    history: &ProfileHistory,
    may_record: bool,
    sent: &BTreeMap<String, String>,
) -> ProfileSection {
    let current = history
        .versions
        .iter()
        .find(|v| v.profile.version == history.in_force)
        .map_or(&history.preset, |v| &v.profile);
    let latest = history
        .versions
        .last()
        .map_or(&history.preset, |v| &v.profile);
    let in_force = history.in_force.to_string();
    let pending = latest
        .pending_rules
        .iter()
        .map(|r| {
            let interim = serde_json::to_value(latest)
                .ok()
                .and_then(|p| p.get(&r.field).cloned())
                .map(|v| value_text(viewer, &r.field, &v))
                .unwrap_or_default();
            PendingLine {
                question: r.question.clone(),
                interim,
            }
        })
        .collect();
    let decisions = history
        .versions
        .iter()
        .rev()
        .filter_map(|v| {
            let d = v.decision()?;
            Some(DecisionLine {
                version: v.profile.version.to_string(),
                decided_on: accord_i18n::format::date_of(
                    viewer.lang,
                    d.decided_on.year(),
                    d.decided_on.month(),
                    d.decided_on.day(),
                ),
                in_force_from: viewer.when_ms(d.in_force_from.as_millisecond()),
                text: d.text.clone(),
                changes: d
                    .changes
                    .iter()
                    .map(|(field, value)| {
                        let question = latest
                            .pending_rules
                            .iter()
                            .chain(history.preset.pending_rules.iter())
                            .find(|r| &r.field == field)
                            .map_or_else(|| field.clone(), |r| r.question.clone());
                        format!("{question}: {}", value_text(viewer, field, value))
                    })
                    .collect(),
                recorded: viewer.ta(
                    "rules-recorded-by",
                    &[
                        (
                            "user",
                            history
                                .recorders
                                .get(&v.recorded_by)
                                .unwrap_or(&v.recorded_by)
                                .as_str(),
                        ),
                        ("when", &viewer.when_ms(v.recorded_at.as_millisecond())),
                    ],
                ),
            })
        })
        .collect();
    let form = (may_record && !latest.pending_rules.is_empty()).then(|| {
        let text = |name: &str, label: &str, kind: &'static str, required: bool| FieldView {
            id: format!("{}-{}", latest.id, name.replace('_', "-")),
            name: name.to_owned(),
            label: viewer.t(label),
            kind,
            options: vec![],
            required,
            value: sent.get(name).cloned().unwrap_or_default(),
            error: None,
        };
        let mut fields = vec![
            text("text", "field-decision-text", "long", true),
            text("decided_on", "field-decided-on", "date", true),
            text("in_force_from", "field-in-force-from", "date", false),
        ];
        fields.extend(
            latest
                .pending_rules
                .iter()
                .filter_map(|r| pending_field(viewer, latest, &r.field, &r.question, sent)),
        );
        DecisionForm {
            post_to: format!("/rules/{}/decisions", latest.id),
            fields,
        }
    });
    ProfileSection {
        id: current.id.clone(),
        heading: current.name.clone(),
        in_force: viewer.ta("rules-version-in-force", &[("version", &in_force)]),
        pending,
        decisions,
        form,
    }
}

async fn render(
    s: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    notice: Option<String>,
    alert: Option<(String, String)>,
    sent: &BTreeMap<String, String>,
) -> Response {
    let may_record = accord_domain::policy::can_record_rule_decision(&viewer.principal.actor);
    let mut profiles = vec![];
    for preset in Profile::presets() {
        match s.accord.profile_history(&preset.id).await {
            Ok(h) => profiles.push(section(viewer, &h, may_record, sent)),
            Err(e) => return error_page(viewer, e),
        }
    }
    let mut page = viewer.frame("rules-title", "/rules");
    page.notice = notice;
    page.alert = alert;
    html(
        status,
        &RulesPage {
            page,
            intro: viewer.t("rules-intro"),
            profiles,
        },
    )
}

/// `GET /rules`.
pub async fn rules_page(
    State(s): State<AppState>,
    viewer: Viewer,
    Query(q): Query<RulesQuery>,
) -> Response {
    let notice = q.done.map(|_| viewer.t("rules-decision-recorded"));
    render(&s, &viewer, StatusCode::OK, notice, None, &BTreeMap::new()).await
}

/// The decision the form describes: the day it applies from is taken from its start at the
/// profile's seat (today, or no day, means from now); a pending rule left "not decided" (or
/// empty) is not part of it.
fn decision_from_form(
    profile: &Profile,
    values: &BTreeMap<String, String>,
    now: jiff::Timestamp,
) -> Result<DecisionInput, AppError> {
    let bad = |m: &str| AppError::invalid("invalid-rule-decision", m.to_owned());
    let get = |k: &str| values.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let decided_on: jiff::civil::Date = get("decided_on")
        .ok_or_else(|| bad("the day of the decision is required"))?
        .parse()
        .map_err(|_| bad("the day of the decision is a date (YYYY-MM-DD)"))?;
    let in_force_day: Option<jiff::civil::Date> = get("in_force_from")
        .map(|d| {
            d.parse()
                .map_err(|_| bad("the day it applies from is a date (YYYY-MM-DD)"))
        })
        .transpose()?;
    let in_force_from = match in_force_day {
        None => None,
        Some(day) if day == profile.calendar.day_of(now) => None,
        Some(day) => Some(
            day.to_zoned_datetime(profile.calendar.tz())
                .map_err(|_| bad("the day it applies from cannot be placed in time"))?
                .timestamp(),
        ),
    };
    let mut changes = BTreeMap::new();
    for key in values.keys() {
        let (Some(field), Some(v)) = (key.strip_prefix("rule."), get(key)) else {
            continue;
        };
        let value = match v {
            "yes" => Value::Bool(true),
            "no" => Value::Bool(false),
            n => Value::from(
                n.parse::<u64>()
                    .map_err(|_| bad("a period is a whole number of days"))?,
            ),
        };
        changes.insert(field.to_owned(), value);
    }
    Ok(DecisionInput {
        text: get("text").unwrap_or_default().to_owned(),
        decided_on,
        in_force_from,
        changes,
    })
}

/// `POST /rules/{profile_id}/decisions`: records a decision from the form.
pub async fn record_decision(
    State(s): State<AppState>,
    Path(profile_id): Path<String>,
    CheckedForm(viewer, values): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let values: BTreeMap<String, String> =
        values.into_iter().filter(|(k, _)| k != "csrf").collect();
    let history = match s.accord.profile_history(&profile_id).await {
        Ok(h) => h,
        Err(e) => return error_page(&viewer, e),
    };
    let latest = history
        .versions
        .last()
        .map_or(&history.preset, |v| &v.profile);
    let result = match decision_from_form(latest, &values, s.accord.clock().now()) {
        Ok(input) => {
            s.accord
                .record_rule_decision(&viewer.principal.actor, &profile_id, &input)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => see_other(&format!("/rules?done=1#{profile_id}")),
        Err(
            e @ (AppError::Storage(_) | AppError::Integrity { .. } | AppError::NotFound { .. }),
        ) => error_page(&viewer, e),
        Err(e) => {
            // The worded message, and the service's own words on what exactly is wrong.
            let api = ApiError::from(e);
            let message = error_message(viewer.lang, &api);
            let alert = Some((format!("{message} ({})", api.message), api.code.to_owned()));
            render(&s, &viewer, api.status, None, alert, &values).await
        }
    }
}
