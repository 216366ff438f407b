//! Procedural profiles: the time limits, defaults and options of a case, as versioned data.
//!
//! Nothing procedural is hard-coded in the state machine: every number it uses comes from the
//! [`Profile`] chosen when the case is filed, copied into the case so that later edits of a preset
//! never change a running case. Every number of the IOMed default is marked as pending the
//! organisation's own rules (`pending_governing_council_rules`), since the IOMed has not published
//! them; the values are taken from the closest analogue (docs/PROCEDURE.md, procedural profiles).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode};
use crate::party::DisputeType;
use crate::period::{Holiday, PeriodCalendar, WeekDay};

/// What happens when an invitation to mediate is not answered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InvitationLapse {
    /// The inviting party may elect to treat the invitation as rejected (Model Law).
    TreatAsRejected,
    /// The invitation lapses by itself (ICC / HKIAC style).
    AutoLapse,
}

/// Whether caucus content may be relayed without the source party's authorisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RelayDefault {
    /// Nothing passes without the source party's authorisation of the exact excerpt (ICSID R17(4)).
    AuthorisationRequired,
    /// Shareable unless marked confidential (Model Law option).
    ShareableUnlessConfidential,
}

/// How much of the parties' negotiation preferences the mediator sees.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum NegotiationDisclosure {
    /// The mediator sees the analysis (efficient packages, fair points, which packages clear
    /// every reservation) but no party's weights, scores, utilities or reservation.
    #[default]
    AnalysisOnly,
    /// The mediator also sees each party's preferences and utilities, as in a caucus.
    Full,
}

/// What screening does with a commercial dispute in a subject matter outside the Singapore
/// Convention (Art. 1(2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExcludedTreatment {
    /// The request is not registered (`guard-excluded-subject-matter` at registration; the
    /// Secretariat refuses it with reasons).
    Refuse,
    /// The request is registered; its settlement cannot opt in to the Convention and says why.
    RegisterOutsideConvention,
}

/// A subject-matter category the Singapore Convention does not cover, as the profile treats it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeExclusion {
    /// The request's subject category, such as `consumer`.
    pub category: String,
    /// The rule that excludes it, as cited to the parties.
    pub rule: String,
    /// Refused, or registered outside the Convention.
    pub treatment: ExcludedTreatment,
}

/// The categories of Singapore Convention Art. 1(2), treated alike.
pub fn singapore_exclusions(treatment: ExcludedTreatment) -> Vec<ScopeExclusion> {
    [
        ("consumer", "Singapore Convention Art. 1(2)(a): a dispute arising from transactions engaged in by a consumer for personal, family or household purposes"),
        ("family", "Singapore Convention Art. 1(2)(b): family law"),
        ("inheritance", "Singapore Convention Art. 1(2)(b): inheritance law"),
        ("employment", "Singapore Convention Art. 1(2)(b): employment law"),
    ]
    .into_iter()
    .map(|(category, rule)| ScopeExclusion {
        category: category.into(),
        rule: rule.into(),
        treatment,
    })
    .collect()
}

fn default_scope_exclusions() -> Vec<ScopeExclusion> {
    singapore_exclusions(ExcludedTreatment::Refuse)
}

/// What a third State's refusal of its consent does to the request.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ThirdStateRefusal {
    /// The request is not registered: the case ends `NOT_COMMENCED` (`third-state-declined`),
    /// the State's reasons recorded and given to the parties.
    #[default]
    NotCommenced,
    /// The refusal is recorded and registration stays blocked; the State may still consent, or
    /// the Secretariat refuses the request.
    RequestStaysOpen,
}

/// Which event fixes the commencement date of the mediation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CommencementRule {
    /// Date of registration (ICSID).
    Registration,
    /// Date the request was received (ICC, WIPO).
    Receipt,
}

