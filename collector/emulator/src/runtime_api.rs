//! The Runtime API one environment's process talks to (`AWS_LAMBDA_RUNTIME_API`), with the
//! headers Lambda sends (awslambdaric fails without them).

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::shared::{Exit, Outcome, Shared};

/// Serves the Runtime API on a free 127.0.0.1 port; returns the port.
pub async fn serve(shared: Arc<Shared>) -> std::io::Result<u16> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(response),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
        .route("/2018-06-01/runtime/init/error", post(init_error))
        .with_state(Arc::clone(&shared));
    let mut dead = shared.dead.subscribe();
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = dead.wait_for(Option::is_some).await;
        };
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
    });
    Ok(port)
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    if let Ok(mut init) = shared.init_ms.lock()
        && init.is_none()
    {
        *init = Some(shared.started.elapsed().as_secs_f64() * 1000.0);
    }
    let pending = {
        let mut queue = shared.queue.lock().await;
        queue.recv().await
    };
    let Some(pending) = pending else {
        return StatusCode::GONE.into_response();
    };
    let mut headers = HeaderMap::new();
    let put = |h: &mut HeaderMap, k: &'static str, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(k, v);
        }
    };
    put(
        &mut headers,
        "lambda-runtime-aws-request-id",
        &pending.request_id,
    );
    put(
        &mut headers,
        "lambda-runtime-deadline-ms",
        &pending.deadline_ms.to_string(),
    );
    put(
        &mut headers,
        "lambda-runtime-invoked-function-arn",
        &pending.function_arn,
    );
    put(
        &mut headers,
        "lambda-runtime-trace-id",
        &format!(
            "Root=1-00000000-{}",
            &pending.request_id.replace('-', "")[..24.min(pending.request_id.len())]
        ),
    );
    put(&mut headers, "content-type", "application/json");
    let body = pending.event.clone();
    if let Ok(mut current) = shared.current.lock() {
        *current = Some((pending, Instant::now()));
    }
    (headers, body).into_response()
}

fn finish(shared: &Shared, id: &str, body: Bytes, error: bool) -> StatusCode {
    let taken = shared
        .current
        .lock()
        .ok()
        .and_then(|mut c| match c.as_ref() {
            Some((p, _)) if p.request_id == id => c.take(),
            _ => None,
        });
    let Some((pending, handed_out)) = taken else {
        return StatusCode::BAD_REQUEST;
    };
    let duration_ms = handed_out.elapsed().as_secs_f64() * 1000.0;
    let body = body.to_vec();
    let outcome = if error {
        Outcome::FunctionError { body, duration_ms }
    } else {
        Outcome::Response { body, duration_ms }
    };
    let _ = pending.reply.send(outcome);
    StatusCode::ACCEPTED
}

async fn response(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    finish(&shared, &id, body, false)
}

async fn error(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    finish(&shared, &id, body, true)
}

async fn init_error(State(shared): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    shared.dead.send_replace(Some(Exit::InitError(
        String::from_utf8_lossy(&body).into_owned(),
    )));
    StatusCode::ACCEPTED
}
