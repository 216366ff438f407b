//! Negotiation in a case: parties enter preferences privately, the mediator reads the analysis
//! and proposes packages, each party answers privately, and the package every party accepts is
//! recorded in the case log.
//!
//! Private inputs (preferences, answers) are sealed under the case's data key and kept out of the
//! case log: a party's view is built only from the public record (agenda, proposals, agreement)
//! and that party's own inputs, so nothing another party enters changes it until every party has
//! accepted the same package. The mediator sees every party's answers, the analysis, and — only
//! when the profile's `negotiation_disclosure` is `full` — the preferences and utilities.
//! Reads of preferences and of the analysis are written to the access log (`negotiation`).

use std::collections::BTreeMap;

use accord_domain::negotiation::{Agenda, Answer, Negotiation, Package, Preferences};
use accord_domain::policy::{self, Action};
use accord_domain::profile::NegotiationDisclosure;
use accord_domain::{Actor, Case, decide};
use accord_keys::DataKey;
use accord_negotiate::frontier::{self, Point};
use accord_negotiate::space::{IntProblem, Issue};
use serde::{Deserialize, Serialize};

use crate::ports::{AccessRecord, NegotiationInputRecord};
use crate::{Accord, AppError};

/// Most frontier packages returned by one analysis (the count is always given in full).
pub const ANALYSIS_PACKAGES_MAX: usize = 500;

/// Work bound for the frontier of one agenda (intermediate sets; see `accord_negotiate`).
const FRONTIER_WORK_MAX: usize = 200_000;

/// A party's answer to a proposal, as entered.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// Accept or decline.
    pub answer: Answer,
}

/// One proposal as a party sees it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct PartyProposalView {
    /// The proposal's id within the negotiation (`P1`, `P2`, …).
    pub proposal: String,
    /// What it is worth to the party (once its preferences are entered).
    pub utility: Option<u64>,
    /// It is at least as good as the party's reservation.
    pub clears_reservation: Option<bool>,
    /// The party's own answer, if given.
    pub answer: Option<Answer>,
}

/// A party's own standing in a negotiation (only its representatives see it).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct PartyStanding {
    /// Id of the party, one the viewer represents.
    pub party: String,
    /// The party has entered its preferences; until then `best`, `reservation_value` and each
    /// proposal's utility are `None`.
    pub preferences_entered: bool,
    /// The best value any package could have for it.
    pub best: Option<u64>,
    /// Its reservation as a value.
    pub reservation_value: Option<u64>,
    /// The proposals, valued by its own preferences.
    pub proposals: Vec<PartyProposalView>,
}

/// What the mediator sees of the parties' private inputs.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct MediatorStanding {
    /// Whose preferences are entered (party → entered).
    pub preferences_entered: BTreeMap<String, bool>,
    /// Answers per proposal: proposal → party → `accept`, `decline` or `awaiting`.
    pub answers: BTreeMap<String, BTreeMap<String, String>>,
}

/// A negotiation as its viewer may see it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct NegotiationView {
    /// The public record: agenda, proposals, agreement.
    #[serde(flatten)]
    pub negotiation: Negotiation,
    /// The agreed package, once every party has accepted one.
    pub agreed_package: Option<Package>,
    /// For each party the viewer represents: its own standing.
    pub as_party: Vec<PartyStanding>,
    /// For the mediator: the parties' answers and whose preferences are in.
    pub as_mediator: Option<MediatorStanding>,
}

/// A package on the frontier, as the mediator sees it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct FrontierPackage {
    /// One option per issue (issue id → option text).
    pub package: Package,
    /// Every party values it at least at its reservation.
    pub clears_all_reservations: bool,
    /// Each party's utility (party → value); only under `full` disclosure.
    pub utilities: Option<BTreeMap<String, u64>>,
}

/// How a proposal stands against the frontier.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct ProposalCheck {
    /// The proposal's id within the negotiation (`P1`, `P2`, …).
    pub proposal: String,
    /// No package is at least as good for everyone and better for someone.
    pub efficient: bool,
    /// Every party values it at least at its reservation.
    pub clears_all_reservations: bool,
    /// Frontier packages that leave every party at least as well off and one better.
    pub improvements: Vec<Package>,
}

