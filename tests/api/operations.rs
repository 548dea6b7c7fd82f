//! Running pressdir as a service: metrics, request ids, logs, shutdown,
//! crashes, backups and configuration.

use std::collections::HashSet;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pressdir::keys::Scope;
use serde_json::{Value, json};

use crate::helpers::{TestDb, client_with, create_key, spawn_app, spawn_with};
use crate::process::{Instance, pressdir, start_with};

#[tokio::test]
async fn metrics_are_prometheus_text_labelled_by_route_template() {
    let app = spawn_app().await;
    for slug in ["luca-dalloglio", "jorge-gallo", "no-such-person"] {
        app.get(&format!("/api/v1/people/{slug}")).await;
    }

    let response = app.public.get(app.url("/metrics")).send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    let sample = regex::Regex::new(
        r#"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+]?([0-9.]+(e[-+]?[0-9]+)?|Inf|NaN)$"#,
    )
    .unwrap();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        assert!(sample.is_match(line), "not a Prometheus sample: {line}");
    }
    for expected in [
        r#"pressdir_http_requests_total{method="GET",route="/api/v1/people/{id}",status="200"}"#,
        r#"pressdir_http_requests_total{method="GET",route="/api/v1/people/{id}",status="404"}"#,
        r#"pressdir_http_request_duration_seconds_bucket{method="GET",route="/api/v1/people/{id}",status="200",le="0.005"}"#,
        "pressdir_http_requests_in_flight ",
        r#"pressdir_problems_total{type="not-found"}"#,
        r#"pressdir_db_pool_connections{pool="primary"}"#,
        r#"pressdir_db_pool_idle_connections{pool="primary"}"#,
        r#"pressdir_db_pool_max_connections{pool="primary"}"#,
        r#"pressdir_db_pool_wait_seconds_count{pool="primary"}"#,
        r#"pressdir_db_query_duration_seconds_count{pool="primary"}"#,
        r#"pressdir_build_info{version=""#,
        "process_resident_memory_bytes ",
    ] {
        assert!(text.contains(expected), "missing {expected}");
    }
    assert!(
        !text.contains("luca-dalloglio") && !text.contains("no-such-person"),
        "raw paths would make a series per id"
    );
    let odd = reqwest::Method::from_bytes(b"BREW").unwrap();
    app.public.request(odd, app.url("/")).send().await.unwrap();
    let text = app
        .public
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!text.contains("BREW"), "unknown methods share one label");
    assert!(text.contains(r#"method="OTHER""#));
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_every_problem_names_it() {
    let app = spawn_with(|s| s.max_body_bytes = 64).await;
    let with_id = |id: &str| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-request-id", id.parse().unwrap());
        headers
    };

    let ok = app
        .public
        .get(app.url("/api/v1/people"))
        .headers(with_id("trace-42"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        ok.headers()["x-request-id"],
        "trace-42",
        "a caller's id is kept"
    );

    let made = app.public.get(app.url("/healthz")).send().await.unwrap();
    let id = made.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "one is made: {id}");

    let odd = app
        .public
        .get(app.url("/healthz"))
        .headers(with_id("two words"))
        .send()
        .await
        .unwrap();
    assert_ne!(
        odd.headers()["x-request-id"],
        "two words",
        "not a sane token"
    );

    // Problems from a handler, from the router, from actix's own limits and from auth.
    let problems = [
        app.public.get(app.url("/api/v1/people/nobody")),
        app.public.put(app.url("/api/v1/people")),
        app.client
            .post(app.url("/api/v1/offices"))
            .header("content-type", "application/json")
            .body(json!({"name": "x".repeat(100)}).to_string()),
        app.public
            .post(app.url("/api/v1/offices"))
            .header("content-type", "application/json")
            .body("{}"),
    ];
    for (i, request) in problems.into_iter().enumerate() {
        let id = format!("problem-{i}");
        let response = request.headers(with_id(&id)).send().await.unwrap();
        let status = response.status();
        assert_eq!(response.headers()["x-request-id"], id.as_str());
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["request_id"], id, "{status}: {body}");
    }
}

/// A process with an admin key, its log captured.
async fn serve_with_key(database_url: &str, env: &[(&str, &str)]) -> (Instance, String) {
    let output = pressdir(
        &["keys", "create", "--name", "ops", "--scope", "admin"],
        &[("PRESSDIR_DATABASE_URL", database_url)],
    );
    assert!(output.status.success(), "{output:?}");
    let token = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_string();
    let instance = start_with(database_url, env, Stdio::piped());
    instance.wait_ready().await;
    (instance, token)
}

