//! Exact non-negative-or-negative rationals over i128 with overflow checks, and exact decimal
//! parsing (`"0.34"` is 34/100, not the nearest binary float).

use crate::NegotiateError;

/// A rational number in lowest terms with a positive denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Q {
    /// Numerator.
    pub n: i128,
    /// Denominator (> 0).
    pub d: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

fn overflow() -> NegotiateError {
    NegotiateError::new(
        "precision-overflow",
        "the file's numbers need more precision than exact 128-bit arithmetic allows",
    )
}

impl Q {
    /// 0/1, the sum of no terms.
    pub const ZERO: Q = Q { n: 0, d: 1 };

    /// Builds n/d in lowest terms.
    pub fn new(n: i128, d: i128) -> Result<Q, NegotiateError> {
        if d == 0 {
            return Err(NegotiateError::new(
                "division-by-zero",
                "a fraction has denominator zero",
            ));
        }
        let g = gcd(n, d);
        let s = if d < 0 { -1 } else { 1 };
        Ok(Q {
            n: s * n / g,
            d: s * d / g,
        })
    }

    /// An integer.
    pub fn int(n: i128) -> Q {
        Q { n, d: 1 }
    }

    /// Parses a decimal such as `-0.15`, `320`, `1e-3` exactly.
    pub fn parse(text: &str) -> Result<Q, NegotiateError> {
        let bad = || NegotiateError::new("invalid-number", format!("'{text}' is not a number"));
        let t = text.trim();
        let (mantissa, exp) = match t.find(['e', 'E']) {
            Some(i) => (&t[..i], t[i + 1..].parse::<i32>().map_err(|_| bad())?),
            None => (t, 0),
        };
        let (neg, digits) = match mantissa.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
        if int_part.is_empty() && frac_part.is_empty()
            || !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let all = format!("{int_part}{frac_part}");
        let mut n: i128 = all.trim_start_matches('0').parse().unwrap_or(0);
        if all.trim_start_matches('0').len() > 36 {
            return Err(overflow());
        }
        let scale = exp - frac_part.len() as i32;
        let mut d: i128 = 1;
        let pow = |k: i32| 10i128.checked_pow(k.unsigned_abs()).ok_or_else(overflow);
        if scale >= 0 {
            n = n.checked_mul(pow(scale)?).ok_or_else(overflow)?;
        } else {
            d = pow(-scale)?;
        }
        Q::new(if neg { -n } else { n }, d)
    }

    /// From an f64 through its shortest decimal form (exact for numbers authored as decimals).
    pub fn from_f64(x: f64) -> Result<Q, NegotiateError> {
        if !x.is_finite() {
            return Err(NegotiateError::new(
                "invalid-number",
                "a value is not finite",
            ));
        }
        Q::parse(&format!("{x}"))
    }

    /// Sum.
    pub fn plus(self, o: Q) -> Result<Q, NegotiateError> {
        let g = gcd(self.d, o.d);
        let d = (self.d / g).checked_mul(o.d).ok_or_else(overflow)?;
        let n = self
            .n
            .checked_mul(o.d / g)
            .and_then(|a| o.n.checked_mul(self.d / g).and_then(|b| a.checked_add(b)))
            .ok_or_else(overflow)?;
        Q::new(n, d)
    }

    /// Product.
    pub fn times(self, o: Q) -> Result<Q, NegotiateError> {
        let g1 = gcd(self.n, o.d);
        let g2 = gcd(o.n, self.d);
        let n = (self.n / g1).checked_mul(o.n / g2).ok_or_else(overflow)?;
        let d = (self.d / g2).checked_mul(o.d / g1).ok_or_else(overflow)?;
        Q::new(n, d)
    }

    /// Quotient.
    pub fn over(self, o: Q) -> Result<Q, NegotiateError> {
        if o.n == 0 {
            return Err(NegotiateError::new("division-by-zero", "division by zero"));
        }
        self.times(Q::new(o.d, o.n)?)
    }

    /// Comparison.
    pub fn cmp_exact(self, o: Q) -> Result<std::cmp::Ordering, NegotiateError> {
        let a = self.n.checked_mul(o.d).ok_or_else(overflow)?;
        let b = o.n.checked_mul(self.d).ok_or_else(overflow)?;
        Ok(a.cmp(&b))
    }

    /// As a float (for display only).
    pub fn to_f64(self) -> f64 {
        self.n as f64 / self.d as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_parse_exactly() {
        assert_eq!(Q::parse("0.34").unwrap(), Q::new(17, 50).unwrap());
        assert_eq!(Q::parse("-0.15").unwrap(), Q::new(-3, 20).unwrap());
        assert_eq!(Q::parse("320").unwrap(), Q::int(320));
        assert_eq!(Q::parse("1e-3").unwrap(), Q::new(1, 1000).unwrap());
        assert_eq!(Q::from_f64(0.1).unwrap(), Q::new(1, 10).unwrap());
        for bad in ["", "-", "1.2.3", "abc", "1e"] {
            assert!(Q::parse(bad).is_err(), "{bad}");
        }
        // 0.1 + 0.2 is exactly 0.3 here, unlike in binary floating point.
        assert_eq!(
            Q::parse("0.1")
                .unwrap()
                .plus(Q::parse("0.2").unwrap())
                .unwrap(),
            Q::parse("0.3").unwrap()
        );
    }
}
