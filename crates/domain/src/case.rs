//! The case aggregate: its state folded from events.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::command::{AppointmentMethod, Declaration, FirstSessionRecord};
use crate::deadline::{Deadline, DeadlineKind, DeadlineStatus};
use crate::event::{CaseEvent, LinkedCase};
use crate::party::{CountryCode, DisputeType, Party, ThirdState};
use crate::profile::{CommencementRule, Profile};
use crate::state::{CaseState, ResumeStage};

/// A per-case role granted to a user beyond the parties' representatives and the mediators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "role", rename_all = "kebab-case", deny_unknown_fields)]
pub enum CaseRole {
    /// Administers the case: plenary and administrative channels, caucus metadata only.
    CaseOfficer,
    /// The case's ledger: the administrative channel and deposits only.
    FinanceOfficer,
    /// A party's internal reviewer (for example a ministry's legal department): reads the party's
    /// internal workspace and the case record, writes nothing.
    InternalReviewer {
        /// The party reviewed for.
        party: String,
    },
    /// An expert, with access to the named channels after accepting the undertaking.
    Expert {
        /// Channels it may read and post in, by stable name such as `caucus:A`; never `notes`.
        channels: Vec<crate::channel::ChannelId>,
    },
    /// An interpreter, with access to the named channels after accepting the undertaking.
    Interpreter {
        /// Channels it may read and post in, by stable name such as `caucus:A`; never `notes`.
        channels: Vec<crate::channel::ChannelId>,
    },
    /// An observer (read only), with access to the named channels after accepting the undertaking.
    Observer {
        /// Channels it may read, by stable name (`plenary`, `caucus:A`, …); never `notes`.
        channels: Vec<crate::channel::ChannelId>,
    },
}

impl CaseRole {
    /// The channels of a guest role (expert, interpreter, observer).
    pub fn guest_channels(&self) -> &[crate::channel::ChannelId] {
        match self {
            CaseRole::Expert { channels }
            | CaseRole::Interpreter { channels }
            | CaseRole::Observer { channels } => channels,
            _ => &[],
        }
    }

    /// Guests (expert, interpreter, observer) must accept a confidentiality undertaking before
    /// any access; a guest role must also name its channels.
    pub fn needs_undertaking(&self) -> bool {
        matches!(
            self,
            CaseRole::Expert { .. } | CaseRole::Interpreter { .. } | CaseRole::Observer { .. }
        )
    }
}

/// A user holding a [`CaseRole`] in a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Participant {
    /// Accord user id holding the role; never a party's representative or a mediator of the case.
    pub user_id: String,
    /// What the user may do here; a guest role (expert, interpreter, observer) opens nothing until
    /// its undertaking is accepted.
    pub role: CaseRole,
    /// When the confidentiality undertaking was accepted (guests).
    #[schemars(with = "Option<String>")]
    pub undertaking_at: Option<Timestamp>,
}

/// Break-glass access of a platform operator to one case's record: requested with a reason,
/// effective only after two distinct Secretariat approvals, ended by the Secretariat or by its
/// deadline. Every step is an event visible to the Secretariat, and every read under it is logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BreakGlass {
    /// User id of the platform operator who asked; the access covers this user alone.
    pub operator: String,
    /// Why.
    pub reason: String,
    /// Secretariat members who approved (distinct).
    pub approvals: Vec<String>,
    /// Ended (revoked or expired).
    pub ended: bool,
}

impl BreakGlass {
    /// Approvals needed before access is granted.
    pub const APPROVALS: usize = 2;

    /// True while the grant is effective.
    pub fn effective(&self) -> bool {
        !self.ended && self.approvals.len() >= Self::APPROVALS
    }
}

