//! Commands: what an actor asks to happen to a case. Each maps to one policy [`Action`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::party::{
    AuthorityProof, ConsentBasis, CountryCode, DisputeType, PartyInput, Scope, ThirdStateInput,
};
use crate::policy::Action;

/// How a mediator came to be nominated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AppointmentMethod {
    /// The parties nominated jointly.
    JointNomination,
    /// The list procedure yielded the candidate.
    ListProcedure,
    /// The Secretariat appoints on default, at a party's request.
    SecretariatAppointment,
}

/// The filing of a new request (it creates a case in `DRAFT`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRequest {
    /// The kind of dispute.
    pub dispute_type: DisputeType,
    /// A short title.
    pub title: String,
    /// Scope of the dispute, as shown to a third State asked for consent.
    pub summary: String,
    /// Subject-matter categories (free kebab-case words such as `sale-of-goods` or
    /// `maritime-delimitation`), checked against State exclusion declarations. Four categories
    /// also trigger the profile's scope rule for a commercial dispute (Singapore Convention Art.
    /// 1(2)): `consumer`, `family`, `inheritance` and `employment` (see `scope_exclusions`); no
    /// other category does.
    #[serde(default)]
    pub subject_categories: Vec<String>,
    /// Description of the investment (required for investor–State).
    #[serde(default)]
    pub investment_description: Option<String>,
    /// The parties, the requesting party among them.
    pub parties: Vec<PartyInput>,
    /// The id of the requesting party (or the first of joint requesters).
    pub requesting_party: String,
    /// The request is joint (all parties request together).
    #[serde(default)]
    pub joint_request: bool,
    /// Third States whose interests the dispute involves.
    #[serde(default)]
    pub third_states: Vec<ThirdStateInput>,
    /// The procedural profile preset (`iomed-default` when absent).
    #[serde(default)]
    pub profile: Option<String>,
    /// Per-case overrides of the profile, within the stated bounds.
    #[serde(default)]
    #[schemars(schema_with = "crate::profile::overrides_schema")]
    pub profile_overrides: BTreeMap<String, serde_json::Value>,
}

/// The first session's record (docs/PROCEDURE.md, transition 13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FirstSessionRecord {
    /// Authorised negotiator per party id.
    pub negotiators: BTreeMap<String, String>,
    /// Language of the mediation.
    pub language: String,
    /// The agreement on treatment of information.
    pub information_treatment: String,
    /// Standstill and limitation agreements, or "none".
    pub standstill: String,
    /// The agreement on disclosure of a settlement.
    pub settlement_disclosure: String,
    /// Internal approval route per State party, as declared.
    #[serde(default)]
    pub internal_approval_routes: BTreeMap<String, String>,
}

/// The appointee's declaration (independence, impartiality, availability, confidentiality).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    /// Declares independence.
    pub independent: bool,
    /// Declares impartiality.
    pub impartial: bool,
    /// Declares availability.
    pub available: bool,
    /// Undertakes confidentiality.
    pub confidentiality: bool,
    /// Circumstances disclosed.
    #[serde(default)]
    pub disclosures: Vec<String>,
}

