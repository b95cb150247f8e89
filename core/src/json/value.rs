//! [`Value`]: a parsed JSON document as Python's `json.loads` sees it, for an [`Event`]'s payload.
//!
//! [`Event`]: crate::Event

use std::borrow::Cow;
use std::collections::HashMap;
use std::vec::Drain;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::canonical::write_float;
use super::decode::{decode_code_point, float_value, parse_with, Build, Node, SyntaxError};

/// A JSON value. Objects keep document order with Python's duplicate-key rule (the first
/// position, the last value); integers keep every digit.
///
/// Exhaustive on purpose, like `serde_json::Value`: JSON's kinds of value are fixed, and a caller
/// converting one into its language's values is meant to handle every kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number: an integer of any size or a float (`NaN` and infinities included).
    Number(Number),
    /// A string. Lone surrogates, which Rust strings cannot hold, become U+FFFD.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, in document order.
    Object(Vec<(String, Value)>),
}

/// A JSON number as Python reads it. Exhaustive on purpose: Python's `json` reads a number as
/// an `int` or a `float`, nothing else.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    /// An integer, as decimal digits with an optional `-` (any size).
    Int(String),
    /// A float; `NaN`, `Infinity` and `-Infinity` included.
    Float(f64),
}

impl Value {
    /// Parses `input` with exactly the rules of CPython's `json.loads(bytes)`.
    ///
    /// # Errors
    /// [`SyntaxError`] when CPython would refuse the input.
    pub fn parse(input: &[u8]) -> Result<Value, SyntaxError> {
        parse_with(input, &mut Direct)
    }

    /// The member `key` of an object (the last one, like a Python dict).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Compact JSON text (document order, UTF-8, `NaN`/`Infinity` spelled as Python does).
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        self.write_json(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Value::Null => out.extend_from_slice(b"null"),
            Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::Number(Number::Int(digits)) => out.extend_from_slice(digits.as_bytes()),
            Value::Number(Number::Float(x)) => write_float(*x, out),
            Value::String(s) => write_json_str(s, out),
            Value::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write_json(out);
                }
                out.push(b']');
            }
            Value::Object(members) => {
                out.push(b'{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_json_str(key, out);
                    out.push(b':');
                    value.write_json(out);
                }
                out.push(b'}');
            }
        }
    }
}

fn write_json_str(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// Generalized UTF-8 to a Rust string; lone surrogates become U+FFFD.
fn to_string(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => lossy(bytes),
    }
}

/// As [`to_string`], reusing an owned buffer.
fn into_string(bytes: Cow<'_, [u8]>) -> String {
    match bytes {
        Cow::Borrowed(b) => to_string(b),
        Cow::Owned(v) => String::from_utf8(v).unwrap_or_else(|e| lossy(e.as_bytes())),
    }
}

fn lossy(mut b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len());
    while !b.is_empty() {
        let (cp, len) = decode_code_point(b);
        s.push(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER));
        b = &b[len..];
    }
    s
}

/// The value of a scalar.
pub(crate) fn from_node(node: &Node<'_>) -> Value {
    match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(*b),
        Node::NaN => Value::Number(Number::Float(f64::NAN)),
        Node::Infinity => Value::Number(Number::Float(f64::INFINITY)),
        Node::NegInfinity => Value::Number(Number::Float(f64::NEG_INFINITY)),
        Node::Int(digits) => {
            let digits = if *digits == b"-0" { "0" } else { std::str::from_utf8(digits).unwrap_or("0") };
            Value::Number(Number::Int(digits.to_owned()))
        }
        Node::Float(text) => Value::Number(Number::Float(float_value(text))),
        Node::Str(s) => Value::String(to_string(s)),
    }
}

/// Builds [`Value`]s as the parser goes, without an intermediate tree.
struct Direct;

impl<'a> Build<'a> for Direct {
    type Value = Value;
    type Key = String;
    fn scalar(&mut self, node: Node<'_>) -> Value {
        match node {
            Node::Str(s) => Value::String(into_string(s)),
            other => from_node(&other),
        }
    }
    fn key(&mut self, key: Cow<'a, [u8]>) -> String {
        into_string(key)
    }
    fn array(&mut self, items: Drain<'_, Value>) -> Value {
        Value::Array(items.collect())
    }
    fn object(&mut self, members: Drain<'_, (String, Value)>) -> Value {
        Value::Object(dedup(members.collect()))
    }
}

/// Python dict semantics over members in document order: a repeated key keeps its first
/// position and takes the last value. Objects without repeats (nearly all) are kept as they are.
fn dedup(members: Vec<(String, Value)>) -> Vec<(String, Value)> {
    let repeats = if members.len() <= 16 {
        members.iter().enumerate().any(|(i, (k, _))| members[..i].iter().any(|(seen, _)| seen == k))
    } else {
        let mut seen = std::collections::HashSet::with_capacity(members.len());
        !members.iter().all(|(k, _)| seen.insert(k.as_str()))
    };
    if !repeats {
        return members;
    }
    let mut out: Vec<(String, Value)> = Vec::with_capacity(members.len());
    let mut index: HashMap<String, usize> = HashMap::new();
    for (key, value) in members {
        if let Some(&i) = index.get(&key) {
            out[i].1 = value;
        } else {
            index.insert(key.clone(), out.len());
            out.push((key, value));
        }
    }
    out
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Number::Float(x) => serializer.serialize_f64(*x),
            Number::Int(digits) => {
                if let Ok(i) = digits.parse::<i64>() {
                    serializer.serialize_i64(i)
                } else if let Ok(u) = digits.parse::<u64>() {
                    serializer.serialize_u64(u)
                } else {
                    // Beyond 64 bits, serde's data model has no exact integer: the nearest float.
                    serializer.serialize_f64(digits.parse::<f64>().unwrap_or(f64::NAN))
                }
            }
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => n.serialize(serializer),
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}
