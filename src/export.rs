//! The whole directory as one versioned JSON document, and back.
//!
//! Export → import into an empty database → export gives the same bytes:
//! ids, slugs, versions, timestamps and archived rows all travel. Import
//! upserts by id in one transaction, after checking everything, and writes
//! nothing when anything is wrong (every problem listed with its path).

use std::collections::HashSet;

use actix_web::{get, post};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::appearances::model::Appearance;
use crate::contact_points::model::ContactPoint;
use crate::db::schema::{appearances, contact_points, offices, people, releases};
use crate::db::{DbConn, write_transaction};
use crate::error::{ApiError, FieldError};
use crate::offices::model::{Office, OfficeInput, office_search_text};
use crate::people::model::{Person, PersonInput};
use crate::releases::model::{Release, ReleaseInput, release_search_text};
use crate::search::{self, Table};

pub const FORMAT: &str = "pressdir-export";
pub const VERSION: u32 = 1;

/// The directory, every row of every table, archived ones included.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportDocument {
    /// Always `pressdir-export`.
    pub format: String,
    /// The document's version (1).
    pub version: u32,
    #[schema(value_type = Vec<Object>)]
    pub offices: Vec<Office>,
    #[schema(value_type = Vec<Object>)]
    pub people: Vec<Person>,
    #[schema(value_type = Vec<Object>)]
    pub contact_points: Vec<ContactPoint>,
    #[schema(value_type = Vec<Object>)]
    pub releases: Vec<Release>,
    #[schema(value_type = Vec<Object>)]
    pub appearances: Vec<Appearance>,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportSummary {
    pub offices: usize,
    pub people: usize,
    pub contact_points: usize,
    pub releases: usize,
    pub appearances: usize,
}

pub fn export(conn: &mut DbConn) -> QueryResult<ExportDocument> {
    Ok(ExportDocument {
        format: FORMAT.into(),
        version: VERSION,
        offices: offices::table
            .order(offices::id)
            .select(Office::as_select())
            .load(conn)?,
        people: people::table
            .order(people::id)
            .select(Person::as_select())
            .load(conn)?,
        contact_points: contact_points::table
            .order(contact_points::id)
            .select(ContactPoint::as_select())
            .load(conn)?,
        releases: releases::table
            .order(releases::id)
            .select(Release::as_select())
            .load(conn)?,
        appearances: appearances::table
            .order(appearances::id)
            .select(Appearance::as_select())
            .load(conn)?,
    })
}

fn prefixed(prefix: String, errors: Vec<FieldError>) -> impl Iterator<Item = FieldError> {
    errors.into_iter().map(move |mut e| {
        e.field = format!("{prefix}.{}", e.field);
        e
    })
}

