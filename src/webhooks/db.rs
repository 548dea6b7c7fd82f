//! The webhooks' one write path: endpoints (create, change, archive), and
//! the dispatcher's steps over the outbox (fan out, claim, settle), each
//! one transaction.

use std::net::IpAddr;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{
    Attempt, AttemptResponse, Delivery, DeliveryList, DeliveryQuery, DeliveryResponse, Endpoint,
    EndpointInput, EndpointPatch, EndpointResponse,
};
use crate::audit::Actor;
use crate::db::schema::{outbox_events, webhook_attempts, webhook_deliveries, webhook_endpoints};
use crate::db::{DbConn, new_id, now, write_transaction};
use crate::error::{ApiError, FieldError};
use crate::paging::Precondition;

/// Whether an address is on the public internet: not loopback, private,
/// link-local, shared (CGNAT), multicast, documentation or unspecified.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || (a == 192 && b == 0 && c == 0))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                IpAddr::V4(std::net::Ipv4Addr::new(
                    (hi >> 8) as u8,
                    hi as u8,
                    (lo >> 8) as u8,
                    lo as u8,
                ))
            };
            // Forms that carry an IPv4 address: mapped (::ffff:a.b.c.d),
            // compatible (::a.b.c.d, :: and ::1 among them), NAT64
            // (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::): that decides.
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            if s[..6] == [0; 6] || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return is_public(embedded(s[6], s[7]));
            }
            if s[0] == 0x2002 {
                return is_public(embedded(s[1], s[2]));
            }
            !(v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] & 0xffc0) == 0xfec0)
        }
    }
}

/// An endpoint's URL: http(s), a host, no credentials; a host that is an
/// address (or `localhost`) must be public unless private ones are allowed.
/// Names are checked again, resolved, at every delivery.
pub fn check_url(url: &str, allow_private: bool) -> Option<&'static str> {
    let Ok(parsed) = url::Url::parse(url) else {
        return Some("must be an absolute http(s) URL");
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Some("must be an http(s) URL");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some("must not carry credentials; the signature authenticates");
    }
    let private = match parsed.host() {
        None => return Some("must name a host"),
        Some(url::Host::Ipv4(ip)) => !is_public(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => !is_public(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    };
    (private && !allow_private)
        .then_some("must not be a loopback or private address (see --webhook-allow-private)")
}

/// Event types that exist, or `*`.
fn check_event_types(types: &[String], errors: &mut Vec<FieldError>) {
    let known = crate::outbox::event_types();
    for (i, t) in types.iter().enumerate() {
        if t != "*" && !known.contains(t) {
            errors.push(FieldError::new(
                format!("event_types[{i}]"),
                "enum",
                "an event type such as person.updated, or *",
            ));
        }
    }
}

pub fn insert_endpoint(
    conn: &mut DbConn,
    actor: &Actor,
    mut input: EndpointInput,
    allow_private: bool,
) -> Result<EndpointResponse, ApiError> {
    input.normalize();
    let mut errors = crate::validate::errors_of(&input);
    if let Some(problem) = check_url(&input.url, allow_private) {
        errors.push(FieldError::new("url", "url", problem));
    }
    check_event_types(&input.event_types, &mut errors);
    crate::validate::into_result(errors)?;
    let at = now();
    let endpoint = Endpoint {
        id: new_id(),
        url: input.url,
        description: input.description,
        event_types: serde_json::to_string(&input.event_types).unwrap_or_default(),
        secret: super::sign::new_secret(),
        status: "active".into(),
        failing_since: None,
        created_at: at,
        updated_at: at,
        version: 1,
        archived_at: None,
    };
    write_transaction(conn, |conn| {
        diesel::insert_into(webhook_endpoints::table)
            .values(&endpoint)
            .execute(conn)?;
        crate::audit::record(
            conn,
            actor,
            "create",
            "webhook_endpoint",
            &endpoint.id,
            None,
            Some(&endpoint),
        )?;
        Ok::<_, ApiError>(())
    })?;
    let secret = endpoint.secret.clone();
    let mut response = EndpointResponse::from(endpoint);
    response.secret = Some(secret);
    Ok(response)
}

pub fn find_endpoint(conn: &mut DbConn, id: &str) -> Result<Endpoint, ApiError> {
    webhook_endpoints::table
        .find(id)
        .filter(webhook_endpoints::archived_at.is_null())
        .select(Endpoint::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("webhook endpoint", id))
}

pub fn list_endpoints(conn: &mut DbConn) -> QueryResult<Vec<Endpoint>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::archived_at.is_null())
        .order(webhook_endpoints::id)
        .select(Endpoint::as_select())
        .load(conn)
}

