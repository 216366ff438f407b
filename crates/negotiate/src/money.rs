//! Money issues: an amount in one currency, from a lower to an upper bound in equal steps, held
//! exactly in the currency's minor units (cents, fils, sen) and enumerated as options like any
//! other issue, with a linear valuation for the side that pays and the side that is paid.
//!
//! Labels are locale-neutral (`EUR 1250000.00`): the currency's ISO 4217 code, a space, the
//! amount with its minor digits and no grouping; pages format them for the reader.

use crate::NegotiateError;
use crate::rational::Q;
use crate::space::Issue;

/// Most amounts one money issue may enumerate.
pub const MONEY_AMOUNTS_MAX: i64 = 10_000;

/// Which way a party wants the amount to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Pays the amount: less is better.
    Payer,
    /// Receives the amount: more is better.
    Payee,
}

/// A money issue's amounts: `low`, `low + step`, … `high`, in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyRange {
    currency: String,
    minor_digits: u32,
    low: i64,
    high: i64,
    step: i64,
}

fn invalid(m: String) -> NegotiateError {
    NegotiateError::new("invalid-money", m)
}

impl MoneyRange {
    /// A range in `currency` (ISO 4217 code, such as `EUR`) with `minor_digits` decimals (2 for
    /// EUR, 0 for JPY, 3 for KWD), from `low` to `high` minor units in steps of `step`. The range
    /// must be a whole number of steps and span at most [`MONEY_AMOUNTS_MAX`] amounts.
    pub fn new(
        currency: &str,
        minor_digits: u32,
        low: i64,
        high: i64,
        step: i64,
    ) -> Result<MoneyRange, NegotiateError> {
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(invalid(format!(
                "'{currency}' is not an ISO 4217 currency code (three capital letters, such as EUR)"
            )));
        }
        if minor_digits > 4 {
            return Err(invalid(format!(
                "{minor_digits} minor digits; currencies have 0 to 4"
            )));
        }
        if step <= 0 || high < low {
            return Err(invalid(
                "a money range needs a positive step and a lower bound at most the upper".into(),
            ));
        }
        let width = high
            .checked_sub(low)
            .ok_or_else(|| invalid("the money range is too wide".into()))?;
        if width % step != 0 {
            return Err(invalid(format!(
                "from {low} to {high} is not a whole number of steps of {step} minor units"
            )));
        }
        if width / step >= MONEY_AMOUNTS_MAX {
            return Err(invalid(format!(
                "the range spans more than {MONEY_AMOUNTS_MAX} amounts; use a larger step"
            )));
        }
        Ok(MoneyRange {
            currency: currency.to_owned(),
            minor_digits,
            low,
            high,
            step,
        })
    }

    /// The amounts, in minor units, from low to high.
    pub fn amounts(&self) -> Vec<i64> {
        let n = (self.high - self.low) / self.step;
        (0..=n).map(|i| self.low + i * self.step).collect()
    }

    /// An amount as a label: `EUR 1250.50`, `JPY 300`, `USD -20.00`.
    pub fn label(&self, minor: i64) -> String {
        let sign = if minor < 0 { "-" } else { "" };
        let digits = minor.unsigned_abs().to_string();
        if self.minor_digits == 0 {
            return format!("{} {sign}{digits}", self.currency);
        }
        let places = self.minor_digits as usize;
        let digits = format!("{digits:0>width$}", width = places + 1);
        let (units, cents) = digits.split_at(digits.len() - places);
        format!("{} {sign}{units}.{cents}", self.currency)
    }

    /// The issue: one option per amount, labelled.
    pub fn issue(&self, name: &str) -> Issue {
        Issue {
            name: name.to_owned(),
            values: self.amounts().into_iter().map(|a| self.label(a)).collect(),
        }
    }

    /// A party's terms over the amounts, exact: `weight` at its best end of the range, 0 at the
    /// other, linear between (the payer's best end is the lower bound).
    pub fn terms(&self, weight: Q, side: Side) -> Result<Vec<Q>, NegotiateError> {
        let width = i128::from(self.high - self.low);
        self.amounts()
            .into_iter()
            .map(|a| {
                if width == 0 {
                    return Ok(weight);
                }
                let gained = match side {
                    Side::Payee => i128::from(a - self.low),
                    Side::Payer => i128::from(self.high - a),
                };
                weight.times(Q::new(gained, width)?)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontier::{brute_force, merged};
    use crate::space::{Problem, UtilityProfile};
    use proptest::prelude::*;

    #[test]
    fn labels_carry_the_currency_and_its_minor_digits() {
        let eur = MoneyRange::new("EUR", 2, 0, 150_000_000, 25_000_000).unwrap();
        assert_eq!(eur.label(125_000_050), "EUR 1250000.50");
        assert_eq!(eur.label(5), "EUR 0.05");
        assert_eq!(eur.label(-2000), "EUR -20.00");
        let jpy = MoneyRange::new("JPY", 0, 100, 300, 100).unwrap();
        assert_eq!(jpy.issue("price").values, ["JPY 100", "JPY 200", "JPY 300"]);
        let kwd = MoneyRange::new("KWD", 3, 0, 1500, 500).unwrap();
        assert_eq!(kwd.label(1500), "KWD 1.500");
    }

    #[test]
    fn impossible_ranges_are_refused_with_a_code() {
        for bad in [
            MoneyRange::new("eur", 2, 0, 100, 10),
            MoneyRange::new("EURO", 2, 0, 100, 10),
            MoneyRange::new("EUR", 5, 0, 100, 10),
            MoneyRange::new("EUR", 2, 0, 100, 0),
            MoneyRange::new("EUR", 2, 100, 0, 10),
            MoneyRange::new("EUR", 2, 0, 100, 30),
            MoneyRange::new("EUR", 2, 0, 10_000_000, 1),
            MoneyRange::new("EUR", 2, i64::MIN, i64::MAX, 1),
        ] {
            assert_eq!(bad.unwrap_err().code, "invalid-money");
        }
    }

    proptest! {
        /// The payer's and payee's terms run in opposite directions between 0 and the weight,
        /// and a package's two terms always add up to the weight (a fixed sum is split).
        #[test]
        fn payer_and_payee_terms_split_the_weight(
            low in -1000i64..1000, steps in 0i64..50, step in 1i64..500, w in 1i128..1000,
        ) {
            let r = MoneyRange::new("USD", 2, low, low + steps * step, step).unwrap();
            let w = Q::int(w);
            let payer = r.terms(w, Side::Payer).unwrap();
            let payee = r.terms(w, Side::Payee).unwrap();
            prop_assert_eq!(payer.len() as i64, steps + 1);
            for (a, b) in payer.iter().zip(&payee) {
                prop_assert_eq!(a.plus(*b).unwrap(), if steps == 0 { w.plus(w).unwrap() } else { w });
            }
            if steps > 0 {
                prop_assert_eq!(payer[0], w);
                prop_assert_eq!(payee[0], Q::ZERO);
                for k in 1..payer.len() {
                    prop_assert!(payer[k].cmp_exact(payer[k - 1]).unwrap().is_lt());
                }
            }
        }

        /// A money issue beside a discrete one: the merged frontier equals brute force.
        #[test]
        fn money_packages_have_an_exact_frontier(
            steps in 1i64..30, a in prop::collection::vec(0i128..10, 3), b in prop::collection::vec(0i128..10, 3),
            wa in 1i128..5, wb in 1i128..5,
        ) {
            let r = MoneyRange::new("EUR", 2, 0, steps * 5000, 5000).unwrap();
            let ports = Issue { name: "port".into(), values: vec!["A".into(), "B".into(), "C".into()] };
            let profile = |name: &str, side, w, scores: &[i128]| UtilityProfile {
                name: name.into(),
                terms: vec![r.terms(Q::int(w), side).unwrap(), scores.iter().map(|s| Q::int(*s)).collect()],
                reservation: None,
            };
            let pb = Problem {
                issues: vec![r.issue("price"), ports],
                profiles: vec![profile("state", Side::Payer, wa, &a), profile("investor", Side::Payee, wb, &b)],
            };
            let p = pb.to_integers().unwrap();
            let mg: Vec<_> = merged(&p, 1_000_000).unwrap().into_iter().map(|x| x.utilities).collect();
            let bf: Vec<_> = brute_force(&p, 1_000_000).unwrap().into_iter().map(|x| x.utilities).collect();
            prop_assert_eq!(mg, bf);
        }
    }
}
