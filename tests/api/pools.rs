//! Which pool serves what, and what happens when the database goes away.

use std::time::{Duration, Instant};

use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use serde_json::json;

use crate::helpers::{TestDb, assert_problem, postgres_or_skip, spawn_with};

#[tokio::test]
async fn reads_go_to_the_replica_and_writes_and_fresh_reads_to_the_primary() {
    // Both pools point at one database: the counters tell them apart.
    let app = spawn_with(|s| {
        s.replica_url = Some(s.database_url.clone());
        // The webhook dispatcher's own work would count on the primary.
        s.dispatch_webhooks = false;
    })
    .await;
    // A request with a key also checks the key, on the primary (a revoked
    // key must stop working at once): one more run there.
    let replica = app.replica.clone().expect("replica pool");
    let counts = || (app.primary.runs(), replica.runs());
    let before = counts();

    app.get_json("/api/v1/people/jorge-gallo").await;
    app.get_json("/api/v1/offices").await;
    let after_reads = counts();
    app.create_person("Ana Pérez", Some("iom-washington")).await;
    let after_write = counts();
    let fresh = app
        .public
        .get(app.url("/api/v1/people/ana-perez"))
        .header("Cache-Control", "no-cache")
        .send()
        .await
        .unwrap();
    let after_fresh_read = counts();

    assert_eq!(
        after_reads,
        (before.0, before.1 + 2),
        "plain reads go to the replica"
    );
    assert_eq!(
        after_write,
        (after_reads.0 + 2, after_reads.1),
        "writes (and their key check) go to the primary"
    );
    assert_eq!(fresh.status(), 200);
    assert_eq!(
        after_fresh_read,
        (after_write.0 + 1, after_write.1),
        "no-cache reads go to the primary"
    );
    assert_eq!(app.get_json("/readyz").await["status"], "ok");
}

fn set_connections_allowed(admin_url: &str, name: &str, allowed: bool) {
    let mut admin = PgConnection::establish(admin_url).expect("admin connection");
    diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {allowed}"))
        .execute(&mut admin)
        .unwrap();
    if !allowed {
        diesel::sql_query(format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ))
        .execute(&mut admin)
        .unwrap();
    }
}

#[tokio::test]
async fn losing_postgres_while_serving_answers_503_and_recovers_by_itself() {
    if postgres_or_skip("losing_postgres_while_serving").is_none() {
        return;
    }
    let app = spawn_with(|s| s.db_connect_timeout = Duration::from_secs(1)).await;
    let TestDb::Postgres { admin_url, name } = &app.db else {
        unreachable!("PostgreSQL test on another backend")
    };
    assert_eq!(app.get("/api/v1/people").await.status(), 200);

    // Act: the database goes away under the running server.
    set_connections_allowed(admin_url, name, false);

    assert_problem(app.get("/readyz").await, 503, "unavailable").await;
    assert_problem(app.get("/api/v1/people").await, 503, "unavailable").await;
    assert_problem(
        app.post("/api/v1/people", &json!({"full_name": "Nobody"}))
            .await,
        503,
        "unavailable",
    )
    .await;

    // The database comes back: the server recovers without a restart.
    set_connections_allowed(admin_url, name, true);
    let deadline = Instant::now() + Duration::from_secs(15);
    while app.get("/readyz").await.status() != 200 {
        assert!(Instant::now() < deadline, "did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get("/api/v1/people").await.status(), 200);
    let people = app.get_json("/api/v1/people").await;
    assert!(
        !people.to_string().contains("Nobody"),
        "the failed write left nothing behind"
    );
}
