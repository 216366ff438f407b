//! Outcome spaces and additive utility profiles.

use crate::NegotiateError;
use crate::rational::Q;

/// An issue with discrete options (integer ranges are enumerated as options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Name.
    pub name: String,
    /// Option labels.
    pub values: Vec<String>,
}

/// One party's additive utility: a term per issue and option, in exact rationals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilityProfile {
    /// Party name (the profile's file name, without extension).
    pub name: String,
    /// `terms[issue][option]`.
    pub terms: Vec<Vec<Q>>,
    /// Reservation value on the same scale, if the profile states one.
    pub reservation: Option<Q>,
}

/// A negotiation problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The issues.
    pub issues: Vec<Issue>,
    /// The parties' profiles, in order.
    pub profiles: Vec<UtilityProfile>,
}

/// The same problem with each party's utilities scaled to integers by one positive factor per
/// party (the least common denominator of its terms): comparisons are exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntProblem {
    /// The issues.
    pub issues: Vec<Issue>,
    /// Party names.
    pub parties: Vec<String>,
    /// `terms[issue][option][party]`, scaled.
    pub terms: Vec<Vec<Vec<i128>>>,
    /// Per party: the scale (utility = scaled / scale).
    pub scale: Vec<i128>,
    /// Per party: the scaled reservation value.
    pub reservation: Vec<Option<i128>>,
}

impl Problem {
    /// Checks shapes: every profile has a term for every option of every issue.
    pub fn validate(&self) -> Result<(), NegotiateError> {
        if self.profiles.len() < 2 {
            return Err(NegotiateError::new(
                "too-few-parties",
                "a negotiation needs at least two profiles",
            ));
        }
        if self.issues.is_empty() || self.issues.iter().any(|i| i.values.is_empty()) {
            return Err(NegotiateError::new(
                "empty-domain",
                "the domain has no issue, or an issue without options",
            ));
        }
        for p in &self.profiles {
            if p.terms.len() != self.issues.len()
                || p.terms
                    .iter()
                    .zip(&self.issues)
                    .any(|(t, i)| t.len() != i.values.len())
            {
                return Err(NegotiateError::new(
                    "profile-domain-mismatch",
                    format!(
                        "profile '{}' does not value every option of every issue",
                        p.name
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Number of outcomes (saturating).
    pub fn outcomes(&self) -> u128 {
        self.issues
            .iter()
            .fold(1u128, |acc, i| acc.saturating_mul(i.values.len() as u128))
    }

    /// Scales every party's terms to integers.
    pub fn to_integers(&self) -> Result<IntProblem, NegotiateError> {
        self.validate()?;
        let mut terms: Vec<Vec<Vec<i128>>> = self
            .issues
            .iter()
            .map(|i| vec![Vec::with_capacity(self.profiles.len()); i.values.len()])
            .collect();
        let mut scale = vec![];
        let mut reservation = vec![];
        for p in &self.profiles {
            let mut l: i128 = 1;
            for t in p.terms.iter().flatten().chain(p.reservation.iter()) {
                l = Q::lcm(l, t.d)?;
            }
            let overflow = || {
                NegotiateError::new(
                    "precision-overflow",
                    format!(
                        "profile '{}' needs more than 128-bit exact arithmetic",
                        p.name
                    ),
                )
            };
            // The largest possible |sum| must fit too, so that every outcome's sum is exact.
            let mut bound: i128 = 0;
            for (i, issue_terms) in p.terms.iter().enumerate() {
                let mut max_abs: i128 = 0;
                for (k, t) in issue_terms.iter().enumerate() {
                    let v = t.n.checked_mul(l / t.d).ok_or_else(overflow)?;
                    max_abs = max_abs.max(v.checked_abs().ok_or_else(overflow)?);
                    terms[i][k].push(v);
                }
                bound = bound.checked_add(max_abs).ok_or_else(overflow)?;
            }
            scale.push(l);
            reservation.push(match p.reservation {
                Some(r) => Some(r.n.checked_mul(l / r.d).ok_or_else(overflow)?),
                None => None,
            });
        }
        Ok(IntProblem {
            issues: self.issues.clone(),
            parties: self.profiles.iter().map(|p| p.name.clone()).collect(),
            terms,
            scale,
            reservation,
        })
    }
}

impl IntProblem {
    /// Number of parties.
    pub fn parties(&self) -> usize {
        self.parties.len()
    }

    /// The scaled utilities of an outcome (one option index per issue).
    pub fn evaluate(&self, outcome: &[usize]) -> Vec<i128> {
        let mut u = vec![0i128; self.parties()];
        for (i, &k) in outcome.iter().enumerate() {
            for (j, x) in self.terms[i][k].iter().enumerate() {
                u[j] += x;
            }
        }
        u
    }

    /// Per party, the minimum and maximum scaled utility over all outcomes.
    pub fn range(&self) -> Vec<(i128, i128)> {
        (0..self.parties())
            .map(|j| {
                self.terms.iter().fold((0, 0), |(lo, hi), issue| {
                    let vals = issue.iter().map(|t| t[j]);
                    (
                        lo + vals.clone().min().unwrap_or(0),
                        hi + vals.max().unwrap_or(0),
                    )
                })
            })
            .collect()
    }
}
