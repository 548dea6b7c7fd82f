//! `pressdir demo-data`: a deterministic synthetic directory for tests and
//! benchmarks: offices across countries and time zones, people with names in
//! many scripts, several contact points each, releases with appearances.
//!
//! People and their contact points are written directly (not through the
//! per-request path, whose slug and duplicate checks query once per row) but
//! with the same search documents and index entries the API writes.

use crate::audit::Actor;
use crate::contact_points::model::ContactPoint;
use crate::db::{DbConn, now, write_transaction};
use crate::error::ApiError;
use crate::offices::model::{Office, OfficeInput, OfficeKind};
use crate::people::model::{Person, Role};
use crate::releases::model::AppearanceInput;
use crate::releases::model::ReleaseInput;
use crate::search::{self};

/// SplitMix64: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A deterministic UUIDv7: fixed time base plus a counter, random tail.
    fn id(&mut self, n: u64) -> String {
        let mut tail = [0u8; 10];
        tail[..8].copy_from_slice(&self.next().to_le_bytes());
        tail[8..].copy_from_slice(&(self.next() as u16).to_le_bytes());
        // 2025-01-01T00:00:00Z, one millisecond per row.
        uuid::Builder::from_unix_timestamp_millis(1_735_689_600_000 + n, &tail)
            .into_uuid()
            .to_string()
    }
}

/// City, ISO country, time zone, region, and a phone prefix valid there
/// (completed with four digits).
const PLACES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "San José",
        "CR",
        "America/Costa_Rica",
        "Central America",
        "+506 7203 ",
    ),
    (
        "Washington",
        "US",
        "America/New_York",
        "North America",
        "+1 202 716 ",
    ),
    (
        "Ciudad de México",
        "MX",
        "America/Mexico_City",
        "Central America",
        "+52 55 5080 ",
    ),
    ("London", "GB", "Europe/London", "Europe", "+44 20 7946 "),
    ("Genève", "CH", "Europe/Zurich", "Europe", "+41 22 717 "),
    ("Bruxelles", "BE", "Europe/Brussels", "Europe", "+32 2 287 "),
    ("Madrid", "ES", "Europe/Madrid", "Europe", "+34 91 444 "),
    (
        "Nairobi",
        "KE",
        "Africa/Nairobi",
        "East Africa",
        "+254 20 422 ",
    ),
    ("Dakar", "SN", "Africa/Dakar", "West Africa", "+221 33 869 "),
    (
        "Cairo",
        "EG",
        "Africa/Cairo",
        "Middle East and North Africa",
        "+20 2 2736 ",
    ),
    (
        "Bangkok",
        "TH",
        "Asia/Bangkok",
        "Asia and the Pacific",
        "+66 2 343 ",
    ),
    (
        "Tokyo",
        "JP",
        "Asia/Tokyo",
        "Asia and the Pacific",
        "+81 3 3595 ",
    ),
    (
        "Buenos Aires",
        "AR",
        "America/Argentina/Buenos_Aires",
        "South America",
        "+54 11 4815 ",
    ),
    (
        "São Paulo",
        "BR",
        "America/Sao_Paulo",
        "South America",
        "+55 11 3060 ",
    ),
    ("Kyiv", "UA", "Europe/Kyiv", "Europe", "+380 44 568 "),
    ("Wien", "AT", "Europe/Vienna", "Europe", "+43 1 581 "),
];

const GIVEN: &[&str] = &[
    "José",
    "María",
    "Zoë",
    "Łukasz",
    "Anaïs",
    "Søren",
    "Chloé",
    "Jürgen",
    "Nguyễn Văn",
    "Aoife",
    "Dmitri",
    "Олена",
    "Андрій",
    "Γιώργος",
    "Ελένη",
    "محمد",
    "فاطمة",
    "Ahmed",
    "Amara",
    "Kwame",
    "Aiko",
    "Hiroshi",
    "美咲",
    "Wei",
    "李娜",
    "Priya",
    "Ananya",
    "Luca",
    "Michele",
    "Jorge",
    "Liz",
    "Ana",
    "João",
    "François",
    "İlkay",
    "Ümit",
    "Ngozi",
    "Thandiwe",
];

const FAMILY: &[&str] = &[
    "García-López",
    "Dall’Oglio",
    "Klein-Solomon",
    "O’Brien",
    "van der Berg",
    "de la Cruz",
    "Müller",
    "Øster",
    "Nowak",
    "Kowalczyk",
    "Иванова",
    "Шевченко",
    "Παπαδόπουλος",
    "Al-Rashid",
    "الحسن",
    "Mensah",
    "Okafor",
    "Tanaka",
    "山田",
    "Zhang",
    "王",
    "Sharma",
    "Iyer",
    "Rossi",
    "Gallo",
    "Lizama",
    "Silva",
    "Gonçalves",
    "Lefèvre",
    "Yılmaz",
    "Dlamini",
];

