//! Blind bidding in a case (`accord_domain::bidding`): each side names its figure for the open
//! round privately; once both are in, the round is closed by the engine's rule
//! (`accord_negotiate::blind`) and only its outcome — settled at a price, or not — enters the
//! case log.
//!
//! Figures are private inputs sealed under the case's data key (beside the negotiation inputs,
//! under the bidding's id). A side sees its own figures; the mediator sees only whether each side
//! has named its figure for the open round; nobody sees the other side's figures, not even after
//! a settlement, and no figure is written to a log.

use accord_domain::bidding::{BlindBidding, limits};
use accord_domain::policy::{self, Action};
use accord_domain::{Actor, Case, decide};
use accord_negotiate::blind::RoundResult;
use accord_negotiate::rational::Q;
use serde::{Deserialize, Serialize};

use crate::negotiations::open;
use crate::{Accord, AppError};

/// A side's figure for the open round, in minor units of the bidding's currency.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BidInput {
    /// The demand (claimant) or offer (respondent), in minor units (cents for USD).
    pub amount: u64,
}

/// One of a side's own figures.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct OwnFigure {
    /// The round the figure was named for, from 1.
    pub round: u32,
    /// The figure, in minor units.
    pub amount: u64,
    /// The figure with its currency (`USD 1250.00`).
    pub label: String,
}

/// A side's own standing (only its representatives see it).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct SideStanding {
    /// Id of the party, one the viewer represents.
    pub party: String,
    /// `claimant` (names demands) or `respondent` (names offers).
    pub side: String,
    /// Its own figures, by round.
    pub figures: Vec<OwnFigure>,
}

/// What the mediator sees of the open round: whose figure is in (never the figures).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct MediatorBiddingStanding {
    /// The claimant named its figure for the open round.
    pub claimant_figure_in: bool,
    /// The respondent named its figure for the open round.
    pub respondent_figure_in: bool,
}

/// A blind bidding as its viewer may see it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct BiddingView {
    /// The public record: rules and round outcomes.
    #[serde(flatten)]
    pub bidding: BlindBidding,
    /// The round open for figures, if any.
    pub current_round: Option<u32>,
    /// The settled price with its currency, once a round settled.
    pub settled_label: Option<String>,
    /// For each bidding side the viewer represents: its own figures.
    pub as_party: Vec<SideStanding>,
    /// For the mediator: whose figure is in for the open round.
    pub as_mediator: Option<MediatorBiddingStanding>,
}

fn bid_kind(round: u32) -> String {
    format!("bid:{round}")
}

fn bidding_not_found() -> AppError {
    AppError::NotFound {
        what: "blind bidding",
    }
}

/// Figures per (party, round), opened.
type Figures = std::collections::BTreeMap<(String, u32), u64>;

impl Accord {
    /// Loads a case and its bidding and checks the action; a hidden case answers as missing.
    async fn bidding_case(
        &self,
        actor: &Actor,
        case_id: &str,
        bidding: &str,
        action: &Action,
    ) -> Result<(Case, BlindBidding), AppError> {
        let case = self.visible_case(actor, case_id).await?;
        let b = case
            .blind_bidding(bidding)
            .cloned()
            .ok_or_else(bidding_not_found)?;
        policy::authorize(actor, action, &case).map_err(crate::cases::denial)?;
        Ok((case, b))
    }

    /// Every figure named in a bidding, opened.
    async fn figures(&self, case_id: &str, bidding: &str) -> Result<Figures, AppError> {
        let records = self.store.negotiation_inputs(case_id, bidding).await?;
        let mut out = Figures::new();
        if records.is_empty() {
            return Ok(out);
        }
        let key = self.data_key(case_id).await?;
        for r in &records {
            let Some(round) = r.kind.strip_prefix("bid:").and_then(|n| n.parse().ok()) else {
                continue;
            };
            let amount: u64 = serde_json::from_slice(&open(&key, r)?)
                .map_err(|e| AppError::integrity("bidding figure", e.to_string()))?;
            out.insert((r.party_id.clone(), round), amount);
        }
        Ok(out)
    }

