//! Maximum Nash welfare for indivisible items by branch and bound, with a proven upper bound when
//! the search is cut short.
//!
//! Items are assigned one at a time, most contested first. At each node an upper bound on the
//! product of the parties' values over every completion is computed by water-filling: the parties'
//! remaining gains are relaxed to any split of a budget that no allocation of the remaining items
//! can exceed, and the product of `current + gain` is maximised by raising the lowest levels first.
//! Two budgets are valid and the smaller bound is kept: the sum over remaining items of their
//! highest value (raw points), and the same after dividing each party's points by what remains for
//! it (scale-free). A node is cut when its bound is below the best product found so far by more
//! than floating-point error can explain, so the search stays exact; the best product itself is
//! compared in exact big-integer arithmetic. Parties with identical valuations and identical
//! current values are interchangeable, and only the first of them is tried.
//!
//! The search starts from round robin improved by single-item moves. When the node budget runs
//! out the best allocation found is returned with the largest bound still open: the true optimum
//! lies between the two.
//!
//! Preconditions: every party can receive positive value at once (otherwise maximum Nash welfare
//! first maximises the number of parties with positive value, which the caller handles).

use crate::NegotiateError;
use crate::division::{Assignment, bundle_values, round_robin};
use crate::fair::{cmp_big, product};

/// The outcome of a branch-and-bound search.
#[derive(Debug, Clone, PartialEq)]
pub struct MnwSearch {
    /// The best allocation found.
    pub assignment: Assignment,
    /// True when the search finished: the allocation maximises Nash welfare.
    pub exact: bool,
    /// Nodes visited.
    pub nodes: u64,
    /// Natural log of the allocation's product of values.
    pub ln_product: f64,
    /// Natural log of an upper bound on the optimal product (equal to `ln_product` when exact).
    pub ln_upper_bound: f64,
}

/// Relative slack for pruning: bounds are floating point, so a node is cut only when its bound
/// is below the incumbent by more than this (in natural-log units).
const PRUNE_SLACK: f64 = 1e-9;

/// Within this distance above the incumbent (natural-log units, about 1%), the whole-number
/// bound is computed exactly before a node is explored.
const EXACT_BAND: f64 = 0.01;

/// Maximises `Σ ln(level_i + x_i)` subject to `Σ x_i ≤ budget`, `0 ≤ x_i ≤ cap_i` and returns the
/// optimum (water-filling; `-inf` if a level stays at zero).
fn water_fill(levels: &[f64], caps: &[f64], budget: f64) -> f64 {
    let total_caps: f64 = caps.iter().sum();
    let finals: Vec<f64> = if total_caps <= budget {
        levels.iter().zip(caps).map(|(l, c)| l + c).collect()
    } else {
        // f(L) = Σ clamp(L - l_i, 0, c_i) is increasing and piecewise linear; find f(L) = budget.
        let level = water_level(levels, caps, budget);
        levels
            .iter()
            .zip(caps)
            .map(|(l, c)| l + (level - l).clamp(0.0, *c))
            .collect()
    };
    finals
        .iter()
        .map(|v| if *v > 0.0 { v.ln() } else { f64::NEG_INFINITY })
        .sum()
}

