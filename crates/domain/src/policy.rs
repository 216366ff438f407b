//! The one visibility policy: pure functions of (actor, action or channel, case) that decide every
//! read and write. Routes and queries call [`authorize`], [`can_view_case`], [`can_read_event`] and
//! [`channel_access`]; none decides access on its own.
//!
//! A case the actor may not see is answered exactly as a case that does not exist
//! ([`Denial::NotFound`]); a case the actor sees but may not act on gives [`Denial::Forbidden`].
//! Every decision is computed from the case as it is now, so a role granted or withdrawn applies
//! to the very next request.

use std::collections::BTreeSet;

use crate::actor::{Actor, GlobalRole};
use crate::case::{Case, CaseRole, SeatStatus};
use crate::channel::{ChannelId, ReadAccess};
use crate::event::{Visibility, is_without_prejudice_kind};
use crate::grant::{Consent, consents_needed};
use crate::party::{AuthorityStatus, CountryCode, RepresentativeCapacity, Scope};
use crate::profile::NegotiationDisclosure;
use crate::state::CaseState;

/// What the actor wants to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Read the case and what it holds (channel lists, documents, negotiations, biddings,
    /// drafts): everyone who sees the case. Never open under break-glass.
    ViewCase,
    /// Read the case record itself: its view, the events the actor may read, its procedural
    /// documents, its attestation and inclusion proofs. Everyone who sees the case, and a platform
    /// operator with effective break-glass access — the one action break-glass opens; the
    /// application logs every read made under it.
    ViewCaseRecord,
    /// Read the consent request addressed to a third State.
    ViewConsentRequest {
        /// The third State.
        country: CountryCode,
    },
    /// Act as the requesting party (submit, withdraw the request, treat an invitation as rejected).
    ActForRequestingParty,
    /// Act for a named party (needs the `file` scope).
    ActForParty {
        /// The party id.
        party: String,
    },
    /// Sign for a named party (needs the `sign` scope).
    SignForParty {
        /// The party id.
        party: String,
    },
    /// Secretariat administration of the case (the Secretariat or the case's case officer).
    Administer,
    /// Approve an operator's break-glass request: a member of the Secretariat (not a case
    /// officer), never the operator.
    ApproveBreakGlass,
    /// Grant `user_id` a per-case role, or propose it where other consents are needed
    /// (transition 25): the actor holds one of the consents the role needs
    /// ([`crate::grant::consents_needed`]) and is not `user_id`.
    GrantRole {
        /// Who would hold the role.
        user_id: String,
        /// The role.
        role: CaseRole,
    },
    /// Approve, refuse or withdraw a role proposed for `user_id`, or remove a role they hold: any
    /// grant authority; the domain acts only on the roles the actor holds a consent in, and
    /// answers as if there were none otherwise, so that no one learns of a grant in another
    /// party's space.
    DecideGrant {
        /// Whose role or proposed role.
        user_id: String,
    },
    /// Take part in granting roles at all (what pages ask before offering the grant forms): the
    /// actor holds some grant authority — staff, a serving mediator, or a party's representative
    /// with the `file` scope.
    GrantRoles,
    /// Secretariat, case officer or the serving mediator.
    AdministerOrMediate,
    /// Record a payment (Secretariat, case officer or finance officer).
    RecordPayment,
    /// The nominated appointee accepts or declines.
    ActAsAppointee,
    /// The serving mediator's acts.
    Mediate,
    /// Ask for a closed case to be re-opened as a new linked case (a party or the Secretariat).
    RequestReopening,
    /// A third State gives its consent.
    ConsentAsThirdState {
        /// The third State.
        country: CountryCode,
    },
    /// A guest accepts the confidentiality undertaking.
    AcceptUndertaking,
    /// A platform operator asks for break-glass access.
    RequestBreakGlass,
    /// Post a message in a channel.
    PostMessage {
        /// The channel posted to; [`channel_access`] decides whether the actor may write there.
        channel: ChannelId,
    },
    /// The mediator proposes to relay an excerpt of a caucus item.
    ProposeRelay {
        /// The caucus the excerpt comes from.
        source: ChannelId,
    },
    /// The source party approves or refuses a relay.
    DecideRelay {
        /// The source party.
        party: String,
    },
    /// Enter a party's private negotiation preferences, or its answer to a proposal (needs the
    /// `file` scope for that party).
    EnterNegotiationInput {
        /// The party whose preferences or answer are entered; the actor needs its `file` scope.
        party: String,
    },
    /// Read a party's private negotiation preferences: its own representatives and internal
    /// reviewers, and the mediator when the profile's negotiation disclosure is `full`.
    ReadPreferences {
        /// The party whose sealed preferences are asked for.
        party: String,
    },
    /// Read the analysis of a negotiation (efficient packages, fair points): the mediator.
    AnalyseNegotiation,
    /// Revoke a representative's authority for `party`: the Secretariat, or one of the party's
    /// principals (counsel cannot revoke the party's other representatives).
    RevokeAuthority {
        /// The party the representative acts for.
        party: String,
    },
    /// Download the enforcement package of a settled case: its parties' representatives, the
    /// mediator and the Secretariat.
    DownloadEnforcementPackage,
    /// Put a new version of the settlement draft: the mediator, or a party's representative
    /// with the `file` scope.
    DraftSettlement,
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// The actor may not know the case exists: answer as for a missing case.
    NotFound,
    /// The actor sees the case but may not do this.
    Forbidden,
    /// The actor is named as a party's representative, but its proof of authority is not
    /// accepted (missing, awaiting acceptance, or revoked): it may do nothing for that party yet.
    AuthorityNotAccepted,
}