/// A command named without its content: what [`crate::step::openness`] asks about, and the key
/// of the stage dispatch. [`Command::kind`] gives a command's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommandKind {
    /// The requesting party replaces its draft's content before submitting it (DRAFT).
    AmendDraft,
    /// The requesting party submits the draft (DRAFT → FILED).
    SubmitRequest,
    /// The lodging fee is paid or waived (FILED → SCREENING).
    RecordLodgingFee,
    /// The Secretariat invites a party without written consent (SCREENING → AWAITING_CONSENT).
    SendInvitation,
    /// Written consent of a party is placed on file.
    RecordConsent,
    /// The invited party accepts, uploading its consent instrument (→ SCREENING re-check).
    AcceptInvitation,
    /// The invited party rejects (→ NOT_COMMENCED).
    RejectInvitation,
    /// After the response period, the inviting party treats the invitation as rejected.
    TreatInvitationAsRejected,
    /// The requesting party withdraws its request before registration.
    WithdrawRequest,
    /// The Secretariat refuses the request at screening (→ NOT_COMMENCED).
    RefuseRequest,
    /// A third State's consent is placed on file.
    RecordThirdStateConsent,
    /// A third State declines to give its consent (→ NOT_COMMENCED, or blocks registration, as
    /// the profile says).
    DeclineThirdStateConsent,
    /// The approving State's approval of a State entity's consent is placed on file.
    RecordStateApproval,
    /// A representative's proof of authority is placed on file.
    RecordAuthority,
    /// The party (through a principal) or the Secretariat revokes a representative's authority.
    RevokeAuthority,
    /// The Secretariat registers the request (SCREENING → REGISTERED → CONSTITUTING).
    Register,
    /// The parties agree the number of mediators.
    AgreeMediatorCount,
    /// A party asks the Secretariat to appoint (after the period for appointment by agreement).
    RequestSecretariatAppointment,
    /// A mediator is nominated (CONSTITUTING → APPOINTEE_PENDING).
    NominateMediator,
    /// A party proposes a mediator; when every party proposes the same one, that is the
    /// parties' joint nomination.
    ProposeMediator,
    /// The appointee accepts and signs the declaration.
    AcceptAppointment,
    /// The appointee declines (→ CONSTITUTING).
    DeclineAppointment,
    /// A party acknowledges (waives objection to) the disclosures.
    AcknowledgeDisclosure,
    /// A party objects to a disclosure within the window.
    ObjectToDisclosure,
    /// The sitting mediator discloses a new circumstance (D11).
    FileDisclosure,
    /// The mediator's seat falls vacant (resignation, incapacity, removal).
    RecordVacancy,
    /// A party answers whether to continue with the remaining co-mediators after a vacancy.
    AnswerCoMediationVacancy,
    /// A party's deposit is paid (by it or by another party).
    RecordDepositPaid,
    /// The first session is held and minuted (PREPARATORY → ACTIVE).
    RecordFirstSession,
    /// The parties agree to suspend.
    SuspendByAgreement,
    /// A suspension by agreement ends.
    Resume,
    /// The parties agree a time limit for the mediation.
    SetTimeLimit,
    /// A party agrees that the case follow a newer version of its profile.
    AgreeProfileVersion,
    /// The mediator records a consultation with the parties.
    RecordConsultation,
    /// The parties indicate terms are agreed (ACTIVE → SETTLEMENT_DRAFTING).
    IndicateTermsAgreed,
    /// The mediator opens a negotiation on an agenda of issues and options (case active or
    /// settlement drafting).
    OpenNegotiation,
    /// The mediator puts a package to the parties; each answers privately.
    ProposePackage,
    /// The mediator opens a blind bidding on a money claim between two parties, stating its
    /// rules before any figure is named (case active or settlement drafting).
    OpenBlindBidding,
    /// A party approves the final text with hash H.
    ApproveFinalText,
    /// A party signs the frozen text.
    SignSettlement,
    /// The mediator countersigns the settlement once every party has signed; the mediation
    /// terminates as settled on this, the last signature's, date.
    CountersignSettlement,
    /// The mediator declares that further efforts are no longer justified.
    DeclareMediatorTermination,
    /// A party joins the joint declaration of termination.
    DeclareJointTermination,
    /// A party withdraws from the mediation.
    Withdraw,
    /// A remaining party answers whether to continue after a withdrawal.
    AnswerContinuation,
    /// The Secretariat issues final accounts.
    RecordFinalAccounts,
    /// The Secretariat closes the case (TERMINATED → CLOSED).
    Close,
    /// An authority whose consent a per-case role needs grants it, or proposes it where others
    /// must consent too (transition 25).
    AddParticipant,
    /// A party's representative or the mediator consents to a proposed role.
    ApproveParticipant,
    /// An authority whose consent a proposed role needs refuses it (its proposer withdraws it).
    RefuseParticipant,
    /// An authority whose consent a role needs withdraws it.
    RemoveParticipant,
    /// A guest (expert, interpreter, observer) accepts the confidentiality undertaking.
    AcceptUndertaking,
    /// A platform operator asks for break-glass access to this case's record.
    RequestBreakGlass,
    /// A Secretariat member approves an operator's break-glass request (two distinct approvals
    /// grant access for one day).
    ApproveBreakGlass,
    /// The Secretariat ends an operator's break-glass access.
    EndBreakGlass,
}

