//! `/releases/{id}/appearances` and `/appearances/{id}`.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};

use super::db;
use super::model::{AppearanceInput, AppearanceList, AppearanceListQuery, AppearanceResponse};
use crate::db::DbPool;
use crate::error::ApiError;
use crate::http::{self, JsonBody, QueryParams, ReadPool};
use crate::openapi::{ArchiveErrors, CreateErrors, ListErrors};
use crate::paging::{PageRequest, Precondition};

/// List the people who appear in a release, in order.
#[utoipa::path(
    tag = "releases",
    params(("id" = String, Path, description = "Release id or slug"), AppearanceListQuery),
    responses((status = 200, description = "The release's appearances, in order", body = AppearanceList), ListErrors)
)]
#[get("/{id}/appearances")]
pub async fn list_release_appearances(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    id: web::Path<String>,
    QueryParams(query): QueryParams<AppearanceListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let embargoed = caller.sees_embargoed();
    let body = pool
        .run(move |conn| {
            let release = crate::releases::db::find_visible(conn, &id, embargoed)?;
            Ok(AppearanceList::from(db::list_for_release(
                conn,
                &release.id,
                &page,
            )?))
        })
        .await?;
    Ok(http::list(&req, &body, body.next_cursor.as_deref()))
}

/// Link a person to a release in a role.
#[utoipa::path(
    tag = "releases",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Release id or slug")),
    request_body = AppearanceInput,
    responses((status = 201, description = "Linked; `Location` is the release's appearances", body = AppearanceResponse, headers(("ETag" = String), ("Location" = String))), CreateErrors)
)]
#[post("/{id}/appearances")]
pub async fn create_appearance(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    JsonBody(input): JsonBody<AppearanceInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    let appearance = pool
        .run(move |conn| db::insert_appearance(conn, &actor, &id, input))
        .await?;
    let location = format!("/api/v1/releases/{}/appearances", appearance.release_id);
    Ok(http::created(&req, &location, &appearance))
}

/// Unlink a person from a release (the link is archived, not destroyed).
#[utoipa::path(
    tag = "releases",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Appearance id"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    responses((status = 204, description = "Archived"), ArchiveErrors)
)]
#[delete("/{id}")]
pub async fn archive_appearance(
    caller: crate::keys::Caller,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    precondition: Precondition,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    pool.run(move |conn| db::archive_appearance(conn, &actor, &id, &precondition))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