/// A procedural profile. All periods are calendar days, counted as its [`PeriodCalendar`] says:
/// from the day after the triggering event to 24:00 of the last day in the profile's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Stable id of the preset, such as `iomed-default`.
    pub id: String,
    /// Version of the preset.
    pub version: u32,
    /// Human name.
    pub name: String,
    /// True while the numbers are placeholders awaiting the institution's rules.
    pub pending_governing_council_rules: bool,
    /// Days to pay the lodging fee after filing.
    pub lodging_fee_days: u32,
    /// Days to answer an invitation, State–State and investor–State.
    pub invitation_response_days_state: u32,
    /// Days to answer an invitation, commercial.
    pub invitation_response_days_commercial: u32,
    /// What an unanswered invitation becomes.
    pub invitation_lapse: InvitationLapse,
    /// Days after registration to agree the number of mediators (then one by default).
    pub mediator_number_days: u32,
    /// Days after registration to appoint by agreement (then the Secretariat may appoint on request).
    pub appointment_by_agreement_days: u32,
    /// Days the Secretariat has to appoint once asked (best efforts).
    pub institution_appointment_days: u32,
    /// Days with no appointment step after which the case terminates.
    pub inactivity_days: u32,
    /// Days an appointee has to accept and sign the declaration.
    pub acceptance_days: u32,
    /// Days the parties have to object to an appointee's or mediator's disclosure.
    pub disclosure_objection_days: u32,
    /// Days after transmittal of the file for initial written statements.
    pub initial_statements_days: u32,
    /// Days after transmittal of the file for the first session.
    pub first_session_days: u32,
    /// Days after transmittal for each party's deposit.
    pub deposit_due_days: u32,
    /// Days after a deposit's due date before the default notice.
    pub nonpayment_notice_days: u32,
    /// Days after the default notice before suspension.
    pub nonpayment_suspension_days: u32,
    /// Days of suspension for non-payment before termination.
    pub nonpayment_termination_days: u32,
    /// Caucus relay default.
    pub relay_default: RelayDefault,
    /// A party may withdraw only after the first session's protocol (ICC Art. 7(2) style).
    pub withdrawal_requires_protocol: bool,
    /// Which event fixes the commencement date.
    pub commencement: CommencementRule,
    /// Non-contracting States and international organisations may be served (Governing Council
    /// rules in force).
    pub non_contracting_parties_served: bool,
    /// What the mediator sees of the parties' negotiation preferences.
    #[serde(default)]
    pub negotiation_disclosure: NegotiationDisclosure,
    /// What a third State's refusal of its consent does to the request.
    #[serde(default)]
    pub third_state_refusal: ThirdStateRefusal,
    /// The parties may ask the Secretariat to appoint before the period for appointment by
    /// agreement has run, when every party asks (after it, any one party may).
    #[serde(default)]
    pub joint_secretariat_appointment: bool,
    /// Commercial subject matters outside the Singapore Convention, flagged at screening and
    /// refused or registered outside the Convention (profiles recorded before this: refused).
    #[serde(default = "default_scope_exclusions")]
    pub scope_exclusions: Vec<ScopeExclusion>,
    /// How periods are counted: the zone their last day ends in, and business-day extension.
    /// Profiles recorded before calendars existed count in UTC without extension.
    #[serde(default)]
    pub calendar: PeriodCalendar,
    /// Days the parties have, when one of several co-mediators leaves, to agree to continue with
    /// the others; without every party's agreement in time the case is suspended for the vacancy.
    #[serde(default = "default_co_mediation_vacancy_days")]
    pub co_mediation_vacancy_days: u32,
    /// How many days before each deadline whoever must act is reminded (at 08:00 in their own
    /// time zone). Not serialised while it is the default (7 and 1), so profiles recorded before
    /// it existed keep their bytes.
    #[serde(
        default = "default_reminder_days",
        skip_serializing_if = "is_default_reminder_days"
    )]
    pub reminder_days: Vec<u32>,
    /// The rules awaiting a decision of the institution's governing body (the Governing
    /// Council for the IOMed): the value in force meanwhile is the profile's, and a recorded
    /// decision on the rule takes the mark away ([`crate::rule_change`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending_rules: Vec<PendingRule>,
    /// The governing body's decisions that made this version, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<RuleDecision>,
    /// The per-case overrides applied to this profile (empty for a preset or a recorded
    /// version); kept so that a newer version adopted by the case keeps them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub case_overrides: BTreeMap<String, serde_json::Value>,
}

/// A rule of a profile that awaits the governing body's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PendingRule {
    /// The profile field that holds the rule, such as `non_contracting_parties_served`.
    pub field: String,
    /// What is to be decided, in the institution's words.
    pub question: String,
}

/// A decision of the governing body that changed a profile, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleDecision {
    /// The profile version the decision made.
    pub version: u32,
    /// The decision's text, as adopted.
    pub text: String,
    /// The day the governing body decided.
    #[schemars(with = "String")]
    pub decided_on: jiff::civil::Date,
    /// From when the new version applies to requests screened and cases filed.
    #[schemars(with = "String")]
    pub in_force_from: jiff::Timestamp,
    /// The rules it set: profile field to value (a value equal to the interim one confirms it).
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub changes: BTreeMap<String, serde_json::Value>,
}

/// The window to answer a co-mediation vacancy in profiles recorded before it existed.
fn default_co_mediation_vacancy_days() -> u32 {
    14
}

