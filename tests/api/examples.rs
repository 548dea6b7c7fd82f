//! Issue 17: every request and response body in the spec has an example
//! drawn from the seeded directory, so partners (and Swagger UI) see what
//! the service really sends. The examples are captured here, from a server
//! on the seed, into `openapi/examples.json`, which `openapi.rs` merges
//! into the spec. `UPDATE_EXAMPLES=1 cargo test --test api examples`
//! rewrites the file (then regenerate the spec with `UPDATE_OPENAPI=1`).
//! Without it, the capture still runs: each request must still answer its
//! status, and the file must hold an example for each answer captured.
//! `.ci/examples.py` checks every example against its schema.

use std::collections::BTreeSet;

use reqwest::{Client, Method};
use serde_json::{Value, json};

use crate::helpers::{TestApp, client_with, spawn_with};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/examples.json");

/// A text example longer than this is cut at a line end (the page's
/// script, the metrics): an example shows the shape, not the whole file.
const MAX_TEXT_EXAMPLE: usize = 2_500;
/// Lists in examples keep their first items only.
const MAX_LIST_EXAMPLE: usize = 3;
/// Long strings inside JSON (a release's text, a photo in base64) are cut.
const MAX_STRING_EXAMPLE: usize = 600;

const SAN_JOSE: &str = "iom-regional-office-san-jose";
const JORGE: &str = "jorge-gallo";
const RELEASE: &str = "iom-welcomes-president-joe-bidens-executive-actions-on-migration";

