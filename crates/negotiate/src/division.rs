//! Fair division of items between parties.
//!
//! **Adjusted Winner** (Brams & Taylor) for two parties, in exact arithmetic: each party spreads
//! points over the items; each item first goes to the party that values it more (ties to the
//! first party); then items pass from the richer party to the poorer one in increasing order of
//! the ratio richer/poorer valuation, and the item at which equality would be overshot is split.
//! The result is equitable (equal point totals), envy-free and efficient, with at most one item
//! split.

use serde::{Deserialize, Serialize};

use crate::NegotiateError;
use crate::rational::Q;

/// A fair-division input: `points[party][item]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DivisionInput {
    /// Party names.
    pub parties: Vec<String>,
    /// Item names.
    pub items: Vec<String>,
    /// Points per party per item (non-negative; any total).
    pub points: Vec<Vec<serde_json::Number>>,
}

/// An allocation: the share of each item held by the first party (the rest goes to the second).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// Share of each item for party 0, in [0, 1].
    pub share_first: Vec<Q>,
    /// Point totals of the two parties (each by its own valuation).
    pub totals: [Q; 2],
}

fn parse_points(input: &DivisionInput) -> Result<Vec<Vec<Q>>, NegotiateError> {
    if input.parties.len() != 2 {
        return Err(NegotiateError::new(
            "unsupported-party-count",
            "Adjusted Winner divides between exactly two parties",
        ));
    }
    if input.points.len() != 2
        || input.points.iter().any(|p| p.len() != input.items.len())
        || input.items.is_empty()
    {
        return Err(NegotiateError::new(
            "invalid-division-input",
            "points holds one list per party with one value per item",
        ));
    }
    input
        .points
        .iter()
        .map(|row| {
            row.iter()
                .map(|n| {
                    let q = Q::parse(&n.to_string())?;
                    if q.n < 0 {
                        return Err(NegotiateError::new(
                            "negative-points",
                            "points are not negative",
                        ));
                    }
                    Ok(q)
                })
                .collect()
        })
        .collect()
}

/// Rescales points to total 100 (Adjusted Winner's premise: both parties spread the same total).
fn normalise(v: &[Q]) -> Result<Vec<Q>, NegotiateError> {
    let total = v.iter().try_fold(Q::ZERO, |acc, x| acc.plus(*x))?;
    if total.n == 0 {
        return Err(NegotiateError::new(
            "no-points",
            "each party must give points to at least one item",
        ));
    }
    v.iter()
        .map(|x| x.times(Q::int(100))?.over(total))
        .collect()
}

/// Adjusted Winner on parsed points (each party's points are first rescaled to total 100).
pub fn adjusted_winner(a: &[Q], b: &[Q]) -> Result<Allocation, NegotiateError> {
    let (a, b) = (&normalise(a)?[..], &normalise(b)?[..]);
    let n = a.len();
    let mut share: Vec<Q> = (0..n)
        .map(|i| {
            Ok(if a[i].cmp_exact(b[i])?.is_ge() {
                Q::int(1)
            } else {
                Q::ZERO
            })
        })
        .collect::<Result<_, NegotiateError>>()?;
    let totals = |share: &[Q]| -> Result<[Q; 2], NegotiateError> {
        let mut ta = Q::ZERO;
        let mut tb = Q::ZERO;
        for i in 0..n {
            ta = ta.plus(a[i].times(share[i])?)?;
            tb = tb.plus(b[i].times(Q::int(1).plus(Q::int(-1).times(share[i])?)?)?)?;
        }
        Ok([ta, tb])
    };
    let [ta, tb] = totals(&share)?;
    let first_richer = ta.cmp_exact(tb)?.is_gt();
    // Work from the richer party's side: (richer values, poorer values, richer holds item?).
    let (rich, poor) = if first_richer { (a, b) } else { (b, a) };
    let holds = |s: &Q, first_richer: bool| if first_richer { s.n != 0 } else { s.n == 0 };
    // Items the poorer party values at nothing cannot help (and a 0/0 ratio would break the
    // ordering), so only the others are candidates for transfer.
    let mut order: Vec<usize> = (0..n)
        .filter(|&i| holds(&share[i], first_richer) && poor[i].n != 0)
        .collect();
    // Increasing rich/poor ratio: compare rich_i * poor_j vs rich_j * poor_i.
    let mut err = None;
    order.sort_by(|&i, &j| {
        let l = rich[i].times(poor[j]);
        let r = rich[j].times(poor[i]);
        match (l, r) {
            (Ok(l), Ok(r)) => l.cmp_exact(r).unwrap_or(std::cmp::Ordering::Equal),
            (Err(e), _) | (_, Err(e)) => {
                err = Some(e);
                std::cmp::Ordering::Equal
            }
        }
    });
    if let Some(e) = err {
        return Err(e);
    }
    let (mut tr, mut tp) = if first_richer { (ta, tb) } else { (tb, ta) };
    for i in order {
        if tr.cmp_exact(tp)?.is_le() {
            break;
        }
        // Transferring all of item i: richer loses rich[i], poorer gains poor[i].
        let after_r = tr.plus(Q::int(-1).times(rich[i])?)?;
        let after_p = tp.plus(poor[i])?;
        let rich_keeps = if after_r.cmp_exact(after_p)?.is_ge() {
            Q::ZERO
        } else {
            // Keep fraction p: tr - (1-p)·r = tp + (1-p)·q  ⇒  1-p = (tr - tp)/(r + q).
            let moved = tr
                .plus(Q::int(-1).times(tp)?)?
                .over(rich[i].plus(poor[i])?)?;
            Q::int(1).plus(Q::int(-1).times(moved)?)?
        };
        share[i] = if first_richer {
            rich_keeps
        } else {
            Q::int(1).plus(Q::int(-1).times(rich_keeps)?)?
        };
        let [na, nb] = totals(&share)?;
        (tr, tp) = if first_richer { (na, nb) } else { (nb, na) };
    }
    let totals = totals(&share)?;
    Ok(Allocation {
        share_first: share,
        totals,
    })
}

