use serde_json::json;

use crate::helpers::{assert_problem, failing_fields, spawn_app, spawn_empty_app};

#[tokio::test]
async fn create_read_update_and_archive_an_office() {
    let app = spawn_empty_app().await;

    // Create
    let office = app
        .create(
            "/api/v1/offices",
            json!({"name": "  IOM Panamá ", "kind": "country_office", "city": "Panama City", "country_code": "PA",
                   "timezone": "America/Panama", "website": "https://panama.iom.int"}),
        )
        .await;
    assert_eq!(office["name"], "IOM Panamá");
    assert_eq!(office["slug"], "iom-panama");
    assert_eq!(office["version"], 1);

    // Read by id and by slug
    let by_id = app
        .get_json(&format!(
            "/api/v1/offices/{}",
            office["id"].as_str().unwrap()
        ))
        .await;
    let by_slug = app.get_json("/api/v1/offices/iom-panama").await;
    assert_eq!(by_id, by_slug);

    // Partial update: city changes, website cleared, the rest stays
    let response = app
        .patch(
            "/api/v1/offices/iom-panama",
            &json!({"city": "Ciudad de Panamá", "website": null}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let updated: serde_json::Value = response.json().await.unwrap();
    assert_eq!(updated["city"], "Ciudad de Panamá");
    assert_eq!(updated["website"], serde_json::Value::Null);
    assert_eq!(updated["timezone"], "America/Panama");
    assert_eq!(
        updated["slug"], "iom-panama",
        "slugs stay stable when names change"
    );

    // Archive
    assert_eq!(app.delete("/api/v1/offices/iom-panama").await.status(), 204);
    assert_problem(
        app.get("/api/v1/offices/iom-panama").await,
        404,
        "not-found",
    )
    .await;
    assert_eq!(
        app.get_json("/api/v1/offices").await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn create_office_returns_422_listing_every_bad_field() {
    let app = spawn_empty_app().await;

    let response = app
        .post(
            "/api/v1/offices",
            &json!({"name": "Bad\u{0007}", "kind": "other", "country_code": "XX", "timezone": "Mars/Base", "website": "ftp://x"}),
        )
        .await;

    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(
        failing_fields(&problem),
        vec!["country_code", "name", "timezone", "website"]
    );
}

#[tokio::test]
async fn create_office_returns_409_when_slug_is_taken() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/api/v1/offices",
            &json!({"name": "Another", "kind": "other", "slug": "iom-washington"}),
        )
        .await;

    let problem = assert_problem(response, 409, "conflict").await;
    assert_eq!(failing_fields(&problem), vec!["slug"]);
}

#[tokio::test]
async fn generated_slugs_are_made_unique() {
    let app = spawn_empty_app().await;

    let first = app.create_office("IOM Lima", "PE").await;
    let second = app.create_office("IOM Lima", "PE").await;

    assert_eq!(first["slug"], "iom-lima");
    assert_eq!(second["slug"], "iom-lima-2");
}

#[tokio::test]
async fn an_office_cannot_become_its_own_ancestor() {
    let app = spawn_app().await;

    let response = app
        .patch(
            "/api/v1/offices/iom-regional-office-san-jose",
            &json!({"parent_id": "iom-washington"}),
        )
        .await;

    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(failing_fields(&problem), vec!["parent_id"]);
}

#[tokio::test]
async fn archiving_an_office_with_people_is_refused() {
    let app = spawn_app().await;

    assert_problem(
        app.delete("/api/v1/offices/iom-washington").await,
        409,
        "conflict",
    )
    .await;

    assert_eq!(
        app.get("/api/v1/offices/iom-washington").await.status(),
        200
    );
}

#[tokio::test]
async fn office_lists_filter_by_country_parent_and_words() {
    let app = spawn_app().await;

    let in_us = app.get_json("/api/v1/offices?country=us").await;
    let children = app
        .get_json("/api/v1/offices?parent=iom-regional-office-san-jose")
        .await;
    let by_city = app.get_json("/api/v1/offices?q=jose").await;
    let by_country_name = app.get_json("/api/v1/offices?q=costa%20rica").await;

    let slugs = |v: &serde_json::Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["slug"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(slugs(&in_us), vec!["iom-washington"]);
    assert_eq!(slugs(&children), vec!["iom-washington"]);
    assert_eq!(slugs(&by_city), vec!["iom-regional-office-san-jose"]);
    assert_eq!(
        slugs(&by_country_name),
        vec!["iom-regional-office-san-jose"]
    );
}

#[tokio::test]
async fn office_people_and_contact_points_are_listed() {
    let app = spawn_app().await;

    let cp = app
        .create(
            "/api/v1/offices/iom-washington/contact-points",
            json!({"kind": "phone", "value": "(202) 862-1826", "label": "Switchboard"}),
        )
        .await;
    let people = app.get_json("/api/v1/offices/iom-washington/people").await;
    let contact_points = app
        .get_json("/api/v1/offices/iom-washington/contact-points")
        .await;

    assert_eq!(
        cp["value"], "+12028621826",
        "national format parsed with the office's country"
    );
    let names: Vec<&str> = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Luca Dall’Oglio", "Liz Lizama"]);
    assert_eq!(contact_points["items"][0]["label"], "Switchboard");
    assert_problem(
        app.get("/api/v1/offices/nowhere/people").await,
        404,
        "not-found",
    )
    .await;
}
