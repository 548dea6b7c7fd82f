//! `/api/v1/offices`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::db;
use super::model::{OfficeInput, OfficeList, OfficeListQuery, OfficePatch, OfficeResponse};
use crate::db::DbPool;
use crate::error::ApiError;
use crate::http::{self, JsonBody, QueryParams, ReadPool};
use crate::openapi::{ArchiveErrors, CreateErrors, ListErrors, ReadErrors, UpdateErrors};
use crate::paging::{PageRequest, Precondition};

/// List offices.
///
/// Ordered by id (creation order); filters combine.
#[utoipa::path(
    tag = "offices",
    params(OfficeListQuery),
    responses((status = 200, description = "A page of offices", body = OfficeList, headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))), ListErrors)
)]
#[get("")]
pub async fn list_offices(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    QueryParams(query): QueryParams<OfficeListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let archived = caller.allow_archived(query.include_archived)?;
    let searcher = crate::search::Searcher::of(&req);
    let page = pool
        .run(move |conn| db::list_offices(conn, &searcher, &query, &page, archived))
        .await?;
    let body = OfficeList::from(page.map(OfficeResponse::from));
    Ok(http::list(&req, &body, body.next_cursor.as_deref()))
}

/// Create an office.
#[utoipa::path(
    tag = "offices",
    security(("bearer" = ["write"])),
    request_body = OfficeInput,
    responses((status = 201, description = "Created; `Location` is its address", body = OfficeResponse, headers(("ETag" = String), ("Location" = String))), CreateErrors)
)]
#[post("")]
pub async fn create_office(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    JsonBody(input): JsonBody<OfficeInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    let office = pool
        .run(move |conn| db::insert_office(conn, &actor, input))
        .await?;
    let location = format!("/api/v1/offices/{}", office.id);
    Ok(http::created(
        &req,
        &location,
        &OfficeResponse::from(office),
    ))
}

/// Get an office.
#[utoipa::path(
    tag = "offices",
    params(("id" = String, Path, description = "Office id or slug")),
    responses((status = 200, description = "The office, with its hours and availability now", content((OfficeResponse = "application/json"), (Object = "application/ld+json")), headers(("ETag" = String))), ReadErrors)
)]
#[get("/{id}")]
pub async fn get_office(
    req: HttpRequest,
    pool: ReadPool,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    if crate::formats::negotiate(&req, None) == crate::formats::Format::Jsonld {
        let (office, points) = pool
            .run(move |conn| {
                office_with_points(conn, &id, crate::contact_points::read::Audience::Public)
            })
            .await?;
        let base = crate::formats::base_url(&req);
        return Ok(crate::formats::jsonld::response(
            &crate::formats::jsonld::office(&office, &points, &base),
        ));
    }
    let office = pool
        .run(move |conn| db::find_office(conn, &id, false))
        .await?;
    Ok(http::single(
        &req,
        StatusCode::OK,
        &OfficeResponse::from(office),
    ))
}

/// Update an office.
///
/// Members left out stay as they are; `null` clears an optional member.
#[utoipa::path(
    tag = "offices",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Office id or slug"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read; 412 when the office changed since")),
    request_body = OfficePatch,
    responses((status = 200, description = "The office as changed", body = OfficeResponse, headers(("ETag" = String))), UpdateErrors)
)]
#[patch("/{id}")]
pub async fn update_office(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    precondition: Precondition,
    JsonBody(patch): JsonBody<OfficePatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    let office = pool
        .run(move |conn| db::update_office(conn, &actor, &id, patch, &precondition))
        .await?;
    Ok(http::single(
        &req,
        StatusCode::OK,
        &OfficeResponse::from(office),
    ))
}

/// Archive an office.
///
/// Refused (409) while active people or offices depend on it.
#[utoipa::path(
    tag = "offices",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Office id or slug"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    responses((status = 204, description = "Archived"), ArchiveErrors)
)]
#[delete("/{id}")]
pub async fn archive_office(
    caller: crate::keys::Caller,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    precondition: Precondition,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    pool.run(move |conn| db::archive_office(conn, &actor, &id, &precondition))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An office's vCard 4.0 (`KIND:org`), with its public phones and emails.
#[utoipa::path(
    tag = "offices",
    params(("id" = String, Path, description = "Office id or slug")),
    responses((status = 200, description = "vCard 4.0 (RFC 6350)", content_type = "text/vcard", body = String), ReadErrors)
)]
#[get("/{id}/vcard")]
pub async fn get_office_vcard(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let audience = caller.audience();
    let (office, points) = pool
        .run(move |conn| office_with_points(conn, &id, audience))
        .await?;
    let card = crate::formats::vcard::office(&office, &points, &crate::formats::base_url(&req));
    Ok(crate::formats::download(
        "text/vcard; charset=utf-8",
        &format!("{}.vcf", office.slug),
        card,
    ))
}

/// An office and the contact points `audience` may see.
pub(crate) fn office_with_points(
    conn: &mut crate::db::DbConn,
    key: &str,
    audience: crate::contact_points::read::Audience,
) -> Result<
    (
        OfficeResponse,
        Vec<crate::contact_points::model::ContactPointResponse>,
    ),
    ApiError,
> {
    let office = db::find_office(conn, key, false)?;
    let all = PageRequest::largest();
    let owner = crate::contact_points::db::Owner::Office(office.id.clone());
    let points = crate::contact_points::db::list_for_owner(conn, &owner, &all, audience)?;
    Ok((
        office.into(),
        points.items.into_iter().map(Into::into).collect(),
    ))
}