/// Every problem in the document, before anything is written.
fn check(conn: &mut DbConn, doc: &ExportDocument) -> Result<Vec<FieldError>, ApiError> {
    let mut errors = vec![];
    if doc.format != FORMAT || doc.version != VERSION {
        errors.push(FieldError::new(
            "format",
            "unsupported",
            format!("expected format {FORMAT} version {VERSION}"),
        ));
    }
    let ids = |existing: Vec<String>, listed: Vec<&String>| -> HashSet<String> {
        existing
            .into_iter()
            .chain(listed.into_iter().cloned())
            .collect()
    };
    let office_ids = ids(
        offices::table.select(offices::id).load(conn)?,
        doc.offices.iter().map(|o| &o.id).collect(),
    );
    let person_ids = ids(
        people::table.select(people::id).load(conn)?,
        doc.people.iter().map(|p| &p.id).collect(),
    );
    let release_ids = ids(
        releases::table.select(releases::id).load(conn)?,
        doc.releases.iter().map(|r| &r.id).collect(),
    );
    let unique = |what: &str,
                  i: usize,
                  seen: &mut HashSet<String>,
                  key: &str,
                  errors: &mut Vec<FieldError>| {
        if !seen.insert(key.to_string()) {
            errors.push(FieldError::new(
                format!("{what}[{i}].id"),
                "duplicate",
                "the same id twice in the document",
            ));
        }
    };
    let mut seen = HashSet::new();
    for (i, o) in doc.offices.iter().enumerate() {
        unique("offices", i, &mut seen, &o.id, &mut errors);
        let mut input = OfficeInput::from(o);
        input.parent_id = None;
        errors.extend(prefixed(
            format!("offices[{i}]"),
            crate::validate::errors_of(&input),
        ));
        if o.parent_id
            .as_ref()
            .is_some_and(|p| !office_ids.contains(p))
        {
            errors.push(FieldError::new(
                format!("offices[{i}].parent_id"),
                "not_found",
                "no such office",
            ));
        }
    }
    for (i, p) in doc.people.iter().enumerate() {
        unique("people", i, &mut seen, &p.id, &mut errors);
        let mut input = PersonInput::from(p);
        input.office_id = None;
        errors.extend(prefixed(
            format!("people[{i}]"),
            crate::validate::errors_of(&input),
        ));
        if p.office_id
            .as_ref()
            .is_some_and(|o| !office_ids.contains(o))
        {
            errors.push(FieldError::new(
                format!("people[{i}].office_id"),
                "not_found",
                "no such office",
            ));
        }
    }
    for (i, cp) in doc.contact_points.iter().enumerate() {
        unique("contact_points", i, &mut seen, &cp.id, &mut errors);
        let owner_ok = match (&cp.person_id, &cp.office_id) {
            (Some(p), None) => person_ids.contains(p),
            (None, Some(o)) => office_ids.contains(o),
            _ => false,
        };
        if !owner_ok {
            errors.push(FieldError::new(
                format!("contact_points[{i}]"),
                "owner",
                "exactly one known person_id or office_id",
            ));
        }
    }
    for (i, r) in doc.releases.iter().enumerate() {
        unique("releases", i, &mut seen, &r.id, &mut errors);
        let mut input = ReleaseInput::from(r);
        input.office_id = None;
        errors.extend(prefixed(
            format!("releases[{i}]"),
            crate::validate::errors_of(&input),
        ));
        if r.office_id
            .as_ref()
            .is_some_and(|o| !office_ids.contains(o))
        {
            errors.push(FieldError::new(
                format!("releases[{i}].office_id"),
                "not_found",
                "no such office",
            ));
        }
    }
    for (i, a) in doc.appearances.iter().enumerate() {
        unique("appearances", i, &mut seen, &a.id, &mut errors);
        if !release_ids.contains(&a.release_id) {
            errors.push(FieldError::new(
                format!("appearances[{i}].release_id"),
                "not_found",
                "no such release",
            ));
        }
        if !person_ids.contains(&a.person_id) {
            errors.push(FieldError::new(
                format!("appearances[{i}].person_id"),
                "not_found",
                "no such person",
            ));
        }
    }
    Ok(errors)
}

/// Updates the row with this id, or inserts it.
macro_rules! upsert {
    ($conn:expr, $table:ident, $row:expr) => {{
        let updated = diesel::update($table::table.find(&$row.id))
            .set($row)
            .execute($conn)?;
        if updated == 0 {
            diesel::insert_into($table::table)
                .values($row)
                .execute($conn)?;
        }
    }};
}

/// Offices ordered so that each comes after the office that supervises it
/// (when that one is in the document too).
fn parents_first(all: &[Office]) -> Vec<&Office> {
    let listed: HashSet<&str> = all.iter().map(|o| o.id.as_str()).collect();
    let mut placed: HashSet<&str> = HashSet::new();
    let mut ordered = vec![];
    while ordered.len() < all.len() {
        let before = ordered.len();
        for office in all {
            let ready = office
                .parent_id
                .as_deref()
                .is_none_or(|p| placed.contains(p) || !listed.contains(p));
            if !placed.contains(office.id.as_str()) && ready {
                placed.insert(&office.id);
                ordered.push(office);
            }
        }
        if ordered.len() == before {
            // A cycle: the database refuses it when the rows are written.
            ordered.extend(all.iter().filter(|o| !placed.contains(o.id.as_str())));
            break;
        }
    }
    ordered
}

