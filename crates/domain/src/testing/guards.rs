//! One scenario per [`ErrorCode`]: a case built with a [`CaseBuilder`] and the one step the rules
//! refuse with that code. [`GUARD_TESTS`] is keyed by code, so the registry's test can check that
//! every code in [`ErrorCode::ALL`] is provoked by some scenario.
//!
//! Most scenarios send the command as the actor the policy allows, so the refusal is the
//! domain's own. A few rules stand behind the policy as a second line (a signatory's authority);
//! those scenarios call the domain directly and say so.

use serde_json::{Value, json};

use super::{
    By, CaseBuilder, Fixture, Milestone, SetupFailed, clean_declaration, commercial_filing,
    party_user,
};
use crate::actor::{Actor, GlobalRole};
use crate::case::CaseRole;
use crate::channel::ChannelId;
use crate::command::{AppointmentMethod, Command, Declaration, FileRequest, FirstSessionRecord};
use crate::decide::{self, Context, FiledDocument};
use crate::error::{DomainError, ErrorCode};
use crate::negotiation::{Agenda, Package, Preferences};
use crate::party::{CountryCode, ExclusionDeclaration};

/// The refusal a scenario provoked, or why it could not run.
pub type Provoked = Result<DomainError, SetupFailed>;

/// A scenario that provokes one code.
#[derive(Debug, Clone, Copy)]
pub struct GuardTest {
    /// The code the scenario must be refused with.
    pub code: ErrorCode,
    /// Runs the scenario.
    pub provoke: fn() -> Provoked,
}

/// The scenario for `code`, if there is one.
pub fn scenario(code: ErrorCode) -> Option<&'static GuardTest> {
    GUARD_TESTS.iter().find(|t| t.code == code)
}

macro_rules! guard_tests {
    ($($code:ident => $provoke:ident,)*) => {
        /// Every scenario, by the code it provokes.
        pub const GUARD_TESTS: &[GuardTest] = &[
            $(GuardTest { code: ErrorCode::$code, provoke: $provoke },)*
        ];
    };
}

guard_tests! {
    TransitionNotAllowed => transition_not_allowed,
    Forbidden => forbidden,
    GuardAlreadyRecorded => already_recorded,
    GuardAppointmentPeriodRunning => appointment_period_running,
    GuardAuthorityMissing => authority_missing,
    GuardCaseNotClosed => case_not_closed,
    GuardConsentAlreadyGiven => consent_already_given,
    GuardConsentMissing => consent_missing,
    GuardConsultationNotHeld => consultation_not_held,
    GuardDeclarationIncomplete => declaration_incomplete,
    GuardExcludedSubjectMatter => excluded_subject_matter,
    GuardFinalAccountsMissing => final_accounts_missing,
    GuardFirstSessionIncomplete => first_session_incomplete,
    GuardInvestmentMissing => investment_missing,
    GuardInvestorNationality => investor_nationality,
    GuardInvitationPeriodRunning => invitation_period_running,
    GuardMediatorConflict => mediator_conflict,
    GuardMediatorNationality => mediator_nationality,
    GuardNegotiationAgreed => negotiation_agreed,
    GuardNoSignedSettlement => no_signed_settlement,
    GuardNonContractingRules => non_contracting_rules,
    GuardNotInternational => not_international,
    GuardNotInvited => not_invited,
    GuardObjectionWindowClosed => objection_window_closed,
    GuardPackageAlreadyProposed => package_already_proposed,
    GuardPartySignaturesMissing => party_signatures_missing,
    GuardPartyWithdrawn => party_withdrawn,
    GuardProfileVersionNotNewer => profile_version_not_newer,
    GuardProfileVersionNotInForce => profile_version_not_in_force,
    InvalidRuleDecision => invalid_rule_decision,
    GuardProfileAutoLapse => profile_auto_lapse,
    GuardRoleConflict => role_conflict,
    GuardRoundNotOpen => round_not_open,
    GuardScopeCommercial => scope_commercial,
    GuardScopeStateInvestor => scope_state_investor,
    GuardScopeStateState => scope_state_state,
    GuardSecondApproverRequired => second_approver_required,
    GuardSelfGrant => self_grant,
    GuardSecretariatAppointmentNotRequested => secretariat_appointment_not_requested,
    GuardSignatoryAuthorityMissing => signatory_authority_missing,
    GuardStateApprovalMissing => state_approval_missing,
    GuardStateExclusion => state_exclusion,
    GuardTextHashMismatch => text_hash_mismatch,
    GuardThirdStateConsentMissing => third_state_consent_missing,
    GuardTooManyBiddings => too_many_biddings,
    GuardTooManyNegotiations => too_many_negotiations,
    GuardTooManyProposals => too_many_proposals,
    GuardWithdrawalBeforeProtocol => withdrawal_before_protocol,
    ActorRequired => actor_required,
    DuplicateParty => duplicate_party,
    FieldTooLong => field_too_long,
    InvalidAgenda => invalid_agenda,
    InvalidBiddingRules => invalid_bidding_rules,
    InvalidCountryCode => invalid_country_code,
    InvalidContactEmail => invalid_contact_email,
    InvalidIdentifier => invalid_identifier,
    InvalidInvitationPeriod => invalid_invitation_period,
    InvalidMediatorCount => invalid_mediator_count,
    InvalidPackage => invalid_package,
    InvalidPartyCount => invalid_party_count,
    InvalidPreferences => invalid_preferences,
    InvalidProfileOverride => invalid_profile_override,
    InvalidSettlementDraft => invalid_settlement_draft,
    InvalidTextHash => invalid_text_hash,
    InvalidTimeLimit => invalid_time_limit,
    InvalidTimeZone => invalid_time_zone,
    InvalidIssues => invalid_issues,
    MissingField => missing_field,
    NoBreakGlassRequest => no_break_glass_request,
    NoPendingGrant => no_pending_grant,
    NotAStateEntity => not_a_state_entity,
    NotesAreTheMediators => notes_are_the_mediators,
    ThirdStatesOnlyBetweenStates => third_states_only_between_states,
    TooManyCategories => too_many_categories,
    TooManyRepresentatives => too_many_representatives,
    TooManyThirdStates => too_many_third_states,
    UnknownBidding => unknown_bidding,
    UnknownDeposit => unknown_deposit,
    UnknownNegotiation => unknown_negotiation,
    UnknownParticipant => unknown_participant,
    UnknownParty => unknown_party,
    UnknownProfile => unknown_profile,
    UnknownProfileVersion => unknown_profile_version,
    UnknownProposal => unknown_proposal,
    UnknownRepresentative => unknown_representative,
    UnknownSeat => unknown_seat,
    UnknownThirdState => unknown_third_state,
}

