//! The whole directory as one versioned JSON document, and back.
//!
//! Export → import into an empty database → export gives the same bytes:
//! ids, slugs, versions, timestamps and archived rows all travel. Import
//! upserts by id in one transaction, after checking everything, and writes
//! nothing when anything is wrong (every problem listed with its path).

mod import;

pub use import::import_file;

use actix_web::{get, post};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::contact_points::model::ContactPoint;
use crate::db::DbConn;
use crate::db::schema::{
    appearances, contact_points, duty_assignments, offices, people, person_photos, releases,
};
use crate::duty::model::DutyAssignment;
use crate::error::ApiError;
use crate::offices::model::Office;
use crate::people::model::Person;
use crate::people::photo::PhotoRow;
use crate::releases::model::Appearance;
use crate::releases::model::Release;

pub const FORMAT: &str = "pressdir-export";
/// Format 2 writes a person's `languages` and `topics` as arrays; format 1
/// (JSON text inside a string) is still read.
pub const VERSION: u32 = 2;
/// The oldest format version an import still reads.
pub const OLDEST_VERSION: u32 = 1;

/// The directory, every row of every table, archived ones included.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportDocument {
    /// Always `pressdir-export`.
    #[schema(max_length = 40)]
    pub format: String,
    /// The document's version: 2 (people's `languages` and `topics` as
    /// arrays); 1 (the same as JSON text in a string) is still read.
    #[schema(minimum = 1, maximum = 2)]
    pub version: u32,
    #[schema(value_type = Vec<Object>, max_items = 1000000)]
    pub offices: Vec<Office>,
    #[schema(value_type = Vec<Object>, max_items = 1000000)]
    pub people: Vec<Person>,
    #[schema(value_type = Vec<Object>, max_items = 1000000)]
    pub contact_points: Vec<ContactPoint>,
    #[schema(value_type = Vec<Object>, max_items = 1000000)]
    pub releases: Vec<Release>,
    #[schema(value_type = Vec<Object>, max_items = 1000000)]
    pub appearances: Vec<Appearance>,
    /// The duty rota (documents written before it existed have none).
    #[serde(default)]
    #[schema(value_type = Vec<Object>, max_items = 1000000)]
    pub duty_assignments: Vec<crate::duty::model::DutyAssignment>,
    /// People's photos as stored (400 px square JPEGs, base64), by person
    /// (documents written before photos existed have none).
    #[serde(default)]
    #[schema(value_type = Vec<Object>, max_items = 1000000)]
    pub person_photos: Vec<PhotoRow>,
}

/// What an import did.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ImportSummary {
    pub offices: usize,
    pub people: usize,
    pub contact_points: usize,
    pub releases: usize,
    pub appearances: usize,
    pub duty_assignments: usize,
    pub person_photos: usize,
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
        duty_assignments: duty_assignments::table
            .order(duty_assignments::id)
            .select(crate::duty::model::DutyAssignment::as_select())
            .load(conn)?,
        person_photos: person_photos::table
            .order(person_photos::person_id)
            .select(PhotoRow::as_select())
            .load(conn)?,
    })
}

/// Rows per query while streaming an export: memory stays bounded (photos,
/// some 50 KB each, come a few at a time).
const EXPORT_CHUNK: i64 = 2000;
const PHOTO_CHUNK: i64 = 32;

/// One table as the `"name": [ … ]` member of the pretty document.
macro_rules! write_table {
    ($conn:expr, $out:expr, $name:literal, $table:ident, $row:ty, $last:expr) => {
        write_table!($conn, $out, $name, $table, $row, id, EXPORT_CHUNK, $last)
    };
    ($conn:expr, $out:expr, $name:literal, $table:ident, $row:ty, $key:ident, $chunk:expr, $last:expr) => {{
        write!($out, "  \"{}\": [", $name)?;
        let mut after = String::new();
        let mut first = true;
        loop {
            let rows: Vec<$row> = $table::table
                .filter($table::$key.gt(&after))
                .order($table::$key)
                .limit($chunk)
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
                Some(last) if rows.len() as i64 == $chunk => after = last.$key.clone(),
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
        write_table!(conn, out, "appearances", appearances, Appearance, false);
        write_table!(
            conn,
            out,
            "duty_assignments",
            duty_assignments,
            DutyAssignment,
            false
        );
        write_table!(
            conn,
            out,
            "person_photos",
            person_photos,
            PhotoRow,
            person_id,
            PHOTO_CHUNK,
            true
        );
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

/// Largest import document accepted, in bytes (a full directory is bigger
/// than the 1 MiB of ordinary requests).
pub const MAX_IMPORT_BYTES: usize = 512 * 1024 * 1024;

/// The whole directory, archived rows and all, as one JSON document (admin).
#[utoipa::path(
    tag = "export",
    security(("bearer" = ["admin"])),
    responses((status = 200, description = "The export document, streamed", body = ExportDocument), crate::openapi::AdminErrors)
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
    responses((status = 200, description = "Imported: how many rows of each kind the document held", body = ImportSummary), crate::openapi::CreateErrors)
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
    // Spooled to a temporary file (removed on drop), which the import
    // reads twice: memory stays bounded whatever the document's size.
    let mut spool = tempfile::NamedTempFile::new()?;
    let mut received = 0;
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_request(format!("Could not read the body: {e}")))?;
        received += chunk.len();
        if received > MAX_IMPORT_BYTES {
            return Err(ApiError::PayloadTooLarge(format!(
                "Import documents are limited to {MAX_IMPORT_BYTES} bytes."
            )));
        }
        // A local write of at most one network chunk: short enough for the event loop.
        std::io::Write::write_all(&mut spool, &chunk)?;
    }
    let actor = caller.actor();
    let summary = pool
        .run(move |conn| import_file(conn, &actor, spool.path()))
        .await?;
    Ok(actix_web::HttpResponse::Ok().json(summary))
}
