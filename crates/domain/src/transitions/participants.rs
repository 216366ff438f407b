//! Participants beyond the parties and mediators: per-case roles granted by the authorities whose
//! consent each needs (transition 25, [`crate::grant`]), guests' confidentiality undertakings, and
//! a platform operator's break-glass access.

use std::collections::BTreeSet;

use jiff::Timestamp;

use super::{check_text, not_allowed, require_party, require_state, require_text, user_of};
use crate::case::{BreakGlass, Case, CaseRole, Participant};
use crate::channel::ChannelId;
use crate::command::{Command, CommandKind};
use crate::deadline::{DeadlineKind, DeadlineStatus};
use crate::decide::{Context, Decided, limits};
use crate::error::{DomainError, ErrorCode};
use crate::event::{CaseEvent, Visibility};
use crate::grant::{self, Consent, PendingGrant, consents_needed};
use crate::policy;
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
        K::ApproveParticipant | K::RefuseParticipant => {
            require_state(
                kind,
                case,
                st != CaseState::Draft && st != CaseState::Closed,
            )?;
            // Open while some proposed role awaits a consent the actor may give (approve) or
            // needs one the actor holds (refuse); an approver whose consent is on file waits.
            let held = policy::consents_held(ctx.actor, case);
            let me = user_of(ctx);
            let mine = |g: &&PendingGrant| !consents_needed(&g.role).is_disjoint(&held);
            let awaits_me = |g: &&PendingGrant| !g.missing().is_disjoint(&held);
            let grants = || case.pending_grants.iter();
            if kind == K::RefuseParticipant {
                if grants().any(|g| mine(&g)) {
                    return Ok(());
                }
            } else if grants().any(|g| g.user_id != me && awaits_me(&g)) {
                return Ok(());
            } else if grants().any(|g| g.user_id == me && awaits_me(&g)) {
                return Err(DomainError::guard(
                    ErrorCode::GuardSelfGrant,
                    "no one approves a role proposed for themselves",
                ));
            } else if grants().any(|g| mine(&g)) {
                return Err(DomainError::guard(
                    ErrorCode::GuardAlreadyRecorded,
                    "your consent is on file; the other consents are awaited",
                ));
            }
            Err(DomainError::invalid(
                ErrorCode::NoPendingGrant,
                "no proposed role awaits your decision in this case",
            ))
        }
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
            let mut roles = case.participants.iter().filter(|p| p.user_id == user);
            let Some(first) = roles.next() else {
                return Err(not_allowed(kind, case));
            };
            if !std::iter::once(first)
                .chain(roles)
                .any(|p| p.role.needs_undertaking() && p.undertaking_at.is_none())
            {
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

/// One copy of a grant's event for each visibility it has ([`grant::visibilities`]): every party
/// whose caucus or workspace the role opens sees it in its own timeline, and no one else.
fn for_each_concerned(role: &CaseRole, event: CaseEvent) -> Vec<Decided> {
    grant::visibilities(role)
        .into_iter()
        .map(|visibility| Decided {
            event: event.clone(),
            visibility,
        })
        .collect()
}

/// For the Secretariat's eyes only.
fn to_secretariat(event: CaseEvent) -> Decided {
    Decided {
        event,
        visibility: Visibility::Secretariat,
    }
}

/// Refuses an actor whose consent the role does not need (the policy refuses first; this is the
/// second line).
fn not_yours() -> DomainError {
    DomainError::guard(
        ErrorCode::Forbidden,
        "your consent is not one this role needs",
    )
}

/// The content checks and events of a participants' command whose step is open.
pub(super) fn decide(
    case: &Case,
    cmd: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Decided>, DomainError> {
    use Command as C;
    match cmd {
        C::AddParticipant { user_id, role } => add_participant(case, ctx, user_id, role),
        C::ApproveParticipant { user_id } => approve_participant(case, ctx, user_id),
        C::RefuseParticipant { user_id } => {
            let held = policy::consents_held(ctx.actor, case);
            let mine: Vec<&PendingGrant> = case
                .pending_grants
                .iter()
                .filter(|g| &g.user_id == user_id)
                .filter(|g| !consents_needed(&g.role).is_disjoint(&held))
                .collect();
            if mine.is_empty() {
                return Err(no_pending(user_id));
            }
            Ok(mine
                .into_iter()
                .flat_map(|g| {
                    for_each_concerned(
                        &g.role,
                        CaseEvent::ParticipantRefused {
                            user_id: user_id.clone(),
                            role: g.role.clone(),
                        },
                    )
                })
                .collect())
        }
        C::RemoveParticipant { user_id } => {
            // Only the roles the actor holds a consent in; any other role of the user answers
            // as if it did not exist.
            let held = policy::consents_held(ctx.actor, case);
            let mine: Vec<&Participant> = case
                .participants
                .iter()
                .filter(|p| &p.user_id == user_id)
                .filter(|p| !consents_needed(&p.role).is_disjoint(&held))
                .collect();
            if mine.is_empty() {
                return Err(DomainError::invalid(
                    ErrorCode::UnknownParticipant,
                    format!("'{user_id}' holds no role in this case that is yours to withdraw"),
                ));
            }
            Ok(mine
                .into_iter()
                .flat_map(|p| {
                    for_each_concerned(
                        &p.role,
                        CaseEvent::ParticipantRemoved {
                            user_id: user_id.clone(),
                            role: Some(p.role.clone()),
                        },
                    )
                })
                .collect())
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

/// No role proposed for `user_id` awaits the actor's decision (the same answer whether or not one
/// awaits someone else's).
fn no_pending(user_id: &str) -> DomainError {
    DomainError::invalid(
        ErrorCode::NoPendingGrant,
        format!("no role proposed for '{user_id}' awaits your decision"),
    )
}

/// Refuses a grant to oneself, or an approval of one's own proposed role.
fn not_to_oneself(ctx: &Context<'_>, user_id: &str) -> Result<(), DomainError> {
    if user_of(ctx) == user_id {
        return Err(DomainError::guard(
            ErrorCode::GuardSelfGrant,
            "no one grants a role to themselves or approves a role proposed for themselves",
        ));
    }
    Ok(())
}

/// A per-case role: its channels must be the case's, never the mediator's notes, a guest role
/// names at least one, and it cannot go to the actor, a party's representative or a mediator.
/// Granted at once when the actor holds every consent it needs; otherwise proposed, with the
/// consents the actor holds, until the others approve.
fn add_participant(
    case: &Case,
    ctx: &Context<'_>,
    user_id: &str,
    role: &CaseRole,
) -> Result<Vec<Decided>, DomainError> {
    check_text("user_id", user_id, limits::ID_MAX, true)?;
    not_to_oneself(ctx, user_id)?;
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
    // Only a proposal of the same concern can be in the way, and the actor holds one of its
    // consents: nothing is learnt of other parties' grants.
    if case
        .pending_grants
        .iter()
        .any(|g| g.user_id == user_id && grant::same_concern(&g.role, role))
    {
        return Err(DomainError::guard(
            ErrorCode::GuardAlreadyRecorded,
            "a role of this kind proposed for this user awaits approval: refuse or withdraw it first",
        ));
    }
    let needed = consents_needed(role);
    let given: BTreeSet<Consent> = policy::consents_held(ctx.actor, case)
        .intersection(&needed)
        .cloned()
        .collect();
    if given.is_empty() {
        return Err(not_yours());
    }
    let event = if given == needed {
        CaseEvent::ParticipantAdded {
            user_id: user_id.to_owned(),
            role: role.clone(),
        }
    } else {
        CaseEvent::ParticipantProposed {
            user_id: user_id.to_owned(),
            role: role.clone(),
            consents: given,
            proposed_by: user_of(ctx),
        }
    };
    Ok(for_each_concerned(role, event))
}

/// Gives every consent the actor holds that the roles proposed for `user_id` still need; the last
/// one makes a role effective (`participant-added` follows in the same step).
fn approve_participant(
    case: &Case,
    ctx: &Context<'_>,
    user_id: &str,
) -> Result<Vec<Decided>, DomainError> {
    let held = policy::consents_held(ctx.actor, case);
    let proposed = || case.pending_grants.iter().filter(|g| g.user_id == user_id);
    let awaiting: Vec<&PendingGrant> = proposed()
        .filter(|g| !g.missing().is_disjoint(&held))
        .collect();
    if awaiting.is_empty() {
        return Err(
            if proposed().any(|g| !consents_needed(&g.role).is_disjoint(&held)) {
                DomainError::guard(
                    ErrorCode::GuardAlreadyRecorded,
                    "your consent to this role is already on file",
                )
            } else {
                no_pending(user_id)
            },
        );
    }
    not_to_oneself(ctx, user_id)?;
    let mut out = vec![];
    for g in awaiting {
        let missing = g.missing();
        let given: BTreeSet<Consent> = held.intersection(&missing).cloned().collect();
        let complete = given == missing;
        out.extend(for_each_concerned(
            &g.role,
            CaseEvent::ParticipantApproved {
                user_id: user_id.to_owned(),
                role: g.role.clone(),
                consents: given,
            },
        ));
        if complete {
            out.extend(for_each_concerned(
                &g.role,
                CaseEvent::ParticipantAdded {
                    user_id: user_id.to_owned(),
                    role: g.role.clone(),
                },
            ));
        }
    }
    Ok(out)
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
    if !policy::relation(ctx.actor, case).secretariat {
        return Err(DomainError::guard(
            ErrorCode::GuardSecondApproverRequired,
            "break-glass access is approved by members of the Secretariat only",
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
            case.pending_grants
                .retain(|g| &g.user_id != user_id || !grant::same_concern(&g.role, role));
            // Each concerned party's copy of the grant folds to the same role (its undertaking
            // is asked for once the grant is complete).
            if case
                .participants
                .iter()
                .any(|p| &p.user_id == user_id && &p.role == role && p.undertaking_at.is_none())
            {
                return;
            }
            // A new role replaces the user's role of the same concern only.
            case.participants
                .retain(|p| &p.user_id != user_id || !grant::same_concern(&p.role, role));
            case.participants.push(Participant {
                user_id: user_id.clone(),
                role: role.clone(),
                undertaking_at: None,
            });
        }
        E::ParticipantRemoved { user_id, role } => {
            case.participants
                .retain(|p| &p.user_id != user_id || role.as_ref().is_some_and(|r| r != &p.role));
        }
        E::ParticipantProposed {
            user_id,
            role,
            consents,
            proposed_by,
        } if !case
            .pending_grants
            .iter()
            .any(|g| &g.user_id == user_id && grant::same_concern(&g.role, role)) =>
        {
            case.pending_grants.push(PendingGrant {
                user_id: user_id.clone(),
                role: role.clone(),
                proposed_by: proposed_by.clone(),
                consents: consents.clone(),
            });
        }
        E::ParticipantApproved {
            user_id,
            role,
            consents,
        } => {
            if let Some(g) = case
                .pending_grants
                .iter_mut()
                .find(|g| &g.user_id == user_id && &g.role == role)
            {
                g.consents.extend(consents.iter().cloned());
            }
        }
        E::ParticipantRefused { user_id, role } => {
            case.pending_grants
                .retain(|g| &g.user_id != user_id || &g.role != role);
        }
        E::UndertakingAccepted { user_id } => {
            for p in case.participants.iter_mut().filter(|p| {
                &p.user_id == user_id && p.role.needs_undertaking() && p.undertaking_at.is_none()
            }) {
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
                case.start_duration(
                    DeadlineKind::BreakGlassExpiry,
                    Some(operator),
                    at,
                    24,
                    "break-glass access lasts 24 hours",
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