/// The mediator's analysis of a negotiation.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct AnalysisView {
    /// The negotiation's id within the case (`N1`, `N2`, …).
    pub negotiation: String,
    /// What the mediator may see: `analysis-only` or `full`.
    pub disclosure: NegotiationDisclosure,
    /// The parties, in case order.
    pub parties: Vec<String>,
    /// Packages the agenda spans.
    pub outcomes: u64,
    /// The disagreement point used for the fair points.
    pub disagreement: String,
    /// Packages on the frontier (all of them, even beyond those listed).
    pub frontier_size: usize,
    /// Frontier packages, best for the first party first (at most 500).
    pub frontier: Vec<FrontierPackage>,
    /// The Nash bargaining package (maximises the product of gains over the reservations).
    pub nash: Option<Package>,
    /// The Kalai–Smorodinsky package (equal shares of each party's possible gain).
    pub kalai_smorodinsky: Option<Package>,
    /// Each proposal checked against the frontier.
    pub proposals: Vec<ProposalCheck>,
    /// The reservations leave no package acceptable to every party.
    pub no_zone_of_agreement: bool,
}

pub(crate) fn aad(case_id: &str, n: &str, party: &str, kind: &str) -> Vec<u8> {
    format!("accord-v1:{case_id}:negotiation:{n}:{party}:{kind}").into_bytes()
}

fn negotiation_not_found() -> AppError {
    AppError::NotFound {
        what: "negotiation",
    }
}

fn closed(n: &Negotiation, case: &Case) -> Option<AppError> {
    if n.agreed.is_some() {
        return Some(AppError::invalid(
            "negotiation-concluded",
            "the parties have agreed a package; this negotiation takes no more input",
        ));
    }
    if !matches!(
        case.state,
        accord_domain::CaseState::Active | accord_domain::CaseState::SettlementDrafting
    ) {
        return Some(AppError::invalid(
            "negotiation-not-open",
            format!(
                "negotiation input is taken while the mediation is active or a settlement is \
                 drafted; the case is {}",
                case.state.name()
            ),
        ));
    }
    None
}

const PREFERENCES: &str = "preferences";

fn answer_kind(proposal: &str) -> String {
    format!("answer:{proposal}")
}

/// The private inputs of one negotiation, opened.
#[derive(Default)]
struct Inputs {
    preferences: BTreeMap<String, Preferences>,
    answers: BTreeMap<(String, String), Answer>,
}

impl Accord {
    /// Loads a case and checks the action; a hidden case answers as missing.
    async fn negotiation_case(
        &self,
        actor: &Actor,
        case_id: &str,
        negotiation: &str,
        action: &Action,
    ) -> Result<(Case, Negotiation), AppError> {
        let case = self.visible_case(actor, case_id).await?;
        let n = case
            .negotiation(negotiation)
            .cloned()
            .ok_or_else(negotiation_not_found)?;
        policy::authorize(actor, action, &case).map_err(crate::cases::denial)?;
        Ok((case, n))
    }

    async fn open_inputs(&self, case_id: &str, negotiation: &str) -> Result<Inputs, AppError> {
        let records = self.store.negotiation_inputs(case_id, negotiation).await?;
        if records.is_empty() {
            return Ok(Inputs::default());
        }
        let key = self.data_key(case_id).await?;
        let mut out = Inputs::default();
        for r in &records {
            let plain = open(&key, r)?;
            if r.kind == PREFERENCES {
                let p: Preferences =
                    serde_json::from_slice(&plain).map_err(|e| unreadable(r, e))?;
                out.preferences.insert(r.party_id.clone(), p);
            } else if let Some(proposal) = r.kind.strip_prefix("answer:") {
                let a: Answer = serde_json::from_slice(&plain).map_err(|e| unreadable(r, e))?;
                out.answers
                    .insert((proposal.to_owned(), r.party_id.clone()), a);
            }
        }
        Ok(out)
    }

