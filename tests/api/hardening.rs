//! Hardening: what an attacker without a key (or with one) tries first.
//! Each test here failed before its fix.

use serde_json::{Value, json};

use crate::helpers::{
    TestApp, assert_problem, client_with, create_key, failing_fields, spawn_app, spawn_with,
};

async fn status_of(response: reqwest::Response) -> u16 {
    response.status().as_u16()
}

#[tokio::test]
async fn a_query_of_thousands_of_words_is_refused_and_the_server_keeps_serving() {
    // Arrange: 9,000 words once took the process down (stack overflow).
    let app = spawn_app().await;
    let huge = vec!["a"; 9000].join("+");
    let many: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
    let many = many.join("+");
    let sixteen: Vec<String> = (0..16).map(|i| format!("w{i}")).collect();

    for path in [
        "/api/v1/people",
        "/api/v1/offices",
        "/api/v1/releases",
        "/api/v1/search",
    ] {
        // Act
        let too_long = app.get(&format!("{path}?q={huge}")).await;
        let too_many = app.get(&format!("{path}?q={many}")).await;
        let bounded = app.get(&format!("{path}?q={}", sixteen.join("+"))).await;

        // Assert
        let problem = assert_problem(too_long, 400, "bad-request").await;
        assert_eq!(failing_fields(&problem), vec!["q"], "{path}");
        let problem = assert_problem(too_many, 400, "bad-request").await;
        assert_eq!(problem["errors"][0]["code"], "too_many_words", "{path}");
        assert_eq!(bounded.status(), 200, "{path}: 16 words are fine");
    }
    let page = app.get(&format!("/?q={many}")).await;
    assert_eq!(page.status(), 400, "the journalists' page too");
    assert_eq!(app.get("/healthz").await.status(), 200, "still serving");
}

#[tokio::test]
async fn percent_encoded_paths_and_query_names_are_rate_limited_like_plain_ones() {
    // Arrange: a burst of one per minute (10 a minute).
    let app = spawn_with(|s| s.rate_limit_per_minute = 10).await;
    let writer = spawn_with(|s| s.rate_limit_per_minute = 10).await;

    // Act: the router decodes %71 to q and %73earch to search, %61pi to api.
    let first = status_of(app.get("/api/v1/people?%71=jorge").await).await;
    let encoded_key = status_of(app.get("/api/v1/people?%71=jorge").await).await;
    let encoded_path = status_of(app.get("/api/v1/%73earch?%71=jorge").await).await;
    let mut writes = vec![];
    for name in ["Encoded One", "Encoded Two"] {
        let response = writer
            .client
            .post(writer.url("/%61pi/v1/people"))
            .json(&json!({"full_name": name}))
            .send()
            .await
            .unwrap();
        writes.push(response.status().as_u16());
    }

    // Assert
    assert_eq!(first, 200);
    assert_eq!(encoded_key, 429, "?%71= is a search");
    assert_eq!(encoded_path, 429, "/%73earch is /search");
    assert_eq!(writes, vec![201, 429], "/%61pi/v1/people is a write");
    let found = writer.get_json("/api/v1/people?q=encoded").await;
    assert_eq!(
        found["items"].as_array().unwrap().len(),
        1,
        "only one write went through"
    );
}

#[tokio::test]
async fn a_bad_key_is_401_on_every_route_before_the_body_is_read() {
    let app = spawn_app().await;
    let wrong = client_with("pd_not_a_key");

    // Public reads with a wrong key: 401, as the README promises.
    for path in [
        "/api/v1/offices/iom-washington",
        "/api/v1/people/jorge-gallo",
        "/api/v1/people/jorge-gallo/releases",
        "/api/v1/releases",
    ] {
        let response = wrong.get(app.url(path)).send().await.unwrap();
        assert_problem(response, 401, "unauthorized").await;
    }
    // A keyless or wrong-keyed write with a broken body: 401, not 415/400/422.
    for client in [&app.public, &wrong] {
        let not_json = client
            .post(app.url("/api/v1/people"))
            .header("content-type", "text/plain")
            .body("{")
            .send()
            .await
            .unwrap();
        assert_problem(not_json, 401, "unauthorized").await;
        let broken = client
            .post(app.url("/api/v1/offices"))
            .header("content-type", "application/json")
            .body("{")
            .send()
            .await
            .unwrap();
        assert_problem(broken, 401, "unauthorized").await;
    }
}

