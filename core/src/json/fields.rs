//! The few top-level members of a document an event's envelope reads, found without building
//! the document's tree: verification validates the whole body but pays for a tree only when a
//! caller asks for the payload.

use std::borrow::Cow;

use super::canonical::canonicalize_with;
use super::decode::{scan, Node, SyntaxError};
use super::value::{from_node, Value};

/// A top-level member, as far as an envelope needs to know.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Field {
    /// `null`.
    Null,
    /// An array or an object.
    Container,
    /// Any other value.
    Scalar(Value),
}

impl Field {
    /// What `node` is (`None`: an array or an object).
    fn of(node: Option<&Node<'_>>) -> Field {
        match node {
            Some(Node::Null) => Field::Null,
            None => Field::Container,
            Some(scalar) => Field::Scalar(from_node(scalar)),
        }
    }
}

/// The members named by some keys, and whether the document is plain.
#[derive(Debug)]
pub(crate) struct Fields {
    /// By key index: the last member of that name (a dict's rule), if any.
    values: Vec<Option<Field>>,
    plain: bool,
}

impl Fields {
    /// Validates `input` as CPython's `json.loads(bytes)` would and reads the members `keys`.
    pub(crate) fn scan<S: AsRef<str>>(input: &[u8], keys: &[S]) -> Result<Fields, SyntaxError> {
        Fields::read(keys, |visit| scan(input, keys, visit).map(|plain| ((), plain))).map(|((), fields)| fields)
    }

    /// The canonical bytes of `input` (the input itself when it is already canonical) and its
    /// members `keys`, for a document of at most `max_nodes` nodes (values and keys).
    pub(crate) fn canonicalize<'i, S: AsRef<str>>(
        input: &'i [u8],
        keys: &[S],
        max_nodes: usize,
    ) -> Result<(Cow<'i, [u8]>, Fields), SyntaxError> {
        Fields::read(keys, |visit| canonicalize_with(input, max_nodes, keys, visit))
    }

    /// Runs a parse that hands `visit` the members it finds, and keeps the last of each key.
    fn read<S, R>(
        keys: &[S],
        parse: impl FnOnce(&mut dyn FnMut(usize, Option<Node<'_>>)) -> Result<(R, bool), SyntaxError>,
    ) -> Result<(R, Fields), SyntaxError> {
        let mut values = vec![None; keys.len()];
        let (made, plain) = parse(&mut |i, node| values[i] = Some(Field::of(node.as_ref())))?;
        Ok((made, Fields { values, plain }))
    }

    /// The member for key index `i`.
    pub(crate) fn get(&self, i: usize) -> Option<&Field> {
        self.values.get(i).and_then(Option::as_ref)
    }

    /// Whether the document is plain: UTF-8 without a BOM, no `NaN`/`Infinity`, no raw
    /// surrogate, no `-0` integer; any RFC 8259 parser then reads what CPython reads.
    pub(crate) fn plain(&self) -> bool {
        self.plain
    }
}

#[cfg(test)]
mod tests {
    use super::{Field, Fields};
    use crate::json::{Number, Value};

    #[test]
    fn scan_and_canonical_parse_read_the_same_members() {
        let body = br#" {"type": "a", "data": {"x": [1, {"y": null}]}, "id": 7, "type": "b", "n": null} "#;
        let keys = ["id", "type", "data", "n", "absent"];
        let scanned = Fields::scan(body, &keys).unwrap();
        let (_, parsed) = Fields::canonicalize(body, &keys, usize::MAX).unwrap();
        for fields in [&scanned, &parsed] {
            assert_eq!(fields.get(0), Some(&Field::Scalar(Value::Number(Number::Int("7".into())))));
            assert_eq!(fields.get(1), Some(&Field::Scalar(Value::String("b".into()))), "the last duplicate wins");
            assert_eq!(fields.get(2), Some(&Field::Container));
            assert_eq!(fields.get(3), Some(&Field::Null));
            assert_eq!(fields.get(4), None);
            assert!(fields.plain());
        }
    }

    #[test]
    fn plainness_follows_what_standard_parsers_read_differently() {
        for (body, plain) in [
            (&b"[1, 2.5, \"\\ud800\"]"[..], true),
            (b"[NaN]", false),
            (b"{\"a\": -Infinity}", false),
            (b"[-0]", false),
            (b"[-0.0]", true),
            (b"\xef\xbb\xbf[1]", false),
            (b"[\"\xed\xa0\x80\"]", false),
            (b"[\"\xc3\xa9\"]", true),
        ] {
            assert_eq!(Fields::scan(body, &["a"]).unwrap().plain(), plain, "{body:?}");
            assert_eq!(Fields::canonicalize(body, &["a"], usize::MAX).unwrap().1.plain(), plain, "{body:?}");
        }
    }

    #[test]
    fn the_scan_refuses_what_the_parser_refuses() {
        let depth = |n: usize| format!("{{\"data\":{}{}}}", "[".repeat(n), "]".repeat(n));
        for body in ["{\"a\":1,}", "{\"a\" 1}", "{\"data\": [1,]}", "{\"id\": \"\\x\"}", "{} x", "[1] ]", "{\"a\":1"] {
            assert!(Fields::scan(body.as_bytes(), &["id", "data"]).is_err(), "{body}");
            assert!(crate::json::Value::parse(body.as_bytes()).is_err(), "{body}");
        }
        for n in [992, 993, 994] {
            let text = depth(n);
            assert_eq!(
                Fields::scan(text.as_bytes(), &["data"]).is_ok(),
                crate::json::Value::parse(text.as_bytes()).is_ok(),
                "depth {n}"
            );
        }
    }
}
