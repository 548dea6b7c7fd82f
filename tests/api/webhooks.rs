//! Issue 17: webhooks that do not lose events. A receiver in the test
//! answers as planned (fail, hang, succeed); every delivery is checked for
//! its Standard Webhooks signature, computed here independently of the
//! server's code.

use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, failing_fields, spawn_with};

/// What the receiver does with the next request.
#[derive(Clone, Copy, Debug)]
pub enum Answer {
    Status(u16),
    Hang(Duration),
}

#[derive(Clone, Debug)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
    pub answered: u16,
}

#[derive(Clone, Default)]
pub struct Receiver {
    pub url: String,
    plan: Arc<Mutex<VecDeque<Answer>>>,
    got: Arc<Mutex<Vec<Received>>>,
}

async fn receive(req: HttpRequest, body: String, receiver: web::Data<Receiver>) -> HttpResponse {
    let answer = receiver
        .plan
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or(Answer::Status(204));
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let answered = match answer {
        Answer::Status(status) => status,
        // The sender gives up first: for it, this was no answer.
        Answer::Hang(time) => {
            tokio::time::sleep(time).await;
            0
        }
    };
    receiver.got.lock().unwrap().push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body,
        answered,
    });
    HttpResponse::build(actix_web::http::StatusCode::from_u16(answered.max(204)).unwrap()).finish()
}