/// A party the actor represents, with the scopes held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Represented {
    /// The party id.
    pub party: String,
    /// May view.
    pub view: bool,
    /// May file and post.
    pub file: bool,
    /// May sign (scope held and proof of authority accepted).
    pub sign: bool,
    /// Acts as the party's principal (not counsel).
    pub principal: bool,
}

/// The actor's relation to one case.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Relation {
    /// Institution-wide Secretariat (Secretary-General, Deputy).
    pub secretariat: bool,
    /// The case's case officer.
    pub case_officer: bool,
    /// The case's finance officer.
    pub finance: bool,
    /// Active parties the actor represents.
    pub represented: Vec<Represented>,
    /// Active parties that name the actor as a representative whose authority is not in force
    /// (counsel whose proof is missing or not yet accepted; anyone revoked): it acts for none.
    pub authority_awaited: Vec<String>,
    /// Ids of the active parties represented (for convenience).
    pub parties: Vec<String>,
    /// The actor represents the requesting party.
    pub requesting: bool,
    /// The actor is a serving mediator.
    pub mediator: bool,
    /// The actor is the nominated appointee.
    pub appointee: bool,
    /// Parties whose internal workspace the actor reviews.
    pub reviewer_of: Vec<String>,
    /// Channels opened to the actor as a guest (undertaking accepted), and whether they may write.
    pub guest_channels: Vec<(ChannelId, bool)>,
    /// The actor holds a guest role whose undertaking is still awaited.
    pub guest_pending: bool,
    /// Third States the actor represents.
    pub third_states: Vec<CountryCode>,
    /// A platform operator with effective break-glass access (read-only case record).
    pub break_glass: bool,
    /// The actor is a platform operator.
    pub operator: bool,
}

