//! The dashboard's login sessions: a random id in a cookie, kept in memory (a restart logs
//! everyone out) with the API key it was opened with and a CSRF token of its own, until it
//! expires. The map is keyed by the SHA-256 of the id, so looking an id up takes no time that
//! depends on how much of a guess matches a real one.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap};
use sha2::{Digest as _, Sha256};

use crate::secrets;

/// The session cookie's name.
pub(super) const COOKIE: &str = "hookwise_session";
/// The cookie of the log-in form's token.
pub(super) const LOGIN_COOKIE: &str = "hookwise_login";
/// How long a session lasts after its login.
pub(super) const LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);
/// How long a log-in form may be left open before it is posted.
pub(super) const LOGIN_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// The most sessions kept at once: past it, a log-in ends the session closest to its expiry.
const MAX_SESSIONS: usize = 10_000;

/// An open session: whose it is and the token its forms carry. No `Debug`: it holds a key.
#[derive(Clone)]
pub(super) struct Session {
    /// The API key the dashboard calls the API with for this session.
    pub(super) api_key: String,
    /// The CSRF token every form of this session posts back.
    pub(super) csrf: String,
    /// The cookie's value (the session id), to end it.
    pub(super) id: String,
}

struct Entry {
    session: Session,
    expires: Instant,
}

/// Every open session.
#[derive(Default)]
pub(super) struct Sessions(Mutex<HashMap<[u8; 32], Entry>>);

/// 32 bytes from the OS's CSPRNG, as hex.
fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

fn digest(id: &str) -> [u8; 32] {
    Sha256::digest(id.as_bytes()).into()
}

impl Sessions {
    /// Opens a session for `api_key` (dropping the expired ones).
    ///
    /// # Errors
    /// When the OS has no randomness to give.
    pub(super) fn open(&self, api_key: String) -> Result<Session, getrandom::Error> {
        let session = Session { api_key, csrf: random_token()?, id: random_token()? };
        let now = Instant::now();
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.retain(|_, entry| entry.expires > now);
        if map.len() >= MAX_SESSIONS {
            if let Some(oldest) = map.iter().min_by_key(|(_, entry)| entry.expires).map(|(id, _)| *id) {
                map.remove(&oldest);
            }
        }
        map.insert(digest(&session.id), Entry { session: session.clone(), expires: now + LIFETIME });
        Ok(session)
    }

    /// The unexpired session whose id the request's cookie carries.
    pub(super) fn find(&self, headers: &HeaderMap) -> Option<Session> {
        let id = cookie(headers, COOKIE)?;
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = digest(id);
        match map.get(&key) {
            Some(entry) if entry.expires > Instant::now() => Some(entry.session.clone()),
            Some(_) => {
                map.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Ends the session `id`.
    pub(super) fn close(&self, id: &str) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&digest(id));
    }
}

impl Session {
    /// Whether `token` is this session's CSRF token (in constant time).
    pub(super) fn csrf_matches(&self, token: &str) -> bool {
        secrets::equal(self.csrf.as_bytes(), token.as_bytes())
    }
}

/// The value of the request's cookie `name`, if it has the form of a token (64 hex digits).
pub(super) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value of cookie `name` (an empty `value` and no `lifetime` remove it). Never
/// `Secure`: `hookwise serve` speaks plain HTTP (on loopback by default), where a browser would
/// not send a `Secure` cookie back. `HttpOnly` keeps it from scripts, `SameSite=Strict` from
/// requests that other sites start, and the path from every route but the dashboard's.
pub(super) fn set_cookie(name: &str, value: &str, lifetime: Duration) -> String {
    format!("{name}={value}; HttpOnly; SameSite=Strict; Path=/dashboard; Max-Age={}", lifetime.as_secs())
}

/// A token for the log-in form and its cookie (double submit): a log-in posted by another site
/// carries neither, so no one can log a browser in with their own key.
///
/// # Errors
/// When the OS has no randomness to give.
pub(super) fn login_token() -> Result<String, getrandom::Error> {
    random_token()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

    use axum::http::HeaderValue;

    use super::*;

    fn with_cookie(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn a_session_is_found_by_its_cookie_only() {
        let sessions = Sessions::default();
        let session = sessions.open("hw_key".to_owned()).unwrap();
        assert_eq!(session.id.len(), 64);
        assert_ne!(session.id, session.csrf);
        let found = sessions.find(&with_cookie(&format!("other=1; {COOKIE}={}", session.id))).unwrap();
        assert_eq!(found.api_key, "hw_key");
        assert!(found.csrf_matches(&session.csrf));
        assert!(!found.csrf_matches(""));
        assert!(!found.csrf_matches(&session.csrf[1..]));
        for bad in [
            "",
            "hookwise_session",
            "hookwise_session=",
            "hookwise_session=zz",
            &format!("{COOKIE}={}", "0".repeat(64)),
        ] {
            assert!(sessions.find(&with_cookie(bad)).is_none(), "{bad:?}");
        }
        sessions.close(&session.id);
        assert!(sessions.find(&with_cookie(&format!("{COOKIE}={}", session.id))).is_none());
    }

    #[test]
    fn an_expired_session_is_gone() {
        let sessions = Sessions::default();
        let session = sessions.open("hw_key".to_owned()).unwrap();
        sessions.0.lock().unwrap().values_mut().for_each(|e| e.expires = Instant::now());
        assert!(sessions.find(&with_cookie(&format!("{COOKIE}={}", session.id))).is_none());
        assert!(sessions.0.lock().unwrap().is_empty());
    }
}
