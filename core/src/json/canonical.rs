//! The canonical form: byte for byte what CPython prints for
//! `json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::vec::Drain;

use super::decode::{decode_code_point, float_value, parse_bounded, plain_run, Build, Node, SyntaxError};

/// Returns the canonical JSON bytes of `input`, exactly as CPython's
/// `json.dumps(json.loads(input), sort_keys=True, separators=(",", ":")).encode("utf-8")`.
///
/// # Errors
/// [`SyntaxError`] when CPython's `json.loads` would refuse the input.
pub fn canonicalize(input: &[u8]) -> Result<Vec<u8>, SyntaxError> {
    canonicalize_bounded(input, usize::MAX)
}

/// [`canonicalize`] of a document of at most `max_nodes` nodes (values and keys); a larger one
/// is refused with [`TOO_MANY_NODES`](super::decode::TOO_MANY_NODES) before more is printed.
pub(crate) fn canonicalize_bounded(input: &[u8], max_nodes: usize) -> Result<Vec<u8>, SyntaxError> {
    canonicalize_with(input, max_nodes, &[] as &[&str], |_, _| ()).map(|(out, _)| out)
}

/// Parses once (at most `max_nodes` nodes, as [`canonicalize_bounded`]), printing the canonical
/// bytes as it goes, and hands `visit` each top-level member whose key is one of `keys`, as
/// [`scan`](super::decode::scan) does: by index, in document order, its scalar or `None` for an
/// array or an object. Returns the bytes and whether the document is plain.
///
/// # Errors
/// [`SyntaxError`] when `CPython`'s `json.loads` would refuse the input, or it is too big.
pub(crate) fn canonicalize_with<S: AsRef<str>>(
    input: &[u8],
    max_nodes: usize,
    keys: &[S],
    visit: impl FnMut(usize, Option<Node<'_>>),
) -> Result<(Vec<u8>, bool), SyntaxError> {
    let mut printer = Printer {
        // Room for the canonical form of a compact document, and the comma after it.
        out: Vec::with_capacity(input.len() + 1),
        opens: Vec::new(),
        aside: Vec::new(),
        order: Vec::new(),
        keys,
        visit,
        watched: None,
    };
    let ((), plain) = parse_bounded(input, max_nodes, &mut printer)?;
    let mut out = printer.out;
    out.pop(); // The comma every value is followed by.
    Ok((out, plain))
}

/// Prints the canonical form as the parser goes, with no tree: every value is printed where it
/// completes and followed by a comma, which the last item's container turns into its closing
/// bracket. An object whose keys are not in order (or repeat) has its members moved aside and
/// copied back sorted, each a byte range already printed, nested objects sorted before.
struct Printer<'k, S, F> {
    out: Vec<u8>,
    /// Where the bracket of each open container is in `out`.
    opens: Vec<usize>,
    /// The members of an object being sorted, moved aside.
    aside: Vec<u8>,
    /// Member indices of an object being sorted, in key order.
    order: Vec<usize>,
    keys: &'k [S],
    visit: F,
    /// The index in `keys` of the top-level member whose value comes next, if it is watched.
    watched: Option<usize>,
}

/// An object's member as the parser keeps it for [`Printer`]: its key, where it starts in the
/// output, and its (printed) value.
type Member<'a> = ((Cow<'a, [u8]>, usize), ());