/// Adjusted Winner on a JSON input.
pub fn divide(input: &DivisionInput) -> Result<Allocation, NegotiateError> {
    let pts = parse_points(input)?;
    adjusted_winner(&pts[0], &pts[1])
}

/// An allocation of indivisible items among n parties: `owner[item]` is a party index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Owner of each item.
    pub owner: Vec<usize>,
}

/// Each party's value of its bundle.
pub fn bundle_values(points: &[Vec<i128>], a: &Assignment) -> Vec<i128> {
    let mut v = vec![0i128; points.len()];
    for (item, &o) in a.owner.iter().enumerate() {
        v[o] += points[o][item];
    }
    v
}

/// Envy-free up to one item: for every pair (i, j), i's value of its own bundle is at least its
/// value of j's bundle minus i's most valued item in it.
pub fn is_ef1(points: &[Vec<i128>], a: &Assignment) -> bool {
    let n = points.len();
    let own = bundle_values(points, a);
    for i in 0..n {
        for j in 0..n {
            if i == j {
                continue;
            }
            let items: Vec<usize> = (0..a.owner.len()).filter(|&k| a.owner[k] == j).collect();
            let of_j: i128 = items.iter().map(|&k| points[i][k]).sum();
            let best = items.iter().map(|&k| points[i][k]).max().unwrap_or(0);
            if own[i] < of_j - best {
                return false;
            }
        }
    }
    true
}

/// Maximum Nash welfare, exactly, by enumerating every assignment (`n^m ≤ limit`): first the
/// most parties with positive value, then the largest product of their values.
pub fn max_nash_welfare(points: &[Vec<i128>], limit: u128) -> Result<Assignment, NegotiateError> {
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
    let count = (n as u128).checked_pow(m as u32).unwrap_or(u128::MAX);
    if count > limit {
        return Err(NegotiateError::new(
            "too-many-assignments",
            format!("{count} assignments exceed the exact limit of {limit}; use round robin"),
        ));
    }
    let mut owner = vec![0usize; m];
    let mut best: Option<(usize, Vec<u128>, Vec<usize>)> = None;
    loop {
        let v = bundle_values(
            points,
            &Assignment {
                owner: owner.clone(),
            },
        );
        let positive: Vec<u128> = v.iter().filter(|x| **x > 0).map(|x| *x as u128).collect();
        // The product in exact big-integer arithmetic; ties go to the first assignment found.
        let prod = crate::fair::product(&positive);
        let better = match &best {
            None => true,
            Some((p, b, _)) => {
                positive.len() > *p
                    || (positive.len() == *p && crate::fair::cmp_big(&prod, b).is_gt())
            }
        };
        if better {
            best = Some((positive.len(), prod, owner.clone()));
        }
        let mut i = 0;
        loop {
            if i == m {
                return Ok(Assignment {
                    owner: best.map(|b| b.2).unwrap_or_default(),
                });
            }
            owner[i] += 1;
            if owner[i] < n {
                break;
            }
            owner[i] = 0;
            i += 1;
        }
    }
}

