//! Issue 17: release feeds, Atom and JSON Feed, read back by Python's
//! feedparser (required in CI, skipped with a message elsewhere).

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

/// What a feed parser reads from a feed: its version, title, and each
/// entry's id, title, link, summary and date.
fn feedparser(feed: &str) -> Option<Value> {
    // Atom through feedparser; JSON Feed through jsonfeed-util (feedparser
    // reads JSON Feed only from its unreleased 7.0), and the dates checked.
    let script = r#"
import json, sys
from datetime import datetime
data = open(sys.argv[1], "rb").read()
if data.lstrip().startswith(b"{"):
    import jsonfeed
    raw = json.loads(data)
    feed = jsonfeed.Feed.parse(raw)
    for item in feed.items:
        for date in (item.date_published, item.date_modified):
            datetime.fromisoformat(date.replace("Z", "+00:00"))
        if not (item.content_text or item.content_html):
            raise SystemExit(f"item {item.id} has no content")
    print(json.dumps({
        "version": {"https://jsonfeed.org/version/1.1": "json11"}.get(raw.get("version")),
        "title": feed.title,
        "entries": [{"id": i.id, "title": i.title, "link": i.url, "summary": i.summary,
                     "published": i.date_published} for i in feed.items],
    }))
else:
    import feedparser
    d = feedparser.parse(data, response_headers={"content-type": "application/atom+xml"})
    if d.bozo:
        raise SystemExit(f"not well-formed: {d.bozo_exception!r}")
    print(json.dumps({
        "version": d.version,
        "title": d.feed.get("title"),
        "entries": [{"id": e.get("id"), "title": e.get("title"), "link": e.get("link"),
                     "summary": e.get("summary"), "published": e.get("published")} for e in d.entries],
    }))
"#;
    crate::helpers::python_reads(script, feed, "PRESSDIR_REQUIRE_FEEDPARSER", "feedparser")
}

async fn feed(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, String) {
    let response = app.public.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    (headers, response.text().await.unwrap())
}

const SPANISH: &str = "La OIM abre una oficina en Guatemala <y> “más” & otras\nCiudad de Guatemala – La OIM inauguró hoy una oficina para apoyar a las personas migrantes de la región. “Estamos aquí para ayudar”, dijo Jorge Gallo, portavoz de la OIM.";

#[tokio::test]
async fn feeds_of_all_releases_and_by_office_person_topic_and_language_parse() {
    let app = spawn_app().await;
    let (title, body) = SPANISH.split_once('\n').unwrap();
    let created = app
        .create(
            "/api/v1/releases",
            json!({"title": title, "body": body, "language": "es", "office_id": "iom-regional-office-san-jose", "published_on": "2026-11-20"}),
        )
        .await;
    let spanish_id = created["id"].as_str().unwrap().to_string();
    app.create(
        &format!("/api/v1/releases/{spanish_id}/appearances"),
        json!({"person_id": "jorge-gallo", "role": "quoted"}),
    )
    .await;
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"topics": ["migration", "Central America"]}),
    )
    .await;

    let (headers, atom) = feed(&app, "/api/v1/feeds/releases.atom").await;
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let (_, json_feed) = feed(&app, "/api/v1/feeds/releases.json").await;
    let parsed: Value = serde_json::from_str(&json_feed).unwrap();
    assert_eq!(parsed["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(parsed["items"].as_array().unwrap().len(), 2);
    assert_eq!(parsed["items"][0]["id"], spanish_id, "newest first");
    assert_eq!(
        parsed["items"][0]["title"], "La OIM abre una oficina en Guatemala <y> “más” & otras",
        "text as text"
    );
    if let Some(read) = feedparser(&atom) {
        assert_eq!(read["version"], "atom10");
        let entries = read["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0]["id"], format!("urn:uuid:{spanish_id}"));
        assert_eq!(
            entries[0]["title"],
            "La OIM abre una oficina en Guatemala <y> “más” & otras"
        );
        let slug = created["slug"].as_str().unwrap();
        assert!(
            entries[0]["link"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/releases/{slug}"))
        );
        assert!(
            entries[0]["published"]
                .as_str()
                .unwrap()
                .starts_with("2026-11-20")
        );
    }
    if let Some(read) = feedparser(&json_feed) {
        assert_eq!(read["version"], "json11");
        assert_eq!(read["entries"].as_array().unwrap().len(), 2);
    }
    // Each filter, in both formats.
    for (query, expected) in [
        ("office=iom-regional-office-san-jose", 1),
        ("language=es", 1),
        ("person=jorge-gallo", 2),
        ("topic=Central%20America", 2),
        ("topic=climate", 0),
        ("office=iom-washington", 1),
    ] {
        let (_, body) = feed(&app, &format!("/api/v1/feeds/releases.json?{query}")).await;
        let items: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            items["items"].as_array().unwrap().len(),
            expected,
            "{query}"
        );
        let (_, atom) = feed(&app, &format!("/api/v1/feeds/releases.atom?{query}")).await;
        if let Some(read) = feedparser(&atom) {
            assert_eq!(
                read["entries"].as_array().unwrap().len(),
                expected,
                "{query}"
            );
        }
    }
}

#[tokio::test]
async fn feeds_answer_conditional_gets_and_are_linked_from_lists_and_pages() {
    let app = spawn_app().await;
    let path = "/api/v1/feeds/releases.atom?office=iom-washington";
    let (headers, _) = feed(&app, path).await;
    let etag = headers["etag"].to_str().unwrap().to_string();
    let last_modified = headers["last-modified"].to_str().unwrap().to_string();
    for (name, value) in [
        ("if-none-match", &etag),
        ("if-modified-since", &last_modified),
    ] {
        let again = app
            .public
            .get(app.url(path))
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{name}");
    }
    // A change to a release in the feed: a new tag.
    let releases = app.get_json("/api/v1/releases?office=iom-washington").await;
    let id = releases["items"][0]["id"].as_str().unwrap();
    app.patch(
        &format!("/api/v1/releases/{id}"),
        &json!({"summary": "Changed"}),
    )
    .await;
    let changed = app
        .public
        .get(app.url(path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    // A release leaving the feed (archived) moves Last-Modified too.
    let last_modified = changed.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_string();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        app.delete(&format!("/api/v1/releases/{id}")).await.status(),
        204
    );
    let after_archive = app
        .public
        .get(app.url(path))
        .header("if-modified-since", &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(after_archive.status(), 200, "not a stale 304");

    let list = app
        .public
        .get(app.url("/api/v1/releases?office=iom-washington"))
        .send()
        .await
        .unwrap();
    let links: Vec<&str> = list
        .headers()
        .get_all("link")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        links.iter().any(|l| l.contains("</api/v1/feeds/releases.atom?office=iom-washington>; rel=\"alternate\"; type=\"application/atom+xml\"")),
        "{links:?}"
    );
    let page = app.get_as("/offices/iom-washington", "text/html").await;
    assert!(page.contains(r#"<link rel="alternate" type="application/atom+xml""#));
    assert!(page.contains(r#"href="/api/v1/feeds/releases.json?office=iom-washington""#));

    // Bad input: named, never a 500.
    assert_problem(
        app.get("/api/v1/feeds/releases.atom?colour=red").await,
        400,
        "bad-request",
    )
    .await;
    let long = "x".repeat(201);
    assert_problem(
        app.get(&format!("/api/v1/feeds/releases.json?topic={long}"))
            .await,
        400,
        "bad-request",
    )
    .await;
}
