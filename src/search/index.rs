//! The one owner of every search document, and of every cascade.
//!
//! Resource modules say what changed (`office_changed`, `person_changed`,
//! `release_changed`, `contact_point_changed`, or the batch `*_written`
//! forms for imports); this module knows what else that touches:
//!
//! - an office's document is its name, city, country (code and English
//!   name) and region; that text is part of the documents of its people and
//!   of its releases, so an office's change rewrites theirs too;
//! - a person's document is their name, job title, languages, topics,
//!   their office's text and their *public* contact values: a contact
//!   point's change rewrites its person's (an office's document holds no
//!   contact values);
//! - a release's document is its title, dateline, summary and its office's
//!   text.
//!
//! Documents are built from the rows as stored (read here through the
//! schema), never handed in by callers, so no caller can build one wrong.
//! May use: `db` (connections, schema), `text`, the storage side of
//! `search`. Never a resource module.

use std::collections::HashMap;

use diesel::prelude::*;

use super::{Table, fts_rowid};
use crate::db::DbConn;
use crate::db::schema::{contact_points, offices, people, releases};
use crate::text::{fold, search_document};

/// Whether an office is new: a new office has no people or releases whose
/// documents hold its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fresh {
    Inserted,
    Existing,
}

/// Rows written per statement in the batch forms.
const CHUNK: usize = 500;

/// The document of an office.
fn office_document(
    name: &str,
    city: Option<&str>,
    country_code: Option<&str>,
    region: Option<&str>,
) -> String {
    let country_name = country_code
        .and_then(|code| isocountry::CountryCode::for_alpha2(code).ok())
        .map(|c| c.name());
    search_document(
        name,
        [city, country_code, country_name, region]
            .into_iter()
            .flatten(),
    )
}

/// The document of a person. Canonical contact values only: phone queries
/// are read as digits, which the E.164 form holds whatever the spacing.
fn person_document(
    full_name: &str,
    job_title: Option<&str>,
    languages: &str,
    topics: &str,
    office_text: Option<&str>,
    contact_values: &[String],
) -> String {
    let languages: Vec<String> = serde_json::from_str(languages).unwrap_or_default();
    let topics: Vec<String> = serde_json::from_str(topics).unwrap_or_default();
    let mut fields: Vec<&str> = vec![];
    fields.extend(job_title);
    fields.extend(languages.iter().map(String::as_str));
    fields.extend(topics.iter().map(String::as_str));
    fields.extend(office_text);
    fields.extend(contact_values.iter().map(String::as_str));
    search_document(full_name, fields)
}

/// The document of a release.
fn release_document(
    title: &str,
    dateline: Option<&str>,
    summary: Option<&str>,
    office_text: Option<&str>,
) -> String {
    search_document(
        title,
        [dateline, summary, office_text].into_iter().flatten(),
    )
}

/// An office changed: its document, then its people's and its releases'.
pub fn office_changed(conn: &mut DbConn, id: &str, fresh: Fresh) -> QueryResult<()> {
    offices_written(conn, &[id.to_string()])?;
    if fresh == Fresh::Existing {
        let people: Vec<String> = people::table
            .filter(people::office_id.eq(id))
            .select(people::id)
            .load(conn)?;
        people_written(conn, &people)?;
        let releases: Vec<String> = releases::table
            .filter(releases::office_id.eq(id))
            .select(releases::id)
            .load(conn)?;
        releases_written(conn, &releases)?;
    }
    Ok(())
}

/// A person changed (or one of their contact points did).
pub fn person_changed(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    people_written(conn, &[id.to_string()])
}

/// A release changed.
pub fn release_changed(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    releases_written(conn, &[id.to_string()])
}

/// A contact point changed: its owner's document, when the owner is a
/// person (an office's document holds no contact values).
pub fn contact_point_changed(conn: &mut DbConn, person_id: Option<&str>) -> QueryResult<()> {
    match person_id {
        Some(person) => person_changed(conn, person),
        None => Ok(()),
    }
}

/// The secondary indexes the documents' writing reads (`people_written`
/// finds each person's contact points): a bulk load keeps them, where it
/// drops the others until the rows are in. One missing here would make
/// that writing scan the table once per chunk.
pub const READ_BY_DOCUMENTS: &[&str] = &["contact_points_person_id"];

