//! Proceedings: deposits and non-payment, the first session, suspension by agreement and
//! resumption, the agreed time limit, consultations, and documents filed in channels.

use jiff::Timestamp;

use super::{not_allowed, one, require_party, require_state, require_text};
use crate::case::Case;
use crate::command::{Command, CommandKind};
use crate::deadline::{DeadlineKind, DeadlineStatus};
use crate::decide::{Context, Decided};
use crate::error::{DomainError, ErrorCode};
use crate::event::{CaseEvent, ProfileAdoption, Visibility};
use crate::rule_change;
use crate::state::{CaseState, SuspensionKind};

/// From the file's transmittal until the settlement is signed, suspensions included.
pub(crate) fn in_mediation(case: &Case) -> bool {
    matches!(
        case.state,
        CaseState::Preparatory
            | CaseState::Active
            | CaseState::SettlementDrafting
            | CaseState::Suspended { .. }
    )
}

/// The state-and-actor guards of the proceedings steps.
pub(super) fn guard(kind: CommandKind, case: &Case, ctx: &Context<'_>) -> Result<(), DomainError> {
    use CommandKind as K;
    let st = case.state;
    match kind {
        K::RecordDepositPaid | K::RecordConsultation => {
            require_state(kind, case, in_mediation(case))
        }
        K::RecordFirstSession => require_state(kind, case, st == CaseState::Preparatory),
        K::SuspendByAgreement => require_state(
            kind,
            case,
            matches!(
                st,
                CaseState::Preparatory | CaseState::Active | CaseState::SettlementDrafting
            ),
        ),
        K::Resume => require_state(
            kind,
            case,
            matches!(
                st,
                CaseState::Suspended {
                    kind: SuspensionKind::ByAgreement,
                    ..
                }
            ),
        ),
        K::SetTimeLimit => require_state(kind, case, st == CaseState::Active),
        K::AgreeProfileVersion => {
            require_state(kind, case, case.is_registered() && !st.is_terminal())?;
            newer_in_force(case, ctx).map(|_| ())
        }
        _ => Err(not_allowed(kind, case)),
    }
}

