//! Settlement: the parties indicate terms are agreed, approve one final text (frozen once every
//! party approved the same hash), sign it, the mediator countersigns, and the institution
//! attests the signed agreement.

use jiff::Timestamp;

use super::{acting_party, after, case_wide, not_allowed, one, require_state, user_of};
use crate::case::{Case, SettlementProgress};
use crate::command::{Command, CommandKind};
use crate::decide::{Context, Decided};
use crate::error::{DomainError, ErrorCode};
use crate::event::CaseEvent;
use crate::state::{CaseState, TerminationGround};

fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The state-and-actor guards of the settlement steps.
pub(super) fn guard(
    kind: CommandKind,
    case: &Case,
    ctx: &Context<'_>,
    party: Option<&str>,
) -> Result<(), DomainError> {
    use CommandKind as K;
    let st = case.state;
    match kind {
        K::IndicateTermsAgreed => require_state(kind, case, st == CaseState::Active),
        K::ApproveFinalText => {
            require_state(kind, case, st == CaseState::SettlementDrafting)?;
            acting_party(kind, case, party).map(|_| ())
        }
        K::SignSettlement => signature_open(case, ctx, party),
        K::CountersignSettlement => {
            require_state(kind, case, st == CaseState::Signing)?;
            let s = case
                .settlement
                .as_ref()
                .ok_or_else(|| not_allowed(kind, case))?;
            let missing: Vec<String> = case
                .active_parties()
                .filter(|p| !s.signatures.contains_key(&p.id))
                .map(|p| p.id.clone())
                .collect();
            if !missing.is_empty() {
                return Err(DomainError::guard(
                    ErrorCode::GuardPartySignaturesMissing,
                    format!(
                        "the mediator countersigns after every party; still to sign: {}",
                        missing.join(", ")
                    ),
                ));
            }
            Ok(())
        }
        _ => Err(not_allowed(kind, case)),
    }
}

/// A party signs once, through a representative whose proof of authority to sign is on file.
fn signature_open(case: &Case, ctx: &Context<'_>, party: Option<&str>) -> Result<(), DomainError> {
    let kind = CommandKind::SignSettlement;
    require_state(kind, case, case.state == CaseState::Signing)?;
    let party = acting_party(kind, case, party)?;
    let s = case
        .settlement
        .as_ref()
        .ok_or_else(|| not_allowed(kind, case))?;
    if s.signatures.contains_key(party) {
        return Err(DomainError::guard(
            ErrorCode::GuardAlreadyRecorded,
            format!("party '{party}' has already signed"),
        ));
    }
    let user = user_of(ctx);
    let authorised = case.party(party).is_some_and(|p| {
        p.representatives
            .iter()
            .any(|r| r.user_id == user && r.authority_document.is_some())
    });
    if !authorised {
        return Err(DomainError::guard(
            ErrorCode::GuardSignatoryAuthorityMissing,
            "the signatory's proof of authority to sign for this party is not on file",
        ));
    }
    Ok(())
}

/// The hash signed is the frozen final text's.
fn frozen(case: &Case, text_hash: &str, who: &str) -> Result<(), DomainError> {
    let frozen = case
        .settlement
        .as_ref()
        .and_then(|s| s.frozen_hash.as_deref());
    if frozen != Some(text_hash) {
        return Err(DomainError::guard(
            ErrorCode::GuardTextHashMismatch,
            format!("the hash {who} is not the hash of the frozen final text"),
        ));
    }
    Ok(())
}

/// Most issues a settlement may list as settled or unsettled.
pub const MAX_ISSUES: usize = 50;
/// Longest issue name, in characters.
pub const MAX_ISSUE_CHARS: usize = 300;

/// Checks a list of issue names: at most [`MAX_ISSUES`], each 1 to [`MAX_ISSUE_CHARS`]
/// characters, none named twice.
fn issue_list(issues: &[String], field: &str) -> Result<(), DomainError> {
    let bad = |m: String| DomainError::invalid(ErrorCode::InvalidIssues, m);
    if issues.len() > MAX_ISSUES {
        return Err(bad(format!(
            "'{field}' lists at most {MAX_ISSUES} issues, not {}",
            issues.len()
        )));
    }
    for (i, issue) in issues.iter().enumerate() {
        let n = issue.trim().chars().count();
        if n == 0 || n > MAX_ISSUE_CHARS {
            return Err(bad(format!(
                "'{field}' item {}: an issue is named in 1 to {MAX_ISSUE_CHARS} characters",
                i + 1
            )));
        }
        if issues[..i].iter().any(|j| j.trim() == issue.trim()) {
            return Err(bad(format!("'{field}' names '{}' twice", issue.trim())));
        }
    }
    Ok(())
}

