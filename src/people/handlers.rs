//! `/api/v1/people`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::db;
use super::model::{PersonInput, PersonList, PersonListQuery, PersonPatch, PersonResponse};
use crate::db::DbPool;
use crate::error::ApiError;
use crate::formats::{Format, vcard};
use crate::http::{self, JsonBody, QueryParams, ReadPool};
use crate::openapi::{ArchiveErrors, CreateErrors, ListErrors, ReadErrors, UpdateErrors};
use crate::paging::{PageRequest, Precondition};

async fn list(
    req: &HttpRequest,
    pool: &DbPool,
    caller: &crate::keys::Caller,
    query: PersonListQuery,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let archived = caller.allow_archived(query.include_archived)?;
    let audience = caller.audience();
    let format = crate::formats::negotiate(req, query.format);
    let searcher = crate::search::Searcher::of(req);
    let page = pool
        .run(move |conn| {
            let page = db::list_people(conn, &searcher, &query, &page, archived)?;
            let items = db::embed(conn, page.items, audience)?;
            Ok(PersonList {
                items,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    let (content_type, filename, body) = match format {
        Format::Json | Format::Jsonld => {
            return Ok(http::list(req, &page, page.next_cursor.as_deref()));
        }
        Format::Vcard => {
            let base = crate::formats::base_url(req);
            let cards: String = page
                .items
                .iter()
                .map(|p| vcard::person(p, p.office.as_ref(), &base))
                .collect();
            ("text/vcard; charset=utf-8", "people.vcf", cards)
        }
        Format::Csv => (
            "text/csv; charset=utf-8",
            "people.csv",
            crate::formats::csv::people(&page.items),
        ),
    };
    let mut response = crate::formats::download(content_type, filename, body);
    let link = http::next_link(req, page.next_cursor.as_deref());
    if let Some(value) = link.and_then(|l| actix_web::http::header::HeaderValue::from_str(&l).ok())
    {
        response
            .headers_mut()
            .insert(actix_web::http::header::LINK, value);
    }
    Ok(response)
}

/// One person with what the caller may see of their contact points.
async fn load_person(
    pool: &DbPool,
    caller: &crate::keys::Caller,
    key: String,
) -> Result<PersonResponse, ApiError> {
    let audience = caller.audience();
    pool.run(move |conn| {
        let person = db::find_person(conn, &key, false)?;
        Ok(db::embed_one(conn, person, audience)?)
    })
    .await
}

/// A person's card, or the person as JSON.
fn person_response(req: &HttpRequest, person: &PersonResponse, as_vcard: bool) -> HttpResponse {
    if !as_vcard {
        let mut response = http::single(req, StatusCode::OK, person);
        // The same URL also answers vCard: caches must key on Accept.
        response.headers_mut().insert(
            actix_web::http::header::VARY,
            actix_web::http::header::HeaderValue::from_static("Accept"),
        );
        return response;
    }
    let card = vcard::person(
        person,
        person.office.as_ref(),
        &crate::formats::base_url(req),
    );
    let mut response = crate::formats::download(
        "text/vcard; charset=utf-8",
        &format!("{}.vcf", person.slug),
        card,
    );
    if let Ok(value) =
        actix_web::http::header::HeaderValue::from_str(&crate::paging::etag(person.version))
    {
        response
            .headers_mut()
            .insert(actix_web::http::header::ETAG, value);
    }
    response
}

/// A person's vCard 4.0, to save the contact.
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "Person id or slug")),
    responses((status = 200, description = "vCard 4.0 (RFC 6350)", content_type = "text/vcard", body = String), ReadErrors)
)]
#[get("/{id}/vcard")]
pub async fn get_person_vcard(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let person = load_person(&pool, &caller, id.into_inner()).await?;
    Ok(person_response(&req, &person, true))
}

