//! The audit trail: one row per write, in the write's own transaction, with
//! the actor (the key's name, or `cli`) and the record before and after.
//!
//! Layer: above `db` and `paging`; the resources' write functions call
//! [`record`] with the [`Actor`] their caller passed in.

pub mod handlers;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{DbConn, MultiBackend, new_id, now};
use crate::error::ApiError;
use crate::paging::{Page, PageRequest};

/// Who a unit of work is for: the key's name, or `cli` for the command
/// line and start-up work. Passed with the work to every write function,
/// which records it in the audit row of each change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The command line, seeding and other work outside a request.
    pub fn cli() -> Self {
        Self("cli".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn json<T: Serialize>(value: Option<&T>) -> Option<String> {
    value.and_then(|v| serde_json::to_string(v).ok())
}

/// Records one write. `before`/`after` are the record's states (absent on create / archive-less actions).
pub fn record<T: Serialize>(
    conn: &mut DbConn,
    actor: &Actor,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    before: Option<&T>,
    after: Option<&T>,
) -> QueryResult<()> {
    // The only backend difference: PostgreSQL keeps the states as jsonb.
    let sql = match conn {
        DbConn::Sqlite(_) => {
            "INSERT INTO audit_log (id, at, actor, action, entity_type, entity_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        }
        DbConn::Pg(_) => {
            "INSERT INTO audit_log (id, at, actor, action, entity_type, entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)"
        }
    };
    // The change's event, in the change's transaction.
    let state = after
        .or(before)
        .and_then(|state| serde_json::to_value(state).ok());
    crate::outbox::enqueue(conn, action, entity_type, entity_id, state.as_ref())?;
    diesel::sql_query(sql)
        .bind::<Text, _>(new_id())
        .bind::<Timestamp, _>(now())
        .bind::<Text, _>(actor.as_str())
        .bind::<Text, _>(action)
        .bind::<Text, _>(entity_type)
        .bind::<Text, _>(entity_id)
        .bind::<Nullable<Text>, _>(json(before))
        .bind::<Nullable<Text>, _>(json(after))
        .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct AuditRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Timestamp)]
    at: NaiveDateTime,
    #[diesel(sql_type = Text)]
    actor: String,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Text)]
    entity_type: String,
    #[diesel(sql_type = Text)]
    entity_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    before: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    after: Option<String>,
}

/// One audited write.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: String,
    pub at: DateTime<Utc>,
    /// The key's name, or `cli`.
    pub actor: String,
    /// `create`, `update`, `archive`, `restore`, `ingest`.
    pub action: String,
    /// `office`, `person`, `contact_point`, `release`, `appearance`, `api_key`.
    pub entity_type: String,
    pub entity_id: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

/// Filters of the audit trail.
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub since: Option<DateTime<Utc>>,
}

/// The trail, oldest first, keyset-paged by id.
pub fn list(
    conn: &mut DbConn,
    filter: &AuditFilter,
    page: &PageRequest,
) -> Result<Page<AuditEntry>, ApiError> {
    let pg = matches!(conn, DbConn::Pg(_));
    let mut n = 0;
    let mut placeholder = || {
        n += 1;
        if pg { format!("${n}") } else { "?".to_string() }
    };
    let states = if pg {
        "before::text AS before, after::text AS after"
    } else {
        "before, after"
    };
    let mut sql = format!(
        "SELECT id, at, actor, action, entity_type, entity_id, {states} FROM audit_log WHERE 1 = 1"
    );
    let mut binds: Vec<String> = vec![];
    if let Some(t) = &filter.entity_type {
        sql.push_str(&format!(" AND entity_type = {}", placeholder()));
        binds.push(t.clone());
    }
    if let Some(id) = &filter.entity_id {
        sql.push_str(&format!(" AND entity_id = {}", placeholder()));
        binds.push(id.clone());
    }
    if let Some(after) = &page.after {
        sql.push_str(&format!(" AND id > {}", placeholder()));
        binds.push(after.clone());
    }
    let since_placeholder = filter.since.map(|_| placeholder());
    if let Some(p) = &since_placeholder {
        sql.push_str(&format!(" AND at >= {p}"));
    }
    sql.push_str(&format!(" ORDER BY id LIMIT {}", page.fetch()));
    let mut query = diesel::sql_query(sql).into_boxed::<MultiBackend>();
    for bind in binds {
        query = query.bind::<Text, _>(bind);
    }
    if let Some(since) = filter.since {
        query = query.bind::<Timestamp, _>(since.naive_utc());
    }
    let rows: Vec<AuditRow> = query.load(conn)?;
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    Ok(page.finish(rows, |r| r.id.clone()).map(|r| AuditEntry {
        id: r.id,
        at: r.at.and_utc(),
        actor: r.actor,
        action: r.action,
        entity_type: r.entity_type,
        entity_id: r.entity_id,
        before: parse(r.before),
        after: parse(r.after),
    }))
}