// ---- Shared steps -------------------------------------------------------------------------------

fn sec() -> By {
    By::Secretariat
}

fn med() -> By {
    By::Mediator
}

fn party(p: &str) -> By {
    By::Party(p.into())
}

fn operator() -> By {
    By::User(Actor::User {
        id: "op".into(),
        role: GlobalRole::Operator,
    })
}

fn active() -> Result<Fixture, SetupFailed> {
    CaseBuilder::commercial().build(Milestone::Active)
}

/// The commercial filing with a change to its JSON.
fn commercial_with(change: impl FnOnce(&mut Value)) -> CaseBuilder {
    let mut v = commercial_filing();
    change(&mut v);
    CaseBuilder::from_json(v)
}

/// The commercial filing where I has given no written consent yet.
fn without_consent_of_i() -> CaseBuilder {
    commercial_with(|v| v["parties"][1]["consent"] = Value::Null)
}

/// Refuses a filing given as JSON, as `h` files it.
fn filing_refused(v: Value) -> Provoked {
    let req: FileRequest =
        serde_json::from_value(v).map_err(|e| SetupFailed(format!("filing: {e}")))?;
    let actor = party_user("h");
    refused_filing(&req, &actor)
}

fn refused_filing(req: &FileRequest, actor: &Actor) -> Provoked {
    let ctx = Context {
        now: super::start_time(),
        actor,
        declarations: &[],
        profile_versions: &[],
    };
    match decide::file_request(req, &ctx, "ACC-TEST-2") {
        Err(e) => Ok(e),
        Ok(_) => Err(SetupFailed("the filing was accepted".into())),
    }
}

/// The domain's answer, expected to be a refusal.
fn expect_refusal<T>(result: Result<T, DomainError>) -> Provoked {
    match result {
        Err(e) => Ok(e),
        Ok(_) => Err(SetupFailed("accepted".into())),
    }
}

/// A one-issue agenda with `options` options.
fn agenda(options: usize) -> Agenda {
    Agenda {
        issues: vec![crate::negotiation::AgendaIssue {
            id: "price".into(),
            label: "Price".into(),
            options: (1..=options).map(|o| format!("{o}00")).collect(),
        }],
    }
}

fn package(option: &str) -> Package {
    [("price".to_owned(), option.to_owned())]
        .into_iter()
        .collect()
}

fn open_negotiation(f: Fixture) -> Result<Fixture, SetupFailed> {
    f.then(med(), Command::OpenNegotiation { agenda: agenda(3) })
}

fn bidding_rules(claimant: &str, respondent: &str) -> crate::bidding::BiddingRules {
    crate::bidding::BiddingRules {
        label: "Demurrage".into(),
        currency: "USD".into(),
        minor_digits: 2,
        claimant: claimant.into(),
        respondent: respondent.into(),
        rounds: 3,
        closing_gap: 0,
    }
}

