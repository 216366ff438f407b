//! Dispute types, parties, representatives, consent, third States and exclusion declarations.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{DomainError, ErrorCode};

/// The three kinds of dispute the IOMed Convention names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DisputeType {
    /// Between States.
    StateState,
    /// Between a State (or State entity) and a national of another State.
    StateInvestor,
    /// International commercial dispute between private parties.
    Commercial,
}

impl DisputeType {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            DisputeType::StateState => "state-state",
            DisputeType::StateInvestor => "state-investor",
            DisputeType::Commercial => "commercial",
        }
    }
}

/// An ISO 3166-1 alpha-2 country code such as `HK` or `ID` (two upper-case ASCII letters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[schemars(transparent)]
pub struct CountryCode(String);

impl CountryCode {
    /// Parses a code; exactly two ASCII upper-case letters.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(CountryCode(s.to_owned()))
        } else {
            Err(DomainError::invalid(
                ErrorCode::InvalidCountryCode,
                format!(
                    "'{s}' is not an ISO 3166-1 alpha-2 country code (two capital letters, such as HK)"
                ),
            ))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CountryCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A State's standing towards the IOMed Convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ConventionStatus {
    /// A Contracting State.
    Contracting,
    /// A non-contracting State: served only under Governing Council rules.
    NonContracting,
}

/// What kind of party this is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum PartyKind {
    /// A State itself, identified by its country code (State–State and investor–State disputes).
    State {
        /// The State's country code.
        country: CountryCode,
        /// Contracting or not.
        status: ConventionStatus,
    },
    /// A State entity or agency whose consent needs its State's approval.
    StateEntity {
        /// The State the entity belongs to and that must approve its consent.
        approving_state: CountryCode,
        /// The State has notified that no approval is needed (ICSID Rule 2(2) analogue).
        #[serde(default)]
        approval_not_required: bool,
    },
    /// An investor (a national of a State other than the State party).
    Investor {
        /// Nationality of the investor.
        nationality: CountryCode,
        /// Principal place of business.
        place_of_business: CountryCode,
    },
    /// A company in an international commercial dispute.
    Company {
        /// Place of incorporation.
        nationality: CountryCode,
        /// Place of business relevant to the dispute (Singapore Convention Art. 1 test).
        place_of_business: CountryCode,
    },
    /// An international organisation: served only under Governing Council rules.
    InternationalOrganisation,
}

impl PartyKind {
    /// True for a State or a State entity.
    pub fn is_state_side(&self) -> bool {
        matches!(
            self,
            PartyKind::State { .. } | PartyKind::StateEntity { .. }
        )
    }

    /// The State this party is or belongs to.
    pub fn state_country(&self) -> Option<&CountryCode> {
        match self {
            PartyKind::State { country, .. } => Some(country),
            PartyKind::StateEntity {
                approving_state, ..
            } => Some(approving_state),
            _ => None,
        }
    }
}

/// A person the filing names as acting for a party (principal or counsel), with the proof of
/// authority supplied, if any. The Secretariat's acceptance and a revocation are not filed: they
/// are recorded steps (see [`Representative`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RepresentativeInput {
    /// The Accord user who acts, if they have an account.
    pub user_id: String,
    /// Name as it appears on the authority document.
    pub name: String,
    /// `principal` or `counsel`.
    pub capacity: RepresentativeCapacity,
    /// Reference of the proof-of-authority document (full powers, board resolution, power of
    /// attorney), if supplied with the filing. It is accepted at registration, or earlier when
    /// the Secretariat records it.
    #[serde(default)]
    pub authority_document: Option<String>,
    /// What this representative may do for the party. Absent: a principal may do everything;
    /// counsel may view and file but not sign unless the scope says so.
    #[serde(default)]
    pub scopes: Option<Vec<Scope>>,
}

