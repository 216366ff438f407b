//! The case's state machine, by stage of a mediation. Each stage module holds, side by side, for
//! the commands and events of its stage:
//! * `guard`: whether the step is open to this actor in the case as it is (state, periods, who
//!   the parties are, what is already on file) — the part the pages ask about before a form is
//!   filled ([`crate::step::openness`]);
//! * `decide`: once the step is open, whether the command's content is valid, and the events it
//!   causes;
//! * `apply`: how each of its events folds into the case.
//!
//! [`crate::decide::decide`] and [`crate::case::Case::apply`] dispatch here by stage.

pub mod appointment;
pub mod intake;
pub mod negotiation;
pub mod participants;
pub mod proceedings;
pub mod settlement;
pub mod termination;

use jiff::Timestamp;

use crate::case::Case;
use crate::command::{Command, CommandKind};
use crate::decide::{Context, Decided, limits};
use crate::error::{DomainError, ErrorCode};
use crate::event::{CaseEvent, Visibility};

/// The stages of a mediation, each with its own module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// From the draft to registration, or to a request that never commenced ([`intake`]).
    Intake,
    /// The number of mediators, nomination, acceptance, disclosures and vacancies
    /// ([`appointment`]).
    Appointment,
    /// Deposits, the first session, suspensions, time limits, consultations and filed
    /// documents ([`proceedings`]).
    Proceedings,
    /// Negotiations and blind biddings led by the mediator ([`negotiation`]).
    Negotiation,
    /// Agreed terms, the final text, signatures and the attestation ([`settlement`]).
    Settlement,
    /// Declarations, withdrawal, termination, final accounts and closing ([`termination`]).
    Termination,
    /// Per-case roles, guests' undertakings and break-glass access ([`participants`]).
    Participants,
}

impl Stage {
    /// The stage a command belongs to.
    pub fn of_command(kind: CommandKind) -> Stage {
        use CommandKind as K;
        match kind {
            K::AmendDraft
            | K::SubmitRequest
            | K::RecordLodgingFee
            | K::SendInvitation
            | K::RecordConsent
            | K::AcceptInvitation
            | K::RejectInvitation
            | K::TreatInvitationAsRejected
            | K::WithdrawRequest
            | K::RefuseRequest
            | K::RecordThirdStateConsent
            | K::DeclineThirdStateConsent
            | K::RecordStateApproval
            | K::RecordAuthority
            | K::RevokeAuthority
            | K::Register => Stage::Intake,
            K::AgreeMediatorCount
            | K::RequestSecretariatAppointment
            | K::NominateMediator
            | K::ProposeMediator
            | K::AcceptAppointment
            | K::DeclineAppointment
            | K::AcknowledgeDisclosure
            | K::ObjectToDisclosure
            | K::FileDisclosure
            | K::RecordVacancy
            | K::AnswerCoMediationVacancy => Stage::Appointment,
            K::RecordDepositPaid
            | K::RecordFirstSession
            | K::SuspendByAgreement
            | K::Resume
            | K::SetTimeLimit
            | K::RecordConsultation
            | K::AgreeProfileVersion => Stage::Proceedings,
            K::OpenNegotiation | K::ProposePackage | K::OpenBlindBidding => Stage::Negotiation,
            K::IndicateTermsAgreed
            | K::ApproveFinalText
            | K::SignSettlement
            | K::CountersignSettlement => Stage::Settlement,
            K::DeclareMediatorTermination
            | K::DeclareJointTermination
            | K::Withdraw
            | K::AnswerContinuation
            | K::RecordFinalAccounts
            | K::Close => Stage::Termination,
            K::AddParticipant
            | K::ApproveParticipant
            | K::RefuseParticipant
            | K::RemoveParticipant
            | K::AcceptUndertaking
            | K::RequestBreakGlass
            | K::ApproveBreakGlass
            | K::EndBreakGlass => Stage::Participants,
        }
    }

