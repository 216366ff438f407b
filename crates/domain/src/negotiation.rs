//! Negotiation inside a case: the mediator's agenda, the parties' private preferences over it,
//! the packages the mediator proposes and the one the parties accept.
//!
//! What is public to every party (recorded as case events): the agenda, each proposed package,
//! and the package every party accepted. What is private (never in the case log, sealed at rest by
//! the application): each party's preferences and its answer to each proposal. A party's answers
//! stay with the mediator until every party has accepted; only then is the agreement recorded, so
//! a party never learns that the other side accepted a package it declined.
//!
//! Utilities are exact integers: a party gives each issue a weight (points) and each option a
//! score from 0 to 100; a package is worth the sum over issues of weight × score.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode};

/// Limits on an agenda and on preferences.
pub mod limits {
    /// Most issues on one agenda.
    pub const ISSUES_MAX: usize = 12;
    /// Most options of one issue.
    pub const OPTIONS_MAX: usize = 40;
    /// Most packages an agenda may span (the product of the option counts).
    pub const OUTCOMES_MAX: u64 = 10_000_000;
    /// Longest issue id, label or option text, in bytes.
    pub const TEXT_MAX: usize = 200;
    /// Largest weight of one issue.
    pub const WEIGHT_MAX: u32 = 1000;
    /// Largest score of one option.
    pub const SCORE_MAX: u32 = 100;
    /// Most negotiations in one case.
    pub const NEGOTIATIONS_MAX: usize = 20;
    /// Most proposals in one negotiation.
    pub const PROPOSALS_MAX: usize = 200;
}

/// One issue on the agenda, with its options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaIssue {
    /// Stable id within the agenda (letters, digits, `-`, `_`), such as `price`.
    pub id: String,
    /// What the issue is, as the parties read it.
    pub label: String,
    /// The options, each a short text, in the order shown.
    pub options: Vec<String>,
}

/// The agenda of a negotiation: the issues and their options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agenda {
    /// The issues, in the order shown.
    pub issues: Vec<AgendaIssue>,
}

/// A package: one option chosen for every issue (issue id → option text).
pub type Package = BTreeMap<String, String>;

