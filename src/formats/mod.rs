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

/// Where absolute links point: a configured public URL, or the request's
/// own host. Forwarded headers are believed only when configured: anyone
/// can send them, and a shared cache would keep what they said.
#[derive(Debug, Clone, Default)]
pub struct LinkBase {
    public_url: Option<String>,
    trust_forwarded: bool,
}

impl LinkBase {
    pub fn new(public_url: Option<&str>, trust_forwarded: bool) -> anyhow::Result<Self> {
        let public_url = public_url
            .map(|text| {
                let url = url::Url::parse(text.trim())
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                    .filter(|u| u.query().is_none() && u.fragment().is_none())
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "--public-url / PRESSDIR_PUBLIC_URL must be an absolute http(s) URL without query, e.g. https://press.example.org"
                        )
                    })?;
                Ok::<_, anyhow::Error>(url.as_str().trim_end_matches('/').to_string())
            })
            .transpose()?;
        Ok(Self {
            public_url,
            trust_forwarded,
        })
    }
}

impl LinkBase {
    /// Whether forwarded headers are believed (the rate limit keys
    /// anonymous clients by the forwarded address then).
    pub fn trusts_forwarded(&self) -> bool {
        self.trust_forwarded
    }
}

/// Characters a host (with an optional port) is written with.
fn is_host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
}

/// The organisation the directory is for: the journalists' page's header,
/// the feeds' titles (`--organisation`).
#[derive(Clone)]
pub struct Organisation(pub String);

/// The base of absolute links for this request (no trailing slash).
pub fn base_url(req: &HttpRequest) -> String {
    let links = req
        .app_data::<actix_web::web::Data<LinkBase>>()
        .map(|l| l.get_ref().clone())
        .unwrap_or_default();
    if let Some(url) = links.public_url {
        return url;
    }
    let info = req.connection_info();
    let (scheme, host) = if links.trust_forwarded {
        (info.scheme().to_string(), info.host().to_string())
    } else {
        // The connection's own scheme and the Host header: a cache keys on
        // the Host anyway, unlike on X-Forwarded-Host.
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_string)
            .or_else(|| req.uri().authority().map(|a| a.to_string()))
            .unwrap_or_else(|| info.host().to_string());
        let scheme = req.uri().scheme_str().unwrap_or("http").to_string();
        (scheme, host)
    };
    let scheme = if scheme == "https" { "https" } else { "http" };
    if host.is_empty() || host.len() > 255 || !host.chars().all(is_host_char) {
        return format!("{scheme}://localhost");
    }
    format!("{scheme}://{host}")
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
