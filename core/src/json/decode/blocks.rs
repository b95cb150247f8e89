//! The validator's fast path: the body in 64-byte blocks, each classified with 16-byte vector
//! compares into bit masks (quotes, backslashes, control bytes, whitespace, structural
//! characters), strings found with a prefix XOR of the unescaped quotes, as simdjson's first
//! stage does; then the grammar checked on the masks too, for all of a block's tokens at once:
//! the token after each kind of token is found past the whitespace by a carrying addition, and
//! must be of a kind allowed there. Only brackets (their nesting), escapes and atoms are visited
//! one by one, and a block's numbers of the common shape are checked together.
//!
//! It answers only when it is sure: `Some(plain)` for a document CPython's `json.loads(bytes)`
//! accepts, `None` for anything else (invalid JSON, a BOM or another encoding, text that is not
//! strict UTF-8, nesting near the limit), and the exact parser then decides and says why. So the
//! fast path needs to be exact in what it accepts, never in how it refuses.
//!
//! UTF-8 is checked first, in one pass over the whole body (`simdutf8`, which picks AVX2 or
//! SSE4.2 at run time where the CPU has them, NEON on arm64).
//!
//! Atoms (numbers and literals) and the envelope's top-level members go through the exact
//! parser's own routines, so their rules are written once; only numbers of the shape
//! `-?(0|[1-9][0-9]*)(\.[0-9]+)?` are accepted by masks as well ([`Numbers::unchecked`]), and
//! anything else about an atom goes to those routines.
//!
//! Asked with a [`Spelling`] (a canonical-JSON scheme's body), the walk also answers whether the
//! document is its own canonical form, and stops at the first block where it is not: whitespace
//! outside strings is one mask, and the escapes, atoms, brackets and keys are handed to the
//! canonical form's own rules as the walk meets them.

use wide::u8x16;

use super::{detect_encoding, scan_exact, Encoding, Node, NumberShape, Parser, Spelling, MAX_DEPTH};

#[cfg(target_arch = "x86_64")]
mod avx512;

/// How a block's masks are made: with AVX-512BW where the CPU has it, else with the baseline
/// build's 16-byte compares.
#[derive(Debug, Clone, Copy)]
enum Classify {
    Baseline,
    #[cfg(target_arch = "x86_64")]
    Avx512(avx512::Avx512),
}

impl Classify {
    fn detect() -> Classify {
        #[cfg(target_arch = "x86_64")]
        if let Some(simd) = avx512::Avx512::detect() {
            return Classify::Avx512(simd);
        }
        Classify::Baseline
    }

    #[inline]
    fn classes(self, block: &[u8; 64]) -> Classes {
        match self {
            Classify::Baseline => Classes::of(block),
            #[cfg(target_arch = "x86_64")]
            Classify::Avx512(simd) => simd.classes(block),
        }
    }

    #[inline]
    fn numbers(self, block: &[u8; 64]) -> Numbers {
        match self {
            Classify::Baseline => Numbers::of(block),
            #[cfg(target_arch = "x86_64")]
            Classify::Avx512(simd) => simd.numbers(block),
        }
    }
}

/// The masks of one 64-byte block: bit `i` stands for byte `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Classes {
    quote: u64,
    backslash: u64,
    /// Bytes below 0x20.
    control: u64,
    /// `' '` and the bytes below it: whitespace, once the walk has refused the other control
    /// bytes (see `control`).
    space: u64,
    /// `{` and `[`.
    open: u64,
    /// `}` and `]`.
    close: u64,
    comma: u64,
    colon: u64,
}

impl Classes {
    /// `{ } [ ] , :`
    fn operators(&self) -> u64 {
        self.open | self.close | self.comma | self.colon
    }

    #[inline]
    fn of(block: &[u8; 64]) -> Classes {
        let mut c = Classes { quote: 0, backslash: 0, control: 0, space: 0, open: 0, close: 0, comma: 0, colon: 0 };
        for (v, mask) in lanes(block) {
            let is = |byte: u8| v.simd_eq(u8x16::splat(byte));
            // `[`/`{` and `]`/`}` differ only in bit 0x20.
            let folded = v | u8x16::splat(0x20);
            c.quote |= mask(is(b'"'));
            c.backslash |= mask(is(b'\\'));
            c.control |= mask(v.min(u8x16::splat(0x1F)).simd_eq(v));
            c.space |= mask(v.min(u8x16::splat(b' ')).simd_eq(v));
            c.open |= mask(folded.simd_eq(u8x16::splat(b'{')));
            c.close |= mask(folded.simd_eq(u8x16::splat(b'}')));
            c.comma |= mask(is(b','));
            c.colon |= mask(is(b':'));
        }
        c
    }
}

