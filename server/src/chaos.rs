//! `--chaos RATE`: faults injected into API requests to prove the client's retries and
//! idempotency. With probability RATE a request gets one of: a 500 without being handled; a
//! dropped connection before handling; handling (the write commits) then a dropped connection;
//! or 50–300 ms of added latency.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::AppState;

/// A response whose body fails at once: the client sees the connection break.
fn dropped() -> Response {
    let failing = futures_util::stream::once(async { Err::<axum::body::Bytes, _>(std::io::Error::other("chaos")) });
    (StatusCode::OK, Body::from_stream(failing)).into_response()
}

pub(crate) async fn inject(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let rate = state.config.chaos;
    if rate <= 0.0 || fastrand::f64() >= rate {
        return next.run(request).await;
    }
    match fastrand::u8(0..4) {
        0 => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "injected_fault", "chaos: injected server error")
            .into_response(),
        1 => dropped(),
        2 => {
            let _committed = next.run(request).await;
            dropped()
        }
        _ => {
            tokio::time::sleep(Duration::from_millis(fastrand::u64(50..=300))).await;
            next.run(request).await
        }
    }
}
