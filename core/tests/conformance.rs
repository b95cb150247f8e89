//! Runs every case of the shared conformance suite (`tests/conformance/`) through the core.
//! A case listed in `tests/conformance/xfail/rust.txt` must fail; if it passes, the run fails.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use hookwise::{canonicalize, Scheme, Webhook};
use serde_json::Value as Json;

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).expect("vector base64")
}

fn load(path: &Path) -> Vec<Json> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str::<Vec<Json>>(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn xfail() -> BTreeSet<String> {
    std::fs::read_to_string(suite().join("xfail/rust.txt"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

fn signature_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(suite().join("vectors/signatures"))
        .expect("vectors/signatures")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The headers as an `http::HeaderMap`, in order (a repeated name keeps every value); `None`
/// when one cannot travel over HTTP (a line feed in a value), so no server would hand it over.
#[cfg(feature = "http")]
fn header_map(headers: &[(String, String)]) -> Option<http::HeaderMap> {
    let mut map = http::HeaderMap::new();
    for (name, value) in headers {
        let name = http::HeaderName::from_bytes(name.as_bytes()).ok()?;
        map.append(name, http::HeaderValue::from_bytes(value.as_bytes()).ok()?);
    }
    Some(map)
}

/// Runs one signature case; `Err` says how the outcome differs from the expectation.
fn run_signature_case(case: &Json) -> Result<(), String> {
    let secrets: Vec<String> =
        case["secrets"].as_array().expect("secrets").iter().map(|s| s.as_str().expect("secret").to_owned()).collect();
    let headers: Vec<(String, String)> = case["headers"]
        .as_object()
        .expect("headers")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("header value").to_owned()))
        .collect();
    let body = b64(case["body_b64"].as_str().expect("body_b64"));
    let now = case["now"].as_i64().expect("now");
    let outcome = (|| {
        let scheme = match &case["scheme"] {
            Json::String(name) => hookwise::webhook::preset(name)?.clone(),
            object => Scheme::from_json(&object.to_string())?,
        };
        let mut hook = Webhook::new(scheme, &secrets)?;
        if let Some(t) = case["tolerance"].as_u64() {
            hook = hook.with_tolerance(t);
        }
        if let Some(m) = case["max_payload_bytes"].as_u64() {
            hook = hook.with_max_payload_bytes(usize::try_from(m).expect("limit"));
        }
        let outcome = hook.verify_at(&body, &headers, now);
        // Bindings convert only the headers the scheme names: that must change nothing.
        let read = hook.scheme().header_names();
        let only_read: Vec<_> =
            headers.iter().filter(|(k, _)| read.contains(&k.to_ascii_lowercase())).cloned().collect();
        assert_eq!(
            hook.verify_at(&body, &only_read, now),
            outcome,
            "{}: Scheme::header_names leaves out a header verification reads",
            case["id"]
        );
        // axum and hyper users pass `req.headers()`: the same outcome through `http::HeaderMap`.
        #[cfg(feature = "http")]
        if let Some(map) = header_map(&headers) {
            assert_eq!(hook.verify_at(&body, &map, now), outcome, "{}: through http::HeaderMap", case["id"]);
        }
        outcome
    })();
    let expect = &case["expect"];
    match (outcome, expect["ok"].as_bool().expect("expect.ok")) {
        (Ok(event), true) => {
            let got = serde_json::to_value(&event).expect("event serializes");
            if got == expect["event"] {
                Ok(())
            } else {
                Err(format!("event differs:\n  got      {got}\n  expected {}", expect["event"]))
            }
        }
        (Ok(_), false) => Err(format!("accepted, expected {}", expect["error"])),
        (Err(e), true) => Err(format!("refused with {}: {}", e.code(), e.message())),
        (Err(e), false) if expect["error"] == e.code() => Ok(()),
        (Err(e), false) => Err(format!("refused with {} ({}), expected {}", e.code(), e.message(), expect["error"])),
    }
}

fn run_canonical_case(case: &Json) -> Result<(), String> {
    let input = b64(case["input_b64"].as_str().expect("input_b64"));
    let expect = &case["expect"];
    // A raw-body scheme validates with the tree-free scan: it must accept exactly what CPython does.
    let hook = Webhook::from_preset("github", ["k"]).expect("preset");
    let headers = hook.sign(&input, None, None).expect("raw-body signing never parses");
    match (hook.verify(&input, &headers), expect["ok"].as_bool().expect("expect.ok")) {
        (Ok(_), false) => return Err("verification's scan accepts it, CPython refuses it".into()),
        (Err(e), true) => return Err(format!("verification's scan refuses it ({}), CPython accepts it", e.message())),
        _ => {}
    }
    match (canonicalize(&input), expect["ok"].as_bool().expect("expect.ok")) {
        (Ok(out), true) => {
            let want = b64(expect["canonical_b64"].as_str().expect("canonical_b64"));
            if out != want {
                return Err(format!(
                    "got {:?}, expected {:?}",
                    String::from_utf8_lossy(&out),
                    String::from_utf8_lossy(&want)
                ));
            }
            // CPython's canonical form, given back: read as it stands (the sender's usual case).
            match canonicalize(&want) {
                Ok(again) if again == want => Ok(()),
                again => Err(format!("CPython's canonical form canonicalizes to {again:?}")),
            }
        }
        (Ok(out), false) => Err(format!("accepted as {:?}, CPython refuses it", String::from_utf8_lossy(&out))),
        (Err(e), true) => Err(format!("refused ({e}), CPython accepts it")),
        (Err(_), false) => Ok(()),
    }
}

/// Runs cases, honouring the xfail list, and panics with every discrepancy.
fn check(cases: &[Json], run: fn(&Json) -> Result<(), String>) -> usize {
    let xfail = xfail();
    let mut problems = Vec::new();
    for case in cases {
        let id = case["id"].as_str().expect("id");
        match (run(case), xfail.contains(id)) {
            (Ok(()), false) | (Err(_), true) => {}
            (Ok(()), true) => problems.push(format!("{id}: listed in xfail/rust.txt but passes; remove it")),
            (Err(why), false) => problems.push(format!("{id} ({}): {why}", case["name"].as_str().unwrap_or(""))),
        }
    }
    assert!(problems.is_empty(), "{} of {} cases failed:\n{}", problems.len(), cases.len(), problems.join("\n"));
    cases.len()
}

#[test]
fn signature_vectors() {
    let cases: Vec<Json> = signature_files().iter().flat_map(|f| load(f)).collect();
    assert!(check(&cases, run_signature_case) > 0, "no signature vectors found");
}

#[test]
fn canonical_vectors() {
    let cases = load(&suite().join("vectors/canonical.json"));
    assert!(check(&cases, run_canonical_case) >= 300);
}

#[test]
fn the_suite_covers_every_preset_with_at_least_30_cases_and_ids_are_unique() {
    let mut ids = BTreeSet::new();
    for file in signature_files().iter().chain([suite().join("vectors/canonical.json")].iter()) {
        for case in load(file) {
            let id = case["id"].as_str().expect("id").to_owned();
            assert!(ids.insert(id.clone()), "duplicate case id {id}");
        }
    }
    for scheme in hookwise::webhook::presets() {
        let path = suite().join(format!("vectors/signatures/{}.json", scheme.name));
        let cases = load(&path);
        assert!(cases.len() >= 30, "{}: only {} cases", scheme.name, cases.len());
        assert!(cases.iter().all(|c| c["scheme"] == scheme.name.as_str()));
    }
}