#[tokio::test]
async fn if_match_compares_strongly_and_head_answers_wherever_get_does() {
    let app = spawn_app().await;
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    let version = person["version"].as_i64().unwrap();

    let weak = app
        .client
        .patch(app.url("/api/v1/people/jorge-gallo"))
        .header("If-Match", format!("W/\"{version}\""))
        .json(&json!({"bio": "weak"}))
        .send()
        .await
        .unwrap();
    let head = app
        .public
        .head(app.url("/api/v1/people/jorge-gallo"))
        .send()
        .await
        .unwrap();
    let head_list = app
        .public
        .head(app.url("/api/v1/offices"))
        .send()
        .await
        .unwrap();

    assert_problem(weak, 412, "precondition-failed").await;
    assert_eq!(head.status(), 200);
    assert!(head.headers().contains_key("etag"));
    assert_eq!(head.text().await.unwrap(), "", "no body for HEAD");
    assert_eq!(head_list.status(), 200);
}

#[tokio::test]
async fn null_for_a_member_that_cannot_be_cleared_is_422_and_every_bad_member_is_named() {
    let app = spawn_app().await;

    let null_name = app
        .patch("/api/v1/people/jorge-gallo", &json!({"full_name": null}))
        .await;
    let many = app
        .post(
            "/api/v1/people",
            &json!({"full_name": "Ana", "topics": 5, "bio": 7, "unknown": true, "languages": "en"}),
        )
        .await;

    let problem = assert_problem(null_name, 422, "validation-failed").await;
    assert_eq!(failing_fields(&problem), vec!["full_name"]);
    let problem = assert_problem(many, 422, "validation-failed").await;
    let mut fields = failing_fields(&problem);
    fields.sort();
    assert_eq!(fields, vec!["bio", "languages", "topics", "unknown"]);
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(person["full_name"], "Jorge Gallo", "nothing changed");
}

#[tokio::test]
async fn url_fields_refuse_line_breaks_and_nul_and_store_the_parsed_url() {
    let app = spawn_app().await;

    let injected = app
        .post(
            "/api/v1/offices",
            &json!({"name": "Injected", "kind": "other", "website": "https://x.org/\r\nEMAIL:attacker@evil.example"}),
        )
        .await;
    let nul = app
        .post(
            "/api/v1/offices",
            &json!({"name": "Nul", "kind": "other", "website": "https://x.org/\u{0}"}),
        )
        .await;
    let release_url = app
        .post(
            "/api/v1/releases",
            &json!({"title": "Tabbed", "url": "https://x.org/\tnews"}),
        )
        .await;
    let office = app
        .create(
            "/api/v1/offices",
            json!({"name": "Clean", "kind": "other", "website": " HTTPS://Press.Example.ORG "}),
        )
        .await;

    for response in [injected, nul, release_url] {
        let problem = assert_problem(response, 422, "validation-failed").await;
        assert!(
            ["website", "url"].contains(&failing_fields(&problem)[0].as_str()),
            "{problem}"
        );
    }
    assert_eq!(office["website"], "https://press.example.org/");
}

/// A card with hostile values in every field a writer puts in it.
#[tokio::test]
async fn hostile_values_never_add_a_line_to_a_vcard() {
    let app = spawn_app().await;
    // The API refuses control characters in single-line fields; multi-line
    // ones (bio, address) may hold line breaks, which must stay inside.
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"bio": "line one\r\nEMAIL:attacker@evil.example\nEND:VCARD\r\nBEGIN:VCARD", "job_title": "Officer; ORG:Evil, Inc\\"}),
    )
    .await;
    app.patch(
        "/api/v1/offices/iom-washington",
        &json!({"address": "1752 N St\r\nTEL:+1666\nURL:https://evil.example"}),
    )
    .await;

    let person = app.get("/api/v1/people/jorge-gallo/vcard").await;
    let card = person.text().await.unwrap();
    let office = app
        .get("/api/v1/offices/iom-washington/vcard")
        .await
        .text()
        .await
        .unwrap();

    for (name, card) in [("person", &card), ("office", &office)] {
        let lines: Vec<&str> = card.split("\r\n").collect();
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with("BEGIN:VCARD"))
                .count(),
            1,
            "{name}: {card}"
        );
        assert!(
            !lines.iter().any(|l| l.starts_with("EMAIL:attacker")),
            "{name}: {card}"
        );
        assert!(
            !lines.iter().any(|l| l.starts_with("TEL:+1666")),
            "{name}: {card}"
        );
        assert!(
            !card.contains('\r') || !card.replace("\r\n", "").contains('\r'),
            "{name}: bare CR"
        );
    }
    if let Some(fields) = crate::formats::vobject_fields(&card) {
        assert_eq!(fields.as_array().unwrap().len(), 1, "one card");
        assert_eq!(fields[0]["title"], "Officer; ORG:Evil, Inc\\");
        assert_eq!(
            fields[0]["email"],
            json!(["jgallo@iom.int"]),
            "no injected EMAIL"
        );
    }
}

