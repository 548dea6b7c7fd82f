//! Keys and scopes: who may write, who sees internal details.

use std::process::Command;

use pressdir::keys::Scope;
use reqwest::{Client, Method};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, client_with, create_key, spawn_app};

/// Every write route, with a body that would be valid.
fn write_routes(
    contact_point_id: &str,
    appearance_id: &str,
) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::POST, "/api/v1/offices".into(), Some(json!({"name": "X", "kind": "other"}))),
        (Method::PATCH, "/api/v1/offices/iom-washington".into(), Some(json!({"city": "Washington"}))),
        (Method::DELETE, "/api/v1/offices/iom-washington".into(), None),
        (Method::POST, "/api/v1/offices/iom-washington/contact-points".into(), Some(json!({"kind": "phone", "value": "+1 202 555 0100"}))),
        (Method::POST, "/api/v1/people".into(), Some(json!({"full_name": "X Y"}))),
        (Method::PATCH, "/api/v1/people/jorge-gallo".into(), Some(json!({"bio": "x"}))),
        (Method::DELETE, "/api/v1/people/jorge-gallo".into(), None),
        (Method::POST, "/api/v1/people/jorge-gallo/contact-points".into(), Some(json!({"kind": "email", "value": "x@example.org"}))),
        (Method::PATCH, format!("/api/v1/contact-points/{contact_point_id}"), Some(json!({"label": "x"}))),
        (Method::DELETE, format!("/api/v1/contact-points/{contact_point_id}"), None),
        (Method::POST, "/api/v1/releases".into(), Some(json!({"title": "X"}))),
        (Method::PATCH, "/api/v1/releases/iom-welcomes-president-joe-bidens-executive-actions-on-migration".into(), Some(json!({"summary": "x"}))),
        (Method::DELETE, "/api/v1/releases/iom-welcomes-president-joe-bidens-executive-actions-on-migration".into(), None),
        (Method::POST, "/api/v1/releases/iom-welcomes-president-joe-bidens-executive-actions-on-migration/appearances".into(), Some(json!({"person_id": "jorge-gallo", "role": "mentioned"}))),
        (Method::DELETE, format!("/api/v1/appearances/{appearance_id}"), None),
        (Method::POST, "/api/v1/releases/ingest".into(), Some(json!({"text": "Title Of A Release\nLima – Something happened in Lima today that matters a lot."}))),
        (Method::GET, "/api/v1/api-keys".into(), None),
        (Method::POST, "/api/v1/api-keys".into(), Some(json!({"name": "k", "scopes": ["write"]}))),
    ]
}

async fn ids(app: &TestApp) -> (String, String) {
    let jorge = app.get_json("/api/v1/people/jorge-gallo").await;
    let release = app.get_json("/api/v1/releases").await;
    (
        jorge["contact_points"][0]["id"]
            .as_str()
            .unwrap()
            .to_string(),
        release["items"][0]["appearances"][0]["id"]
            .as_str()
            .unwrap()
            .to_string(),
    )
}

async fn send(
    client: &Client,
    app: &TestApp,
    method: &Method,
    path: &str,
    body: &Option<Value>,
) -> reqwest::Response {
    let mut request = client.request(method.clone(), app.url(path));
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn writes_need_a_key_with_the_write_scope() {
    let app = spawn_app().await;
    let (cp, appearance) = ids(&app).await;
    let reader = client_with(&create_key(&app.primary, "reader", &[Scope::ReadInternal]));
    let revoked_token = create_key(&app.primary, "gone", &[Scope::Write]);
    app.client
        .delete(app.url("/api/v1/api-keys/gone"))
        .send()
        .await
        .unwrap();
    let revoked = client_with(&revoked_token);
    let garbage = client_with("pd_not-a-key");

    for (method, path, body) in write_routes(&cp, &appearance) {
        let admin_only = path.starts_with("/api/v1/api-keys");
        let no_key = send(&app.public, &app, &method, &path, &body).await;
        assert!(
            no_key.headers().contains_key("www-authenticate"),
            "{method} {path}"
        );
        assert_problem(no_key, 401, "unauthorized").await;
        let wrong_scope = send(&reader, &app, &method, &path, &body).await;
        assert!(
            wrong_scope.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .contains("insufficient_scope"),
            "{method} {path}"
        );
        assert_problem(wrong_scope, 403, "forbidden").await;
        assert_problem(
            send(&revoked, &app, &method, &path, &body).await,
            401,
            "unauthorized",
        )
        .await;
        assert_problem(
            send(&garbage, &app, &method, &path, &body).await,
            401,
            "unauthorized",
        )
        .await;
        if !admin_only {
            // Nothing above changed anything: the seed is intact.
            assert_eq!(
                app.get_json("/api/v1/people").await["items"]
                    .as_array()
                    .unwrap()
                    .len(),
                4,
                "{method} {path}"
            );
        }
    }
}

#[tokio::test]
async fn a_write_key_writes_but_cannot_manage_keys() {
    let app = spawn_app().await;
    let writer = client_with(&create_key(&app.primary, "writer", &[Scope::Write]));

    let created = writer
        .post(app.url("/api/v1/people"))
        .json(&json!({"full_name": "Ana Pérez"}))
        .send()
        .await
        .unwrap();
    let keys = writer
        .get(app.url("/api/v1/api-keys"))
        .send()
        .await
        .unwrap();

    assert_eq!(created.status(), 201);
    assert_problem(keys, 403, "forbidden").await;
}

#[tokio::test]
async fn internal_numbers_show_only_to_read_internal_keys() {
    let app = spawn_app().await;
    app.create(
        "/api/v1/people/jorge-gallo/contact-points",
        json!({"kind": "mobile", "value": "+506 8888 0000", "visibility": "internal"}),
    )
    .await;
    let insider = client_with(&create_key(&app.primary, "desk", &[Scope::ReadInternal]));

    let public_paths = [
        "/api/v1/people/jorge-gallo",
        "/api/v1/people",
        "/api/v1/people?q=gallo",
        "/api/v1/people/jorge-gallo/contact-points",
        "/api/v1/offices/iom-regional-office-san-jose/people",
        "/api/v1/search?q=gallo",
    ];
    for path in public_paths {
        let public = app.get(path).await.text().await.unwrap();
        assert!(
            !public.contains("88880000"),
            "internal number leaked at {path}"
        );
        let inside = insider
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            inside.contains("+50688880000"),
            "read:internal should see it at {path}"
        );
    }
}

