//! The exact Pareto frontier, one package per point.

use crate::NegotiateError;
use crate::exact::Exact;
use crate::space::IntProblem;

/// A point of the frontier: the parties' scaled utilities and one package that achieves them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point<T = i128> {
    /// Scaled utilities, in party order.
    pub utilities: Vec<T>,
    /// One option index per issue.
    pub outcome: Vec<usize>,
}

/// True if `a` dominates `b`: at least as good for everyone, better for someone.
pub fn dominates<T: Ord>(a: &[T], b: &[T]) -> bool {
    a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
}

/// Keeps the non-dominated points, one per distinct utility vector. Sorting in descending
/// lexicographic order puts every dominating point before the points it dominates.
pub fn non_dominated<T: Exact, X>(mut pts: Vec<(Vec<T>, X)>) -> Vec<(Vec<T>, X)> {
    pts.sort_by(|a, b| b.0.cmp(&a.0));
    let mut kept: Vec<(Vec<T>, X)> = Vec::new();
    if pts.first().is_some_and(|p| p.0.len() == 2) {
        let mut best2 = T::MIN;
        for p in pts {
            if p.0[1] > best2 {
                best2 = p.0[1];
                kept.push(p);
            }
        }
        return kept;
    }
    if pts.first().is_some_and(|p| p.0.len() == 3) {
        // Every earlier point has u1 at least as large, so a point is dominated (or a duplicate)
        // exactly when an earlier point is at least as good in (u2, u3). The staircase keeps the
        // earlier points' (u2, u3) maxima, u3 falling as u2 rises: the first key ≥ u2 holds the
        // best u3 among them.
        let mut stairs: std::collections::BTreeMap<T, T> = std::collections::BTreeMap::new();
        for p in pts {
            let (u2, u3) = (p.0[1], p.0[2]);
            if stairs.range(u2..).next().is_some_and(|(_, v)| *v >= u3) {
                continue;
            }
            let covered: Vec<T> = stairs
                .range(..=u2)
                .rev()
                .take_while(|(_, v)| **v <= u3)
                .map(|(k, _)| *k)
                .collect();
            for k in covered {
                stairs.remove(&k);
            }
            stairs.insert(u2, u3);
            kept.push(p);
        }
        return kept;
    }
    // Four or more parties: sort-filter skyline. Sorting by the sum of utilities, largest first,
    // puts every dominating point before the points it dominates (domination raises the sum), so
    // each point is checked once against the skyline kept so far. The point that last dominated
    // something is tried first: dominated points cluster, and most are cut at the first check.
    let mut by_sum: Vec<(T, Vec<T>, X)> = pts
        .into_iter()
        .map(|(u, t)| (u.iter().fold(T::ZERO, |a, b| a + *b), u, t))
        .collect();
    by_sum.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
    // Only kept points at least as good for the first party can cover a point: an index of the
    // kept points ordered by that utility limits each scan to them.
    let mut by_first: Vec<(T, usize)> = Vec::new();
    let mut last_hit = 0usize;
    for (_, u, t) in by_sum {
        let covers = |k: &Vec<T>| k.iter().zip(&u).all(|(a, b)| a >= b);
        if kept.get(last_hit).is_some_and(|k| covers(&k.0)) {
            continue;
        }
        let from = by_first.partition_point(|(v, _)| *v < u[0]);
        if let Some((_, i)) = by_first[from..].iter().find(|(_, i)| covers(&kept[*i].0)) {
            last_hit = *i;
            continue;
        }
        by_first.insert(from, (u[0], kept.len()));
        kept.push((u, t));
    }
    kept
}

/// Brute force over every outcome (the test oracle; refuses more than `limit` outcomes).
pub fn brute_force<T: Exact>(
    p: &IntProblem<T>,
    limit: u128,
) -> Result<Vec<Point<T>>, NegotiateError> {
    let n: u128 = p.issues.iter().map(|i| i.values.len() as u128).product();
    if n > limit {
        return Err(NegotiateError::new(
            "too-many-outcomes",
            format!("{n} outcomes exceed the brute-force limit of {limit}"),
        ));
    }
    let mut all = Vec::with_capacity(n as usize);
    let mut idx = vec![0usize; p.issues.len()];
    loop {
        all.push((p.evaluate(&idx), idx.clone()));
        let mut i = 0;
        loop {
            if i == idx.len() {
                return Ok(finish(non_dominated(all)));
            }
            idx[i] += 1;
            if idx[i] < p.issues[i].values.len() {
                break;
            }
            idx[i] = 0;
            i += 1;
        }
    }
}

fn finish<T: Exact>(v: Vec<(Vec<T>, Vec<usize>)>) -> Vec<Point<T>> {
    let mut out: Vec<Point<T>> = v
        .into_iter()
        .map(|(utilities, outcome)| Point { utilities, outcome })
        .collect();
    out.sort_by(|a, b| b.utilities.cmp(&a.utilities));
    out
}

