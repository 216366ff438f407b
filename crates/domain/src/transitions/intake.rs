//! Intake: from the draft to registration, or to a request that never commenced (screening,
//! invitation and consent, third States, State approval, representatives' authority).

use std::collections::BTreeSet;

use jiff::Timestamp;

use super::{
    acting_party, check_text, not_allowed, one, require_party, require_state, require_text,
};
use crate::case::Case;
use crate::command::{Command, CommandKind, FileRequest};
use crate::deadline::{DeadlineKind, DeadlineStatus};
use crate::decide::{Context, Decided, limits};
use crate::error::{DomainError, ErrorCode};
use crate::event::{CaseEvent, LinkedCase, Visibility};
use crate::party::{
    AuthorityRevocation, ConsentBasis, ConventionStatus, CountryCode, DisputeType,
    ExclusionDeclaration, Party, PartyKind, Representative, ThirdState,
};
use crate::profile::{ExcludedTreatment, InvitationLapse, ScopeExclusion, ThirdStateRefusal};
use crate::state::{CaseState, NotCommencedReason};

/// Subject matters outside international commercial mediation (Singapore Convention Art. 1(2)).
pub const COMMERCIAL_EXCLUDED_CATEGORIES: &[&str] =
    &["consumer", "family", "inheritance", "employment"];

fn check_id(field: &str, value: &str) -> Result<(), DomainError> {
    let ok = !value.is_empty()
        && value.len() <= limits::ID_MAX
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            ErrorCode::InvalidIdentifier,
            format!(
                "'{field}' must be 1 to {} letters, digits, '-' or '_' (got '{value}')",
                limits::ID_MAX
            ),
        ))
    }
}

/// Validates a filing and produces the case's first event.
pub fn file_request(
    req: &FileRequest,
    ctx: &Context<'_>,
    reference: &str,
) -> Result<CaseEvent, DomainError> {
    let created_by = ctx.actor.user_id().ok_or_else(|| {
        DomainError::invalid(ErrorCode::ActorRequired, "a request is filed by a user")
    })?;
    let content = checked_request(req, ctx)?;
    Ok(CaseEvent::DraftCreated {
        reference: reference.to_owned(),
        dispute_type: content.dispute_type,
        title: content.title,
        summary: content.summary,
        subject_categories: content.subject_categories,
        investment_description: content.investment_description,
        parties: content.parties,
        requesting_party: content.requesting_party,
        joint_request: content.joint_request,
        third_states: content.third_states,
        profile: content.profile,
        created_by: created_by.to_owned(),
        linked_from: None,
    })
}

/// What a filing, or the amendment of a draft, says once checked: the content of its event.
struct RequestContent {
    dispute_type: DisputeType,
    title: String,
    summary: String,
    subject_categories: Vec<String>,
    investment_description: Option<String>,
    parties: Vec<Party>,
    requesting_party: String,
    joint_request: bool,
    third_states: Vec<ThirdState>,
    profile: crate::profile::Profile,
}

