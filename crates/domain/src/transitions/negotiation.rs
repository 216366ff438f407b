//! Negotiation led by the mediator: negotiations on an agenda of issues, the packages put to the
//! parties and the one they agree, and blind biddings on money claims. The parties' private
//! preferences, answers and figures never reach the case; the application records only what
//! they lead to ([`conclude_package`], [`close_blind_round`]).

use jiff::Timestamp;

use super::{case_wide, not_allowed, one, require_state};
use crate::case::Case;
use crate::command::{Command, CommandKind};
use crate::decide::Decided;
use crate::error::{DomainError, ErrorCode};
use crate::event::CaseEvent;
use crate::state::CaseState;

/// Negotiations open and move while the mediation is active or a settlement is being drafted.
pub(crate) fn negotiating(case: &Case) -> bool {
    matches!(
        case.state,
        CaseState::Active | CaseState::SettlementDrafting
    )
}

/// The negotiation named, still open (no package agreed yet).
fn open_negotiation<'a>(
    case: &'a Case,
    id: &str,
) -> Result<&'a crate::negotiation::Negotiation, DomainError> {
    let n = case.negotiation(id).ok_or_else(|| {
        DomainError::invalid(
            ErrorCode::UnknownNegotiation,
            format!("the case has no negotiation '{id}'"),
        )
    })?;
    if n.agreed.is_some() {
        return Err(DomainError::guard(
            ErrorCode::GuardNegotiationAgreed,
            format!("negotiation '{id}' has ended: the parties agreed a package"),
        ));
    }
    Ok(n)
}

/// The state-and-actor guards of the negotiation steps.
pub(super) fn guard(kind: CommandKind, case: &Case) -> Result<(), DomainError> {
    use crate::bidding::limits::BIDDINGS_MAX;
    use crate::negotiation::limits::NEGOTIATIONS_MAX;
    use CommandKind as K;
    require_state(kind, case, negotiating(case))?;
    match kind {
        K::OpenNegotiation if case.negotiations.len() >= NEGOTIATIONS_MAX => {
            Err(DomainError::guard(
                ErrorCode::GuardTooManyNegotiations,
                format!("a case holds at most {NEGOTIATIONS_MAX} negotiations"),
            ))
        }
        K::OpenBlindBidding if case.blind_biddings.len() >= BIDDINGS_MAX => {
            Err(DomainError::guard(
                ErrorCode::GuardTooManyBiddings,
                format!("a case holds at most {BIDDINGS_MAX} blind biddings"),
            ))
        }
        K::OpenNegotiation | K::OpenBlindBidding | K::ProposePackage => Ok(()),
        _ => Err(not_allowed(kind, case)),
    }
}

/// The content checks and events of a negotiation command whose step is open.
pub(super) fn decide(case: &Case, cmd: &Command) -> Result<Vec<Decided>, DomainError> {
    use Command as C;
    match cmd {
        C::OpenNegotiation { agenda } => {
            agenda.validate()?;
            one(CaseEvent::NegotiationOpened {
                negotiation_id: format!("N{}", case.negotiations.len() + 1),
                agenda: agenda.clone(),
            })
        }
        C::ProposePackage {
            negotiation,
            package,
        } => {
            let n = open_negotiation(case, negotiation)?;
            n.agenda.check_package(package)?;
            if n.proposals.len() >= crate::negotiation::limits::PROPOSALS_MAX {
                return Err(DomainError::guard(
                    ErrorCode::GuardTooManyProposals,
                    format!(
                        "a negotiation holds at most {} proposals; open a new one",
                        crate::negotiation::limits::PROPOSALS_MAX
                    ),
                ));
            }
            if n.proposals.iter().any(|p| &p.package == package) {
                return Err(DomainError::guard(
                    ErrorCode::GuardPackageAlreadyProposed,
                    "this package is already before the parties",
                ));
            }
            one(CaseEvent::PackageProposed {
                negotiation_id: n.id.clone(),
                proposal_id: format!("P{}", n.proposals.len() + 1),
                package: package.clone(),
            })
        }
        C::OpenBlindBidding { rules } => {
            rules.validate(case)?;
            one(CaseEvent::BlindBiddingOpened {
                bidding_id: format!("B{}", case.blind_biddings.len() + 1),
                rules: rules.clone(),
            })
        }
        _ => Err(not_allowed(cmd.kind(), case)),
    }
}

