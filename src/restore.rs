//! `POST /api/v1/{kind}/{id}/restore` (admin): archived records come back.

use actix_web::{HttpResponse, post, web};
use diesel::prelude::*;

use crate::audit::Actor;
use crate::db::schema::{appearances, contact_points, offices, people, releases};
use crate::db::{DbConn, DbPool, now, write_transaction};
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

fn not_archived(what: &str) -> ApiError {
    ApiError::Conflict {
        detail: format!("This {what} is not archived."),
        errors: vec![],
    }
}

/// Un-archives a record (bumping its version) and records it in the audit trail.
pub fn restore(conn: &mut DbConn, actor: &Actor, kind: Kind, key: &str) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let at = now();
        match kind {
            Kind::Office => {
                let current = crate::offices::db::find_office(conn, key, true)?;
                if current.archived_at.is_none() {
                    return Err(not_archived("office"));
                }
                if let Some(parent) = &current.parent_id {
                    let parent_active = offices::table
                        .find(parent)
                        .filter(offices::archived_at.is_null())
                        .count()
                        .get_result::<i64>(conn)?;
                    if parent_active == 0 {
                        return Err(ApiError::Conflict {
                            detail: "Restore the supervising office first.".into(),
                            errors: vec![],
                        });
                    }
                }
                diesel::update(offices::table.find(&current.id))
                    .set((
                        offices::archived_at.eq(None::<chrono::NaiveDateTime>),
                        offices::updated_at.eq(at),
                        offices::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                let after = crate::offices::db::find_office(conn, &current.id, true)?;
                crate::audit::record(
                    conn,
                    actor,
                    "restore",
                    "office",
                    &current.id,
                    Some(&current),
                    Some(&after),
                )?;
            }
            Kind::Person => {
                let current = crate::people::db::find_person(conn, key, true)?;
                if current.archived_at.is_none() {
                    return Err(not_archived("person"));
                }
                diesel::update(people::table.find(&current.id))
                    .set((
                        people::archived_at.eq(None::<chrono::NaiveDateTime>),
                        people::updated_at.eq(at),
                        people::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                let after = crate::people::db::find_person(conn, &current.id, true)?;
                crate::audit::record(
                    conn,
                    actor,
                    "restore",
                    "person",
                    &current.id,
                    Some(&current),
                    Some(&after),
                )?;
            }
            Kind::Release => {
                let current = crate::releases::db::find_release(conn, key, true)?;
                if current.archived_at.is_none() {
                    return Err(not_archived("release"));
                }
                diesel::update(releases::table.find(&current.id))
                    .set((
                        releases::archived_at.eq(None::<chrono::NaiveDateTime>),
                        releases::updated_at.eq(at),
                        releases::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                let after = crate::releases::db::find_release(conn, &current.id, true)?;
                crate::audit::record(
                    conn,
                    actor,
                    "restore",
                    "release",
                    &current.id,
                    Some(&current),
                    Some(&after),
                )?;
            }
            Kind::ContactPoint => {
                let current: crate::contact_points::model::ContactPoint = contact_points::table
                    .find(key)
                    .select(crate::contact_points::model::ContactPoint::as_select())
                    .first(conn)
                    .optional()?
                    .ok_or_else(|| ApiError::not_found("contact point", key))?;
                if current.archived_at.is_none() {
                    return Err(not_archived("contact point"));
                }
                diesel::update(contact_points::table.find(&current.id))
                    .set((
                        contact_points::archived_at.eq(None::<chrono::NaiveDateTime>),
                        contact_points::updated_at.eq(at),
                        contact_points::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                crate::contact_points::db::touch_owner(conn, &current)?;
                crate::audit::record(
                    conn,
                    actor,
                    "restore",
                    "contact_point",
                    &current.id,
                    Some(&current),
                    None,
                )?;
            }
            Kind::Appearance => {
                let current: crate::releases::model::Appearance = appearances::table
                    .find(key)
                    .select(crate::releases::model::Appearance::as_select())
                    .first(conn)
                    .optional()?
                    .ok_or_else(|| ApiError::not_found("appearance", key))?;
                if current.archived_at.is_none() {
                    return Err(not_archived("appearance"));
                }
                diesel::update(appearances::table.find(&current.id))
                    .set((
                        appearances::archived_at.eq(None::<chrono::NaiveDateTime>),
                        appearances::updated_at.eq(at),
                        appearances::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                crate::releases::db::touch(conn, &current.release_id)?;
                crate::audit::record(
                    conn,
                    actor,
                    "restore",
                    "appearance",
                    &current.id,
                    Some(&current),
                    None,
                )?;
            }
        }
        Ok(())
    })
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
