//! `POST /api/v1/{kind}/{id}/restore` (admin): archived records come back.

use actix_web::{HttpResponse, post, web};

use crate::audit::Actor;
use crate::db::{DbConn, DbPool};
use crate::error::ApiError;
use crate::keys::{Caller, Scope};
use crate::openapi::RestoreErrors;

/// What can be restored.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Office,
    Person,
    ContactPoint,
    Release,
    Appearance,
}

/// Un-archives a record through its resource's own restore function.
pub fn restore(conn: &mut DbConn, actor: &Actor, kind: Kind, key: &str) -> Result<(), ApiError> {
    match kind {
        Kind::Office => crate::offices::db::restore_office(conn, actor, key),
        Kind::Person => crate::people::db::restore_person(conn, actor, key),
        Kind::Release => crate::releases::db::restore_release(conn, actor, key),
        Kind::ContactPoint => crate::contact_points::db::restore_contact_point(conn, actor, key),
        Kind::Appearance => crate::releases::db::restore_appearance(conn, actor, key),
    }
}

async fn restore_as(
    pool: &DbPool,
    caller: Caller,
    kind: Kind,
    key: String,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let actor = caller.actor();
    pool.run(move |conn| restore(conn, &actor, kind, &key))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restore an archived office.
#[utoipa::path(tag = "offices", security(("bearer" = ["admin"])), params(("id" = String, Path, description = "Office id or slug")), responses((status = 204, description = "Restored"), RestoreErrors))]
#[post("/{id}/restore")]
pub async fn restore_office(
    pool: web::Data<DbPool>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    restore_as(&pool, caller, Kind::Office, id.into_inner()).await
}

/// Restore an archived person, with their contact points and appearances.
#[utoipa::path(tag = "people", security(("bearer" = ["admin"])), params(("id" = String, Path, description = "Person id or slug")), responses((status = 204, description = "Restored"), RestoreErrors))]
#[post("/{id}/restore")]
pub async fn restore_person(
    pool: web::Data<DbPool>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    restore_as(&pool, caller, Kind::Person, id.into_inner()).await
}

/// Restore a removed contact point.
#[utoipa::path(tag = "contact-points", security(("bearer" = ["admin"])), params(("id" = String, Path, description = "Contact point id")), responses((status = 204, description = "Restored"), RestoreErrors))]
#[post("/{id}/restore")]
pub async fn restore_contact_point(
    pool: web::Data<DbPool>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    restore_as(&pool, caller, Kind::ContactPoint, id.into_inner()).await
}

/// Restore an archived release.
#[utoipa::path(tag = "releases", security(("bearer" = ["admin"])), params(("id" = String, Path, description = "Release id or slug")), responses((status = 204, description = "Restored"), RestoreErrors))]
#[post("/{id}/restore")]
pub async fn restore_release(
    pool: web::Data<DbPool>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    restore_as(&pool, caller, Kind::Release, id.into_inner()).await
}

/// Restore an unlinked appearance.
#[utoipa::path(tag = "releases", security(("bearer" = ["admin"])), params(("id" = String, Path, description = "Appearance id")), responses((status = 204, description = "Restored"), RestoreErrors))]
#[post("/{id}/restore")]
pub async fn restore_appearance(
    pool: web::Data<DbPool>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    restore_as(&pool, caller, Kind::Appearance, id.into_inner()).await
}
