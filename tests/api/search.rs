//! Search as a journalist uses it, on the seeded directory (both backends).

use serde_json::{Value, json};

use crate::helpers::{assert_problem, failing_fields, spawn_app};

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["full_name"].as_str().unwrap().to_string())
        .collect()
}

fn first_person(app_list: &Value) -> String {
    names(app_list).first().cloned().unwrap_or_default()
}

fn q(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn names_are_found_whatever_the_accents_apostrophes_and_case() {
    let app = spawn_app().await;

    for (query, expected) in [
        ("dalloglio", "Luca Dall’Oglio"),
        ("dall'oglio", "Luca Dall’Oglio"),
        ("Dall’Oglio", "Luca Dall’Oglio"),
        ("DALL OGLIO", "Luca Dall’Oglio"),
        ("klein solomon", "Michele Klein-Solomon"),
        ("kleinsolomon", "Michele Klein-Solomon"),
        ("gallo san jose", "Jorge Gallo"),
        ("chief of mission", "Luca Dall’Oglio"),
        ("regional director", "Michele Klein-Solomon"),
    ] {
        let found = app
            .get_json(&format!("/api/v1/people?q={}", q(query)))
            .await;
        assert_eq!(first_person(&found), expected, "q={query}");
    }
}

#[tokio::test]
async fn phones_are_found_by_their_digits_however_written() {
    let app = spawn_app().await;

    for (query, expected) in [
        ("72036536", "Jorge Gallo"),
        ("+506 7203 6536", "Jorge Gallo"),
        ("+1 (202) 716-8820", "Liz Lizama"),
        ("202-716-8820", "Liz Lizama"),
        ("2027168820", "Liz Lizama"),
    ] {
        let found = app
            .get_json(&format!("/api/v1/people?q={}", q(query)))
            .await;
        assert_eq!(names(&found), vec![expected], "q={query}");
    }
}

#[tokio::test]
async fn emails_places_countries_and_regions_are_searched() {
    let app = spawn_app().await;

    assert_eq!(
        names(&app.get_json("/api/v1/people?q=jgallo@").await),
        vec!["Jorge Gallo"]
    );
    assert_eq!(
        names(&app.get_json("/api/v1/people?q=elizama%40iom.int").await),
        vec!["Liz Lizama"]
    );
    let costa_rica = names(&app.get_json("/api/v1/people?q=costa%20rica").await);
    assert_eq!(costa_rica, vec!["Michele Klein-Solomon", "Jorge Gallo"]);
    let jose = app.get_json("/api/v1/offices?q=jose").await;
    assert_eq!(jose["items"][0]["slug"], "iom-regional-office-san-jose");
    assert_eq!(
        names(&app.get_json("/api/v1/people?q=jose").await),
        vec!["Michele Klein-Solomon", "Jorge Gallo"]
    );
    assert_eq!(
        app.get_json("/api/v1/offices?q=caribbean").await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn topics_and_languages_are_searched_and_filters_combine() {
    let app = spawn_app().await;
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"topics": ["Migration", "Central America"], "languages": ["es"]}),
    )
    .await;

    assert_eq!(
        names(&app.get_json("/api/v1/people?q=migration").await),
        vec!["Jorge Gallo"]
    );
    assert_eq!(
        names(
            &app.get_json("/api/v1/people?q=gallo&language=es&topic=migration")
                .await
        ),
        vec!["Jorge Gallo"]
    );
    assert_eq!(
        names(
            &app.get_json("/api/v1/people?q=iom&country=US&role=quoted")
                .await
        ),
        vec!["Luca Dall’Oglio"]
    );
    assert!(names(&app.get_json("/api/v1/people?q=gallo&country=US").await).is_empty());
}