fn default_reminder_days() -> Vec<u32> {
    vec![7, 1]
}

fn is_default_reminder_days(days: &[u32]) -> bool {
    days == [7, 1]
}

/// The Hong Kong general holidays shipped with the seat calendar (data, not code).
const HONG_KONG_HOLIDAYS: &str = include_str!("../data/hong-kong-general-holidays.json");

#[derive(Deserialize)]
struct HolidayList {
    source: String,
    holidays: Vec<Holiday>,
}

/// The calendar of the IOMed's seat, Hong Kong: periods end at 24:00 Hong Kong time; a last day
/// on a Saturday, Sunday or general holiday moves to the next business day.
pub fn hong_kong_seat_calendar(rule: &str) -> PeriodCalendar {
    let list: HolidayList = serde_json::from_str(HONG_KONG_HOLIDAYS).unwrap_or(HolidayList {
        source: String::new(),
        holidays: Vec::new(),
    });
    PeriodCalendar {
        time_zone: "Asia/Hong_Kong".into(),
        extend_to_business_day: true,
        weekend: vec![WeekDay::Saturday, WeekDay::Sunday],
        holidays: list.holidays,
        holidays_source: list.source,
        rule: rule.into(),
    }
}

/// Bounds within which a per-case override may set a numeric field.
pub(crate) const DAY_BOUNDS: &[(&str, u32, u32)] = &[
    ("lodging_fee_days", 1, 90),
    ("invitation_response_days_state", 7, 180),
    ("invitation_response_days_commercial", 7, 90),
    ("mediator_number_days", 7, 90),
    ("appointment_by_agreement_days", 14, 180),
    ("institution_appointment_days", 7, 90),
    ("inactivity_days", 60, 365),
    ("acceptance_days", 5, 60),
    ("disclosure_objection_days", 5, 60),
    ("initial_statements_days", 5, 90),
    ("first_session_days", 7, 120),
    ("deposit_due_days", 7, 90),
    ("nonpayment_notice_days", 7, 90),
    ("nonpayment_suspension_days", 7, 90),
    ("nonpayment_termination_days", 15, 365),
    ("co_mediation_vacancy_days", 5, 60),
];

/// Option fields an override may set (any value the field's type accepts).
pub(crate) const OPTION_FIELDS: &[&str] = &[
    "invitation_lapse",
    "relay_default",
    "withdrawal_requires_protocol",
    "commencement",
    "negotiation_disclosure",
    "third_state_refusal",
    "joint_secretariat_appointment",
    "calendar",
];

/// The rules of the IOMed default awaiting the Governing Council's decision (IOMed Convention
/// Art. 11 gives the Council the power to adopt the rules of procedure).
fn iomed_pending_rules() -> Vec<PendingRule> {
    [
        (
            "non_contracting_parties_served",
            "The conditions on which non-contracting States and international organisations may \
             use the Organization's mediation",
        ),
        (
            "invitation_response_days_state",
            "The time an invited State or State entity has to answer a request",
        ),
        (
            "invitation_response_days_commercial",
            "The time an invited party has to answer a request in a commercial dispute",
        ),
        (
            "appointment_by_agreement_days",
            "The time the parties have to appoint the mediator by agreement",
        ),
        (
            "inactivity_days",
            "The time without a step in the appointment after which a case ends",
        ),
        (
            "co_mediation_vacancy_days",
            "The time the parties have to agree to continue when a co-mediator leaves",
        ),
    ]
    .into_iter()
    .map(|(field, question)| PendingRule {
        field: field.into(),
        question: question.into(),
    })
    .collect()
}

/// The JSON Schema of per-case overrides: each field a case may override, with its bounds.
pub fn overrides_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut properties = serde_json::Map::new();
    for (field, lo, hi) in DAY_BOUNDS {
        properties.insert(
            (*field).to_owned(),
            serde_json::json!({
                "type": "integer",
                "minimum": lo,
                "maximum": hi,
                "description": format!("Calendar days, {lo} to {hi}"),
            }),
        );
    }
    for field in OPTION_FIELDS {
        let schema = match *field {
            "invitation_lapse" => generator.subschema_for::<InvitationLapse>(),
            "relay_default" => generator.subschema_for::<RelayDefault>(),
            "commencement" => generator.subschema_for::<CommencementRule>(),
            "negotiation_disclosure" => generator.subschema_for::<NegotiationDisclosure>(),
            "third_state_refusal" => generator.subschema_for::<ThirdStateRefusal>(),
            "calendar" => generator.subschema_for::<PeriodCalendar>(),
            _ => generator.subschema_for::<bool>(),
        };
        properties.insert((*field).to_owned(), schema.to_value());
    }
    let schema = serde_json::json!({
        "type": "object",
        "description": "Per-case overrides of the profile: only these fields, each within its \
                        bounds (else `invalid-profile-override`)",
        "properties": properties,
        "additionalProperties": false,
    });
    schemars::Schema::try_from(schema).unwrap_or_default()
}