/// The raw water-filling bound in whole numbers, exactly: true if it is at most `best` (so no
/// completion can beat the incumbent). The shape (who is capped, who is left where it is, who rises to the common
/// level) is guessed in floating point and then verified exactly; if the check fails the answer is
/// `false` (do not prune), which is always safe.
fn raw_bound_at_most(values: &[i128], caps: &[i128], budget: i128, best: &[u128]) -> bool {
    let n = values.len();
    let total_caps: i128 = caps.iter().sum();
    let mut factors: Vec<u128> = vec![];
    if total_caps <= budget {
        for i in 0..n {
            factors.push((values[i] + caps[i]).max(0) as u128);
        }
        return cmp_big(&product(&factors), best).is_le();
    }
    let levels: Vec<f64> = values.iter().map(|v| *v as f64).collect();
    let capsf: Vec<f64> = caps.iter().map(|c| *c as f64).collect();
    let level = water_level(&levels, &capsf, budget as f64);
    // Classify: 0 = stays (a ≥ L), 1 = capped (a + c ≤ L), 2 = rises to L.
    let class: Vec<u8> = (0..n)
        .map(|i| {
            if levels[i] >= level {
                0
            } else if levels[i] + capsf[i] <= level {
                1
            } else {
                2
            }
        })
        .collect();
    let k = class.iter().filter(|c| **c == 2).count() as i128;
    if k == 0 {
        return false;
    }
    let mut num = budget;
    for i in 0..n {
        match class[i] {
            1 => num -= caps[i],
            2 => num += values[i],
            _ => {}
        }
    }
    // Verify the shape exactly with L = num / k.
    for i in 0..n {
        let ok = match class[i] {
            0 => values[i] * k >= num,
            1 => (values[i] + caps[i]) * k <= num,
            _ => values[i] * k <= num && num <= (values[i] + caps[i]) * k,
        };
        if !ok || num < 0 {
            return false;
        }
    }
    // Values are whole numbers, so the risers' best split of `num` is as even as whole numbers
    // allow: `r` of them at `q + 1`, the rest at `q` (greedy is optimal for a separable concave
    // objective, and the verified shape keeps each within its box).
    let (q, mut r) = (num / k, num % k);
    for i in 0..n {
        match class[i] {
            0 => factors.push(values[i].max(0) as u128),
            1 => factors.push((values[i] + caps[i]) as u128),
            _ => {
                let extra = i128::from(r > 0);
                r -= extra;
                factors.push((q + extra) as u128);
            }
        }
    }
    cmp_big(&product(&factors), best).is_le()
}

/// The common level of water-filling (`f(L) = budget`), assuming `Σ caps > budget`.
fn water_level(levels: &[f64], caps: &[f64], budget: f64) -> f64 {
    let mut pts: Vec<f64> = levels
        .iter()
        .zip(caps)
        .flat_map(|(l, c)| [*l, l + c])
        .collect();
    pts.sort_by(f64::total_cmp);
    let f = |lv: f64| -> f64 {
        levels
            .iter()
            .zip(caps)
            .map(|(l, c)| (lv - l).clamp(0.0, *c))
            .sum()
    };
    let mut lo = pts[0];
    for &p in &pts {
        if f(p) >= budget {
            let (flo, fp) = (f(lo), f(p));
            return if fp > flo {
                lo + (budget - flo) * (p - lo) / (fp - flo)
            } else {
                p
            };
        }
        lo = p;
    }
    pts[pts.len() - 1]
}

struct Search<'a> {
    points: &'a [Vec<i128>],
    order: Vec<usize>,
    /// `remaining[d][i]`: party i's total of the items at positions ≥ d.
    remaining: Vec<Vec<i128>>,
    /// `raw_budget[d]`: Σ over positions ≥ d of the item's highest value.
    raw_budget: Vec<f64>,
    /// The same, exactly.
    raw_budget_exact: Vec<i128>,
    /// `scaled_budget[d]`: Σ over positions ≥ d of max_i v_ij / remaining[d][i].
    scaled_budget: Vec<f64>,
    /// Parties with identical rows share a class id.
    class: Vec<usize>,
    owner: Vec<usize>,
    values: Vec<i128>,
    best: Vec<usize>,
    best_product: Vec<u128>,
    best_ln: f64,
    nodes: u64,
    node_limit: u64,
    aborted: bool,
    open_bound: f64,
}

