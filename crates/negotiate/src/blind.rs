//! Blind bidding on a money issue.
//!
//! The rule, stated before any bid: in each of at most `rounds` rounds the claimant (who receives
//! money) names a demand and the respondent (who pays) names an offer, each unseen by the other.
//! The round settles when the offer reaches the demand, or comes within the closing gap of it
//! (`offer ≥ demand − gap`). A settling round's price is drawn uniformly (in steps of 1/1000 of
//! the interval) between the two figures, from a random number the caller supplies.
//!
//! Why not the midpoint: with a midpoint price, either side can compute the other's bid from its
//! own bid and the price (`other = 2·price − own`). A price drawn between the bids tells each side
//! only that the other's figure lies beyond the price. A round that does not settle tells each
//! side only that it did not settle: no gap, no direction. Reservation values are never an input.

use crate::NegotiateError;
use crate::rational::Q;

/// What a party learns after a round (and all it ever learns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundResult {
    /// No settlement this round.
    NoSettlement {
        /// The round that closed (from 1).
        round: u32,
        /// How many more rounds the rules allow (0: the bidding ends unsettled).
        rounds_left: u32,
    },
    /// Settled at this price.
    Settled {
        /// The round that settled (from 1).
        round: u32,
        /// The price, drawn between the two figures so that neither side learns the other's.
        price: Q,
    },
}

/// A blind-bidding procedure between a claimant and a respondent.
#[derive(Debug, Clone)]
pub struct BlindBidding {
    rounds: u32,
    gap: Q,
    round: u32,
    demand: Option<Q>,
    offer: Option<Q>,
    settled: Option<Q>,
}

fn bad(code: &'static str, m: &str) -> NegotiateError {
    NegotiateError::new(code, m)
}

impl BlindBidding {
    /// A procedure of `rounds` rounds (1–10) with a closing gap (≥ 0).
    pub fn new(rounds: u32, gap: Q) -> Result<Self, NegotiateError> {
        if !(1..=10).contains(&rounds) {
            return Err(bad("invalid-rounds", "blind bidding has 1 to 10 rounds"));
        }
        if gap.n < 0 {
            return Err(bad("invalid-gap", "the closing gap is not negative"));
        }
        Ok(BlindBidding {
            rounds,
            gap,
            round: 1,
            demand: None,
            offer: None,
            settled: None,
        })
    }

    fn open(&self) -> Result<(), NegotiateError> {
        if self.settled.is_some() || self.round > self.rounds {
            return Err(bad("bidding-closed", "the bidding is over"));
        }
        Ok(())
    }

    /// The claimant's demand for the current round (once per round).
    pub fn demand(&mut self, amount: Q) -> Result<(), NegotiateError> {
        self.open()?;
        if amount.n < 0 || self.demand.is_some() {
            return Err(bad("invalid-bid", "one non-negative demand per round"));
        }
        self.demand = Some(amount);
        Ok(())
    }

    /// The respondent's offer for the current round (once per round).
    pub fn offer(&mut self, amount: Q) -> Result<(), NegotiateError> {
        self.open()?;
        if amount.n < 0 || self.offer.is_some() {
            return Err(bad("invalid-bid", "one non-negative offer per round"));
        }
        self.offer = Some(amount);
        Ok(())
    }