impl<S, F> Printer<'_, S, F> {
    /// Closes the innermost container: the comma after its last item becomes `bracket`.
    fn close(&mut self, bracket: u8) {
        let open = self.opens.pop().unwrap_or_default();
        if self.out.len() > open + 1 {
            self.out.pop();
        }
        self.out.extend_from_slice(&[bracket, b',']);
    }

    /// Reprints the members of the innermost object (each `"key":value,` from its key's start)
    /// sorted by key, keeping the last of equal keys: a dict's last-wins. The members are moved
    /// aside and copied back in order; in an object of [`SORT_IN_PLACE`] bytes or more, the
    /// largest member kept stays out of that and moves once, within the output, to where it
    /// belongs (an envelope's `data` is most of the body: sorting the envelope then sets next
    /// to nothing aside).
    fn sort(&mut self, members: &[Member<'_>]) {
        let Some(((_, first), ())) = members.first() else { return };
        let (first, end) = (*first, self.out.len());
        let span = |i: usize| members[i].0 .1..members.get(i + 1).map_or(end, |((_, next), ())| *next);
        let key = |i: usize| &members[i].0 .0;
        // From the last member back, so that a stable sort puts the last of equal keys first;
        // the rest of them are dropped.
        self.order.clear();
        self.order.extend((0..members.len()).rev());
        self.order.sort_by(|&a, &b| key_order(key(a), key(b)));
        self.order.dedup_by(|later, kept| key(*later) == key(*kept));
        let largest =
            if end - first >= SORT_IN_PLACE { self.order.iter().copied().max_by_key(|&i| span(i).len()) } else { None };
        // Aside: the members in document order, but the largest.
        let held = largest.map_or(end..end, span);
        self.aside.clear();
        self.aside.extend_from_slice(&self.out[first..held.start]);
        self.aside.extend_from_slice(&self.out[held.end..end]);
        if let Some(largest) = largest {
            // Its place: after the members that sort before it (their bytes are aside by now).
            let before: usize = self.order.iter().take_while(|&&i| i != largest).map(|&i| span(i).len()).sum();
            self.out.copy_within(held.clone(), first + before);
        }
        let mut at = first;
        for &i in &self.order {
            let from = span(i);
            let len = from.len();
            if Some(i) != largest {
                let from = from.start - first - if from.start >= held.end { held.len() } else { 0 };
                self.out[at..at + len].copy_from_slice(&self.aside[from..from + len]);
            }
            at += len;
        }
        self.out.truncate(at);
    }
}

/// The size from which an object being sorted keeps its largest member in place (below it,
/// all of it is moved aside: a few KiB at most).
const SORT_IN_PLACE: usize = 4096;

impl<'a, S: AsRef<str>, F: FnMut(usize, Option<Node<'_>>)> Build<'a> for Printer<'_, S, F> {
    type Value = ();
    /// The key and where its member starts in the output.
    type Key = (Cow<'a, [u8]>, usize);

    fn open(&mut self, object: bool) {
        if let Some(i) = self.watched.take() {
            (self.visit)(i, None);
        }
        self.opens.push(self.out.len());
        self.out.push(if object { b'{' } else { b'[' });
    }

    fn scalar(&mut self, node: Node<'_>) {
        write_scalar(&node, &mut self.out);
        self.out.push(b',');
        if let Some(i) = self.watched.take() {
            (self.visit)(i, Some(node));
        }
    }

    fn key(&mut self, key: Cow<'a, [u8]>) -> (Cow<'a, [u8]>, usize) {
        if self.opens.len() == 1 {
            self.watched = self.keys.iter().position(|k| k.as_ref().as_bytes() == &*key);
        }
        let start = self.out.len();
        write_str(&key, &mut self.out);
        self.out.push(b':');
        (key, start)
    }

    fn array(&mut self, _: Drain<'_, ()>) {
        self.close(b']');
    }

    fn object(&mut self, members: Drain<'_, Member<'a>>) {
        let members = members.as_slice();
        if !members.windows(2).all(|pair| key_order(&pair[0].0 .0, &pair[1].0 .0).is_lt()) {
            self.sort(members);
        }
        self.close(b'}');
    }
}

/// Keys in code-point order (generalized UTF-8's byte order), decided by the first byte where it
/// can: most keys of an object differ there, and comparing whole slices is a call.
fn key_order(a: &[u8], b: &[u8]) -> Ordering {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) if x != y => x.cmp(y),
        _ => a.cmp(b),
    }
}

/// A scalar as `json.dumps` prints it.
fn write_scalar(node: &Node<'_>, out: &mut Vec<u8>) {
    match node {
        Node::Null => out.extend_from_slice(b"null"),
        Node::Bool(true) => out.extend_from_slice(b"true"),
        Node::Bool(false) => out.extend_from_slice(b"false"),
        Node::NaN => out.extend_from_slice(b"NaN"),
        Node::Infinity => out.extend_from_slice(b"Infinity"),
        Node::NegInfinity => out.extend_from_slice(b"-Infinity"),
        Node::Int(digits) => write_int(digits, out),
        Node::Float(text) if is_python_repr(text) => out.extend_from_slice(text),
        Node::Float(text) => write_float(float_value(text), out),
        Node::Str(s) => write_str(s, out),
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
        // What `json`'s `ESCAPE_ASCII` leaves as it is: space to `~`, other than `"` and `\\`.
        i += plain_run::<b'~'>(&s[i..]);
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