/// Imports a document in one transaction; nothing is written when anything is wrong.
pub fn import(conn: &mut DbConn, doc: ExportDocument) -> Result<ImportSummary, ApiError> {
    write_transaction(conn, |conn| {
        let errors = check(conn, &doc)?;
        crate::validate::into_result(errors)?;
        let mut offices_by_id = std::collections::HashMap::new();
        for office in parents_first(&doc.offices) {
            let mut row = office.clone();
            row.search_text = office_search_text(&OfficeInput::from(office));
            row.name_key = crate::text::fold(&row.name);
            row.search_rowid = search::fts_rowid(&row.id);
            upsert!(conn, offices, &row);
            search::index(conn, Table::Offices, &row.id, &row.search_text)?;
            offices_by_id.insert(row.id.clone(), row);
        }
        for person in &doc.people {
            let mut row = person.clone();
            row.name_key = crate::text::fold(&row.full_name);
            row.search_rowid = search::fts_rowid(&row.id);
            upsert!(conn, people, &row);
        }
        for cp in &doc.contact_points {
            upsert!(conn, contact_points, cp);
        }
        for release in &doc.releases {
            let mut row = release.clone();
            let office_text = row
                .office_id
                .as_ref()
                .and_then(|id| offices_by_id.get(id))
                .map(|o| o.search_text.clone());
            row.search_text =
                release_search_text(&ReleaseInput::from(release), office_text.as_deref());
            row.name_key = crate::text::fold(&row.title);
            row.search_rowid = search::fts_rowid(&row.id);
            upsert!(conn, releases, &row);
            search::index(conn, Table::Releases, &row.id, &row.search_text)?;
        }
        for appearance in &doc.appearances {
            upsert!(conn, appearances, appearance);
        }
        // People's search documents need their offices and contact points in place.
        for person in &doc.people {
            crate::people::db::refresh_search(conn, &person.id)?;
        }
        let summary = ImportSummary {
            offices: doc.offices.len(),
            people: doc.people.len(),
            contact_points: doc.contact_points.len(),
            releases: doc.releases.len(),
            appearances: doc.appearances.len(),
        };
        crate::audit::record(conn, "import", "directory", "import", None, Some(&summary))?;
        Ok(summary)
    })
}

/// Rows per query while streaming an export: memory stays bounded.
const EXPORT_CHUNK: i64 = 2000;

/// One table as the `"name": [ … ]` member of the pretty document.
macro_rules! write_table {
    ($conn:expr, $out:expr, $name:literal, $table:ident, $row:ty, $last:expr) => {{
        write!($out, "  \"{}\": [", $name)?;
        let mut after = String::new();
        let mut first = true;
        loop {
            let rows: Vec<$row> = $table::table
                .filter($table::id.gt(&after))
                .order($table::id)
                .limit(EXPORT_CHUNK)
                .select(<$row>::as_select())
                .load($conn)?;
            for row in &rows {
                let pretty = serde_json::to_string_pretty(row).map_err(anyhow::Error::from)?;
                $out.write_all(if first { b"\n" } else { b",\n" })?;
                first = false;
                for (i, line) in pretty.lines().enumerate() {
                    if i > 0 {
                        $out.write_all(b"\n")?;
                    }
                    write!($out, "    {line}")?;
                }
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == EXPORT_CHUNK => after = last.id.clone(),
                _ => break,
            }
        }
        $out.write_all(if first { b"]" } else { b"\n  ]" })?;
        $out.write_all(if $last { b"\n" } else { b",\n" })?;
    }};
}

/// Writes the export document a chunk of rows at a time, byte for byte what
/// `to_json(&export(..))` gives, without holding the directory in memory.
pub fn export_to(conn: &mut DbConn, out: &mut impl std::io::Write) -> Result<(), ApiError> {
    (|| -> Result<(), ApiError> {
        write!(
            out,
            "{{\n  \"format\": \"{FORMAT}\",\n  \"version\": {VERSION},\n"
        )?;
        write_table!(conn, out, "offices", offices, Office, false);
        write_table!(conn, out, "people", people, Person, false);
        write_table!(
            conn,
            out,
            "contact_points",
            contact_points,
            ContactPoint,
            false
        );
        write_table!(conn, out, "releases", releases, Release, false);
        write_table!(conn, out, "appearances", appearances, Appearance, true);
        out.write_all(b"}\n")?;
        Ok(out.flush()?)
    })()
}

