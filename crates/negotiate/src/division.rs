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
    let mut order: Vec<usize> = (0..n).filter(|&i| holds(&share[i], first_richer)).collect();
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
        // An item the poorer party values at nothing cannot bring the totals closer.
        if poor[i].n == 0 {
            continue;
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