/// List and search people.
///
/// Each person comes with their office and public contact points. Ordered by
/// id (creation order); filters combine.
#[utoipa::path(
    tag = "people",
    params(PersonListQuery),
    responses((status = 200, description = "A page of people (ranked by relevance with `q`)", content((PersonList = "application/json"), (String = "text/vcard"), (String = "text/csv")), headers(("Link" = String, description = "`<...>; rel=\"next\"` when another page follows"))), ListErrors)
)]
#[get("")]
pub async fn list_people(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    QueryParams(query): QueryParams<PersonListQuery>,
) -> Result<HttpResponse, ApiError> {
    list(&req, &pool, &caller, query).await
}

/// List the people at an office.
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "Office id or slug"), PersonListQuery),
    responses((status = 200, description = "A page of the office's people", content((PersonList = "application/json"), (String = "text/vcard"), (String = "text/csv"))), ListErrors)
)]
#[get("/{id}/people")]
pub async fn list_office_people(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    id: web::Path<String>,
    QueryParams(mut query): QueryParams<PersonListQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = id.into_inner();
    let office = pool
        .run(move |conn| crate::offices::db::find_office(conn, &key, false))
        .await?;
    query.office = Some(office.id);
    list(&req, &pool, &caller, query).await
}

/// Create a person.
#[utoipa::path(
    tag = "people",
    security(("bearer" = ["write"])),
    request_body = PersonInput,
    responses((status = 201, description = "Created; `Location` is their address", body = PersonResponse, headers(("ETag" = String), ("Location" = String))), CreateErrors)
)]
#[post("")]
pub async fn create_person(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    JsonBody(input): JsonBody<PersonInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let audience = caller.audience();
    let actor = caller.actor();
    let person = pool
        .run(move |conn| {
            let person = db::insert_person(conn, &actor, input)?;
            Ok(db::embed_one(conn, person, audience)?)
        })
        .await?;
    let location = format!("/api/v1/people/{}", person.id);
    Ok(http::created(&req, &location, &person))
}

/// Get a person, with their office and contact points.
#[utoipa::path(
    tag = "people",
    params(("id" = String, Path, description = "Person id or slug")),
    responses((status = 200, description = "The person, with office, contact points and availability now", content((PersonResponse = "application/json"), (String = "text/vcard"), (Object = "application/ld+json")), headers(("ETag" = String), ("Vary" = String))), ReadErrors)
)]
#[get("/{id}")]
pub async fn get_person(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let person = load_person(&pool, &caller, id.into_inner()).await?;
    match crate::formats::negotiate(&req, None) {
        Format::Jsonld => Ok(crate::formats::jsonld::response(
            &crate::formats::jsonld::person(&person, &crate::formats::base_url(&req)),
        )),
        format => Ok(person_response(&req, &person, format == Format::Vcard)),
    }
}

/// Update a person.
///
/// Members left out stay as they are; `null` clears an optional member.
#[utoipa::path(
    tag = "people",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Person id or slug"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read; 412 when the person changed since")),
    request_body = PersonPatch,
    responses((status = 200, description = "The person as changed", body = PersonResponse, headers(("ETag" = String))), UpdateErrors)
)]
#[patch("/{id}")]
pub async fn update_person(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    precondition: Precondition,
    JsonBody(patch): JsonBody<PersonPatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let audience = caller.audience();
    let actor = caller.actor();
    let person = pool
        .run(move |conn| {
            let person = db::update_person(conn, &actor, &id, patch, &precondition)?;
            Ok(db::embed_one(conn, person, audience)?)
        })
        .await?;
    Ok(http::single(&req, StatusCode::OK, &person))
}

/// Archive a person.
#[utoipa::path(
    tag = "people",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Person id or slug"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    responses((status = 204, description = "Archived"), ArchiveErrors)
)]
#[delete("/{id}")]
pub async fn archive_person(
    caller: crate::keys::Caller,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    precondition: Precondition,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    pool.run(move |conn| db::archive_person(conn, &actor, &id, &precondition))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
