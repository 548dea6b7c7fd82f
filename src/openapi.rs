//! The OpenAPI document: info, tags, and the error responses that operations share.

use utoipa::{IntoResponses, OpenApi};

use crate::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "pressdir",
        description = "A media-contact directory: offices, spokespeople and media contacts, their phones and emails, and the press releases they appear in.\n\nErrors are RFC 9457 `application/problem+json`. Single resources carry an `ETag`; `PATCH` and `DELETE` honour `If-Match`, `GET` honours `If-None-Match`. Every `{id}` also accepts the resource's slug.",
        license(name = "MIT", identifier = "MIT")
    ),
    tags(
        (name = "offices", description = "Offices: headquarters, regional and country offices."),
        (name = "people", description = "Spokespeople and media contacts."),
        (name = "contact-points", description = "Phones and emails of people and offices."),
        (name = "releases", description = "Press releases and the people who appear in them."),
        (name = "search", description = "One box over people, offices and releases."),
        (name = "api-keys", description = "API keys and their scopes (admin)."),
        (name = "webhooks", description = "Endpoints that are sent every change, signed (Standard Webhooks), with retries, a record of each attempt and redelivery (admin)."),
        (name = "audit", description = "The audit trail (admin)."),
        (name = "export", description = "The whole directory as one document, and back (admin)."),
        (name = "operations", description = "Health and the API description.")
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// `Authorization: Bearer <key>`; reads need no key.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key (`pressdir keys create`). Scopes: read:internal, read:embargoed, write, admin (admin implies the others)."))
                    .build(),
            ),
        );
    }
}

/// Writes the bounds that are enforced in one place into every operation:
/// each path, query and header parameter gets the `maxLength` that
/// `http::check_query_values`, the guard (path segments) and
/// `Precondition` (If-Match) enforce, and members whose rule lives in a
/// custom validator get theirs. Generated clients and fuzzers then know
/// every bound. It also names the union variants and attaches the
/// examples (see `attach_examples`).
pub fn document_bounds(spec: &mut utoipa::openapi::OpenApi) {
    use crate::http::MAX_PARAM_CHARS;
    use crate::paging::MAX_IF_MATCH_CHARS;
    let Ok(mut value) = serde_json::to_value(&*spec) else {
        return;
    };
    if let Some(paths) = value["paths"].as_object_mut() {
        for operation in paths.values_mut().filter_map(|p| p.as_object_mut()) {
            for op in operation.values_mut().filter(|op| op.is_object()) {
                // A bare text body (ingestion) has the same bound as `text`.
                // (`get_mut`, not indexing: indexing would add the members.)
                let text = op
                    .get_mut("requestBody")
                    .and_then(|b| b.get_mut("content"))
                    .and_then(|c| c.get_mut("text/plain"))
                    .and_then(|t| t.get_mut("schema"));
                if let Some(text) = text
                    && text["type"] == "string"
                    && text.get("maxLength").is_none()
                {
                    text["maxLength"] = crate::ingest::MAX_TEXT_CHARS.into();
                }
                if op["parameters"].as_array().is_some_and(|p| !p.is_empty())
                    && let Some(responses) = op["responses"].as_object_mut()
                {
                    responses.entry("400").or_insert_with(|| {
                        serde_json::json!({
                            "description": "A parameter is malformed or over its bound (every parameter has a `maxLength`).",
                            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
                        })
                    });
                }
                let Some(parameters) = op["parameters"].as_array_mut() else {
                    continue;
                };
                for parameter in parameters {
                    let bound = if parameter["name"] == "If-Match" {
                        MAX_IF_MATCH_CHARS
                    } else {
                        MAX_PARAM_CHARS
                    };
                    let schema = &mut parameter["schema"];
                    let is_string = schema["type"] == "string"
                        || schema["type"]
                            .as_array()
                            .is_some_and(|t| t.iter().any(|t| t == "string"));
                    if is_string
                        && schema.get("maxLength").is_none()
                        && schema.get("enum").is_none()
                    {
                        schema["maxLength"] = bound.into();
                    }
                }
            }
        }
    }
    // Members whose rule lives in a custom validator (`validate.rs`).
    let members: &[(&str, &str, &str, u64)] = &[
        ("PersonInput", "languages", "items.maxLength", 35),
        ("PersonInput", "topics", "items.maxLength", 100),
        ("PersonPatch", "languages", "maxItems", 50),
        ("PersonPatch", "languages", "items.maxLength", 35),
        ("PersonPatch", "topics", "maxItems", 50),
        ("PersonPatch", "topics", "items.maxLength", 100),
        ("OfficePatch", "country_code", "maxLength", 2),
        // Checked against the list of event types (the longest is far shorter).
        ("EndpointInput", "event_types", "items.maxLength", 64),
        ("EndpointPatch", "event_types", "items.maxLength", 64),
    ];
    let schemas = &mut value["components"]["schemas"];
    for (schema, member, key, bound) in members {
        let mut node = &mut schemas[*schema]["properties"][*member];
        if node.is_null() {
            continue;
        }
        let (parent, key) = key.rsplit_once('.').map_or(("", *key), |(p, k)| (p, k));
        if !parent.is_empty() {
            node = &mut node[parent];
        }
        node[key] = (*bound).into();
    }
    name_union_variants(&mut value["components"]["schemas"]);
    attach_examples(&mut value["paths"]);
    if let Ok(bounded) = serde_json::from_value(value) {
        *spec = bounded;
    }
}

