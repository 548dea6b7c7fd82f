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
use actix_web::{HttpMessage, ResponseError, web};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::db::DbPool;
use crate::error::ApiError;
use crate::http::MAX_PARAM_CHARS;
use crate::http::RouteTable;
use crate::keys::Caller;

/// The limits in force, shared by every worker.
pub struct Limits {
    /// `None` when rate limiting is off.
    pub rate: Option<DefaultKeyedRateLimiter<String>>,
    pub request_timeout: Duration,
    /// Checks since the limiter last forgot its idle keys.
    checks: AtomicU64,
}

/// How often (in checks) the limiter forgets keys whose bucket is full
/// again: without it, every address or token ever seen stays in memory.
const FORGET_EVERY: u64 = 4096;

impl Limits {
    /// `per_minute` writes and searches per key or address (0 turns it off),
    /// with bursts of a tenth of that.
    pub fn new(per_minute: u32, request_timeout: Duration) -> Arc<Self> {
        let quota = NonZeroU32::new(per_minute).map(|n| {
            let burst = NonZeroU32::new((per_minute / 10).max(1)).unwrap_or(NonZeroU32::MIN);
            Quota::per_minute(n).allow_burst(burst)
        });
        Self::with_quota(quota, request_timeout)
    }

    fn with_quota(quota: Option<Quota>, request_timeout: Duration) -> Arc<Self> {
        Arc::new(Self {
            rate: quota.map(RateLimiter::keyed),
            request_timeout,
            checks: AtomicU64::new(0),
        })
    }

    /// Counts one request against `key`: the time to wait when over the rate.
    fn check(&self, key: &str) -> Option<Duration> {
        let rate = self.rate.as_ref()?;
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            rate.retain_recent();
            rate.shrink_to_fit();
        }
        let not_until = rate.check_key(&key.to_string()).err()?;
        Some(not_until.wait_time_from(governor::clock::Clock::now(
            &governor::clock::DefaultClock::default(),
        )))
    }

    /// How many keys the limiter holds now.
    pub fn tracked_keys(&self) -> usize {
        self.rate.as_ref().map_or(0, |rate| rate.len())
    }
}

/// A request as the router sees it: the decoded path, the documented route
/// it falls under, and the decoded names of its query parameters. However a
/// request is percent-encoded, it is classified by what it will reach.
struct Classified {
    path: String,
    template: Option<String>,
    method_known: bool,
    query_keys: Vec<String>,
}

impl Classified {
    fn of(req: &ServiceRequest) -> Self {
        let path = req.match_info().as_str().to_string();
        // Operations' and assets' paths have no parameters and no limits:
        // they skip the route lookup (health checks are the hottest path).
        let fixed = matches!(path.as_str(), "/healthz" | "/readyz" | "/metrics")
            || path.starts_with("/assets/")
            || path.starts_with("/docs");
        let route = req
            .app_data::<web::Data<RouteTable>>()
            .filter(|_| !fixed)
            .and_then(|routes| {
                routes.route_for(&path).map(|(t, methods)| {
                    (
                        t.to_string(),
                        methods.iter().any(|m| m == req.method().as_str()),
                    )
                })
            });
        let query_keys = if req.query_string().is_empty() {
            vec![]
        } else {
            url::form_urlencoded::parse(req.query_string().as_bytes())
                .map(|(key, _)| key.into_owned())
                .collect()
        };
        Self {
            path,
            method_known: route.as_ref().is_some_and(|(_, known)| *known),
            template: route.map(|(t, _)| t),
            query_keys,
        }
    }

    /// A path parameter (`{id}`) over the bound every parameter has: 400
    /// naming it, before any lookup.
    fn oversized_path_parameter(&self) -> Option<ApiError> {
        let template = self.template.as_deref()?;
        template
            .split('/')
            .zip(self.path.split('/'))
            .find(|(pattern, value)| {
                pattern.starts_with('{') && value.chars().count() > MAX_PARAM_CHARS
            })
            .map(|(pattern, _)| {
                let name = pattern.trim_matches(|c| c == '{' || c == '}');
                ApiError::bad_field(
                    name,
                    "length",
                    format!("must have at most {MAX_PARAM_CHARS} characters"),
                )
            })
    }

    fn searches(&self) -> bool {
        self.query_keys.iter().any(|k| k == "q")
    }

    fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }

    /// Writes and searches are what is expensive, or worth abusing.
    fn is_limited(&self, method: &Method) -> bool {
        // The journalists' page runs the same search as the API.
        if self.path == "/" || self.path.is_empty() {
            return self.searches();
        }
        if !self.is_api() {
            return false;
        }
        !is_read(method) || self.template.as_deref() == Some("/api/v1/search") || self.searches()
    }
}

fn is_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The client address, for requests without a (valid) key: the peer's,
/// or, behind a proxy the configuration trusts, the one it forwarded.
fn address_key(req: &ServiceRequest) -> String {
    let trusted = req
        .app_data::<web::Data<crate::formats::LinkBase>>()
        .is_some_and(|links| links.trusts_forwarded());
    let address = if trusted {
        req.connection_info()
            .realip_remote_addr()
            .map(str::to_string)
            .unwrap_or_default()
    } else {
        req.peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_default()
    };
    format!("ip:{address}")
}