/// Runs `write`, which fills the documents of tables that were empty, with
/// the trigram (GIN) indexes of PostgreSQL built once after it rather than
/// updated row by row (see `db::with_indexes_built_after`).
pub fn in_bulk<T>(
    conn: &mut DbConn,
    write: impl FnOnce(&mut DbConn) -> QueryResult<T>,
) -> QueryResult<T> {
    crate::db::with_indexes_built_after(
        conn,
        &["offices", "people", "releases"],
        |index| index.definition.contains("gin_trgm_ops"),
        write,
    )
}

/// Writes these offices' documents, without the cascade (a bulk import
/// writes the people and releases after them).
pub fn offices_written(conn: &mut DbConn, ids: &[String]) -> QueryResult<()> {
    for chunk in ids.chunks(CHUNK) {
        type Row = (
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = offices::table
            .filter(offices::id.eq_any(chunk))
            .select((
                offices::id,
                offices::name,
                offices::city,
                offices::country_code,
                offices::region,
            ))
            .load(conn)?;
        let documents: Vec<Document> = rows
            .into_iter()
            .map(|(id, name, city, country, region)| Document {
                text: office_document(
                    &name,
                    city.as_deref(),
                    country.as_deref(),
                    region.as_deref(),
                ),
                name_key: fold(&name),
                id,
            })
            .collect();
        write(conn, Table::Offices, &documents)?;
    }
    Ok(())
}

/// Writes these people's documents; offices and public contact points are
/// read once for the whole set.
pub fn people_written(conn: &mut DbConn, ids: &[String]) -> QueryResult<()> {
    for chunk in ids.chunks(CHUNK) {
        type Row = (
            String,
            String,
            Option<String>,
            Option<String>,
            String,
            String,
        );
        let rows: Vec<Row> = people::table
            .filter(people::id.eq_any(chunk))
            .select((
                people::id,
                people::full_name,
                people::job_title,
                people::office_id,
                people::languages,
                people::topics,
            ))
            .load(conn)?;
        let office_ids: Vec<String> = rows.iter().filter_map(|r| r.3.clone()).collect();
        let office_texts = office_texts(conn, &office_ids)?;
        let mut values: HashMap<String, Vec<String>> = HashMap::new();
        let public: Vec<(Option<String>, String)> = contact_points::table
            .filter(contact_points::person_id.eq_any(chunk))
            .filter(contact_points::archived_at.is_null())
            .filter(contact_points::visibility.eq("public"))
            .order((contact_points::is_primary.desc(), contact_points::id.asc()))
            .select((contact_points::person_id, contact_points::value))
            .load(conn)?;
        for (person, value) in public {
            values
                .entry(person.unwrap_or_default())
                .or_default()
                .push(value);
        }
        let documents: Vec<Document> = rows
            .into_iter()
            .map(|(id, name, title, office, languages, topics)| {
                let office_text = office.as_ref().and_then(|o| office_texts.get(o));
                let own = values.get(&id).map(Vec::as_slice).unwrap_or_default();
                Document {
                    text: person_document(
                        &name,
                        title.as_deref(),
                        &languages,
                        &topics,
                        office_text.map(String::as_str),
                        own,
                    ),
                    name_key: fold(&name),
                    id,
                }
            })
            .collect();
        write(conn, Table::People, &documents)?;
    }
    Ok(())
}

/// Writes these releases' documents.
pub fn releases_written(conn: &mut DbConn, ids: &[String]) -> QueryResult<()> {
    for chunk in ids.chunks(CHUNK) {
        type Row = (
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = releases::table
            .filter(releases::id.eq_any(chunk))
            .select((
                releases::id,
                releases::title,
                releases::dateline,
                releases::summary,
                releases::office_id,
            ))
            .load(conn)?;
        let office_ids: Vec<String> = rows.iter().filter_map(|r| r.4.clone()).collect();
        let office_texts = office_texts(conn, &office_ids)?;
        let documents: Vec<Document> = rows
            .into_iter()
            .map(|(id, title, dateline, summary, office)| Document {
                text: release_document(
                    &title,
                    dateline.as_deref(),
                    summary.as_deref(),
                    office
                        .as_ref()
                        .and_then(|o| office_texts.get(o))
                        .map(String::as_str),
                ),
                name_key: fold(&title),
                id,
            })
            .collect();
        write(conn, Table::Releases, &documents)?;
    }
    Ok(())
}

/// The stored documents of these offices, by id.
fn office_texts(conn: &mut DbConn, ids: &[String]) -> QueryResult<HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String)> = offices::table
        .filter(offices::id.eq_any(ids))
        .select((offices::id, offices::search_text))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

pub(super) struct Document {
    pub(super) id: String,
    pub(super) text: String,
    pub(super) name_key: String,
}

/// Stores documents with their ranking keys: one statement per set on
/// PostgreSQL (a round trip a row made bulk imports three times slower);
/// on SQLite one per 500 rows, stamped for the in-memory copies.
pub(super) fn write(conn: &mut DbConn, table: Table, documents: &[Document]) -> QueryResult<()> {
    if documents.is_empty() {
        return Ok(());
    }
    let name = table.name();
    if let DbConn::Pg(c) = conn {
        use diesel::sql_types::{Array, BigInt, Text};
        let ids: Vec<&str> = documents.iter().map(|d| d.id.as_str()).collect();
        let texts: Vec<&str> = documents.iter().map(|d| d.text.as_str()).collect();
        let keys: Vec<&str> = documents.iter().map(|d| d.name_key.as_str()).collect();
        let rowids: Vec<i64> = documents.iter().map(|d| fts_rowid(&d.id)).collect();
        diesel::sql_query(format!(
            "UPDATE {name} SET search_text = v.search_text, name_key = v.name_key, \
             search_rowid = v.search_rowid \
             FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) \
             AS v(id, search_text, name_key, search_rowid) WHERE {name}.id = v.id"
        ))
        .bind::<Array<Text>, _>(ids)
        .bind::<Array<Text>, _>(texts)
        .bind::<Array<Text>, _>(keys)
        .bind::<Array<BigInt>, _>(rowids)
        .execute(c)?;
        return Ok(());
    }
    // The in-memory copies (`search::memory`) read back what this stamps:
    // the number and the rows must commit together (a savepoint when the
    // caller's transaction holds this already).
    conn.transaction(|conn| {
        let seq = super::memory::next_version(conn, table)?;
        let DbConn::Sqlite(c) = conn else {
            return Ok(());
        };
        // One statement per 500 rows, not one per row.
        for chunk in documents.chunks(CHUNK) {
            use diesel::sql_types::{BigInt, Text};
            let rows = vec!["(?, ?, ?, ?)"; chunk.len()].join(", ");
            let mut update = diesel::sql_query(format!(
                "UPDATE {name} SET search_text = v.column2, name_key = v.column3, \
                 search_rowid = v.column4, search_seq = {seq} \
                 FROM (VALUES {rows}) AS v WHERE {name}.id = v.column1"
            ))
            .into_boxed::<diesel::sqlite::Sqlite>();
            for document in chunk {
                update = update
                    .bind::<Text, _>(&document.id)
                    .bind::<Text, _>(&document.text)
                    .bind::<Text, _>(&document.name_key)
                    .bind::<BigInt, _>(fts_rowid(&document.id));
            }
            update.execute(c)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_fold_every_field_and_carry_the_office_text() {
        let office = office_document("IOM Washington", Some("Washington"), Some("US"), None);
        assert!(office.contains("iom washington"));
        assert!(office.contains("united states"));
        let person = person_document(
            "Luca Dall’Oglio",
            Some("Chief of Mission"),
            r#"["en"]"#,
            r#"["Migration"]"#,
            Some(&office),
            &["+12027168820".to_string()],
        );
        assert!(person.contains("luca dalloglio"));
        assert!(person.contains("lucadalloglio"));
        assert!(person.contains("migration"));
        assert!(person.contains("united states"));
        assert!(person.contains("12027168820"));
        let release = release_document("A title", Some("Washington"), None, Some(&office));
        assert!(release.contains("iom washington"));
    }
}
