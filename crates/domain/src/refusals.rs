//! The codes each step can be refused with, for clients: the OpenAPI document lists them per
//! action. Every step can also be refused `transition-not-allowed` (not in this state); the
//! guard registry's test checks each scenario's refusal against its step's list.

use crate::command::CommandKind;
use crate::error::ErrorCode;

/// Codes every step can be refused with.
pub const EVERY_STEP: &[ErrorCode] = &[ErrorCode::TransitionNotAllowed];

use ErrorCode as E;

/// A step taken for a party: the party must be one of the case's, and not withdrawn.
const FOR_A_PARTY: &[ErrorCode] = &[E::UnknownParty, E::GuardPartyWithdrawn];
/// A step with a text to give.
const WITH_TEXT: &[ErrorCode] = &[E::MissingField, E::FieldTooLong];
/// The scope of the request (docs/PROCEDURE.md, transition 1).
const SCOPE: &[ErrorCode] = &[
    E::GuardScopeStateState,
    E::GuardScopeStateInvestor,
    E::GuardInvestorNationality,
    E::GuardInvestmentMissing,
    E::GuardScopeCommercial,
    E::GuardNotInternational,
];
/// What a filing is checked for (transition 0), an amended draft too.
const FILING: &[ErrorCode] = &[
    E::InvalidPartyCount,
    E::InvalidContactEmail,
    E::TooManyCategories,
    E::InvalidIdentifier,
    E::DuplicateParty,
    E::TooManyRepresentatives,
    E::UnknownParty,
    E::TooManyThirdStates,
    E::ThirdStatesOnlyBetweenStates,
    E::UnknownProfile,
    E::InvalidProfileOverride,
    E::InvalidTimeZone,
];
/// What registration requires on file (transition 4).
const REGISTRATION: &[ErrorCode] = &[
    E::GuardStateExclusion,
    E::GuardConsentMissing,
    E::GuardThirdStateConsentMissing,
    E::GuardStateApprovalMissing,
    E::GuardAuthorityMissing,
    E::GuardNonContractingRules,
    E::GuardExcludedSubjectMatter,
    E::InvalidProfileOverride,
];
/// The conflicts a mediator's nomination is checked for (transition 9).
const NOMINATION: &[ErrorCode] = &[
    E::GuardSecretariatAppointmentNotRequested,
    E::GuardMediatorConflict,
    E::GuardMediatorNationality,
];
/// A settlement text named by its hash.
const TEXT_HASH: &[ErrorCode] = &[E::InvalidTextHash, E::GuardTextHashMismatch];