/// The content checks and events of a settlement command whose step is open.
pub(super) fn decide(
    case: &Case,
    cmd: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Decided>, DomainError> {
    use Command as C;
    let now = ctx.now;
    match cmd {
        C::IndicateTermsAgreed {
            partial,
            settled_issues,
            unsettled_issues,
        } => {
            issue_list(settled_issues, "settled_issues")?;
            issue_list(unsettled_issues, "unsettled_issues")?;
            if *partial && (settled_issues.is_empty() || unsettled_issues.is_empty()) {
                return Err(DomainError::invalid(
                    ErrorCode::InvalidIssues,
                    "a partial settlement names the issues it settles and the issues that remain",
                ));
            }
            if !*partial && !unsettled_issues.is_empty() {
                return Err(DomainError::invalid(
                    ErrorCode::InvalidIssues,
                    "issues remain unsettled: indicate a partial settlement",
                ));
            }
            one(CaseEvent::TermsAgreed {
                partial: *partial,
                settled_issues: settled_issues.iter().map(|i| i.trim().to_owned()).collect(),
                unsettled_issues: unsettled_issues
                    .iter()
                    .map(|i| i.trim().to_owned())
                    .collect(),
            })
        }
        C::ApproveFinalText { party, text_hash } => {
            if !is_hash(text_hash) {
                return Err(DomainError::invalid(
                    ErrorCode::InvalidTextHash,
                    "text_hash is the SHA-256 of the final text: 64 lower-case hex digits",
                ));
            }
            let mut out = vec![case_wide(CaseEvent::FinalTextApproved {
                party: party.clone(),
                text_hash: text_hash.clone(),
            })];
            let next = after(case, &out, now);
            let all_same = next.active_parties().all(|p| {
                next.settlement
                    .as_ref()
                    .and_then(|s| s.approvals.get(&p.id))
                    .is_some_and(|h| h == text_hash)
            });
            if all_same {
                out.push(case_wide(CaseEvent::TextFrozen {
                    text_hash: text_hash.clone(),
                }));
            }
            Ok(out)
        }
        C::SignSettlement {
            party,
            text_hash,
            evidence,
        } => {
            frozen(case, text_hash, "signed")?;
            one(CaseEvent::SettlementSigned {
                party: party.clone(),
                user_id: user_of(ctx),
                text_hash: text_hash.clone(),
                evidence: evidence.clone(),
            })
        }
        C::CountersignSettlement {
            text_hash,
            evidence,
        } => {
            frozen(case, text_hash, "countersigned")?;
            let ground = if case.settlement.as_ref().is_some_and(|s| s.partial) {
                TerminationGround::PartiallySettled
            } else {
                TerminationGround::Settled
            };
            Ok(vec![
                case_wide(CaseEvent::SettlementCountersigned {
                    user_id: user_of(ctx),
                    text_hash: text_hash.clone(),
                    evidence: evidence.clone(),
                }),
                case_wide(CaseEvent::MediationTerminated {
                    ground,
                    effective: now,
                }),
            ])
        }
        _ => Err(not_allowed(cmd.kind(), case)),
    }
}

/// Records the institution's attestation of a signed settlement. The application builds and signs
/// the document; the domain checks that there is a signed, countersigned settlement to attest and
/// that none was attested before.
pub fn issue_attestation(
    case: &Case,
    verification_id: &str,
    document: &str,
    signature: &str,
) -> Result<Vec<Decided>, DomainError> {
    let Some(text_hash) = case.signed_settlement() else {
        return Err(DomainError::guard(
            ErrorCode::GuardNoSignedSettlement,
            "an attestation follows a settlement signed by every party and countersigned by the \
             mediator",
        ));
    };
    if case.attestation.is_some() {
        return Err(DomainError::guard(
            ErrorCode::GuardAlreadyRecorded,
            "the attestation of this settlement is already issued",
        ));
    }
    Ok(vec![case_wide(CaseEvent::AttestationIssued {
        verification_id: verification_id.to_owned(),
        text_hash: text_hash.to_owned(),
        document: document.to_owned(),
        signature: signature.to_owned(),
    })])
}

/// Folds a settlement event.
pub(super) fn apply(case: &mut Case, event: &CaseEvent, at: Timestamp) {
    use CaseEvent as E;
    match event {
        E::TermsAgreed {
            partial,
            settled_issues,
            unsettled_issues,
        } => {
            case.settlement = Some(SettlementProgress {
                partial: *partial,
                settled_issues: settled_issues.clone(),
                unsettled_issues: unsettled_issues.clone(),
                ..SettlementProgress::default()
            });
            case.state = CaseState::SettlementDrafting;
        }
        E::FinalTextApproved { party, text_hash } => {
            if let Some(s) = case.settlement.as_mut() {
                s.approvals.insert(party.clone(), text_hash.clone());
            }
        }
        E::TextFrozen { text_hash } => {
            if let Some(s) = case.settlement.as_mut() {
                s.frozen_hash = Some(text_hash.clone());
            }
            case.state = CaseState::Signing;
        }
        E::SettlementSigned { party, user_id, .. } => {
            if let Some(s) = case.settlement.as_mut() {
                s.signatures.insert(party.clone(), (user_id.clone(), at));
            }
        }
        E::SettlementCountersigned { user_id, .. } => {
            if let Some(s) = case.settlement.as_mut() {
                s.countersigned = Some((user_id.clone(), at));
            }
        }
        E::AttestationIssued {
            verification_id, ..
        } => case.attestation = Some(verification_id.clone()),
        _ => {}
    }
}