/// Checks a request's content (sizes, parties, third States, profile and its overrides).
fn checked_request(req: &FileRequest, ctx: &Context<'_>) -> Result<RequestContent, DomainError> {
    check_text("title", &req.title, limits::TITLE_MAX, true)?;
    check_text("summary", &req.summary, limits::TEXT_MAX, true)?;
    if let Some(d) = &req.investment_description {
        check_text("investment_description", d, limits::TEXT_MAX, false)?;
    }
    if req.parties.len() < 2 || req.parties.len() > limits::PARTIES_MAX {
        return Err(DomainError::invalid(
            ErrorCode::InvalidPartyCount,
            format!(
                "a request names 2 to {} parties (got {})",
                limits::PARTIES_MAX,
                req.parties.len()
            ),
        ));
    }
    if req.subject_categories.len() > limits::CATEGORIES_MAX {
        return Err(DomainError::invalid(
            ErrorCode::TooManyCategories,
            format!("at most {} subject categories", limits::CATEGORIES_MAX),
        ));
    }
    for c in &req.subject_categories {
        check_id("subject_categories", c)?;
    }
    let mut ids = BTreeSet::new();
    for p in &req.parties {
        check_id("parties[].id", &p.id)?;
        check_text("parties[].name", &p.name, limits::TITLE_MAX, true)?;
        if !ids.insert(p.id.clone()) {
            return Err(DomainError::invalid(
                ErrorCode::DuplicateParty,
                format!("party id '{}' appears twice", p.id),
            ));
        }
        if p.representatives.len() > limits::REPRESENTATIVES_MAX {
            return Err(DomainError::invalid(
                ErrorCode::TooManyRepresentatives,
                format!(
                    "party '{}' has more than {} representatives",
                    p.id,
                    limits::REPRESENTATIVES_MAX
                ),
            ));
        }
        for r in &p.representatives {
            check_text(
                "representatives[].user_id",
                &r.user_id,
                limits::ID_MAX,
                true,
            )?;
            check_text("representatives[].name", &r.name, limits::TITLE_MAX, true)?;
        }
        if let Some(contact) = &p.contact {
            check_text(
                "parties[].contact.name",
                &contact.name,
                limits::TITLE_MAX,
                true,
            )?;
            if !crate::party::PartyContact::email_is_plausible(&contact.email) {
                return Err(DomainError::invalid(
                    ErrorCode::InvalidContactEmail,
                    format!(
                        "party '{}': '{}' is not an e-mail address such as name@example.org",
                        p.id, contact.email
                    ),
                ));
            }
        }
    }
    if !ids.contains(&req.requesting_party) {
        return Err(DomainError::invalid(
            ErrorCode::UnknownParty,
            format!(
                "requesting party '{}' is not among the parties",
                req.requesting_party
            ),
        ));
    }
    if req.third_states.len() > limits::THIRD_STATES_MAX {
        return Err(DomainError::invalid(
            ErrorCode::TooManyThirdStates,
            format!("at most {} third States", limits::THIRD_STATES_MAX),
        ));
    }
    if !req.third_states.is_empty() && req.dispute_type != DisputeType::StateState {
        return Err(DomainError::invalid(
            ErrorCode::ThirdStatesOnlyBetweenStates,
            "third States can be flagged only in a dispute between States",
        ));
    }
    let profile = crate::rule_change::in_force(
        req.profile.as_deref().unwrap_or("iomed-default"),
        ctx.profile_versions,
        ctx.now,
    )?
    .with_overrides(&req.profile_overrides)?;
    Ok(RequestContent {
        dispute_type: req.dispute_type,
        title: req.title.trim().to_owned(),
        summary: req.summary.clone(),
        subject_categories: req.subject_categories.clone(),
        investment_description: req.investment_description.clone(),
        parties: req.parties.iter().cloned().map(Party::from_input).collect(),
        requesting_party: req.requesting_party.clone(),
        joint_request: req.joint_request,
        third_states: req
            .third_states
            .iter()
            .map(|t| ThirdState {
                country: t.country.clone(),
                name: t.name.clone(),
                representatives: t.representatives.clone(),
                consent: None,
                declined: None,
            })
            .collect(),
        profile,
    })
}

/// Opens a new case linked to a closed one (re-opening). The old record is not touched; the new
/// case carries the parties, consents and third States by reference and starts in screening with
/// fresh dates and timers.
pub fn reopen(
    old: &Case,
    old_head_hash: &str,
    ctx: &Context<'_>,
    reference: &str,
) -> Result<CaseEvent, DomainError> {
    if old.state != CaseState::Closed {
        return Err(DomainError::guard(
            ErrorCode::GuardCaseNotClosed,
            format!(
                "only a closed case can be re-opened; this one is {}",
                old.state.name()
            ),
        ));
    }
    let created_by = ctx.actor.user_id().ok_or_else(|| {
        DomainError::invalid(ErrorCode::ActorRequired, "a re-opening is asked by a user")
    })?;
    let mut parties: Vec<Party> = old.active_parties().cloned().collect();
    for p in parties.iter_mut() {
        p.withdrawn_at = None;
    }
    Ok(CaseEvent::DraftCreated {
        reference: reference.to_owned(),
        dispute_type: old.dispute_type,
        title: old.title.clone(),
        summary: old.summary.clone(),
        subject_categories: old.subject_categories.clone(),
        investment_description: old.investment_description.clone(),
        parties,
        requesting_party: old.requesting_party.clone(),
        joint_request: true,
        third_states: old.third_states.clone(),
        profile: old.profile.clone(),
        created_by: created_by.to_owned(),
        linked_from: Some(LinkedCase {
            case_id: old.id.clone(),
            reference: old.reference.clone(),
            head_hash: old_head_hash.to_owned(),
        }),
    })
}

