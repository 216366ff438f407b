//! Fair points on the frontier, with a stated disagreement point.
//!
//! Nash and Kalai–Smorodinsky compare exactly (integer products and cross-multiplication) and
//! are invariant under positive affine rescaling of any party's utility. Egalitarian and
//! utilitarian points need a common scale: they compare the parties' real utilities (scaled value
//! divided by the party's scale), which is what the chosen semantics makes comparable. Ties go to
//! the earlier point in the frontier's order (descending utilities).

use crate::frontier::Point;

/// Index of the Nash point: maximises the product of gains over the disagreement point, among
/// points at least as good as it for everyone. `None` if no point is.
pub fn nash(points: &[Point], d: &[i128]) -> Option<usize> {
    let mut best: Option<(usize, Vec<u128>)> = None;
    for (i, p) in points.iter().enumerate() {
        let Some(gains) = gains(p, d) else { continue };
        let prod = product(&gains);
        if best.as_ref().is_none_or(|(_, b)| cmp_big(&prod, b).is_gt()) {
            best = Some((i, prod));
        }
    }
    best.map(|b| b.0)
}

/// Index of the Kalai–Smorodinsky point: maximises the smallest share of each party's ideal gain.
pub fn kalai_smorodinsky(points: &[Point], d: &[i128]) -> Option<usize> {
    let ir: Vec<usize> = (0..points.len())
        .filter(|&i| gains(&points[i], d).is_some())
        .collect();
    let ideal: Vec<i128> = (0..d.len())
        .map(|j| {
            ir.iter()
                .map(|&i| points[i].utilities[j] - d[j])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut best: Option<(usize, (u128, u128))> = None; // ratio as (num, den)
    for &i in &ir {
        let g = gains(&points[i], d)?;
        // min over j of g_j / ideal_j (parties with zero ideal gain are ignored).
        let mut min: Option<(u128, u128)> = None;
        for (j, gj) in g.iter().enumerate() {
            let ideal_j = ideal[j] as u128;
            if ideal_j == 0 {
                continue;
            }
            if min.is_none_or(|(n, dd)| less(*gj, ideal_j, n, dd)) {
                min = Some((*gj, ideal_j));
            }
        }
        let m = min.unwrap_or((0, 1));
        if best.is_none_or(|(_, (n, dd))| less(n, dd, m.0, m.1)) {
            best = Some((i, m));
        }
    }
    best.map(|b| b.0)
}

/// Index of the egalitarian point: maximises the smallest real gain (needs a common scale).
pub fn egalitarian(points: &[Point], d: &[i128], scale: &[i128]) -> Option<usize> {
    best_by(points, d, |g| {
        g.iter()
            .zip(scale)
            .map(|(x, s)| *x as f64 / *s as f64)
            .fold(f64::INFINITY, f64::min)
    })
}

/// Index of the utilitarian point: maximises the sum of real utilities (needs a common scale).
pub fn utilitarian(points: &[Point], d: &[i128], scale: &[i128]) -> Option<usize> {
    best_by(points, d, |g| {
        g.iter()
            .zip(scale)
            .map(|(x, s)| *x as f64 / *s as f64)
            .sum()
    })
}

fn best_by(points: &[Point], d: &[i128], f: impl Fn(&[u128]) -> f64) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, p) in points.iter().enumerate() {
        let Some(g) = gains(p, d) else { continue };
        let v = f(&g);
        if best.is_none_or(|(_, b)| v > b) {
            best = Some((i, v));
        }
    }
    best.map(|b| b.0)
}

fn gains(p: &Point, d: &[i128]) -> Option<Vec<u128>> {
    p.utilities
        .iter()
        .zip(d)
        .map(|(u, dj)| u.checked_sub(*dj).filter(|g| *g >= 0).map(|g| g as u128))
        .collect()
}

/// a/b < c/d for non-negative values, exactly (falls back to floats only on overflow).
fn less(a: u128, b: u128, c: u128, d: u128) -> bool {
    match (a.checked_mul(d), c.checked_mul(b)) {
        (Some(x), Some(y)) => x < y,
        _ => (a as f64 / b as f64) < (c as f64 / d as f64),
    }
}

/// Arbitrary-precision product of non-negative integers, as little-endian base-2^64 limbs.
pub(crate) fn product(xs: &[u128]) -> Vec<u128> {
    let mut acc: Vec<u128> = vec![1];
    for &x in xs {
        let (lo, hi) = (x & u64::MAX as u128, x >> 64);
        let mut out = vec![0u128; acc.len() + 3];
        for (i, &a) in acc.iter().enumerate() {
            for (k, part) in [lo, hi].into_iter().enumerate() {
                let mut carry = a * part;
                let mut pos = i + k;
                while carry > 0 {
                    let s = out[pos] + (carry & u64::MAX as u128);
                    out[pos] = s & u64::MAX as u128;
                    carry = (carry >> 64) + (s >> 64);
                    pos += 1;
                }
            }
        }
        while out.len() > 1 && out.last() == Some(&0) {
            out.pop();
        }
        acc = out;
    }
    acc
}

pub(crate) fn cmp_big(a: &[u128], b: &[u128]) -> std::cmp::Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_products_compare_exactly() {
        let big = u64::MAX as u128 * 7;
        let a = product(&[big, big, big]);
        let b = product(&[big, big, big - 1]);
        assert!(cmp_big(&a, &b).is_gt());
        assert_eq!(product(&[6, 7]), vec![42]);
        assert_eq!(product(&[0, 5]), vec![0]);
    }
}
