//! The seed directory: the IOM release in `seed/`, loaded into an empty
//! database. The two offices' facts (city, country, time zone, which
//! supervises which) are given here; everything else, people, titles,
//! quotes, phones and emails, comes from the release through ingestion, like
//! any other release. Its date is not given, so it stays null.

use diesel::prelude::*;

use crate::audit::Actor;
use crate::db::schema::{offices, people, releases};
use crate::db::{DbConn, write_transaction};
use crate::error::ApiError;
use crate::offices::model::{OfficeInput, OfficeKind};

/// The release as published, site navigation and all.
pub const SEED_RELEASE: &str = include_str!("../seed/iom-welcomes-biden-executive-actions.txt");

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
        hours: None,
        duty_contact_point_id: None,
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
    use crate::offices::db::insert_in_transaction as add_office;

    // The seed is the system's own work, like the command line's.
    let actor = Actor::cli();
    let regional = add_office(
        conn,
        &actor,
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
    add_office(
        conn,
        &actor,
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

    // Everything else comes from the release itself.
    crate::ingest::ingest_in_transaction(
        conn,
        &actor,
        crate::ingest::IngestInput {
            text: SEED_RELEASE.to_string(),
            language: Some("en".into()),
            ..Default::default()
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_text_reads_as_a_release() {
        let extraction = crate::ingest::extract(SEED_RELEASE, None);
        assert_eq!(
            extraction.title.as_deref(),
            Some("IOM Welcomes President Joe Biden\u{2019}s Executive Actions on Migration")
        );
        assert_eq!(extraction.dateline.as_deref(), Some("Washington"));
        assert!(extraction.body.ends_with("elizama@iom.int"));
    }
}
