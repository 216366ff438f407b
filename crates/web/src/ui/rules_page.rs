//! The procedural rules page: each profile at its version in force, the rules awaiting the
//! governing body's decision, every decision recorded (who recorded it and when — the audit
//! trail), and, for the Secretariat and the Governing Council, the form that records a decision
//! on the pending rules as the profile's next version.

use std::collections::BTreeMap;

use accord_app::AppError;
use accord_app::rules::ProfileHistory;
use accord_domain::profile::Profile;
use accord_domain::rule_change::{self, DecisionInput};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::action_forms::FieldError;
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

/// A rule's name in the viewer's language (`rule-<field>`), else the profile's own words.
fn rule_label(viewer: &Viewer, field: &str, fallback: &str) -> String {
    accord_i18n::message(
        viewer.lang,
        &format!("rule-{}", field.replace('_', "-")),
        &[],
    )
    .unwrap_or_else(|| fallback.to_owned())
}

/// One rule a decision set, as it reads: its name and its value.
pub(super) fn change_text(
    viewer: &Viewer,
    history: &ProfileHistory,
    field: &str,
    value: &Value,
) -> String {
    let question = history
        .preset
        .pending_rules
        .iter()
        .find(|r| r.field == field)
        .map_or(field, |r| r.question.as_str());
    format!(
        "{}: {}",
        rule_label(viewer, field, question),
        value_text(viewer, field, value)
    )
}

/// A preset's name in the viewer's language (`profile-<id>`, with "with case overrides" where
/// the case set any) unless a decision renamed it.
pub(super) fn profile_name(viewer: &Viewer, profile: &Profile) -> String {
    let own = profile
        .name
        .strip_suffix(" (with case overrides)")
        .unwrap_or(&profile.name);
    let preset = Profile::preset(&profile.id).ok();
    let translated = accord_i18n::message(viewer.lang, &format!("profile-{}", profile.id), &[]);
    match translated {
        Some(name) if preset.is_some_and(|p| p.name == own) => {
            if profile.case_overrides.is_empty() {
                name
            } else {
                format!("{name} ({})", viewer.t("profile-with-overrides"))
            }
        }
        _ => profile.name.clone(),
    }
}

/// What a refused form sent back: for which profile, its values and the fields in error.
#[derive(Default)]
struct Sent<'a> {
    profile: &'a str,
    values: Option<&'a BTreeMap<String, String>>,
    errors: &'a [FieldError],
}

impl Sent<'_> {
    fn value(&self, profile: &str, name: &str) -> String {
        self.values
            .filter(|_| self.profile == profile)
            .and_then(|v| v.get(name).cloned())
            .unwrap_or_default()
    }

    fn error(&self, viewer: &Viewer, profile: &str, name: &str) -> Option<String> {
        if self.profile != profile {
            return None;
        }
        self.errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| viewer.t(e.message))
    }
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
    sent: &Sent<'_>,
) -> Option<FieldView> {
    let current = serde_json::to_value(profile).ok()?.get(field).cloned()?;
    let name = format!("rule.{field}");
    let base = FieldView {
        id: format!("{}-rule-{}", profile.id, field.replace('_', "-")),
        label: rule_label(viewer, field, question),
        kind: "days",
        options: vec![],
        required: false,
        value: sent.value(&profile.id, &name),
        error: sent.error(viewer, &profile.id, &name),
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
        Value::Number(_) => Some(FieldView {
            label: format!("{} ({})", base.label, viewer.t("rules-in-days")),
            ..base
        }),
        _ => None,
    }
}

fn section(
    viewer: &Viewer,
    history: &ProfileHistory,
    may_record: bool,
    sent: &Sent<'_>,
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
                question: rule_label(viewer, &r.field, &r.question),
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
                    .map(|(field, value)| change_text(viewer, history, field, value))
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
            value: sent.value(&latest.id, name),
            error: sent.error(viewer, &latest.id, name),
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
        heading: profile_name(viewer, current),
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
    sent: &Sent<'_>,
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
    render(&s, &viewer, StatusCode::OK, notice, None, &Sent::default()).await
}

/// Notes a field's error.
fn field_error(errors: &mut Vec<FieldError>, field: &str, message: &'static str) {
    errors.push(FieldError {
        field: field.to_owned(),
        message,
    });
}

