//! Issue 18: the read cache keeps the API's contract. A write shows at once
//! on the instance that made it, and within the cache's delay on another
//! instance sharing the database; keyed reads, searches and `no-cache`
//! bypass it; a hit says so with `Age`.

use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_with};

const JORGE: &str = "/api/v1/people/jorge-gallo";

async fn public_get(base: &str, path: &str) -> (HeaderMap, Value) {
    let response = reqwest::get(format!("{base}{path}")).await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    (headers, response.json().await.unwrap())
}

/// Another server on the same database, with its own cache.
async fn beside(app: &TestApp, ttl: Duration) -> String {
    crate::helpers::beside(app, |s| s.read_cache_ttl = ttl).await
}

#[tokio::test]
async fn a_write_shows_at_once_here_and_within_the_delay_on_another_instance() {
    let ttl = Duration::from_millis(400);
    let a = spawn_with(|s| s.read_cache_ttl = ttl).await;
    let b = beside(&a, ttl).await;
    for base in [&a.address, &b] {
        public_get(base, JORGE).await;
        let (headers, _) = public_get(base, JORGE).await;
        assert!(headers.contains_key("age"), "the second read is a hit");
    }

    let response = a
        .client
        .patch(a.url(JORGE))
        .json(&json!({"job_title": "Night desk liaison"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let written = Instant::now();

    // The instance that wrote it: at once.
    let (headers, read) = public_get(&a.address, JORGE).await;
    assert_eq!(read["job_title"], "Night desk liaison");
    assert!(!headers.contains_key("age"));

    // The other: any read that starts once the delay has passed is fresh.
    let mut fresh_after = None;
    while written.elapsed() < ttl + Duration::from_millis(400) {
        let started = written.elapsed();
        let (_, read) = public_get(&b, JORGE).await;
        let is_fresh = read["job_title"] == "Night desk liaison";
        if started > ttl {
            assert!(is_fresh, "stale {started:?} after the write");
        }
        if is_fresh && fresh_after.is_none() {
            fresh_after = Some(started);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(fresh_after.is_some());
}

#[tokio::test]
async fn keys_searches_and_no_cache_bypass_it_and_it_is_measured() {
    // A long delay, so that nothing here depends on timing.
    let app = spawn_with(|s| s.read_cache_ttl = Duration::from_secs(60)).await;
    public_get(&app.address, JORGE).await;
    let (hit, cached) = public_get(&app.address, JORGE).await;
    assert!(hit.contains_key("age"));
    assert_eq!(hit["cache-control"], "public, max-age=30");

    // A change the cache cannot see (straight in the database, as another
    // instance or the CLI would make it) is still served until the delay...
    {
        use diesel::prelude::*;
        use pressdir::db::schema::people;
        let mut conn = app.primary.get().unwrap();
        diesel::update(people::table.filter(people::slug.eq("jorge-gallo")))
            .set(people::job_title.eq("Changed elsewhere"))
            .execute(&mut conn)
            .unwrap();
    }
    let (_, read) = public_get(&app.address, JORGE).await;
    assert_eq!(read["job_title"], cached["job_title"]);

    // ...but not to a key, nor to `no-cache`, which also refreshes the entry.
    let keyed = app.client.get(app.url(JORGE)).send().await.unwrap();
    assert!(!keyed.headers().contains_key("age"));
    let keyed: Value = keyed.json().await.unwrap();
    assert_eq!(keyed["job_title"], "Changed elsewhere");
    let refreshed = app
        .public
        .get(app.url(JORGE))
        .header("cache-control", "no-cache")
        .send()
        .await
        .unwrap();
    assert!(!refreshed.headers().contains_key("age"));
    let (_, read) = public_get(&app.address, JORGE).await;
    assert_eq!(read["job_title"], "Changed elsewhere");

    // Searches (however spelled) and conditional reads are always answered afresh.
    for search in [
        "/api/v1/people?q=gallo",
        "/api/v1/people?%71=gallo",
        "/api/v1/%73earch?q=gallo",
    ] {
        for _ in 0..2 {
            let (headers, _) = public_get(&app.address, search).await;
            assert!(!headers.contains_key("age"), "{search}");
        }
    }
    let etag = hit["etag"].to_str().unwrap();
    let conditional = app
        .public
        .get(app.url(JORGE))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert!(!conditional.headers().contains_key("age"));

    // A refused write empties nothing; a write does.
    let refused = app
        .public
        .patch(app.url(JORGE))
        .json(&json!({"job_title": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let (headers, _) = public_get(&app.address, JORGE).await;
    assert!(headers.contains_key("age"));

    let metrics = app.get("/metrics").await.text().await.unwrap();
    for series in [
        "pressdir_read_cache_requests_total{outcome=\"hit\"}",
        "pressdir_read_cache_requests_total{outcome=\"bypass\"}",
        "pressdir_read_cache_bytes",
        "pressdir_read_cache_entries",
    ] {
        assert!(metrics.contains(series), "{series} missing from /metrics");
    }
}

#[tokio::test]
async fn a_zero_delay_turns_it_off() {
    let app = spawn_with(|s| s.read_cache_ttl = Duration::ZERO).await;
    for _ in 0..2 {
        let (headers, _) = public_get(&app.address, JORGE).await;
        assert!(!headers.contains_key("age"));
    }
}
