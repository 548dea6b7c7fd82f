//! What operators see: Prometheus metrics, one log line per request, and a
//! request id that ties a response, its problem body and its log line.

use std::time::Instant;

use crate::db::DbPool;
use crate::metrics::{METRICS, PoolGauge};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, get, web};
use futures_util::FutureExt;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Metrics in Prometheus's text format.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format 0.0.4", content_type = "text/plain"))
)]
#[get("/metrics")]
pub async fn metrics_text(
    pool: web::Data<DbPool>,
    replica: Option<web::Data<crate::http::ReplicaPool>>,
    searcher: crate::search::Searcher,
) -> HttpResponse {
    let mut pools = vec![pool.get_ref()];
    if let Some(replica) = &replica {
        pools.push(&replica.0);
    }
    let gauges: Vec<PoolGauge> = pools
        .iter()
        .map(|pool| {
            let state = pool.state();
            PoolGauge {
                name: pool.name(),
                connections: state.connections,
                idle: state.idle_connections,
                max: pool.max_size(),
            }
        })
        .collect();
    HttpResponse::Ok()
        .content_type(prometheus::TEXT_FORMAT)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(METRICS.render(&gauges, searcher.heap_bytes()))
}

/// A caller's `X-Request-Id` is kept when it is a sane token; otherwise
/// one is made.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| {
            (1..=128).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(&b))
        })
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

/// Decrements the in-flight gauge even when the client goes away mid-request.
struct InFlight;

impl InFlight {
    fn start() -> Self {
        METRICS.in_flight.inc();
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        METRICS.in_flight.dec();
    }
}

/// The outermost middleware: request id, metrics and the request's log line.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let _in_flight = InFlight::start();
    let started = Instant::now();
    let id = request_id(&req);
    // The template, never the raw path: ids would make a series each.
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
    // Any token is a method to HTTP: unknown ones share one label.
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "OTHER",
    }
    .to_string();
    let path = req.path().to_string();
    // A panic anywhere below answers this request 500 and leaves the
    // worker serving the others.
    let called = std::panic::AssertUnwindSafe(next.call(req)).catch_unwind();
    let outcome = match called.await.unwrap_or_else(|panic| Err(panicked(&panic))) {
        Ok(response) => {
            let (request, response) = response.map_into_boxed_body().into_parts();
            let response = with_request_id(response, &id).await;
            Ok(ServiceResponse::new(request, response))
        }
        // An error a middleware returned: actix answers it after us, so
        // the answer is made here and carried by the error.
        Err(error) => Err(with_request_id(error.error_response(), &id).await),
    };
    let status = match &outcome {
        Ok(response) => response.status(),
        Err(response) => response.status(),
    }
    .as_u16();
    let elapsed = started.elapsed();
    let status_label = status.to_string();
    let labels = [method.as_str(), route.as_str(), status_label.as_str()];
    METRICS.requests.with_label_values(&labels).inc();
    METRICS
        .request_seconds
        .with_label_values(&labels)
        .observe(elapsed.as_secs_f64());
    // No query string and no headers: they may carry search terms or keys.
    tracing::info!(
        target: "pressdir::request",
        request_id = %id,
        method = %method,
        route = %route,
        path = %path,
        status,
        latency_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    outcome.map_err(|response| {
        actix_web::error::InternalError::from_response("request failed", response).into()
    })
}

/// A panic below turned into an error: logged with its message, counted,
/// and answered as an opaque 500 problem.
fn panicked(panic: &Box<dyn std::any::Any + Send>) -> actix_web::Error {
    let message = panic
        .downcast_ref::<&str>()
        .map(|m| m.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    METRICS.panics.inc();
    crate::error::ApiError::Internal(anyhow::anyhow!("a request handler panicked: {message}"))
        .into()
}

/// Adds the request id: as `X-Request-Id`, and to a problem+json body
/// (which is counted by its problem type).
async fn with_request_id(mut response: HttpResponse, id: &str) -> HttpResponse {
    if let Ok(value) = HeaderValue::from_str(id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !is_problem {
        return response;
    }
    let (head, body) = response.into_parts();
    // Problem bodies are small and already complete.
    let bytes = actix_web::body::to_bytes(body).await.unwrap_or_default();
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut problem)) => {
            let kind = problem
                .get("type")
                .and_then(|t| t.as_str())
                .and_then(|t| t.rsplit('/').next())
                .unwrap_or("unknown")
                .to_string();
            METRICS.problems.with_label_values(&[kind.as_str()]).inc();
            problem.insert("request_id".into(), id.into());
            serde_json::to_vec(&problem).unwrap_or_else(|_| bytes.to_vec())
        }
        _ => bytes.to_vec(),
    };
    let mut head = head;
    head.headers_mut().remove(header::CONTENT_LENGTH);
    head.set_body(BoxBody::new(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{App, test};

    async fn boom() -> HttpResponse {
        panic!("a handler bug");
    }

    #[actix_web::test]
    async fn a_panicking_handler_is_answered_500_with_its_request_id_and_counted() {
        let app = test::init_service(
            App::new()
                .wrap(actix_web::middleware::from_fn(observe))
                .route("/boom", web::get().to(boom))
                .route("/fine", web::get().to(HttpResponse::Ok)),
        )
        .await;
        let panics_before = METRICS.panics.get();

        let response =
            test::try_call_service(&app, test::TestRequest::get().uri("/boom").to_request()).await;
        let after =
            test::call_service(&app, test::TestRequest::get().uri("/fine").to_request()).await;

        // The error carries the whole answer; actix sends it as it is.
        let error = response.expect_err("an error answer");
        let answer = error.error_response();
        assert_eq!(answer.status(), 500);
        assert!(answer.headers().contains_key(REQUEST_ID));
        let body = actix_web::body::to_bytes(answer.into_body()).await.unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["status"], 500);
        assert!(problem["request_id"].is_string());
        assert!(
            !problem.to_string().contains("a handler bug"),
            "the cause stays in the log"
        );
        assert!(METRICS.panics.get() > panics_before);
        assert_eq!(after.status(), 200, "the worker goes on serving");
    }
}