/// The block's four 16-byte lanes, each with a function that turns a comparison over it into
/// its bits of the block's mask.
#[inline]
fn lanes(block: &[u8; 64]) -> impl Iterator<Item = (u8x16, impl Fn(u8x16) -> u64)> + use<'_> {
    block.chunks_exact(16).enumerate().map(|(lane, bytes)| {
        let mut array = [0u8; 16];
        array.copy_from_slice(bytes);
        (u8x16::from(array), move |m: u8x16| u64::from(m.to_bitmask()) << (16 * lane))
    })
}

/// What the blocks carry into the next one.
#[derive(Debug, Default, Clone, Copy)]
struct Carry {
    /// 1 when the block's first byte is escaped by an odd run of backslashes ending the last one.
    escaped: u64,
    /// All ones when the block starts inside a string.
    in_string: u64,
    /// 1 when the last block ended with an atom's byte.
    atom: u64,
}

/// Where a block's strings, escapes and tokens are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    /// Bytes escaped by a backslash, other than backslashes: the byte after an odd run.
    escaped: u64,
    /// Quotes that are not escaped: strings' opening and closing quotes.
    quote: u64,
    /// Bytes inside strings: the opening quote and the content, not the closing quote.
    in_string: u64,
    /// The tokens the grammar sees: operators and opening quotes outside strings, and the
    /// first byte of each atom.
    tokens: u64,
    /// The first byte of each atom (a number or a literal).
    atom_starts: u64,
    /// The bytes of atoms.
    atoms: u64,
    /// The byte after each atom.
    after_atoms: u64,
    /// Bytes wrong wherever they stand: a control byte in a string, a backslash outside one.
    wrong: u64,
}

const EVEN: u64 = 0x5555_5555_5555_5555;

/// The bytes after an odd-length run of backslashes (simdjson's `find_odd_backslash_sequences`).
fn escaped(backslash: u64, carry: &mut u64) -> u64 {
    if backslash == 0 {
        return std::mem::take(carry);
    }
    let starts = backslash & !(backslash << 1);
    let even_start_mask = EVEN ^ *carry;
    let even_starts = starts & even_start_mask;
    let odd_starts = starts & !even_start_mask;
    let even_carries = backslash.wrapping_add(even_starts);
    let (mut odd_carries, ends_odd) = backslash.overflowing_add(odd_starts);
    odd_carries |= *carry;
    *carry = u64::from(ends_odd);
    let even_carry_ends = even_carries & !backslash;
    let odd_carry_ends = odd_carries & !backslash;
    (even_carry_ends & !EVEN) | (odd_carry_ends & EVEN)
}

/// Each bit `XORed` with every bit below it: 1 from an opening quote up to its closing quote.
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

impl Layout {
    #[inline]
    fn of(c: &Classes, carry: &mut Carry) -> Layout {
        let escaped = escaped(c.backslash, &mut carry.escaped);
        let quote = c.quote & !escaped;
        let in_string = prefix_xor(quote) ^ carry.in_string;
        carry.in_string = 0u64.wrapping_sub(in_string >> 63);
        let wrong = (c.control & in_string) | (c.backslash & !in_string);
        let atom = !(c.operators() | c.space | quote | in_string);
        let atom_starts = atom & !((atom << 1) | carry.atom);
        let after_atoms = ((atom << 1) | carry.atom) & !atom;
        carry.atom = atom >> 63;
        let tokens = (c.operators() & !in_string) | (quote & in_string) | atom_starts;
        Layout { escaped, quote, in_string, tokens, atom_starts, atoms: atom, after_atoms, wrong }
    }
}

/// The bytes numbers are made of, in one block: bit `i` stands for byte `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Numbers {
    digit: u64,
    zero: u64,
    dot: u64,
    minus: u64,
}

impl Numbers {
    fn of(block: &[u8; 64]) -> Numbers {
        let mut n = Numbers { digit: 0, zero: 0, dot: 0, minus: 0 };
        for (v, mask) in lanes(block) {
            let from_zero = v - u8x16::splat(b'0');
            n.digit |= mask(from_zero.min(u8x16::splat(9)).simd_eq(from_zero));
            n.zero |= mask(v.simd_eq(u8x16::splat(b'0')));
            n.dot |= mask(v.simd_eq(u8x16::splat(b'.')));
            n.minus |= mask(v.simd_eq(u8x16::splat(b'-')));
        }
        n
    }