#[tokio::test]
async fn a_number_kept_as_printed_obeys_the_length_and_character_rules() {
    let app = spawn_app().await;
    let long_phone = format!("+1 {}3", "2 ".repeat(20_000));
    let text = format!(
        "Drought Response Expands in the North\nNairobi – IOM is expanding its drought response across the north of the country this month.\nFor more information, please contact Jane Mwangi at IOM Kenya, Tel: {long_phone}, Email: jmwangi@iom.int"
    );

    let response = app
        .post("/api/v1/releases/ingest", &json!({"text": text}))
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();

    assert_eq!(status, 201, "{body}");
    let person = app.get_json("/api/v1/people/jane-mwangi").await;
    let values: Vec<&str> = person["contact_points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cp| cp["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        values,
        vec!["jmwangi@iom.int"],
        "the 40,000-character number was left out"
    );
    assert!(
        body["warnings"].to_string().contains("Left out a phone"),
        "{body}"
    );
    let patched = app
        .patch(
            "/api/v1/people/jane-mwangi",
            &json!({"job_title": "Media officer"}),
        )
        .await;
    assert_eq!(patched.status(), 200, "the person stays editable");
    assert_eq!(
        person["version"].as_i64().unwrap() + 1,
        app.get_json("/api/v1/people/jane-mwangi").await["version"]
            .as_i64()
            .unwrap()
    );
}

