//! W3C Trace Context (`traceparent`): the trace id a client call starts or a server request
//! joins, and the header that carries it on, with a new parent (span) id per attempt.

/// The header's name.
pub const TRACEPARENT: &str = "traceparent";

/// A trace id: 32 lower-case hex digits, not all zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceId(String);

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn is_nonzero(s: &str) -> bool {
    s.bytes().any(|b| b != b'0')
}

impl TraceId {
    /// A new random trace id.
    #[must_use]
    pub fn new() -> TraceId {
        TraceId(format!("{:032x}", fastrand::u128(1..)))
    }

    /// A trace id written as its hex (as [`TraceId::as_str`] gives it), if it is a valid one.
    #[must_use]
    pub fn from_hex(hex: &str) -> Option<TraceId> {
        (is_hex(hex, 32) && is_nonzero(hex)).then(|| TraceId(hex.to_owned()))
    }

    /// The trace id of a `traceparent` value (`00-<trace id>-<parent id>-<flags>`, or a later
    /// version's, which starts the same way), if it is a valid one.
    #[must_use]
    pub fn from_traceparent(value: &str) -> Option<TraceId> {
        let mut parts = value.split('-');
        let (version, trace, parent, flags) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        // Version 00 has exactly four fields; a later one may add more after the flags.
        let version_ok = is_hex(version, 2) && version != "ff" && (version != "00" || parts.next().is_none());
        (version_ok && is_hex(parent, 16) && is_nonzero(parent) && is_hex(flags, 2))
            .then(|| TraceId::from_hex(trace))
            .flatten()
    }

    /// The trace id's hex.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A `traceparent` in this trace with a new parent id, sampled.
    #[must_use]
    pub fn traceparent(&self) -> String {
        format!("00-{}-{:016x}-01", self.0, fastrand::u64(1..))
    }
}

impl Default for TraceId {
    fn default() -> TraceId {
        TraceId::new()
    }
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
        assert_eq!(TraceId::from_traceparent(&header).as_ref(), Some(&new), "{header}");
        assert_eq!(TraceId::from_hex(new.as_str()).as_ref(), Some(&new));
        assert_eq!(TraceId::from_hex(&"0".repeat(32)), None);
    }
}