/// The scope guards of a dispute type (docs/PROCEDURE.md, transition 1).
pub fn scope_guards(case: &Case) -> Result<(), DomainError> {
    let parties: Vec<&Party> = case.active_parties().collect();
    match case.dispute_type {
        DisputeType::StateState => {
            if let Some(p) = parties
                .iter()
                .find(|p| !matches!(p.kind, PartyKind::State { .. }))
            {
                return Err(DomainError::guard(
                    ErrorCode::GuardScopeStateState,
                    format!(
                        "a dispute between States has only States as parties; '{}' is not a State",
                        p.id
                    ),
                ));
            }
        }
        DisputeType::StateInvestor => {
            let states: Vec<&Party> = parties
                .iter()
                .copied()
                .filter(|p| p.kind.is_state_side())
                .collect();
            let investors: Vec<&Party> = parties
                .iter()
                .copied()
                .filter(|p| matches!(p.kind, PartyKind::Investor { .. }))
                .collect();
            if states.is_empty() || investors.is_empty() {
                return Err(DomainError::guard(
                    ErrorCode::GuardScopeStateInvestor,
                    "an investor–State dispute needs a State (or State entity) and an investor",
                ));
            }
            for inv in &investors {
                if let PartyKind::Investor { nationality, .. } = &inv.kind
                    && states
                        .iter()
                        .any(|s| s.kind.state_country() == Some(nationality))
                {
                    return Err(DomainError::guard(
                        ErrorCode::GuardInvestorNationality,
                        format!(
                            "investor '{}' has the nationality of the State party ({nationality}); the investor must be a national of another State",
                            inv.id
                        ),
                    ));
                }
            }
            if case
                .investment_description
                .as_deref()
                .is_none_or(|d| d.trim().is_empty())
            {
                return Err(DomainError::guard(
                    ErrorCode::GuardInvestmentMissing,
                    "an investor–State request describes the investment",
                ));
            }
        }
        DisputeType::Commercial => {
            let places: BTreeSet<_> = parties
                .iter()
                .filter_map(|p| match &p.kind {
                    PartyKind::Company {
                        place_of_business, ..
                    }
                    | PartyKind::Investor {
                        place_of_business, ..
                    } => Some(place_of_business.clone()),
                    _ => None,
                })
                .collect();
            if parties
                .iter()
                .any(|p| !matches!(p.kind, PartyKind::Company { .. }))
            {
                return Err(DomainError::guard(
                    ErrorCode::GuardScopeCommercial,
                    "an international commercial dispute is between private parties (companies)",
                ));
            }
            if places.len() < 2 {
                return Err(DomainError::guard(
                    ErrorCode::GuardNotInternational,
                    "at least two parties must have their places of business in different States (Singapore Convention Art. 1(1))",
                ));
            }
        }
    }
    Ok(())
}

/// The profile's scope exclusions a request's subject categories fall under (commercial
/// disputes only: the Singapore Convention governs commercial settlements). Flagged at
/// screening; decided at registration.
pub fn scope_flags(case: &Case) -> Vec<&ScopeExclusion> {
    if case.dispute_type != DisputeType::Commercial {
        return vec![];
    }
    case.profile
        .scope_exclusions
        .iter()
        .filter(|x| case.subject_categories.contains(&x.category))
        .collect()
}

/// Refuses registration of a request whose subject matter the profile refuses.
fn excluded_subject_matter(case: &Case) -> Result<(), DomainError> {
    if let Some(x) = scope_flags(case)
        .into_iter()
        .find(|x| x.treatment == ExcludedTreatment::Refuse)
    {
        return Err(DomainError::guard(
            ErrorCode::GuardExcludedSubjectMatter,
            format!(
                "'{}' disputes are outside the mediation this profile offers ({}); refuse the request with reasons",
                x.category, x.rule
            ),
        ));
    }
    Ok(())
}

/// The exclusion declarations of the case's State parties that cover its subject matter.
pub fn applicable_exclusions<'a>(
    case: &Case,
    declarations: &'a [ExclusionDeclaration],
    now: Timestamp,
) -> Vec<&'a ExclusionDeclaration> {
    let states: BTreeSet<_> = case
        .active_parties()
        .filter_map(|p| p.kind.state_country().cloned())
        .collect();
    declarations
        .iter()
        .filter(|d| states.contains(&d.state) && d.effective_from <= now)
        .filter(|d| {
            d.categories
                .iter()
                .any(|c| case.subject_categories.contains(c))
        })
        .collect()
}