    /// The view for this actor; figures are read only for a viewer with a private standing.
    async fn bidding_view(
        &self,
        actor: &Actor,
        case: &Case,
        b: BlindBidding,
    ) -> Result<BiddingView, AppError> {
        let rel = policy::relation(actor, case);
        let sides: Vec<&String> = rel
            .parties
            .iter()
            .filter(|p| b.side_of(p).is_some())
            .collect();
        let figures = if sides.is_empty() && !rel.mediator {
            Figures::new()
        } else {
            self.figures(&case.id, &b.id).await?
        };
        let as_party = sides
            .iter()
            .map(|p| SideStanding {
                party: (*p).clone(),
                side: if b.side_of(p) == Some(true) {
                    "claimant".into()
                } else {
                    "respondent".into()
                },
                figures: figures
                    .iter()
                    .filter(|((party, _), _)| party == *p)
                    .map(|((_, round), amount)| OwnFigure {
                        round: *round,
                        amount: *amount,
                        label: b.label(*amount),
                    })
                    .collect(),
            })
            .collect();
        let current = b.current_round();
        let as_mediator = rel.mediator.then(|| {
            let is_in =
                |party: &str| current.is_some_and(|r| figures.contains_key(&(party.to_owned(), r)));
            MediatorBiddingStanding {
                claimant_figure_in: is_in(&b.rules.claimant),
                respondent_figure_in: is_in(&b.rules.respondent),
            }
        });
        Ok(BiddingView {
            current_round: current,
            settled_label: b.settled_at().map(|p| b.label(p)),
            as_party,
            as_mediator,
            bidding: b,
        })
    }

