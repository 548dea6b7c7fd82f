//! Field rules shared by every request type: the `custom` functions that
//! `#[validate(...)]` attributes name, trimming, and turning validator's
//! errors into our field list.

use std::borrow::Cow;

use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::error::FieldError;

/// A failed rule with its code and message.
pub fn error(code: &'static str, message: impl Into<Cow<'static, str>>) -> ValidationError {
    ValidationError::new(code).with_message(message.into())
}

/// No control characters (tabs and newlines allowed only in long text).
pub fn single_line(value: &str) -> Result<(), ValidationError> {
    // U+2028 and U+2029 end a line in many readers, though not control characters.
    if value
        .chars()
        .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
    {
        return Err(error(
            "control_characters",
            "must not contain control characters or line breaks",
        ));
    }
    Ok(())
}

/// Long text: line breaks and tabs are fine, other control characters are not.
pub fn multi_line(value: &str) -> Result<(), ValidationError> {
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(error(
            "control_characters",
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// Lower-case ASCII words joined by single hyphens, and not shaped like a UUID
/// (ids and slugs share the `{id}` path segment).
pub fn slug(value: &str) -> Result<(), ValidationError> {
    let well_formed = !value.is_empty()
        && value.len() <= 80
        && value.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if !well_formed {
        return Err(error(
            "slug",
            "must be lower-case letters and digits in words joined by single hyphens, at most 80 characters",
        ));
    }
    if uuid::Uuid::parse_str(value).is_ok() {
        return Err(error("slug", "must not look like an id"));
    }
    Ok(())
}

/// ISO 3166-1 alpha-2, upper case (`CR`, `US`).
pub fn country_code(value: &str) -> Result<(), ValidationError> {
    if value.len() == 2
        && value.chars().all(|c| c.is_ascii_uppercase())
        && isocountry::CountryCode::for_alpha2(value).is_ok()
    {
        return Ok(());
    }
    Err(error(
        "country_code",
        "must be an ISO 3166-1 alpha-2 country code in upper case, e.g. CR",
    ))
}

/// An IANA time zone name (`America/Costa_Rica`).
pub fn timezone(value: &str) -> Result<(), ValidationError> {
    value.parse::<chrono_tz::Tz>().map(|_| ()).map_err(|_| {
        error(
            "timezone",
            "must be an IANA time zone name, e.g. America/Costa_Rica",
        )
    })
}

/// A well-formed BCP 47 language tag (`en`, `es-419`, `pt-BR`).
pub fn language_tag(value: &str) -> Result<(), ValidationError> {
    // RFC 5646 §4.4.1: 35 characters hold any tag worth storing.
    if value.len() > 35 {
        return Err(error("language_tag", "must have at most 35 characters"));
    }
    oxilangtag::LanguageTag::parse(value)
        .map(|_| ())
        .map_err(|_| {
            error(
                "language_tag",
                "must be a BCP 47 language tag, e.g. en or es-419",
            )
        })
}

pub fn language_tags(values: &[String]) -> Result<(), ValidationError> {
    if values.len() > MAX_TAGS {
        return Err(error("length", "at most 50 languages"));
    }
    values.iter().try_for_each(|v| language_tag(v))
}

/// Free-text tags: each non-empty, single-line, at most 100 characters.
pub fn tags(values: &[String]) -> Result<(), ValidationError> {
    if values.len() > MAX_TAGS {
        return Err(error("length", "at most 50 topics"));
    }
    for value in values {
        if value.is_empty() || value.chars().count() > 100 {
            return Err(error("length", "each topic must have 1 to 100 characters"));
        }
        single_line(value)?;
    }
    Ok(())
}

/// An absolute http(s) URL, written without spaces or control characters
/// (the URL parser would quietly drop some of them: what it drops must not
/// reach the database either).
pub fn http_url(value: &str) -> Result<(), ValidationError> {
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(error(
            "url",
            "must not contain spaces or control characters",
        ));
    }
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        _ => Err(error("url", "must be an absolute http or https URL")),
    }
}

/// A URL field as stored: the parsed URL's own serialisation, never the
/// raw text (a value that does not parse is left for validation to refuse).
pub fn normalize_url(value: &mut Option<String>) {
    trim_opt(value);
    if let Some(text) = value
        && http_url(text).is_ok()
        && let Ok(url) = url::Url::parse(text)
    {
        *text = url.to_string();
    }
}

/// Trims a required string.
pub fn trim(value: &mut String) {
    let trimmed = value.trim();
    if trimmed.len() != value.len() {
        *value = trimmed.to_string();
    }
}

/// Trims an optional string; blank becomes absent.
pub fn trim_opt(value: &mut Option<String>) {
    if let Some(v) = value {
        trim(v);
        if v.is_empty() {
            *value = None;
        }
    }
}

/// Most languages or topics a person may have (`maxItems`).
pub const MAX_TAGS: usize = 50;

/// Trims each tag, drops blanks and duplicates, keeps the order given. Over
/// [`MAX_TAGS`] sent, the list is left as sent for validation to refuse:
/// duplicates do not make an oversized list acceptable.
pub fn trim_tags(values: &mut Vec<String>) {
    if values.len() > MAX_TAGS {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    values.iter_mut().for_each(trim);
    values.retain(|v| !v.is_empty() && seen.insert(v.clone()));
}

/// The rule failures of a request, flattened; empty when it is valid.
pub fn errors_of(input: &impl validator::Validate) -> Vec<FieldError> {
    input
        .validate()
        .err()
        .map(|e| field_errors(&e))
        .unwrap_or_default()
}

/// Turns collected failures into a 422, or lets the write go on.
pub fn into_result(mut errors: Vec<FieldError>) -> Result<(), crate::error::ApiError> {
    if errors.is_empty() {
        return Ok(());
    }
    errors.sort_by(|a, b| a.field.cmp(&b.field));
    Err(crate::error::ApiError::Validation(errors))
}

impl From<ValidationErrors> for crate::error::ApiError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Validation(field_errors(&errors))
    }
}

