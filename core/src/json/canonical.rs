//! The canonical form: byte for byte what CPython prints for
//! `json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))`.

use super::decode::{decode_code_point, parse, Node, SyntaxError};

/// Returns the canonical JSON bytes of `input`, exactly as CPython's
/// `json.dumps(json.loads(input), sort_keys=True, separators=(",", ":")).encode("utf-8")`.
///
/// # Errors
/// [`SyntaxError`] when CPython's `json.loads` would refuse the input.
pub fn canonicalize(input: &[u8]) -> Result<Vec<u8>, SyntaxError> {
    canonicalize_bounded(input, usize::MAX)
}

/// [`canonicalize`] of a document of at most `max_nodes` nodes (values and keys); a larger one
/// is refused with [`TOO_MANY_NODES`](super::decode::TOO_MANY_NODES) before its tree grows past
/// that.
pub(crate) fn canonicalize_bounded(input: &[u8], max_nodes: usize) -> Result<Vec<u8>, SyntaxError> {
    canonicalize_with(input, max_nodes, |_, _| ()).map(|(out, ())| out)
}

/// Parses once (at most `max_nodes` nodes, as [`canonicalize_bounded`]), giving the canonical
/// bytes and what `read` takes from the tree (and whether the document is plain) before the
/// printer consumes it.
///
/// # Errors
/// [`SyntaxError`] when `CPython`'s `json.loads` would refuse the input, or it is too big.
pub(crate) fn canonicalize_with<R>(
    input: &[u8],
    max_nodes: usize,
    read: impl FnOnce(&Node<'_>, bool) -> R,
) -> Result<(Vec<u8>, R), SyntaxError> {
    parse(input, max_nodes, |node, plain| {
        let taken = read(&node, plain);
        let mut out = Vec::with_capacity(input.len());
        write_node(node, &mut out);
        (out, taken)
    })
}

/// Depth is bounded by the parser's `MAX_DEPTH`, so this recursion is bounded too.
fn write_node(node: Node<'_>, out: &mut Vec<u8>) {
    match node {
        Node::Null => out.extend_from_slice(b"null"),
        Node::Bool(true) => out.extend_from_slice(b"true"),
        Node::Bool(false) => out.extend_from_slice(b"false"),
        Node::NaN => out.extend_from_slice(b"NaN"),
        Node::Infinity => out.extend_from_slice(b"Infinity"),
        Node::NegInfinity => out.extend_from_slice(b"-Infinity"),
        Node::Int(digits) => write_int(digits, out),
        Node::Float(_, text) if is_python_repr(text) => out.extend_from_slice(text),
        Node::Float(x, _) => write_float(x, out),
        Node::Str(s) => write_str(&s, out),
        Node::Array(items) => {
            out.push(b'[');
            for (i, item) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_node(item, out);
            }
            out.push(b']');
        }
        Node::Object(mut members) => {
            // Stable sort, then keep the last of equal keys: a dict's last-wins.
            if !members.is_sorted_by(|a, b| a.0 <= b.0) {
                members.sort_by(|a, b| a.0.cmp(&b.0));
            }
            out.push(b'{');
            let mut first = true;
            let mut iter = members.into_iter().peekable();
            while let Some((key, value)) = iter.next() {
                if iter.peek().is_some_and(|next| next.0 == key) {
                    continue;
                }
                if !first {
                    out.push(b',');
                }
                first = false;
                write_str(&key, out);
                out.push(b':');
                write_node(value, out);
            }
            out.push(b'}');
        }
    }
}

/// `int(text)` printed back: the same digits, except that `-0` is `0`.
pub(crate) fn write_int(digits: &[u8], out: &mut Vec<u8>) {
    if digits == b"-0" {
        out.push(b'0');
    } else {
        out.extend_from_slice(digits);
    }
}