/// Computes the actor's relation to a case.
pub fn relation(actor: &Actor, case: &Case) -> Relation {
    let Actor::User { id, role } = actor else {
        return Relation::default();
    };
    let mut r = Relation {
        secretariat: *role == GlobalRole::Secretariat,
        ..Relation::default()
    };
    if *role == GlobalRole::Operator {
        r.operator = true;
        r.break_glass = case
            .break_glass
            .iter()
            .any(|b| &b.operator == id && b.effective());
        return r;
    }
    if *role == GlobalRole::GoverningCouncil {
        return r;
    }
    let registered = case.is_registered();
    for p in case.active_parties() {
        if let Some(rep) = p.representatives.iter().find(|r| &r.user_id == id) {
            let status = rep.authority(registered);
            let principal = rep.capacity == RepresentativeCapacity::Principal;
            // Counsel acts only under an accepted proof; a principal files without one (it
            // brings the request) but signs only with one; no one acts once revoked.
            let in_force = match status {
                AuthorityStatus::Accepted => true,
                AuthorityStatus::Revoked => false,
                AuthorityStatus::Missing | AuthorityStatus::Submitted => principal,
            };
            if !in_force {
                r.authority_awaited.push(p.id.clone());
                continue;
            }
            let rep = Represented {
                party: p.id.clone(),
                view: rep.has_scope(Scope::View),
                file: rep.has_scope(Scope::File),
                sign: rep.has_scope(Scope::Sign) && status == AuthorityStatus::Accepted,
                principal,
            };
            if rep.view {
                r.parties.push(p.id.clone());
                if p.id == case.requesting_party {
                    r.requesting = true;
                }
                r.represented.push(rep);
            }
        }
    }
    if case.created_by == *id && case.state == CaseState::Draft {
        r.requesting = true;
    }
    r.mediator = case
        .mediators
        .iter()
        .any(|m| &m.user_id == id && m.status == SeatStatus::Serving);
    r.appointee = case.appointee().is_some_and(|m| &m.user_id == id);
    for p in case.participants.iter().filter(|p| &p.user_id == id) {
        match &p.role {
            CaseRole::CaseOfficer => r.case_officer = true,
            CaseRole::FinanceOfficer => r.finance = true,
            CaseRole::InternalReviewer { party } => {
                if case.party(party).is_some_and(|p| p.is_active()) {
                    r.reviewer_of.push(party.clone());
                }
            }
            guest => {
                if p.undertaking_at.is_some() {
                    let writes = !matches!(guest, CaseRole::Observer { .. });
                    for c in guest.guest_channels() {
                        let party_active = c
                            .party()
                            .is_none_or(|p| case.party(p).is_some_and(|p| p.is_active()));
                        if party_active {
                            r.guest_channels.push((c.clone(), writes));
                        }
                    }
                } else {
                    r.guest_pending = true;
                }
            }
        }
    }
    // A third State is asked for its consent once the request is submitted: while the case is a
    // draft, its named representatives have nothing to read or answer.
    r.third_states = case
        .third_states
        .iter()
        .filter(|_| case.state != CaseState::Draft)
        .filter(|t| t.representatives.iter().any(|u| u == id))
        .map(|t| t.country.clone())
        .collect();
    r
}

impl Relation {
    fn may_file_for(&self, party: &str) -> bool {
        self.represented.iter().any(|p| p.party == party && p.file)
    }

    fn may_sign_for(&self, party: &str) -> bool {
        self.represented.iter().any(|p| p.party == party && p.sign)
    }

    fn staff(&self) -> bool {
        self.secretariat || self.case_officer
    }

    /// The grant consents the actor may give (docs/PROCEDURE.md, transition 25): staff for the
    /// Secretariat, a serving mediator for the mediator, a representative with the `file` scope
    /// for its party.
    pub fn consents_held(&self) -> BTreeSet<Consent> {
        let mut held = BTreeSet::new();
        if self.staff() {
            held.insert(Consent::Secretariat);
        }
        if self.mediator {
            held.insert(Consent::Mediator);
        }
        for p in self.represented.iter().filter(|p| p.file) {
            held.insert(Consent::Party {
                party: p.party.clone(),
            });
        }
        held
    }

    /// Holds at least one of `needed`.
    fn holds_any(&self, needed: &BTreeSet<Consent>) -> bool {
        !self.consents_held().is_disjoint(needed)
    }
}

/// The grant consents `actor` may give in `case` (see [`Relation::consents_held`]).
pub fn consents_held(actor: &Actor, case: &Case) -> BTreeSet<Consent> {
    relation(actor, case).consents_held()
}

/// Is this an operator reading under effective break-glass access? Every read such an actor is
/// allowed is of the case record and is written to the access log.
pub fn reads_under_break_glass(actor: &Actor, case: &Case) -> bool {
    relation(actor, case).break_glass
}

/// Does the actor take part in the case, so that it sees the case and what it holds? (An operator
/// under break-glass does not: it reads the case record alone, [`Action::ViewCaseRecord`].)
pub fn can_view_case(actor: &Actor, case: &Case) -> bool {
    sees_case(&relation(actor, case), case)
}

/// [`can_view_case`] for a relation already computed.
pub fn sees_case(r: &Relation, case: &Case) -> bool {
    if case.state == CaseState::Draft {
        return r.requesting;
    }
    if r.staff() || r.requesting || r.mediator || r.appointee {
        return true;
    }
    (!r.parties.is_empty() || !r.reviewer_of.is_empty()) && case.disclosed_to_all_parties
}

/// May the actor read an event with this visibility in this case? (Requires [`can_view_case`],
/// except for a third State's own consent request.)
pub fn can_read_event(actor: &Actor, case: &Case, visibility: &Visibility) -> bool {
    may_read_event(&relation(actor, case), case, visibility)
}

