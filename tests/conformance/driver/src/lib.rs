//! The one conformance driver. It owns the replay server, the matching and the xfail lists; a
//! language plugs in through an [`Adapter`] that makes one call per case with its own binding
//! (Rust in-process, every other language as a process speaking JSON lines).

pub mod contract;
pub mod matcher;
pub mod replay;
mod rust;
pub mod scenario;
pub mod server;

use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;

use serde_json::{json, Map, Value};

pub use contract::{Answer, Call, Case, Mode};
use matcher::Matcher;
use replay::{Recorded, Replay};
pub use rust::RustAdapter;

/// One language's way of making a call.
pub trait Adapter {
    /// Makes a contract `call` through the language's `Api`, with `env` set in its environment.
    fn call(&mut self, call: &Call, env: &BTreeMap<String, String>) -> impl Future<Output = Result<Answer, String>>;

    /// Runs a scenario step through the language's `Client` (or verifies a delivery with its
    /// `Webhook`: op `webhook.verify`).
    fn step(&mut self, call: &scenario::StepCall) -> impl Future<Output = Result<Answer, String>>;
}

/// The options every case starts from (`contracts/README.md`).
fn default_options() -> Map<String, Value> {
    let defaults = json!({
        "api_key": "test_key", "max_retries": 2, "timeout_ms": 5000,
        "initial_retry_delay_ms": 1, "max_retry_delay_ms": 2000,
    });
    defaults.as_object().cloned().unwrap_or_default()
}

/// Plays one case through `adapter`.
///
/// # Errors
/// Every way the SDK's requests or its result differ from the case.
pub async fn run_case<A: Adapter>(
    adapter: &mut A,
    replay: &Replay,
    case: &Case,
    profile: &Path,
    env_prefix: &str,
) -> Result<(), String> {
    replay.load(&case.exchanges.iter().map(|e| e.response.clone()).collect::<Vec<_>>());
    let mut options = default_options();
    let mut env = case.env.clone();
    if case.base_url_from_env {
        env.insert(format!("{env_prefix}_BASE_URL"), replay.url.clone());
    } else {
        options.insert("base_url".into(), Value::String(replay.url.clone()));
    }
    for (key, value) in &case.options {
        options.insert(key.clone(), value.clone());
    }
    options.retain(|_, v| !v.is_null());
    let call = Call {
        id: case.id.clone(),
        profile: profile.to_path_buf(),
        op: case.op.clone(),
        mode: case.mode,
        args: match replay.substitute(&Value::Object(case.args.clone())) {
            Value::Object(args) => args,
            _ => Map::new(),
        },
        timeout_ms: case.timeout_ms,
        options,
    };
    let answer = adapter.call(&call, &env).await?;
    let mut matcher = Matcher::new();
    check_requests(&mut matcher, case, &replay.log())?;
    check_answer(&mut matcher, case, &answer)
}

fn check_requests(matcher: &mut Matcher, case: &Case, log: &[Recorded]) -> Result<(), String> {
    for (i, (exchange, seen)) in case.exchanges.iter().zip(log).enumerate() {
        let at = format!("request {}", i + 1);
        let expected = &exchange.request;
        if !seen.method.eq_ignore_ascii_case(&expected.method) || seen.path != expected.path {
            return Err(format!(
                "{at}: expected {} {}, got {} {}",
                expected.method, expected.path, seen.method, seen.path
            ));
        }
        if let Some(query) = &expected.query {
            let mut actual = Map::new();
            for (k, v) in &seen.query {
                match actual.get_mut(k) {
                    Some(Value::Array(items)) => items.push(Value::String(v.clone())),
                    Some(first) => *first = json!([first.clone(), v]),
                    None => {
                        actual.insert(k.clone(), Value::String(v.clone()));
                    }
                }
            }
            matcher.matches_exact(query, Some(&Value::Object(actual)), &format!("{at} query"))?;
        }
        for (name, pattern) in &expected.headers {
            let value =
                seen.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| Value::String(v.clone()));
            matcher.matches(pattern, value.as_ref(), &format!("{at} header {name}"))?;
        }
        if let Some(body) = &expected.body {
            let actual = if seen.body.is_empty() {
                None
            } else {
                Some(
                    serde_json::from_slice::<Value>(&seen.body)
                        .map_err(|e| format!("{at}: the body is not JSON: {e}"))?,
                )
            };
            matcher.matches_exact(body, actual.as_ref(), &format!("{at} body"))?;
        }
        if let (Some(min), Some(gap)) = (exchange.min_delay_ms, seen.gap) {
            if gap.as_millis() < u128::from(min) {
                return Err(format!(
                    "{at}: arrived {} ms after the previous answer, expected at least {min} ms",
                    gap.as_millis()
                ));
            }
        }
        if seen.other_origin {
            // Only a download may go to the other origin; what it must carry is in its headers.
            if case.mode != Mode::Download {
                return Err(format!("{at}: sent to another origin"));
            }
        }
    }
    if log.len() != case.exchanges.len() {
        let extra: Vec<String> =
            log.iter().skip(case.exchanges.len()).map(|r| format!("{} {}", r.method, r.path)).collect();
        return Err(format!(
            "expected {} requests, got {}{}",
            case.exchanges.len(),
            log.len(),
            if extra.is_empty() { String::new() } else { format!(" (extra: {})", extra.join(", ")) }
        ));
    }
    Ok(())
}

