//! `GET /api/v1/audit` (admin).

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{AuditEntry, AuditFilter};
use crate::db::DbPool;
use crate::error::ApiError;
use crate::http::{self, QueryParams};
use crate::keys::{Caller, Scope};
use crate::openapi::AdminErrors;
use crate::paging::PageRequest;

crate::page_type!(
    AuditList,
    AuditEntry,
    "A page of the audit trail, oldest first."
);

/// Filters of the audit trail.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// `office`, `person`, `contact_point`, `release`, `appearance`, `api_key`.
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// Only writes at or after this instant (RFC 3339).
    #[serde(default, deserialize_with = "crate::validate::rfc3339")]
    pub since: Option<DateTime<Utc>>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The audit trail: every write, who made it, before and after.
#[utoipa::path(tag = "audit", security(("bearer" = ["admin"])), params(AuditQuery), responses((status = 200, description = "A page of audit entries, newest first", body = AuditList), (status = 304, description = "`If-None-Match` matches the page's current ETag"), AdminErrors))]
#[get("/audit")]
pub async fn list_audit(
    req: HttpRequest,
    pool: web::Data<DbPool>,
    caller: Caller,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Scope::Admin)?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let filter = AuditFilter {
        entity_type: query.entity_type,
        entity_id: query.entity_id,
        since: query.since,
    };
    let body = pool
        .run(move |conn| Ok(AuditList::from(super::list(conn, &filter, &page)?)))
        .await?;
    Ok(http::list(&req, &body, body.next_cursor.as_deref()))
}