/// [`can_read_event`] for a relation already computed (a timeline checks many events).
pub fn may_read_event(r: &Relation, case: &Case, visibility: &Visibility) -> bool {
    match visibility {
        Visibility::ThirdState { country } => r.secretariat || r.third_states.contains(country),
        _ if !sees_case(r, case) => false,
        Visibility::Case => true,
        Visibility::Secretariat => r.staff(),
        Visibility::Party { party } => {
            r.staff() || r.parties.contains(party) || r.reviewer_of.contains(party)
        }
        Visibility::Channel { channel } => {
            channel_access_for(r, case, channel).0 != ReadAccess::None
        }
    }
}

/// May the actor read this event of the case record (a timeline, an inclusion proof)? As
/// [`may_read_event`]; and under break-glass, the case-wide events that carry nothing without
/// prejudice (no negotiation, proposal or bidding).
pub fn may_read_record_event(
    r: &Relation,
    case: &Case,
    visibility: &Visibility,
    kind: &str,
) -> bool {
    may_read_event(r, case, visibility)
        || (r.break_glass
            && case.state != CaseState::Draft
            && *visibility == Visibility::Case
            && !is_without_prejudice_kind(kind))
}

/// Which event chains of a case a reader may read, in the form a store query takes:
/// [`may_read_record_event`] decided once per chain rather than once per event. Chains named in
/// `full` are read whole; chains in `without_prejudice_hidden` are read without the events of
/// [`crate::event::WITHOUT_PREJUDICE_KINDS`] (the case-wide chain under break-glass). A chain
/// whose name does not decode is read by no one (fail closed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordChains {
    /// Chains the reader reads whole.
    pub full: Vec<String>,
    /// Chains the reader reads without their without-prejudice events.
    pub without_prejudice_hidden: Vec<String>,
}

impl RecordChains {
    /// Does the filter let this event through? (The same answer as [`may_read_record_event`].)
    pub fn admits(&self, chain: &str, kind: &str) -> bool {
        self.full.iter().any(|c| c == chain)
            || (self.without_prejudice_hidden.iter().any(|c| c == chain)
                && !is_without_prejudice_kind(kind))
    }
}

/// The chains of `chains` (their names, as stored) the reader may read, whole or without their
/// without-prejudice events.
pub fn readable_record_chains<'a>(
    r: &Relation,
    case: &Case,
    chains: impl IntoIterator<Item = &'a str>,
) -> RecordChains {
    let mut out = RecordChains::default();
    for name in chains {
        let Some(v) = Visibility::decode(name) else {
            continue;
        };
        if may_read_event(r, case, &v) {
            out.full.push(name.to_owned());
        } else if r.break_glass && case.state != CaseState::Draft && v == Visibility::Case {
            out.without_prejudice_hidden.push(name.to_owned());
        }
    }
    out
}

/// What of the case the actor's view shows: everything the case holds, less the role grants
/// still awaiting consent that concern channels the actor cannot read; under break-glass, the
/// record without the negotiations, blind biddings and pending grants.
pub fn redact_case(r: &Relation, case: &mut Case) {
    if r.break_glass {
        case.negotiations.clear();
        case.blind_biddings.clear();
        case.pending_grants.clear();
        return;
    }
    let shown: Vec<bool> = case
        .pending_grants
        .iter()
        .map(|g| {
            crate::grant::visibilities(&g.role)
                .iter()
                .any(|v| may_read_event(r, case, v))
        })
        .collect();
    let mut shown = shown.into_iter();
    case.pending_grants
        .retain(|_| shown.next().unwrap_or(false));
}

/// How the actor may use a channel: how far they may read it and whether they may post.
/// Follows the channel matrix of docs/PROCEDURE.md (channels). A withdrawn party's channels stay
/// sealed: its representatives lose access, and no one else gains it.
pub fn channel_access(actor: &Actor, case: &Case, channel: &ChannelId) -> (ReadAccess, bool) {
    channel_access_for(&relation(actor, case), case, channel)
}

