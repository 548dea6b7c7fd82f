//! Rate limits, the request timeout, security headers and CORS.

use crate::helpers::{assert_problem, spawn_app, spawn_with};

#[tokio::test]
async fn searches_and_writes_are_rate_limited_per_key_or_address() {
    let app = spawn_with(|s| s.rate_limit_per_minute = 10).await;

    let mut statuses = vec![];
    for _ in 0..5 {
        statuses.push(app.get("/api/v1/people?q=gallo").await.status().as_u16());
    }
    let limited = app.get("/api/v1/search?q=gallo").await;
    let plain_reads: Vec<u16> = futures_statuses(&app, "/api/v1/people", 10).await;
    let other_key = app
        .client
        .get(app.url("/api/v1/people?q=gallo"))
        .send()
        .await
        .unwrap();

    assert_eq!(statuses[0], 200);
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        limited.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_problem(limited, 429, "rate-limited").await;
    assert!(
        plain_reads.iter().all(|s| *s == 200),
        "plain reads are not limited: {plain_reads:?}"
    );
    assert_eq!(other_key.status(), 200, "a key has its own allowance");
}

async fn futures_statuses(app: &crate::helpers::TestApp, path: &str, n: usize) -> Vec<u16> {
    let mut out = vec![];
    for _ in 0..n {
        out.push(app.get(path).await.status().as_u16());
    }
    out
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;

    for path in ["/api/v1/people", "/api/v1/people/nobody", "/docs/", "/nope"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert!(!headers.contains_key("server"), "{path}: no server banner");
    }
}

#[tokio::test]
async fn cors_is_closed_by_default_and_read_only_when_opened() {
    let closed = spawn_app().await;
    let open = spawn_with(|s| s.cors_origins = vec!["https://newsroom.example".into()]).await;
    let preflight = |app: &crate::helpers::TestApp, method: &str| {
        app.public
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/people"))
            .header("Origin", "https://newsroom.example")
            .header("Access-Control-Request-Method", method.to_string())
            .send()
    };

    let default_get = closed
        .public
        .get(closed.url("/api/v1/people"))
        .header("Origin", "https://newsroom.example")
        .send()
        .await
        .unwrap();
    let read = preflight(&open, "GET").await.unwrap();
    let write = preflight(&open, "POST").await.unwrap();
    let other_origin = open
        .public
        .get(open.url("/api/v1/people"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();

    assert!(
        !default_get
            .headers()
            .contains_key("access-control-allow-origin")
    );
    assert_eq!(
        read.headers()["access-control-allow-origin"],
        "https://newsroom.example"
    );
    assert!(
        !write.status().is_success(),
        "writes from browsers are closed unless allowed"
    );
    assert!(
        !other_origin
            .headers()
            .contains_key("access-control-allow-origin")
    );
}
