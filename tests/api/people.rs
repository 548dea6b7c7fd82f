use serde_json::{Value, json};

use crate::helpers::{assert_problem, failing_fields, spawn_app, spawn_empty_app};

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["full_name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn create_person_embeds_the_office_and_normalises_tags() {
    let app = spawn_app().await;

    let person = app
        .create(
            "/api/v1/people",
            json!({"full_name": "Ana María de la Cruz", "job_title": "Spokesperson", "office_id": "iom-washington",
                   "languages": ["es", "en", "es"], "topics": [" migration ", "Central America"]}),
        )
        .await;

    assert_eq!(person["slug"], "ana-maria-de-la-cruz");
    assert_eq!(person["office"]["slug"], "iom-washington");
    assert_eq!(person["languages"], json!(["es", "en"]));
    assert_eq!(person["topics"], json!(["migration", "Central America"]));
    assert_eq!(person["contact_points"], json!([]));
}

#[tokio::test]
async fn create_person_returns_422_for_every_bad_field_including_unknown_office() {
    let app = spawn_empty_app().await;

    let response = app
        .post("/api/v1/people", &json!({"full_name": " ", "languages": ["not a tag"], "slug": "Bad Slug", "bio": "x\u{0000}", "office_id": "nowhere"}))
        .await;

    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(
        failing_fields(&problem),
        vec!["bio", "full_name", "languages", "office_id", "slug"]
    );

    let response = app
        .post(
            "/api/v1/people",
            &json!({"full_name": "Someone", "office_id": "nowhere"}),
        )
        .await;
    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(failing_fields(&problem), vec!["office_id"]);
}

