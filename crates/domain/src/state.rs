//! The case states of docs/PROCEDURE.md, with their substates and termination grounds.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Why a request never became a mediation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NotCommencedReason {
    /// Refused at screening (for example an excluded subject matter).
    Refused,
    /// The invited party rejected the invitation.
    Rejected,
    /// The inviting party elected to treat an unanswered invitation as rejected.
    DeemedRejected,
    /// The invitation lapsed by itself under the profile.
    Lapsed,
    /// The requesting party withdrew the request before registration.
    Withdrawn,
    /// A third State whose prior consent the case needs declined to give it.
    ThirdStateDeclined,
}

/// Why a suspended case is suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SuspensionKind {
    /// A deposit is in default.
    Nonpayment,
    /// The parties agreed to suspend.
    ByAgreement,
    /// The mediator's seat is vacant (resignation, incapacity, removal, sustained objection).
    Vacancy,
}

/// The stage a suspended case resumes at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ResumeStage {
    /// File transmitted, first session not yet held.
    Preparatory,
    /// First session held.
    Active,
    /// Terms agreed; the settlement text is being drafted.
    SettlementDrafting,
}

impl ResumeStage {
    /// The case state a suspension or vacancy returns to when it ends.
    pub fn state(self) -> CaseState {
        match self {
            ResumeStage::Preparatory => CaseState::Preparatory,
            ResumeStage::Active => CaseState::Active,
            ResumeStage::SettlementDrafting => CaseState::SettlementDrafting,
        }
    }
}

/// The ground on which the mediation terminated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TerminationGround {
    /// A settlement agreement was signed (Model Law ground (a)).
    Settled,
    /// A settlement of part of the dispute was signed.
    PartiallySettled,
    /// The mediator declared further efforts no longer justified (ground (b)).
    MediatorDeclaration,
    /// All parties declared the mediation terminated (ground (c)).
    JointDeclaration,
    /// A party withdrew (ground (d)).
    PartyWithdrawal,
    /// A deposit stayed unpaid.
    Nonpayment,
    /// No appointment step within the profile's inactivity period.
    NoAppointment,
    /// The agreed time limit expired.
    TimeLimitExpired,
}

/// A case's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum CaseState {
    /// The requesting party prepares the request; visible to it alone.
    Draft,
    /// Submitted; lodging fee pending.
    Filed,
    /// The Secretariat checks scope and completeness.
    Screening,
    /// Invitation sent to a party with no written consent.
    AwaitingConsent,
    /// Terminal: the mediation never commenced.
    NotCommenced {
        /// Why.
        reason: NotCommencedReason,
        /// Effective date.
        #[schemars(with = "String")]
        effective: Timestamp,
    },
    /// Mediation commenced (transient: constitution starts at once).
    Registered,
    /// Number of mediators and appointment.
    Constituting,
    /// An appointee's acceptance and declaration are awaited.
    AppointeePending,
    /// File transmitted: initial statements, deposits, first session.
    Preparatory,
    /// First session held.
    Active,
    /// Paused for non-payment, by agreement or for a vacancy; returns to `resume` when it ends.
    Suspended {
        /// Why.
        kind: SuspensionKind,
        /// Where the case resumes.
        resume: ResumeStage,
    },
    /// A settlement is being drafted.
    SettlementDrafting,
    /// The final text is frozen; signatures are being collected.
    Signing,
    /// Terminal for the process.
    Terminated {
        /// Why the mediation ended, as the termination record (D23) states it.
        ground: TerminationGround,
        /// Effective date.
        #[schemars(with = "String")]
        effective: Timestamp,
    },
    /// Accounts settled and archive sealed.
    Closed,
}

