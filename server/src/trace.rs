//! W3C Trace Context (`traceparent`) and the request span. A request that carries a valid
//! `traceparent` joins that trace; any other starts one. The trace id is a field of the request's
//! span (so of every log line inside it), is kept with a job its request creates, and goes on in
//! the `traceparent` of every attempt to deliver that job's event (a new parent id per attempt).

use axum::http::Request;
use tracing::Span;

/// The header's name.
pub(crate) const TRACEPARENT: &str = "traceparent";

/// A trace id: 32 lower-case hex digits, not all zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TraceId(String);

impl TraceId {
    /// A new random trace id.
    pub(crate) fn new() -> TraceId {
        TraceId(format!("{:032x}", fastrand::u128(1..)))
    }

    /// The trace id of a `traceparent` value (`00-<trace id>-<parent id>-<flags>`, or a later
    /// version's, which starts the same way), if it is a valid one.
    pub(crate) fn from_traceparent(value: &str) -> Option<TraceId> {
        let mut parts = value.split('-');
        let (version, trace, parent, flags) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        let nonzero = |s: &str| s.bytes().any(|b| b != b'0');
        // Version 00 has exactly four fields; a later one may add more after the flags.
        let version_ok = hex(version, 2) && version != "ff" && (version != "00" || parts.next().is_none());
        (version_ok && hex(trace, 32) && nonzero(trace) && hex(parent, 16) && nonzero(parent) && hex(flags, 2))
            .then(|| TraceId(trace.to_owned()))
    }

    /// A stored trace id, as it was stored.
    pub(crate) fn stored(id: String) -> TraceId {
        TraceId(id)
    }

    /// The trace id's hex.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// A `traceparent` in this trace with a new parent id, sampled.
    pub(crate) fn traceparent(&self) -> String {
        format!("00-{}-{:016x}-01", self.0, fastrand::u64(1..))
    }
}

/// The span of one request: method, path and the `x-request-id` (set or kept by the request-id
/// layer); `trace_id` (the W3C one, see [`TraceId`]) and `trace` (the answer's `X-Trace-Id`) are
/// filled in by the routes' trace middleware.
pub(crate) fn span<B>(request: &Request<B>) -> Span {
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = request.uri().path(),
        request_id,
        trace_id = tracing::field::Empty,
        trace = tracing::field::Empty,
    )
}

#[cfg(test)]
mod tests {
    use super::TraceId;

    #[test]
    fn only_valid_traceparents_are_joined() {
        let id = "4bf92f3577b34da6a3ce929d0e0e4736";
        for ok in [
            format!("00-{id}-00f067aa0ba902b7-01"),
            format!("00-{id}-00f067aa0ba902b7-00"),
            format!("01-{id}-00f067aa0ba902b7-01-later"),
        ] {
            assert_eq!(TraceId::from_traceparent(&ok).as_ref().map(TraceId::as_str), Some(id), "{ok}");
        }
        for bad in [
            String::new(),
            format!("00-{id}-00f067aa0ba902b7-01-more"),
            format!("ff-{id}-00f067aa0ba902b7-01"),
            format!("00-{}-00f067aa0ba902b7-01", "0".repeat(32)),
            format!("00-{id}-0000000000000000-01"),
            format!("00-{}-00f067aa0ba902b7-01", id.to_uppercase()),
            format!("00-{id}-00f067aa0ba902b7"),
            format!("00-{id}x-00f067aa0ba902b7-01"),
            "00-é-x-01".to_owned(),
        ] {
            assert_eq!(TraceId::from_traceparent(&bad), None, "{bad}");
        }
        let new = TraceId::new();
        let header = new.traceparent();
        assert_eq!(TraceId::from_traceparent(&header), Some(new), "{header}");
    }
}