/// A mediator's seat and its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MediatorSeat {
    /// The panel member's user id.
    pub user_id: String,
    /// The candidate's name as given at nomination; printed in the declaration (D10) and the
    /// attestation (D22).
    pub name: String,
    /// Nationality, if stated.
    pub nationality: Option<CountryCode>,
    /// How nominated.
    pub method: AppointmentMethod,
    /// When nominated.
    #[schemars(with = "String")]
    pub nominated_at: Timestamp,
    /// Where the seat stands; only a `serving` seat acts as the case's mediator.
    pub status: SeatStatus,
    /// The declaration, once signed.
    pub declaration: Option<Declaration>,
    /// Disclosures filed while serving.
    pub later_disclosures: Vec<String>,
}

/// Where a mediator's seat stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SeatStatus {
    /// Nominated, acceptance awaited.
    Nominated,
    /// Accepted; disclosures awaiting acknowledgement or the objection window.
    AcceptedPendingDisclosure,
    /// Disclosures cleared (or none made): the mediator acts, with the caucuses and notes.
    Serving,
    /// Declined before accepting (`decline-appointment`); not nominated again in this case.
    Declined,
    /// Let the acceptance period lapse.
    Lapsed,
    /// Left the case (objection sustained, resignation, removal).
    Vacated,
}

/// A party's deposit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Deposit {
    /// Recorded as paid (`record-deposit-paid`); once every deposit is, the non-payment periods end
    /// and a suspension for non-payment lifts.
    pub paid: bool,
    /// Who paid it.
    pub paid_by: Option<String>,
    /// A default notice went out.
    pub default_notice: bool,
}

/// Disclosures awaiting the parties' acknowledgement or the end of the objection window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
pub struct PendingDisclosure {
    /// Parties that acknowledged.
    pub acknowledged: BTreeSet<String>,
}

/// Progress towards a signed settlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
pub struct SettlementProgress {
    /// A partial settlement.
    pub partial: bool,
    /// The issues the terms settle, as the parties named them.
    #[serde(default)]
    pub settled_issues: Vec<String>,
    /// The issues that remain unsettled (a partial settlement); the termination record names them.
    #[serde(default)]
    pub unsettled_issues: Vec<String>,
    /// Each party's approval of a final text hash.
    pub approvals: BTreeMap<String, String>,
    /// The frozen hash H.
    pub frozen_hash: Option<String>,
    /// Signatures: party → (user id, time).
    #[schemars(with = "BTreeMap<String, (String, String)>")]
    pub signatures: BTreeMap<String, (String, Timestamp)>,
    /// The mediator's countersignature: (user id, time).
    #[serde(default)]
    #[schemars(with = "Option<(String, String)>")]
    pub countersigned: Option<(String, Timestamp)>,
}

/// A mediator a party proposed for the parties' joint nomination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProposedMediator {
    /// The panel member's user id.
    pub mediator_user_id: String,
    /// The name the party gave.
    pub name: String,
    /// The nationality the party gave.
    pub nationality: Option<crate::party::CountryCode>,
}

/// A seat of several co-mediators fell vacant: the parties answer whether to continue with the
/// mediators who remain (docs/PROCEDURE.md, transition 14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoMediationVacancy {
    /// The user id of the mediator whose seat fell vacant.
    pub seat: String,
    /// Each party's answer so far: `true` to continue with the remaining mediators.
    pub answers: BTreeMap<String, bool>,
}

/// A pending decision on continuing after a party's withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Continuation {
    /// Id of the withdrawn party; the remaining active parties answer whether to go on without it.
    pub withdrawn_party: String,
    /// When it withdrew (the effective date of a termination that follows).
    #[schemars(with = "String")]
    pub withdrawn_at: Timestamp,
    /// The answers so far.
    pub answers: BTreeMap<String, bool>,
}