/// The bounds of an overridable numeric field, if it is one.
pub fn day_bounds(field: &str) -> Option<(u32, u32)> {
    DAY_BOUNDS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map(|(_, lo, hi)| (*lo, *hi))
}

impl Profile {
    /// The IOMed default: pending the organisation's rules, numbers from the closest analogues
    /// (ICSID for investor–State, Model Law / ICC / HKIAC for commercial).
    pub fn iomed_default() -> Self {
        Profile {
            id: "iomed-default".into(),
            version: 1,
            name: "IOMed default (pending Governing Council rules)".into(),
            pending_governing_council_rules: true,
            lodging_fee_days: 30,
            invitation_response_days_state: 30,
            invitation_response_days_commercial: 14,
            invitation_lapse: InvitationLapse::TreatAsRejected,
            mediator_number_days: 30,
            appointment_by_agreement_days: 60,
            institution_appointment_days: 30,
            inactivity_days: 120,
            acceptance_days: 20,
            disclosure_objection_days: 15,
            initial_statements_days: 15,
            first_session_days: 30,
            deposit_due_days: 30,
            nonpayment_notice_days: 30,
            nonpayment_suspension_days: 15,
            nonpayment_termination_days: 90,
            relay_default: RelayDefault::AuthorisationRequired,
            withdrawal_requires_protocol: false,
            commencement: CommencementRule::Registration,
            non_contracting_parties_served: false,
            negotiation_disclosure: NegotiationDisclosure::AnalysisOnly,
            third_state_refusal: ThirdStateRefusal::NotCommenced,
            // Parties may seek the institution's assistance with the appointment whenever they
            // agree to (UNCITRAL Mediation Rules 2021 Art. 3(3) analogue).
            joint_secretariat_appointment: true,
            // The IOMed serves international commercial disputes; pending its rules, the
            // Convention's exclusions are outside its scope.
            scope_exclusions: singapore_exclusions(ExcludedTreatment::Refuse),
            calendar: hong_kong_seat_calendar(
                "Pending the Governing Council's rules, periods are counted as UNCITRAL Arbitration \
                 Rules (2021) Art. 2(6) counts them: from the day following the day of the notice, \
                 ending at the end of the last day at the seat (Hong Kong), extended to the first \
                 business day which follows an official holiday or non-business day",
            ),
            // Pending the Governing Council's rules: the parties' window to object to a
            // disclosure, a comparable decision on who mediates (ICSID MR 16 on vacancies).
            co_mediation_vacancy_days: 15,
            reminder_days: default_reminder_days(),
            pending_rules: iomed_pending_rules(),
            decisions: Vec::new(),
            case_overrides: BTreeMap::new(),
        }
    }

    /// UNCITRAL Mediation Rules 2021: 15-day invitation reply, Model-Law defaults.
    pub fn uncitral_2021() -> Self {
        Profile {
            id: "uncitral-2021".into(),
            name: "UNCITRAL Mediation Rules (2021)".into(),
            pending_governing_council_rules: false,
            pending_rules: Vec::new(),
            invitation_response_days_state: 15,
            invitation_response_days_commercial: 15,
            relay_default: RelayDefault::ShareableUnlessConfidential,
            commencement: CommencementRule::Receipt,
            non_contracting_parties_served: true,
            // The UNCITRAL Mediation Rules apply to any dispute; only the Convention excludes
            // these, so the case is registered and its settlement says the Convention does not
            // apply.
            scope_exclusions: singapore_exclusions(ExcludedTreatment::RegisterOutsideConvention),
            calendar: hong_kong_seat_calendar(
                "The UNCITRAL Mediation Rules (2021) do not say how periods are counted; they are \
                 counted as UNCITRAL Arbitration Rules (2021) Art. 2(6) counts them, at the \
                 administering institution's seat (Hong Kong): from the day following the day of \
                 the notice, extended to the first business day which follows an official holiday \
                 or non-business day",
            ),
            ..Profile::iomed_default()
        }
    }