const HASH: &str = "5f0c5bf1c1a57d4e3d1c6e2f7a9b8c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b";

/// Both parties approve one final text: the text is frozen and signatures open.
fn signing() -> Result<Fixture, SetupFailed> {
    let approve = |p: &str| Command::ApproveFinalText {
        party: p.into(),
        text_hash: HASH.into(),
    };
    CaseBuilder::commercial()
        .build(Milestone::SettlementDrafting)?
        .then(party("H"), approve("H"))?
        .then(party("I"), approve("I"))
}

/// A three-party commercial case (K of Singapore joins H and I), ACTIVE.
fn three_parties() -> CaseBuilder {
    commercial_with(|v| {
        let mut k = v["parties"][1].clone();
        k["id"] = json!("K");
        k["name"] = json!("Kestrel Shipping Pte");
        k["kind"] = json!({"type": "company", "nationality": "SG", "place_of_business": "SG"});
        k["representatives"][0]["user_id"] = json!("k");
        if let Some(parties) = v["parties"].as_array_mut() {
            parties.push(k);
        }
    })
}

// ---- Scenarios --------------------------------------------------------------------------------

fn transition_not_allowed() -> Provoked {
    CaseBuilder::commercial()
        .build(Milestone::Filed)?
        .refusal(sec(), Command::Register {})
}

fn forbidden() -> Provoked {
    let f = active()?;
    let doc = FiledDocument {
        document_id: "d1".into(),
        series: "d1".into(),
        version: 1,
        sha256: HASH.into(),
        size: 1,
        media_type: "application/pdf".into(),
        without_prejudice: false,
        translation_of: None,
    };
    expect_refusal(decide::file_document(
        &party_user("i"),
        &f.case,
        &ChannelId::Caucus("H".into()),
        &doc,
    ))
}

fn already_recorded() -> Provoked {
    let request = || Command::RequestBreakGlass {
        reason: "incident 42".into(),
    };
    active()?
        .then(operator(), request())?
        .refusal(operator(), request())
}

fn appointment_period_running() -> Provoked {
    // Under a profile without joint requests (ICSID), a party asks only after the period.
    commercial_with(|v| v["profile"] = json!("icsid-2022"))
        .build(Milestone::Constituting)?
        .refusal(
            party("H"),
            Command::RequestSecretariatAppointment { party: "H".into() },
        )
}

fn authority_missing() -> Provoked {
    commercial_with(|v| v["parties"][1]["representatives"][0]["authority_document"] = Value::Null)
        .build(Milestone::Screening)?
        .refusal(sec(), Command::Register {})
}

fn case_not_closed() -> Provoked {
    let f = active()?;
    let actor = f.actor(&sec());
    let ctx = Context {
        now: f.now,
        actor: &actor,
        declarations: &[],
        profile_versions: &[],
    };
    expect_refusal(decide::reopen(&f.case, HASH, &ctx, "ACC-TEST-3"))
}

fn consent_already_given() -> Provoked {
    CaseBuilder::commercial()
        .build(Milestone::Screening)?
        .refusal(
            sec(),
            Command::SendInvitation {
                response_days: None,
            },
        )
}

fn consent_missing() -> Provoked {
    without_consent_of_i()
        .build(Milestone::Screening)?
        .refusal(sec(), Command::Register {})
}

fn consultation_not_held() -> Provoked {
    active()?.refusal(
        med(),
        Command::DeclareMediatorTermination {
            reason: "no prospect of settlement".into(),
        },
    )
}

fn declaration_incomplete() -> Provoked {
    CaseBuilder::commercial()
        .build(Milestone::AppointeePending)?
        .refusal(
            med(),
            Command::AcceptAppointment {
                declaration: Declaration {
                    independent: false,
                    impartial: true,
                    available: true,
                    confidentiality: true,
                    disclosures: vec![],
                },
            },
        )
}

fn excluded_subject_matter() -> Provoked {
    commercial_with(|v| v["subject_categories"] = json!(["consumer"]))
        .build(Milestone::Screening)?
        .refusal(sec(), Command::Register {})
}

fn final_accounts_missing() -> Provoked {
    active()?
        .then(
            med(),
            Command::RecordConsultation {
                summary: "the parties see no way forward".into(),
            },
        )?
        .then(
            med(),
            Command::DeclareMediatorTermination {
                reason: "no prospect of settlement".into(),
            },
        )?
        .refusal(sec(), Command::Close {})
}

fn first_session_incomplete() -> Provoked {
    let b = CaseBuilder::commercial();
    let mut record: FirstSessionRecord = b.session_record();
    record.negotiators.remove("I");
    b.build(Milestone::Preparatory)?
        .refusal(med(), Command::RecordFirstSession { record })
}

