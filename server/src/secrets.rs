//! Secrets and keys: made only by the OS's CSPRNG, compared in constant time, long enough to
//! sign with, and never shown by `Debug` or in messages.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hookwise::Scheme;
use sha2::{Digest as _, Sha256};

use crate::error::{ApiError, ApiResult};

/// The fewest key bytes an endpoint secret may carry.
pub(crate) const MIN_SECRET_BYTES: usize = 16;

/// A fresh `whsec_` secret (base64 of 24 bytes from the OS's CSPRNG), valid for every preset.
///
/// # Errors
/// When the OS has no randomness to give: there is no weaker fallback.
pub(crate) fn new_secret() -> Result<String, getrandom::Error> {
    secret_from(getrandom::fill)
}

fn secret_from(fill: impl FnOnce(&mut [u8]) -> Result<(), getrandom::Error>) -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 24];
    fill(&mut bytes)?;
    Ok(format!("whsec_{}", STANDARD.encode(bytes)))
}

/// Who made a request: the SHA-256 (hex) of the API key it was authenticated with, parsed once by
/// the auth layer. Idempotency keys are scoped by it, and the database keeps it, never the key.
#[derive(Clone)]
pub(crate) struct Caller(pub(crate) String);

impl Caller {
    /// The identity of the API key `key`.
    pub(crate) fn of(key: &str) -> Caller {
        Caller(hex::encode(Sha256::digest(key.as_bytes())))
    }
}

/// The caller whose key is `given`, if it is one of `known`; in time that depends on neither
/// (every key is compared, as SHA-256 digests, so not even the lengths leak).
pub(crate) fn authenticate(known: &[String], given: &str) -> Option<Caller> {
    let digest = Sha256::digest(given.as_bytes());
    let found = known.iter().fold(false, |found, key| found | equal(&Sha256::digest(key.as_bytes()), &digest));
    found.then(|| Caller(hex::encode(digest)))
}

/// `a == b` in time that depends only on the lengths.
pub(crate) fn equal(a: &[u8], b: &[u8]) -> bool {
    constant_time_eq::constant_time_eq(a, b)
}

/// How many key bytes `secret` gives the HMAC of `scheme` (0 when it does not decode).
pub(crate) fn key_bytes(scheme: &Scheme, secret: &str) -> usize {
    scheme.secret_encoding.key(secret).map_or(0, |key| key.len())
}

/// Whether `secret` can sign the deliveries of the scheme named `scheme`: 400 `invalid_request`
/// when it is not in the scheme's secret encoding, 422 `secret_too_short` when it gives fewer
/// than [`MIN_SECRET_BYTES`] key bytes. Messages never include the secret.
pub(crate) fn check(scheme: &str, secret: &str) -> ApiResult<()> {
    let scheme = hookwise::webhook::preset(scheme).map_err(|e| ApiError::internal(e.message()))?;
    hookwise::Webhook::new(scheme.clone(), [secret])
        .map_err(|e| ApiError::invalid(format!("secret cannot sign the {} scheme: {}", scheme.name, e.message())))?;
    let bytes = key_bytes(scheme, secret);
    if bytes < MIN_SECRET_BYTES {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "secret_too_short",
            format!(
                "the secret gives {bytes} key bytes; the {} scheme needs at least {MIN_SECRET_BYTES} \
                 (leave secret out to get a generated one)",
                scheme.name
            ),
        ));
    }
    Ok(())
}

/// What `Debug` shows for a secret.
pub(crate) struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

    use super::*;

    #[test]
    fn no_secret_is_made_when_the_csprng_fails() {
        assert!(secret_from(|_| Err(getrandom::Error::UNSUPPORTED)).is_err(), "no fallback to a weaker generator");
        let made = new_secret().unwrap();
        assert_eq!(key_bytes(hookwise::webhook::preset("standard").unwrap(), &made), 24);
        assert_ne!(made, new_secret().unwrap());
    }

    #[test]
    fn only_a_whole_known_key_matches() {
        let known = vec!["hw_live_key_one".to_owned(), "hw_live_key_two".to_owned()];
        assert!(authenticate(&known, "hw_live_key_one").is_some());
        // The identity is the key's SHA-256 (Python: hashlib.sha256(b"hw_live_key_two").hexdigest()).
        let caller = authenticate(&known, "hw_live_key_two").unwrap();
        assert_eq!(caller.0, "bb537a9bb34f6dc1c415d72494254e3e62156d7d982eb3a3d7d2fd3f04ee5f63");
        assert_eq!(Caller::of("hw_live_key_two").0, caller.0);
        for wrong in ["", "hw_live_key", "hw_live_key_one ", "hw_live_key_onex", "HW_LIVE_KEY_ONE"] {
            assert!(authenticate(&known, wrong).is_none(), "{wrong:?}");
        }
        assert!(authenticate(&[], "").is_none());
    }

    #[test]
    fn a_short_secret_is_refused_with_its_own_code_and_never_echoed() {
        let short = check("standard", "whsec_c2hvcnQtc2VjcmV0").unwrap_err(); // "short-secret": 12 bytes
        let shown = short.into_message();
        assert!(shown.starts_with("secret_too_short:"), "{shown}");
        assert!(!shown.contains("c2hvcnQtc2VjcmV0"), "{shown}");
        assert!(check("standard", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
        assert!(check("github", "fifteen-chars-x").is_err());
        assert!(check("github", "sixteen-chars-ok").is_ok());
        assert!(check("standard", "whsec_!!!").unwrap_err().into_message().starts_with("invalid_request:"));
    }

    #[test]
    fn key_bytes_follow_the_schemes_secret_encoding() {
        let standard = hookwise::webhook::preset("standard").unwrap();
        let github = hookwise::webhook::preset("github").unwrap();
        assert_eq!(key_bytes(standard, "whsec_AAAAAAAAAAAAAAAAAAAAAA"), 16);
        assert_eq!(key_bytes(standard, "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="), 22);
        assert_eq!(key_bytes(standard, "whsec_!!"), 0);
        assert_eq!(key_bytes(github, "sixteen-chars-ok"), 16);
    }
}