/// A case: the fold of its events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Case {
    /// Case id.
    pub id: String,
    /// Human reference.
    pub reference: String,
    /// State–State, investor–State or commercial: selects the scope guards checked at submission
    /// and registration (docs/PROCEDURE.md, transition 1).
    pub dispute_type: DisputeType,
    /// Short title from the filing (at most 300 characters), shown in documents and in a third
    /// State's consent request.
    pub title: String,
    /// Scope summary.
    pub summary: String,
    /// Subject-matter categories.
    pub subject_categories: Vec<String>,
    /// Investment description (investor–State).
    pub investment_description: Option<String>,
    /// Every party named in the filing, in its order; a withdrawn party stays listed with
    /// `withdrawn_at` set.
    pub parties: Vec<Party>,
    /// The requesting party's id.
    pub requesting_party: String,
    /// All parties filed together: each sees the case from filing, not from the invitation or
    /// registration.
    pub joint_request: bool,
    /// Third States involved.
    pub third_states: Vec<ThirdState>,
    /// The effective procedural profile.
    pub profile: Profile,
    /// The user who drafted the request.
    pub created_by: String,
    /// When the draft was created.
    #[schemars(with = "String")]
    pub created_at: Timestamp,
    /// The case this re-opens.
    pub linked_from: Option<LinkedCase>,
    /// Where the case stands, with its substate (reason, ground, suspension kind, resume stage,
    /// effective date); see docs/PROCEDURE.md, states.
    pub state: CaseState,
    /// When the request was filed (receipt).
    #[schemars(with = "Option<String>")]
    pub filed_at: Option<Timestamp>,
    /// Commencement date (per the profile's rule).
    pub commencement_date: Option<String>,
    /// Parties invited (no written consent at filing).
    pub invited_parties: Vec<String>,
    /// Respondents may see the case (invited, registered, or a joint request).
    pub disclosed_to_all_parties: bool,
    /// Number of mediators.
    pub mediator_count: Option<u8>,
    /// A party asked the Secretariat to appoint.
    pub secretariat_appointment_requested: bool,
    /// Parties that asked the Secretariat to appoint while the period for appointment by
    /// agreement was running (a joint request needs every party).
    #[serde(default)]
    pub secretariat_appointment_askers: BTreeSet<String>,
    /// Mediator seats, in order of nomination.
    pub mediators: Vec<MediatorSeat>,
    /// Disclosures under acknowledgement.
    pub pending_disclosure: Option<PendingDisclosure>,
    /// Where to resume when a replacement is appointed during a vacancy.
    pub vacancy_resume: Option<ResumeStage>,
    /// Deposits by party.
    pub deposits: BTreeMap<String, Deposit>,
    /// First session record.
    pub first_session: Option<FirstSessionRecord>,
    /// A consultation with the parties was held.
    pub consultation_held: bool,
    /// Settlement progress.
    pub settlement: Option<SettlementProgress>,
    /// Parties that joined a joint termination declaration.
    pub joint_termination: BTreeSet<String>,
    /// Why the mediation ended, kept once the case is closed too (the state then no longer
    /// says it).
    #[serde(default)]
    pub termination_ground: Option<crate::state::TerminationGround>,
    /// Pending continuation decision after a withdrawal.
    pub continuation: Option<Continuation>,
    /// Pending decision on continuing with the remaining co-mediators after a vacancy.
    #[serde(default)]
    pub co_mediation_vacancy: Option<CoMediationVacancy>,
    /// The mediator each party proposes for a joint nomination, until one is nominated.
    #[serde(default)]
    pub mediator_proposals: BTreeMap<String, ProposedMediator>,
    /// The newer profile version each party has agreed to, until the case adopts one.
    #[serde(default)]
    pub profile_agreements: BTreeMap<String, u32>,
    /// Final accounts issued.
    pub final_accounts: Option<String>,
    /// Deadlines, all that ever ran.
    pub deadlines: Vec<Deadline>,
    /// Users holding per-case roles (case officer, finance, reviewers, guests).
    #[serde(default)]
    pub participants: Vec<Participant>,
    /// Break-glass requests and grants.
    #[serde(default)]
    pub break_glass: Vec<BreakGlass>,
    /// Role grants proposed and waiting for the other consents they need (a guest in a caucus:
    /// the party and the mediator); they open nothing until complete.
    #[serde(default)]
    pub pending_grants: Vec<crate::grant::PendingGrant>,
    /// The institution's attestation of the settlement (its verification id), once issued.
    #[serde(default)]
    pub attestation: Option<String>,
    /// Negotiations opened by the mediator (agenda, proposals, agreement; never preferences).
    #[serde(default)]
    pub negotiations: Vec<crate::negotiation::Negotiation>,
    /// Blind biddings on money claims (rules and round outcomes; never the figures).
    #[serde(default)]
    pub blind_biddings: Vec<crate::bidding::BlindBidding>,
    /// Number of events applied (the log's version).
    pub version: u64,
    /// When the last event was recorded.
    #[schemars(with = "String")]
    pub updated_at: Timestamp,
}