fn investment_missing() -> Provoked {
    CaseBuilder::state_investor()
        .with(|r| r.investment_description = None)
        .build(Milestone::Draft)?
        .refusal(By::RequestingParty, Command::SubmitRequest {})
}

fn investor_nationality() -> Provoked {
    let mut v = serde_json::to_value(CaseBuilder::state_investor().request())
        .map_err(|e| SetupFailed(e.to_string()))?;
    v["parties"][0]["kind"]["nationality"] = json!("XQ");
    CaseBuilder::from_json(v)
        .build(Milestone::Draft)?
        .refusal(By::RequestingParty, Command::SubmitRequest {})
}

fn invitation_period_running() -> Provoked {
    without_consent_of_i()
        .build(Milestone::Screening)?
        .then(
            sec(),
            Command::SendInvitation {
                response_days: None,
            },
        )?
        .refusal(By::RequestingParty, Command::TreatInvitationAsRejected {})
}

fn nominate(user: &str, nationality: Option<&str>, method: AppointmentMethod) -> Command {
    Command::NominateMediator {
        mediator_user_id: user.into(),
        name: "C. Candidate".into(),
        nationality: nationality.and_then(|n| CountryCode::parse(n).ok()),
        method,
        prior_roles_for: vec![],
    }
}

fn mediator_conflict() -> Provoked {
    CaseBuilder::commercial()
        .build(Milestone::Constituting)?
        .refusal(
            sec(),
            nominate("h", None, AppointmentMethod::JointNomination),
        )
}

fn mediator_nationality() -> Provoked {
    CaseBuilder::commercial()
        .build(Milestone::Constituting)?
        .refusal(
            sec(),
            nominate("m", Some("HK"), AppointmentMethod::JointNomination),
        )
}

fn negotiation_agreed() -> Provoked {
    let propose = |o: &str| Command::ProposePackage {
        negotiation: "N1".into(),
        package: package(o),
    };
    let mut f = open_negotiation(active()?)?.then(med(), propose("100"))?;
    let agreed = decide::conclude_package(&f.case, "N1", "P1")?;
    f.fold(&agreed);
    f.refusal(med(), propose("200"))
}

fn no_signed_settlement() -> Provoked {
    let f = active()?;
    expect_refusal(decide::issue_attestation(&f.case, "V1", "{}", "sig"))
}

fn non_contracting_rules() -> Provoked {
    let mut v = serde_json::to_value(CaseBuilder::state_state().request())
        .map_err(|e| SetupFailed(e.to_string()))?;
    v["third_states"] = json!([]);
    v["parties"][1]["kind"]["status"] = json!("non-contracting");
    CaseBuilder::from_json(v)
        .build(Milestone::Screening)?
        .refusal(sec(), Command::Register {})
}

fn not_international() -> Provoked {
    commercial_with(|v| {
        v["parties"][1]["kind"] =
            json!({"type": "company", "nationality": "HK", "place_of_business": "HK"})
    })
    .build(Milestone::Draft)?
    .refusal(By::RequestingParty, Command::SubmitRequest {})
}

fn not_invited() -> Provoked {
    without_consent_of_i()
        .build(Milestone::Screening)?
        .then(
            sec(),
            Command::SendInvitation {
                response_days: None,
            },
        )?
        .refusal(
            party("H"),
            Command::AcceptInvitation {
                party: "H".into(),
                instrument: "Letter of acceptance".into(),
                authority: vec![],
            },
        )
}

fn objection_window_closed() -> Provoked {
    let mut f = CaseBuilder::commercial()
        .build(Milestone::AppointeePending)?
        .then(
            med(),
            Command::AcceptAppointment {
                declaration: Declaration {
                    disclosures: vec!["advised H's parent company in 2019".into()],
                    ..clean_declaration()
                },
            },
        )?;
    // The window's end has passed, and the scheduler has not closed it yet.
    f.now = f
        .now
        .checked_add(jiff::SignedDuration::from_hours(24 * 60))
        .map_err(|e| SetupFailed(e.to_string()))?;
    f.refusal(
        party("I"),
        Command::ObjectToDisclosure {
            party: "I".into(),
            reason: "a conflict of interest".into(),
        },
    )
}

fn package_already_proposed() -> Provoked {
    let propose = || Command::ProposePackage {
        negotiation: "N1".into(),
        package: package("100"),
    };
    open_negotiation(active()?)?
        .then(med(), propose())?
        .refusal(med(), propose())
}

fn party_signatures_missing() -> Provoked {
    signing()?.refusal(
        med(),
        Command::CountersignSettlement {
            text_hash: HASH.into(),
            evidence: None,
        },
    )
}

