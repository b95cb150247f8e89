//! Reading a signature header in each format, and comparing in constant time.

use std::borrow::Cow;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::Engine as _;

use super::error::{Error, ErrorKind};
use super::mac::Tag;
use super::scheme::{Scheme, SignatureFormat};

/// Padded standard base64 that tolerates non-zero trailing bits (as Python's `b64decode` does),
/// so a well-formed but wrong value is a mismatch, not malformed.
const LENIENT_BASE64: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true));

/// The most signatures a header may carry (one per secret during a rotation); more is
/// `malformed_signature`, so a request cannot make the verifier compute and compare without end.
pub(crate) const MAX_CANDIDATES: usize = 32;

/// How candidates are compared, as each provider's reference code compares them.
#[derive(Clone, Copy)]
enum Compare {
    /// As lower-case hex text (`hmac.compare_digest` on hex strings).
    HexText,
    /// As padded base64 text (Shopify compares the base64 strings).
    Base64Text,
    /// As decoded bytes (Standard Webhooks compares the decoded signatures).
    Bytes,
}

/// The signatures found in a header, in the form they are compared in.
pub(crate) struct Candidates<'h> {
    /// Stripe's `t=` value, when the format carries one.
    pub(crate) timestamp: Option<&'h str>,
    /// Borrowed from the header, or decoded from its base64.
    signatures: Vec<Cow<'h, [u8]>>,
    compare: Compare,
}

fn is_hex_of(s: &str, mac_len: usize) -> bool {
    // Every byte looked at (no early exit), which the compiler makes a few vector compares.
    s.len() == 2 * mac_len && s.bytes().fold(true, |hex, b| hex & b.is_ascii_hexdigit())
}

fn base64_of(s: &str, mac_len: usize) -> Option<Vec<u8>> {
    LENIENT_BASE64.decode(s).ok().filter(|b| b.len() == mac_len)
}

/// Splits a header value into candidates, or says why it is malformed.
pub(crate) fn parse<'h>(scheme: &Scheme, value: &'h str) -> Result<Candidates<'h>, Error> {
    let n = scheme.algorithm.mac_len();
    let header = &scheme.signature_header;
    let malformed = |what: String| Err(Error::new(ErrorKind::MalformedSignature, format!("header {header} {what}")));
    let too_many = || malformed(format!("carries more than {MAX_CANDIDATES} signatures"));
    // `prefix`: what must come before the hex digits, named in the error.
    let hex_one = |s: &'h str, prefix: Option<&str>| {
        if is_hex_of(s, n) {
            Ok(Candidates { timestamp: None, signatures: vec![Cow::Borrowed(s.as_bytes())], compare: Compare::HexText })
        } else {
            let what = prefix.map(|p| format!("{p:?} followed by ")).unwrap_or_default();
            malformed(format!("is not {what}{} hex digits", 2 * n))
        }
    };
    match scheme.signature_format {
        SignatureFormat::Hex => hex_one(value, None),
        SignatureFormat::Prefixed => {
            let prefix = scheme.signature_prefix.as_deref().unwrap_or_default();
            match value.strip_prefix(prefix) {
                Some(rest) => hex_one(rest, Some(prefix)),
                None => malformed(format!("does not start with {prefix:?}")),
            }
        }
        SignatureFormat::Base64 => match base64_of(value, n) {
            Some(_) => Ok(Candidates {
                timestamp: None,
                signatures: vec![Cow::Borrowed(value.as_bytes())],
                compare: Compare::Base64Text,
            }),
            None => malformed(format!("is not the base64 of a {n}-byte signature")),
        },
        SignatureFormat::Stripe => {
            let mut timestamp = None;
            let mut signatures = Vec::new();
            for (key, val) in value.split(',').filter_map(|item| item.split_once('=')) {
                match key {
                    "t" if timestamp.is_none() => timestamp = Some(val),
                    // Stripe compares the strings: a v1 that is not hex simply does not match.
                    "v1" if signatures.len() == MAX_CANDIDATES => return too_many(),
                    "v1" => signatures.push(Cow::Borrowed(val.as_bytes())),
                    _ => {}
                }
            }
            if signatures.is_empty() {
                return malformed("has no v1= signature".to_owned());
            }
            Ok(Candidates { timestamp, signatures, compare: Compare::HexText })
        }
        SignatureFormat::Standard => {
            // As the specification says, entries of another version (`v2`, `V1`, `v1a`) are
            // ignored, and a `v1` signature of the wrong length cannot match: such a header is a
            // mismatch. Malformed is a header without any `<version>,<signature>` entry whose `v1`
            // signature is base64.
            let mut well_formed = false;
            let mut signatures = Vec::new();
            let mut v1_entries = 0;
            for (version, sig) in value.split(' ').filter_map(|entry| entry.split_once(',')) {
                if version.is_empty() {
                    continue;
                }
                if version == "v1" {
                    v1_entries += 1;
                    if v1_entries > MAX_CANDIDATES {
                        return too_many();
                    }
                }
                if version != "v1" {
                    well_formed = true;
                } else if let Ok(bytes) = LENIENT_BASE64.decode(sig) {
                    well_formed = true;
                    if bytes.len() == n {
                        signatures.push(Cow::Owned(bytes));
                    }
                }
            }
            if !well_formed {
                return malformed("has no \"<version>,<signature>\" entry (a v1 signature in base64)".to_owned());
            }
            Ok(Candidates { timestamp: None, signatures, compare: Compare::Bytes })
        }
    }
}

impl Candidates<'_> {
    /// Whether any candidate equals `tag`, compared in constant time.
    pub(crate) fn matches(&self, tag: &Tag) -> bool {
        let mut hex_buf = [0u8; 128];
        let mut b64_buf = [0u8; 88];
        let expected = match self.compare {
            Compare::HexText => tag.hex(&mut hex_buf),
            Compare::Base64Text => {
                let n = STANDARD.encode_slice(tag.as_bytes(), &mut b64_buf).unwrap_or(0);
                &b64_buf[..n]
            }
            Compare::Bytes => tag.as_bytes(),
        };
        // Every candidate is compared, so timing does not reveal which one matched.
        self.signatures.iter().fold(false, |found, sig| found | constant_time_eq::constant_time_eq(sig, expected))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Test code: a panic is how a failure is reported.
mod tests {
    use super::parse;
    use crate::webhook::preset;

    /// A hex signature is borrowed from the header as it stands; a malformed one names what was
    /// expected, the prefix included.
    #[test]
    fn hex_signatures_are_read_as_they_stand_and_malformed_ones_say_what_was_expected() {
        let hex = "a".repeat(64);
        let github = preset("github").unwrap();
        assert_eq!(parse(github, &format!("sha256={hex}")).unwrap().signatures, [hex.as_bytes()]);
        let message = |scheme, value: &str| parse(scheme, value).err().unwrap().to_string();
        assert!(message(github, "sha256=zz").contains("is not \"sha256=\" followed by 64 hex digits"));
        assert!(message(github, &hex).contains("does not start with \"sha256=\""));
        let auggie = preset("auggie").unwrap();
        assert!(message(auggie, "zz").contains("X-Auggie-Signature is not 64 hex digits"), "{}", message(auggie, "zz"));
    }
}