/// [`channel_access`] for a relation already computed.
pub fn channel_access_for(r: &Relation, case: &Case, channel: &ChannelId) -> (ReadAccess, bool) {
    use ReadAccess::{Full, Metadata, None as No};
    if case.state == CaseState::Draft {
        return (No, false);
    }
    let member = sees_case(r, case);
    let rep = |p: &str| r.represented.iter().find(|x| x.party == p);
    let guest = r.guest_channels.iter().find(|(c, _)| c == channel);
    let mut best = match channel {
        ChannelId::Plenary => {
            if r.mediator || r.case_officer {
                (Full, true)
            } else if let Some(x) = r.represented.first().filter(|_| member) {
                (Full, x.file || r.represented.iter().any(|x| x.file))
            } else if r.secretariat || (member && !r.reviewer_of.is_empty()) {
                (Full, false)
            } else {
                (No, false)
            }
        }
        ChannelId::Caucus(p) => {
            if r.mediator {
                (Full, true)
            } else if let Some(x) = rep(p).filter(|_| member) {
                (Full, x.file)
            } else if r.staff() {
                (Metadata, false)
            } else {
                (No, false)
            }
        }
        ChannelId::MediatorNotes => {
            if r.mediator {
                (Full, true)
            } else {
                (No, false)
            }
        }
        ChannelId::Internal(p) => {
            if let Some(x) = rep(p) {
                (Full, x.file)
            } else if r.reviewer_of.contains(p) {
                (Full, false)
            } else {
                (No, false)
            }
        }
        ChannelId::Administrative => {
            if r.staff() || r.finance {
                (Full, true)
            } else if member && (r.mediator || !r.parties.is_empty()) {
                (Full, false)
            } else {
                (No, false)
            }
        }
    };
    if let Some((_, writes)) = guest
        && best.0 < Full
    {
        best = (Full, *writes);
    }
    // A party that does not exist (or withdrew) has no caucus or workspace to open.
    if let Some(p) = channel.party()
        && !case.party(p).is_some_and(|x| x.is_active())
        && !(r.mediator && matches!(channel, ChannelId::Caucus(_)) && case.party(p).is_some())
    {
        return (No, false);
    }
    if case.state.is_terminal() {
        best.1 = false;
    }
    best
}

/// The one decision: may `actor` do `action` on `case`?
pub fn authorize(actor: &Actor, action: &Action, case: &Case) -> Result<(), Denial> {
    let r = relation(actor, case);
    let visible = sees_case(&r, case);
    let hidden = if visible {
        Denial::Forbidden
    } else {
        Denial::NotFound
    };
    // Actions open to people who do not see the case record.
    match action {
        Action::ViewConsentRequest { country } | Action::ConsentAsThirdState { country } => {
            return if r.third_states.contains(country) || (r.secretariat && visible) {
                Ok(())
            } else {
                Err(hidden)
            };
        }
        Action::AcceptUndertaking => {
            return if r.guest_pending { Ok(()) } else { Err(hidden) };
        }
        Action::RequestBreakGlass => {
            return if r.operator { Ok(()) } else { Err(hidden) };
        }
        // Break-glass opens the case record and nothing else.
        Action::ViewCaseRecord if r.break_glass && case.state != CaseState::Draft => {
            return Ok(());
        }
        Action::RecordPayment if r.finance => return Ok(()),
        Action::PostMessage { channel } => {
            let (read, write) = channel_access_for(&r, case, channel);
            return match (read, write) {
                (_, true) => Ok(()),
                (ReadAccess::None, _) if !visible => Err(Denial::NotFound),
                _ => Err(Denial::Forbidden),
            };
        }
        _ => {}
    }
    if !visible {
        return Err(unseen(&r));
    }
    if let Some(party) = party_acted_for(action, case)
        && r.authority_awaited.iter().any(|p| p == party)
    {
        return Err(Denial::AuthorityNotAccepted);
    }
    let me = actor.user_id().unwrap_or_default();
    let allowed = match action {
        Action::ViewCase | Action::ViewCaseRecord => true,
        Action::ApproveBreakGlass => r.secretariat,
        Action::GrantRole { user_id, role } => user_id != me && r.holds_any(&consents_needed(role)),
        // Any grant authority: the domain then answers only about the roles the actor holds a
        // consent in, the same whether or not the user has a role elsewhere.
        Action::DecideGrant { .. } => !r.consents_held().is_empty(),
        Action::GrantRoles => !r.consents_held().is_empty(),
        Action::ActForRequestingParty => {
            r.requesting
                && (case.state == CaseState::Draft || r.may_file_for(&case.requesting_party))
        }
        Action::ActForParty { party } => r.may_file_for(party),
        Action::SignForParty { party } => r.may_sign_for(party),
        Action::Administer => r.staff(),
        Action::AdministerOrMediate => r.staff() || r.mediator,
        Action::RecordPayment => r.staff(),
        Action::ActAsAppointee => r.appointee,
        Action::Mediate => r.mediator,
        Action::RequestReopening => r.secretariat || r.represented.iter().any(|p| p.file),
        Action::ProposeRelay { source } => r.mediator && matches!(source, ChannelId::Caucus(_)),
        Action::DecideRelay { party } => r.may_file_for(party),
        Action::EnterNegotiationInput { party } => r.may_file_for(party),
        Action::ReadPreferences { party } => {
            r.parties.contains(party)
                || r.reviewer_of.contains(party)
                || (r.mediator
                    && case.profile.negotiation_disclosure == NegotiationDisclosure::Full)
        }
        Action::AnalyseNegotiation => r.mediator,
        Action::RevokeAuthority { party } => {
            r.staff()
                || r.represented
                    .iter()
                    .any(|p| &p.party == party && p.principal)
        }
        Action::DownloadEnforcementPackage => !r.parties.is_empty() || r.staff() || r.mediator,
        Action::DraftSettlement => r.mediator || r.represented.iter().any(|p| p.file),
        Action::ViewConsentRequest { .. }
        | Action::ConsentAsThirdState { .. }
        | Action::AcceptUndertaking
        | Action::RequestBreakGlass
        | Action::PostMessage { .. } => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Denial::Forbidden)
    }
}