fn party_withdrawn() -> Provoked {
    let answer = |p: &str| Command::AnswerContinuation {
        party: p.into(),
        continue_mediation: true,
    };
    three_parties()
        .build(Milestone::Active)?
        .then(party("K"), Command::Withdraw { party: "K".into() })?
        .then(party("H"), answer("H"))?
        .then(party("I"), answer("I"))?
        .refusal(
            sec(),
            Command::RecordAuthority {
                party: "K".into(),
                user_id: "k".into(),
                document: "Power of attorney".into(),
                scopes: None,
            },
        )
}

fn profile_auto_lapse() -> Provoked {
    without_consent_of_i()
        .with(|r| {
            r.profile_overrides
                .insert("invitation_lapse".into(), json!("auto-lapse"));
        })
        .build(Milestone::Screening)?
        .then(
            sec(),
            Command::SendInvitation {
                response_days: None,
            },
        )?
        .refusal(By::RequestingParty, Command::TreatInvitationAsRejected {})
}

fn role_conflict() -> Provoked {
    active()?.refusal(
        sec(),
        Command::AddParticipant {
            user_id: "h".into(),
            role: CaseRole::CaseOfficer,
        },
    )
}

fn round_not_open() -> Provoked {
    let f = active()?.then(
        med(),
        Command::OpenBlindBidding {
            rules: bidding_rules("H", "I"),
        },
    )?;
    expect_refusal(decide::close_blind_round(&f.case, "B1", 2, None))
}

fn scope_commercial() -> Provoked {
    commercial_with(|v| {
        v["parties"][1]["kind"] =
            json!({"type": "investor", "nationality": "ID", "place_of_business": "ID"})
    })
    .build(Milestone::Draft)?
    .refusal(By::RequestingParty, Command::SubmitRequest {})
}

fn scope_state_investor() -> Provoked {
    let mut v = serde_json::to_value(CaseBuilder::state_investor().request())
        .map_err(|e| SetupFailed(e.to_string()))?;
    v["parties"][1]["kind"] =
        json!({"type": "investor", "nationality": "XR", "place_of_business": "XR"});
    CaseBuilder::from_json(v)
        .build(Milestone::Draft)?
        .refusal(By::RequestingParty, Command::SubmitRequest {})
}

fn scope_state_state() -> Provoked {
    let mut v = serde_json::to_value(CaseBuilder::state_state().request())
        .map_err(|e| SetupFailed(e.to_string()))?;
    v["parties"][1]["kind"] =
        json!({"type": "company", "nationality": "XB", "place_of_business": "XB"});
    CaseBuilder::from_json(v)
        .build(Milestone::Draft)?
        .refusal(By::RequestingParty, Command::SubmitRequest {})
}

fn second_approver_required() -> Provoked {
    let approve = || Command::ApproveBreakGlass {
        operator: "op".into(),
    };
    active()?
        .then(
            operator(),
            Command::RequestBreakGlass {
                reason: "incident 42".into(),
            },
        )?
        .then(sec(), approve())?
        .refusal(sec(), approve())
}

fn secretariat_appointment_not_requested() -> Provoked {
    CaseBuilder::commercial()
        .build(Milestone::Constituting)?
        .refusal(
            sec(),
            nominate("m", None, AppointmentMethod::SecretariatAppointment),
        )
}

/// Behind the policy, which lets only a representative with a proof of authority sign: the
/// domain itself refuses a signature by anyone else.
fn signatory_authority_missing() -> Provoked {
    let f = signing()?;
    let actor = party_user("i");
    let ctx = Context {
        now: f.now,
        actor: &actor,
        declarations: &[],
        profile_versions: &[],
    };
    expect_refusal(decide::decide(
        &f.case,
        &Command::SignSettlement {
            party: "H".into(),
            text_hash: HASH.into(),
            evidence: None,
        },
        &ctx,
    ))
}

fn state_approval_missing() -> Provoked {
    CaseBuilder::state_investor()
        .build(Milestone::Screening)?
        .refusal(sec(), Command::Register {})
}

fn state_exclusion() -> Provoked {
    let declaration = ExclusionDeclaration {
        id: "DECL-1".into(),
        state: CountryCode::parse("XB")?,
        categories: vec!["shared-watercourse".into()],
        text: "Borealia excludes disputes over shared watercourses.".into(),
        effective_from: jiff::Timestamp::UNIX_EPOCH,
    };
    CaseBuilder::state_state()
        .declarations(vec![declaration])
        .build(Milestone::Screening)?
        .refusal(sec(), Command::Register {})
}

fn text_hash_mismatch() -> Provoked {
    signing()?.refusal(
        party("H"),
        Command::SignSettlement {
            party: "H".into(),
            text_hash: "b".repeat(64),
            evidence: None,
        },
    )
}

