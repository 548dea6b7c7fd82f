//! HTTP plumbing shared by every resource: body and query extractors that
//! answer problem+json (with the bounds every parameter has), reading
//! `If-Match` out of a request, list and single answers, the route table.
//!
//! Layer: above `db`, `paging` and `error`; used by handlers and the
//! middleware, never by a resource's `db.rs`.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, dev::Payload, web};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};
use crate::paging::etag;

/// A JSON request body. Unlike actix's `Json`, every failure is a problem:
/// 415 for another content type, 413 over the size limit, 400 for broken
/// JSON, 422 naming the field for valid JSON of the wrong shape (unknown
/// field, wrong type, missing member).
pub struct JsonBody<T>(pub T);

fn is_json(req: &HttpRequest) -> bool {
    match req.mime_type() {
        Ok(Some(mime)) => {
            mime.type_() == "application"
                && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
        }
        _ => false,
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType(
                    "Send the body as application/json.".into(),
                ));
            }
            let bytes = bytes.await.map_err(payload_error)?;
            parse_json(&bytes).map(JsonBody)
        })
    }
}

/// Maps actix's payload errors (size limit, broken transfer) to problems.
pub fn payload_error(error: actix_web::Error) -> ApiError {
    if error.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge("The request body is larger than this server accepts.".into())
    } else {
        ApiError::bad_request(format!("Could not read the request body: {error}"))
    }
}

/// Parses JSON, keeping the path of every member that failed.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| every_failing_member::<T>(bytes, json_problem(error)))?;
    deserializer
        .end()
        .map_err(|e| ApiError::bad_request(format!("Malformed JSON: {e}")))?;
    Ok(value)
}

/// Most failing members one body reports (the rest are found once those are fixed).
const MAX_MEMBER_PROBLEMS: usize = 32;

/// serde stops at the first member of the wrong shape. To name them all,
/// the failing member is taken out and the body read again, until it reads
/// or a problem repeats (a required member cannot be taken out).
fn every_failing_member<T: DeserializeOwned>(bytes: &[u8], first: ApiError) -> ApiError {
    let ApiError::Validation(mut errors) = first else {
        return first;
    };
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return ApiError::Validation(errors);
    };
    while errors.len() < MAX_MEMBER_PROBLEMS {
        let Some(last) = errors.last() else { break };
        if !remove_member(&mut value, &last.field) {
            break;
        }
        let Err(error) = serde_path_to_error::deserialize::<_, T>(&value) else {
            break;
        };
        let ApiError::Validation(more) = json_problem(error) else {
            break;
        };
        let new: Vec<FieldError> = more
            .into_iter()
            .filter(|e| !errors.iter().any(|known| known.field == e.field))
            .collect();
        if new.is_empty() {
            break;
        }
        errors.extend(new);
    }
    ApiError::Validation(errors)
}

/// Removes the member at a problem's path (`a.b[2].c`); false when there
/// is none to remove (a missing member, or the body itself).
fn remove_member(value: &mut serde_json::Value, path: &str) -> bool {
    let mut steps: Vec<Result<usize, &str>> = vec![];
    for part in path.split('.') {
        let (name, indices) = part
            .split_once('[')
            .map_or((part, ""), |(n, rest)| (n, rest));
        if !name.is_empty() {
            steps.push(Err(name));
        }
        for index in indices.split('[').filter(|i| !i.is_empty()) {
            match index.trim_end_matches(']').parse() {
                Ok(i) => steps.push(Ok(i)),
                Err(_) => return false,
            }
        }
    }
    let Some((last, parents)) = steps.split_last() else {
        return false;
    };
    let mut node = value;
    for step in parents {
        let next = match step {
            Ok(i) => node.get_mut(*i),
            Err(name) => node.get_mut(*name),
        };
        match next {
            Some(next) => node = next,
            None => return false,
        }
    }
    match (last, node) {
        (Err(name), serde_json::Value::Object(map)) => map.remove(*name).is_some(),
        // An array item is blanked, not removed, so later indices still hold.
        (Ok(i), serde_json::Value::Array(items)) if *i < items.len() => {
            let was_null = items[*i].is_null();
            items[*i] = serde_json::Value::Null;
            !was_null
        }
        _ => false,
    }
}

/// A JSON parse failure as a problem: a body of the wrong shape is 422
/// naming the member, broken JSON is 400.
pub fn json_problem(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if inner.classify() != serde_json::error::Category::Data {
        return ApiError::bad_request(format!("Malformed JSON: {inner}"));
    }
    let message = inner.to_string();
    // An unknown member's path already ends with its name; a missing
    // member's path is that of the object it is missing from.
    let member_path = |name: String| match path.as_str() {
        "." => name,
        p if p == name || p.ends_with(&format!(".{name}")) => path.clone(),
        p => format!("{p}.{name}"),
    };
    let (field, code) = if let Some(name) = backticked(&message, "unknown field `") {
        (member_path(name), "unknown_field")
    } else if let Some(name) = backticked(&message, "missing field `") {
        (member_path(name), "required")
    } else {
        (if path == "." { "body".into() } else { path }, "type")
    };
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or_default()
        .to_string();
    ApiError::Validation(vec![FieldError::new(field, code, message)])
}