    /// The blind biddings of a case as the actor may see them.
    pub async fn blind_biddings(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<Vec<BiddingView>, AppError> {
        let case = self.visible_case(actor, case_id).await?;
        let mut out = vec![];
        for b in case.blind_biddings.clone() {
            out.push(self.bidding_view(actor, &case, b).await?);
        }
        Ok(out)
    }

    /// One blind bidding as the actor may see it.
    pub async fn blind_bidding(
        &self,
        actor: &Actor,
        case_id: &str,
        bidding: &str,
    ) -> Result<BiddingView, AppError> {
        let (case, b) = self
            .bidding_case(actor, case_id, bidding, &Action::ViewCase)
            .await?;
        self.bidding_view(actor, &case, b).await
    }

    /// A side names its figure for the open round (once per round; it stands). When both
    /// figures are in, the round closes and its outcome is recorded (as the `system` actor).
    pub async fn place_bid(
        &self,
        actor: &Actor,
        case_id: &str,
        bidding: &str,
        party: &str,
        input: BidInput,
    ) -> Result<BiddingView, AppError> {
        let (case, b) = self
            .bidding_case(
                actor,
                case_id,
                bidding,
                &Action::EnterNegotiationInput {
                    party: party.to_owned(),
                },
            )
            .await?;
        if !matches!(
            case.state,
            accord_domain::CaseState::Active | accord_domain::CaseState::SettlementDrafting
        ) {
            return Err(AppError::invalid(
                "bidding-not-open",
                format!(
                    "figures are taken while the mediation is active or a settlement is drafted; \
                     the case is {}",
                    case.state.name()
                ),
            ));
        }
        if b.side_of(party).is_none() {
            return Err(AppError::invalid(
                "not-a-bidder",
                format!(
                    "party '{party}' is neither the claimant nor the respondent of bidding '{}'",
                    b.id
                ),
            ));
        }
        let Some(round) = b.current_round() else {
            return Err(AppError::invalid(
                "bidding-over",
                match b.settled_at() {
                    Some(p) => format!("the bidding settled at {}", b.label(p)),
                    None => "every round of the bidding has been used".to_owned(),
                },
            ));
        };
        if input.amount > limits::AMOUNT_MAX {
            return Err(AppError::invalid(
                "invalid-bid",
                format!("a figure is at most {} minor units", limits::AMOUNT_MAX),
            ));
        }
        if self
            .figures(case_id, &b.id)
            .await?
            .contains_key(&(party.to_owned(), round))
        {
            return Err(AppError::invalid(
                "bid-already-placed",
                format!("party '{party}' has named its figure for round {round}; it stands"),
            ));
        }
        let json =
            serde_json::to_vec(&input.amount).map_err(|e| AppError::Storage(e.to_string()))?;
        self.put_input(actor, case_id, &b.id, party, &bid_kind(round), &json)
            .await?;
        self.close_round_if_complete(case_id, &b.id, round).await?;
        let (case, b) = self
            .bidding_case(actor, case_id, bidding, &Action::ViewCase)
            .await?;
        self.bidding_view(actor, &case, b).await
    }

    /// Closes `round` if both figures are in and it is still open. Each request that stores a
    /// figure checks after storing it, so of two sides naming figures at once at least one sees
    /// both; a round closed meanwhile is left as it is.
    async fn close_round_if_complete(
        &self,
        case_id: &str,
        bidding: &str,
        round: u32,
    ) -> Result<(), AppError> {
        for _ in 0..=self.settings.append_retries {
            let Some(loaded) = self.load_case(case_id).await? else {
                return Ok(());
            };
            let Some(b) = loaded.case.blind_bidding(bidding) else {
                return Ok(());
            };
            if b.current_round() != Some(round) {
                return Ok(());
            }
            let figures = self.figures(case_id, bidding).await?;
            let (Some(demand), Some(offer)) = (
                figures.get(&(b.rules.claimant.clone(), round)),
                figures.get(&(b.rules.respondent.clone(), round)),
            ) else {
                return Ok(());
            };
            let settled_at = settle(b.rules.closing_gap, *demand, *offer)?;
            let decided = decide::close_blind_round(&loaded.case, bidding, round, settled_at)?;
            let now = self.clock.now();
            match self
                .commit(&Actor::System, Some(&loaded), case_id, &decided, now)
                .await
            {
                Ok(_) => return Ok(()),
                Err(AppError::VersionConflict { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(AppError::VersionConflict { current: None })
    }
}

/// The engine's rule for one round: settled (at a price drawn between the figures, in whole
/// minor units) when `offer + gap ≥ demand`, else not.
fn settle(gap: u64, demand: u64, offer: u64) -> Result<Option<u64>, AppError> {
    let engine = |e: accord_negotiate::NegotiateError| AppError::invalid(e.code, e.message);
    let mut round =
        accord_negotiate::blind::BlindBidding::new(1, Q::int(i128::from(gap))).map_err(engine)?;
    round.demand(Q::int(i128::from(demand))).map_err(engine)?;
    round.offer(Q::int(i128::from(offer))).map_err(engine)?;
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| AppError::Storage(format!("no randomness: {e}")))?;
    Ok(
        match round
            .close_round(u64::from_le_bytes(random))
            .map_err(engine)?
        {
            RoundResult::NoSettlement { .. } => None,
            // Between two whole figures, the floor stays between them.
            RoundResult::Settled { price, .. } => u64::try_from(price.n / price.d).ok(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_settles_between_the_figures_or_not_at_all() {
        for _ in 0..200 {
            let p = settle(0, 1000, 1500).unwrap().unwrap();
            assert!((1000..=1500).contains(&p), "{p}");
        }
        assert_eq!(settle(0, 1000, 999).unwrap(), None);
        // Within the closing gap: settles between the offer and the demand.
        let p = settle(50, 1000, 960).unwrap().unwrap();
        assert!((960..=1000).contains(&p), "{p}");
        assert_eq!(settle(50, 1000, 949).unwrap(), None);
        assert_eq!(settle(0, 700, 700).unwrap(), Some(700));
    }
}