impl CaseState {
    /// The stable upper-case name (docs/PROCEDURE.md, states), with substate, such as
    /// `SUSPENDED_NONPAYMENT` or `TERMINATED`.
    pub fn name(&self) -> &'static str {
        match self {
            CaseState::Draft => "DRAFT",
            CaseState::Filed => "FILED",
            CaseState::Screening => "SCREENING",
            CaseState::AwaitingConsent => "AWAITING_CONSENT",
            CaseState::NotCommenced { .. } => "NOT_COMMENCED",
            CaseState::Registered => "REGISTERED",
            CaseState::Constituting => "CONSTITUTING",
            CaseState::AppointeePending => "APPOINTEE_PENDING",
            CaseState::Preparatory => "PREPARATORY",
            CaseState::Active => "ACTIVE",
            CaseState::Suspended {
                kind: SuspensionKind::Nonpayment,
                ..
            } => "SUSPENDED_NONPAYMENT",
            CaseState::Suspended {
                kind: SuspensionKind::ByAgreement,
                ..
            } => "SUSPENDED_BY_AGREEMENT",
            CaseState::Suspended {
                kind: SuspensionKind::Vacancy,
                ..
            } => "VACANCY",
            CaseState::SettlementDrafting => "SETTLEMENT_DRAFTING",
            CaseState::Signing => "SIGNING",
            CaseState::Terminated { .. } => "TERMINATED",
            CaseState::Closed => "CLOSED",
        }
    }

    /// True once the case can never change state again except by closing.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            CaseState::NotCommenced { .. } | CaseState::Terminated { .. } | CaseState::Closed
        )
    }

    /// True from registration until termination (the mediation is running).
    pub fn is_commenced(&self) -> bool {
        matches!(
            self,
            CaseState::Registered
                | CaseState::Constituting
                | CaseState::AppointeePending
                | CaseState::Preparatory
                | CaseState::Active
                | CaseState::Suspended { .. }
                | CaseState::SettlementDrafting
                | CaseState::Signing
        )
    }
}

impl std::fmt::Display for CaseState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Whose step the procedure waits for in a stage, as the case lists show it (the Secretariat's
/// queue puts the cases that wait on the Secretariat first). It is a reading of the stage, not a
/// permission: which steps are open to whom is decided by the policy and the case itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Turn {
    /// The Secretariat: the lodging fee, screening and registration, recording the mediators'
    /// nomination, resuming after a suspension by agreement, final accounts and closing.
    Secretariat,
    /// The parties: completing and submitting a draft, answering an invitation, paying a
    /// deposit, a settlement's text and signatures.
    Parties,
    /// The mediator: accepting an appointment, holding the sessions.
    Mediator,
    /// Nobody: the record is complete.
    Nobody,
}

impl Turn {
    /// Whose step a stage waits for, from the stage's stable name ([`CaseState::name`]); an
    /// unknown name waits on nobody.
    pub fn of_stage(name: &str) -> Turn {
        match name {
            // The Secretariat records the nominations (the parties' proposals and agreements
            // lead to them) and the end of a suspension by agreement.
            "FILED"
            | "SCREENING"
            | "REGISTERED"
            | "CONSTITUTING"
            | "VACANCY"
            | "SUSPENDED_BY_AGREEMENT"
            | "TERMINATED" => Turn::Secretariat,
            "DRAFT"
            | "AWAITING_CONSENT"
            | "SUSPENDED_NONPAYMENT"
            | "SETTLEMENT_DRAFTING"
            | "SIGNING" => Turn::Parties,
            "APPOINTEE_PENDING" | "PREPARATORY" | "ACTIVE" => Turn::Mediator,
            _ => Turn::Nobody,
        }
    }

    /// The stable name (`secretariat`, `parties`, `mediator`, `nobody`).
    pub fn as_str(self) -> &'static str {
        match self {
            Turn::Secretariat => "secretariat",
            Turn::Parties => "parties",
            Turn::Mediator => "mediator",
            Turn::Nobody => "nobody",
        }
    }
}

#[cfg(test)]
mod turn_tests {
    use super::*;

    /// Every stage name the domain gives.
    const STAGES: &[&str] = &[
        "DRAFT",
        "FILED",
        "SCREENING",
        "AWAITING_CONSENT",
        "NOT_COMMENCED",
        "REGISTERED",
        "CONSTITUTING",
        "APPOINTEE_PENDING",
        "PREPARATORY",
        "ACTIVE",
        "SUSPENDED_NONPAYMENT",
        "SUSPENDED_BY_AGREEMENT",
        "VACANCY",
        "SETTLEMENT_DRAFTING",
        "SIGNING",
        "TERMINATED",
        "CLOSED",
    ];

    #[test]
    fn every_open_stage_waits_on_someone_and_a_finished_record_on_nobody() {
        for stage in STAGES {
            let finished = matches!(*stage, "NOT_COMMENCED" | "CLOSED");
            assert_eq!(Turn::of_stage(stage) == Turn::Nobody, finished, "{stage}");
        }
        // A terminated mediation still waits for the Secretariat's final accounts and closing.
        assert_eq!(Turn::of_stage("TERMINATED"), Turn::Secretariat);
        assert_eq!(Turn::of_stage("no-such-stage"), Turn::Nobody);
    }
}