    /// Closes the round once both figures are in. `random` is any u64 (from a CSPRNG in
    /// production); it fixes where between the figures a settled price falls.
    pub fn close_round(&mut self, random: u64) -> Result<RoundResult, NegotiateError> {
        self.open()?;
        let (Some(d), Some(o)) = (self.demand, self.offer) else {
            return Err(bad(
                "round-incomplete",
                "both figures are needed to close the round",
            ));
        };
        let round = self.round;
        let reach = o.plus(self.gap)?.cmp_exact(d)?.is_ge();
        self.demand = None;
        self.offer = None;
        self.round += 1;
        if !reach {
            return Ok(RoundResult::NoSettlement {
                round,
                rounds_left: self.rounds + 1 - self.round,
            });
        }
        let (lo, hi) = if o.cmp_exact(d)?.is_le() {
            (o, d)
        } else {
            (d, o)
        };
        let step = Q::new(i128::from(random % 1001), 1000)?;
        let price = lo.plus(hi.plus(Q::int(-1).times(lo)?)?.times(step)?)?;
        self.settled = Some(price);
        Ok(RoundResult::Settled { round, price })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(x: u32) -> Q {
        Q::int(i128::from(x))
    }

    proptest! {
        /// A settled price lies between the figures; a round that does not settle answers the
        /// same whatever the other side bid (only "no settlement" is learnt).
        #[test]
        fn prices_lie_between_the_bids_and_failed_rounds_reveal_nothing(d in 0u32..1000, o in 0u32..1000, o2 in 0u32..1000, gap in 0u32..50, r in any::<u64>()) {
            let mut a = BlindBidding::new(3, q(gap)).unwrap();
            a.demand(q(d)).unwrap();
            a.offer(q(o)).unwrap();
            match a.close_round(r).unwrap() {
                RoundResult::Settled { price, .. } => {
                    prop_assert!(o + gap >= d);
                    let (lo, hi) = (o.min(d), o.max(d));
                    prop_assert!(price.cmp_exact(q(lo)).unwrap().is_ge() && price.cmp_exact(q(hi)).unwrap().is_le());
                }
                failed @ RoundResult::NoSettlement { .. } => {
                    prop_assert!(o + gap < d);
                    // Another offer that also fails gives the claimant exactly the same answer.
                    if o2 + gap < d {
                        let mut b = BlindBidding::new(3, q(gap)).unwrap();
                        b.demand(q(d)).unwrap();
                        b.offer(q(o2)).unwrap();
                        prop_assert_eq!(b.close_round(r).unwrap(), failed);
                    }
                }
            }
        }
    }

    #[test]
    fn the_midpoint_would_have_revealed_the_other_bid_this_rule_does_not() {
        // The documented leak of a midpoint rule: own bid and price give the other's bid.
        let (d, o) = (q(900), q(1000));
        let midpoint = d.plus(o).unwrap().times(Q::new(1, 2).unwrap()).unwrap();
        assert_eq!(midpoint.times(q(2)).unwrap().plus(Q::int(-900)).unwrap(), o);
        // Here two different offers give the claimant the same price for the same draw: the
        // price does not determine the offer.
        let price = |offer: u32| {
            let mut b = BlindBidding::new(1, Q::ZERO).unwrap();
            b.demand(q(900)).unwrap();
            b.offer(q(offer)).unwrap();
            b.close_round(0).unwrap()
        };
        assert_eq!(price(1000), price(950));
        assert!(matches!(price(1000), RoundResult::Settled { price, .. } if price == q(900)));
    }

    #[test]
    fn rounds_run_out_and_bad_bids_are_refused() {
        let mut b = BlindBidding::new(2, Q::ZERO).unwrap();
        for round in 1..=2u32 {
            b.demand(q(100)).unwrap();
            assert_eq!(b.demand(q(90)).unwrap_err().code, "invalid-bid");
            assert_eq!(b.close_round(1).unwrap_err().code, "round-incomplete");
            b.offer(q(10)).unwrap();
            assert_eq!(
                b.close_round(1).unwrap(),
                RoundResult::NoSettlement {
                    round,
                    rounds_left: 2 - round
                }
            );
        }
        assert_eq!(b.demand(q(1)).unwrap_err().code, "bidding-closed");
        assert_eq!(
            BlindBidding::new(0, Q::ZERO).unwrap_err().code,
            "invalid-rounds"
        );
        assert_eq!(
            BlindBidding::new(1, Q::int(-1)).unwrap_err().code,
            "invalid-gap"
        );
    }
}
