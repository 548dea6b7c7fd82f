//! The seed directory: the IOM release in `seed/`, loaded into an empty
//! database. Only what the release says; its date is not given, so it stays null.

use diesel::prelude::*;

use crate::appearances::model::AppearanceInput;
use crate::contact_points::db::Owner;
use crate::contact_points::model::{ContactKind, ContactPointInput};
use crate::db::schema::{offices, people, releases};
use crate::db::{DbConn, write_transaction};
use crate::error::ApiError;
use crate::offices::model::{OfficeInput, OfficeKind};
use crate::people::model::{PersonInput, Role};
use crate::releases::model::ReleaseInput;

/// The release as published, site navigation and all.
pub const SEED_RELEASE: &str = include_str!("../seed/iom-welcomes-biden-executive-actions.txt");

const DATELINE: &str = "Washington";

/// The release's title and body: the body starts at the dateline line, the
/// title is the line before it.
fn title_and_body(text: &str) -> Result<(String, String), ApiError> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.starts_with(&format!("{DATELINE} \u{2013} ")))
        .filter(|&i| i > 0)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("seed release has no dateline line")))?;
    Ok((
        lines[start - 1].trim().to_string(),
        lines[start..].join("\n").trim().to_string(),
    ))
}

/// The text between `“` and `”` that starts with `opening`, as printed.
fn quote_from(text: &str, opening: &str) -> Result<String, ApiError> {
    let start = text
        .find(&format!("\u{201c}{opening}"))
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("seed quote not found: {opening}")))?;
    let rest = &text[start + '\u{201c}'.len_utf8()..];
    let end = rest.find('\u{201d}').unwrap_or(rest.len());
    Ok(rest[..end].trim_end_matches(',').to_string())
}

#[allow(clippy::too_many_arguments)] // one call per seed office, read as a table
fn office(
    name: &str,
    slug: &str,
    kind: OfficeKind,
    parent: Option<&str>,
    city: &str,
    country: &str,
    region: Option<&str>,
    tz: &str,
) -> OfficeInput {
    OfficeInput {
        slug: Some(slug.into()),
        name: name.into(),
        kind,
        parent_id: parent.map(str::to_string),
        city: Some(city.into()),
        country_code: Some(country.into()),
        region: region.map(str::to_string),
        timezone: Some(tz.into()),
        address: None,
        website: None,
    }
}

fn person(
    full_name: &str,
    given: &str,
    family: &str,
    title: Option<&str>,
    office_id: &str,
) -> PersonInput {
    PersonInput {
        slug: None,
        full_name: full_name.into(),
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        job_title: title.map(str::to_string),
        office_id: Some(office_id.into()),
        languages: vec![],
        topics: vec![],
        bio: None,
    }
}

fn contact(kind: ContactKind, value: &str, label: &str) -> ContactPointInput {
    ContactPointInput {
        kind,
        value: value.into(),
        display: None,
        label: Some(label.into()),
        visibility: None,
        is_primary: Some(true),
    }
}

fn appearance(
    person_id: &str,
    role: Role,
    title: Option<&str>,
    office: Option<&str>,
    quote: Option<String>,
) -> AppearanceInput {
    AppearanceInput {
        person_id: person_id.into(),
        role,
        title_as_printed: title.map(str::to_string),
        office_as_printed: office.map(str::to_string),
        quote,
        position: None,
    }
}

/// Whether the directory has no offices, people or releases at all (archived ones count).
pub fn is_empty(conn: &mut DbConn) -> QueryResult<bool> {
    let offices: i64 = offices::table.count().get_result(conn)?;
    let people: i64 = people::table.count().get_result(conn)?;
    let releases: i64 = releases::table.count().get_result(conn)?;
    Ok(offices + people + releases == 0)
}

/// Loads the seed release into an empty directory, in one transaction.
/// Returns whether it wrote anything: a directory that has any data is left alone.
pub fn seed_if_empty(conn: &mut DbConn) -> Result<bool, ApiError> {
    write_transaction(conn, |conn| {
        if !is_empty(conn)? {
            return Ok(false);
        }
        load(conn)?;
        Ok(true)
    })
}