#[tokio::test]
async fn exact_names_rank_first_then_prefixes_then_other_fields() {
    let app = spawn_app().await;
    // Created in an order that differs from the expected ranking.
    let other = app.create_person("Ana Ruiz", None).await;
    app.create(
        &format!(
            "/api/v1/people/{}/contact-points",
            other["id"].as_str().unwrap()
        ),
        json!({"kind": "email", "value": "gallo.desk@example.org"}),
    )
    .await;
    app.create_person("Gallo Rossi", None).await;
    app.create_person("Gallo", None).await;

    let found = app.get_json("/api/v1/people?q=gallo").await;

    assert_eq!(
        names(&found),
        vec!["Gallo", "Gallo Rossi", "Jorge Gallo", "Ana Ruiz"]
    );
}

#[tokio::test]
async fn ranked_pages_walk_without_repeats_or_gaps() {
    let app = spawn_app().await;
    for name in ["Iona Smith", "Iom Liaison", "Pia Iomar"] {
        app.create_person(name, None).await;
    }
    let all = names(&app.get_json("/api/v1/people?q=io&limit=200").await);

    let mut walked = vec![];
    let mut path = Some("/api/v1/people?q=io&limit=2".to_string());
    while let Some(p) = path {
        let page = app.get_json(&p).await;
        walked.extend(names(&page));
        path = page["next_cursor"]
            .as_str()
            .map(|c| format!("/api/v1/people?q=io&limit=2&cursor={c}"));
    }

    assert!(all.len() >= 7, "{all:?}");
    assert_eq!(walked, all);
}

#[tokio::test]
async fn one_box_search_returns_typed_ranked_hits() {
    let app = spawn_app().await;

    let washington = app.get_json("/api/v1/search?q=washington").await;
    let hits = washington["items"].as_array().unwrap();
    assert_eq!(hits[0]["type"], "office");
    assert_eq!(hits[0]["slug"], "iom-washington");
    let types: Vec<&str> = hits.iter().map(|h| h["type"].as_str().unwrap()).collect();
    assert!(
        types.contains(&"person") && types.contains(&"release"),
        "{types:?}"
    );
    let person = hits.iter().find(|h| h["type"] == "person").unwrap();
    assert!(
        person["contact_points"].is_array(),
        "people come with their contact points"
    );

    let luca = app.get_json("/api/v1/search?q=dalloglio").await;
    assert_eq!(luca["items"][0]["full_name"], "Luca Dall’Oglio");
    let only_releases = app.get_json("/api/v1/search?q=iom&type=release").await;
    assert_eq!(only_releases["items"].as_array().unwrap().len(), 1);
    assert_eq!(only_releases["items"][0]["type"], "release");
}

#[tokio::test]
async fn one_box_pages_walk_the_same_hits_as_one_big_page() {
    let app = spawn_app().await;
    let key = |h: &Value| {
        format!(
            "{}:{}",
            h["type"].as_str().unwrap(),
            h["id"].as_str().unwrap()
        )
    };
    let all: Vec<String> = app.get_json("/api/v1/search?q=iom&limit=200").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(key)
        .collect();

    let mut walked = vec![];
    let mut path = Some("/api/v1/search?q=iom&limit=2".to_string());
    while let Some(p) = path {
        let page = app.get_json(&p).await;
        walked.extend(page["items"].as_array().unwrap().iter().map(key));
        path = page["next_cursor"]
            .as_str()
            .map(|c| format!("/api/v1/search?q=iom&limit=2&cursor={c}"));
    }

    assert_eq!(all.len(), 7, "4 people, 2 offices, 1 release");
    assert_eq!(walked, all);
}

#[tokio::test]
async fn one_box_search_needs_something_to_search_for() {
    let app = spawn_app().await;

    for path in [
        "/api/v1/search",
        "/api/v1/search?q=",
        "/api/v1/search?q=--",
        "/api/v1/search?q=x&type=planet",
    ] {
        let problem = assert_problem(app.get(path).await, 400, "bad-request").await;
        assert!(!failing_fields(&problem).is_empty(), "{path}");
    }
}

async fn demo_directory(people: usize) -> crate::helpers::TestApp {
    demo_directory_with(people, |_| {}).await
}

