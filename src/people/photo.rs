//! A person's photo: `PUT`, `GET` and `DELETE /people/{id}/photo`. An
//! upload must really be a JPEG, PNG or WebP image within a pixel budget;
//! what is stored is a 400 px square JPEG made from it, so no metadata of
//! the upload (EXIF, GPS included) survives. The `person_photos` table
//! changes only here.

use std::io::Cursor;

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, delete, get, put, web};
use diesel::prelude::*;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::Actor;
use crate::db::schema::person_photos;
use crate::db::{DbConn, DbPool, now, write_transaction};
use crate::error::ApiError;
use crate::http::{QueryParams, ReadPool};
use crate::openapi::{ArchiveErrors, CreateErrors, ReadErrors};

/// The default upload limit, in bytes (`--max-photo-bytes`).
pub const DEFAULT_MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// The stored photo's side, in pixels.
pub const SIDE: u32 = 400;
/// The largest upload in pixels per side, and the most memory decoding may
/// take: a small file that claims a huge image is refused before decoding.
const MAX_PIXELS_PER_SIDE: u32 = 8000;
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// The configured upload limit.
#[derive(Debug, Clone, Copy)]
pub struct PhotoLimit(pub usize);

/// An upload: the image's bytes.
pub struct PhotoUpload;

impl utoipa::PartialSchema for PhotoUpload {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        // At most the default limit; `--max-photo-bytes` may lower or raise it.
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .max_length(Some(DEFAULT_MAX_PHOTO_BYTES))
            .into()
    }
}

impl ToSchema for PhotoUpload {}

/// Where a person's photo is, once stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoResponse {
    /// The photo's address; it changes with the photo, so caches may keep it.
    #[schema(example = "/api/v1/people/jorge-gallo/photo?v=3f2a9c1e")]
    pub url: String,
    /// A strong validator of the stored JPEG.
    pub etag: String,
}

/// A stored photo as the export document carries it: the JPEG itself, in
/// base64 (its digest is derived again on import).
#[derive(Debug, Clone, Serialize, Deserialize, Queryable, Selectable)]
#[diesel(table_name = person_photos)]
#[serde(deny_unknown_fields)]
pub struct PhotoRow {
    pub person_id: String,
    #[serde(with = "base64_bytes")]
    pub jpeg: Vec<u8>,
    pub updated_at: chrono::NaiveDateTime,
}

/// The largest stored photo an import accepts: a 400 px JPEG at quality 85
/// is far smaller.
pub const MAX_STORED_BYTES: usize = 1024 * 1024;

mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        STANDARD
            .decode(text.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}

/// The digest a stored JPEG is served under.
fn digest(jpeg: &[u8]) -> String {
    crate::text::sha256_hex(jpeg)[..16].to_string()
}

/// Whether an imported photo is what `process` stores: a JPEG of 400 px a
/// side that decodes, within `MAX_STORED_BYTES`. Gives the problem, if any.
pub fn check_stored(jpeg: &[u8]) -> Option<&'static str> {
    if jpeg.len() > MAX_STORED_BYTES {
        return Some("a stored photo is at most 1 MiB");
    }
    let mut reader = image::ImageReader::with_format(Cursor::new(jpeg), image::ImageFormat::Jpeg);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(SIDE);
    limits.max_image_height = Some(SIDE);
    reader.limits(limits);
    match reader.decode() {
        Ok(image) if image.width() == SIDE && image.height() == SIDE => None,
        _ => Some("must be a 400 px square JPEG, as pressdir stores photos"),
    }
}