/// The registration guards, in the order of docs/PROCEDURE.md, transition 4. The exclusion check
/// comes first: the IOMed "shall not provide" services for an excluded subject
/// matter, whatever the state of consent, and the refusal must cite the declaration.
pub fn registration_guards(case: &Case, ctx: &Context<'_>) -> Result<(), DomainError> {
    scope_guards(case)?;
    excluded_subject_matter(case)?;
    if let Some(d) = applicable_exclusions(case, ctx.declarations, ctx.now).first() {
        return Err(DomainError::guard(
            ErrorCode::GuardStateExclusion,
            format!(
                "{} has excluded this subject matter by declaration {} ({}): \"{}\"",
                d.state,
                d.id,
                d.categories.join(", "),
                d.text
            ),
        ));
    }
    let missing: Vec<&str> = case
        .active_parties()
        .filter(|p| p.consent.is_none())
        .map(|p| p.id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(DomainError::guard(
            ErrorCode::GuardConsentMissing,
            format!("written consent is not on file for: {}", missing.join(", ")),
        ));
    }
    let pending_third: Vec<String> = case
        .third_states
        .iter()
        .filter(|t| t.consent.is_none())
        .map(|t| match t.declined {
            Some(_) => format!("{} (declined)", t.country),
            None => t.country.to_string(),
        })
        .collect();
    if !pending_third.is_empty() {
        return Err(DomainError::guard(
            ErrorCode::GuardThirdStateConsentMissing,
            format!(
                "the prior consent of the third State(s) {} is not on file",
                pending_third.join(", ")
            ),
        ));
    }
    if let Some(p) = case.active_parties().find(|p| {
        matches!(
            p.kind,
            PartyKind::StateEntity {
                approval_not_required: false,
                ..
            }
        ) && p.state_approval.is_none()
    }) {
        return Err(DomainError::guard(
            ErrorCode::GuardStateApprovalMissing,
            format!(
                "'{}' is a State entity: its State's approval of consent must be on file",
                p.id
            ),
        ));
    }
    if let Some((p, r)) = case.active_parties().find_map(|p| {
        p.representatives
            .iter()
            .find(|r| r.authority_document.is_none())
            .map(|r| (p, r))
    }) {
        return Err(DomainError::guard(
            ErrorCode::GuardAuthorityMissing,
            format!(
                "the proof of authority of {} (for '{}') is not on file",
                r.name, p.id
            ),
        ));
    }
    if !case.profile.non_contracting_parties_served
        && let Some(p) = case.active_parties().find(|p| {
            matches!(
                p.kind,
                PartyKind::State {
                    status: ConventionStatus::NonContracting,
                    ..
                } | PartyKind::InternationalOrganisation
            )
        })
    {
        return Err(DomainError::guard(
            ErrorCode::GuardNonContractingRules,
            format!(
                "'{}' is a non-contracting State or an international organisation; the Governing Council's rules for such parties are not in force under this profile",
                p.id
            ),
        ));
    }
    Ok(())
}

/// The request as screening judges it: under the version of its profile in force now.
fn screened<'a>(
    case: &'a Case,
    ctx: &Context<'_>,
) -> Result<std::borrow::Cow<'a, Case>, DomainError> {
    Ok(
        match crate::rule_change::screening_profile(&case.profile, ctx.profile_versions, ctx.now)? {
            Some(profile) => std::borrow::Cow::Owned(Case {
                profile,
                ..case.clone()
            }),
            None => std::borrow::Cow::Borrowed(case),
        },
    )
}

/// Before registration: the request can still be withdrawn and consents placed on file.
fn before_registration(case: &Case) -> bool {
    matches!(
        case.state,
        CaseState::Draft | CaseState::Filed | CaseState::Screening | CaseState::AwaitingConsent
    )
}

/// The parties still without written consent (those an invitation goes to).
fn without_consent(case: &Case) -> Vec<String> {
    case.active_parties()
        .filter(|p| p.consent.is_none())
        .map(|p| p.id.clone())
        .collect()
}

