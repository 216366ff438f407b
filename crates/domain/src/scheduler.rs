//! What the scheduler does when a deadline runs out.
//!
//! [`next_lapse`] looks at the earliest pending deadline the scheduler acts on; if it is due, it
//! returns the events that its lapse causes. The application appends them as the `system` actor
//! and asks again until nothing is due, so that chains (default notice → suspension →
//! termination) play out in order even after a long outage. Effective dates are the deadlines'
//! due times, not the time the scheduler happened to run.

use jiff::Timestamp;

use crate::case::{Case, SeatStatus};
use crate::deadline::{Deadline, DeadlineKind};
use crate::decide::Decided;
use crate::event::{CaseEvent, Visibility};
use crate::profile::InvitationLapse;
use crate::state::{CaseState, TerminationGround};

/// The earliest deadline the scheduler acts on, if pending.
pub fn next_actionable(case: &Case) -> Option<&Deadline> {
    if case.state.is_terminal() {
        return case
            .pending_deadlines()
            .into_iter()
            .find(|d| d.kind == DeadlineKind::BreakGlassExpiry);
    }
    case.pending_deadlines()
        .into_iter()
        .find(|d| d.kind.is_acted_on() && acts(case, d))
}

/// True if the lapse of this deadline, in the case's current state, causes something.
fn acts(case: &Case, d: &Deadline) -> bool {
    match d.kind {
        DeadlineKind::InvitationResponse => {
            case.state == CaseState::AwaitingConsent
                && case.profile.invitation_lapse == InvitationLapse::AutoLapse
        }
        DeadlineKind::Inactivity => case.state == CaseState::Constituting,
        DeadlineKind::MediatorNumber => case.mediator_count.is_none(),
        DeadlineKind::NonpaymentSuspension => matches!(
            case.state,
            CaseState::Preparatory | CaseState::Active | CaseState::SettlementDrafting
        ),
        DeadlineKind::TimeLimit => case.state == CaseState::Active,
        DeadlineKind::CoMediationVacancy => case.co_mediation_vacancy.is_some(),
        _ => true,
    }
}

/// If the earliest actionable deadline is due at `now`, the events its lapse causes.
pub fn next_lapse(case: &Case, now: Timestamp) -> Option<Vec<Decided>> {
    let d = next_actionable(case)?;
    if d.due_at > now {
        return None;
    }
    let due = d.due_at;
    let e = |event| Decided {
        event,
        visibility: Visibility::Case,
    };
    let events = match d.kind {
        DeadlineKind::InvitationResponse => vec![e(CaseEvent::InvitationLapsed {})],
        DeadlineKind::MediatorNumber => vec![e(CaseEvent::MediatorCountAgreed {
            count: 1,
            defaulted: true,
        })],
        DeadlineKind::Inactivity => vec![e(CaseEvent::MediationTerminated {
            ground: TerminationGround::NoAppointment,
            effective: due,
        })],
        DeadlineKind::Acceptance => vec![e(CaseEvent::AppointmentLapsed { effective: due })],
        DeadlineKind::DisclosureObjection => {
            let mut v = vec![e(CaseEvent::DisclosureWindowClosed {})];
            if case
                .appointee()
                .is_some_and(|m| m.status == SeatStatus::AcceptedPendingDisclosure)
            {
                v.push(e(crate::decide::seats_filled_or_not(case)));
            }
            v
        }
        DeadlineKind::Deposit => vec![e(CaseEvent::DepositOverdue {
            party: d.party.clone().unwrap_or_default(),
            effective: due,
        })],
        DeadlineKind::NonpaymentNotice => vec![e(CaseEvent::DefaultNoticeIssued {
            party: d.party.clone().unwrap_or_default(),
            effective: due,
        })],
        DeadlineKind::NonpaymentSuspension => {
            vec![e(CaseEvent::SuspendedForNonpayment { effective: due })]
        }
        DeadlineKind::NonpaymentTermination => vec![e(CaseEvent::MediationTerminated {
            ground: TerminationGround::Nonpayment,
            effective: due,
        })],
        DeadlineKind::TimeLimit => vec![e(CaseEvent::MediationTerminated {
            ground: TerminationGround::TimeLimitExpired,
            effective: due,
        })],
        DeadlineKind::CoMediationVacancy => vec![e(CaseEvent::CoMediationVacancyLapsed {})],
        DeadlineKind::BreakGlassExpiry => vec![Decided {
            event: CaseEvent::BreakGlassEnded {
                operator: d.party.clone().unwrap_or_default(),
            },
            visibility: Visibility::Secretariat,
        }],
        DeadlineKind::LodgingFee
        | DeadlineKind::AppointmentByAgreement
        | DeadlineKind::InstitutionAppointment
        | DeadlineKind::InitialStatements
        | DeadlineKind::FirstSession => return None,
    };
    Some(events)
}