/// Request and response bodies captured from a server on the seeded
/// directory by `tests/api/examples.rs`.
const EXAMPLES: &str = include_str!("../openapi/examples.json");

/// Gives every body in the spec its example: the one captured for that
/// operation, status and media type; for a refusal not captured on that
/// operation, the one captured for its status; for an image, a description
/// (a picture cannot be written in JSON).
fn attach_examples(paths: &mut serde_json::Value) {
    let Ok(examples) = serde_json::from_str::<serde_json::Value>(EXAMPLES) else {
        return;
    };
    let image = serde_json::json!({"photo": {
        "summary": "A portrait as the camera wrote it",
        "description": "A JPEG, PNG or WebP of at most `--max-photo-bytes`; it is stored as a 400×400 JPEG with its metadata (GPS included) removed."
    }});
    for (path, item) in paths.as_object_mut().into_iter().flatten() {
        for (method, operation) in item.as_object_mut().into_iter().flatten() {
            let captured = &examples["operations"][format!("{method} {path}")];
            if let Some(content) = operation
                .get_mut("requestBody")
                .and_then(|body| body.get_mut("content"))
                .and_then(|content| content.as_object_mut())
            {
                for (content_type, media) in content {
                    if let Some(example) = captured["request"].get(content_type) {
                        media["example"] = example.clone();
                    } else if content_type.starts_with("image/") {
                        media["examples"] = image.clone();
                    }
                }
            }
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(|r| r.as_object_mut())
            else {
                continue;
            };
            for (status, response) in responses {
                let Some(content) = response.get_mut("content").and_then(|c| c.as_object_mut())
                else {
                    continue;
                };
                for (content_type, media) in content {
                    let example = captured["responses"][status.as_str()]
                        .get(content_type)
                        .or_else(|| {
                            (content_type == "application/problem+json")
                                .then(|| examples["problems"].get(status.as_str()))
                                .flatten()
                        });
                    if let Some(example) = example {
                        media["example"] = example.clone();
                    } else if content_type.starts_with("image/") {
                        media["examples"] = image.clone();
                    }
                }
            }
        }
    }
}

