//! Fixtures for tests and demonstrations: cases driven through the domain's own commands.
//!
//! [`CaseBuilder`] names the command sequence that takes a request to a milestone (filed,
//! registered, mediator nominated, active…) as a list of [`Act`]s, and can play it through
//! [`crate::decide::decide`] into a [`Fixture`]. Tests over HTTP and the demo data issue the same
//! list through their own channels, so every "drive a case to ACTIVE" is this one sequence.
//! [`guards::GUARD_TESTS`] provokes every [`ErrorCode`] from such fixtures.
//!
//! Nothing here is used by the application; the fixtures return their failures instead of
//! panicking so that tests decide what a failure means.

pub mod guards;

use jiff::Timestamp;

use crate::actor::{Actor, GlobalRole};
use crate::case::Case;
use crate::command::{AppointmentMethod, Command, Declaration, FileRequest, FirstSessionRecord};
use crate::decide::{Context, Decided, file_request};
use crate::error::{DomainError, ErrorCode};
use crate::party::{CountryCode, ExclusionDeclaration};
use crate::policy;
use crate::rule_change::ProfileVersion;

/// A fixture could not be set up (a step of its sequence was refused), or a step expected to be
/// refused was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupFailed(pub String);

impl std::fmt::Display for SetupFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<DomainError> for SetupFailed {
    fn from(e: DomainError) -> Self {
        SetupFailed(format!("refused with {}: {e}", e.code()))
    }
}

/// Who takes a step, in the terms of the case rather than of user accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum By {
    /// The requesting party's first representative.
    RequestingParty,
    /// The first representative of this party.
    Party(String),
    /// The Secretariat user [`SECRETARIAT`] (`sg`).
    Secretariat,
    /// The nominated mediator.
    Mediator,
    /// Any other actor.
    User(Actor),
}

/// One step of a fixture's sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct Act {
    /// Who takes it.
    pub by: By,
    /// The step, as the API would receive it.
    pub command: Command,
}

/// How far a builder takes a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Milestone {
    /// Drafted, not submitted.
    Draft,
    /// Submitted; lodging fee due.
    Filed,
    /// Fee settled; in screening.
    Screening,
    /// Registered; the mediator is being appointed.
    Constituting,
    /// The mediator is nominated.
    AppointeePending,
    /// The mediator accepted; the file is transmitted.
    Preparatory,
    /// The first session is held.
    Active,
    /// The parties indicated that terms are agreed.
    SettlementDrafting,
}

/// The mediator a builder nominates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nominee {
    /// The panel member's user id.
    pub user_id: String,
    /// The name given at nomination (`Amina Diallo` by default).
    pub name: String,
    /// The nationality given at nomination, checked against the parties' (`SN` by default).
    pub nationality: Option<CountryCode>,
}

/// The user id of the Secretariat in fixtures.
pub const SECRETARIAT: &str = "sg";

/// Builds cases through the commands a real case goes through (see the module's documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct CaseBuilder {
    request: FileRequest,
    mediator: Nominee,
    mediator_count: Option<u8>,
    first_session: Option<FirstSessionRecord>,
    declarations: Vec<ExclusionDeclaration>,
    profile_versions: Vec<ProfileVersion>,
}

/// The time fixtures start at.
pub fn start_time() -> Timestamp {
    Timestamp::from_second(1_769_936_400).unwrap_or(Timestamp::UNIX_EPOCH)
}

impl CaseBuilder {
    /// A builder for this filing, nominating the default mediator (`m`, Amina Diallo, SN).
    pub fn new(request: FileRequest) -> Self {
        CaseBuilder {
            request,
            mediator: Nominee {
                user_id: "m".into(),
                name: "Amina Diallo".into(),
                nationality: CountryCode::parse("SN").ok(),
            },
            mediator_count: None,
            first_session: None,
            declarations: vec![],
            profile_versions: vec![],
        }
    }

    /// Harbour Trading (H, Hong Kong, represented by `h`) v. PT Indah Logistik (I, Indonesia,
    /// represented by `i`): an international commercial dispute on a prior mediation clause,
    /// with both proofs of authority on file, under the IOMed default profile.
    pub fn commercial() -> Self {
        Self::from_json(commercial_filing())
    }

