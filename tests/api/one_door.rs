//! One door for every write: whichever way a change comes in (the API,
//! ingestion, import, restore, the seed), the same rules hold: a new
//! version and `updated_at`, a place in the change feed, an audit row,
//! search by the new text and not by the old, a new ETag.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// What a person looked like before a change.
struct Before {
    version: i64,
    updated_at: String,
    audited: usize,
}

/// The audit rows about a person: their own, and their contact points'
/// (a contact point is part of its owner's record).
async fn audit_of(app: &TestApp, id: &str) -> Vec<Value> {
    let trail: Value = app
        .client
        .get(app.url("/api/v1/audit?limit=200"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    trail["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|e| {
            e["entity_id"] == id || e["after"]["person_id"] == id || e["before"]["person_id"] == id
        })
        .collect()
}

async fn before(app: &TestApp, slug: &str) -> Before {
    let person = app.get_json(&format!("/api/v1/people/{slug}")).await;
    Before {
        version: person["version"].as_i64().unwrap(),
        updated_at: person["updated_at"].as_str().unwrap().to_string(),
        audited: audit_of(app, person["id"].as_str().unwrap()).await.len(),
    }
}

async fn found(app: &TestApp, path: &str, slug: &str) -> bool {
    let page = app.get_json(path).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|item| item["slug"] == slug || item["person"]["slug"] == slug)
}

/// Every rule of a change, checked on the person as the public sees it.
async fn assert_changed(
    app: &TestApp,
    slug: &str,
    was: &Before,
    new_word: &str,
    old_word: Option<&str>,
) {
    let response = app.get(&format!("/api/v1/people/{slug}")).await;
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let person: Value = response.json().await.unwrap();
    let version = person["version"].as_i64().unwrap();
    assert!(
        version > was.version,
        "{slug}: version {} -> {version}",
        was.version
    );
    assert_eq!(
        etag,
        format!("\"{version}\""),
        "{slug}: the ETag follows the version"
    );
    let updated_at = person["updated_at"].as_str().unwrap();
    assert!(
        updated_at > was.updated_at.as_str(),
        "{slug}: updated_at {} -> {updated_at}",
        was.updated_at
    );
    let since = was.updated_at.replace('+', "%2B");
    assert!(
        found(app, &format!("/api/v1/people?updated_since={since}"), slug).await,
        "{slug} is in the change feed"
    );
    let audited = audit_of(app, person["id"].as_str().unwrap()).await.len();
    assert!(
        audited > was.audited,
        "{slug}: audit rows {} -> {audited}",
        was.audited
    );
    assert!(
        found(app, &format!("/api/v1/people?q={new_word}"), slug).await,
        "{slug} is found by {new_word}"
    );
    if let Some(old) = old_word {
        assert!(
            !found(app, &format!("/api/v1/people?q={old}"), slug).await,
            "{slug} is no longer found by {old}"
        );
    }
}

#[tokio::test]
async fn a_change_through_the_api_keeps_every_rule() {
    let app = spawn_app().await;
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"job_title": "Walrus Officer"}),
    )
    .await;
    let was = before(&app, "jorge-gallo").await;

    let response = app
        .patch(
            "/api/v1/people/jorge-gallo",
            &json!({"job_title": "Okapi Officer"}),
        )
        .await;

    assert_eq!(response.status(), 200);
    assert_changed(&app, "jorge-gallo", &was, "okapi", Some("walrus")).await;
}

/// The second gap: a number kept as printed for a known person (whose
/// title is already set, so nothing else changes) once left the person's
/// version, updated_at, change feed and audit trail as they were.
#[tokio::test]
async fn a_number_kept_as_printed_by_ingestion_changes_its_person() {
    let app = spawn_app().await;
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"job_title": "Walrus Officer"}),
    )
    .await;
    let was = before(&app, "jorge-gallo").await;
    let text = "Border Shelters Expand Across the Region\nSan José – IOM is expanding its network of shelters along the main migration routes this year.\nMedia contacts:\nJorge Gallo, Walrus Officer, IOM San José, Tel: +999 1234 5678, Email: jgallo@iom.int";

    let response = app
        .post("/api/v1/releases/ingest", &json!({"text": text}))
        .await;

    assert_eq!(response.status(), 201);
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(person["job_title"], "Walrus Officer", "not overwritten");
    assert_changed(&app, "jorge-gallo", &was, "walrus", None).await;
}

