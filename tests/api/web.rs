//! The journalists' page, as HTML: what it shows, and what it never shows.

use serde_json::json;

use crate::helpers::spawn_app;

async fn html(app: &crate::helpers::TestApp, path: &str, with_key: bool) -> (u16, String) {
    let client = if with_key { &app.client } else { &app.public };
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("text/html"),
        "{path}: {content_type}"
    );
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn the_page_searches_without_javascript() {
    let app = spawn_app().await;

    let (status, page) = html(&app, "/?q=jos%C3%A9", false).await;

    assert_eq!(status, 200);
    assert!(page.contains(r#"<label for="q">"#));
    assert!(page.contains(r#"<form role="search" action="/" method="get">"#));
    assert!(page.contains(r#"<a href="tel:+50672036536">+506 72036536</a>"#));
    assert!(page.contains(r#"<a href="mailto:jgallo@iom.int">jgallo@iom.int</a>"#));
    assert!(page.contains("San José, Costa Rica"));
    assert!(page.contains(r#"data-tz="America/Costa_Rica""#));
    assert!(page.contains("/vcard\" download>"));
    assert!(page.contains(r#"href="/docs/""#));
    let (_, empty) = html(&app, "/", false).await;
    assert!(
        empty.contains("IOM Washington"),
        "the offices, when nothing is asked"
    );
}

#[tokio::test]
async fn pages_show_only_public_data_whoever_asks() {
    let app = spawn_app().await;
    app.create(
        "/api/v1/people/jorge-gallo/contact-points",
        json!({"kind": "mobile", "value": "+506 8888 0000", "visibility": "internal"}),
    )
    .await;
    app.delete("/api/v1/people/liz-lizama").await;

    for with_key in [false, true] {
        let (_, person) = html(&app, "/people/jorge-gallo", with_key).await;
        assert!(person.contains("+50672036536"));
        assert!(!person.contains("+50688880000"), "an internal number");
        let (_, office) = html(&app, "/offices/iom-regional-office-san-jose", with_key).await;
        assert!(!office.contains("+50688880000"));
        let (status, _) = html(&app, "/people/liz-lizama", with_key).await;
        assert_eq!(status, 404, "an archived person");
        let (_, search) = html(&app, "/?q=lizama", with_key).await;
        assert!(search.contains("No one found"));
    }
}

#[tokio::test]
async fn a_person_page_links_the_releases_they_appear_in() {
    let app = spawn_app().await;

    let (status, page) = html(&app, "/people/luca-dalloglio", false).await;

    assert_eq!(status, 200);
    assert!(page.contains("<span class=\"role\">Quoted</span> in <a href=\"/releases/"));
    let (status, missing) = html(&app, "/people/nobody", false).await;
    assert_eq!(status, 404);
    assert!(missing.contains("No person with id or slug"));
    let (status, _) = html(&app, "/offices/nowhere", false).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn text_is_escaped() {
    let app = spawn_app().await;

    let (_, page) = html(&app, "/?q=%3Cscript%3Ealert(1)%3C/script%3E", false).await;

    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("&lt;script&gt;"));
}

/// Issue 16: whom to call now, on the page (the clock-fixed cases are in
/// the browser tests, on a server whose clock is set).
#[tokio::test]
async fn results_show_photo_availability_and_the_duty_line_first() {
    use chrono::{Duration, Utc};
    let app = spawn_app().await;
    const SAN_JOSE: &str = "/api/v1/offices/iom-regional-office-san-jose";
    let line: serde_json::Value = app
        .create(
            &format!("{SAN_JOSE}/contact-points"),
            json!({"kind": "phone", "value": "+506 2212 5300", "label": "Duty officer"}),
        )
        .await;
    // Office hours every day, but a holiday from yesterday to tomorrow (in
    // San José): nobody is available until the day after tomorrow, 08:00.
    let today = Utc::now()
        .with_timezone(&chrono_tz::America::Costa_Rica)
        .date_naive();
    let range = json!([{"from": "08:00", "to": "17:00"}]);
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let weekly: serde_json::Map<String, serde_json::Value> = days
        .iter()
        .map(|d| (d.to_string(), range.clone()))
        .collect();
    let hours = json!({"weekly": weekly, "exceptions": [{"from": today - Duration::days(1), "to": today + Duration::days(1), "note": "Office closed"}]});
    let patched = app
        .patch(
            SAN_JOSE,
            &json!({"hours": hours, "duty_contact_point_id": line["id"]}),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let all_day = json!([{"from": "00:00", "to": "24:00"}]);
    let always: serde_json::Map<String, serde_json::Value> = days
        .iter()
        .map(|d| (d.to_string(), all_day.clone()))
        .collect();
    app.patch(
        "/api/v1/people/jorge-gallo",
        &json!({"pronouns": "he/him", "hours": {"weekly": always}}),
    )
    .await;
    let photo = crate::photo::put(
        &app,
        "image/png",
        crate::photo::encoded(400, 400, image::ImageFormat::Png),
    )
    .await;
    assert_eq!(photo.status(), 200);
    let jorge = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(jorge["office_duty_line"]["value"], "+50622125300");

    let (_, page) = html(&app, "/?q=jose", false).await;
    let card = |name: &str| {
        let start = page.find(&format!(">{name}")).unwrap();
        let end = page[start..]
            .find("</li>\n")
            .map_or(page.len(), |e| start + e);
        let from = page[..start].rfind("<li class=\"person\">").unwrap();
        page[from..end.max(start)].to_string()
    };
    let jorge_card = card("Jorge Gallo");
    assert!(jorge_card.contains(r#"class="photo""#) && jorge_card.contains(r#"loading="lazy""#));
    assert!(jorge_card.contains(jorge["photo_url"].as_str().unwrap()));
    assert!(jorge_card.contains("(he/him)"));
    assert!(jorge_card.contains("Available now"), "{jorge_card}");
    let duty = jorge_card.find("Duty press line, always answered").unwrap();
    let own = jorge_card.find("tel:+50672036536").unwrap();
    assert!(duty < own, "the duty line first");
    let michele = card("Michele Klein-Solomon");
    assert!(
        michele.contains(r#"class="photo initials""#),
        "no photo: initials"
    );
    assert!(
        michele.contains("Next available") && michele.contains(" 08:00</time> local time (in "),
        "{michele}"
    );

    // The office page: its hours, the days off, and who can be reached now.
    let (_, office) = html(&app, "/offices/iom-regional-office-san-jose", false).await;
    assert!(
        office.contains("Hours: Mon-Sun 08:00-17:00 (America/Costa_Rica)"),
        "{office}"
    );
    assert!(office.contains("Office closed"));
    assert!(office.contains("Who can I reach now?"));
    let now = office.find("Who can I reach now?").unwrap();
    assert!(office[now..].contains("Available by their hours"));
    assert!(
        !office[now..].contains("On duty<"),
        "nobody on the rota yet"
    );
    let from = Utc::now() - Duration::hours(1);
    app.create(
        &format!("{SAN_JOSE}/duty"),
        json!({"person_id": "michele-klein-solomon", "starts_at": from.to_rfc3339(), "ends_at": (from + Duration::hours(3)).to_rfc3339()}),
    )
    .await;
    let (_, office) = html(&app, "/offices/iom-regional-office-san-jose", false).await;
    let now = office.find("Who can I reach now?").unwrap();
    let on_duty = office[now..].find("On duty<").unwrap();
    assert!(office[now + on_duty..].contains("Michele Klein-Solomon"));

    // A person with no phone of their own: the office's press line.
    app.create(
        "/api/v1/offices/iom-washington/contact-points",
        json!({"kind": "phone", "value": "+1 202 862 1826", "label": "Press line"}),
    )
    .await;
    let (_, luca) = html(&app, "/people/luca-dalloglio", false).await;
    assert!(luca.contains("Office press line") && luca.contains("tel:+12028621826"));
}