    /// The stage an event belongs to (the stage whose module folds it).
    pub fn of_event(event: &CaseEvent) -> Stage {
        use CaseEvent as E;
        match event {
            E::DraftCreated { .. }
            | E::DraftAmended { .. }
            | E::RequestFiled { .. }
            | E::LodgingFeeSettled { .. }
            | E::InvitationSent { .. }
            | E::ConsentRecorded { .. }
            | E::InvitationAccepted { .. }
            | E::InvitationRejected { .. }
            | E::InvitationTreatedAsRejected {}
            | E::InvitationLapsed {}
            | E::RequestWithdrawn {}
            | E::RequestRefused { .. }
            | E::ThirdStateConsentRecorded { .. }
            | E::ThirdStateConsentDeclined { .. }
            | E::StateApprovalRecorded { .. }
            | E::AuthorityRecorded { .. }
            | E::AuthorityRevoked { .. }
            | E::CaseRegistered { .. } => Stage::Intake,
            E::ConstitutionStarted {}
            | E::MediatorCountAgreed { .. }
            | E::SecretariatAppointmentRequested { .. }
            | E::MediatorNominated { .. }
            | E::MediatorProposed { .. }
            | E::AppointmentAccepted { .. }
            | E::AppointmentDeclined { .. }
            | E::AppointmentLapsed { .. }
            | E::DisclosureAcknowledged { .. }
            | E::DisclosureObjected { .. }
            | E::DisclosureWindowClosed {}
            | E::FileTransmitted {}
            | E::AppointmentConfirmed {}
            | E::DisclosureFiled { .. }
            | E::VacancyRecorded { .. }
            | E::CoMediationVacancyAnswered { .. }
            | E::CoMediationVacancyLapsed {} => Stage::Appointment,
            E::DepositPaid { .. }
            | E::DepositOverdue { .. }
            | E::DefaultNoticeIssued { .. }
            | E::SuspendedForNonpayment { .. }
            | E::SuspendedByAgreement { .. }
            | E::Resumed {}
            | E::FirstSessionHeld { .. }
            | E::TimeLimitSet { .. }
            | E::ConsultationHeld { .. }
            | E::ProfileVersionAgreed { .. }
            | E::ProfileVersionAdopted { .. }
            | E::DocumentFiled { .. } => Stage::Proceedings,
            E::NegotiationOpened { .. }
            | E::PackageProposed { .. }
            | E::PackageAgreed { .. }
            | E::BlindBiddingOpened { .. }
            | E::BlindRoundClosed { .. } => Stage::Negotiation,
            E::TermsAgreed { .. }
            | E::FinalTextApproved { .. }
            | E::TextFrozen { .. }
            | E::SettlementSigned { .. }
            | E::SettlementCountersigned { .. }
            | E::AttestationIssued { .. } => Stage::Settlement,
            E::JointTerminationDeclared { .. }
            | E::MediatorTerminationDeclared { .. }
            | E::PartyWithdrew { .. }
            | E::ContinuationAnswered { .. }
            | E::ContinuingWithoutParty { .. }
            | E::MediationTerminated { .. }
            | E::FinalAccountsIssued { .. }
            | E::CaseClosed {} => Stage::Termination,
            E::ParticipantAdded { .. }
            | E::ParticipantRemoved { .. }
            | E::ParticipantProposed { .. }
            | E::ParticipantApproved { .. }
            | E::ParticipantRefused { .. }
            | E::UndertakingAccepted { .. }
            | E::BreakGlassRequested { .. }
            | E::BreakGlassApproved { .. }
            | E::BreakGlassEnded { .. } => Stage::Participants,
        }
    }
}

/// The state-and-actor guards of a step: is a step of this kind, taken for `party` where the kind
/// acts for one, open to the actor in the case as it is? Refuses with the transition not allowed
/// (not in this state), a failed guard (a condition not met yet) or an unknown party.
pub fn guard(
    kind: CommandKind,
    case: &Case,
    ctx: &Context<'_>,
    party: Option<&str>,
) -> Result<(), DomainError> {
    match Stage::of_command(kind) {
        Stage::Intake => intake::guard(kind, case, ctx, party),
        Stage::Appointment => appointment::guard(kind, case, ctx, party),
        Stage::Proceedings => proceedings::guard(kind, case, ctx),
        Stage::Negotiation => negotiation::guard(kind, case),
        Stage::Settlement => settlement::guard(kind, case, ctx, party),
        Stage::Termination => termination::guard(kind, case, party),
        Stage::Participants => participants::guard(kind, case, ctx),
    }
}