fn third_state_consent_missing() -> Provoked {
    CaseBuilder::state_state()
        .build(Milestone::Screening)?
        .refusal(sec(), Command::Register {})
}

fn too_many_biddings() -> Provoked {
    let open = || Command::OpenBlindBidding {
        rules: bidding_rules("H", "I"),
    };
    let mut f = active()?;
    for _ in 0..crate::bidding::limits::BIDDINGS_MAX {
        f.act(&med(), &open())?;
    }
    f.refusal(med(), open())
}

fn too_many_negotiations() -> Provoked {
    let mut f = active()?;
    for _ in 0..crate::negotiation::limits::NEGOTIATIONS_MAX {
        f = open_negotiation(f)?;
    }
    f.refusal(med(), Command::OpenNegotiation { agenda: agenda(2) })
}

fn too_many_proposals() -> Provoked {
    // Two issues of fifteen options: more distinct packages than a negotiation may hold.
    let options: Vec<String> = (1..=15).map(|o| format!("{o}")).collect();
    let issue = |id: &str| crate::negotiation::AgendaIssue {
        id: id.into(),
        label: id.into(),
        options: options.clone(),
    };
    let propose = |n: usize| Command::ProposePackage {
        negotiation: "N1".into(),
        package: [
            ("price".to_owned(), options[n / 15 % 15].clone()),
            ("delivery".to_owned(), options[n % 15].clone()),
        ]
        .into_iter()
        .collect(),
    };
    let mut f = active()?.then(
        med(),
        Command::OpenNegotiation {
            agenda: Agenda {
                issues: vec![issue("price"), issue("delivery")],
            },
        },
    )?;
    let max = crate::negotiation::limits::PROPOSALS_MAX;
    for n in 0..max {
        f.act(&med(), &propose(n))?;
    }
    f.refusal(med(), propose(max))
}

fn withdrawal_before_protocol() -> Provoked {
    CaseBuilder::commercial()
        .with(|r| {
            r.profile_overrides
                .insert("withdrawal_requires_protocol".into(), json!(true));
        })
        .build(Milestone::Preparatory)?
        .refusal(party("I"), Command::Withdraw { party: "I".into() })
}

fn actor_required() -> Provoked {
    refused_filing(CaseBuilder::commercial().request(), &Actor::System)
}

fn duplicate_party() -> Provoked {
    let mut v = commercial_filing();
    v["parties"][1]["id"] = json!("H");
    filing_refused(v)
}

fn field_too_long() -> Provoked {
    let mut v = commercial_filing();
    v["title"] = json!("T".repeat(decide::limits::TITLE_MAX + 1));
    filing_refused(v)
}

fn invalid_agenda() -> Provoked {
    active()?.refusal(
        med(),
        Command::OpenNegotiation {
            agenda: Agenda { issues: vec![] },
        },
    )
}

fn invalid_bidding_rules() -> Provoked {
    active()?.refusal(
        med(),
        Command::OpenBlindBidding {
            rules: bidding_rules("H", "H"),
        },
    )
}

fn invalid_country_code() -> Provoked {
    expect_refusal(CountryCode::parse("hk"))
}

fn invalid_contact_email() -> Provoked {
    let mut v = commercial_filing();
    v["parties"][1]["contact"] = json!({"name": "Budi Santoso", "email": "budi at indah"});
    filing_refused(v)
}

fn invalid_identifier() -> Provoked {
    let mut v = commercial_filing();
    v["parties"][1]["id"] = json!("I and co");
    filing_refused(v)
}

fn invalid_invitation_period() -> Provoked {
    without_consent_of_i().build(Milestone::Screening)?.refusal(
        sec(),
        Command::SendInvitation {
            response_days: Some(3),
        },
    )
}

fn invalid_mediator_count() -> Provoked {
    CaseBuilder::commercial()
        .build(Milestone::Constituting)?
        .refusal(sec(), Command::AgreeMediatorCount { count: 4 })
}

fn invalid_package() -> Provoked {
    open_negotiation(active()?)?.refusal(
        med(),
        Command::ProposePackage {
            negotiation: "N1".into(),
            package: package("a thousand"),
        },
    )
}

fn invalid_party_count() -> Provoked {
    let mut v = commercial_filing();
    if let Some(parties) = v["parties"].as_array_mut() {
        parties.truncate(1);
    }
    filing_refused(v)
}

fn invalid_preferences() -> Provoked {
    let prefs: Preferences = serde_json::from_value(json!({
        "weights": {"colour": 10},
        "scores": {},
        "reservation": {"kind": "none"}
    }))
    .map_err(|e| SetupFailed(e.to_string()))?;
    expect_refusal(prefs.validate(&agenda(2)))
}