/// Flattens validator's nested errors into `field`/`code`/`message` rows,
/// with paths such as `languages` or `contact_points[1].value`.
pub fn field_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect(errors, "", &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    out.push(FieldError::new(&path, e.code.to_string(), describe(e)));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

fn describe(e: &ValidationError) -> String {
    if let Some(message) = &e.message {
        return message.to_string();
    }
    let param = |name: &str| e.params.get(name).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must have {min} to {max} characters"),
            (None, Some(max)) => format!("must have at most {max} characters"),
            (Some(min), None) => format!("must have at least {min} characters"),
            _ => "has the wrong length".into(),
        },
        "range" => "is out of range".into(),
        "email" => "must be an email address".into(),
        code => format!("is invalid ({code})"),
    }
}

/// For PATCH bodies: tells a member sent as `null` (`Some(None)`) from one
/// left out (`None`, via `#[serde(default)]`).
pub fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

/// serde's derive reads a struct from a JSON array too, by position; a
/// member the spec calls an object must be one (and a list of objects, a
/// list of objects).
fn shaped<E: serde::de::Error>(value: &serde_json::Value, list: bool) -> Result<(), E> {
    let ok = if list {
        value
            .as_array()
            .is_some_and(|items| items.iter().all(serde_json::Value::is_object))
    } else {
        value.is_object()
    };
    if ok {
        Ok(())
    } else {
        Err(E::custom(if list {
            "must be an array of objects"
        } else {
            "must be an object"
        }))
    }
}

fn read_as<'de, D, T>(deserializer: D, list: bool) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    let value: serde_json::Value = serde::Deserialize::deserialize(deserializer)?;
    if value.is_null() {
        return Ok(None);
    }
    shaped::<D::Error>(&value, list)?;
    serde_json::from_value(value)
        .map(Some)
        .map_err(D::Error::custom)
}

/// An object member (not an array read by position).
pub fn object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    read_as(deserializer, false)?.ok_or_else(|| D::Error::custom("must be an object"))
}

/// An object member that may be null.
pub fn object_or_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    read_as(deserializer, false)
}

