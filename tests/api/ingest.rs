//! Ingestion: extraction from release texts as published, then matching
//! and writing (on both backends).

use pressdir::contact_points::model::ContactKind;
use pressdir::ingest::extract;
use pressdir::ingest::extract::{ExtractedContact, ExtractedEmail, ExtractedPhone, ExtractedQuote};
use serde_json::{Value, json};

use crate::helpers::{assert_problem, failing_fields, spawn_app};

fn quote(name: &str, title: Option<&str>, text: &str) -> ExtractedQuote {
    ExtractedQuote {
        name: name.into(),
        title_as_printed: title.map(Into::into),
        quote: text.into(),
    }
}

fn phone(
    kind: ContactKind,
    label: Option<&str>,
    display: &str,
    value: Option<&str>,
) -> ExtractedPhone {
    ExtractedPhone {
        kind,
        label: label.map(Into::into),
        display: display.into(),
        value: value.map(Into::into),
    }
}

fn email(label: Option<&str>, value: &str) -> ExtractedEmail {
    ExtractedEmail {
        label: label.map(Into::into),
        value: value.into(),
    }
}

fn contact(
    name: &str,
    title: Option<&str>,
    office: Option<&str>,
    phones: Vec<ExtractedPhone>,
    emails: Vec<ExtractedEmail>,
) -> ExtractedContact {
    ExtractedContact {
        name: name.into(),
        title_as_printed: title.map(Into::into),
        office_as_printed: office.map(Into::into),
        place_as_printed: None,
        phones,
        emails,
    }
}

use ContactKind::{Mobile, Phone};

const NAIROBI: &str = "Home
- News
- Media centre
IOM Scales Up Drought Response in Northern Kenya
Nairobi – The International Organization for Migration (IOM) is expanding water trucking and health services for 120,000 people in Marsabit and Turkana.
“Families have walked for days to reach water points, and we must reach them before the next dry season,” said Wanjiru Kamau, IOM Kenya Chief of Mission.
The response is funded by several donors.
For more information, please contact Peter Otieno at IOM Kenya, Tel.: 020 422 1000, Mobile: +254 722 123 456, Email: potieno@iom.int, or Amina Yusuf at the IOM Regional Office for East and Horn of Africa, Tel: +254 20 422 1100, Email: ayusuf@iom.int";

const GENEVA: &str = "IOM and Partners Launch Global Data Platform on Displacement
GENEVA — A new platform brings together displacement figures from 80 countries in one place, updated every week.
“Good decisions start with good data,” Ana María de la Cruz, Director of the Global Data Institute, said.
“The platform is open to every government and every partner,” according to Hans van der Berg, Head of Data Partnerships.
Media contacts:
Sophie Lefèvre, Senior Media Officer, IOM Headquarters, Tel: +41 22 717 9111, Email: slefevre@iom.int
João Gonçalves, Media Officer, Tel: +41 79 123 45 67, E-mail: jgoncalves@iom.int";

const BANGKOK: &str = "Migrant Workers Receive Health Screening in Thailand
Bangkok - More than 5,000 migrant workers received free health screening this month in a joint programme with the Ministry of Public Health.
Somchai Wongsakul, IOM Thailand Health Programme Manager, said: “Healthy workers mean healthy communities.”
Media contacts:

Naree Charoenkul
Communications Officer, IOM Thailand
Tel: 02 343 9300
Mobile: +66 81 234 5678
WhatsApp: +66 89 765 4321
E-mail: ncharoenkul@iom.int

Tom Baker
Regional Media Officer, IOM Asia-Pacific
Cell: +66 2 343 9400
Email: tbaker@iom.int";

const MANILA: &str = "Typhoon Survivors Return Home with IOM Support
Manila – Thousands of families displaced by the typhoon have returned to rebuilt homes in Leyte.
\"We are grateful for every helping hand,\" said Maria Santos.
\"Our work is far from over,\" said Kenji Watanabe, IOM Philippines Chief of Mission. \"Many families still live in evacuation centres.\"
The agency thanked its partners.";

