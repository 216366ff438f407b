//! Rule changes by the governing bodies as versioned profile data (`rule_change`): a decision
//! makes the next version of a preset; filing takes the version in force, screening registers
//! under the version in force, and a registered case keeps its version until every party agrees.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use accord_domain::ErrorCode;
use accord_domain::command::Command;
use accord_domain::deadline::DeadlineKind;
use accord_domain::event::{CaseEvent, ProfileAdoption};
use accord_domain::profile::Profile;
use accord_domain::rule_change::{self, DecisionInput, ProfileVersion};
use accord_domain::testing::{By, CaseBuilder, Fixture, Milestone, recorded_version, start_time};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

fn input(changes: serde_json::Value) -> DecisionInput {
    DecisionInput {
        text: "Decision GC/2026/3: non-contracting States may use the Organization's mediation."
            .into(),
        decided_on: jiff::civil::date(2026, 1, 20),
        in_force_from: None,
        changes: serde_json::from_value(changes).unwrap(),
    }
}

/// Version 2 of the IOMed default, opening the Organization to non-contracting parties, in force
/// from `from`, recorded at `at`.
fn non_contracting_decision(at: Timestamp, from: Timestamp) -> ProfileVersion {
    recorded_version(
        "iomed-default",
        &[],
        at,
        from,
        json!({"non_contracting_parties_served": true, "inactivity_days": 150}),
    )
    .unwrap()
}

#[test]
fn a_decision_makes_the_next_version_and_takes_the_pending_mark_away() {
    let base = Profile::iomed_default();
    assert!(
        base.pending_rules
            .iter()
            .any(|r| r.field == "non_contracting_parties_served"),
        "the IOMed default marks the non-contracting rule as pending"
    );
    let now = start_time();
    let v2 = rule_change::decide_rule_change(
        "iomed-default",
        &input(json!({"non_contracting_parties_served": true})),
        &[],
        now,
    )
    .unwrap();
    assert_eq!(v2.version, 2);
    assert!(v2.non_contracting_parties_served);
    assert!(
        !v2.pending_rules
            .iter()
            .any(|r| r.field == "non_contracting_parties_served")
    );
    assert_eq!(v2.pending_rules.len(), base.pending_rules.len() - 1);
    assert!(v2.pending_governing_council_rules, "other rules still pend");
    assert_eq!(v2.decisions.len(), 1);
    assert_eq!(v2.decisions[0].version, 2);
    assert_eq!(
        v2.decisions[0].in_force_from, now,
        "applies from now when not said"
    );
    // Everything the decision did not set is the previous version's.
    assert_eq!(v2.acceptance_days, base.acceptance_days);
    assert_eq!(v2.calendar, base.calendar);

    let recorded = ProfileVersion {
        profile: v2,
        recorded_by: "sg".into(),
        recorded_at: now,
    };
    let v3 = rule_change::decide_rule_change(
        "iomed-default",
        &input(json!({"acceptance_days": 25})),
        std::slice::from_ref(&recorded),
        now,
    )
    .unwrap();
    assert_eq!(v3.version, 3);
    assert!(v3.non_contracting_parties_served, "built on version 2");
    assert_eq!(v3.acceptance_days, 25);
    assert_eq!(v3.decisions.len(), 2, "the audit of every decision travels");
}

