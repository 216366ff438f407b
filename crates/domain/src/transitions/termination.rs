//! Termination: the mediator's declaration, the parties' joint declaration, a party's withdrawal
//! and whether the others continue without it, the termination itself, final accounts and the
//! closing of the case.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::{acting_party, after, case_wide, not_allowed, one, require_state, require_text};
use crate::case::{Case, Continuation};
use crate::command::{Command, CommandKind};
use crate::deadline::{DeadlineKind, DeadlineStatus};
use crate::decide::{Context, Decided};
use crate::error::{DomainError, ErrorCode};
use crate::event::CaseEvent;
use crate::state::{CaseState, TerminationGround};

/// The state-and-actor guards of the termination steps.
pub(super) fn guard(
    kind: CommandKind,
    case: &Case,
    party: Option<&str>,
) -> Result<(), DomainError> {
    use CommandKind as K;
    let st = case.state;
    let terminated = matches!(st, CaseState::Terminated { .. });
    match kind {
        K::DeclareMediatorTermination => {
            require_state(
                kind,
                case,
                matches!(
                    st,
                    CaseState::Preparatory | CaseState::Active | CaseState::Suspended { .. }
                ),
            )?;
            if !case.consultation_held {
                return Err(DomainError::guard(
                    ErrorCode::GuardConsultationNotHeld,
                    "the mediator consults the parties before declaring the mediation terminated (record the consultation first)",
                ));
            }
            Ok(())
        }
        K::DeclareJointTermination => {
            require_state(kind, case, st.is_commenced())?;
            let party = acting_party(kind, case, party)?;
            if case.joint_termination.contains(party) {
                return Err(DomainError::guard(
                    ErrorCode::GuardAlreadyRecorded,
                    format!("party '{party}' has already declared"),
                ));
            }
            Ok(())
        }
        K::Withdraw => {
            require_state(kind, case, st.is_commenced() && case.continuation.is_none())?;
            acting_party(kind, case, party)?;
            if case.profile.withdrawal_requires_protocol && case.first_session.is_none() {
                return Err(DomainError::guard(
                    ErrorCode::GuardWithdrawalBeforeProtocol,
                    "under this profile a party may withdraw only after the first session's protocol",
                ));
            }
            Ok(())
        }
        K::AnswerContinuation => {
            let c = case
                .continuation
                .as_ref()
                .ok_or_else(|| not_allowed(kind, case))?;
            let party = acting_party(kind, case, party)?;
            if c.answers.contains_key(party) {
                return Err(DomainError::guard(
                    ErrorCode::GuardAlreadyRecorded,
                    format!("party '{party}' has already answered"),
                ));
            }
            Ok(())
        }
        K::RecordFinalAccounts => require_state(kind, case, terminated),
        K::Close => {
            require_state(kind, case, terminated)?;
            if case.final_accounts.is_none() {
                return Err(DomainError::guard(
                    ErrorCode::GuardFinalAccountsMissing,
                    "final accounts are issued (and refunds processed) before a case closes",
                ));
            }
            Ok(())
        }
        _ => Err(not_allowed(kind, case)),
    }
}