fn backticked(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    Some(rest.split('`').next()?.to_string())
}

/// A query string parsed into `T`; failures are 400 problems naming the parameter.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(QueryParams))
    }
}

/// The longest value any path or query parameter may have, in characters
/// (ids, slugs, cursors, filters, `q`); documented as `maxLength` on every
/// parameter of the spec.
pub const MAX_PARAM_CHARS: usize = 200;

/// Every query value within the bound and free of control characters,
/// checked before the values are typed, looked up or searched for.
fn check_query_values(query: &str) -> Result<(), ApiError> {
    let mut errors = vec![];
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let name: String = key.chars().take(40).filter(|c| !c.is_control()).collect();
        if key.chars().count() > MAX_PARAM_CHARS {
            errors.push(FieldError::new(
                "query",
                "length",
                format!("a parameter name is longer than {MAX_PARAM_CHARS} characters"),
            ));
        } else if value.chars().count() > MAX_PARAM_CHARS {
            errors.push(FieldError::new(
                name,
                "length",
                format!("must have at most {MAX_PARAM_CHARS} characters"),
            ));
        } else if value.chars().any(char::is_control) || key.chars().any(char::is_control) {
            errors.push(FieldError::new(
                name,
                "control_characters",
                "must not contain control characters",
            ));
        }
        if errors.len() >= 20 {
            break;
        }
    }
    if errors.is_empty() {
        return Ok(());
    }
    Err(ApiError::BadRequest {
        detail: format!(
            "Query parameter(s) out of bounds: {}.",
            errors
                .iter()
                .map(|e| e.field.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        errors,
    })
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    check_query_values(query)?;
    let deserializer =
        serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let message = error.inner().to_string();
        let field = backticked(&message, "unknown field `")
            .or_else(|| backticked(&message, "missing field `"))
            .unwrap_or(if path == "." { "query".into() } else { path });
        ApiError::bad_field(
            &field,
            "invalid_query",
            format!("Query parameter '{field}': {message}"),
        )
    })
}

impl FromRequest for crate::paging::Precondition {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // The key was checked by the guard already: a malformed header is
        // reported before any lookup.
        // A header that is not visible ASCII is no ETag we issued: malformed,
        // never "no precondition".
        let precondition = match req.headers().get(header::IF_MATCH).map(|v| v.to_str()) {
            None => Self::from_header(None),
            Some(Ok(value)) => Self::from_header(Some(value)),
            Some(Err(_)) => Self::Malformed,
        };
        std::future::ready(match precondition {
            Self::Malformed => precondition.check(0).map(|()| precondition),
            _ => Ok(precondition),
        })
    }
}

/// What `single` reads of a resource for its validators, from the typed
/// value, so that the body is serialised once.
pub trait Validated: Serialize {
    /// Bumped on every change: the ETag, and what `If-Match` compares.
    fn version(&self) -> i64;
    /// The `Last-Modified`.
    fn updated_at(&self) -> chrono::DateTime<chrono::Utc>;
    /// What the answer computes from the clock, and so changes without a
    /// new version: whether someone is available now, and when next. The
    /// ETag carries it too, so that no cache keeps yesterday's "available"
    /// (`If-Match` still reads the version).
    fn availability(&self) -> Option<(bool, Option<chrono::DateTime<chrono::Utc>>)> {
        None
    }
}

/// A single resource as JSON with its ETag, or 304 when `If-None-Match` already has it.
pub fn single<T: Validated>(req: &HttpRequest, status: StatusCode, body: &T) -> HttpResponse {
    let version = body.version();
    let tag = match body.availability() {
        Some((available, next)) => format!(
            "\"{version}-{}{}\"",
            if available { "a" } else { "n" },
            next.map_or(0, |at| at.timestamp())
        ),
        None => etag(version),
    };
    // Only a read can be "not modified": a write that matched has happened.
    let read = matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD
    );
    let current =
        read && status == StatusCode::OK && none_match(req, |t| t.trim_start_matches("W/") == tag);
    let mut response = if current {
        HttpResponse::NotModified()
    } else {
        HttpResponse::build(status)
    };
    response.insert_header((header::ETAG, tag));
    response.insert_header((header::LAST_MODIFIED, http_date(body.updated_at())));
    if current {
        return response.finish();
    }
    response.json(body)
}

