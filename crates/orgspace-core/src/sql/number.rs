//! A core number as the exact decimal text every dialect binds it from.
//!
//! The core compares numbers exactly (integers as integers, an integer equal to a float only if
//! the float is that integer exactly: `data/predicate.rs`). Written out, an integral float is its
//! exact integer (`2^63` as `9223372036854775808`, not the shortest `9.223372036854776e18`), and
//! any other float is its shortest round-trip decimal in plain notation. Two numbers the core
//! calls equal have the same text, and two it calls different have different texts, so a
//! database comparing exact decimals agrees with the core; no value passes through `f64` text
//! that would round it.

use alloc::string::{String, ToString};
use serde_json::Number;

/// A number ready to bind.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Exact {
    /// Plain decimal text: an optional `-`, digits, and a fraction only when not integral.
    pub text: String,
    /// The value, when it is an integer the core compares as one.
    pub integer: Option<i128>,
    /// The value as a float, when it came as one.
    pub float: Option<f64>,
}

impl Exact {
    pub(crate) fn of(n: &Number) -> Exact {
        if let Some(i) = n.as_i64() {
            return Exact::int(i128::from(i), None);
        }
        if let Some(u) = n.as_u64() {
            return Exact::int(i128::from(u), None);
        }
        let f = n.as_f64().unwrap_or(0.0);
        if let Some(i) = integral(f) {
            return Exact::int(i, Some(f));
        }
        Exact {
            text: plain(&n.to_string()),
            integer: None,
            float: Some(f),
        }
    }

    fn int(i: i128, float: Option<f64>) -> Exact {
        // Through 64-bit formatting: i128's pulls 128-bit division into the npm package.
        let magnitude = i.unsigned_abs();
        let mut text = match u64::try_from(magnitude) {
            Ok(m) => m.to_string(),
            // Only 2^64 itself, an integral float at the edge of the range.
            Err(_) => String::from("18446744073709551616"),
        };
        if i < 0 {
            text.insert(0, '-');
        }
        Exact {
            text,
            integer: Some(i),
            float,
        }
    }

    /// Digits before and after the decimal point.
    pub(crate) fn digits(&self) -> (usize, usize) {
        let t = self.text.trim_start_matches('-');
        match t.split_once('.') {
            Some((int, frac)) => (int.len(), frac.len()),
            None => (t.len(), 0),
        }
    }
}

/// The integer a float is exactly, within ±2^64 (through 64-bit casts, which stay small in
/// WebAssembly: a cast only drops a fraction, which the way back detects).
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    reason = "every cast is checked by converting back"
)]
fn integral(f: f64) -> Option<i128> {
    const TWO_64: f64 = 18_446_744_073_709_551_616.0;
    let magnitude = if f < 0.0 { -f } else { f };
    if magnitude > TWO_64 {
        return None;
    }
    if magnitude == TWO_64 {
        let m = i128::from(u64::MAX) + 1;
        return Some(if f < 0.0 { -m } else { m });
    }
    let m = magnitude as u64;
    if m as f64 != magnitude {
        return None;
    }
    let m = i128::from(m);
    Some(if f < 0.0 { -m } else { m })
}

/// The exponent of `1e-7`'s kind (`-7`), read by hand: `str::parse` would bring integer parsing
/// into the npm package for two digits.
fn exponent_of(e: &str) -> i64 {
    let (negative, digits) = match e.as_bytes().split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, e.as_bytes()),
    };
    let n = digits.iter().fold(0i64, |n, d| {
        n.saturating_mul(10)
            .saturating_add(i64::from(d.wrapping_sub(b'0')))
    });
    if negative { -n } else { n }
}

/// Scientific notation (`1.5e-7`, `1e20`) as plain decimal (`0.00000015`,
/// `100000000000000000000`), with no trailing fractional zeros.
pub(crate) fn plain(s: &str) -> String {
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (mantissa, exponent) = match s.split_once('e') {
        Some((m, e)) => (m, exponent_of(e)),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = int.chars().chain(frac.chars()).collect();
    // Where the point falls in `digits`.
    let point = i64::try_from(int.len())
        .unwrap_or(0)
        .saturating_add(exponent);
    let len = i64::try_from(digits.len()).unwrap_or(0);
    let mut out = String::new();
    if point <= 0 {
        out.push_str("0.");
        out.extend(core::iter::repeat_n(
            '0',
            usize::try_from(-point).unwrap_or(0),
        ));
        out.push_str(&digits);
    } else if point >= len {
        out.push_str(&digits);
        out.extend(core::iter::repeat_n(
            '0',
            usize::try_from(point - len).unwrap_or(0),
        ));
    } else {
        let at = usize::try_from(point).unwrap_or(0);
        out.push_str(digits.get(..at).unwrap_or(""));
        out.push('.');
        out.push_str(digits.get(at..).unwrap_or(""));
    }
    if out.contains('.') {
        let trimmed = out.trim_end_matches('0').trim_end_matches('.').len();
        out.truncate(trimmed);
    }
    let lead = out.len() - out.trim_start_matches('0').len();
    let keep = if out
        .get(lead..)
        .is_some_and(|r| r.is_empty() || r.starts_with('.'))
    {
        lead.saturating_sub(1)
    } else {
        lead
    };
    out.replace_range(..keep, "");
    if negative && out != "0" {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_expands_exponents() {
        for (input, want) in [
            ("1e20", "100000000000000000000"),
            ("1.5e-7", "0.00000015"),
            ("-2.5e-3", "-0.0025"),
            ("0.1", "0.1"),
            ("123.456", "123.456"),
            ("1.25e2", "125"),
            ("1.2345e1", "12.345"),
            ("0.5", "0.5"),
        ] {
            assert_eq!(plain(input), want, "{input}");
        }
        let tiny = plain("5e-324");
        assert!(tiny.starts_with("0.000") && tiny.ends_with('5') && tiny.len() == 326);
    }

    #[test]
    fn integral_floats_are_exact_integers() {
        let two63: Number = serde_json::from_str("9223372036854775808.0").unwrap();
        assert_eq!(Exact::of(&two63).text, "9223372036854775808");
        let one: Number = serde_json::from_str("1.0").unwrap();
        assert_eq!(Exact::of(&one).text, Exact::of(&Number::from(1)).text);
        assert_eq!(Exact::of(&one).integer, Some(1));
        let big: Number = serde_json::from_str("18446744073709551615").unwrap();
        assert_eq!(Exact::of(&big).text, "18446744073709551615");
        let huge: Number = serde_json::from_str("1e300").unwrap();
        let e = Exact::of(&huge);
        assert_eq!(e.integer, None);
        assert_eq!(e.digits(), (301, 0));
        let small: Number = serde_json::from_str("-1.5e-7").unwrap();
        assert_eq!(Exact::of(&small).text, "-0.00000015");
    }
}
