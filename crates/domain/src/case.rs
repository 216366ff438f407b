//! The case aggregate: its state folded from events.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::command::{AppointmentMethod, Declaration, FirstSessionRecord};
use crate::deadline::{Deadline, DeadlineKind, DeadlineStatus, add_days, utc_date};
use crate::event::{CaseEvent, LinkedCase};
use crate::party::{ConsentBasis, CountryCode, DisputeType, Party, ThirdState};
use crate::profile::{CommencementRule, Profile};
use crate::state::{CaseState, NotCommencedReason, ResumeStage, SuspensionKind, TerminationGround};

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
        /// The channels.
        channels: Vec<crate::channel::ChannelId>,
    },
    /// An interpreter, with access to the named channels after accepting the undertaking.
    Interpreter {
        /// The channels.
        channels: Vec<crate::channel::ChannelId>,
    },
    /// An observer (read only), with access to the named channels after accepting the undertaking.
    Observer {
        /// The channels.
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

    /// Guests must accept a confidentiality undertaking before any access.
    pub fn needs_undertaking(&self) -> bool {
        !self.guest_channels().is_empty()
    }
}

/// A user holding a [`CaseRole`] in a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Participant {
    /// The user.
    pub user_id: String,
    /// The role.
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
    /// The operator.
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
    /// Name.
    pub name: String,
    /// Nationality, if stated.
    pub nationality: Option<CountryCode>,
    /// How nominated.
    pub method: AppointmentMethod,
    /// When nominated.
    #[schemars(with = "String")]
    pub nominated_at: Timestamp,
    /// Status.
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
    /// Serving.
    Serving,
    /// Declined.
    Declined,
    /// Let the acceptance period lapse.
    Lapsed,
    /// Left the case (objection sustained, resignation, removal).
    Vacated,
}

/// A party's deposit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Deposit {
    /// Paid.
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