/// A person acting for a party (principal or counsel) as the case holds them, with the state of
/// their proof of authority.
///
/// Authority rule (docs/PROCEDURE.md, transition 4): counsel acts for the party (views, files,
/// signs) only while its proof of authority is accepted; a principal files without it but signs
/// only with an accepted proof; a revoked representative does nothing for the party. A proof is
/// accepted when the Secretariat records it (`record-authority`) or when the case is registered
/// (registration accepts every proof on file, which its guard requires).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Representative {
    /// The Accord user who acts, if they have an account.
    pub user_id: String,
    /// Name as it appears on the authority document.
    pub name: String,
    /// `principal` or `counsel`.
    pub capacity: RepresentativeCapacity,
    /// Reference of the proof-of-authority document (full powers, board resolution, power of
    /// attorney), once supplied.
    #[serde(default)]
    pub authority_document: Option<String>,
    /// What this representative may do for the party. Absent: a principal may do everything;
    /// counsel may view and file but not sign unless the scope says so.
    #[serde(default)]
    pub scopes: Option<Vec<Scope>>,
    /// The proof on file was accepted (recorded by the Secretariat, or at registration).
    #[serde(default)]
    pub authority_accepted: bool,
    /// The authority was revoked; the representative no longer acts for the party.
    #[serde(default)]
    pub authority_revoked: Option<AuthorityRevocation>,
}

/// A proof of authority supplied for one representative (with an answer to an invitation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorityProof {
    /// The representative's user id, as the filing names them for the party.
    pub user_id: String,
    /// Reference of the authority document (full powers, board resolution, power of attorney).
    pub document: String,
}

/// Who revoked a representative's authority, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuthorityRevocation {
    /// `secretariat`, or the id of the party that revoked it.
    pub by: String,
    /// The reasons given.
    pub reason: String,
}

/// Where a representative's proof of authority stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AuthorityStatus {
    /// No proof supplied yet.
    Missing,
    /// A proof is on file, awaiting the Secretariat's acceptance (or registration).
    Submitted,
    /// The proof is accepted: the representative acts within its scopes.
    Accepted,
    /// The authority was revoked.
    Revoked,
}

impl AuthorityStatus {
    /// The stable name (`missing`, `submitted`, `accepted`, `revoked`).
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorityStatus::Missing => "missing",
            AuthorityStatus::Submitted => "submitted",
            AuthorityStatus::Accepted => "accepted",
            AuthorityStatus::Revoked => "revoked",
        }
    }
}

/// A delegated scope of a representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Read the party's record and channels.
    View,
    /// Act and post for the party.
    File,
    /// Sign for the party (needs a proof of authority on file).
    Sign,
}

impl Representative {
    /// A representative as the filing names it: nothing accepted or revoked yet.
    pub fn from_input(input: RepresentativeInput) -> Self {
        Representative {
            user_id: input.user_id,
            name: input.name,
            capacity: input.capacity,
            authority_document: input.authority_document,
            scopes: input.scopes,
            authority_accepted: false,
            authority_revoked: None,
        }
    }

    /// Where the proof of authority stands, in a case registered or not. A proof on file in a
    /// registered case is accepted (cases stored before acceptance was recorded keep working).
    pub fn authority(&self, registered: bool) -> AuthorityStatus {
        if self.authority_revoked.is_some() {
            AuthorityStatus::Revoked
        } else if self.authority_document.is_none() {
            AuthorityStatus::Missing
        } else if self.authority_accepted || registered {
            AuthorityStatus::Accepted
        } else {
            AuthorityStatus::Submitted
        }
    }

    /// True if the representative holds this scope.
    pub fn has_scope(&self, scope: Scope) -> bool {
        match &self.scopes {
            Some(s) => s.contains(&scope) || (scope == Scope::View && !s.is_empty()),
            None => match self.capacity {
                RepresentativeCapacity::Principal => true,
                RepresentativeCapacity::Counsel => scope != Scope::Sign,
            },
        }
    }
}

/// How a representative acts for a party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RepresentativeCapacity {
    /// The party's designated focal point or authorised officer.
    Principal,
    /// Counsel acting under delegation.
    Counsel,
}

/// The legal basis of a party's consent to mediate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "basis", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ConsentBasis {
    /// A mediation clause agreed before the dispute.
    PriorClause {
        /// Where the clause is (contract, article).
        reference: String,
    },
    /// A treaty or a separate agreement to mediate.
    TreatyOrAgreement {
        /// The instrument (for example a BIT article).
        instrument: String,
    },
    /// The party accepted the Secretariat's invitation.
    AcceptedInvitation {
        /// The consent instrument uploaded with the acceptance.
        instrument: String,
    },
}

