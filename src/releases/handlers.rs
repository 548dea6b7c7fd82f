//! `/api/v1/releases`, and `/people/{id}/releases`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::db;
use super::model::{ReleaseInput, ReleaseList, ReleaseListQuery, ReleasePatch};
use crate::db::DbPool;
use crate::error::ApiError;
use crate::http::{self, JsonBody, QueryParams, ReadPool};
use crate::openapi::{ArchiveErrors, CreateErrors, ListErrors, ReadErrors, UpdateErrors};
use crate::paging::{PageRequest, Precondition};
use crate::releases::model::{PersonAppearanceList, PersonReleasesQuery};

/// List releases.
///
/// Each release comes with its issuing office and appearances. Ordered by id
/// (creation order); filters combine.
#[utoipa::path(
    tag = "releases",
    params(ReleaseListQuery),
    responses((status = 200, description = "A page of releases", body = ReleaseList, headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows, and the same releases' Atom and JSON feeds (`rel=\"alternate\"`)"))), ListErrors)
)]
#[get("")]
pub async fn list_releases(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    QueryParams(query): QueryParams<ReleaseListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let archived = caller.allow_archived(query.include_archived)?;
    let embargoed = caller.sees_embargoed();
    let feed = crate::releases::model::FeedQuery {
        office: query.office.clone(),
        person: query.person.clone(),
        topic: query.topic.clone(),
        language: query.language.clone(),
    };
    let searcher = crate::search::Searcher::of(&req);
    let body = pool
        .run(move |conn| {
            let page = db::list_releases(conn, &searcher, &query, &page, archived, embargoed)?;
            Ok(ReleaseList {
                items: db::embed(conn, page.items)?,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    let mut response = http::list(&req, &body, body.next_cursor.as_deref());
    // The same releases as feeds, for a feed reader or a newsroom tool.
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&feed.alternate_links()) {
        response
            .headers_mut()
            .append(actix_web::http::header::LINK, value);
    }
    Ok(response)
}

/// Create a release.
///
/// Link people to it with `POST /releases/{id}/appearances`.
#[utoipa::path(
    tag = "releases",
    security(("bearer" = ["write"])),
    request_body = ReleaseInput,
    responses((status = 201, description = "Created; `Location` is its address", body = super::model::ReleaseResponse, headers(("ETag" = String), ("Location" = String))), CreateErrors)
)]
#[post("")]
pub async fn create_release(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    JsonBody(input): JsonBody<ReleaseInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    let release = pool
        .run(move |conn| {
            let release = db::insert_release(conn, &actor, input)?;
            Ok(db::embed_one(conn, release)?)
        })
        .await?;
    let location = format!("/api/v1/releases/{}", release.id);
    Ok(http::created(&req, &location, &release))
}

/// Get a release, with its appearances.
#[utoipa::path(
    tag = "releases",
    params(("id" = String, Path, description = "Release id or slug")),
    responses((status = 200, description = "The release, with its office and appearances", content((super::model::ReleaseResponse = "application/json"), (Object = "application/ld+json")), headers(("ETag" = String))), ReadErrors)
)]
#[get("/{id}")]
pub async fn get_release(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let embargoed = caller.sees_embargoed();
    let release = pool
        .run(move |conn| {
            let release = db::find_visible(conn, &id, embargoed)?;
            Ok(db::embed_one(conn, release)?)
        })
        .await?;
    if crate::formats::negotiate(&req, None) == crate::formats::Format::Jsonld {
        let base = crate::formats::base_url(&req);
        return Ok(crate::formats::jsonld::response(
            &crate::formats::jsonld::release(&release, &base),
        ));
    }
    Ok(http::single(&req, StatusCode::OK, &release))
}

/// Update a release.
///
/// Members left out stay as they are; `null` clears an optional member.
#[utoipa::path(
    tag = "releases",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Release id or slug"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read; 412 when the release changed since")),
    request_body = ReleasePatch,
    responses((status = 200, description = "The release as changed", body = super::model::ReleaseResponse, headers(("ETag" = String))), UpdateErrors)
)]
#[patch("/{id}")]
pub async fn update_release(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    precondition: Precondition,
    JsonBody(patch): JsonBody<ReleasePatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    let release = pool
        .run(move |conn| {
            let release = db::update_release(conn, &actor, &id, patch, &precondition)?;
            Ok(db::embed_one(conn, release)?)
        })
        .await?;
    Ok(http::single(&req, StatusCode::OK, &release))
}

/// Archive a release.
#[utoipa::path(
    tag = "releases",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Release id or slug"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    responses((status = 204, description = "Archived"), ArchiveErrors)
)]
#[delete("/{id}")]
pub async fn archive_release(
    caller: crate::keys::Caller,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    precondition: Precondition,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    pool.run(move |conn| db::archive_release(conn, &actor, &id, &precondition))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List the releases a person appears in, with role and title as printed.
#[utoipa::path(
    tag = "releases",
    params(("id" = String, Path, description = "Person id or slug"), PersonReleasesQuery),
    responses((status = 200, description = "A page of the person's appearances, newest release first", body = PersonAppearanceList), ListErrors)
)]
#[get("/{id}/releases")]
pub async fn list_person_releases(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    id: web::Path<String>,
    QueryParams(query): QueryParams<PersonReleasesQuery>,
) -> Result<HttpResponse, ApiError> {
    let embargoed = caller.sees_embargoed();
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let body = pool
        .run(move |conn| {
            let person = crate::people::db::find_person(conn, &id, false)?;
            Ok(PersonAppearanceList::from(crate::releases::db::for_person(
                conn, &person.id, query.role, &page, embargoed,
            )?))
        })
        .await?;
    Ok(http::list(&req, &body, body.next_cursor.as_deref()))
}