impl Search<'_> {
    /// Can the subtree at `depth` hold a product above the incumbent? Floating-point bounds cut
    /// clear cases; near a tie the raw bound is checked exactly.
    fn promising(&self, depth: usize, bound: f64) -> bool {
        if bound < self.best_ln - PRUNE_SLACK {
            return false;
        }
        if bound > self.best_ln + EXACT_BAND {
            return true;
        }
        !raw_bound_at_most(
            &self.values,
            &self.remaining[depth],
            self.raw_budget_exact[depth],
            &self.best_product,
        )
    }

    fn bound(&self, depth: usize) -> f64 {
        let rem = &self.remaining[depth];
        let levels: Vec<f64> = self.values.iter().map(|v| *v as f64).collect();
        let caps: Vec<f64> = rem.iter().map(|r| *r as f64).collect();
        let raw = water_fill(&levels, &caps, self.raw_budget[depth]);
        let scale: Vec<f64> = rem
            .iter()
            .map(|r| if *r > 0 { *r as f64 } else { 1.0 })
            .collect();
        let s_levels: Vec<f64> = levels.iter().zip(&scale).map(|(l, s)| l / s).collect();
        let s_caps: Vec<f64> = rem.iter().map(|r| if *r > 0 { 1.0 } else { 0.0 }).collect();
        let scaled = water_fill(&s_levels, &s_caps, self.scaled_budget[depth])
            + scale.iter().map(|s| s.ln()).sum::<f64>();
        raw.min(scaled)
    }

    fn consider_leaf(&mut self) {
        if self.values.iter().any(|v| *v <= 0) {
            return;
        }
        let vals: Vec<u128> = self.values.iter().map(|v| *v as u128).collect();
        let p = product(&vals);
        if cmp_big(&p, &self.best_product).is_gt() {
            self.best_product = p;
            self.best_ln = vals.iter().map(|v| (*v as f64).ln()).sum();
            self.best.clone_from(&self.owner);
        }
    }

    fn dfs(&mut self, depth: usize) {
        if depth == self.order.len() {
            self.consider_leaf();
            return;
        }
        let item = self.order[depth];
        let n = self.points.len();
        // Try parties by how much of what remains for them this item is.
        let mut parties: Vec<usize> = (0..n).collect();
        let rem = &self.remaining[depth];
        parties.sort_by(|&a, &b| {
            let fa = self.points[a][item] as f64 / (rem[a].max(1) as f64);
            let fb = self.points[b][item] as f64 / (rem[b].max(1) as f64);
            fb.total_cmp(&fa).then(a.cmp(&b))
        });
        let mut tried: Vec<(usize, i128)> = vec![];
        for p in parties {
            if tried
                .iter()
                .any(|(c, v)| *c == self.class[p] && *v == self.values[p])
            {
                continue;
            }
            tried.push((self.class[p], self.values[p]));
            self.values[p] += self.points[p][item];
            self.owner[item] = p;
            let b = self.bound(depth + 1);
            if self.aborted {
                self.open_bound = self.open_bound.max(b);
            } else if self.promising(depth + 1, b) {
                self.nodes += 1;
                if self.nodes > self.node_limit {
                    self.aborted = true;
                    self.open_bound = self.open_bound.max(b);
                } else {
                    self.dfs(depth + 1);
                }
            }
            self.values[p] -= self.points[p][item];
        }
    }
}

/// Improves an assignment by moving single items while the product of values grows (exactly).
// The loop reads and writes `a.owner[item]` and reads `points[_][item]`: an index is clearest.
#[allow(clippy::needless_range_loop)]
fn improve_by_moves(points: &[Vec<i128>], a: &mut Assignment) {
    let n = points.len();
    let exact = |v: &[i128]| -> Option<Vec<u128>> {
        if v.iter().any(|x| *x <= 0) {
            None
        } else {
            Some(product(&v.iter().map(|x| *x as u128).collect::<Vec<_>>()))
        }
    };
    let mut values = bundle_values(points, a);
    let mut current = exact(&values);
    for _ in 0..1000 {
        let mut moved = false;
        for item in 0..a.owner.len() {
            let from = a.owner[item];
            for to in 0..n {
                if to == from {
                    continue;
                }
                values[from] -= points[from][item];
                values[to] += points[to][item];
                let cand = exact(&values);
                let better = match (&cand, &current) {
                    (Some(c), Some(b)) => cmp_big(c, b).is_gt(),
                    (Some(_), None) => true,
                    _ => false,
                };
                if better {
                    a.owner[item] = to;
                    current = cand;
                    moved = true;
                    break;
                }
                values[from] += points[from][item];
                values[to] -= points[to][item];
            }
        }
        if !moved {
            break;
        }
    }
}