#[tokio::test]
async fn archived_rows_come_back_as_tombstones_for_read_internal_keys() {
    let app = spawn_app().await;
    app.delete("/api/v1/people/liz-lizama").await;
    let insider = client_with(&create_key(&app.primary, "sync", &[Scope::ReadInternal]));
    let writer = client_with(&create_key(&app.primary, "writer", &[Scope::Write]));

    let all: Value = insider
        .get(app.url("/api/v1/people?include_archived=true"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let forbidden = writer
        .get(app.url("/api/v1/people?include_archived=true"))
        .send()
        .await
        .unwrap();

    let liz = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "liz-lizama")
        .expect("tombstone");
    assert!(liz["archived_at"].is_string());
    assert_problem(forbidden, 403, "forbidden").await;
    assert_problem(
        app.get("/api/v1/people?include_archived=true").await,
        401,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn admins_create_list_and_revoke_keys_and_tokens_are_shown_once() {
    let app = spawn_app().await;

    let created: Value = app
        .client
        .post(app.url("/api/v1/api-keys"))
        .json(&json!({"name": "newsroom", "scopes": ["write", "read:internal"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = created["token"].as_str().unwrap().to_string();
    let listed = app
        .client
        .get(app.url("/api/v1/api-keys"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let newsroom = client_with(&token);
    let before = newsroom
        .post(app.url("/api/v1/people"))
        .json(&json!({"full_name": "Ana Pérez"}))
        .send()
        .await
        .unwrap();
    let revoke = app
        .client
        .delete(app.url(&format!(
            "/api/v1/api-keys/{}",
            created["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    let after = newsroom
        .post(app.url("/api/v1/people"))
        .json(&json!({"full_name": "Ana Pérez"}))
        .send()
        .await
        .unwrap();

    assert_eq!(token.len(), 3 + 64, "pd_ and 256 random bits in hex");
    assert_eq!(created["scopes"], json!(["read:internal", "write"]));
    assert!(
        listed.contains("newsroom") && !listed.contains(&token) && !listed.contains("token_hash")
    );
    assert_eq!(before.status(), 201);
    assert_eq!(revoke.status(), 204);
    assert_problem(after, 401, "unauthorized").await;
    let bad = app
        .client
        .post(app.url("/api/v1/api-keys"))
        .json(&json!({"name": "x", "scopes": ["root"]}))
        .send()
        .await
        .unwrap();
    assert_problem(bad, 422, "validation-failed").await;
}

#[tokio::test]
async fn the_keys_command_prints_a_working_token_on_its_last_line() {
    let app = spawn_app().await;

    let output = Command::new(env!("CARGO_BIN_EXE_pressdir"))
        .args(["keys", "create", "--name", "cli-admin", "--scope", "admin"])
        .env("PRESSDIR_DATABASE_URL", &app.database_url)
        .env("PRESSDIR_LOG", "off")
        .output()
        .unwrap();

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let token = stdout.lines().last().unwrap().trim().to_string();
    let listed = client_with(&token)
        .get(app.url("/api/v1/api-keys"))
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
}