#[tokio::test]
async fn logs_are_one_json_line_per_request_without_secrets() {
    let (db, url) = TestDb::sqlite();
    let (mut instance, token) = serve_with_key(
        &url,
        &[("PRESSDIR_LOG_FORMAT", "json"), ("PRESSDIR_LOG", "info")],
    )
    .await;
    let client = client_with(&token);
    client
        .get(instance.url("/api/v1/people?q=secret-search-words"))
        .header("x-request-id", "log-test-1")
        .send()
        .await
        .unwrap();

    instance.signal("TERM");
    instance.wait_exit(Duration::from_secs(10)).expect("stops");
    let mut log = String::new();
    std::io::Read::read_to_string(instance.child.stderr.as_mut().unwrap(), &mut log).unwrap();
    drop(db);

    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let request = lines
        .iter()
        .find(|l| l["request_id"] == "log-test-1")
        .expect("the request's line");
    assert_eq!(request["method"], "GET");
    assert_eq!(request["route"], "/api/v1/people");
    assert_eq!(request["status"], 200);
    assert!(request["latency_ms"].as_f64().is_some());
    assert!(!log.contains(&token[..12]), "no key in the log");
    assert!(!log.contains("secret-search-words"), "no query strings");
    assert!(lines.iter().any(|l| l["message"] == "pressdir stopped"));
}

/// Writes people one after another from several tasks until the server
/// stops answering; gives the ids of the writes it acknowledged.
fn write_until_stopped(
    instance: &Instance,
    token: &str,
    writers: usize,
) -> (Arc<Mutex<Vec<String>>>, Vec<tokio::task::JoinHandle<()>>) {
    let acknowledged = Arc::new(Mutex::new(vec![]));
    let tasks = (0..writers)
        .map(|w| {
            let client = client_with(token);
            let url = instance.url("/api/v1/people");
            let acknowledged = acknowledged.clone();
            tokio::spawn(async move {
                for n in 0.. {
                    let body = json!({
                        "full_name": format!("Writer {w} Person {n}"),
                        "bio": "x".repeat(2_000),
                    });
                    match client.post(&url).json(&body).send().await {
                        Ok(r) if r.status() == 201 => {
                            let created: Value = r.json().await.unwrap();
                            let id = created["id"].as_str().unwrap().to_string();
                            acknowledged.lock().unwrap().push(id);
                        }
                        _ => return,
                    }
                }
            })
        })
        .collect();
    (acknowledged, tasks)
}

/// Every acknowledged write is there, whole (its audit entry committed
/// with it), and SQLite finds the file intact.
fn assert_all_present(database_url: &str, acknowledged: &[String]) -> usize {
    use diesel::prelude::*;
    use pressdir::db::schema::{audit_log, people};
    let pool = pressdir::db::DbPool::connect(database_url, 1, Duration::from_secs(5)).unwrap();
    let mut conn = pool.get().unwrap();
    if let pressdir::db::DbConn::Sqlite(c) = &mut *conn {
        #[derive(QueryableByName)]
        struct Check {
            #[diesel(sql_type = diesel::sql_types::Text)]
            integrity_check: String,
        }
        let check: Vec<Check> = diesel::sql_query("PRAGMA integrity_check").load(c).unwrap();
        assert_eq!(check[0].integrity_check, "ok");
    }
    let found: HashSet<String> = people::table
        .filter(people::full_name.like("Writer %"))
        .select(people::id)
        .load::<String>(&mut *conn)
        .unwrap()
        .into_iter()
        .collect();
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !found.contains(*id))
        .collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    let audited: HashSet<String> = audit_log::table
        .filter(audit_log::entity_type.eq("person"))
        .filter(audit_log::action.eq("create"))
        .select(audit_log::entity_id)
        .load::<String>(&mut *conn)
        .unwrap()
        .into_iter()
        .collect();
    for id in &found {
        assert!(
            audited.contains(id),
            "person {id} written without its audit entry"
        );
    }
    found.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_writes_and_loses_none() {
    let (_db, url) = TestDb::new();
    let (mut instance, token) =
        serve_with_key(&url, &[("PRESSDIR_RATE_LIMIT_PER_MINUTE", "0")]).await;
    let (acknowledged, tasks) = write_until_stopped(&instance, &token, 4);
    tokio::time::sleep(Duration::from_millis(700)).await;

    instance.signal("TERM");
    let status = tokio::task::block_in_place(|| instance.wait_exit(Duration::from_secs(20)));
    for task in tasks {
        task.await.unwrap();
    }

    assert!(status.expect("exits within the grace period").success());
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 4,
        "writes were flowing: {}",
        acknowledged.len()
    );
    let found = assert_all_present(&url, &acknowledged);
    eprintln!(
        "SIGTERM: {} acknowledged, {found} found",
        acknowledged.len()
    );
}