/// Maximum Nash welfare by branch and bound within `node_limit` nodes. Errors when not every
/// party can receive positive value (`zero-nash-welfare`) or on malformed input.
pub fn max_nash_welfare_search(
    points: &[Vec<i128>],
    node_limit: u64,
) -> Result<MnwSearch, NegotiateError> {
    let n = points.len();
    let m = points.first().map_or(0, Vec::len);
    if n < 2
        || m == 0
        || points
            .iter()
            .any(|p| p.len() != m || p.iter().any(|x| *x < 0))
    {
        return Err(NegotiateError::new(
            "invalid-division-input",
            "two or more parties, non-negative points for every item",
        ));
    }
    if !everyone_can_gain(points) {
        return Err(NegotiateError::new(
            "zero-nash-welfare",
            "no allocation gives every party something it values",
        ));
    }
    // Most contested first: by the item's largest share of a party's total.
    let totals: Vec<i128> = points.iter().map(|r| r.iter().sum()).collect();
    let weight = |j: usize| -> f64 {
        (0..n)
            .map(|i| points[i][j] as f64 / totals[i].max(1) as f64)
            .fold(0.0, f64::max)
    };
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| weight(b).total_cmp(&weight(a)).then(a.cmp(&b)));
    let mut remaining = vec![vec![0i128; n]; m + 1];
    let mut raw_budget = vec![0f64; m + 1];
    let mut raw_budget_exact = vec![0i128; m + 1];
    for d in (0..m).rev() {
        let j = order[d];
        for i in 0..n {
            remaining[d][i] = remaining[d + 1][i] + points[i][j];
        }
        raw_budget_exact[d] =
            raw_budget_exact[d + 1] + (0..n).map(|i| points[i][j]).max().unwrap_or(0);
        raw_budget[d] = raw_budget_exact[d] as f64;
    }
    let scaled_budget: Vec<f64> = (0..=m)
        .map(|d| {
            order[d..]
                .iter()
                .map(|&j| {
                    (0..n)
                        .filter(|&i| remaining[d][i] > 0)
                        .map(|i| points[i][j] as f64 / remaining[d][i] as f64)
                        .fold(0.0, f64::max)
                })
                .sum()
        })
        .collect();
    let class: Vec<usize> = (0..n)
        .map(|i| (0..=i).find(|&k| points[k] == points[i]).unwrap_or(i))
        .collect();
    let mut start = round_robin(points);
    improve_by_moves(points, &mut start);
    let start_values = bundle_values(points, &start);
    let (best_product, best_ln) = if start_values.iter().all(|v| *v > 0) {
        let v: Vec<u128> = start_values.iter().map(|x| *x as u128).collect();
        (product(&v), v.iter().map(|x| (*x as f64).ln()).sum())
    } else {
        (vec![0], f64::NEG_INFINITY)
    };
    let mut s = Search {
        points,
        order,
        remaining,
        raw_budget,
        raw_budget_exact,
        scaled_budget,
        class,
        owner: vec![0; m],
        values: vec![0; n],
        best: start.owner.clone(),
        best_product,
        best_ln,
        nodes: 0,
        node_limit,
        aborted: false,
        open_bound: f64::NEG_INFINITY,
    };
    s.dfs(0);
    let ln_upper_bound = if s.aborted {
        s.open_bound.max(s.best_ln)
    } else {
        s.best_ln
    };
    Ok(MnwSearch {
        assignment: Assignment { owner: s.best },
        exact: !s.aborted,
        nodes: s.nodes,
        ln_product: s.best_ln,
        ln_upper_bound,
    })
}