/// Frontier merging: after each issue, keep only the non-dominated partial sums (the Pareto set of
/// a sum lies within the sum of the Pareto sets), with back-pointers to rebuild one package per
/// point. `max_intermediate` bounds the work (an intermediate set larger than that is refused).
pub fn merged<T: Exact>(
    p: &IntProblem<T>,
    max_intermediate: usize,
) -> Result<Vec<Point<T>>, NegotiateError> {
    // Two and three parties (most negotiations) work on fixed-size arrays: no allocation per
    // partial sum, and the same order and ties as the general path below.
    match p.parties() {
        2 => return merged_fixed::<T, 2>(p, max_intermediate),
        3 => return merged_fixed::<T, 3>(p, max_intermediate),
        _ => {}
    }
    // levels[i] = (utilities, parent index in levels[i-1], option) after issue i.
    let mut levels: Vec<Vec<(Vec<T>, usize, usize)>> = vec![];
    let mut current: Vec<(Vec<T>, (usize, usize))> = vec![(vec![T::ZERO; p.parties()], (0, 0))];
    for issue in &p.terms {
        let mut q = Vec::with_capacity(current.len() * issue.len());
        for (pi, (u, _)) in current.iter().enumerate() {
            for (k, t) in issue.iter().enumerate() {
                let v: Vec<T> = u.iter().zip(t).map(|(a, b)| *a + *b).collect();
                q.push((v, (pi, k)));
            }
        }
        if q.len() > max_intermediate.saturating_mul(64) {
            return Err(NegotiateError::new(
                "frontier-too-large",
                "the intermediate frontier grew beyond the limit",
            ));
        }
        let nd = non_dominated(q);
        levels.push(nd.iter().map(|(u, (pi, k))| (u.clone(), *pi, *k)).collect());
        current = nd;
    }
    let last = levels.len().saturating_sub(1);
    let mut out = vec![];
    for (idx, (u, _, _)) in levels
        .last()
        .map(|l| l.iter().enumerate().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        let mut outcome = vec![0usize; levels.len()];
        let mut at = idx;
        for lvl in (0..=last).rev() {
            let (_, parent, k) = &levels[lvl][at];
            outcome[lvl] = *k;
            at = *parent;
        }
        out.push(Point {
            utilities: u.clone(),
            outcome,
        });
    }
    out.sort_by(|a, b| b.utilities.cmp(&a.utilities));
    Ok(out)
}

/// [`merged`] for exactly `N` parties (2 or 3), on arrays.
fn merged_fixed<T: Exact, const N: usize>(
    p: &IntProblem<T>,
    max_intermediate: usize,
) -> Result<Vec<Point<T>>, NegotiateError> {
    // levels[i][j] = (parent index in levels[i-1], option) of the j-th kept partial sum.
    let mut levels: Vec<Vec<(u32, u32)>> = Vec::with_capacity(p.terms.len());
    let mut current: Vec<[T; N]> = vec![[T::ZERO; N]];
    for issue in &p.terms {
        let terms: Vec<[T; N]> = issue
            .iter()
            .map(|t| std::array::from_fn(|j| t.get(j).copied().unwrap_or(T::ZERO)))
            .collect();
        let size = current.len() * terms.len();
        if size > max_intermediate.saturating_mul(64) || size > u32::MAX as usize {
            return Err(NegotiateError::new(
                "frontier-too-large",
                "the intermediate frontier grew beyond the limit",
            ));
        }
        let mut q: Vec<([T; N], u32, u32)> = Vec::with_capacity(size);
        for (pi, u) in current.iter().enumerate() {
            for (k, t) in terms.iter().enumerate() {
                q.push((std::array::from_fn(|j| u[j] + t[j]), pi as u32, k as u32));
            }
        }
        // Descending utilities; among equal vectors the first in enumeration order, as the
        // general path's stable sort keeps it.
        q.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut kept_u: Vec<[T; N]> = Vec::new();
        let mut kept_back: Vec<(u32, u32)> = Vec::new();
        if N == 2 {
            let mut best2 = T::MIN;
            for (u, pi, k) in q {
                if u[1] > best2 {
                    best2 = u[1];
                    kept_u.push(u);
                    kept_back.push((pi, k));
                }
            }
        } else {
            let mut stairs: std::collections::BTreeMap<T, T> = std::collections::BTreeMap::new();
            for (u, pi, k) in q {
                let (u2, u3) = (u[1], u[2]);
                if stairs.range(u2..).next().is_some_and(|(_, v)| *v >= u3) {
                    continue;
                }
                while let Some((&key, _)) =
                    stairs.range(..=u2).next_back().filter(|(_, v)| **v <= u3)
                {
                    stairs.remove(&key);
                }
                stairs.insert(u2, u3);
                kept_u.push(u);
                kept_back.push((pi, k));
            }
        }
        levels.push(kept_back);
        current = kept_u;
    }
    let mut out: Vec<Point<T>> = current
        .iter()
        .enumerate()
        .map(|(idx, u)| {
            let mut outcome = vec![0usize; levels.len()];
            let mut at = idx;
            for lvl in (0..levels.len()).rev() {
                let (parent, k) = levels[lvl][at];
                outcome[lvl] = k as usize;
                at = parent as usize;
            }
            Point {
                utilities: u.to_vec(),
                outcome,
            }
        })
        .collect();
    out.sort_by(|a, b| b.utilities.cmp(&a.utilities));
    Ok(out)
}

/// Post-settlement improvement: the frontier packages that leave every party at least as well off
/// as a tentative agreement and at least one better (empty if the agreement is already efficient).
pub fn improvements<'a, T: Exact>(points: &'a [Point<T>], tentative: &[T]) -> Vec<&'a Point<T>> {
    points
        .iter()
        .filter(|p| dominates(&p.utilities, tentative))
        .collect()
}
