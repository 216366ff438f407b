//! Fair points on the frontier, with a stated disagreement point.
//!
//! Nash and Kalai–Smorodinsky compare exactly (integer products and cross-multiplication) and
//! are invariant under positive affine rescaling of any party's utility. Egalitarian and
//! utilitarian points need a common scale: they compare the parties' real utilities (scaled value
//! divided by the party's scale), which is what the chosen semantics makes comparable. Ties go to
//! the earlier point in the frontier's order (descending utilities).

use crate::exact::Exact;
use crate::frontier::Point;

/// Index of the Nash point: maximises the product of gains over the disagreement point, among
/// points at least as good as it for everyone. `None` if no point is.
pub fn nash<T: Exact>(points: &[Point<T>], d: &[T]) -> Option<usize> {
    let mut best: Option<(usize, Vec<u128>)> = None;
    for (i, p) in points.iter().enumerate() {
        let Some(gains) = gains(p, d) else { continue };
        let prod = product_exact(&gains);
        if best.as_ref().is_none_or(|(_, b)| cmp_big(&prod, b).is_gt()) {
            best = Some((i, prod));
        }
    }
    best.map(|b| b.0)
}

/// Index of the Kalai–Smorodinsky point: maximises the smallest share of each party's ideal gain.
pub fn kalai_smorodinsky<T: Exact>(points: &[Point<T>], d: &[T]) -> Option<usize> {
    let ir: Vec<(usize, Vec<T>)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| gains(p, d).map(|g| (i, g)))
        .collect();
    let ideal: Vec<T> = (0..d.len())
        .map(|j| ir.iter().map(|(_, g)| g[j]).max().unwrap_or(T::ZERO))
        .collect();
    let mut best: Option<(usize, (T, T))> = None; // ratio as (num, den)
    for (i, g) in &ir {
        // min over j of g_j / ideal_j (parties with zero ideal gain are ignored).
        let mut min: Option<(T, T)> = None;
        for (gj, ideal_j) in g.iter().zip(&ideal) {
            if *ideal_j == T::ZERO {
                continue;
            }
            if min.is_none_or(|(n, dd)| less(*gj, *ideal_j, n, dd)) {
                min = Some((*gj, *ideal_j));
            }
        }
        let m = min.unwrap_or((T::ZERO, T::ONE));
        if best.is_none_or(|(_, (n, dd))| less(n, dd, m.0, m.1)) {
            best = Some((*i, m));
        }
    }
    best.map(|b| b.0)
}

/// Index of the egalitarian point: maximises the smallest real gain (needs a common scale).
pub fn egalitarian<T: Exact>(points: &[Point<T>], d: &[T], scale: &[T]) -> Option<usize> {
    best_by(points, d, |g| {
        g.iter()
            .zip(scale)
            .map(|(x, s)| crate::exact::ratio(*x, *s))
            .fold(f64::INFINITY, f64::min)
    })
}

/// Index of the utilitarian point: maximises the sum of real utilities (needs a common scale).
pub fn utilitarian<T: Exact>(points: &[Point<T>], d: &[T], scale: &[T]) -> Option<usize> {
    best_by(points, d, |g| {
        g.iter()
            .zip(scale)
            .map(|(x, s)| crate::exact::ratio(*x, *s))
            .sum()
    })
}

fn best_by<T: Exact>(points: &[Point<T>], d: &[T], f: impl Fn(&[T]) -> f64) -> Option<usize> {
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

/// The gains over the disagreement point, if none is negative.
fn gains<T: Exact>(p: &Point<T>, d: &[T]) -> Option<Vec<T>> {
    p.utilities
        .iter()
        .zip(d)
        .map(|(u, dj)| u.checked_sub(*dj).filter(|g| *g >= T::ZERO))
        .collect()
}

/// a/b < c/d for non-negative values, exactly (cross products in as many limbs as they need).
fn less<T: Exact>(a: T, b: T, c: T, d: T) -> bool {
    cmp_big(&product_exact(&[a, d]), &product_exact(&[c, b])).is_lt()
}

/// Arbitrary-precision product of the magnitudes of exact integers (see [`product_limbs`]).
pub(crate) fn product_exact<T: Exact>(xs: &[T]) -> Vec<u128> {
    product_limbs(xs.iter().map(|x| x.magnitude_limbs()))
}

/// Arbitrary-precision product of non-negative integers, as little-endian base-2^64 limbs.
pub(crate) fn product(xs: &[u128]) -> Vec<u128> {
    product_limbs(xs.iter().map(|x| vec![*x as u64, (*x >> 64) as u64]))
}

/// Product of numbers given as little-endian base-2^64 limbs; the result holds one limb per
/// `u128` (each below 2^64), without leading zero limbs, so that [`cmp_big`] compares it.
fn product_limbs(xs: impl Iterator<Item = Vec<u64>>) -> Vec<u128> {
    const MASK: u128 = u64::MAX as u128;
    let mut acc: Vec<u128> = vec![1];
    for x in xs {
        let mut out = vec![0u128; acc.len() + x.len() + 1];
        for (i, &a) in acc.iter().enumerate() {
            // a, b < 2^64: a·b + out + carry < 2^128.
            let mut carry: u128 = 0;
            for (k, &b) in x.iter().enumerate() {
                let t = a * b as u128 + out[i + k] + carry;
                out[i + k] = t & MASK;
                carry = t >> 64;
            }
            let mut pos = i + x.len();
            while carry > 0 {
                let t = out[pos] + carry;
                out[pos] = t & MASK;
                carry = t >> 64;
                pos += 1;
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

    #[test]
    fn wide_products_and_ratios_are_exact() {
        use crate::exact::Wide;
        let two_128 = Wide::from_words(1, 0);
        // 2^128 · 2^128 = 2^256: limb 4 is one, the rest zero.
        assert_eq!(product_exact(&[two_128, two_128]), vec![0, 0, 0, 0, 1]);
        // Agrees with the narrow product where both apply.
        let x = u64::MAX as i128 * 3;
        assert_eq!(
            product_exact(&[Wide::from(x), Wide::from(x + 1)]),
            product(&[x as u128, (x + 1) as u128])
        );
        // (2^200 + 1) / 2^200 > (2^200) / (2^200 - 1)? No: 1 + 2^-200 < 1 + 1/(2^200 - 1).
        let p = Wide::ONE << 200u32;
        assert!(less(p + Wide::ONE, p, p, p - Wide::ONE));
        assert!(!less(p, p - Wide::ONE, p + Wide::ONE, p));
        // Floats cannot tell these apart; the exact comparison can.
        assert_eq!(
            (p + Wide::ONE).as_f64() / p.as_f64(),
            p.as_f64() / (p - Wide::ONE).as_f64()
        );
    }
}
