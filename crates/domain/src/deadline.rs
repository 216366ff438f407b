//! Deadlines: computed from the profile at each transition, stored with the case, acted on by the
//! scheduler (see [`crate::scheduler`]).

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineKind {
    /// Lodging fee after filing.
    LodgingFee,
    /// The invited party's answer.
    InvitationResponse,
    /// Agreement on the number of mediators (then one by default).
    MediatorNumber,
    /// Appointment by agreement (then the Secretariat may appoint on request).
    AppointmentByAgreement,
    /// The Secretariat's appointment once requested.
    InstitutionAppointment,
    /// No appointment step: the case terminates.
    Inactivity,
    /// The appointee's acceptance and declaration.
    Acceptance,
    /// The parties' window to object to a disclosure.
    DisclosureObjection,
    /// Initial written statements.
    InitialStatements,
    /// Holding the first session (`first_session_days` after transmittal); shown, not acted on.
    FirstSession,
    /// A party's deposit.
    Deposit,
    /// The default notice after a deposit's due date.
    NonpaymentNotice,
    /// Suspension after a default notice.
    NonpaymentSuspension,
    /// Termination after suspension for non-payment.
    NonpaymentTermination,
    /// The agreed time limit of the mediation.
    TimeLimit,
    /// The end of an operator's break-glass access.
    BreakGlassExpiry,
    /// The parties' answers to a co-mediation vacancy (then suspension for the vacancy).
    CoMediationVacancy,
}

impl DeadlineKind {
    /// True if the scheduler acts when this deadline runs out. The others are shown with the case
    /// and open options for the parties or the Secretariat (for example, after the period for
    /// appointment by agreement a party may ask the Secretariat to appoint).
    pub fn is_acted_on(self) -> bool {
        !matches!(
            self,
            DeadlineKind::LodgingFee
                | DeadlineKind::AppointmentByAgreement
                | DeadlineKind::InstitutionAppointment
                | DeadlineKind::InitialStatements
                | DeadlineKind::FirstSession
        )
    }
}

/// A deadline's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineStatus {
    /// Running.
    Pending,
    /// The step happened in time.
    Met,
    /// The time ran out and the scheduler acted.
    Lapsed,
    /// No longer relevant (the case moved on another way).
    Cancelled,
}

/// A deadline of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Deadline {
    /// What it is for.
    pub kind: DeadlineKind,
    /// The party it concerns, for per-party deadlines (deposits).
    pub party: Option<String>,
    /// When it started running.
    #[schemars(with = "String")]
    pub starts_at: Timestamp,
    /// When it runs out: the first instant after its last day (24:00 of `last_day` in `zone`),
    /// in UTC. A step taken before this instant is in time.
    #[schemars(with = "String")]
    pub due_at: Timestamp,
    /// The IANA zone the period was counted in (the profile's seat zone).
    #[serde(default)]
    pub zone: String,
    /// The period's last day in `zone`, `YYYY-MM-DD` (after any business-day extension).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub last_day: Option<jiff::civil::Date>,
    /// The profile rule it comes from, such as `iomed-default v1: acceptance_days = 20`.
    pub rule: String,
    /// `pending` while running; then `met`, `lapsed` or `cancelled`.
    pub status: DeadlineStatus,
}

impl Deadline {
    /// When the deadline ends, as a person reads it: "the end of 2026-12-15 (Asia/Hong_Kong
    /// time)"; the instant itself for durations and deadlines recorded before calendars.
    pub fn ends(&self) -> String {
        match self.last_day {
            Some(day) => format!("the end of {day} ({} time)", self.zone),
            None => self.due_at.to_string(),
        }
    }
}

/// Adds whole 24-hour days, saturating at the end of representable time. Procedural periods are
/// counted by [`crate::period::PeriodCalendar::period_end`] instead; this is for durations that
/// are not periods of the rules (a break-glass access lasts 24 hours).
pub fn add_days(t: Timestamp, days: u32) -> Timestamp {
    t.checked_add(SignedDuration::from_hours(24 * i64::from(days)))
        .unwrap_or(Timestamp::MAX)
}

/// The date (UTC) of a timestamp as `YYYY-MM-DD`, for effective dates.
pub fn utc_date(t: Timestamp) -> String {
    t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
        .to_string()
}
