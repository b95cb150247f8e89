//! The dashboard at `/dashboard`, with the server in process on loopback: logging in sets a
//! strict, HTTP-only session cookie; pages without a session redirect to the log-in form; every
//! action needs the session's CSRF token (403 without it); secrets are shown on the rotation's
//! answer only; what a page shows is escaped; bad forms are 4xx, never a crash; an event's
//! attempts (status, latency, error), a resend (to one endpoint, to one registered after the event,
//! to all) and an enable go through the API, and another key's session can neither see nor act on
//! any of it.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use hookwise::Webhook;
use hookwise_server::{serve, Config, DEFAULT_API_KEY};
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{redirect, Client, Response, StatusCode};
use serde_json::{json, Value};

const OTHER_KEY: &str = "hw_other_key_for_the_dashboard";

struct Dash {
    server: hookwise_server::Server,
    base: String,
    http: Client,
}

async fn start(tag: &str) -> Dash {
    start_with(tag, |config| config).await
}

/// A server on loopback with two keys, its config changed by `configure`.
async fn start_with(tag: &str, configure: impl FnOnce(Config) -> Config) -> Dash {
    let dir = std::env::temp_dir().join(format!("hookwise-dash-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = Config {
        data_dir: dir,
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        api_keys: vec![DEFAULT_API_KEY.to_owned(), OTHER_KEY.to_owned()],
        ..Config::default()
    };
    let server = serve(configure(config)).await.unwrap();
    let base = server.base_url();
    // Redirects are what is tested: none is followed.
    let http = Client::builder().redirect(redirect::Policy::none()).build().unwrap();
    Dash { server, base, http }
}

impl Dash {
    /// Registers an endpoint with the API (as `key`); its JSON, secret included.
    async fn register(&self, key: &str, body: &Value) -> Value {
        let response =
            self.http.post(format!("{}/v1/webhooks", self.base)).bearer_auth(key).json(body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// The log-in form's token, and the `Cookie` header value that goes with it.
    async fn login_form(&self) -> (String, String) {
        let response = self.http.get(format!("{}/dashboard/login", self.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = cookie_of(&response, "hookwise_login");
        (csrf(&response.text().await.unwrap()), cookie)
    }

    async fn login(&self, key: &str) -> Response {
        let (token, cookie) = self.login_form().await;
        self.post(&cookie, "/dashboard/login", &[("api_key", key), ("csrf", &token)]).await
    }

    /// Logs in with `key`: the `Cookie` header value of the session.
    async fn session(&self, key: &str) -> String {
        let response = self.login(key).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        cookie_of(&response, "hookwise_session")
    }

    /// `GET path` with the session `cookie`: the status and the page.
    async fn page(&self, cookie: &str, path: &str) -> (StatusCode, String) {
        let response = self.http.get(format!("{}{path}", self.base)).header(COOKIE, cookie).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// `POST path` with the session `cookie` and the form `fields`.
    async fn post(&self, cookie: &str, path: &str, fields: &[(&str, &str)]) -> Response {
        let request = self.http.post(format!("{}{path}", self.base)).header(COOKIE, cookie);
        request.header(CONTENT_TYPE, FORM).body(encoded(fields)).send().await.unwrap()
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

/// `fields` as a form body.
fn encoded(fields: &[(&str, &str)]) -> String {
    let encode = |s| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
    fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

/// `name=value` of the cookie `name` that `response` sets.
fn cookie_of(response: &Response, name: &str) -> String {
    let mut set = response.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap());
    let cookie = set.rfind(|c| c.starts_with(&format!("{name}="))).expect("the cookie");
    cookie.split(';').next().unwrap().to_owned()
}

/// Whether `response` sets a session cookie.
fn opens_a_session(response: &Response) -> bool {
    response.headers().get_all(SET_COOKIE).iter().any(|c| c.to_str().unwrap().starts_with("hookwise_session="))
}

/// The CSRF token of the first form on `page`.
fn csrf(page: &str) -> String {
    let start = page.find(r#"name="csrf" value=""#).expect("a form with a CSRF token") + r#"name="csrf" value=""#.len();
    page[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn without_a_session_every_page_redirects_to_the_log_in_form() {
    let dash = start("redirect").await;
    let bogus = format!("hookwise_session={}", "ab".repeat(32));
    for cookie in
        ["", "hookwise_session=", "hookwise_session=not-hex", bogus.as_str(), "hookwise_session=ab; hookwise_session"]
    {
        for path in ["/dashboard", "/dashboard/events/evt_1"] {
            let response = dash.http.get(format!("{}{path}", dash.base)).header(COOKIE, cookie).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path} {cookie:?}");
            assert_eq!(response.headers()[LOCATION], "/dashboard/login");
        }
        let response = dash.post(cookie, "/dashboard/webhooks/we_1/rotate-secret", &[("csrf", "x")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let (status, page) = dash.page("", "/dashboard/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"name="api_key""#), "{page}");
    dash.server.shutdown().await;
}

#[tokio::test]
async fn logging_in_sets_a_strict_http_only_session_cookie_and_a_wrong_key_gets_the_form_again() {
    let dash = start("login").await;
    for wrong in ["", "hw_not_a_key", "hw_test_key x", &"k".repeat(10_000)] {
        let response = dash.login(wrong).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{:?}", &wrong[..wrong.len().min(20)]);
        assert!(!opens_a_session(&response));
        let page = response.text().await.unwrap();
        assert!(page.contains("That API key is not valid.") && page.contains(r#"name="api_key""#), "{page}");
    }
    let response = dash.login(DEFAULT_API_KEY).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/dashboard");
    let set: Vec<&str> = response.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
    assert!(set.contains(&"hookwise_login=; HttpOnly; SameSite=Strict; Path=/dashboard; Max-Age=0"), "{set:?}");
    let cookie = *set.iter().find(|c| c.starts_with("hookwise_session=")).unwrap();
    let mut parts = cookie.split("; ");
    let (name, id) = parts.next().unwrap().split_once('=').unwrap();
    assert_eq!(name, "hookwise_session");
    assert!(id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    let flags: Vec<&str> = parts.collect();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/dashboard"] {
        assert!(flags.contains(&flag), "{cookie}");
    }
    assert!(!cookie.contains(DEFAULT_API_KEY), "the cookie holds a random id, not the key");
    // Two logins, two sessions.
    assert_ne!(dash.session(DEFAULT_API_KEY).await, format!("hookwise_session={id}"));

    let response = dash.http.get(format!("{}/dashboard", dash.base)).header(COOKIE, format!("hookwise_session={id}"));
    let response = response.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(response.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    let page = response.text().await.unwrap();
    assert!(!page.contains(DEFAULT_API_KEY), "no page shows the key");
    dash.server.shutdown().await;
}

#[tokio::test]
async fn a_log_in_needs_its_forms_token_and_cookie() {
    let dash = start("login-csrf").await;
    let (token, cookie) = dash.login_form().await;
    let (other_token, other_cookie) = dash.login_form().await;
    assert_ne!(token, other_token);
    let key = ("api_key", DEFAULT_API_KEY);
    for (cookie, fields) in [
        ("", vec![key, ("csrf", token.as_str())]),
        (cookie.as_str(), vec![key]),
        (cookie.as_str(), vec![key, ("csrf", other_token.as_str())]),
        (other_cookie.as_str(), vec![key, ("csrf", token.as_str())]),
    ] {
        let response = dash.post(cookie, "/dashboard/login", &fields).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{cookie} {fields:?}");
        assert!(!opens_a_session(&response));
        assert!(response.text().await.unwrap().contains("log in again"));
    }
    let response = dash.post(&cookie, "/dashboard/login", &[key, ("csrf", &token)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    dash.server.shutdown().await;
}

#[tokio::test]
async fn every_action_needs_the_sessions_csrf_token() {
    let dash = start("csrf").await;
    let endpoint = dash.register(DEFAULT_API_KEY, &json!({"url": "https://example.com/hook"})).await;
    let id = endpoint["id"].as_str().unwrap();
    let cookie = dash.session(DEFAULT_API_KEY).await;
    let token = csrf(&dash.page(&cookie, "/dashboard").await.1);
    let other = csrf(&dash.page(&dash.session(DEFAULT_API_KEY).await, "/dashboard").await.1);
    assert_ne!(token, other, "a token per session");
    let rotate = format!("/dashboard/webhooks/{id}/rotate-secret");
    let enable = format!("/dashboard/webhooks/{id}/enable");
    let resend = "/dashboard/events/evt_1/resend";
    for path in [rotate.as_str(), enable.as_str(), resend, "/dashboard/logout"] {
        for fields in [vec![], vec![("csrf", "")], vec![("csrf", &token[1..])], vec![("csrf", other.as_str())]] {
            let response = dash.post(&cookie, path, &fields).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path} {fields:?}");
            let page = response.text().await.unwrap();
            assert!(page.contains("CSRF token") && !page.contains("whsec_"), "{page}");
        }
    }
    let after = dash.http.get(format!("{}/v1/webhooks/{id}", dash.base)).bearer_auth(DEFAULT_API_KEY).send().await;
    let after: Value = after.unwrap().json().await.unwrap();
    assert_eq!(after["updated_at"], endpoint["updated_at"], "nothing was rotated");
    // The session is still open: the refused log-outs did not end it.
    assert_eq!(dash.page(&cookie, "/dashboard").await.0, StatusCode::OK);

    let response = dash.post(&cookie, "/dashboard/logout", &[("csrf", &token)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(response.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(dash.page(&cookie, "/dashboard").await.0, StatusCode::SEE_OTHER, "logged out");
    dash.server.shutdown().await;
}

#[tokio::test]
async fn a_secret_is_shown_on_its_rotation_only_and_everything_shown_is_escaped() {
    let dash = start("secrets").await;
    let name = "<script>alert(1)</script>";
    let endpoint =
        dash.register(DEFAULT_API_KEY, &json!({"url": "https://example.com/hook?a=1&b=<2>", "name": name})).await;
    let (id, secret) = (endpoint["id"].as_str().unwrap(), endpoint["secret"].as_str().unwrap());
    let cookie = dash.session(DEFAULT_API_KEY).await;
    let (status, index) = dash.page(&cookie, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(index.contains(id) && index.contains("example.com&#x2f;hook?a=1&amp;b=&lt;2&gt;"), "{index}");
    assert!(index.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;") && !index.contains(name), "{index}");
    assert!(!index.contains(secret) && !index.contains("whsec_"), "{index}");

    let response =
        dash.post(&cookie, &format!("/dashboard/webhooks/{id}/rotate-secret"), &[("csrf", &csrf(&index))]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let shown = response.text().await.unwrap();
    let start = shown.find("whsec_").expect("the new secret");
    let rotated = shown[start..].split('<').next().unwrap();
    assert_ne!(rotated, secret);
    let (_, index) = dash.page(&cookie, "/dashboard").await;
    assert!(!index.contains(rotated) && !index.contains("whsec_"), "the new secret is shown once");

    // A page of an id that is no event's: the API's 404, on a page of the dashboard's.
    let (status, page) = dash.page(&cookie, "/dashboard/events/evt_..%2F..%2Fwebhooks").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
    dash.server.shutdown().await;
}

#[tokio::test]
async fn a_bad_or_huge_form_is_refused_without_harm() {
    let dash = start("forms").await;
    let cookie = dash.session(DEFAULT_API_KEY).await;
    let huge = format!("api_key={}", "k".repeat(200_000));
    // Each body, and what the log-in and the log-out answer it.
    let cases: [(&str, &[u8], u16, u16); 5] = [
        (FORM, huge.as_bytes(), 413, 413),
        (FORM, b"api_key=\xff\xfe", 403, 403), // decoded lossily, without a CSRF token
        ("application/json", br#"{"api_key": "hw_test_key"}"#, 415, 415),
        (FORM, b"api_key=a&api_key=b", 400, 403),
        (FORM, b"csrf=a&csrf=b", 400, 400),
    ];
    for (content_type, body, login, logout) in cases {
        for (path, expected) in [("/dashboard/login", login), ("/dashboard/logout", logout)] {
            let response = dash
                .http
                .post(format!("{}{path}", dash.base))
                .header(CONTENT_TYPE, content_type)
                .header(COOKIE, &cookie)
                .body(body.to_vec())
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), expected, "{path} {content_type} {:?}", &body[..body.len().min(30)]);
        }
    }
    assert_eq!(dash.page(&cookie, "/dashboard").await.0, StatusCode::OK, "the server and the session are fine");
    dash.server.shutdown().await;
}

/// A server whose deliveries go to loopback, retried once after 50 ms, disabling an endpoint at its
/// first failed delivery.
async fn start_delivering(tag: &str) -> Dash {
    start_with(tag, |config| Config {
        allow_private_targets: true,
        retry_schedule: vec![Duration::from_millis(50)],
        disable_after: 1,
        ..config
    })
    .await
}

async fn api(dash: &Dash, key: &str, path: &str) -> Value {
    let response = dash.http.get(format!("{}{path}", dash.base)).bearer_auth(key).send().await.unwrap();
    assert!(response.status().is_success(), "{path}: {}", response.status());
    response.json().await.unwrap()
}

/// The number of deliveries of `event` (as key A sees them).
async fn deliveries(dash: &Dash, event: &str) -> usize {
    api(dash, DEFAULT_API_KEY, &format!("/v1/events/{event}/deliveries")).await["deliveries"].as_array().unwrap().len()
}

/// The status of endpoint `id` (as key A sees it).
async fn status(dash: &Dash, id: &str) -> Value {
    api(dash, DEFAULT_API_KEY, &format!("/v1/webhooks/{id}")).await["status"].clone()
}

/// Waits until `seen` holds `n` deliveries; they must all verify with `secret` and be `event`.
async fn received(seen: &common::Seen, n: usize, secret: &Value, event: &str) {
    common::eventually(&format!("{n} deliveries of {event}"), Duration::from_secs(10), async || {
        (seen.lock().unwrap().len() == n).then_some(())
    })
    .await;
    let verifier = Webhook::from_preset("standard", [secret.as_str().unwrap()]).unwrap();
    for (headers, body) in seen.lock().unwrap().iter() {
        let delivered = verifier.verify(body, headers).expect("a delivery that verifies");
        assert_eq!(delivered.payload().get("id").and_then(|id| id.as_str()), Some(event));
    }
}

impl Dash {
    /// Posts the event page's resend form of `event` with `token`: to `endpoint`, or to all.
    async fn resend(&self, cookie: &str, token: &str, event: &str, endpoint: Option<&str>) -> Response {
        let mut fields = vec![("csrf", token)];
        fields.extend(endpoint.map(|id| ("endpoint_id", id)));
        self.post(cookie, &format!("/dashboard/events/{event}/resend"), &fields).await
    }

    /// Posts the index's enable form of endpoint `id` with `token`.
    async fn enable(&self, cookie: &str, token: &str, id: &str) -> Response {
        self.post(cookie, &format!("/dashboard/webhooks/{id}/enable"), &[("csrf", token)]).await
    }
}

#[tokio::test]
async fn an_events_attempts_a_resend_and_an_enable_and_another_key_sees_none_of_it() {
    let dash = start_delivering("flow").await;
    let (failing, _) = common::receiver(|_| (500, Duration::ZERO)).await;
    let (good, received_good) = common::receiver(|_| (200, Duration::ZERO)).await;
    let bad = dash.register(DEFAULT_API_KEY, &json!({"url": failing, "name": "always 500"})).await;
    let good_hook = dash.register(DEFAULT_API_KEY, &json!({"url": good})).await;
    let (bad_id, good_id) = (bad["id"].as_str().unwrap(), good_hook["id"].as_str().unwrap());
    let job = dash.http.post(format!("{}/v1/jobs", dash.base)).bearer_auth(DEFAULT_API_KEY);
    job.json(&json!({"kind": "dash", "payload": {"duration_ms": 0}})).send().await.unwrap();
    common::eventually("the failing endpoint disabled", Duration::from_secs(10), async || {
        (status(&dash, bad_id).await == "disabled").then_some(())
    })
    .await;
    let events = api(&dash, DEFAULT_API_KEY, "/v1/events").await;
    let event = events["events"][0]["id"].as_str().unwrap().to_owned();

    let cookie = dash.session(DEFAULT_API_KEY).await;
    let (_, index) = dash.page(&cookie, "/dashboard").await;
    assert!(index.contains(&event) && index.contains(bad_id) && index.contains(good_id), "{index}");
    assert!(index.contains(r#"<div class="muted reason">its last delivery failed</div>"#), "{index}");
    assert!(index.contains(r#"<td class="num">1</td>"#), "the failure count: {index}");
    let token = csrf(&index);
    let (status_code, page) = dash.page(&cookie, &format!("/dashboard/events/{event}")).await;
    assert_eq!(status_code, StatusCode::OK);
    assert!(
        page.contains(r#"<td class="num code">500</td>"#) && page.contains(r#"<td class="num code">200</td>"#),
        "{page}"
    );
    // Each attempt's latency, and the failed attempts' error.
    let latency = |cell: &str| cell.split_once(" ms</td>").is_some_and(|(n, _)| n.parse::<u64>().is_ok());
    assert!(page.split(r#"<td class="num">"#).skip(1).any(latency), "a latency cell: {page}");
    assert!(page.contains("<td>HTTP 500</td>"), "the failure's error: {page}");

    // An endpoint registered after the event: no delivery of it, but a resend to it on the event's page.
    let (late, received_late) = common::receiver(|_| (200, Duration::ZERO)).await;
    let late_hook = dash.register(DEFAULT_API_KEY, &json!({"url": late, "events": ["job.succeeded"]})).await;
    let late_id = late_hook["id"].as_str().unwrap();
    let (_, page) = dash.page(&cookie, &format!("/dashboard/events/{event}")).await;
    let section = &page[page.find(&format!(r#"id="deliveries-{late_id}""#)).expect("the late endpoint's section")..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains(&format!(r#"name="endpoint_id" value="{late_id}""#)), "{section}");
    assert!(section.contains("No delivery of this event to this endpoint yet."), "{section}");
    let response = dash.resend(&cookie, &token, &event, Some(late_id)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    received(&received_late, 1, &late_hook["secret"], &event).await;

    let response = dash.resend(&cookie, &token, &event, Some(good_id)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], format!("/dashboard/events/{event}?done=resent"));
    received(&received_good, 2, &good_hook["secret"], &event).await;
    // A disabled endpoint: the API's 409, on the dashboard's error page.
    assert_eq!(dash.resend(&cookie, &token, &event, Some(bad_id)).await.status(), StatusCode::CONFLICT);

    assert_eq!(dash.enable(&cookie, &token, bad_id).await.status(), StatusCode::SEE_OTHER);
    let enabled = api(&dash, DEFAULT_API_KEY, &format!("/v1/webhooks/{bad_id}")).await;
    assert_eq!((enabled["status"].as_str(), enabled["failure_count"].as_u64()), (Some("active"), Some(0)));

    // Resend to all endpoints: one new delivery each, received by the two that answer 200; the
    // failing one's fails and disables it again.
    let before = deliveries(&dash, &event).await;
    let response = dash.resend(&cookie, &token, &event, None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(deliveries(&dash, &event).await, before + 3);
    received(&received_good, 3, &good_hook["secret"], &event).await;
    received(&received_late, 2, &late_hook["secret"], &event).await;
    common::eventually("the failing endpoint disabled again", Duration::from_secs(10), async || {
        (status(&dash, bad_id).await == "disabled").then_some(())
    })
    .await;

    let other = dash.session(OTHER_KEY).await;
    let (_, index) = dash.page(&other, "/dashboard").await;
    for hidden in [event.as_str(), bad_id, good_id, late_id, failing.as_str(), good.as_str(), late.as_str()] {
        assert!(!index.contains(hidden), "{hidden} in {index}");
    }
    assert_eq!(dash.page(&other, &format!("/dashboard/events/{event}")).await.0, StatusCode::NOT_FOUND);
    // Key B's actions on key A's objects, each with B's valid session and token: 404, and nothing done.
    let bad_before = api(&dash, DEFAULT_API_KEY, &format!("/v1/webhooks/{bad_id}")).await;
    assert_eq!(bad_before["status"], "disabled");
    let other_token = csrf(&index);
    let rotate = format!("/dashboard/webhooks/{bad_id}/rotate-secret");
    assert_eq!(dash.post(&other, &rotate, &[("csrf", &other_token)]).await.status(), StatusCode::NOT_FOUND);
    let before = deliveries(&dash, &event).await;
    for endpoint in [None, Some(good_id), Some(late_id)] {
        assert_eq!(dash.resend(&other, &other_token, &event, endpoint).await.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(dash.enable(&other, &other_token, bad_id).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(deliveries(&dash, &event).await, before, "nothing resent");
    let after = api(&dash, DEFAULT_API_KEY, &format!("/v1/webhooks/{bad_id}")).await;
    assert_eq!(after, bad_before, "nothing enabled or rotated");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!((received_good.lock().unwrap().len(), received_late.lock().unwrap().len()), (3, 2), "nothing delivered");
    dash.server.shutdown().await;
}