    pub(crate) async fn put_input(
        &self,
        actor: &Actor,
        case_id: &str,
        negotiation: &str,
        party: &str,
        kind: &str,
        json: &[u8],
    ) -> Result<(), AppError> {
        let key = self.data_key(case_id).await?;
        let body = key
            .seal(&aad(case_id, negotiation, party, kind), json)
            .map_err(|e| AppError::Storage(e.to_string()))?;
        self.store
            .put_negotiation_input(&NegotiationInputRecord {
                case_id: case_id.to_owned(),
                negotiation_id: negotiation.to_owned(),
                party_id: party.to_owned(),
                kind: kind.to_owned(),
                author: actor.user_id().unwrap_or("system").to_owned(),
                updated_at_ms: self.clock.now().as_millisecond(),
                body,
            })
            .await?;
        Ok(())
    }

    async fn audit(&self, actor: &Actor, case_id: &str, object: String) -> Result<(), AppError> {
        self.store
            .log_access(&[AccessRecord {
                id: Accord::new_id(),
                at_ms: self.clock.now().as_millisecond(),
                user_id: actor.user_id().unwrap_or("system").to_owned(),
                case_id: case_id.to_owned(),
                object,
                kind: "negotiation".into(),
            }])
            .await?;
        Ok(())
    }

    fn negotiation_view(
        &self,
        actor: &Actor,
        case: &Case,
        n: Negotiation,
        inputs: &Inputs,
    ) -> NegotiationView {
        let rel = policy::relation(actor, case);
        let mut as_party = vec![];
        for party in &rel.parties {
            let prefs = inputs.preferences.get(party);
            let reservation = prefs.map(|p| p.reservation_value(&n.agenda));
            as_party.push(PartyStanding {
                party: party.clone(),
                preferences_entered: prefs.is_some(),
                best: prefs.map(|p| p.best(&n.agenda)),
                reservation_value: reservation,
                proposals: n
                    .proposals
                    .iter()
                    .map(|pr| {
                        let utility = prefs.and_then(|p| p.utility(&n.agenda, &pr.package));
                        PartyProposalView {
                            proposal: pr.id.clone(),
                            utility,
                            clears_reservation: utility.zip(reservation).map(|(u, r)| u >= r),
                            answer: inputs.answers.get(&(pr.id.clone(), party.clone())).copied(),
                        }
                    })
                    .collect(),
            });
        }
        let as_mediator = rel.mediator.then(|| MediatorStanding {
            preferences_entered: case
                .active_parties()
                .map(|p| (p.id.clone(), inputs.preferences.contains_key(&p.id)))
                .collect(),
            answers: n
                .proposals
                .iter()
                .map(|pr| {
                    let by_party = case
                        .active_parties()
                        .map(|p| {
                            let a = match inputs.answers.get(&(pr.id.clone(), p.id.clone())) {
                                Some(Answer::Accept) => "accept",
                                Some(Answer::Decline) => "decline",
                                None => "awaiting",
                            };
                            (p.id.clone(), a.to_owned())
                        })
                        .collect();
                    (pr.id.clone(), by_party)
                })
                .collect(),
        });
        NegotiationView {
            agreed_package: n.agreed_package().cloned(),
            negotiation: n,
            as_party,
            as_mediator,
        }
    }

