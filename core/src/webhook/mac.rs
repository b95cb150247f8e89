//! Keys and MACs: a keyed HMAC state prepared once per secret and cloned per message.

use hmac::{Hmac, Mac as _};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

use super::error::{Error, ErrorKind};
use super::scheme::{Algorithm, SecretEncoding};

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
        let out = &mut buf[..2 * self.len];
        // The buffer holds two digits per byte of the longest tag, so this cannot fail.
        hex::encode_to_slice(self.as_bytes(), out).unwrap_or_else(|_| unreachable!());
        out
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
        let key = encoding.key(secret)?;
        // HMAC takes keys of any length, so these constructors cannot fail.
        let invalid = |_| Error::new(ErrorKind::InvalidSecret, "the secret cannot be used as an HMAC key");
        Ok(match algorithm {
            Algorithm::HmacSha256 => Keyed::Sha256(Hmac::new_from_slice(&key).map_err(invalid)?),
            Algorithm::HmacSha512 => Keyed::Sha512(Hmac::new_from_slice(&key).map_err(invalid)?),
            Algorithm::HmacSha1 => Keyed::Sha1(Hmac::new_from_slice(&key).map_err(invalid)?),
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
