//! Offices: rows, request bodies and responses.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::reach::Hours;

use crate::db::schema::offices;
use crate::validate::{self as rules, trim, trim_opt};

/// What kind of office this is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OfficeKind {
    Headquarters,
    RegionalOffice,
    CountryOffice,
    LiaisonOffice,
    Other,
}

impl OfficeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Headquarters => "headquarters",
            Self::RegionalOffice => "regional_office",
            Self::CountryOffice => "country_office",
            Self::LiaisonOffice => "liaison_office",
            Self::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "headquarters" => Self::Headquarters,
            "regional_office" => Self::RegionalOffice,
            "country_office" => Self::CountryOffice,
            "liaison_office" => Self::LiaisonOffice,
            _ => Self::Other,
        }
    }
}

/// An `offices` row.
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
// None is NULL on insert too, so that rows load by COPY on PostgreSQL.
#[diesel(
    table_name = offices,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct Office {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub region: Option<String>,
    pub timezone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    #[serde(skip, default)]
    pub search_text: String,
    /// The folded name, for ranking.
    #[serde(skip, default)]
    pub name_key: String,
    /// The row's search key (see `search::fts_rowid`).
    #[serde(skip, default)]
    pub search_rowid: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub archived_at: Option<NaiveDateTime>,
    /// Stored as JSON text; exported as the object (`reach::Hours`).
    #[serde(with = "crate::reach::json_text", default)]
    pub hours: Option<String>,
    #[serde(default)]
    pub duty_contact_point_id: Option<String>,
}

/// The editable columns, written whole on every update.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = offices, treat_none_as_null = true)]
pub struct OfficeChanges {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub region: Option<String>,
    pub timezone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub hours: Option<String>,
    pub duty_contact_point_id: Option<String>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A new office. `slug` is generated from `name` when absent.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeInput {
    /// URL name, unique among offices; generated from `name` when absent.
    #[validate(custom(function = "rules::slug"))]
    #[schema(
        max_length = 80,
        pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$",
        example = "iom-washington"
    )]
    pub slug: Option<String>,
    /// The office's name.
    #[validate(length(min = 1, max = 200), custom(function = "rules::single_line"))]
    #[schema(min_length = 1, max_length = 200, example = "IOM Washington")]
    pub name: String,
    pub kind: OfficeKind,
    /// The supervising office (id or slug), e.g. a regional office for a country office.
    #[validate(length(max = 80), custom(function = "rules::single_line"))]
    #[schema(max_length = 80)]
    pub parent_id: Option<String>,
    #[validate(length(max = 100), custom(function = "rules::single_line"))]
    #[schema(max_length = 100, example = "Washington")]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    #[validate(custom(function = "rules::country_code"))]
    #[schema(max_length = 2, pattern = "^([A-Z]{2})?$", example = "US")]
    pub country_code: Option<String>,
    /// Free-text region, e.g. "Central America, North America and the Caribbean".
    #[validate(length(max = 200), custom(function = "rules::single_line"))]
    #[schema(max_length = 200)]
    pub region: Option<String>,
    /// IANA time zone.
    #[validate(custom(function = "rules::timezone"))]
    #[schema(max_length = 64, example = "America/New_York")]
    pub timezone: Option<String>,
    #[validate(length(max = 500), custom(function = "rules::multi_line"))]
    #[schema(max_length = 500)]
    pub address: Option<String>,
    /// An absolute http(s) URL.
    #[validate(length(max = 2000), custom(function = "rules::http_url"))]
    #[schema(max_length = 2000)]
    pub website: Option<String>,
    /// When the office's press desk answers, in its time zone; people
    /// without hours of their own are read with these.
    #[serde(default, deserialize_with = "crate::validate::object_or_null")]
    #[validate(custom(function = "crate::reach::validate_hours"))]
    pub hours: Option<Hours>,
    /// The duty line: one of this office's public phones, always answered
    /// (set it once the office has one).
    #[validate(length(max = 80), custom(function = "rules::single_line"))]
    #[schema(max_length = 80)]
    pub duty_contact_point_id: Option<String>,
}

impl OfficeInput {
    pub fn normalize(&mut self) {
        trim(&mut self.name);
        for field in [
            &mut self.slug,
            &mut self.parent_id,
            &mut self.city,
            &mut self.country_code,
            &mut self.region,
            &mut self.timezone,
            &mut self.address,
            &mut self.duty_contact_point_id,
        ] {
            trim_opt(field);
        }
        crate::validate::normalize_url(&mut self.website);
    }
}

impl From<&Office> for OfficeInput {
    fn from(office: &Office) -> Self {
        Self {
            slug: Some(office.slug.clone()),
            name: office.name.clone(),
            kind: OfficeKind::parse(&office.kind),
            parent_id: office.parent_id.clone(),
            city: office.city.clone(),
            country_code: office.country_code.clone(),
            region: office.region.clone(),
            timezone: office.timezone.clone(),
            address: office.address.clone(),
            website: office.website.clone(),
            hours: crate::reach::from_text(office.hours.as_deref()),
            duty_contact_point_id: office.duty_contact_point_id.clone(),
        }
    }
}

