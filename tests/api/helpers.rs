//! A real pressdir server on a fresh database for each test.
//!
//! SQLite by default: a migrated file in a temporary directory. With
//! `PRESSDIR_TEST_POSTGRES_URL` set (a server URL such as
//! `postgres://postgres@127.0.0.1:5432`), every test runs against its own
//! PostgreSQL database instead, created here and dropped when the test ends.

use std::io::Write;

use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use pressdir::startup::{Application, Settings};
use reqwest::{Client, Response};
use serde_json::Value;

pub const POSTGRES_ENV: &str = "PRESSDIR_TEST_POSTGRES_URL";

/// A database that lives as long as the test.
pub enum TestDb {
    // Held so the directory lives until the test ends.
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub fn new() -> (Self, String) {
        match std::env::var(POSTGRES_ENV) {
            Ok(server) if !server.is_empty() => {
                let name = format!("pressdir_test_{}", uuid::Uuid::new_v4().simple());
                let admin_url = with_database(&server, "postgres");
                let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                    panic!("{POSTGRES_ENV} is set but PostgreSQL is unreachable: {e}")
                });
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create test database");
                let url = with_database(&server, &name);
                (TestDb::Postgres { admin_url, name }, url)
            }
            _ => Self::sqlite(),
        }
    }

    /// A SQLite database whatever the environment says.
    pub fn sqlite() -> (Self, String) {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = dir
            .path()
            .join("pressdir.db")
            .to_string_lossy()
            .into_owned();
        (TestDb::Sqlite(dir), url)
    }
}

fn with_database(server: &str, database: &str) -> String {
    let mut url = url::Url::parse(server).expect("PostgreSQL URL");
    url.set_path(&format!("/{database}"));
    url.to_string()
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Best effort: a failed drop must not hide the test's own result.
        if let TestDb::Postgres { admin_url, name } = self
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}

pub struct TestApp {
    pub address: String,
    /// Sends an admin key with every request.
    pub client: Client,
    /// Sends no key: what the public sees.
    pub public: Client,
    pub database_url: String,
    /// The primary's pool, as the server uses it.
    pub primary: pressdir::db::DbPool,
    pub replica: Option<pressdir::db::DbPool>,
    /// How the server split its memory budget.
    pub memory: pressdir::budget::Split,
    pub db: TestDb,
}

/// A server on a fresh database loaded with the seed release.
pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

/// A server on a fresh, empty database.
pub async fn spawn_empty_app() -> TestApp {
    spawn_with(|s| s.seed = false).await
}

pub async fn spawn_with(tune: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_on(TestDb::new(), tune).await
}

pub async fn spawn_on(
    (db, database_url): (TestDb, String),
    tune: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = Settings {
        database_url: database_url.clone(),
        bind: "127.0.0.1:0".into(),
        workers: Some(1),
        pool_size: 4,
        ..Settings::default()
    };
    tune(&mut settings);
    let app = Application::build(&settings).expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let (primary, replica, memory) = (app.pool(), app.replica(), app.memory_split());
    let admin_token = create_key(&primary, "test-admin", &[pressdir::keys::Scope::Admin]);
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: client_with(&admin_token),
        public: Client::new(),
        database_url,
        primary,
        replica,
        memory,
        db,
    }
}

/// Another server on the same database as `app` (a second instance, as
/// behind a load balancer); returns its address.
pub async fn beside(app: &TestApp, tune: impl FnOnce(&mut Settings)) -> String {
    let mut settings = Settings {
        database_url: app.database_url.clone(),
        bind: "127.0.0.1:0".into(),
        workers: Some(1),
        pool_size: 4,
        dispatch_webhooks: false,
        ..Settings::default()
    };
    tune(&mut settings);
    let other = Application::build(&settings).expect("second instance");
    let address = format!("http://127.0.0.1:{}", other.port());
    tokio::spawn(other.run_until_stopped());
    address
}

