//! Reading a signature header in each format, and comparing in constant time.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use subtle::ConstantTimeEq as _;

use super::error::{Error, ErrorKind};
use super::mac::Tag;
use super::scheme::{Scheme, SignatureFormat};

/// The signatures found in a header, in the form they are compared in.
pub(crate) struct Candidates<'h> {
    /// Stripe's `t=` value, when the format carries one.
    pub(crate) timestamp: Option<&'h str>,
    /// Hex text (compared against lower-case hex) or decoded base64 bytes.
    signatures: Vec<Vec<u8>>,
    hex: bool,
}

fn is_hex_of(s: &str, mac_len: usize) -> bool {
    s.len() == 2 * mac_len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn base64_of(s: &str, mac_len: usize) -> Option<Vec<u8>> {
    STANDARD.decode(s).ok().filter(|b| b.len() == mac_len)
}

/// Splits a header value into candidates, or says why it is malformed.
pub(crate) fn parse<'h>(scheme: &Scheme, value: &'h str) -> Result<Candidates<'h>, Error> {
    let n = scheme.algorithm.mac_len();
    let header = &scheme.signature_header;
    let malformed = |what: String| {
        Err(Error::new(
            ErrorKind::MalformedSignature,
            format!("header {header} {what}"),
        ))
    };
    let hex_one = |s: &str, what: &str| {
        if is_hex_of(s, n) {
            Ok(Candidates {
                timestamp: None,
                signatures: vec![s.as_bytes().to_vec()],
                hex: true,
            })
        } else {
            malformed(format!("is not {what}{} hex digits", 2 * n))
        }
    };
    match scheme.signature_format {
        SignatureFormat::Hex => hex_one(value, ""),
        SignatureFormat::Prefixed => {
            let prefix = scheme.signature_prefix.as_deref().unwrap_or_default();
            match value.strip_prefix(prefix) {
                Some(rest) => hex_one(rest, &format!("{prefix:?} followed by ")),
                None => malformed(format!("does not start with {prefix:?}")),
            }
        }
        SignatureFormat::Base64 => match base64_of(value, n) {
            Some(bytes) => Ok(Candidates {
                timestamp: None,
                signatures: vec![bytes],
                hex: false,
            }),
            None => malformed(format!("is not the base64 of a {n}-byte signature")),
        },
        SignatureFormat::Stripe => {
            let mut timestamp = None;
            let mut signatures = Vec::new();
            for (key, val) in value.split(',').filter_map(|item| item.split_once('=')) {
                match key {
                    "t" if timestamp.is_none() => timestamp = Some(val),
                    "v1" if is_hex_of(val, n) => signatures.push(val.as_bytes().to_vec()),
                    _ => {}
                }
            }
            if signatures.is_empty() {
                return malformed(format!("has no v1={} hex digit signature", 2 * n));
            }
            Ok(Candidates {
                timestamp,
                signatures,
                hex: true,
            })
        }
        SignatureFormat::Standard => {
            let signatures: Vec<Vec<u8>> = value
                .split(' ')
                .filter_map(|entry| entry.split_once(','))
                .filter(|(version, _)| *version == "v1")
                .filter_map(|(_, sig)| base64_of(sig, n))
                .collect();
            if signatures.is_empty() {
                return malformed(format!(
                    "has no \"v1,<base64>\" entry of a {n}-byte signature"
                ));
            }
            Ok(Candidates {
                timestamp: None,
                signatures,
                hex: false,
            })
        }
    }
}

impl Candidates<'_> {
    /// Whether any candidate equals `tag`, compared in constant time.
    pub(crate) fn matches(&self, tag: &Tag) -> bool {
        let mut hex_buf = [0u8; 128];
        let expected = if self.hex {
            tag.hex(&mut hex_buf)
        } else {
            tag.as_bytes()
        };
        // Every candidate is compared, so timing does not reveal which one matched.
        self.signatures.iter().fold(0u8, |found, sig| {
            found | sig.as_slice().ct_eq(expected).unwrap_u8()
        }) == 1
    }
}
