//! The domain's guard tests: every code of the registry is provoked by a scenario that drives a
//! case with a `CaseBuilder` and is refused with exactly that code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeSet;

use accord_domain::ErrorCode;
use accord_domain::testing::guards::GUARD_TESTS;

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