/// A partial update: members left out stay as they are, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficePatch {
    #[schema(nullable = false, max_length = 80)]
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    pub slug: Option<String>,
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    #[schema(nullable = false)]
    pub kind: Option<OfficeKind>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 80)]
    pub parent_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, pattern = "^([A-Z]{2})?$")]
    pub country_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub region: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 64)]
    pub timezone: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub website: Option<Option<String>>,
    /// Replaces the hours whole; `null` removes them.
    #[serde(default, deserialize_with = "crate::validate::object_patch")]
    #[schema(value_type = Option<Hours>)]
    pub hours: Option<Option<Hours>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 80)]
    pub duty_contact_point_id: Option<Option<String>>,
}

impl OfficePatch {
    /// The office as it will be after this patch.
    pub fn apply(self, mut input: OfficeInput) -> OfficeInput {
        if let Some(slug) = self.slug {
            input.slug = Some(slug);
        }
        if let Some(name) = self.name {
            input.name = name;
        }
        if let Some(kind) = self.kind {
            input.kind = kind;
        }
        for (target, change) in [
            (&mut input.parent_id, self.parent_id),
            (&mut input.city, self.city),
            (&mut input.country_code, self.country_code),
            (&mut input.region, self.region),
            (&mut input.timezone, self.timezone),
            (&mut input.address, self.address),
            (&mut input.website, self.website),
            (&mut input.duty_contact_point_id, self.duty_contact_point_id),
        ] {
            if let Some(value) = change {
                *target = value;
            }
        }
        if let Some(hours) = self.hours {
            input.hours = hours;
        }
        input
    }
}

/// An office.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeResponse {
    /// UUIDv7.
    pub id: String,
    pub slug: String,
    pub name: String,
    pub kind: OfficeKind,
    /// The supervising office's id.
    pub parent_id: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub region: Option<String>,
    pub timezone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped on every change; the ETag.
    pub version: i64,
    /// Set when the office was archived (deleted).
    pub archived_at: Option<DateTime<Utc>>,
    /// When the press desk answers, in the office's time zone.
    pub hours: Option<Hours>,
    /// Whether the hours say the desk answers at the moment of the answer;
    /// null when unknown (no hours, or no time zone).
    pub available_now: Option<bool>,
    /// When not available now: the next time the hours begin.
    pub next_available_at: Option<DateTime<Utc>>,
    /// The office's duty line (a contact point of its own, always answered).
    pub duty_contact_point_id: Option<String>,
}

impl crate::http::Validated for OfficeResponse {
    fn version(&self) -> i64 {
        self.version
    }

    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    fn availability(&self) -> Option<(bool, Option<DateTime<Utc>>)> {
        self.available_now.map(|now| (now, self.next_available_at))
    }
}

impl From<Office> for OfficeResponse {
    fn from(o: Office) -> Self {
        let hours = crate::reach::from_text(o.hours.as_deref());
        let reach = crate::reach::reach_in(hours.as_ref(), o.timezone.as_deref(), Utc::now());
        Self {
            hours,
            available_now: reach.available_now,
            next_available_at: reach.next_available_at,
            duty_contact_point_id: o.duty_contact_point_id.clone(),
            kind: OfficeKind::parse(&o.kind),
            id: o.id,
            slug: o.slug,
            name: o.name,
            parent_id: o.parent_id,
            city: o.city,
            country_code: o.country_code,
            region: o.region,
            timezone: o.timezone,
            address: o.address,
            website: o.website,
            created_at: o.created_at.and_utc(),
            updated_at: o.updated_at.and_utc(),
            version: o.version,
            archived_at: o.archived_at.map(|t| t.and_utc()),
        }
    }
}

/// The few fields of an office that people and releases embed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfficeSummary {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub timezone: Option<String>,
    /// The office's hours, for people who have none of their own (not shown).
    #[serde(skip)]
    pub hours: Option<Hours>,
    /// The office's duty line, read by `people::db::embed` (not shown).
    #[serde(skip)]
    pub duty_contact_point_id: Option<String>,
}

impl From<&Office> for OfficeSummary {
    fn from(o: &Office) -> Self {
        Self {
            hours: crate::reach::from_text(o.hours.as_deref()),
            duty_contact_point_id: o.duty_contact_point_id.clone(),
            id: o.id.clone(),
            slug: o.slug.clone(),
            name: o.name.clone(),
            city: o.city.clone(),
            country_code: o.country_code.clone(),
            timezone: o.timezone.clone(),
        }
    }
}

crate::page_type!(OfficeList, OfficeResponse, "A page of offices.");

/// Filters for listing offices.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OfficeListQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Words that must all appear in the office's name, city, country or region
    /// (case-, accent- and punctuation-insensitive).
    pub q: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Region, matched case-insensitively.
    pub region: Option<String>,
    pub kind: Option<OfficeKind>,
    /// Offices supervised by this office (id or slug).
    pub parent: Option<String>,
    /// Only offices changed after this instant (RFC 3339, exclusive: pass the `updated_at` of the last change you saw), oldest change first, archived ones included with `include_archived=true`.
    #[serde(default, deserialize_with = "crate::validate::rfc3339")]
    pub updated_since: Option<DateTime<Utc>>,
    /// Include archived offices as tombstones (needs `read:internal`).
    pub include_archived: Option<bool>,
}
