//! Case events: the facts appended to a case's log. Each carries its rule basis and visibility.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::command::{AppointmentMethod, Declaration, FirstSessionRecord};
use crate::party::{
    AuthorityProof, ConsentBasis, CountryCode, DisputeType, Party, Scope, ThirdState,
};
use crate::profile::Profile;
use crate::state::TerminationGround;

/// Who may read an event (the policy applies this; see [`crate::policy`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "scope", rename_all = "kebab-case")]
pub enum Visibility {
    /// Everyone taking part in the case: parties, mediator, Secretariat.
    Case,
    /// The Secretariat only.
    Secretariat,
    /// One party (its representatives) and the Secretariat.
    Party {
        /// The party id.
        party: String,
    },
    /// One third State's representatives and the Secretariat.
    ThirdState {
        /// The third State.
        country: CountryCode,
    },
    /// Whoever may read a channel, in full or as metadata (a document filed in it).
    Channel {
        /// The channel whose readers see the event, in its stable form (`plenary`, `caucus:A`, …).
        channel: crate::channel::ChannelId,
    },
}

impl Visibility {
    /// A stable text form for storage: `case`, `secretariat`, `party:A`, `third-state:CN`.
    pub fn encode(&self) -> String {
        match self {
            Visibility::Case => "case".into(),
            Visibility::Secretariat => "secretariat".into(),
            Visibility::Party { party } => format!("party:{party}"),
            Visibility::ThirdState { country } => format!("third-state:{country}"),
            Visibility::Channel { channel } => format!("channel:{}", channel.encode()),
        }
    }

    /// Parses [`Visibility::encode`]'s form.
    pub fn decode(s: &str) -> Option<Self> {
        match s {
            "case" => Some(Visibility::Case),
            "secretariat" => Some(Visibility::Secretariat),
            _ => {
                if let Some(p) = s.strip_prefix("party:") {
                    Some(Visibility::Party { party: p.into() })
                } else if let Some(c) = s.strip_prefix("third-state:") {
                    CountryCode::parse(c)
                        .ok()
                        .map(|country| Visibility::ThirdState { country })
                } else if let Some(c) = s.strip_prefix("channel:") {
                    crate::channel::ChannelId::parse(c)
                        .map(|channel| Visibility::Channel { channel })
                } else {
                    None
                }
            }
        }
    }
}

/// Evidence of an electronic signature: the signed manifest (canonical JSON naming the text hash,
/// the case, the signer, the authority relied on, the method, the time and the intent statement),
/// the signer's Ed25519 public key and the signature over the manifest's bytes, all as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SignatureEvidence {
    /// The manifest, canonical JSON.
    pub manifest: String,
    /// Ed25519 public key (hex).
    pub public_key: String,
    /// Ed25519 signature over the manifest (hex).
    pub signature: String,
}

/// A case this one re-opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LinkedCase {
    /// The closed case's id.
    pub case_id: String,
    /// The closed case's human reference (`ACC-<year>-…`), shown beside the link.
    pub reference: String,
    /// The hash of its last event, pinning the immutable record this case builds on.
    pub head_hash: String,
}

