use serde_json::Value;

use crate::helpers::spawn_app;

fn contact<'a>(person: &'a Value, kind: &str) -> &'a Value {
    person["contact_points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == kind)
        .expect(kind)
}

#[tokio::test]
async fn seeded_media_contacts_have_e164_phones_and_emails() {
    let app = spawn_app().await;

    let jorge = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(jorge["full_name"], "Jorge Gallo");
    assert_eq!(contact(&jorge, "phone")["value"], "+50672036536");
    assert_eq!(contact(&jorge, "phone")["display"], "+506 72036536");
    assert_eq!(contact(&jorge, "email")["value"], "jgallo@iom.int");
    assert_eq!(jorge["office"]["slug"], "iom-regional-office-san-jose");
    assert_eq!(jorge["office"]["timezone"], "America/Costa_Rica");

    let liz = app.get_json("/api/v1/people/liz-lizama").await;
    assert_eq!(contact(&liz, "phone")["value"], "+12027168820");
    assert_eq!(contact(&liz, "phone")["display"], "+1 202 716 8820");
    assert_eq!(contact(&liz, "email")["value"], "elizama@iom.int");
    assert_eq!(liz["office"]["slug"], "iom-washington");
}

#[tokio::test]
async fn seeded_offices_are_washington_under_san_jose() {
    let app = spawn_app().await;

    let regional = app
        .get_json("/api/v1/offices/iom-regional-office-san-jose")
        .await;
    let washington = app.get_json("/api/v1/offices/iom-washington").await;

    assert_eq!(regional["kind"], "regional_office");
    assert_eq!(regional["city"], "San José");
    assert_eq!(regional["country_code"], "CR");
    assert_eq!(washington["city"], "Washington");
    assert_eq!(washington["country_code"], "US");
    assert_eq!(washington["timezone"], "America/New_York");
    assert_eq!(washington["parent_id"], regional["id"]);
    let all = app.get_json("/api/v1/offices").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn seeded_release_has_dateline_no_date_and_four_appearances() {
    let app = spawn_app().await;

    let releases = app.get_json("/api/v1/releases").await;
    let items = releases["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let release = &items[0];
    assert_eq!(
        release["title"],
        "IOM Welcomes President Joe Biden’s Executive Actions on Migration"
    );
    assert_eq!(release["dateline"], "Washington");
    assert_eq!(release["published_on"], Value::Null);
    assert_eq!(release["office"]["slug"], "iom-washington");
    assert!(
        release["body"]
            .as_str()
            .unwrap()
            .starts_with("Washington – The International Organization")
    );

    let appearances = release["appearances"].as_array().unwrap();
    let summary: Vec<(&str, &str, Option<&str>)> = appearances
        .iter()
        .map(|a| {
            (
                a["person"]["full_name"].as_str().unwrap(),
                a["role"].as_str().unwrap(),
                a["title_as_printed"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "Luca Dall’Oglio",
                "quoted",
                Some("IOM Chief of Mission in Washington DC")
            ),
            (
                "Michele Klein-Solomon",
                "quoted",
                Some("IOM Regional Director for Central and North America and the Caribbean")
            ),
            ("Jorge Gallo", "media_contact", None),
            ("Liz Lizama", "media_contact", None),
        ]
    );
    assert!(
        appearances[0]["quote"]
            .as_str()
            .unwrap()
            .starts_with("Those living in conditions of protracted displacement")
    );
    assert_eq!(appearances[3]["office_as_printed"], "IOM Washington");
}

#[tokio::test]
async fn a_person_lists_the_releases_they_were_quoted_in() {
    let app = spawn_app().await;

    let body = app.get_json("/api/v1/people/luca-dalloglio/releases").await;

    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["role"], "quoted");
    assert_eq!(
        items[0]["title_as_printed"],
        "IOM Chief of Mission in Washington DC"
    );
    assert_eq!(items[0]["release"]["dateline"], "Washington");
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let app = spawn_app().await;
    let before = app.get_json("/api/v1/people?limit=200").await;

    // Act: seed the same database again, as a restart would.
    let pool =
        pressdir::db::DbPool::connect(&app.database_url, 1, std::time::Duration::from_secs(5))
            .unwrap();
    let mut conn = pool.get().unwrap();
    let wrote = pressdir::seed::seed_if_empty(&mut conn).unwrap();

    assert!(!wrote);
    let after = app.get_json("/api/v1/people?limit=200").await;
    assert_eq!(before, after);
    assert_eq!(after["items"].as_array().unwrap().len(), 4);
}