    /// Of the atoms (their bytes `atoms`, their first bytes `starts`), the starts of those left to
    /// the exact routine: the ones that are not plainly numbers of the common shape
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, checked here for all at once (literals, exponents, anything
    /// invalid, and `-0…`, which the exact routine marks not plain), and the one that runs on into
    /// the next block.
    fn unchecked(&self, atoms: u64, starts: u64) -> u64 {
        let Numbers { digit, zero, dot, minus } = *self;
        // Not the atom that runs on into the next block. (The end of one from the last block,
        // before the first start, is never reached by the carries below.)
        let reaching_end = u64::MAX.checked_shr((!atoms).leading_zeros()).map_or(u64::MAX, |m| !m);
        let inside = atoms & !reaching_end;
        let (starts, running_on) = (starts & inside, starts & !inside);
        let signed = starts & minus;
        let first_digit = (starts & !minus) | (signed << 1);
        let undotted = inside & !dot;
        // The first dot of each atom (a carry from its start stops there), then the next.
        let first_dots = undotted.wrapping_add(starts) & !undotted & dot;
        let second_dots = undotted.wrapping_add(first_dots << 1) & !undotted & dot;
        let wrong = inside & !(digit | dot | signed)
            | starts & !(digit | signed & (digit >> 1))
            | first_digit & zero & (digit >> 1)
            | (signed << 1) & zero
            | inside & dot & !((digit << 1) & (digit >> 1))
            | second_dots;
        // A carry from each start through its right bytes stops at its first wrong one.
        let right = inside & !wrong;
        let stops = right.wrapping_add(starts) & wrong;
        bits(stops).fold(running_on, |unchecked, stop| {
            // The atom's start: the last at or before the stop (there always is one; if not,
            // every atom is checked).
            unchecked | (starts & (u64::MAX >> (63 - stop))).checked_ilog2().map_or(starts, |start| 1 << start)
        })
    }
}

/// How far the document has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// No token yet: the first one must open the top-level container.
    Before,
    /// Inside the top-level container.
    Inside,
    /// The top-level container has closed: only whitespace may follow.
    Done,
}

/// Where each kind of token ended, carried into the next block: the bit 0 of a token that ended
/// on the block's last byte, or whose whitespace after it runs past the block's end.
#[derive(Debug, Default, Clone, Copy)]
struct Pending {
    /// After `{`: a key or the `}`.
    brace: u64,
    /// After `,` in an object: a key.
    member: u64,
    /// After `[`: a value or the `]`.
    bracket: u64,
    /// After `:` or `,` in an array: a value.
    value: u64,
    /// After a value: `,` or a closer.
    after_value: u64,
    /// After a key: `:`.
    after_key: u64,
    /// 1 when a key's string runs into the next block.
    key: u64,
}

/// The tokens that follow the ones ending at `ends` (a bit on each one's last byte) or before
/// `after` (a bit on the byte after each), past whitespace: each run of `space` is crossed by one
/// carrying addition. `pending` carries a bit in from the last block and out to the next one.
#[inline]
fn follow(ends: u64, after: u64, pending: &mut u64, space: u64) -> u64 {
    let after = ends << 1 | after | *pending;
    let (sum, over) = space.overflowing_add(after & space);
    *pending = u64::from(over) | ends >> 63;
    (after | sum) & !space
}

/// Each bit `XORed` with every bit below it, then flipped everywhere when `from` is set: the
/// bits where a state that `toggles` flips holds, starting from `from`.
fn toggled(toggles: u64, from: bool) -> u64 {
    let flipped = if toggles == 0 { 0 } else { prefix_xor(toggles) };
    flipped ^ 0u64.wrapping_sub(u64::from(from))
}

/// The grammar, checked over each block's masks: which kind of token follows which, found for
/// every token at once; only brackets (their nesting), atoms and escapes are visited one by one.
struct Walk<'a, 'k, S, F> {
    parser: Parser<'a>,
    classify: Classify,
    /// The top-level members to hand to `visit`.
    keys: &'k [S],
    visit: F,
    stage: Stage,
    pending: Pending,
    /// The open containers: bit `i % 64` of word `i / 64` set for an object at depth `i`.
    kinds: [u64; MAX_DEPTH.div_ceil(64)],
    /// How many containers are open.
    depth: usize,
    /// Whether the innermost open container is an object (kept beside `kinds`, so a value's
    /// end needs no look-up).
    in_object: bool,
    /// Asked too whether the document is its own canonical form: then the walk stops at the
    /// first token spelled otherwise.
    spelling: Option<&'k mut Spelling>,
}

