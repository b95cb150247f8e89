//! The canonical form: byte for byte what CPython prints for
//! `json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::ops::Range;
use std::vec::Drain;

use super::decode::{
    decode_code_point, float_value, parse_bounded, parse_with, plain_run, scan_fast, Build, Node, SyntaxError,
};

/// Returns the canonical JSON bytes of `input`, exactly as CPython's
/// `json.dumps(json.loads(input), sort_keys=True, separators=(",", ":")).encode("utf-8")`.
///
/// # Errors
/// [`SyntaxError`] when CPython's `json.loads` would refuse the input.
pub fn canonicalize(input: &[u8]) -> Result<Vec<u8>, SyntaxError> {
    canonicalize_bounded(input, usize::MAX).map(Cow::into_owned)
}

/// [`canonicalize`] of a document of at most `max_nodes` nodes (values and keys); a larger one
/// is refused with [`TOO_MANY_NODES`](super::decode::TOO_MANY_NODES) before more is printed.
pub(crate) fn canonicalize_bounded(input: &[u8], max_nodes: usize) -> Result<Cow<'_, [u8]>, SyntaxError> {
    canonicalize_with(input, max_nodes, &[] as &[&str], |_, _| ()).map(|(out, _)| out)
}

/// The canonical bytes of `input` (at most `max_nodes` nodes, as [`canonicalize_bounded`]),
/// handing `visit` each top-level member whose key is one of `keys`, as
/// [`scan`](super::decode::scan) does: by index, in document order, its scalar or `None` for an
/// array or an object. Returns the bytes and whether the document is plain.
///
/// A sender that signs the canonical form usually sends it (Argus's documentation says it
/// does). So a document that the validator's fast path accepts and that [reads as its own
/// canonical form](as_is) is its canonical form, borrowed: nothing is printed or copied. The fast
/// path answers that question in the same pass (see [`Spelling`]), leaving only documents with
/// escaped keys to [`as_is`]. Otherwise the document is printed (and `visit` hears again of
/// members the fast path had read, in order).
///
/// # Errors
/// [`SyntaxError`] when `CPython`'s `json.loads` would refuse the input, or it is too big.
pub(crate) fn canonicalize_with<'i, S: AsRef<str>>(
    input: &'i [u8],
    max_nodes: usize,
    keys: &[S],
    mut visit: impl FnMut(usize, Option<Node<'_>>),
) -> Result<(Cow<'i, [u8]>, bool), SyntaxError> {
    let mut spelling = Spelling::new(max_nodes);
    if let Some(plain) = scan_fast(input, keys, &mut visit, Some(&mut spelling)) {
        if spelling.sure || as_is(input, max_nodes) {
            return Ok((Cow::Borrowed(input), plain));
        }
    }
    print(input, max_nodes, keys, visit).map(|(out, plain)| (Cow::Owned(out), plain))
}

