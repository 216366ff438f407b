//! Participants beyond the parties and mediators: per-case roles granted by the Secretariat,
//! guests' confidentiality undertakings, and a platform operator's break-glass access.

use jiff::Timestamp;

use super::{check_text, not_allowed, require_party, require_state, require_text, user_of};
use crate::case::{BreakGlass, Case, CaseRole, Participant};
use crate::channel::ChannelId;
use crate::command::{Command, CommandKind};
use crate::deadline::{DeadlineKind, DeadlineStatus};
use crate::decide::{Context, Decided, limits};
use crate::error::{DomainError, ErrorCode};
use crate::event::{CaseEvent, Visibility};
use crate::state::CaseState;

/// The state-and-actor guards of the participants' steps.
pub(super) fn guard(kind: CommandKind, case: &Case, ctx: &Context<'_>) -> Result<(), DomainError> {
    use CommandKind as K;
    let st = case.state;
    match kind {
        K::AddParticipant => require_state(
            kind,
            case,
            st != CaseState::Draft && st != CaseState::Closed,
        ),
        K::RemoveParticipant | K::ApproveBreakGlass | K::EndBreakGlass => Ok(()),
        K::RequestBreakGlass => {
            require_state(kind, case, st != CaseState::Draft)?;
            let operator = user_of(ctx);
            if case
                .break_glass
                .iter()
                .any(|b| b.operator == operator && !b.ended)
            {
                return Err(DomainError::guard(
                    ErrorCode::GuardAlreadyRecorded,
                    "a break-glass request of yours is already open on this case",
                ));
            }
            Ok(())
        }
        K::AcceptUndertaking => {
            let user = user_of(ctx);
            let p = case
                .participants
                .iter()
                .find(|p| p.user_id == user)
                .ok_or_else(|| not_allowed(kind, case))?;
            if !p.role.needs_undertaking() || p.undertaking_at.is_some() {
                return Err(DomainError::guard(
                    ErrorCode::GuardAlreadyRecorded,
                    "there is no undertaking awaiting your acceptance",
                ));
            }
            Ok(())
        }
        _ => Err(not_allowed(kind, case)),
    }
}

/// Visible to one party where the grant concerns that party's private channels, else to the case.
fn for_party_or_case(event: CaseEvent, party: Option<String>) -> Decided {
    Decided {
        event,
        visibility: match party {
            Some(party) => Visibility::Party { party },
            None => Visibility::Case,
        },
    }
}

/// For the Secretariat's eyes only.
fn to_secretariat(event: CaseEvent) -> Decided {
    Decided {
        event,
        visibility: Visibility::Secretariat,
    }
}