/// Whether `byte` may follow an atom (anything else would continue it).
fn ends_atom(byte: Option<&u8>) -> bool {
    matches!(byte, None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'}' | b'[' | b']' | b',' | b':' | b'"'))
}

impl<S: AsRef<str>, F: FnMut(usize, Option<Node<'_>>)> Walk<'_, '_, S, F> {
    /// Walks one block; `live` has a bit for each of its bytes that is the input's (the last
    /// block is padded with spaces).
    fn block(&mut self, block: &[u8; 64], base: usize, live: u64, carry: &mut Carry) -> Option<()> {
        let classes = self.classify.classes(block);
        let layout = Layout::of(&classes, carry);
        if layout.wrong != 0 {
            return None;
        }
        for pos in bits(layout.escaped) {
            self.escape(base + pos)?;
        }
        // Outside strings, the only control bytes allowed are whitespace.
        for pos in bits(classes.control & !layout.in_string) {
            if !matches!(block[pos], b'\t' | b'\n' | b'\r') {
                return None;
            }
        }
        let outside = !layout.in_string;
        let (open, close) = (classes.open & outside, classes.close & outside);
        let (comma, colon) = (classes.comma & outside, classes.colon & outside);
        match self.stage {
            Stage::Before if layout.tokens != 0 && open & layout.tokens & layout.tokens.wrapping_neg() == 0 => {
                return None;
            }
            Stage::Done if layout.tokens != 0 => return None,
            _ => {}
        }
        let (in_object, top) = (self.in_object, self.depth == 1);
        let (objects, object_toggles, top_toggles) = self.brackets(block, open | close, layout.tokens)?;
        let in_objects = toggled(object_toggles, in_object);
        let opening_quote = layout.quote & layout.in_string;
        let closing_quote = layout.quote & outside;
        let value_start = opening_quote | layout.atom_starts | open;
        let space = classes.space;
        // The carried bits in locals, so they stay in registers.
        let mut p = self.pending;
        let after_brace = follow(objects, 0, &mut p.brace, space);
        let after_member = follow(comma & in_objects, 0, &mut p.member, space);
        let after_bracket = follow(open & !objects, 0, &mut p.bracket, space);
        let value = follow(colon | comma & !in_objects, 0, &mut p.value, space);
        let keys = (after_brace | after_member) & opening_quote;
        // A carry from each key's opening quote through its string stops at its closing quote.
        let (sum, over) = layout.in_string.overflowing_add(keys | p.key);
        p.key = u64::from(over);
        let key_ends = sum & closing_quote;
        let value_ends = close | closing_quote & !key_ends;
        let after_value = follow(value_ends, layout.after_atoms, &mut p.after_value, space);
        let after_key = follow(key_ends, 0, &mut p.after_key, space);
        self.pending = p;
        if after_brace & !(opening_quote | close) != 0
            || after_member & !opening_quote != 0
            || after_bracket & !(value_start | close) != 0
            || value & !value_start != 0
            || after_value & !(comma | close) != 0
            || after_key & !colon != 0
        {
            return None;
        }
        if self.spelling.is_some() {
            self.spelled(block, base, &layout, space & outside & live, value_start, open | close | keys)?;
        }
        // With two atoms or more, checking their numbers at once pays for finding the bytes of
        // numbers; the others go to the exact routine.
        let exact = match layout.atom_starts & layout.atom_starts.wrapping_sub(1) {
            0 => layout.atom_starts,
            _ => self.classify.numbers(block).unchecked(layout.atoms, layout.atom_starts),
        };
        for pos in bits(exact) {
            self.atom(base + pos)?;
        }
        // Top-level keys, in the blocks where the top level is open at all.
        if !self.keys.is_empty() && keys != 0 && (top || top_toggles != 0) {
            for pos in bits(keys & toggled(top_toggles, top)) {
                self.member(base + pos)?;
            }
        }
        Some(())
    }

    /// Whether the block is spelled as the canonical form spells it (see [`Spelling`]): no
    /// whitespace between tokens (`spaces`), and each of its values (`values`, keys among them),
    /// escapes, atoms and, in order, brackets and keys (`ordered`) spelled so.
    fn spelled(
        &mut self,
        block: &[u8; 64],
        base: usize,
        layout: &Layout,
        spaces: u64,
        values: u64,
        ordered: u64,
    ) -> Option<()> {
        let (src, spelling) = (self.parser.src, self.spelling.as_deref_mut()?);
        let at = |pos: usize| &src[base + pos..];
        if spaces != 0
            || !spelling.nodes(values.count_ones() as usize)
            || !bits(layout.escaped).all(|pos| Spelling::escape(at(pos)))
            || !bits(layout.atom_starts).all(|pos| Spelling::atom(at(pos)))
        {
            return None;
        }
        for pos in bits(ordered) {
            match block[pos] {
                b'{' | b'[' => spelling.open(),
                b'}' | b']' => spelling.close(),
                _ => {
                    if !spelling.key(src, base + pos) {
                        return None;
                    }
                }
            }
        }
        Some(())
    }

    /// The block's brackets, in order: each closer closes its own kind, and nothing follows the
    /// document's. Returns the openers of objects, and where the innermost container's kind
    /// and whether the top level is innermost change (bits for [`toggled`]).
    #[inline]
    fn brackets(&mut self, block: &[u8; 64], brackets: u64, tokens: u64) -> Option<(u64, u64, u64)> {
        // The state in locals, so it stays in registers.
        let (mut depth, mut in_object) = (self.depth, self.in_object);
        let (mut objects, mut object_toggles, mut top_toggles) = (0u64, 0u64, 0u64);
        for pos in bits(brackets) {
            let (was_object, was_top) = (in_object, depth == 1);
            if block[pos] & 0xDF == b'[' {
                if depth + 2 >= MAX_DEPTH {
                    return None;
                }
                in_object = block[pos] == b'{';
                objects |= u64::from(in_object) << pos;
                let (word, bit) = (depth / 64, depth % 64);
                self.kinds[word] = self.kinds[word] & !(1 << bit) | u64::from(in_object) << bit;
                depth += 1;
                self.stage = Stage::Inside;
            } else {
                if depth == 0 || (block[pos] == b'}') != in_object {
                    return None;
                }
                depth -= 1;
                in_object = depth.checked_sub(1).is_some_and(|top| self.kinds[top / 64] >> (top % 64) & 1 == 1);
                if depth == 0 {
                    // Nothing but whitespace after the document's value.
                    if tokens & !(u64::MAX >> (63 - pos)) != 0 {
                        return None;
                    }
                    self.stage = Stage::Done;
                }
            }
            object_toggles |= u64::from(in_object != was_object) << pos;
            top_toggles |= u64::from((depth == 1) != was_top) << pos;
        }
        (self.depth, self.in_object) = (depth, in_object);
        Some((objects, object_toggles, top_toggles))
    }

    /// The byte after a backslash: one of CPython's escapes.
    fn escape(&self, pos: usize) -> Option<()> {
        match self.parser.src.get(pos)? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(()),
            b'u' => self.parser.hex4(pos + 1).map(drop),
            _ => None,
        }
    }

    /// A top-level member whose key opens at `pos`: read whole, to know whether it is wanted, and
    /// then its value (the masks have checked their grammar).
    fn member(&mut self, pos: usize) -> Option<()> {
        self.parser.pos = pos + 1;
        self.parser.keep = true;
        let key = self.parser.string().ok()?;
        let Some(i) = self.keys.iter().position(|k| k.as_ref().as_bytes() == &*key) else {
            return Some(());
        };
        self.parser.skip_ws();
        if self.parser.peek() != Some(b':') {
            return None;
        }
        self.parser.pos += 1;
        self.parser.skip_ws();
        if let Some(b'{' | b'[') = self.parser.peek() {
            (self.visit)(i, None);
            return Some(());
        }
        let src = self.parser.src;
        let visit = &mut self.visit;
        self.parser
            .scalar_then(|node, end| {
                let whole = matches!(node, Node::Str(_)) || ends_atom(src.get(end));
                if whole {
                    visit(i, Some(node));
                }
                whole
            })
            .ok()?
            .then_some(())
    }

    /// Validates the number or literal at `pos` without building it; numbers, the common
    /// atoms, without a call.
    #[inline]
    fn atom(&mut self, pos: usize) -> Option<()> {
        let rest = &self.parser.src[pos..];
        let len = if let Some(shape) = NumberShape::of(rest) {
            if !shape.float {
                shape.integer_rules(&rest[..shape.len], &mut self.parser.plain).ok()?;
            }
            shape.len
        } else {
            self.parser.pos = pos;
            self.parser.scalar_then(|_, end| end - pos).ok()?
        };
        ends_atom(rest.get(len)).then_some(())
    }
}

