//! The delivery dashboard at `/dashboard`: server-rendered pages (minijinja templates embedded in
//! the binary, no script, nothing fetched from elsewhere) over a login session per API key.
//!
//! The dashboard is a client of the API, not a second implementation: every page and action is
//! one or more calls to the server's own `/v1` routes (see [`api`]) with the session's key, whose
//! JSON it renders. Every action is a `POST` form carrying the session's CSRF token.

mod api;
mod session;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use minijinja::{context, Environment};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use self::api::{path, Api, Failure};
use self::session::{Session, Sessions};
use crate::secrets;

/// The largest form accepted (an API key or a CSRF token and an id fit many times over).
const MAX_FORM: usize = 16 * 1024;
/// Events per page of the index.
const EVENTS_PER_PAGE: &str = "20";
/// The templates, by name (`.html`: minijinja escapes every value for HTML).
const TEMPLATES: [(&str, &str); 6] = [
    ("base.html", include_str!("../../templates/dashboard/base.html")),
    ("login.html", include_str!("../../templates/dashboard/login.html")),
    ("index.html", include_str!("../../templates/dashboard/index.html")),
    ("event.html", include_str!("../../templates/dashboard/event.html")),
    ("secret.html", include_str!("../../templates/dashboard/secret.html")),
    ("error.html", include_str!("../../templates/dashboard/error.html")),
];
/// The one style sheet, served at `/dashboard/style.css`.
const STYLE: &str = include_str!("../../templates/dashboard/style.css");
/// What every page may load: its own style sheet and nothing else (no script at all), posting
/// its forms to itself only, framed by no one.
const CSP: &str = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// Where the log-in form is (and where a request without a session is sent).
const LOGIN: &str = "/dashboard/login";

/// What the dashboard's handlers share.
struct Dashboard {
    api: Api,
    sessions: Sessions,
    templates: Environment<'static>,
}

type St = State<Arc<Dashboard>>;
/// A handler's answer: a page or a redirect, or an error page.
type Page = Result<Response, Response>;

/// The dashboard's routes, calling the API through `v1` (the `/v1` routes with their state).
pub(crate) fn router<S: Clone + Send + Sync + 'static>(v1: Router) -> Router<S> {
    let mut templates = Environment::new();
    for (name, source) in TEMPLATES {
        // They are constants checked by a test; a broken one is an error page, not a panic.
        if let Err(e) = templates.add_template(name, source) {
            tracing::error!(template = name, error = %e, "a dashboard template does not compile");
        }
    }
    let dashboard = Dashboard { api: Api::new(v1), sessions: Sessions::default(), templates };
    Router::new()
        .route("/dashboard", get(index))
        .route("/dashboard/style.css", get(style))
        .route(LOGIN, get(login_form).post(login))
        .route("/dashboard/logout", post(logout))
        .route("/dashboard/events/{id}", get(event))
        .route("/dashboard/events/{id}/resend", post(resend))
        .route("/dashboard/webhooks/{id}/enable", post(enable))
        .route("/dashboard/webhooks/{id}/rotate-secret", post(rotate_secret))
        .layer(DefaultBodyLimit::max(MAX_FORM))
        .with_state(Arc::new(dashboard))
}

impl Dashboard {
    /// The page `name` with `ctx`, answered with `status` and headers that keep it out of caches
    /// and frames.
    fn render(&self, status: StatusCode, name: &str, ctx: &minijinja::Value) -> Response {
        let html = match self.templates.get_template(name).and_then(|t| t.render(ctx)) {
            Ok(html) => html,
            Err(e) => {
                tracing::error!(template = name, error = %e, "a dashboard page could not be rendered");
                return (StatusCode::INTERNAL_SERVER_ERROR, "the page could not be rendered").into_response();
            }
        };
        let headers = [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ];
        (status, headers, html).into_response()
    }

    /// The log-in form, saying `error` if there is one, with a new token in the form and its cookie.
    fn login_page(&self, status: StatusCode, error: Option<&str>) -> Response {
        match session::login_token() {
            Ok(token) => with_cookie(
                self.render(status, "login.html", &context! { login_csrf => token, error }),
                &session::set_cookie(session::LOGIN_COOKIE, &token, session::LOGIN_LIFETIME),
            ),
            Err(e) => self.no_randomness(e),
        }
    }

    /// The error page for an OS without randomness to give (no token can be made).
    fn no_randomness(&self, e: getrandom::Error) -> Response {
        tracing::error!(error = %e, "no randomness for a dashboard token");
        self.error(StatusCode::INTERNAL_SERVER_ERROR, "no randomness for a session token", None)
    }

