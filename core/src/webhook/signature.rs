//! Reading a signature header in each format, and comparing in constant time.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::Engine as _;
use subtle::ConstantTimeEq as _;

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
    signatures: Vec<Vec<u8>>,
    compare: Compare,
}

fn is_hex_of(s: &str, mac_len: usize) -> bool {
    s.len() == 2 * mac_len && s.bytes().all(|b| b.is_ascii_hexdigit())
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
    let hex_one = |s: &str, what: &str| {
        if is_hex_of(s, n) {
            Ok(Candidates { timestamp: None, signatures: vec![s.as_bytes().to_vec()], compare: Compare::HexText })
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
            Some(_) => Ok(Candidates {
                timestamp: None,
                signatures: vec![value.as_bytes().to_vec()],
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
                    "v1" => signatures.push(val.as_bytes().to_vec()),
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
                        signatures.push(bytes);
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
        self.signatures.iter().fold(0u8, |found, sig| found | sig.as_slice().ct_eq(expected).unwrap_u8()) == 1
    }
}