    /// Xylo Energy (X, an investor of XP, represented by `x`) v. the Quorra Energy Agency (Q, a
    /// State entity of XQ, represented by `q`) on a bilateral investment treaty; the approval of
    /// XQ is not on file.
    pub fn state_investor() -> Self {
        let bit =
            serde_json::json!({"basis": "treaty-or-agreement", "instrument": "XP-XQ BIT, Art. 9"});
        Self::from_json(serde_json::json!({
            "dispute_type": "state-investor",
            "title": "Xylo v. Quorra Energy Agency",
            "summary": "Tariff changes affecting a solar concession.",
            "investment_description": "200 MW solar park",
            "parties": [
                {"id": "X", "name": "Xylo Energy SA",
                 "kind": {"type": "investor", "nationality": "XP", "place_of_business": "XP"},
                 "representatives": [{"user_id": "x", "name": "Anne Roux", "capacity": "principal", "authority_document": "Power of attorney"}],
                 "consent": bit},
                {"id": "Q", "name": "Quorra Energy Agency",
                 "kind": {"type": "state-entity", "approving_state": "XQ"},
                 "representatives": [{"user_id": "q", "name": "Director of Legal Affairs", "capacity": "principal", "authority_document": "Ministerial letter"}],
                 "consent": bit}
            ],
            "requesting_party": "X",
            "profile": "icsid-2022"
        }))
    }

    /// The Republic of Arcadia (A, XA, represented by `a`) and the Kingdom of Borealia (B, XB,
    /// represented by `b`) on a shared watercourse, jointly, naming the Republic of Caledonia
    /// (XC, represented by `xc`) as a third State whose consent is awaited.
    pub fn state_state() -> Self {
        let agreement =
            serde_json::json!({"basis": "treaty-or-agreement", "instrument": "Joint letter"});
        Self::from_json(serde_json::json!({
            "dispute_type": "state-state",
            "title": "Arcadia and Borealia",
            "summary": "Allocation of the waters of the Lyra river.",
            "subject_categories": ["shared-watercourse"],
            "parties": [
                {"id": "A", "name": "Republic of Arcadia",
                 "kind": {"type": "state", "country": "XA", "status": "contracting"},
                 "representatives": [{"user_id": "a", "name": "Elena Varga", "capacity": "principal", "authority_document": "Full powers"}],
                 "consent": agreement},
                {"id": "B", "name": "Kingdom of Borealia",
                 "kind": {"type": "state", "country": "XB", "status": "contracting"},
                 "representatives": [{"user_id": "b", "name": "Idris Nour", "capacity": "principal", "authority_document": "Full powers"}],
                 "consent": agreement}
            ],
            "third_states": [{"country": "XC", "name": "Republic of Caledonia", "representatives": ["xc"]}],
            "requesting_party": "A",
            "joint_request": true
        }))
    }

    /// A builder for a filing given as JSON (the API's form). An unreadable filing gives the
    /// commercial one's parties nothing to stand on: the first step then fails.
    pub fn from_json(filing: serde_json::Value) -> Self {
        let request = serde_json::from_value(filing).unwrap_or_else(|_| FileRequest {
            dispute_type: crate::party::DisputeType::Commercial,
            title: String::new(),
            summary: String::new(),
            subject_categories: vec![],
            investment_description: None,
            parties: vec![],
            requesting_party: String::new(),
            joint_request: false,
            third_states: vec![],
            profile: None,
            profile_overrides: Default::default(),
        });
        Self::new(request)
    }

    /// Changes the filing.
    pub fn with(mut self, change: impl FnOnce(&mut FileRequest)) -> Self {
        change(&mut self.request);
        self
    }

    /// The mediator to nominate.
    pub fn mediator(mut self, user_id: &str, name: &str, nationality: Option<CountryCode>) -> Self {
        self.mediator = Nominee {
            user_id: user_id.into(),
            name: name.into(),
            nationality,
        };
        self
    }

    /// Agree the number of mediators (one) before the nomination.
    pub fn mediator_count(mut self, count: u8) -> Self {
        self.mediator_count = Some(count);
        self
    }

    /// The first session's record (by default: a negotiator for every party and plain
    /// agreements).
    pub fn first_session(mut self, record: FirstSessionRecord) -> Self {
        self.first_session = Some(record);
        self
    }