fn check_answer(matcher: &mut Matcher, case: &Case, answer: &Answer) -> Result<(), String> {
    let expect = &case.expect;
    if let Some(error) = &expect.error {
        if answer.ok {
            return Err(format!("expected an error, got the result {}", answer.result.clone().unwrap_or_default()));
        }
        return matcher.matches(error, answer.error.as_ref(), "error");
    }
    if !answer.ok {
        return Err(format!("unexpected error {}", answer.error.clone().unwrap_or_default()));
    }
    if let Some(result) = &expect.result {
        matcher.matches(result, answer.result.as_ref(), "result")?;
    }
    if let Some(progress) = &expect.progress {
        let seen = Value::Array(answer.progress.clone().unwrap_or_default());
        matcher.matches(progress, Some(&seen), "progress")?;
    }
    Ok(())
}

/// What a run found: one line per case, and the counts.
#[derive(Debug, Default)]
pub struct Report {
    /// `ok id`, `FAIL id: why`, `xfail id`, …
    pub lines: Vec<String>,
    /// Cases that behaved as expected (xfails that failed included).
    pub passed: usize,
    /// Cases that did not.
    pub failed: usize,
}

impl Report {
    /// The closing line every runner prints.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }

    /// Counts one case, honouring the xfail list: a listed case must fail.
    pub fn record(&mut self, id: &str, name: &str, outcome: Result<(), String>, expected_to_fail: bool, lang: &str) {
        let line = match (outcome, expected_to_fail) {
            (Ok(()), false) => format!("ok    {id}"),
            (Err(why), true) => format!("xfail {id}: {why}"),
            (Ok(()), true) => format!("FAIL  {id}: listed in xfail/{lang}.txt but passes; take it off the list"),
            (Err(why), false) => format!("FAIL  {id} ({name}): {why}"),
        };
        if line.starts_with("FAIL") {
            self.failed += 1;
        } else {
            self.passed += 1;
        }
        self.lines.push(line);
    }
}

/// Plays every case of every contract file through `adapter`, honouring the language's xfail list.
///
/// # Errors
/// When the contracts or a profile cannot be read, or the replay server cannot start.
pub async fn run_all<A: Adapter>(
    adapter: &mut A,
    root: &Path,
    lang: &str,
    only: Option<&str>,
) -> Result<Report, String> {
    let files = contract::load(&root.join("tests/conformance/contracts"))?;
    let xfail = contract::xfail(root, lang);
    let replay = Replay::start().await.map_err(|e| format!("cannot start the replay server: {e}"))?;
    let mut report = Report::default();
    for file in &files {
        let profile = root.join("profiles").join(format!("{}.yaml", file.profile));
        let text = std::fs::read_to_string(&profile).map_err(|e| format!("{}: {e}", profile.display()))?;
        let parsed = hookwise::api::Profile::from_text(&text).map_err(|e| format!("{}: {e}", profile.display()))?;
        for case in &file.cases {
            if only.is_some_and(|o| o != case.id) {
                continue;
            }
            let outcome = run_case(adapter, &replay, case, &profile, &parsed.env_prefix()).await;
            report.record(&case.id, &case.name, outcome, xfail.contains(&case.id), lang);
        }
    }
    Ok(report)
}
