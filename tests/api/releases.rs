use serde_json::json;

use crate::helpers::{assert_problem, failing_fields, spawn_app};

#[tokio::test]
async fn create_a_release_and_link_people_in_roles() {
    let app = spawn_app().await;

    let release = app
        .create(
            "/api/v1/releases",
            json!({"title": "IOM Responds to Floods", "dateline": "San José", "office_id": "iom-regional-office-san-jose",
                   "published_on": "2026-11-20", "language": "en", "url": "https://www.iom.int/news/floods"}),
        )
        .await;
    let path = format!("/api/v1/releases/{}", release["slug"].as_str().unwrap());
    let quoted = app
        .create(&format!("{path}/appearances"), json!({"person_id": "michele-klein-solomon", "role": "quoted", "quote": "We are there."}))
        .await;
    app.create(
        &format!("{path}/appearances"),
        json!({"person_id": "jorge-gallo", "role": "media_contact"}),
    )
    .await;

    let read = app.get_json(&path).await;
    assert_eq!(read["published_on"], "2026-11-20");
    let appearances = read["appearances"].as_array().unwrap();
    assert_eq!(appearances.len(), 2);
    assert_eq!(
        appearances[0]["person"]["full_name"],
        "Michele Klein-Solomon"
    );
    assert_eq!(appearances[0]["position"], 1);
    assert_eq!(appearances[1]["position"], 2);
    let listed = app.get_json(&format!("{path}/appearances")).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    let jorge = app
        .get_json("/api/v1/people/jorge-gallo/releases?role=media_contact")
        .await;
    assert_eq!(jorge["items"].as_array().unwrap().len(), 2);

    // The same link twice is a conflict; removing it hides it.
    let again = app
        .post(
            &format!("{path}/appearances"),
            &json!({"person_id": "michele-klein-solomon", "role": "quoted"}),
        )
        .await;
    assert_problem(again, 409, "conflict").await;
    assert_eq!(
        app.delete(&format!(
            "/api/v1/appearances/{}",
            quoted["id"].as_str().unwrap()
        ))
        .await
        .status(),
        204
    );
    assert_eq!(
        app.get_json(&path).await["appearances"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_release_url_is_unique() {
    let app = spawn_app().await;
    app.create(
        "/api/v1/releases",
        json!({"title": "One", "url": "https://example.org/r/1"}),
    )
    .await;

    let response = app
        .post(
            "/api/v1/releases",
            &json!({"title": "Two", "url": "https://example.org/r/1"}),
        )
        .await;

    assert_eq!(
        failing_fields(&assert_problem(response, 409, "conflict").await),
        vec!["url"]
    );
}

#[tokio::test]
async fn bad_release_fields_are_all_listed() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/api/v1/releases",
            &json!({"title": "", "language": "??", "url": "not a url"}),
        )
        .await;

    assert_eq!(
        failing_fields(&assert_problem(response, 422, "validation-failed").await),
        vec!["language", "title", "url"]
    );
    let bad_date = app
        .post(
            "/api/v1/releases",
            &json!({"title": "T", "published_on": "yesterday"}),
        )
        .await;
    assert_eq!(
        failing_fields(&assert_problem(bad_date, 422, "validation-failed").await),
        vec!["published_on"]
    );
    let unknown_person = app.post("/api/v1/releases/iom-welcomes-president-joe-bidens-executive-actions-on-migration/appearances", &json!({"person_id": "nobody", "role": "quoted"})).await;
    assert_eq!(
        failing_fields(&assert_problem(unknown_person, 422, "validation-failed").await),
        vec!["person_id"]
    );
}

#[tokio::test]
async fn update_and_archive_a_release() {
    let app = spawn_app().await;
    let list = app.get_json("/api/v1/releases").await;
    let path = format!(
        "/api/v1/releases/{}",
        list["items"][0]["id"].as_str().unwrap()
    );

    let response = app.patch(&path, &json!({"published_on": "2021-02-04", "summary": "IOM welcomes the executive actions."})).await;
    assert_eq!(response.status(), 200);
    let updated: serde_json::Value = response.json().await.unwrap();
    assert_eq!(updated["published_on"], "2021-02-04");
    assert_eq!(updated["appearances"].as_array().unwrap().len(), 4);

    assert_eq!(app.delete(&path).await.status(), 204);
    assert_problem(app.get(&path).await, 404, "not-found").await;
    let luca = app.get_json("/api/v1/people/luca-dalloglio/releases").await;
    assert_eq!(luca["items"].as_array().unwrap().len(), 0);
}
