//! The exact integers scaled utilities live in: `i128` for almost every scenario, and 256-bit
//! integers ([`Wide`]) when a profile's denominators multiply beyond 128 bits (Genius files
//! whose linear evaluators have 16- and 18-digit decimals, normalised by their maximum, need
//! about 180 bits). The frontier and the fair points are generic over [`Exact`]; the narrow
//! type is tried first because it is faster.

use std::fmt::Debug;
use std::ops::{Add, Rem, Sub};

/// 256-bit signed integers.
pub type Wide = ethnum::I256;

/// An exact signed integer type for scaled utilities.
pub trait Exact:
    Copy
    + Ord
    + Debug
    + Send
    + Sync
    + Add<Output = Self>
    + Sub<Output = Self>
    + Rem<Output = Self>
    + 'static
{
    /// The additive identity, where sums of utilities start.
    const ZERO: Self;
    /// The multiplicative identity, where products (Nash) start.
    const ONE: Self;
    /// The smallest value.
    const MIN: Self;
    /// Bits of the type (for error messages).
    const BITS: u32;
    /// From a 128-bit integer (always exact).
    fn from_i128(x: i128) -> Self;
    /// Checked addition.
    fn checked_add(self, o: Self) -> Option<Self>;
    /// Checked subtraction.
    fn checked_sub(self, o: Self) -> Option<Self>;
    /// Checked multiplication.
    fn checked_mul(self, o: Self) -> Option<Self>;
    /// Checked division (`None` on division by zero or overflow).
    fn checked_div(self, o: Self) -> Option<Self>;
    /// Checked absolute value.
    fn checked_abs(self) -> Option<Self>;
    /// Nearest float (for display and for the float-scaled fair points).
    fn to_f64(self) -> f64;
    /// The magnitude as little-endian base-2^64 limbs (no trailing zero limbs, at least one).
    fn magnitude_limbs(self) -> Vec<u64>;
}

fn trimmed(mut limbs: Vec<u64>) -> Vec<u64> {
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    limbs
}

impl Exact for i128 {
    const ZERO: Self = 0;
    const ONE: Self = 1;
    const MIN: Self = i128::MIN;
    const BITS: u32 = 128;
    fn from_i128(x: i128) -> Self {
        x
    }
    fn checked_add(self, o: Self) -> Option<Self> {
        i128::checked_add(self, o)
    }
    fn checked_sub(self, o: Self) -> Option<Self> {
        i128::checked_sub(self, o)
    }
    fn checked_mul(self, o: Self) -> Option<Self> {
        i128::checked_mul(self, o)
    }
    fn checked_div(self, o: Self) -> Option<Self> {
        i128::checked_div(self, o)
    }
    fn checked_abs(self) -> Option<Self> {
        i128::checked_abs(self)
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn magnitude_limbs(self) -> Vec<u64> {
        let m = self.unsigned_abs();
        trimmed(vec![m as u64, (m >> 64) as u64])
    }
}

impl Exact for Wide {
    const ZERO: Self = Wide::ZERO;
    const ONE: Self = Wide::ONE;
    const MIN: Self = Wide::MIN;
    const BITS: u32 = 256;
    fn from_i128(x: i128) -> Self {
        Wide::from(x)
    }
    fn checked_add(self, o: Self) -> Option<Self> {
        Wide::checked_add(self, o)
    }
    fn checked_sub(self, o: Self) -> Option<Self> {
        Wide::checked_sub(self, o)
    }
    fn checked_mul(self, o: Self) -> Option<Self> {
        Wide::checked_mul(self, o)
    }
    fn checked_div(self, o: Self) -> Option<Self> {
        Wide::checked_div(self, o)
    }
    fn checked_abs(self) -> Option<Self> {
        Wide::checked_abs(self)
    }
    fn to_f64(self) -> f64 {
        self.as_f64()
    }
    fn magnitude_limbs(self) -> Vec<u64> {
        let (hi, lo) = self.unsigned_abs().into_words();
        trimmed(vec![
            lo as u64,
            (lo >> 64) as u64,
            hi as u64,
            (hi >> 64) as u64,
        ])
    }
}

/// Greatest common divisor of non-negative values.
pub fn gcd<T: Exact>(mut a: T, mut b: T) -> T {
    while b != T::ZERO {
        let r = a % b;
        a = b;
        b = r;
    }
    a
}

/// Least common multiple of positive values; `None` if it does not fit.
pub fn lcm<T: Exact>(a: T, b: T) -> Option<T> {
    a.checked_div(gcd(a, b))?.checked_mul(b)
}

/// The ratio `num / den` of two scaled values as a float (for display).
pub fn ratio<T: Exact>(num: T, den: T) -> f64 {
    num.to_f64() / den.to_f64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn value_of(limbs: &[u64]) -> u128 {
        limbs
            .iter()
            .rev()
            .fold(0u128, |acc, l| (acc << 64) | *l as u128)
    }

    proptest! {
        /// Both types agree on every operation where the narrow one does not overflow.
        #[test]
        fn narrow_and_wide_agree(a in any::<i64>(), b in any::<i64>()) {
            let (a, b) = (a as i128, b as i128);
            let (wa, wb) = (Wide::from_i128(a), Wide::from_i128(b));
            prop_assert_eq!(Exact::checked_add(wa, wb), Some(Wide::from_i128(a + b)));
            prop_assert_eq!(Exact::checked_mul(wa, wb), Some(Wide::from_i128(a * b)));
            prop_assert_eq!(a.cmp(&b), wa.cmp(&wb));
            prop_assert_eq!(value_of(&a.magnitude_limbs()), a.unsigned_abs());
            prop_assert_eq!(value_of(&wa.magnitude_limbs()), a.unsigned_abs());
            if a > 0 && b > 0 {
                prop_assert_eq!(Wide::from_i128(lcm(a, b).unwrap()), lcm(wa, wb).unwrap());
            }
        }
    }

    #[test]
    fn wide_holds_what_narrow_cannot() {
        let ten = |n: u32| (0..n).fold(Wide::ONE, |x, _| x * Wide::from_i128(10));
        // 10^17 · 10^18 · 10^18: a weight's and two evaluators' denominators.
        let l = lcm(
            lcm(ten(17), ten(18) + Wide::ONE).unwrap(),
            ten(18) - Wide::ONE,
        )
        .unwrap();
        assert!(l > Wide::from_i128(i128::MAX));
        assert_eq!(lcm(i128::MAX, 2), None);
        let limbs = l.magnitude_limbs();
        assert_eq!(limbs.len(), 3);
        assert_eq!(
            limbs[0] as u128 | (limbs[1] as u128) << 64,
            (l % Wide::from_words(1, 0)).as_u128()
        );
    }
}
