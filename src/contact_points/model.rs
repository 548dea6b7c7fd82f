//! Contact points: phones and emails of a person or an office.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidateEmail};

use crate::db::schema::contact_points;
use crate::error::FieldError;
use crate::validate::{self as rules, trim, trim_opt};

/// How to reach someone.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Phone,
    Mobile,
    Email,
    Fax,
}

impl ContactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Mobile => "mobile",
            Self::Email => "email",
            Self::Fax => "fax",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "mobile" => Self::Mobile,
            "email" => Self::Email,
            "fax" => Self::Fax,
            _ => Self::Phone,
        }
    }
}

/// Who may see a contact point.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Shown to everyone.
    #[default]
    Public,
    /// Shown only to keys with `read:internal`.
    Internal,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Internal => "internal",
        }
    }

    pub fn parse(text: &str) -> Self {
        if text == "internal" {
            Self::Internal
        } else {
            Self::Public
        }
    }
}

/// A `contact_points` row.
#[derive(
    Debug,
    Clone,
    Queryable,
    Selectable,
    Insertable,
    AsChangeset,
    serde::Serialize,
    serde::Deserialize,
)]
// None is NULL on insert too, so that rows batch-insert on SQLite (no DEFAULT there).
#[diesel(
    table_name = contact_points,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct ContactPoint {
    pub id: String,
    pub person_id: Option<String>,
    pub office_id: Option<String>,
    pub kind: String,
    pub value: String,
    pub display: String,
    pub label: Option<String>,
    pub visibility: String,
    pub is_primary: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub archived_at: Option<NaiveDateTime>,
    /// The release this number or address was read from (ingestion).
    #[serde(default)]
    pub source_release_id: Option<String>,
    /// When a release last printed this number or address.
    #[serde(default)]
    pub last_seen_in_release_at: Option<NaiveDateTime>,
}

/// A new phone or email.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPointInput {
    pub kind: ContactKind,
    /// The number or address, in any common format: phones are stored in
    /// E.164 (parsed with the owner's office country as default region),
    /// emails with a lower-cased domain.
    #[validate(length(min = 1, max = 320), custom(function = "rules::single_line"))]
    #[schema(min_length = 1, max_length = 320, example = "+506 72036536")]
    pub value: String,
    /// As printed; defaults to `value` as sent.
    #[validate(length(max = 320), custom(function = "rules::single_line"))]
    #[schema(max_length = 320)]
    pub display: Option<String>,
    /// E.g. `Tel`, `Press line`, `WhatsApp`.
    #[validate(length(max = 100), custom(function = "rules::single_line"))]
    #[schema(max_length = 100, example = "Tel")]
    pub label: Option<String>,
    /// Defaults to `public`.
    pub visibility: Option<Visibility>,
    /// The one to use first among the owner's contact points of this kind.
    pub is_primary: Option<bool>,
}

impl ContactPointInput {
    pub fn normalize(&mut self) {
        trim(&mut self.value);
        trim_opt(&mut self.display);
        trim_opt(&mut self.label);
    }
}

impl From<&ContactPoint> for ContactPointInput {
    fn from(cp: &ContactPoint) -> Self {
        Self {
            kind: ContactKind::parse(&cp.kind),
            // The canonical value, not the display: a display such as
            // "+506 7203 6536 (WhatsApp)" need not parse again.
            value: cp.value.clone(),
            display: Some(cp.display.clone()),
            label: cp.label.clone(),
            visibility: Some(Visibility::parse(&cp.visibility)),
            is_primary: Some(cp.is_primary),
        }
    }
}

/// A partial update of a contact point.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPointPatch {
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    #[schema(nullable = false)]
    pub kind: Option<ContactKind>,
    /// A new number or address (its `display` follows unless also sent).
    #[schema(nullable = false, max_length = 320)]
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    pub value: Option<String>,
    #[schema(nullable = false, max_length = 320)]
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    pub display: Option<String>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub label: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    #[schema(nullable = false)]
    pub visibility: Option<Visibility>,
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    #[schema(nullable = false)]
    pub is_primary: Option<bool>,
}

impl ContactPointPatch {
    pub fn apply(self, mut input: ContactPointInput) -> ContactPointInput {
        if let Some(kind) = self.kind {
            input.kind = kind;
        }
        if let Some(value) = self.value {
            input.display = self.display.clone().or_else(|| Some(value.clone()));
            input.value = value;
        } else if let Some(display) = self.display {
            input.display = Some(display);
        }
        if let Some(label) = self.label {
            input.label = label;
        }
        if self.visibility.is_some() {
            input.visibility = self.visibility;
        }
        if self.is_primary.is_some() {
            input.is_primary = self.is_primary;
        }
        input
    }
}

