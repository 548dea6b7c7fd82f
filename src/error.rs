//! One error type for the whole API, rendered as RFC 9457 problem+json.
//!
//! `ApiError`'s `ResponseError` impl is the only place that picks a status
//! code or writes an error body.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// One failing input: which field, a machine-readable code, and a sentence.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct FieldError {
    /// The field (JSON member, query parameter or header) that failed, e.g. `contact_points[1].value`.
    pub field: String,
    /// Machine-readable reason, e.g. `required`, `length`, `email`, `phone`, `country_code`.
    pub code: String,
    /// What is wrong, for people.
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document. Every error the service answers has this shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem, e.g. `/problems/validation-failed`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short, human-readable summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// Every failing field (present on 400, 409 and 422 when fields are to blame).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request's id (its `X-Request-Id`), to find it in the server's logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {detail}")]
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {detail}")]
    Forbidden { detail: String, scope: &'static str },
    #[error("not found: {0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("not acceptable: {0}")]
    NotAcceptable(String),
    #[error("conflict: {detail}")]
    Conflict {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::BadRequest {
            detail: detail.into(),
            errors: vec![],
        }
    }

    pub fn bad_field(field: &str, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::BadRequest {
            detail: message.clone(),
            errors: vec![FieldError::new(field, code, message)],
        }
    }

    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::Conflict {
            detail: message.clone(),
            errors: vec![FieldError::new(field, "conflict", message)],
        }
    }

    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn not_found(what: &str, id: &str) -> Self {
        Self::NotFound(format!("No {what} with id or slug '{id}'."))
    }

    /// The problem `type` slug and `title` for this error.
    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            Self::BadRequest { .. } => ("bad-request", "Bad request"),
            Self::Unauthorized(_) => ("unauthorized", "Unauthorized"),
            Self::Forbidden { .. } => ("forbidden", "Forbidden"),
            Self::NotFound(_) => ("not-found", "Not found"),
            Self::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            Self::NotAcceptable(_) => ("not-acceptable", "Not acceptable"),
            Self::Conflict { .. } => ("conflict", "Conflict"),
            Self::PreconditionFailed => ("precondition-failed", "Precondition failed"),
            Self::PayloadTooLarge(_) => ("payload-too-large", "Payload too large"),
            Self::UnsupportedMediaType(_) => ("unsupported-media-type", "Unsupported media type"),
            Self::Validation(_) => ("validation-failed", "Validation failed"),
            Self::RateLimited { .. } => ("rate-limited", "Too many requests"),
            Self::Unavailable(_) => ("unavailable", "Service unavailable"),
            Self::Internal(_) => ("internal", "Internal server error"),
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::BadRequest { detail, .. } | Self::Conflict { detail, .. } | Self::Forbidden { detail, .. } => detail.clone(),
            Self::Unauthorized(d)
            | Self::NotFound(d)
            | Self::NotAcceptable(d)
            | Self::PayloadTooLarge(d)
            | Self::UnsupportedMediaType(d)
            | Self::Unavailable(d) => d.clone(),
            Self::MethodNotAllowed { allow } => format!("This resource answers {allow} only."),
            Self::RateLimited { retry_after_secs } => {
                format!("Too many writes or searches; retry in {retry_after_secs} s.")
            }
            Self::PreconditionFailed => {
                "The resource has changed since you read it (If-Match does not match its ETag); read it again and retry."
                    .into()
            }
            Self::Validation(errors) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                format!("{} field(s) failed validation: {}.", errors.len(), fields.join(", "))
            }
            // Opaque on purpose: the cause is logged, not sent.
            Self::Internal(_) => "Something went wrong on our side; it has been logged.".into(),
        }
    }

    pub fn problem(&self) -> Problem {
        let (slug, title) = self.kind();
        let errors = match self {
            Self::BadRequest { errors, .. } | Self::Conflict { errors, .. } => errors.clone(),
            Self::Validation(errors) => errors.clone(),
            _ => vec![],
        };
        Problem {
            problem_type: format!("/problems/{slug}"),
            title: title.into(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            errors,
            request_id: None,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        match self {
            Self::Unauthorized(_) => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"pressdir\""),
                ));
            }
            Self::Forbidden { scope, .. } => {
                let challenge = format!(
                    "Bearer realm=\"pressdir\", error=\"insufficient_scope\", scope=\"{scope}\""
                );
                if let Ok(value) = HeaderValue::from_str(&challenge) {
                    response.insert_header((header::WWW_AUTHENTICATE, value));
                }
            }
            Self::RateLimited { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.clone()));
            }
            _ => {}
        }
        if let Self::Unavailable(_) = self {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("1")));
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => Self::NotFound("Not found.".into()),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => Self::Conflict {
                detail: format!(
                    "A record with the same unique value already exists ({}).",
                    info.message()
                ),
                errors: vec![],
            },
            // SQLite answers "database is locked" when the busy timeout runs out.
            Error::DatabaseError(_, ref info) if info.message().contains("database is locked") => {
                Self::Unavailable("The database is busy; retry shortly.".into())
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                Self::Unavailable("The database connection was lost; retry shortly.".into())
            }
            // PostgreSQL gave up one of two writers waiting on each other
            // (a deadlock, 40P01) or on a serialisable snapshot (40001).
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                Self::Unavailable("Another write got in the way; retry shortly.".into())
            }
            Error::DatabaseError(_, ref info) if info.message().contains("deadlock detected") => {
                Self::Unavailable("Another write got in the way; retry shortly.".into())
            }
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(error: r2d2::Error) -> Self {
        tracing::warn!(%error, "database pool unavailable");
        Self::Unavailable("The database is unavailable; retry shortly.".into())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    /// The database work of a request panicked on its blocking thread.
    fn from(error: actix_web::error::BlockingError) -> Self {
        crate::metrics::METRICS.panics.inc();
        Self::Internal(anyhow::anyhow!("blocking task failed: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    #[test]
    fn diesel_errors_map_to_the_right_status() {
        assert_eq!(
            ApiError::from(Error::NotFound).status_code(),
            StatusCode::NOT_FOUND
        );
        let unique = Error::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("dup".to_string()),
        );
        assert_eq!(ApiError::from(unique).status_code(), StatusCode::CONFLICT);
        assert_eq!(
            ApiError::from(Error::RollbackTransaction).status_code(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let problem = ApiError::Internal(anyhow::anyhow!("password=hunter2")).problem();
        assert!(!problem.detail.contains("hunter2"));
        assert_eq!(problem.status, 500);
    }
}