/// Why a case the actor does not see is refused: as a missing case, except to someone the filing
/// names as a party's representative whose authority is not in force — they know of the case,
/// and are told that their authority is what is missing.
pub fn unseen(r: &Relation) -> Denial {
    if r.authority_awaited.is_empty() {
        Denial::NotFound
    } else {
        Denial::AuthorityNotAccepted
    }
}

/// The party an action is taken for, if it is one: what a representative whose authority is not
/// in force is refused with [`Denial::AuthorityNotAccepted`].
fn party_acted_for<'a>(action: &'a Action, case: &'a Case) -> Option<&'a str> {
    match action {
        Action::ActForParty { party }
        | Action::SignForParty { party }
        | Action::DecideRelay { party }
        | Action::EnterNegotiationInput { party }
        | Action::RevokeAuthority { party } => Some(party),
        // The drafter of a request acts on its draft (counsel often prepares it).
        Action::ActForRequestingParty if case.state != CaseState::Draft => {
            Some(&case.requesting_party)
        }
        _ => None,
    }
}

/// May the actor file new requests? (Party users and the Secretariat.)
pub fn can_file_request(actor: &Actor) -> bool {
    matches!(
        actor,
        Actor::User {
            role: GlobalRole::PartyUser | GlobalRole::Secretariat,
            ..
        }
    )
}

/// May the actor manage institution registries (exclusion declarations) and accounts?
pub fn can_administer_institution(actor: &Actor) -> bool {
    matches!(
        actor,
        Actor::User {
            role: GlobalRole::Secretariat,
            ..
        }
    )
}

/// May the actor record a governing body's decision on the rules as a new profile version?
/// (The Secretariat, or a member of the Governing Council; no case content is touched.)
pub fn can_record_rule_decision(actor: &Actor) -> bool {
    matches!(
        actor,
        Actor::User {
            role: GlobalRole::Secretariat | GlobalRole::GoverningCouncil,
            ..
        }
    )
}

/// May the actor read the access audit log (reads of caucus and without-prejudice content)?
/// The Secretary-General's (Secretariat's) alone, for misconduct inquiries.
pub fn can_read_access_log(actor: &Actor) -> bool {
    can_administer_institution(actor)
}

/// May the actor read the transparency log's checkpoints and consistency proofs? Every signed-in
/// user (the log holds event hashes only, and parties are meant to keep checkpoints), and the
/// host's own command line (`system`).
pub fn can_read_transparency_log(actor: &Actor) -> bool {
    matches!(actor, Actor::User { .. } | Actor::System)
}

/// May the actor move the rehearsal clock of a server started with `--test-clock`? The operator
/// alone: it runs the service and rehearses procedures with the institution before going live.
pub fn can_move_rehearsal_clock(actor: &Actor) -> bool {
    matches!(
        actor,
        Actor::User {
            role: GlobalRole::Operator,
            ..
        }
    )
}

/// May the actor read the panel of mediators (names and account ids)? Every signed-in user: the
/// parties choose from it for a joint nomination, as institutions publish their panels.
pub fn can_view_mediator_panel(actor: &Actor) -> bool {
    matches!(actor, Actor::User { .. })
}

/// May the actor see aggregate, anonymised statistics? (Governing Council and Secretariat.)
pub fn can_view_statistics(actor: &Actor) -> bool {
    matches!(
        actor,
        Actor::User {
            role: GlobalRole::GoverningCouncil | GlobalRole::Secretariat,
            ..
        }
    )
}
