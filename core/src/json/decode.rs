//! A JSON reader that accepts exactly what CPython's `json.loads(bytes)` accepts.
//!
//! The input encoding is detected like `json.detect_encoding` (UTF-8 with or without BOM, UTF-16
//! and UTF-32 in both byte orders) and decoded with `surrogatepass`, so lone surrogates survive.
//! Text is kept as *generalized UTF-8*: every code point, surrogates included, encoded on its own.
//! Byte order of that encoding is code-point order, which is the order Python sorts keys in.
//!
//! The reader is iterative (no recursion), so nesting depth never threatens the stack; depth is
//! capped at [`MAX_DEPTH`] to match CPython.

use std::borrow::Cow;
use std::vec::Drain;

use super::canonical::Spelling;

mod blocks;

/// Deepest nesting accepted: CPython 3.11's `json.dumps(json.loads(…))` from a shallow stack
/// refuses 995 levels and accepts 994.
pub const MAX_DEPTH: usize = 994;

/// The message of the error a parse with a node budget stops with when the document holds
/// more nodes (values and keys) than the budget.
pub(crate) const TOO_MANY_NODES: &str = "too many values and keys";

/// CPython refuses to convert integers with more digits than this (`sys.get_int_max_str_digits`).
const MAX_INT_DIGITS: usize = 4300;

/// Why a document is not JSON, and where (a byte offset into the decoded text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What was wrong, in CPython's words where it has some.
    pub message: &'static str,
    /// Byte offset in the (decoded) text where the problem was found.
    pub offset: usize,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

