//! Any text as a profile: the loader answers a profile or an error with a stable code and a JSON
//! pointer, and never panics. A profile it accepts is walked as `hookwise profile check` and
//! `hookwise generate` walk it: every operation and argument looked up, every schema resolved,
//! and the generator's SDK model built.
#![no_main]
use hookwise::api::Profile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let profile = match Profile::from_text(text) {
        Ok(profile) => profile,
        Err(e) => {
            assert!(matches!(e.code(), "invalid_profile" | "unsupported_profile"), "{e}");
            assert!(e.pointer().starts_with('#'), "{e}");
            return;
        }
    };
    assert!(!profile.env_prefix().is_empty());
    for op in &profile.operations {
        assert_eq!(profile.operation(&op.id).map(|o| &o.id), Some(&op.id));
        let _ = op.is_idempotent();
        for arg in &op.args {
            assert!(op.arg(&arg.name).is_some(), "{}.{}", op.id, arg.name);
            let _ = profile.resolve(&arg.schema);
        }
        if let Some(response) = &op.response {
            let _ = profile.resolve(response);
        }
    }
    for (name, schema) in &profile.schemas {
        assert!(profile.schema(name).is_some(), "{name}");
        let _ = profile.resolve(schema);
    }
    let _ = hookwise_generate::model::Sdk::of(&profile);
});
