//! Which steps are open to an actor: the question a page asks before it offers a form. A step is a
//! command named without its content ([`CommandKind`]), with the party acted for where the step is
//! taken for a party. Only the policy and the state-and-actor guards decide; the content is checked
//! when the command itself is decided, so nothing here invents values to ask with.

use crate::case::Case;
use crate::command::CommandKind;
use crate::decide::Context;
use crate::error::{DomainError, ErrorCode};
use crate::party::PartyKind;
use crate::policy::{self, Action};
use crate::transitions;

/// A step a page may offer: a kind of command, and for the steps a party's representative takes
/// ([`CommandKind::acts_for_party`]) the party acted for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The kind of command.
    pub kind: CommandKind,
    /// The party acted for (ignored by the kinds that do not act for one).
    pub party: Option<String>,
}

impl Step {
    /// A step of a kind that is not taken for a party.
    pub fn new(kind: CommandKind) -> Step {
        Step { kind, party: None }
    }

    /// A step taken for `party`.
    pub fn for_party(kind: CommandKind, party: impl Into<String>) -> Step {
        Step {
            kind,
            party: Some(party.into()),
        }
    }
}

/// Whether a step is open to an actor now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Openness {
    /// The policy allows it and the case admits it: only its content remains to be checked.
    Open,
    /// The policy allows it and the state admits it, but a rule's condition is not met yet (the
    /// guard's code and words say which), such as a proof of authority not on file.
    Blocked {
        /// The guard's code.
        code: ErrorCode,
        /// What is missing.
        message: String,
    },
    /// Not the actor's to do, or not in this state.
    Closed,
}

/// Is `step` open to `ctx.actor` on `case`? Asks the policy, then the step's state-and-actor
/// guards; a step whose content must name something of the case (a third State whose consent is
/// awaited, a State entity, an unpaid deposit) is closed while there is nothing to name.
pub fn openness(case: &Case, step: &Step, ctx: &Context<'_>) -> Openness {
    let party = step.party.as_deref();
    if !allowed(case, step, ctx) || !has_subject(case, step, ctx) {
        return Openness::Closed;
    }
    match transitions::guard(step.kind, case, ctx, party) {
        Ok(()) => Openness::Open,
        // A step that does not concern the party acted for, or that is already done, is not
        // waiting on anything: it is not offered at all.
        Err(DomainError::GuardFailed { code, .. }) if code.settles_the_step() => Openness::Closed,
        Err(DomainError::GuardFailed { code, message }) => Openness::Blocked { code, message },
        Err(_) => Openness::Closed,
    }
}

/// The policy's answer for the step. A third State's consent is recorded for a State named in
/// the command: the step is allowed when the actor may record it for a State still to consent.
fn allowed(case: &Case, step: &Step, ctx: &Context<'_>) -> bool {
    if matches!(
        step.kind,
        CommandKind::RecordThirdStateConsent | CommandKind::DeclineThirdStateConsent
    ) {
        return case.third_states.iter().any(|t| {
            t.consent.is_none()
                && (step.kind == CommandKind::RecordThirdStateConsent || t.declined.is_none())
                && policy::authorize(
                    ctx.actor,
                    &Action::ConsentAsThirdState {
                        country: t.country.clone(),
                    },
                    case,
                )
                .is_ok()
        });
    }
    step.kind
        .action(step.party.as_deref())
        .is_some_and(|action| policy::authorize(ctx.actor, &action, case).is_ok())
}

/// False for a step whose command names something the case does not hold now (for a party's
/// agreement to newer rules: a version in force newer than the case's that the party has not
/// agreed to yet).
fn has_subject(case: &Case, step: &Step, ctx: &Context<'_>) -> bool {
    match step.kind {
        CommandKind::AgreeProfileVersion => {
            crate::rule_change::in_force(&case.profile.id, ctx.profile_versions, ctx.now).is_ok_and(
                |p| {
                    p.version > case.profile.version
                        && step.party.as_ref().is_none_or(|party| {
                            case.profile_agreements.get(party) != Some(&p.version)
                        })
                },
            )
        }
        CommandKind::RecordStateApproval => case
            .active_parties()
            .any(|p| matches!(p.kind, PartyKind::StateEntity { .. })),
        CommandKind::RecordDepositPaid => case.deposits.values().any(|d| !d.paid),
        _ => true,
    }
}