const DAKAR: &str = "Youth Employment Project Opens in Senegal
Dakar – A project supporting young returnees opened today in Dakar, Thiès and Saint-Louis.
“Young people who come back deserve a second start,” said Fatou Diop, IOM Senegal Programme Officer.
“We listened to them before designing anything.”
Visit https://senegal.iom.int or write to IOM Senegal, Route des Almadies, Dakar.
For media inquiries, contact Moussa Ndiaye at IOM Senegal, Tel: +221 33 869 6200, Email: mndiaye@iom.int";

const MEXICO: &str = "IOM Opens Migrant Resource Centre in Tapachula
Ciudad de México – IOM opened a resource centre offering legal orientation and psychosocial support to people on the move.
“Every person who arrives here gets information they can trust,” said Carlos Ruiz, IOM Mexico Chief of Mission.
For more information, please contact Lucía Hernández at IOM Mexico, Phone: +52 55 5080 1234, Email: lhernandez@iom.int; or Diego Torres at IOM Mexico, Mob: +52 1 55 1234 5678, Email: dtorres@iom.int";

const KYIV: &str = "IOM Delivers Winter Aid in Eastern Ukraine
Kyiv – IOM has delivered heaters, blankets and cash assistance to 40,000 households ahead of winter.
Media contact:
Olena Kovalenko, IOM Ukraine, Tel: ext. 1234, Email: okovalenko@iom.int";

const NO_CONTACTS: &str = "Statement on World Refugee Day
Geneva – On World Refugee Day, IOM stands with the millions of people forced to flee their homes.
“Nobody chooses to lose their home,” said Amy Pope, IOM Director General.";

#[test]
fn inline_contacts_with_national_numbers_labels_and_two_offices() {
    let e = extract(NAIROBI, None);

    assert_eq!(
        e.title.as_deref(),
        Some("IOM Scales Up Drought Response in Northern Kenya")
    );
    assert_eq!(e.dateline.as_deref(), Some("Nairobi"));
    assert!(e.body.starts_with("Nairobi – The International"));
    assert_eq!(
        e.quoted,
        vec![quote(
            "Wanjiru Kamau",
            Some("IOM Kenya Chief of Mission"),
            "Families have walked for days to reach water points, and we must reach them before the next dry season"
        )]
    );
    assert_eq!(
        e.media_contacts,
        vec![
            contact(
                "Peter Otieno",
                None,
                Some("IOM Kenya"),
                vec![
                    phone(Phone, Some("Tel."), "020 422 1000", Some("+254204221000")),
                    phone(
                        Mobile,
                        Some("Mobile"),
                        "+254 722 123 456",
                        Some("+254722123456")
                    )
                ],
                vec![email(Some("Email"), "potieno@iom.int")]
            ),
            contact(
                "Amina Yusuf",
                None,
                Some("the IOM Regional Office for East and Horn of Africa"),
                vec![phone(
                    Phone,
                    Some("Tel"),
                    "+254 20 422 1100",
                    Some("+254204221100")
                )],
                vec![email(Some("Email"), "ayusuf@iom.int")]
            ),
        ]
    );
    assert!(e.warnings.is_empty(), "{:?}", e.warnings);
}

#[test]
fn one_contact_per_line_and_quotes_after_the_name_or_according_to() {
    let e = extract(GENEVA, None);

    assert_eq!(
        e.title.as_deref(),
        Some("IOM and Partners Launch Global Data Platform on Displacement")
    );
    assert_eq!(e.dateline.as_deref(), Some("GENEVA"));
    assert_eq!(
        e.quoted,
        vec![
            quote(
                "Ana María de la Cruz",
                Some("Director of the Global Data Institute"),
                "Good decisions start with good data"
            ),
            quote(
                "Hans van der Berg",
                Some("Head of Data Partnerships"),
                "The platform is open to every government and every partner"
            ),
        ]
    );
    assert_eq!(
        e.media_contacts,
        vec![
            contact(
                "Sophie Lefèvre",
                Some("Senior Media Officer"),
                Some("IOM Headquarters"),
                vec![phone(
                    Phone,
                    Some("Tel"),
                    "+41 22 717 9111",
                    Some("+41227179111")
                )],
                vec![email(Some("Email"), "slefevre@iom.int")]
            ),
            contact(
                "João Gonçalves",
                Some("Media Officer"),
                None,
                vec![phone(
                    Phone,
                    Some("Tel"),
                    "+41 79 123 45 67",
                    Some("+41791234567")
                )],
                vec![email(Some("E-mail"), "jgoncalves@iom.int")]
            ),
        ]
    );
}