/// The state-and-actor guards of the intake steps.
pub(super) fn guard(
    kind: CommandKind,
    case: &Case,
    ctx: &Context<'_>,
    party: Option<&str>,
) -> Result<(), DomainError> {
    use CommandKind as K;
    let st = case.state;
    match kind {
        K::SubmitRequest => {
            require_state(kind, case, st == CaseState::Draft)?;
            scope_guards(case)
        }
        K::AmendDraft => require_state(kind, case, st == CaseState::Draft),
        K::RecordLodgingFee => require_state(kind, case, st == CaseState::Filed),
        K::SendInvitation => {
            require_state(kind, case, st == CaseState::Screening)?;
            if without_consent(case).is_empty() {
                return Err(DomainError::guard(
                    ErrorCode::GuardConsentAlreadyGiven,
                    "every party's written consent is on file: register instead of inviting",
                ));
            }
            Ok(())
        }
        K::RecordConsent | K::WithdrawRequest => {
            require_state(kind, case, before_registration(case))
        }
        K::AcceptInvitation | K::RejectInvitation => {
            require_state(kind, case, st == CaseState::AwaitingConsent)?;
            let party = acting_party(kind, case, party)?;
            let answered = kind == K::AcceptInvitation
                && case.party(party).is_some_and(|p| p.consent.is_some());
            if !case.invited_parties.iter().any(|p| p == party) || answered {
                return Err(DomainError::guard(
                    ErrorCode::GuardNotInvited,
                    format!("party '{party}' has no invitation awaiting its answer"),
                ));
            }
            Ok(())
        }
        K::TreatInvitationAsRejected => invitation_lapsed(case, ctx.now),
        K::RefuseRequest | K::Register => {
            require_state(kind, case, st == CaseState::Screening)?;
            if kind == K::Register {
                registration_guards(&*screened(case, ctx)?, ctx)?;
            }
            Ok(())
        }
        K::RecordThirdStateConsent | K::DeclineThirdStateConsent => require_state(
            kind,
            case,
            matches!(st, CaseState::Screening | CaseState::AwaitingConsent),
        ),
        K::RecordStateApproval => require_state(
            kind,
            case,
            before_registration(case) && st != CaseState::Draft,
        ),
        K::RecordAuthority | K::RevokeAuthority => {
            require_state(kind, case, !st.is_terminal() && st != CaseState::Draft)
        }
        _ => Err(not_allowed(kind, case)),
    }
}

/// The inviting party may treat an unanswered invitation as rejected once its period has run,
/// where the profile does not let it lapse by itself.
fn invitation_lapsed(case: &Case, now: Timestamp) -> Result<(), DomainError> {
    let kind = CommandKind::TreatInvitationAsRejected;
    require_state(kind, case, case.state == CaseState::AwaitingConsent)?;
    if case.profile.invitation_lapse != InvitationLapse::TreatAsRejected {
        return Err(DomainError::guard(
            ErrorCode::GuardProfileAutoLapse,
            "under this profile an unanswered invitation lapses by itself",
        ));
    }
    match case.pending(DeadlineKind::InvitationResponse, None) {
        Some(d) if d.due_at <= now => Ok(()),
        Some(d) => Err(DomainError::guard(
            ErrorCode::GuardInvitationPeriodRunning,
            format!(
                "the invited party may answer until {}; the invitation can be treated as rejected after that",
                d.ends()
            ),
        )),
        None => Err(not_allowed(kind, case)),
    }
}

/// The case's third State `country`, whose consent is not on file yet (`unknown-third-state`,
/// `guard-already-recorded`): the subject of an answer to a consent request.
fn third_state_without_consent<'a>(
    case: &'a Case,
    country: &CountryCode,
) -> Result<&'a ThirdState, DomainError> {
    let t = case
        .third_states
        .iter()
        .find(|t| &t.country == country)
        .ok_or_else(|| {
            DomainError::invalid(
                ErrorCode::UnknownThirdState,
                format!("{country} is not a third State in this case"),
            )
        })?;
    if t.consent.is_some() {
        return Err(DomainError::guard(
            ErrorCode::GuardAlreadyRecorded,
            format!("{country}'s consent is already on file"),
        ));
    }
    Ok(t)
}

/// An event for the requesting party alone (and the Secretariat).
fn to_requesting_party(case: &Case, event: CaseEvent) -> Decided {
    Decided {
        event,
        visibility: Visibility::Party {
            party: case.requesting_party.clone(),
        },
    }
}