fn invalid_profile_override() -> Provoked {
    let mut v = commercial_filing();
    v["profile_overrides"] = json!({"lodging_fee_days": 100_000});
    filing_refused(v)
}

fn invalid_issues() -> Provoked {
    active()?.refusal(
        med(),
        Command::IndicateTermsAgreed {
            partial: true,
            settled_issues: vec!["Delivery schedule".into()],
            unsettled_issues: vec![],
        },
    )
}

fn invalid_time_zone() -> Provoked {
    let mut v = commercial_filing();
    let mut calendar = serde_json::to_value(crate::profile::Profile::iomed_default().calendar)
        .map_err(|e| SetupFailed(e.to_string()))?;
    calendar["time_zone"] = json!("Europe/Geneva");
    v["profile_overrides"] = json!({ "calendar": calendar });
    filing_refused(v)
}

fn invalid_settlement_draft() -> Provoked {
    let f = active()?;
    let draft: crate::settlement::SettlementDraft = serde_json::from_value(json!({
        "terms": {
            "parties": [{"party": "H", "place_of_business": "HK"}, {"party": "I", "place_of_business": "ID"}],
            "obligations": [],
            "governing_law": "",
            "dispute_clause": "HKIAC arbitration",
            "confidentiality": "confidential",
            "permitted_disclosure": "enforcement",
            "singapore_convention": true,
            "authoritative_language": "en"
        },
        "versions": [{"language": "en", "text": "SETTLEMENT AGREEMENT"}]
    }))
    .map_err(|e| SetupFailed(e.to_string()))?;
    expect_refusal(draft.validate(&f.case))
}

fn invalid_text_hash() -> Provoked {
    CaseBuilder::commercial()
        .build(Milestone::SettlementDrafting)?
        .refusal(
            party("H"),
            Command::ApproveFinalText {
                party: "H".into(),
                text_hash: "not a hash".into(),
            },
        )
}

fn invalid_time_limit() -> Provoked {
    active()?.refusal(sec(), Command::SetTimeLimit { days: 0 })
}

fn missing_field() -> Provoked {
    active()?.refusal(
        med(),
        Command::RecordConsultation {
            summary: "  ".into(),
        },
    )
}

fn no_break_glass_request() -> Provoked {
    active()?.refusal(
        sec(),
        Command::EndBreakGlass {
            operator: "op".into(),
        },
    )
}

fn not_a_state_entity() -> Provoked {
    CaseBuilder::commercial()
        .build(Milestone::Screening)?
        .refusal(
            sec(),
            Command::RecordStateApproval {
                party: "H".into(),
                instrument: "Ministerial approval".into(),
            },
        )
}

/// The policy refuses a grant to oneself first (403); this is the domain's second line, called
/// directly: a mediator proposing themselves as an expert in H's caucus.
fn self_grant() -> Provoked {
    let f = active()?;
    let mediator = Actor::User {
        id: "m".into(),
        role: GlobalRole::Mediator,
    };
    let ctx = Context {
        now: f.now,
        actor: &mediator,
        declarations: &[],
        profile_versions: &[],
    };
    let cmd = Command::AddParticipant {
        user_id: "m".into(),
        role: CaseRole::Expert {
            channels: vec![ChannelId::Caucus("H".into())],
        },
    };
    expect_refusal(decide::decide(&f.case, &cmd, &ctx))
}

/// H's representative approves a role no one proposed.
fn no_pending_grant() -> Provoked {
    active()?.refusal(
        party("H"),
        Command::ApproveParticipant {
            user_id: "expert".into(),
        },
    )
}

fn notes_are_the_mediators() -> Provoked {
    active()?.refusal(
        med(),
        Command::AddParticipant {
            user_id: "expert".into(),
            role: CaseRole::Expert {
                channels: vec![ChannelId::MediatorNotes],
            },
        },
    )
}

fn third_states_only_between_states() -> Provoked {
    let mut v = commercial_filing();
    v["third_states"] = json!([{"country": "XC", "name": "Caledonia", "representatives": []}]);
    filing_refused(v)
}

fn too_many_categories() -> Provoked {
    let mut v = commercial_filing();
    let max = decide::limits::CATEGORIES_MAX;
    v["subject_categories"] = json!((0..=max).map(|c| format!("c{c}")).collect::<Vec<_>>());
    filing_refused(v)
}

fn too_many_representatives() -> Provoked {
    let mut v = commercial_filing();
    let max = decide::limits::REPRESENTATIVES_MAX;
    let reps: Vec<Value> = (0..=max)
        .map(|r| json!({"user_id": format!("r{r}"), "name": format!("Counsel {r}"), "capacity": "counsel"}))
        .collect();
    v["parties"][0]["representatives"] = json!(reps);
    filing_refused(v)
}