/// A PATCH member holding an object: left out, null (clears), or an object.
pub fn object_patch<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    read_as(deserializer, false).map(Some)
}

/// A list of objects.
pub fn objects<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    read_as(deserializer, true)?.ok_or_else(|| D::Error::custom("must be an array of objects"))
}

/// A PATCH member holding a list of objects, which may not be null.
pub fn objects_not_null<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    read_as(deserializer, true)?
        .map(Some)
        .ok_or_else(|| D::Error::custom("must not be null: leave the member out to keep it"))
}

/// For PATCH bodies: a member that cannot be cleared may be left out, but
/// not sent as `null` (which would otherwise read as "left out" and answer
/// 200 for a change that did not happen).
pub fn not_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::de::Error;
    let value: Option<T> = serde::Deserialize::deserialize(deserializer)?;
    value
        .map(Some)
        .ok_or_else(|| D::Error::custom("must not be null: leave the member out to keep it"))
}

/// An RFC 3339 instant, strictly: a four-digit year, a `T`, an offset
/// (`2026-11-27T21:04:21Z`). chrono's own `FromStr` also takes signed and
/// longer years, which no partner means.
pub fn rfc3339<'de, D>(deserializer: D) -> Result<Option<chrono::DateTime<chrono::Utc>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error;
    let text: Option<String> = serde::Deserialize::deserialize(deserializer)?;
    text.map(|text| {
        chrono::DateTime::parse_from_rfc3339(&text)
            .map(|at| at.with_timezone(&chrono::Utc))
            .map_err(|_| D::Error::custom("must be an RFC 3339 instant, e.g. 2026-11-27T21:04:21Z"))
    })
    .transpose()
}

/// An RFC 3339 instant in a partial update: absent leaves it, `null`
/// clears it (`Some(None)`).
pub fn rfc3339_patch<'de, D>(
    deserializer: D,
) -> Result<Option<Option<chrono::DateTime<chrono::Utc>>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    rfc3339(deserializer).map(Some)
}

/// A calendar date, strictly `YYYY-MM-DD` (chrono's own `FromStr` also
/// takes signed and longer years).
pub fn iso_date<'de, D>(deserializer: D) -> Result<Option<chrono::NaiveDate>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error;
    let text: Option<String> = serde::Deserialize::deserialize(deserializer)?;
    text.map(|text| {
        let shaped = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        shaped
            .then(|| chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok())
            .flatten()
            .ok_or_else(|| D::Error::custom("must be a date, e.g. 2026-01-31"))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_accept_good_values_and_refuse_bad_ones() {
        assert!(country_code("CR").is_ok());
        assert!(country_code("cr").is_err());
        assert!(country_code("XX").is_err());
        assert!(timezone("America/Costa_Rica").is_ok());
        assert!(timezone("Mars/Olympus").is_err());
        assert!(language_tag("es-419").is_ok());
        assert!(language_tag("not a tag").is_err());
        assert!(http_url("https://www.iom.int").is_ok());
        assert!(http_url("javascript:alert(1)").is_err());
        assert!(http_url("https://x.org/\r\nEMAIL:attacker@evil.example").is_err());
        assert!(http_url("https://x.org/\u{0}").is_err());
        let mut url = Some(" https://WWW.iom.int ".to_string());
        normalize_url(&mut url);
        assert_eq!(url.as_deref(), Some("https://www.iom.int/"));
        assert!(slug("jorge-gallo").is_ok());
        assert!(slug("Jorge Gallo").is_err());
        assert!(slug("0190f5a8-1b2c-7d3e-8f40-123456789abc").is_err());
        assert!(single_line("a\u{0}b").is_err());
        assert!(multi_line("para one\n\npara two").is_ok());
        let strict = |text: &str| rfc3339(serde_json::Value::String(text.into()));
        assert!(strict("2026-11-27T21:04:21Z").unwrap().is_some());
        assert!(strict("-0001-01-01T00:00:00Z").is_err());
        assert!(strict("+12026-01-01T00:00:00Z").is_err());
    }
}