/// Prints the canonical form of `input` (read as [`canonicalize_with`] reads it), and says
/// whether the document is plain.
fn print<S: AsRef<str>>(
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

/// Whether `input` reads as its own canonical form, with at most `max_nodes` nodes (values and
/// keys): no whitespace, each scalar spelled as [`write_scalar`] prints it, the keys of each
/// object strictly in order. Only tokens are read, not the grammar: the answer is meaningful for
/// JSON only (the validator decides that). Stops at the first byte that differs.
fn as_is(input: &[u8], max_nodes: usize) -> bool {
    // Per open container: `None` for an array; for an object, its last key (see `Key`).
    let mut open: Vec<Option<Option<Key>>> = Vec::new();
    let mut nodes = 0usize;
    let mut at = 0;
    while let Some(&byte) = input.get(at) {
        let rest = &input[at..];
        let len = match byte {
            b'{' | b'[' => {
                open.push((byte == b'{').then_some(None));
                1
            }
            b'}' | b']' => {
                open.pop();
                at += 1 + usize::from(input.get(at + 1) == Some(&b','));
                continue;
            }
            b'"' => {
                let Some((len, escaped)) = string_as_is(&rest[1..]) else { return false };
                if let (Some(b':'), Some(Some(last))) = (rest.get(len + 2), open.last_mut()) {
                    let key = Key { text: at + 1..at + 1 + len, escaped };
                    if last.as_ref().is_some_and(|last| !last.before(&key, input)) {
                        return false;
                    }
                    *last = Some(key);
                }
                len + 2
            }
            _ => {
                let len = atom_len(rest);
                if len == 0 || !atom_as_is(&rest[..len]) {
                    return false;
                }
                len
            }
        };
        // A value or a key: a node, and the comma or colon after it.
        nodes += 1;
        if nodes > max_nodes {
            return false;
        }
        at += len + usize::from(matches!(input.get(at + len), Some(b',' | b':')));
    }
    true
}

/// [`as_is`]'s question, answered by the validator's fast path as it walks a document: it
/// checks that no whitespace stands between tokens, and hands over the tokens, brackets and keys
/// in document order, each of which can stop the walk by being spelled otherwise. A document the
/// walk gets to the end of is its own canonical form when [`sure`](Spelling::sure) holds: it is
/// cleared by a key that holds an escape, which only [`as_is`] compares (by the key's value).
pub(crate) struct Spelling {
    /// Per open container, where the text of the last key of an object so far starts, `None`
    /// before the first key and for an array.
    open: Vec<Option<usize>>,
    /// How many more nodes (values and keys) the budget allows.
    nodes_left: usize,
    /// Whether every key compared so far had no escape.
    pub(crate) sure: bool,
}

impl Spelling {
    fn new(max_nodes: usize) -> Spelling {
        Spelling { open: Vec::new(), nodes_left: max_nodes, sure: true }
    }

    /// Whether a document of these bytes can be canonical at all: printable ASCII only (the
    /// canonical form escapes everything else in a string, and has no whitespace but the spaces
    /// strings hold, which the walk tells apart from the others).
    pub(crate) fn may_be(input: &[u8]) -> bool {
        // A block at a time, each without a branch per byte: it stops at the first that fails.
        input.chunks(64).all(|block| block.iter().fold(true, |printable, &b| printable & (b' '..=b'~').contains(&b)))
    }

    /// Counts `nodes` more values and keys: whether the budget still holds.
    pub(crate) fn nodes(&mut self, nodes: usize) -> bool {
        self.nodes_left.checked_sub(nodes).map(|left| self.nodes_left = left).is_some()
    }

    /// Whether the escape after a backslash is spelled as the canonical form spells it.
    pub(crate) fn escape(escape: &[u8]) -> bool {
        escape_as_is(escape).is_some()
    }

    /// Whether the atom starting `atom` is spelled as the canonical form spells it.
    pub(crate) fn atom(atom: &[u8]) -> bool {
        atom_as_is(&atom[..atom_len(atom)])
    }

    /// A container opens.
    pub(crate) fn open(&mut self) {
        self.open.push(None);
    }

    /// The innermost container closes.
    pub(crate) fn close(&mut self) {
        self.open.pop();
    }

    /// Whether the key whose opening quote is at `quote` in `input` sorts after the last key of
    /// its object. Decided by their first bytes where they differ and neither is a quote (an
    /// empty key) or a backslash; else by their texts, when neither holds an escape (a key with
    /// one is left to [`as_is`]).
    pub(crate) fn key(&mut self, input: &[u8], quote: usize) -> bool {
        let Some(last) = self.open.last_mut() else { return false };
        let start = quote + 1;
        let Some(&first) = input.get(start) else { return false };
        let Some(previous) = last.replace(start) else { return true };
        let before = input[previous];
        if before != first && !matches!(before, b'"' | b'\\') && !matches!(first, b'"' | b'\\') {
            return before < first;
        }
        let text = |start: usize| {
            let len = input[start..].iter().position(|&b| b == b'"' || b == b'\\')?;
            (input[start + len] == b'"').then(|| &input[start..start + len])
        };
        if let (Some(before), Some(key)) = (text(previous), text(start)) {
            return key_order(before, key).is_lt();
        }
        self.sure = false;
        true
    }
}

/// The length of the number or literal that starts `bytes`.
fn atom_len(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| ATOM_BYTES[usize::from(b)]).count()
}

/// The bytes of numbers and literals: `-+.`, digits and letters.
const ATOM_BYTES: [bool; 256] = {
    let mut bytes = [false; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation)] // b < 256
        let byte = b as u8;
        bytes[b] = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'+' | b'.');
        b += 1;
    }
    bytes
};