/// Whether a float literal is already what `repr(float(text))` prints, so printing can copy it:
/// `-?I.F` without exponent, `F` without trailing zeros (unless it is `0`), at most 15 significant
/// digits (so no other decimal of that length or shorter names the same double), and not below
/// `1e-4` (where `repr` switches to exponent form).
fn is_python_repr(text: &[u8]) -> bool {
    let unsigned = text.strip_prefix(b"-").unwrap_or(text);
    let Some(dot) = unsigned.iter().position(|&b| b == b'.') else { return false };
    let (int, frac) = (&unsigned[..dot], &unsigned[dot + 1..]);
    if frac.is_empty() || !frac.iter().all(u8::is_ascii_digit) || (frac.len() > 1 && frac.ends_with(b"0")) {
        return false;
    }
    let significant = if int == b"0" {
        let zeros = frac.iter().take_while(|&&d| d == b'0').count();
        if zeros == frac.len() {
            return true; // 0.0
        }
        if zeros > 3 {
            return false;
        }
        frac.len() - zeros
    } else {
        int.len() + frac.len()
    };
    significant <= 15
}

/// Python's `float.__repr__` (and `json`'s spelling of the non-finite values).
pub(crate) fn write_float(x: f64, out: &mut Vec<u8>) {
    if x.is_nan() {
        out.extend_from_slice(b"NaN");
        return;
    }
    if x.is_infinite() {
        out.extend_from_slice(if x > 0.0 { b"Infinity" } else { b"-Infinity" });
        return;
    }
    if x.is_sign_negative() {
        out.push(b'-');
    }
    if x == 0.0 {
        out.extend_from_slice(b"0.0");
        return;
    }
    let mut buf = ryu::Buffer::new();
    let (digits, decpt) = shortest_digits(buf.format_finite(x.abs()));
    let n = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if decpt <= -4 || decpt > 16 {
        // d[.ddd]e±XX
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        let exp = decpt - 1;
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        let exp = exp.unsigned_abs();
        if exp < 10 {
            out.push(b'0');
        }
        out.extend_from_slice(exp.to_string().as_bytes());
    } else if decpt <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', decpt.unsigned_abs() as usize));
        out.extend_from_slice(&digits);
    } else if decpt < n {
        let point = decpt.unsigned_abs() as usize;
        out.extend_from_slice(&digits[..point]);
        out.push(b'.');
        out.extend_from_slice(&digits[point..]);
    } else {
        out.extend_from_slice(&digits);
        out.extend(std::iter::repeat_n(b'0', (decpt - n).unsigned_abs() as usize));
        out.extend_from_slice(b".0");
    }
}

/// From ryu's shortest round-trip spelling (`123.45`, `1e16`, `1.5e-7`, `0.0001`), the significant
/// digits without leading or trailing zeros and the decimal point position: x = 0.DIGITS × 10^decpt.
fn shortest_digits(s: &str) -> (Vec<u8>, i32) {
    let (mantissa, exp) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (s, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: Vec<u8> = int_part.bytes().chain(frac_part.bytes()).collect();
    let mut decpt = i32::try_from(int_part.len()).unwrap_or(0) + exp;
    let leading = digits.iter().take_while(|&&d| d == b'0').count();
    digits.drain(..leading);
    decpt -= i32::try_from(leading).unwrap_or(0);
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, decpt)
}

/// A string with `ensure_ascii`: printable ASCII as is, everything else escaped (`\uXXXX`, lower
/// case, astral characters as surrogate pairs, lone surrogates as themselves).
pub(crate) fn write_str(s: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let push_u = |out: &mut Vec<u8>, u: u32| {
        out.extend_from_slice(b"\\u");
        for shift in [12, 8, 4, 0] {
            out.push(HEX[((u >> shift) & 0xF) as usize]);
        }
    };
    out.push(b'"');
    let mut i = 0;
    while i < s.len() {
        let run = i;
        while i < s.len() && matches!(s[i], 0x20..=0x7E) && s[i] != b'"' && s[i] != b'\\' {
            i += 1;
        }
        out.extend_from_slice(&s[run..i]);
        if i >= s.len() {
            break;
        }
        let (cp, len) = decode_code_point(&s[i..]);
        i += len;
        match cp {
            0x22 => out.extend_from_slice(b"\\\""),
            0x5C => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0C => out.extend_from_slice(b"\\f"),
            0x0A => out.extend_from_slice(b"\\n"),
            0x0D => out.extend_from_slice(b"\\r"),
            0x09 => out.extend_from_slice(b"\\t"),
            0x10000.. => {
                let v = cp - 0x10000;
                push_u(out, 0xD800 | (v >> 10));
                push_u(out, 0xDC00 | (v & 0x3FF));
            }
            _ => push_u(out, cp),
        }
    }
    out.push(b'"');
}
