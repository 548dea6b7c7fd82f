//! Duty assignments, and the answer to "who can I reach now".

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::contact_points::model::ContactPointResponse;
use crate::db::schema::duty_assignments;
use crate::people::model::{PersonResponse, PersonSummary};
use crate::validate::{self as rules, trim, trim_opt};

/// A `duty_assignments` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Serialize, Deserialize)]
// None is NULL on insert too, so that rows batch-insert on SQLite (no DEFAULT there).
#[diesel(
    table_name = duty_assignments,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct DutyAssignment {
    pub id: String,
    pub office_id: String,
    pub person_id: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub archived_at: Option<NaiveDateTime>,
}

/// The longest single assignment: a rota is planned in shifts, not years.
pub const MAX_ASSIGNMENT_DAYS: i64 = 31;

/// Put a person on duty for an office from one instant to another.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DutyInput {
    /// The person (id or slug).
    #[validate(length(min = 1, max = 80), custom(function = "rules::single_line"))]
    #[schema(min_length = 1, max_length = 80, example = "jorge-gallo")]
    pub person_id: String,
    /// RFC 3339 instant.
    #[serde(deserialize_with = "crate::validate::rfc3339")]
    #[schema(value_type = String, format = DateTime, example = "2026-12-01T00:00:00Z")]
    pub starts_at: Option<DateTime<Utc>>,
    /// RFC 3339 instant, after `starts_at`, at most 31 days later.
    #[serde(deserialize_with = "crate::validate::rfc3339")]
    #[schema(value_type = String, format = DateTime, example = "2026-12-01T08:00:00Z")]
    pub ends_at: Option<DateTime<Utc>>,
    /// `Night shift`, `Weekend`.
    #[validate(length(min = 1, max = 200), custom(function = "rules::single_line"))]
    #[schema(max_length = 200)]
    pub note: Option<String>,
}

impl DutyInput {
    pub fn normalize(&mut self) {
        trim(&mut self.person_id);
        trim_opt(&mut self.note);
    }
}

/// A duty assignment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DutyResponse {
    pub id: String,
    pub office_id: String,
    pub person_id: String,
    pub person: PersonSummary,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl crate::http::Validated for DutyResponse {
    fn version(&self) -> i64 {
        self.version
    }

    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl DutyResponse {
    pub fn new(a: DutyAssignment, person: PersonSummary) -> Self {
        Self {
            id: a.id,
            office_id: a.office_id,
            person_id: a.person_id,
            person,
            starts_at: a.starts_at.and_utc(),
            ends_at: a.ends_at.and_utc(),
            note: a.note,
            created_at: a.created_at.and_utc(),
            updated_at: a.updated_at.and_utc(),
            version: a.version,
        }
    }
}

/// The rota of an office.
#[derive(Debug, Serialize, ToSchema)]
pub struct DutyList {
    /// By start, then id.
    pub items: Vec<DutyResponse>,
}

/// Which part of the rota to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DutyListQuery {
    /// Assignments that end after this instant (RFC 3339; default now).
    #[serde(default, deserialize_with = "crate::validate::rfc3339")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<DateTime<Utc>>,
    /// How many, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// Someone on duty now, with how to reach them.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnDuty {
    pub assignment: DutyResponse,
    pub person: PersonResponse,
}

/// Who can be reached at an office now.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnDutyResponse {
    pub office_id: String,
    /// The moment this answers for.
    pub at: DateTime<Utc>,
    /// The office's IANA time zone, and `at` in it.
    pub timezone: Option<String>,
    pub local_time: Option<String>,
    /// The office's duty line: a press line that is always answered.
    pub duty_line: Option<ContactPointResponse>,
    /// People on duty now, by the rota.
    pub on_duty: Vec<OnDuty>,
    /// Other people of the office whose hours say they are available now.
    pub available: Vec<PersonResponse>,
    /// When nobody is on duty or available (and there is no duty line): the
    /// next time somebody is, by the rota or by hours.
    pub next_available_at: Option<DateTime<Utc>>,
}