/// A key as [`as_is`] keeps it: where its text is (without quotes), and whether it holds an escape.
struct Key {
    text: Range<usize>,
    escaped: bool,
}

impl Key {
    /// Whether this key sorts before `next` (both in `input`): by their bytes when neither holds
    /// an escape, else by their decoded texts.
    fn before(&self, next: &Key, input: &[u8]) -> bool {
        let (a, b) = (&input[self.text.clone()], &input[next.text.clone()]);
        if !self.escaped && !next.escaped {
            return key_order(a, b).is_lt();
        }
        let value = |text: &[u8]| {
            let quoted = [b"\"", text, b"\""].concat();
            parse_with(&quoted, &mut StringValue).ok().flatten()
        };
        matches!((value(a), value(b)), (Some(a), Some(b)) if key_order(&a, &b).is_lt())
    }
}

/// The length of the string whose content starts `text` (after its opening quote), and whether
/// it holds an escape, if [`write_str`] prints it as it is: printable ASCII but `"` and `\\`, and
/// the escapes it writes.
fn string_as_is(text: &[u8]) -> Option<(usize, bool)> {
    let (mut at, mut escaped) = (0, false);
    loop {
        at += plain_run::<b'~'>(&text[at..]);
        match text.get(at)? {
            b'"' => return Some((at, escaped)),
            b'\\' => {
                at += 1 + escape_as_is(&text[at + 1..])?;
                escaped = true;
            }
            _ => return None,
        }
    }
}

/// The length of the escape after a backslash, if [`write_str`] writes it so: a short escape,
/// or `\\u` and four lower-case hex digits for a code point it has no other spelling for.
fn escape_as_is(escape: &[u8]) -> Option<usize> {
    let &kind = escape.first()?;
    if SHORT_ESCAPES.iter().any(|&(_, letter)| letter == kind) {
        return Some(1);
    }
    let hex = escape.get(1..5).filter(|_| kind == b'u')?;
    let cp =
        hex.iter().try_fold(0u32, |cp, &h| Some(cp * 16 + u32::try_from(HEX.iter().position(|&d| d == h)?).ok()?))?;
    (!(0x20..=0x7E).contains(&cp) && letter(cp).is_none()).then_some(5)
}

/// Whether a number or literal (one the validator accepts) is spelled as [`write_scalar`]
/// prints it.
fn atom_as_is(text: &[u8]) -> bool {
    if !matches!(text.first(), Some(b'-' | b'0'..=b'9')) || text.starts_with(b"-I") {
        return true; // A literal: printed as JSON spells it.
    }
    if !text.iter().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return text != b"-0"; // What `write_int` changes.
    }
    is_python_repr(text) || {
        let mut printed = Vec::new();
        write_float(float_value(text), &mut printed);
        printed == text
    }
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

/// Reads a string's value (`None` for any other document).
struct StringValue;