/// Round robin: parties pick their most valued remaining item in turn. The result is EF1.
pub fn round_robin(points: &[Vec<i128>]) -> Assignment {
    let n = points.len();
    let m = points.first().map_or(0, Vec::len);
    let mut owner = vec![usize::MAX; m];
    for turn in 0..m {
        let p = turn % n;
        let pick = (0..m)
            .filter(|&k| owner[k] == usize::MAX)
            .max_by(|&a, &b| points[p][a].cmp(&points[p][b]).then(b.cmp(&a)));
        if let Some(k) = pick {
            owner[k] = p;
        }
    }
    Assignment { owner }
}

/// Largest number of assignments enumerated for an exact maximum-Nash-welfare division when some
/// party must be left with nothing it values.
pub const MNW_EXACT_LIMIT: u128 = 1_000_000;

/// Node budget of the branch-and-bound search (a few seconds on a 2-core machine).
pub const MNW_NODE_LIMIT: u64 = 2_000_000;

/// How close a division is to maximum Nash welfare.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WelfareReport {
    /// The allocation maximises Nash welfare (proven).
    pub exact: bool,
    /// Its Nash welfare: the geometric mean of the parties' values.
    pub nash_welfare: f64,
    /// An upper bound on the maximum Nash welfare (geometric mean), when one is known.
    pub upper_bound: Option<f64>,
    /// `nash_welfare / upper_bound` (1 when exact): the welfare gap is at most `1 − ratio`.
    pub ratio: Option<f64>,
    /// Search nodes visited.
    pub nodes: u64,
}

/// A division of indivisible items among n parties.
#[derive(Debug, Clone, PartialEq)]
pub struct Division {
    /// `max-nash-welfare` (exact) or `ef1-with-welfare-gap`.
    pub method: &'static str,
    /// Who gets what.
    pub assignment: Assignment,
    /// The parties' points as whole numbers.
    pub points: Vec<Vec<i128>>,
    /// Distance from maximum Nash welfare.
    pub welfare: WelfareReport,
}

fn ln_product(points: &[Vec<i128>], a: &Assignment) -> f64 {
    bundle_values(points, a)
        .iter()
        .map(|v| {
            if *v > 0 {
                (*v as f64).ln()
            } else {
                f64::NEG_INFINITY
            }
        })
        .sum()
}

/// Divides indivisible items among n parties with whole-number points. The result is always
/// envy-free up to one item (EF1). When every party can receive something it values, maximum Nash
/// welfare is searched by branch and bound ([`crate::welfare`]); if the search finishes, the
/// allocation is the exact optimum (which is EF1); if the node budget runs out, the better EF1
/// allocation of round robin and the best one found is returned with the proven gap. When some
/// party must go without, small instances are enumerated exactly and larger ones get round robin.
pub fn divide_indivisible(input: &DivisionInput) -> Result<Division, NegotiateError> {
    divide_indivisible_within(input, MNW_NODE_LIMIT)
}

/// [`divide_indivisible`] with a chosen node budget.
pub fn divide_indivisible_within(
    input: &DivisionInput,
    node_limit: u64,
) -> Result<Division, NegotiateError> {
    if input.parties.len() < 2
        || input.items.is_empty()
        || input.points.len() != input.parties.len()
        || input.points.iter().any(|p| p.len() != input.items.len())
    {
        return Err(NegotiateError::new(
            "invalid-division-input",
            "points holds one list per party with one value per item",
        ));
    }
    let points: Vec<Vec<i128>> = input
        .points
        .iter()
        .map(|row| {
            row.iter()
                .map(|n| {
                    n.as_i64()
                        .filter(|x| (0..=1_000_000_000_000).contains(x))
                        .map(i128::from)
                        .ok_or_else(|| {
                            NegotiateError::new(
                                "invalid-points",
                                "points for indivisible items are whole numbers from 0 to 10^12",
                            )
                        })
                })
                .collect()
        })
        .collect::<Result<_, _>>()?;
    let n = points.len() as f64;
    let geo = |ln: f64| if ln.is_finite() { (ln / n).exp() } else { 0.0 };
    if crate::welfare::everyone_can_gain(&points) {
        let s = crate::welfare::max_nash_welfare_search(&points, node_limit)?;
        if s.exact {
            let w = geo(s.ln_product);
            return Ok(Division {
                method: "max-nash-welfare",
                assignment: s.assignment,
                points,
                welfare: WelfareReport {
                    exact: true,
                    nash_welfare: w,
                    upper_bound: Some(w),
                    ratio: Some(1.0),
                    nodes: s.nodes,
                },
            });
        }
        let rr = round_robin(&points);
        let pick = if is_ef1(&points, &s.assignment)
            && ln_product(&points, &s.assignment) > ln_product(&points, &rr)
        {
            s.assignment
        } else {
            rr
        };
        let ln = ln_product(&points, &pick);
        let ub = geo(s.ln_upper_bound);
        return Ok(Division {
            method: "ef1-with-welfare-gap",
            welfare: WelfareReport {
                exact: false,
                nash_welfare: geo(ln),
                upper_bound: Some(ub),
                ratio: Some(if ub > 0.0 { geo(ln) / ub } else { 0.0 }),
                nodes: s.nodes,
            },
            assignment: pick,
            points,
        });
    }
    let count = (points.len() as u128)
        .checked_pow(input.items.len() as u32)
        .unwrap_or(u128::MAX);
    if count <= MNW_EXACT_LIMIT {
        // Some party must go without: Nash welfare is 0 for every allocation, and the optimum
        // maximises the parties with positive value, then their product.
        let a = max_nash_welfare(&points, MNW_EXACT_LIMIT)?;
        return Ok(Division {
            method: "max-nash-welfare",
            assignment: a,
            welfare: WelfareReport {
                exact: true,
                nash_welfare: 0.0,
                upper_bound: None,
                ratio: None,
                nodes: 0,
            },
            points,
        });
    }
    let a = round_robin(&points);
    Ok(Division {
        method: "ef1-with-welfare-gap",
        assignment: a,
        points,
        welfare: WelfareReport {
            exact: false,
            nash_welfare: 0.0,
            upper_bound: None,
            ratio: None,
            nodes: 0,
        },
    })
}

