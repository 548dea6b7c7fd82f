//! People as CSV (RFC 4180, UTF-8), one row per person, safe to open in a
//! spreadsheet.

use crate::contact_points::model::ContactKind;
use crate::people::model::PersonResponse;

/// Spreadsheets run cells that start with these as formulas.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Makes a cell inert the way spreadsheet users expect: a leading
/// apostrophe, which spreadsheets hide and treat as "this is text".
/// `+506 72036536` stays readable as `+506 72036536`.
pub fn inert(cell: &str) -> String {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

pub const HEADER: &[&str] = &[
    "id",
    "slug",
    "full_name",
    "given_name",
    "family_name",
    "job_title",
    "office",
    "city",
    "country_code",
    "timezone",
    "phone",
    "email",
    "languages",
    "topics",
    "pronouns",
    "social_profiles",
    "updated_at",
    // Columns added later go last, so that positions others rely on stay.
    "hours",
];

/// The people as CSV, header first.
pub fn people(people: &[PersonResponse]) -> String {
    let mut writer = csv::Writer::from_writer(vec![]);
    let _ = writer.write_record(HEADER);
    for p in people {
        let first = |kinds: &[ContactKind]| {
            p.contact_points
                .iter()
                .find(|c| kinds.contains(&c.kind))
                .map(|c| c.display.clone())
                .unwrap_or_default()
        };
        let office = p.office.as_ref();
        let row = [
            p.id.clone(),
            p.slug.clone(),
            p.full_name.clone(),
            p.given_name.clone().unwrap_or_default(),
            p.family_name.clone().unwrap_or_default(),
            p.job_title.clone().unwrap_or_default(),
            office.map(|o| o.name.clone()).unwrap_or_default(),
            office.and_then(|o| o.city.clone()).unwrap_or_default(),
            office
                .and_then(|o| o.country_code.clone())
                .unwrap_or_default(),
            office.and_then(|o| o.timezone.clone()).unwrap_or_default(),
            first(&[ContactKind::Phone, ContactKind::Mobile]),
            first(&[ContactKind::Email]),
            p.languages.join(" "),
            p.topics.join("; "),
            p.pronouns.clone().unwrap_or_default(),
            // `Service url` pairs: a URL has no spaces, a pair no semicolon.
            p.social_profiles
                .iter()
                .map(|s| format!("{} {}", s.service.replace(';', ","), s.url))
                .collect::<Vec<_>>()
                .join("; "),
            p.updated_at.to_rfc3339(),
            // The hours they are reached in (their own, or their office's),
            // in the office's zone.
            p.hours
                .as_ref()
                .or(office.and_then(|o| o.hours.as_ref()))
                .map(|h| h.weekly_summary())
                .unwrap_or_default(),
        ];
        let _ = writer.write_record(row.iter().map(|c| inert(c)));
    }
    writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_made_inert() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("+506 72036536"), "'+506 72036536");
        assert_eq!(inert("Jorge Gallo"), "Jorge Gallo");
    }
}
