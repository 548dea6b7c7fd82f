//! Issue 16, first part: a person's hours, and whether they can be reached
//! now (on both backends). The clock-dependent cases (DST, exceptions, the
//! next opening) are unit tests in `src/reach.rs` on a fixed clock.

use serde_json::{Value, json};

use crate::helpers::{assert_problem, failing_fields, spawn_app};

fn every_day(from: &str, to: &str) -> Value {
    let range = json!([{"from": from, "to": to}]);
    json!({"weekly": {"mon": range, "tue": range, "wed": range, "thu": range, "fri": range, "sat": range, "sun": range}})
}

#[tokio::test]
async fn hours_are_stored_and_read_in_the_office_zone() {
    let app = spawn_app().await;
    // Jorge Gallo's office (San José) has a time zone in the seed.
    let response = app
        .patch(
            "/api/v1/people/jorge-gallo",
            &json!({"hours": every_day("00:00", "24:00")}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(person["hours"], every_day("00:00", "24:00"));
    assert_eq!(person["available_now"], true);
    assert_eq!(person["next_available_at"], Value::Null);

    // Hours with no range at all: never available, and no next time.
    let none = json!({"weekly": {}, "exceptions": [{"from": "2026-12-24", "to": "2026-12-26", "note": "Holidays"}]});
    app.patch("/api/v1/people/jorge-gallo", &json!({"hours": none}))
        .await;
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(person["available_now"], false);
    assert_eq!(person["next_available_at"], Value::Null);
    assert_eq!(person["hours"]["exceptions"][0]["note"], "Holidays");

    // Every day but one hour: either in it, or the next start is within a day.
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"hours": every_day("09:00", "10:00")}),
    )
    .await;
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    match person["available_now"].as_bool().unwrap() {
        true => assert_eq!(person["next_available_at"], Value::Null),
        false => {
            let next =
                chrono::DateTime::parse_from_rfc3339(person["next_available_at"].as_str().unwrap())
                    .unwrap();
            let wait = next.with_timezone(&chrono::Utc) - chrono::Utc::now();
            assert!(wait > chrono::Duration::zero() && wait <= chrono::Duration::hours(24));
        }
    }

    // Search hits carry the same fields.
    let hits = app.get_json("/api/v1/search?q=gallo").await;
    assert!(hits["items"][0].get("available_now").is_some(), "{hits}");

    // JSON-LD: schema.org hoursAvailable on the person's contact points.
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
    let spec = &jsonld["contactPoint"][0]["hoursAvailable"][0];
    assert_eq!(spec["@type"], "OpeningHoursSpecification");
    assert_eq!(spec["dayOfWeek"], "https://schema.org/Monday");
    assert_eq!(spec["opens"], "09:00");

    // null removes them: unknown again.
    app.patch("/api/v1/people/jorge-gallo", &json!({"hours": null}))
        .await;
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(person["hours"], Value::Null);
    assert_eq!(person["available_now"], Value::Null);
}

#[tokio::test]
async fn without_an_office_zone_availability_is_unknown() {
    let app = spawn_app().await;
    let person = app
        .create(
            "/api/v1/people",
            json!({"full_name": "Ana Lima", "hours": every_day("00:00", "24:00")}),
        )
        .await;
    assert_eq!(person["available_now"], Value::Null, "no office, no zone");
}

#[tokio::test]
async fn bad_hours_are_refused_naming_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    for hours in [
        json!({"weekly": {"mon": [{"from": "17:00", "to": "08:00"}]}}),
        json!({"weekly": {"mon": [{"from": "08:00", "to": "12:00"}, {"from": "11:00", "to": "13:00"}]}}),
        json!({"weekly": {"mon": [{"from": "08:00", "to": "24:30"}]}}),
        json!({"weekly": {"mon": [{"from": "8", "to": "9"}]}}),
        json!({"exceptions": [{"from": "2026-12-26", "to": "2026-12-24"}]}),
        json!({"exceptions": [{"from": "2026-12-24", "to": "2026-12-26", "note": "a\nb"}]}),
    ] {
        let response = app
            .patch("/api/v1/people/jorge-gallo", &json!({"hours": hours}))
            .await;
        let problem = assert_problem(response, 422, "validation-failed").await;
        assert_eq!(failing_fields(&problem), vec!["hours"], "{hours}");
    }
    for hours in [
        json!({"weekly": {"someday": []}}),
        json!({"weekly": {"mon": [{"from": "08:00"}]}}),
        json!({"weekly": {"mon": "all day"}}),
        // serde would read a struct from an array by position: refused.
        json!([]),
        json!({"weekly": []}),
        json!({"weekly": {"mon": [["08:00", "17:00"]]}}),
    ] {
        let response = app
            .patch("/api/v1/people/jorge-gallo", &json!({"hours": hours}))
            .await;
        assert!(
            response.status().is_client_error(),
            "{hours}: {}",
            response.status()
        );
    }
    let too_many: Vec<Value> = (0..7)
        .map(|i| json!({"from": format!("0{i}:00"), "to": format!("0{i}:30")}))
        .collect();
    let response = app
        .patch(
            "/api/v1/people/jorge-gallo",
            &json!({"hours": {"weekly": {"tue": too_many}}}),
        )
        .await;
    assert_problem(response, 422, "validation-failed").await;
    assert_eq!(
        app.get_json("/api/v1/people/jorge-gallo").await["hours"],
        Value::Null
    );
}

