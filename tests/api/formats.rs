//! vCard and CSV, each read back by an independent parser.

use serde_json::{Value, json};

use crate::helpers::spawn_app;

/// Python's vobject reads the card; without it (outside CI) the check is
/// skipped with a message, with PRESSDIR_REQUIRE_VOBJECT=1 it must run.
pub fn vobject_fields(card: &str) -> Option<serde_json::Value> {
    let script = r#"
import json, sys, vobject
cards = list(vobject.readComponents(open(sys.argv[1], encoding="utf-8").read()))
out = []
for c in cards:
    out.append({
        "fn": c.fn.value,
        "n": [c.n.value.family, c.n.value.given] if hasattr(c, "n") else None,
        "title": c.title.value if hasattr(c, "title") else None,
        "tel": [t.value for t in c.contents.get("tel", [])],
        "email": [e.value for e in c.contents.get("email", [])],
        "note": c.note.value if hasattr(c, "note") else None,
        "categories": c.categories.value if hasattr(c, "categories") else None,
        "pronouns": c.pronouns.value if hasattr(c, "pronouns") else None,
        "socialprofile": [
            [p.params.get("SERVICE-TYPE", [None])[0], p.value]
            for p in c.contents.get("socialprofile", [])
        ],
    })
print(json.dumps(out))
"#;
    crate::helpers::python_reads(script, card, "PRESSDIR_REQUIRE_VOBJECT", "vobject")
}

#[tokio::test]
async fn a_person_downloads_as_a_vcard_a_parser_reads_back() {
    let app = spawn_app().await;
    let bio = "Spokesperson; covers Central America, Mexico and the Caribbean. Speaks Spanish, English — and a little Portuguese; reachable on WhatsApp.";
    app.patch("/api/v1/people/jorge-gallo", &json!({"job_title": "Media Officer", "bio": bio, "topics": ["migration", "Central America"], "languages": ["es", "en"]})).await;
    app.create(
        "/api/v1/people/jorge-gallo/contact-points",
        json!({"kind": "mobile", "value": "+506 8888 0000", "visibility": "internal"}),
    )
    .await;

    let response = app.get("/api/v1/people/jorge-gallo/vcard").await;
    let negotiated = app
        .public
        .get(app.url("/api/v1/people/jorge-gallo"))
        .header("Accept", "text/vcard")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/vcard")
    );
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"jorge-gallo.vcf\""
    );
    let card = response.text().await.unwrap();
    assert_eq!(negotiated.text().await.unwrap(), card);
    assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"));
    assert!(card.contains("TEL;VALUE=uri;TYPE=\"work,voice\";PREF=1:tel:+50672036536\r\n"));
    assert!(card.contains("TZ:America/Costa_Rica\r\n"));
    assert!(!card.contains("88880000"), "internal numbers stay out");
    assert!(card.lines().all(|l| l.len() <= 75), "folded at 75 octets");
    if let Some(parsed) = vobject_fields(&card) {
        let c = &parsed[0];
        assert_eq!(c["fn"], "Jorge Gallo");
        assert_eq!(c["n"], json!(["Gallo", "Jorge"]));
        assert_eq!(c["title"], "Media Officer");
        assert_eq!(c["tel"], json!(["tel:+50672036536"]));
        assert_eq!(c["email"], json!(["jgallo@iom.int"]));
        assert_eq!(c["note"], bio, "escaping and folding undone exactly");
        assert_eq!(c["categories"], json!(["migration", "Central America"]));
    }
}

#[tokio::test]
async fn a_filtered_list_downloads_as_one_vcf_and_an_office_as_an_org_card() {
    let app = spawn_app().await;

    let response = app
        .get("/api/v1/people?office=iom-washington&format=vcard")
        .await;
    let office = app
        .get("/api/v1/offices/iom-washington/vcard")
        .await
        .text()
        .await
        .unwrap();

    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"people.vcf\""
    );
    let cards = response.text().await.unwrap();
    assert_eq!(cards.matches("BEGIN:VCARD").count(), 2);
    assert!(cards.contains("FN:Luca Dall’Oglio\r\n"));
    assert!(
        office.contains("KIND:org\r\n")
            && office.contains("ADR;TYPE=work:;;;Washington;;;United States")
    );
    if let Some(parsed) = vobject_fields(&cards) {
        let names: Vec<&str> = parsed
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["fn"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["Luca Dall’Oglio", "Liz Lizama"]);
    }
}

#[tokio::test]
async fn people_download_as_csv_that_spreadsheets_cannot_execute() {
    let app = spawn_app().await;
    app.create(
        "/api/v1/people",
        json!({"full_name": "=HYPERLINK(\"http://evil.example\") Smith"}),
    )
    .await;

    let response = app
        .public
        .get(app.url("/api/v1/people"))
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();

    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header[2], "full_name");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    let jorge = rows.iter().find(|r| &r[2] == "Jorge Gallo").unwrap();
    assert_eq!(
        &jorge[10], "'+506 72036536",
        "a phone stays readable, and inert"
    );
    assert_eq!(&jorge[11], "jgallo@iom.int");
    assert_eq!(&jorge[7], "San José", "UTF-8");
    assert!(
        rows.iter().any(|r| r[2].starts_with("'=HYPERLINK")),
        "formula made inert"
    );
}

