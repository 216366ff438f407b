//! Outcome spaces and additive utility profiles.

use crate::NegotiateError;
use crate::exact::{self, Exact};
use crate::rational::Q;

/// An issue with discrete options (integer ranges are enumerated as options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The issue's name as the scenario file gives it (the key of an outcome's map).
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
    /// The issues, in the scenario's order; a package picks one option of each.
    pub issues: Vec<Issue>,
    /// The parties' profiles, in order.
    pub profiles: Vec<UtilityProfile>,
}

/// The same problem with each party's utilities scaled to integers by one positive factor per
/// party (the least common denominator of its terms): comparisons are exact. The integers are
/// `i128` unless a scenario needs more ([`crate::exact`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntProblem<T = i128> {
    /// The issues, as in the [`Problem`] this was scaled from.
    pub issues: Vec<Issue>,
    /// Party names.
    pub parties: Vec<String>,
    /// `terms[issue][option][party]`, scaled.
    pub terms: Vec<Vec<Vec<T>>>,
    /// Per party: the scale (utility = scaled / scale).
    pub scale: Vec<T>,
    /// Per party: the scaled reservation value.
    pub reservation: Vec<Option<T>>,
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

    /// Scales every party's terms to 128-bit integers (`precision-overflow` if they need more).
    pub fn to_integers(&self) -> Result<IntProblem, NegotiateError> {
        self.to_integers_as::<i128>()
    }

    /// Scales every party's terms to integers of type `T`; `precision-overflow` if a party's
    /// common denominator, or the largest sum of its terms, does not fit.
    pub fn to_integers_as<T: Exact>(&self) -> Result<IntProblem<T>, NegotiateError> {
        self.validate()?;
        let mut terms: Vec<Vec<Vec<T>>> = self
            .issues
            .iter()
            .map(|i| vec![Vec::with_capacity(self.profiles.len()); i.values.len()])
            .collect();
        let mut scale = vec![];
        let mut reservation = vec![];
        for p in &self.profiles {
            let overflow = || {
                NegotiateError::new(
                    "precision-overflow",
                    format!(
                        "profile '{}' needs more than {}-bit exact arithmetic",
                        p.name,
                        T::BITS
                    ),
                )
            };
            let mut l = T::ONE;
            for t in p.terms.iter().flatten().chain(p.reservation.iter()) {
                l = exact::lcm(l, T::from_i128(t.d)).ok_or_else(overflow)?;
            }
            let scaled = |q: Q| -> Option<T> {
                T::from_i128(q.n).checked_mul(l.checked_div(T::from_i128(q.d))?)
            };
            // The largest possible |sum| must fit too, so that every outcome's sum is exact.
            let mut bound = T::ZERO;
            for (i, issue_terms) in p.terms.iter().enumerate() {
                let mut max_abs = T::ZERO;
                for (k, t) in issue_terms.iter().enumerate() {
                    let v = scaled(*t).ok_or_else(overflow)?;
                    max_abs = max_abs.max(v.checked_abs().ok_or_else(overflow)?);
                    terms[i][k].push(v);
                }
                bound = bound.checked_add(max_abs).ok_or_else(overflow)?;
            }
            // Gains over a disagreement point are differences of two such sums.
            bound.checked_add(bound).ok_or_else(overflow)?;
            scale.push(l);
            reservation.push(match p.reservation {
                Some(r) => Some(scaled(r).ok_or_else(overflow)?),
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

impl<T: Exact> IntProblem<T> {
    /// Number of parties.
    pub fn parties(&self) -> usize {
        self.parties.len()
    }

    /// The scaled utilities of an outcome (one option index per issue).
    pub fn evaluate(&self, outcome: &[usize]) -> Vec<T> {
        let mut u = vec![T::ZERO; self.parties()];
        for (i, &k) in outcome.iter().enumerate() {
            for (j, x) in self.terms[i][k].iter().enumerate() {
                u[j] = u[j] + *x;
            }
        }
        u
    }

    /// Per party, the minimum and maximum scaled utility over all outcomes.
    pub fn range(&self) -> Vec<(T, T)> {
        (0..self.parties())
            .map(|j| {
                self.terms
                    .iter()
                    .fold((T::ZERO, T::ZERO), |(lo, hi), issue| {
                        let vals = issue.iter().map(|t| t[j]);
                        (
                            lo + vals.clone().min().unwrap_or(T::ZERO),
                            hi + vals.max().unwrap_or(T::ZERO),
                        )
                    })
            })
            .collect()
    }
}
