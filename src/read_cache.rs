//! A short-lived cache of the public API's answers (issue 18).
//!
//! What it keeps: `GET /api/v1/...` answers to callers without a key that
//! the handler itself marked `Cache-Control: public` (what any shared cache
//! in front of the service may keep anyway), of a known size. Searches
//! (`/search`, any `q=`) are left out: their keys are too many to be worth
//! it, and their speed must not depend on repetition.
//!
//! How fresh: an answer is served for at most `ttl` (default 1 s) from the
//! moment its request started, so a change made through another instance,
//! the CLI, or the clock (an embargo ending, office hours) shows within
//! that delay. A write through this instance makes every kept answer stale
//! at once (a generation number), so the writer reads its own write.
//!
//! What it skips: keyed requests, `Cache-Control: no-cache`/`no-store`/
//! `max-age=0` and `Pragma: no-cache` (which refresh the entry instead),
//! conditional requests, and `HEAD`. A hit carries `Age`, as RFC 9111 asks
//! of caches. Its memory is bounded (`--read-cache-bytes`) and in the
//! metrics.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};

use crate::metrics::METRICS;

/// Answers larger than this are not kept (lists of 200 people fit).
pub const MAX_ENTRY_BYTES: usize = 512 * 1024;

/// Settings: how long an answer may be served, and the memory for all of them.
#[derive(Debug, Clone, Copy)]
pub struct ReadCacheSettings {
    /// Zero turns the cache off.
    pub ttl: Duration,
    pub max_bytes: u64,
}

struct Entry {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    generation: u64,
    /// When its request started: the data is at least this old.
    read_at: Instant,
}

#[derive(Clone)]
struct Weight;

impl quick_cache::Weighter<String, Arc<Entry>> for Weight {
    fn weight(&self, key: &String, entry: &Arc<Entry>) -> u64 {
        let headers: usize = entry
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 32)
            .sum();
        // The entry's own bookkeeping, roughly.
        (key.len() + entry.body.len() + headers + 128) as u64
    }
}

pub struct ReadCache {
    entries: quick_cache::sync::Cache<String, Arc<Entry>, Weight>,
    generation: AtomicU64,
    ttl: Duration,
    // The outcome counters, looked up once rather than per request.
    hits: prometheus::IntCounter,
    misses: prometheus::IntCounter,
    bypasses: prometheus::IntCounter,
}

impl ReadCache {
    pub fn new(settings: ReadCacheSettings) -> Self {
        // quick_cache sizes its table from an estimate of the items; 4 KB
        // is a person with their numbers.
        let estimated_items = (settings.max_bytes / 4096).clamp(16, 1 << 20) as usize;
        Self {
            entries: quick_cache::sync::Cache::with_weighter(
                estimated_items,
                settings.max_bytes.max(1),
                Weight,
            ),
            generation: AtomicU64::new(0),
            ttl: settings.ttl,
            hits: METRICS.read_cache_requests.with_label_values(&["hit"]),
            misses: METRICS.read_cache_requests.with_label_values(&["miss"]),
            bypasses: METRICS.read_cache_requests.with_label_values(&["bypass"]),
        }
    }

    /// Everything kept so far is stale: something was written.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.clear();
        self.record_size();
    }

    fn fresh(&self, key: &str) -> Option<Arc<Entry>> {
        let entry = self.entries.get(key)?;
        (entry.generation == self.generation.load(Ordering::SeqCst)
            && entry.read_at.elapsed() < self.ttl)
            .then_some(entry)
    }

    fn record_size(&self) {
        METRICS
            .read_cache_bytes
            .set(i64::try_from(self.entries.weight()).unwrap_or(i64::MAX));
        METRICS
            .read_cache_entries
            .set(i64::try_from(self.entries.len()).unwrap_or(i64::MAX));
    }
}

/// What identifies an answer: the URL, and every header that changes it
/// (the media type asked for, and the host and forwarding headers that
/// absolute links are built from).
fn key(req: &ServiceRequest) -> String {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.uri(),
        header("accept"),
        header("host"),
        header("forwarded"),
        header("x-forwarded-host"),
        header("x-forwarded-proto"),
    )
}

