//! Contact point queries. A contact point is part of its owner's record:
//! every change bumps the owner's version too, so the owner's ETag and
//! `updated_since` sync see it.
//!
//! Layer: a resource. May use `db`, `paging`, `audit`, `search`, and the
//! owners' `touch` (`people::db`, `offices::db`); never HTTP.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{ContactPoint, ContactPointInput, ContactPointPatch, canonical_value};
use super::read::visible_to;
pub use super::read::{Audience, for_people};
use crate::audit::Actor;
use crate::db::schema::{contact_points, offices, people};
use crate::db::{DbConn, MultiBackend, new_id, now, write_transaction};
use crate::error::ApiError;
use crate::paging::{Page, PageRequest, Precondition};

/// Whose contact point it is, resolved to an id.
#[derive(Debug, Clone)]
pub enum Owner {
    Person(String),
    Office(String),
}

pub fn list_for_owner(
    conn: &mut DbConn,
    owner: &Owner,
    page: &PageRequest,
    audience: Audience,
) -> QueryResult<Page<ContactPoint>> {
    let mut query = contact_points::table
        .select(ContactPoint::as_select())
        .filter(contact_points::archived_at.is_null())
        .filter(visible_to(audience))
        .into_boxed::<MultiBackend>();
    query = match owner {
        Owner::Person(id) => query.filter(contact_points::person_id.eq(id.clone())),
        Owner::Office(id) => query.filter(contact_points::office_id.eq(id.clone())),
    };
    if let Some(after) = &page.after {
        query = query.filter(contact_points::id.gt(after.clone()));
    }
    let rows = query
        .order(contact_points::id.asc())
        .limit(page.fetch())
        .load(conn)?;
    Ok(page.finish(rows, |cp| cp.id.clone()))
}

/// The country whose numbering plan a bare national number belongs to.
fn default_region(conn: &mut DbConn, owner: &Owner) -> QueryResult<Option<String>> {
    let office_id = match owner {
        Owner::Office(id) => Some(id.clone()),
        Owner::Person(id) => people::table
            .find(id)
            .select(people::office_id)
            .first(conn)?,
    };
    match office_id {
        Some(id) => offices::table
            .find(id)
            .select(offices::country_code)
            .first(conn),
        None => Ok(None),
    }
}

/// Validates a contact point as it would be written; returns its canonical value.
/// What to do with a value that does not read as its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// Refuse it (422): what the API does.
    Refuse,
    /// Keep it as printed (ingestion: a release's text is not to be
    /// corrected by guessing), within the same length and character rules.
    KeepAsPrinted,
}

