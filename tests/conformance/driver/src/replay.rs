//! The replay server: two loopback listeners (the API's origin and another one) that record
//! every request and answer with the case's canned responses, in order.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::contract::CannedResponse;

/// A request as it arrived.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The method.
    pub method: String,
    /// The path, percent-encoding kept.
    pub path: String,
    /// The query pairs, decoded.
    pub query: Vec<(String, String)>,
    /// The headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// How long after the previous answer it arrived.
    pub gap: Option<Duration>,
    /// Whether it came to the other origin.
    pub other_origin: bool,
}

#[derive(Default)]
struct State {
    responses: Vec<CannedResponse>,
    log: Vec<Recorded>,
    last_answer: Option<Instant>,
}

/// The running replay server.
#[derive(Clone)]
pub struct Replay {
    state: Arc<Mutex<State>>,
    /// The API's origin (`http://127.0.0.1:PORT`).
    pub url: String,
    /// Another origin serving the same script.
    pub other_origin: String,
}

impl Replay {
    /// Starts both listeners on loopback.
    ///
    /// # Errors
    /// When a port cannot be bound.
    pub async fn start() -> std::io::Result<Replay> {
        let state = Arc::new(Mutex::new(State::default()));
        let url = listen(state.clone(), false).await?;
        let other_origin = listen(state.clone(), true).await?;
        Ok(Replay { state, url, other_origin })
    }

    /// Loads a case's responses (substituting `${base_url}` and `${other_origin}` in bodies)
    /// and forgets the previous case.
    pub fn load(&self, responses: &[CannedResponse]) {
        let responses = responses
            .iter()
            .map(|r| CannedResponse { body: r.body.as_ref().map(|b| self.substitute(b)), ..r.clone() })
            .collect();
        *self.lock() = State { responses, log: Vec::new(), last_answer: None };
    }

    /// Every request since the case was loaded.
    pub fn log(&self) -> Vec<Recorded> {
        self.lock().log.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `${base_url}` and `${other_origin}` in every string of `value` become the two origins.
    pub fn substitute(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => {
                Value::String(s.replace("${base_url}", &self.url).replace("${other_origin}", &self.other_origin))
            }
            Value::Array(items) => Value::Array(items.iter().map(|v| self.substitute(v)).collect()),
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), self.substitute(v))).collect()),
            other => other.clone(),
        }
    }
}

async fn listen(state: Arc<Mutex<State>>, other_origin: bool) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let state = state.clone();
        async move { answer(&state, other_origin, &method, &uri, &headers, &body) }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

fn answer(
    state: &Mutex<State>,
    other_origin: bool,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    let query = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned().collect();
    let gap = state.last_answer.map(|t| t.elapsed());
    state.log.push(Recorded {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query,
        headers: headers
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: body.to_vec(),
        gap,
        other_origin,
    });
    let index = state.log.len() - 1;
    state.last_answer = Some(Instant::now());
    let Some(canned) = state.responses.get(index).cloned() else {
        let body = r#"{"error":{"code":"unexpected_request","message":"the case expects fewer requests"}}"#;
        return (StatusCode::IM_A_TEAPOT, body).into_response();
    };
    let text = match (&canned.body_text, &canned.body) {
        (Some(text), _) => text.clone(),
        (None, Some(json)) => json.to_string(),
        (None, None) => String::new(),
    };
    let mut response =
        (StatusCode::from_u16(canned.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), text).into_response();
    let out = response.headers_mut();
    if canned.body.is_some() && canned.body_text.is_none() {
        out.insert("content-type", HeaderValue::from_static("application/json"));
    }
    for (name, value) in &canned.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name.as_str()), HeaderValue::from_str(&http_date(value))) {
            out.insert(name, value);
        }
    }
    response
}

/// `${http_date+N}` → the HTTP date N seconds from now.
fn http_date(value: &str) -> String {
    let Some(offset) = value.strip_prefix("${http_date+").and_then(|v| v.strip_suffix('}')) else {
        return value.to_owned();
    };
    let seconds = offset.parse::<u64>().unwrap_or(0);
    httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(seconds))
}
