//! Blind bidding on a money claim inside a case: the rules the mediator states before any bid,
//! and the public record of each round.
//!
//! The claimant (who would receive the money) names a demand and the respondent (who would pay)
//! names an offer, each round, each unseen by the other side and by the mediator. A round
//! settles when the offer comes within the closing gap of the demand (`offer + gap ≥ demand`);
//! the price is drawn at random between the two figures (not their midpoint, which would let
//! either side work out the other's figure from its own and the price), in whole minor units.
//! What the case log records — and so all anyone learns — is, per round, whether it settled and
//! at what price. The figures themselves are private inputs of the application, sealed under the
//! case's data key, shown only to their own side.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::error::{DomainError, ErrorCode};

/// Limits on blind bidding.
pub mod limits {
    /// Most rounds one bidding may have.
    pub const ROUNDS_MAX: u32 = 10;
    /// Most biddings in one case.
    pub const BIDDINGS_MAX: usize = 20;
    /// Largest amount (demand, offer or closing gap), in minor units: 10^15.
    pub const AMOUNT_MAX: u64 = 1_000_000_000_000_000;
}

/// The rules of a blind bidding, fixed when it opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BiddingRules {
    /// What the money claim is about, as the parties read it.
    pub label: String,
    /// ISO 4217 code of the currency (three capital letters, such as `USD`).
    pub currency: String,
    /// Digits after the decimal point in the currency (2 for USD, 0 for JPY, 3 for KWD); every
    /// amount is a whole number of these minor units.
    pub minor_digits: u32,
    /// The party that would receive the money (names demands).
    pub claimant: String,
    /// The party that would pay (names offers).
    pub respondent: String,
    /// Rounds at most (1 to 10).
    pub rounds: u32,
    /// A round settles when the offer plus this gap reaches the demand (minor units, may be 0).
    pub closing_gap: u64,
}

/// How one round ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RoundOutcome {
    /// The round (from 1).
    pub round: u32,
    /// The price, in minor units, if the round settled.
    pub settled_at: Option<u64>,
}

/// A blind bidding: its rules and the rounds closed so far (the public record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BlindBidding {
    /// `B1`, `B2`, …
    pub id: String,
    /// The claim, currency, parties and round limits stated when it opened; they never change.
    pub rules: BiddingRules,
    /// When it opened.
    #[schemars(with = "String")]
    pub opened_at: Timestamp,
    /// Closed rounds, in order.
    pub rounds: Vec<RoundOutcome>,
}

fn invalid(m: impl Into<String>) -> DomainError {
    DomainError::invalid(ErrorCode::InvalidBiddingRules, m)
}

impl BiddingRules {
    /// Checks the rules against the case: a currency code, 0 to 4 minor digits, 1 to 10 rounds,
    /// a gap within the amount limit, and two different parties that are taking part.
    pub fn validate(&self, case: &Case) -> Result<(), DomainError> {
        if self.label.trim().is_empty()
            || self.label.len() > crate::negotiation::limits::TEXT_MAX
            || self.label.chars().any(char::is_control)
        {
            return Err(invalid(format!(
                "give the claim a label of 1 to {} bytes without control characters",
                crate::negotiation::limits::TEXT_MAX
            )));
        }
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(invalid(format!(
                "'{}' is not an ISO 4217 currency code (three capital letters, such as USD)",
                self.currency
            )));
        }
        if self.minor_digits > 4 {
            return Err(invalid(format!(
                "{} minor digits; currencies have 0 to 4",
                self.minor_digits
            )));
        }
        if !(1..=limits::ROUNDS_MAX).contains(&self.rounds) {
            return Err(invalid(format!(
                "blind bidding has 1 to {} rounds, not {}",
                limits::ROUNDS_MAX,
                self.rounds
            )));
        }
        if self.closing_gap > limits::AMOUNT_MAX {
            return Err(invalid(format!(
                "the closing gap is at most {} minor units",
                limits::AMOUNT_MAX
            )));
        }
        if self.claimant == self.respondent {
            return Err(invalid(
                "the claimant and the respondent are different parties",
            ));
        }
        for (role, id) in [
            ("claimant", &self.claimant),
            ("respondent", &self.respondent),
        ] {
            if !case.active_parties().any(|p| &p.id == id) {
                return Err(invalid(format!(
                    "the {role} '{id}' is not a party taking part in this case"
                )));
            }
        }
        Ok(())
    }
}

impl BlindBidding {
    /// The price, once a round settled.
    pub fn settled_at(&self) -> Option<u64> {
        self.rounds.iter().find_map(|r| r.settled_at)
    }

    /// The round now open for figures, or `None` once settled or out of rounds.
    pub fn current_round(&self) -> Option<u32> {
        if self.settled_at().is_some() || self.rounds.len() as u32 >= self.rules.rounds {
            return None;
        }
        Some(self.rounds.len() as u32 + 1)
    }

    /// Which side a party bids for: `Some(true)` for the claimant, `Some(false)` for the
    /// respondent, `None` for any other party.
    pub fn side_of(&self, party: &str) -> Option<bool> {
        if party == self.rules.claimant {
            Some(true)
        } else if party == self.rules.respondent {
            Some(false)
        } else {
            None
        }
    }

    /// An amount in minor units as a label (`USD 1250.50`).
    pub fn label(&self, minor: u64) -> String {
        let digits = minor.to_string();
        let places = self.rules.minor_digits as usize;
        if places == 0 {
            return format!("{} {digits}", self.rules.currency);
        }
        let digits = format!("{digits:0>width$}", width = places + 1);
        let (units, cents) = digits.split_at(digits.len() - places);
        format!("{} {units}.{cents}", self.rules.currency)
    }
}