impl Case {
    /// Starts a case from its first event. Returns `None` unless the event is `DraftCreated`.
    pub fn start(id: &str, event: &CaseEvent, at: Timestamp) -> Option<Case> {
        let CaseEvent::DraftCreated {
            reference,
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
            created_by,
            linked_from,
        } = event
        else {
            return None;
        };
        let mut case = Case {
            id: id.to_owned(),
            reference: reference.clone(),
            dispute_type: *dispute_type,
            title: title.clone(),
            summary: summary.clone(),
            subject_categories: subject_categories.clone(),
            investment_description: investment_description.clone(),
            parties: parties.clone(),
            requesting_party: requesting_party.clone(),
            joint_request: *joint_request,
            third_states: third_states.clone(),
            profile: profile.clone(),
            created_by: created_by.clone(),
            created_at: at,
            linked_from: linked_from.clone(),
            state: CaseState::Draft,
            filed_at: None,
            commencement_date: None,
            invited_parties: vec![],
            disclosed_to_all_parties: *joint_request,
            mediator_count: None,
            secretariat_appointment_requested: false,
            secretariat_appointment_askers: BTreeSet::new(),
            mediators: vec![],
            pending_disclosure: None,
            vacancy_resume: None,
            deposits: BTreeMap::new(),
            first_session: None,
            consultation_held: false,
            settlement: None,
            joint_termination: BTreeSet::new(),
            termination_ground: None,
            continuation: None,
            co_mediation_vacancy: None,
            mediator_proposals: BTreeMap::new(),
            profile_agreements: BTreeMap::new(),
            final_accounts: None,
            deadlines: vec![],
            participants: vec![],
            break_glass: vec![],
            pending_grants: vec![],
            negotiations: vec![],
            blind_biddings: vec![],
            attestation: None,
            version: 1,
            updated_at: at,
        };
        if linked_from.is_some() {
            // A re-opened case arrives filed and in screening: the parties' request to resume is
            // the filing, and their consent documents are carried by reference.
            case.filed_at = Some(at);
            case.state = CaseState::Screening;
            case.disclosed_to_all_parties = true;
        }
        Some(case)
    }