    /// Exclusion declarations on file when the fixture decides.
    pub fn declarations(mut self, declarations: Vec<ExclusionDeclaration>) -> Self {
        self.declarations = declarations;
        self
    }

    /// Recorded profile versions (governing bodies' decisions) on file when the fixture decides.
    pub fn profile_versions(mut self, versions: Vec<ProfileVersion>) -> Self {
        self.profile_versions = versions;
        self
    }

    /// The filing.
    pub fn request(&self) -> &FileRequest {
        &self.request
    }

    /// The mediator the builder will nominate.
    pub fn nominee(&self) -> &Nominee {
        &self.mediator
    }

    /// The first session's record the builder uses.
    pub fn session_record(&self) -> FirstSessionRecord {
        self.first_session
            .clone()
            .unwrap_or_else(|| FirstSessionRecord {
                negotiators: self
                    .request
                    .parties
                    .iter()
                    .map(|p| (p.id.clone(), format!("Negotiator for {}", p.id)))
                    .collect(),
                language: "English".into(),
                information_treatment: "caucus content stays private unless authorised".into(),
                standstill: "none".into(),
                settlement_disclosure: "confidential except for enforcement".into(),
                internal_approval_routes: Default::default(),
            })
    }

    /// The steps after the filing that take the case to `milestone`, in order.
    pub fn acts_to(&self, milestone: Milestone) -> Vec<Act> {
        let act = |by: By, command: Command| Act { by, command };
        let mut acts = vec![];
        let steps: [(Milestone, Vec<Act>); 7] = [
            (
                Milestone::Filed,
                vec![act(By::RequestingParty, Command::SubmitRequest {})],
            ),
            (
                Milestone::Screening,
                vec![act(
                    By::Secretariat,
                    Command::RecordLodgingFee { waived: false },
                )],
            ),
            (
                Milestone::Constituting,
                vec![act(By::Secretariat, Command::Register {})],
            ),
            (Milestone::AppointeePending, self.nomination()),
            (
                Milestone::Preparatory,
                vec![act(
                    By::Mediator,
                    Command::AcceptAppointment {
                        declaration: clean_declaration(),
                    },
                )],
            ),
            (
                Milestone::Active,
                vec![act(
                    By::Mediator,
                    Command::RecordFirstSession {
                        record: self.session_record(),
                    },
                )],
            ),
            (
                Milestone::SettlementDrafting,
                vec![act(
                    By::Mediator,
                    Command::IndicateTermsAgreed {
                        partial: false,
                        settled_issues: vec![],
                        unsettled_issues: vec![],
                    },
                )],
            ),
        ];
        for (reached, step) in steps {
            if reached > milestone {
                break;
            }
            acts.extend(step);
        }
        acts
    }

    /// The nomination (after agreeing the number of mediators, where the builder says so).
    fn nomination(&self) -> Vec<Act> {
        let mut acts = vec![];
        if let Some(count) = self.mediator_count {
            acts.push(Act {
                by: By::Secretariat,
                command: Command::AgreeMediatorCount { count },
            });
        }
        acts.push(Act {
            by: By::Secretariat,
            command: Command::NominateMediator {
                mediator_user_id: self.mediator.user_id.clone(),
                name: self.mediator.name.clone(),
                nationality: self.mediator.nationality.clone(),
                method: AppointmentMethod::JointNomination,
                prior_roles_for: vec![],
            },
        });
        acts
    }

    /// Files the request and plays [`CaseBuilder::acts_to`] through the domain, each step
    /// authorised by the policy as the application would.
    pub fn build(&self, milestone: Milestone) -> Result<Fixture, SetupFailed> {
        let mut fixture = self.draft()?;
        for act in self.acts_to(milestone) {
            fixture.act(&act.by, &act.command)?;
        }
        Ok(fixture)
    }