/// 201 with ETag and Location.
pub fn created<T: Validated>(req: &HttpRequest, location: &str, body: &T) -> HttpResponse {
    let mut response = single(req, StatusCode::CREATED, body);
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A list page as JSON, with a `Link: <...>; rel="next"` header when more follow.
pub fn list<T: Serialize>(req: &HttpRequest, body: &T, next_cursor: Option<&str>) -> HttpResponse {
    let json = serde_json::to_vec(body).unwrap_or_default();
    // A page has no version of its own: its tag is a digest of what it says.
    let tag = format!("W/\"{}\"", &crate::text::sha256_hex(&json)[..32]);
    let not_modified = none_match(req, |t| t == tag.trim_start_matches("W/"));
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response.insert_header((header::ETAG, tag.clone()));
    if let Some(link) = next_link(req, next_cursor) {
        response.insert_header((header::LINK, link));
    }
    if not_modified {
        return response.finish();
    }
    response.content_type("application/json").body(json)
}

/// A time as an HTTP date (`Last-Modified`): `Mon, 30 Nov 2026 14:03:00 GMT`.
pub fn http_date(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Whether `If-None-Match` names a tag `matches` accepts (weak comparison).
pub fn none_match(req: &HttpRequest, matches: impl Fn(&str) -> bool) -> bool {
    let Some(value) = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    value.trim() == "*"
        || value
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(matches)
}

/// `Link: <…>; rel="next"` for the page after this one.
pub fn next_link(req: &HttpRequest, next_cursor: Option<&str>) -> Option<String> {
    let cursor = next_cursor?;
    let query: Vec<(String, String)> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(key, _)| key != "cursor")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .chain(std::iter::once(("cursor".to_string(), cursor.to_string())))
        .collect();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    Some(format!("<{}?{}>; rel=\"next\"", req.path(), query))
}

/// The pool of a read replica, when one is configured.
pub struct ReplicaPool(pub crate::db::DbPool);

/// The pool a read goes to: the replica when one is configured, unless the
/// client asks for fresh data (`Cache-Control: no-cache`, e.g. right after
/// its own write), which only the primary can promise.
pub struct ReadPool(crate::db::DbPool);

impl std::ops::Deref for ReadPool {
    type Target = crate::db::DbPool;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl FromRequest for ReadPool {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let wants_fresh = req
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("no-cache"));
        let replica = req
            .app_data::<web::Data<ReplicaPool>>()
            .filter(|_| !wants_fresh);
        let pool = match replica {
            Some(replica) => Some(replica.0.clone()),
            None => req
                .app_data::<web::Data<crate::db::DbPool>>()
                .map(|p| p.get_ref().clone()),
        };
        std::future::ready(
            pool.map(ReadPool)
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no database pool registered"))),
        )
    }
}

/// The documented paths and their methods, to tell "no such resource" (404)
/// from "not with that method" (405 with `Allow`).
pub struct RouteTable(Vec<RouteEntry>);

struct RouteEntry {
    template: String,
    segments: Vec<String>,
    methods: Vec<String>,
}

impl RouteTable {
    pub fn from_spec(spec: &utoipa::openapi::OpenApi) -> Self {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path.split('/').map(str::to_string).collect();
                let mut methods: Vec<String> = serde_json::to_value(item)
                    .ok()
                    .and_then(|v| {
                        v.as_object().map(|o| {
                            o.keys()
                                .filter(|k| !k.starts_with('x') && *k != "parameters")
                                .map(|k| k.to_uppercase())
                                .collect()
                        })
                    })
                    .unwrap_or_default();
                // HEAD is answered wherever GET is.
                if methods.iter().any(|m| m == "GET") {
                    methods.push("HEAD".into());
                }
                methods.sort();
                RouteEntry {
                    template: path.clone(),
                    segments,
                    methods,
                }
            })
            .collect();
        Self(routes)
    }

    /// The documented route a (decoded) path falls under: its template
    /// (`/api/v1/people/{id}`) and the methods it answers. A literal route
    /// wins over a templated one (`/people/search` over `/people/{id}`).
    pub fn route_for(&self, path: &str) -> Option<(&str, &[String])> {
        let parts: Vec<&str> = path.split('/').collect();
        self.0
            .iter()
            .filter(|entry| {
                entry.segments.len() == parts.len()
                    && entry
                        .segments
                        .iter()
                        .zip(&parts)
                        .all(|(p, s)| p == s || (p.starts_with('{') && !s.is_empty()))
            })
            .min_by_key(|entry| entry.segments.iter().filter(|s| s.starts_with('{')).count())
            .map(|entry| (entry.template.as_str(), entry.methods.as_slice()))
    }

    /// The methods a path answers, if it is a documented path.
    pub fn methods_for(&self, path: &str) -> Option<&[String]> {
        self.route_for(path).map(|(_, methods)| methods)
    }
}
