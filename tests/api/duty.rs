//! Issue 16: the duty rota, the duty line and "who can I reach now"
//! (on both backends), with a fixed clock through `?at=`.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::{assert_problem, failing_fields, spawn_app};

const SAN_JOSE: &str = "/api/v1/offices/iom-regional-office-san-jose";

#[tokio::test]
async fn the_rota_says_who_is_on_duty_and_when_someone_next_is() {
    let app = spawn_app().await;
    let shift = app
        .create(
            &format!("{SAN_JOSE}/duty"),
            json!({"person_id": "jorge-gallo", "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2026-12-01T08:00:00Z", "note": "Night shift"}),
        )
        .await;
    assert_eq!(shift["person"]["slug"], "jorge-gallo");
    assert_eq!(shift["note"], "Night shift");

    let rota = app
        .get_json(&format!("{SAN_JOSE}/duty?from=2026-11-30T00:00:00Z"))
        .await;
    assert_eq!(rota["items"].as_array().unwrap().len(), 1);

    // During the shift: Jorge, with his numbers.
    let now = app
        .get_json(&format!("{SAN_JOSE}/on-duty?at=2026-12-01T07:42:00Z"))
        .await;
    assert_eq!(now["on_duty"][0]["person"]["slug"], "jorge-gallo");
    assert!(
        !now["on_duty"][0]["person"]["contact_points"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(now["timezone"], "America/Costa_Rica");
    assert_eq!(now["local_time"], "2026-12-01T01:42:00-06:00");
    assert_eq!(now["next_available_at"], Value::Null);
    let raw = app
        .get(&format!("{SAN_JOSE}/on-duty?at=2026-12-01T07:42:00Z"))
        .await;
    assert_eq!(
        raw.headers()["cache-control"],
        "no-store",
        "it follows the clock"
    );

    // Before it, nobody (no hours anywhere): the next time is the shift's start.
    let before = app
        .get_json(&format!("{SAN_JOSE}/on-duty?at=2026-11-30T20:00:00Z"))
        .await;
    assert_eq!(before["on_duty"], json!([]));
    assert_eq!(before["available"], json!([]));
    assert_eq!(before["next_available_at"], "2026-12-01T00:00:00Z");

    // Taken off the rota: gone.
    let deleted = app
        .delete(&format!("/api/v1/duty/{}", shift["id"].as_str().unwrap()))
        .await;
    assert_eq!(deleted.status(), 204);
    let after = app
        .get_json(&format!("{SAN_JOSE}/on-duty?at=2026-12-01T07:42:00Z"))
        .await;
    assert_eq!(after["on_duty"], json!([]));
}

#[tokio::test]
async fn the_duty_line_comes_first_and_must_be_the_office_own_public_phone() {
    let app = spawn_app().await;
    let line = app
        .create(
            &format!("{SAN_JOSE}/contact-points"),
            json!({"kind": "phone", "value": "+506 2212 5300", "label": "Duty press line"}),
        )
        .await;
    let patched = app
        .patch(SAN_JOSE, &json!({"duty_contact_point_id": line["id"]}))
        .await;
    assert_eq!(patched.status(), 200);
    let now = app.get_json(&format!("{SAN_JOSE}/on-duty")).await;
    assert_eq!(now["duty_line"]["value"], "+50622125300");
    assert_eq!(now["duty_line"]["label"], "Duty press line");

    // Somebody's own number, or another office's, is not a duty line.
    let jorge = app.get_json("/api/v1/people/jorge-gallo").await;
    let his = jorge["contact_points"][0]["id"].clone();
    let response = app
        .patch(SAN_JOSE, &json!({"duty_contact_point_id": his}))
        .await;
    let problem = assert_problem(response, 422, "validation-failed").await;
    assert_eq!(failing_fields(&problem), vec!["duty_contact_point_id"]);
}

#[tokio::test]
async fn office_hours_answer_across_a_daylight_saving_change() {
    let app = spawn_app().await;
    let office = app
        .create(
            "/api/v1/offices",
            json!({"name": "IOM Switzerland", "kind": "country_office", "country_code": "CH", "timezone": "Europe/Zurich",
                   "hours": {"weekly": {"mon": [{"from": "09:00", "to": "17:00"}], "fri": [{"from": "09:00", "to": "17:00"}]}}}),
        )
        .await;
    let id = office["id"].as_str().unwrap();
    app.create_person("Anna Keller", Some(id)).await;
    // Friday 27 March 2026, 18:00 in Zurich (UTC+1): nobody. The clocks go
    // forward on Sunday; Monday 09:00 is 07:00Z, not 08:00Z.
    let friday = app
        .get_json(&format!(
            "/api/v1/offices/{id}/on-duty?at=2026-03-27T17:00:00Z"
        ))
        .await;
    assert_eq!(friday["available"], json!([]));
    assert_eq!(friday["next_available_at"], "2026-03-30T07:00:00Z");
    // Monday 10:00 local: Anna is available by the office's hours.
    let monday = app
        .get_json(&format!(
            "/api/v1/offices/{id}/on-duty?at=2026-03-30T08:00:00Z"
        ))
        .await;
    assert_eq!(monday["available"][0]["full_name"], "Anna Keller");
    assert_eq!(monday["available"][0]["available_now"], true);
    assert_eq!(monday["local_time"], "2026-03-30T10:00:00+02:00");
}

#[tokio::test]
async fn people_on_duty_now_are_a_filter() {
    let app = spawn_app().await;
    let now = Utc::now();
    app.create(
        &format!("{SAN_JOSE}/duty"),
        json!({"person_id": "jorge-gallo", "starts_at": (now - Duration::hours(1)).to_rfc3339(), "ends_at": (now + Duration::hours(1)).to_rfc3339()}),
    )
    .await;
    let on = app.get_json("/api/v1/people?on_duty=true").await;
    let slugs: Vec<&str> = on["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, vec!["jorge-gallo"]);
    let off = app.get_json("/api/v1/people?on_duty=false").await;
    assert!(
        !off["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["slug"] == "jorge-gallo")
    );
}

#[tokio::test]
async fn bad_assignments_are_refused_by_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let url = format!("{SAN_JOSE}/duty");
    for (body, fields) in [
        (
            json!({"person_id": "jorge-gallo", "starts_at": "2026-12-01T08:00:00Z", "ends_at": "2026-12-01T00:00:00Z"}),
            vec!["ends_at"],
        ),
        (
            json!({"person_id": "jorge-gallo", "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2027-02-01T00:00:00Z"}),
            vec!["ends_at"],
        ),
        (
            json!({"person_id": "nobody-here", "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2026-12-01T08:00:00Z"}),
            vec!["person_id"],
        ),
        (
            json!({"person_id": "jorge-gallo", "starts_at": null, "ends_at": "2026-12-01T08:00:00Z", "note": "a\nb"}),
            vec!["note", "starts_at"],
        ),
    ] {
        let response = app.post(&url, &body).await;
        let problem = assert_problem(response, 422, "validation-failed").await;
        let mut got = failing_fields(&problem);
        got.sort();
        assert_eq!(got, fields, "{body}");
    }
    for body in [
        json!({"person_id": "jorge-gallo", "starts_at": "tomorrow", "ends_at": "2026-12-01T08:00:00Z"}),
        json!({"person_id": "jorge-gallo", "starts_at": "+12026-12-01T00:00:00Z", "ends_at": "2026-12-01T08:00:00Z"}),
        json!({"person_id": "jorge-gallo", "ends_at": "2026-12-01T08:00:00Z", "shift": "night"}),
    ] {
        let response = app.post(&url, &body).await;
        assert!(response.status().is_client_error(), "{body}");
    }
    let rota = app
        .get_json(&format!("{SAN_JOSE}/duty?from=2000-01-01T00:00:00Z"))
        .await;
    assert_eq!(rota["items"], json!([]));
    // Keyless writes are refused; unknown offices are 404.
    let keyless = app
        .public
        .post(app.url(&url))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(keyless.status(), 401);
    let missing = app.get("/api/v1/offices/no-such-office/on-duty").await;
    assert_eq!(missing.status(), 404);
}