/// The content checks and events of a termination command whose step is open.
pub(super) fn decide(
    case: &Case,
    cmd: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Decided>, DomainError> {
    use Command as C;
    let now = ctx.now;
    let terminated =
        |ground, effective| case_wide(CaseEvent::MediationTerminated { ground, effective });
    match cmd {
        C::DeclareMediatorTermination { reason } => {
            require_text("reason", reason)?;
            Ok(vec![
                case_wide(CaseEvent::MediatorTerminationDeclared {
                    reason: reason.clone(),
                }),
                terminated(TerminationGround::MediatorDeclaration, now),
            ])
        }
        C::DeclareJointTermination { party } => {
            let mut out = vec![case_wide(CaseEvent::JointTerminationDeclared {
                party: party.clone(),
            })];
            let next = after(case, &out, now);
            if next
                .active_parties()
                .all(|p| next.joint_termination.contains(&p.id))
            {
                out.push(terminated(TerminationGround::JointDeclaration, now));
            }
            Ok(out)
        }
        C::Withdraw { party } => {
            let mut out = vec![case_wide(CaseEvent::PartyWithdrew {
                party: party.clone(),
            })];
            let next = after(case, &out, now);
            if next.active_parties().count() < 2 {
                out.push(terminated(TerminationGround::PartyWithdrawal, now));
            }
            Ok(out)
        }
        C::AnswerContinuation {
            party,
            continue_mediation,
        } => answer_continuation(case, party, *continue_mediation, now),
        C::RecordFinalAccounts { summary } => {
            require_text("summary", summary)?;
            one(CaseEvent::FinalAccountsIssued {
                summary: summary.clone(),
            })
        }
        C::Close {} => one(CaseEvent::CaseClosed {}),
        _ => Err(not_allowed(cmd.kind(), case)),
    }
}

/// A remaining party answers after a withdrawal: one "no" terminates the mediation as of the
/// withdrawal; once every remaining party said yes, it continues without the withdrawn party.
fn answer_continuation(
    case: &Case,
    party: &str,
    continue_mediation: bool,
    now: Timestamp,
) -> Result<Vec<Decided>, DomainError> {
    let c = case
        .continuation
        .as_ref()
        .ok_or_else(|| not_allowed(CommandKind::AnswerContinuation, case))?;
    let mut out = vec![case_wide(CaseEvent::ContinuationAnswered {
        party: party.to_owned(),
        continue_mediation,
    })];
    if !continue_mediation {
        out.push(case_wide(CaseEvent::MediationTerminated {
            ground: TerminationGround::PartyWithdrawal,
            effective: c.withdrawn_at,
        }));
    } else {
        let next = after(case, &out, now);
        let all_yes = next.active_parties().all(|p| {
            next.continuation
                .as_ref()
                .and_then(|c| c.answers.get(&p.id))
                .copied()
                == Some(true)
        });
        if all_yes {
            out.push(case_wide(CaseEvent::ContinuingWithoutParty {
                party: c.withdrawn_party.clone(),
            }));
        }
    }
    Ok(out)
}

/// Folds a termination event.
pub(super) fn apply(case: &mut Case, event: &CaseEvent, at: Timestamp) {
    use CaseEvent as E;
    match event {
        E::JointTerminationDeclared { party } => {
            case.joint_termination.insert(party.clone());
        }
        E::PartyWithdrew { party } => {
            case.joint_termination.remove(party);
            if let Some(p) = case.party_mut(party) {
                p.withdrawn_at = Some(at);
            }
            case.deposits.remove(party);
            case.close_deadline(
                DeadlineKind::Deposit,
                Some(party),
                DeadlineStatus::Cancelled,
            );
            case.continuation = Some(Continuation {
                withdrawn_party: party.clone(),
                withdrawn_at: at,
                answers: BTreeMap::new(),
            });
        }
        E::ContinuationAnswered {
            party,
            continue_mediation,
        } => {
            if let Some(c) = case.continuation.as_mut() {
                c.answers.insert(party.clone(), *continue_mediation);
            }
        }
        E::ContinuingWithoutParty { .. } => case.continuation = None,
        E::MediationTerminated { ground, effective } => {
            apply_termination(case, *ground, *effective)
        }
        E::FinalAccountsIssued { summary } => case.final_accounts = Some(summary.clone()),
        E::CaseClosed {} => case.state = CaseState::Closed,
        // The mediator's declaration is followed by the termination, which does the folding.
        _ => {}
    }
}

/// The mediation terminates: the deadline whose lapse caused it is marked lapsed; the rest end.
fn apply_termination(case: &mut Case, ground: TerminationGround, effective: Timestamp) {
    case.state = CaseState::Terminated { ground, effective };
    case.termination_ground = Some(ground);
    case.continuation = None;
    let cause = match ground {
        TerminationGround::NoAppointment => Some(DeadlineKind::Inactivity),
        TerminationGround::Nonpayment => Some(DeadlineKind::NonpaymentTermination),
        TerminationGround::TimeLimitExpired => Some(DeadlineKind::TimeLimit),
        _ => None,
    };
    if let Some(kind) = cause {
        case.close_deadline(kind, None, DeadlineStatus::Lapsed);
    }
    case.close_all_deadlines(DeadlineStatus::Cancelled);
}