enum Body {
    Json(Value),
    Text(&'static str, String),
    Bytes(&'static str, Vec<u8>),
}

struct Capture<'a> {
    app: &'a TestApp,
    /// `{"<method> <path>": {"request": {ct: example}, "responses": {status: {ct: example}}}}`
    operations: serde_json::Map<String, Value>,
}

impl Capture<'_> {
    /// Sends one request and records its body and its answer's body under
    /// the operation (`template` is the spec's path).
    async fn call(
        &mut self,
        client: &Client,
        (method, template): (Method, &str),
        args: &[&str],
        body: Option<Body>,
        headers: &[(&str, &str)],
        expect: u16,
    ) -> Value {
        let path = fill(template, args);
        let operation = template.split('?').next().unwrap_or_default();
        let key = format!("{} {operation}", method.as_str().to_lowercase());
        let mut request = client.request(method, self.app.url(&path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let entry = self
            .operations
            .entry(key.clone())
            .or_insert_with(|| json!({}));
        match body {
            Some(Body::Json(value)) => {
                entry["request"]["application/json"] = trimmed(&value);
                request = request.json(&value);
            }
            Some(Body::Text(content_type, text)) => {
                entry["request"][content_type] = shortened(&text).into();
                request = request.header("content-type", content_type).body(text);
            }
            // Binary bodies are described, not shown (see `openapi.rs`).
            Some(Body::Bytes(content_type, bytes)) => {
                request = request.header("content-type", content_type).body(bytes);
            }
            None => {}
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().trim().to_string());
        let bytes = response.bytes().await.unwrap();
        assert_eq!(
            status,
            expect,
            "{key} ({path}): {}",
            String::from_utf8_lossy(&bytes)
        );
        let Some(content_type) = content_type.filter(|_| !bytes.is_empty()) else {
            return Value::Null;
        };
        let answer = if content_type.contains("json") {
            serde_json::from_slice(&bytes).unwrap()
        } else if content_type.starts_with("image/") {
            return Value::Null;
        } else {
            Value::String(String::from_utf8(bytes.to_vec()).unwrap())
        };
        let recorded = match &answer {
            Value::String(text) => shortened(text).into(),
            json => trimmed(json),
        };
        let entry = &mut self.operations[&key];
        entry["responses"][status.to_string()][content_type] = recorded;
        answer
    }

    async fn get(&mut self, template: &str, args: &[&str], accept: &str) -> Value {
        let client = self.app.client.clone();
        self.call(
            &client,
            (Method::GET, template),
            args,
            None,
            &[("accept", accept)],
            200,
        )
        .await
    }

    async fn send_json(
        &mut self,
        route: (Method, &str),
        args: &[&str],
        body: Value,
        expect: u16,
    ) -> Value {
        let client = self.app.client.clone();
        self.call(&client, route, args, Some(Body::Json(body)), &[], expect)
            .await
    }
}

/// `/people/{id}/contact-points` with `["jorge-gallo"]`.
fn fill(template: &str, args: &[&str]) -> String {
    let mut path = String::new();
    let mut args = args.iter();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        path.push_str(&rest[..open]);
        path.push_str(args.next().expect("an argument for each placeholder"));
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    path
}

fn trimmed(value: &Value) -> Value {
    match value {
        Value::Array(items) => items.iter().take(MAX_LIST_EXAMPLE).map(trimmed).collect(),
        Value::Object(members) => members
            .iter()
            .map(|(k, v)| (k.clone(), trimmed(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Value::String(text) if text.len() > MAX_STRING_EXAMPLE => {
            format!("{}…", &text[..text.floor_char_boundary(MAX_STRING_EXAMPLE)]).into()
        }
        other => other.clone(),
    }
}

fn shortened(text: &str) -> String {
    if text.len() <= MAX_TEXT_EXAMPLE {
        return text.to_string();
    }
    let end = text.floor_char_boundary(MAX_TEXT_EXAMPLE);
    let cut = text[..end].rfind('\n').unwrap_or(end);
    format!("{}\n…", &text[..cut])
}

/// The walk through the directory that the examples come from: every read,
/// then the writes a press office makes, then each kind of refusal.
async fn capture(app: &TestApp) -> Value {
    let mut c = Capture {
        app,
        operations: Default::default(),
    };
    let json = "application/json";

    // Reads: the service, the page, the directory.
    for path in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
        c.get(path, &[], "*/*").await;
    }
    c.get("/", &[], "text/html").await;
    c.get("/assets/app.js", &[], "*/*").await;
    c.get("/assets/style.css", &[], "*/*").await;
    c.get("/offices/{id}", &[SAN_JOSE], "text/html").await;
    c.get("/people/{id}", &[JORGE], "text/html").await;
    c.get("/releases/{id}", &[RELEASE], "text/html").await;
    c.get("/api/v1/offices", &[], json).await;
    for accept in [json, "application/ld+json"] {
        c.get("/api/v1/offices/{id}", &[SAN_JOSE], accept).await;
        c.get("/api/v1/people/{id}", &[JORGE], accept).await;
        c.get("/api/v1/releases/{id}", &[RELEASE], accept).await;
    }
    c.get("/api/v1/people/{id}", &[JORGE], "text/vcard").await;
    for accept in [json, "text/csv", "text/vcard"] {
        c.get("/api/v1/people", &[], accept).await;
        c.get("/api/v1/offices/{id}/people", &[SAN_JOSE], accept)
            .await;
    }
    c.get("/api/v1/offices/{id}/vcard", &[SAN_JOSE], "*/*")
        .await;
    c.get("/api/v1/people/{id}/vcard", &[JORGE], "*/*").await;
    c.get("/api/v1/people/{id}/releases", &[JORGE], json).await;
    c.get("/api/v1/releases", &[], json).await;
    c.get("/api/v1/releases/{id}/appearances", &[RELEASE], json)
        .await;
    c.get("/api/v1/feeds/releases.atom", &[], "*/*").await;
    c.get("/api/v1/feeds/releases.json", &[], "*/*").await;
    c.get("/api/v1/search?q=gallo", &[], json).await;

    // A press office at work. The webhook comes first so that the writes
    // after it are delivered to it.
    let hook = c
        .send_json(
            (Method::POST, "/api/v1/webhooks"),
            &[],
            json!({"url": "https://newsroom.example.org/hooks/pressdir",
                   "event_types": ["person.created", "person.updated", "release.published"],
                   "description": "Newsroom contact book"}),
            201,
        )
        .await;
    let hook_id = hook["id"].as_str().unwrap().to_string();
    c.send_json(
        (Method::PATCH, "/api/v1/webhooks/{id}"),
        &[&hook_id],
        json!({"event_types": ["person.created", "person.updated", "person.archived", "release.published"]}),
        200,
    )
    .await;
    c.get("/api/v1/webhooks", &[], json).await;
    c.get("/api/v1/webhooks/{id}", &[&hook_id], json).await;

    let panama = c
        .send_json(
            (Method::POST, "/api/v1/offices"),
            &[],
            json!({"name": "IOM Panama", "kind": "country_office", "country_code": "PA",
                   "city": "Panama City", "timezone": "America/Panama", "parent_id": SAN_JOSE,
                   "hours": {"weekly": {"mon": [{"from": "08:00", "to": "17:00"}], "tue": [{"from": "08:00", "to": "17:00"}],
                             "wed": [{"from": "08:00", "to": "17:00"}], "thu": [{"from": "08:00", "to": "17:00"}],
                             "fri": [{"from": "08:00", "to": "16:00"}]}}}),
            201,
        )
        .await;
    let panama = panama["slug"].as_str().unwrap().to_string();
    c.send_json(
        (Method::PATCH, "/api/v1/offices/{id}"),
        &[&panama],
        json!({"website": "https://panama.iom.int"}),
        200,
    )
    .await;
    let line = c
        .send_json(
            (Method::POST, "/api/v1/offices/{id}/contact-points"),
            &[SAN_JOSE],
            json!({"kind": "phone", "value": "+506 2212 5300", "label": "Duty press line"}),
            201,
        )
        .await;
    let line_id = line["id"].as_str().unwrap().to_string();
    c.send_json(
        (Method::PATCH, "/api/v1/contact-points/{id}"),
        &[&line_id],
        json!({"label": "Duty press line, 24/7"}),
        200,
    )
    .await;
    c.get("/api/v1/contact-points/{id}", &[&line_id], json)
        .await;
    c.get("/api/v1/offices/{id}/contact-points", &[SAN_JOSE], json)
        .await;
    c.send_json(
        (Method::POST, "/api/v1/offices/{id}/duty"),
        &[SAN_JOSE],
        json!({"person_id": JORGE, "starts_at": "2026-12-01T00:00:00Z",
               "ends_at": "2026-12-01T08:00:00Z", "note": "Night shift"}),
        201,
    )
    .await;
    c.get(
        "/api/v1/offices/{id}/duty?from=2026-11-30T00:00:00Z",
        &[SAN_JOSE],
        json,
    )
    .await;
    c.get("/api/v1/offices/{id}/on-duty", &[SAN_JOSE], json)
        .await;

    let person = c
        .send_json(
            (Method::POST, "/api/v1/people"),
            &[],
            json!({"full_name": "Daniela Jiménez Arce", "office_id": SAN_JOSE,
                   "job_title": "Communications Officer",
                   "languages": ["es", "en"], "topics": ["migration", "Costa Rica"]}),
            201,
        )
        .await;
    let daniela = person["slug"].as_str().unwrap().to_string();
    c.send_json(
        (Method::PATCH, "/api/v1/people/{id}"),
        &[&daniela],
        json!({"pronouns": "she/her", "job_title": "Senior Communications Officer"}),
        200,
    )
    .await;
    c.send_json(
        (Method::POST, "/api/v1/people/{id}/contact-points"),
        &[&daniela],
        json!({"kind": "phone", "value": "+506 2296 1433;ext=214", "label": "Office"}),
        201,
    )
    .await;
    c.send_json(
        (Method::POST, "/api/v1/people/{id}/contact-points"),
        &[&daniela],
        json!({"kind": "email", "value": "djimenezarce@iom.int", "is_primary": true}),
        201,
    )
    .await;
    c.get("/api/v1/people/{id}/contact-points", &[&daniela], json)
        .await;
    let photo = crate::photo::encoded(640, 480, image::ImageFormat::Jpeg);
    let client = app.client.clone();
    c.call(
        &client,
        (Method::PUT, "/api/v1/people/{id}/photo"),
        &[&daniela],
        Some(Body::Bytes("image/jpeg", photo)),
        &[],
        200,
    )
    .await;
    c.get("/api/v1/people/{id}/photo", &[&daniela], "image/jpeg")
        .await;

    let release = c
        .send_json(
            (Method::POST, "/api/v1/releases"),
            &[],
            json!({"title": "IOM opens a migrant guidance centre in Upala", "office_id": SAN_JOSE,
                   "dateline": "San José, Costa Rica", "published_on": "2026-11-30", "language": "en",
                   "url": "https://costarica.iom.int/news/iom-opens-migrant-guidance-centre-upala",
                   "body": "IOM opened a guidance centre in Upala, Alajuela, for migrants arriving across the northern border."}),
            201,
        )
        .await;
    let upala = release["slug"].as_str().unwrap().to_string();
    c.send_json(
        (Method::PATCH, "/api/v1/releases/{id}"),
        &[&upala],
        json!({"summary": "A guidance centre for migrants and the communities that receive them."}),
        200,
    )
    .await;
    c.send_json(
        (Method::POST, "/api/v1/releases/{id}/appearances"),
        &[&upala],
        json!({"person_id": daniela, "role": "media_contact"}),
        201,
    )
    .await;

    let spanish = include_str!("../../fixtures/releases/tuning/es-oim-1.txt");
    c.send_json(
        (Method::POST, "/api/v1/releases/ingest"),
        &[],
        json!({"text": spanish, "language": "es", "published_on": "2024-03-12",
               "url": "https://costarica.iom.int/es/news/upala-centro-orientacion"}),
        201,
    )
    .await;
    let seed = include_str!("../../seed/iom-welcomes-biden-executive-actions.txt");
    c.call(
        &client,
        (Method::POST, "/api/v1/releases/ingest"),
        &[],
        Some(Body::Text("text/plain", seed.to_string())),
        &[],
        200,
    )
    .await;

    let key = c
        .send_json(
            (Method::POST, "/api/v1/api-keys"),
            &[],
            json!({"name": "newsroom-sync", "scopes": ["read:internal", "read:embargoed"]}),
            201,
        )
        .await;
    c.get("/api/v1/api-keys", &[], json).await;
    c.get("/api/v1/audit?entity_type=person", &[], json).await;
    c.get("/api/v1/webhooks/{id}/deliveries", &[&hook_id], json)
        .await;
    let document = c.get("/api/v1/export", &[], json).await;
    c.send_json((Method::POST, "/api/v1/import"), &[], document, 200)
        .await;

    // Refusals, each the way a client meets it.
    let public = app.public.clone();
    let reader = client_with(key["token"].as_str().unwrap());
    c.call(
        &public,
        (Method::GET, "/api/v1/people/{id}"),
        &["nobody-here"],
        None,
        &[],
        404,
    )
    .await;
    for page in ["/people/{id}", "/offices/{id}", "/releases/{id}"] {
        c.call(
            &public,
            (Method::GET, page),
            &["nobody-here"],
            None,
            &[],
            404,
        )
        .await;
    }
    let person = json!({"full_name": "Ana Pérez", "office_id": SAN_JOSE});
    c.call(
        &public,
        (Method::POST, "/api/v1/people"),
        &[],
        Some(Body::Json(person.clone())),
        &[],
        401,
    )
    .await;
    c.call(
        &reader,
        (Method::POST, "/api/v1/people"),
        &[],
        Some(Body::Json(person)),
        &[],
        403,
    )
    .await;
    c.call(
        &public,
        (Method::GET, "/api/v1/people?limit=5000"),
        &[],
        None,
        &[],
        400,
    )
    .await;
    c.send_json(
        (Method::POST, "/api/v1/people"),
        &[],
        json!({"full_name": "", "office_id": SAN_JOSE, "languages": ["not a language"]}),
        422,
    )
    .await;
    c.send_json(
        (Method::POST, "/api/v1/people"),
        &[],
        json!({"full_name": "Jorge Gallo", "slug": JORGE}),
        409,
    )
    .await;
    c.call(
        &client,
        (Method::PATCH, "/api/v1/people/{id}"),
        &[JORGE],
        Some(Body::Json(json!({"job_title": "Spokesperson"}))),
        &[("if-match", "\"0123456789abcdef\"")],
        412,
    )
    .await;
    c.call(
        &client,
        (Method::POST, "/api/v1/people"),
        &[],
        Some(Body::Text("text/plain", "full_name=Ana".into())),
        &[],
        415,
    )
    .await;
    let huge = json!({"full_name": "x".repeat(2 << 20)});
    let huge = huge.to_string();
    c.call(
        &client,
        (Method::POST, "/api/v1/offices"),
        &[],
        Some(Body::Bytes("application/json", huge.into_bytes())),
        &[],
        413,
    )
    .await;
    let mut operations = Value::Object(c.operations);
    // The pages share one list of errors; the home page's 404 is the same page.
    operations["get /"]["responses"]["404"] =
        operations["get /people/{id}"]["responses"]["404"].clone();
    for page in ["/", "/people/{id}", "/offices/{id}", "/releases/{id}"] {
        let answers = &mut operations[format!("get {page}")]["responses"];
        for (status, error) in server_side_errors() {
            let org =
                pressdir::formats::Organisation(pressdir::startup::DEFAULT_ORGANISATION.into());
            answers[status]["text/html"] = pressdir::web::failure_page(&org, &error).into();
        }
    }
    operations
}

/// The answers no request can be made to give on purpose.
fn server_side_errors() -> [(&'static str, pressdir::error::ApiError); 2] {
    use pressdir::error::ApiError;
    [
        (
            "500",
            ApiError::Internal(anyhow::anyhow!("logged, not sent")),
        ),
        (
            "503",
            ApiError::Unavailable("The database is busy; retry shortly.".into()),
        ),
    ]
}

async fn rate_limited() -> Value {
    let app = spawn_with(|s| s.rate_limit_per_minute = 1).await;
    let mut last = Value::Null;
    for _ in 0..3 {
        let response = app
            .public
            .get(app.url("/api/v1/search?q=gallo"))
            .send()
            .await
            .unwrap();
        if response.status() == 429 {
            last = response.json().await.unwrap();
            break;
        }
    }
    assert_eq!(
        last["status"], 429,
        "a limit of one search a minute was not enforced"
    );
    last
}

/// The status-by-status problem examples, for operations whose own refusal
/// was not captured: the first captured of each status.
fn problems_by_status(operations: &Value) -> Value {
    let mut problems = serde_json::Map::new();
    for operation in operations.as_object().unwrap().values() {
        for (status, content) in operation["responses"].as_object().into_iter().flatten() {
            if let Some(problem) = content.get("application/problem+json") {
                problems.entry(status.clone()).or_insert(problem.clone());
            }
        }
    }
    problems.into()
}

#[tokio::test]
async fn examples_are_captured_from_the_seeded_directory() {
    let app = spawn_with(|s| {
        s.max_body_bytes = 1 << 20;
        s.webhooks.timeout = std::time::Duration::from_secs(1);
    })
    .await;
    let mut operations = capture(&app).await;
    // The description itself would hold its own examples: its head will do.
    let described = &mut operations["get /openapi.json"]["responses"]["200"]["application/json"];
    *described = json!({"openapi": described["openapi"], "info": described["info"]});
    let mut problems = problems_by_status(&operations);
    problems["429"] = rate_limited().await;
    for (status, error) in server_side_errors() {
        problems[status] = serde_json::to_value(error.problem()).unwrap();
    }
    let captured = json!({"operations": operations, "problems": problems});

    if std::env::var("UPDATE_EXAMPLES").is_ok_and(|v| v == "1") {
        let text = serde_json::to_string_pretty(&captured).unwrap();
        std::fs::write(EXAMPLES, text + "\n").unwrap();
        return;
    }
    let committed: Value =
        serde_json::from_str(&std::fs::read_to_string(EXAMPLES).unwrap_or_default())
            .unwrap_or_default();
    let missing: Vec<String> = keys(&captured)
        .difference(&keys(&committed))
        .cloned()
        .collect();
    assert!(
        missing.is_empty(),
        "openapi/examples.json has no example for {missing:?}: run `UPDATE_EXAMPLES=1 cargo test --test api examples`, then `UPDATE_OPENAPI=1 cargo test --test api openapi`"
    );
}

/// `operation status content-type` (and `operation request content-type`) of each example.
fn keys(examples: &Value) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for (operation, parts) in examples["operations"].as_object().into_iter().flatten() {
        for content_type in parts["request"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            keys.insert(format!("{operation} request {content_type}"));
        }
        for (status, content) in parts["responses"].as_object().into_iter().flatten() {
            for content_type in content.as_object().into_iter().flatten().map(|(k, _)| k) {
                keys.insert(format!("{operation} {status} {content_type}"));
            }
        }
    }
    for status in examples["problems"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        keys.insert(format!("problem {status}"));
    }
    keys
}

/// Swagger UI and generated docs show an example for every body.
#[test]
fn every_request_and_response_body_in_the_spec_has_an_example() {
    let spec: Value = serde_json::from_str(&pressdir::startup::openapi_json()).unwrap();
    let mut without = vec![];
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let mut bodies = vec![];
            for (content_type, media) in operation["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                bodies.push((format!("request {content_type}"), media));
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                for (content_type, media) in response["content"].as_object().into_iter().flatten() {
                    bodies.push((format!("{status} {content_type}"), media));
                }
            }
            for (what, media) in bodies {
                if media.get("example").is_none() && media.get("examples").is_none() {
                    without.push(format!("{method} {path} {what}"));
                }
            }
        }
    }
    assert!(
        without.is_empty(),
        "bodies without an example: {without:#?}"
    );
}