/// An answer the guard gives itself, never cached.
fn early(req: ServiceRequest, error: ApiError) -> ServiceResponse<BoxBody> {
    let mut response = req.into_response(error.error_response());
    cache_policy(&mut response, false);
    response
}

/// The bearer token of a request; `Err` for an Authorization header that is
/// not a usable bearer token.
fn bearer_token(req: &ServiceRequest) -> Option<Result<String, ApiError>> {
    let header = req.headers().get(actix_web::http::header::AUTHORIZATION)?;
    Some(
        header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty() && t.len() <= 200)
            .ok_or_else(|| {
                ApiError::Unauthorized("Send the key as `Authorization: Bearer <key>`.".into())
            }),
    )
}

/// Who is calling, decided before any handler reads the body: no key, a
/// valid key, or a 401 for a key that is malformed, unknown or revoked.
async fn authenticate(req: &ServiceRequest) -> Result<Caller, ApiError> {
    let Some(token) = bearer_token(req) else {
        return Ok(Caller::default());
    };
    let token = token?;
    let pool = req
        .app_data::<web::Data<DbPool>>()
        .map(|p| p.get_ref().clone())
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no database pool registered")))?;
    let key = pool
        .run(move |conn| crate::keys::db::authenticate(conn, &token))
        .await?;
    Ok(Caller { key: Some(key) })
}

/// The middleware: authentication, rate limit, then the handler under the
/// request timeout.
pub async fn guard(
    mut req: ServiceRequest,
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
        return Ok(early(req, error));
    }
    let Some(limits) = req
        .app_data::<web::Data<Arc<Limits>>>()
        .map(|l| l.get_ref().clone())
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let method = req.method().clone();
    let classified = Classified::of(&req);
    if let Some(error) = classified.oversized_path_parameter() {
        return Ok(early(req, error));
    }
    // Keys are for the API; the page, assets and probes ignore them.
    let authenticated = if classified.is_api() {
        authenticate(&req).await
    } else {
        Ok(Caller::default())
    };
    let caller = match authenticated {
        Ok(caller) => caller,
        Err(error) => {
            // Failed keys count against the address: guessing costs like searching.
            if let Some(wait) = limits.check(&address_key(&req)) {
                return Ok(early(req, rate_limited(wait)));
            }
            return Ok(early(req, error));
        }
    };
    // Every write needs a key: say so before the body is read.
    if classified.is_api() && classified.method_known && !is_read(&method) && caller.key.is_none() {
        let error =
            ApiError::Unauthorized("This needs an API key (Authorization: Bearer <key>).".into());
        return Ok(early(req, error));
    }
    if classified.is_limited(&method) {
        let rate_key = match &caller.key {
            Some(key) => format!("key:{}", key.id),
            None => address_key(&req),
        };
        if let Some(wait) = limits.check(&rate_key) {
            return Ok(early(req, rate_limited(wait)));
        }
    }
    let public_read =
        matches!(method, Method::GET | Method::HEAD) && classified.is_api() && caller.key.is_none();
    req.extensions_mut().insert(caller);
    // HEAD is GET without the body (actix leaves the body out of a HEAD
    // answer); the handlers only know GET.
    let head = method == Method::HEAD;
    if head {
        req.head_mut().method = Method::GET;
    }
    // The request cannot be kept aside (routing needs it whole), so a
    // timeout is answered as an error, which actix turns into the response.
    let timeout = limits.request_timeout;
    // An import runs to its end: answering 503 "retry" while its
    // transaction goes on to commit would mislead. Its size is bounded.
    if classified.template.as_deref() == Some("/api/v1/import") {
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

fn rate_limited(wait: Duration) -> ApiError {
    ApiError::RateLimited {
        retry_after_secs: wait.as_secs().max(1),
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
        // A handler that knows better keeps its own policy: a photo whose
        // address carries its digest (a year), an answer that follows the
        // clock (no-store).
        if !headers.contains_key(CACHE_CONTROL) {
            headers.insert(
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=30"),
            );
        }
        // `Accept` picks JSON, vCard, CSV or JSON-LD; a key may see more.
        for name in ["Accept", "Authorization"] {
            let present = headers.get_all(VARY).any(|v| {
                v.to_str()
                    .is_ok_and(|v| v.split(',').any(|n| n.trim().eq_ignore_ascii_case(name)))
            });
            if !present {
                headers.append(VARY, HeaderValue::from_static(name));
            }
        }
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
    async fn the_limiter_forgets_keys_it_has_not_seen_lately() {
        // A bucket refills in a millisecond here, instead of a minute.
        let quota = Quota::per_second(NonZeroU32::new(1000).unwrap()).allow_burst(NonZeroU32::MIN);
        let limits = Limits::with_quota(Some(quota), Duration::from_secs(5));
        for i in 0..FORGET_EVERY - 10 {
            limits.check(&format!("key:{i}"));
        }
        assert_eq!(limits.tracked_keys() as u64, FORGET_EVERY - 10);

        std::thread::sleep(Duration::from_millis(20));
        for i in 0..20 {
            limits.check(&format!("other:{i}"));
        }

        assert!(
            limits.tracked_keys() <= 20,
            "{} keys kept",
            limits.tracked_keys()
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