impl CommandKind {
    /// Every kind, in the order of the lifecycle (the order of [`Command::ACTION_NAMES`]).
    pub const ALL: &'static [CommandKind] = &[
        CommandKind::AmendDraft,
        CommandKind::SubmitRequest,
        CommandKind::RecordLodgingFee,
        CommandKind::SendInvitation,
        CommandKind::RecordConsent,
        CommandKind::AcceptInvitation,
        CommandKind::RejectInvitation,
        CommandKind::TreatInvitationAsRejected,
        CommandKind::WithdrawRequest,
        CommandKind::RefuseRequest,
        CommandKind::RecordThirdStateConsent,
        CommandKind::DeclineThirdStateConsent,
        CommandKind::RecordStateApproval,
        CommandKind::RecordAuthority,
        CommandKind::RevokeAuthority,
        CommandKind::Register,
        CommandKind::AgreeMediatorCount,
        CommandKind::RequestSecretariatAppointment,
        CommandKind::NominateMediator,
        CommandKind::ProposeMediator,
        CommandKind::AcceptAppointment,
        CommandKind::DeclineAppointment,
        CommandKind::AcknowledgeDisclosure,
        CommandKind::ObjectToDisclosure,
        CommandKind::FileDisclosure,
        CommandKind::RecordVacancy,
        CommandKind::AnswerCoMediationVacancy,
        CommandKind::RecordDepositPaid,
        CommandKind::RecordFirstSession,
        CommandKind::SuspendByAgreement,
        CommandKind::Resume,
        CommandKind::SetTimeLimit,
        CommandKind::AgreeProfileVersion,
        CommandKind::RecordConsultation,
        CommandKind::IndicateTermsAgreed,
        CommandKind::OpenNegotiation,
        CommandKind::ProposePackage,
        CommandKind::OpenBlindBidding,
        CommandKind::ApproveFinalText,
        CommandKind::SignSettlement,
        CommandKind::CountersignSettlement,
        CommandKind::DeclareMediatorTermination,
        CommandKind::DeclareJointTermination,
        CommandKind::Withdraw,
        CommandKind::AnswerContinuation,
        CommandKind::RecordFinalAccounts,
        CommandKind::Close,
        CommandKind::AddParticipant,
        CommandKind::ApproveParticipant,
        CommandKind::RefuseParticipant,
        CommandKind::RemoveParticipant,
        CommandKind::AcceptUndertaking,
        CommandKind::RequestBreakGlass,
        CommandKind::ApproveBreakGlass,
        CommandKind::EndBreakGlass,
    ];

    /// The kebab-case action name (the `action` tag of the command and the API path segment).
    pub fn name(self) -> &'static str {
        match self {
            CommandKind::AmendDraft => "amend-draft",
            CommandKind::SubmitRequest => "submit-request",
            CommandKind::RecordLodgingFee => "record-lodging-fee",
            CommandKind::SendInvitation => "send-invitation",
            CommandKind::RecordConsent => "record-consent",
            CommandKind::AcceptInvitation => "accept-invitation",
            CommandKind::RejectInvitation => "reject-invitation",
            CommandKind::TreatInvitationAsRejected => "treat-invitation-as-rejected",
            CommandKind::WithdrawRequest => "withdraw-request",
            CommandKind::RefuseRequest => "refuse-request",
            CommandKind::RecordThirdStateConsent => "record-third-state-consent",
            CommandKind::DeclineThirdStateConsent => "decline-third-state-consent",
            CommandKind::RecordStateApproval => "record-state-approval",
            CommandKind::RecordAuthority => "record-authority",
            CommandKind::RevokeAuthority => "revoke-authority",
            CommandKind::Register => "register",
            CommandKind::AgreeMediatorCount => "agree-mediator-count",
            CommandKind::RequestSecretariatAppointment => "request-secretariat-appointment",
            CommandKind::NominateMediator => "nominate-mediator",
            CommandKind::ProposeMediator => "propose-mediator",
            CommandKind::AcceptAppointment => "accept-appointment",
            CommandKind::DeclineAppointment => "decline-appointment",
            CommandKind::AcknowledgeDisclosure => "acknowledge-disclosure",
            CommandKind::ObjectToDisclosure => "object-to-disclosure",
            CommandKind::FileDisclosure => "file-disclosure",
            CommandKind::RecordVacancy => "record-vacancy",
            CommandKind::AnswerCoMediationVacancy => "answer-co-mediation-vacancy",
            CommandKind::RecordDepositPaid => "record-deposit-paid",
            CommandKind::RecordFirstSession => "record-first-session",
            CommandKind::SuspendByAgreement => "suspend-by-agreement",
            CommandKind::Resume => "resume",
            CommandKind::SetTimeLimit => "set-time-limit",
            CommandKind::AgreeProfileVersion => "agree-profile-version",
            CommandKind::RecordConsultation => "record-consultation",
            CommandKind::IndicateTermsAgreed => "indicate-terms-agreed",
            CommandKind::OpenNegotiation => "open-negotiation",
            CommandKind::ProposePackage => "propose-package",
            CommandKind::OpenBlindBidding => "open-blind-bidding",
            CommandKind::ApproveFinalText => "approve-final-text",
            CommandKind::SignSettlement => "sign-settlement",
            CommandKind::CountersignSettlement => "countersign-settlement",
            CommandKind::DeclareMediatorTermination => "declare-mediator-termination",
            CommandKind::DeclareJointTermination => "declare-joint-termination",
            CommandKind::Withdraw => "withdraw",
            CommandKind::AnswerContinuation => "answer-continuation",
            CommandKind::RecordFinalAccounts => "record-final-accounts",
            CommandKind::Close => "close",
            CommandKind::AddParticipant => "add-participant",
            CommandKind::ApproveParticipant => "approve-participant",
            CommandKind::RefuseParticipant => "refuse-participant",
            CommandKind::RemoveParticipant => "remove-participant",
            CommandKind::AcceptUndertaking => "accept-undertaking",
            CommandKind::RequestBreakGlass => "request-break-glass",
            CommandKind::ApproveBreakGlass => "approve-break-glass",
            CommandKind::EndBreakGlass => "end-break-glass",
        }
    }

    /// The kind with this action name.
    pub fn from_name(name: &str) -> Option<CommandKind> {
        Self::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// True for the steps a party's representative takes for that party: the party is named by
    /// the step (see [`Command::acting_party`]).
    pub fn acts_for_party(self) -> bool {
        use CommandKind as K;
        matches!(
            self,
            K::AcceptInvitation
                | K::RejectInvitation
                | K::RequestSecretariatAppointment
                | K::AcknowledgeDisclosure
                | K::ObjectToDisclosure
                | K::ApproveFinalText
                | K::SignSettlement
                | K::DeclareJointTermination
                | K::Withdraw
                | K::AnswerContinuation
                | K::RevokeAuthority
                | K::AnswerCoMediationVacancy
                | K::ProposeMediator
                | K::AgreeProfileVersion
        )
    }

    /// The policy action a step of this kind needs, acting for `party` where the kind acts for
    /// one. `None` when the kind needs a party that is not given, and for a third State's consent,
    /// whose action names the State (see [`Command::action`]).
    pub fn action(self, party: Option<&str>) -> Option<Action> {
        use CommandKind as K;
        let party = || party.map(str::to_owned);
        Some(match self {
            K::AmendDraft
            | K::SubmitRequest
            | K::WithdrawRequest
            | K::TreatInvitationAsRejected => Action::ActForRequestingParty,
            K::AcceptInvitation
            | K::RejectInvitation
            | K::RequestSecretariatAppointment
            | K::AcknowledgeDisclosure
            | K::ObjectToDisclosure
            | K::ApproveFinalText
            | K::DeclareJointTermination
            | K::Withdraw
            | K::AnswerContinuation
            | K::AnswerCoMediationVacancy
            | K::ProposeMediator
            | K::AgreeProfileVersion => Action::ActForParty { party: party()? },
            K::SignSettlement => Action::SignForParty { party: party()? },
            K::RevokeAuthority => Action::RevokeAuthority { party: party()? },
            K::RecordThirdStateConsent | K::DeclineThirdStateConsent => return None,
            K::RecordLodgingFee
            | K::SendInvitation
            | K::RecordConsent
            | K::RefuseRequest
            | K::RecordStateApproval
            | K::RecordAuthority
            | K::Register
            | K::NominateMediator
            | K::RecordFinalAccounts
            | K::Close
            | K::EndBreakGlass => Action::Administer,
            K::ApproveBreakGlass => Action::ApproveBreakGlass,
            K::AddParticipant
            | K::ApproveParticipant
            | K::RefuseParticipant
            | K::RemoveParticipant => Action::GrantRoles,
            K::AgreeMediatorCount
            | K::SuspendByAgreement
            | K::Resume
            | K::SetTimeLimit
            | K::RecordVacancy => Action::AdministerOrMediate,
            K::RecordDepositPaid => Action::RecordPayment,
            K::AcceptUndertaking => Action::AcceptUndertaking,
            K::RequestBreakGlass => Action::RequestBreakGlass,
            K::AcceptAppointment | K::DeclineAppointment => Action::ActAsAppointee,
            K::FileDisclosure
            | K::RecordFirstSession
            | K::RecordConsultation
            | K::IndicateTermsAgreed
            | K::CountersignSettlement
            | K::OpenNegotiation
            | K::ProposePackage
            | K::OpenBlindBidding
            | K::DeclareMediatorTermination => Action::Mediate,
        })
    }
}

