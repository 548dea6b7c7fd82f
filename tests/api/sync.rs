//! Mirroring the directory incrementally: every change seen exactly once.

use pressdir::keys::Scope;
use serde_json::{Value, json};

use crate::helpers::{TestApp, client_with, create_key, spawn_app};

/// Walks a change feed from `since`, two at a time; returns (id, version) of
/// each change and the `updated_at` of the last one.
async fn sync(
    app: &TestApp,
    partner: &reqwest::Client,
    since: &str,
) -> (Vec<(String, i64, bool)>, String) {
    let base = format!("/api/v1/people?include_archived=true&limit=2&updated_since={since}");
    let mut seen = vec![];
    let mut last = since.to_string();
    let mut path = Some(base.clone());
    while let Some(p) = path {
        let page: Value = partner
            .get(app.url(&p))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for item in page["items"].as_array().unwrap() {
            seen.push((
                item["slug"].as_str().unwrap().to_string(),
                item["version"].as_i64().unwrap(),
                item["archived_at"].is_string(),
            ));
            last = item["updated_at"].as_str().unwrap().to_string();
        }
        path = page["next_cursor"]
            .as_str()
            .map(|c| format!("{base}&cursor={c}"));
    }
    (seen, last)
}

#[tokio::test]
async fn an_incremental_sync_sees_every_change_once_with_tombstones() {
    let app = spawn_app().await;
    let partner = client_with(&create_key(&app.primary, "mirror", &[Scope::ReadInternal]));

    let (first, mark) = sync(&app, &partner, "1970-01-01T00:00:00Z").await;
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"job_title": "Media Officer"}),
    )
    .await;
    app.create_person("Ana Pérez", None).await;
    app.delete("/api/v1/people/liz-lizama").await;
    let (second, mark2) = sync(&app, &partner, &mark).await;
    let (third, _) = sync(&app, &partner, &mark2).await;

    assert_eq!(first.len(), 4, "everyone, once: {first:?}");
    let slugs: Vec<(&str, bool)> = second
        .iter()
        .map(|(s, _, archived)| (s.as_str(), *archived))
        .collect();
    assert_eq!(
        slugs,
        vec![
            ("jorge-gallo", false),
            ("ana-perez", false),
            ("liz-lizama", true)
        ],
        "in the order they changed, the deletion as a tombstone"
    );
    assert!(third.is_empty(), "nothing twice: {third:?}");
}

#[tokio::test]
async fn list_pages_carry_etags_and_public_reads_may_be_cached_briefly() {
    let app = spawn_app().await;

    let first = app.get("/api/v1/people").await;
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(first.headers()["cache-control"], "public, max-age=30");
    let again = app
        .public
        .get(app.url("/api/v1/people"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    let with_key = app
        .client
        .get(app.url("/api/v1/people"))
        .send()
        .await
        .unwrap();
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"job_title": "Media Officer"}),
    )
    .await;
    let changed = app
        .public
        .get(app.url("/api/v1/people"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();

    assert_eq!(again.status(), 304);
    assert_eq!(
        with_key.headers()["cache-control"],
        "private, no-store",
        "authenticated answers are never cached"
    );
    assert_eq!(changed.status(), 200);
}

#[tokio::test]
async fn single_resources_say_when_they_last_changed() {
    let app = spawn_app().await;

    let response = app.get("/api/v1/people/jorge-gallo").await;

    let last_modified = response.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_string();
    let person: Value = response.json().await.unwrap();
    let updated_at =
        chrono::DateTime::parse_from_rfc3339(person["updated_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        last_modified,
        updated_at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
    );
}