fn load(conn: &mut DbConn) -> Result<(), ApiError> {
    use crate::appearances::db::insert_in_transaction as add_appearance;
    use crate::contact_points::db::insert_in_transaction as add_contact;
    use crate::offices::db::insert_in_transaction as add_office;
    use crate::people::db::insert_in_transaction as add_person;

    let text = SEED_RELEASE;
    let (title, body) = title_and_body(text)?;

    let regional = add_office(
        conn,
        office(
            "IOM Regional Office for Central America, North America and the Caribbean",
            "iom-regional-office-san-jose",
            OfficeKind::RegionalOffice,
            None,
            "San José",
            "CR",
            Some("Central America, North America and the Caribbean"),
            "America/Costa_Rica",
        ),
    )?;
    let washington = add_office(
        conn,
        office(
            "IOM Washington",
            "iom-washington",
            OfficeKind::CountryOffice,
            Some(&regional.id),
            "Washington",
            "US",
            None,
            "America/New_York",
        ),
    )?;

    let chief_title = "IOM Chief of Mission in Washington DC";
    let director_title = "IOM Regional Director for Central and North America and the Caribbean";
    let luca = add_person(
        conn,
        person(
            "Luca Dall\u{2019}Oglio",
            "Luca",
            "Dall\u{2019}Oglio",
            Some(chief_title),
            &washington.id,
        ),
    )?;
    let michele = add_person(
        conn,
        person(
            "Michele Klein-Solomon",
            "Michele",
            "Klein-Solomon",
            Some(director_title),
            &regional.id,
        ),
    )?;
    let jorge = add_person(
        conn,
        person("Jorge Gallo", "Jorge", "Gallo", None, &regional.id),
    )?;
    let liz = add_person(
        conn,
        person("Liz Lizama", "Liz", "Lizama", None, &washington.id),
    )?;

    for (owner, kind, value, label) in [
        (&jorge.id, ContactKind::Phone, "+506 72036536", "Tel"),
        (&jorge.id, ContactKind::Email, "jgallo@iom.int", "Email"),
        (&liz.id, ContactKind::Phone, "+1 202 716 8820", "Tel"),
        (&liz.id, ContactKind::Email, "elizama@iom.int", "Email"),
    ] {
        add_contact(
            conn,
            &Owner::Person(owner.clone()),
            contact(kind, value, label),
        )?;
    }

    let release = crate::releases::db::insert_in_transaction(
        conn,
        ReleaseInput {
            slug: None,
            title,
            dateline: Some(DATELINE.into()),
            office_id: Some(washington.id.clone()),
            published_on: None,
            language: Some("en".into()),
            url: None,
            summary: None,
            body: Some(body),
        },
    )?;

    // Dall’Oglio's quote runs over two paragraphs around the attribution.
    let luca_quote = format!(
        "{}\n\n{}",
        quote_from(text, "Those living")?,
        quote_from(text, "IOM is pleased")?
    );
    let michele_quote = format!(
        "{}\n\n{}",
        quote_from(text, "Migration should")?,
        quote_from(text, "A comprehensive")?
    );
    for input in [
        appearance(
            &luca.id,
            Role::Quoted,
            Some(chief_title),
            None,
            Some(luca_quote),
        ),
        appearance(
            &michele.id,
            Role::Quoted,
            Some(director_title),
            None,
            Some(michele_quote),
        ),
        appearance(
            &jorge.id,
            Role::MediaContact,
            None,
            Some(
                "IOM\u{2019}s Regional Office for Central America, North America, and the Caribbean",
            ),
            None,
        ),
        appearance(
            &liz.id,
            Role::MediaContact,
            None,
            Some("IOM Washington"),
            None,
        ),
    ] {
        add_appearance(conn, &release.id, input)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_text_has_the_title_dateline_and_quotes() {
        let (title, body) = title_and_body(SEED_RELEASE).unwrap();
        assert_eq!(
            title,
            "IOM Welcomes President Joe Biden\u{2019}s Executive Actions on Migration"
        );
        assert!(
            body.starts_with("Washington \u{2013} The International Organization for Migration")
        );
        assert!(body.ends_with("elizama@iom.int"));
        assert!(
            quote_from(SEED_RELEASE, "Those living")
                .unwrap()
                .ends_with("must not be forgotten")
        );
    }
}
