//! The domain's guard tests: every code of the registry is provoked by a scenario that drives a
//! case with a `CaseBuilder` and is refused with exactly that code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeSet;

use accord_domain::ErrorCode;
use accord_domain::refusals::refusals;
use accord_domain::testing::guards::GUARD_TESTS;
use accord_domain::testing::take_refused_step;

#[test]
fn every_scenario_is_refused_with_its_code() {
    let mut failures = vec![];
    for t in GUARD_TESTS {
        match (t.provoke)() {
            Ok(e) if e.code() == t.code => {}
            Ok(e) => failures.push(format!("{}: refused with {} ({e})", t.code, e.code())),
            Err(setup) => failures.push(format!("{}: {setup}", t.code)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_code_has_one_scenario() {
    let mut seen = BTreeSet::new();
    for t in GUARD_TESTS {
        assert!(seen.insert(t.code), "{} has two scenarios", t.code);
    }
    let missing: Vec<&str> = ErrorCode::ALL
        .iter()
        .filter(|c| !seen.contains(*c))
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "no scenario provokes {missing:?}");
}

/// Each scenario refused at a case step is refused with a code that step lists
/// (`refusals::refusals`, given per action in the OpenAPI document).
#[test]
fn every_refusal_of_a_step_is_one_that_step_lists() {
    let mut failures = vec![];
    let mut tied = 0;
    for t in GUARD_TESTS {
        take_refused_step();
        let Ok(e) = (t.provoke)() else { continue };
        if let Some(kind) = take_refused_step() {
            tied += 1;
            if !refusals(kind).contains(&e.code()) {
                failures.push(format!(
                    "{}: refused with {} not listed",
                    kind.name(),
                    e.code()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(tied >= 60, "only {tied} scenarios were refused at a step");
}

/// Every code a step lists is one of the registry's, listed once.
#[test]
fn the_lists_hold_registry_codes_once() {
    for kind in accord_domain::CommandKind::ALL {
        let list = refusals(*kind);
        let unique: BTreeSet<_> = list.iter().collect();
        assert_eq!(unique.len(), list.len(), "{}", kind.name());
        assert!(list.contains(&ErrorCode::TransitionNotAllowed));
    }
}
