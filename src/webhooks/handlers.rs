//! `/api/v1/webhooks`: endpoints, their deliveries, redelivery (admin).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};

use super::db;
use super::dispatch::WebhookSettings;
use super::model::{
    DeliveryList, DeliveryQuery, EndpointInput, EndpointList, EndpointPatch, EndpointResponse,
};
use crate::db::DbPool;
use crate::error::ApiError;
use crate::http::{self, JsonBody, QueryParams};
use crate::keys::{Caller, Scope};
use crate::openapi::{AdminErrors, ArchiveErrors, CreateErrors, UpdateErrors};
use crate::paging::Precondition;

/// Register an endpoint. The answer holds its signing secret, once.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = ["admin"])),
    request_body = EndpointInput,
    responses((status = 201, description = "Registered; `secret` is shown this once", body = EndpointResponse, headers(("ETag" = String), ("Location" = String))), CreateErrors)
)]
#[post("")]
pub async fn create_endpoint(
    caller: Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    settings: web::Data<WebhookSettings>,
    JsonBody(input): JsonBody<EndpointInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let actor = caller.actor();
    let allow_private = settings.allow_private;
    let created = pool
        .run(move |conn| db::insert_endpoint(conn, &actor, input, allow_private))
        .await?;
    let location = format!("/api/v1/webhooks/{}", created.id);
    let mut response = http::created(&req, &location, &created);
    // The secret is in this answer only: nobody may keep a copy.
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// The registered endpoints (never their secrets).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = ["admin"])),
    responses((status = 200, description = "The endpoints", body = EndpointList), AdminErrors)
)]
#[get("")]
pub async fn list_endpoints(
    caller: Caller,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let items = pool.run(|conn| Ok(db::list_endpoints(conn)?)).await?;
    let body = EndpointList {
        items: items.into_iter().map(EndpointResponse::from).collect(),
    };
    // Admin data, read rarely: no ETag, so no 304 (and, read with a key,
    // `private, no-store` from the guard's cache policy).
    Ok(HttpResponse::Ok().json(body))
}

/// One endpoint.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = ["admin"])),
    params(("id" = String, Path, description = "Endpoint id")),
    responses((status = 200, description = "The endpoint", body = EndpointResponse, headers(("ETag" = String))), (status = 304, description = "Not modified (`If-None-Match`)"), AdminErrors)
)]
#[get("/{id}")]
pub async fn get_endpoint(
    caller: Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let endpoint = pool.run(move |conn| db::find_endpoint(conn, &id)).await?;
    let body = EndpointResponse::from(endpoint);
    Ok(http::single(&req, StatusCode::OK, &body))
}

/// Change an endpoint; `status: active` resumes a failing or disabled one.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = ["admin"])),
    params(("id" = String, Path, description = "Endpoint id"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read; 412 when the endpoint changed since")),
    request_body = EndpointPatch,
    responses((status = 200, description = "The endpoint as changed", body = EndpointResponse, headers(("ETag" = String))), UpdateErrors)
)]
#[patch("/{id}")]
pub async fn update_endpoint(
    caller: Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    settings: web::Data<WebhookSettings>,
    id: web::Path<String>,
    precondition: Precondition,
    JsonBody(patch): JsonBody<EndpointPatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let actor = caller.actor();
    let allow_private = settings.allow_private;
    let endpoint = pool
        .run(move |conn| {
            db::update_endpoint(conn, &actor, &id, patch, &precondition, allow_private)
        })
        .await?;
    let body = EndpointResponse::from(endpoint);
    Ok(http::single(&req, StatusCode::OK, &body))
}

/// Remove an endpoint (archived): no more deliveries are made to it.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = ["admin"])),
    params(("id" = String, Path, description = "Endpoint id"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    responses((status = 204, description = "Archived"), ArchiveErrors)
)]
#[delete("/{id}")]
pub async fn archive_endpoint(
    caller: Caller,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    precondition: Precondition,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let actor = caller.actor();
    pool.run(move |conn| db::archive_endpoint(conn, &actor, &id, &precondition))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An endpoint's deliveries, newest first, each with every attempt.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = ["admin"])),
    params(("id" = String, Path, description = "Endpoint id"), DeliveryQuery),
    responses((status = 200, description = "A page of deliveries", body = DeliveryList), AdminErrors)
)]
#[get("/{id}/deliveries")]
pub async fn list_deliveries(
    caller: Caller,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    QueryParams(query): QueryParams<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let body = pool
        .run(move |conn| db::deliveries(conn, &id, &query))
        .await?;
    // Deliveries change by the second: no ETag; read with a key, the
    // guard's cache policy makes it `private, no-store`.
    Ok(HttpResponse::Ok().json(body))
}

/// Send a delivery again (a failed one, or one the receiver lost), with a
/// fresh retry window.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = ["admin"])),
    params(("id" = String, Path, description = "Endpoint id"), ("delivery_id" = String, Path, description = "Delivery id")),
    responses((status = 202, description = "Queued; it is sent within a moment"), (status = 409, description = "The delivery is being sent right now, or the endpoint is disabled", body = crate::error::Problem, content_type = "application/problem+json"), AdminErrors)
)]
#[post("/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    caller: Caller,
    pool: web::Data<DbPool>,
    settings: web::Data<WebhookSettings>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let actor = caller.actor();
    let retry_for = chrono::Duration::from_std(settings.retry_for).unwrap_or_default();
    let (id, delivery_id) = path.into_inner();
    pool.run(move |conn| db::redeliver(conn, &actor, &id, &delivery_id, retry_for))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}
