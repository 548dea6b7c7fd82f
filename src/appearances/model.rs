//! Appearances: a person in a release, in a role.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::schema::appearances;
use crate::people::model::{PersonSummary, Role};
use crate::releases::model::ReleaseSummary;
use crate::validate::{self as rules, trim, trim_opt};

/// An `appearances` row.
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
    table_name = appearances,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct Appearance {
    pub id: String,
    pub release_id: String,
    pub person_id: String,
    pub role: String,
    pub title_as_printed: Option<String>,
    pub office_as_printed: Option<String>,
    pub quote: Option<String>,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub archived_at: Option<NaiveDateTime>,
}

/// Link a person to a release.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppearanceInput {
    /// The person (id or slug).
    #[validate(length(min = 1, max = 80), custom(function = "rules::single_line"))]
    #[schema(min_length = 1, max_length = 80, example = "luca-dalloglio")]
    pub person_id: String,
    pub role: Role,
    /// The person's title as the release prints it.
    #[validate(length(max = 300), custom(function = "rules::single_line"))]
    #[schema(max_length = 300, example = "IOM Chief of Mission in Washington DC")]
    pub title_as_printed: Option<String>,
    /// The office as the release prints it (media contacts).
    #[validate(length(max = 300), custom(function = "rules::single_line"))]
    #[schema(max_length = 300)]
    pub office_as_printed: Option<String>,
    /// What they said (quoted people).
    #[validate(length(max = 10000), custom(function = "rules::multi_line"))]
    #[schema(max_length = 10000)]
    pub quote: Option<String>,
    /// Order within the release; defaults to after the last one.
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub position: Option<i32>,
}

impl AppearanceInput {
    pub fn normalize(&mut self) {
        trim(&mut self.person_id);
        trim_opt(&mut self.title_as_printed);
        trim_opt(&mut self.office_as_printed);
        trim_opt(&mut self.quote);
    }
}

/// A person's appearance in a release.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppearanceResponse {
    pub id: String,
    pub release_id: String,
    pub person_id: String,
    pub person: PersonSummary,
    pub role: Role,
    pub title_as_printed: Option<String>,
    pub office_as_printed: Option<String>,
    pub quote: Option<String>,
    pub position: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl AppearanceResponse {
    pub fn new(a: Appearance, person: PersonSummary) -> Self {
        Self {
            role: Role::parse(&a.role),
            id: a.id,
            release_id: a.release_id,
            person_id: a.person_id,
            person,
            title_as_printed: a.title_as_printed,
            office_as_printed: a.office_as_printed,
            quote: a.quote,
            position: a.position,
            created_at: a.created_at.and_utc(),
            updated_at: a.updated_at.and_utc(),
            version: a.version,
        }
    }
}

crate::page_type!(AppearanceList, AppearanceResponse, "A page of appearances.");

/// A release a person appears in, with the role and title as printed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonAppearance {
    /// The appearance's id.
    pub id: String,
    pub role: Role,
    pub title_as_printed: Option<String>,
    pub office_as_printed: Option<String>,
    pub quote: Option<String>,
    pub release: ReleaseSummary,
}

crate::page_type!(
    PersonAppearanceList,
    PersonAppearance,
    "A page of a person's appearances in releases."
);

/// Paging for appearances.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AppearanceListQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Paging and role filter for a person's releases.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PersonReleasesQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only appearances in this role.
    pub role: Option<Role>,
}