/// Import's write path for photos (rows checked by `check_stored`): a photo
/// that differs from the stored one replaces it, and the person's photo
/// digest follows. Gives the people whose photo changed.
pub fn import_rows(
    conn: &mut DbConn,
    stamp: &crate::batch::Stamp,
    rows: Vec<PhotoRow>,
) -> Result<Vec<String>, ApiError> {
    let ids: Vec<&String> = rows.iter().map(|r| &r.person_id).collect();
    let stored: std::collections::HashMap<String, String> = person_photos::table
        .filter(person_photos::person_id.eq_any(&ids))
        .select((person_photos::person_id, person_photos::etag))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let mut changed = vec![];
    for row in rows {
        let etag = digest(&row.jpeg);
        if stored.get(&row.person_id) == Some(&etag) {
            continue;
        }
        diesel::delete(person_photos::table.find(&row.person_id)).execute(conn)?;
        diesel::insert_into(person_photos::table)
            .values((
                person_photos::person_id.eq(&row.person_id),
                person_photos::jpeg.eq(&row.jpeg),
                person_photos::etag.eq(&etag),
                person_photos::updated_at.eq(row.updated_at),
            ))
            .execute(conn)?;
        // Into an empty database the person's version already counts the
        // photo; over existing data the import touches the person after.
        super::db::photo_digest_written(conn, &row.person_id, Some(&etag))?;
        if !stamp.into_empty {
            crate::audit::record(
                conn,
                stamp.actor,
                "update",
                "person_photo",
                &row.person_id,
                None::<&PhotoResponse>,
                Some(&PhotoResponse {
                    url: super::model::photo_url(&row.person_id, &etag),
                    etag: etag.clone(),
                }),
            )?;
        }
        changed.push(row.person_id);
    }
    Ok(changed)
}

fn not_an_image(detail: &str) -> ApiError {
    ApiError::invalid("photo", "image", detail)
}

/// Checks, decodes within limits, crops to the centred square, resizes to
/// 400 px and re-encodes as JPEG: nothing of the upload but its pixels.
pub fn process(bytes: &[u8]) -> Result<Vec<u8>, ApiError> {
    let format = image::guess_format(bytes)
        .ok()
        .filter(|f| {
            matches!(
                f,
                image::ImageFormat::Jpeg | image::ImageFormat::Png | image::ImageFormat::WebP
            )
        })
        .ok_or_else(|| not_an_image("The photo must be a JPEG, PNG or WebP image."))?;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_PIXELS_PER_SIDE);
    limits.max_image_height = Some(MAX_PIXELS_PER_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => not_an_image(&format!(
            "The photo is larger than {MAX_PIXELS_PER_SIDE} pixels a side."
        )),
        _ => not_an_image("The photo could not be read as an image."),
    })?;
    let (width, height) = (decoded.width(), decoded.height());
    if width == 0 || height == 0 {
        return Err(not_an_image("The photo has no pixels."));
    }
    let side = width.min(height);
    let square = decoded.crop_imm((width - side) / 2, (height - side) / 2, side, side);
    let small = square.resize_exact(SIDE, SIDE, image::imageops::FilterType::Lanczos3);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&small.to_rgb8())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("encoding a photo: {e}")))?;
    Ok(out)
}

/// Stores a processed photo for a live person; the person's version moves.
fn store(
    conn: &mut DbConn,
    actor: &Actor,
    key: &str,
    jpeg: Vec<u8>,
) -> Result<PhotoResponse, ApiError> {
    write_transaction(conn, |conn| {
        let person = super::db::find_person(conn, key, false)?;
        let etag = digest(&jpeg);
        let at = now();
        diesel::delete(person_photos::table.find(&person.id)).execute(conn)?;
        diesel::insert_into(person_photos::table)
            .values((
                person_photos::person_id.eq(&person.id),
                person_photos::jpeg.eq(&jpeg),
                person_photos::etag.eq(&etag),
                person_photos::updated_at.eq(at),
            ))
            .execute(conn)?;
        super::db::photo_changed(conn, &person.id, Some(&etag))?;
        crate::audit::record(
            conn,
            actor,
            "update",
            "person_photo",
            &person.id,
            None::<&PhotoResponse>,
            Some(&PhotoResponse {
                url: super::model::photo_url(&person.id, &etag),
                etag: etag.clone(),
            }),
        )?;
        Ok(PhotoResponse {
            url: super::model::photo_url(&person.id, &etag),
            etag,
        })
    })
}