fn check(
    conn: &mut DbConn,
    owner: &Owner,
    input: &ContactPointInput,
    own_id: &str,
    unreadable: Unreadable,
) -> Result<String, ApiError> {
    let mut errors = crate::validate::errors_of(input);
    let region = default_region(conn, owner)?;
    let value = match canonical_value(input.kind, &input.value, region.as_deref()) {
        Ok(value) => Some(value),
        Err(_) if unreadable == Unreadable::KeepAsPrinted => Some(input.value.clone()),
        Err(error) => {
            if !errors.iter().any(|e| e.field == "value") {
                errors.push(error);
            }
            None
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let value = value.unwrap_or_default();
    let mut duplicate = contact_points::table
        .select(contact_points::id)
        .filter(contact_points::value.eq(value.clone()))
        .filter(contact_points::kind.eq(input.kind.as_str()))
        .filter(contact_points::archived_at.is_null())
        .filter(contact_points::id.ne(own_id.to_string()))
        .into_boxed::<MultiBackend>();
    duplicate = match owner {
        Owner::Person(id) => duplicate.filter(contact_points::person_id.eq(id.clone())),
        Owner::Office(id) => duplicate.filter(contact_points::office_id.eq(id.clone())),
    };
    if duplicate.first::<String>(conn).optional()?.is_some() {
        return Err(ApiError::conflict(
            "value",
            format!(
                "This {} is already recorded for this owner.",
                input.kind.as_str()
            ),
        ));
    }
    Ok(value)
}

/// Only one primary per owner and kind.
fn clear_other_primaries(conn: &mut DbConn, cp: &ContactPoint) -> QueryResult<()> {
    if !cp.is_primary {
        return Ok(());
    }
    let others = contact_points::table
        .filter(contact_points::kind.eq(&cp.kind))
        .filter(contact_points::id.ne(&cp.id))
        .filter(contact_points::is_primary.eq(true));
    match (&cp.person_id, &cp.office_id) {
        (Some(person), _) => diesel::update(others.filter(contact_points::person_id.eq(person)))
            .set(contact_points::is_primary.eq(false))
            .execute(conn)?,
        (_, Some(office)) => diesel::update(others.filter(contact_points::office_id.eq(office)))
            .set(contact_points::is_primary.eq(false))
            .execute(conn)?,
        _ => 0,
    };
    Ok(())
}

/// Bumps the owner's version and refreshes what it derives from its contact points.
pub fn touch_owner(conn: &mut DbConn, cp: &ContactPoint) -> QueryResult<()> {
    // The owners' own functions: their version, updated_at and search document.
    if let Some(person) = &cp.person_id {
        crate::people::db::touch(conn, person)?;
    }
    if let Some(office) = &cp.office_id {
        crate::offices::db::touch(conn, office)?;
    }
    Ok(())
}

pub fn insert_contact_point(
    conn: &mut DbConn,
    actor: &Actor,
    owner: Owner,
    mut input: ContactPointInput,
) -> Result<ContactPoint, ApiError> {
    input.normalize();
    write_transaction(conn, |conn| {
        insert_in_transaction(conn, actor, &owner, input)
    })
}

/// The insert itself, for callers that already hold a transaction (seeding, ingestion).
pub fn insert_in_transaction(
    conn: &mut DbConn,
    actor: &Actor,
    owner: &Owner,
    input: ContactPointInput,
) -> Result<ContactPoint, ApiError> {
    insert_with(conn, actor, owner, input, Unreadable::Refuse, None)
}

/// The release a contact point was read from, and its date.
#[derive(Debug, Clone, Copy)]
pub struct SeenIn<'a> {
    pub release_id: &'a str,
    pub at: NaiveDateTime,
}

/// The insert, with a choice for values that do not read as their kind,
/// and the release it came from (ingestion).
pub fn insert_with(
    conn: &mut DbConn,
    actor: &Actor,
    owner: &Owner,
    mut input: ContactPointInput,
    unreadable: Unreadable,
    seen_in: Option<SeenIn<'_>>,
) -> Result<ContactPoint, ApiError> {
    input.normalize();
    let id = new_id();
    let value = check(conn, owner, &input, &id, unreadable)?;
    let at = now();
    let (person_id, office_id) = match owner {
        Owner::Person(id) => (Some(id.clone()), None),
        Owner::Office(id) => (None, Some(id.clone())),
    };
    let cp = ContactPoint {
        id,
        person_id,
        office_id,
        kind: input.kind.as_str().into(),
        display: input.display.unwrap_or_else(|| input.value.clone()),
        value,
        label: input.label,
        visibility: input.visibility.unwrap_or_default().as_str().into(),
        is_primary: input.is_primary.unwrap_or(false),
        created_at: at,
        updated_at: at,
        version: 1,
        archived_at: None,
        source_release_id: seen_in.map(|s| s.release_id.to_string()),
        last_seen_in_release_at: seen_in.map(|s| s.at),
    };
    diesel::insert_into(contact_points::table)
        .values(&cp)
        .execute(conn)?;
    clear_other_primaries(conn, &cp)?;
    touch_owner(conn, &cp)?;
    crate::audit::record(
        conn,
        actor,
        "create",
        "contact_point",
        &cp.id,
        None,
        Some(&cp),
    )?;
    Ok(cp)
}

/// Records that a release printed this contact point again at `seen_at`:
/// `last_seen_in_release_at` only moves forward; version and `updated_at`
/// follow, and so does the owner's version (its representation embeds it).
pub fn mark_seen_in_release(
    conn: &mut DbConn,
    cp: &ContactPoint,
    seen_at: NaiveDateTime,
) -> QueryResult<()> {
    if cp.last_seen_in_release_at.is_some_and(|c| c >= seen_at) {
        return Ok(());
    }
    diesel::update(contact_points::table.find(&cp.id))
        .set((
            contact_points::last_seen_in_release_at.eq(Some(seen_at)),
            contact_points::version.eq(contact_points::version + 1),
            contact_points::updated_at.eq(now()),
        ))
        .execute(conn)?;
    touch_owner(conn, cp)
}

/// One active contact point whose owner is active too.
pub fn find_contact_point(
    conn: &mut DbConn,
    id: &str,
    audience: Audience,
) -> Result<ContactPoint, ApiError> {
    let not_found = || ApiError::not_found("contact point", id);
    let cp: ContactPoint = contact_points::table
        .find(id)
        .filter(contact_points::archived_at.is_null())
        .filter(visible_to(audience))
        .select(ContactPoint::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)?;
    let owner_active = match (&cp.person_id, &cp.office_id) {
        (Some(person), _) => people::table
            .find(person)
            .filter(people::archived_at.is_null())
            .count()
            .get_result::<i64>(conn)?,
        (_, Some(office)) => offices::table
            .find(office)
            .filter(offices::archived_at.is_null())
            .count()
            .get_result::<i64>(conn)?,
        _ => 0,
    };
    if owner_active == 0 {
        return Err(not_found());
    }
    Ok(cp)
}

fn owner_of(cp: &ContactPoint) -> Owner {
    match &cp.person_id {
        Some(person) => Owner::Person(person.clone()),
        None => Owner::Office(cp.office_id.clone().unwrap_or_default()),
    }
}

pub fn update_contact_point(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    patch: ContactPointPatch,
    precondition: &Precondition,
) -> Result<ContactPoint, ApiError> {
    write_transaction(conn, |conn| {
        // Writers see internal contact points: they may have created them.
        let current = find_contact_point(conn, id, Audience::Internal)?;
        let mut input = patch.apply(ContactPointInput::from(&current));
        input.normalize();
        let value = check(
            conn,
            &owner_of(&current),
            &input,
            &current.id,
            Unreadable::Refuse,
        )?;
        // After validation: a bad body is reported as such, whatever the ETag.
        precondition.check(current.version)?;
        diesel::update(
            contact_points::table
                .find(&current.id)
                .filter(contact_points::version.eq(current.version)),
        )
        .set((
            contact_points::kind.eq(input.kind.as_str()),
            contact_points::display.eq(input.display.unwrap_or_else(|| input.value.clone())),
            contact_points::value.eq(value),
            contact_points::label.eq(input.label),
            contact_points::visibility.eq(input.visibility.unwrap_or_default().as_str()),
            contact_points::is_primary.eq(input.is_primary.unwrap_or(false)),
            contact_points::updated_at.eq(now()),
            contact_points::version.eq(current.version + 1),
        ))
        .execute(conn)
        .map_err(ApiError::from)
        .and_then(|rows| precondition.changed_once(rows))?;
        let cp: ContactPoint = contact_points::table
            .find(&current.id)
            .select(ContactPoint::as_select())
            .first(conn)?;
        clear_other_primaries(conn, &cp)?;
        touch_owner(conn, &cp)?;
        crate::audit::record(
            conn,
            actor,
            "update",
            "contact_point",
            &cp.id,
            Some(&current),
            Some(&cp),
        )?;
        Ok(cp)
    })
}

pub fn archive_contact_point(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    precondition: &Precondition,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let current = find_contact_point(conn, id, Audience::Internal)?;
        precondition.check(current.version)?;
        let at = now();
        diesel::update(
            contact_points::table
                .find(&current.id)
                .filter(contact_points::version.eq(current.version)),
        )
        .set((
            contact_points::archived_at.eq(at),
            contact_points::updated_at.eq(at),
            contact_points::version.eq(current.version + 1),
        ))
        .execute(conn)
        .map_err(ApiError::from)
        .and_then(|rows| precondition.changed_once(rows))?;
        touch_owner(conn, &current)?;
        crate::audit::record(
            conn,
            actor,
            "archive",
            "contact_point",
            &current.id,
            Some(&current),
            None,
        )?;
        Ok(())
    })
}

