//! Rule changes by an institution's governing body, recorded as new versions of a profile.
//!
//! A decision — its text, the day it was taken, from when it applies and the rules it sets —
//! makes the next version of a preset (version 1 is the preset shipped with Accord). Which
//! version applies to a case:
//! * a request is filed under the version in force when it is filed;
//! * screening registers a request under the version in force at registration (the request
//!   moves to it, keeping its per-case overrides, with `profile-version-adopted`);
//! * a registered case keeps its version until every active party agrees to a newer one in force
//!   (`agree-profile-version`); running periods keep their dates, the new rules apply to periods
//!   that start after the adoption.
//!
//! Recorded versions are append-only: each names who recorded it and when, and carries every
//! decision that led to it ([`Profile::decisions`]), so the list of versions is the audit trail.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode};
use crate::profile::{DAY_BOUNDS, OPTION_FIELDS, Profile, RuleDecision};

/// At most this many rules set by one decision.
pub const CHANGES_MAX: usize = 40;
/// A governing body may set a period of 1 to this many days (wider than a case's overrides:
/// those bounds protect a case from its parties' drafting, not the institution from itself).
pub const RULE_DAYS_MAX: u64 = 730;
/// Fields a decision may set besides the periods and per-case options.
const DECIDED_FIELDS: &[&str] = &["non_contracting_parties_served", "scope_exclusions", "name"];

/// A recorded version of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProfileVersion {
    /// The profile as the version sets it (its last decision made it).
    pub profile: Profile,
    /// The user who recorded the decision.
    pub recorded_by: String,
    /// When it was recorded.
    #[schemars(with = "String")]
    pub recorded_at: Timestamp,
}

impl ProfileVersion {
    /// The decision that made this version.
    pub fn decision(&self) -> Option<&RuleDecision> {
        self.profile.decisions.last()
    }

    /// From when the version applies.
    pub fn in_force_from(&self) -> Option<Timestamp> {
        self.decision().map(|d| d.in_force_from)
    }
}

/// A decision as the authorised user records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// The decision's text, as adopted (cited to the parties of every case under it).
    pub text: String,
    /// The day the governing body decided (not later than today).
    #[schemars(with = "String")]
    pub decided_on: Date,
    /// From when it applies (now when absent; never in the past, nor before the version it
    /// follows).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub in_force_from: Option<Timestamp>,
    /// The rules it sets: a period (1 to 730 days), a per-case option,
    /// `non_contracting_parties_served`, `scope_exclusions` or `name`. A value equal to the
    /// interim one confirms the rule; either way its pending mark goes.
    pub changes: BTreeMap<String, serde_json::Value>,
}

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::invalid(ErrorCode::InvalidRuleDecision, message)
}

/// The latest recorded version of preset `id`, if any.
pub fn latest<'a>(id: &str, versions: &'a [ProfileVersion]) -> Option<&'a ProfileVersion> {
    versions
        .iter()
        .filter(|v| v.profile.id == id)
        .max_by_key(|v| v.profile.version)
}

/// The version of preset `id` in force at `now`: the highest recorded version whose decision
/// applies by then, else the preset (`unknown-profile` for an unknown id).
pub fn in_force(
    id: &str,
    versions: &[ProfileVersion],
    now: Timestamp,
) -> Result<Profile, DomainError> {
    let preset = Profile::preset(id)?;
    Ok(versions
        .iter()
        .filter(|v| v.profile.id == id && v.in_force_from().is_some_and(|at| at <= now))
        .max_by_key(|v| v.profile.version)
        .map_or(preset, |v| v.profile.clone()))
}

/// Version `version` of preset `id` (1 is the preset itself).
pub fn version(id: &str, version: u32, versions: &[ProfileVersion]) -> Option<Profile> {
    if version == 1 {
        return Profile::preset(id).ok();
    }
    versions
        .iter()
        .find(|v| v.profile.id == id && v.profile.version == version)
        .map(|v| v.profile.clone())
}

/// `newer` with the case's overrides applied again (a case keeps what its parties set).
pub fn with_case_overrides(
    newer: &Profile,
    case_profile: &Profile,
) -> Result<Profile, DomainError> {
    newer.with_overrides(&case_profile.case_overrides)
}