impl From<std::io::Error> for ApiError {
    fn from(error: std::io::Error) -> Self {
        ApiError::Internal(error.into())
    }
}

/// The document as exported: pretty JSON with a trailing newline.
pub fn to_json(doc: &ExportDocument) -> String {
    let mut json = serde_json::to_string_pretty(doc).unwrap_or_default();
    json.push('\n');
    json
}

/// Parses a document, naming the member that is wrong.
pub fn from_json(bytes: &[u8]) -> Result<ExportDocument, ApiError> {
    // No exported value holds a NUL, and PostgreSQL refuses them in text.
    if bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        return Err(ApiError::invalid(
            "document",
            "control_characters",
            "the document contains NUL characters",
        ));
    }
    crate::http::parse_json(bytes)
}

/// Largest import document accepted, in bytes (a full directory is bigger
/// than the 1 MiB of ordinary requests).
pub const MAX_IMPORT_BYTES: usize = 512 * 1024 * 1024;

/// The whole directory, archived rows and all, as one JSON document (admin).
#[utoipa::path(
    tag = "export",
    security(("bearer" = ["admin"])),
    responses((status = 200, body = ExportDocument), crate::openapi::AdminErrors)
)]
#[get("/export")]
pub async fn export_directory(
    pool: actix_web::web::Data<crate::db::DbPool>,
    caller: crate::keys::Caller,
) -> Result<actix_web::HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Admin)?;
    // Written on a blocking thread a chunk at a time and streamed as it
    // comes: memory stays bounded whatever the directory's size. An error
    // after the first bytes can only cut the stream short.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<actix_web::web::Bytes, ApiError>>(4);
    let pool = pool.get_ref().clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut writer = ChunkWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK_BYTES),
        };
        let result = pool
            .get()
            .and_then(|mut conn| export_to(&mut conn, &mut writer));
        if let Err(error) = result {
            let _ = tx.blocking_send(Err(error));
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Ok(actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"pressdir-export.json\"",
        ))
        .streaming(body))
}

const CHUNK_BYTES: usize = 64 * 1024;

/// Hands what the export writes to the response stream in 64 KiB chunks.
struct ChunkWriter {
    tx: tokio::sync::mpsc::Sender<Result<actix_web::web::Bytes, ApiError>>,
    buf: Vec<u8>,
}

impl ChunkWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = actix_web::web::Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(CHUNK_BYTES),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
    }
}

impl std::io::Write for ChunkWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Import an export document: upsert by id, all or nothing (admin).
#[utoipa::path(
    tag = "export",
    security(("bearer" = ["admin"])),
    request_body = ExportDocument,
    responses((status = 200, body = ImportSummary), crate::openapi::CreateErrors)
)]
#[post("/import")]
pub async fn import_directory(
    req: actix_web::HttpRequest,
    pool: actix_web::web::Data<crate::db::DbPool>,
    caller: crate::keys::Caller,
    mut payload: actix_web::web::Payload,
) -> Result<actix_web::HttpResponse, ApiError> {
    use actix_web::HttpMessage;
    use futures_util::StreamExt;
    caller.require(crate::keys::Scope::Admin)?;
    let json = req
        .mime_type()
        .ok()
        .flatten()
        .is_some_and(|m| m.subtype() == "json");
    if !json {
        return Err(ApiError::UnsupportedMediaType(
            "Send the export document as application/json.".into(),
        ));
    }
    let mut body = actix_web::web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_request(format!("Could not read the body: {e}")))?;
        if body.len() + chunk.len() > MAX_IMPORT_BYTES {
            return Err(ApiError::PayloadTooLarge(format!(
                "Import documents are limited to {MAX_IMPORT_BYTES} bytes."
            )));
        }
        body.extend_from_slice(&chunk);
    }
    let doc = from_json(&body)?;
    let summary = pool
        .run_as(caller.actor(), move |conn| import(conn, doc))
        .await?;
    Ok(actix_web::HttpResponse::Ok().json(summary))
}
