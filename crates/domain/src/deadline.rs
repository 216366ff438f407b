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
    /// When it runs out.
    #[schemars(with = "String")]
    pub due_at: Timestamp,
    /// The profile rule it comes from, such as `iomed-default v1: acceptance_days = 20`.
    pub rule: String,
    /// `pending` while running; then `met`, `lapsed` or `cancelled`.
    pub status: DeadlineStatus,
}

/// Adds whole calendar days (24-hour days in UTC), saturating at the end of representable time.
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