async fn demo_directory_with(
    people: usize,
    tune: impl FnOnce(&mut pressdir::startup::Settings),
) -> crate::helpers::TestApp {
    let app = crate::helpers::spawn_with(|s| {
        s.seed = false;
        tune(s);
    })
    .await;
    let pool =
        pressdir::db::DbPool::connect(&app.database_url, 1, std::time::Duration::from_secs(5))
            .unwrap();
    let counts = pool
        .run(move |conn| pressdir::demo::generate(conn, people))
        .await
        .unwrap();
    assert_eq!(
        (counts.people, counts.contact_points, counts.offices),
        (people, people * 3, 16)
    );
    app
}

/// What must not differ between two generations: everything but timestamps.
fn identity(list: &Value) -> Vec<(String, String, Vec<String>)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let values = p["contact_points"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["value"].as_str().unwrap().to_string())
                .collect();
            (
                p["id"].as_str().unwrap().to_string(),
                p["full_name"].as_str().unwrap().to_string(),
                values,
            )
        })
        .collect()
}

#[tokio::test]
async fn demo_data_is_deterministic_and_searchable() {
    let first = demo_directory(300).await;
    let second = demo_directory(300).await;

    let page = first.get_json("/api/v1/people?limit=200").await;
    assert_eq!(
        identity(&page),
        identity(&second.get_json("/api/v1/people?limit=200").await)
    );
    let jurgen = first.get_json("/api/v1/people?q=jurgen").await;
    let found = names(&jurgen);
    assert!(
        !found.is_empty() && found.iter().all(|n| n.starts_with("Jürgen")),
        "{found:?}"
    );
    let phone = page["items"][0]["contact_points"][0]["value"]
        .as_str()
        .unwrap()
        .to_string();
    let by_phone = first
        .get_json(&format!("/api/v1/people?q={}", q(&phone)))
        .await;
    assert_eq!(by_phone["items"][0]["id"], page["items"][0]["id"]);
}

/// The names a search lists.
async fn search_names(url: String) -> Vec<String> {
    names(&reqwest::get(url).await.unwrap().json().await.unwrap())
}

/// Every id a search lists, walking its pages `limit` at a time.
async fn walk(base: &str, path: &str, limit: usize) -> Vec<String> {
    let client = reqwest::Client::new();
    let mut ids = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}{path}&limit={limit}");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let response = client.get(&url).send().await.unwrap();
        assert_eq!(response.status(), 200, "{url}");
        let page: Value = response.json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            ids.push(item["id"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return ids,
        }
        assert!(ids.len() < 5_000, "{path} does not end");
    }
}

/// Issue 18: SQLite servers search an in-memory copy of the documents; it
/// must answer exactly as SQL (FTS5) does, page by page, whatever the words,
/// filters and cursors.
#[tokio::test]
async fn in_memory_search_answers_exactly_as_sql() {
    // Hundreds of searches: no rate limit.
    let app = demo_directory_with(600, |s| s.rate_limit_per_minute = 0).await;
    let sql = crate::helpers::beside(&app, |s| {
        s.search_in_memory = false;
        s.rate_limit_per_minute = 0;
    })
    .await;
    // Some rows archived, so that filters turn candidates away.
    let people = app.get_json("/api/v1/people?limit=200").await;
    for person in people["items"].as_array().unwrap().iter().step_by(3) {
        let path = format!("/api/v1/people/{}", person["id"].as_str().unwrap());
        assert_eq!(app.delete(&path).await.status(), 204);
    }
    let office = app.get_json("/api/v1/offices?limit=1").await["items"][0]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    let phone = people["items"][1]["contact_points"][0]["value"]
        .as_str()
        .unwrap()
        .trim_start_matches('+')[..5]
        .to_string();
    let mut compared = 0;
    for words in [
        "ma",
        "ari",
        "son",
        "ez",
        "mar",
        "maria",
        "lefe",
        "jurgen",
        "an",
        "ma ri",
        "o",
        "tokyo",
        "demo office",
        "example org",
        &phone,
        "zzq",
        "communications officer",
        "en",
        "a b",
    ] {
        for filters in [
            String::new(),
            format!("&office={office}"),
            "&language=es".to_string(),
            "&topic=climate".to_string(),
        ] {
            let path = format!("/api/v1/people?q={}{filters}", q(words));
            let expected = walk(&sql, &path, 200).await;
            for limit in [9, 200] {
                assert_eq!(
                    walk(&app.address, &path, limit).await,
                    expected,
                    "{path}, {limit} a page"
                );
            }
            compared += expected.len();
        }
        for path in [
            format!("/api/v1/offices?q={}", q(words)),
            format!("/api/v1/releases?q={}", q(words)),
        ] {
            let expected = walk(&sql, &path, 200).await;
            assert_eq!(walk(&app.address, &path, 3).await, expected, "{path}");
        }
        let path = format!("/api/v1/search?q={}", q(words));
        assert_eq!(
            walk(&app.address, &path, 5).await,
            walk(&sql, &path, 200).await,
            "{path}"
        );
    }
    assert!(
        compared > 2_000,
        "the queries found too little to compare: {compared}"
    );
}