/// The decision the form describes: the day it applies from is taken from its start at the
/// profile's seat (today, or no day, means from now); a pending rule left "not decided" (or
/// empty) is not part of it. What a person can get wrong in the form is answered next to the
/// field, in their language; the rules check the rest.
fn decision_from_form(
    profile: &Profile,
    values: &BTreeMap<String, String>,
    now: jiff::Timestamp,
) -> Result<DecisionInput, Vec<FieldError>> {
    let mut errors = vec![];
    let get = |k: &str| values.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let today = profile.calendar.day_of(now);
    let text = get("text").unwrap_or_default().to_owned();
    if text.is_empty() {
        field_error(&mut errors, "text", "web-error-required");
    }
    let decided_on = match get("decided_on").map(str::parse::<jiff::civil::Date>) {
        None => {
            field_error(&mut errors, "decided_on", "web-error-required");
            None
        }
        Some(Err(_)) => {
            field_error(&mut errors, "decided_on", "rules-error-date");
            None
        }
        Some(Ok(d)) if d > today => {
            field_error(&mut errors, "decided_on", "rules-error-decided-future");
            None
        }
        Some(Ok(d)) => Some(d),
    };
    let in_force_from = match get("in_force_from").map(str::parse::<jiff::civil::Date>) {
        None => None,
        Some(Err(_)) => {
            field_error(&mut errors, "in_force_from", "rules-error-date");
            None
        }
        Some(Ok(d)) if d < today => {
            field_error(&mut errors, "in_force_from", "rules-error-in-force-past");
            None
        }
        Some(Ok(d)) if d == today => None,
        Some(Ok(d)) => match d.to_zoned_datetime(profile.calendar.tz()) {
            Ok(z) => Some(z.timestamp()),
            Err(_) => {
                field_error(&mut errors, "in_force_from", "rules-error-date");
                None
            }
        },
    };
    let mut changes = BTreeMap::new();
    for key in values.keys() {
        let (Some(field), Some(v)) = (key.strip_prefix("rule."), get(key)) else {
            continue;
        };
        let value = match v {
            "yes" => Value::Bool(true),
            "no" => Value::Bool(false),
            n => match n.parse::<u64>() {
                Ok(n) if (1..=rule_change::RULE_DAYS_MAX).contains(&n) => Value::from(n),
                _ => {
                    field_error(&mut errors, key, "rules-error-days");
                    continue;
                }
            },
        };
        changes.insert(field.to_owned(), value);
    }
    if changes.is_empty()
        && errors.is_empty()
        && let Some(first) = profile.pending_rules.first()
    {
        field_error(
            &mut errors,
            &format!("rule.{}", first.field),
            "rules-error-no-rule",
        );
    }
    match decided_on {
        Some(decided_on) if errors.is_empty() => Ok(DecisionInput {
            text,
            decided_on,
            in_force_from,
            changes,
        }),
        _ => Err(errors),
    }
}

/// `POST /rules/{profile_id}/decisions`: records a decision from the form.
pub async fn record_decision(
    State(s): State<AppState>,
    Path(profile_id): Path<String>,
    CheckedForm(viewer, values): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let values: BTreeMap<String, String> =
        values.into_iter().filter(|(k, _)| k != "csrf").collect();
    if !accord_domain::policy::can_record_rule_decision(&viewer.principal.actor) {
        let alert = Some((viewer.t("rules-error-forbidden"), "forbidden".to_owned()));
        return render(
            &s,
            &viewer,
            StatusCode::FORBIDDEN,
            None,
            alert,
            &Sent::default(),
        )
        .await;
    }
    let history = match s.accord.profile_history(&profile_id).await {
        Ok(h) => h,
        Err(e) => return error_page(&viewer, e),
    };
    let latest = history
        .versions
        .last()
        .map_or(&history.preset, |v| &v.profile);
    let input = match decision_from_form(latest, &values, s.accord.clock().now()) {
        Ok(input) => input,
        Err(errors) => {
            let sent = Sent {
                profile: &profile_id,
                values: Some(&values),
                errors: &errors,
            };
            let alert = Some((viewer.t("web-error-fields"), "invalid-form".to_owned()));
            return render(
                &s,
                &viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                alert,
                &sent,
            )
            .await;
        }
    };
    match s
        .accord
        .record_rule_decision(&viewer.principal.actor, &profile_id, &input)
        .await
    {
        Ok(_) => see_other(&format!("/rules?done=1#{profile_id}")),
        Err(
            e @ (AppError::Storage(_) | AppError::Integrity { .. } | AppError::NotFound { .. }),
        ) => error_page(&viewer, e),
        Err(e) => {
            // The worded message, and the rules' own words on what exactly is wrong.
            let api = ApiError::from(e);
            let message = error_message(viewer.lang, &api);
            let alert = Some((format!("{message} ({})", api.message), api.code.to_owned()));
            let sent = Sent {
                profile: &profile_id,
                values: Some(&values),
                errors: &[],
            };
            render(&s, &viewer, api.status, None, alert, &sent).await
        }
    }
}