    /// The case as drafted by the requesting party.
    fn draft(&self) -> Result<Fixture, SetupFailed> {
        let now = start_time();
        let requester = self
            .request
            .parties
            .iter()
            .find(|p| p.id == self.request.requesting_party)
            .and_then(|p| p.representatives.first())
            .map(|r| r.user_id.clone())
            .ok_or_else(|| SetupFailed("the requesting party has no representative".into()))?;
        let actor = party_user(&requester);
        let ctx = Context {
            now,
            actor: &actor,
            declarations: &self.declarations,
            profile_versions: &self.profile_versions,
        };
        let first = file_request(&self.request, &ctx, "ACC-TEST-1")?;
        let case = Case::start("case-1", &first, now)
            .ok_or_else(|| SetupFailed("the filing made no draft".into()))?;
        Ok(Fixture {
            case,
            now,
            mediator: self.mediator.user_id.clone(),
            declarations: self.declarations.clone(),
            profile_versions: self.profile_versions.clone(),
        })
    }
}

/// The filing of [`CaseBuilder::commercial`], as the API takes it.
pub fn commercial_filing() -> serde_json::Value {
    serde_json::json!({
        "dispute_type": "commercial",
        "title": "Harbour v. Indah",
        "summary": "Late deliveries under a supply agreement.",
        "subject_categories": ["sale-of-goods"],
        "parties": [
            {"id": "H", "name": "Harbour Trading Ltd",
             "kind": {"type": "company", "nationality": "HK", "place_of_business": "HK"},
             "representatives": [{"user_id": "h", "name": "Grace Ho", "capacity": "principal", "authority_document": "Board resolution"}],
             "consent": {"basis": "prior-clause", "reference": "Supply Agreement, cl. 19"}},
            {"id": "I", "name": "PT Indah Logistik",
             "kind": {"type": "company", "nationality": "ID", "place_of_business": "ID"},
             "representatives": [{"user_id": "i", "name": "Budi Santoso", "capacity": "principal", "authority_document": "Power of attorney"}],
             "consent": {"basis": "prior-clause", "reference": "Supply Agreement, cl. 19"}}
        ],
        "requesting_party": "H",
        "profile": "iomed-default"
    })
}

/// An appointee's declaration affirming everything, with nothing to disclose.
pub fn clean_declaration() -> Declaration {
    Declaration {
        independent: true,
        impartial: true,
        available: true,
        confidentiality: true,
        disclosures: vec![],
    }
}

/// A party user with this id.
pub fn party_user(id: &str) -> Actor {
    Actor::User {
        id: id.into(),
        role: GlobalRole::PartyUser,
    }
}

/// A case built by a [`CaseBuilder`], with the time and registry it is decided against.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The case as folded from the fixture's events so far.
    pub case: Case,
    /// The fixture's clock: commands are decided at this time; [`Fixture::advance_days`] moves it.
    pub now: Timestamp,
    /// The nominee's user id.
    pub mediator: String,
    /// Exclusion declarations on file.
    pub declarations: Vec<ExclusionDeclaration>,
    /// Recorded profile versions on file.
    pub profile_versions: Vec<ProfileVersion>,
}

impl Fixture {
    /// The actor behind `by` in this case.
    pub fn actor(&self, by: &By) -> Actor {
        let rep = |party: &str| {
            self.case
                .party(party)
                .and_then(|p| p.representatives.first())
                .map(|r| party_user(&r.user_id))
                .unwrap_or(Actor::System)
        };
        match by {
            By::RequestingParty => rep(&self.case.requesting_party),
            By::Party(p) => rep(p),
            By::Secretariat => Actor::User {
                id: SECRETARIAT.into(),
                role: GlobalRole::Secretariat,
            },
            By::Mediator => Actor::User {
                id: self.mediator.clone(),
                role: GlobalRole::Mediator,
            },
            By::User(a) => a.clone(),
        }
    }

    /// Decides `command` as `by` would send it: the policy first, as the application asks it.
    pub fn decide(&self, by: &By, command: &Command) -> Result<Vec<Decided>, Refused> {
        let actor = self.actor(by);
        policy::authorize(&actor, &command.action(), &self.case)
            .map_err(|d| Refused::Policy(format!("{d:?}")))?;
        let ctx = Context {
            now: self.now,
            actor: &actor,
            declarations: &self.declarations,
            profile_versions: &self.profile_versions,
        };
        crate::decide::decide(&self.case, command, &ctx).map_err(Refused::Domain)
    }