impl<'a> Build<'a> for StringValue {
    type Value = Option<Vec<u8>>;
    type Key = ();
    fn scalar(&mut self, node: Node<'_>) -> Option<Vec<u8>> {
        match node {
            Node::Str(text) => Some(text.into_owned()),
            _ => None,
        }
    }
    fn key(&mut self, _: Cow<'a, [u8]>) {}
    fn array(&mut self, _: Drain<'_, Option<Vec<u8>>>) -> Option<Vec<u8>> {
        None
    }
    fn object(&mut self, _: Drain<'_, ((), Option<Vec<u8>>)>) -> Option<Vec<u8>> {
        None
    }
}

/// The characters `json.dumps` escapes with a letter (`\n`), and that letter.
const SHORT_ESCAPES: [(u8, u8); 7] =
    [(b'"', b'"'), (b'\\', b'\\'), (0x08, b'b'), (0x0C, b'f'), (b'\n', b'n'), (b'\r', b'r'), (b'\t', b't')];

/// [`SHORT_ESCAPES`] by character: the letter, or 0.
const LETTERS: [u8; 128] = {
    let mut letters = [0; 128];
    let mut i = 0;
    while i < SHORT_ESCAPES.len() {
        letters[SHORT_ESCAPES[i].0 as usize] = SHORT_ESCAPES[i].1;
        i += 1;
    }
    letters
};

/// The letter `json.dumps` escapes a code point with, if it has one.
fn letter(cp: u32) -> Option<u8> {
    usize::try_from(cp).ok().and_then(|c| LETTERS.get(c)).copied().filter(|&l| l != 0)
}

/// The digits of a `\uXXXX` escape as `json.dumps` writes them.
const HEX: &[u8; 16] = b"0123456789abcdef";

/// A string with `ensure_ascii`: printable ASCII as is, everything else escaped (`\uXXXX`, lower
/// case, astral characters as surrogate pairs, lone surrogates as themselves).
pub(crate) fn write_str(s: &[u8], out: &mut Vec<u8>) {
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
        if let Some(letter) = letter(cp) {
            out.extend_from_slice(&[b'\\', letter]);
        } else if let Some(v) = cp.checked_sub(0x10000) {
            push_u(out, 0xD800 | (v >> 10));
            push_u(out, 0xDC00 | (v & 0x3FF));
        } else {
            push_u(out, cp);
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use std::borrow::Cow;

    use super::{as_is, canonicalize_bounded, print, scan_fast, Spelling};

    /// Scalars spelled as the canonical form spells them and as it does not: `-0`, exponents,
    /// trailing zeros, upper-case and needless escapes, raw non-ASCII, DEL, surrogates.
    const SCALARS: &[&str] = &[
        "null",
        "true",
        "false",
        "NaN",
        "Infinity",
        "-Infinity",
        "0",
        "-0",
        "12",
        "-3",
        "1.5",
        "1.50",
        "-0.0",
        "0.1",
        "1e5",
        "1E5",
        "1e+16",
        "1.0e+16",
        "0.0001",
        "1e-05",
        "123456789012345678",
        "0.30000000000000004",
        "\"\"",
        "\"a b\"",
        "\"\\u00e9\"",
        "\"\\u00E9\"",
        "\"\u{e9}\"",
        "\"\\/\"",
        "\"\\n\"",
        "\"\\u000a\"",
        "\"\\u001f\"",
        "\"\\ud800\"",
        "\"\\ud83d\\ude00\"",
        "\"\u{1F600}\"",
        "\"\\u007f\"",
        "\"\u{7f}\"",
        "\"~\"",
        "\"\\\"\"",
        "\"\\u0041\"",
        "\"\\u0022\"",
        "\"\\u005c\"",
        "\"\\u0008\"",
        "\"\\\\\"",
    ];
    /// Keys (as spelled, and as read) that sort apart by their first byte, by a later one, by
    /// length, and escaped or not.
    const KEYS: &[(&str, &str)] = &[
        ("a", "a"),
        ("b", "b"),
        ("B", "B"),
        ("aa", "aa"),
        ("", ""),
        ("\\u00e9", "\u{e9}"),
        ("\u{e9}", "\u{e9}"),
        ("\\n", "\n"),
        ("z\\u0000", "z\0"),
    ];

    /// Documents of those scalars and keys, most of them with the canonical separators (so that
    /// some are canonical through and through), some with spaces.
    fn document() -> impl Strategy<Value = String> {
        let sep = |canonical: &'static str, other: &'static str| prop_oneof![6 => Just(canonical), 1 => Just(other)];
        let leaf = prop::sample::select(SCALARS).prop_map(str::to_owned);
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                (prop::collection::vec(inner.clone(), 0..6), sep(",", ", "))
                    .prop_map(|(items, comma)| format!("[{}]", items.join(comma))),
                (
                    prop::collection::vec((prop::sample::select(KEYS), inner), 0..6),
                    sep(",", " ,"),
                    sep(":", ": "),
                    any::<bool>()
                )
                    .prop_map(|(mut members, comma, colon, sorted)| {
                        if sorted {
                            members.sort_by_key(|((_, read), _)| *read);
                            members.dedup_by_key(|((_, read), _)| *read);
                        }
                        let members: Vec<String> =
                            members.iter().map(|((key, _), value)| format!("\"{key}\"{colon}{value}")).collect();
                        format!("{{{}}}", members.join(comma))
                    }),
            ]
        })
    }

    /// Whether the walk with [`as_is`] behind it keeps `input` as it stands, and whether `as_is`
    /// and the validator alone do.
    fn kept_both_ways(input: &[u8]) -> (bool, bool) {
        let walked = walk(input).is_some_and(|sure| sure || as_is(input, usize::MAX));
        (walked, as_is(input, usize::MAX) && scan_fast(input, &[] as &[&str], |_, _| (), None).is_some())
    }

    /// The walk's answer: `None` when it stopped, else whether it is sure the document is its own
    /// canonical form.
    fn walk(input: &[u8]) -> Option<bool> {
        let mut spelling = Spelling::new(usize::MAX);
        scan_fast(input, &[] as &[&str], |_, _| (), Some(&mut spelling)).map(|_| spelling.sure)
    }

    /// Every `JSONTestSuite` document, and the canonical form of each one CPython reads: kept as it
    /// stands by the walk exactly when by `as_is`, and every canonical form kept.
    #[test]
    fn json_test_suite_documents_and_their_canonical_forms_are_kept_as_as_is_keeps_them() {
        let Some(documents) = crate::json::json_test_suite() else { return };
        let mut canonical = 0;
        for (name, input) in documents {
            let (walked, plainly) = kept_both_ways(&input);
            assert_eq!(walked, plainly, "{name}");
            if let Ok(out) = canonicalize_bounded(&input, usize::MAX) {
                assert_eq!(kept_both_ways(&out), (true, true), "{name}");
                canonical += 1;
            }
        }
        assert!(canonical > 90, "{canonical} canonical forms");
    }

    /// A canonical document over the node budget is refused as a printed one is, and one within
    /// it is borrowed, not copied.
    #[test]
    fn the_node_budget_holds_for_a_document_kept_as_it_is() {
        let refused = canonicalize_bounded(b"{\"a\":[0,0]}", 4).map_err(|e| e.message);
        assert_eq!(refused, Err(crate::json::TOO_MANY_NODES));
        let kept = canonicalize_bounded(b"{\"a\":[0,0]}", 5).unwrap();
        assert!(matches!(kept, std::borrow::Cow::Borrowed(_)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The input is taken as its own canonical form exactly when the printer prints it back
        /// byte for byte; either way the bytes and the error are the printer's.
        #[test]
        fn a_document_is_kept_as_it_is_exactly_when_it_prints_as_itself(
            text in document(),
            pad in any::<bool>(),
            lead in prop::option::of(0usize..130),
        ) {
            let text = if pad { format!(" {text}\n") } else { text };
            // Behind a string of any length, so its tokens fall on every offset of a block.
            let text = lead.map_or(text.clone(), |lead| format!("[\"{}\",{text}]", "x".repeat(lead)));
            let input = text.as_bytes();
            let printed = print(input, usize::MAX, &[] as &[&str], |_, _| ());
            let kept = |input: &[u8]| matches!(canonicalize_bounded(input, usize::MAX), Ok(Cow::Borrowed(_)));
            // The walk's answer, with [`as_is`] deciding only where it is not sure, is `as_is`'s.
            let (walked, plainly) = kept_both_ways(input);
            prop_assert_eq!(walked, plainly, "{}", text);
            match &printed {
                Ok((out, _)) => {
                    prop_assert_eq!(kept(input), out == input, "{}", text);
                    let canonical = canonicalize_bounded(input, usize::MAX).unwrap();
                    prop_assert_eq!(canonical.as_ref(), out.as_slice());
                    // The printed form is canonical: kept as it is.
                    prop_assert!(kept(out), "{}", text);
                    // And the walk is sure of it, unless it is a scalar or a key holds an escape.
                    let escaped_key = KEYS.iter().any(|(key, _)| {
                        key.contains('\\') && out.windows(key.len() + 3).any(|w| w == format!("\"{key}\":").as_bytes())
                    });
                    let container = matches!(out.first(), Some(b'{' | b'['));
                    prop_assert!(walk(out) == Some(true) || escaped_key || !container, "{}", text);
                }
                Err(e) => {
                    prop_assert!(!kept(input), "{}", text);
                    prop_assert_eq!(canonicalize_bounded(input, usize::MAX), Err(e.clone()), "{}", text);
                }
            }
        }
    }
}