/// A key with these scopes, straight in the database.
pub fn create_key(
    pool: &pressdir::db::DbPool,
    name: &str,
    scopes: &[pressdir::keys::Scope],
) -> String {
    let mut conn = pool.get().expect("connection");
    pressdir::keys::db::create_key(&mut conn, &pressdir::audit::Actor::cli(), name, scopes)
        .expect("create key")
        .token
}

/// A client that sends this key with every request.
pub fn client_with(token: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let value = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}")).expect("header");
    headers.insert(reqwest::header::AUTHORIZATION, value);
    Client::builder()
        .default_headers(headers)
        .build()
        .expect("client")
}

impl TestApp {
    /// The whole directory, as an admin exports it.
    pub async fn export_document(&self) -> Value {
        let response = self
            .client
            .get(self.url("/api/v1/export"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    pub async fn import_document(&self, document: &Value) -> Response {
        self.client
            .post(self.url("/api/v1/import"))
            .header("content-type", "application/json")
            .body(document.to_string())
            .send()
            .await
            .unwrap()
    }

    /// A public GET with an `Accept` header, as text.
    pub async fn get_as(&self, path: &str, accept: &str) -> String {
        self.public
            .get(self.url(path))
            .header("accept", accept)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A public read: no key.
    pub async fn get(&self, path: &str) -> Response {
        self.public
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("json")
    }

    /// A GET with the admin key, as JSON.
    pub async fn admin_json(&self, path: &str) -> Value {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("json")
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.client
            .patch(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// POSTs and asserts 201, returning the body.
    pub async fn create(&self, path: &str, body: Value) -> Value {
        let response = self.post(path, &body).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 201, "POST {path}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    pub async fn create_office(&self, name: &str, country: &str) -> Value {
        self.create(
            "/api/v1/offices",
            serde_json::json!({"name": name, "kind": "country_office", "country_code": country}),
        )
        .await
    }

    pub async fn create_person(&self, name: &str, office: Option<&str>) -> Value {
        self.create(
            "/api/v1/people",
            serde_json::json!({"full_name": name, "office_id": office}),
        )
        .await
    }
}

/// Asserts a problem+json answer with this status and problem type, and returns it.
pub async fn assert_problem(response: Response, status: u16, problem_type: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    let body: Value = response.json().await.expect("problem body");
    assert_eq!(body["type"], format!("/problems/{problem_type}"), "{body}");
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string() && body["detail"].is_string());
    body
}

/// The `field` of each listed error.
pub fn failing_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// PostgreSQL tests run only when a server is named; without one they say so.
pub fn postgres_or_skip(test: &str) -> Option<(TestDb, String)> {
    if std::env::var(POSTGRES_ENV)
        .map(|v| v.is_empty())
        .unwrap_or(true)
    {
        // Past libtest's capture, which hides what passing tests print.
        let mut stderr: Box<dyn Write> =
            match std::fs::OpenOptions::new().append(true).open("/dev/stderr") {
                Ok(file) => Box::new(file),
                Err(_) => Box::new(std::io::stderr()),
            };
        let _ = writeln!(
            stderr,
            "skipped {test}: set {POSTGRES_ENV} (e.g. postgres://postgres@127.0.0.1:5432) to run it"
        );
        return None;
    }
    Some(TestDb::new())
}

/// Runs a Python `script` on `input` (written to a file, its path the
/// script's first argument) and gives what it prints as JSON. Without the
/// Python module (outside CI) the check is skipped with a message, unless
/// `required_by` (an environment variable) is set: then it must run.
pub fn python_reads(script: &str, input: &str, required_by: &str, what: &str) -> Option<Value> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input");
    std::fs::write(&path, input).unwrap();
    let output = std::process::Command::new("python3")
        .args(["-c", script, path.to_str().unwrap()])
        .output();
    match output {
        Ok(o) if o.status.success() => Some(serde_json::from_slice(&o.stdout).unwrap()),
        Ok(o)
            if std::env::var(required_by).is_err()
                && String::from_utf8_lossy(&o.stderr).contains("No module named") =>
        {
            eprintln!("skipped the {what} check: its Python module is not installed");
            None
        }
        Ok(o) => panic!(
            "{what} could not read it: {}\n{input}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!("python3: {e}"),
    }
}
