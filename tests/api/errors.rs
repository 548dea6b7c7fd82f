use serde_json::json;

use crate::helpers::{assert_problem, failing_fields, spawn_app, spawn_with};

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(app.url("/api/v1/people"))
        .header("content-type", "application/json")
        .body("{\"full_name\": ")
        .send()
        .await
        .unwrap();

    assert_problem(response, 400, "bad-request").await;
}

#[tokio::test]
async fn unknown_json_fields_are_rejected_by_name() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/api/v1/people",
            &json!({"full_name": "X", "is_admin": true}),
        )
        .await;

    assert_eq!(
        failing_fields(&assert_problem(response, 422, "validation-failed").await),
        vec!["is_admin"]
    );
}

#[tokio::test]
async fn wrong_types_and_missing_members_name_the_field() {
    let app = spawn_app().await;

    let wrong_type = app
        .post("/api/v1/offices", &json!({"name": 5, "kind": "other"}))
        .await;
    let missing = app.post("/api/v1/offices", &json!({"name": "X"})).await;
    let bad_enum = app
        .post("/api/v1/offices", &json!({"name": "X", "kind": "embassy"}))
        .await;

    assert_eq!(
        failing_fields(&assert_problem(wrong_type, 422, "validation-failed").await),
        vec!["name"]
    );
    assert_eq!(
        failing_fields(&assert_problem(missing, 422, "validation-failed").await),
        vec!["kind"]
    );
    assert_eq!(
        failing_fields(&assert_problem(bad_enum, 422, "validation-failed").await),
        vec!["kind"]
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(app.url("/api/v1/offices"))
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();

    assert_problem(response, 415, "unsupported-media-type").await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = spawn_with(|s| s.max_body_bytes = 1024).await;

    let response = app
        .post("/api/v1/people", &json!({"full_name": "x".repeat(4096)}))
        .await;

    assert_problem(response, 413, "payload-too-large").await;
}

#[tokio::test]
async fn unknown_routes_and_ids_are_404_problems() {
    let app = spawn_app().await;

    for path in [
        "/nope",
        "/api/v1/nope",
        "/api/v1/people/nobody",
        "/api/v1/offices/01890a5d-ac96-774b-bcce-b302099a8057",
        "/api/v1/releases/none",
    ] {
        assert_problem(app.get(path).await, 404, "not-found").await;
    }
    assert_problem(
        app.patch("/api/v1/people/nobody", &json!({})).await,
        404,
        "not-found",
    )
    .await;
    assert_problem(
        app.delete("/api/v1/contact-points/nothing").await,
        404,
        "not-found",
    )
    .await;
}

#[tokio::test]
async fn bad_query_strings_are_400_naming_the_parameter() {
    let app = spawn_app().await;

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=abc", "limit"),
        ("cursor=garbage", "cursor"),
        ("updated_since=yesterday", "updated_since"),
        ("role=boss", "role"),
        ("colour=red", "colour"),
    ] {
        let response = app.get(&format!("/api/v1/people?{query}")).await;
        let problem = assert_problem(response, 400, "bad-request").await;
        assert_eq!(failing_fields(&problem), vec![field], "{query}");
    }
}

#[tokio::test]
async fn archived_rows_need_a_key() {
    let app = spawn_app().await;

    let response = app.get("/api/v1/people?include_archived=true").await;

    let problem = assert_problem(response, 401, "unauthorized").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("read:internal")
    );
}

#[tokio::test]
async fn health_readiness_and_docs_answer() {
    let app = spawn_app().await;

    assert_eq!(app.get_json("/healthz").await["status"], "ok");
    assert_eq!(app.get_json("/readyz").await["status"], "ok");
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/docs"))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 308);
}

#[tokio::test]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let app = spawn_app().await;

    let response = app
        .client
        .put(app.url("/api/v1/people/jorge-gallo"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();

    let allow = response.headers()["allow"].to_str().unwrap().to_string();
    assert_problem(response, 405, "method-not-allowed").await;
    assert_eq!(allow, "DELETE, GET, HEAD, PATCH");
}

#[tokio::test]
async fn an_empty_if_match_is_a_bad_request() {
    let app = spawn_app().await;

    let response = app
        .client
        .patch(app.url("/api/v1/people/jorge-gallo"))
        .header("If-Match", "")
        .json(&json!({"bio": "x"}))
        .send()
        .await
        .unwrap();

    assert_eq!(
        failing_fields(&assert_problem(response, 400, "bad-request").await),
        vec!["If-Match"]
    );
}

#[tokio::test]
async fn nul_bytes_are_refused_everywhere_never_a_500() {
    let app = spawn_app().await;

    let query = app.get("/api/v1/offices?country=%00").await;
    let path = app.get("/api/v1/people/a%00b").await;
    let body = app
        .post(
            "/api/v1/people",
            &json!({"full_name": "X Y", "office_id": "iom\u{0}"}),
        )
        .await;
    let appearance = app
        .post("/api/v1/releases/iom-welcomes-president-joe-bidens-executive-actions-on-migration/appearances", &json!({"person_id": "x\u{0}", "role": "quoted"}))
        .await;

    assert_problem(query, 400, "bad-request").await;
    assert_problem(path, 400, "bad-request").await;
    assert_problem(body, 422, "validation-failed").await;
    assert_problem(appearance, 422, "validation-failed").await;
}
