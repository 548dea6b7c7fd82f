//! `/api/v1/api-keys` (admin).

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::db::{self, ApiKeyResponse, CreatedApiKey};
use super::{Caller, Scope};
use crate::db::DbPool;
use crate::error::ApiError;
use crate::http::JsonBody;
use crate::openapi::{AdminErrors, CreateErrors};

/// A new key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// Who or what uses the key; it names the actor in the audit trail.
    #[schema(min_length = 1, max_length = 100, example = "newsroom-sync")]
    pub name: String,
    /// Each scope once (three at most).
    #[schema(min_items = 1, max_items = 3)]
    pub scopes: Vec<Scope>,
}

/// List API keys (never their tokens).
#[utoipa::path(tag = "api-keys", security(("bearer" = ["admin"])), responses((status = 200, description = "The keys, newest first (names, scopes, dates; never tokens)", body = Vec<ApiKeyResponse>), AdminErrors))]
#[get("")]
pub async fn list_api_keys(
    pool: web::Data<DbPool>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let keys = pool.run(|conn| Ok(db::list_keys(conn)?)).await?;
    Ok(HttpResponse::Ok().json(
        keys.into_iter()
            .map(ApiKeyResponse::from)
            .collect::<Vec<_>>(),
    ))
}

/// Create an API key. The token is in this answer only.
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = ["admin"])),
    request_body = CreateApiKeyRequest,
    responses((status = 201, description = "Created; `token` is shown in this answer only", body = CreatedApiKey), CreateErrors)
)]
#[post("")]
pub async fn create_api_key(
    pool: web::Data<DbPool>,
    caller: Caller,
    JsonBody(request): JsonBody<CreateApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let actor = caller.actor();
    let created = pool
        .run(move |conn| db::create_key(conn, &actor, &request.name, &request.scopes))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Revoke an API key (by id or name).
#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = ["admin"])),
    params(("id" = String, Path, description = "Key id or name")),
    responses((status = 204, description = "Revoked"), AdminErrors)
)]
#[delete("/{id}")]
pub async fn revoke_api_key(
    pool: web::Data<DbPool>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let actor = caller.actor();
    pool.run(move |conn| db::revoke_key(conn, &actor, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_api_keys)
        .service(create_api_key)
        .service(revoke_api_key);
}
