//! Limits every request passes through: a rate limit on writes and
//! searches (per key, or per client address without one), a request
//! timeout, and the security headers.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// The limits in force, shared by every worker.
pub struct Limits {
    /// `None` when rate limiting is off.
    pub rate: Option<DefaultKeyedRateLimiter<String>>,
    pub request_timeout: Duration,
}

impl Limits {
    /// `per_minute` writes and searches per key or address (0 turns it off),
    /// with bursts of a tenth of that.
    pub fn new(per_minute: u32, request_timeout: Duration) -> Arc<Self> {
        let rate = NonZeroU32::new(per_minute).map(|n| {
            let burst = NonZeroU32::new((per_minute / 10).max(1)).unwrap_or(NonZeroU32::MIN);
            RateLimiter::keyed(Quota::per_minute(n).allow_burst(burst))
        });
        Arc::new(Self {
            rate,
            request_timeout,
        })
    }
}

/// Writes and searches are what is expensive, or worth abusing.
fn is_limited(req: &ServiceRequest) -> bool {
    let path = req.path();
    let searches = || req.query_string().split('&').any(|p| p.starts_with("q="));
    // The journalists' page runs the same search as the API.
    if path == "/" {
        return searches();
    }
    if !path.starts_with("/api/v1/") {
        return false;
    }
    let read = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    !read || path == "/api/v1/search" || searches()
}

/// Who a request counts against: its key (hashed: never kept in memory as
/// sent), or the address it came from.
fn rate_key(req: &ServiceRequest) -> String {
    let bearer = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match bearer {
        Some(token) => format!("key:{}", crate::text::sha256_hex(token.trim().as_bytes())),
        None => format!(
            "ip:{}",
            req.peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default()
        ),
    }
}

/// The middleware: rate limit, then the handler under the request timeout.
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // A NUL byte is never meaningful in a path or query, and PostgreSQL
    // refuses it in text: answer 400 here rather than 500 deep down.
    let raw = format!("{}?{}", req.path(), req.query_string());
    if raw.to_ascii_lowercase().contains("%00") || raw.contains('\0') {
        let error = ApiError::bad_field(
            "query",
            "control_characters",
            "NUL bytes are not allowed in paths or query strings",
        );
        return Ok(req.into_response(error.error_response()));
    }
    let Some(limits) = req
        .app_data::<web::Data<Arc<Limits>>>()
        .map(|l| l.get_ref().clone())
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let over_rate = limits
        .rate
        .as_ref()
        .filter(|_| is_limited(&req))
        .and_then(|rate| rate.check_key(&rate_key(&req)).err());
    if let Some(not_until) = over_rate {
        let wait = not_until.wait_time_from(governor::clock::Clock::now(
            &governor::clock::DefaultClock::default(),
        ));
        let error = ApiError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        };
        return Ok(req.into_response(error.error_response()));
    }
    let public_read = matches!(*req.method(), Method::GET | Method::HEAD)
        && req.path().starts_with("/api/v1/")
        && !req.headers().contains_key("authorization");
    // The request cannot be kept aside (routing needs it whole), so a
    // timeout is answered as an error, which actix turns into the response.
    let timeout = limits.request_timeout;
    // An import runs to its end: answering 503 "retry" while its
    // transaction goes on to commit would mislead. Its size is bounded.
    if req.path() == "/api/v1/import" {
        let mut response = next.call(req).await?.map_into_boxed_body();
        cache_policy(&mut response, false);
        return Ok(response);
    }
    match actix_web::rt::time::timeout(timeout, next.call(req)).await {
        Ok(response) => {
            let mut response = response?.map_into_boxed_body();
            cache_policy(&mut response, public_read);
            Ok(response)
        }
        Err(_) => Err(ApiError::Unavailable(format!(
            "The request took longer than {} s; retry, or narrow it down.",
            timeout.as_secs_f64()
        ))
        .into()),
    }
}

/// Public reads may sit in a CDN briefly; anything read with a key, and
/// every error, must not be cached at all.
fn cache_policy(response: &mut ServiceResponse<BoxBody>, public_read: bool) {
    use actix_web::http::header::{CACHE_CONTROL, HeaderValue, VARY};
    let status = response.status();
    let cacheable =
        public_read && (status.is_success() || status == actix_web::http::StatusCode::NOT_MODIFIED);
    let headers = response.headers_mut();
    if cacheable {
        headers.insert(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=30"),
        );
        headers.append(VARY, HeaderValue::from_static("Authorization"));
    } else if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{App, HttpResponse, test};

    async fn slow() -> HttpResponse {
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
        HttpResponse::Ok().finish()
    }

    #[actix_web::test]
    async fn a_request_over_the_timeout_is_answered_503() {
        let limits = web::Data::new(Limits::new(0, Duration::from_millis(20)));
        let app = test::init_service(
            App::new()
                .app_data(limits)
                .wrap(actix_web::middleware::from_fn(guard))
                .route("/slow", web::get().to(slow)),
        )
        .await;

        // The server turns this error into the response (problem+json, 503).
        let error =
            test::try_call_service(&app, test::TestRequest::get().uri("/slow").to_request())
                .await
                .err();
        let status = error.map(|e| e.as_response_error().status_code());
        assert_eq!(
            status,
            Some(actix_web::http::StatusCode::SERVICE_UNAVAILABLE)
        );
    }

    #[actix_web::test]
    async fn writes_over_the_rate_are_answered_429_with_retry_after() {
        let limits = web::Data::new(Limits::new(10, Duration::from_secs(5)));
        let app = test::init_service(
            App::new()
                .app_data(limits)
                .wrap(actix_web::middleware::from_fn(guard))
                .route("/api/v1/people", web::post().to(HttpResponse::Created)),
        )
        .await;

        let first = test::call_service(
            &app,
            test::TestRequest::post().uri("/api/v1/people").to_request(),
        )
        .await;
        let second = test::call_service(
            &app,
            test::TestRequest::post().uri("/api/v1/people").to_request(),
        )
        .await;

        assert_eq!(first.status(), actix_web::http::StatusCode::CREATED);
        assert_eq!(
            second.status(),
            actix_web::http::StatusCode::TOO_MANY_REQUESTS
        );
        assert!(second.headers().contains_key("retry-after"));
    }
}