/// A pending decision on continuing after a party's withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Continuation {
    /// The withdrawn party.
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
    /// Dispute type.
    pub dispute_type: DisputeType,
    /// Title.
    pub title: String,
    /// Scope summary.
    pub summary: String,
    /// Subject-matter categories.
    pub subject_categories: Vec<String>,
    /// Investment description (investor–State).
    pub investment_description: Option<String>,
    /// The parties.
    pub parties: Vec<Party>,
    /// The requesting party's id.
    pub requesting_party: String,
    /// Joint request.
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
    /// State.
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
    /// Pending continuation decision after a withdrawal.
    pub continuation: Option<Continuation>,
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
            mediators: vec![],
            pending_disclosure: None,
            vacancy_resume: None,
            deposits: BTreeMap::new(),
            first_session: None,
            consultation_held: false,
            settlement: None,
            joint_termination: BTreeSet::new(),
            continuation: None,
            final_accounts: None,
            deadlines: vec![],
            participants: vec![],
            break_glass: vec![],
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

    fn negotiation_mut(&mut self, id: &str) -> Option<&mut crate::negotiation::Negotiation> {
        self.negotiations.iter_mut().find(|n| n.id == id)
    }

    fn party_mut(&mut self, id: &str) -> Option<&mut Party> {
        self.parties.iter_mut().find(|p| p.id == id)
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

    /// Serving mediators.
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

    /// The earliest pending deadline's due time (the scheduler's next look).
    pub fn next_due(&self) -> Option<Timestamp> {
        self.pending_deadlines().first().map(|d| d.due_at)
    }

    /// The pending deadline of this kind (and party).
    pub fn pending(&self, kind: DeadlineKind, party: Option<&str>) -> Option<&Deadline> {
        self.deadlines.iter().find(|d| {
            d.kind == kind && d.status == DeadlineStatus::Pending && d.party.as_deref() == party
        })
    }

    fn start_deadline(
        &mut self,
        kind: DeadlineKind,
        party: Option<&str>,
        at: Timestamp,
        days: u32,
        field: &str,
    ) {
        self.close_deadline(kind, party, DeadlineStatus::Cancelled);
        self.deadlines.push(Deadline {
            kind,
            party: party.map(str::to_owned),
            starts_at: at,
            due_at: add_days(at, days),
            rule: format!(
                "{} v{}: {field} = {days}",
                self.profile.id, self.profile.version
            ),
            status: DeadlineStatus::Pending,
        });
    }

    fn close_deadline(&mut self, kind: DeadlineKind, party: Option<&str>, status: DeadlineStatus) {
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
    fn close_all_deadlines(&mut self, status: DeadlineStatus) {
        for d in self.deadlines.iter_mut() {
            if d.status == DeadlineStatus::Pending && d.kind != DeadlineKind::BreakGlassExpiry {
                d.status = status;
            }
        }
    }

    /// An appointment step happened: the inactivity clock restarts.
    fn appointment_step(&mut self, at: Timestamp) {
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

    fn not_commenced(&mut self, reason: NotCommencedReason, at: Timestamp) {
        self.state = CaseState::NotCommenced {
            reason,
            effective: at,
        };
        self.close_all_deadlines(DeadlineStatus::Cancelled);
    }

    /// Folds one event into the case. `at` is the event's recorded time.
    pub fn apply(&mut self, event: &CaseEvent, at: Timestamp) {
        use CaseEvent as E;
        self.version += 1;
        self.updated_at = at;
        match event {
            E::DraftCreated { .. } => {}
            E::RequestFiled { .. } => {
                self.state = CaseState::Filed;
                self.filed_at = Some(at);
                let days = self.profile.lodging_fee_days;
                self.start_deadline(DeadlineKind::LodgingFee, None, at, days, "lodging_fee_days");
            }
            E::LodgingFeeSettled { .. } => {
                self.close_deadline(DeadlineKind::LodgingFee, None, DeadlineStatus::Met);
                self.state = CaseState::Screening;
            }
            E::InvitationSent {
                parties,
                response_days,
                ..
            } => {
                self.invited_parties = parties.clone();
                self.disclosed_to_all_parties = true;
                self.state = CaseState::AwaitingConsent;
                self.start_deadline(
                    DeadlineKind::InvitationResponse,
                    None,
                    at,
                    *response_days,
                    "invitation_response_days",
                );
            }
            E::ConsentRecorded { party, consent } => {
                if let Some(p) = self.party_mut(party) {
                    p.consent = Some(consent.clone());
                }
            }
            E::InvitationAccepted { party, instrument } => {
                if let Some(p) = self.party_mut(party) {
                    p.consent = Some(ConsentBasis::AcceptedInvitation {
                        instrument: instrument.clone(),
                    });
                }
                let all_consented = self
                    .invited_parties
                    .iter()
                    .all(|id| self.party(id).is_some_and(|p| p.consent.is_some()));
                if all_consented {
                    self.close_deadline(
                        DeadlineKind::InvitationResponse,
                        None,
                        DeadlineStatus::Met,
                    );
                    self.state = CaseState::Screening;
                }
            }
            E::InvitationRejected { .. } => self.not_commenced(NotCommencedReason::Rejected, at),
            E::InvitationTreatedAsRejected {} => {
                self.close_deadline(
                    DeadlineKind::InvitationResponse,
                    None,
                    DeadlineStatus::Lapsed,
                );
                self.not_commenced(NotCommencedReason::DeemedRejected, at)
            }
            E::InvitationLapsed {} => {
                self.close_deadline(
                    DeadlineKind::InvitationResponse,
                    None,
                    DeadlineStatus::Lapsed,
                );
                self.not_commenced(NotCommencedReason::Lapsed, at)
            }
            E::RequestWithdrawn {} => self.not_commenced(NotCommencedReason::Withdrawn, at),
            E::RequestRefused { .. } => self.not_commenced(NotCommencedReason::Refused, at),
            E::ThirdStateConsentRecorded {
                country,
                instrument,
            } => {
                if let Some(t) = self.third_states.iter_mut().find(|t| &t.country == country) {
                    t.consent = Some(instrument.clone());
                }
            }
            E::StateApprovalRecorded { party, instrument } => {
                if let Some(p) = self.party_mut(party) {
                    p.state_approval = Some(instrument.clone());
                }
            }
            E::AuthorityRecorded {
                party,
                user_id,
                document,
            } => {
                if let Some(p) = self.party_mut(party)
                    && let Some(r) = p.representatives.iter_mut().find(|r| &r.user_id == user_id)
                {
                    r.authority_document = Some(document.clone());
                }
            }
            E::CaseRegistered { commencement_date } => {
                self.state = CaseState::Registered;
                self.disclosed_to_all_parties = true;
                self.commencement_date = Some(commencement_date.clone());
            }
            E::ConstitutionStarted {} => {
                self.state = CaseState::Constituting;
                let p = &self.profile;
                let (n, a) = (p.mediator_number_days, p.appointment_by_agreement_days);
                self.start_deadline(
                    DeadlineKind::MediatorNumber,
                    None,
                    at,
                    n,
                    "mediator_number_days",
                );
                self.start_deadline(
                    DeadlineKind::AppointmentByAgreement,
                    None,
                    at,
                    a,
                    "appointment_by_agreement_days",
                );
                self.appointment_step(at);
            }
            E::MediatorCountAgreed { count, defaulted } => {
                self.mediator_count = Some(*count);
                let status = if *defaulted {
                    DeadlineStatus::Lapsed
                } else {
                    DeadlineStatus::Met
                };
                self.close_deadline(DeadlineKind::MediatorNumber, None, status);
                if !*defaulted {
                    self.appointment_step(at);
                }
            }
            E::SecretariatAppointmentRequested { .. } => {
                self.secretariat_appointment_requested = true;
                let d = self.profile.institution_appointment_days;
                self.start_deadline(
                    DeadlineKind::InstitutionAppointment,
                    None,
                    at,
                    d,
                    "institution_appointment_days",
                );
                self.appointment_step(at);
            }
            E::MediatorNominated {
                mediator_user_id,
                name,
                nationality,
                method,
            } => {
                self.mediators.push(MediatorSeat {
                    user_id: mediator_user_id.clone(),
                    name: name.clone(),
                    nationality: nationality.clone(),
                    method: *method,
                    nominated_at: at,
                    status: SeatStatus::Nominated,
                    declaration: None,
                    later_disclosures: vec![],
                });
                self.close_deadline(
                    DeadlineKind::MediatorNumber,
                    None,
                    DeadlineStatus::Cancelled,
                );
                self.close_deadline(
                    DeadlineKind::AppointmentByAgreement,
                    None,
                    DeadlineStatus::Met,
                );
                self.close_deadline(
                    DeadlineKind::InstitutionAppointment,
                    None,
                    DeadlineStatus::Met,
                );
                if !matches!(self.state, CaseState::Suspended { .. }) {
                    self.state = CaseState::AppointeePending;
                }
                self.appointment_step(at);
                let d = self.profile.acceptance_days;
                self.start_deadline(DeadlineKind::Acceptance, None, at, d, "acceptance_days");
            }
            E::AppointmentAccepted {
                mediator_user_id,
                declaration,
            } => {
                self.close_deadline(DeadlineKind::Acceptance, None, DeadlineStatus::Met);
                let has_disclosures = !declaration.disclosures.is_empty();
                if let Some(seat) =
                    self.mediators.iter_mut().rev().find(|m| {
                        &m.user_id == mediator_user_id && m.status == SeatStatus::Nominated
                    })
                {
                    seat.declaration = Some(declaration.clone());
                    seat.status = if has_disclosures {
                        SeatStatus::AcceptedPendingDisclosure
                    } else {
                        SeatStatus::Serving
                    };
                }
                if has_disclosures {
                    self.pending_disclosure = Some(PendingDisclosure::default());
                    let d = self.profile.disclosure_objection_days;
                    self.start_deadline(
                        DeadlineKind::DisclosureObjection,
                        None,
                        at,
                        d,
                        "disclosure_objection_days",
                    );
                }
            }
            E::AppointmentDeclined { .. } | E::AppointmentLapsed { .. } => {
                let lapsed = matches!(event, E::AppointmentLapsed { .. });
                let at = match event {
                    E::AppointmentLapsed { effective } => *effective,
                    _ => at,
                };
                if let Some(seat) = self
                    .mediators
                    .iter_mut()
                    .rev()
                    .find(|m| m.status == SeatStatus::Nominated)
                {
                    seat.status = if lapsed {
                        SeatStatus::Lapsed
                    } else {
                        SeatStatus::Declined
                    };
                }
                let status = if lapsed {
                    DeadlineStatus::Lapsed
                } else {
                    DeadlineStatus::Cancelled
                };
                self.close_deadline(DeadlineKind::Acceptance, None, status);
                if !matches!(self.state, CaseState::Suspended { .. }) {
                    self.state = CaseState::Constituting;
                    self.appointment_step(at);
                }
            }
            E::DisclosureAcknowledged { party } => {
                if let Some(pd) = self.pending_disclosure.as_mut() {
                    pd.acknowledged.insert(party.clone());
                }
            }
            E::DisclosureObjected { .. } => {
                self.close_deadline(DeadlineKind::DisclosureObjection, None, DeadlineStatus::Met);
                self.pending_disclosure = None;
                // The objected-to mediator leaves: an appointee before transmittal, or the
                // serving mediator mid-mediation (then the seat is vacant).
                let was_appointee = self.appointee().is_some();
                if was_appointee {
                    if let Some(seat) = self
                        .mediators
                        .iter_mut()
                        .rev()
                        .find(|m| m.status == SeatStatus::AcceptedPendingDisclosure)
                    {
                        seat.status = SeatStatus::Vacated;
                    }
                    if !matches!(self.state, CaseState::Suspended { .. }) {
                        self.state = CaseState::Constituting;
                        self.appointment_step(at);
                    }
                } else {
                    self.vacate_serving();
                }
            }
            E::DisclosureWindowClosed {} => {
                self.pending_disclosure = None;
                self.close_deadline(
                    DeadlineKind::DisclosureObjection,
                    None,
                    DeadlineStatus::Lapsed,
                );
            }
            E::AppointmentConfirmed {} => {
                self.confirm_pending_seats();
                if !matches!(self.state, CaseState::Suspended { .. }) {
                    self.state = CaseState::Constituting;
                    self.appointment_step(at);
                }
            }
            E::FileTransmitted {} => {
                self.close_deadline(DeadlineKind::Inactivity, None, DeadlineStatus::Met);
                self.pending_disclosure = None;
                self.close_deadline(DeadlineKind::DisclosureObjection, None, DeadlineStatus::Met);
                for seat in self.mediators.iter_mut() {
                    if seat.status == SeatStatus::AcceptedPendingDisclosure {
                        seat.status = SeatStatus::Serving;
                    }
                }
                match self.vacancy_resume.take() {
                    Some(stage) => self.state = stage.state(),
                    None => {
                        self.state = CaseState::Preparatory;
                        let p = self.profile.clone();
                        self.start_deadline(
                            DeadlineKind::InitialStatements,
                            None,
                            at,
                            p.initial_statements_days,
                            "initial_statements_days",
                        );
                        self.start_deadline(
                            DeadlineKind::FirstSession,
                            None,
                            at,
                            p.first_session_days,
                            "first_session_days",
                        );
                        let ids: Vec<String> =
                            self.active_parties().map(|p| p.id.clone()).collect();
                        for id in ids {
                            self.deposits.insert(
                                id.clone(),
                                Deposit {
                                    paid: false,
                                    paid_by: None,
                                    default_notice: false,
                                },
                            );
                            self.start_deadline(
                                DeadlineKind::Deposit,
                                Some(&id),
                                at,
                                p.deposit_due_days,
                                "deposit_due_days",
                            );
                        }
                    }
                }
            }
            E::DisclosureFiled {
                mediator_user_id,
                text,
            } => {
                if let Some(seat) = self
                    .mediators
                    .iter_mut()
                    .find(|m| &m.user_id == mediator_user_id && m.status == SeatStatus::Serving)
                {
                    seat.later_disclosures.push(text.clone());
                }
                self.pending_disclosure = Some(PendingDisclosure::default());
                let d = self.profile.disclosure_objection_days;
                self.start_deadline(
                    DeadlineKind::DisclosureObjection,
                    None,
                    at,
                    d,
                    "disclosure_objection_days",
                );
            }
            E::VacancyRecorded { .. } => self.vacate_serving(),
            E::DepositPaid { party, paid_by } => {
                if let Some(d) = self.deposits.get_mut(party) {
                    d.paid = true;
                    d.paid_by = Some(paid_by.clone());
                }
                self.close_deadline(DeadlineKind::Deposit, Some(party), DeadlineStatus::Met);
                self.close_deadline(
                    DeadlineKind::NonpaymentNotice,
                    Some(party),
                    DeadlineStatus::Met,
                );
                let all_paid = self.deposits.values().all(|d| d.paid);
                if all_paid {
                    self.close_deadline(
                        DeadlineKind::NonpaymentSuspension,
                        None,
                        DeadlineStatus::Met,
                    );
                    self.close_deadline(
                        DeadlineKind::NonpaymentTermination,
                        None,
                        DeadlineStatus::Met,
                    );
                    if let CaseState::Suspended {
                        kind: SuspensionKind::Nonpayment,
                        resume,
                    } = self.state
                    {
                        self.state = resume.state();
                    }
                }
            }
            E::DepositOverdue { party, effective } => {
                let at = *effective;
                self.close_deadline(DeadlineKind::Deposit, Some(party), DeadlineStatus::Lapsed);
                let d = self.profile.nonpayment_notice_days;
                self.start_deadline(
                    DeadlineKind::NonpaymentNotice,
                    Some(party),
                    at,
                    d,
                    "nonpayment_notice_days",
                );
            }
            E::DefaultNoticeIssued { party, effective } => {
                let at = *effective;
                if let Some(d) = self.deposits.get_mut(party) {
                    d.default_notice = true;
                }
                self.close_deadline(
                    DeadlineKind::NonpaymentNotice,
                    Some(party),
                    DeadlineStatus::Lapsed,
                );
                let d = self.profile.nonpayment_suspension_days;
                self.start_deadline(
                    DeadlineKind::NonpaymentSuspension,
                    None,
                    at,
                    d,
                    "nonpayment_suspension_days",
                );
            }
            E::SuspendedForNonpayment { effective } => {
                let at = *effective;
                let resume = self.resume_stage();
                self.state = CaseState::Suspended {
                    kind: SuspensionKind::Nonpayment,
                    resume,
                };
                self.close_deadline(
                    DeadlineKind::NonpaymentSuspension,
                    None,
                    DeadlineStatus::Lapsed,
                );
                let d = self.profile.nonpayment_termination_days;
                self.start_deadline(
                    DeadlineKind::NonpaymentTermination,
                    None,
                    at,
                    d,
                    "nonpayment_termination_days",
                );
            }
            E::SuspendedByAgreement { .. } => {
                let resume = self.resume_stage();
                self.state = CaseState::Suspended {
                    kind: SuspensionKind::ByAgreement,
                    resume,
                };
            }
            E::Resumed {} => {
                if let CaseState::Suspended { resume, .. } = self.state {
                    self.state = resume.state();
                }
            }
            E::FirstSessionHeld { record } => {
                self.first_session = Some(record.clone());
                self.close_deadline(DeadlineKind::FirstSession, None, DeadlineStatus::Met);
                self.close_deadline(DeadlineKind::InitialStatements, None, DeadlineStatus::Met);
                self.state = CaseState::Active;
            }
            E::TimeLimitSet { days, .. } => {
                self.start_deadline(
                    DeadlineKind::TimeLimit,
                    None,
                    at,
                    *days,
                    "agreed time limit",
                );
            }
            E::ConsultationHeld { .. } => self.consultation_held = true,
            E::NegotiationOpened {
                negotiation_id,
                agenda,
            } => self.negotiations.push(crate::negotiation::Negotiation {
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
                if let Some(n) = self.negotiation_mut(negotiation_id) {
                    n.proposals.push(crate::negotiation::Proposal {
                        id: proposal_id.clone(),
                        package: package.clone(),
                        proposed_at: at,
                    });
                }
            }
            E::BlindBiddingOpened { bidding_id, rules } => {
                self.blind_biddings.push(crate::bidding::BlindBidding {
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
                if let Some(b) = self.blind_biddings.iter_mut().find(|b| &b.id == bidding_id) {
                    b.rounds.push(crate::bidding::RoundOutcome {
                        round: *round,
                        settled_at: *settled_at,
                    });
                }
            }
            E::PackageAgreed {
                negotiation_id,
                proposal_id,
                ..
            } => {
                if let Some(n) = self.negotiation_mut(negotiation_id) {
                    n.agreed = Some(proposal_id.clone());
                }
            }
            E::TermsAgreed { partial } => {
                self.settlement = Some(SettlementProgress {
                    partial: *partial,
                    ..SettlementProgress::default()
                });
                self.state = CaseState::SettlementDrafting;
            }
            E::FinalTextApproved { party, text_hash } => {
                if let Some(s) = self.settlement.as_mut() {
                    s.approvals.insert(party.clone(), text_hash.clone());
                }
            }
            E::TextFrozen { text_hash } => {
                if let Some(s) = self.settlement.as_mut() {
                    s.frozen_hash = Some(text_hash.clone());
                }
                self.state = CaseState::Signing;
            }
            E::SettlementSigned { party, user_id, .. } => {
                if let Some(s) = self.settlement.as_mut() {
                    s.signatures.insert(party.clone(), (user_id.clone(), at));
                }
            }
            E::AttestationIssued {
                verification_id, ..
            } => self.attestation = Some(verification_id.clone()),
            E::DocumentFiled { .. } => {}
            E::SettlementCountersigned { user_id, .. } => {
                if let Some(s) = self.settlement.as_mut() {
                    s.countersigned = Some((user_id.clone(), at));
                }
            }
            E::JointTerminationDeclared { party } => {
                self.joint_termination.insert(party.clone());
            }
            E::MediatorTerminationDeclared { .. } => {}
            E::PartyWithdrew { party } => {
                self.joint_termination.remove(party);
                if let Some(p) = self.party_mut(party) {
                    p.withdrawn_at = Some(at);
                }
                self.deposits.remove(party);
                self.close_deadline(
                    DeadlineKind::Deposit,
                    Some(party),
                    DeadlineStatus::Cancelled,
                );
                self.continuation = Some(Continuation {
                    withdrawn_party: party.clone(),
                    withdrawn_at: at,
                    answers: BTreeMap::new(),
                });
            }
            E::ContinuationAnswered {
                party,
                continue_mediation,
            } => {
                if let Some(c) = self.continuation.as_mut() {
                    c.answers.insert(party.clone(), *continue_mediation);
                }
            }
            E::ContinuingWithoutParty { .. } => self.continuation = None,
            E::MediationTerminated { ground, effective } => {
                let effective = *effective;
                self.state = CaseState::Terminated {
                    ground: *ground,
                    effective,
                };
                self.continuation = None;
                let status = match ground {
                    TerminationGround::NoAppointment
                    | TerminationGround::Nonpayment
                    | TerminationGround::TimeLimitExpired => DeadlineStatus::Lapsed,
                    _ => DeadlineStatus::Cancelled,
                };
                // The deadline whose lapse caused the termination is marked lapsed; the rest end.
                let cause = match ground {
                    TerminationGround::NoAppointment => Some(DeadlineKind::Inactivity),
                    TerminationGround::Nonpayment => Some(DeadlineKind::NonpaymentTermination),
                    TerminationGround::TimeLimitExpired => Some(DeadlineKind::TimeLimit),
                    _ => None,
                };
                if let Some(kind) = cause {
                    self.close_deadline(kind, None, status);
                }
                self.close_all_deadlines(DeadlineStatus::Cancelled);
            }
            E::FinalAccountsIssued { summary } => self.final_accounts = Some(summary.clone()),
            E::ParticipantAdded { user_id, role } => {
                self.participants.retain(|p| &p.user_id != user_id);
                self.participants.push(Participant {
                    user_id: user_id.clone(),
                    role: role.clone(),
                    undertaking_at: None,
                });
            }
            E::ParticipantRemoved { user_id } => {
                self.participants.retain(|p| &p.user_id != user_id);
            }
            E::BreakGlassRequested { operator, reason } => {
                self.break_glass
                    .retain(|b| &b.operator != operator || b.effective());
                self.break_glass.push(BreakGlass {
                    operator: operator.clone(),
                    reason: reason.clone(),
                    approvals: vec![],
                    ended: false,
                });
            }
            E::BreakGlassApproved { operator, by } => {
                let granted_now = if let Some(b) = self
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
                    self.start_deadline(
                        DeadlineKind::BreakGlassExpiry,
                        Some(operator),
                        at,
                        1,
                        "break-glass access lasts one day",
                    );
                }
            }
            E::BreakGlassEnded { operator } => {
                for b in self
                    .break_glass
                    .iter_mut()
                    .filter(|b| &b.operator == operator)
                {
                    b.ended = true;
                }
                self.close_deadline(
                    DeadlineKind::BreakGlassExpiry,
                    Some(operator),
                    DeadlineStatus::Met,
                );
            }
            E::UndertakingAccepted { user_id } => {
                if let Some(p) = self.participants.iter_mut().find(|p| &p.user_id == user_id) {
                    p.undertaking_at = Some(at);
                }
            }
            E::CaseClosed {} => self.state = CaseState::Closed,
        }
    }

    /// Seats accepted with disclosures that cleared become serving seats.
    fn confirm_pending_seats(&mut self) {
        self.pending_disclosure = None;
        self.close_deadline(DeadlineKind::DisclosureObjection, None, DeadlineStatus::Met);
        for seat in self.mediators.iter_mut() {
            if seat.status == SeatStatus::AcceptedPendingDisclosure {
                seat.status = SeatStatus::Serving;
            }
        }
    }

    fn vacate_serving(&mut self) {
        for seat in self.mediators.iter_mut() {
            if seat.status == SeatStatus::Serving {
                seat.status = SeatStatus::Vacated;
            }
        }
        let resume = self.resume_stage();
        self.vacancy_resume = Some(resume);
        self.state = CaseState::Suspended {
            kind: SuspensionKind::Vacancy,
            resume,
        };
    }

    /// The commencement date a registration at `at` gives under the profile.
    pub fn commencement_for(&self, at: Timestamp) -> String {
        match self.profile.commencement {
            CommencementRule::Registration => utc_date(at),
            CommencementRule::Receipt => utc_date(self.filed_at.unwrap_or(at)),
        }
    }
}