/// The profile screening applies to a request under `case_profile`: the version in force at
/// `now` when it is newer, with the request's overrides; `None` when the request's is in force.
pub fn screening_profile(
    case_profile: &Profile,
    versions: &[ProfileVersion],
    now: Timestamp,
) -> Result<Option<Profile>, DomainError> {
    let current = match in_force(&case_profile.id, versions, now) {
        Ok(p) => p,
        // A profile that is no preset (none is today) keeps its own rules.
        Err(_) => return Ok(None),
    };
    if current.version <= case_profile.version {
        return Ok(None);
    }
    with_case_overrides(&current, case_profile).map(Some)
}

/// The next version of preset `id` that a decision makes, checked: the text is given, the day
/// of the decision is not after today, it applies from now or later (and not before the version
/// it follows), and it sets at least one rule, each to a value the rule accepts
/// (`invalid-rule-decision` otherwise; `unknown-profile` for an unknown preset).
pub fn decide_rule_change(
    id: &str,
    input: &DecisionInput,
    versions: &[ProfileVersion],
    now: Timestamp,
) -> Result<Profile, DomainError> {
    let preset = Profile::preset(id)?;
    let previous = latest(id, versions);
    let base = previous.map_or(preset, |v| v.profile.clone());
    let text = input.text.trim();
    if text.is_empty() {
        return Err(invalid("the decision's text is required"));
    }
    if text.chars().count() > crate::decide::limits::TEXT_MAX {
        return Err(invalid(format!(
            "the decision's text is at most {} characters",
            crate::decide::limits::TEXT_MAX
        )));
    }
    let today = base.calendar.day_of(now);
    if input.decided_on > today {
        return Err(invalid(format!(
            "the decision is dated {}, after today at the seat ({today}, {}); record it once it is taken",
            input.decided_on, base.calendar.time_zone
        )));
    }
    let in_force_from = input.in_force_from.unwrap_or(now);
    if in_force_from < now {
        return Err(invalid(
            "the day it applies from is in the past: a decision applies from when it is recorded or later",
        ));
    }
    if let Some(at) = previous.and_then(ProfileVersion::in_force_from)
        && in_force_from < at
    {
        return Err(invalid(format!(
            "'in_force_from' is before version {} applies ({at}); a later version cannot apply earlier",
            base.version
        )));
    }
    if input.changes.is_empty() {
        return Err(invalid("a decision sets at least one rule ('changes')"));
    }
    if input.changes.len() > CHANGES_MAX {
        return Err(invalid(format!(
            "a decision sets at most {CHANGES_MAX} rules"
        )));
    }
    let mut value = serde_json::to_value(&base).map_err(|e| invalid(e.to_string()))?;
    let map = value
        .as_object_mut()
        .ok_or_else(|| invalid("the profile is not an object"))?;
    for (field, v) in &input.changes {
        if DAY_BOUNDS.iter().any(|(f, _, _)| f == field) {
            let n = v
                .as_u64()
                .ok_or_else(|| invalid(format!("'{field}' is a whole number of days")))?;
            if !(1..=RULE_DAYS_MAX).contains(&n) {
                return Err(invalid(format!(
                    "'{field}' is 1 to {RULE_DAYS_MAX} days, not {n}"
                )));
            }
        } else if !OPTION_FIELDS.contains(&field.as_str())
            && !DECIDED_FIELDS.contains(&field.as_str())
        {
            return Err(invalid(format!(
                "'{field}' is not a rule a decision can set"
            )));
        }
        map.insert(field.clone(), v.clone());
    }
    let mut next: Profile = serde_json::from_value(value)
        .map_err(|e| invalid(format!("a rule is given a value of the wrong kind: {e}")))?;
    next.calendar.validate()?;
    if next.name.trim().is_empty() {
        return Err(invalid("'name' must not be empty"));
    }
    next.version = base.version + 1;
    next.pending_rules
        .retain(|r| !input.changes.contains_key(&r.field));
    next.pending_governing_council_rules = !next.pending_rules.is_empty();
    next.decisions.push(RuleDecision {
        version: next.version,
        text: text.to_owned(),
        decided_on: input.decided_on,
        in_force_from,
        changes: input.changes.clone(),
    });
    Ok(next)
}