pub fn update_endpoint(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    patch: EndpointPatch,
    precondition: &Precondition,
    allow_private: bool,
) -> Result<Endpoint, ApiError> {
    let mut errors = crate::validate::errors_of(&patch);
    if let Some(url) = &patch.url
        && let Some(problem) = check_url(url.trim(), allow_private)
    {
        errors.push(FieldError::new("url", "url", problem));
    }
    if let Some(types) = &patch.event_types {
        check_event_types(types, &mut errors);
    }
    if let Some(status) = &patch.status
        && !matches!(status.as_str(), "active" | "disabled")
    {
        errors.push(FieldError::new("status", "enum", "active or disabled"));
    }
    crate::validate::into_result(errors)?;
    write_transaction(conn, |conn| {
        let current = find_endpoint(conn, id)?;
        precondition.check(current.version)?;
        let mut after = current.clone();
        if let Some(url) = patch.url {
            after.url = url.trim().to_string();
        }
        if let Some(types) = patch.event_types {
            after.event_types = serde_json::to_string(&types).unwrap_or_default();
        }
        if let Some(description) = patch.description {
            after.description = Some(description.trim().to_string()).filter(|d| !d.is_empty());
        }
        if let Some(status) = patch.status {
            after.status = status;
            after.failing_since = None;
        }
        after.version += 1;
        after.updated_at = now();
        diesel::update(webhook_endpoints::table.find(id))
            .set(&after)
            .execute(conn)?;
        crate::audit::record(
            conn,
            actor,
            "update",
            "webhook_endpoint",
            id,
            Some(&current),
            Some(&after),
        )?;
        Ok(after)
    })
}

/// Archives an endpoint: no more deliveries are made to it.
pub fn archive_endpoint(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    precondition: &Precondition,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let current = find_endpoint(conn, id)?;
        precondition.check(current.version)?;
        let at = now();
        diesel::update(webhook_endpoints::table.find(id))
            .set((
                webhook_endpoints::archived_at.eq(Some(at)),
                webhook_endpoints::updated_at.eq(at),
                webhook_endpoints::version.eq(current.version + 1),
            ))
            .execute(conn)?;
        crate::audit::record(
            conn,
            actor,
            "archive",
            "webhook_endpoint",
            id,
            Some(&current),
            None,
        )?;
        Ok(())
    })
}

/// An endpoint's deliveries, newest first, with their attempts.
pub fn deliveries(
    conn: &mut DbConn,
    endpoint_id: &str,
    query: &DeliveryQuery,
) -> Result<DeliveryList, ApiError> {
    if let Some(status) = &query.status
        && !matches!(status.as_str(), "pending" | "delivered" | "failed")
    {
        return Err(ApiError::bad_request(
            "status must be pending, delivered or failed",
        ));
    }
    find_endpoint(conn, endpoint_id)?;
    let limit = crate::paging::PageRequest::new(query.limit, None)?.limit;
    let mut select = webhook_deliveries::table
        .inner_join(outbox_events::table.on(outbox_events::id.eq(webhook_deliveries::event_id)))
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .order(webhook_deliveries::id.desc())
        .limit(limit + 1)
        .select((Delivery::as_select(), outbox_events::event_type))
        .into_boxed();
    if let Some(status) = &query.status {
        select = select.filter(webhook_deliveries::status.eq(status.clone()));
    }
    if let Some(cursor) = &query.cursor {
        select = select.filter(webhook_deliveries::id.lt(cursor.clone()));
    }
    let mut rows: Vec<(Delivery, String)> = select.load(conn)?;
    let next_cursor = (rows.len() > limit as usize).then(|| {
        rows.truncate(limit as usize);
        rows.last().map(|(d, _)| d.id.clone()).unwrap_or_default()
    });
    let ids: Vec<&String> = rows.iter().map(|(d, _)| &d.id).collect();
    let mut attempts: std::collections::HashMap<String, Vec<AttemptResponse>> = Default::default();
    for a in webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(ids))
        .order((webhook_attempts::delivery_id, webhook_attempts::at))
        .select(Attempt::as_select())
        .load(conn)?
    {
        attempts
            .entry(a.delivery_id)
            .or_default()
            .push(AttemptResponse {
                at: a.at.and_utc(),
                status: a.status,
                error: a.error,
                duration_ms: a.duration_ms,
            });
    }
    let items = rows
        .into_iter()
        .map(|(d, event_type)| DeliveryResponse {
            attempt_log: attempts.remove(&d.id).unwrap_or_default(),
            next_attempt_at: (d.status == "pending").then(|| d.next_attempt_at.and_utc()),
            id: d.id,
            event_id: d.event_id,
            event_type,
            status: d.status,
            attempts: d.attempts,
            expires_at: d.expires_at.and_utc(),
            created_at: d.created_at.and_utc(),
            delivered_at: d.delivered_at.map(|t| t.and_utc()),
        })
        .collect();
    Ok(DeliveryList { items, next_cursor })
}