#[tokio::test]
async fn the_etag_changes_with_availability_and_still_works_for_if_match() {
    let app = spawn_app().await;
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"hours": every_day("00:00", "24:00")}),
    )
    .await;
    let response = app.get("/api/v1/people/jorge-gallo").await;
    let tag = response.headers()["etag"].to_str().unwrap().to_string();
    let version = response.json::<Value>().await.unwrap()["version"]
        .as_i64()
        .unwrap();
    assert_eq!(tag, format!("\"{version}-a0\""), "available, no next time");
    // A cache holding the bare version does not get a 304 for it.
    let revalidated = app
        .public
        .get(app.url("/api/v1/people/jorge-gallo"))
        .header("if-none-match", format!("\"{version}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 200);
    let same = app
        .public
        .get(app.url("/api/v1/people/jorge-gallo"))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 304);
    // The tag as read is a valid If-Match.
    let patched = app
        .client
        .patch(app.url("/api/v1/people/jorge-gallo"))
        .header("if-match", &tag)
        .json(&json!({"pronouns": "he/him"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
}

#[tokio::test]
async fn people_without_hours_are_read_with_their_office_hours() {
    let app = spawn_app().await;
    let response = app
        .patch(
            "/api/v1/offices/iom-regional-office-san-jose",
            &json!({"hours": every_day("00:00", "24:00")}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let office = app
        .get_json("/api/v1/offices/iom-regional-office-san-jose")
        .await;
    assert_eq!(office["hours"], every_day("00:00", "24:00"));
    assert_eq!(office["available_now"], true);
    // Jorge Gallo has no hours of his own: his office's apply.
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(person["hours"], Value::Null);
    assert_eq!(person["available_now"], true);
    // His own hours win over the office's.
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"hours": {"weekly": {}}}),
    )
    .await;
    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(person["available_now"], false);

    let bad = app
        .patch(
            "/api/v1/offices/iom-regional-office-san-jose",
            &json!({"hours": {"weekly": {"sun": [{"from": "10:00", "to": "09:00"}]}}}),
        )
        .await;
    let problem = assert_problem(bad, 422, "validation-failed").await;
    assert_eq!(failing_fields(&problem), vec!["hours"]);
}

#[tokio::test]
async fn a_person_without_a_phone_shows_the_office_press_line() {
    let app = spawn_app().await;
    // Luca Dall'Oglio is quoted in the seed release and has no phone.
    let luca = app.get_json("/api/v1/people/luca-dalloglio").await;
    assert_eq!(luca["office_press_line"], Value::Null, "no line yet");
    app.create(
        "/api/v1/offices/iom-washington/contact-points",
        json!({"kind": "phone", "value": "+1 202 862 1826", "label": "Press line", "is_primary": true}),
    )
    .await;
    app.create(
        "/api/v1/offices/iom-washington/contact-points",
        json!({"kind": "phone", "value": "+1 202 862 1800", "visibility": "internal"}),
    )
    .await;
    let luca = app.get_json("/api/v1/people/luca-dalloglio").await;
    assert_eq!(luca["office_press_line"]["value"], "+12028621826");
    assert_eq!(luca["office_press_line"]["label"], "Press line");
    // Someone with a phone of their own is not given the office's.
    let liz = app.get_json("/api/v1/people/liz-lizama").await;
    assert_eq!(liz["office_press_line"], Value::Null);
}

#[tokio::test]
async fn the_csv_gives_the_hours_someone_is_reached_in() {
    let app = spawn_app().await;
    let weekdays = json!([{"from": "08:00", "to": "12:00"}, {"from": "13:00", "to": "17:00"}]);
    app.patch(
        "/api/v1/offices/iom-regional-office-san-jose",
        &json!({"hours": {"weekly": {"mon": weekdays, "tue": weekdays, "wed": weekdays, "thu": weekdays, "fri": weekdays}}}),
    )
    .await;
    app.patch(
        "/api/v1/people/michele-klein-solomon",
        &json!({"hours": every_day("07:00", "19:00")}),
    )
    .await;
    let csv = app.get_as("/api/v1/people", "text/csv").await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let hours = header.iter().position(|h| h == "hours").unwrap();
    assert_eq!(hours, header.len() - 1, "a new column goes last");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let of = |name: &str| rows.iter().find(|r| &r[2] == name).unwrap()[hours].to_string();
    assert_eq!(
        of("Jorge Gallo"),
        "Mon-Fri 08:00-12:00, 13:00-17:00",
        "the office's hours"
    );
    assert_eq!(
        of("Michele Klein-Solomon"),
        "Mon-Sun 07:00-19:00",
        "their own"
    );
    assert_eq!(of("Luca Dall’Oglio"), "", "none known");
}