/// The content checks and events of a participants' command whose step is open.
pub(super) fn decide(
    case: &Case,
    cmd: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Decided>, DomainError> {
    use Command as C;
    match cmd {
        C::AddParticipant { user_id, role } => add_participant(case, user_id, role),
        C::RemoveParticipant { user_id } => {
            let Some(p) = case.participants.iter().find(|p| &p.user_id == user_id) else {
                return Err(DomainError::invalid(
                    ErrorCode::UnknownParticipant,
                    format!("'{user_id}' holds no role in this case"),
                ));
            };
            let party = p
                .role
                .guest_channels()
                .iter()
                .find_map(|c| c.party().map(str::to_owned));
            Ok(vec![for_party_or_case(
                CaseEvent::ParticipantRemoved {
                    user_id: user_id.clone(),
                },
                party,
            )])
        }
        C::RequestBreakGlass { reason } => {
            require_text("reason", reason)?;
            Ok(vec![to_secretariat(CaseEvent::BreakGlassRequested {
                operator: user_of(ctx),
                reason: reason.clone(),
            })])
        }
        C::ApproveBreakGlass { operator } => approve_break_glass(case, ctx, operator),
        C::EndBreakGlass { operator } => {
            if !case
                .break_glass
                .iter()
                .any(|b| &b.operator == operator && !b.ended)
            {
                return Err(DomainError::invalid(
                    ErrorCode::NoBreakGlassRequest,
                    format!("'{operator}' has no open break-glass access on this case"),
                ));
            }
            Ok(vec![to_secretariat(CaseEvent::BreakGlassEnded {
                operator: operator.clone(),
            })])
        }
        C::AcceptUndertaking {} => Ok(vec![to_secretariat(CaseEvent::UndertakingAccepted {
            user_id: user_of(ctx),
        })]),
        _ => Err(not_allowed(cmd.kind(), case)),
    }
}

/// A per-case role: its channels must be the case's, never the mediator's notes, and it cannot
/// go to a party's representative or a mediator.
fn add_participant(
    case: &Case,
    user_id: &str,
    role: &CaseRole,
) -> Result<Vec<Decided>, DomainError> {
    check_text("user_id", user_id, limits::ID_MAX, true)?;
    if let CaseRole::InternalReviewer { party } = role {
        require_party(case, party)?;
    }
    for ch in role.guest_channels() {
        if let Some(p) = ch.party() {
            require_party(case, p)?;
        }
        if *ch == ChannelId::MediatorNotes {
            return Err(DomainError::invalid(
                ErrorCode::NotesAreTheMediators,
                "no one but the mediator may be given the mediator's notes",
            ));
        }
    }
    if role.needs_undertaking() && role.guest_channels().is_empty() {
        return Err(DomainError::invalid(
            ErrorCode::MissingField,
            "a guest role names its channels",
        ));
    }
    if case.parties.iter().any(|p| p.is_represented_by(user_id))
        || case.mediators.iter().any(|m| m.user_id == user_id)
    {
        return Err(DomainError::guard(
            ErrorCode::GuardRoleConflict,
            "a party's representative or a mediator cannot also hold a case role",
        ));
    }
    // A grant that concerns one party's private channels is that party's business only.
    let single_party = role
        .guest_channels()
        .iter()
        .filter_map(|c| c.party())
        .next()
        .map(str::to_owned)
        .or(match role {
            CaseRole::InternalReviewer { party } => Some(party.clone()),
            _ => None,
        });
    Ok(vec![for_party_or_case(
        CaseEvent::ParticipantAdded {
            user_id: user_id.to_owned(),
            role: role.clone(),
        },
        single_party,
    )])
}

/// A second, different Secretariat member (never the operator) grants break-glass access.
fn approve_break_glass(
    case: &Case,
    ctx: &Context<'_>,
    operator: &str,
) -> Result<Vec<Decided>, DomainError> {
    let by = user_of(ctx);
    let Some(b) = case
        .break_glass
        .iter()
        .rev()
        .find(|b| b.operator == operator && !b.ended)
    else {
        return Err(DomainError::invalid(
            ErrorCode::NoBreakGlassRequest,
            format!("'{operator}' has no open break-glass request on this case"),
        ));
    };
    if b.effective() {
        return Err(DomainError::guard(
            ErrorCode::GuardAlreadyRecorded,
            "this break-glass access is already granted",
        ));
    }
    if b.approvals.contains(&by) || by == operator {
        return Err(DomainError::guard(
            ErrorCode::GuardSecondApproverRequired,
            "break-glass access needs two different Secretariat members, neither the operator",
        ));
    }
    Ok(vec![to_secretariat(CaseEvent::BreakGlassApproved {
        operator: operator.to_owned(),
        by,
    })])
}

/// Folds a participants' event.
pub(super) fn apply(case: &mut Case, event: &CaseEvent, at: Timestamp) {
    use CaseEvent as E;
    match event {
        E::ParticipantAdded { user_id, role } => {
            case.participants.retain(|p| &p.user_id != user_id);
            case.participants.push(Participant {
                user_id: user_id.clone(),
                role: role.clone(),
                undertaking_at: None,
            });
        }
        E::ParticipantRemoved { user_id } => {
            case.participants.retain(|p| &p.user_id != user_id);
        }
        E::UndertakingAccepted { user_id } => {
            if let Some(p) = case.participants.iter_mut().find(|p| &p.user_id == user_id) {
                p.undertaking_at = Some(at);
            }
        }
        E::BreakGlassRequested { operator, reason } => {
            case.break_glass
                .retain(|b| &b.operator != operator || b.effective());
            case.break_glass.push(BreakGlass {
                operator: operator.clone(),
                reason: reason.clone(),
                approvals: vec![],
                ended: false,
            });
        }
        E::BreakGlassApproved { operator, by } => {
            let granted_now = if let Some(b) = case
                .break_glass
                .iter_mut()
                .rev()
                .find(|b| &b.operator == operator && !b.ended)
            {
                b.approvals.push(by.clone());
                b.approvals.len() == BreakGlass::APPROVALS
            } else {
                false
            };
            if granted_now {
                case.start_deadline(
                    DeadlineKind::BreakGlassExpiry,
                    Some(operator),
                    at,
                    1,
                    "break-glass access lasts one day",
                );
            }
        }
        E::BreakGlassEnded { operator } => {
            for b in case
                .break_glass
                .iter_mut()
                .filter(|b| &b.operator == operator)
            {
                b.ended = true;
            }
            case.close_deadline(
                DeadlineKind::BreakGlassExpiry,
                Some(operator),
                DeadlineStatus::Met,
            );
        }
        _ => {}
    }
}