/// The content checks and events of a proceedings command whose step is open.
pub(super) fn decide(
    case: &Case,
    cmd: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Decided>, DomainError> {
    use Command as C;
    match cmd {
        C::RecordDepositPaid { party, paid_by } => {
            require_party(case, paid_by)?;
            match case.deposits.get(party) {
                None => Err(DomainError::invalid(
                    ErrorCode::UnknownDeposit,
                    format!("no deposit is asked of '{party}'"),
                )),
                Some(d) if d.paid => Err(DomainError::guard(
                    ErrorCode::GuardAlreadyRecorded,
                    format!("the deposit of '{party}' is already paid"),
                )),
                Some(_) => one(CaseEvent::DepositPaid {
                    party: party.clone(),
                    paid_by: paid_by.clone(),
                }),
            }
        }
        C::RecordFirstSession { record } => {
            first_session_complete(case, record)?;
            one(CaseEvent::FirstSessionHeld {
                record: record.clone(),
            })
        }
        C::SuspendByAgreement { reason } => {
            require_text("reason", reason)?;
            one(CaseEvent::SuspendedByAgreement {
                reason: reason.clone(),
            })
        }
        C::Resume {} => one(CaseEvent::Resumed {}),
        C::SetTimeLimit { days } => {
            if !(1..=3650).contains(days) {
                return Err(DomainError::invalid(
                    ErrorCode::InvalidTimeLimit,
                    format!("a time limit is 1 to 3650 days, not {days}"),
                ));
            }
            one(CaseEvent::TimeLimitSet {
                days: *days,
                due: case.profile.calendar.period_end(ctx.now, *days).due_at,
            })
        }
        C::AgreeProfileVersion { party, version } => {
            agree_profile_version(case, ctx, party, *version)
        }
        C::RecordConsultation { summary } => {
            require_text("summary", summary)?;
            one(CaseEvent::ConsultationHeld {
                summary: summary.clone(),
            })
        }
        _ => Err(not_allowed(cmd.kind(), case)),
    }
}

/// The newest version of the case's profile in force, when it is newer than the case's
/// (`guard-profile-version-not-newer` otherwise: there is nothing to agree to).
fn newer_in_force(case: &Case, ctx: &Context<'_>) -> Result<u32, DomainError> {
    match rule_change::in_force(&case.profile.id, ctx.profile_versions, ctx.now) {
        Ok(p) if p.version > case.profile.version => Ok(p.version),
        _ => Err(DomainError::guard(
            ErrorCode::GuardProfileVersionNotNewer,
            format!(
                "the case follows version {} of '{}', the latest in force",
                case.profile.version, case.profile.id
            ),
        )),
    }
}

/// A party agrees to a newer version of the case's profile; the last active party's agreement
/// adopts it (with the case's overrides).
fn agree_profile_version(
    case: &Case,
    ctx: &Context<'_>,
    party: &str,
    version: u32,
) -> Result<Vec<Decided>, DomainError> {
    require_party(case, party)?;
    let id = &case.profile.id;
    let Some(profile) = rule_change::version(id, version, ctx.profile_versions) else {
        return Err(DomainError::invalid(
            ErrorCode::UnknownProfileVersion,
            format!("'{id}' has no version {version}"),
        ));
    };
    if version <= case.profile.version {
        return Err(DomainError::guard(
            ErrorCode::GuardProfileVersionNotNewer,
            format!(
                "the case already follows version {} of '{id}'",
                case.profile.version
            ),
        ));
    }
    let in_force_from = profile.decisions.last().map(|d| d.in_force_from);
    if in_force_from.is_none_or(|at| at > ctx.now) {
        return Err(DomainError::guard(
            ErrorCode::GuardProfileVersionNotInForce,
            format!(
                "version {version} of '{id}' applies from {}; agree to it once it is in force",
                in_force_from.map_or_else(String::new, |at| at.to_string())
            ),
        ));
    }
    if case.profile_agreements.get(party) == Some(&version) {
        return Err(DomainError::guard(
            ErrorCode::GuardAlreadyRecorded,
            format!("'{party}' has already agreed to version {version}"),
        ));
    }
    let mut out = vec![super::case_wide(CaseEvent::ProfileVersionAgreed {
        party: party.to_owned(),
        version,
    })];
    let everyone = case
        .active_parties()
        .all(|p| p.id == party || case.profile_agreements.get(&p.id) == Some(&version));
    if everyone {
        out.push(super::case_wide(CaseEvent::ProfileVersionAdopted {
            profile: rule_change::with_case_overrides(&profile, &case.profile)?,
            ground: ProfileAdoption::PartiesAgreed,
        }));
    }
    Ok(out)
}

/// The first session's record names an authorised negotiator for every party and states each
/// agreement (or "none").
fn first_session_complete(
    case: &Case,
    record: &crate::command::FirstSessionRecord,
) -> Result<(), DomainError> {
    let missing: Vec<&str> = case
        .active_parties()
        .filter(|p| {
            record
                .negotiators
                .get(&p.id)
                .is_none_or(|n| n.trim().is_empty())
        })
        .map(|p| p.id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(DomainError::guard(
            ErrorCode::GuardFirstSessionIncomplete,
            format!(
                "the first session records an authorised negotiator for every party; missing: {}",
                missing.join(", ")
            ),
        ));
    }
    for (f, v) in [
        ("language", &record.language),
        ("information_treatment", &record.information_treatment),
        ("standstill", &record.standstill),
        ("settlement_disclosure", &record.settlement_disclosure),
    ] {
        if v.trim().is_empty() {
            return Err(DomainError::guard(
                ErrorCode::GuardFirstSessionIncomplete,
                format!("the first session's record needs '{f}' (write \"none\" if there is none)"),
            ));
        }
        require_text(f, v)?;
    }
    Ok(())
}

/// A document filed in a channel, as the application recorded it in the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiledDocument {
    /// The id the application gave this version in the vault (a new one for every version).
    pub document_id: String,
    /// The first version's id (the document's own for a first version).
    pub series: String,
    /// Version number, from 1.
    pub version: u32,
    /// SHA-256 of the content (hex).
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// The sniffed media type.
    pub media_type: String,
    /// Without-prejudice material.
    pub without_prejudice: bool,
    /// The document this translates.
    pub translation_of: Option<String>,
}

/// Records a document filed in a channel. The policy allows it where the actor may post
/// (`Action::PostMessage`); the event is readable by whoever may read the channel, so a
/// caucus filing never shows in the other side's timeline.
pub fn file_document(
    actor: &crate::Actor,
    case: &Case,
    channel: &crate::channel::ChannelId,
    d: &FiledDocument,
) -> Result<Vec<Decided>, DomainError> {
    crate::policy::authorize(
        actor,
        &crate::policy::Action::PostMessage {
            channel: channel.clone(),
        },
        case,
    )
    .map_err(|_| {
        DomainError::guard(
            ErrorCode::Forbidden,
            "you may not file documents in this channel",
        )
    })?;
    Ok(vec![Decided {
        event: CaseEvent::DocumentFiled {
            document_id: d.document_id.clone(),
            channel: channel.encode(),
            series: d.series.clone(),
            version: d.version,
            sha256: d.sha256.clone(),
            size: d.size,
            media_type: d.media_type.clone(),
            without_prejudice: d.without_prejudice,
            translation_of: d.translation_of.clone(),
        },
        visibility: Visibility::Channel {
            channel: channel.clone(),
        },
    }])
}