#[test]
fn one_contact_per_paragraph_with_several_phones_and_a_name_first_quote() {
    let e = extract(BANGKOK, None);

    assert_eq!(e.dateline.as_deref(), Some("Bangkok"));
    assert_eq!(
        e.quoted,
        vec![quote(
            "Somchai Wongsakul",
            Some("IOM Thailand Health Programme Manager"),
            "Healthy workers mean healthy communities."
        )]
    );
    assert_eq!(
        e.media_contacts,
        vec![
            contact(
                "Naree Charoenkul",
                Some("Communications Officer"),
                Some("IOM Thailand"),
                vec![
                    phone(Phone, Some("Tel"), "02 343 9300", Some("+6623439300")),
                    phone(
                        Mobile,
                        Some("Mobile"),
                        "+66 81 234 5678",
                        Some("+66812345678")
                    ),
                    phone(
                        Mobile,
                        Some("WhatsApp"),
                        "+66 89 765 4321",
                        Some("+66897654321")
                    ),
                ],
                vec![email(Some("E-mail"), "ncharoenkul@iom.int")]
            ),
            contact(
                "Tom Baker",
                Some("Regional Media Officer"),
                Some("IOM Asia-Pacific"),
                vec![phone(
                    Mobile,
                    Some("Cell"),
                    "+66 2 343 9400",
                    Some("+6623439400")
                )],
                vec![email(Some("Email"), "tbaker@iom.int")]
            ),
        ]
    );
}

#[test]
fn straight_quotes_a_quote_without_title_and_a_quote_split_around_the_attribution() {
    let e = extract(MANILA, None);

    assert_eq!(e.dateline.as_deref(), Some("Manila"));
    assert_eq!(
        e.quoted,
        vec![
            quote(
                "Maria Santos",
                None,
                "We are grateful for every helping hand"
            ),
            quote(
                "Kenji Watanabe",
                Some("IOM Philippines Chief of Mission"),
                "Our work is far from over\n\nMany families still live in evacuation centres."
            ),
        ]
    );
    assert_eq!(e.media_contacts, vec![]);
}

#[test]
fn a_continued_quote_and_no_url_or_address_taken_for_a_name() {
    let e = extract(DAKAR, None);

    assert_eq!(
        e.quoted,
        vec![quote(
            "Fatou Diop",
            Some("IOM Senegal Programme Officer"),
            "Young people who come back deserve a second start\n\nWe listened to them before designing anything."
        )]
    );
    assert_eq!(
        e.media_contacts,
        vec![contact(
            "Moussa Ndiaye",
            None,
            Some("IOM Senegal"),
            vec![phone(
                Phone,
                Some("Tel"),
                "+221 33 869 6200",
                Some("+221338696200")
            )],
            vec![email(Some("Email"), "mndiaye@iom.int")]
        )]
    );
}

#[test]
fn contacts_separated_by_semicolon_or() {
    let e = extract(MEXICO, None);

    assert_eq!(
        e.title.as_deref(),
        Some("IOM Opens Migrant Resource Centre in Tapachula")
    );
    assert_eq!(e.dateline.as_deref(), Some("Ciudad de México"));
    assert_eq!(
        e.quoted,
        vec![quote(
            "Carlos Ruiz",
            Some("IOM Mexico Chief of Mission"),
            "Every person who arrives here gets information they can trust"
        )]
    );
    assert_eq!(
        e.media_contacts,
        vec![
            contact(
                "Lucía Hernández",
                None,
                Some("IOM Mexico"),
                vec![phone(
                    Phone,
                    Some("Phone"),
                    "+52 55 5080 1234",
                    Some("+525550801234")
                )],
                vec![email(Some("Email"), "lhernandez@iom.int")]
            ),
            contact(
                "Diego Torres",
                None,
                Some("IOM Mexico"),
                vec![phone(Mobile, Some("Mob"), "+52 1 55 1234 5678", None)],
                vec![email(Some("Email"), "dtorres@iom.int")]
            ),
        ]
    );
}