#[test]
fn a_decision_that_cannot_be_recorded_is_refused_with_its_code() {
    let now = start_time();
    let later = now + days(30);
    let v2 = non_contracting_decision(now, later);
    let cases: Vec<(DecisionInput, Vec<ProfileVersion>)> = vec![
        (
            DecisionInput {
                text: "  ".into(),
                ..input(json!({"inactivity_days": 100}))
            },
            vec![],
        ),
        (
            DecisionInput {
                decided_on: jiff::civil::date(2027, 6, 1),
                ..input(json!({"inactivity_days": 100}))
            },
            vec![],
        ),
        (
            DecisionInput {
                in_force_from: Some(now - SignedDuration::from_secs(60)),
                ..input(json!({"inactivity_days": 100}))
            },
            vec![],
        ),
        // A later version cannot apply before the one it follows.
        (
            DecisionInput {
                in_force_from: Some(now + days(10)),
                ..input(json!({"inactivity_days": 100}))
            },
            vec![v2],
        ),
        (input(json!({})), vec![]),
        (input(json!({"inactivity_days": 0})), vec![]),
        (input(json!({"inactivity_days": 731})), vec![]),
        (input(json!({"inactivity_days": "ninety"})), vec![]),
        (input(json!({"version": 9})), vec![]),
        (input(json!({"pending_rules": []})), vec![]),
        (input(json!({"relay_default": "whenever"})), vec![]),
        (input(json!({"name": " "})), vec![]),
    ];
    for (i, versions) in cases {
        let e = rule_change::decide_rule_change("iomed-default", &i, &versions, now).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidRuleDecision, "{i:?}");
    }
    let e = rule_change::decide_rule_change(
        "no-such-rules",
        &input(json!({"inactivity_days": 100})),
        &[],
        now,
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownProfile);
}

#[test]
fn the_version_in_force_changes_at_its_instant_and_not_before() {
    let now = start_time();
    let from = now + days(10);
    let versions = vec![non_contracting_decision(now, from)];
    let before = rule_change::in_force(
        "iomed-default",
        &versions,
        from - SignedDuration::from_millis(1),
    )
    .unwrap();
    assert_eq!(before.version, 1);
    assert_eq!(
        rule_change::in_force("iomed-default", &versions, from)
            .unwrap()
            .version,
        2
    );
    // Other presets are not touched by a decision on the IOMed default.
    assert_eq!(
        rule_change::in_force("uncitral-2021", &versions, from)
            .unwrap()
            .version,
        1
    );
}

#[test]
fn a_request_is_filed_under_the_version_in_force_with_its_overrides() {
    let now = start_time();
    let mut filing = accord_domain::testing::commercial_filing();
    filing["profile_overrides"] = json!({"acceptance_days": 25});
    let f = CaseBuilder::from_json(filing)
        .profile_versions(vec![non_contracting_decision(now, now)])
        .build(Milestone::Draft)
        .unwrap();
    assert_eq!(f.case.profile.version, 2);
    assert!(f.case.profile.non_contracting_parties_served);
    assert_eq!(f.case.profile.acceptance_days, 25);
    assert_eq!(
        f.case.profile.case_overrides.get("acceptance_days"),
        Some(&json!(25))
    );
}

/// A State–State request naming a non-contracting State, at screening.
fn non_contracting_request() -> Fixture {
    let mut v = serde_json::to_value(CaseBuilder::state_state().request()).unwrap();
    v["third_states"] = json!([]);
    v["parties"][1]["kind"]["status"] = json!("non-contracting");
    v["profile_overrides"] = json!({"acceptance_days": 25});
    CaseBuilder::from_json(v)
        .build(Milestone::Screening)
        .unwrap()
}

#[test]
fn screening_applies_the_version_in_force_at_registration() {
    let mut f = non_contracting_request();
    assert_eq!(f.case.profile.version, 1);
    let refused = f.refusal(By::Secretariat, Command::Register {}).unwrap();
    assert_eq!(refused.code(), ErrorCode::GuardNonContractingRules);

    // The Governing Council's decision applies from tomorrow: still refused today.
    let tomorrow = f.now + days(1);
    f.profile_versions = vec![non_contracting_decision(f.now, tomorrow)];
    let refused = f.refusal(By::Secretariat, Command::Register {}).unwrap();
    assert_eq!(refused.code(), ErrorCode::GuardNonContractingRules);

    f.now = tomorrow;
    let events = f.act(&By::Secretariat, &Command::Register {}).unwrap();
    let CaseEvent::ProfileVersionAdopted { profile, ground } = &events[0].event else {
        panic!("screening first moves the request to the version in force: {events:?}");
    };
    assert_eq!(*ground, ProfileAdoption::Screening);
    assert_eq!(profile.version, 2);
    assert!(matches!(events[1].event, CaseEvent::CaseRegistered { .. }));
    assert_eq!(f.case.profile.version, 2);
    assert_eq!(f.case.profile.inactivity_days, 150);
    assert_eq!(
        f.case.profile.acceptance_days, 25,
        "the request's own overrides are kept"
    );
}