const TITLES: &[&str] = &[
    "Media Officer",
    "Spokesperson",
    "Chief of Mission",
    "Regional Director",
    "Communications Officer",
    "Press Officer",
    "Public Information Officer",
    "Senior Media and Communications Officer",
    "Programme Manager",
];

const TOPICS: &[&str] = &[
    "migration",
    "displacement",
    "climate",
    "health",
    "resettlement",
    "border management",
    "labour migration",
    "emergencies",
    "data",
    "protection",
    "counter-trafficking",
];

const LANGUAGES: &[&str] = &[
    "en", "es", "fr", "ar", "pt", "ru", "uk", "zh", "ja", "sw", "de", "th",
];

/// What `generate` wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DemoCounts {
    pub offices: usize,
    pub people: usize,
    pub contact_points: usize,
    pub releases: usize,
    pub appearances: usize,
}

/// Writes `people` synthetic people (and offices, contact points, releases,
/// appearances around them) in one transaction. The same `people` gives the
/// same directory, ids included.
pub fn generate(conn: &mut DbConn, people_count: usize) -> Result<DemoCounts, ApiError> {
    write_transaction(conn, |conn| {
        let mut rng = Rng(0x7072_6573_7364_6972);
        let mut counts = DemoCounts::default();
        let offices = generate_offices(conn, &mut counts)?;
        let mut person_ids = Vec::with_capacity(people_count);
        // Written through the resources' batch functions, 500 at a time;
        // generated rows keep the history they were made with.
        let actor = Actor::cli();
        let stamp = crate::batch::Stamp {
            into_empty: true,
            // Generating the same directory again finds its rows.
            all_new: false,
            at: now(),
            actor: &actor,
        };
        let mut people_batch = vec![];
        let mut points_batch = vec![];
        for n in 0..people_count {
            let (person, points) = generate_person(&mut rng, n, &offices, &mut counts);
            person_ids.push(person.id.clone());
            people_batch.push(person);
            points_batch.extend(points);
            if people_batch.len() == 500 || n + 1 == people_count {
                crate::people::db::import_rows(conn, &stamp, std::mem::take(&mut people_batch))?;
                crate::contact_points::db::import_rows(
                    conn,
                    &stamp,
                    std::mem::take(&mut points_batch),
                )?;
            }
        }
        // Documents once each person's contact points are in, a batch at a time.
        crate::search::index::people_written(conn, &person_ids)?;
        generate_releases(conn, &mut rng, &offices, &person_ids, &mut counts)?;
        Ok(counts)
    })
}

fn generate_offices(conn: &mut DbConn, counts: &mut DemoCounts) -> Result<Vec<Office>, ApiError> {
    let mut offices: Vec<Office> = vec![];
    for (i, (city, country, tz, region, _)) in PLACES.iter().enumerate() {
        // The first office of each region supervises the others there.
        let parent = offices
            .iter()
            .find(|o| o.region.as_deref() == Some(region))
            .map(|o| o.id.clone());
        let input = OfficeInput {
            slug: Some(format!("demo-office-{}", i + 1)),
            name: format!("Demo Office {city}"),
            kind: if parent.is_some() {
                OfficeKind::CountryOffice
            } else {
                OfficeKind::RegionalOffice
            },
            parent_id: parent,
            city: Some(city.to_string()),
            country_code: Some(country.to_string()),
            region: Some(region.to_string()),
            timezone: Some(tz.to_string()),
            address: None,
            website: Some(format!("https://example.org/offices/{}", i + 1)),
            hours: None,
            duty_contact_point_id: None,
        };
        offices.push(crate::offices::db::insert_in_transaction(
            conn,
            &Actor::cli(),
            input,
        )?);
        counts.offices += 1;
    }
    Ok(offices)
}

