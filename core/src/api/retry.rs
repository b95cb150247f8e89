//! The retry policy: which failures are retried, and how long to wait before the next try.

use std::time::{Duration, SystemTime};

/// How an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The connection could not be made: nothing was sent.
    Connect,
    /// The request may have reached the server (a timeout, a broken connection).
    AfterSend,
    /// The server answered with this status.
    Status(u16),
}

/// Whether a failed attempt may be tried again. Reads and keyed writes are retried on every
/// transient failure; other writes only when nothing was sent, or when the server said it did
/// nothing (429, 503).
pub(crate) fn retryable(idempotent: bool, failure: Failure) -> bool {
    match failure {
        Failure::Connect | Failure::Status(429 | 503) => true,
        Failure::AfterSend => idempotent,
        Failure::Status(status) => idempotent && (status == 408 || (500..=599).contains(&status)),
    }
}

/// A `Retry-After` value (delay-seconds, possibly fractional, or an HTTP date), as a delay from
/// `now`. Values that are neither, negative or not finite are ignored; huge ones saturate.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The delay before retry number `attempt` (0 = the first retry): the server's `Retry-After`
/// when given, else exponential backoff with full jitter; both capped at `max`.
pub(crate) fn delay(attempt: u32, retry_after: Option<Duration>, initial: Duration, max: Duration) -> Duration {
    if let Some(wait) = retry_after {
        return wait.min(max);
    }
    let ceiling = initial.saturating_mul(1u32 << attempt.min(20)).min(max);
    ceiling.mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_without_a_key_are_retried_only_when_nothing_was_done() {
        for failure in [Failure::Connect, Failure::Status(429), Failure::Status(503)] {
            assert!(retryable(false, failure), "{failure:?}");
        }
        for failure in [Failure::AfterSend, Failure::Status(500), Failure::Status(502), Failure::Status(408)] {
            assert!(!retryable(false, failure), "{failure:?}");
            assert!(retryable(true, failure), "{failure:?}");
        }
        for status in [400, 401, 404, 409, 422] {
            assert!(!retryable(true, Failure::Status(status)), "{status}");
        }
    }

    #[test]
    fn retry_after_takes_seconds_and_dates_and_never_panics() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0.5 ", now), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("1e20", now), Some(Duration::MAX));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(3));
        assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), Some(Duration::ZERO));
        for junk in ["-1", "NaN", "inf", "soon", "", "1e400"] {
            assert_eq!(parse_retry_after(junk, now), None, "{junk}");
        }
        assert_eq!(
            delay(0, Some(Duration::MAX), Duration::from_millis(1), Duration::from_secs(8)),
            Duration::from_secs(8)
        );
        for attempt in [0, 5, 31, u32::MAX] {
            assert!(delay(attempt, None, Duration::from_millis(500), Duration::from_secs(8)) <= Duration::from_secs(8));
        }
    }
}
