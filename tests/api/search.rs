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
    let app = crate::helpers::spawn_empty_app().await;
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