fn generate_person(
    rng: &mut Rng,
    n: usize,
    offices: &[Office],
    counts: &mut DemoCounts,
) -> (Person, Vec<ContactPoint>) {
    let place = rng.below(PLACES.len());
    let office = &offices[place];
    let given = rng.pick(GIVEN).to_string();
    let family = rng.pick(FAMILY).to_string();
    let full_name = format!("{given} {family}");
    let id = rng.id(n as u64);
    let at = now();
    let languages = vec![rng.pick(LANGUAGES).to_string(), "en".to_string()];
    let topics = vec![rng.pick(TOPICS).to_string()];
    let person = Person {
        last_seen_in_release_at: None,
        photo_etag: None,
        pronouns: None,
        social_profiles: "[]".into(),
        hours: None,
        slug: format!("{}-{}", crate::text::slugify(&full_name), n + 1),
        name_key: String::new(),
        search_rowid: search::fts_rowid(&id),
        full_name,
        given_name: Some(given.clone()),
        family_name: Some(family),
        job_title: Some(rng.pick(TITLES).to_string()),
        office_id: Some(office.id.clone()),
        languages: serde_json::to_string(&languages).unwrap_or_default(),
        topics: serde_json::to_string(&topics).unwrap_or_default(),
        bio: None,
        search_text: String::new(),
        id: id.clone(),
        created_at: at,
        updated_at: at,
        version: 1,
        archived_at: None,
    };
    // A desk phone, a mobile (internal for every third person), an email.
    let prefix = PLACES[place].4;
    let digits = |rng: &mut Rng| format!("{:04}", rng.below(10_000));
    let desk = format!("{prefix}{}", digits(rng));
    let mobile = format!("{prefix}{}", digits(rng));
    let local = crate::text::slugify(&given).replace('-', ".");
    let email = format!("{local}.{}@example.org", n + 1);
    let mut cps = vec![];
    for (k, (kind, display, visibility)) in [
        ("phone", desk, "public"),
        (
            "mobile",
            mobile,
            if n.is_multiple_of(3) {
                "internal"
            } else {
                "public"
            },
        ),
        ("email", email, "public"),
    ]
    .into_iter()
    .enumerate()
    {
        let value = if kind == "email" {
            display.clone()
        } else {
            e164(&display)
        };
        cps.push(ContactPoint {
            source_release_id: None,
            last_seen_in_release_at: None,
            id: rng.id((n * 3 + k) as u64),
            person_id: Some(id.clone()),
            office_id: None,
            kind: kind.into(),
            value,
            display,
            label: Some(if kind == "mobile" {
                "Mobile".into()
            } else {
                "Office".into()
            }),
            visibility: visibility.into(),
            is_primary: true,
            created_at: at,
            updated_at: at,
            version: 1,
            archived_at: None,
        });
    }
    counts.people += 1;
    counts.contact_points += cps.len();
    (person, cps)
}

/// `+506 7203 1234` → `+50672031234`: the prefixes above are valid, so the
/// digits are the E.164 form.
fn e164(display: &str) -> String {
    format!(
        "+{}",
        display
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
    )
}

fn generate_releases(
    conn: &mut DbConn,
    rng: &mut Rng,
    offices: &[Office],
    person_ids: &[String],
    counts: &mut DemoCounts,
) -> Result<(), ApiError> {
    if person_ids.is_empty() {
        return Ok(());
    }
    for r in 0..(person_ids.len() / 20).max(1) {
        let office = rng.pick(offices);
        let topic = rng.pick(TOPICS);
        let release = crate::releases::db::insert_in_transaction(
            conn,
            &Actor::cli(),
            ReleaseInput {
                publish_at: None,
                embargo_note: None,
                slug: Some(format!("demo-release-{}", r + 1)),
                title: format!(
                    "IOM {} update from {} ({})",
                    topic,
                    office.city.as_deref().unwrap_or(""),
                    r + 1
                ),
                dateline: office.city.clone(),
                office_id: Some(office.id.clone()),
                published_on: None,
                language: Some("en".into()),
                url: Some(format!("https://example.org/releases/{}", r + 1)),
                summary: None,
                body: Some(format!("A synthetic release about {topic}.")),
            },
        )?;
        let quoted = rng.pick(person_ids).clone();
        let contact = rng.pick(person_ids).clone();
        for (person_id, role) in [(quoted, Role::Quoted), (contact, Role::MediaContact)] {
            let input = AppearanceInput {
                person_id,
                role,
                title_as_printed: None,
                office_as_printed: None,
                quote: if role == Role::Quoted {
                    Some(format!("We are working on {topic}."))
                } else {
                    None
                },
                position: None,
            };
            // The same person drawn for both roles is still two appearances.
            crate::releases::db::insert_appearance_in_transaction(
                conn,
                &Actor::cli(),
                &release.id,
                input,
            )?;
            counts.appearances += 1;
        }
        counts.releases += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_phone_prefix_is_valid_in_its_country() {
        for (city, country, _, _, prefix) in PLACES {
            for suffix in ["0000", "4821", "9999"] {
                let number = format!("{prefix}{suffix}");
                let canonical = crate::contact_points::model::canonical_value(
                    crate::contact_points::model::ContactKind::Phone,
                    &number,
                    Some(country),
                );
                assert_eq!(
                    canonical.as_deref().ok(),
                    Some(e164(&number).as_str()),
                    "{city}: {number}"
                );
            }
        }
    }

    #[test]
    fn ids_are_deterministic_uuid_v7() {
        let (a, b) = (Rng(1).id(5), Rng(1).id(5));
        assert_eq!(a, b);
        assert_eq!(uuid::Uuid::parse_str(&a).unwrap().get_version_num(), 7);
    }
}