/// Folds a proceedings event.
pub(super) fn apply(case: &mut Case, event: &CaseEvent, at: Timestamp) {
    use CaseEvent as E;
    match event {
        E::DepositPaid { party, paid_by } => apply_deposit_paid(case, party, paid_by),
        E::DepositOverdue { party, effective } => {
            case.close_deadline(DeadlineKind::Deposit, Some(party), DeadlineStatus::Lapsed);
            let d = case.profile.nonpayment_notice_days;
            case.start_deadline_after_lapse(
                DeadlineKind::NonpaymentNotice,
                Some(party),
                *effective,
                d,
                "nonpayment_notice_days",
            );
        }
        E::DefaultNoticeIssued { party, effective } => {
            if let Some(d) = case.deposits.get_mut(party) {
                d.default_notice = true;
            }
            case.close_deadline(
                DeadlineKind::NonpaymentNotice,
                Some(party),
                DeadlineStatus::Lapsed,
            );
            let d = case.profile.nonpayment_suspension_days;
            case.start_deadline_after_lapse(
                DeadlineKind::NonpaymentSuspension,
                None,
                *effective,
                d,
                "nonpayment_suspension_days",
            );
        }
        E::SuspendedForNonpayment { effective } => {
            let resume = case.resume_stage();
            case.state = CaseState::Suspended {
                kind: SuspensionKind::Nonpayment,
                resume,
            };
            case.close_deadline(
                DeadlineKind::NonpaymentSuspension,
                None,
                DeadlineStatus::Lapsed,
            );
            let d = case.profile.nonpayment_termination_days;
            case.start_deadline_after_lapse(
                DeadlineKind::NonpaymentTermination,
                None,
                *effective,
                d,
                "nonpayment_termination_days",
            );
        }
        _ => apply_session(case, event, at),
    }
}

/// A deposit is paid; once every deposit is, the non-payment periods end and a suspension for
/// non-payment is lifted.
fn apply_deposit_paid(case: &mut Case, party: &str, paid_by: &str) {
    if let Some(d) = case.deposits.get_mut(party) {
        d.paid = true;
        d.paid_by = Some(paid_by.to_owned());
    }
    case.close_deadline(DeadlineKind::Deposit, Some(party), DeadlineStatus::Met);
    case.close_deadline(
        DeadlineKind::NonpaymentNotice,
        Some(party),
        DeadlineStatus::Met,
    );
    if case.deposits.values().all(|d| d.paid) {
        case.close_deadline(
            DeadlineKind::NonpaymentSuspension,
            None,
            DeadlineStatus::Met,
        );
        case.close_deadline(
            DeadlineKind::NonpaymentTermination,
            None,
            DeadlineStatus::Met,
        );
        if let CaseState::Suspended {
            kind: SuspensionKind::Nonpayment,
            resume,
        } = case.state
        {
            case.state = resume.state();
        }
    }
}

/// Folds the session, suspension, time-limit, consultation and filing events.
fn apply_session(case: &mut Case, event: &CaseEvent, at: Timestamp) {
    use CaseEvent as E;
    match event {
        E::SuspendedByAgreement { .. } => {
            let resume = case.resume_stage();
            case.state = CaseState::Suspended {
                kind: SuspensionKind::ByAgreement,
                resume,
            };
        }
        E::Resumed {} => {
            if let CaseState::Suspended { resume, .. } = case.state {
                case.state = resume.state();
            }
        }
        E::FirstSessionHeld { record } => {
            case.first_session = Some(record.clone());
            case.close_deadline(DeadlineKind::FirstSession, None, DeadlineStatus::Met);
            case.close_deadline(DeadlineKind::InitialStatements, None, DeadlineStatus::Met);
            case.state = CaseState::Active;
        }
        E::TimeLimitSet { days, .. } => {
            case.start_deadline(
                DeadlineKind::TimeLimit,
                None,
                at,
                *days,
                "agreed time limit",
            );
        }
        E::ConsultationHeld { .. } => case.consultation_held = true,
        E::ProfileVersionAgreed { party, version } => {
            case.profile_agreements.insert(party.clone(), *version);
        }
        E::ProfileVersionAdopted { profile, .. } => {
            case.profile = profile.clone();
            case.profile_agreements.clear();
        }
        // A filed document changes nothing in the case; its record is the event itself.
        _ => {}
    }
}