#[tokio::test]
async fn sigkill_loses_no_acknowledged_write_on_sqlite() {
    let (_db, url) = TestDb::sqlite();
    let (instance, token) = serve_with_key(&url, &[("PRESSDIR_RATE_LIMIT_PER_MINUTE", "0")]).await;
    let (acknowledged, tasks) = write_until_stopped(&instance, &token, 4);
    tokio::time::sleep(Duration::from_millis(700)).await;

    instance.signal("KILL");
    for task in tasks {
        task.await.unwrap();
    }
    drop(instance);

    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 4,
        "writes were flowing: {}",
        acknowledged.len()
    );
    let found = assert_all_present(&url, &acknowledged);
    eprintln!(
        "SIGKILL: {} acknowledged, {found} found",
        acknowledged.len()
    );
    let restarted = start_with(&url, &[], Stdio::null());
    restarted.wait_ready().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_load_opens_and_is_intact() {
    let (_db, url) = TestDb::sqlite();
    let app = crate::helpers::spawn_on((TestDb::sqlite().0, url.clone()), |s| {
        s.rate_limit_per_minute = 0
    })
    .await;
    let token = create_key(&app.primary, "loader", &[Scope::Write]);
    let writer = client_with(&token);
    let address = app.url("/api/v1/people");
    let load = tokio::spawn(async move {
        for n in 0..200 {
            let body = json!({"full_name": format!("Loaded {n}")});
            assert_eq!(
                writer
                    .post(&address)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status(),
                201
            );
        }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let out = tempfile::tempdir().unwrap();
    let backup = out.path().join("backup.db");

    let output = pressdir(
        &["backup", "--out", backup.to_str().unwrap()],
        &[("PRESSDIR_DATABASE_URL", &url)],
    );
    load.await.unwrap();

    assert!(output.status.success(), "{output:?}");
    let copy = backup.to_str().unwrap();
    assert_all_present(copy, &[]);
    let restored = start_with(copy, &[], Stdio::null());
    restored.wait_ready().await;
    let people: Value = reqwest::get(restored.url("/api/v1/people?q=dalloglio"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(people["items"][0]["slug"], "luca-dalloglio");
    let again = pressdir(
        &["backup", "--out", copy],
        &[("PRESSDIR_DATABASE_URL", &url)],
    );
    assert!(!again.status.success(), "never overwrites a file");
    let missing = out.path().join("missing.db");
    let nothing = pressdir(
        &[
            "backup",
            "--out",
            out.path().join("b2.db").to_str().unwrap(),
        ],
        &[("PRESSDIR_DATABASE_URL", missing.to_str().unwrap())],
    );
    assert!(!nothing.status.success(), "no database, no backup");
    assert!(!missing.exists(), "and none created");
    let _ = app;
}

#[test]
fn settings_come_from_flags_then_environment_then_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let config = path("pressdir.toml");
    std::fs::write(
        &config,
        format!(
            "database_url = \"{}\"\nlog-format = \"json\"\n",
            path("from-file.db")
        ),
    )
    .unwrap();

    let migrate = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["--config", config.as_str()];
        all.extend(args);
        all.push("migrate");
        let output = pressdir(&all, env);
        assert!(output.status.success(), "{output:?}");
    };
    migrate(&[], &[]);
    assert!(
        std::path::Path::new(&path("from-file.db")).exists(),
        "the file's setting"
    );
    migrate(&[], &[("PRESSDIR_DATABASE_URL", &path("from-env.db"))]);
    assert!(
        std::path::Path::new(&path("from-env.db")).exists(),
        "env over file"
    );
    migrate(
        &["--database-url", &path("from-flag.db")],
        &[("PRESSDIR_DATABASE_URL", &path("not-this.db"))],
    );
    assert!(
        std::path::Path::new(&path("from-flag.db")).exists(),
        "flag over env"
    );
    // Settings from the file go before a `--`, not after it.
    let release = path("release.txt");
    std::fs::write(
        &release,
        "IOM Opens Office in Lima\nLima – IOM opened a new office in Lima today.\n\
         “We are here,” said Rosa Quispe, IOM Peru Chief of Mission.",
    )
    .unwrap();
    let ingested = pressdir(
        &["--config", config.as_str(), "ingest", "--", &release],
        &[],
    );
    assert!(ingested.status.success(), "{ingested:?}");
    let output = pressdir(&["--database-url", &path("from-file.db"), "export"], &[]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("Rosa Quispe"));
    assert!(!std::path::Path::new(&path("not-this.db")).exists());
}

#[test]
fn invalid_configuration_fails_at_start_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("pressdir.toml");
    let config = config.to_str().unwrap();
    let db = dir.path().join("x.db");
    let db = db.to_str().unwrap();
    let fails = |toml: &str, env: &[(&str, &str)], names: &str| {
        std::fs::write(config, toml).unwrap();
        let output = pressdir(&["--config", config, "--database-url", db, "serve"], env);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{toml}");
        assert!(stderr.contains(names), "{toml}: {stderr}");
    };
    fails("db_pool_sise = 3\n", &[], "db_pool_sise");
    fails("db_pool_size = \"many\"\n", &[], "--db-pool-size");
    fails("no_seed = \"yes\"\n", &[], "no_seed");
    fails("bind = [\n", &[], "pressdir.toml");
    fails("", &[("PRESSDIR_LOG_FORMAT", "xml")], "--log-format");
    fails(
        "",
        &[("PRESSDIR_RATE_LIMIT_PER_MINUTE", "-1")],
        "--rate-limit-per-minute",
    );
    fails("bind = \"not an address\"\n", &[], "not an address");
}