    /// ICSID Mediation Rules 2022: 30/60/120-day constitution, 20-day acceptance, Rule 17(4).
    pub fn icsid_2022() -> Self {
        Profile {
            id: "icsid-2022".into(),
            name: "ICSID Mediation Rules (2022)".into(),
            pending_governing_council_rules: false,
            pending_rules: Vec::new(),
            invitation_response_days_state: 30,
            invitation_response_days_commercial: 30,
            non_contracting_parties_served: true,
            // ICSID: the Secretary-General appoints at a party's request once the period for
            // appointment by agreement has run.
            joint_secretariat_appointment: false,
            calendar: PeriodCalendar {
                time_zone: "America/New_York".into(),
                extend_to_business_day: true,
                weekend: vec![WeekDay::Saturday, WeekDay::Sunday],
                holidays: Vec::new(),
                holidays_source: String::new(),
                rule: "ICSID counts a time limit from the day after the step that starts it and \
                       ends it at midnight in Washington, D.C.; a last day on a Saturday or Sunday \
                       moves to the next business day"
                    .into(),
            },
            ..Profile::iomed_default()
        }
    }

    /// The shipped presets.
    pub fn presets() -> Vec<Profile> {
        vec![
            Profile::iomed_default(),
            Profile::uncitral_2021(),
            Profile::icsid_2022(),
        ]
    }

    /// Finds a preset by id.
    pub fn preset(id: &str) -> Result<Profile, DomainError> {
        Profile::presets()
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| {
                DomainError::invalid(
                    ErrorCode::UnknownProfile,
                    format!(
                        "no procedural profile '{id}'; choose one of iomed-default, uncitral-2021, icsid-2022"
                    ),
                )
            })
    }

    /// Applies per-case overrides, each within its stated bounds. Unknown fields, wrong types and
    /// values out of bounds are refused with `invalid-profile-override`.
    pub fn with_overrides(
        &self,
        overrides: &BTreeMap<String, serde_json::Value>,
    ) -> Result<Profile, DomainError> {
        if overrides.is_empty() {
            return Ok(self.clone());
        }
        let bad = |m: String| DomainError::invalid(ErrorCode::InvalidProfileOverride, m);
        let mut value = serde_json::to_value(self).map_err(|e| bad(e.to_string()))?;
        let map = value
            .as_object_mut()
            .ok_or_else(|| bad("profile is not an object".into()))?;
        for (field, v) in overrides {
            if let Some((lo, hi)) = day_bounds(field) {
                let n = v
                    .as_u64()
                    .ok_or_else(|| bad(format!("'{field}' must be a whole number of days")))?;
                if n < u64::from(lo) || n > u64::from(hi) {
                    return Err(bad(format!(
                        "'{field}' must be between {lo} and {hi} days, not {n}"
                    )));
                }
            } else if !OPTION_FIELDS.contains(&field.as_str()) {
                return Err(bad(format!("'{field}' cannot be overridden per case")));
            }
            map.insert(field.clone(), v.clone());
        }
        let mut out: Profile = serde_json::from_value(value)
            .map_err(|e| bad(format!("an override has the wrong type: {e}")))?;
        out.calendar.validate()?;
        if self.case_overrides.is_empty() {
            out.name = format!("{} (with case overrides)", self.name);
        }
        out.case_overrides = self.case_overrides.clone();
        out.case_overrides
            .extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(out)
    }

    /// Days to answer an invitation in a dispute of this type.
    pub fn invitation_response_days(&self, t: DisputeType) -> u32 {
        match t {
            DisputeType::Commercial => self.invitation_response_days_commercial,
            _ => self.invitation_response_days_state,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ov(pairs: &[(&str, serde_json::Value)]) -> BTreeMap<String, serde_json::Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn override_within_bounds_changes_only_that_field() {
        let base = Profile::iomed_default();
        let p = base
            .with_overrides(&ov(&[("acceptance_days", json!(25))]))
            .unwrap();
        assert_eq!(p.acceptance_days, 25);
        assert_eq!(p.inactivity_days, base.inactivity_days);
    }

    #[test]
    fn override_out_of_bounds_unknown_or_mistyped_is_refused() {
        let base = Profile::iomed_default();
        for o in [
            ov(&[("acceptance_days", json!(4))]),
            ov(&[("acceptance_days", json!(61))]),
            ov(&[("acceptance_days", json!("20"))]),
            ov(&[("id", json!("other"))]),
            ov(&[("no_such_field", json!(1))]),
            ov(&[("invitation_lapse", json!("whenever"))]),
        ] {
            let e = base.with_overrides(&o).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidProfileOverride, "{o:?}");
        }
    }

    #[test]
    fn option_override_flips_lapse_rule() {
        let p = Profile::iomed_default()
            .with_overrides(&ov(&[("invitation_lapse", json!("auto-lapse"))]))
            .unwrap();
        assert_eq!(p.invitation_lapse, InvitationLapse::AutoLapse);
    }
}