fn agree(party: &str, version: u32) -> Command {
    Command::AgreeProfileVersion {
        party: party.into(),
        version,
    }
}

#[test]
fn a_registered_case_keeps_its_version_until_every_party_agrees() {
    let mut f = CaseBuilder::commercial().build(Milestone::Active).unwrap();
    let inactivity_before = f.case.profile.inactivity_days;
    f.profile_versions = vec![non_contracting_decision(f.now, f.now)];
    let time_limit = f
        .act(&By::Secretariat, &Command::SetTimeLimit { days: 90 })
        .unwrap();
    assert!(!time_limit.is_empty());
    let due_before = f
        .case
        .deadlines
        .iter()
        .find(|d| d.kind == DeadlineKind::TimeLimit)
        .map(|d| d.due_at)
        .unwrap();

    // Recording a decision changes nothing in a running case.
    assert_eq!(f.case.profile.version, 1);

    let first = f.act(&By::Party("H".into()), &agree("H", 2)).unwrap();
    assert_eq!(first.len(), 1, "one party's agreement alone adopts nothing");
    assert_eq!(f.case.profile.version, 1);
    assert_eq!(f.case.profile_agreements.get("H"), Some(&2));
    let again = f.refusal(By::Party("H".into()), agree("H", 2)).unwrap();
    assert_eq!(again.code(), ErrorCode::GuardAlreadyRecorded);

    let last = f.act(&By::Party("I".into()), &agree("I", 2)).unwrap();
    let CaseEvent::ProfileVersionAdopted { ground, .. } = &last[1].event else {
        panic!("the last party's agreement adopts the version: {last:?}");
    };
    assert_eq!(*ground, ProfileAdoption::PartiesAgreed);
    assert_eq!(f.case.profile.version, 2);
    assert_eq!(f.case.profile.inactivity_days, 150);
    assert_ne!(inactivity_before, 150);
    assert!(f.case.profile_agreements.is_empty());
    let due_after = f
        .case
        .deadlines
        .iter()
        .find(|d| d.kind == DeadlineKind::TimeLimit)
        .map(|d| d.due_at)
        .unwrap();
    assert_eq!(due_before, due_after, "a running period keeps its date");

    // Nothing newer is left to agree to.
    let done = f.refusal(By::Party("H".into()), agree("H", 2)).unwrap();
    assert_eq!(done.code(), ErrorCode::GuardProfileVersionNotNewer);
}

#[test]
fn a_party_agrees_only_for_itself() {
    let mut f = CaseBuilder::commercial().build(Milestone::Active).unwrap();
    f.profile_versions = vec![non_contracting_decision(f.now, f.now)];
    // H's representative cannot agree for I: the policy refuses before the rules are asked.
    assert!(f.decide(&By::Party("H".into()), &agree("I", 2)).is_err());
    // Before registration there is nothing to agree to: screening applies the version in force.
    let g = CaseBuilder::commercial()
        .profile_versions(vec![])
        .build(Milestone::Screening)
        .unwrap();
    let mut g = g;
    g.profile_versions = vec![non_contracting_decision(g.now, g.now)];
    let e = g.refusal(By::Party("H".into()), agree("H", 2)).unwrap();
    assert_eq!(e.code(), ErrorCode::TransitionNotAllowed);
}
