//! Any signature header value, for every preset: verification returns an error, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else { return };
    for scheme in hookwise::webhook::presets() {
        let hook = hookwise::Webhook::from_preset(&scheme.name, ["whsec_c2VjcmV0"]).expect("preset");
        let headers = [
            (scheme.signature_header.as_str(), value),
            ("webhook-id", value),
            ("webhook-timestamp", value),
            ("X-Slack-Request-Timestamp", value),
        ];
        let _ = hook.verify_at(br#"{"a":1}"#, &headers, 1_700_000_000);
    }
});
