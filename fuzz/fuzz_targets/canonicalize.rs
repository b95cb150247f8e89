//! Any bytes: canonicalize must not panic, and what it accepts must be a fixed point.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(canonical) = hookwise::canonicalize(data) {
        assert_eq!(hookwise::canonicalize(&canonical).as_ref(), Ok(&canonical));
        assert!(canonical.is_ascii());
        let _ = hookwise::json::Value::parse(data).expect("parse agrees with canonicalize");
    }
});
