//! Operational endpoints outside `/api/v1`.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbPool;
use crate::error::{ApiError, Problem};

/// Liveness: the process answers.
#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness: the process is up (the database is not consulted).
#[utoipa::path(tag = "operations", responses((status = 200, description = "The process is up", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

/// Readiness: the database (and the read replica, when configured) answers.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "The database answers: ready for traffic", body = Health), (status = 503, description = "The database (or the replica) does not answer: take this instance out of rotation", body = Problem, content_type = "application/problem+json"))
)]
#[get("/readyz")]
pub async fn readyz(
    pool: web::Data<DbPool>,
    replica: Option<web::Data<crate::http::ReplicaPool>>,
) -> Result<HttpResponse, ApiError> {
    pool.ping(READY_TIMEOUT).await?;
    if let Some(replica) = replica {
        replica.0.ping(READY_TIMEOUT).await?;
    }
    Ok(HttpResponse::Ok().json(Health {
        status: "ok".into(),
    }))
}

/// How long `/readyz` waits for a database connection before answering 503.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// The spec served, computed once at start.
pub struct SpecJson(pub String);

/// This API's OpenAPI 3.1 description.
#[utoipa::path(tag = "operations", responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
#[get("/openapi.json")]
pub async fn openapi_json(spec: web::Data<SpecJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(spec.0.clone())
}