/// The content checks and events of an intake command whose step is open.
pub(super) fn decide(
    case: &Case,
    cmd: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Decided>, DomainError> {
    use Command as C;
    let now = ctx.now;
    match cmd {
        C::AmendDraft { request } => {
            // Checked as a new filing is; the case keeps its id and reference.
            let c = checked_request(request, ctx)?;
            Ok(vec![Decided {
                visibility: Visibility::Party {
                    party: c.requesting_party.clone(),
                },
                event: CaseEvent::DraftAmended {
                    dispute_type: c.dispute_type,
                    title: c.title,
                    summary: c.summary,
                    subject_categories: c.subject_categories,
                    investment_description: c.investment_description,
                    parties: c.parties,
                    requesting_party: c.requesting_party,
                    joint_request: c.joint_request,
                    third_states: c.third_states,
                    profile: c.profile,
                },
            }])
        }
        C::SubmitRequest {} => {
            let fee_due = case
                .profile
                .calendar
                .period_end(now, case.profile.lodging_fee_days)
                .due_at;
            Ok(vec![to_requesting_party(
                case,
                CaseEvent::RequestFiled { fee_due },
            )])
        }
        C::RecordLodgingFee { waived } => Ok(vec![to_requesting_party(
            case,
            CaseEvent::LodgingFeeSettled { waived: *waived },
        )]),
        C::SendInvitation { response_days } => {
            let days = response_days
                .unwrap_or_else(|| case.profile.invitation_response_days(case.dispute_type));
            if !(7..=180).contains(&days) {
                return Err(DomainError::invalid(
                    ErrorCode::InvalidInvitationPeriod,
                    format!("the period stated in an invitation is 7 to 180 days, not {days}"),
                ));
            }
            one(CaseEvent::InvitationSent {
                parties: without_consent(case),
                response_days: days,
                due: case.profile.calendar.period_end(now, days).due_at,
            })
        }
        C::RecordConsent { party, consent } => {
            require_party(case, party)?;
            one(CaseEvent::ConsentRecorded {
                party: party.clone(),
                consent: consent.clone(),
            })
        }
        C::AcceptInvitation {
            party,
            instrument,
            authority,
        } => {
            require_text("instrument", instrument)?;
            if authority.len() > limits::REPRESENTATIVES_MAX {
                return Err(DomainError::invalid(
                    ErrorCode::TooManyRepresentatives,
                    format!(
                        "at most {} proofs of authority, one per representative",
                        limits::REPRESENTATIVES_MAX
                    ),
                ));
            }
            for proof in authority {
                require_text("authority.document", &proof.document)?;
                require_representative(case, party, &proof.user_id)?;
            }
            one(CaseEvent::InvitationAccepted {
                party: party.clone(),
                instrument: instrument.clone(),
                authority: authority.clone(),
            })
        }
        C::RejectInvitation { party } => one(CaseEvent::InvitationRejected {
            party: party.clone(),
        }),
        C::TreatInvitationAsRejected {} => one(CaseEvent::InvitationTreatedAsRejected {}),
        C::WithdrawRequest {} => one(CaseEvent::RequestWithdrawn {}),
        C::RefuseRequest { reasons } => {
            require_text("reasons", reasons)?;
            let cited = applicable_exclusions(case, ctx.declarations, now)
                .iter()
                .map(|d| d.id.clone())
                .collect();
            // The notice of refusal (D6) goes to the requesting party alone.
            Ok(vec![to_requesting_party(
                case,
                CaseEvent::RequestRefused {
                    reasons: reasons.clone(),
                    cited_declarations: cited,
                },
            )])
        }
        C::Register {} => {
            // Screening applies the version of the profile in force now.
            let case = screened(case, ctx)?;
            let mut out = vec![];
            if let std::borrow::Cow::Owned(c) = &case {
                out.push(super::case_wide(CaseEvent::ProfileVersionAdopted {
                    profile: c.profile.clone(),
                    ground: crate::event::ProfileAdoption::Screening,
                }));
            }
            out.push(super::case_wide(CaseEvent::CaseRegistered {
                commencement_date: case.commencement_for(now),
            }));
            out.push(super::case_wide(CaseEvent::ConstitutionStarted {}));
            Ok(out)
        }
        _ => decide_records(case, cmd, ctx),
    }
}

/// The representative `user_id` of `party` (`unknown-representative` otherwise).
fn require_representative<'a>(
    case: &'a Case,
    party: &str,
    user_id: &str,
) -> Result<&'a Representative, DomainError> {
    case.party(party)
        .and_then(|p| p.representatives.iter().find(|r| r.user_id == user_id))
        .ok_or_else(|| {
            DomainError::invalid(
                ErrorCode::UnknownRepresentative,
                format!("'{user_id}' is not a representative of '{party}'"),
            )
        })
}

