//! Export and import: lossless round trips, all-or-nothing imports.

use pressdir::keys::Scope;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, assert_problem, client_with, create_key, failing_fields, spawn_app, spawn_empty_app,
};

async fn export(app: &TestApp) -> String {
    let response = app
        .client
        .get(app.url("/api/v1/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

async fn import(app: &TestApp, body: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/import"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn export_then_import_into_an_empty_directory_gives_the_same_document() {
    let source = spawn_app().await;
    source.delete("/api/v1/people/liz-lizama").await;
    source
        .create(
            "/api/v1/people/jorge-gallo/contact-points",
            json!({"kind": "mobile", "value": "+506 8888 0000", "visibility": "internal"}),
        )
        .await;
    source
        .create(
            "/api/v1/offices/iom-regional-office-san-jose/duty",
            json!({"person_id": "jorge-gallo", "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2026-12-01T08:00:00Z", "note": "Night shift"}),
        )
        .await;
    source
        .patch(
            "/api/v1/offices/iom-regional-office-san-jose",
            &json!({"hours": {"weekly": {"mon": [{"from": "08:00", "to": "17:00"}]}, "exceptions": [{"from": "2026-12-24", "to": "2026-12-26"}]}}),
        )
        .await;
    let patched = source
        .patch(
            "/api/v1/people/jorge-gallo",
            &json!({"pronouns": "he/him", "social_profiles": [{"service": "Mastodon", "url": "https://mastodon.social/@jgallo"}]}),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let photo = crate::photo::put(
        &source,
        "image/png",
        crate::photo::encoded(500, 300, image::ImageFormat::Png),
    )
    .await;
    assert_eq!(photo.status(), 200);
    let photo_url = source.get_json("/api/v1/people/jorge-gallo").await["photo_url"].clone();
    source.create("/api/v1/releases/ingest", json!({"text": "IOM Opens Office in Lima\nLima – IOM opened a new office in Lima today to support migrants from the region.\n“We are here,” said Rosa Quispe, IOM Peru Chief of Mission."})).await;
    let document = export(&source).await;

    let target = spawn_empty_app().await;
    let imported = import(&target, &document).await;

    assert_eq!(imported.status(), 200);
    let summary: Value = imported.json().await.unwrap();
    assert_eq!(summary["people"], 5);
    assert_eq!(summary["duty_assignments"], 1, "the rota travels too");
    assert_eq!(summary["person_photos"], 1, "and the photos");
    assert_eq!(export(&target).await, document, "byte for byte");
    let jorge = target.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(
        jorge["photo_url"], photo_url,
        "the same photo, the same address"
    );
    let served = |app: &TestApp| {
        let url = app.url(photo_url.as_str().unwrap());
        let client = app.public.clone();
        async move { client.get(url).send().await.unwrap().bytes().await.unwrap() }
    };
    assert_eq!(served(&target).await, served(&source).await);
    let found = target.get_json("/api/v1/people?q=dalloglio").await;
    assert_eq!(
        found["items"][0]["slug"], "luca-dalloglio",
        "search works on imported rows"
    );
    assert_problem(
        target.get("/api/v1/people/liz-lizama").await,
        404,
        "not-found",
    )
    .await;
}

#[tokio::test]
async fn an_import_with_problems_lists_them_all_and_writes_nothing() {
    let app = spawn_app().await;
    let mut document: Value = serde_json::from_str(&export(&app).await).unwrap();
    document["offices"][0]["country_code"] = json!("XX");
    document["people"][0]["office_id"] = json!("0190f5a8-1b2c-7d3e-8f40-123456789abc");
    document["people"][1]["full_name"] = json!("Changed");

    let response = import(&app, &document.to_string()).await;

    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(
        failing_fields(&problem),
        vec!["offices[0].country_code", "people[0].office_id"]
    );
    assert_ne!(
        app.get_json(&format!(
            "/api/v1/people/{}",
            document["people"][1]["id"].as_str().unwrap()
        ))
        .await["full_name"],
        "Changed"
    );
}

#[tokio::test]
async fn importing_into_a_directory_upserts_by_id() {
    let app = spawn_app().await;
    let mut document: Value = serde_json::from_str(&export(&app).await).unwrap();
    let jorge = document["people"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|p| p["slug"] == "jorge-gallo")
        .unwrap();
    jorge["job_title"] = json!("Media Officer");

    let response = import(&app, &document.to_string()).await;

    assert_eq!(response.status(), 200);
    assert_eq!(
        app.get_json("/api/v1/people/jorge-gallo").await["job_title"],
        "Media Officer"
    );
    assert_eq!(
        app.get_json("/api/v1/people").await["items"]
            .as_array()
            .unwrap()
            .len(),
        4,
        "no duplicates"
    );
}

#[tokio::test]
async fn export_and_import_are_for_admins() {
    let app = spawn_app().await;
    let writer = client_with(&create_key(&app.primary, "writer", &[Scope::Write]));

    assert_problem(
        writer.get(app.url("/api/v1/export")).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    assert_problem(app.get("/api/v1/export").await, 401, "unauthorized").await;
    let bad = import(&app, "{\"format\": \"pressdir-export\"").await;
    assert_problem(bad, 400, "bad-request").await;
}

#[tokio::test]
async fn the_streamed_export_is_the_same_document() {
    let app = spawn_app().await;
    app.delete("/api/v1/people/liz-lizama").await;
    let pool =
        pressdir::db::DbPool::connect(&app.database_url, 1, std::time::Duration::from_secs(5))
            .unwrap();

    let (whole, streamed) = pool
        .run(|conn| {
            let whole = pressdir::export::to_json(&pressdir::export::export(conn)?);
            let mut streamed = vec![];
            pressdir::export::export_to(conn, &mut streamed)?;
            Ok((whole, String::from_utf8(streamed).unwrap()))
        })
        .await
        .unwrap();

    assert_eq!(streamed, whole);
    let empty = spawn_empty_app().await;
    let pool =
        pressdir::db::DbPool::connect(&empty.database_url, 1, std::time::Duration::from_secs(5))
            .unwrap();
    let (whole, streamed) = pool
        .run(|conn| {
            let whole = pressdir::export::to_json(&pressdir::export::export(conn)?);
            let mut streamed = vec![];
            pressdir::export::export_to(conn, &mut streamed)?;
            Ok((whole, String::from_utf8(streamed).unwrap()))
        })
        .await
        .unwrap();
    assert_eq!(streamed, whole, "empty tables too");
}

#[tokio::test]
async fn a_directory_bigger_than_one_write_batch_round_trips() {
    let source = spawn_empty_app().await;
    let pool =
        pressdir::db::DbPool::connect(&source.database_url, 1, std::time::Duration::from_secs(5))
            .unwrap();
    // Several write batches of people, contact points and appearances.
    pool.run(|conn| pressdir::demo::generate(conn, 1_200).map(|_| ()))
        .await
        .unwrap();
    let document = export(&source).await;

    let target = spawn_empty_app().await;
    let indexes = |app: &TestApp| {
        let pool = app.primary.clone();
        async move {
            pool.run(|conn| {
                Ok(pressdir::db::secondary_indexes(conn, &DIRECTORY_TABLES)?
                    .into_iter()
                    .map(|index| (index.name, index.definition))
                    .collect::<Vec<_>>())
            })
            .await
            .unwrap()
        }
    };
    let keys = |app: &TestApp| {
        let pool = app.primary.clone();
        async move {
            pool.run(|conn| Ok(pressdir::db::foreign_keys(conn, &DIRECTORY_TABLES)?))
                .await
                .unwrap()
        }
    };
    let before = indexes(&target).await;
    let keys_before = keys(&target).await;
    let imported = import(&target, &document).await;

    assert_eq!(imported.status(), 200, "{}", imported.text().await.unwrap());
    assert_eq!(export(&target).await, document, "byte for byte");
    // The search documents are in, and the indexes dropped while the rows
    // went in (into an empty directory) are back, as they were.
    let found = target.get_json("/api/v1/people?q=jurgen").await;
    assert!(!found["items"].as_array().unwrap().is_empty(), "{found}");
    assert_eq!(indexes(&target).await, before);
    assert!(before.len() >= 10, "{before:?}");
    for kept in pressdir::search::index::READ_BY_DOCUMENTS {
        assert!(before.iter().any(|(name, _)| name == kept), "{kept} exists");
    }
    // And the foreign keys dropped for the load (PostgreSQL) are back.
    assert_eq!(keys(&target).await, keys_before);
    if target.database_url.starts_with("postgres") {
        let trigram = before.iter().filter(|(_, d)| d.contains("gin_trgm_ops"));
        assert_eq!(trigram.count(), 3);
        assert_eq!(keys_before.len(), 7, "{keys_before:?}");
    }
    let again = import(&target, &document).await;
    assert_eq!(again.status(), 200, "a second import updates every row");
    assert_eq!(export(&target).await, document, "and changes nothing");
}

const DIRECTORY_TABLES: [&str; 5] = [
    "offices",
    "people",
    "contact_points",
    "releases",
    "appearances",
];

#[tokio::test]
async fn references_checked_after_a_load_still_refuse_a_row_that_points_nowhere() {
    use diesel::RunQueryDsl;
    let app = spawn_empty_app().await;
    let keys = || {
        app.primary
            .run(|conn| Ok(pressdir::db::foreign_keys(conn, &DIRECTORY_TABLES)?))
    };
    let before = keys().await.unwrap();
    let loaded = app
        .primary
        .run(|conn| {
            Ok(pressdir::db::write_transaction(conn, |conn| {
                pressdir::db::with_foreign_keys_checked_after(conn, &DIRECTORY_TABLES, |conn| {
                    // PostgreSQL checks them after the load, not row by row.
                    let during = pressdir::db::foreign_keys(conn, &DIRECTORY_TABLES)?;
                    assert!(during.is_empty(), "{during:?}");
                    diesel::sql_query(
                        "INSERT INTO offices (id, slug, name, kind, parent_id, created_at, \
                         updated_at) VALUES ('o1', 'o1', 'Office', 'other', 'nowhere', \
                         CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                    )
                    .execute(conn)
                })
            }))
        })
        .await
        .unwrap();
    let error = loaded.expect_err("an office whose parent does not exist");
    assert!(
        matches!(
            error,
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                _
            )
        ),
        "{error:?}"
    );
    assert_eq!(keys().await.unwrap(), before, "the keys are all back");
    let offices: i64 = app
        .primary
        .run(|conn| {
            use diesel::QueryDsl;
            Ok(pressdir::db::schema::offices::table
                .count()
                .get_result(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(offices, 0, "nothing was kept");
}

#[tokio::test]
async fn arrays_may_come_in_any_order() {
    let source = spawn_app().await;
    let document: Value = serde_json::from_str(&export(&source).await).unwrap();
    // Rows pointing at rows that come later in the document.
    let reordered = format!(
        "{{\"appearances\": {}, \"contact_points\": {}, \"releases\": {}, \"people\": {}, \
         \"offices\": {}, \"version\": 1, \"format\": \"pressdir-export\"}}",
        document["appearances"],
        document["contact_points"],
        document["releases"],
        document["people"],
        document["offices"]
    );

    let target = spawn_empty_app().await;
    let imported = import(&target, &reordered).await;

    assert_eq!(imported.status(), 200);
    let exported: Value = serde_json::from_str(&export(&target).await).unwrap();
    assert_eq!(exported, document);
}

#[tokio::test]
async fn documents_of_the_wrong_shape_are_refused_naming_the_member() {
    let app = spawn_empty_app().await;
    let empty = json!({"format": "pressdir-export", "version": 1, "offices": [], "people": [],
        "contact_points": [], "releases": [], "appearances": []});

    let mut missing = empty.clone();
    missing.as_object_mut().unwrap().remove("releases");
    let response = import(&app, &missing.to_string()).await;
    assert_eq!(
        failing_fields(&assert_problem(response, 422, "validation-failed").await),
        ["releases"]
    );

    let unknown = empty.to_string().replace("\"people\"", "\"persons\"");
    let response = import(&app, &unknown).await;
    assert_eq!(
        failing_fields(&assert_problem(response, 422, "validation-failed").await),
        ["persons"]
    );

    let mut wrong_row = empty.clone();
    wrong_row["people"] = json!([{"id": 7}]);
    let response = import(&app, &wrong_row.to_string()).await;
    assert_eq!(
        failing_fields(&assert_problem(response, 422, "validation-failed").await),
        ["people[0].id"]
    );

    let source = spawn_app().await;
    let with_nul = export(&source)
        .await
        .replacen("Regional Office", "Regional\\u0000Office", 1);
    let response = import(&app, &with_nul).await;
    assert_eq!(
        failing_fields(&assert_problem(response, 422, "validation-failed").await),
        ["document"]
    );
    // In an id, which no field rule reads: the offices are written (in one
    // pass) before the reader has seen the whole document, and PostgreSQL
    // refuses the NUL; still the same answer, nothing written.
    let document = export(&source).await;
    let office_id = serde_json::from_str::<Value>(&document).unwrap()["offices"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let with_nul = document.replace(&office_id, &format!("{office_id}\\u0000"));
    let response = import(&app, &with_nul).await;
    assert_eq!(
        failing_fields(&assert_problem(response, 422, "validation-failed").await),
        ["document"]
    );
    assert_eq!(export(&app).await, export(&spawn_empty_app().await).await);
}

#[tokio::test]
async fn offices_supervising_each_other_are_refused_not_a_server_error() {
    let app = spawn_empty_app().await;
    let office = |id: &str, parent: &str, slug: &str| {
        json!({"id": id, "slug": slug, "name": slug, "kind": "country_office", "parent_id": parent,
            "city": null, "country_code": "CR", "region": null, "timezone": null, "address": null,
            "website": null, "created_at": "2026-11-27T00:00:00", "updated_at": "2026-11-27T00:00:00",
            "version": 1, "archived_at": null})
    };
    let a = "01a21f8e-0000-7000-8000-00000000000a";
    let b = "01a21f8e-0000-7000-8000-00000000000b";
    let document = json!({"format": "pressdir-export", "version": 1,
        "offices": [office(a, b, "office-a"), office(b, a, "office-b")],
        "people": [], "contact_points": [], "releases": [], "appearances": []});

    let response = import(&app, &document.to_string()).await;

    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(
        failing_fields(&problem),
        ["offices[0].parent_id", "offices[1].parent_id"]
    );
}

#[tokio::test]
async fn a_document_wrong_everywhere_lists_a_thousand_problems_and_counts_the_rest() {
    let app = spawn_empty_app().await;
    let appearances: Vec<Value> = (0..600)
        .map(|n| {
            json!({"id": format!("01a21f8e-0000-7000-8000-{n:012}"),
                "release_id": "01a21f8e-0000-7000-8000-ffffffffffff",
                "person_id": "01a21f8e-0000-7000-8000-eeeeeeeeeeee", "role": "quoted",
                "title_as_printed": null, "office_as_printed": null, "quote": null, "position": 0,
                "created_at": "2026-11-27T00:00:00", "updated_at": "2026-11-27T00:00:00",
                "version": 1, "archived_at": null})
        })
        .collect();
    let document = json!({"format": "pressdir-export", "version": 1, "offices": [],
        "people": [], "contact_points": [], "releases": [], "appearances": appearances});

    let response = import(&app, &document.to_string()).await;

    let problem = assert_problem(response, 422, "validation-failed").await;
    let fields = failing_fields(&problem);
    assert_eq!(fields.len(), 1001);
    assert_eq!(fields[1000], "document");
    assert_eq!(
        problem["errors"][1000]["message"],
        "and 200 more problems not listed"
    );
}

#[tokio::test]
async fn the_text_backslash_u0000_is_not_a_nul_and_round_trips() {
    let source = spawn_app().await;
    source
        .create(
            "/api/v1/people",
            json!({"full_name": "Escaped Text", "bio": r"the escape \u0000 written out"}),
        )
        .await;
    let document = export(&source).await;
    assert!(document.contains(r"\\u0000"));

    let target = spawn_empty_app().await;
    let imported = import(&target, &document).await;

    assert_eq!(imported.status(), 200, "{}", imported.text().await.unwrap());
    assert_eq!(export(&target).await, document);
}

#[tokio::test]
async fn an_import_is_not_cut_short_by_the_request_timeout() {
    let source = spawn_app().await;
    let document = export(&source).await;
    let target = crate::helpers::spawn_with(|s| {
        s.seed = false;
        s.request_timeout = std::time::Duration::from_millis(1);
    })
    .await;

    let imported = import(&target, &document).await;

    assert_eq!(imported.status(), 200, "{}", imported.text().await.unwrap());
}

#[tokio::test]
async fn format_two_writes_lists_as_arrays_and_format_one_still_imports() {
    // Arrange: a person with languages and topics, exported (format 2).
    let source = spawn_app().await;
    source
        .patch(
            "/api/v1/people/jorge-gallo",
            &json!({"languages": ["es", "en"], "topics": ["migration", "Central America"]}),
        )
        .await;
    let document = export(&source).await;
    let parsed: Value = serde_json::from_str(&document).unwrap();
    let jorge = parsed["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "jorge-gallo")
        .unwrap()
        .clone();
    // The same document as format 1 wrote it: lists as JSON text in strings.
    let mut old = parsed.clone();
    old["version"] = json!(1);
    for person in old["people"].as_array_mut().unwrap() {
        for list in ["languages", "topics"] {
            person[list] = json!(person[list].to_string());
        }
    }

    // Act
    let target = spawn_empty_app().await;
    let imported = import(&target, &old.to_string()).await;

    // Assert
    assert_eq!(parsed["version"], 2);
    assert_eq!(jorge["languages"], json!(["es", "en"]));
    assert_eq!(jorge["topics"], json!(["migration", "Central America"]));
    assert_eq!(imported.status(), 200);
    assert_eq!(
        export(&target).await,
        document,
        "format 1 in, format 2 out, same data"
    );
}

#[tokio::test]
async fn a_rota_row_pointing_nowhere_or_backwards_is_named_and_nothing_is_written() {
    let source = spawn_app().await;
    source
        .create(
            "/api/v1/offices/iom-regional-office-san-jose/duty",
            json!({"person_id": "jorge-gallo", "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2026-12-01T08:00:00Z"}),
        )
        .await;
    let mut document: Value = serde_json::from_str(&export(&source).await).unwrap();
    let row = document["duty_assignments"][0].clone();
    let mut nowhere = row.clone();
    nowhere["id"] = json!("01a00000-0000-7000-8000-000000000001");
    nowhere["person_id"] = json!("01a00000-0000-7000-8000-00000000dead");
    let mut backwards = row.clone();
    backwards["id"] = json!("01a00000-0000-7000-8000-000000000002");
    backwards["ends_at"] = backwards["starts_at"].clone();
    document["duty_assignments"] = json!([row, nowhere, backwards]);

    let target = spawn_empty_app().await;
    let response = import(&target, &document.to_string()).await;
    let problem = crate::helpers::assert_problem(response, 422, "validation-failed").await;
    let fields = crate::helpers::failing_fields(&problem);
    assert!(
        fields.contains(&"duty_assignments[1].person_id".to_string()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"duty_assignments[2].ends_at".to_string()),
        "{fields:?}"
    );
    assert_eq!(
        target.get_json("/api/v1/offices").await["items"],
        json!([]),
        "nothing written"
    );

    // A document written before the rota existed still imports.
    let mut older: Value = serde_json::from_str(&export(&source).await).unwrap();
    older.as_object_mut().unwrap().remove("duty_assignments");
    let response = import(&target, &older.to_string()).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn problems_in_a_document_read_once_roll_every_row_back_and_are_all_listed() {
    // In export order, into an empty directory: read once, each row
    // written as it comes (the offices at once), until a problem hands
    // over to the two passes, which list them all.
    let source = spawn_app().await;
    let mut document: Value = serde_json::from_str(&export(&source).await).unwrap();
    let last = document["appearances"].as_array().unwrap().len() - 1;
    document["appearances"][last]["person_id"] = json!("01a00000-0000-7000-8000-00000000dead");
    document["people"][1]["full_name"] = json!("");

    let target = spawn_empty_app().await;
    let response = import(&target, &document.to_string()).await;

    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(
        failing_fields(&problem),
        vec![
            format!("appearances[{last}].person_id"),
            "people[1].full_name".to_string(),
        ],
        "every problem, as two passes report them"
    );
    for path in ["/api/v1/offices", "/api/v1/people", "/api/v1/releases"] {
        assert_eq!(target.get_json(path).await["items"], json!([]), "{path}");
    }
}