#[tokio::test]
async fn a_change_through_ingestion_keeps_every_rule() {
    // A known person (same email) printed with a title and a number that
    // does not read as one: kept as printed, and the person changed.
    let app = spawn_app().await;
    let was = before(&app, "jorge-gallo").await;
    let text = "Border Shelters Expand Across the Region\nSan José – IOM is expanding its network of shelters along the main migration routes this year.\nMedia contacts:\nJorge Gallo, Zebra Liaison Officer, IOM San José, Tel: +999 1234 5678, Email: jgallo@iom.int";

    let response = app
        .post("/api/v1/releases/ingest", &json!({"text": text}))
        .await;

    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    let displays: Vec<&str> = person["contact_points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cp| cp["display"].as_str().unwrap())
        .collect();
    assert!(displays.contains(&"+999 1234 5678"), "{displays:?}");
    assert_changed(&app, "jorge-gallo", &was, "zebra", None).await;
}

#[tokio::test]
async fn a_change_through_import_keeps_every_rule_and_an_identical_row_is_untouched() {
    let app = spawn_app().await;
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"job_title": "Walrus Officer"}),
    )
    .await;
    let mut document = app.export_document().await;
    for person in document["people"].as_array_mut().unwrap() {
        if person["slug"] == "jorge-gallo" {
            person["job_title"] = json!("Okapi Officer");
        }
    }
    let was = before(&app, "jorge-gallo").await;
    let untouched = before(&app, "liz-lizama").await;

    let response = app.import_document(&document).await;

    assert_eq!(response.status(), 200);
    assert_changed(&app, "jorge-gallo", &was, "okapi", Some("walrus")).await;
    let liz = app.get_json("/api/v1/people/liz-lizama").await;
    assert_eq!(
        liz["version"].as_i64().unwrap(),
        untouched.version,
        "identical: untouched"
    );
    assert_eq!(liz["updated_at"], untouched.updated_at);
    let since = was.updated_at.replace('+', "%2B");
    assert!(
        !found(
            &app,
            &format!("/api/v1/people?updated_since={since}"),
            "liz-lizama"
        )
        .await,
        "an identical row is not in the feed"
    );
}

#[tokio::test]
async fn a_restore_keeps_every_rule() {
    let app = spawn_app().await;
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"job_title": "Okapi Officer"}),
    )
    .await;
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    let id = person["id"].as_str().unwrap().to_string();
    app.delete("/api/v1/people/jorge-gallo").await;
    assert!(
        !found(&app, "/api/v1/people?q=okapi", "jorge-gallo").await,
        "hidden while archived"
    );
    // Archiving took the next version; the restore must take one more.
    let was = Before {
        version: person["version"].as_i64().unwrap() + 1,
        updated_at: person["updated_at"].as_str().unwrap().to_string(),
        audited: audit_of(&app, &id).await.len(),
    };

    let restored = app
        .client
        .post(app.url(&format!("/api/v1/people/{id}/restore")))
        .send()
        .await
        .unwrap();

    assert_eq!(restored.status(), 204);
    assert_changed(&app, "jorge-gallo", &was, "okapi", None).await;
}