fn too_many_third_states() -> Provoked {
    let mut v = serde_json::to_value(CaseBuilder::state_state().request())
        .map_err(|e| SetupFailed(e.to_string()))?;
    let max = decide::limits::THIRD_STATES_MAX;
    let states: Vec<Value> = (0..=max)
        .map(|i| {
            let code = format!("Y{}", char::from(b'A' + u8::try_from(i % 26).unwrap_or(0)));
            json!({"country": code, "name": format!("State {i}"), "representatives": []})
        })
        .collect();
    v["third_states"] = json!(states);
    filing_refused(v)
}

fn unknown_bidding() -> Provoked {
    let f = active()?;
    expect_refusal(decide::close_blind_round(&f.case, "B9", 1, None))
}

fn unknown_deposit() -> Provoked {
    CaseBuilder::commercial()
        .build(Milestone::Preparatory)?
        .refusal(
            sec(),
            Command::RecordDepositPaid {
                party: "Z".into(),
                paid_by: "H".into(),
            },
        )
}

fn unknown_negotiation() -> Provoked {
    active()?.refusal(
        med(),
        Command::ProposePackage {
            negotiation: "N9".into(),
            package: package("100"),
        },
    )
}

fn unknown_participant() -> Provoked {
    active()?.refusal(
        sec(),
        Command::RemoveParticipant {
            user_id: "nobody".into(),
        },
    )
}

fn unknown_party() -> Provoked {
    CaseBuilder::commercial()
        .build(Milestone::Screening)?
        .refusal(
            sec(),
            Command::RecordConsent {
                party: "Z".into(),
                consent: crate::party::ConsentBasis::PriorClause {
                    reference: "cl. 19".into(),
                },
            },
        )
}

fn unknown_profile() -> Provoked {
    let mut v = commercial_filing();
    v["profile"] = json!("no-such-rules");
    filing_refused(v)
}

/// The active commercial case with version 2 of its profile in force (it applies from the
/// fixture's time) and, when `future` is set, a version 3 that applies a year later.
fn with_newer_versions(future: bool) -> Result<Fixture, SetupFailed> {
    let mut f = active()?;
    let v2 = super::recorded_version(
        "iomed-default",
        &[],
        f.now,
        f.now,
        json!({"non_contracting_parties_served": true}),
    )?;
    f.profile_versions.push(v2);
    if future {
        let later = f.now + jiff::SignedDuration::from_hours(24 * 365);
        let v3 = super::recorded_version(
            "iomed-default",
            &f.profile_versions,
            f.now,
            later,
            json!({"inactivity_days": 150}),
        )?;
        f.profile_versions.push(v3);
    }
    Ok(f)
}

fn unknown_profile_version() -> Provoked {
    with_newer_versions(false)?.refusal(
        party("H"),
        Command::AgreeProfileVersion {
            party: "H".into(),
            version: 7,
        },
    )
}

fn profile_version_not_newer() -> Provoked {
    active()?.refusal(
        party("H"),
        Command::AgreeProfileVersion {
            party: "H".into(),
            version: 1,
        },
    )
}

fn profile_version_not_in_force() -> Provoked {
    with_newer_versions(true)?.refusal(
        party("H"),
        Command::AgreeProfileVersion {
            party: "H".into(),
            version: 3,
        },
    )
}

fn invalid_rule_decision() -> Provoked {
    let input = crate::rule_change::DecisionInput {
        text: "The Governing Council decided.".into(),
        decided_on: jiff::civil::date(2026, 1, 15),
        in_force_from: None,
        changes: [("inactivity_days".to_owned(), json!(0))].into(),
    };
    expect_refusal(crate::rule_change::decide_rule_change(
        "iomed-default",
        &input,
        &[],
        super::start_time(),
    ))
}

fn unknown_proposal() -> Provoked {
    let f = open_negotiation(active()?)?;
    expect_refusal(decide::conclude_package(&f.case, "N1", "P9"))
}

fn unknown_seat() -> Provoked {
    active()?.refusal(
        sec(),
        Command::RecordVacancy {
            reason: "Resigned".into(),
            seat: Some("someone-else".into()),
        },
    )
}

fn unknown_representative() -> Provoked {
    CaseBuilder::commercial()
        .build(Milestone::Screening)?
        .refusal(
            sec(),
            Command::RecordAuthority {
                party: "H".into(),
                user_id: "i".into(),
                document: "Power of attorney".into(),
                scopes: None,
            },
        )
}

fn unknown_third_state() -> Provoked {
    CaseBuilder::state_state()
        .build(Milestone::Screening)?
        .refusal(
            sec(),
            Command::RecordThirdStateConsent {
                country: CountryCode::parse("XZ")?,
                instrument: "Note verbale".into(),
            },
        )
}