#[test]
fn a_release_without_contacts_or_with_an_unreadable_number() {
    let none = extract(NO_CONTACTS, None);
    let kyiv = extract(KYIV, None);

    assert_eq!(none.media_contacts, vec![]);
    assert_eq!(
        none.quoted,
        vec![quote(
            "Amy Pope",
            Some("IOM Director General"),
            "Nobody chooses to lose their home"
        )]
    );
    assert_eq!(kyiv.quoted, vec![]);
    assert_eq!(
        kyiv.media_contacts,
        vec![contact(
            "Olena Kovalenko",
            None,
            Some("IOM Ukraine"),
            vec![phone(Phone, Some("Tel"), "ext. 1234", None)],
            vec![email(Some("Email"), "okovalenko@iom.int")]
        )]
    );
}

fn kinds_and_values(person: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = person["contact_points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn ingesting_links_people_offices_and_numbers() {
    let app = spawn_app().await;
    app.create("/api/v1/offices", json!({"name": "IOM Kenya", "kind": "country_office", "city": "Nairobi", "country_code": "KE"})).await;

    let response = app.post("/api/v1/releases/ingest", &json!({"text": NAIROBI, "url": "https://kenya.iom.int/news/drought", "language": "en"})).await;

    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["created"], true);
    let release = &body["release"];
    assert_eq!(release["dateline"], "Nairobi");
    assert_eq!(
        release["office"]["slug"], "iom-kenya",
        "issuing office found by its city"
    );
    let roles: Vec<(&str, &str)> = release["appearances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["person"]["full_name"].as_str().unwrap(),
                a["role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        vec![
            ("Wanjiru Kamau", "quoted"),
            ("Peter Otieno", "media_contact"),
            ("Amina Yusuf", "media_contact")
        ]
    );
    let peter = app.get_json("/api/v1/people/peter-otieno").await;
    assert_eq!(peter["office"]["slug"], "iom-kenya");
    assert_eq!(
        kinds_and_values(&peter),
        vec![
            ("email".into(), "potieno@iom.int".into()),
            ("mobile".into(), "+254722123456".into()),
            ("phone".into(), "+254204221000".into())
        ],
        "the national number is read with the office's country"
    );
    let wanjiru = app.get_json("/api/v1/people/wanjiru-kamau").await;
    assert_eq!(wanjiru["job_title"], "IOM Kenya Chief of Mission");
    assert_eq!(
        wanjiru["office"]["slug"], "iom-kenya",
        "office found from the title as printed"
    );
    let created_office = body["actions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["entity"] == "office" && a["action"] == "created");
    assert!(
        created_office,
        "the regional office was not known, so it was created"
    );
}

#[tokio::test]
async fn known_emails_and_names_match_existing_people_and_nothing_is_overwritten() {
    let app = spawn_app().await;
    let text = "IOM Responds to Floods in Costa Rica
San José – IOM is supporting families affected by floods in Limón province with shelter kits and cash.
“We are working with the authorities around the clock,” said Michele Klein-Solomon, Regional Director.
For more information, please contact Jorge Gallo at IOM’s Regional Office for Central America, North America, and the Caribbean, Tel: +506 8888 1111, Email: JGallo@IOM.INT";

    let response = app
        .post("/api/v1/releases/ingest", &json!({"text": text}))
        .await;

    assert_eq!(response.status(), 201);
    let jorge = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(
        kinds_and_values(&jorge),
        vec![
            ("email".into(), "jgallo@iom.int".into()),
            ("phone".into(), "+50672036536".into()),
            ("phone".into(), "+50688881111".into())
        ],
        "matched by email: the new number is added, the known one kept"
    );
    let michele = app.get_json("/api/v1/people/michele-klein-solomon").await;
    assert_eq!(
        michele["job_title"],
        "IOM Regional Director for Central and North America and the Caribbean",
        "job title not overwritten"
    );
    let everyone = app.get_json("/api/v1/people").await;
    assert_eq!(
        everyone["items"].as_array().unwrap().len(),
        4,
        "no duplicate people"
    );
}

#[tokio::test]
async fn ingesting_the_same_release_twice_changes_nothing() {
    let app = spawn_app().await;
    let first: Value = app
        .post(
            "/api/v1/releases/ingest",
            &json!({"text": GENEVA, "url": "https://www.iom.int/news/data"}),
        )
        .await
        .json()
        .await
        .unwrap();

    let again = app
        .post(
            "/api/v1/releases/ingest",
            &json!({"text": format!("{GENEVA}\n\n")}),
        )
        .await;
    let same_url = app
        .post(
            "/api/v1/releases/ingest",
            &json!({"text": MANILA, "url": "https://www.iom.int/news/data"}),
        )
        .await;

    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["created"], false);
    assert_eq!(again["release"]["id"], first["release"]["id"]);
    assert_eq!(again["actions"], json!([]));
    assert_eq!(same_url.status(), 200);
    assert_eq!(
        app.get_json("/api/v1/releases").await["items"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "the seed and this one"
    );
}

#[tokio::test]
async fn a_dry_run_shows_the_extraction_and_writes_nothing() {
    let app = spawn_app().await;
    let before = app
        .get("/api/v1/people?limit=200")
        .await
        .text()
        .await
        .unwrap();

    let response = app
        .post(
            "/api/v1/releases/ingest?dry_run=true",
            &json!({"text": BANGKOK}),
        )
        .await;

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["dry_run"], true);
    assert_eq!(
        body["extraction"]["media_contacts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        body["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["entity"] == "person" && a["action"] == "created")
    );
    assert_eq!(
        app.get("/api/v1/people?limit=200")
            .await
            .text()
            .await
            .unwrap(),
        before
    );
    assert_eq!(
        app.get_json("/api/v1/releases").await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn plain_text_bodies_work_and_unreadable_numbers_are_kept_with_a_warning() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(app.url("/api/v1/releases/ingest"))
        .header("content-type", "text/plain; charset=utf-8")
        .body(KYIV)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["release"]["title"],
        "IOM Delivers Winter Aid in Eastern Ukraine"
    );
    let olena = app.get_json("/api/v1/people/olena-kovalenko").await;
    assert_eq!(
        kinds_and_values(&olena),
        vec![
            ("email".into(), "okovalenko@iom.int".into()),
            ("phone".into(), "ext. 1234".into())
        ],
        "kept as printed"
    );
    let warnings = body["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("ext. 1234")),
        "{warnings:?}"
    );
}