/// A fact in a case's life.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "kebab-case")]
// The draft carries the whole filing; events are handled one at a time, never stored in bulk in
// memory, so the size difference between variants costs nothing worth a box.
#[allow(missing_docs, clippy::large_enum_variant)]
pub enum CaseEvent {
    /// A request was drafted (or a closed case re-opened as a new linked case).
    DraftCreated {
        reference: String,
        dispute_type: DisputeType,
        title: String,
        summary: String,
        subject_categories: Vec<String>,
        investment_description: Option<String>,
        parties: Vec<Party>,
        requesting_party: String,
        joint_request: bool,
        third_states: Vec<ThirdState>,
        profile: Profile,
        created_by: String,
        linked_from: Option<LinkedCase>,
    },
    /// The requesting party amended its draft: the request now reads as given here.
    DraftAmended {
        dispute_type: DisputeType,
        title: String,
        summary: String,
        subject_categories: Vec<String>,
        investment_description: Option<String>,
        parties: Vec<Party>,
        requesting_party: String,
        joint_request: bool,
        third_states: Vec<ThirdState>,
        profile: Profile,
    },
    /// The request was submitted; acknowledgement issued, lodging fee invoiced.
    RequestFiled {
        #[schemars(with = "String")]
        fee_due: Timestamp,
    },
    /// The lodging fee was paid or waived; screening begins.
    LodgingFeeSettled { waived: bool },
    /// Invitation sent to the parties without written consent.
    InvitationSent {
        parties: Vec<String>,
        response_days: u32,
        #[schemars(with = "String")]
        due: Timestamp,
    },
    /// A party's written consent is on file.
    ConsentRecorded {
        party: String,
        consent: ConsentBasis,
    },
    /// The invited party accepted; the request returns to screening.
    InvitationAccepted {
        party: String,
        instrument: String,
        /// Proofs of authority supplied with the answer (submitted, accepted at registration).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        authority: Vec<AuthorityProof>,
    },
    /// The invited party rejected.
    InvitationRejected { party: String },
    /// The inviting party treated the unanswered invitation as rejected.
    InvitationTreatedAsRejected {},
    /// The invitation lapsed under the profile.
    InvitationLapsed {},
    /// The requesting party withdrew its request.
    RequestWithdrawn {},
    /// The Secretariat refused the request (notice of refusal, D6).
    RequestRefused {
        reasons: String,
        cited_declarations: Vec<String>,
    },
    /// A third State's consent is on file.
    ThirdStateConsentRecorded {
        country: CountryCode,
        instrument: String,
    },
    /// A third State declined to give its consent, with its reasons (written once for the State
    /// and once for the case, so that the parties are told why).
    ThirdStateConsentDeclined {
        country: CountryCode,
        reasons: String,
        /// The request ends here (`NOT_COMMENCED`), as the profile says; otherwise it stays open.
        ends_request: bool,
    },
    /// The approving State's approval of a State entity is on file.
    StateApprovalRecorded { party: String, instrument: String },
    /// A representative's proof of authority is on file.
    AuthorityRecorded {
        party: String,
        user_id: String,
        document: String,
        /// The scopes the proof grants, where the Secretariat stated them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scopes: Option<Vec<Scope>>,
    },
    /// A representative's authority was revoked by the party or the Secretariat.
    AuthorityRevoked {
        party: String,
        user_id: String,
        /// `secretariat`, or the id of the party that revoked it.
        by: String,
        reason: String,
    },
    /// The mediation commenced (notice of registration, D7).
    CaseRegistered { commencement_date: String },
    /// Constitution of the mediation began; its timers started.
    ConstitutionStarted {},
    /// The number of mediators is set.
    MediatorCountAgreed { count: u8, defaulted: bool },
    /// A party asked the Secretariat to appoint.
    SecretariatAppointmentRequested {
        party: String,
        /// Asked before the period for appointment by agreement ran out: the Secretariat
        /// appoints once every party has asked.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        awaiting_others: bool,
    },
    /// A mediator was nominated.
    MediatorNominated {
        mediator_user_id: String,
        name: String,
        nationality: Option<CountryCode>,
        method: AppointmentMethod,
    },
    /// A party proposed a mediator for the parties' joint nomination.
    MediatorProposed {
        party: String,
        mediator_user_id: String,
        name: String,
        nationality: Option<CountryCode>,
    },
    /// The appointee accepted and signed the declaration (D10).
    AppointmentAccepted {
        mediator_user_id: String,
        declaration: Declaration,
    },
    /// The appointee declined.
    AppointmentDeclined { reason: String },
    /// The appointee's acceptance period ran out (at `effective`).
    AppointmentLapsed {
        #[schemars(with = "String")]
        effective: Timestamp,
    },
    /// A party acknowledged the disclosures.
    DisclosureAcknowledged { party: String },
    /// A party objected to a disclosure.
    DisclosureObjected { party: String, reason: String },
    /// The objection window closed with no objection.
    DisclosureWindowClosed {},
    /// Notice of appointment (D12) and transmittal of the file; preparatory timers start.
    FileTransmitted {},
    /// An appointee is confirmed while further mediator seats remain to be filled.
    AppointmentConfirmed {},
    /// The sitting mediator disclosed a new circumstance (D11).
    DisclosureFiled {
        mediator_user_id: String,
        text: String,
    },
    /// The mediator's seat fell vacant.
    VacancyRecorded {
        reason: String,
        /// The seat that fell vacant (the leaving mediator's user id); absent in events recorded
        /// before seats were named, which vacated every serving seat.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seat: Option<String>,
    },
    /// A party answered whether to continue with the remaining co-mediators.
    CoMediationVacancyAnswered {
        party: String,
        continue_with_remaining: bool,
    },
    /// The window to answer a co-mediation vacancy ran out without every party's agreement: the
    /// case is suspended for the vacancy.
    CoMediationVacancyLapsed {},
    /// A party's deposit was paid.
    DepositPaid { party: String, paid_by: String },
    /// A party's deposit is past its due date; the default-notice period starts.
    DepositOverdue {
        party: String,
        #[schemars(with = "String")]
        effective: Timestamp,
    },
    /// A default notice went to the parties about a party's deposit.
    DefaultNoticeIssued {
        party: String,
        #[schemars(with = "String")]
        effective: Timestamp,
    },
    /// Suspended for non-payment (from `effective`).
    SuspendedForNonpayment {
        #[schemars(with = "String")]
        effective: Timestamp,
    },
    /// Suspended by the parties' agreement.
    SuspendedByAgreement { reason: String },
    /// The suspension ended.
    Resumed {},
    /// The first session was held (protocol issued).
    FirstSessionHeld { record: FirstSessionRecord },
    /// A time limit for the mediation was agreed.
    TimeLimitSet {
        days: u32,
        #[schemars(with = "String")]
        due: Timestamp,
    },
    /// The mediator consulted the parties.
    ConsultationHeld { summary: String },
    /// A party agreed that the case follow a newer version of its profile.
    ProfileVersionAgreed { party: String, version: u32 },
    /// The case follows a newer version of its profile from now on: screening applied the
    /// version in force, or every active party agreed. Its per-case overrides are kept; running
    /// periods keep their dates.
    ProfileVersionAdopted {
        profile: Profile,
        ground: ProfileAdoption,
    },
    /// The parties indicated terms are agreed (for a partial settlement, which issues are settled
    /// and which remain).
    TermsAgreed {
        partial: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        settled_issues: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unsettled_issues: Vec<String>,
    },
    /// The mediator opened a negotiation on an agenda.
    NegotiationOpened {
        negotiation_id: String,
        agenda: crate::negotiation::Agenda,
    },
    /// The mediator put a package to the parties.
    PackageProposed {
        negotiation_id: String,
        proposal_id: String,
        package: crate::negotiation::Package,
    },
    /// Every party accepted the package (their answers were private until then); the settlement
    /// draft starts from it.
    PackageAgreed {
        negotiation_id: String,
        proposal_id: String,
        package: crate::negotiation::Package,
    },
    /// The mediator opened a blind bidding on a money claim, with its rules.
    BlindBiddingOpened {
        bidding_id: String,
        rules: crate::bidding::BiddingRules,
    },
    /// Both sides' figures for a round were in: it settled at a price, or it did not (the
    /// figures themselves are never recorded here).
    BlindRoundClosed {
        bidding_id: String,
        round: u32,
        settled_at: Option<u64>,
    },
    /// A party approved the final text.
    FinalTextApproved { party: String, text_hash: String },
    /// All parties approved: the text with hash H is frozen.
    TextFrozen { text_hash: String },
    /// A party signed the frozen text.
    SettlementSigned {
        party: String,
        user_id: String,
        text_hash: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<SignatureEvidence>,
    },
    /// The institution attested that the settlement resulted from the mediation it administered
    /// (Singapore Convention Art. 4(1)(b)(iii)); the document is canonical JSON signed with the
    /// institution key.
    AttestationIssued {
        verification_id: String,
        text_hash: String,
        document: String,
        signature: String,
    },
    /// A document was filed in a channel: its content's SHA-256 and size (title and name are
    /// sealed with the document, not in the log).
    DocumentFiled {
        document_id: String,
        channel: String,
        /// The first version's id; the document itself for a first version.
        series: String,
        version: u32,
        sha256: String,
        size: u64,
        media_type: String,
        without_prejudice: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        translation_of: Option<String>,
    },
    /// The mediator countersigned the signed settlement.
    SettlementCountersigned {
        user_id: String,
        text_hash: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<SignatureEvidence>,
    },
    /// A party joined the joint declaration of termination.
    JointTerminationDeclared { party: String },
    /// The mediator declared further efforts unjustified.
    MediatorTerminationDeclared { reason: String },
    /// A party withdrew (effective on this event's date).
    PartyWithdrew { party: String },
    /// A remaining party answered whether to continue.
    ContinuationAnswered {
        party: String,
        continue_mediation: bool,
    },
    /// All remaining parties chose to continue without the withdrawn party.
    ContinuingWithoutParty { party: String },
    /// The mediation terminated (termination record, D23).
    MediationTerminated {
        ground: TerminationGround,
        #[schemars(with = "String")]
        effective: Timestamp,
    },
    /// Final accounts issued and refunds processed.
    FinalAccountsIssued { summary: String },
    /// The case is closed and its archive sealed.
    CaseClosed {},
    /// A user was given a per-case role.
    ParticipantAdded {
        user_id: String,
        role: crate::case::CaseRole,
    },
    /// A user's per-case role was withdrawn (effective at the next request): the one named, or
    /// (in events recorded before transition 25) every role of the user.
    ParticipantRemoved {
        user_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<crate::case::CaseRole>,
    },
    /// A per-case role was proposed by one authority whose consent it needs; it opens nothing
    /// until the others consent (transition 25). `consents` are those the proposal gives.
    ParticipantProposed {
        user_id: String,
        role: crate::case::CaseRole,
        consents: std::collections::BTreeSet<crate::grant::Consent>,
        proposed_by: String,
    },
    /// Consents given to a proposed role; the last one is followed by `participant-added`.
    ParticipantApproved {
        user_id: String,
        role: crate::case::CaseRole,
        consents: std::collections::BTreeSet<crate::grant::Consent>,
    },
    /// A proposed role was refused by an authority whose consent it needs, or withdrawn by its
    /// proposer; it opens nothing.
    ParticipantRefused {
        user_id: String,
        role: crate::case::CaseRole,
    },
    /// A guest accepted the confidentiality undertaking.
    UndertakingAccepted { user_id: String },
    /// A platform operator asked for break-glass access to the case record.
    BreakGlassRequested { operator: String, reason: String },
    /// A Secretariat member approved an operator's break-glass request.
    BreakGlassApproved { operator: String, by: String },
    /// An operator's break-glass access ended (revoked or expired).
    BreakGlassEnded { operator: String },
}

