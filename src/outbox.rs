//! The outbox: every change to the directory's data adds its event here in
//! the change's own transaction (`audit::record`, which every write path
//! calls, calls `enqueue`), so an event exists if and only if the change
//! committed. `webhooks` delivers the events; nothing else reads them.

use chrono::{SecondsFormat, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::db::schema::outbox_events;
use crate::db::{DbConn, new_id, now};

/// The kinds of row whose changes partners hear about (keys and webhook
/// endpoints are the service's own business, not the directory's).
const ENTITIES: &[(&str, &str)] = &[
    ("office", "/api/v1/offices/"),
    ("person", "/api/v1/people/"),
    ("contact_point", "/api/v1/contact-points/"),
    ("release", "/api/v1/releases/"),
    ("appearance", "/api/v1/appearances/"),
    ("duty_assignment", ""),
    ("person_photo", "/api/v1/people/"),
    ("directory", ""),
];

/// Every event type, for validating subscriptions: `person.updated`, ….
pub fn event_types() -> Vec<String> {
    ENTITIES
        .iter()
        .flat_map(|(entity, _)| {
            ACTIONS
                .iter()
                .map(move |(_, past)| format!("{entity}.{past}"))
        })
        .collect()
}

/// The audit trail's verbs, and the event's.
const ACTIONS: &[(&str, &str)] = &[
    ("create", "created"),
    ("update", "updated"),
    ("archive", "archived"),
    ("restore", "restored"),
    ("delete", "deleted"),
    ("ingest", "ingested"),
    ("import", "imported"),
    ("publish", "published"),
];

/// Rows keep UTC times without an offset; the API writes them with `Z`,
/// and so does an event, so that `updated_at` can be sent back as is.
fn utc(value: Value) -> Value {
    match value.as_str() {
        Some(text)
            if chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").is_ok() =>
        {
            json!(format!("{text}Z"))
        }
        _ => value,
    }
}

/// Whether the change is to a release still under embargo (or one of its
/// appearances): partners hear nothing of it until `release.published`.
fn under_embargo(conn: &mut DbConn, entity: &str, state: Option<&Value>) -> QueryResult<bool> {
    use crate::db::schema::releases;
    let release_id = match entity {
        "release" => state.and_then(|s| s.get("id")),
        "appearance" => state.and_then(|s| s.get("release_id")),
        _ => None,
    };
    let Some(release_id) = release_id.and_then(Value::as_str) else {
        return Ok(false);
    };
    let publish_at: Option<chrono::NaiveDateTime> = releases::table
        .find(release_id)
        .select(releases::publish_at)
        .first(conn)
        .optional()?
        .flatten();
    Ok(publish_at.is_some_and(|at| at > now()))
}

/// Adds the event of one change: `{type, timestamp, data}` as Standard
/// Webhooks has it. `data` is thin (what changed, its version and its
/// `updated_at`, which is its change-feed position for `updated_since`, and
/// where to read it), so that a receiver reads the current state with its
/// own key and an event never carries what its endpoint may not see.
pub fn enqueue(
    conn: &mut DbConn,
    action: &str,
    entity: &str,
    id: &str,
    state: Option<&Value>,
) -> QueryResult<()> {
    let Some((_, path)) = ENTITIES.iter().find(|(e, _)| *e == entity) else {
        return Ok(());
    };
    let Some((_, past)) = ACTIONS.iter().find(|(a, _)| *a == action) else {
        return Ok(());
    };
    if under_embargo(conn, entity, state)? {
        return Ok(());
    }
    let event_type = format!("{entity}.{past}");
    let field = |name: &str| state.and_then(|s| s.get(name)).cloned();
    let mut data = json!({"entity": entity, "id": id});
    for name in [
        "version",
        "updated_at",
        "archived_at",
        "person_id",
        "office_id",
        "release_id",
    ] {
        if let Some(value) = field(name).filter(|v| !v.is_null()) {
            data[name] = utc(value);
        }
    }
    if !path.is_empty() {
        let suffix = if entity == "person_photo" {
            "/photo"
        } else {
            ""
        };
        data["href"] = json!(format!("{path}{id}{suffix}"));
    }
    let payload = json!({
        "type": event_type,
        "timestamp": Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true),
        "data": data,
    });
    diesel::insert_into(outbox_events::table)
        .values((
            outbox_events::id.eq(new_id()),
            outbox_events::event_type.eq(&event_type),
            outbox_events::payload.eq(payload.to_string()),
            outbox_events::created_at.eq(now()),
            outbox_events::fanned_out.eq(false),
        ))
        .execute(conn)
        .map(drop)
}
