//! `POST /api/v1/releases/ingest`.

use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::apply::{IngestInput, IngestResponse, ingest};
use crate::db::DbPool;
use crate::error::ApiError;
use crate::http::{QueryParams, parse_json};
use crate::openapi::CreateErrors;

/// Options of an ingestion.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IngestParams {
    /// Show the extraction and what would be created or matched, writing nothing.
    pub dry_run: Option<bool>,
}

/// Ingest a press release's raw text.
///
/// Send JSON (`text` and, optionally, what the text does not say: `title`,
/// `url`, `published_on`, `language`; `publish_at` and `embargo_note` to
/// ingest it under embargo) or the bare text as `text/plain`.
/// Answers 201 with the release, its people and contact points, linked to
/// the offices and people already known; 200 when the same release (same
/// url, or same text) was ingested before, changing nothing, or for a dry run.
#[utoipa::path(
    tag = "releases",
    security(("bearer" = ["write"])),
    params(IngestParams),
    request_body(content((IngestInput = "application/json"), (String = "text/plain"))),
    responses(
        (status = 201, body = IngestResponse, description = "Ingested"),
        (status = 200, body = IngestResponse, description = "Already ingested (nothing changed), or a dry run"),
        CreateErrors
    )
)]
#[post("/ingest")]
pub async fn ingest_release(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    QueryParams(params): QueryParams<IngestParams>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let mime = req.mime_type().ok().flatten();
    let input: IngestInput = match mime
        .as_ref()
        .map(|m| (m.type_().as_str(), m.subtype().as_str()))
    {
        Some(("application", "json")) => parse_json(&body)?,
        Some(("text", "plain")) => IngestInput {
            text: String::from_utf8(body.to_vec())
                .map_err(|_| ApiError::bad_request("The text is not UTF-8."))?,
            ..Default::default()
        },
        _ => {
            return Err(ApiError::UnsupportedMediaType(
                "Send application/json or text/plain.".into(),
            ));
        }
    };
    let dry_run = params.dry_run.unwrap_or(false);
    let actor = caller.actor();
    let response = pool
        .run(move |conn| ingest(conn, &actor, input, dry_run))
        .await?;
    let status = if response.created && !response.dry_run {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(response))
}
