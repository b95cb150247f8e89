//! Keys and MACs: a keyed HMAC state prepared once per secret and cloned per message.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use hmac::{Hmac, Mac as _};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

use super::error::{Error, ErrorKind};
use super::scheme::{Algorithm, SecretEncoding};

/// Base64 that accepts a secret with or without its padding.
const SECRET_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An HMAC state with the key already absorbed.
#[derive(Clone)]
pub(crate) enum Keyed {
    Sha256(Hmac<Sha256>),
    Sha512(Hmac<Sha512>),
    Sha1(Hmac<Sha1>),
}

/// At most 64 bytes (SHA-512).
pub(crate) struct Tag {
    bytes: [u8; 64],
    len: usize,
}

impl Tag {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Lower-case hex of the tag, written into `buf`.
    pub(crate) fn hex<'b>(&self, buf: &'b mut [u8; 128]) -> &'b [u8] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for (i, b) in self.as_bytes().iter().enumerate() {
            buf[2 * i] = HEX[usize::from(b >> 4)];
            buf[2 * i + 1] = HEX[usize::from(b & 0xF)];
        }
        &buf[..2 * self.len]
    }

    /// Lower-case hex of the tag.
    pub(crate) fn to_hex(&self) -> String {
        let mut buf = [0u8; 128];
        String::from_utf8_lossy(self.hex(&mut buf)).into_owned()
    }
}

impl Keyed {
    /// Turns one secret into a keyed state.
    pub(crate) fn new(algorithm: Algorithm, encoding: SecretEncoding, secret: &str) -> Result<Keyed, Error> {
        if secret.trim().is_empty() {
            return Err(Error::new(ErrorKind::InvalidSecret, "the secret is empty"));
        }
        let decoded;
        let key: &[u8] = match encoding {
            SecretEncoding::Utf8 => secret.as_bytes(),
            SecretEncoding::WhsecBase64 => {
                let b64 = secret.strip_prefix("whsec_").unwrap_or(secret);
                decoded = SECRET_BASE64.decode(b64).map_err(|_| {
                    Error::new(ErrorKind::InvalidSecret, "the secret is not base64 after its \"whsec_\" prefix")
                })?;
                if decoded.is_empty() {
                    return Err(Error::new(ErrorKind::InvalidSecret, "the secret decodes to no bytes"));
                }
                &decoded
            }
        };
        // HMAC takes keys of any length, so these constructors cannot fail.
        let invalid = |_| Error::new(ErrorKind::InvalidSecret, "the secret cannot be used as an HMAC key");
        Ok(match algorithm {
            Algorithm::HmacSha256 => Keyed::Sha256(Hmac::new_from_slice(key).map_err(invalid)?),
            Algorithm::HmacSha512 => Keyed::Sha512(Hmac::new_from_slice(key).map_err(invalid)?),
            Algorithm::HmacSha1 => Keyed::Sha1(Hmac::new_from_slice(key).map_err(invalid)?),
        })
    }

    /// The MAC over the concatenation of `parts`.
    pub(crate) fn tag(&self, parts: &[&[u8]]) -> Tag {
        fn run<M: hmac::Mac + Clone>(state: &M, parts: &[&[u8]]) -> Tag {
            let mut mac = state.clone();
            for part in parts {
                mac.update(part);
            }
            let out = mac.finalize().into_bytes();
            let mut tag = Tag { bytes: [0; 64], len: out.len() };
            tag.bytes[..out.len()].copy_from_slice(&out);
            tag
        }
        match self {
            Keyed::Sha256(m) => run(m, parts),
            Keyed::Sha512(m) => run(m, parts),
            Keyed::Sha1(m) => run(m, parts),
        }
    }
}