/// A command on an existing case. The `action` tag is the kebab-case name used in the API path
/// `/api/v1/cases/{id}/actions/{action}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "action", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Command {
    /// The requesting party replaces its draft's content (DRAFT): the whole request as it should
    /// now read, checked as a new filing is; the case keeps its id and reference.
    AmendDraft {
        /// The request as amended.
        request: Box<FileRequest>,
    },
    /// The requesting party submits the draft (DRAFT → FILED).
    SubmitRequest {},
    /// The lodging fee is paid or waived (FILED → SCREENING).
    RecordLodgingFee {
        /// Waived rather than paid.
        #[serde(default)]
        waived: bool,
    },
    /// The Secretariat invites a party without written consent (SCREENING → AWAITING_CONSENT).
    SendInvitation {
        /// Period stated in the invitation, in days (profile default when absent).
        #[serde(default)]
        response_days: Option<u32>,
    },
    /// Written consent of a party is placed on file.
    RecordConsent {
        /// Id of the party whose written consent goes on file; it must be an active party.
        party: String,
        /// Its basis.
        consent: ConsentBasis,
    },
    /// The invited party accepts, uploading its consent instrument (→ SCREENING re-check).
    AcceptInvitation {
        /// The accepting party.
        party: String,
        /// Reference of the consent instrument.
        instrument: String,
        /// Its representatives' proofs of authority (for a State, full powers), each naming a
        /// representative the filing gave for this party; accepted at registration.
        #[serde(default)]
        authority: Vec<AuthorityProof>,
    },
    /// The invited party rejects (→ NOT_COMMENCED).
    RejectInvitation {
        /// The rejecting party.
        party: String,
    },
    /// After the response period, the inviting party treats the invitation as rejected.
    TreatInvitationAsRejected {},
    /// The requesting party withdraws its request before registration.
    WithdrawRequest {},
    /// The Secretariat refuses the request at screening (→ NOT_COMMENCED).
    RefuseRequest {
        /// Reasons given in the notice of refusal.
        reasons: String,
    },
    /// A third State's consent is placed on file.
    RecordThirdStateConsent {
        /// The third State.
        country: CountryCode,
        /// Reference of its consent instrument.
        instrument: String,
    },
    /// A third State declines to give its consent.
    DeclineThirdStateConsent {
        /// The third State.
        country: CountryCode,
        /// Its reasons, as it wishes them given to the parties.
        reasons: String,
    },
    /// The approving State's approval of a State entity's consent is placed on file.
    RecordStateApproval {
        /// The State entity party.
        party: String,
        /// Reference of the approval instrument.
        instrument: String,
    },
    /// The Secretariat places a representative's proof of authority on file and accepts it (a
    /// revoked authority is restored by a new proof).
    RecordAuthority {
        /// The party the representative acts for; `user_id` must be one of its representatives.
        party: String,
        /// The representative's user id.
        user_id: String,
        /// Reference of the authority document.
        document: String,
        /// The scopes the proof grants (`view`, `file`, `sign`); absent: those already held.
        #[serde(default)]
        scopes: Option<Vec<Scope>>,
    },
    /// The party (through one of its principals) or the Secretariat revokes a representative's
    /// authority: from the next request the representative does nothing for the party.
    RevokeAuthority {
        /// The party the representative acts for.
        party: String,
        /// The representative's user id.
        user_id: String,
        /// The reasons, recorded for the parties and the Secretariat.
        reason: String,
    },
    /// The Secretariat registers the request (SCREENING → REGISTERED → CONSTITUTING).
    Register {},
    /// The parties agree the number of mediators.
    AgreeMediatorCount {
        /// One to three.
        count: u8,
    },
    /// A party asks the Secretariat to appoint (after the period for appointment by agreement).
    RequestSecretariatAppointment {
        /// The requesting party.
        party: String,
    },
    /// A mediator is nominated (CONSTITUTING → APPOINTEE_PENDING).
    NominateMediator {
        /// The panel member's user id.
        mediator_user_id: String,
        /// The candidate's name (≤ 300 characters), kept on the seat, printed in D10 and D22.
        name: String,
        /// Nationality (conflict check: not a party's).
        #[serde(default)]
        nationality: Option<CountryCode>,
        /// How.
        method: AppointmentMethod,
        /// Parties the candidate has acted for before (conflict check).
        #[serde(default)]
        prior_roles_for: Vec<String>,
    },
    /// A party proposes a mediator from the panel (`GET /api/v1/mediators`). When every active
    /// party has proposed the same one, the parties' joint nomination takes effect
    /// (CONSTITUTING → APPOINTEE_PENDING), as if the Secretariat had recorded it.
    ProposeMediator {
        /// The proposing party.
        party: String,
        /// The panel member's user id.
        mediator_user_id: String,
        /// The candidate's name (≤ 300 characters) as it will be recorded; left out or empty, the
        /// panel's name of that mediator.
        #[serde(default)]
        name: String,
        /// Nationality (conflict check: not a party's).
        #[serde(default)]
        nationality: Option<CountryCode>,
    },
    /// The appointee accepts and signs the declaration.
    AcceptAppointment {
        /// All four affirmations must be true (`guard-declaration-incomplete`); any disclosures
        /// open the objection window.
        declaration: Declaration,
    },
    /// The appointee declines (→ CONSTITUTING).
    DeclineAppointment {
        /// Why the appointee declines; recorded in the case-wide `appointment-declined` event.
        reason: String,
    },
    /// A party acknowledges (waives objection to) the disclosures.
    AcknowledgeDisclosure {
        /// The acknowledging party, represented by the acting user with the `file` scope; once
        /// every active party has acknowledged, the disclosure window closes.
        party: String,
    },
    /// A party objects to a disclosure within the window.
    ObjectToDisclosure {
        /// The objecting party, represented by the acting user with the `file` scope; one objection
        /// within the window vacates the seat.
        party: String,
        /// Why.
        reason: String,
    },
    /// The sitting mediator discloses a new circumstance (D11).
    FileDisclosure {
        /// The circumstance.
        text: String,
    },
    /// The mediator's seat falls vacant (resignation, incapacity, removal).
    RecordVacancy {
        /// Why the seat fell vacant (resignation, incapacity, removal); kept in `vacancy-recorded`.
        reason: String,
        /// The seat that fell vacant: the user id of the serving mediator who leaves. Required
        /// when several mediators serve; otherwise the one serving.
        #[serde(default)]
        seat: Option<String>,
    },
    /// A party answers whether to continue with the remaining co-mediators after a vacancy.
    AnswerCoMediationVacancy {
        /// The answering party.
        party: String,
        /// `true`: continue with the mediators who remain; `false`: suspend for the vacancy.
        continue_with_remaining: bool,
    },
    /// A party's deposit is paid (by it or by another party).
    RecordDepositPaid {
        /// The party whose share is paid.
        party: String,
        /// Who paid.
        paid_by: String,
    },
    /// The first session is held and minuted (PREPARATORY → ACTIVE).
    RecordFirstSession {
        /// An authorised negotiator for every active party and the four agreements, each stated or
        /// "none" (`guard-first-session-incomplete`).
        record: FirstSessionRecord,
    },
    /// The parties agree to suspend.
    SuspendByAgreement {
        /// Why the parties agreed to suspend; kept in the case-wide `suspended-by-agreement` event.
        reason: String,
    },
    /// A suspension by agreement ends.
    Resume {},
    /// The parties agree a time limit for the mediation.
    SetTimeLimit {
        /// Days from now.
        days: u32,
    },
    /// A party agrees that the case follow a newer version of its profile (a governing body's
    /// decision in force); with every active party's agreement the case adopts it.
    AgreeProfileVersion {
        /// The agreeing party.
        party: String,
        /// The version agreed to.
        version: u32,
    },
    /// The mediator records a consultation with the parties.
    RecordConsultation {
        /// Summary (mediator's record).
        summary: String,
    },
    /// The parties indicate terms are agreed (ACTIVE → SETTLEMENT_DRAFTING).
    IndicateTermsAgreed {
        /// Partial settlement: some issues are settled, others remain.
        #[serde(default)]
        partial: bool,
        /// The issues the terms settle, as the parties name them (needed for a partial
        /// settlement; at most 50, each 1 to 300 characters).
        #[serde(default)]
        settled_issues: Vec<String>,
        /// The issues that remain unsettled (needed for a partial settlement, and only then).
        #[serde(default)]
        unsettled_issues: Vec<String>,
    },
    /// The mediator opens a negotiation on an agenda of issues and options (case active or
    /// settlement drafting).
    OpenNegotiation {
        /// The issues and their options: 1 to 12 issues, 2 to 40 options each (`invalid-agenda`).
        agenda: crate::negotiation::Agenda,
    },
    /// The mediator puts a package to the parties; each answers privately.
    ProposePackage {
        /// The negotiation (`N1`, …).
        negotiation: String,
        /// One option per issue.
        package: crate::negotiation::Package,
    },
    /// The mediator opens a blind bidding on a money claim between two parties, stating its
    /// rules before any figure is named (case active or settlement drafting).
    OpenBlindBidding {
        /// The claim, currency, claimant, respondent, rounds and closing gap, fixed before any bid
        /// (`invalid-bidding-rules`).
        rules: crate::bidding::BiddingRules,
    },
    /// A party approves the final text with hash H.
    ApproveFinalText {
        /// The approving party; a later approval replaces its earlier one, and the text freezes
        /// once every active party has approved the same hash.
        party: String,
        /// SHA-256 hex of the final text.
        text_hash: String,
    },
    /// A party signs the frozen text.
    SignSettlement {
        /// The party signed for; the signer needs its `sign` scope and authority on file.
        party: String,
        /// The hash being signed; must equal the frozen hash.
        text_hash: String,
        /// The signature evidence, made by the application with the signer's key (never sent by
        /// a client).
        #[serde(skip)]
        evidence: Option<crate::event::SignatureEvidence>,
    },
    /// The mediator countersigns the settlement once every party has signed; the mediation
    /// terminates as settled on this, the last signature's, date.
    CountersignSettlement {
        /// The frozen hash.
        text_hash: String,
        /// The signature evidence (made by the application).
        #[serde(skip)]
        evidence: Option<crate::event::SignatureEvidence>,
    },
    /// The mediator declares that further efforts are no longer justified.
    DeclareMediatorTermination {
        /// Why further efforts are no longer justified; kept in `mediator-termination-declared`.
        reason: String,
    },
    /// A party joins the joint declaration of termination.
    DeclareJointTermination {
        /// The party joining; the mediation terminates once every active party has declared.
        party: String,
    },
    /// A party withdraws from the mediation.
    Withdraw {
        /// The withdrawing party; its representatives lose access at once.
        party: String,
    },
    /// A remaining party answers whether to continue after a withdrawal.
    AnswerContinuation {
        /// The remaining party answering; one "no" terminates the mediation as of the withdrawal.
        party: String,
        /// Continue without the withdrawn party.
        continue_mediation: bool,
    },
    /// The Secretariat issues final accounts.
    RecordFinalAccounts {
        /// Summary of accounts and refunds.
        summary: String,
    },
    /// The Secretariat closes the case (TERMINATED → CLOSED).
    Close {},
    /// Grants a user a per-case role, or proposes it where other consents are needed
    /// (transition 25): the case-wide roles and plenary or administrative guests are the
    /// Secretariat's; a party's internal roles its representatives'; a caucus guest needs the
    /// party and the mediator.
    AddParticipant {
        /// Accord user id to grant the role to; never the actor (`guard-self-grant`), a party's
        /// representative or a mediator (`guard-role-conflict`).
        user_id: String,
        /// The role; a guest role names its channels (never `notes`) and opens nothing before its
        /// undertaking.
        role: crate::case::CaseRole,
    },
    /// Consents to the role proposed for a user: every consent the actor holds that it still
    /// needs; the last one makes it effective.
    ApproveParticipant {
        /// The user the proposed role is for (`no-pending-grant` if none awaits); never the actor.
        user_id: String,
    },
    /// Refuses the role proposed for a user (or, by its proposer, withdraws it).
    RefuseParticipant {
        /// The user the proposed role is for (`no-pending-grant` if none awaits).
        user_id: String,
    },
    /// Withdraws a user's per-case role: an authority whose consent the role needs.
    RemoveParticipant {
        /// User id with a role in the case, else `unknown-participant`; effective from the next request.
        user_id: String,
    },
    /// A guest (expert, interpreter, observer) accepts the confidentiality undertaking.
    AcceptUndertaking {},
    /// A platform operator asks for break-glass access to this case's record.
    RequestBreakGlass {
        /// Why (incident reference, what must be looked at).
        reason: String,
    },
    /// A Secretariat member approves an operator's break-glass request (two distinct approvals
    /// grant access for one day).
    ApproveBreakGlass {
        /// The operator's user id.
        operator: String,
    },
    /// The Secretariat ends an operator's break-glass access.
    EndBreakGlass {
        /// The operator's user id.
        operator: String,
    },
}