    /// The error page for `status` saying `message`, with the session's log-out form if there is one.
    fn error(&self, status: StatusCode, message: &str, session: Option<&Session>) -> Response {
        let csrf = session.map(|s| s.csrf.as_str());
        self.render(status, "error.html", &context! { status => status.as_u16(), message, csrf })
    }

    /// The page for an API call that failed: the log-in form when the key is no longer accepted,
    /// else the API's status and message.
    fn failed(&self, failure: &Failure, session: &Session) -> Response {
        if failure.status == StatusCode::UNAUTHORIZED {
            self.sessions.close(&session.id);
            return Redirect::to(LOGIN).into_response();
        }
        self.error(failure.status, &failure.message, Some(session))
    }
}

/// The request's session; without one, a redirect to the log-in form.
struct Authed(Session);

impl FromRequestParts<Arc<Dashboard>> for Authed {
    type Rejection = Redirect;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<Dashboard>) -> Result<Self, Redirect> {
        state.sessions.find(&parts.headers).map(Authed).ok_or_else(|| Redirect::to(LOGIN))
    }
}

/// A posted form: 413 over [`MAX_FORM`], 415 unless it is `application/x-www-form-urlencoded`,
/// 400 when it does not decode.
async fn form<T: DeserializeOwned>(request: Request, dashboard: &Arc<Dashboard>) -> Result<T, Response> {
    match Form::<T>::from_request(request, dashboard).await {
        Ok(Form(value)) => Ok(value),
        Err(rejection) => {
            let status = match &rejection {
                FormRejection::FailedToDeserializeFormBody(_) | FormRejection::FailedToDeserializeForm(_) => {
                    StatusCode::BAD_REQUEST
                }
                other => other.status(),
            };
            Err(dashboard.error(status, &rejection.body_text(), None))
        }
    }
}

/// The fields of an action's form: the CSRF token, and for a resend, the endpoint (none: all).
#[derive(Deserialize)]
struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    endpoint_id: Option<String>,
}

/// A `POST` action of a session whose form carries the session's CSRF token; 403 otherwise.
struct Action {
    session: Session,
    endpoint_id: Option<String>,
}

impl FromRequest<Arc<Dashboard>> for Action {
    type Rejection = Response;

    async fn from_request(request: Request, state: &Arc<Dashboard>) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let Authed(session) =
            Authed::from_request_parts(&mut parts, state).await.map_err(IntoResponse::into_response)?;
        let fields: ActionForm = form(Request::from_parts(parts, body), state).await?;
        if !session.csrf_matches(&fields.csrf) {
            return Err(state.error(
                StatusCode::FORBIDDEN,
                "the form's CSRF token is missing or wrong: reload the page and try again",
                Some(&session),
            ));
        }
        Ok(Action { session, endpoint_id: fields.endpoint_id.filter(|id| !id.is_empty()) })
    }
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "max-age=300")], STYLE).into_response()
}

async fn login_form(State(d): St) -> Response {
    d.login_page(StatusCode::OK, None)
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    api_key: String,
    #[serde(default)]
    csrf: String,
}

/// Opens a session when the form is this site's (its token is its cookie's) and the API accepts
/// the key (asked with a one-item list); the form again when not: 403, or 401 for a wrong key.
async fn login(State(d): St, headers: HeaderMap, request: Request) -> Page {
    let LoginForm { api_key, csrf } = form(request, &d).await?;
    let expected = session::cookie(&headers, session::LOGIN_COOKIE);
    if !expected.is_some_and(|token| secrets::equal(token.as_bytes(), csrf.as_bytes())) {
        return Err(d.login_page(StatusCode::FORBIDDEN, Some("The log-in form had expired: log in again.")));
    }
    let key = api_key.trim();
    match d.api.get(key, &path(&["v1", "webhooks"], &[("limit", "1")])).await {
        Ok(_) => {}
        Err(f) if f.status == StatusCode::UNAUTHORIZED => {
            return Err(d.login_page(StatusCode::UNAUTHORIZED, Some("That API key is not valid.")))
        }
        Err(f) => return Err(d.error(f.status, &f.message, None)),
    }
    let session = d.sessions.open(key.to_owned()).map_err(|e| d.no_randomness(e))?;
    let page = Redirect::to("/dashboard").into_response();
    let page = with_cookie(page, &session::set_cookie(session::COOKIE, &session.id, session::LIFETIME));
    Ok(with_cookie(page, &session::set_cookie(session::LOGIN_COOKIE, "", Duration::ZERO)))
}