/// The positions of the set bits of `mask`, lowest first.
fn bits(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let pos = mask.trailing_zeros();
        mask &= mask.wrapping_sub(1);
        (pos < 64).then_some(pos as usize)
    })
}

/// [`scan`](super::scan)'s fast path: `Some(plain)` when `input` is certainly a document CPython
/// accepts (each wanted top-level member handed to `visit`), `None` when the exact parser must
/// decide.
pub(super) fn scan<S: AsRef<str>>(
    input: &[u8],
    keys: &[S],
    visit: impl FnMut(usize, Option<Node<'_>>),
    mut spelling: Option<&mut Spelling>,
) -> Option<bool> {
    // A document that may be canonical is printable ASCII, so UTF-8 without a BOM.
    let text = match spelling {
        Some(_) => Spelling::may_be(input),
        None => matches!(detect_encoding(input), (Encoding::Utf8, 0)) && simdutf8::basic::from_utf8(input).is_ok(),
    };
    if !text {
        return None;
    }
    // A document that is not a container is one value, which the exact parser reads as fast
    // (and whose spelling is left to the caller).
    if !matches!(input.iter().find(|b| !b" \t\n\r".contains(b)), Some(b'{' | b'[')) {
        if let Some(spelling) = spelling.as_deref_mut() {
            spelling.sure = false;
        }
        return scan_exact(input, &[] as &[&str], |_, _| {}).ok();
    }
    let mut walk = Walk {
        parser: Parser::new(input, true),
        classify: Classify::detect(),
        keys,
        visit,
        stage: Stage::Before,
        pending: Pending::default(),
        kinds: [0; MAX_DEPTH.div_ceil(64)],
        depth: 0,
        in_object: false,
        spelling,
    };
    let mut carry = Carry::default();
    let mut blocks = input.chunks_exact(64);
    let mut base = 0;
    for block in blocks.by_ref() {
        walk.block(block.try_into().ok()?, base, u64::MAX, &mut carry)?;
        base += 64;
    }
    let rest = blocks.remainder();
    if !rest.is_empty() {
        // Whitespace pads the last block: outside a string it changes nothing, and a string
        // still open at the end is refused below.
        let mut last = [b' '; 64];
        last[..rest.len()].copy_from_slice(rest);
        walk.block(&last, base, (1 << rest.len()) - 1, &mut carry)?;
    }
    (walk.stage == Stage::Done && carry.in_string == 0).then_some(walk.parser.plain)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{scan, Carry, Classes, Classify, Layout, Numbers};
    use crate::json::decode::scan_exact;

    /// Byte by byte, as a reader walks it: whether each byte is escaped (the masks mark the
    /// byte after an odd run of backslashes, not the backslashes a run escapes), and inside a
    /// string.
    fn walked(text: &[u8]) -> Vec<(bool, bool)> {
        let (mut in_string, mut escape_next) = (false, false);
        text.iter()
            .map(|&b| {
                let escaped = escape_next;
                escape_next = !escaped && b == b'\\';
                if b == b'"' && !escaped {
                    in_string = !in_string;
                }
                (escaped && b != b'\\', in_string)
            })
            .collect()
    }

    /// The same from the block masks.
    fn masked(text: &[u8]) -> Vec<(bool, bool)> {
        let mut carry = Carry::default();
        let mut out = Vec::new();
        for chunk in text.chunks(64) {
            let mut block = [b' '; 64];
            block[..chunk.len()].copy_from_slice(chunk);
            let layout = Layout::of(&Classes::of(&block), &mut carry);
            out.extend((0..chunk.len()).map(|i| (layout.escaped >> i & 1 == 1, layout.in_string >> i & 1 == 1)));
        }
        out
    }

    const KEYS: [&str; 4] = ["type", "a", "data", ""];

    /// A path's answer: whether the document is plain, and the members it handed over.
    type Answer = Option<(bool, Vec<String>)>;

    /// Both paths over `input`: the fast one's answer, and the exact one's.
    fn both(input: &[u8]) -> (Answer, Answer) {
        let mut fast_seen = Vec::new();
        let fast = scan(input, &KEYS, |i, node| fast_seen.push(format!("{i} {node:?}")), None).map(|p| (p, fast_seen));
        let mut exact_seen = Vec::new();
        let exact =
            scan_exact(input, &KEYS, |i, node| exact_seen.push(format!("{i} {node:?}"))).ok().map(|p| (p, exact_seen));
        (fast, exact)
    }

    /// The fast path only answers what the exact parser answers.
    fn agrees(input: &[u8]) {
        let (fast, exact) = both(input);
        if fast.is_some() {
            assert_eq!(fast, exact, "{:?}", String::from_utf8_lossy(input));
        }
    }

    fn json() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("false".to_owned()),
            Just("NaN".to_owned()),
            Just("-Infinity".to_owned()),
            "-?(0|[1-9][0-9]{0,5})(\\.[0-9]{1,3})?([eE][-+]?[0-9]{1,2})?",
            "\"([a-z é€😀{}:,]|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4}|\\\\\\\\\\\\\"){0,40}\"",
        ];
        // Whitespace, sometimes a run longer than a block.
        let ws = || prop_oneof![3 => "[ \t\n\r]{0,2}", 1 => "[ \n]{60,70}"];
        leaf.prop_recursive(5, 64, 6, move |inner| {
            prop_oneof![
                prop::collection::vec((ws(), inner.clone()), 0..6).prop_map(|items| {
                    let items: Vec<String> = items.iter().map(|(ws, item)| format!("{ws}{item}{ws}")).collect();
                    format!("[{}]", items.join(","))
                }),
                prop::collection::vec(("\"(type|a|data|x|)\"", ws(), inner), 0..6).prop_map(|members| {
                    let members: Vec<String> = members.iter().map(|(k, ws, v)| format!("{k}{ws}:{ws}{v}")).collect();
                    format!("{{{}}}", members.join(" , "))
                }),
            ]
        })
    }

    /// Bytes that matter to JSON, for mutations.
    const ALPHABET: &[u8] = b"\"\\{}[],: \t\n\r0123456789eE.+-nultrfasNIy\x00\x1f\x7f\xc3\xa9\x80\xed\xa0\xef\xbb\xbf";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn the_cpus_wide_compares_make_the_baseline_masks_of_any_block(bytes in prop::collection::vec(prop::sample::select(ALPHABET), 64)) {
            let block: [u8; 64] = bytes.try_into().unwrap();
            prop_assert_eq!(Classify::detect().classes(&block), Classes::of(&block));
            prop_assert_eq!(Classify::detect().numbers(&block), Numbers::of(&block));
        }

        #[test]
        fn masks_find_strings_and_escapes_as_a_reader_does(text in prop::collection::vec(prop::sample::select(&b"\\\"a {"[..]), 0..300)) {
            prop_assert_eq!(masked(&text), walked(&text));
        }

        #[test]
        fn the_fast_path_accepts_valid_documents_as_the_exact_parser_does(doc in json(), pad in 0usize..130) {
            let text = format!("{}{doc}\n", " ".repeat(pad));
            let (fast, exact) = both(text.as_bytes());
            prop_assert!(exact.is_some(), "{}", text);
            prop_assert_eq!(fast, exact);
        }

        #[test]
        fn the_fast_path_never_accepts_what_the_exact_parser_refuses(
            doc in json(),
            pad in 0usize..70,
            edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(ALPHABET), 0u8..3), 1..4),
        ) {
            let mut bytes = format!("{}{doc}", " ".repeat(pad)).into_bytes();
            for (at, byte, how) in edits {
                let i = at.index(bytes.len() + 1);
                match how {
                    0 => bytes.insert(i, byte),
                    1 if i < bytes.len() => { bytes.remove(i); }
                    _ if i < bytes.len() => bytes[i] = byte,
                    _ => bytes.push(byte),
                }
            }
            agrees(&bytes);
        }
    }

    /// Every byte value at every position of a block, on backgrounds of each kind of byte: the
    /// masks the CPU's widest compares make (AVX-512BW where it has them) are the baseline's.
    #[test]
    fn the_cpus_wide_compares_make_the_baseline_masks_for_every_byte() {
        let classify = Classify::detect();
        eprintln!("masks made by {classify:?}");
        for fill in [b' ', b'a', b'"', b'\\', b'0', b'{', 0x1F, 0x80, 0xFF] {
            for pos in 0..64 {
                for byte in 0..=u8::MAX {
                    let mut block = [fill; 64];
                    block[pos] = byte;
                    assert_eq!(classify.classes(&block), Classes::of(&block), "{byte:#x} at {pos} among {fill:#x}");
                    assert_eq!(classify.numbers(&block), Numbers::of(&block), "{byte:#x} at {pos} among {fill:#x}");
                }
            }
        }
    }

    #[test]
    fn json_test_suite_the_fast_path_agrees_and_takes_every_plain_utf8_document() {
        let Some(documents) = crate::json::json_test_suite() else { return };
        let mut taken = 0;
        for (name, input) in documents {
            agrees(&input);
            let (fast, exact) = both(&input);
            if name.starts_with("y_") && std::str::from_utf8(&input).is_ok() && !input.starts_with(b"\xef\xbb\xbf") {
                assert!(fast.is_some() && exact.is_some(), "{name}: not on the fast path");
                taken += 1;
            }
            if name.starts_with("n_") {
                assert!(fast.is_none(), "{name}");
            }
        }
        assert!(taken > 90, "{taken} documents on the fast path");
    }

    /// Every token placed on every byte of a block: the grammar's checks carry across block edges.
    #[test]
    fn short_documents_at_every_offset_of_a_block() {
        let documents = [
            r#"[[1]"x"]"#,
            "[[1] 2]",
            r#"{"a":1 "b":2}"#,
            r#"{"a" 1}"#,
            r#"["a":1]"#,
            "[1,]",
            r#"{"a":1,}"#,
            r#"{,"a":1}"#,
            "[,1]",
            r#"{"a"}"#,
            r#"{"a":}"#,
            "[1 2]",
            r#"["a" "b"]"#,
            r#"{"a":"b" "c"}"#,
            "[{}{}]",
            "[[]1]",
            "[true false]",
            r#"{"a":[] "b":1}"#,
            r#"{"a":1}:"#,
            "[1]]",
            "[[1]",
            r#"{"a":{"b":[1,2.5,-0]}}"#,
            r#"[{"a":"b"},{"c":[true,null]}]"#,
            r#"{"type":"t","a":[1],"data":{"x":"y"}}"#,
            r#"{"a":1,"a":2}"#,
            r#"[1,{"a":2}]"#,
            r#"{"a":""",:1}"#,
            "[01]",
            "[1.]",
            "[-]",
            "[1.2.3]",
            "[1.2.3,4]",
            "[-0]",
            "[-0.5,0.5,-1.25,10.01]",
            "[1e5,1.5E-3,-2e+1]",
            "[--1]",
            "[1-]",
            "[.5]",
            "[-.5]",
            "[00]",
            "[-01]",
            "[1..2]",
            "[NaN,-Infinity,Infinity]",
            "[1,2,12a]",
            "[1,2,-1.5x,3]",
            "[1,2,tru,3]",
            "[1,2,3.25.5,4]",
            r#"{"a":1}{"#,
        ];
        for document in documents {
            for gap in ["", " ", &" ".repeat(70)] {
                let spaced: String = document.chars().flat_map(|c| [c.to_string(), gap.to_owned()]).collect();
                for offset in 0..130 {
                    let text = format!("{}{spaced}", " ".repeat(offset));
                    let (fast, exact) = both(text.as_bytes());
                    assert_eq!(fast, exact, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn containers_nested_past_a_word_of_the_stack_close_in_their_own_kind() {
        let depth = 300;
        let open: String = (0..depth).map(|i| if i % 3 == 0 { "[" } else { "{\"a\":" }).collect();
        let closers: Vec<&str> = (0..depth).rev().map(|i| if i % 3 == 0 { "]" } else { "}" }).collect();
        let valid = format!("{open}1{}", closers.concat());
        let (fast, exact) = both(valid.as_bytes());
        assert!(fast.is_some() && fast == exact);
        for wrong in [5, 64, 65, 130, 200] {
            let mut swapped = closers.clone();
            swapped[wrong] = if swapped[wrong] == "]" { "}" } else { "]" };
            let text = format!("{open}1{}", swapped.concat());
            assert_eq!(both(text.as_bytes()), (None, None), "closer {wrong} swapped");
        }
    }

    #[test]
    fn a_body_across_many_blocks_with_escapes_at_their_edges() {
        let mut items = Vec::new();
        for i in 0..400 {
            let backslashes = "\\\\".repeat(i % 5);
            items.push(format!(
                r#"{{"sku":"item-{i}{backslashes}","qty":{i},"price":{i}.5,"note":"caf\u00e9 \"{i}\""}}"#
            ));
        }
        let body = format!(r#"{{"type":"order.created","data":{{"items":[{}]}},"a":-0}}"#, items.join(","));
        let (fast, exact) = both(body.as_bytes());
        assert_eq!(fast, exact);
        assert_eq!(fast.map(|(plain, seen)| (plain, seen.len())), Some((false, 3)), "-0 is not plain; three members");
    }
}