/// Brings an archived contact point back (its next version, a new
/// `updated_at`, an audit row); 409 when it is not archived.
pub fn restore_contact_point(conn: &mut DbConn, actor: &Actor, key: &str) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let at = now();
        let current: crate::contact_points::model::ContactPoint = contact_points::table
            .find(key)
            .select(crate::contact_points::model::ContactPoint::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("contact point", key))?;
        if current.archived_at.is_none() {
            return Err(ApiError::Conflict {
                detail: "This contact point is not archived.".into(),
                errors: vec![],
            });
        }
        diesel::update(contact_points::table.find(&current.id))
            .set((
                contact_points::archived_at.eq(None::<chrono::NaiveDateTime>),
                contact_points::updated_at.eq(at),
                contact_points::version.eq(current.version + 1),
            ))
            .execute(conn)?;
        touch_owner(conn, &current)?;
        crate::audit::record(
            conn,
            actor,
            "restore",
            "contact_point",
            &current.id,
            Some(&current),
            None,
        )?;
        Ok(())
    })
}

/// Writes a batch of contact point rows (import, demo-data) by the rules of
/// [`crate::batch::Stamp`]; gives the ids inserted and the ids changed.
pub fn import_rows(
    conn: &mut DbConn,
    stamp: &crate::batch::Stamp,
    rows: Vec<ContactPoint>,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    Ok(crate::upsert_rows!(
        conn,
        stamp,
        contact_points,
        ContactPoint,
        "contact_point",
        rows
    ))
}