/// Errors a restore can answer.
#[derive(IntoResponses)]
pub enum RestoreErrors {
    /// No key, or an unknown or revoked one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The key lacks the admin scope.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such record.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Not archived, or what it depends on is archived.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// Too many writes or searches from this key or address; see `Retry-After`.
    #[response(status = 429, content_type = "application/problem+json")]
    RateLimited(Problem),
    /// Something failed on the server; the cause is logged.
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is unavailable or busy; retry.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Errors of admin-only operations.
#[derive(IntoResponses)]
pub enum AdminErrors {
    /// A query parameter is malformed, unknown or out of range.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No key, or an unknown or revoked one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The key lacks the admin scope.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such resource.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Too many writes or searches from this key or address; see `Retry-After`.
    #[response(status = 429, content_type = "application/problem+json")]
    RateLimited(Problem),
    /// Something failed on the server; the cause is logged.
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is unavailable or busy; retry.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Errors any list can answer.
#[derive(IntoResponses)]
pub enum ListErrors {
    /// `If-None-Match` matches the page's current ETag.
    #[response(status = 304)]
    NotModified,
    /// A query parameter is malformed, unknown or out of range.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// `include_archived=true` without a key, or with an unknown or revoked key.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// `include_archived=true` with a key that lacks read:internal.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// The parent resource does not exist.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Too many writes or searches from this key or address; see `Retry-After`.
    #[response(status = 429, content_type = "application/problem+json")]
    RateLimited(Problem),
    /// Something failed on the server; the cause is logged.
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is unavailable or busy; retry.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Errors reading one resource can answer.
#[derive(IntoResponses)]
pub enum ReadErrors {
    /// `If-None-Match` matches the current ETag.
    #[response(status = 304)]
    NotModified,
    /// An unknown or revoked key was sent.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// No such resource (or the caller may not see it).
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Something failed on the server; the cause is logged.
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is unavailable or busy; retry.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Errors a create (`POST`) can answer.
#[derive(IntoResponses)]
pub enum CreateErrors {
    /// Malformed JSON.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No key, or an unknown or revoked one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The key lacks the needed scope.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// The parent resource does not exist.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Duplicate slug, url or value.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// The body is over the size limit.
    #[response(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Problem),
    /// The body is not `application/json`.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// Validation failed; every failing field is listed in `errors`.
    #[response(status = 422, content_type = "application/problem+json")]
    Validation(Problem),
    /// Too many writes or searches from this key or address; see `Retry-After`.
    #[response(status = 429, content_type = "application/problem+json")]
    RateLimited(Problem),
    /// Something failed on the server; the cause is logged.
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is unavailable or busy; retry.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Errors an update (`PATCH`) can answer.
#[derive(IntoResponses)]
pub enum UpdateErrors {
    /// Malformed JSON.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No key, or an unknown or revoked one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The key lacks the needed scope.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such resource.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Duplicate slug, url or value.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// `If-Match` does not match the current ETag.
    #[response(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(Problem),
    /// The body is over the size limit.
    #[response(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Problem),
    /// The body is not `application/json`.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// Validation failed; every failing field is listed in `errors`.
    #[response(status = 422, content_type = "application/problem+json")]
    Validation(Problem),
    /// Too many writes or searches from this key or address; see `Retry-After`.
    #[response(status = 429, content_type = "application/problem+json")]
    RateLimited(Problem),
    /// Something failed on the server; the cause is logged.
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is unavailable or busy; retry.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Errors an archive (`DELETE`) can answer.
#[derive(IntoResponses)]
pub enum ArchiveErrors {
    /// A malformed `If-Match` header.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No key, or an unknown or revoked one.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The key lacks the needed scope.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such resource.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Other records still depend on it.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// `If-Match` does not match the current ETag.
    #[response(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(Problem),
    /// Too many writes or searches from this key or address; see `Retry-After`.
    #[response(status = 429, content_type = "application/problem+json")]
    RateLimited(Problem),
    /// Something failed on the server; the cause is logged.
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// The database is unavailable or busy; retry.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// Tagged unions (`SearchHit`) as generators read them: each variant a
/// named schema (`PersonHit`: the response and its `type`), the union a
/// `oneOf` of references with a `discriminator`. utoipa writes the variants
/// inline, which `openapi-python-client` cannot read.
fn name_union_variants(schemas: &mut serde_json::Value) {
    use serde_json::json;
    let Some(names) = schemas
        .as_object()
        .map(|o| o.keys().cloned().collect::<Vec<_>>())
    else {
        return;
    };
    for name in names {
        let Some(variants) = schemas[&name]["oneOf"].as_array().cloned() else {
            continue;
        };
        let mut refs = vec![];
        let mut mapping = serde_json::Map::new();
        for variant in &variants {
            let parts = variant["allOf"].as_array();
            let tag = parts.and_then(|p| {
                p.iter()
                    .find_map(|part| part["properties"]["type"]["enum"][0].as_str())
            });
            let (Some(parts), Some(tag)) = (parts, tag) else {
                // Not a tagged union of references: left as it is.
                refs.clear();
                break;
            };
            // `person` in `SearchHit` is `PersonHit`; in another union `PersonUnion`.
            let suffix = if name == "SearchHit" { "Hit" } else { &name };
            let variant_name = format!("{}{}{suffix}", tag[..1].to_uppercase(), &tag[1..]);
            let mut named = json!({"allOf": parts});
            if let Some(description) = variant.get("description") {
                named["description"] = description.clone();
            }
            for part in named["allOf"].as_array_mut().into_iter().flatten() {
                if let Some(object) = part.as_object_mut() {
                    object.remove("description");
                }
            }
            schemas[&variant_name] = named;
            let reference = format!("#/components/schemas/{variant_name}");
            refs.push(json!({"$ref": reference}));
            mapping.insert(tag.to_string(), reference.into());
        }
        if refs.len() == variants.len() {
            schemas[&name]["oneOf"] = refs.into();
            schemas[&name]["discriminator"] = json!({"propertyName": "type", "mapping": mapping});
        }
    }
}