#[tokio::test]
async fn patch_with_a_stale_etag_gets_412_and_changes_nothing() {
    let app = spawn_app().await;
    let read = app.get("/api/v1/people/jorge-gallo").await;
    let etag = read.headers()["etag"].to_str().unwrap().to_string();

    // First writer wins with the fresh tag.
    let first = app
        .client
        .patch(app.url("/api/v1/people/jorge-gallo"))
        .header("If-Match", &etag)
        .json(&json!({"job_title": "Communications Officer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);

    // Second writer, with the same (now stale) tag, is refused.
    let second = app
        .client
        .patch(app.url("/api/v1/people/jorge-gallo"))
        .header("If-Match", &etag)
        .json(&json!({"job_title": "Overwritten"}))
        .send()
        .await
        .unwrap();
    assert_problem(second, 412, "precondition-failed").await;
    assert_eq!(
        app.get_json("/api/v1/people/jorge-gallo").await["job_title"],
        "Communications Officer"
    );
}

#[tokio::test]
async fn get_with_a_current_etag_answers_304() {
    let app = spawn_app().await;
    let etag = app.get("/api/v1/people/jorge-gallo").await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();

    let response = app
        .client
        .get(app.url("/api/v1/people/jorge-gallo"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 304);
}

#[tokio::test]
async fn archived_people_disappear_from_reads_and_lists() {
    let app = spawn_app().await;

    let response = app
        .client
        .delete(app.url("/api/v1/people/liz-lizama"))
        .header("If-Match", "\"999\"")
        .send()
        .await
        .unwrap();
    assert_problem(response, 412, "precondition-failed").await;
    assert_eq!(app.delete("/api/v1/people/liz-lizama").await.status(), 204);

    assert_problem(app.get("/api/v1/people/liz-lizama").await, 404, "not-found").await;
    assert!(!names(&app.get_json("/api/v1/people").await).contains(&"Liz Lizama".to_string()));
    let release = app.get_json("/api/v1/releases").await;
    assert_eq!(
        release["items"][0]["appearances"].as_array().unwrap().len(),
        3
    );
}

#[tokio::test]
async fn people_lists_filter_by_office_country_role_language_topic_and_words() {
    let app = spawn_app().await;
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"languages": ["es", "en"], "topics": ["Migration"]}),
    )
    .await;

    assert_eq!(
        names(&app.get_json("/api/v1/people?office=iom-washington").await),
        vec!["Luca Dall’Oglio", "Liz Lizama"]
    );
    assert_eq!(
        names(&app.get_json("/api/v1/people?country=CR").await),
        vec!["Michele Klein-Solomon", "Jorge Gallo"]
    );
    assert_eq!(
        names(&app.get_json("/api/v1/people?role=quoted").await),
        vec!["Luca Dall’Oglio", "Michele Klein-Solomon"]
    );
    assert_eq!(
        names(&app.get_json("/api/v1/people?language=es").await),
        vec!["Jorge Gallo"]
    );
    assert_eq!(
        names(&app.get_json("/api/v1/people?topic=migration").await),
        vec!["Jorge Gallo"]
    );
    assert_eq!(
        names(&app.get_json("/api/v1/people?q=dall%27oglio").await),
        vec!["Luca Dall’Oglio"]
    );
    assert_eq!(
        names(&app.get_json("/api/v1/people?q=klein%20solomon").await),
        vec!["Michele Klein-Solomon"]
    );
    assert_eq!(
        names(&app.get_json("/api/v1/people?q=72036536").await),
        vec!["Jorge Gallo"]
    );
    assert_eq!(
        names(&app.get_json("/api/v1/people?q=jgallo@").await),
        vec!["Jorge Gallo"]
    );
    assert_eq!(
        names(
            &app.get_json("/api/v1/people?q=jose&role=media_contact")
                .await
        ),
        vec!["Jorge Gallo"]
    );
    assert_eq!(
        names(
            &app.get_json(
                "/api/v1/people?region=central%20america,%20north%20america%20and%20the%20caribbean"
            )
            .await
        )
        .len(),
        2
    );
}

#[tokio::test]
async fn walking_the_cursor_visits_every_person_once_in_order() {
    let app = spawn_empty_app().await;
    let mut created = vec![];
    for i in 0..7 {
        created.push(
            app.create_person(&format!("Person {i}"), None).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }

    let mut seen = vec![];
    let mut next = Some("/api/v1/people?limit=3".to_string());
    let mut pages = 0;
    while let Some(path) = next {
        let response = app.get(&path).await;
        let link = response
            .headers()
            .get("link")
            .map(|l| l.to_str().unwrap().to_string());
        let page: Value = response.json().await.unwrap();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_str().unwrap().to_string()),
        );
        next = page["next_cursor"]
            .as_str()
            .map(|c| format!("/api/v1/people?limit=3&cursor={c}"));
        assert_eq!(
            link.is_some(),
            next.is_some(),
            "Link header iff another page"
        );
        if let Some(link) = link {
            assert!(
                link.starts_with("</api/v1/people?limit=3&cursor=")
                    && link.ends_with(">; rel=\"next\""),
                "{link}"
            );
        }
        pages += 1;
    }

    assert_eq!(pages, 3);
    assert_eq!(seen, created);
}

#[tokio::test]
async fn updated_since_returns_only_later_changes() {
    let app = spawn_app().await;
    let marker = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    app.patch(
        "/api/v1/people/liz-lizama",
        &json!({"job_title": "Media officer"}),
    )
    .await;

    let changed = app
        .get_json(&format!("/api/v1/people?updated_since={marker}"))
        .await;

    assert_eq!(names(&changed), vec!["Liz Lizama"]);
}

#[tokio::test]
async fn racing_writers_with_the_same_etag_never_lose_an_update() {
    let app = spawn_app().await;
    let etag = app.get("/api/v1/people/jorge-gallo").await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();

    let writes = (0..8).map(|i| {
        app.client
            .patch(app.url("/api/v1/people/jorge-gallo"))
            .header("If-Match", &etag)
            .json(&json!({"job_title": format!("Writer {i}")}))
            .send()
    });
    let statuses: Vec<u16> = futures_join(writes).await;

    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 412),
        "{statuses:?}"
    );
    let after = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(
        after["version"].as_i64().unwrap(),
        etag.trim_matches('"').parse::<i64>().unwrap() + 1
    );
}

async fn futures_join<F>(requests: impl Iterator<Item = F>) -> Vec<u16>
where
    F: std::future::Future<Output = reqwest::Result<reqwest::Response>> + Send + 'static,
{
    let handles: Vec<_> = requests.map(tokio::spawn).collect();
    let mut out = vec![];
    for handle in handles {
        out.push(handle.await.unwrap().unwrap().status().as_u16());
    }
    out
}