#[tokio::test]
async fn the_seed_writes_through_the_same_door() {
    let app = spawn_app().await;

    for slug in ["jorge-gallo", "liz-lizama", "luca-dalloglio"] {
        let response = app.get(&format!("/api/v1/people/{slug}")).await;
        let etag = response.headers()["etag"].to_str().unwrap().to_string();
        let person: Value = response.json().await.unwrap();
        assert_eq!(etag, format!("\"{}\"", person["version"]), "{slug}");
        let trail = audit_of(&app, person["id"].as_str().unwrap()).await;
        assert!(
            trail
                .iter()
                .any(|e| e["action"] == "create" && e["actor"] == "cli"),
            "{slug}: the seed's create is audited as cli"
        );
        let name = person["full_name"]
            .as_str()
            .unwrap()
            .split(' ')
            .next_back()
            .unwrap()
            .to_lowercase();
        assert!(
            found(&app, &format!("/api/v1/people?q={name}"), slug).await,
            "{slug} by {name}"
        );
        assert!(
            found(
                &app,
                "/api/v1/people?updated_since=2000-01-01T00:00:00Z",
                slug
            )
            .await
        );
    }
}

/// The first gap: an office's new name reaches its releases' documents.
#[tokio::test]
async fn renaming_an_office_changes_what_its_releases_are_found_by() {
    let app = spawn_app().await;
    let office = app
        .create(
            "/api/v1/offices",
            json!({"name": "Mongoose Desk", "kind": "country_office", "country_code": "KE"}),
        )
        .await;
    let release = app
        .create(
            "/api/v1/releases",
            json!({"title": "Water points reopen", "office_id": office["id"]}),
        )
        .await;
    let slug = release["slug"].as_str().unwrap();

    let renamed = app
        .patch(
            &format!("/api/v1/offices/{}", office["id"].as_str().unwrap()),
            &json!({"name": "Pangolin Desk"}),
        )
        .await;

    assert_eq!(renamed.status(), 200);
    assert!(found(&app, "/api/v1/releases?q=pangolin", slug).await);
    assert!(!found(&app, "/api/v1/releases?q=mongoose", slug).await);
    let hits = app.get_json("/api/v1/search?q=pangolin&type=release").await;
    assert!(hits["items"].to_string().contains(slug), "{hits}");
    let old = app.get_json("/api/v1/search?q=mongoose").await;
    assert!(!old["items"].to_string().contains(slug), "{old}");
}

/// Parts changed by an import change their owner once, as through the API:
/// a contact point its person (and the person it moved from), an
/// appearance its release.
#[tokio::test]
async fn an_import_that_changes_parts_changes_their_owners() {
    let app = spawn_app().await;
    let mut document = app.export_document().await;
    let jorge = app.get_json("/api/v1/people/jorge-gallo").await;
    let liz = app.get_json("/api/v1/people/liz-lizama").await;
    let release = app.get_json("/api/v1/releases").await["items"][0].clone();
    // Jorge's email moves to Liz; the first appearance gets a new quote.
    for cp in document["contact_points"].as_array_mut().unwrap() {
        if cp["person_id"] == jorge["id"] && cp["kind"] == "email" {
            cp["person_id"] = liz["id"].clone();
        }
    }
    document["appearances"][0]["quote"] = json!("A quote changed by an import.");

    let response = app.import_document(&document).await;

    assert_eq!(response.status(), 200);
    let jorge_after = app.get_json("/api/v1/people/jorge-gallo").await;
    let liz_after = app.get_json("/api/v1/people/liz-lizama").await;
    let release_after = app
        .get_json(&format!(
            "/api/v1/releases/{}",
            release["slug"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        jorge_after["version"].as_i64(),
        jorge["version"].as_i64().map(|v| v + 1)
    );
    assert_eq!(
        liz_after["version"].as_i64(),
        liz["version"].as_i64().map(|v| v + 1)
    );
    assert_eq!(
        release_after["version"].as_i64(),
        release["version"].as_i64().map(|v| v + 1)
    );
    assert!(
        !found(&app, "/api/v1/people?q=jgallo", "jorge-gallo").await,
        "the old owner is no longer found by the moved email"
    );
    assert!(found(&app, "/api/v1/people?q=jgallo", "liz-lizama").await);
}
