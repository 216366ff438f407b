//! Deciding commands: guards and the events a command causes.

use std::collections::BTreeSet;

use jiff::Timestamp;

use crate::actor::Actor;
use crate::case::{Case, SeatStatus};
use crate::command::{AppointmentMethod, Command, FileRequest};
use crate::deadline::{DeadlineKind, utc_date};
use crate::error::DomainError;
use crate::event::{CaseEvent, LinkedCase, Visibility};
use crate::party::{
    ConventionStatus, DisputeType, ExclusionDeclaration, Party, PartyKind, ThirdState,
};
use crate::profile::{InvitationLapse, Profile};
use crate::state::{CaseState, SuspensionKind, TerminationGround};

/// Limits on filing input (sizes and counts are explicit).
pub mod limits {
    /// Maximum characters in a title.
    pub const TITLE_MAX: usize = 300;
    /// Maximum characters in a summary or free-text field.
    pub const TEXT_MAX: usize = 20_000;
    /// Parties per case.
    pub const PARTIES_MAX: usize = 20;
    /// Representatives per party.
    pub const REPRESENTATIVES_MAX: usize = 20;
    /// Third States per case.
    pub const THIRD_STATES_MAX: usize = 20;
    /// Subject categories per request.
    pub const CATEGORIES_MAX: usize = 20;
    /// Characters in an identifier (party id, category, reference).
    pub const ID_MAX: usize = 64;
}

/// Subject matters outside international commercial mediation (Singapore Convention Art. 1(2)).
pub const COMMERCIAL_EXCLUDED_CATEGORIES: &[&str] =
    &["consumer", "family", "inheritance", "employment"];

/// What a decision needs besides the case: the time, the actor and registry data.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Now, from the application's clock.
    pub now: Timestamp,
    /// The acting user or the scheduler.
    pub actor: &'a Actor,
    /// State exclusion declarations on file (for registration and refusal).
    pub declarations: &'a [ExclusionDeclaration],
}

/// An event with its visibility, ready to append.
#[derive(Debug, Clone, PartialEq)]
pub struct Decided {
    /// The fact.
    pub event: CaseEvent,
    /// Who may read it.
    pub visibility: Visibility,
}

fn case_wide(event: CaseEvent) -> Decided {
    Decided {
        event,
        visibility: Visibility::Case,
    }
}

fn not_allowed(cmd: &Command, case: &Case) -> DomainError {
    DomainError::TransitionNotAllowed {
        command: cmd.name(),
        state: case.state.name().to_owned(),
    }
}

fn check_text(field: &str, value: &str, max: usize, required: bool) -> Result<(), DomainError> {
    if required && value.trim().is_empty() {
        return Err(DomainError::invalid(
            "missing-field",
            format!("'{field}' must not be empty"),
        ));
    }
    if value.chars().count() > max {
        return Err(DomainError::invalid(
            "field-too-long",
            format!("'{field}' is longer than {max} characters"),
        ));
    }
    Ok(())
}

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
            "invalid-identifier",
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
    let created_by = ctx
        .actor
        .user_id()
        .ok_or_else(|| DomainError::invalid("actor-required", "a request is filed by a user"))?;
    check_text("title", &req.title, limits::TITLE_MAX, true)?;
    check_text("summary", &req.summary, limits::TEXT_MAX, true)?;
    if let Some(d) = &req.investment_description {
        check_text("investment_description", d, limits::TEXT_MAX, false)?;
    }
    if req.parties.len() < 2 || req.parties.len() > limits::PARTIES_MAX {
        return Err(DomainError::invalid(
            "invalid-party-count",
            format!(
                "a request names 2 to {} parties (got {})",
                limits::PARTIES_MAX,
                req.parties.len()
            ),
        ));
    }
    if req.subject_categories.len() > limits::CATEGORIES_MAX {
        return Err(DomainError::invalid(
            "too-many-categories",
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
                "duplicate-party",
                format!("party id '{}' appears twice", p.id),
            ));
        }
        if p.representatives.len() > limits::REPRESENTATIVES_MAX {
            return Err(DomainError::invalid(
                "too-many-representatives",
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
    }
    if !ids.contains(&req.requesting_party) {
        return Err(DomainError::invalid(
            "unknown-party",
            format!(
                "requesting party '{}' is not among the parties",
                req.requesting_party
            ),
        ));
    }
    if req.third_states.len() > limits::THIRD_STATES_MAX {
        return Err(DomainError::invalid(
            "too-many-third-states",
            format!("at most {} third States", limits::THIRD_STATES_MAX),
        ));
    }
    if !req.third_states.is_empty() && req.dispute_type != DisputeType::StateState {
        return Err(DomainError::invalid(
            "third-states-only-between-states",
            "third States can be flagged only in a dispute between States",
        ));
    }
    let profile = Profile::preset(req.profile.as_deref().unwrap_or("iomed-default"))?
        .with_overrides(&req.profile_overrides)?;
    Ok(CaseEvent::DraftCreated {
        reference: reference.to_owned(),
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
            })
            .collect(),
        profile,
        created_by: created_by.to_owned(),
        linked_from: None,
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
            "guard-case-not-closed",
            format!(
                "only a closed case can be re-opened; this one is {}",
                old.state.name()
            ),
        ));
    }
    let created_by = ctx
        .actor
        .user_id()
        .ok_or_else(|| DomainError::invalid("actor-required", "a re-opening is asked by a user"))?;
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