/// The content checks and events of the intake records: a third State's consent, a State's
/// approval, a representative's authority.
fn decide_records(
    case: &Case,
    cmd: &Command,
    ctx: &Context<'_>,
) -> Result<Vec<Decided>, DomainError> {
    use Command as C;
    match cmd {
        C::RecordThirdStateConsent {
            country,
            instrument,
        } => {
            require_text("instrument", instrument)?;
            third_state_without_consent(case, country)?;
            Ok(vec![Decided {
                event: CaseEvent::ThirdStateConsentRecorded {
                    country: country.clone(),
                    instrument: instrument.clone(),
                },
                visibility: Visibility::ThirdState {
                    country: country.clone(),
                },
            }])
        }
        C::DeclineThirdStateConsent { country, reasons } => {
            require_text("reasons", reasons)?;
            if third_state_without_consent(case, country)?
                .declined
                .is_some()
            {
                return Err(DomainError::guard(
                    ErrorCode::GuardAlreadyRecorded,
                    format!("{country}'s refusal is already on file"),
                ));
            }
            let event = CaseEvent::ThirdStateConsentDeclined {
                country: country.clone(),
                reasons: reasons.clone(),
                ends_request: case.profile.third_state_refusal == ThirdStateRefusal::NotCommenced,
            };
            // The State's own record, and the parties' notice of it with the reasons.
            Ok(vec![
                Decided {
                    event: event.clone(),
                    visibility: Visibility::ThirdState {
                        country: country.clone(),
                    },
                },
                Decided {
                    event,
                    visibility: Visibility::Case,
                },
            ])
        }
        C::RecordStateApproval { party, instrument } => {
            require_party(case, party)?;
            require_text("instrument", instrument)?;
            if !matches!(
                case.party(party).map(|p| &p.kind),
                Some(PartyKind::StateEntity { .. })
            ) {
                return Err(DomainError::invalid(
                    ErrorCode::NotAStateEntity,
                    format!("'{party}' is not a State entity"),
                ));
            }
            one(CaseEvent::StateApprovalRecorded {
                party: party.clone(),
                instrument: instrument.clone(),
            })
        }
        C::RecordAuthority {
            party,
            user_id,
            document,
            scopes,
        } => {
            require_party(case, party)?;
            require_text("document", document)?;
            require_representative(case, party, user_id)?;
            if scopes.as_ref().is_some_and(|s| s.is_empty()) {
                return Err(DomainError::invalid(
                    ErrorCode::MissingField,
                    "a proof of authority grants at least one scope (view, file or sign); to \
                     end a representative's authority, revoke it",
                ));
            }
            one(CaseEvent::AuthorityRecorded {
                party: party.clone(),
                user_id: user_id.clone(),
                document: document.clone(),
                scopes: scopes.clone(),
            })
        }
        C::RevokeAuthority {
            party,
            user_id,
            reason,
        } => {
            require_party(case, party)?;
            require_text("reason", reason)?;
            let rep = require_representative(case, party, user_id)?;
            if rep.authority_revoked.is_some() {
                return Err(DomainError::guard(
                    ErrorCode::GuardAlreadyRecorded,
                    format!("the authority of {} is already revoked", rep.name),
                ));
            }
            let by = if crate::policy::relation(ctx.actor, case)
                .represented
                .iter()
                .any(|r| &r.party == party)
            {
                party.clone()
            } else {
                "secretariat".to_owned()
            };
            one(CaseEvent::AuthorityRevoked {
                party: party.clone(),
                user_id: user_id.clone(),
                by,
                reason: reason.clone(),
            })
        }
        _ => Err(not_allowed(cmd.kind(), case)),
    }
}

/// The request never became a mediation: every deadline ends.
fn not_commenced(case: &mut Case, reason: NotCommencedReason, at: Timestamp) {
    case.state = CaseState::NotCommenced {
        reason,
        effective: at,
    };
    case.close_all_deadlines(DeadlineStatus::Cancelled);
}