fn invalid(code: ErrorCode, message: impl Into<String>) -> DomainError {
    DomainError::invalid(code, message)
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn valid_text(s: &str) -> bool {
    !s.trim().is_empty() && s.len() <= limits::TEXT_MAX && !s.chars().any(char::is_control)
}

impl Agenda {
    /// Checks the agenda: 1 to 12 issues with distinct ids, each with 2 to 40 distinct options,
    /// spanning at most ten million packages. Errors carry `invalid-agenda`.
    pub fn validate(&self) -> Result<(), DomainError> {
        let bad = |m: String| invalid(ErrorCode::InvalidAgenda, m);
        if self.issues.is_empty() || self.issues.len() > limits::ISSUES_MAX {
            return Err(bad(format!(
                "an agenda has 1 to {} issues, not {}",
                limits::ISSUES_MAX,
                self.issues.len()
            )));
        }
        let mut outcomes: u64 = 1;
        for (i, issue) in self.issues.iter().enumerate() {
            if !valid_id(&issue.id) {
                return Err(bad(format!(
                    "issue {} needs an id of 1 to 64 letters, digits, '-' or '_'",
                    i + 1
                )));
            }
            if self.issues[..i].iter().any(|x| x.id == issue.id) {
                return Err(bad(format!("the issue id '{}' is used twice", issue.id)));
            }
            if !valid_text(&issue.label) {
                return Err(bad(format!(
                    "issue '{}' needs a label of 1 to {} bytes without control characters",
                    issue.id,
                    limits::TEXT_MAX
                )));
            }
            let n = issue.options.len();
            if !(2..=limits::OPTIONS_MAX).contains(&n) {
                return Err(bad(format!(
                    "issue '{}' needs 2 to {} options, not {n}",
                    issue.id,
                    limits::OPTIONS_MAX
                )));
            }
            for (k, o) in issue.options.iter().enumerate() {
                if !valid_text(o) {
                    return Err(bad(format!(
                        "option {} of issue '{}' must be 1 to {} bytes without control characters",
                        k + 1,
                        issue.id,
                        limits::TEXT_MAX
                    )));
                }
                if issue.options[..k].contains(o) {
                    return Err(bad(format!(
                        "issue '{}' lists the option '{o}' twice",
                        issue.id
                    )));
                }
            }
            outcomes = outcomes.saturating_mul(n as u64);
        }
        if outcomes > limits::OUTCOMES_MAX {
            return Err(bad(format!(
                "the agenda spans {outcomes} packages; at most {} can be analysed — split it into \
                 separate negotiations",
                limits::OUTCOMES_MAX
            )));
        }
        Ok(())
    }

    /// The issue with this id.
    pub fn issue(&self, id: &str) -> Option<&AgendaIssue> {
        self.issues.iter().find(|i| i.id == id)
    }

    /// Checks that a package names exactly one listed option for every issue (`invalid-package`).
    pub fn check_package(&self, package: &Package) -> Result<(), DomainError> {
        let bad = |m: String| invalid(ErrorCode::InvalidPackage, m);
        for issue in &self.issues {
            match package.get(&issue.id) {
                None => {
                    return Err(bad(format!(
                        "the package chooses no option for issue '{}'",
                        issue.id
                    )));
                }
                Some(o) if !issue.options.contains(o) => {
                    return Err(bad(format!(
                        "'{o}' is not an option of issue '{}'",
                        issue.id
                    )));
                }
                Some(_) => {}
            }
        }
        if let Some(extra) = package.keys().find(|k| self.issue(k).is_none()) {
            return Err(bad(format!("'{extra}' is not an issue on the agenda")));
        }
        Ok(())
    }

    /// A package as option indices, issue by issue (None if it does not fit the agenda).
    pub fn indices(&self, package: &Package) -> Option<Vec<usize>> {
        self.issues
            .iter()
            .map(|i| {
                let o = package.get(&i.id)?;
                i.options.iter().position(|x| x == o)
            })
            .collect()
    }

    /// The package with these option indices (None if an index is out of range).
    pub fn package(&self, indices: &[usize]) -> Option<Package> {
        if indices.len() != self.issues.len() {
            return None;
        }
        self.issues
            .iter()
            .zip(indices)
            .map(|(i, &k)| Some((i.id.clone(), i.options.get(k)?.clone())))
            .collect()
    }
}

/// What a party will not go below.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Reservation {
    /// No reservation stated (the disagreement point is zero).
    None,
    /// A utility value, on the party's own scale (sum of weight × score).
    Value {
        /// The disagreement point: no agreement is worth this much to the party; at most the value
        /// of its best package (`invalid-preferences`).
        value: u64,
    },
    /// A package as good as no agreement (its utility is the reservation value).
    Package {
        /// Issue id → option text, one listed option per issue; its value under these preferences
        /// is the reservation value.
        package: Package,
    },
}

/// One party's private preferences over an agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    /// Points per issue id (0 to 1000; at least one issue above 0).
    pub weights: BTreeMap<String, u32>,
    /// Score per option of each issue (issue id → option → 0 to 100). Options left out score 0.
    pub scores: BTreeMap<String, BTreeMap<String, u32>>,
    /// The reservation: a value or a package.
    pub reservation: Reservation,
}

impl Preferences {
    /// Checks the preferences against the agenda (`invalid-preferences`).
    pub fn validate(&self, agenda: &Agenda) -> Result<(), DomainError> {
        let bad = |m: String| invalid(ErrorCode::InvalidPreferences, m);
        for (issue, w) in &self.weights {
            if agenda.issue(issue).is_none() {
                return Err(bad(format!("'{issue}' is not an issue on the agenda")));
            }
            if *w > limits::WEIGHT_MAX {
                return Err(bad(format!(
                    "the weight of '{issue}' is {w}; weights are 0 to {}",
                    limits::WEIGHT_MAX
                )));
            }
        }
        if self.weights.values().all(|w| *w == 0) {
            return Err(bad(
                "give at least one issue a weight above 0 (issues left out weigh 0)".into(),
            ));
        }
        for (issue, scores) in &self.scores {
            let Some(i) = agenda.issue(issue) else {
                return Err(bad(format!("'{issue}' is not an issue on the agenda")));
            };
            for (o, s) in scores {
                if !i.options.contains(o) {
                    return Err(bad(format!("'{o}' is not an option of issue '{issue}'")));
                }
                if *s > limits::SCORE_MAX {
                    return Err(bad(format!(
                        "the score of '{o}' in '{issue}' is {s}; scores are 0 to {}",
                        limits::SCORE_MAX
                    )));
                }
            }
        }
        match &self.reservation {
            Reservation::None => {}
            Reservation::Value { value } => {
                let best = self.best(agenda);
                if *value > best {
                    return Err(bad(format!(
                        "the reservation value {value} is above the best package's value {best}: \
                         no package could ever be acceptable"
                    )));
                }
            }
            Reservation::Package { package } => agenda
                .check_package(package)
                .map_err(|e| bad(format!("the reservation package: {e}")))?,
        }
        Ok(())
    }