    /// Whether `step` is open to `by` now, as a page asks before offering it.
    pub fn openness(&self, by: &By, step: &crate::step::Step) -> crate::step::Openness {
        let actor = self.actor(by);
        let ctx = Context {
            now: self.now,
            actor: &actor,
            declarations: &self.declarations,
            profile_versions: &self.profile_versions,
        };
        crate::step::openness(&self.case, step, &ctx)
    }

    /// Decides `command` and folds its events into the case.
    pub fn act(&mut self, by: &By, command: &Command) -> Result<Vec<Decided>, SetupFailed> {
        let events = self
            .decide(by, command)
            .map_err(|r| SetupFailed(format!("{} by {by:?}: {r}", command.name())))?;
        self.fold(&events);
        Ok(events)
    }

    /// [`Fixture::act`], for chaining.
    pub fn then(mut self, by: By, command: Command) -> Result<Self, SetupFailed> {
        self.act(&by, &command)?;
        Ok(self)
    }

    /// Folds events into the case at the fixture's time.
    pub fn fold(&mut self, events: &[Decided]) {
        for d in events {
            self.case.apply(&d.event, self.now);
        }
    }

    /// Moves the clock `days` forward and lets the scheduler act on what fell due.
    pub fn advance_days(&mut self, days: i64) {
        self.now = self
            .now
            .checked_add(jiff::SignedDuration::from_hours(24 * days))
            .unwrap_or(self.now);
        while let Some(events) = crate::scheduler::next_lapse(&self.case, self.now) {
            self.fold(&events);
        }
    }

    /// [`Fixture::advance_days`], for chaining.
    pub fn after_days(mut self, days: i64) -> Self {
        self.advance_days(days);
        self
    }

    /// The refusal of `command` by `by`, which the policy must allow and the domain refuse.
    pub fn refusal(&self, by: By, command: Command) -> Result<DomainError, SetupFailed> {
        match self.decide(&by, &command) {
            Err(Refused::Domain(e)) => {
                REFUSED_STEP.with(|s| s.set(Some(command.kind())));
                Ok(e)
            }
            Err(r) => Err(SetupFailed(format!("{}: {r}", command.name()))),
            Ok(_) => Err(SetupFailed(format!("{} was accepted", command.name()))),
        }
    }
}

/// Why a fixture's command was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The policy does not let the actor do it.
    Policy(String),
    /// A domain rule refused it.
    Domain(DomainError),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Policy(d) => write!(f, "the policy refused ({d})"),
            Refused::Domain(e) => write!(f, "refused with {}: {e}", e.code()),
        }
    }
}

/// The error's code, for assertions.
pub fn code_of(result: &Result<DomainError, SetupFailed>) -> Option<ErrorCode> {
    result.as_ref().ok().map(DomainError::code)
}

/// The next recorded version of preset `id` after `versions`: a decision taken at `at` that
/// applies from `in_force_from` and sets `changes` (recorded by the Secretariat at `at`).
pub fn recorded_version(
    id: &str,
    versions: &[ProfileVersion],
    at: Timestamp,
    in_force_from: Timestamp,
    changes: serde_json::Value,
) -> Result<ProfileVersion, SetupFailed> {
    let changes = serde_json::from_value(changes).map_err(|e| SetupFailed(e.to_string()))?;
    let input = crate::rule_change::DecisionInput {
        text: "The Governing Council decided.".into(),
        decided_on: jiff::civil::date(2026, 1, 15),
        in_force_from: Some(in_force_from),
        changes,
    };
    let profile = crate::rule_change::decide_rule_change(id, &input, versions, at)
        .map_err(|e| SetupFailed(e.to_string()))?;
    Ok(ProfileVersion {
        profile,
        recorded_by: SECRETARIAT.into(),
        recorded_at: at,
    })
}

std::thread_local! {
    /// The kind of the step [`Fixture::refusal`] last saw refused on this thread.
    static REFUSED_STEP: std::cell::Cell<Option<crate::command::CommandKind>> =
        const { std::cell::Cell::new(None) };
}

/// The kind of the step last refused through [`Fixture::refusal`] on this thread, if any since
/// the last call (which clears it): lets a test tie a guard scenario's code to its step.
pub fn take_refused_step() -> Option<crate::command::CommandKind> {
    REFUSED_STEP.with(std::cell::Cell::take)
}
