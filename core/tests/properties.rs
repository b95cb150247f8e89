//! Property tests: no input panics, canonical JSON is a fixed point that means the same value,
//! and every preset verifies what it signs and refuses any change.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use hookwise::webhook::presets;
use hookwise::{canonicalize, Webhook};
use proptest::prelude::*;

/// Arbitrary JSON documents (`serde_json`'s model: finite floats, i64 integers, any strings).
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
        ".*".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(".*", inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Floats as JSON writes them, short ones (the fast path) and long ones, read to the same
    /// double, sign of zero included, as Rust's own correctly rounded parser reads them.
    #[test]
    fn floats_read_as_a_correctly_rounded_parser_reads_them(text in r"-?(0|[1-9][0-9]{0,17})\.[0-9]{1,18}([eE][+-]?[0-9]{1,3})?") {
        let expected: f64 = text.parse().unwrap();
        prop_assert_eq!(hookwise::json::float_value(text.as_bytes()).to_bits(), expected.to_bits(), "{}", text);
    }

    /// Integers of up to 18 digits read as Rust reads them; longer ones are left to the caller.
    #[test]
    fn small_integers_read_as_rust_reads_them(text in r"-?(0|[1-9][0-9]{0,19})") {
        let digits = text.trim_start_matches('-').len();
        let expected = (digits <= 18).then(|| text.parse::<i64>().unwrap());
        prop_assert_eq!(hookwise::json::small_int_value(text.as_bytes()), expected, "{}", text);
    }

    #[test]
    fn canonicalize_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = canonicalize(&bytes);
    }

    #[test]
    fn canonicalize_never_panics_on_jsonish_text(text in r#"[\[\]{}",:0-9eE.+\-a-z\\ \t\n]{0,64}"#) {
        let _ = canonicalize(text.as_bytes());
    }

    #[test]
    fn canonical_form_is_a_fixed_point_with_the_same_meaning(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) }.unwrap();
        let canonical = canonicalize(text.as_bytes()).unwrap();
        prop_assert_eq!(&canonicalize(&canonical).unwrap(), &canonical);
        let reparsed: serde_json::Value = serde_json::from_slice(&canonical).unwrap();
        prop_assert_eq!(reparsed, value);
        prop_assert!(canonical.is_ascii());
    }

    #[test]
    fn every_preset_verifies_what_it_signs_and_refuses_a_changed_body(
        value in json_value(),
        secret in "[!-~][ -~]{0,39}", // whitespace-only secrets are refused by design (invalid_secret)
        flip in any::<prop::sample::Index>(),
    ) {
        let body = serde_json::to_vec(&value).unwrap();
        let now = 1_700_000_000;
        for scheme in presets() {
            let secret = if scheme.name == "standard" { format!("whsec_{}", base64_of(&secret)) } else { secret.clone() };
            let hook = Webhook::new(scheme.clone(), [&secret]).unwrap();
            let headers = hook.sign(&body, Some("msg_prop"), Some(now)).unwrap();
            let event = hook.verify_at(&body, &headers, now);
            prop_assert!(event.is_ok(), "{}: {:?}", scheme.name, event);
            let mut changed = body.clone();
            let i = flip.index(changed.len());
            changed[i] ^= 0x20;
            if canonicalize(&changed).ok() != canonicalize(&body).ok() || scheme.signed_content != hookwise::webhook::SignedContent::CanonicalJson {
                prop_assert!(hook.verify_at(&changed, &headers, now).is_err(), "{} accepted a changed body", scheme.name);
            }
        }
    }

    #[test]
    fn verify_never_panics_on_arbitrary_headers(value in ".{0,200}", body in prop::collection::vec(any::<u8>(), 0..64), ts in ".{0,24}") {
        for scheme in presets() {
            let hook = Webhook::from_preset(&scheme.name, ["whsec_c2VjcmV0"]).unwrap();
            let headers = [
                (scheme.signature_header.as_str(), value.as_str()),
                ("webhook-id", "msg_1"),
                ("webhook-timestamp", ts.as_str()),
                ("X-Slack-Request-Timestamp", ts.as_str()),
            ];
            let _ = hook.verify_at(&body, &headers, 1_700_000_000);
        }
    }
}

fn base64_of(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}