/// One parsed scalar JSON value (a [`Build`]er makes the arrays and objects itself); strings are
/// generalized UTF-8 bytes. Exhaustive on purpose, as [`Value`](super::Value) is.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// `NaN`
    NaN,
    /// `Infinity`
    Infinity,
    /// `-Infinity`
    NegInfinity,
    /// Decimal digits with an optional leading `-`, as written.
    Int(&'a [u8]),
    /// A float as written: [`float_value`] reads it, only where it is wanted (the canonical
    /// printer copies the text when it is already Python's `repr`).
    Float(&'a [u8]),
    /// A string as generalized UTF-8: valid UTF-8 unless it holds a lone surrogate, each of which
    /// is encoded on its own (as Python's `surrogatepass` encodes it).
    Str(Cow<'a, [u8]>),
}

/// The value of a [`Node::Float`]'s text, as CPython's `float(text)` reads it: correctly rounded,
/// and infinite past the largest double. Every text the parser gives as a float converts (ASCII
/// by construction); `NaN` would stand for any other.
pub fn float_value(text: &[u8]) -> f64 {
    short_decimal(text)
        .unwrap_or_else(|| std::str::from_utf8(text).ok().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN))
}

/// The powers of ten a fast-path float can be scaled by (a double holds each exactly).
const POWERS_OF_TEN: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// Clinger's fast path for the common float, `-?digits.digits` with at most 15 digits and no
/// exponent: its digits as an integer and the power of ten are both exact doubles, so one
/// division, correctly rounded by IEEE 754, is the correctly rounded value. `None` for any other
/// text (the full conversion reads it).
fn short_decimal(text: &[u8]) -> Option<f64> {
    let (negative, digits) = sign(text);
    if digits.len() > 16 {
        return None;
    }
    let mut mantissa = 0u64;
    let mut point = None;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(b - b'0'),
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    let scale = digits.len() - 1 - point.filter(|&p| p > 0 && p + 1 < digits.len())?;
    // At most 15 digits: below 2^53, so the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let value = mantissa as f64 / POWERS_OF_TEN[scale];
    Some(if negative { -value } else { value })
}

/// The value of a [`Node::Int`]'s text when it has at most 18 digits (which an `i64` always
/// holds); `None` for a longer one (or any other text).
pub fn small_int_value(text: &[u8]) -> Option<i64> {
    let (negative, digits) = sign(text);
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let n = digits.iter().try_fold(0i64, |n, &b| b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0')))?;
    Some(if negative { -n } else { n })
}

/// A number's text split into whether it is negative and its digits.
fn sign(text: &[u8]) -> (bool, &[u8]) {
    match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    }
}

/// Decodes `input` (detecting its encoding) and parses it into `builder`, as [`parse_with`]
/// does, with a budget: a document of more than `max_nodes` nodes (values and keys) is refused
/// with [`TOO_MANY_NODES`] before the builder sees more than that. Also says whether the
/// document is [plain](Parser::plain).
pub(crate) fn parse_bounded<B: for<'a> Build<'a, Value = V>, V>(
    input: &[u8],
    max_nodes: usize,
    builder: &mut B,
) -> Result<(V, bool), SyntaxError> {
    let (text, plain) = start(input)?;
    let mut parser = Parser::new(&text, plain);
    parser.nodes_left = max_nodes;
    let value = parser.document(builder)?;
    Ok((value, parser.plain))
}

/// Decodes and parses `input` (exactly CPython's `json.loads(bytes)` rules) straight into
/// `builder`'s values, with no intermediate tree: how a binding builds its language's objects in
/// one pass.
///
/// # Errors
/// [`SyntaxError`] when CPython would refuse the input.
pub fn parse_with<B: for<'a> Build<'a, Value = V>, V>(input: &[u8], builder: &mut B) -> Result<V, SyntaxError> {
    let (text, plain) = start(input)?;
    Parser::new(&text, plain).document(builder)
}

/// Validates `input` with exactly the rules of [`parse_with`] without building anything, handing
/// `visit` each top-level member whose key is one of `keys` (by index, in document order, so
/// the last call for a key is the one a dict keeps): its scalar, or `None` for an array or an
/// object (validated, not kept). Returns whether the document is plain.
pub(crate) fn scan<S: AsRef<str>>(
    input: &[u8],
    keys: &[S],
    mut visit: impl FnMut(usize, Option<Node<'_>>),
) -> Result<bool, SyntaxError> {
    match blocks::scan(input, keys, &mut visit, None) {
        Some(plain) => Ok(plain),
        None => scan_exact(input, keys, visit),
    }
}

/// [`scan`]'s fast path alone: `Some(plain)` for a document it is sure CPython accepts (`visit`
/// has then heard of its members), `None` for anything else, which only the exact parser can
/// decide. With a `spelling`, also `None` for a document that is not its own canonical form.
pub(crate) fn scan_fast<S: AsRef<str>>(
    input: &[u8],
    keys: &[S],
    mut visit: impl FnMut(usize, Option<Node<'_>>),
    spelling: Option<&mut Spelling>,
) -> Option<bool> {
    blocks::scan(input, keys, &mut visit, spelling)
}

/// [`scan`] by the exact parser alone, which also says why a document is refused.
fn scan_exact<S: AsRef<str>>(
    input: &[u8],
    keys: &[S],
    mut visit: impl FnMut(usize, Option<Node<'_>>),
) -> Result<bool, SyntaxError> {
    let (text, plain) = start(input)?;
    let mut parser = Parser::new(&text, plain);
    parser.skip_ws();
    if parser.peek() == Some(b'{') {
        parser.pos += 1;
        parser.skip_ws();
        parser.members(keys, &mut visit)?;
    } else {
        parser.value(&mut Skip, 0)?;
    }
    parser.end()?;
    Ok(parser.plain)
}

/// The decoded text, and whether the input was UTF-8 without a BOM (the start of plainness).
fn start(input: &[u8]) -> Result<(Cow<'_, [u8]>, bool), SyntaxError> {
    let (encoding, bom) = detect_encoding(input);
    let text = decode_text(&input[bom..], encoding)?;
    Ok((text, bom == 0 && matches!(encoding, Encoding::Utf8)))
}

/// What the parser makes of each value as it completes: one builder prints the canonical form
/// as it goes; another makes [`Value`](super::Value)s; a binding makes its language's objects.
pub trait Build<'a> {
    /// Whether the builder keeps keys at all (a validator does not, so the parser does not copy
    /// a key it decoded from escapes).
    const KEEPS: bool = true;
    /// A finished value.
    type Value;
    /// An object key.
    type Key;
    /// An array (`object` false) or an object opens: its items or members follow, then
    /// [`Build::array`] or [`Build::object`] closes it. Nothing by default.
    fn open(&mut self, object: bool) {
        let _ = object;
    }
    /// A scalar. A string the input spells with escapes arrives decoded in the parser's one
    /// reused buffer, so the node is borrowed for this call only: no string allocates.
    fn scalar(&mut self, node: Node<'_>) -> Self::Value;
    /// An object key.
    fn key(&mut self, key: Cow<'a, [u8]>) -> Self::Key;
    /// A finished array.
    fn array(&mut self, items: Drain<'_, Self::Value>) -> Self::Value;
    /// A finished object, members in document order (duplicates included).
    fn object(&mut self, members: Drain<'_, (Self::Key, Self::Value)>) -> Self::Value;
}

/// Validates only: values are `()`, so no container allocates.
struct Skip;

impl<'a> Build<'a> for Skip {
    const KEEPS: bool = false;
    type Value = ();
    type Key = ();
    fn scalar(&mut self, _: Node<'_>) {}
    fn key(&mut self, _: Cow<'a, [u8]>) {}
    fn array(&mut self, _: Drain<'_, ()>) {}
    fn object(&mut self, _: Drain<'_, ((), ())>) {}
}

// ---------------------------------------------------------------------------------------------
// Encoding detection (json.detect_encoding) and transcoding to generalized UTF-8.

#[derive(Clone, Copy)]
enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

fn decode_text(body: &[u8], encoding: Encoding) -> Result<Cow<'_, [u8]>, SyntaxError> {
    match encoding {
        // UTF-8 is validated lazily: outside strings only ASCII is valid JSON anyway.
        Encoding::Utf8 => Ok(Cow::Borrowed(body)),
        Encoding::Utf16Le | Encoding::Utf16Be => transcode_utf16(body, matches!(encoding, Encoding::Utf16Be)),
        Encoding::Utf32Le | Encoding::Utf32Be => transcode_utf32(body, matches!(encoding, Encoding::Utf32Be)),
    }
    .map_err(|()| SyntaxError { message: "input is not valid in its detected encoding", offset: 0 })
}

/// `json.detect_encoding`: the encoding and how many BOM bytes to skip.
fn detect_encoding(b: &[u8]) -> (Encoding, usize) {
    if b.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return (Encoding::Utf32Be, 4);
    }
    if b.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return (Encoding::Utf32Le, 4);
    }
    if b.starts_with(&[0xFE, 0xFF]) {
        return (Encoding::Utf16Be, 2);
    }
    if b.starts_with(&[0xFF, 0xFE]) {
        return (Encoding::Utf16Le, 2);
    }
    if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return (Encoding::Utf8, 3);
    }
    if b.len() >= 4 {
        if b[0] == 0 {
            return (if b[1] == 0 { Encoding::Utf32Be } else { Encoding::Utf16Be }, 0);
        }
        if b[1] == 0 {
            return (if b[2] != 0 || b[3] != 0 { Encoding::Utf16Le } else { Encoding::Utf32Le }, 0);
        }
    } else if b.len() == 2 {
        if b[0] == 0 {
            return (Encoding::Utf16Be, 0);
        }
        if b[1] == 0 {
            return (Encoding::Utf16Le, 0);
        }
    }
    (Encoding::Utf8, 0)
}

fn transcode_utf16(b: &[u8], big_endian: bool) -> Result<Cow<'static, [u8]>, ()> {
    if !b.len().is_multiple_of(2) {
        return Err(());
    }
    let units: Vec<u32> = b
        .chunks_exact(2)
        .map(|c| {
            u32::from(if big_endian { u16::from_be_bytes([c[0], c[1]]) } else { u16::from_le_bytes([c[0], c[1]]) })
        })
        .collect();
    let mut out = Vec::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        let u = units[i];
        if (0xD800..0xDC00).contains(&u) && i + 1 < units.len() && (0xDC00..0xE000).contains(&units[i + 1]) {
            push_code_point(&mut out, 0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00));
            i += 2;
        } else {
            // surrogatepass: a lone surrogate is kept as it is.
            push_code_point(&mut out, u);
            i += 1;
        }
    }
    Ok(Cow::Owned(out))
}

fn transcode_utf32(b: &[u8], big_endian: bool) -> Result<Cow<'static, [u8]>, ()> {
    if !b.len().is_multiple_of(4) {
        return Err(());
    }
    let mut out = Vec::with_capacity(b.len() / 4);
    for c in b.chunks_exact(4) {
        let arr = [c[0], c[1], c[2], c[3]];
        let cp = if big_endian { u32::from_be_bytes(arr) } else { u32::from_le_bytes(arr) };
        if cp > 0x10_FFFF {
            return Err(());
        }
        push_code_point(&mut out, cp);
    }
    Ok(Cow::Owned(out))
}

/// Appends one code point (surrogates included) in generalized UTF-8.
pub(crate) fn push_code_point(out: &mut Vec<u8>, cp: u32) {
    // Truncating casts are the point here: each byte takes six or fewer bits.
    #[allow(clippy::cast_possible_truncation)]
    match cp {
        0..=0x7F => out.push(cp as u8),
        0x80..=0x7FF => out.extend_from_slice(&[0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8]),
        0x800..=0xFFFF => {
            out.extend_from_slice(&[
                0xE0 | (cp >> 12) as u8,
                0x80 | ((cp >> 6) & 0x3F) as u8,
                0x80 | (cp & 0x3F) as u8,
            ]);
        }
        _ => out.extend_from_slice(&[
            0xF0 | (cp >> 18) as u8,
            0x80 | ((cp >> 12) & 0x3F) as u8,
            0x80 | ((cp >> 6) & 0x3F) as u8,
            0x80 | (cp & 0x3F) as u8,
        ]),
    }
}

/// How many bytes at the start of `bytes` a string holds as they are: ASCII from space to
/// `LAST` (at most DEL), other than `"` and `\\`. Eight bytes at a time, as one word: a byte is
/// flagged by the borrow of a subtraction (below space; equal to `"` or `\\`, as a zero after an
/// XOR) or by its high bit after an addition (above `LAST`). A borrow or carry can only flag a
/// byte above a byte that is flagged rightly, so the lowest flag is the first byte that ends the
/// run.
#[inline]
pub(crate) fn plain_run<const LAST: u8>(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = ONES * 0x80;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS;
    let mut words = bytes.chunks_exact(8);
    let mut done = 0;
    for word in words.by_ref() {
        let x = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let ends = below(x, b' ')
            | below(x ^ (ONES * u64::from(b'"')), 1)
            | below(x ^ (ONES * u64::from(b'\\')), 1)
            | ((x.wrapping_add(ONES * u64::from(0x7F - LAST)) | x) & HIGHS);
        if ends != 0 {
            return done + (ends.trailing_zeros() / 8) as usize;
        }
        done += 8;
    }
    let plain = |b: &u8| (b' '..=LAST).contains(b) && *b != b'"' && *b != b'\\';
    done + words.remainder().iter().take_while(|b| plain(b)).count()
}

/// Length of the generalized UTF-8 sequence starting at `b[0]` (a non-ASCII lead byte), if it is
/// one Python's UTF-8 decoder with `surrogatepass` accepts.
pub(crate) fn sequence_len(b: &[u8]) -> Option<usize> {
    let cont = |i: usize, lo: u8, hi: u8| b.get(i).is_some_and(|&c| (lo..=hi).contains(&c));
    let tail = |from: usize, to: usize| (from..to).all(|i| cont(i, 0x80, 0xBF));
    match b.first()? {
        0xC2..=0xDF if tail(1, 2) => Some(2),
        0xE0 if cont(1, 0xA0, 0xBF) && tail(2, 3) => Some(3),
        // 0xED covers the surrogates D800..DFFF, which surrogatepass lets through.
        0xE1..=0xEF if tail(1, 3) => Some(3),
        0xF0 if cont(1, 0x90, 0xBF) && tail(2, 4) => Some(4),
        0xF1..=0xF3 if tail(1, 4) => Some(4),
        0xF4 if cont(1, 0x80, 0x8F) && tail(2, 4) => Some(4),
        _ => None,
    }
}

/// Decodes the generalized UTF-8 sequence at the start of `b` (already validated).
pub(crate) fn decode_code_point(b: &[u8]) -> (u32, usize) {
    let lead = u32::from(b[0]);
    let c = |i: usize| u32::from(b[i] & 0x3F);
    match b[0] {
        0..=0x7F => (lead, 1),
        0xC0..=0xDF => (((lead & 0x1F) << 6) | c(1), 2),
        0xE0..=0xEF => (((lead & 0x0F) << 12) | (c(1) << 6) | c(2), 3),
        _ => (((lead & 0x07) << 18) | (c(1) << 12) | (c(2) << 6) | c(3), 4),
    }
}

// ---------------------------------------------------------------------------------------------
// The parser (CPython's C scanner, rule for rule).

/// Where a number ends: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`, the longest match.
struct NumberShape {
    len: usize,
    float: bool,
    int_digits: usize,
}

impl NumberShape {
    /// The number at the start of `b`, if one starts there.
    #[inline]
    fn of(b: &[u8]) -> Option<NumberShape> {
        // Where the run of digits starting at `i` ends (a plain loop: the validator's hot path).
        let digits_end = |mut i: usize| {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            i
        };
        let int_start = usize::from(b.first() == Some(&b'-'));
        let mut i = match b.get(int_start) {
            Some(b'0') => int_start + 1,
            Some(b'1'..=b'9') => digits_end(int_start + 1),
            _ => return None,
        };
        let int_digits = i - int_start;
        let mut float = false;
        if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i = digits_end(i + 2);
            float = true;
        }
        if let Some(b'e' | b'E') = b.get(i) {
            let digits_start = i + 1 + usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
            let end = digits_end(digits_start);
            if end > digits_start {
                i = end;
                float = true;
            }
        }
        Some(NumberShape { len: i, float, int_digits })
    }

    /// An integer's own rules (`text` is the integer): CPython's digit limit, and `-0` is not
    /// plain.
    #[inline]
    fn integer_rules(&self, text: &[u8], plain: &mut bool) -> Result<(), &'static str> {
        if self.int_digits > MAX_INT_DIGITS {
            return Err("Exceeds the limit (4300 digits) for integer string conversion");
        }
        if text == b"-0" {
            *plain = false;
        }
        Ok(())
    }
}

/// An open container: where its items (or members) start on the parser's shared stack, and
/// for an object the key of the value being parsed. One stack serves every container, so an
/// array or object allocates nothing of its own while it is parsed.
enum Frame<K> {
    Array(usize),
    Object(usize, Option<K>),
}

/// Where a string's text is: in the input as it stands, or decoded from escapes into a buffer.
enum Text<'a> {
    Input(&'a [u8]),
    Decoded,
}

struct Parser<'a> {
    src: &'a [u8],
    pos: usize,
    /// Whether the document so far is *plain*: UTF-8 without a BOM, with no `NaN`/`Infinity`
    /// literal, no raw (unescaped) surrogate and no `-0` integer, so any RFC 8259 parser reads
    /// it as CPython does (up to number precision).
    plain: bool,
    /// Whether keys are kept (see [`Build::KEEPS`]).
    keep: bool,
    /// Where escapes are decoded, reused across strings.
    scratch: Vec<u8>,
    /// How many more nodes (values and keys) the document may hold.
    nodes_left: usize,
}

