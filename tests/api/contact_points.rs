use serde_json::json;

use crate::helpers::{assert_problem, failing_fields, spawn_app};

#[tokio::test]
async fn national_phone_numbers_are_parsed_with_the_office_country() {
    let app = spawn_app().await;

    let cp = app
        .create(
            "/api/v1/people/jorge-gallo/contact-points",
            json!({"kind": "mobile", "value": "8888 1234", "label": "WhatsApp"}),
        )
        .await;

    assert_eq!(cp["value"], "+50688881234");
    assert_eq!(cp["display"], "8888 1234");
    assert_eq!(cp["uri"], "tel:+50688881234");
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(person["contact_points"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn create_contact_point_returns_422_when_phone_or_email_is_invalid() {
    let app = spawn_app().await;

    let bad_phone = app
        .post(
            "/api/v1/people/jorge-gallo/contact-points",
            &json!({"kind": "phone", "value": "12"}),
        )
        .await;
    let bad_email = app
        .post(
            "/api/v1/people/jorge-gallo/contact-points",
            &json!({"kind": "email", "value": "jgallo@"}),
        )
        .await;

    assert_eq!(
        failing_fields(&assert_problem(bad_phone, 422, "validation-failed").await),
        vec!["value"]
    );
    assert_eq!(
        failing_fields(&assert_problem(bad_email, 422, "validation-failed").await),
        vec!["value"]
    );
}

#[tokio::test]
async fn emails_keep_the_local_part_and_lower_case_the_domain() {
    let app = spawn_app().await;

    let cp = app
        .create(
            "/api/v1/people/liz-lizama/contact-points",
            json!({"kind": "email", "value": "Liz.Press@IOM.INT"}),
        )
        .await;

    assert_eq!(cp["value"], "Liz.Press@iom.int");
}

#[tokio::test]
async fn the_same_number_twice_for_one_owner_is_a_conflict() {
    let app = spawn_app().await;

    let response = app
        .post(
            "/api/v1/people/jorge-gallo/contact-points",
            &json!({"kind": "phone", "value": "+506 7203 6536"}),
        )
        .await;

    assert_problem(response, 409, "conflict").await;
}

#[tokio::test]
async fn internal_contact_points_never_show_in_public_reads() {
    let app = spawn_app().await;

    let cp = app
        .create(
            "/api/v1/people/jorge-gallo/contact-points",
            json!({"kind": "mobile", "value": "+506 8888 0000", "visibility": "internal"}),
        )
        .await;
    let id = cp["id"].as_str().unwrap();

    let person = app
        .get("/api/v1/people/jorge-gallo")
        .await
        .text()
        .await
        .unwrap();
    let list = app.get("/api/v1/people").await.text().await.unwrap();
    let own = app
        .get("/api/v1/people/jorge-gallo/contact-points")
        .await
        .text()
        .await
        .unwrap();
    let by_phone = app.get_json("/api/v1/people?q=88880000").await;
    for body in [&person, &list, &own] {
        assert!(!body.contains("88880000"), "internal number leaked: {body}");
    }
    assert_eq!(by_phone["items"].as_array().unwrap().len(), 0);
    assert_problem(
        app.get(&format!("/api/v1/contact-points/{id}")).await,
        404,
        "not-found",
    )
    .await;
}

#[tokio::test]
async fn update_and_remove_a_contact_point() {
    let app = spawn_app().await;
    let person = app.get_json("/api/v1/people/liz-lizama").await;
    let phone = person["contact_points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "phone")
        .unwrap()
        .clone();
    let path = format!("/api/v1/contact-points/{}", phone["id"].as_str().unwrap());

    let response = app
        .patch(&path, &json!({"value": "202-716-8821", "label": "Desk"}))
        .await;
    assert_eq!(response.status(), 200);
    let updated: serde_json::Value = response.json().await.unwrap();
    assert_eq!(updated["value"], "+12027168821");
    assert_eq!(updated["display"], "202-716-8821");
    assert_eq!(updated["label"], "Desk");
    let after = app.get_json("/api/v1/people/liz-lizama").await;
    assert!(
        after["version"].as_i64() > person["version"].as_i64(),
        "owner version bumps with its contact points"
    );

    assert_eq!(app.delete(&path).await.status(), 204);
    assert_problem(app.get(&path).await, 404, "not-found").await;
    assert_problem(app.delete(&path).await, 404, "not-found").await;
    let list = app
        .get_json("/api/v1/people/liz-lizama/contact-points")
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn patching_the_label_keeps_a_free_form_display() {
    let app = spawn_app().await;
    let cp = app
        .create(
            "/api/v1/people/jorge-gallo/contact-points",
            json!({"kind": "mobile", "value": "+506 8888 4321", "display": "+506 8888 4321 (WhatsApp only)"}),
        )
        .await;

    let response = app
        .patch(
            &format!("/api/v1/contact-points/{}", cp["id"].as_str().unwrap()),
            &json!({"label": "WhatsApp"}),
        )
        .await;

    assert_eq!(response.status(), 200);
    let updated: serde_json::Value = response.json().await.unwrap();
    assert_eq!(updated["value"], "+50688884321");
    assert_eq!(updated["display"], "+506 8888 4321 (WhatsApp only)");
}
