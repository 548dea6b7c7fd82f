//! Webhook endpoints, deliveries and attempts: rows, inputs and answers.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::schema::{webhook_attempts, webhook_deliveries, webhook_endpoints};
use crate::validate::{self as rules, trim_opt};

/// A `webhook_endpoints` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = webhook_endpoints, treat_none_as_null = true)]
pub struct Endpoint {
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    /// JSON list of event types; `["*"]` for all.
    pub event_types: String,
    /// Never serialised: shown once, when created.
    #[serde(skip)]
    pub secret: String,
    pub status: String,
    pub failing_since: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub archived_at: Option<NaiveDateTime>,
}

impl Endpoint {
    pub fn event_type_list(&self) -> Vec<String> {
        serde_json::from_str(&self.event_types).unwrap_or_default()
    }

    /// Whether events of this type go to this endpoint.
    pub fn wants(&self, event_type: &str) -> bool {
        self.event_type_list()
            .iter()
            .any(|t| t == "*" || t == event_type)
    }
}

/// Register an endpoint.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointInput {
    /// Where events are POSTed: an http(s) URL. Loopback and private
    /// addresses are refused unless the server allows them
    /// (`--webhook-allow-private`).
    #[validate(length(min = 1, max = 2000), custom(function = "rules::single_line"))]
    #[schema(
        max_length = 2000,
        example = "https://partner.example.org/pressdir-events"
    )]
    pub url: String,
    /// The event types to send (`person.updated`, …), or `["*"]` for all.
    #[validate(length(min = 1, max = 64))]
    #[schema(max_items = 64, example = json!(["person.created", "person.updated", "release.created"]))]
    pub event_types: Vec<String>,
    #[validate(length(max = 200), custom(function = "rules::single_line"))]
    #[schema(max_length = 200, example = "Newsroom CRM mirror")]
    pub description: Option<String>,
}

impl EndpointInput {
    pub fn normalize(&mut self) {
        self.url = self.url.trim().to_string();
        trim_opt(&mut self.description);
        for t in &mut self.event_types {
            *t = t.trim().to_string();
        }
    }
}

/// Change an endpoint: any of its fields; `status` `active` resumes a
/// failing or disabled one, `disabled` stops deliveries to it.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointPatch {
    #[validate(length(min = 1, max = 2000), custom(function = "rules::single_line"))]
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    #[validate(length(min = 1, max = 64))]
    #[schema(max_items = 64)]
    pub event_types: Option<Vec<String>>,
    #[validate(length(max = 200), custom(function = "rules::single_line"))]
    #[schema(max_length = 200)]
    pub description: Option<String>,
    /// `active` or `disabled`.
    #[schema(max_length = 20, example = "active")]
    pub status: Option<String>,
}

/// An endpoint as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointResponse {
    pub id: String,
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<String>,
    /// `active`; `failing` once a delivery ran out of retries (deliveries
    /// go on); `disabled` by an admin (none are made).
    #[schema(example = "active")]
    pub status: String,
    pub failing_since: Option<DateTime<Utc>>,
    /// The signing secret (`whsec_…`): only in the answer that creates the
    /// endpoint, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl crate::http::Validated for EndpointResponse {
    fn version(&self) -> i64 {
        self.version
    }

    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl From<Endpoint> for EndpointResponse {
    fn from(e: Endpoint) -> Self {
        Self {
            event_types: e.event_type_list(),
            id: e.id,
            url: e.url,
            description: e.description,
            status: e.status,
            failing_since: e.failing_since.map(|t| t.and_utc()),
            secret: None,
            created_at: e.created_at.and_utc(),
            updated_at: e.updated_at.and_utc(),
            version: e.version,
        }
    }
}

/// The endpoints.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointList {
    pub items: Vec<EndpointResponse>,
}

/// A `webhook_deliveries` row: one event to one endpoint.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub id: String,
    pub endpoint_id: String,
    pub event_id: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub claim: Option<String>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

/// A `webhook_attempts` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_attempts)]
pub struct Attempt {
    pub id: String,
    pub delivery_id: String,
    pub at: NaiveDateTime,
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// One try at delivering.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptResponse {
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status; null when there was no answer.
    pub status: Option<i32>,
    /// Why it failed, when it did: a timeout, a refused connection, an
    /// address not allowed, or the status.
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// An event's delivery to an endpoint, with every attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryResponse {
    pub id: String,
    /// The event's id: the `webhook-id` header, the same on every attempt.
    pub event_id: String,
    #[schema(example = "person.updated")]
    pub event_type: String,
    /// `pending` (retries go on), `delivered` or `failed` (out of retries;
    /// redeliver to try again).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Retries stop after this.
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub attempt_log: Vec<AttemptResponse>,
}

crate::page_type!(
    DeliveryList,
    DeliveryResponse,
    "A page of deliveries, newest first."
);

/// Which deliveries.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// `pending`, `delivered` or `failed`.
    pub status: Option<String>,
    /// How many, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
}