/// Issue 18: the in-memory copy follows the database, not the process: a
/// write through one instance is found at once through another, and so is
/// a write made with no server at all (an import, the CLI).
#[tokio::test]
async fn in_memory_search_sees_every_write_at_once_on_every_instance() {
    let app = crate::helpers::spawn_app().await;
    let other = crate::helpers::beside(&app, |_| {}).await;
    let found =
        |base: &str, words: &str| search_names(format!("{base}/api/v1/people?q={}", q(words)));

    let office = app.create_office("IOM Quetzaltenango", "GT").await;
    let person = app
        .create_person("Xiomara Quetzal", office["id"].as_str())
        .await;
    let path = format!("/api/v1/people/{}", person["id"].as_str().unwrap());
    assert_eq!(found(&other, "xiomara").await, ["Xiomara Quetzal"]);
    assert_eq!(found(&other, "quetzaltenango").await, ["Xiomara Quetzal"]);

    // A rename: the old name is gone and the new one ranks as a name.
    let response = app
        .patch(&path, &json!({"full_name": "Yolanda Quetzal"}))
        .await;
    assert_eq!(response.status(), 200);
    assert!(found(&other, "xiomara").await.is_empty());
    assert_eq!(found(&other, "yolanda quetzal").await, ["Yolanda Quetzal"]);

    // An office's new name reaches its people's documents.
    let office_path = format!("/api/v1/offices/{}", office["id"].as_str().unwrap());
    let response = app
        .patch(&office_path, &json!({"name": "IOM Huehuetenango"}))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(found(&other, "huehuetenango").await, ["Yolanda Quetzal"]);
    assert!(found(&other, "quetzaltenango").await.is_empty());

    // A public contact value is searchable; archived people are not found.
    let response = app
        .post(
            &format!("{path}/contact-points"),
            &json!({"kind": "email", "value": "yq@example.net", "visibility": "public"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(found(&other, "yq example net").await, ["Yolanda Quetzal"]);
    assert_eq!(app.delete(&path).await.status(), 204);
    assert!(found(&other, "yolanda").await.is_empty());

    // Rows written straight through the library, with no server: the
    // demo generator, as an import or the CLI would write them.
    // (Keyed reads: the read cache would answer the same list for a second.)
    let before = app.admin_json("/api/v1/people?limit=200").await;
    let pool =
        pressdir::db::DbPool::connect(&app.database_url, 1, std::time::Duration::from_secs(5))
            .unwrap();
    let counts = pool
        .run(|conn| pressdir::demo::generate(conn, 40))
        .await
        .unwrap();
    assert_eq!(counts.people, 40);
    let after = app.admin_json("/api/v1/people?limit=200").await;
    let before: Vec<&Value> = before["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["id"])
        .collect();
    let newcomer = after["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| !before.contains(&&p["id"]))
        .expect("a demo person");
    let name = newcomer["full_name"].as_str().unwrap();
    assert!(
        found(&other, name).await.iter().any(|n| n == name),
        "{name}"
    );
}