/// The kinds of event that always carry without-prejudice material: the negotiation's agenda and
/// the mediator's proposals, the agreed package, and blind biddings (their rules and round
/// outcomes). A document filed as without prejudice is one too ([`CaseEvent::is_without_prejudice`]).
pub const WITHOUT_PREJUDICE_KINDS: &[&str] = &[
    "negotiation-opened",
    "package-proposed",
    "package-agreed",
    "blind-bidding-opened",
    "blind-round-closed",
];

/// Is an event of this kind always without prejudice (see [`WITHOUT_PREJUDICE_KINDS`])? For
/// a stored event whose payload is at hand, [`CaseEvent::payload_is_without_prejudice`] also
/// counts a document filed as without prejudice (such documents are never case-wide events).
pub fn is_without_prejudice_kind(kind: &str) -> bool {
    WITHOUT_PREJUDICE_KINDS.contains(&kind)
}

impl CaseEvent {
    /// True if the event carries without-prejudice material, which the rules keep out of later
    /// proceedings: exports for other proceedings and the enforcement package's case-log both
    /// leave such events out, by this one decision.
    pub fn is_without_prejudice(&self) -> bool {
        use CaseEvent as E;
        match self {
            E::NegotiationOpened { .. }
            | E::PackageProposed { .. }
            | E::PackageAgreed { .. }
            | E::BlindBiddingOpened { .. }
            | E::BlindRoundClosed { .. } => true,
            E::DocumentFiled {
                without_prejudice, ..
            } => *without_prejudice,
            _ => false,
        }
    }