/// The content checks and the events of a command whose step is open (see [`guard`]).
pub fn decide_content(
    case: &Case,
    cmd: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Decided>, DomainError> {
    match Stage::of_command(cmd.kind()) {
        Stage::Intake => intake::decide(case, cmd, ctx),
        Stage::Appointment => appointment::decide(case, cmd, ctx),
        Stage::Proceedings => proceedings::decide(case, cmd, ctx),
        Stage::Negotiation => negotiation::decide(case, cmd),
        Stage::Settlement => settlement::decide(case, cmd, ctx),
        Stage::Termination => termination::decide(case, cmd, ctx),
        Stage::Participants => participants::decide(case, cmd, ctx),
    }
}

/// Folds one event into the case, in its stage's module.
pub fn apply(case: &mut Case, event: &CaseEvent, at: Timestamp) {
    match Stage::of_event(event) {
        Stage::Intake => intake::apply(case, event, at),
        Stage::Appointment => appointment::apply(case, event, at),
        Stage::Proceedings => proceedings::apply(case, event, at),
        Stage::Negotiation => negotiation::apply(case, event, at),
        Stage::Settlement => settlement::apply(case, event, at),
        Stage::Termination => termination::apply(case, event, at),
        Stage::Participants => participants::apply(case, event, at),
    }
}

// ---- Helpers shared by the stages ----------------------------------------------------------

/// An event every participant of the case may read.
pub(crate) fn case_wide(event: CaseEvent) -> Decided {
    Decided {
        event,
        visibility: Visibility::Case,
    }
}

/// One case-wide event.
pub(crate) fn one(event: CaseEvent) -> Result<Vec<Decided>, DomainError> {
    Ok(vec![case_wide(event)])
}

/// Refuses a step of `kind` in the case's present state.
pub(crate) fn not_allowed(kind: CommandKind, case: &Case) -> DomainError {
    DomainError::TransitionNotAllowed {
        command: kind.name(),
        state: case.state.name().to_owned(),
    }
}

/// Refuses the step unless the case is in a state that admits it.
pub(crate) fn require_state(
    kind: CommandKind,
    case: &Case,
    admits: bool,
) -> Result<(), DomainError> {
    if admits {
        Ok(())
    } else {
        Err(not_allowed(kind, case))
    }
}

/// The party a step acts for: named (a step taken for a party always names it) and taking part.
pub(crate) fn acting_party<'a>(
    kind: CommandKind,
    case: &Case,
    party: Option<&'a str>,
) -> Result<&'a str, DomainError> {
    let party = party.ok_or_else(|| not_allowed(kind, case))?;
    require_party(case, party)?;
    Ok(party)
}

/// Checks a text field: not empty when required, at most `max` characters.
pub(crate) fn check_text(
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> Result<(), DomainError> {
    if required && value.trim().is_empty() {
        return Err(DomainError::invalid(
            ErrorCode::MissingField,
            format!("'{field}' must not be empty"),
        ));
    }
    if value.chars().count() > max {
        return Err(DomainError::invalid(
            ErrorCode::FieldTooLong,
            format!("'{field}' is longer than {max} characters"),
        ));
    }
    Ok(())
}

/// A required free text of at most [`limits::TEXT_MAX`] characters.
pub(crate) fn require_text(field: &str, v: &str) -> Result<(), DomainError> {
    check_text(field, v, limits::TEXT_MAX, true)
}

/// The party exists and has not withdrawn.
pub(crate) fn require_party(case: &Case, party: &str) -> Result<(), DomainError> {
    match case.party(party) {
        Some(p) if p.is_active() => Ok(()),
        Some(_) => Err(DomainError::guard(
            ErrorCode::GuardPartyWithdrawn,
            format!("party '{party}' has withdrawn"),
        )),
        None => Err(DomainError::invalid(
            ErrorCode::UnknownParty,
            format!("there is no party '{party}' in this case"),
        )),
    }
}

/// The acting user's id (empty for the scheduler, which takes none of these steps).
pub(crate) fn user_of(ctx: &Context<'_>) -> String {
    ctx.actor.user_id().unwrap_or_default().to_owned()
}

/// Simulates the events on a copy of the case, to decide follow-up events.
pub(crate) fn after(case: &Case, events: &[Decided], now: Timestamp) -> Case {
    let mut c = case.clone();
    for d in events {
        c.apply(&d.event, now);
    }
    c
}