#[tokio::test]
async fn bad_ingest_requests_are_problems() {
    let app = spawn_app().await;

    let empty = app
        .post("/api/v1/releases/ingest", &json!({"text": "   "}))
        .await;
    let unknown = app
        .post(
            "/api/v1/releases/ingest",
            &json!({"text": "x", "author": "me"}),
        )
        .await;
    let bad_url = app
        .post(
            "/api/v1/releases/ingest",
            &json!({"text": NO_CONTACTS, "url": "ftp://x"}),
        )
        .await;
    let no_title = app
        .post("/api/v1/releases/ingest", &json!({"text": "- a\n- b"}))
        .await;
    let wrong_type = app
        .client
        .post(app.url("/api/v1/releases/ingest"))
        .header("content-type", "text/html")
        .body("<p>")
        .send()
        .await
        .unwrap();

    assert_eq!(
        failing_fields(&assert_problem(empty, 422, "validation-failed").await),
        vec!["text"]
    );
    assert_eq!(
        failing_fields(&assert_problem(unknown, 422, "validation-failed").await),
        vec!["author"]
    );
    assert_eq!(
        failing_fields(&assert_problem(bad_url, 422, "validation-failed").await),
        vec!["url"]
    );
    assert_eq!(
        failing_fields(&assert_problem(no_title, 422, "validation-failed").await),
        vec!["text"]
    );
    assert_problem(wrong_type, 415, "unsupported-media-type").await;
}