/// An extension at the end of a printed number (`ext. 204`, `poste 204`,
/// `доб. 12`, `;ext=204`).
static EXTENSION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)[\s,(]*(?:;\s*ext=|ext\.?|extension|extensión|x|poste|ramal|anexo|int\.|interno|доб\.?|вн\.?|تحويلة)\s*[:.]?\s*(?P<ext>\d{1,6})\s*\)?\s*$",
    )
    .expect("extension regex")
});

/// A printed number read for parsing: its digits in ASCII (Arabic-Indic
/// digits are common in Arabic releases), no space after the `+`, `00` as
/// `+`, and its extension apart.
pub fn split_extension(raw: &str) -> (String, Option<String>) {
    let ascii: String = raw
        .chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            other => other,
        })
        .collect();
    let (number, extension) = match EXTENSION.captures(&ascii) {
        Some(c) => (
            ascii[..c.get(0).map(|m| m.start()).unwrap_or(ascii.len())].to_string(),
            Some(c["ext"].to_string()),
        ),
        None => (ascii.clone(), None),
    };
    let number = number.trim();
    let number = match number.strip_prefix('+') {
        Some(rest) => format!("+{}", rest.trim_start()),
        None => match number.strip_prefix("00") {
            Some(rest) if rest.len() > 8 => format!("+{rest}"),
            _ => number.to_string(),
        },
    };
    (number, extension)
}

/// The stored form of a number or address: E.164 for phones, lower-cased
/// domain for emails. `default_region` is the owner's office country.
pub fn canonical_value(
    kind: ContactKind,
    raw: &str,
    default_region: Option<&str>,
) -> Result<String, FieldError> {
    match kind {
        ContactKind::Email => {
            if !raw.validate_email() {
                return Err(FieldError::new(
                    "value",
                    "email",
                    format!("'{raw}' is not an email address"),
                ));
            }
            let (local, domain) = raw.rsplit_once('@').unwrap_or((raw, ""));
            Ok(format!("{local}@{}", domain.to_lowercase()))
        }
        ContactKind::Phone | ContactKind::Mobile | ContactKind::Fax => {
            let region =
                default_region.and_then(|code| code.parse::<phonenumber::country::Id>().ok());
            let invalid = || {
                FieldError::new(
                    "value",
                    "phone",
                    format!(
                        "'{raw}' is not a valid phone number{}",
                        if region.is_none() {
                            " (write it in international format, starting with +)"
                        } else {
                            ""
                        }
                    ),
                )
            };
            let (digits, extension) = split_extension(raw);
            // An international number is read as such: a default region
            // only misleads the parser there.
            let region = if digits.starts_with('+') {
                None
            } else {
                region
            };
            let number = phonenumber::parse(region, digits).map_err(|_| invalid())?;
            if !phonenumber::is_valid(&number) {
                return Err(invalid());
            }
            let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
            Ok(match extension {
                Some(ext) => format!("{e164};ext={ext}"),
                None => e164,
            })
        }
    }
}

/// A phone or email.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactPointResponse {
    pub id: String,
    /// Set when a person owns it.
    pub person_id: Option<String>,
    /// Set when an office owns it.
    pub office_id: Option<String>,
    pub kind: ContactKind,
    /// Canonical: E.164 for phones, lower-cased domain for emails.
    #[schema(example = "+50672036536")]
    pub value: String,
    /// As printed.
    #[schema(example = "+506 72036536")]
    pub display: String,
    /// `tel:` or `mailto:` link.
    #[schema(example = "tel:+50672036536")]
    pub uri: String,
    pub label: Option<String>,
    pub visibility: Visibility,
    pub is_primary: bool,
    /// The release this number or address was read from; null when it was
    /// entered by hand.
    pub source_release_id: Option<String>,
    /// When a release last printed it.
    pub last_seen_in_release_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub archived_at: Option<DateTime<Utc>>,
}

impl crate::http::Validated for ContactPointResponse {
    fn version(&self) -> i64 {
        self.version
    }

    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl From<ContactPoint> for ContactPointResponse {
    fn from(cp: ContactPoint) -> Self {
        let kind = ContactKind::parse(&cp.kind);
        let uri = match kind {
            ContactKind::Email => format!("mailto:{}", cp.value),
            _ => format!("tel:{}", cp.value),
        };
        Self {
            id: cp.id,
            person_id: cp.person_id,
            office_id: cp.office_id,
            kind,
            value: cp.value,
            display: cp.display,
            uri,
            label: cp.label,
            visibility: Visibility::parse(&cp.visibility),
            is_primary: cp.is_primary,
            source_release_id: cp.source_release_id,
            last_seen_in_release_at: cp.last_seen_in_release_at.map(|t| t.and_utc()),
            created_at: cp.created_at.and_utc(),
            updated_at: cp.updated_at.and_utc(),
            version: cp.version,
            archived_at: cp.archived_at.map(|t| t.and_utc()),
        }
    }
}

crate::page_type!(
    ContactPointList,
    ContactPointResponse,
    "A page of contact points."
);

/// Paging for an owner's contact points.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContactPointListQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
