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

#[tokio::test]
async fn one_memory_budget_sizes_the_read_cache_and_every_connections_map() {
    const MIB: u64 = 1024 * 1024;
    let app = spawn_with(|s| s.memory.total = 40 * MIB).await;
    let split = app.memory;
    assert_eq!(split.read_cache, 8 * MIB, "a fifth of the budget");
    match app.primary.backend() {
        pressdir::db::Backend::Sqlite => {
            assert!(split.search > 0, "the search copy is measured");
            assert_eq!(split.connections, 4);
            assert_eq!(
                split.sqlite_map_per_connection,
                (40 * MIB - 8 * MIB - split.search) / 4,
                "the map takes what is left, shared by the connections"
            );
            // Every pooled connection was given it, not only new ones.
            let held: Vec<_> = (0..4).map(|_| app.primary.get().unwrap()).collect();
            for mut conn in held {
                #[derive(diesel::QueryableByName)]
                struct Map {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    mmap_size: i64,
                }
                let map: Map = diesel::sql_query("PRAGMA mmap_size")
                    .get_result(&mut *conn)
                    .unwrap();
                assert_eq!(map.mmap_size as u64, split.sqlite_map_per_connection);
            }
        }
        pressdir::db::Backend::Postgres => {
            assert_eq!((split.search, split.sqlite_map()), (0, 0));
        }
    }
    let metrics = app.get("/metrics").await.text().await.unwrap();
    for series in [
        "pressdir_memory_budget_bytes{part=\"total\"}",
        "pressdir_memory_budget_bytes{part=\"read_cache\"}",
        "pressdir_memory_budget_bytes{part=\"search\"}",
        "pressdir_memory_budget_bytes{part=\"sqlite_map\"}",
        "pressdir_search_memory_bytes",
    ] {
        assert!(metrics.contains(series), "{series} missing from /metrics");
    }
}

#[tokio::test]
async fn a_budget_the_search_copy_fills_turns_the_map_off_and_still_serves() {
    let app = spawn_with(|s| s.memory.total = 1024 * 1024).await;
    if app.primary.backend() == pressdir::db::Backend::Sqlite {
        assert_eq!(app.memory.sqlite_map_per_connection, 0);
    }
    let found = app.get_json("/api/v1/people?q=jorge").await;
    assert_eq!(found["items"][0]["slug"], "jorge-gallo");
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(person["slug"], "jorge-gallo");
}

#[tokio::test]
async fn any_of_finds_exactly_the_ids_listed_whatever_their_characters() {
    use diesel::QueryDsl;
    use pressdir::db::any_of::any_of;
    use pressdir::db::schema::offices;
    let app = crate::helpers::spawn_empty_app().await;
    // Ids as JSON and SQL would both have to escape.
    let ids = ["plain", "quote\"d", "back\\slash", "it's", "é 東京", "[1]"];
    let found = app
        .primary
        .run(move |conn| {
            for (n, id) in ids.iter().enumerate() {
                diesel::sql_query(
                    "INSERT INTO offices (id, slug, name, kind, created_at, updated_at) \
                     VALUES ($1, $2, 'Office', 'other', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                )
                .bind::<diesel::sql_types::Text, _>(*id)
                .bind::<diesel::sql_types::Text, _>(format!("office-{n}"))
                .execute(conn)?;
            }
            let mut found = vec![];
            for wanted in [
                vec![],
                vec!["quote\"d"],
                vec!["back\\slash", "é 東京", "missing", "[1]", "it's"],
                ids.to_vec(),
            ] {
                let wanted: Vec<String> = wanted.into_iter().map(String::from).collect();
                let mut rows: Vec<String> = offices::table
                    .filter(any_of(offices::id, &wanted))
                    .select(offices::id)
                    .load(conn)?;
                rows.sort();
                found.push(rows);
            }
            Ok(found)
        })
        .await
        .unwrap();
    let sorted = |v: &[&str]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(found[0], sorted(&[]));
    assert_eq!(found[1], sorted(&["quote\"d"]));
    assert_eq!(found[2], sorted(&["back\\slash", "é 東京", "[1]", "it's"]));
    assert_eq!(found[3], sorted(&ids));
}
