//! Java's number-to-text conversions that the runtime-info values go through: `Double.toString`
//! (`String.valueOf(double)`, `"" + double`), `String.format("%.2f", d)` and `MessageFormat`'s `{0}` for a long.

/// The shortest round-trip decimal digits of `|v|` (finite, non-zero) and the decimal exponent of the first
/// digit: `v = 0.d1d2… × 10^(exp + 1)`.
fn shortest_digits(v: f64) -> (Vec<u8>, i32) {
    // `{:e}` writes the shortest round-trip digits as `d[.ddd]e<exp>`.
    let s = format!("{:e}", v.abs());
    let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    (digits, exp.parse().unwrap_or(0))
}

fn push_digits(out: &mut String, digits: &[u8]) {
    out.extend(digits.iter().map(|d| char::from(b'0' + d)));
}

/// `Double.toString(v)`: `0.0`, `235.0`, `0.4166666666666667`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`.
pub fn double_to_string(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let mut out = String::new();
    if v.is_sign_negative() {
        out.push('-');
    }
    if v == 0.0 {
        out.push_str("0.0");
        return out;
    }
    let (digits, exp) = shortest_digits(v);
    let abs = v.abs();
    if (1e-3..1e7).contains(&abs) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                push_digits(&mut out, &digits);
                out.push_str(&"0".repeat(int_len - digits.len()));
                out.push_str(".0");
            } else {
                push_digits(&mut out, &digits[..int_len]);
                out.push('.');
                push_digits(&mut out, &digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.push_str(&"0".repeat((-exp - 1) as usize));
            push_digits(&mut out, &digits);
        }
    } else {
        push_digits(&mut out, &digits[..1]);
        out.push('.');
        if digits.len() > 1 {
            push_digits(&mut out, &digits[1..]);
        } else {
            out.push('0');
        }
        out.push('E');
        out.push_str(&exp.to_string());
    }
    out
}

/// `String.format("%.2f", v)`: Java rounds the shortest decimal representation half-up (so 0.125 gives
/// `0.13` and 1.005 gives `1.01`, where Rust's `{:.2}` gives `0.12` and `1.00`).
pub fn format_2f(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let sign = if v.is_sign_negative() { "-" } else { "" };
    if v == 0.0 {
        return format!("{sign}0.00");
    }
    if v.abs() >= 1e30 {
        // Beyond u128 hundredths; no statistic gets here.
        return format!("{v:.2}");
    }
    let (digits, exp) = shortest_digits(v);
    // Digits that stay: those before the point plus two after it.
    let keep = exp + 1 + 2;
    let mut hundredths: u128 = 0;
    let mut round_up = false;
    if keep >= 0 {
        let keep = keep as usize;
        for i in 0..keep {
            hundredths = hundredths * 10 + u128::from(digits.get(i).copied().unwrap_or(0));
        }
        round_up = digits.get(keep).is_some_and(|d| *d >= 5);
    }
    if round_up {
        hundredths += 1;
    }
    format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
}

/// `MessageFormat`'s `{n}` for a `Long`: the default `NumberFormat`, which groups thousands with `,`.
pub fn grouped(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if v < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_to_string_like_java() {
        assert_eq!(double_to_string(0.0), "0.0");
        assert_eq!(double_to_string(-0.0), "-0.0");
        assert_eq!(double_to_string(1.0), "1.0");
        assert_eq!(double_to_string(235.0), "235.0");
        assert_eq!(double_to_string(1.5), "1.5");
        assert_eq!(double_to_string(250.0 / 600.0), "0.4166666666666667");
        assert_eq!(double_to_string(0.001), "0.001");
        assert_eq!(double_to_string(0.0001), "1.0E-4");
        assert_eq!(double_to_string(0.00012345), "1.2345E-4");
        assert_eq!(double_to_string(1234567.5), "1234567.5");
        assert_eq!(double_to_string(1e7), "1.0E7");
        assert_eq!(double_to_string(12345678.9), "1.23456789E7");
        assert_eq!(double_to_string(100.0), "100.0");
        assert_eq!(double_to_string(-2.5), "-2.5");
        assert_eq!(double_to_string(f64::NAN), "NaN");
        assert_eq!(double_to_string(f64::INFINITY), "Infinity");
    }

    #[test]
    fn format_2f_like_java() {
        assert_eq!(format_2f(0.0), "0.00");
        assert_eq!(format_2f(1.0), "1.00");
        assert_eq!(format_2f(0.125), "0.13");
        assert_eq!(format_2f(1.005), "1.01");
        assert_eq!(format_2f(0.004), "0.00");
        assert_eq!(format_2f(0.005), "0.01");
        assert_eq!(format_2f(0.0049), "0.00");
        assert_eq!(format_2f(9.999), "10.00");
        assert_eq!(format_2f(19.8), "19.80");
        assert_eq!(format_2f(1234.5678), "1234.57");
        assert_eq!(format_2f(0.99), "0.99");
        assert_eq!(format_2f(-1.234), "-1.23");
    }

    #[test]
    fn grouped_like_message_format() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(-1234), "-1,234");
    }
}