    /// The negotiations of a case as the actor may see them.
    pub async fn negotiations(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<Vec<NegotiationView>, AppError> {
        let case = self.visible_case(actor, case_id).await?;
        self.log_proposal_read(actor, &case, "negotiations").await?;
        let mut out = vec![];
        for n in case.negotiations.clone() {
            let inputs = self.private_inputs_for(actor, &case, &n.id).await?;
            out.push(self.negotiation_view(actor, &case, n, &inputs));
        }
        Ok(out)
    }

    /// Opens the private inputs only for a viewer who gets a private standing (a represented
    /// party or the mediator); nobody else causes them to be read.
    async fn private_inputs_for(
        &self,
        actor: &Actor,
        case: &Case,
        negotiation: &str,
    ) -> Result<Inputs, AppError> {
        let rel = policy::relation(actor, case);
        if rel.parties.is_empty() && !rel.mediator {
            return Ok(Inputs::default());
        }
        let mut all = self.open_inputs(&case.id, negotiation).await?;
        if !rel.mediator {
            all.preferences.retain(|p, _| rel.parties.contains(p));
            all.answers.retain(|(_, p), _| rel.parties.contains(p));
        }
        Ok(all)
    }

    /// One negotiation as the actor may see it.
    pub async fn negotiation(
        &self,
        actor: &Actor,
        case_id: &str,
        negotiation: &str,
    ) -> Result<NegotiationView, AppError> {
        let (case, n) = self
            .negotiation_case(actor, case_id, negotiation, &Action::ViewCase)
            .await?;
        self.log_proposal_read(actor, &case, "negotiations").await?;
        let inputs = self.private_inputs_for(actor, &case, &n.id).await?;
        Ok(self.negotiation_view(actor, &case, n, &inputs))
    }

    /// A party's preferences: its own representatives, or the mediator under `full` disclosure.
    pub async fn preferences(
        &self,
        actor: &Actor,
        case_id: &str,
        negotiation: &str,
        party: &str,
    ) -> Result<Preferences, AppError> {
        let (case, n) = self
            .negotiation_case(
                actor,
                case_id,
                negotiation,
                &Action::ReadPreferences {
                    party: party.to_owned(),
                },
            )
            .await?;
        let inputs = self.open_inputs(&case.id, &n.id).await?;
        let p = inputs
            .preferences
            .get(party)
            .cloned()
            .ok_or(AppError::NotFound {
                what: "preferences",
            })?;
        self.audit(actor, case_id, format!("preferences:{}:{party}", n.id))
            .await?;
        Ok(p)
    }

    /// A party enters (or replaces) its private preferences.
    pub async fn enter_preferences(
        &self,
        actor: &Actor,
        case_id: &str,
        negotiation: &str,
        party: &str,
        prefs: Preferences,
    ) -> Result<NegotiationView, AppError> {
        let (case, n) = self
            .negotiation_case(
                actor,
                case_id,
                negotiation,
                &Action::EnterNegotiationInput {
                    party: party.to_owned(),
                },
            )
            .await?;
        if let Some(e) = closed(&n, &case) {
            return Err(e);
        }
        prefs.validate(&n.agenda)?;
        let json = serde_json::to_vec(&prefs).map_err(|e| AppError::Storage(e.to_string()))?;
        self.put_input(actor, case_id, &n.id, party, PREFERENCES, &json)
            .await?;
        let inputs = self.private_inputs_for(actor, &case, &n.id).await?;
        Ok(self.negotiation_view(actor, &case, n, &inputs))
    }

    /// A party answers a proposal privately. When every active party has accepted the same
    /// proposal, the agreement is recorded in the case log (as the `system` actor).
    pub async fn answer_proposal(
        &self,
        actor: &Actor,
        case_id: &str,
        negotiation: &str,
        proposal: &str,
        party: &str,
        input: AnswerInput,
    ) -> Result<NegotiationView, AppError> {
        let (case, n) = self
            .negotiation_case(
                actor,
                case_id,
                negotiation,
                &Action::EnterNegotiationInput {
                    party: party.to_owned(),
                },
            )
            .await?;
        if n.proposal(proposal).is_none() {
            return Err(AppError::NotFound { what: "proposal" });
        }
        if let Some(e) = closed(&n, &case) {
            return Err(e);
        }
        let json =
            serde_json::to_vec(&input.answer).map_err(|e| AppError::Storage(e.to_string()))?;
        self.put_input(actor, case_id, &n.id, party, &answer_kind(proposal), &json)
            .await?;
        if input.answer == Answer::Accept {
            self.conclude_if_all_accepted(case_id, &n.id, proposal)
                .await?;
        }
        let (case, n) = self
            .negotiation_case(actor, case_id, negotiation, &Action::ViewCase)
            .await?;
        let inputs = self.private_inputs_for(actor, &case, &n.id).await?;
        Ok(self.negotiation_view(actor, &case, n, &inputs))
    }

    /// Records the agreement if every active party has accepted `proposal`. Each accepting
    /// request checks after its own answer is stored, so of two parties accepting at once at
    /// least one sees both answers; a second recording is refused by the domain and ignored.
    async fn conclude_if_all_accepted(
        &self,
        case_id: &str,
        negotiation: &str,
        proposal: &str,
    ) -> Result<(), AppError> {
        for _ in 0..=self.settings.append_retries {
            let Some(loaded) = self.load_case(case_id).await? else {
                return Ok(());
            };
            let Some(n) = loaded.case.negotiation(negotiation) else {
                return Ok(());
            };
            if n.agreed.is_some() {
                return Ok(());
            }
            let inputs = self.open_inputs(case_id, negotiation).await?;
            let all = loaded.case.active_parties().all(|p| {
                inputs.answers.get(&(proposal.to_owned(), p.id.clone())) == Some(&Answer::Accept)
            });
            if !all {
                return Ok(());
            }
            let decided = decide::conclude_package(&loaded.case, negotiation, proposal)?;
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

    /// The mediator's analysis: the efficient packages, the Nash and Kalai–Smorodinsky packages
    /// with every party's reservation as the disagreement point, and each proposal checked.
    /// Needs every active party's preferences.
    pub async fn analysis(
        &self,
        actor: &Actor,
        case_id: &str,
        negotiation: &str,
    ) -> Result<AnalysisView, AppError> {
        let (case, n) = self
            .negotiation_case(actor, case_id, negotiation, &Action::AnalyseNegotiation)
            .await?;
        let inputs = self.open_inputs(case_id, &n.id).await?;
        let parties: Vec<String> = case.active_parties().map(|p| p.id.clone()).collect();
        let missing = parties
            .iter()
            .filter(|p| !inputs.preferences.contains_key(*p))
            .count();
        if missing > 0 {
            return Err(AppError::invalid(
                "preferences-incomplete",
                format!(
                    "{missing} of {} parties have not entered preferences yet; the analysis \
                     needs every party's",
                    parties.len()
                ),
            ));
        }
        let prefs: Vec<&Preferences> = parties
            .iter()
            .filter_map(|p| inputs.preferences.get(p))
            .collect();
        self.audit(actor, case_id, format!("analysis:{}", n.id))
            .await?;
        let view = analyse(&n, &parties, &prefs, case.profile.negotiation_disclosure)?;
        Ok(view)
    }
}

pub(crate) fn open(key: &DataKey, r: &NegotiationInputRecord) -> Result<Vec<u8>, AppError> {
    key.open(
        &aad(&r.case_id, &r.negotiation_id, &r.party_id, &r.kind),
        &r.body,
    )
    .map_err(|e| AppError::from_key("negotiation input", &r.kind, e))
}

/// A negotiation input that opened but is not what was stored.
fn unreadable(r: &NegotiationInputRecord, e: serde_json::Error) -> AppError {
    AppError::integrity("negotiation input", format!("{}: {e}", r.kind))
}

fn to_problem(agenda: &Agenda, parties: &[String], prefs: &[&Preferences]) -> IntProblem {
    IntProblem {
        issues: agenda
            .issues
            .iter()
            .map(|i| Issue {
                name: i.id.clone(),
                values: i.options.clone(),
            })
            .collect(),
        parties: parties.to_vec(),
        terms: (0..agenda.issues.len())
            .map(|i| {
                (0..agenda.issues[i].options.len())
                    .map(|k| {
                        prefs
                            .iter()
                            .map(|p| i128::from(p.term(agenda, i, k)))
                            .collect()
                    })
                    .collect()
            })
            .collect(),
        scale: vec![1; parties.len()],
        reservation: prefs
            .iter()
            .map(|p| Some(i128::from(p.reservation_value(agenda))))
            .collect(),
    }
}

/// The analysis itself (pure; exact integer utilities).
fn analyse(
    n: &Negotiation,
    parties: &[String],
    prefs: &[&Preferences],
    disclosure: NegotiationDisclosure,
) -> Result<AnalysisView, AppError> {
    let problem = to_problem(&n.agenda, parties, prefs);
    let points = frontier::merged(&problem, FRONTIER_WORK_MAX)
        .map_err(|e| AppError::invalid("analysis-too-large", e.message))?;
    let d: Vec<i128> = problem.reservation.iter().map(|r| r.unwrap_or(0)).collect();
    let clears = |u: &[i128]| u.iter().zip(&d).all(|(a, b)| a >= b);
    let full = disclosure == NegotiationDisclosure::Full;
    let package_of = |pt: &Point| n.agenda.package(&pt.outcome).unwrap_or_default();
    let frontier_view = points
        .iter()
        .take(ANALYSIS_PACKAGES_MAX)
        .map(|pt| FrontierPackage {
            package: package_of(pt),
            clears_all_reservations: clears(&pt.utilities),
            utilities: full.then(|| {
                parties
                    .iter()
                    .zip(&pt.utilities)
                    .map(|(p, u)| (p.clone(), u64::try_from(*u).unwrap_or(0)))
                    .collect()
            }),
        })
        .collect();
    let nash = accord_negotiate::fair::nash(&points, &d).map(|i| package_of(&points[i]));
    let ks = accord_negotiate::fair::kalai_smorodinsky(&points, &d).map(|i| package_of(&points[i]));
    let proposals = n
        .proposals
        .iter()
        .map(|pr| {
            let u: Vec<i128> = prefs
                .iter()
                .map(|p| i128::from(p.utility(&n.agenda, &pr.package).unwrap_or(0)))
                .collect();
            let better = frontier::improvements(&points, &u);
            ProposalCheck {
                proposal: pr.id.clone(),
                efficient: better.is_empty(),
                clears_all_reservations: clears(&u),
                improvements: better.iter().take(20).map(|pt| package_of(pt)).collect(),
            }
        })
        .collect();
    Ok(AnalysisView {
        negotiation: n.id.clone(),
        disclosure,
        parties: parties.to_vec(),
        outcomes: n
            .agenda
            .issues
            .iter()
            .map(|i| i.options.len() as u64)
            .product(),
        disagreement: "each party's reservation (0 where none is stated)".into(),
        frontier_size: points.len(),
        no_zone_of_agreement: !points.iter().any(|pt| clears(&pt.utilities)),
        frontier: frontier_view,
        nash,
        kalai_smorodinsky: ks,
        proposals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_domain::negotiation::{AgendaIssue, Reservation};
    use proptest::prelude::*;

    fn agenda(sizes: &[usize]) -> Agenda {
        Agenda {
            issues: sizes
                .iter()
                .enumerate()
                .map(|(i, &k)| AgendaIssue {
                    id: format!("i{i}"),
                    label: format!("Issue {i}"),
                    options: (0..k).map(|o| format!("o{o}")).collect(),
                })
                .collect(),
        }
    }

    fn prefs(agenda: &Agenda, weights: &[u32], scores: &[Vec<u32>], res: u64) -> Preferences {
        Preferences {
            weights: agenda
                .issues
                .iter()
                .zip(weights)
                .map(|(i, w)| (i.id.clone(), *w))
                .collect(),
            scores: agenda
                .issues
                .iter()
                .zip(scores)
                .map(|(i, s)| {
                    (
                        i.id.clone(),
                        i.options.iter().cloned().zip(s.iter().copied()).collect(),
                    )
                })
                .collect(),
            reservation: Reservation::Value { value: res },
        }
    }

    fn all_packages(sizes: &[usize]) -> Vec<Vec<usize>> {
        let mut out = vec![vec![]];
        for &k in sizes {
            out = out
                .into_iter()
                .flat_map(|p| {
                    (0..k).map(move |o| {
                        let mut q = p.clone();
                        q.push(o);
                        q
                    })
                })
                .collect();
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// The analysis's frontier is exactly the set of packages no other package beats for
        /// every party (checked by enumerating all packages), each frontier package's utilities
        /// are its value under each party's preferences, and the Nash package clears every
        /// reservation when one is reported.
        #[test]
        fn analysis_frontier_matches_enumeration(
            sizes in proptest::collection::vec(2usize..4, 1..4),
            seed in proptest::collection::vec(0u32..=100, 40),
            parties in 2usize..4,
        ) {
            let a = agenda(&sizes);
            let mut it = seed.iter().cycle();
            let ps: Vec<Preferences> = (0..parties)
                .map(|_| {
                    let w: Vec<u32> = sizes.iter().map(|_| *it.next().unwrap_or(&1) + 1).collect();
                    let s: Vec<Vec<u32>> = sizes
                        .iter()
                        .map(|&k| (0..k).map(|_| *it.next().unwrap_or(&0)).collect())
                        .collect();
                    prefs(&a, &w, &s, 0)
                })
                .collect();
            let names: Vec<String> = (0..parties).map(|i| format!("P{i}")).collect();
            let refs: Vec<&Preferences> = ps.iter().collect();
            let n = Negotiation {
                id: "N1".into(),
                agenda: a.clone(),
                opened_at: jiff::Timestamp::UNIX_EPOCH,
                proposals: vec![],
                agreed: None,
            };
            let v = analyse(&n, &names, &refs, NegotiationDisclosure::Full).unwrap();
            let vals: Vec<(Package, Vec<u64>)> = all_packages(&sizes)
                .iter()
                .map(|o| {
                    let p = a.package(o).unwrap();
                    let u = ps.iter().map(|x| x.utility(&a, &p).unwrap()).collect();
                    (p, u)
                })
                .collect();
            let dominated = |u: &Vec<u64>| vals.iter().any(|(_, w)| {
                w.iter().zip(u).all(|(x, y)| x >= y) && w.iter().zip(u).any(|(x, y)| x > y)
            });
            let mut expected: Vec<Vec<u64>> = vals
                .iter()
                .filter(|(_, u)| !dominated(u))
                .map(|(_, u)| u.clone())
                .collect();
            expected.sort();
            expected.dedup();
            let mut got: Vec<Vec<u64>> = v
                .frontier
                .iter()
                .map(|f| {
                    let u: Vec<u64> = names.iter().map(|p| f.utilities.as_ref().unwrap()[p]).collect();
                    let actual: Vec<u64> =
                        ps.iter().map(|x| x.utility(&a, &f.package).unwrap()).collect();
                    prop_assert_eq!(&u, &actual);
                    Ok(u)
                })
                .collect::<Result<_, _>>()?;
            got.sort();
            prop_assert_eq!(got, expected);
            prop_assert!(v.nash.is_some());
        }
    }

    #[test]
    fn analysis_only_hides_utilities_and_flags_reservations() {
        let a = agenda(&[2, 2]);
        let p1 = prefs(&a, &[1, 1], &[vec![100, 0], vec![100, 0]], 150);
        let p2 = prefs(&a, &[1, 1], &[vec![0, 100], vec![0, 100]], 50);
        let n = Negotiation {
            id: "N1".into(),
            agenda: a.clone(),
            opened_at: jiff::Timestamp::UNIX_EPOCH,
            proposals: vec![],
            agreed: None,
        };
        let names = vec!["A".to_owned(), "B".to_owned()];
        let v = analyse(&n, &names, &[&p1, &p2], NegotiationDisclosure::AnalysisOnly).unwrap();
        assert!(v.frontier.iter().all(|f| f.utilities.is_none()));
        // Frontier: (200,0), (100,100) twice, (0,200): A needs 150, B 50 → only A's best clears.
        assert_eq!(v.frontier_size, 3);
        let clearing: Vec<&Package> = v
            .frontier
            .iter()
            .filter(|f| f.clears_all_reservations)
            .map(|f| &f.package)
            .collect();
        assert_eq!(clearing.len(), 0, "A's best gives B 0 < 50");
        assert!(v.no_zone_of_agreement);
        assert_eq!(v.nash, None);
    }
}