#[tokio::test]
async fn json_ld_describes_people_offices_and_releases_with_schema_org() {
    let app = spawn_app().await;
    let ld = |path: &'static str| {
        let app = &app;
        async move {
            let response = app
                .public
                .get(app.url(path))
                .header("Accept", "application/ld+json")
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.headers()["content-type"],
                "application/ld+json",
                "{path}"
            );
            response.json::<serde_json::Value>().await.unwrap()
        }
    };

    let person = ld("/api/v1/people/jorge-gallo").await;
    let office = ld("/api/v1/offices/iom-washington").await;
    let release =
        ld("/api/v1/releases/iom-welcomes-president-joe-bidens-executive-actions-on-migration")
            .await;

    assert_eq!(person["@context"], "https://schema.org");
    assert_eq!(person["@type"], "Person");
    assert_eq!(person["worksFor"]["@type"], "Organization");
    assert!(
        person["contactPoint"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["telephone"] == "+50672036536")
    );
    assert_eq!(office["@type"], "Organization");
    assert_eq!(office["address"]["addressLocality"], "Washington");
    assert!(
        office["parentOrganization"]["@id"]
            .as_str()
            .unwrap()
            .contains("/api/v1/offices/")
    );
    assert_eq!(release["@type"], "NewsArticle");
    assert_eq!(release["dateline"], "Washington");
    let mentioned: Vec<&str> = release["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        mentioned,
        vec![
            "Luca Dall’Oglio",
            "Michele Klein-Solomon",
            "Jorge Gallo",
            "Liz Lizama"
        ]
    );
}

#[tokio::test]
async fn pronouns_and_social_profiles_in_every_format() {
    let app = spawn_app().await;
    let profiles = json!([
        {"service": "Mastodon", "url": "https://mastodon.social/@jgallo"},
        {"service": "Blue \"sky\"; ^x", "url": "https://bsky.app/profile/jgallo.example"}
    ]);
    let patched = app
        .patch(
            "/api/v1/people/jorge-gallo",
            &json!({"pronouns": "he/him", "social_profiles": profiles}),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(person["pronouns"], "he/him");
    assert_eq!(person["social_profiles"], profiles);

    let card = app
        .get("/api/v1/people/jorge-gallo/vcard")
        .await
        .text()
        .await
        .unwrap();
    assert!(card.contains("PRONOUNS:he/him"), "{card}");
    assert!(
        card.contains("SOCIALPROFILE;SERVICE-TYPE=\"Mastodon\":https://mastodon.social/@jgallo"),
        "{card}"
    );
    if let Some(fields) = vobject_fields(&card) {
        assert_eq!(fields[0]["pronouns"], "he/him");
        assert_eq!(
            fields[0]["socialprofile"][0],
            json!(["Mastodon", "https://mastodon.social/@jgallo"])
        );
        assert_eq!(
            fields[0]["socialprofile"][1][1],
            "https://bsky.app/profile/jgallo.example"
        );
    }
    let jsonld: Value = app
        .public
        .get(app.url("/api/v1/people/jorge-gallo"))
        .header("accept", "application/ld+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        jsonld["sameAs"],
        json!([
            "https://mastodon.social/@jgallo",
            "https://bsky.app/profile/jgallo.example"
        ])
    );
    let csv_text = app.get_as("/api/v1/people?q=gallo", "text/csv").await;
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let column = |name: &str| row[header.iter().position(|h| h == name).unwrap()].to_string();
    assert_eq!(column("pronouns"), "he/him");
    assert_eq!(
        column("social_profiles"),
        "Mastodon https://mastodon.social/@jgallo; Blue \"sky\", ^x https://bsky.app/profile/jgallo.example"
    );
}

#[tokio::test]
async fn bad_pronouns_and_profiles_are_refused_by_field() {
    let app = spawn_app().await;
    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({"service": "Web", "url": format!("https://example.org/{i}")}))
        .collect();
    for (body, field) in [
        (json!({"pronouns": "x".repeat(41)}), "pronouns"),
        (json!({"pronouns": "she\nher"}), "pronouns"),
        (json!({"social_profiles": eleven}), "social_profiles"),
        (
            json!({"social_profiles": [{"service": "X", "url": "javascript:alert(1)"}]}),
            "social_profiles",
        ),
        (
            json!({"social_profiles": [{"service": "", "url": "https://example.org"}]}),
            "social_profiles",
        ),
    ] {
        let response = app.patch("/api/v1/people/jorge-gallo", &body).await;
        let problem = crate::helpers::assert_problem(response, 422, "validation-failed").await;
        assert_eq!(
            crate::helpers::failing_fields(&problem),
            vec![field],
            "{body}"
        );
    }
    // A profile with a member it does not know is named too.
    let response = app
        .patch(
            "/api/v1/people/jorge-gallo",
            &json!({"social_profiles": [{"service": "X", "url": "https://x.example", "handle": "@x"}]}),
        )
        .await;
    assert!(response.status().is_client_error());
    assert_eq!(
        app.get_json("/api/v1/people/jorge-gallo").await["social_profiles"],
        json!([]),
        "nothing written"
    );
}
