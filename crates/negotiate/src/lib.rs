//! Accord's negotiation engine (pure: no I/O beyond parsing text it is given, no async).
//!
//! * [`space`]: issues with discrete options, and additive utility profiles whose per-option terms
//!   are exact rationals, turned into integers per party (one common denominator per party), so
//!   that comparisons never produce false ties from floating-point sums.
//! * [`import`]: Genius XML (domain + profiles) and GeniusWeb JSON, with Genius semantics (each
//!   issue's evaluations divided by that maximum) or raw semantics (weights × raw
//!   evaluations, as NegMAS loads them).
//! * [`frontier`]: the exact Pareto frontier with one package per point — frontier merging issue by
//!   issue (Nemhauser–Ullmann generalised to multiple-choice issues), and brute force as the oracle.
//! * [`money`]: money issues — amounts in minor units over a stepped range, exact, with the
//!   payer's and the payee's linear terms.
//! * [`exact`]: the integer types of scaled utilities (`i128`, or 256 bits when a scenario needs
//!   it).
//! * [`fair`]: Nash, Kalai–Smorodinsky, egalitarian and utilitarian points with a stated
//!   disagreement point.

pub mod analyze;
pub mod blind;
pub mod division;
pub mod exact;
pub mod fair;
pub mod frontier;
pub mod import;
pub mod money;
pub mod rational;
pub mod space;
pub mod welfare;

/// An engine error with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NegotiateError {
    /// Stable kebab-case code.
    pub code: &'static str,
    /// What is wrong, for a person.
    pub message: String,
}

impl NegotiateError {
    /// Builds an error.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        NegotiateError {
            code,
            message: message.into(),
        }
    }
}