    /// The weight × score term of option `k` of issue `i` (validated inputs).
    pub fn term(&self, agenda: &Agenda, issue: usize, option: usize) -> u64 {
        let Some(i) = agenda.issues.get(issue) else {
            return 0;
        };
        let w = u64::from(self.weights.get(&i.id).copied().unwrap_or(0));
        let s = i
            .options
            .get(option)
            .and_then(|o| self.scores.get(&i.id).and_then(|m| m.get(o)))
            .copied()
            .unwrap_or(0);
        w * u64::from(s)
    }

    /// What a package is worth to this party.
    pub fn utility(&self, agenda: &Agenda, package: &Package) -> Option<u64> {
        let idx = agenda.indices(package)?;
        Some(
            idx.iter()
                .enumerate()
                .map(|(i, &k)| self.term(agenda, i, k))
                .sum(),
        )
    }

    /// The best value any package can have for this party.
    pub fn best(&self, agenda: &Agenda) -> u64 {
        (0..agenda.issues.len())
            .map(|i| {
                (0..agenda.issues[i].options.len())
                    .map(|k| self.term(agenda, i, k))
                    .max()
                    .unwrap_or(0)
            })
            .sum()
    }

    /// The reservation as a value (0 when none is stated).
    pub fn reservation_value(&self, agenda: &Agenda) -> u64 {
        match &self.reservation {
            Reservation::None => 0,
            Reservation::Value { value } => *value,
            Reservation::Package { package } => self.utility(agenda, package).unwrap_or(0),
        }
    }
}

/// A package the mediator put to the parties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Proposal {
    /// Id within the negotiation (`P1`, `P2`, …).
    pub id: String,
    /// The option put forward for each issue (issue id → option text), checked against the agenda.
    pub package: Package,
    /// When (RFC 3339).
    #[schemars(with = "String")]
    pub proposed_at: jiff::Timestamp,
}

/// A negotiation as the case record holds it (public to the case's participants).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Negotiation {
    /// Id within the case (`N1`, `N2`, …).
    pub id: String,
    /// The issues and options the mediator opened it on; preferences and proposals must fit them.
    pub agenda: Agenda,
    /// When it opened.
    #[schemars(with = "String")]
    pub opened_at: jiff::Timestamp,
    /// The proposals, in order.
    pub proposals: Vec<Proposal>,
    /// The proposal every party accepted, once they have.
    pub agreed: Option<String>,
}

impl Negotiation {
    /// The proposal with this id.
    pub fn proposal(&self, id: &str) -> Option<&Proposal> {
        self.proposals.iter().find(|p| p.id == id)
    }

    /// The agreed package, if any.
    pub fn agreed_package(&self) -> Option<&Package> {
        self.agreed
            .as_deref()
            .and_then(|id| self.proposal(id))
            .map(|p| &p.package)
    }
}

