//! Domain errors with stable codes, and the registry of those codes.

use serde::{Deserialize, Serialize};

/// Declares [`ErrorCode`]: each variant with its stable string, in one list.
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal,)*) => {
        /// Every stable code the case rules refuse with. API clients match on the strings
        /// ([`ErrorCode::as_str`], also the serde form), which never change; the pages word each
        /// one as the message `error-<code>` in every language, and the OpenAPI document lists
        /// them all ([`ErrorCode::ALL`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in the order of the registry.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The stable kebab-case string.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }
        }
    };
}

error_codes! {
    /// The command is not possible in the case's present state.
    TransitionNotAllowed = "transition-not-allowed",
    /// The actor may not file documents in this channel.
    Forbidden = "forbidden",
    /// What the command records is already on file (an answer, a signature, a request).
    GuardAlreadyRecorded = "guard-already-recorded",
    /// The period for appointment by agreement has not ended.
    GuardAppointmentPeriodRunning = "guard-appointment-period-running",
    /// A representative's proof of authority is not on file.
    GuardAuthorityMissing = "guard-authority-missing",
    /// Only a closed case can be re-opened.
    GuardCaseNotClosed = "guard-case-not-closed",
    /// Every party's written consent is on file: there is no one to invite.
    GuardConsentAlreadyGiven = "guard-consent-already-given",
    /// A party's written consent is not on file.
    GuardConsentMissing = "guard-consent-missing",
    /// The mediator has not consulted the parties before declaring the mediation terminated.
    GuardConsultationNotHeld = "guard-consultation-not-held",
    /// The appointee's declaration does not affirm every undertaking.
    GuardDeclarationIncomplete = "guard-declaration-incomplete",
    /// The subject matter is outside international commercial mediation.
    GuardExcludedSubjectMatter = "guard-excluded-subject-matter",
    /// Final accounts are not issued yet.
    GuardFinalAccountsMissing = "guard-final-accounts-missing",
    /// The first session's record lacks a negotiator or an agreement.
    GuardFirstSessionIncomplete = "guard-first-session-incomplete",
    /// An investor–State request does not describe the investment.
    GuardInvestmentMissing = "guard-investment-missing",
    /// The investor has the nationality of the State party.
    GuardInvestorNationality = "guard-investor-nationality",
    /// The invited party's period to answer has not ended.
    GuardInvitationPeriodRunning = "guard-invitation-period-running",
    /// The candidate acted for a party or left this case before.
    GuardMediatorConflict = "guard-mediator-conflict",
    /// The candidate has the nationality of a party.
    GuardMediatorNationality = "guard-mediator-nationality",
    /// The negotiation ended with an agreed package.
    GuardNegotiationAgreed = "guard-negotiation-agreed",
    /// There is no settlement signed by every party and countersigned to attest.
    GuardNoSignedSettlement = "guard-no-signed-settlement",
    /// A non-contracting State or an international organisation is a party and the profile does not serve them.
    GuardNonContractingRules = "guard-non-contracting-rules",
    /// The parties' places of business are not in different States.
    GuardNotInternational = "guard-not-international",
    /// The party has no invitation awaiting its answer.
    GuardNotInvited = "guard-not-invited",
    /// The window to object to the disclosure has closed.
    GuardObjectionWindowClosed = "guard-objection-window-closed",
    /// The package is already before the parties.
    GuardPackageAlreadyProposed = "guard-package-already-proposed",
    /// Not every party has signed the settlement.
    GuardPartySignaturesMissing = "guard-party-signatures-missing",
    /// The party has withdrawn from the mediation.
    GuardPartyWithdrawn = "guard-party-withdrawn",
    /// Under the profile an unanswered invitation lapses by itself.
    GuardProfileAutoLapse = "guard-profile-auto-lapse",
    /// The case already follows that profile version or a later one.
    GuardProfileVersionNotNewer = "guard-profile-version-not-newer",
    /// That profile version does not apply yet.
    GuardProfileVersionNotInForce = "guard-profile-version-not-in-force",
    /// A party's representative or a mediator cannot also hold a case role.
    GuardRoleConflict = "guard-role-conflict",
    /// The blind bidding's round is not the round open for figures.
    GuardRoundNotOpen = "guard-round-not-open",
    /// A commercial dispute is between companies.
    GuardScopeCommercial = "guard-scope-commercial",
    /// An investor–State dispute needs a State side and an investor.
    GuardScopeStateInvestor = "guard-scope-state-investor",
    /// A dispute between States has only States as parties.
    GuardScopeStateState = "guard-scope-state-state",
    /// Break-glass access needs two different Secretariat approvers, neither the operator.
    GuardSecondApproverRequired = "guard-second-approver-required",
    /// No one grants a per-case role to themselves or approves a role proposed for themselves.
    GuardSelfGrant = "guard-self-grant",
    /// No party has asked the Secretariat to appoint.
    GuardSecretariatAppointmentNotRequested = "guard-secretariat-appointment-not-requested",
    /// The signatory's proof of authority to sign is not on file.
    GuardSignatoryAuthorityMissing = "guard-signatory-authority-missing",
    /// A State entity's approval by its State is not on file.
    GuardStateApprovalMissing = "guard-state-approval-missing",
    /// A State party has excluded the subject matter by declaration.
    GuardStateExclusion = "guard-state-exclusion",
    /// The hash is not the hash of the frozen final text.
    GuardTextHashMismatch = "guard-text-hash-mismatch",
    /// A third State's consent is not on file.
    GuardThirdStateConsentMissing = "guard-third-state-consent-missing",
    /// The case holds the most blind biddings it may.
    GuardTooManyBiddings = "guard-too-many-biddings",
    /// The case holds the most negotiations it may.
    GuardTooManyNegotiations = "guard-too-many-negotiations",
    /// The negotiation holds the most proposals it may.
    GuardTooManyProposals = "guard-too-many-proposals",
    /// Under the profile a party withdraws only after the first session.
    GuardWithdrawalBeforeProtocol = "guard-withdrawal-before-protocol",
    /// The step is taken by a signed-in user.
    ActorRequired = "actor-required",
    /// Two parties have the same id.
    DuplicateParty = "duplicate-party",
    /// A field is longer than its limit.
    FieldTooLong = "field-too-long",
    /// The negotiation agenda is malformed.
    InvalidAgenda = "invalid-agenda",
    /// The blind bidding's rules are malformed.
    InvalidBiddingRules = "invalid-bidding-rules",
    /// A country is not an ISO 3166-1 alpha-2 code.
    InvalidCountryCode = "invalid-country-code",
    /// A party's contact e-mail address is not of the form `name@domain.tld`.
    InvalidContactEmail = "invalid-contact-email",
    /// An identifier has characters other than letters, digits, '-' and '_', or is too long.
    InvalidIdentifier = "invalid-identifier",
    /// The settled or unsettled issues of terms agreed are missing, too many or malformed.
    InvalidIssues = "invalid-issues",
    /// The invitation's period is outside 7 to 180 days.
    InvalidInvitationPeriod = "invalid-invitation-period",
    /// The number of mediators is outside one to three.
    InvalidMediatorCount = "invalid-mediator-count",
    /// The package does not fit the agenda.
    InvalidPackage = "invalid-package",
    /// A request names too few or too many parties.
    InvalidPartyCount = "invalid-party-count",
    /// A party's negotiation preferences are malformed.
    InvalidPreferences = "invalid-preferences",
    /// A profile override is unknown, mistyped or out of bounds.
    InvalidProfileOverride = "invalid-profile-override",
    /// A governing body's decision on the rules is incomplete, dated wrongly or sets a rule it
    /// cannot set.
    InvalidRuleDecision = "invalid-rule-decision",
    /// The settlement draft is malformed.
    InvalidSettlementDraft = "invalid-settlement-draft",
    /// The text hash is not 64 lower-case hex digits.
    InvalidTextHash = "invalid-text-hash",
    /// The time limit is outside 1 to 3650 days.
    InvalidTimeLimit = "invalid-time-limit",
    /// A time zone is not in the IANA time-zone database.
    InvalidTimeZone = "invalid-time-zone",
    /// A required field is empty.
    MissingField = "missing-field",
    /// The operator has no open break-glass request or access on the case.
    NoBreakGlassRequest = "no-break-glass-request",
    /// No role proposed for this user awaits approval in the case.
    NoPendingGrant = "no-pending-grant",
    /// The party is not a State entity.
    NotAStateEntity = "not-a-state-entity",
    /// The mediator's notes cannot be opened to anyone else.
    NotesAreTheMediators = "notes-are-the-mediators",
    /// Third States are named only in a dispute between States.
    ThirdStatesOnlyBetweenStates = "third-states-only-between-states",
    /// A request names too many subject categories.
    TooManyCategories = "too-many-categories",
    /// A party has too many representatives.
    TooManyRepresentatives = "too-many-representatives",
    /// A request names too many third States.
    TooManyThirdStates = "too-many-third-states",
    /// The case has no such blind bidding.
    UnknownBidding = "unknown-bidding",
    /// No deposit is asked of the party.
    UnknownDeposit = "unknown-deposit",
    /// The case has no such negotiation.
    UnknownNegotiation = "unknown-negotiation",
    /// The user holds no role in the case.
    UnknownParticipant = "unknown-participant",
    /// The case has no such party.
    UnknownParty = "unknown-party",
    /// There is no such procedural profile.
    UnknownProfile = "unknown-profile",
    /// The case's profile has no such recorded version.
    UnknownProfileVersion = "unknown-profile-version",
    /// The negotiation has no such proposal.
    UnknownProposal = "unknown-proposal",
    /// The user is not a representative of the party.
    UnknownRepresentative = "unknown-representative",
    /// No mediator by that id serves in the case (a vacancy names a serving mediator's seat).
    UnknownSeat = "unknown-seat",
    /// The State is not a third State in the case.
    UnknownThirdState = "unknown-third-state",
}