/// Records that every party accepted a proposal. The application calls this (as the `system`
/// actor) once it has checked the parties' private answers, which the case log never holds.
pub fn conclude_package(
    case: &Case,
    negotiation: &str,
    proposal: &str,
) -> Result<Vec<Decided>, DomainError> {
    if !negotiating(case) {
        return Err(DomainError::TransitionNotAllowed {
            command: "conclude-package",
            state: case.state.name().to_owned(),
        });
    }
    let n = open_negotiation(case, negotiation)?;
    let p = n.proposal(proposal).ok_or_else(|| {
        DomainError::invalid(
            ErrorCode::UnknownProposal,
            format!("negotiation '{negotiation}' has no proposal '{proposal}'"),
        )
    })?;
    Ok(vec![case_wide(CaseEvent::PackageAgreed {
        negotiation_id: n.id.clone(),
        proposal_id: p.id.clone(),
        package: p.package.clone(),
    })])
}

/// Records how a round of a blind bidding ended. The application calls this (as the `system`
/// actor) once both sides' figures, which the case log never holds, are in; `round` must be the
/// round now open, so a round is closed once.
pub fn close_blind_round(
    case: &Case,
    bidding: &str,
    round: u32,
    settled_at: Option<u64>,
) -> Result<Vec<Decided>, DomainError> {
    if !negotiating(case) {
        return Err(DomainError::TransitionNotAllowed {
            command: "close-blind-round",
            state: case.state.name().to_owned(),
        });
    }
    let b = case.blind_bidding(bidding).ok_or_else(|| {
        DomainError::invalid(
            ErrorCode::UnknownBidding,
            format!("the case has no blind bidding '{bidding}'"),
        )
    })?;
    if b.current_round() != Some(round) {
        return Err(DomainError::guard(
            ErrorCode::GuardRoundNotOpen,
            format!("round {round} of blind bidding '{bidding}' is not the round open for figures"),
        ));
    }
    Ok(vec![case_wide(CaseEvent::BlindRoundClosed {
        bidding_id: b.id.clone(),
        round,
        settled_at,
    })])
}

/// Folds a negotiation event.
pub(super) fn apply(case: &mut Case, event: &CaseEvent, at: Timestamp) {
    use CaseEvent as E;
    match event {
        E::NegotiationOpened {
            negotiation_id,
            agenda,
        } => case.negotiations.push(crate::negotiation::Negotiation {
            id: negotiation_id.clone(),
            agenda: agenda.clone(),
            opened_at: at,
            proposals: vec![],
            agreed: None,
        }),
        E::PackageProposed {
            negotiation_id,
            proposal_id,
            package,
        } => {
            if let Some(n) = case.negotiation_mut(negotiation_id) {
                n.proposals.push(crate::negotiation::Proposal {
                    id: proposal_id.clone(),
                    package: package.clone(),
                    proposed_at: at,
                });
            }
        }
        E::PackageAgreed {
            negotiation_id,
            proposal_id,
            ..
        } => {
            if let Some(n) = case.negotiation_mut(negotiation_id) {
                n.agreed = Some(proposal_id.clone());
            }
        }
        E::BlindBiddingOpened { bidding_id, rules } => {
            case.blind_biddings.push(crate::bidding::BlindBidding {
                id: bidding_id.clone(),
                rules: rules.clone(),
                opened_at: at,
                rounds: vec![],
            })
        }
        E::BlindRoundClosed {
            bidding_id,
            round,
            settled_at,
        } => {
            if let Some(b) = case.blind_biddings.iter_mut().find(|b| &b.id == bidding_id) {
                b.rounds.push(crate::bidding::RoundOutcome {
                    round: *round,
                    settled_at: *settled_at,
                });
            }
        }
        _ => {}
    }
}