/// A party's private answer to a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    /// The party accepts the package.
    Accept,
    /// The party declines it.
    Decline,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agenda() -> Agenda {
        Agenda {
            issues: vec![
                AgendaIssue {
                    id: "price".into(),
                    label: "Price".into(),
                    options: vec!["10".into(), "20".into(), "30".into()],
                },
                AgendaIssue {
                    id: "delivery".into(),
                    label: "Delivery".into(),
                    options: vec!["May".into(), "June".into()],
                },
            ],
        }
    }

    fn pkg(p: &str, d: &str) -> Package {
        [("price".into(), p.into()), ("delivery".into(), d.into())]
            .into_iter()
            .collect()
    }

    fn prefs() -> Preferences {
        Preferences {
            weights: [("price".into(), 70), ("delivery".into(), 30)]
                .into_iter()
                .collect(),
            scores: [
                (
                    "price".into(),
                    [("10".into(), 0), ("20".into(), 50), ("30".into(), 100)]
                        .into_iter()
                        .collect(),
                ),
                (
                    "delivery".into(),
                    [("June".into(), 100)].into_iter().collect(),
                ),
            ]
            .into_iter()
            .collect(),
            reservation: Reservation::Package {
                package: pkg("20", "May"),
            },
        }
    }

    #[test]
    fn utility_is_the_weighted_sum_of_scores() {
        let a = agenda();
        let p = prefs();
        p.validate(&a).unwrap();
        assert_eq!(p.utility(&a, &pkg("30", "June")), Some(70 * 100 + 30 * 100));
        assert_eq!(p.utility(&a, &pkg("20", "May")), Some(70 * 50));
        assert_eq!(p.best(&a), 10_000);
        assert_eq!(p.reservation_value(&a), 3500);
        assert_eq!(p.utility(&a, &pkg("25", "May")), None);
    }

    #[test]
    fn agenda_errors_name_the_problem() {
        let mut a = agenda();
        a.issues[1].id = "price".into();
        assert_eq!(a.validate().unwrap_err().code(), ErrorCode::InvalidAgenda);
        let mut a = agenda();
        a.issues[0].options = vec!["only".into()];
        assert!(a.validate().unwrap_err().to_string().contains("2 to 40"));
        let mut a = agenda();
        a.issues[0].options[1] = "10".into();
        assert!(a.validate().unwrap_err().to_string().contains("twice"));
        let mut a = agenda();
        a.issues[0].label = "bad\u{202e}label\n".into();
        assert_eq!(a.validate().unwrap_err().code(), ErrorCode::InvalidAgenda);
        let big = Agenda {
            issues: (0..12)
                .map(|i| AgendaIssue {
                    id: format!("i{i}"),
                    label: "x".into(),
                    options: (0..5).map(|k| k.to_string()).collect(),
                })
                .collect(),
        };
        assert!(big.validate().unwrap_err().to_string().contains("split"));
        agenda().validate().unwrap();
    }

    #[test]
    fn packages_must_fit_the_agenda() {
        let a = agenda();
        a.check_package(&pkg("10", "May")).unwrap();
        assert_eq!(
            a.check_package(&pkg("15", "May")).unwrap_err().code(),
            ErrorCode::InvalidPackage
        );
        let mut extra = pkg("10", "May");
        extra.insert("colour".into(), "red".into());
        assert!(a.check_package(&extra).is_err());
        let mut missing = pkg("10", "May");
        missing.remove("delivery");
        assert!(a.check_package(&missing).is_err());
        assert_eq!(a.package(&[2, 1]), Some(pkg("30", "June")));
        assert_eq!(a.package(&[3, 1]), None);
    }

    #[test]
    fn preference_errors_are_refused() {
        let a = agenda();
        let mut p = prefs();
        p.weights.insert("price".into(), 1001);
        assert_eq!(
            p.validate(&a).unwrap_err().code(),
            ErrorCode::InvalidPreferences
        );
        let mut p = prefs();
        p.weights = [("price".into(), 0)].into_iter().collect();
        assert!(p.validate(&a).is_err());
        let mut p = prefs();
        p.scores.get_mut("price").unwrap().insert("40".into(), 10);
        assert!(p.validate(&a).is_err());
        let mut p = prefs();
        p.reservation = Reservation::Value { value: 10_001 };
        assert!(
            p.validate(&a)
                .unwrap_err()
                .to_string()
                .contains("could ever")
        );
        let mut p = prefs();
        p.reservation = Reservation::Package {
            package: pkg("11", "May"),
        };
        assert!(p.validate(&a).is_err());
    }
}