impl Receiver {
    /// A receiver on `listener`, answering `plan` in order, then 204.
    pub fn start_on(listener: TcpListener, plan: Vec<Answer>) -> Self {
        let port = listener.local_addr().unwrap().port();
        let receiver = Receiver {
            url: format!("http://127.0.0.1:{port}/hooks"),
            plan: Arc::new(Mutex::new(plan.into())),
            got: Default::default(),
        };
        let data = web::Data::new(receiver.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        receiver
    }

    pub fn start(plan: Vec<Answer>) -> Self {
        Self::start_on(TcpListener::bind("127.0.0.1:0").unwrap(), plan)
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `done` holds for what was received (at most 20 s).
    pub async fn wait_for(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.received();
            if done(&got) {
                return got;
            }
            assert!(Instant::now() < deadline, "{what}: got {got:#?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Each event answered 2xx exactly once (by `webhook-id`).
pub fn delivered_ids(got: &[Received]) -> Vec<String> {
    let mut ids: Vec<String> = got
        .iter()
        .filter(|r| (200..300).contains(&r.answered))
        .map(|r| r.id.clone())
        .collect();
    ids.sort();
    ids
}

/// The Standard Webhooks check, written from the specification.
pub fn verify(secret: &str, received: &Received) -> bool {
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", received.id, received.timestamp, received.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    received.signature.split(' ').any(|s| s == expected)
}

/// Fast retries, private addresses allowed (the receiver is on loopback).
pub fn quick(settings: &mut pressdir::startup::Settings) {
    settings.webhooks.allow_private = true;
    settings.webhooks.backoff_base = Duration::from_millis(50);
    settings.webhooks.poll = Duration::from_millis(50);
    settings.webhooks.timeout = Duration::from_millis(500);
}

pub async fn register(app: &TestApp, url: &str, types: Value) -> Value {
    let response = app
        .post(
            "/api/v1/webhooks",
            &json!({"url": url, "event_types": types}),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_change_is_delivered_signed_retried_and_once_with_its_feed_position() {
    let app = spawn_with(quick).await;
    let receiver = Receiver::start(vec![Answer::Status(500), Answer::Status(503)]);
    let endpoint = register(&app, &receiver.url, json!(["person.updated"])).await;
    let secret = endpoint["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    let id = endpoint["id"].as_str().unwrap();
    let shown = app.admin_json(&format!("/api/v1/webhooks/{id}")).await;
    assert!(shown.get("secret").is_none(), "the secret is shown once");

    // A refused write makes no event; the next one makes exactly one.
    let refused = app
        .patch(
            "/api/v1/people/jorge-gallo",
            &json!({"languages": ["not a tag"]}),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let changed: Value = app
        .patch(
            "/api/v1/people/jorge-gallo",
            &json!({"job_title": "Spokesperson"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let got = receiver
        .wait_for("delivered after two failures", |got| {
            got.iter().any(|r| r.answered == 204)
        })
        .await;
    assert_eq!(got.len(), 3, "two failures, then the delivery");
    assert!(
        got.iter().all(|r| r.id == got[0].id),
        "one id on every attempt"
    );
    assert!(got.iter().all(|r| verify(&secret, r)), "signed");
    let event: Value = serde_json::from_str(&got[2].body).unwrap();
    assert_eq!(event["type"], "person.updated");
    assert_eq!(event["data"]["id"], changed["id"]);
    assert_eq!(event["data"]["version"], changed["version"]);
    assert_eq!(
        event["data"]["updated_at"], changed["updated_at"],
        "the change-feed position"
    );
    assert_eq!(
        event["data"]["href"],
        format!("/api/v1/people/{}", changed["id"].as_str().unwrap())
    );

    // Every attempt is on record.
    let deliveries = app
        .admin_json(&format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    let delivery = &deliveries["items"][0];
    assert_eq!(deliveries["items"].as_array().unwrap().len(), 1);
    assert_eq!(delivery["status"], "delivered");
    assert_eq!(delivery["attempts"], 3);
    let statuses: Vec<Value> = delivery["attempt_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].clone())
        .collect();
    assert_eq!(statuses, vec![json!(500), json!(503), json!(204)]);

    // Redelivered on request, under the same id.
    let again = app
        .post(
            &format!(
                "/api/v1/webhooks/{id}/deliveries/{}/redeliver",
                delivery["id"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await;
    assert_eq!(again.status(), 202);
    let got = receiver.wait_for("redelivered", |got| got.len() == 4).await;
    assert_eq!(got[3].id, got[0].id);
    assert!(verify(&secret, &got[3]));
    // Only what the endpoint asked for: a new office sends nothing.
    app.create_office("IOM Panama", "PA").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 4);

    // What is settled and old is forgotten (after --webhook-retention-days).
    let forgotten = {
        let mut conn = app.primary.get().unwrap();
        let later = pressdir::db::now() + chrono::Duration::seconds(1);
        pressdir::webhooks::db::prune(&mut conn, later).unwrap()
    };
    assert!(
        forgotten >= 2,
        "the person's event and the office's: {forgotten}"
    );
    let deliveries = app
        .admin_json(&format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    assert_eq!(deliveries["items"], json!([]));
}

#[tokio::test]
async fn retries_stop_after_their_window_and_the_endpoint_is_marked_failing() {
    let app = spawn_with(|s| {
        quick(s);
        s.webhooks.retry_for = Duration::from_millis(400);
    })
    .await;
    let receiver = Receiver::start(vec![Answer::Status(500); 100]);
    let endpoint = register(&app, &receiver.url, json!(["*"])).await;
    let id = endpoint["id"].as_str().unwrap();
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"job_title": "Spokesperson"}),
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let shown = app.admin_json(&format!("/api/v1/webhooks/{id}")).await;
        if shown["status"] == "failing" {
            assert!(shown["failing_since"].is_string());
            break;
        }
        assert!(Instant::now() < deadline, "never marked failing: {shown}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let failed = app
        .admin_json(&format!("/api/v1/webhooks/{id}/deliveries?status=failed"))
        .await;
    assert_eq!(failed["items"][0]["event_type"], "person.updated");
    assert!(failed["items"][0]["attempts"].as_i64().unwrap() >= 2);
    let metrics = app.get_as("/metrics", "text/plain").await;
    assert!(metrics.contains("pressdir_webhook_deliveries_total{outcome=\"failed\"}"));
    assert!(metrics.contains("pressdir_outbox_depth"));
}

#[tokio::test]
async fn endpoints_must_be_public_http_urls_for_known_events_and_need_an_admin() {
    let app = crate::helpers::spawn_app().await;
    for url in [
        "http://127.0.0.1:9/hooks",
        "http://localhost/hooks",
        "http://10.0.0.7/hooks",
        "http://[::1]/hooks",
        "http://169.254.169.254/latest/meta-data",
        "ftp://partner.example.org/",
        "https://user:pass@partner.example.org/",
        "not a url",
    ] {
        let response = app
            .post(
                "/api/v1/webhooks",
                &json!({"url": url, "event_types": ["*"]}),
            )
            .await;
        let problem = assert_problem(response, 422, "validation-failed").await;
        assert_eq!(failing_fields(&problem), vec!["url"], "{url}");
    }
    let response = app
        .post(
            "/api/v1/webhooks",
            &json!({"url": "https://partner.example.org/hooks", "event_types": ["person.updated", "person.exploded"]}),
        )
        .await;
    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(failing_fields(&problem), vec!["event_types[1]"]);
    let writer = crate::helpers::client_with(&crate::helpers::create_key(
        &app.primary,
        "writer",
        &[pressdir::keys::Scope::Write],
    ));
    let response = writer
        .post(app.url("/api/v1/webhooks"))
        .json(&json!({"url": "https://partner.example.org/hooks", "event_types": ["*"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

/// What a process-level test needs: a key, and a client.
fn admin_client(url: &str) -> reqwest::Client {
    let pool = pressdir::db::DbPool::connect(url, 1, Duration::from_secs(5)).unwrap();
    crate::helpers::client_with(&crate::helpers::create_key(
        &pool,
        "admin",
        &[pressdir::keys::Scope::Admin],
    ))
}

const DISPATCH: &[(&str, &str)] = &[
    ("PRESSDIR_WEBHOOK_ALLOW_PRIVATE", "true"),
    ("PRESSDIR_WEBHOOK_BACKOFF_SECS", "0.05"),
    ("PRESSDIR_WEBHOOK_TIMEOUT_SECS", "1"),
];

/// The "done when": events committed by an instance killed
/// (SIGKILL) before it delivered anything are delivered by the others,
/// to a receiver that was down and came back, each exactly once though
/// two instances dispatch and the receiver fails and hangs on the way.
/// On PostgreSQL when it is configured (two instances, SKIP LOCKED),
/// else on one SQLite file.
#[tokio::test]
async fn no_event_is_lost_to_a_kill_or_a_receiver_down_and_none_is_delivered_twice() {
    use crate::process::start_with;
    let (_db, url) = crate::helpers::TestDb::new();
    let mut writer = start_with(
        &url,
        &[
            ("PRESSDIR_NO_WEBHOOK_DISPATCH", "true"),
            ("PRESSDIR_WEBHOOK_ALLOW_PRIVATE", "true"),
        ],
        std::process::Stdio::null(),
    );
    writer.wait_ready().await;
    let client = admin_client(&url);
    // The receiver's port, not listening yet: the receiver is down.
    let port = crate::process::free_port();
    let endpoint: Value = client
        .post(writer.url("/api/v1/webhooks"))
        .json(&json!({"url": format!("http://127.0.0.1:{port}/hooks"), "event_types": ["person.created", "person.updated"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = endpoint["secret"].as_str().unwrap().to_string();
    let mut people = vec![];
    for i in 0..12 {
        let created: Value = client
            .post(writer.url("/api/v1/people"))
            .json(&json!({"full_name": format!("Reporter Number {i}"), "office_id": "iom-washington"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        people.push(created["id"].as_str().unwrap().to_string());
    }
    writer.signal("KILL");
    writer.wait_exit(Duration::from_secs(5)).expect("killed");

    let dispatchers = [
        start_with(&url, DISPATCH, std::process::Stdio::null()),
        start_with(&url, DISPATCH, std::process::Stdio::null()),
    ];
    for d in &dispatchers {
        d.wait_ready().await;
    }
    // Down for a while (connections refused, retried with backoff)...
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // ...then up, failing, hanging past the timeout, failing again.
    let receiver = Receiver::start_on(
        TcpListener::bind(("127.0.0.1", port)).unwrap(),
        vec![
            Answer::Status(500),
            Answer::Hang(Duration::from_millis(1500)),
            Answer::Status(502),
        ],
    );
    // More changes while both dispatch.
    for id in &people[..4] {
        let changed = client
            .patch(dispatchers[0].url(&format!("/api/v1/people/{id}")))
            .json(&json!({"job_title": "Reporter"}))
            .send()
            .await
            .unwrap();
        assert_eq!(changed.status(), 200);
    }
    receiver
        .wait_for("every event delivered", |got| {
            delivered_ids(got).len() >= 16
        })
        .await;
    // Time for a second delivery of anything, were there one.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let got = receiver.received();
    let delivered = delivered_ids(&got);
    let mut unique = delivered.clone();
    unique.dedup();
    assert_eq!(delivered, unique, "no event delivered twice");
    assert_eq!(delivered.len(), 16, "12 created, 4 updated");
    assert!(
        got.iter().all(|r| verify(&secret, r)),
        "every attempt signed"
    );
    let mut created: Vec<String> = got
        .iter()
        .filter(|r| (200..300).contains(&r.answered))
        .map(|r| serde_json::from_str::<Value>(&r.body).unwrap())
        .filter(|e| e["type"] == "person.created")
        .map(|e| e["data"]["id"].as_str().unwrap().to_string())
        .collect();
    created.sort();
    people.sort();
    assert_eq!(created, people, "each person created before the kill");
}

#[tokio::test]
async fn the_cli_registers_lists_and_removes_endpoints() {
    use crate::process::pressdir;
    let (_db, url) = crate::helpers::TestDb::new();
    let env = [("PRESSDIR_DATABASE_URL", url.as_str())];
    let created = pressdir(
        &[
            "webhooks",
            "create",
            "--url",
            "https://partner.example.org/hooks",
            "--event",
            "person.updated",
            "--event",
            "release.created",
        ],
        &env,
    );
    assert!(created.status.success(), "{created:?}");
    let secret = String::from_utf8(created.stdout).unwrap();
    assert!(secret.trim().starts_with("whsec_"), "{secret}");
    let listed = String::from_utf8(pressdir(&["webhooks", "list"], &env).stdout).unwrap();
    assert!(
        listed.contains(
            "https://partner.example.org/hooks  [person.updated, release.created]  active"
        ),
        "{listed}"
    );
    assert!(!listed.contains(secret.trim()), "never the secret again");
    let id = listed.split_whitespace().next().unwrap();
    assert!(pressdir(&["webhooks", "delete", id], &env).status.success());
    let listed = String::from_utf8(pressdir(&["webhooks", "list"], &env).stdout).unwrap();
    assert!(listed.trim().is_empty(), "{listed}");
    let refused = pressdir(
        &[
            "webhooks",
            "create",
            "--url",
            "http://127.0.0.1/x",
            "--event",
            "*",
        ],
        &env,
    );
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("url: must not be a loopback or private address")
    );
}

#[tokio::test]
async fn a_hanging_receiver_holds_up_only_itself_and_a_disabled_endpoint_gets_nothing() {
    let app = spawn_with(|s| {
        quick(s);
        s.webhooks.concurrency = 4;
    })
    .await;
    let hanging = Receiver::start(vec![Answer::Hang(Duration::from_secs(2)); 100]);
    let healthy = Receiver::start(vec![]);
    register(&app, &hanging.url, json!(["person.updated"])).await;
    let endpoint = register(&app, &healthy.url, json!(["person.updated"])).await;
    let id = endpoint["id"].as_str().unwrap();
    let started = Instant::now();
    for i in 0..10 {
        app.patch(
            "/api/v1/people/jorge-gallo",
            &json!({"job_title": format!("Spokesperson {i}")}),
        )
        .await;
    }
    healthy
        .wait_for("all ten at the healthy endpoint", |got| {
            delivered_ids(got).len() == 10
        })
        .await;
    // Ten sends to the hanging one would take 10 × 0.5 s one after another.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );

    let disabled = app
        .client
        .patch(app.url(&format!("/api/v1/webhooks/{id}")))
        .json(&json!({"status": "disabled"}))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), 200);
    app.patch("/api/v1/people/jorge-gallo", &json!({"job_title": "Quiet"}))
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        healthy.received().len(),
        10,
        "nothing to a disabled endpoint"
    );
    let deliveries = app
        .admin_json(&format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    assert_eq!(
        deliveries["items"].as_array().unwrap().len(),
        10,
        "no delivery is made for a disabled endpoint"
    );
    let refused = app
        .post(
            &format!(
                "/api/v1/webhooks/{id}/deliveries/{}/redeliver",
                deliveries["items"][0]["id"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await;
    assert_problem(refused, 409, "conflict").await;
    // Resumed: the next change goes out.
    app.client
        .patch(app.url(&format!("/api/v1/webhooks/{id}")))
        .json(&json!({"status": "active"}))
        .send()
        .await
        .unwrap();
    app.patch("/api/v1/people/jorge-gallo", &json!({"job_title": "Heard"}))
        .await;
    healthy
        .wait_for("the next change after resuming", |got| {
            delivered_ids(got).len() == 11
        })
        .await;
}
