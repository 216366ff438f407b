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

/// Largest number of assignments enumerated for an exact maximum-Nash-welfare division.
pub const MNW_EXACT_LIMIT: u128 = 1_000_000;

/// Divides indivisible items among n parties with whole-number points: exact maximum Nash
/// welfare when at most [`MNW_EXACT_LIMIT`] assignments exist, otherwise round robin (EF1).
/// Returns the method's name and the assignment.
pub fn divide_indivisible(
    input: &DivisionInput,
) -> Result<(&'static str, Assignment, Vec<Vec<i128>>), NegotiateError> {
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
                        .filter(|x| *x >= 0)
                        .map(i128::from)
                        .ok_or_else(|| {
                            NegotiateError::new(
                                "invalid-points",
                                "points for indivisible items are whole, non-negative numbers",
                            )
                        })
                })
                .collect()
        })
        .collect::<Result<_, _>>()?;
    let count = (points.len() as u128)
        .checked_pow(input.items.len() as u32)
        .unwrap_or(u128::MAX);
    if count <= MNW_EXACT_LIMIT {
        Ok((
            "max-nash-welfare",
            max_nash_welfare(&points, MNW_EXACT_LIMIT)?,
            points,
        ))
    } else {
        let a = round_robin(&points);
        Ok(("round-robin", a, points))
    }
}

#[cfg(test)]
mod n_party_tests {
    use super::*;
    use proptest::prelude::*;

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