/// Folds an intake event.
pub(super) fn apply(case: &mut Case, event: &CaseEvent, at: Timestamp) {
    use CaseEvent as E;
    match event {
        E::DraftAmended {
            dispute_type,
            title,
            summary,
            subject_categories,
            investment_description,
            parties,
            requesting_party,
            joint_request,
            third_states,
            profile,
        } => {
            case.dispute_type = *dispute_type;
            case.title = title.clone();
            case.summary = summary.clone();
            case.subject_categories = subject_categories.clone();
            case.investment_description = investment_description.clone();
            case.parties = parties.clone();
            case.requesting_party = requesting_party.clone();
            case.joint_request = *joint_request;
            case.disclosed_to_all_parties = *joint_request;
            case.third_states = third_states.clone();
            case.profile = profile.clone();
        }
        E::RequestFiled { .. } => {
            case.state = CaseState::Filed;
            case.filed_at = Some(at);
            let days = case.profile.lodging_fee_days;
            case.start_deadline(DeadlineKind::LodgingFee, None, at, days, "lodging_fee_days");
        }
        E::LodgingFeeSettled { .. } => {
            case.close_deadline(DeadlineKind::LodgingFee, None, DeadlineStatus::Met);
            case.state = CaseState::Screening;
        }
        E::InvitationSent {
            parties,
            response_days,
            ..
        } => {
            case.invited_parties = parties.clone();
            case.disclosed_to_all_parties = true;
            case.state = CaseState::AwaitingConsent;
            case.start_deadline(
                DeadlineKind::InvitationResponse,
                None,
                at,
                *response_days,
                "invitation_response_days",
            );
        }
        E::ConsentRecorded { party, consent } => {
            if let Some(p) = case.party_mut(party) {
                p.consent = Some(consent.clone());
            }
        }
        E::InvitationAccepted {
            party,
            instrument,
            authority,
        } => {
            if let Some(p) = case.party_mut(party) {
                p.consent = Some(ConsentBasis::AcceptedInvitation {
                    instrument: instrument.clone(),
                });
                for proof in authority {
                    if let Some(r) = p
                        .representatives
                        .iter_mut()
                        .find(|r| r.user_id == proof.user_id && r.authority_revoked.is_none())
                    {
                        r.authority_document = Some(proof.document.clone());
                    }
                }
            }
            let all_consented = case
                .invited_parties
                .iter()
                .all(|id| case.party(id).is_some_and(|p| p.consent.is_some()));
            if all_consented {
                case.close_deadline(DeadlineKind::InvitationResponse, None, DeadlineStatus::Met);
                case.state = CaseState::Screening;
            }
        }
        E::InvitationRejected { .. } => not_commenced(case, NotCommencedReason::Rejected, at),
        E::InvitationTreatedAsRejected {} | E::InvitationLapsed {} => {
            case.close_deadline(
                DeadlineKind::InvitationResponse,
                None,
                DeadlineStatus::Lapsed,
            );
            let reason = if matches!(event, E::InvitationLapsed {}) {
                NotCommencedReason::Lapsed
            } else {
                NotCommencedReason::DeemedRejected
            };
            not_commenced(case, reason, at)
        }
        E::RequestWithdrawn {} => not_commenced(case, NotCommencedReason::Withdrawn, at),
        E::RequestRefused { .. } => not_commenced(case, NotCommencedReason::Refused, at),
        E::ThirdStateConsentDeclined {
            country,
            reasons,
            ends_request,
        } => {
            if let Some(t) = case.third_states.iter_mut().find(|t| &t.country == country) {
                t.declined = Some(reasons.clone());
            }
            if *ends_request && !case.state.is_terminal() {
                not_commenced(case, NotCommencedReason::ThirdStateDeclined, at);
            }
        }
        _ => apply_records(case, event),
    }
}

/// Folds the intake records and the registration.
fn apply_records(case: &mut Case, event: &CaseEvent) {
    use CaseEvent as E;
    match event {
        E::ThirdStateConsentRecorded {
            country,
            instrument,
        } => {
            if let Some(t) = case.third_states.iter_mut().find(|t| &t.country == country) {
                t.consent = Some(instrument.clone());
            }
        }
        E::StateApprovalRecorded { party, instrument } => {
            if let Some(p) = case.party_mut(party) {
                p.state_approval = Some(instrument.clone());
            }
        }
        E::AuthorityRecorded {
            party,
            user_id,
            document,
            scopes,
        } => {
            if let Some(r) = case.representative_mut(party, user_id) {
                r.authority_document = Some(document.clone());
                r.authority_accepted = true;
                r.authority_revoked = None;
                if scopes.is_some() {
                    r.scopes = scopes.clone();
                }
            }
        }
        E::AuthorityRevoked {
            party,
            user_id,
            by,
            reason,
        } => {
            if let Some(r) = case.representative_mut(party, user_id) {
                r.authority_revoked = Some(AuthorityRevocation {
                    by: by.clone(),
                    reason: reason.clone(),
                });
            }
        }
        E::CaseRegistered { commencement_date } => {
            // Registration accepts every proof of authority on file (its guard required them).
            for r in case
                .parties
                .iter_mut()
                .flat_map(|p| p.representatives.iter_mut())
                .filter(|r| r.authority_document.is_some() && r.authority_revoked.is_none())
            {
                r.authority_accepted = true;
            }
            case.state = CaseState::Registered;
            case.disclosed_to_all_parties = true;
            case.commencement_date = Some(commencement_date.clone());
        }
        // The draft is the case's first event: `Case::start` builds the case from it.
        _ => {}
    }
}