    /// [`CaseEvent::is_without_prejudice`] for a stored payload; a payload that is not a known
    /// event counts as without prejudice (fail closed: it is left out).
    pub fn payload_is_without_prejudice(payload: &str) -> bool {
        serde_json::from_str::<CaseEvent>(payload).map_or(true, |e| e.is_without_prejudice())
    }

    /// The event's kebab-case type name, as stored in the log.
    pub fn kind(&self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => m
                .get("type")
                .and_then(|t| t.as_str())
                .unwrap_or("unknown")
                .to_owned(),
            _ => "unknown".to_owned(),
        }
    }

    /// The rule this event rests on: the rules' own articles, and `Accord procedure tN` for
    /// transition N of docs/PROCEDURE.md (which gives each transition's sources).
    pub fn rule_basis(&self) -> &'static str {
        use CaseEvent as E;
        match self {
            E::DraftCreated { .. } | E::DraftAmended { .. } => "Accord procedure t0",
            E::RequestFiled { .. } => "Accord procedure t1; ICSID MR 5",
            E::LodgingFeeSettled { .. } => "Accord procedure t2",
            E::InvitationSent { .. } => "Accord procedure t3; UNCITRAL ML 2018 Art. 5(2)",
            E::ConsentRecorded { .. } => "Accord procedure t4 (written consent)",
            E::InvitationAccepted { .. } => "Accord procedure t6",
            E::InvitationRejected { .. }
            | E::InvitationTreatedAsRejected {}
            | E::InvitationLapsed {} => "Accord procedure t7; UNCITRAL ML 2018 Art. 5(2)",
            E::RequestWithdrawn {} => "Accord procedure t24",
            E::RequestRefused { .. } => "Accord procedure t5; IOMed exclusion declarations",
            E::ThirdStateConsentRecorded { .. } => "Accord procedure t4; IOMed third-State rule",
            E::ThirdStateConsentDeclined { .. } => "Accord procedure t5a; IOMed third-State rule",
            E::StateApprovalRecorded { .. } => "Accord procedure t4; ICSID MR 2(2) analogue",
            E::AuthorityRecorded { .. } => "Accord procedure t4 (representatives' authority)",
            E::AuthorityRevoked { .. } => "Accord procedure t4 (representatives' authority)",
            E::CaseRegistered { .. } => "Accord procedure t4; ICSID MR 7",
            E::ConstitutionStarted {} => "Accord procedure t8",
            E::MediatorCountAgreed { .. } => "ICSID MR 13",
            E::SecretariatAppointmentRequested { .. }
            | E::MediatorNominated { .. }
            | E::MediatorProposed { .. } => "Accord procedure t9; ICSID MR 14",
            E::AppointmentAccepted { .. } => "Accord procedure t10; ICSID MR 15",
            E::AppointmentDeclined { .. } | E::AppointmentLapsed { .. } => "Accord procedure t11",
            E::DisclosureAcknowledged { .. }
            | E::DisclosureObjected { .. }
            | E::DisclosureWindowClosed {}
            | E::DisclosureFiled { .. } => "Accord procedure t10; ICSID MR 15(4)",
            E::FileTransmitted {} => "Accord procedure t10; ICSID MR 18",
            E::AppointmentConfirmed {} => "Accord procedure t9-t10 (co-mediation); ICSID MR 13",
            E::VacancyRecorded { .. } => "Accord procedure t14; ICSID MR 16",
            E::CoMediationVacancyAnswered { .. } | E::CoMediationVacancyLapsed {} => {
                "Accord procedure t14 (co-mediation vacancy)"
            }
            E::DepositPaid { .. }
            | E::DepositOverdue { .. }
            | E::DefaultNoticeIssued { .. }
            | E::SuspendedForNonpayment { .. } => "Accord procedure t14; ICSID AFR 8",
            E::SuspendedByAgreement { .. } | E::Resumed {} => "Accord procedure t14",
            E::FirstSessionHeld { .. } => "Accord procedure t13; ICSID MR 20-21",
            E::TimeLimitSet { .. } => "Accord procedure t21; ICC MR Art. 8(1)(e)",
            E::ConsultationHeld { .. } => "UNCITRAL ML 2018 Art. 12(b)",
            E::ProfileVersionAgreed { .. } | E::ProfileVersionAdopted { .. } => {
                "Accord procedure: rule changes (docs/PROCEDURE.md)"
            }
            E::TermsAgreed { .. } | E::FinalTextApproved { .. } | E::TextFrozen { .. } => {
                "Accord procedure t15"
            }
            // The Convention is cited by the agreement itself where the parties opted in; the
            // attestation and the signatures are the institution's and the parties' acts either way.
            E::AttestationIssued { .. } => "Accord procedure D22",
            E::DocumentFiled { .. } => {
                "Accord procedure, channels; ICSID MR 19 (written statements)"
            }
            E::SettlementSigned { .. } | E::SettlementCountersigned { .. } => {
                "Accord procedure t16"
            }
            E::NegotiationOpened { .. } | E::PackageProposed { .. } | E::PackageAgreed { .. } => {
                "Accord procedure, negotiation (mediator's single-text procedure)"
            }
            E::BlindBiddingOpened { .. } | E::BlindRoundClosed { .. } => {
                "Accord procedure, negotiation (blind bidding; rules stated before bidding)"
            }
            E::JointTerminationDeclared { .. } => "UNCITRAL ML 2018 Art. 12(c)",
            E::MediatorTerminationDeclared { .. } => "UNCITRAL ML 2018 Art. 12(b)",
            E::PartyWithdrew { .. }
            | E::ContinuationAnswered { .. }
            | E::ContinuingWithoutParty { .. } => "UNCITRAL ML 2018 Art. 12(d); ICSID MR 22",
            E::MediationTerminated { .. } => "Accord procedure, states (TERMINATED)",
            E::FinalAccountsIssued { .. } | E::CaseClosed {} => "Accord procedure t22",
            E::ParticipantAdded { .. } | E::ParticipantRemoved { .. } => {
                "Accord procedure, channels (roles); t25"
            }
            E::ParticipantProposed { .. }
            | E::ParticipantApproved { .. }
            | E::ParticipantRefused { .. } => "Accord procedure t25 (grants to private channels)",
            E::UndertakingAccepted { .. } => {
                "Accord procedure, channels (experts, interpreters, observers)"
            }
            E::BreakGlassRequested { .. }
            | E::BreakGlassApproved { .. }
            | E::BreakGlassEnded { .. } => {
                "Accord procedure, channels (platform operator, break-glass)"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_without_prejudice_kinds_are_the_events_that_always_are() {
        let round = CaseEvent::BlindRoundClosed {
            bidding_id: "B1".into(),
            round: 1,
            settled_at: None,
        };
        assert!(round.is_without_prejudice());
        assert!(WITHOUT_PREJUDICE_KINDS.contains(&round.kind().as_str()));
        let text = serde_json::to_string(&round).unwrap_or_default();
        assert!(CaseEvent::payload_is_without_prejudice(&text));
        assert!(CaseEvent::payload_is_without_prejudice("not an event"));
        let filed = |wp: bool| CaseEvent::DocumentFiled {
            document_id: "d".into(),
            channel: "plenary".into(),
            series: "d".into(),
            version: 1,
            sha256: "0".repeat(64),
            size: 1,
            media_type: "text/plain".into(),
            without_prejudice: wp,
            translation_of: None,
        };
        assert!(filed(true).is_without_prejudice());
        assert!(!filed(false).is_without_prejudice());
        assert!(!CaseEvent::CaseClosed {}.is_without_prejudice());
        assert!(!CaseEvent::payload_is_without_prejudice(
            r#"{"type":"case-closed"}"#
        ));
    }
}

/// Why a case moved to a newer version of its profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileAdoption {
    /// Screening registered the request under the version in force.
    Screening,
    /// Every active party agreed to the version.
    PartiesAgreed,
}
