//! Contact points under `/people/{id}`, `/offices/{id}`, and `/contact-points/{id}`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::db::{self, Audience, Owner};
use super::model::{
    ContactPointInput, ContactPointList, ContactPointListQuery, ContactPointPatch,
    ContactPointResponse,
};
use crate::db::DbPool;
use crate::error::ApiError;
use crate::http::{self, JsonBody, QueryParams, ReadPool};
use crate::openapi::{ArchiveErrors, CreateErrors, ListErrors, ReadErrors, UpdateErrors};
use crate::paging::{PageRequest, Precondition};

async fn list_for(
    req: &HttpRequest,
    pool: &DbPool,
    audience: Audience,
    owner: impl FnOnce(&mut crate::db::DbConn) -> Result<Owner, ApiError> + Send + 'static,
    query: ContactPointListQuery,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let page = pool
        .run(move |conn| {
            let owner = owner(conn)?;
            Ok(db::list_for_owner(conn, &owner, &page, audience)?)
        })
        .await?;
    let body = ContactPointList::from(page.map(ContactPointResponse::from));
    Ok(http::list(req, &body, body.next_cursor.as_deref()))
}

async fn create_for(
    req: &HttpRequest,
    pool: &DbPool,
    actor: crate::audit::Actor,
    owner: impl FnOnce(&mut crate::db::DbConn) -> Result<Owner, ApiError> + Send + 'static,
    input: ContactPointInput,
) -> Result<HttpResponse, ApiError> {
    let cp = pool
        .run(move |conn| {
            let owner = owner(conn)?;
            db::insert_contact_point(conn, &actor, owner, input)
        })
        .await?;
    let location = format!("/api/v1/contact-points/{}", cp.id);
    Ok(http::created(
        req,
        &location,
        &ContactPointResponse::from(cp),
    ))
}

fn person_owner(
    key: String,
) -> impl FnOnce(&mut crate::db::DbConn) -> Result<Owner, ApiError> + Send + 'static {
    move |conn| {
        Ok(Owner::Person(
            crate::people::db::find_person(conn, &key, false)?.id,
        ))
    }
}

fn office_owner(
    key: String,
) -> impl FnOnce(&mut crate::db::DbConn) -> Result<Owner, ApiError> + Send + 'static {
    move |conn| {
        Ok(Owner::Office(
            crate::offices::db::find_office(conn, &key, false)?.id,
        ))
    }
}

/// List a person's phones and emails.
#[utoipa::path(
    tag = "contact-points",
    params(("id" = String, Path, description = "Person id or slug"), ContactPointListQuery),
    responses((status = 200, description = "The person's contact points, primary first", body = ContactPointList), ListErrors)
)]
#[get("/{id}/contact-points")]
pub async fn list_person_contact_points(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    id: web::Path<String>,
    QueryParams(query): QueryParams<ContactPointListQuery>,
) -> Result<HttpResponse, ApiError> {
    list_for(
        &req,
        &pool,
        caller.audience(),
        person_owner(id.into_inner()),
        query,
    )
    .await
}

/// Add a phone or email to a person.
#[utoipa::path(
    tag = "contact-points",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Person id or slug")),
    request_body = ContactPointInput,
    responses((status = 201, description = "Created; `Location` is its address", body = ContactPointResponse, headers(("ETag" = String), ("Location" = String))), CreateErrors)
)]
#[post("/{id}/contact-points")]
pub async fn create_person_contact_point(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    JsonBody(input): JsonBody<ContactPointInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    create_for(
        &req,
        &pool,
        caller.actor(),
        person_owner(id.into_inner()),
        input,
    )
    .await
}

/// List an office's switchboard, press line and press email.
#[utoipa::path(
    tag = "contact-points",
    params(("id" = String, Path, description = "Office id or slug"), ContactPointListQuery),
    responses((status = 200, description = "The office's contact points, primary first", body = ContactPointList), ListErrors)
)]
#[get("/{id}/contact-points")]
pub async fn list_office_contact_points(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    id: web::Path<String>,
    QueryParams(query): QueryParams<ContactPointListQuery>,
) -> Result<HttpResponse, ApiError> {
    list_for(
        &req,
        &pool,
        caller.audience(),
        office_owner(id.into_inner()),
        query,
    )
    .await
}

/// Add a phone or email to an office.
#[utoipa::path(
    tag = "contact-points",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Office id or slug")),
    request_body = ContactPointInput,
    responses((status = 201, description = "Created; `Location` is its address", body = ContactPointResponse, headers(("ETag" = String), ("Location" = String))), CreateErrors)
)]
#[post("/{id}/contact-points")]
pub async fn create_office_contact_point(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    JsonBody(input): JsonBody<ContactPointInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    create_for(
        &req,
        &pool,
        caller.actor(),
        office_owner(id.into_inner()),
        input,
    )
    .await
}

/// Get a contact point.
#[utoipa::path(
    tag = "contact-points",
    params(("id" = String, Path, description = "Contact point id")),
    responses((status = 200, description = "The contact point", body = ContactPointResponse, headers(("ETag" = String))), ReadErrors)
)]
#[get("/{id}")]
pub async fn get_contact_point(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let audience = caller.audience();
    let cp = pool
        .run(move |conn| db::find_contact_point(conn, &id, audience))
        .await?;
    Ok(http::single(
        &req,
        StatusCode::OK,
        &ContactPointResponse::from(cp),
    ))
}

/// Update a contact point.
#[utoipa::path(
    tag = "contact-points",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Contact point id"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    request_body = ContactPointPatch,
    responses((status = 200, description = "The contact point as changed", body = ContactPointResponse, headers(("ETag" = String))), UpdateErrors)
)]
#[patch("/{id}")]
pub async fn update_contact_point(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    precondition: Precondition,
    JsonBody(patch): JsonBody<ContactPointPatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    let cp = pool
        .run(move |conn| db::update_contact_point(conn, &actor, &id, patch, &precondition))
        .await?;
    Ok(http::single(
        &req,
        StatusCode::OK,
        &ContactPointResponse::from(cp),
    ))
}

/// Remove a contact point (it is archived, not destroyed).
#[utoipa::path(
    tag = "contact-points",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Contact point id"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    responses((status = 204, description = "Archived"), ArchiveErrors)
)]
#[delete("/{id}")]
pub async fn archive_contact_point(
    caller: crate::keys::Caller,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    precondition: Precondition,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    pool.run(move |conn| db::archive_contact_point(conn, &actor, &id, &precondition))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
