//! Other representations of the directory: vCard, CSV; and how a request
//! asks for one (`Accept`, or `?format=` where a browser link is handier).

pub mod csv;
pub mod jsonld;
pub mod vcard;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

/// A representation a list can be asked for with `?format=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Vcard,
    Csv,
    /// schema.org JSON-LD (single resources only; lists answer JSON).
    Jsonld,
}

/// What the request asks for: `?format=` wins, then `Accept`, then JSON.
pub fn negotiate(req: &HttpRequest, format: Option<Format>) -> Format {
    if let Some(format) = format {
        return format;
    }
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains("text/vcard") || accept.contains("text/x-vcard") {
        Format::Vcard
    } else if accept.contains("text/csv") {
        Format::Csv
    } else if accept.contains("application/ld+json") {
        Format::Jsonld
    } else {
        Format::Json
    }
}

/// The scheme and host the client used, for absolute links.
pub fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// A downloadable body with a sensible file name.
pub fn download(content_type: &str, filename: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}