impl<'a> Parser<'a> {
    fn new(src: &'a [u8], plain: bool) -> Parser<'a> {
        Parser { src, pos: 0, plain, keep: true, scratch: Vec::new(), nodes_left: usize::MAX }
    }

    /// Takes one node from the budget.
    #[inline]
    fn count(&mut self) -> Result<(), SyntaxError> {
        match self.nodes_left.checked_sub(1) {
            Some(left) => {
                self.nodes_left = left;
                Ok(())
            }
            None => self.err(TOO_MANY_NODES),
        }
    }

    fn err<T>(&self, message: &'static str) -> Result<T, SyntaxError> {
        Err(SyntaxError { message, offset: self.pos })
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn document<B: Build<'a>>(&mut self, builder: &mut B) -> Result<B::Value, SyntaxError> {
        let node = self.value(builder, 0)?;
        self.end()?;
        Ok(node)
    }

    /// Trailing whitespace, then nothing.
    fn end(&mut self) -> Result<(), SyntaxError> {
        self.skip_ws();
        if self.pos != self.src.len() {
            return self.err("Extra data");
        }
        Ok(())
    }

    /// The members of the top-level object (after its `{` and whitespace) up to its `}`: the
    /// ones named in `keys` go to `visit`, the rest are validated and skipped. The same rules,
    /// in the same order, as [`Parser::value`] applies to an object.
    fn members<S: AsRef<str>>(
        &mut self,
        keys: &[S],
        visit: &mut impl FnMut(usize, Option<Node<'_>>),
    ) -> Result<(), SyntaxError> {
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.keep = true;
            let key = self.key()?;
            self.skip_ws();
            match (keys.iter().position(|k| k.as_ref().as_bytes() == &*key), self.peek()) {
                (Some(i), Some(b'[' | b'{')) => {
                    self.value(&mut Skip, 1)?;
                    visit(i, None);
                }
                (Some(i), _) => self.scalar_then(|node, _| visit(i, Some(node)))?,
                (None, _) => self.value(&mut Skip, 1)?,
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return self.err("Expecting ',' delimiter"),
            }
        }
    }

    /// Parses one value (containers iteratively, with an explicit stack) inside `depth`
    /// enclosing containers.
    fn value<B: Build<'a>>(&mut self, b: &mut B, depth: usize) -> Result<B::Value, SyntaxError> {
        self.keep = B::KEEPS;
        // The buffer for strings with escapes, held for the whole value (not taken per scalar,
        // as `scalar_then` does): this is the hot loop.
        let mut decoded = std::mem::take(&mut self.scratch);
        let mut stack: Vec<Frame<B::Key>> = Vec::new();
        let mut items: Vec<B::Value> = Vec::new();
        let mut members: Vec<(B::Key, B::Value)> = Vec::new();
        'value: loop {
            self.skip_ws();
            self.count()?;
            let mut node = if let Some(open @ (b'[' | b'{')) = self.peek() {
                if depth + stack.len() >= MAX_DEPTH {
                    return self.err("nesting too deep");
                }
                self.pos += 1;
                b.open(open == b'{');
                self.skip_ws();
                if open == b'[' {
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        b.array(items.drain(items.len()..))
                    } else {
                        stack.push(Frame::Array(items.len()));
                        continue 'value;
                    }
                } else if self.peek() == Some(b'}') {
                    self.pos += 1;
                    b.object(members.drain(members.len()..))
                } else {
                    self.count()?;
                    let key = b.key(self.key()?);
                    stack.push(Frame::Object(members.len(), Some(key)));
                    continue 'value;
                }
            } else {
                b.scalar(self.scalar_into(&mut decoded)?)
            };
            // A value is complete: hand it to the enclosing containers, closing those that end.
            loop {
                match stack.last_mut() {
                    None => {
                        self.scratch = decoded;
                        return Ok(node);
                    }
                    Some(&mut Frame::Array(start)) => {
                        items.push(node);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                continue 'value;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                node = b.array(items.drain(start..));
                                stack.pop();
                            }
                            _ => return self.err("Expecting ',' delimiter"),
                        }
                    }
                    Some(Frame::Object(start, key)) => {
                        let start = *start;
                        if let Some(k) = key.take() {
                            members.push((k, node));
                        }
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                self.count()?;
                                *key = Some(b.key(self.key()?));
                                continue 'value;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                node = b.object(members.drain(start..));
                                stack.pop();
                            }
                            _ => return self.err("Expecting ',' delimiter"),
                        }
                    }
                }
            }
        }
    }

    /// `"key"` then optional whitespace and `:`.
    fn key(&mut self) -> Result<Cow<'a, [u8]>, SyntaxError> {
        if self.peek() != Some(b'"') {
            return self.err("Expecting property name enclosed in double quotes");
        }
        self.pos += 1;
        let key = self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return self.err("Expecting ':' delimiter");
        }
        self.pos += 1;
        Ok(key)
    }

    #[inline]
    fn literal(&mut self, word: &[u8], node: Node<'a>) -> Result<Node<'a>, SyntaxError> {
        if self.src[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(node)
        } else {
            self.err("Expecting value")
        }
    }

    /// Reads the scalar at `pos` and hands it to `f` with the position after it. A string with
    /// escapes is decoded into the parser's one reused buffer and borrowed from there for the
    /// call; anything else borrows the input.
    #[inline]
    fn scalar_then<R>(&mut self, f: impl FnOnce(Node<'_>, usize) -> R) -> Result<R, SyntaxError> {
        let mut decoded = std::mem::take(&mut self.scratch);
        let made = self.scalar_into(&mut decoded).map(|node| f(node, self.pos));
        self.scratch = decoded;
        made
    }

    /// The scalar at `pos`: a string with escapes is decoded into `decoded` (cleared first) and
    /// borrowed from there, anything else borrows the input.
    // Always inlined: a call per scalar costs the canonical printer 4% of its instructions.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn scalar_into<'s>(&mut self, decoded: &'s mut Vec<u8>) -> Result<Node<'s>, SyntaxError>
    where
        'a: 's,
    {
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                Ok(Node::Str(Cow::Borrowed(match self.string_text(decoded)? {
                    Text::Input(text) => text,
                    Text::Decoded => decoded,
                })))
            }
            Some(b'n') => self.literal(b"null", Node::Null),
            Some(b't') => self.literal(b"true", Node::Bool(true)),
            Some(b'f') => self.literal(b"false", Node::Bool(false)),
            Some(b'N') => {
                self.plain = false;
                self.literal(b"NaN", Node::NaN)
            }
            Some(b'I') => {
                self.plain = false;
                self.literal(b"Infinity", Node::Infinity)
            }
            Some(b'-') if self.src[self.pos..].starts_with(b"-Infinity") => {
                self.plain = false;
                self.pos += 9;
                Ok(Node::NegInfinity)
            }
            _ => self.number(),
        }
    }

    #[inline]
    fn number(&mut self) -> Result<Node<'a>, SyntaxError> {
        let start = self.pos;
        let Some(shape) = NumberShape::of(&self.src[start..]) else {
            return self.err("Expecting value");
        };
        self.pos += shape.len;
        let text = &self.src[start..self.pos];
        if shape.float {
            Ok(Node::Float(text))
        } else {
            shape.integer_rules(text, &mut self.plain).or_else(|message| self.err(message))?;
            Ok(Node::Int(text))
        }
    }
    /// The rest of a string after its opening quote.
    /// Skips ASCII from space to DEL other than `"` and `\\`: the bulk of most strings.
    fn skip_plain(&mut self) {
        self.pos += plain_run::<0x7F>(&self.src[self.pos..]);
    }

    /// A key's text after its opening quote: borrowed from the input when it has no escape, else
    /// decoded and copied (or, when keys are not kept, dropped: empty).
    #[inline]
    fn string(&mut self) -> Result<Cow<'a, [u8]>, SyntaxError> {
        // Most keys are short plain ASCII: borrowed as they stand, without the general path.
        let end = self.pos + plain_run::<0x7F>(&self.src[self.pos..]);
        if self.src.get(end) == Some(&b'"') {
            let key = &self.src[self.pos..end];
            self.pos = end + 1;
            return Ok(Cow::Borrowed(key));
        }
        self.escaped_string()
    }

    /// [`Parser::string`] past its fast path: a key with an escape or a non-ASCII character.
    #[inline(never)]
    fn escaped_string(&mut self) -> Result<Cow<'a, [u8]>, SyntaxError> {
        let mut decoded = std::mem::take(&mut self.scratch);
        let text = match self.string_text(&mut decoded)? {
            Text::Input(text) => Cow::Borrowed(text),
            Text::Decoded if self.keep => Cow::Owned(decoded.clone()),
            Text::Decoded => Cow::Borrowed(&[][..]),
        };
        self.scratch = decoded;
        Ok(text)
    }

    /// The rest of a string after its opening quote, past its closing one: as it stands in the
    /// input when it holds no escape, else decoded into `decoded` (cleared first).
    #[inline]
    fn string_text(&mut self, decoded: &mut Vec<u8>) -> Result<Text<'a>, SyntaxError> {
        let start = self.pos;
        // Fast path: no escapes, borrow the bytes as they are.
        loop {
            self.skip_plain();
            match self.peek() {
                None => return self.err("Unterminated string starting"),
                Some(b'"') => {
                    let s = &self.src[start..self.pos];
                    self.pos += 1;
                    return Ok(Text::Input(s));
                }
                Some(b'\\') => break,
                Some(0..=0x1F) => return self.err("Invalid control character"),
                Some(0x20..=0x7F) => self.pos += 1,
                Some(_) => self.multibyte()?,
            }
        }
        decoded.clear();
        decoded.extend_from_slice(&self.src[start..self.pos]);
        loop {
            match self.peek() {
                None => return self.err("Unterminated string starting"),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Text::Decoded);
                }
                Some(b'\\') => self.escape(decoded)?,
                Some(0..=0x1F) => return self.err("Invalid control character"),
                Some(0x20..=0x7F) => {
                    let run = self.pos;
                    self.skip_plain();
                    decoded.extend_from_slice(&self.src[run..self.pos]);
                }
                Some(_) => {
                    let from = self.pos;
                    self.multibyte()?;
                    decoded.extend_from_slice(&self.src[from..self.pos]);
                }
            }
        }
    }

    fn multibyte(&mut self) -> Result<(), SyntaxError> {
        match sequence_len(&self.src[self.pos..]) {
            Some(n) => {
                // 0xED 0xA0..=0xBF: a raw surrogate, which only surrogatepass lets through.
                if self.src[self.pos] == 0xED && self.src[self.pos + 1] >= 0xA0 {
                    self.plain = false;
                }
                self.pos += n;
                Ok(())
            }
            None => self.err("invalid UTF-8"),
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.src.get(at..at + 4)?;
        digits.iter().try_fold(0u32, |acc, &d| Some(acc * 16 + char::from(d).to_digit(16)?))
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), SyntaxError> {
        let Some(&kind) = self.src.get(self.pos + 1) else {
            return self.err("Unterminated string starting");
        };
        let simple = match kind {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0C,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => 0,
            _ => return self.err("Invalid \\escape"),
        };
        if kind != b'u' {
            out.push(simple);
            self.pos += 2;
            return Ok(());
        }
        let Some(mut cp) = self.hex4(self.pos + 2) else {
            return self.err("Invalid \\uXXXX escape");
        };
        self.pos += 6;
        if (0xD800..0xDC00).contains(&cp) && self.src[self.pos..].starts_with(b"\\u") {
            let Some(low) = self.hex4(self.pos + 2) else {
                return self.err("Invalid \\uXXXX escape");
            };
            if (0xDC00..0xE000).contains(&low) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                self.pos += 6;
            }
        }
        push_code_point(out, cp);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::plain_run;

    /// The run byte by byte, by the definition: space to `last`, other than `"` and `\\`.
    fn by_byte(bytes: &[u8], last: u8) -> usize {
        bytes.iter().take_while(|&&b| (b' '..=last).contains(&b) && b != b'"' && b != b'\\').count()
    }

    /// The bytes on either side of each bound, and the two that end a run inside it.
    const EDGES: &[u8] = b"\x00\x1f !\"#[\\]}~\x7f\x80\xc3\xff";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn plain_runs_end_where_the_first_byte_outside_them_is(
            bytes in prop::collection::vec(prop_oneof![4 => Just(b'a'), 1 => prop::sample::select(EDGES), 1 => any::<u8>()], 0..40),
        ) {
            prop_assert_eq!(plain_run::<0x7F>(&bytes), by_byte(&bytes, 0x7F));
            prop_assert_eq!(plain_run::<b'~'>(&bytes), by_byte(&bytes, b'~'));
        }
    }
}