/// Sends a delivery again from now, with a fresh retry window.
pub fn redeliver(
    conn: &mut DbConn,
    actor: &Actor,
    endpoint_id: &str,
    delivery_id: &str,
    retry_for: chrono::Duration,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let endpoint = find_endpoint(conn, endpoint_id)?;
        if endpoint.status == "disabled" {
            return Err(ApiError::conflict(
                "status",
                "the endpoint is disabled: resume it (status active) first",
            ));
        }
        let at = now();
        let delivery: Delivery = webhook_deliveries::table
            .find(delivery_id)
            .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
            .select(Delivery::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("delivery", delivery_id))?;
        if delivery.claim.is_some() && delivery.next_attempt_at > at {
            return Err(ApiError::conflict(
                "delivery_id",
                "the delivery is being sent right now; ask again in a moment",
            ));
        }
        diesel::update(webhook_deliveries::table.find(delivery_id))
            .set((
                webhook_deliveries::status.eq("pending"),
                webhook_deliveries::attempts.eq(0),
                webhook_deliveries::next_attempt_at.eq(at),
                webhook_deliveries::expires_at.eq(at + retry_for),
                webhook_deliveries::claim.eq(None::<String>),
            ))
            .execute(conn)?;
        crate::audit::record(
            conn,
            actor,
            "redeliver",
            "webhook_delivery",
            delivery_id,
            None::<&()>,
            None,
        )?;
        Ok(())
    })
}

/// Events not yet handed to endpoints, oldest first, at most this many per
/// pass.
const FAN_OUT_BATCH: i64 = 500;

/// Turns new outbox events into one pending delivery per endpoint that
/// wants them (endpoints not disabled or archived), and marks them handed
/// out, in one transaction. On PostgreSQL the events are locked with SKIP
/// LOCKED, so that instances fan out different events and each once.
pub fn fan_out(conn: &mut DbConn, retry_for: chrono::Duration) -> QueryResult<usize> {
    write_transaction(conn, |conn| {
        let waiting = outbox_events::table
            .filter(outbox_events::fanned_out.eq(false))
            .order(outbox_events::seq)
            .limit(FAN_OUT_BATCH)
            .select((
                outbox_events::id,
                outbox_events::event_type,
                outbox_events::created_at,
            ));
        let events: Vec<(String, String, NaiveDateTime)> = match conn {
            DbConn::Pg(pg) => waiting.for_update().skip_locked().load(pg)?,
            DbConn::Sqlite(_) => waiting.load(conn)?,
        };
        if events.is_empty() {
            return Ok(0);
        }
        let endpoints: Vec<Endpoint> = webhook_endpoints::table
            .filter(webhook_endpoints::archived_at.is_null())
            .filter(webhook_endpoints::status.ne("disabled"))
            .select(Endpoint::as_select())
            .load(conn)?;
        let at = now();
        for (event_id, event_type, happened) in &events {
            // An endpoint hears of changes made after it was registered.
            let listening = endpoints
                .iter()
                .filter(|e| e.created_at <= *happened && e.wants(event_type));
            for endpoint in listening {
                diesel::insert_into(webhook_deliveries::table)
                    .values((
                        webhook_deliveries::id.eq(new_id()),
                        webhook_deliveries::endpoint_id.eq(&endpoint.id),
                        webhook_deliveries::event_id.eq(event_id),
                        webhook_deliveries::status.eq("pending"),
                        webhook_deliveries::attempts.eq(0),
                        webhook_deliveries::next_attempt_at.eq(at),
                        webhook_deliveries::expires_at.eq(at + retry_for),
                        webhook_deliveries::created_at.eq(at),
                    ))
                    .execute(conn)?;
            }
        }
        let ids: Vec<&String> = events.iter().map(|(id, ..)| id).collect();
        diesel::update(outbox_events::table.filter(outbox_events::id.eq_any(ids)))
            .set(outbox_events::fanned_out.eq(true))
            .execute(conn)?;
        Ok(events.len())
    })
}