/// Can every party receive an item it values, all at once? (A perfect matching of parties into
/// items with positive value, by augmenting paths.)
pub fn everyone_can_gain(points: &[Vec<i128>]) -> bool {
    let n = points.len();
    let m = points.first().map_or(0, Vec::len);
    let mut item_of: Vec<Option<usize>> = vec![None; m];
    fn augment(
        p: usize,
        points: &[Vec<i128>],
        seen: &mut [bool],
        item_of: &mut [Option<usize>],
    ) -> bool {
        for j in 0..seen.len() {
            if points[p][j] > 0 && !seen[j] {
                seen[j] = true;
                if item_of[j].is_none_or(|q| augment(q, points, seen, item_of)) {
                    item_of[j] = Some(p);
                    return true;
                }
            }
        }
        false
    }
    (0..n).all(|p| augment(p, points, &mut vec![false; m], &mut item_of))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::division::max_nash_welfare;
    use proptest::prelude::*;

    fn exact_product(points: &[Vec<i128>], a: &Assignment) -> Vec<u128> {
        let v = bundle_values(points, a);
        product(&v.iter().map(|x| (*x).max(0) as u128).collect::<Vec<_>>())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// Branch and bound finds the same optimal product as enumerating every assignment.
        #[test]
        fn search_matches_enumeration(
            n in 2usize..5,
            m in 1usize..8,
            seed in prop::collection::vec(0i128..30, 40),
        ) {
            let points: Vec<Vec<i128>> = (0..n)
                .map(|i| (0..m).map(|k| seed[(i * 11 + k * 3) % seed.len()]).collect())
                .collect();
            prop_assume!(everyone_can_gain(&points));
            let s = max_nash_welfare_search(&points, u64::MAX).unwrap();
            prop_assert!(s.exact);
            let e = max_nash_welfare(&points, 10_000_000).unwrap();
            prop_assert_eq!(exact_product(&points, &s.assignment), exact_product(&points, &e));
        }

        /// Identical or near-identical parties (ties everywhere): still the enumerated optimum.
        #[test]
        fn search_matches_enumeration_with_ties(
            n in 2usize..5,
            m in 1usize..8,
            row in prop::collection::vec(0i128..12, 8),
            bumps in prop::collection::vec(0i128..2, 40),
        ) {
            let points: Vec<Vec<i128>> = (0..n)
                .map(|i| (0..m).map(|k| row[k] + bumps[i * 8 + k] * i128::from(i % 2 == 1)).collect())
                .collect();
            prop_assume!(everyone_can_gain(&points));
            let s = max_nash_welfare_search(&points, u64::MAX).unwrap();
            let e = max_nash_welfare(&points, 10_000_000).unwrap();
            prop_assert_eq!(exact_product(&points, &s.assignment), exact_product(&points, &e));
        }

        /// Identical parties (the symmetry cut) and a tiny node budget: the result is still a
        /// valid allocation whose product lies at or under the reported bound.
        #[test]
        fn cut_short_search_reports_a_sound_bound(
            m in 6usize..14,
            seed in prop::collection::vec(1i128..50, 14),
        ) {
            let row: Vec<i128> = seed[..m].to_vec();
            let points = vec![row.clone(), row.clone(), row];
            let s = max_nash_welfare_search(&points, 50).unwrap();
            prop_assert!(s.ln_product <= s.ln_upper_bound + 1e-9);
            let full = max_nash_welfare_search(&points, u64::MAX).unwrap();
            prop_assert!(full.exact);
            prop_assert!(full.ln_product <= s.ln_upper_bound + 1e-9, "the bound must cover the optimum");
            prop_assert!(full.ln_product >= s.ln_product - 1e-9);
        }
    }

    #[test]
    fn water_filling_raises_the_lowest_level_first() {
        // Levels 1 and 5, budget 6, no caps: both reach 6.
        let v = water_fill(&[1.0, 5.0], &[100.0, 100.0], 6.0);
        assert!((v - 2.0 * 6f64.ln()).abs() < 1e-12);
        // Capped at 2: 3 and 9.
        let v = water_fill(&[1.0, 5.0], &[2.0, 100.0], 6.0);
        assert!((v - (3f64.ln() + 9f64.ln())).abs() < 1e-12, "{v}");
        assert_eq!(water_fill(&[0.0, 5.0], &[0.0, 1.0], 3.0), f64::NEG_INFINITY);
    }

    #[test]
    fn nobody_left_empty_handed_is_checked_by_matching() {
        assert!(everyone_can_gain(&[vec![1, 0], vec![1, 1]]));
        assert!(!everyone_can_gain(&[vec![1, 0], vec![1, 0]]));
        assert!(
            max_nash_welfare_search(&[vec![1, 0], vec![1, 0]], 10)
                .unwrap_err()
                .code
                == "zero-nash-welfare"
        );
    }
}