/// The scope guards of a dispute type (reference/domain.md §8, dispute-type guards).
pub fn scope_guards(case: &Case) -> Result<(), DomainError> {
    let parties: Vec<&Party> = case.active_parties().collect();
    match case.dispute_type {
        DisputeType::StateState => {
            if let Some(p) = parties
                .iter()
                .find(|p| !matches!(p.kind, PartyKind::State { .. }))
            {
                return Err(DomainError::guard(
                    "guard-scope-state-state",
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
                    "guard-scope-state-investor",
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
                        "guard-investor-nationality",
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
                    "guard-investment-missing",
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
                    "guard-scope-commercial",
                    "an international commercial dispute is between private parties (companies)",
                ));
            }
            if places.len() < 2 {
                return Err(DomainError::guard(
                    "guard-not-international",
                    "at least two parties must have their places of business in different States (Singapore Convention Art. 1(1))",
                ));
            }
            if let Some(c) = case
                .subject_categories
                .iter()
                .find(|c| COMMERCIAL_EXCLUDED_CATEGORIES.contains(&c.as_str()))
            {
                return Err(DomainError::guard(
                    "guard-excluded-subject-matter",
                    format!(
                        "'{c}' disputes are outside international commercial mediation (Singapore Convention Art. 1(2))"
                    ),
                ));
            }
        }
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

/// The registration guards, in the order of reference/domain.md §8 transition 4, except that the
/// exclusion check comes first: the IOMed "shall not provide" services for an excluded subject
/// matter, whatever the state of consent, and the refusal must cite the declaration.
pub fn registration_guards(case: &Case, ctx: &Context<'_>) -> Result<(), DomainError> {
    scope_guards(case)?;
    if let Some(d) = applicable_exclusions(case, ctx.declarations, ctx.now).first() {
        return Err(DomainError::guard(
            "guard-state-exclusion",
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
            "guard-consent-missing",
            format!("written consent is not on file for: {}", missing.join(", ")),
        ));
    }
    let pending_third: Vec<String> = case
        .third_states
        .iter()
        .filter(|t| t.consent.is_none())
        .map(|t| t.country.to_string())
        .collect();
    if !pending_third.is_empty() {
        return Err(DomainError::guard(
            "guard-third-state-consent-missing",
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
            "guard-state-approval-missing",
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
            "guard-authority-missing",
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
            "guard-non-contracting-rules",
            format!(
                "'{}' is a non-contracting State or an international organisation; the Governing Council's rules for such parties are not in force under this profile",
                p.id
            ),
        ));
    }
    Ok(())
}

fn require_party(case: &Case, party: &str) -> Result<(), DomainError> {
    match case.party(party) {
        Some(p) if p.is_active() => Ok(()),
        Some(_) => Err(DomainError::guard(
            "guard-party-withdrawn",
            format!("party '{party}' has withdrawn"),
        )),
        None => Err(DomainError::invalid(
            "unknown-party",
            format!("there is no party '{party}' in this case"),
        )),
    }
}

fn require_text(field: &str, v: &str) -> Result<(), DomainError> {
    check_text(field, v, limits::TEXT_MAX, true)
}

fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn before_registration(case: &Case) -> bool {
    matches!(
        case.state,
        CaseState::Draft | CaseState::Filed | CaseState::Screening | CaseState::AwaitingConsent
    )
}

/// Negotiations open and move while the mediation is active or a settlement is being drafted.
fn negotiating(case: &Case) -> bool {
    matches!(
        case.state,
        CaseState::Active | CaseState::SettlementDrafting
    )
}

fn open_negotiation<'a>(
    case: &'a Case,
    id: &str,
) -> Result<&'a crate::negotiation::Negotiation, DomainError> {
    let n = case.negotiation(id).ok_or_else(|| {
        DomainError::invalid(
            "unknown-negotiation",
            format!("the case has no negotiation '{id}'"),
        )
    })?;
    if n.agreed.is_some() {
        return Err(DomainError::guard(
            "guard-negotiation-agreed",
            format!("negotiation '{id}' has ended: the parties agreed a package"),
        ));
    }
    Ok(n)
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
            "guard-no-signed-settlement",
            "an attestation follows a settlement signed by every party and countersigned by the \
             mediator",
        ));
    };
    if case.attestation.is_some() {
        return Err(DomainError::guard(
            "guard-already-recorded",
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

/// A document filed in a channel, as the application recorded it in the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiledDocument {
    /// Its id.
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
    .map_err(|_| DomainError::guard("forbidden", "you may not file documents in this channel"))?;
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
            "unknown-proposal",
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
            "unknown-bidding",
            format!("the case has no blind bidding '{bidding}'"),
        )
    })?;
    if b.current_round() != Some(round) {
        return Err(DomainError::guard(
            "guard-round-not-open",
            format!("round {round} of blind bidding '{bidding}' is not the round open for figures"),
        ));
    }
    Ok(vec![case_wide(CaseEvent::BlindRoundClosed {
        bidding_id: b.id.clone(),
        round,
        settled_at,
    })])
}