/// A delivery claimed for sending, with what to send.
pub struct Claimed {
    /// This claim's token: only its holder settles the delivery.
    pub claim: String,
    pub delivery_id: String,
    pub event_id: String,
    pub attempts: i32,
    pub expires_at: NaiveDateTime,
    pub payload: String,
    pub endpoint_id: String,
    pub url: String,
    pub secret: String,
}

/// Claims up to `limit` due deliveries for `lease` (the attempt's time
/// budget and some): their next attempt moves past the lease, so that no
/// other instance takes them meanwhile, and one that dies mid-send leaves
/// them to be retried once the lease is over. PostgreSQL skips rows
/// another instance is claiming (SKIP LOCKED); SQLite has one writer.
pub fn claim(
    conn: &mut DbConn,
    limit: i64,
    lease: chrono::Duration,
    busy_endpoints: &[String],
) -> QueryResult<Vec<Claimed>> {
    write_transaction(conn, |conn| {
        let at = now();
        // Disabled and removed endpoints get nothing (their deliveries wait,
        // and go on if the endpoint is resumed); endpoints with as many
        // deliveries in flight as they may have are skipped this time.
        let enabled = webhook_endpoints::table
            .filter(webhook_endpoints::archived_at.is_null())
            .filter(webhook_endpoints::status.ne("disabled"))
            .select(webhook_endpoints::id);
        let due = webhook_deliveries::table
            .filter(webhook_deliveries::status.eq("pending"))
            .filter(webhook_deliveries::next_attempt_at.le(at))
            .filter(webhook_deliveries::endpoint_id.eq_any(enabled))
            .filter(webhook_deliveries::endpoint_id.ne_all(busy_endpoints))
            .order(webhook_deliveries::next_attempt_at)
            .limit(limit)
            .select(webhook_deliveries::id);
        let ids: Vec<String> = match conn {
            DbConn::Pg(pg) => due.for_update().skip_locked().load(pg)?,
            DbConn::Sqlite(_) => due.load(conn)?,
        };
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let token = new_id();
        diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
            .set((
                webhook_deliveries::next_attempt_at.eq(at + lease),
                webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                webhook_deliveries::claim.eq(&token),
            ))
            .execute(conn)?;
        let rows: Vec<(Delivery, String, Endpoint)> = webhook_deliveries::table
            .inner_join(outbox_events::table.on(outbox_events::id.eq(webhook_deliveries::event_id)))
            .inner_join(
                webhook_endpoints::table
                    .on(webhook_endpoints::id.eq(webhook_deliveries::endpoint_id)),
            )
            .filter(webhook_deliveries::claim.eq(&token))
            .select((
                Delivery::as_select(),
                outbox_events::payload,
                Endpoint::as_select(),
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(d, payload, e)| Claimed {
                claim: token.clone(),
                delivery_id: d.id,
                event_id: d.event_id,
                attempts: d.attempts,
                expires_at: d.expires_at,
                payload,
                endpoint_id: e.id,
                url: e.url,
                secret: e.secret,
            })
            .collect())
    })
}

/// How an attempt went.
pub struct Outcome {
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub at: NaiveDateTime,
}

/// What became of a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Delivered,
    Retry,
    Failed,
}

impl Settled {
    pub fn as_str(self) -> &'static str {
        match self {
            Settled::Delivered => "delivered",
            Settled::Retry => "retry",
            Settled::Failed => "failed",
        }
    }
}

