//! The CLI contract, tested by running the binary: every conformance vector through
//! `hookwise verify` and `hookwise canonicalize`, plus exit codes, stderr and output framing.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::Engine as _;
use serde_json::Value as Json;

fn hookwise(args: &[&str], stdin: &[u8]) -> Output {
    hookwise_with_env(args, stdin, &[])
}

/// Runs hookwise with these environment variables, and without the caller's `HOOKWISE_SECRET`
/// and `HOOKWISE_API_KEY`.
fn hookwise_with_env(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookwise"))
        .args(args)
        .env_remove("HOOKWISE_SECRET")
        .env_remove("HOOKWISE_API_KEY")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hookwise");
    // A usage error exits before reading stdin: the pipe may be closed by then.
    match child.stdin.take().expect("stdin").write_all(stdin) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("write stdin: {e}"),
        _ => {}
    }
    child.wait_with_output().expect("wait")
}

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).expect("base64")
}

fn load(path: &Path) -> Vec<Json> {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read vectors")).expect("parse vectors")
}

fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).lines().next().unwrap_or("").to_owned()
}

#[test]
fn verify_agrees_with_every_signature_vector() {
    let scratch = std::env::temp_dir().join(format!("hookwise-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    let mut checked = 0;
    let mut problems = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(suite().join("vectors/signatures"))
        .expect("vectors")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for file in files {
        for case in load(&file) {
            let id = case["id"].as_str().expect("id");
            let headers = case["headers"].as_object().expect("headers");
            // On the command line, whitespace after `Name:` is syntax, and the CLI has no
            // payload-limit flag: those cases are covered by the library runners.
            if case["max_payload_bytes"].is_u64()
                || headers.values().any(|v| v.as_str().is_some_and(|s| s.starts_with([' ', '\t'])))
            {
                continue;
            }
            let scheme = match &case["scheme"] {
                Json::String(name) => name.clone(),
                object => {
                    let path = scratch.join(format!("{id}.json"));
                    std::fs::write(&path, object.to_string()).expect("write scheme");
                    path.display().to_string()
                }
            };
            let mut args =
                vec!["verify".to_owned(), "--scheme".into(), scheme, "--now".into(), case["now"].to_string()];
            for secret in case["secrets"].as_array().expect("secrets") {
                args.push(format!("--secret={}", secret.as_str().expect("secret")));
            }
            for (name, value) in headers {
                args.push(format!("--header={name}: {}", value.as_str().expect("value")));
            }
            if let Some(t) = case["tolerance"].as_u64() {
                args.push(format!("--tolerance={t}"));
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = hookwise(&args, &b64(case["body_b64"].as_str().expect("body")));
            let expect = &case["expect"];
            let verdict = if expect["ok"] == true {
                let event: Option<Json> = serde_json::from_slice(&out.stdout).ok();
                (out.status.code() == Some(0) && event.as_ref() == Some(&expect["event"])).then_some(()).ok_or_else(
                    || format!("exit {:?}, stdout {}", out.status.code(), String::from_utf8_lossy(&out.stdout)),
                )
            } else {
                let want = format!("{}: ", expect["error"].as_str().expect("error"));
                let line = first_line(&out.stderr);
                (out.status.code() == Some(1) && line.starts_with(&want) && out.stdout.is_empty())
                    .then_some(())
                    .ok_or_else(|| format!("exit {:?}, stderr {line:?}, expected {want:?}", out.status.code()))
            };
            if let Err(why) = verdict {
                problems.push(format!("{id}: {why}"));
            }
            checked += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(problems.is_empty(), "{} CLI disagreements:\n{}", problems.len(), problems.join("\n"));
    assert!(checked > 300, "only {checked} vectors checked");
}

#[test]
fn canonicalize_agrees_with_every_canonical_vector_and_prints_no_newline() {
    let cases = load(&suite().join("vectors/canonical.json"));
    for case in &cases {
        let out = hookwise(&["canonicalize"], &b64(case["input_b64"].as_str().expect("input")));
        let id = &case["id"];
        if case["expect"]["ok"] == true {
            assert_eq!(out.status.code(), Some(0), "{id}");
            assert_eq!(out.stdout, b64(case["expect"]["canonical_b64"].as_str().expect("output")), "{id}");
        } else {
            assert_eq!(out.status.code(), Some(1), "{id}");
            assert!(first_line(&out.stderr).starts_with("invalid_json: "), "{id}");
            assert!(out.stdout.is_empty(), "{id}");
        }
    }
}

#[test]
fn sign_prints_headers_that_verify_accepts() {
    let body = br#"{"id":"evt_1","type":"job.succeeded","data":{"job":{"id":"j1"}}}"#;
    for preset in
        ["argus", "auggie", "asg", "gabinete360", "argyle", "standard", "stripe", "github", "shopify", "slack"]
    {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let signed = hookwise(
            &["sign", "--scheme", preset, "--secret", secret, "--id", "msg_1", "--timestamp", "1700000000"],
            body,
        );
        assert_eq!(signed.status.code(), Some(0), "{preset}");
        let text = String::from_utf8(signed.stdout).expect("utf8");
        let mut args = vec![
            "verify".to_owned(),
            "--scheme".into(),
            preset.into(),
            "--secret".into(),
            secret.into(),
            "--now=1700000100".into(),
        ];
        for line in text.lines() {
            assert!(line.contains(": "), "{preset}: header line {line:?}");
            args.push(format!("--header={line}"));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let verified = hookwise(&args, body);
        assert_eq!(verified.status.code(), Some(0), "{preset}: {}", String::from_utf8_lossy(&verified.stderr));
        let event: Json = serde_json::from_slice(&verified.stdout).expect("event JSON");
        assert_eq!(event["scheme"], preset);
        assert_eq!(event["payload"]["type"], "job.succeeded");
        // Tampered body: refused with the stable code on stderr's first line.
        let tampered = hookwise(&args, &body[..body.len() - 2]);
        assert_eq!(tampered.status.code(), Some(1), "{preset}");
        let line = first_line(&tampered.stderr);
        assert!(line.starts_with("signature_mismatch: ") || line.starts_with("invalid_json: "), "{preset}: {line}");
    }
}

#[test]
fn errors_never_print_the_secret_or_the_expected_signature() {
    let body = br#"{"a":1}"#;
    let secret = "super-secret-value-123";
    let good = hookwise(&["sign", "--scheme", "github", "--secret", secret], body);
    let good = String::from_utf8(good.stdout).expect("utf8");
    let expected_hex = good.trim().rsplit('=').next().expect("hex").to_owned();
    let bad = hookwise(
        &[
            "verify",
            "--scheme",
            "github",
            "--secret",
            secret,
            "--header",
            &format!("X-Hub-Signature-256: sha256={}", "0".repeat(64)),
        ],
        body,
    );
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.starts_with("signature_mismatch: "), "{stderr}");
    assert!(!stderr.contains(secret) && !stderr.contains(&expected_hex), "{stderr}");
}

#[test]
fn unknown_scheme_missing_secret_and_usage_errors() {
    let out = hookwise(&["verify", "--scheme", "nosuch", "--secret", "s"], b"{}");
    assert_eq!(out.status.code(), Some(1));
    assert!(first_line(&out.stderr).starts_with("unknown_scheme: "));
    let out = hookwise(&["verify", "--scheme", "github"], b"{}");
    assert_eq!(out.status.code(), Some(1));
    assert!(first_line(&out.stderr).starts_with("invalid_secret: "));
    let out = hookwise(&["verify", "--scheme", "/nonexistent/scheme.json", "--secret", "s"], b"{}");
    assert!(first_line(&out.stderr).starts_with("unknown_scheme: "));
    let out = hookwise(&["verify", "--scheme", "github", "--secret", "s", "--header", "no-colon"], b"{}");
    assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
}

#[test]
fn presets_lists_all_ten_and_json_round_trips_as_custom_schemes() {
    let out = hookwise(&["presets"], b"");
    let text = String::from_utf8(out.stdout).expect("utf8");
    for name in ["argus", "auggie", "asg", "gabinete360", "argyle", "standard", "stripe", "github", "shopify", "slack"]
    {
        assert!(text.lines().any(|l| l.starts_with(name)), "{name} missing from:\n{text}");
    }
    let json = hookwise(&["presets", "--json"], b"");
    let schemes: Vec<Json> = serde_json::from_slice(&json.stdout).expect("presets JSON");
    assert_eq!(schemes.len(), 10);
    // A preset written to a file works as a custom scheme, byte for byte the same.
    let path = std::env::temp_dir().join(format!("hookwise-slack-{}.json", std::process::id()));
    std::fs::write(&path, schemes[9].to_string()).expect("write");
    let body = br#"{"type":"event_callback"}"#;
    let by_name = hookwise(&["sign", "--scheme", "slack", "--secret", "k", "--timestamp", "1700000000"], body);
    let by_file = hookwise(
        &["sign", "--scheme", path.to_str().expect("path"), "--secret", "k", "--timestamp", "1700000000"],
        body,
    );
    let _ = std::fs::remove_file(&path);
    assert_eq!(by_name.stdout, by_file.stdout);
    assert!(!by_name.stdout.is_empty());
}

#[test]
fn trigger_sends_a_signed_event_that_listen_verifies_and_a_wrong_secret_is_refused() {
    use std::io::{BufRead, BufReader};
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    for scheme in ["standard", "stripe", "github"] {
        let mut listener = Command::new(env!("CARGO_BIN_EXE_hookwise"))
            .args(["listen", "--port", "0", "--scheme", scheme, "--secret", secret])
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn listen");
        let mut lines = BufReader::new(listener.stdout.take().expect("stdout")).lines();
        let first = lines.next().expect("listen line").expect("read");
        let url = first.split(" on ").nth(1).and_then(|s| s.split_whitespace().next()).expect("url").to_owned();
        let good = hookwise(&["trigger", "job.succeeded", "--to", &url, "--scheme", scheme, "--secret", secret], b"");
        let bad =
            hookwise(&["trigger", "job.failed", "--to", &url, "--scheme", scheme, "--secret", "whsec_d3Jvbmc="], b"");
        let mut seen = Vec::new();
        while seen.iter().filter(|l: &&String| l.starts_with('✔') || l.starts_with('✘')).count() < 2 {
            seen.push(lines.next().expect("listen output").expect("read"));
        }
        let _ = listener.kill();
        let _ = listener.wait();
        assert_eq!(good.status.code(), Some(0), "{scheme}: {}", String::from_utf8_lossy(&good.stderr));
        assert_eq!(bad.status.code(), Some(1), "{scheme}: the receiver must refuse a wrong secret");
        assert!(seen.iter().any(|l| l == "✔ verified job.succeeded"), "{scheme}: {seen:?}");
        assert!(seen.iter().any(|l| l.starts_with("✘ refused: signature_mismatch")), "{scheme}: {seen:?}");
    }
}

#[test]
fn profile_check_lists_every_seed_profile_and_refuses_unsupported_constructs() {
    let profiles = Path::new(env!("CARGO_MANIFEST_DIR")).join("../profiles");
    for (name, operation, argument) in [
        ("hookwise", "create_job  POST /v1/jobs", "idempotency_key: string (header)"),
        ("argus", "list_jobs  GET /v1/jobs  [paginates", "status: JobStatus (query)"),
        ("gabinete360", "create_channel  POST /api/v1/channels", "config: "),
        ("argyle", "create_webhook  POST /v1/webhooks", "events: string[] (body, required)"),
        ("auggie", "register_webhook  POST /v1/webhooks/register", "event_types: "),
        ("asg", "delete_webhook  DELETE /v1/webhooks/{webhook_id}", "webhook_id: string (path, required)"),
    ] {
        let file = profiles.join(format!("{name}.yaml"));
        let out = hookwise(&["profile", "check", file.to_str().unwrap()], b"");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.starts_with(&format!("{name} — ")), "{stdout}");
        assert!(stdout.contains(operation) && stdout.contains(argument), "{name}: {stdout}");
    }
    let dir = std::env::temp_dir().join(format!("hookwise-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nx-hookwise: {name: t}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200': {content: {application/json: {schema: {anyOf: [{type: string}, {type: integer}]}}}}\n",
    )
    .unwrap();
    let out = hookwise(&["profile", "check", bad.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        first_line(&out.stderr),
        format!(
            "unsupported_profile: {}: unsupported: #/paths/~1a/get/responses/200/content/application~1json/schema: anyOf (only one schema and {{type: null}})",
            bad.display()
        )
    );
}

#[test]
fn a_huge_or_infinite_wait_timeout_is_no_panic() {
    // Nothing listens on the port: the wait fails with a connection error, whatever the timeout.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    for timeout in ["1e20", "inf", "NaN", "-5"] {
        let out = hookwise(&["jobs", "--base-url", &url, "wait", "job_1", &format!("--timeout={timeout}")], b"");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{timeout}: {stderr}");
        assert!(stderr.lines().any(|l| l.starts_with("connection_error: ")), "{timeout}: {stderr}");
    }
}

/// A file in a fresh temporary dir holding `text`.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hookwise-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn secrets_come_from_a_flag_the_environment_or_a_file_and_help_never_shows_them() {
    let body = br#"{"id":"evt_1","type":"job.succeeded","data":{}}"#;
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let file = temp_file("secret", &format!("{secret}\n"));
    let at_file = format!("@{}", file.display());
    let sign = ["sign", "--scheme", "standard", "--id", "msg_1", "--timestamp", "1700000000"];
    let by_flag = hookwise(&[&sign[..], &["--secret", secret]].concat(), body);
    assert_eq!(by_flag.status.code(), Some(0), "{}", String::from_utf8_lossy(&by_flag.stderr));
    let by_env = hookwise_with_env(&sign, body, &[("HOOKWISE_SECRET", secret)]);
    let by_file = hookwise(&[&sign[..], &["--secret", &at_file]].concat(), body);
    let by_env_file = hookwise_with_env(&sign, body, &[("HOOKWISE_SECRET", &at_file)]);
    for other in [&by_env, &by_file, &by_env_file] {
        assert_eq!(other.stdout, by_flag.stdout, "the same signature: {}", String::from_utf8_lossy(&other.stderr));
    }
    let headers: Vec<String> =
        String::from_utf8(by_flag.stdout).unwrap().lines().map(|l| format!("--header={l}")).collect();
    let mut verify = vec!["verify", "--scheme", "standard", "--now=1700000100"];
    verify.extend(headers.iter().map(String::as_str));
    let verified = hookwise_with_env(&verify, body, &[("HOOKWISE_SECRET", secret)]);
    assert_eq!(verified.status.code(), Some(0), "{}", String::from_utf8_lossy(&verified.stderr));
    let wrong = hookwise_with_env(&verify, body, &[("HOOKWISE_SECRET", "whsec_d3Jvbmc=")]);
    assert!(first_line(&wrong.stderr).starts_with("signature_mismatch: "));
    // A flag wins over the environment.
    let flag_wins =
        hookwise_with_env(&[&verify[..], &["--secret", &at_file]].concat(), body, &[("HOOKWISE_SECRET", "x")]);
    assert_eq!(flag_wins.status.code(), Some(0), "{}", String::from_utf8_lossy(&flag_wins.stderr));

    // A file that cannot be read is a usage error naming the path.
    let missing = hookwise(&["verify", "--scheme", "standard", "--secret", "@/no/such/secret"], body);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/no/such/secret"));

    // --help names the variables, never their values.
    let env = [("HOOKWISE_SECRET", "do-not-show-this-secret"), ("HOOKWISE_API_KEY", "do-not-show-this-key")];
    for command in [
        &["verify", "--help"][..],
        &["sign", "--help"],
        &["listen", "--help"],
        &["jobs", "--help"],
        &["serve", "--help"],
    ] {
        let help = hookwise_with_env(command, b"", &env);
        let text = String::from_utf8_lossy(&help.stdout);
        assert!(text.contains("HOOKWISE_SECRET") || text.contains("HOOKWISE_API_KEY"), "{command:?}: {text}");
        assert!(!text.contains("do-not-show"), "{command:?}: {text}");
    }
    let _ = std::fs::remove_dir_all(file.parent().unwrap());
}

/// Starts `hookwise serve` on a free port with these arguments and environment (and none of the
/// caller's `HOOKWISE_*` keys); returns it and the base URL its first line gives.
fn serve(args: &[&str], data: &Path, env: &[(&str, &str)]) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut server = Command::new(env!("CARGO_BIN_EXE_hookwise"))
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(data)
        .args(args)
        .env_remove("HOOKWISE_API_KEY")
        .env_remove("HOOKWISE_CALLBACK_SECRET")
        .envs(env.iter().copied())
        .env("HOOKWISE_LOG", "off")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Both startup lines are read: the server stops if it cannot write the second one.
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines().map_while(Result::ok);
    let url = lines.next().and_then(|l| Some(l.split("listening on ").nth(1)?.trim().to_owned()));
    assert!(lines.next().is_some_and(|l| l.starts_with("data in ")));
    (server, url.expect("the startup line"))
}

#[test]
fn serve_takes_its_api_keys_from_the_environment_and_refuses_a_chaos_that_is_no_probability() {
    let (one, two) = ("hw_serve_env_key_one", "hw_serve_env_key_two");
    let key_file = temp_file("serve-key", &format!("{two}\n"));
    let data = key_file.parent().unwrap().join("data");
    let keys = format!("{one},@{}", key_file.display());
    let (mut server, url) = serve(&[], &data, &[("HOOKWISE_API_KEY", keys.as_str())]);
    let list = ["jobs", "--base-url", url.as_str(), "list"];
    let answers: Vec<Option<i32>> = [one, two, "hw_test_key"]
        .iter()
        .map(|key| hookwise_with_env(&list, b"", &[("HOOKWISE_API_KEY", key)]).status.code())
        .collect();
    // A second server on the same port cannot start, and its log line says so.
    let port = url.rsplit(':').next().unwrap().trim_end_matches('/');
    let taken = hookwise_with_env(
        &["serve", "--port", port, "--data-dir", data.join("second").to_str().unwrap()],
        b"",
        &[("HOOKWISE_LOG", "info")],
    );
    let _ = server.kill();
    let _ = server.wait();
    // Both keys of the variable are accepted (the second read from its file); the default is not.
    assert_eq!(answers, [Some(0), Some(0), Some(1)]);
    assert_eq!(taken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&taken.stderr).contains("serve_error"), "{taken:?}");
    for chaos in ["1.5", "-0.1", "often"] {
        let refused =
            hookwise(&["serve", "--port", "0", "--data-dir", data.to_str().unwrap(), &format!("--chaos={chaos}")], b"");
        assert_eq!(refused.status.code(), Some(2), "{chaos}");
        assert!(String::from_utf8_lossy(&refused.stderr).contains("probability from 0 to 1"), "{chaos}");
    }
    let _ = std::fs::remove_dir_all(key_file.parent().unwrap());
}

#[test]
fn jobs_take_the_api_key_from_the_environment_or_a_file_never_print_it_and_draw_no_bar_off_a_terminal() {
    let key = "hw_cli_env_key_0123";
    let key_file = temp_file("api-key", &format!("{key}\n"));
    let (mut server, url) =
        serve(&["--api-key", &format!("@{}", key_file.display())], &key_file.parent().unwrap().join("data"), &[]);
    let list = ["jobs", "--base-url", url.as_str(), "list"];
    let by_env = hookwise_with_env(&list, b"", &[("HOOKWISE_API_KEY", key)]);
    let by_file =
        hookwise(&["jobs", "--base-url", &url, "--api-key", &format!("@{}", key_file.display()), "list"], b"");
    let wrong = hookwise_with_env(&list, b"", &[("HOOKWISE_API_KEY", "hw_wrong_key_4567")]);
    let waited = hookwise_with_env(
        &["jobs", "--base-url", &url, "create", "render", "--payload", r#"{"duration_ms": 200}"#, "--wait"],
        b"",
        &[("HOOKWISE_API_KEY", key)],
    );
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(key_file.parent().unwrap());
    assert_eq!(by_env.status.code(), Some(0), "{}", String::from_utf8_lossy(&by_env.stderr));
    assert_eq!(by_file.status.code(), Some(0), "{}", String::from_utf8_lossy(&by_file.stderr));
    assert!(String::from_utf8_lossy(&by_env.stdout).contains("0 of 0 jobs"));
    assert_eq!(wrong.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.starts_with("authentication: ") || stderr.starts_with("unauthorized: "), "{stderr}");
    assert!(!stderr.contains("hw_wrong_key") && !stderr.contains(key), "{stderr}");
    // stderr is a pipe here, not a terminal: the progress bar stays hidden.
    assert_eq!(waited.status.code(), Some(0), "{}", String::from_utf8_lossy(&waited.stderr));
    assert!(String::from_utf8_lossy(&waited.stdout).contains(" succeeded "), "{waited:?}");
    assert!(waited.stderr.is_empty(), "{}", String::from_utf8_lossy(&waited.stderr));
}

#[test]
fn completions_are_printed_for_each_shell() {
    let bash = hookwise(&["completions", "bash"], b"");
    assert_eq!(bash.status.code(), Some(0));
    let script = String::from_utf8(bash.stdout).unwrap();
    assert!(script.contains("complete -F") && script.contains("hookwise"), "{script}");
    for subcommand in ["verify", "jobs", "webhooks", "completions"] {
        assert!(script.contains(subcommand), "{subcommand}");
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = hookwise(&["completions", shell], b"");
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("verify"), "{shell}");
    }
    assert_eq!(hookwise(&["completions", "tcsh"], b"").status.code(), Some(2));
}