async fn import(app: &TestApp, body: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/import"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn import_names_the_member_for_unknown_kinds_clashing_slugs_and_archived_offices() {
    let source = spawn_app().await;
    let document: Value = source
        .client
        .get(source.url("/api/v1/export"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let target = spawn_app().await;
    // Archive an office in the target that the document's people point at.
    let lonely = target.create_office("Lonely Office", "CR").await;
    target
        .delete(&format!(
            "/api/v1/offices/{}",
            lonely["id"].as_str().unwrap()
        ))
        .await;

    let mut bad = document.clone();
    bad["contact_points"][0]["kind"] = json!("pager");
    bad["contact_points"][1]["visibility"] = json!("secret");
    bad["offices"][0]["kind"] = json!("embassy");
    // A new person (new id) taking a slug the target already gives another.
    let mut clash = bad["people"][0].clone();
    clash["id"] = json!("01a22b9b-0000-7000-8000-000000000001");
    let taken_slug = bad["people"][0]["slug"].clone();
    clash["slug"] = taken_slug;
    bad["people"].as_array_mut().unwrap().push(clash);
    let mut attached = bad["people"][0].clone();
    attached["id"] = json!("01a22b9b-0000-7000-8000-000000000002");
    attached["slug"] = json!("attached-to-archived");
    attached["office_id"] = lonely["id"].clone();
    bad["people"].as_array_mut().unwrap().push(attached);
    bad["appearances"][0]["role"] = json!("hero");
    let before = target.get_json("/api/v1/people").await;

    let response = import(&target, &bad.to_string()).await;

    let problem = assert_problem(response, 422, "validation-failed").await;
    let fields = failing_fields(&problem);
    let people = document["people"].as_array().unwrap().len();
    for expected in [
        "contact_points[0].kind".to_string(),
        "contact_points[1].visibility".to_string(),
        "offices[0].kind".to_string(),
        "appearances[0].role".to_string(),
        format!("people[{people}].slug"),
        format!("people[{}].office_id", people + 1),
    ] {
        assert!(fields.contains(&expected), "{expected} in {fields:?}");
    }
    assert_eq!(
        target.get_json("/api/v1/people").await,
        before,
        "nothing written"
    );
}

#[tokio::test]
async fn archived_people_and_offices_are_gone_from_filters_and_embeds() {
    let app = spawn_app().await;
    let release = app.get_json("/api/v1/releases").await["items"][0].clone();
    let slug = release["slug"].as_str().unwrap().to_string();
    let office = release["office"]["slug"].as_str().unwrap().to_string();
    // The office can only be archived once nobody and nothing is under it.
    let people = app
        .get_json(&format!("/api/v1/offices/{office}/people"))
        .await;
    for person in people["items"].as_array().unwrap() {
        app.patch(
            &format!("/api/v1/people/{}", person["slug"].as_str().unwrap()),
            &json!({"office_id": null}),
        )
        .await;
    }
    let children = app.get_json("/api/v1/offices").await;
    for child in children["items"].as_array().unwrap() {
        if child["parent_id"] == release["office"]["id"] {
            app.patch(
                &format!("/api/v1/offices/{}", child["slug"].as_str().unwrap()),
                &json!({"parent_id": null}),
            )
            .await;
        }
    }
    let archived = app.delete(&format!("/api/v1/offices/{office}")).await;
    assert_eq!(archived.status(), 204);
    let quoted = release["appearances"][0]["person"]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    app.delete(&format!("/api/v1/people/{quoted}")).await;

    let by_person = app
        .get_json(&format!("/api/v1/releases?person={quoted}"))
        .await;
    let by_office = app
        .get_json(&format!("/api/v1/releases?office={office}"))
        .await;
    let people_by_office = app
        .get_json(&format!("/api/v1/people?office={office}"))
        .await;
    let shown = app.get_json(&format!("/api/v1/releases/{slug}")).await;
    let attach = app
        .post(
            "/api/v1/people",
            &json!({"full_name": "Late Joiner", "office_id": office}),
        )
        .await;

    assert_eq!(by_person["items"], json!([]), "as for an unknown person");
    assert_eq!(by_office["items"], json!([]));
    assert_eq!(people_by_office["items"], json!([]));
    assert_eq!(shown["office"], Value::Null, "no embedded archived office");
    let problem = assert_problem(attach, 422, "validation-failed").await;
    assert_eq!(failing_fields(&problem), vec!["office_id"]);
}

#[tokio::test]
async fn archiving_an_office_with_people_is_409_naming_them() {
    let app = spawn_app().await;
    let office = app.create_office("Busy Office", "CR").await;
    let id = office["id"].as_str().unwrap();
    app.create_person("Stays Here", Some(id)).await;

    let response = app.delete(&format!("/api/v1/offices/{id}")).await;

    let problem = assert_problem(response, 409, "conflict").await;
    assert_eq!(failing_fields(&problem), vec!["people/stays-here"]);
}

#[tokio::test]
async fn links_use_the_public_url_and_never_forwarded_headers_unless_trusted() {
    let plain = spawn_app().await;
    let configured = spawn_with(|s| s.public_url = Some("https://press.example.org".into())).await;
    let trusting = spawn_with(|s| s.trust_forwarded = true).await;
    let card = |app: &TestApp| {
        app.public
            .get(app.url("/api/v1/people/jorge-gallo/vcard"))
            .header("X-Forwarded-Host", "evil.example")
            .header("X-Forwarded-Proto", "https")
            .header("Forwarded", "host=evil.example;proto=https")
            .send()
    };

    let plain_card = card(&plain).await.unwrap().text().await.unwrap();
    let configured_card = card(&configured).await.unwrap().text().await.unwrap();
    let trusting_card = card(&trusting).await.unwrap().text().await.unwrap();
    let listed = plain
        .public
        .get(plain.url("/api/v1/people"))
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();

    assert!(!plain_card.contains("evil.example"), "{plain_card}");
    assert!(
        plain_card.contains("SOURCE:http://127.0.0.1:"),
        "{plain_card}"
    );
    assert!(
        configured_card.contains("SOURCE:https://press.example.org/api/v1/people/"),
        "{configured_card}"
    );
    assert!(
        trusting_card.contains("SOURCE:https://evil.example/"),
        "{trusting_card}"
    );
    let vary: Vec<String> = listed
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(vary.iter().any(|v| v.contains("Accept")), "{vary:?}");
}

#[tokio::test]
async fn a_write_key_is_still_limited_per_key_not_per_token_guess() {
    // Random tokens are 401 at once, and count against the address.
    let app = spawn_with(|s| s.rate_limit_per_minute = 10).await;
    let mut statuses = vec![];
    for i in 0..3 {
        let guess = client_with(&format!("pd_guess_{i}"));
        statuses.push(status_of(guess.get(app.url("/api/v1/people")).send().await.unwrap()).await);
    }
    assert_eq!(statuses[0], 401);
    assert!(statuses.contains(&429), "{statuses:?}");
    let _ = create_key;
}

#[tokio::test]
async fn concurrent_creates_of_one_name_both_succeed_with_their_own_slugs() {
    // On PostgreSQL both writers once chose the same free slug: one got 409.
    let app = spawn_with(|s| s.pool_size = 8).await;
    for round in 0..10 {
        let name = format!("Twin Name {round}");
        let body = json!({"full_name": name});
        let (a, b) = tokio::join!(
            app.post("/api/v1/people", &body),
            app.post("/api/v1/people", &body)
        );
        let (a_status, b_status) = (a.status().as_u16(), b.status().as_u16());
        let a: Value = a.json().await.unwrap();
        let b: Value = b.json().await.unwrap();
        assert_eq!((a_status, b_status), (201, 201), "round {round}: {a} {b}");
        assert_ne!(a["slug"], b["slug"]);
    }
}

#[tokio::test]
async fn archiving_an_office_and_attaching_to_it_at_once_never_both_commit() {
    let app = spawn_with(|s| s.pool_size = 8).await;
    for round in 0..10 {
        let office = app
            .create_office(&format!("Racing Office {round}"), "CR")
            .await;
        let id = office["id"].as_str().unwrap().to_string();
        let path = format!("/api/v1/offices/{id}");
        let body = json!({"full_name": format!("Racer {round}"), "office_id": id});
        let (archived, attached) =
            tokio::join!(app.delete(&path), app.post("/api/v1/people", &body));
        let both = (archived.status().as_u16(), attached.status().as_u16());
        assert!(
            matches!(both, (204, 422) | (409, 201)),
            "round {round}: archive {} and attach {}",
            both.0,
            both.1
        );
    }
}

/// Every parameter of every operation, read from the served spec: it has a
/// documented `maxLength`, and one character more is refused (400 naming it).
#[tokio::test]
async fn every_parameter_has_a_bound_in_the_spec_and_one_more_character_is_refused() {
    let app = spawn_app().await;
    let spec = app.get_json("/openapi.json").await;
    let mut checked = 0;

    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap();
                let schema = &parameter["schema"];
                let is_string = schema["type"] == "string"
                    || schema["type"]
                        .as_array()
                        .is_some_and(|t| t.contains(&json!("string")));
                if !is_string || schema.get("enum").is_some() {
                    continue;
                }
                let bound = schema["maxLength"]
                    .as_u64()
                    .unwrap_or_else(|| panic!("{method} {path}: {name} has no maxLength"))
                    as usize;
                let over = "a".repeat(bound + 1);
                let location = parameter["in"].as_str().unwrap();
                let (url, header) = match location {
                    "path" => (path.replace(&format!("{{{name}}}"), &over), None),
                    "query" => (format!("{}?{name}={over}", path.replace("{id}", "x")), None),
                    "header" => (path.replace("{id}", "jorge-gallo"), Some((name, over))),
                    other => panic!("{other} parameter"),
                };
                let mut request = app.client.request(
                    reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                    app.url(&url),
                );
                if let Some((name, value)) = header {
                    request = request.header(name, value);
                }
                if ["post", "patch"].contains(&method.as_str()) {
                    request = request.json(&json!({}));
                }
                let response = request.send().await.unwrap();

                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                assert_eq!(
                    status, 400,
                    "{method} {path} with {name} over {bound}: {body}"
                );
                if location != "header" {
                    assert_eq!(body["errors"][0]["field"], name, "{method} {path}: {body}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "only {checked} parameters checked");
}

#[tokio::test]
async fn control_characters_in_a_query_and_too_many_scopes_are_refused() {
    let app = spawn_app().await;

    let tab = app.get("/api/v1/people?topic=a%09b").await;
    let scopes = app
        .post(
            "/api/v1/api-keys",
            &json!({"name": "many", "scopes": ["write", "write", "admin", "read:internal"]}),
        )
        .await;

    let problem = assert_problem(tab, 400, "bad-request").await;
    assert_eq!(failing_fields(&problem), vec!["topic"]);
    let problem = assert_problem(scopes, 422, "validation-failed").await;
    assert_eq!(failing_fields(&problem), vec!["scopes"]);
}

/// Hostile but valid values in every field go out through each writer
/// (CSV, JSON-LD, vCard) and come back unchanged through a real parser.
#[tokio::test]
async fn every_writer_escapes_hostile_values_and_parsers_read_them_back() {
    let app = spawn_app().await;
    let name = r#"=cmd|' /C calc'!A0, "Quote"; Semi\Back </script>"#;
    let title = "+SUM(1;2), ORG:Evil";
    let bio = "first line\r\nEMAIL:evil@example.org\nEND:VCARD\u{2028}after separator";
    let person = app
        .create(
            "/api/v1/people",
            json!({"full_name": name, "job_title": title, "bio": bio, "topics": ["a;b", "c,d"]}),
        )
        .await;
    let slug = person["slug"].as_str().unwrap();

    let csv_text = app
        .public
        .get(app.url(&format!("/api/v1/people?q={slug}")))
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let jsonld: Value = app
        .public
        .get(app.url(&format!("/api/v1/people/{slug}")))
        .header("accept", "application/ld+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let card = app
        .get(&format!("/api/v1/people/{slug}/vcard"))
        .await
        .text()
        .await
        .unwrap();

    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1, "{csv_text}");
    assert_eq!(
        &rows[0][2],
        format!("'{name}"),
        "made inert, otherwise intact"
    );
    assert_eq!(&rows[0][5], format!("'{title}"));
    assert_eq!(jsonld["name"], name);
    assert_eq!(jsonld["description"], bio);
    if let Some(fields) = crate::formats::vobject_fields(&card) {
        assert_eq!(fields.as_array().unwrap().len(), 1, "{card}");
        assert_eq!(fields[0]["fn"], name);
        assert_eq!(fields[0]["title"], title);
        assert_eq!(
            fields[0]["email"],
            json!([]),
            "no EMAIL from the bio: {card}"
        );
    }
}

/// What the hostile-input suite (`.ci/hostile`) found, each pinned here.
#[tokio::test]
async fn forged_cursors_odd_preconditions_and_oversized_lists_are_refused() {
    let app = spawn_app().await;
    // base64url("k1:\0"): a NUL made PostgreSQL answer 500.
    let forged = app.get("/api/v1/people?cursor=azE6AA").await;
    let non_ascii_if_match = app
        .client
        .patch(app.url("/api/v1/people/jorge-gallo"))
        .header(
            "If-Match",
            reqwest::header::HeaderValue::from_bytes(b"\"999\"\xe2\x80\xa8").unwrap(),
        )
        .json(&json!({"job_title": "x"}))
        .send()
        .await
        .unwrap();
    let duplicated_topics = app
        .post(
            "/api/v1/people",
            &json!({"full_name": "Many Topics", "topics": vec!["same"; 51]}),
        )
        .await;
    let signed_year = app
        .get("/api/v1/people?updated_since=-0001-01-01T00:00:00Z")
        .await;
    // A write that matched If-None-Match has happened: 200, never 304.
    let written = app
        .client
        .patch(app.url("/api/v1/people/jorge-gallo"))
        .header("If-None-Match", "*")
        .json(&json!({"job_title": "Changed with If-None-Match"}))
        .send()
        .await
        .unwrap();

    let problem = assert_problem(forged, 400, "bad-request").await;
    assert_eq!(failing_fields(&problem), vec!["cursor"]);
    let problem = assert_problem(non_ascii_if_match, 400, "bad-request").await;
    assert_eq!(failing_fields(&problem), vec!["If-Match"]);
    let problem = assert_problem(duplicated_topics, 422, "validation-failed").await;
    assert_eq!(failing_fields(&problem), vec!["topics"]);
    assert_eq!(signed_year.status(), 400);
    assert_eq!(written.status(), 200);
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(person["job_title"], "Changed with If-None-Match");
}

#[tokio::test]
async fn a_person_is_not_restored_into_an_archived_office() {
    let app = spawn_app().await;
    let office = app.create_office("Closing Office", "CR").await;
    let office_id = office["id"].as_str().unwrap().to_string();
    let person = app.create_person("Left Behind", Some(&office_id)).await;
    let person_id = person["id"].as_str().unwrap().to_string();
    app.delete(&format!("/api/v1/people/{person_id}")).await;
    let archived = app.delete(&format!("/api/v1/offices/{office_id}")).await;
    assert_eq!(archived.status(), 204);

    let restored = app
        .client
        .post(app.url(&format!("/api/v1/people/{person_id}/restore")))
        .send()
        .await
        .unwrap();

    assert_problem(restored, 409, "conflict").await;
}