/// Set a person's photo (JPEG, PNG or WebP; stored as a 400 px square JPEG
/// without the upload's metadata).
#[utoipa::path(
    tag = "people",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Person id or slug")),
    request_body(content((PhotoUpload = "image/jpeg"), (PhotoUpload = "image/png"), (PhotoUpload = "image/webp"))),
    responses((status = 200, description = "Stored; its address and strong validator", body = PhotoResponse), CreateErrors)
)]
#[put("/{id}/photo")]
pub async fn put_photo(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    limit: web::Data<PhotoLimit>,
    id: web::Path<String>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let mime = req.mime_type().ok().flatten();
    if !mime.as_ref().is_some_and(|m| {
        m.type_() == "image" && matches!(m.subtype().as_str(), "jpeg" | "png" | "webp")
    }) {
        return Err(ApiError::UnsupportedMediaType(
            "Send the photo as image/jpeg, image/png or image/webp.".into(),
        ));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_request(format!("Could not read the body: {e}")))?;
        if bytes.len() + chunk.len() > limit.0 {
            return Err(ApiError::PayloadTooLarge(format!(
                "Photos are limited to {} bytes.",
                limit.0
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    let actor = caller.actor();
    let stored = pool
        .run(move |conn| {
            let jpeg = process(&bytes)?;
            store(conn, &actor, &id, jpeg)
        })
        .await?;
    Ok(HttpResponse::Ok().json(stored))
}

/// The photo's query: its digest, which only keeps caches apart.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoQuery {
    #[allow(dead_code)]
    pub v: Option<String>,
}

/// A person's photo: a 400 px square JPEG.
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "Person id or slug"), ("v" = Option<String>, Query, max_length = 200, description = "The photo's digest, as in its url (any value answers the current photo)")),
    responses((status = 200, description = "The photo", content_type = "image/jpeg", body = PhotoUpload, headers(("ETag" = String))), (status = 304, description = "Not modified"), ReadErrors)
)]
#[get("/{id}/photo")]
pub async fn get_photo(
    req: HttpRequest,
    pool: ReadPool,
    id: web::Path<String>,
    // Read (and bounded) like every query; any digest answers the photo.
    _query: QueryParams<PhotoQuery>,
) -> Result<HttpResponse, ApiError> {
    let (etag, jpeg) = pool
        .run(move |conn| {
            let person = super::db::find_person(conn, &id, false)?;
            person_photos::table
                .find(&person.id)
                .select((person_photos::etag, person_photos::jpeg))
                .first::<(String, Vec<u8>)>(conn)
                .optional()?
                .ok_or_else(|| ApiError::not_found("photo of person", &id))
        })
        .await?;
    let tag = format!("\"{etag}\"");
    let fresh = crate::http::none_match(&req, |t| t == tag);
    // The url carries the digest: a year of caching is safe.
    let cache = "public, max-age=31536000, immutable";
    if fresh {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .content_type("image/jpeg")
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(jpeg))
}

/// Remove a person's photo. A photo is removed outright, not archived: a
/// person who asks for theirs to go means it.
#[utoipa::path(
    tag = "people",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Person id or slug")),
    responses((status = 204, description = "Removed"), ArchiveErrors)
)]
#[delete("/{id}/photo")]
pub async fn delete_photo(
    caller: crate::keys::Caller,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    pool.run(move |conn| {
        write_transaction(conn, |conn| {
            let person = super::db::find_person(conn, &id, false)?;
            let removed = diesel::delete(person_photos::table.find(&person.id)).execute(conn)?;
            if removed == 0 {
                return Err(ApiError::not_found("photo of person", &id));
            }
            super::db::photo_changed(conn, &person.id, None)?;
            crate::audit::record(
                conn,
                &actor,
                "delete",
                "person_photo",
                &person.id,
                None::<&PhotoResponse>,
                None,
            )?;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