/// May this request be answered from the cache (or fill it)?
fn cacheable(req: &ServiceRequest) -> bool {
    // Decoded, as the router and the rate limit read them: `/%73earch` is
    // `/search` and `?%71=` is `?q=`, and both are searches.
    let path = req.match_info().as_str();
    let headers = req.headers();
    req.method() == Method::GET
        && path.starts_with("/api/v1/")
        && !path.starts_with("/api/v1/search")
        && !url::form_urlencoded::parse(req.query_string().as_bytes()).any(|(name, _)| name == "q")
        && !headers.contains_key(header::AUTHORIZATION)
        && !headers.contains_key(header::IF_NONE_MATCH)
        && !headers.contains_key(header::IF_MODIFIED_SINCE)
}

/// `Cache-Control: no-cache` and its kin: answer afresh (and keep that).
fn wants_fresh(req: &ServiceRequest) -> bool {
    let says = |name: header::HeaderName, words: &[&str]| {
        req.headers().get_all(name).any(|value| {
            value.to_str().is_ok_and(|v| {
                v.split(',')
                    .map(|d| d.trim().to_ascii_lowercase())
                    .any(|d| words.contains(&d.as_str()))
            })
        })
    };
    says(
        header::CACHE_CONTROL,
        &["no-cache", "no-store", "max-age=0"],
    ) || says(header::PRAGMA, &["no-cache"])
}

fn storable<B: MessageBody>(response: &ServiceResponse<B>) -> bool {
    response.status() == StatusCode::OK
        && response
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|d| d.trim() == "public"))
        && matches!(response.response().body().size(), BodySize::Sized(n) if n as usize <= MAX_ENTRY_BYTES)
}

/// The middleware: answers from the cache, fills it, and empties it on writes.
pub async fn serve(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(cache) = req
        .app_data::<web::Data<ReadCache>>()
        .filter(|c| !c.ttl.is_zero())
        .cloned()
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let response = next.call(req).await;
        // After the write has committed, so no read can keep what it
        // replaced. A refused request wrote nothing (writes are
        // transactions); one that failed or timed out may still commit.
        if !matches!(&response, Ok(r) if r.status().is_client_error()) {
            cache.invalidate();
        }
        return Ok(response?.map_into_boxed_body());
    }
    if !cacheable(&req) {
        cache.bypasses.inc();
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let key = key(&req);
    let refresh = wants_fresh(&req);
    if !refresh && let Some(entry) = cache.fresh(&key) {
        cache.hits.inc();
        let mut response = HttpResponse::new(entry.status);
        for (name, value) in &entry.headers {
            response.headers_mut().append(name.clone(), value.clone());
        }
        let age = entry.read_at.elapsed().as_secs();
        response
            .headers_mut()
            .insert(header::AGE, HeaderValue::from(age));
        let response = response.set_body(BoxBody::new(entry.body.clone()));
        return Ok(req.into_response(response));
    }
    cache.misses.inc();
    let generation = cache.generation.load(Ordering::SeqCst);
    let read_at = Instant::now();
    let response = next.call(req).await?;
    if !storable(&response) {
        return Ok(response.map_into_boxed_body());
    }
    let (req, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    cache.entries.insert(
        key,
        Arc::new(Entry {
            status: head.status(),
            headers: head.headers().clone(),
            body: body.clone(),
            generation,
            read_at,
        }),
    );
    cache.record_size();
    Ok(ServiceResponse::new(req, head.set_body(BoxBody::new(body))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn its_memory_stays_within_its_budget() {
        let budget = 64 * 1024;
        let cache = ReadCache::new(ReadCacheSettings {
            ttl: Duration::from_secs(1),
            max_bytes: budget,
        });
        for i in 0..1000 {
            let entry = Entry {
                status: StatusCode::OK,
                headers: HeaderMap::new(),
                body: Bytes::from(vec![b'x'; 2000]),
                generation: 0,
                read_at: Instant::now(),
            };
            cache
                .entries
                .insert(format!("/api/v1/people/{i}"), Arc::new(entry));
        }
        assert!(cache.entries.weight() <= budget);
        assert!(cache.entries.len() > 10, "it keeps what fits");
        let kept = (0..1000)
            .map(|i| format!("/api/v1/people/{i}"))
            .find(|key| cache.fresh(key).is_some())
            .expect("something kept");
        cache.invalidate();
        assert!(
            cache.fresh(&kept).is_none(),
            "a write makes everything stale"
        );
    }
}