#[cfg(test)]
mod n_party_tests {
    use super::*;
    use proptest::prelude::*;

    fn input(points: &[Vec<i64>]) -> DivisionInput {
        DivisionInput {
            parties: (0..points.len()).map(|i| format!("P{i}")).collect(),
            items: (0..points[0].len()).map(|k| format!("I{k}")).collect(),
            points: points
                .iter()
                .map(|r| r.iter().map(|x| serde_json::Number::from(*x)).collect())
                .collect(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

        /// On large instances the division is EF1 either way; when the search is cut short the
        /// reported bound is at least the allocation's welfare and at least the true optimum
        /// (found with an unlimited budget).
        #[test]
        fn large_divisions_are_ef1_with_a_sound_welfare_gap(
            seed in prop::collection::vec(1i64..60, 5 * 12),
        ) {
            let points: Vec<Vec<i64>> = (0..5).map(|i| seed[i * 12..(i + 1) * 12].to_vec()).collect();
            let cut = divide_indivisible_within(&input(&points), 30).unwrap();
            prop_assert!(is_ef1(&cut.points, &cut.assignment));
            let full = divide_indivisible_within(&input(&points), u64::MAX).unwrap();
            prop_assert_eq!(full.method, "max-nash-welfare");
            prop_assert!(is_ef1(&full.points, &full.assignment), "MNW is EF1");
            let w = &cut.welfare;
            if !w.exact {
                prop_assert_eq!(cut.method, "ef1-with-welfare-gap");
                let ub = w.upper_bound.unwrap();
                prop_assert!(w.nash_welfare <= ub * (1.0 + 1e-9));
                prop_assert!(full.welfare.nash_welfare <= ub * (1.0 + 1e-9));
                let r = w.ratio.unwrap();
                prop_assert!(r > 0.0 && r <= 1.0 + 1e-9);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Round robin is always EF1; maximum Nash welfare is EF1 and its welfare is at least
        /// round robin's.
        #[test]
        fn round_robin_and_mnw_are_ef1(n in 2usize..4, m in 1usize..7, seed in prop::collection::vec(0i128..20, 21)) {
            let points: Vec<Vec<i128>> = (0..n).map(|i| (0..m).map(|k| seed[(i * 7 + k) % seed.len()]).collect()).collect();
            let rr = round_robin(&points);
            prop_assert!(is_ef1(&points, &rr));
            let mnw = max_nash_welfare(&points, 1_000_000).unwrap();
            prop_assert!(is_ef1(&points, &mnw), "MNW must be EF1: {:?}", mnw);
            let welfare = |a: &Assignment| {
                let v = bundle_values(&points, a);
                (v.iter().filter(|x| **x > 0).count(), v.iter().filter(|x| **x > 0).map(|x| (*x as f64).ln()).sum::<f64>())
            };
            let (pm, lm) = welfare(&mnw);
            let (pr, lr) = welfare(&rr);
            prop_assert!(pm > pr || (pm == pr && lm >= lr - 1e-9));
        }
    }
}
