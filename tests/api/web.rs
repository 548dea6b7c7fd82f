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