    /// The party with this id.
    pub fn party(&self, id: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.id == id)
    }

    /// The frozen text's hash once every active party has signed and the mediator countersigned.
    pub fn signed_settlement(&self) -> Option<&str> {
        let s = self.settlement.as_ref()?;
        let all = self
            .active_parties()
            .all(|p| s.signatures.contains_key(&p.id));
        (all && s.countersigned.is_some())
            .then_some(s.frozen_hash.as_deref())
            .flatten()
    }

    /// The negotiation with this id.
    pub fn negotiation(&self, id: &str) -> Option<&crate::negotiation::Negotiation> {
        self.negotiations.iter().find(|n| n.id == id)
    }

    /// A blind bidding by id.
    pub fn blind_bidding(&self, id: &str) -> Option<&crate::bidding::BlindBidding> {
        self.blind_biddings.iter().find(|b| b.id == id)
    }

    pub(crate) fn negotiation_mut(
        &mut self,
        id: &str,
    ) -> Option<&mut crate::negotiation::Negotiation> {
        self.negotiations.iter_mut().find(|n| n.id == id)
    }

    pub(crate) fn party_mut(&mut self, id: &str) -> Option<&mut Party> {
        self.parties.iter_mut().find(|p| p.id == id)
    }

    /// True once the mediation commenced (the case was registered): from then on every proof of
    /// authority on file counts as accepted.
    pub fn is_registered(&self) -> bool {
        self.commencement_date.is_some()
    }

    /// The representative `user_id` of `party`, to fold an event about their authority.
    pub fn representative_mut(
        &mut self,
        party: &str,
        user_id: &str,
    ) -> Option<&mut crate::party::Representative> {
        self.party_mut(party)?
            .representatives
            .iter_mut()
            .find(|r| r.user_id == user_id)
    }

    /// Parties still taking part.
    pub fn active_parties(&self) -> impl Iterator<Item = &Party> {
        self.parties.iter().filter(|p| p.is_active())
    }

    /// The seat awaiting acceptance or disclosure clearance, if any.
    pub fn appointee(&self) -> Option<&MediatorSeat> {
        self.mediators.iter().rev().find(|m| {
            matches!(
                m.status,
                SeatStatus::Nominated | SeatStatus::AcceptedPendingDisclosure
            )
        })
    }

    /// The seats whose mediator now acts in the case (status `serving`), in nomination order.
    pub fn serving_mediators(&self) -> impl Iterator<Item = &MediatorSeat> {
        self.mediators
            .iter()
            .filter(|m| m.status == SeatStatus::Serving)
    }

    /// Pending deadlines, earliest first.
    pub fn pending_deadlines(&self) -> Vec<&Deadline> {
        let mut v: Vec<&Deadline> = self
            .deadlines
            .iter()
            .filter(|d| d.status == DeadlineStatus::Pending)
            .collect();
        v.sort_by_key(|d| d.due_at);
        v
    }

    /// The earliest pending procedural deadline's due time, as the case list shows and sorts it.
    /// A break-glass expiry is left out: it is a Secretariat-only fact, and the list's order must
    /// not tell a party about it.
    pub fn next_due(&self) -> Option<Timestamp> {
        self.pending_deadlines()
            .into_iter()
            .find(|d| d.kind != crate::deadline::DeadlineKind::BreakGlassExpiry)
            .map(|d| d.due_at)
    }

    /// The pending deadline of this kind (and party).
    pub fn pending(&self, kind: DeadlineKind, party: Option<&str>) -> Option<&Deadline> {
        self.deadlines.iter().find(|d| {
            d.kind == kind && d.status == DeadlineStatus::Pending && d.party.as_deref() == party
        })
    }

    /// Starts a period of the rules triggered by an event at `at` (see [`crate::period`]).
    pub(crate) fn start_deadline(
        &mut self,
        kind: DeadlineKind,
        party: Option<&str>,
        at: Timestamp,
        days: u32,
        field: &str,
    ) {
        let end = self.profile.calendar.period_end(at, days);
        self.push_period(kind, party, at, days, field, end);
    }

    /// Starts a period that follows another's lapse at `effective`: it begins the day after the
    /// earlier period's last day (so "30 days after the due date" counts from the day after it).
    pub(crate) fn start_deadline_after_lapse(
        &mut self,
        kind: DeadlineKind,
        party: Option<&str>,
        effective: Timestamp,
        days: u32,
        field: &str,
    ) {
        let cal = &self.profile.calendar;
        let end = cal.period_end_after_day(cal.last_day_of(effective), days);
        self.push_period(kind, party, effective, days, field, end);
    }

    fn push_period(
        &mut self,
        kind: DeadlineKind,
        party: Option<&str>,
        at: Timestamp,
        days: u32,
        field: &str,
        end: crate::period::PeriodEnd,
    ) {
        self.close_deadline(kind, party, DeadlineStatus::Cancelled);
        let extended = if end.extended {
            " (last day moved past non-business days)"
        } else {
            ""
        };
        self.deadlines.push(Deadline {
            kind,
            party: party.map(str::to_owned),
            starts_at: at,
            due_at: end.due_at,
            zone: end.zone,
            last_day: Some(end.last_day),
            rule: format!(
                "{} v{}: {field} = {days}; {}{extended}",
                self.profile.id,
                self.profile.version,
                self.profile.calendar.describe()
            ),
            status: DeadlineStatus::Pending,
        });
    }

    /// Starts a duration that is not a period of the rules: `hours` from `at`, to the instant.
    pub(crate) fn start_duration(
        &mut self,
        kind: DeadlineKind,
        party: Option<&str>,
        at: Timestamp,
        hours: u32,
        rule: &str,
    ) {
        self.close_deadline(kind, party, DeadlineStatus::Cancelled);
        let due_at = at
            .checked_add(jiff::SignedDuration::from_hours(i64::from(hours)))
            .unwrap_or(Timestamp::MAX);
        self.deadlines.push(Deadline {
            kind,
            party: party.map(str::to_owned),
            starts_at: at,
            due_at,
            zone: "UTC".into(),
            last_day: None,
            rule: rule.into(),
            status: DeadlineStatus::Pending,
        });
    }

    pub(crate) fn close_deadline(
        &mut self,
        kind: DeadlineKind,
        party: Option<&str>,
        status: DeadlineStatus,
    ) {
        for d in self.deadlines.iter_mut() {
            if d.kind == kind
                && d.status == DeadlineStatus::Pending
                && (party.is_none() || d.party.as_deref() == party)
            {
                d.status = status;
            }
        }
    }

    /// Ends every procedural deadline (a break-glass expiry keeps running: access must still end).
    pub(crate) fn close_all_deadlines(&mut self, status: DeadlineStatus) {
        for d in self.deadlines.iter_mut() {
            if d.status == DeadlineStatus::Pending && d.kind != DeadlineKind::BreakGlassExpiry {
                d.status = status;
            }
        }
    }

    /// An appointment step happened: the inactivity clock restarts.
    pub(crate) fn appointment_step(&mut self, at: Timestamp) {
        let days = self.profile.inactivity_days;
        self.start_deadline(DeadlineKind::Inactivity, None, at, days, "inactivity_days");
    }

    /// The stage to resume at when a suspension ends.
    pub fn resume_stage(&self) -> ResumeStage {
        match self.state {
            CaseState::Suspended { resume, .. } => resume,
            CaseState::Preparatory => ResumeStage::Preparatory,
            CaseState::SettlementDrafting => ResumeStage::SettlementDrafting,
            _ => ResumeStage::Active,
        }
    }

    /// Folds one event into the case. `at` is the event's recorded time. Each stage's module in
    /// [`crate::transitions`] folds its own events.
    pub fn apply(&mut self, event: &CaseEvent, at: Timestamp) {
        self.version += 1;
        self.updated_at = at;
        crate::transitions::apply(self, event, at);
    }

    /// Why the Singapore Convention cannot apply to this case's settlement: the rules of the
    /// profile's scope exclusions its subject matter falls under (empty when it may opt in).
    pub fn outside_convention(&self) -> Vec<String> {
        crate::transitions::intake::scope_flags(self)
            .into_iter()
            .map(|x| x.rule.clone())
            .collect()
    }

    /// The commencement date a registration at `at` gives under the profile.
    pub fn commencement_for(&self, at: Timestamp) -> String {
        match self.profile.commencement {
            CommencementRule::Registration => self.profile.calendar.day_of(at).to_string(),
            CommencementRule::Receipt => self
                .profile
                .calendar
                .day_of(self.filed_at.unwrap_or(at))
                .to_string(),
        }
    }
}