async fn logout(State(d): St, action: Action) -> Response {
    d.sessions.close(&action.session.id);
    with_cookie(Redirect::to(LOGIN).into_response(), &session::set_cookie(session::COOKIE, "", Duration::ZERO))
}

/// `response` with the `Set-Cookie` header `cookie` added.
fn with_cookie(mut response: Response, cookie: &str) -> Response {
    // Cookies are made of names and hex tokens: always a valid header value.
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// What the index's query may say: a page of events to start from, and what was just done.
#[derive(Deserialize)]
struct IndexQuery {
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

/// The caller's endpoints and a page of its events, newest first. The endpoints come first: when
/// the events cannot be listed, the page says why and shows the endpoints all the same.
async fn index(State(d): St, Authed(session): Authed, Query(q): Query<IndexQuery>) -> Page {
    let key = &session.api_key;
    let hooks = d.api.get(key, &path(&["v1", "webhooks"], &[])).await.map_err(|f| d.failed(&f, &session))?;
    let mut events_query = vec![("limit", EVENTS_PER_PAGE)];
    if let Some(cursor) = &q.cursor {
        events_query.push(("cursor", cursor));
    }
    let (events, events_error) = match d.api.get(key, &path(&["v1", "events"], &events_query)).await {
        Ok(list) => (list, None),
        Err(f) => (Value::Null, Some(f.message)),
    };
    let ctx = context! {
        csrf => session.csrf,
        done => q.done,
        webhooks => hooks["webhooks"],
        events => events["events"],
        next_cursor => events["next_cursor"],
        events_error,
    };
    Ok(d.render(StatusCode::OK, "index.html", &ctx))
}

/// One event, its body as indented JSON, and its deliveries grouped by endpoint (in the order
/// the API lists them), each with its attempts; then the caller's other endpoints that would take
/// the event now, so that it can be resent to any of them.
async fn event(State(d): St, Authed(session): Authed, Path(id): Path<String>, Query(q): Query<IndexQuery>) -> Page {
    let key = &session.api_key;
    let fail = |f| d.failed(&f, &session);
    let event = d.api.get(key, &path(&["v1", "events", &id], &[])).await.map_err(fail)?;
    let deliveries = d.api.get(key, &path(&["v1", "events", &id, "deliveries"], &[])).await.map_err(fail)?;
    let hooks = d.api.all(key, &["v1", "webhooks"], "webhooks").await.map_err(fail)?;
    let body = serde_json::to_string_pretty(&event["data"]).unwrap_or_default();
    let mut endpoints = by_endpoint(deliveries["deliveries"].as_array().map_or(&[], Vec::as_slice));
    add_takers(&mut endpoints, &hooks, event["type"].as_str().unwrap_or_default());
    let ctx = context! { csrf => session.csrf, done => q.done, event, body, endpoints };
    Ok(d.render(StatusCode::OK, "event.html", &ctx))
}

/// Adds to `groups` (see [`by_endpoint`]) a group without deliveries for each endpoint of `hooks`
/// not in it that takes `event_type` events now: active, and subscribed to the type or to `*`
/// (the test of the API's resend and fan-out, `delivery::wants`).
fn add_takers(groups: &mut Vec<Value>, hooks: &[Value], event_type: &str) {
    for hook in hooks {
        let subscribed = hook["events"].as_array().is_some_and(|e| e.iter().any(|e| e == "*" || e == event_type));
        if hook["status"] == "active" && subscribed && !groups.iter().any(|g| g["endpoint_id"] == hook["id"]) {
            groups.push(json!({"endpoint_id": hook["id"], "url": hook["url"], "deliveries": []}));
        }
    }
}

/// `[{endpoint_id, url, deliveries}]`, one per endpoint, in order of first appearance.
fn by_endpoint(deliveries: &[Value]) -> Vec<Value> {
    let mut groups: Vec<Value> = Vec::new();
    for delivery in deliveries {
        let endpoint = &delivery["endpoint_id"];
        match groups.iter_mut().find(|g| &g["endpoint_id"] == endpoint) {
            Some(group) => {
                if let Some(list) = group["deliveries"].as_array_mut() {
                    list.push(delivery.clone());
                }
            }
            None => groups.push(json!({"endpoint_id": endpoint, "url": delivery["url"], "deliveries": [delivery]})),
        }
    }
    groups
}

/// Sends the event again, to one endpoint or to every endpoint subscribed now; back to the event.
async fn resend(State(d): St, Path(id): Path<String>, action: Action) -> Page {
    let body = action.endpoint_id.map_or_else(|| json!({}), |endpoint| json!({ "endpoint_id": endpoint }));
    let key = &action.session.api_key;
    d.api
        .post(key, &path(&["v1", "events", &id, "resend"], &[]), &body)
        .await
        .map_err(|f| d.failed(&f, &action.session))?;
    Ok(Redirect::to(&path(&["dashboard", "events", &id], &[("done", "resent")])).into_response())
}

/// Enables a disabled endpoint (its failure count starts again at 0); back to the index.
async fn enable(State(d): St, Path(id): Path<String>, action: Action) -> Page {
    let key = &action.session.api_key;
    d.api
        .post(key, &path(&["v1", "webhooks", &id, "enable"], &[]), &json!({}))
        .await
        .map_err(|f| d.failed(&f, &action.session))?;
    Ok(Redirect::to("/dashboard?done=enabled").into_response())
}

/// Rotates an endpoint's secret and shows the new one on this answer only (`no-store`: not kept
/// by the browser either).
async fn rotate_secret(State(d): St, Path(id): Path<String>, action: Action) -> Page {
    let key = &action.session.api_key;
    let endpoint = d
        .api
        .post(key, &path(&["v1", "webhooks", &id, "rotate-secret"], &[]), &json!({}))
        .await
        .map_err(|f| d.failed(&f, &action.session))?;
    Ok(d.render(StatusCode::OK, "secret.html", &context! { csrf => action.session.csrf, endpoint }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

    use super::*;

    #[test]
    fn every_template_compiles_and_renders() {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source).unwrap();
        }
        let endpoint = json!({"id": "we_1", "url": "http://x/<b>", "events": ["*"], "status": "disabled",
            "failure_count": 5, "disabled_reason": "its last 5 deliveries failed", "secret": "whsec_new"});
        let attempt = json!({"attempt": 1, "at": "2026-01-01T00:00:00Z", "status_code": 500, "duration_ms": 3});
        let ctx = context! {
            csrf => "token", login_csrf => "login", done => "resent", status => 404, message => "no such event", body => "{}",
            error => "That API key is not valid.", next_cursor => "c_1",
            webhooks => [&endpoint], endpoint,
            events => [json!({"id": "evt_1", "type": "job.succeeded", "created_at": "2026-01-01T00:00:00Z"})],
            event => json!({"id": "evt_1", "type": "job.succeeded", "created_at": "2026-01-01T00:00:00Z"}),
            endpoints => by_endpoint(&[json!({"id": "dlv_1", "endpoint_id": "we_1", "url": "http://x", "status": "failed",
                "attempts": [attempt]})]),
        };
        for (name, _) in TEMPLATES {
            let html = env.get_template(name).unwrap().render(&ctx).unwrap();
            assert!(!html.contains("<b>"), "{name} escapes what it shows");
        }
    }

    #[test]
    fn deliveries_are_grouped_by_endpoint_in_order() {
        let d =
            |id: &str, endpoint: &str| json!({"id": id, "endpoint_id": endpoint, "url": format!("http://{endpoint}")});
        let groups = by_endpoint(&[d("1", "we_b"), d("2", "we_a"), d("3", "we_b")]);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0]["endpoint_id"], "we_b");
        assert_eq!(groups[0]["deliveries"].as_array().unwrap().len(), 2);
        assert_eq!(groups[1]["url"], "http://we_a");
    }

    #[test]
    fn the_endpoints_that_take_the_event_are_added_once() {
        let hook =
            |id: &str, events: Value, status: &str| json!({"id": id, "url": id, "events": events, "status": status});
        let mut groups = by_endpoint(&[json!({"id": "1", "endpoint_id": "we_a", "url": "http://we_a"})]);
        let hooks = [
            hook("we_a", json!(["*"]), "active"),
            hook("we_all", json!(["*"]), "active"),
            hook("we_type", json!(["job.failed", "job.succeeded"]), "active"),
            hook("we_other", json!(["job.failed"]), "active"),
            hook("we_off", json!(["*"]), "disabled"),
        ];
        add_takers(&mut groups, &hooks, "job.succeeded");
        let ids: Vec<&Value> = groups.iter().map(|g| &g["endpoint_id"]).collect();
        assert_eq!(ids, ["we_a", "we_all", "we_type"]);
        assert_eq!(groups[1]["deliveries"], json!([]));
    }
}