/// The codes particular to steps of `kind` (besides [`EVERY_STEP`]), in groups.
pub fn refusal_groups(kind: CommandKind) -> Vec<&'static [ErrorCode]> {
    use CommandKind as K;
    match kind {
        K::SubmitRequest => vec![SCOPE],
        K::AmendDraft => vec![WITH_TEXT, FILING],
        K::RecordLodgingFee | K::WithdrawRequest | K::Resume => vec![],
        K::SendInvitation => vec![&[E::GuardConsentAlreadyGiven, E::InvalidInvitationPeriod]],
        K::RecordConsent => vec![
            FOR_A_PARTY,
            WITH_TEXT,
            &[E::TooManyRepresentatives, E::UnknownRepresentative],
        ],
        K::AcceptInvitation => vec![
            FOR_A_PARTY,
            WITH_TEXT,
            &[
                E::GuardNotInvited,
                E::TooManyRepresentatives,
                E::UnknownRepresentative,
            ],
        ],
        K::RejectInvitation => vec![FOR_A_PARTY, &[E::GuardNotInvited]],
        K::TreatInvitationAsRejected => {
            vec![&[E::GuardProfileAutoLapse, E::GuardInvitationPeriodRunning]]
        }
        K::RefuseRequest
        | K::DeclineAppointment
        | K::FileDisclosure
        | K::SuspendByAgreement
        | K::RecordConsultation
        | K::RecordFinalAccounts => vec![WITH_TEXT],
        K::DeclareMediatorTermination => vec![WITH_TEXT, &[E::GuardConsultationNotHeld]],
        K::RecordThirdStateConsent | K::DeclineThirdStateConsent => {
            vec![WITH_TEXT, &[E::UnknownThirdState, E::GuardAlreadyRecorded]]
        }
        K::RecordStateApproval => vec![FOR_A_PARTY, WITH_TEXT, &[E::NotAStateEntity]],
        K::RecordAuthority => vec![FOR_A_PARTY, WITH_TEXT, &[E::UnknownRepresentative]],
        K::RevokeAuthority => vec![
            FOR_A_PARTY,
            WITH_TEXT,
            &[E::UnknownRepresentative, E::GuardAlreadyRecorded],
        ],
        K::Register => vec![SCOPE, REGISTRATION],
        K::AgreeMediatorCount => vec![&[E::InvalidMediatorCount]],
        K::RequestSecretariatAppointment => vec![
            FOR_A_PARTY,
            &[E::GuardAlreadyRecorded, E::GuardAppointmentPeriodRunning],
        ],
        K::NominateMediator => vec![NOMINATION, WITH_TEXT],
        K::ProposeMediator => vec![
            FOR_A_PARTY,
            NOMINATION,
            WITH_TEXT,
            &[E::GuardAlreadyRecorded],
        ],
        K::AcceptAppointment => vec![WITH_TEXT, &[E::GuardDeclarationIncomplete]],
        K::AcknowledgeDisclosure | K::AnswerCoMediationVacancy | K::AnswerContinuation => {
            vec![FOR_A_PARTY, &[E::GuardAlreadyRecorded]]
        }
        K::ObjectToDisclosure => vec![
            FOR_A_PARTY,
            WITH_TEXT,
            &[E::GuardObjectionWindowClosed, E::GuardAlreadyRecorded],
        ],
        K::RecordVacancy => vec![WITH_TEXT, &[E::UnknownSeat]],
        K::RecordDepositPaid => vec![FOR_A_PARTY, &[E::UnknownDeposit, E::GuardAlreadyRecorded]],
        K::RecordFirstSession => vec![WITH_TEXT, &[E::GuardFirstSessionIncomplete]],
        K::SetTimeLimit => vec![&[E::InvalidTimeLimit]],
        K::AgreeProfileVersion => vec![
            FOR_A_PARTY,
            &[
                E::UnknownProfileVersion,
                E::GuardProfileVersionNotNewer,
                E::GuardProfileVersionNotInForce,
                E::GuardAlreadyRecorded,
                E::InvalidProfileOverride,
            ],
        ],
        K::OpenNegotiation => vec![&[E::GuardTooManyNegotiations, E::InvalidAgenda]],
        K::ProposePackage => vec![&[
            E::UnknownNegotiation,
            E::GuardNegotiationAgreed,
            E::InvalidPackage,
            E::GuardTooManyProposals,
            E::GuardPackageAlreadyProposed,
        ]],
        K::OpenBlindBidding => vec![&[E::GuardTooManyBiddings, E::InvalidBiddingRules]],
        K::IndicateTermsAgreed => vec![&[E::InvalidIssues]],
        K::ApproveFinalText => vec![FOR_A_PARTY, TEXT_HASH, &[E::GuardAlreadyRecorded]],
        K::SignSettlement => vec![
            FOR_A_PARTY,
            TEXT_HASH,
            &[E::GuardAlreadyRecorded, E::GuardSignatoryAuthorityMissing],
        ],
        K::CountersignSettlement => vec![
            TEXT_HASH,
            &[E::GuardPartySignaturesMissing, E::GuardAlreadyRecorded],
        ],
        K::DeclareJointTermination => vec![FOR_A_PARTY, &[E::GuardAlreadyRecorded]],
        K::Withdraw => vec![FOR_A_PARTY, &[E::GuardWithdrawalBeforeProtocol]],
        K::Close => vec![&[E::GuardFinalAccountsMissing]],
        K::AddParticipant => vec![
            FOR_A_PARTY,
            WITH_TEXT,
            &[
                E::NotesAreTheMediators,
                E::GuardRoleConflict,
                E::GuardAlreadyRecorded,
                E::GuardSelfGrant,
                E::Forbidden,
            ],
        ],
        K::ApproveParticipant | K::RefuseParticipant => vec![&[
            E::GuardSelfGrant,
            E::GuardAlreadyRecorded,
            E::NoPendingGrant,
            E::Forbidden,
        ]],
        K::RemoveParticipant => vec![&[E::UnknownParticipant, E::Forbidden]],
        K::AcceptUndertaking => vec![&[E::GuardAlreadyRecorded]],
        K::RequestBreakGlass => vec![WITH_TEXT, &[E::GuardAlreadyRecorded]],
        K::ApproveBreakGlass => vec![&[
            E::NoBreakGlassRequest,
            E::GuardAlreadyRecorded,
            E::GuardSecondApproverRequired,
        ]],
        K::EndBreakGlass => vec![&[E::NoBreakGlassRequest]],
    }
}

/// Every code a step of `kind` can be refused with by the rules, [`EVERY_STEP`] included,
/// without repetition, in the registry's order.
pub fn refusals(kind: CommandKind) -> Vec<ErrorCode> {
    let groups = refusal_groups(kind);
    ErrorCode::ALL
        .iter()
        .copied()
        .filter(|c| EVERY_STEP.contains(c) || groups.iter().any(|g| g.contains(c)))
        .collect()
}