/// A party to the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    /// Short stable id within the case, such as `A` or `claimant`.
    pub id: String,
    /// Full name.
    pub name: String,
    /// What kind of party.
    pub kind: PartyKind,
    /// Representatives with their authority.
    #[serde(default)]
    pub representatives: Vec<RepresentativeInput>,
    /// Written consent already on file, if any.
    #[serde(default)]
    pub consent: Option<ConsentBasis>,
    /// Whom the Secretariat writes to for this party (the other side of a request, before it
    /// has anyone acting for it in Accord).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<PartyContact>,
}

/// A person to write to for a party: a name and an e-mail address, as the filing gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyContact {
    /// The person's name (1 to 300 characters).
    pub name: String,
    /// The person's e-mail address (`local@domain`, at most 254 characters).
    pub email: String,
}

impl PartyContact {
    /// The longest e-mail address (RFC 5321's path limit).
    pub const EMAIL_MAX: usize = 254;

    /// True for an address of the form `local@domain.tld`: one `@`, no spaces, control characters
    /// or the separators of an address list (`,;<>()[]"\`), a dot in the domain, none doubled
    /// and nothing empty around them. Whether it reaches anyone
    /// is for the mail to tell.
    pub fn email_is_plausible(email: &str) -> bool {
        let Some((local, domain)) = email.split_once('@') else {
            return false;
        };
        !local.is_empty()
            && email.len() <= Self::EMAIL_MAX
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || ",;<>()[]\"\\".contains(c))
    }
}

/// A party as the case holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Party {
    /// Short stable id within the case.
    pub id: String,
    /// Full name.
    pub name: String,
    /// What kind of party.
    pub kind: PartyKind,
    /// Representatives with their authority.
    pub representatives: Vec<Representative>,
    /// Written consent on file.
    pub consent: Option<ConsentBasis>,
    /// For a State entity: the approving State's approval is on file.
    pub state_approval: Option<String>,
    /// The party withdrew on this date; it keeps its sealed caucus history but no longer acts.
    #[schemars(with = "Option<String>")]
    pub withdrawn_at: Option<Timestamp>,
    /// Whom the Secretariat writes to for this party, as the filing gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<PartyContact>,
}

impl Party {
    /// Builds a party from the filing input.
    pub fn from_input(input: PartyInput) -> Self {
        Party {
            id: input.id,
            name: input.name,
            kind: input.kind,
            representatives: input
                .representatives
                .into_iter()
                .map(Representative::from_input)
                .collect(),
            consent: input.consent,
            state_approval: None,
            withdrawn_at: None,
            contact: input.contact,
        }
    }

    /// True while the party takes part (has not withdrawn).
    pub fn is_active(&self) -> bool {
        self.withdrawn_at.is_none()
    }

    /// True if the user represents this party.
    pub fn is_represented_by(&self, user_id: &str) -> bool {
        self.representatives.iter().any(|r| r.user_id == user_id)
    }
}

/// A third State whose interests the dispute involves; its prior consent gates registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThirdStateInput {
    /// The third State.
    pub country: CountryCode,
    /// The State's name as displayed; `country` is what identifies it.
    pub name: String,
    /// Users who act for it (they see only the consent request).
    #[serde(default)]
    pub representatives: Vec<String>,
}

/// A third State as the case holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ThirdState {
    /// The third State.
    pub country: CountryCode,
    /// The State's name as the filing gave it, for display; `country` identifies it.
    pub name: String,
    /// Users who act for it.
    pub representatives: Vec<String>,
    /// Its consent instrument, once given.
    pub consent: Option<String>,
    /// Its reasons for declining, once it declined (a State may still consent later where the
    /// profile leaves the request open).
    #[serde(default)]
    pub declined: Option<String>,
}

impl ThirdState {
    /// `given`, `declined` or `pending`: what the parties are told of this State's consent.
    pub fn consent_status(&self) -> &'static str {
        match (&self.consent, &self.declined) {
            (Some(_), _) => "given",
            (None, Some(_)) => "declined",
            (None, None) => "pending",
        }
    }
}

/// A State's declaration excluding categories of dispute from IOMed mediation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExclusionDeclaration {
    /// Registry id of the declaration.
    pub id: String,
    /// The declaring State.
    pub state: CountryCode,
    /// Excluded subject-matter categories, such as `maritime-delimitation`.
    pub categories: Vec<String>,
    /// The declaration's text.
    pub text: String,
    /// When it takes effect.
    #[schemars(with = "String")]
    pub effective_from: Timestamp,
}
