//! Any body with a valid signature for every preset: verify must accept exactly the bodies
//! CPython's json accepts, and never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let now = 1_700_000_000;
    let parses = hookwise::json::Value::parse(body).is_ok();
    for scheme in hookwise::webhook::presets() {
        let hook = hookwise::Webhook::from_preset(&scheme.name, ["whsec_c2VjcmV0"]).expect("preset");
        match hook.sign(body, Some("msg_fuzz"), Some(now)) {
            Ok(headers) => assert_eq!(hook.verify_at(body, &headers, now).is_ok(), parses, "{}", scheme.name),
            Err(e) => assert_eq!(e.code(), "invalid_json"),
        }
    }
});