impl Command {
    /// The kebab-case action name.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// The command's kind (its name without its content).
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::AmendDraft { .. } => CommandKind::AmendDraft,
            Command::SubmitRequest { .. } => CommandKind::SubmitRequest,
            Command::RecordLodgingFee { .. } => CommandKind::RecordLodgingFee,
            Command::SendInvitation { .. } => CommandKind::SendInvitation,
            Command::RecordConsent { .. } => CommandKind::RecordConsent,
            Command::AcceptInvitation { .. } => CommandKind::AcceptInvitation,
            Command::RejectInvitation { .. } => CommandKind::RejectInvitation,
            Command::TreatInvitationAsRejected { .. } => CommandKind::TreatInvitationAsRejected,
            Command::WithdrawRequest { .. } => CommandKind::WithdrawRequest,
            Command::RefuseRequest { .. } => CommandKind::RefuseRequest,
            Command::RecordThirdStateConsent { .. } => CommandKind::RecordThirdStateConsent,
            Command::DeclineThirdStateConsent { .. } => CommandKind::DeclineThirdStateConsent,
            Command::RecordStateApproval { .. } => CommandKind::RecordStateApproval,
            Command::RecordAuthority { .. } => CommandKind::RecordAuthority,
            Command::RevokeAuthority { .. } => CommandKind::RevokeAuthority,
            Command::Register { .. } => CommandKind::Register,
            Command::AgreeMediatorCount { .. } => CommandKind::AgreeMediatorCount,
            Command::RequestSecretariatAppointment { .. } => {
                CommandKind::RequestSecretariatAppointment
            }
            Command::NominateMediator { .. } => CommandKind::NominateMediator,
            Command::ProposeMediator { .. } => CommandKind::ProposeMediator,
            Command::AcceptAppointment { .. } => CommandKind::AcceptAppointment,
            Command::DeclineAppointment { .. } => CommandKind::DeclineAppointment,
            Command::AcknowledgeDisclosure { .. } => CommandKind::AcknowledgeDisclosure,
            Command::ObjectToDisclosure { .. } => CommandKind::ObjectToDisclosure,
            Command::FileDisclosure { .. } => CommandKind::FileDisclosure,
            Command::RecordVacancy { .. } => CommandKind::RecordVacancy,
            Command::AnswerCoMediationVacancy { .. } => CommandKind::AnswerCoMediationVacancy,
            Command::RecordDepositPaid { .. } => CommandKind::RecordDepositPaid,
            Command::RecordFirstSession { .. } => CommandKind::RecordFirstSession,
            Command::SuspendByAgreement { .. } => CommandKind::SuspendByAgreement,
            Command::Resume { .. } => CommandKind::Resume,
            Command::SetTimeLimit { .. } => CommandKind::SetTimeLimit,
            Command::AgreeProfileVersion { .. } => CommandKind::AgreeProfileVersion,
            Command::RecordConsultation { .. } => CommandKind::RecordConsultation,
            Command::IndicateTermsAgreed { .. } => CommandKind::IndicateTermsAgreed,
            Command::OpenNegotiation { .. } => CommandKind::OpenNegotiation,
            Command::ProposePackage { .. } => CommandKind::ProposePackage,
            Command::OpenBlindBidding { .. } => CommandKind::OpenBlindBidding,
            Command::ApproveFinalText { .. } => CommandKind::ApproveFinalText,
            Command::SignSettlement { .. } => CommandKind::SignSettlement,
            Command::CountersignSettlement { .. } => CommandKind::CountersignSettlement,
            Command::DeclareMediatorTermination { .. } => CommandKind::DeclareMediatorTermination,
            Command::DeclareJointTermination { .. } => CommandKind::DeclareJointTermination,
            Command::Withdraw { .. } => CommandKind::Withdraw,
            Command::AnswerContinuation { .. } => CommandKind::AnswerContinuation,
            Command::RecordFinalAccounts { .. } => CommandKind::RecordFinalAccounts,
            Command::Close { .. } => CommandKind::Close,
            Command::AddParticipant { .. } => CommandKind::AddParticipant,
            Command::ApproveParticipant { .. } => CommandKind::ApproveParticipant,
            Command::RefuseParticipant { .. } => CommandKind::RefuseParticipant,
            Command::RemoveParticipant { .. } => CommandKind::RemoveParticipant,
            Command::AcceptUndertaking { .. } => CommandKind::AcceptUndertaking,
            Command::RequestBreakGlass { .. } => CommandKind::RequestBreakGlass,
            Command::ApproveBreakGlass { .. } => CommandKind::ApproveBreakGlass,
            Command::EndBreakGlass { .. } => CommandKind::EndBreakGlass,
        }
    }

    /// The party a representative acts for, in the steps taken for a party (the policy checks
    /// the actor against it; it is part of the step, not of its content).
    pub fn acting_party(&self) -> Option<&str> {
        use Command as C;
        match self {
            C::AcceptInvitation { party, .. }
            | C::RejectInvitation { party }
            | C::RequestSecretariatAppointment { party }
            | C::AcknowledgeDisclosure { party }
            | C::ObjectToDisclosure { party, .. }
            | C::ApproveFinalText { party, .. }
            | C::SignSettlement { party, .. }
            | C::DeclareJointTermination { party }
            | C::Withdraw { party }
            | C::AnswerContinuation { party, .. }
            | C::RevokeAuthority { party, .. }
            | C::AnswerCoMediationVacancy { party, .. }
            | C::ProposeMediator { party, .. }
            | C::AgreeProfileVersion { party, .. } => Some(party),
            _ => None,
        }
    }

    /// Every action name, in the order of the lifecycle (for the OpenAPI document and tests).
    pub const ACTION_NAMES: &'static [&'static str] = &[
        "amend-draft",
        "submit-request",
        "record-lodging-fee",
        "send-invitation",
        "record-consent",
        "accept-invitation",
        "reject-invitation",
        "treat-invitation-as-rejected",
        "withdraw-request",
        "refuse-request",
        "record-third-state-consent",
        "decline-third-state-consent",
        "record-state-approval",
        "record-authority",
        "revoke-authority",
        "register",
        "agree-mediator-count",
        "request-secretariat-appointment",
        "nominate-mediator",
        "propose-mediator",
        "accept-appointment",
        "decline-appointment",
        "acknowledge-disclosure",
        "object-to-disclosure",
        "file-disclosure",
        "record-vacancy",
        "answer-co-mediation-vacancy",
        "record-deposit-paid",
        "record-first-session",
        "suspend-by-agreement",
        "resume",
        "set-time-limit",
        "agree-profile-version",
        "record-consultation",
        "indicate-terms-agreed",
        "open-negotiation",
        "propose-package",
        "open-blind-bidding",
        "approve-final-text",
        "sign-settlement",
        "countersign-settlement",
        "declare-mediator-termination",
        "declare-joint-termination",
        "withdraw",
        "answer-continuation",
        "record-final-accounts",
        "close",
        "add-participant",
        "approve-participant",
        "refuse-participant",
        "remove-participant",
        "accept-undertaking",
        "request-break-glass",
        "approve-break-glass",
        "end-break-glass",
    ];

    /// The policy action this command needs: its kind's, for the party acted for, or for the
    /// third State that consents.
    pub fn action(&self) -> Action {
        match self {
            Command::RecordThirdStateConsent { country, .. }
            | Command::DeclineThirdStateConsent { country, .. } => Action::ConsentAsThirdState {
                country: country.clone(),
            },
            Command::AddParticipant { user_id, role } => Action::GrantRole {
                user_id: user_id.clone(),
                role: role.clone(),
            },
            Command::ApproveParticipant { user_id }
            | Command::RefuseParticipant { user_id }
            | Command::RemoveParticipant { user_id } => Action::DecideGrant {
                user_id: user_id.clone(),
            },
            _ => self
                .kind()
                .action(self.acting_party())
                // Unreachable (a command names the party it acts for); refusing is the safe side.
                .unwrap_or(Action::ActForParty {
                    party: String::new(),
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn action_names_match_serde_tags() {
        // Every listed name deserialises to a command whose name() is that name, proving the list,
        // the serde tags and name() agree.
        for name in Command::ACTION_NAMES {
            let err = serde_json::from_value::<Command>(json!({ "action": name })).err();
            if let Some(e) = err {
                assert!(
                    e.to_string().contains("missing field"),
                    "{name}: unexpected error {e}"
                );
            } else {
                let c: Command = serde_json::from_value(json!({ "action": name })).unwrap();
                assert_eq!(c.name(), *name);
            }
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        let e =
            serde_json::from_value::<Command>(json!({"action":"register","extra":1})).unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }
}