fn in_mediation(case: &Case) -> bool {
    matches!(
        case.state,
        CaseState::Preparatory
            | CaseState::Active
            | CaseState::SettlementDrafting
            | CaseState::Suspended { .. }
    )
}

/// What confirming the pending appointee leads to: the file is transmitted once every agreed
/// mediator seat is filled (co-mediation); before that, constitution goes on.
pub fn seats_filled_or_not(case: &Case) -> CaseEvent {
    let serving = case.serving_mediators().count();
    let needed = usize::from(case.mediator_count.unwrap_or(1)).max(1);
    if serving + 1 >= needed {
        CaseEvent::FileTransmitted {}
    } else {
        CaseEvent::AppointmentConfirmed {}
    }
}

/// Simulates the events on a copy of the case, to decide follow-up events.
fn after(case: &Case, events: &[Decided], now: Timestamp) -> Case {
    let mut c = case.clone();
    for d in events {
        c.apply(&d.event, now);
    }
    c
}

/// Decides a command: the events it causes, or the guard that refuses it. The caller has already
/// checked [`crate::policy::authorize`] for `cmd.action()`.
pub fn decide(case: &Case, cmd: &Command, ctx: &Context<'_>) -> Result<Vec<Decided>, DomainError> {
    use Command as C;
    let now = ctx.now;
    let st = case.state;
    let one = |e: CaseEvent| Ok(vec![case_wide(e)]);
    match cmd {
        C::SubmitRequest {} => {
            if st != CaseState::Draft {
                return Err(not_allowed(cmd, case));
            }
            scope_guards(case)?;
            let fee_due = crate::deadline::add_days(now, case.profile.lodging_fee_days);
            Ok(vec![Decided {
                event: CaseEvent::RequestFiled { fee_due },
                visibility: Visibility::Party {
                    party: case.requesting_party.clone(),
                },
            }])
        }
        C::RecordLodgingFee { waived } => {
            if st != CaseState::Filed {
                return Err(not_allowed(cmd, case));
            }
            Ok(vec![Decided {
                event: CaseEvent::LodgingFeeSettled { waived: *waived },
                visibility: Visibility::Party {
                    party: case.requesting_party.clone(),
                },
            }])
        }
        C::SendInvitation { response_days } => {
            if st != CaseState::Screening {
                return Err(not_allowed(cmd, case));
            }
            let parties: Vec<String> = case
                .active_parties()
                .filter(|p| p.consent.is_none())
                .map(|p| p.id.clone())
                .collect();
            if parties.is_empty() {
                return Err(DomainError::guard(
                    "guard-consent-already-given",
                    "every party's written consent is on file: register instead of inviting",
                ));
            }
            let days = response_days
                .unwrap_or_else(|| case.profile.invitation_response_days(case.dispute_type));
            if !(7..=180).contains(&days) {
                return Err(DomainError::invalid(
                    "invalid-invitation-period",
                    format!("the period stated in an invitation is 7 to 180 days, not {days}"),
                ));
            }
            one(CaseEvent::InvitationSent {
                parties,
                response_days: days,
                due: crate::deadline::add_days(now, days),
            })
        }
        C::RecordConsent { party, consent } => {
            if !before_registration(case) {
                return Err(not_allowed(cmd, case));
            }
            require_party(case, party)?;
            one(CaseEvent::ConsentRecorded {
                party: party.clone(),
                consent: consent.clone(),
            })
        }
        C::AcceptInvitation { party, instrument } => {
            if st != CaseState::AwaitingConsent {
                return Err(not_allowed(cmd, case));
            }
            require_party(case, party)?;
            require_text("instrument", instrument)?;
            if !case.invited_parties.contains(party)
                || case.party(party).is_some_and(|p| p.consent.is_some())
            {
                return Err(DomainError::guard(
                    "guard-not-invited",
                    format!("party '{party}' has no invitation awaiting its answer"),
                ));
            }
            one(CaseEvent::InvitationAccepted {
                party: party.clone(),
                instrument: instrument.clone(),
            })
        }
        C::RejectInvitation { party } => {
            if st != CaseState::AwaitingConsent {
                return Err(not_allowed(cmd, case));
            }
            require_party(case, party)?;
            if !case.invited_parties.contains(party) {
                return Err(DomainError::guard(
                    "guard-not-invited",
                    format!("party '{party}' has no invitation awaiting its answer"),
                ));
            }
            one(CaseEvent::InvitationRejected {
                party: party.clone(),
            })
        }
        C::TreatInvitationAsRejected {} => {
            if st != CaseState::AwaitingConsent {
                return Err(not_allowed(cmd, case));
            }
            if case.profile.invitation_lapse != InvitationLapse::TreatAsRejected {
                return Err(DomainError::guard(
                    "guard-profile-auto-lapse",
                    "under this profile an unanswered invitation lapses by itself",
                ));
            }
            match case.pending(DeadlineKind::InvitationResponse, None) {
                Some(d) if d.due_at <= now => {}
                Some(d) => {
                    return Err(DomainError::guard(
                        "guard-invitation-period-running",
                        format!(
                            "the invited party may answer until {}; the invitation can be treated as rejected after that",
                            d.due_at
                        ),
                    ));
                }
                None => return Err(not_allowed(cmd, case)),
            }
            one(CaseEvent::InvitationTreatedAsRejected {})
        }
        C::WithdrawRequest {} => {
            if !before_registration(case) {
                return Err(not_allowed(cmd, case));
            }
            one(CaseEvent::RequestWithdrawn {})
        }
        C::RefuseRequest { reasons } => {
            if st != CaseState::Screening {
                return Err(not_allowed(cmd, case));
            }
            require_text("reasons", reasons)?;
            let cited = applicable_exclusions(case, ctx.declarations, now)
                .iter()
                .map(|d| d.id.clone())
                .collect();
            // The notice of refusal (D6) goes to the requesting party alone.
            Ok(vec![Decided {
                event: CaseEvent::RequestRefused {
                    reasons: reasons.clone(),
                    cited_declarations: cited,
                },
                visibility: Visibility::Party {
                    party: case.requesting_party.clone(),
                },
            }])
        }
        C::RecordThirdStateConsent {
            country,
            instrument,
        } => {
            if !matches!(st, CaseState::Screening | CaseState::AwaitingConsent) {
                return Err(not_allowed(cmd, case));
            }
            require_text("instrument", instrument)?;
            match case.third_states.iter().find(|t| &t.country == country) {
                None => {
                    return Err(DomainError::invalid(
                        "unknown-third-state",
                        format!("{country} is not a third State in this case"),
                    ));
                }
                Some(t) if t.consent.is_some() => {
                    return Err(DomainError::guard(
                        "guard-already-recorded",
                        format!("{country}'s consent is already on file"),
                    ));
                }
                Some(_) => {}
            }
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
        C::RecordStateApproval { party, instrument } => {
            if !before_registration(case) || st == CaseState::Draft {
                return Err(not_allowed(cmd, case));
            }
            require_party(case, party)?;
            require_text("instrument", instrument)?;
            if !matches!(
                case.party(party).map(|p| &p.kind),
                Some(PartyKind::StateEntity { .. })
            ) {
                return Err(DomainError::invalid(
                    "not-a-state-entity",
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
        } => {
            if st.is_terminal() || st == CaseState::Draft {
                return Err(not_allowed(cmd, case));
            }
            require_party(case, party)?;
            require_text("document", document)?;
            if !case
                .party(party)
                .is_some_and(|p| p.is_represented_by(user_id))
            {
                return Err(DomainError::invalid(
                    "unknown-representative",
                    format!("'{user_id}' is not a representative of '{party}'"),
                ));
            }
            one(CaseEvent::AuthorityRecorded {
                party: party.clone(),
                user_id: user_id.clone(),
                document: document.clone(),
            })
        }
        C::Register {} => {
            if st != CaseState::Screening {
                return Err(not_allowed(cmd, case));
            }
            registration_guards(case, ctx)?;
            Ok(vec![
                case_wide(CaseEvent::CaseRegistered {
                    commencement_date: case.commencement_for(now),
                }),
                case_wide(CaseEvent::ConstitutionStarted {}),
            ])
        }
        C::AgreeMediatorCount { count } => {
            if st != CaseState::Constituting {
                return Err(not_allowed(cmd, case));
            }
            if !(1..=3).contains(count) {
                return Err(DomainError::invalid(
                    "invalid-mediator-count",
                    format!("one to three mediators, not {count}"),
                ));
            }
            one(CaseEvent::MediatorCountAgreed {
                count: *count,
                defaulted: false,
            })
        }
        C::RequestSecretariatAppointment { party } => {
            if st != CaseState::Constituting {
                return Err(not_allowed(cmd, case));
            }
            require_party(case, party)?;
            if case.secretariat_appointment_requested {
                return Err(DomainError::guard(
                    "guard-already-recorded",
                    "the Secretariat's appointment has already been requested",
                ));
            }
            if let Some(d) = case.pending(DeadlineKind::AppointmentByAgreement, None)
                && d.due_at > now
            {
                return Err(DomainError::guard(
                    "guard-appointment-period-running",
                    format!(
                        "the parties may appoint by agreement until {}; the Secretariat appoints on request after that",
                        d.due_at
                    ),
                ));
            }
            one(CaseEvent::SecretariatAppointmentRequested {
                party: party.clone(),
            })
        }
        C::NominateMediator {
            mediator_user_id,
            name,
            nationality,
            method,
            prior_roles_for,
        } => {
            let vacancy = matches!(
                st,
                CaseState::Suspended {
                    kind: SuspensionKind::Vacancy,
                    ..
                }
            );
            if !(st == CaseState::Constituting || vacancy) || case.appointee().is_some() {
                return Err(not_allowed(cmd, case));
            }
            check_text("mediator_user_id", mediator_user_id, limits::ID_MAX, true)?;
            check_text("name", name, limits::TITLE_MAX, true)?;
            if *method == AppointmentMethod::SecretariatAppointment
                && !case.secretariat_appointment_requested
                && !vacancy
            {
                return Err(DomainError::guard(
                    "guard-secretariat-appointment-not-requested",
                    "the Secretariat appoints on default only at a party's request",
                ));
            }
            if case
                .parties
                .iter()
                .any(|p| p.is_represented_by(mediator_user_id))
                || prior_roles_for.iter().any(|p| case.party(p).is_some())
                || case.mediators.iter().any(|m| {
                    &m.user_id == mediator_user_id
                        && matches!(
                            m.status,
                            SeatStatus::Vacated | SeatStatus::Declined | SeatStatus::Serving
                        )
                })
            {
                return Err(DomainError::guard(
                    "guard-mediator-conflict",
                    format!("{name} has acted for a party or left this case before"),
                ));
            }
            if let Some(n) = nationality
                && case.active_parties().any(|p| match &p.kind {
                    PartyKind::State { country, .. } => country == n,
                    PartyKind::StateEntity {
                        approving_state, ..
                    } => approving_state == n,
                    PartyKind::Investor { nationality, .. }
                    | PartyKind::Company { nationality, .. } => nationality == n,
                    PartyKind::InternationalOrganisation => false,
                })
            {
                return Err(DomainError::guard(
                    "guard-mediator-nationality",
                    format!("{name} has the nationality of a party ({n})"),
                ));
            }
            one(CaseEvent::MediatorNominated {
                mediator_user_id: mediator_user_id.clone(),
                name: name.clone(),
                nationality: nationality.clone(),
                method: *method,
            })
        }
        C::AcceptAppointment { declaration } => {
            let Some(seat) = case
                .appointee()
                .filter(|m| m.status == SeatStatus::Nominated)
            else {
                return Err(not_allowed(cmd, case));
            };
            if !(declaration.independent
                && declaration.impartial
                && declaration.available
                && declaration.confidentiality)
            {
                return Err(DomainError::guard(
                    "guard-declaration-incomplete",
                    "the declaration must affirm independence, impartiality, availability and confidentiality",
                ));
            }
            for d in &declaration.disclosures {
                require_text("disclosures[]", d)?;
            }
            let mut out = vec![case_wide(CaseEvent::AppointmentAccepted {
                mediator_user_id: seat.user_id.clone(),
                declaration: declaration.clone(),
            })];
            if declaration.disclosures.is_empty() {
                out.push(case_wide(seats_filled_or_not(case)));
            }
            Ok(out)
        }
        C::DeclineAppointment { reason } => {
            if !case
                .appointee()
                .is_some_and(|m| m.status == SeatStatus::Nominated)
            {
                return Err(not_allowed(cmd, case));
            }
            require_text("reason", reason)?;
            one(CaseEvent::AppointmentDeclined {
                reason: reason.clone(),
            })
        }
        C::AcknowledgeDisclosure { party } => {
            let Some(pd) = &case.pending_disclosure else {
                return Err(not_allowed(cmd, case));
            };
            require_party(case, party)?;
            if pd.acknowledged.contains(party) {
                return Err(DomainError::guard(
                    "guard-already-recorded",
                    format!("party '{party}' has already acknowledged"),
                ));
            }
            let mut out = vec![case_wide(CaseEvent::DisclosureAcknowledged {
                party: party.clone(),
            })];
            let next = after(case, &out, now);
            let all = next.active_parties().all(|p| {
                next.pending_disclosure
                    .as_ref()
                    .is_some_and(|pd| pd.acknowledged.contains(&p.id))
            });
            if all {
                out.push(case_wide(CaseEvent::DisclosureWindowClosed {}));
                if case.appointee().is_some() {
                    out.push(case_wide(seats_filled_or_not(case)));
                }
            }
            Ok(out)
        }
        C::ObjectToDisclosure { party, reason } => {
            if case.pending_disclosure.is_none() {
                return Err(not_allowed(cmd, case));
            }
            require_party(case, party)?;
            require_text("reason", reason)?;
            if case
                .pending(DeadlineKind::DisclosureObjection, None)
                .is_some_and(|d| d.due_at <= now)
            {
                return Err(DomainError::guard(
                    "guard-objection-window-closed",
                    "the window to object to this disclosure has closed",
                ));
            }
            one(CaseEvent::DisclosureObjected {
                party: party.clone(),
                reason: reason.clone(),
            })
        }
        C::FileDisclosure { text } => {
            if !matches!(
                st,
                CaseState::Preparatory | CaseState::Active | CaseState::SettlementDrafting
            ) || case.pending_disclosure.is_some()
            {
                return Err(not_allowed(cmd, case));
            }
            require_text("text", text)?;
            let user = ctx.actor.user_id().unwrap_or_default();
            one(CaseEvent::DisclosureFiled {
                mediator_user_id: user.to_owned(),
                text: text.clone(),
            })
        }
        C::RecordVacancy { reason } => {
            if !matches!(
                st,
                CaseState::Preparatory | CaseState::Active | CaseState::SettlementDrafting
            ) {
                return Err(not_allowed(cmd, case));
            }
            require_text("reason", reason)?;
            one(CaseEvent::VacancyRecorded {
                reason: reason.clone(),
            })
        }
        C::RecordDepositPaid { party, paid_by } => {
            if !in_mediation(case) {
                return Err(not_allowed(cmd, case));
            }
            require_party(case, paid_by)?;
            match case.deposits.get(party) {
                None => Err(DomainError::invalid(
                    "unknown-deposit",
                    format!("no deposit is asked of '{party}'"),
                )),
                Some(d) if d.paid => Err(DomainError::guard(
                    "guard-already-recorded",
                    format!("the deposit of '{party}' is already paid"),
                )),
                Some(_) => one(CaseEvent::DepositPaid {
                    party: party.clone(),
                    paid_by: paid_by.clone(),
                }),
            }
        }
        C::RecordFirstSession { record } => {
            if st != CaseState::Preparatory {
                return Err(not_allowed(cmd, case));
            }
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
                    "guard-first-session-incomplete",
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
                        "guard-first-session-incomplete",
                        format!(
                            "the first session's record needs '{f}' (write \"none\" if there is none)"
                        ),
                    ));
                }
                require_text(f, v)?;
            }
            one(CaseEvent::FirstSessionHeld {
                record: record.clone(),
            })
        }
        C::SuspendByAgreement { reason } => {
            if !matches!(
                st,
                CaseState::Preparatory | CaseState::Active | CaseState::SettlementDrafting
            ) {
                return Err(not_allowed(cmd, case));
            }
            require_text("reason", reason)?;
            one(CaseEvent::SuspendedByAgreement {
                reason: reason.clone(),
            })
        }
        C::Resume {} => {
            if !matches!(
                st,
                CaseState::Suspended {
                    kind: SuspensionKind::ByAgreement,
                    ..
                }
            ) {
                return Err(not_allowed(cmd, case));
            }
            one(CaseEvent::Resumed {})
        }
        C::SetTimeLimit { days } => {
            if st != CaseState::Active {
                return Err(not_allowed(cmd, case));
            }
            if !(1..=3650).contains(days) {
                return Err(DomainError::invalid(
                    "invalid-time-limit",
                    format!("a time limit is 1 to 3650 days, not {days}"),
                ));
            }
            one(CaseEvent::TimeLimitSet {
                days: *days,
                due: crate::deadline::add_days(now, *days),
            })
        }
        C::RecordConsultation { summary } => {
            if !in_mediation(case) {
                return Err(not_allowed(cmd, case));
            }
            require_text("summary", summary)?;
            one(CaseEvent::ConsultationHeld {
                summary: summary.clone(),
            })
        }
        C::OpenNegotiation { agenda } => {
            if !negotiating(case) {
                return Err(not_allowed(cmd, case));
            }
            agenda.validate()?;
            if case.negotiations.len() >= crate::negotiation::limits::NEGOTIATIONS_MAX {
                return Err(DomainError::guard(
                    "guard-too-many-negotiations",
                    format!(
                        "a case holds at most {} negotiations",
                        crate::negotiation::limits::NEGOTIATIONS_MAX
                    ),
                ));
            }
            one(CaseEvent::NegotiationOpened {
                negotiation_id: format!("N{}", case.negotiations.len() + 1),
                agenda: agenda.clone(),
            })
        }
        C::ProposePackage {
            negotiation,
            package,
        } => {
            if !negotiating(case) {
                return Err(not_allowed(cmd, case));
            }
            let n = open_negotiation(case, negotiation)?;
            n.agenda.check_package(package)?;
            if n.proposals.len() >= crate::negotiation::limits::PROPOSALS_MAX {
                return Err(DomainError::guard(
                    "guard-too-many-proposals",
                    format!(
                        "a negotiation holds at most {} proposals; open a new one",
                        crate::negotiation::limits::PROPOSALS_MAX
                    ),
                ));
            }
            if n.proposals.iter().any(|p| &p.package == package) {
                return Err(DomainError::guard(
                    "guard-package-already-proposed",
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
            if !negotiating(case) {
                return Err(not_allowed(cmd, case));
            }
            rules.validate(case)?;
            if case.blind_biddings.len() >= crate::bidding::limits::BIDDINGS_MAX {
                return Err(DomainError::guard(
                    "guard-too-many-biddings",
                    format!(
                        "a case holds at most {} blind biddings",
                        crate::bidding::limits::BIDDINGS_MAX
                    ),
                ));
            }
            one(CaseEvent::BlindBiddingOpened {
                bidding_id: format!("B{}", case.blind_biddings.len() + 1),
                rules: rules.clone(),
            })
        }
        C::IndicateTermsAgreed { partial } => {
            if st != CaseState::Active {
                return Err(not_allowed(cmd, case));
            }
            one(CaseEvent::TermsAgreed { partial: *partial })
        }
        C::ApproveFinalText { party, text_hash } => {
            if st != CaseState::SettlementDrafting {
                return Err(not_allowed(cmd, case));
            }
            require_party(case, party)?;
            if !is_hash(text_hash) {
                return Err(DomainError::invalid(
                    "invalid-text-hash",
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
            if st != CaseState::Signing {
                return Err(not_allowed(cmd, case));
            }
            require_party(case, party)?;
            let Some(s) = &case.settlement else {
                return Err(not_allowed(cmd, case));
            };
            if s.frozen_hash.as_deref() != Some(text_hash.as_str()) {
                return Err(DomainError::guard(
                    "guard-text-hash-mismatch",
                    "the hash signed is not the hash of the frozen final text",
                ));
            }
            if s.signatures.contains_key(party) {
                return Err(DomainError::guard(
                    "guard-already-recorded",
                    format!("party '{party}' has already signed"),
                ));
            }
            let user = ctx.actor.user_id().unwrap_or_default().to_owned();
            let authorised = case.party(party).is_some_and(|p| {
                p.representatives
                    .iter()
                    .any(|r| r.user_id == user && r.authority_document.is_some())
            });
            if !authorised {
                return Err(DomainError::guard(
                    "guard-signatory-authority-missing",
                    "the signatory's proof of authority to sign for this party is not on file",
                ));
            }
            Ok(vec![case_wide(CaseEvent::SettlementSigned {
                party: party.clone(),
                user_id: user,
                text_hash: text_hash.clone(),
                evidence: evidence.clone(),
            })])
        }
        C::CountersignSettlement {
            text_hash,
            evidence,
        } => {
            if st != CaseState::Signing {
                return Err(not_allowed(cmd, case));
            }
            let Some(s) = &case.settlement else {
                return Err(not_allowed(cmd, case));
            };
            if s.frozen_hash.as_deref() != Some(text_hash.as_str()) {
                return Err(DomainError::guard(
                    "guard-text-hash-mismatch",
                    "the hash countersigned is not the hash of the frozen final text",
                ));
            }
            let missing: Vec<String> = case
                .active_parties()
                .filter(|p| !s.signatures.contains_key(&p.id))
                .map(|p| p.id.clone())
                .collect();
            if !missing.is_empty() {
                return Err(DomainError::guard(
                    "guard-party-signatures-missing",
                    format!(
                        "the mediator countersigns after every party; still to sign: {}",
                        missing.join(", ")
                    ),
                ));
            }
            let ground = if s.partial {
                TerminationGround::PartiallySettled
            } else {
                TerminationGround::Settled
            };
            Ok(vec![
                case_wide(CaseEvent::SettlementCountersigned {
                    user_id: ctx.actor.user_id().unwrap_or_default().to_owned(),
                    text_hash: text_hash.clone(),
                    evidence: evidence.clone(),
                }),
                case_wide(CaseEvent::MediationTerminated {
                    ground,
                    effective: now,
                }),
            ])
        }
        C::DeclareMediatorTermination { reason } => {
            if !matches!(
                st,
                CaseState::Preparatory | CaseState::Active | CaseState::Suspended { .. }
            ) {
                return Err(not_allowed(cmd, case));
            }
            require_text("reason", reason)?;
            if !case.consultation_held {
                return Err(DomainError::guard(
                    "guard-consultation-not-held",
                    "the mediator consults the parties before declaring the mediation terminated (record the consultation first)",
                ));
            }
            Ok(vec![
                case_wide(CaseEvent::MediatorTerminationDeclared {
                    reason: reason.clone(),
                }),
                case_wide(CaseEvent::MediationTerminated {
                    ground: TerminationGround::MediatorDeclaration,
                    effective: now,
                }),
            ])
        }
        C::DeclareJointTermination { party } => {
            if !st.is_commenced() {
                return Err(not_allowed(cmd, case));
            }
            require_party(case, party)?;
            if case.joint_termination.contains(party) {
                return Err(DomainError::guard(
                    "guard-already-recorded",
                    format!("party '{party}' has already declared"),
                ));
            }
            let mut out = vec![case_wide(CaseEvent::JointTerminationDeclared {
                party: party.clone(),
            })];
            let next = after(case, &out, now);
            if next
                .active_parties()
                .all(|p| next.joint_termination.contains(&p.id))
            {
                out.push(case_wide(CaseEvent::MediationTerminated {
                    ground: TerminationGround::JointDeclaration,
                    effective: now,
                }));
            }
            Ok(out)
        }
        C::Withdraw { party } => {
            if !st.is_commenced() || case.continuation.is_some() {
                return Err(not_allowed(cmd, case));
            }
            require_party(case, party)?;
            if case.profile.withdrawal_requires_protocol && case.first_session.is_none() {
                return Err(DomainError::guard(
                    "guard-withdrawal-before-protocol",
                    "under this profile a party may withdraw only after the first session's protocol",
                ));
            }
            let mut out = vec![case_wide(CaseEvent::PartyWithdrew {
                party: party.clone(),
            })];
            let next = after(case, &out, now);
            if next.active_parties().count() < 2 {
                out.push(case_wide(CaseEvent::MediationTerminated {
                    ground: TerminationGround::PartyWithdrawal,
                    effective: now,
                }));
            }
            Ok(out)
        }
        C::AnswerContinuation {
            party,
            continue_mediation,
        } => {
            let Some(c) = &case.continuation else {
                return Err(not_allowed(cmd, case));
            };
            require_party(case, party)?;
            if c.answers.contains_key(party) {
                return Err(DomainError::guard(
                    "guard-already-recorded",
                    format!("party '{party}' has already answered"),
                ));
            }
            let mut out = vec![case_wide(CaseEvent::ContinuationAnswered {
                party: party.clone(),
                continue_mediation: *continue_mediation,
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
        C::RecordFinalAccounts { summary } => {
            if !matches!(st, CaseState::Terminated { .. }) {
                return Err(not_allowed(cmd, case));
            }
            require_text("summary", summary)?;
            Ok(vec![Decided {
                event: CaseEvent::FinalAccountsIssued {
                    summary: summary.clone(),
                },
                visibility: Visibility::Case,
            }])
        }
        C::Close {} => {
            if !matches!(st, CaseState::Terminated { .. }) {
                return Err(not_allowed(cmd, case));
            }
            if case.final_accounts.is_none() {
                return Err(DomainError::guard(
                    "guard-final-accounts-missing",
                    "final accounts are issued (and refunds processed) before a case closes",
                ));
            }
            one(CaseEvent::CaseClosed {})
        }
        C::AddParticipant { user_id, role } => {
            if st == CaseState::Draft || st == CaseState::Closed {
                return Err(not_allowed(cmd, case));
            }
            check_text("user_id", user_id, limits::ID_MAX, true)?;
            if let crate::case::CaseRole::InternalReviewer { party } = role {
                require_party(case, party)?;
            }
            for ch in role.guest_channels() {
                if let Some(p) = ch.party() {
                    require_party(case, p)?;
                }
                if *ch == crate::channel::ChannelId::MediatorNotes {
                    return Err(DomainError::invalid(
                        "notes-are-the-mediators",
                        "no one but the mediator may be given the mediator's notes",
                    ));
                }
            }
            if role.needs_undertaking() && role.guest_channels().is_empty() {
                return Err(DomainError::invalid(
                    "missing-field",
                    "a guest role names its channels",
                ));
            }
            if case.parties.iter().any(|p| p.is_represented_by(user_id))
                || case.mediators.iter().any(|m| &m.user_id == user_id)
            {
                return Err(DomainError::guard(
                    "guard-role-conflict",
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
                    crate::case::CaseRole::InternalReviewer { party } => Some(party.clone()),
                    _ => None,
                });
            Ok(vec![Decided {
                event: CaseEvent::ParticipantAdded {
                    user_id: user_id.clone(),
                    role: role.clone(),
                },
                visibility: match single_party {
                    Some(party) => Visibility::Party { party },
                    None => Visibility::Case,
                },
            }])
        }
        C::RemoveParticipant { user_id } => {
            let Some(p) = case.participants.iter().find(|p| &p.user_id == user_id) else {
                return Err(DomainError::invalid(
                    "unknown-participant",
                    format!("'{user_id}' holds no role in this case"),
                ));
            };
            let party = p
                .role
                .guest_channels()
                .iter()
                .find_map(|c| c.party().map(str::to_owned));
            Ok(vec![Decided {
                event: CaseEvent::ParticipantRemoved {
                    user_id: user_id.clone(),
                },
                visibility: match party {
                    Some(party) => Visibility::Party { party },
                    None => Visibility::Case,
                },
            }])
        }
        C::RequestBreakGlass { reason } => {
            if st == CaseState::Draft {
                return Err(not_allowed(cmd, case));
            }
            require_text("reason", reason)?;
            let operator = ctx.actor.user_id().unwrap_or_default().to_owned();
            if case
                .break_glass
                .iter()
                .any(|b| b.operator == operator && !b.ended)
            {
                return Err(DomainError::guard(
                    "guard-already-recorded",
                    "a break-glass request of yours is already open on this case",
                ));
            }
            Ok(vec![Decided {
                event: CaseEvent::BreakGlassRequested {
                    operator,
                    reason: reason.clone(),
                },
                visibility: Visibility::Secretariat,
            }])
        }
        C::ApproveBreakGlass { operator } => {
            let by = ctx.actor.user_id().unwrap_or_default().to_owned();
            let Some(b) = case
                .break_glass
                .iter()
                .rev()
                .find(|b| &b.operator == operator && !b.ended)
            else {
                return Err(DomainError::invalid(
                    "no-break-glass-request",
                    format!("'{operator}' has no open break-glass request on this case"),
                ));
            };
            if b.effective() {
                return Err(DomainError::guard(
                    "guard-already-recorded",
                    "this break-glass access is already granted",
                ));
            }
            if b.approvals.contains(&by) || &by == operator {
                return Err(DomainError::guard(
                    "guard-second-approver-required",
                    "break-glass access needs two different Secretariat members, neither the operator",
                ));
            }
            Ok(vec![Decided {
                event: CaseEvent::BreakGlassApproved {
                    operator: operator.clone(),
                    by,
                },
                visibility: Visibility::Secretariat,
            }])
        }
        C::EndBreakGlass { operator } => {
            if !case
                .break_glass
                .iter()
                .any(|b| &b.operator == operator && !b.ended)
            {
                return Err(DomainError::invalid(
                    "no-break-glass-request",
                    format!("'{operator}' has no open break-glass access on this case"),
                ));
            }
            Ok(vec![Decided {
                event: CaseEvent::BreakGlassEnded {
                    operator: operator.clone(),
                },
                visibility: Visibility::Secretariat,
            }])
        }
        C::AcceptUndertaking {} => {
            let user = ctx.actor.user_id().unwrap_or_default();
            let Some(p) = case.participants.iter().find(|p| p.user_id == user) else {
                return Err(not_allowed(cmd, case));
            };
            if !p.role.needs_undertaking() || p.undertaking_at.is_some() {
                return Err(DomainError::guard(
                    "guard-already-recorded",
                    "there is no undertaking awaiting your acceptance",
                ));
            }
            Ok(vec![Decided {
                event: CaseEvent::UndertakingAccepted {
                    user_id: user.to_owned(),
                },
                visibility: Visibility::Secretariat,
            }])
        }
    }
}

/// The date part of a timestamp, for messages.
pub fn date(t: Timestamp) -> String {
    utc_date(t)
}