/// Records an attempt and its consequence: delivered; retried at
/// `retry_at`; or failed once past its window, the endpoint marked failing.
/// A delivery whose claim has since passed to another (its lease ran out,
/// or it was redelivered) is left to that one; the attempt is recorded.
pub fn settle(
    conn: &mut DbConn,
    claimed: &Claimed,
    outcome: &Outcome,
    retry_at: NaiveDateTime,
) -> QueryResult<Settled> {
    write_transaction(conn, |conn| {
        diesel::insert_into(webhook_attempts::table)
            .values((
                webhook_attempts::id.eq(new_id()),
                webhook_attempts::delivery_id.eq(&claimed.delivery_id),
                webhook_attempts::at.eq(outcome.at),
                webhook_attempts::status.eq(outcome.status),
                webhook_attempts::error.eq(&outcome.error),
                webhook_attempts::duration_ms.eq(outcome.duration_ms),
            ))
            .execute(conn)?;
        let ok = outcome.status.is_some_and(|s| (200..300).contains(&s));
        let settled = if ok {
            Settled::Delivered
        } else if retry_at >= claimed.expires_at {
            Settled::Failed
        } else {
            Settled::Retry
        };
        let row = webhook_deliveries::table
            .find(&claimed.delivery_id)
            .filter(webhook_deliveries::status.eq("pending"))
            .filter(webhook_deliveries::claim.eq(&claimed.claim));
        let status = match settled {
            Settled::Delivered => "delivered",
            Settled::Retry => "pending",
            Settled::Failed => "failed",
        };
        let mine = diesel::update(row)
            .set((
                webhook_deliveries::status.eq(status),
                webhook_deliveries::next_attempt_at.eq(retry_at),
                webhook_deliveries::claim.eq(None::<String>),
                webhook_deliveries::last_status.eq(outcome.status),
                webhook_deliveries::last_error.eq(&outcome.error),
                webhook_deliveries::delivered_at.eq(ok.then_some(outcome.at)),
            ))
            .execute(conn)?;
        if mine == 0 {
            return Ok(Settled::Retry);
        }
        let endpoint = webhook_endpoints::table.find(&claimed.endpoint_id);
        match settled {
            Settled::Failed => {
                diesel::update(endpoint.filter(webhook_endpoints::status.eq("active")))
                    .set((
                        webhook_endpoints::status.eq("failing"),
                        webhook_endpoints::failing_since.eq(Some(outcome.at)),
                    ))
                    .execute(conn)?;
            }
            Settled::Delivered => {
                diesel::update(endpoint.filter(webhook_endpoints::status.eq("failing")))
                    .set((
                        webhook_endpoints::status.eq("active"),
                        webhook_endpoints::failing_since.eq(None::<NaiveDateTime>),
                    ))
                    .execute(conn)?;
            }
            Settled::Retry => {}
        }
        Ok(settled)
    })
}

/// The outbox's state for the metrics: events not yet handed out plus
/// deliveries pending; and how late the work is, in seconds: the age of
/// the oldest event not handed out, or how long the most overdue delivery
/// has been due (a delivery waiting out its backoff is not late).
pub fn backlog(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    let waiting: i64 = outbox_events::table
        .filter(outbox_events::fanned_out.eq(false))
        .count()
        .get_result(conn)?;
    let pending: i64 = webhook_deliveries::table
        .filter(webhook_deliveries::status.eq("pending"))
        .count()
        .get_result(conn)?;
    let oldest_event: Option<NaiveDateTime> = outbox_events::table
        .filter(outbox_events::fanned_out.eq(false))
        .select(diesel::dsl::min(outbox_events::created_at))
        .first(conn)?;
    let oldest_delivery: Option<NaiveDateTime> = webhook_deliveries::table
        .filter(webhook_deliveries::status.eq("pending"))
        .select(diesel::dsl::min(webhook_deliveries::next_attempt_at))
        .first(conn)?;
    let oldest = oldest_event.into_iter().chain(oldest_delivery).min();
    let age = oldest.map_or(0, |t| (now() - t).num_seconds().max(0));
    Ok((waiting + pending, age))
}

/// Rows pruning deletes per transaction, so that writers are not held up long.
const PRUNE_BATCH: i64 = 2000;

/// Forgets what is done and old: attempts and settled deliveries created
/// before `before`, and events handed out before it with no delivery left,
/// a batch per transaction. Gives the number of events forgotten.
pub fn prune(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    loop {
        let deliveries: Vec<String> = webhook_deliveries::table
            .filter(webhook_deliveries::status.ne("pending"))
            .filter(webhook_deliveries::created_at.lt(before))
            .select(webhook_deliveries::id)
            .limit(PRUNE_BATCH)
            .load(conn)?;
        if deliveries.is_empty() {
            break;
        }
        write_transaction(conn, |conn| {
            diesel::delete(
                webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(&deliveries)),
            )
            .execute(conn)?;
            diesel::delete(
                webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&deliveries)),
            )
            .execute(conn)
        })?;
    }
    let mut forgotten = 0;
    loop {
        let held = webhook_deliveries::table
            .filter(webhook_deliveries::event_id.eq(outbox_events::id))
            .select(webhook_deliveries::id);
        let events: Vec<String> = outbox_events::table
            .filter(outbox_events::fanned_out.eq(true))
            .filter(outbox_events::created_at.lt(before))
            .filter(diesel::dsl::not(diesel::dsl::exists(held)))
            .select(outbox_events::id)
            .limit(PRUNE_BATCH)
            .load(conn)?;
        if events.is_empty() {
            return Ok(forgotten);
        }
        forgotten += write_transaction(conn, |conn| {
            diesel::delete(outbox_events::table.filter(outbox_events::id.eq_any(&events)))
                .execute(conn)
        })?;
    }
}