impl ErrorCode {
    /// The code with this stable string.
    pub fn parse(s: &str) -> Option<ErrorCode> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ErrorCode::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown error code '{s}'")))
    }
}

/// A refused command. Every variant has a stable code (see [`DomainError::code`]) that API
/// clients can match on, and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub enum DomainError {
    /// The command is not allowed in the case's current state.
    #[error("'{command}' is not possible while the case is {state}")]
    TransitionNotAllowed {
        /// The command that was refused.
        command: &'static str,
        /// The state the case is in.
        state: String,
    },
    /// A named guard of a transition failed.
    #[error("{message}")]
    GuardFailed {
        /// The guard's code, for example [`ErrorCode::GuardConsentMissing`].
        code: ErrorCode,
        /// What failed and what to do about it.
        message: String,
    },
    /// The command's content is invalid (missing or malformed field).
    #[error("{message}")]
    Invalid {
        /// The code, for example [`ErrorCode::UnknownParty`].
        code: ErrorCode,
        /// What is wrong.
        message: String,
    },
}

impl ErrorCode {
    /// A guard's refusal that no later filing lifts for the party acted for: the step does not
    /// concern it (no invitation awaits its answer, it has withdrawn) or it is already done. A
    /// page offers such a step neither as open nor as waiting on a condition.
    pub fn settles_the_step(self) -> bool {
        matches!(
            self,
            ErrorCode::GuardNotInvited
                | ErrorCode::GuardAlreadyRecorded
                | ErrorCode::GuardPartyWithdrawn
        )
    }
}

impl DomainError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            DomainError::TransitionNotAllowed { .. } => ErrorCode::TransitionNotAllowed,
            DomainError::GuardFailed { code, .. } | DomainError::Invalid { code, .. } => *code,
        }
    }

    /// Builds a failed guard.
    pub fn guard(code: ErrorCode, message: impl Into<String>) -> Self {
        DomainError::GuardFailed {
            code,
            message: message.into(),
        }
    }

    /// Builds an invalid-input error.
    pub fn invalid(code: ErrorCode, message: impl Into<String>) -> Self {
        DomainError::Invalid {
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{s}"
            );
            assert_eq!(ErrorCode::parse(s), Some(*code));
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::json!(s));
            assert_eq!(serde_json::from_value::<ErrorCode>(json).unwrap(), *code);
        }
    }
}
