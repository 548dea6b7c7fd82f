//! The audit trail and restoring archived records.

use pressdir::keys::Scope;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, client_with, create_key, spawn_app};

#[tokio::test]
async fn every_write_is_audited_with_its_actor_and_states() {
    let app = spawn_app().await;
    let editor = client_with(&create_key(&app.primary, "editor", &[Scope::Write]));

    let person: Value = editor
        .post(app.url("/api/v1/people"))
        .json(&json!({"full_name": "Ana Pérez"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = person["id"].as_str().unwrap();
    editor
        .patch(app.url("/api/v1/people/ana-perez"))
        .json(&json!({"job_title": "Spokesperson"}))
        .send()
        .await
        .unwrap();
    let stale = editor
        .patch(app.url("/api/v1/people/ana-perez"))
        .header("If-Match", "\"1\"")
        .json(&json!({"job_title": "Lost"}))
        .send()
        .await
        .unwrap();
    editor
        .delete(app.url("/api/v1/people/ana-perez"))
        .send()
        .await
        .unwrap();
    let restored = app
        .client
        .post(app.url(&format!("/api/v1/people/{id}/restore")))
        .send()
        .await
        .unwrap();

    assert_eq!(stale.status(), 412);
    assert_eq!(restored.status(), 204);
    let trail: Value = app
        .client
        .get(app.url(&format!("/api/v1/audit?entity_type=person&entity_id={id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rows = trail["items"].as_array().unwrap();
    let summary: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["action"].as_str().unwrap(), r["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("create", "editor"),
            ("update", "editor"),
            ("archive", "editor"),
            ("restore", "test-admin")
        ],
        "the failed write left no row"
    );
    assert_eq!(rows[0]["before"], Value::Null);
    assert_eq!(rows[0]["after"]["full_name"], "Ana Pérez");
    assert_eq!(rows[1]["before"]["job_title"], Value::Null);
    assert_eq!(rows[1]["after"]["job_title"], "Spokesperson");
    assert!(
        rows[1]["after"].get("search_text").is_none(),
        "internal columns stay out"
    );
    assert_eq!(
        app.get_json("/api/v1/people/ana-perez").await["job_title"],
        "Spokesperson"
    );
}

#[tokio::test]
async fn ingestion_and_the_seed_are_audited_too() {
    let app = spawn_app().await;

    app.create("/api/v1/releases/ingest", json!({"text": "IOM Opens Office in Lima\nLima – IOM opened a new office in Lima today to support migrants from the region."})).await;

    let ingests: Value = app
        .client
        .get(app.url("/api/v1/audit?entity_type=release"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<(&str, &str)> = ingests["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["action"].as_str().unwrap(), r["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("create", "cli"),
            ("ingest", "cli"),
            ("create", "test-admin"),
            ("ingest", "test-admin")
        ]
    );
}

#[tokio::test]
async fn the_audit_trail_is_for_admins_and_filters_by_time() {
    let app = spawn_app().await;
    let writer = client_with(&create_key(&app.primary, "writer", &[Scope::Write]));
    let marker = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    app.create_person("Late Comer", None).await;

    let forbidden = writer.get(app.url("/api/v1/audit")).send().await.unwrap();
    let since: Value = app
        .client
        .get(app.url(&format!("/api/v1/audit?since={marker}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_problem(forbidden, 403, "forbidden").await;
    assert_problem(app.get("/api/v1/audit").await, 401, "unauthorized").await;
    let types: Vec<&str> = since["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["entity_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["person"]);
}

#[tokio::test]
async fn archived_records_can_be_restored_by_admins_only() {
    let app = spawn_app().await;
    let jorge = app.get_json("/api/v1/people/jorge-gallo").await;
    let phone_id = jorge["contact_points"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.delete(&format!("/api/v1/contact-points/{phone_id}"))
        .await;
    app.delete("/api/v1/people/jorge-gallo").await;
    let writer = client_with(&create_key(&app.primary, "writer", &[Scope::Write]));

    let by_writer = writer
        .post(app.url("/api/v1/people/jorge-gallo/restore"))
        .send()
        .await
        .unwrap();
    let by_public = app
        .public
        .post(app.url("/api/v1/people/jorge-gallo/restore"))
        .send()
        .await
        .unwrap();
    let person = app
        .client
        .post(app.url("/api/v1/people/jorge-gallo/restore"))
        .send()
        .await
        .unwrap();
    let phone = app
        .client
        .post(app.url(&format!("/api/v1/contact-points/{phone_id}/restore")))
        .send()
        .await
        .unwrap();
    let again = app
        .client
        .post(app.url("/api/v1/people/jorge-gallo/restore"))
        .send()
        .await
        .unwrap();

    assert_problem(by_writer, 403, "forbidden").await;
    assert_problem(by_public, 401, "unauthorized").await;
    assert_eq!(person.status(), 204);
    assert_eq!(phone.status(), 204);
    assert_problem(again, 409, "conflict").await;
    let back = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(back["contact_points"].as_array().unwrap().len(), 2);
    let release = app.get_json("/api/v1/releases").await;
    assert_eq!(
        release["items"][0]["appearances"].as_array().unwrap().len(),
        4,
        "his appearance is back too"
    );
}
