//! Several `pressdir` processes on one database, and start-up failures.

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestDb, postgres_or_skip, spawn_on};
use crate::process::{free_port, start};

async fn get_json(client: &reqwest::Client, url: &str) -> Value {
    client.get(url).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn two_instances_share_one_postgres_database_and_never_lose_an_update() {
    let Some((_db, url)) = postgres_or_skip("two_instances_share_one_postgres_database") else {
        return;
    };
    // Started together: migration and seeding must not race.
    let (a, b) = (start(&url), start(&url));
    a.wait_ready().await;
    b.wait_ready().await;
    let pool = pressdir::db::DbPool::connect(&url, 1, Duration::from_secs(5)).unwrap();
    let client = crate::helpers::client_with(&crate::helpers::create_key(
        &pool,
        "writer",
        &[pressdir::keys::Scope::Write],
    ));

    // Write through one, read through the other.
    let created: Value = client
        .post(format!("{}/api/v1/people", a.address))
        .json(&json!({"full_name": "Ana Pérez", "office_id": "iom-washington"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let read = get_json(&client, &format!("{}/api/v1/people/ana-perez", b.address)).await;
    assert_eq!(read["id"], created["id"]);
    let seeded = get_json(&client, &format!("{}/api/v1/people", b.address)).await;
    assert_eq!(
        seeded["items"].as_array().unwrap().len(),
        5,
        "seeded once, not twice"
    );

    // Two writers with the same ETag, one per instance, at the same time.
    for round in 0..10 {
        let etag = client
            .get(format!("{}/api/v1/people/ana-perez", a.address))
            .send()
            .await
            .unwrap()
            .headers()["etag"]
            .to_str()
            .unwrap()
            .to_string();
        let patch = |address: &str, title: String| {
            client
                .patch(format!("{address}/api/v1/people/ana-perez"))
                .header("If-Match", &etag)
                .json(&json!({"job_title": title}))
                .send()
        };
        let (ra, rb) = tokio::join!(
            patch(&a.address, format!("a{round}")),
            patch(&b.address, format!("b{round}"))
        );
        let mut statuses = [ra.unwrap().status().as_u16(), rb.unwrap().status().as_u16()];
        statuses.sort();
        assert_eq!(
            statuses,
            [200, 412],
            "round {round}: exactly one writer wins"
        );
        let now = get_json(&client, &format!("{}/api/v1/people/ana-perez", b.address)).await;
        let expected_version = etag.trim_matches('"').parse::<i64>().unwrap() + 1;
        assert_eq!(
            now["version"], expected_version,
            "round {round}: one update applied, none lost"
        );
    }
}

#[tokio::test]
async fn serve_exits_with_a_clear_error_when_the_database_is_unreachable() {
    let port = free_port(); // nothing listens there
    let output = Command::new(env!("CARGO_BIN_EXE_pressdir"))
        .args([
            "serve",
            "--db-connect-timeout-secs",
            "1",
            "--bind",
            "127.0.0.1:0",
        ])
        .env(
            "PRESSDIR_DATABASE_URL",
            format!("postgres://postgres@127.0.0.1:{port}/pressdir"),
        )
        .env("PRESSDIR_LOG", "off")
        .output()
        .expect("run pressdir");

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot connect to the database"),
        "{stderr}"
    );
}

#[tokio::test]
async fn openapi_command_prints_the_committed_spec() {
    let output = Command::new(env!("CARGO_BIN_EXE_pressdir"))
        .arg("openapi")
        .output()
        .expect("run pressdir");

    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap();
    assert!(output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stdout) == committed,
        "`pressdir openapi` differs from openapi/openapi.json"
    );
}

/// Ids, timestamps and cursors (which carry ids) differ by run; nothing
/// else may differ by backend.
fn without_ids_and_times(text: &str) -> Value {
    fn scrub(value: &mut Value) {
        match value {
            Value::String(s) if uuid::Uuid::parse_str(s).is_ok() => *s = "<id>".into(),
            Value::String(s) if chrono::DateTime::parse_from_rfc3339(s).is_ok() => {
                *s = "<time>".into()
            }
            Value::Array(items) => items.iter_mut().for_each(scrub),
            Value::Object(members) => {
                for (key, member) in members.iter_mut() {
                    if key == "next_cursor" && member.is_string() {
                        *member = "<cursor>".into();
                    } else {
                        scrub(member);
                    }
                }
            }
            _ => {}
        }
    }
    let mut value: Value = serde_json::from_str(text).expect("JSON answer");
    scrub(&mut value);
    value
}

#[tokio::test]
async fn sqlite_and_postgres_give_the_same_answers() {
    let Some(pg_db) = postgres_or_skip("sqlite_and_postgres_give_the_same_answers") else {
        return;
    };
    let sqlite = spawn_on(TestDb::sqlite(), |_| {}).await;
    let postgres = spawn_on(pg_db, |_| {}).await;

    for path in [
        "/api/v1/people",
        "/api/v1/people/jorge-gallo",
        "/api/v1/people?q=jose&role=media_contact",
        "/api/v1/people?country=us",
        "/api/v1/people/luca-dalloglio/releases",
        "/api/v1/offices",
        "/api/v1/offices/iom-washington/people",
        "/api/v1/releases",
        "/api/v1/people/nobody",
        "/api/v1/people?limit=0",
        "/api/v1/search?q=iom",
        "/api/v1/search?q=washington&limit=2",
        "/api/v1/people?q=%2B1%20(202)%20716-8820",
    ] {
        let a = sqlite.get(path).await;
        let b = postgres.get(path).await;
        assert_eq!(a.status(), b.status(), "{path}");
        let (a, b) = (a.text().await.unwrap(), b.text().await.unwrap());
        assert_eq!(
            without_ids_and_times(&a),
            without_ids_and_times(&b),
            "{path}"
        );
    }
}

#[tokio::test]
async fn ingest_command_reads_files_and_does_not_ingest_twice() {
    let (_db, url) = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("release.txt");
    std::fs::write(&file, "IOM Opens Office in Lima\nLima – IOM opened a new office in Lima today to support migrants from the region.\n“We are here to help,” said Rosa Quispe, IOM Peru Chief of Mission.").unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_pressdir"))
            .args(["ingest", file.to_str().unwrap()])
            .env("PRESSDIR_DATABASE_URL", &url)
            .env("PRESSDIR_LOG", "off")
            .output()
            .expect("run pressdir")
    };

    let first = run();
    let second = run();

    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("ingested \"IOM Opens Office in Lima\"")
    );
    assert!(String::from_utf8_lossy(&second.stdout).contains("already had"));
}
