//! Commands: what an actor asks to happen to a case. Each maps to one policy [`Action`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::party::{ConsentBasis, CountryCode, DisputeType, PartyInput, ThirdStateInput};
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
    /// Subject-matter categories, checked against State exclusion declarations.
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
    pub profile_overrides: BTreeMap<String, serde_json::Value>,
}

/// The first session's record (reference/domain.md §8 transition 13).
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

/// A command on an existing case. The `action` tag is the kebab-case name used in the API path
/// `/api/v1/cases/{id}/actions/{action}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "action", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Command {
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
        /// The party.
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
    /// The approving State's approval of a State entity's consent is placed on file.
    RecordStateApproval {
        /// The State entity party.
        party: String,
        /// Reference of the approval instrument.
        instrument: String,
    },
    /// A representative's proof of authority is placed on file.
    RecordAuthority {
        /// The party.
        party: String,
        /// The representative's user id.
        user_id: String,
        /// Reference of the authority document.
        document: String,
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
        /// Name.
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
    /// The appointee accepts and signs the declaration.
    AcceptAppointment {
        /// The declaration.
        declaration: Declaration,
    },
    /// The appointee declines (→ CONSTITUTING).
    DeclineAppointment {
        /// Reason.
        reason: String,
    },
    /// A party acknowledges (waives objection to) the disclosures.
    AcknowledgeDisclosure {
        /// The party.
        party: String,
    },
    /// A party objects to a disclosure within the window.
    ObjectToDisclosure {
        /// The party.
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
        /// Reason.
        reason: String,
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
        /// The record.
        record: FirstSessionRecord,
    },
    /// The parties agree to suspend.
    SuspendByAgreement {
        /// Reason.
        reason: String,
    },
    /// A suspension by agreement ends.
    Resume {},
    /// The parties agree a time limit for the mediation.
    SetTimeLimit {
        /// Days from now.
        days: u32,
    },
    /// The mediator records a consultation with the parties.
    RecordConsultation {
        /// Summary (mediator's record).
        summary: String,
    },
    /// The parties indicate terms are agreed (ACTIVE → SETTLEMENT_DRAFTING).
    IndicateTermsAgreed {
        /// Partial settlement.
        #[serde(default)]
        partial: bool,
    },
    /// The mediator opens a negotiation on an agenda of issues and options (case active or
    /// settlement drafting).
    OpenNegotiation {
        /// The agenda.
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
        /// The rules.
        rules: crate::bidding::BiddingRules,
    },
    /// A party approves the final text with hash H.
    ApproveFinalText {
        /// The party.
        party: String,
        /// SHA-256 hex of the final text.
        text_hash: String,
    },
    /// A party signs the frozen text.
    SignSettlement {
        /// The party.
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
        /// Reason.
        reason: String,
    },
    /// A party joins the joint declaration of termination.
    DeclareJointTermination {
        /// The party.
        party: String,
    },
    /// A party withdraws from the mediation.
    Withdraw {
        /// The party.
        party: String,
    },
    /// A remaining party answers whether to continue after a withdrawal.
    AnswerContinuation {
        /// The party.
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
    /// The Secretariat gives a user a per-case role.
    AddParticipant {
        /// The user.
        user_id: String,
        /// The role.
        role: crate::case::CaseRole,
    },
    /// The Secretariat withdraws a user's per-case role.
    RemoveParticipant {
        /// The user.
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
        match self {
            Command::SubmitRequest {} => "submit-request",
            Command::RecordLodgingFee { .. } => "record-lodging-fee",
            Command::SendInvitation { .. } => "send-invitation",
            Command::RecordConsent { .. } => "record-consent",
            Command::AcceptInvitation { .. } => "accept-invitation",
            Command::RejectInvitation { .. } => "reject-invitation",
            Command::TreatInvitationAsRejected {} => "treat-invitation-as-rejected",
            Command::WithdrawRequest {} => "withdraw-request",
            Command::RefuseRequest { .. } => "refuse-request",
            Command::RecordThirdStateConsent { .. } => "record-third-state-consent",
            Command::RecordStateApproval { .. } => "record-state-approval",
            Command::RecordAuthority { .. } => "record-authority",
            Command::Register {} => "register",
            Command::AgreeMediatorCount { .. } => "agree-mediator-count",
            Command::RequestSecretariatAppointment { .. } => "request-secretariat-appointment",
            Command::NominateMediator { .. } => "nominate-mediator",
            Command::AcceptAppointment { .. } => "accept-appointment",
            Command::DeclineAppointment { .. } => "decline-appointment",
            Command::AcknowledgeDisclosure { .. } => "acknowledge-disclosure",
            Command::ObjectToDisclosure { .. } => "object-to-disclosure",
            Command::FileDisclosure { .. } => "file-disclosure",
            Command::RecordVacancy { .. } => "record-vacancy",
            Command::RecordDepositPaid { .. } => "record-deposit-paid",
            Command::RecordFirstSession { .. } => "record-first-session",
            Command::SuspendByAgreement { .. } => "suspend-by-agreement",
            Command::Resume {} => "resume",
            Command::SetTimeLimit { .. } => "set-time-limit",
            Command::RecordConsultation { .. } => "record-consultation",
            Command::IndicateTermsAgreed { .. } => "indicate-terms-agreed",
            Command::OpenNegotiation { .. } => "open-negotiation",
            Command::ProposePackage { .. } => "propose-package",
            Command::OpenBlindBidding { .. } => "open-blind-bidding",
            Command::ApproveFinalText { .. } => "approve-final-text",
            Command::SignSettlement { .. } => "sign-settlement",
            Command::CountersignSettlement { .. } => "countersign-settlement",
            Command::DeclareMediatorTermination { .. } => "declare-mediator-termination",
            Command::DeclareJointTermination { .. } => "declare-joint-termination",
            Command::Withdraw { .. } => "withdraw",
            Command::AnswerContinuation { .. } => "answer-continuation",
            Command::RecordFinalAccounts { .. } => "record-final-accounts",
            Command::Close {} => "close",
            Command::AddParticipant { .. } => "add-participant",
            Command::RemoveParticipant { .. } => "remove-participant",
            Command::AcceptUndertaking {} => "accept-undertaking",
            Command::RequestBreakGlass { .. } => "request-break-glass",
            Command::ApproveBreakGlass { .. } => "approve-break-glass",
            Command::EndBreakGlass { .. } => "end-break-glass",
        }
    }

    /// Every action name, in the order of the lifecycle (for the OpenAPI document and tests).
    pub const ACTION_NAMES: &'static [&'static str] = &[
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
        "record-state-approval",
        "record-authority",
        "register",
        "agree-mediator-count",
        "request-secretariat-appointment",
        "nominate-mediator",
        "accept-appointment",
        "decline-appointment",
        "acknowledge-disclosure",
        "object-to-disclosure",
        "file-disclosure",
        "record-vacancy",
        "record-deposit-paid",
        "record-first-session",
        "suspend-by-agreement",
        "resume",
        "set-time-limit",
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
        "remove-participant",
        "accept-undertaking",
        "request-break-glass",
        "approve-break-glass",
        "end-break-glass",
    ];

    /// The policy action this command needs.
    pub fn action(&self) -> Action {
        use Command as C;
        match self {
            C::SubmitRequest {} | C::WithdrawRequest {} | C::TreatInvitationAsRejected {} => {
                Action::ActForRequestingParty
            }
            C::RecordLodgingFee { .. }
            | C::SendInvitation { .. }
            | C::RecordConsent { .. }
            | C::RefuseRequest { .. }
            | C::RecordStateApproval { .. }
            | C::RecordAuthority { .. }
            | C::Register {}
            | C::NominateMediator { .. }
            | C::RecordFinalAccounts { .. }
            | C::AddParticipant { .. }
            | C::RemoveParticipant { .. }
            | C::Close {} => Action::Administer,
            C::RecordThirdStateConsent { country, .. } => Action::ConsentAsThirdState {
                country: country.clone(),
            },
            C::AcceptInvitation { party, .. }
            | C::RejectInvitation { party }
            | C::RequestSecretariatAppointment { party }
            | C::AcknowledgeDisclosure { party }
            | C::ObjectToDisclosure { party, .. }
            | C::ApproveFinalText { party, .. }
            | C::DeclareJointTermination { party }
            | C::Withdraw { party }
            | C::AnswerContinuation { party, .. } => Action::ActForParty {
                party: party.clone(),
            },
            C::AgreeMediatorCount { .. } | C::SuspendByAgreement { .. } | C::Resume {} => {
                Action::AdministerOrMediate
            }
            C::SetTimeLimit { .. } => Action::AdministerOrMediate,
            C::SignSettlement { party, .. } => Action::SignForParty {
                party: party.clone(),
            },
            C::RecordDepositPaid { .. } => Action::RecordPayment,
            C::AcceptUndertaking {} => Action::AcceptUndertaking,
            C::RequestBreakGlass { .. } => Action::RequestBreakGlass,
            C::ApproveBreakGlass { .. } | C::EndBreakGlass { .. } => Action::Administer,
            C::RecordVacancy { .. } => Action::AdministerOrMediate,
            C::AcceptAppointment { .. } | C::DeclineAppointment { .. } => Action::ActAsAppointee,
            C::FileDisclosure { .. }
            | C::RecordFirstSession { .. }
            | C::RecordConsultation { .. }
            | C::IndicateTermsAgreed { .. }
            | C::CountersignSettlement { .. }
            | C::OpenNegotiation { .. }
            | C::ProposePackage { .. }
            | C::OpenBlindBidding { .. }
            | C::DeclareMediatorTermination { .. } => Action::Mediate,
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
