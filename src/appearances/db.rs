//! Appearance queries. Appearances are part of their release's record:
//! every change bumps the release's version.

use std::collections::HashMap;

use diesel::prelude::*;
use validator::Validate;

use super::model::{Appearance, AppearanceInput, AppearanceResponse, PersonAppearance};
use crate::audit::Actor;
use crate::db::schema::{appearances, people, releases};
use crate::db::{DbConn, MultiBackend, new_id, now, write_transaction};
use crate::error::ApiError;
use crate::paging::{Page, PageRequest, Precondition};
use crate::people::model::{Person, PersonSummary, Role};
use crate::releases::model::{Release, ReleaseSummary};

fn with_people(conn: &mut DbConn, rows: Vec<Appearance>) -> QueryResult<Vec<AppearanceResponse>> {
    let ids: Vec<String> = rows.iter().map(|a| a.person_id.clone()).collect();
    let people: HashMap<String, Person> = crate::people::db::people_by_id(conn, &ids)?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let person = PersonSummary::from(people.get(&a.person_id)?);
            Some(AppearanceResponse::new(a, person))
        })
        .collect())
}

/// Active appearances of active people in these releases, in order.
pub fn for_releases(
    conn: &mut DbConn,
    release_ids: &[String],
) -> QueryResult<Vec<AppearanceResponse>> {
    if release_ids.is_empty() {
        return Ok(vec![]);
    }
    let rows = appearances::table
        .inner_join(people::table)
        .filter(appearances::release_id.eq_any(release_ids))
        .filter(appearances::archived_at.is_null())
        .filter(people::archived_at.is_null())
        .order((appearances::position.asc(), appearances::id.asc()))
        .select(Appearance::as_select())
        .load(conn)?;
    with_people(conn, rows)
}

fn position_key(a: &Appearance) -> String {
    format!("{:010}:{}", a.position, a.id)
}

/// One release's appearances, paged in order of position.
pub fn list_for_release(
    conn: &mut DbConn,
    release_id: &str,
    page: &PageRequest,
) -> Result<Page<AppearanceResponse>, ApiError> {
    let mut query = appearances::table
        .inner_join(people::table)
        .filter(appearances::release_id.eq(release_id.to_string()))
        .filter(appearances::archived_at.is_null())
        .filter(people::archived_at.is_null())
        .select(Appearance::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(after) = &page.after {
        let (position, id) = after
            .split_once(':')
            .and_then(|(p, id)| Some((p.parse::<i32>().ok()?, id.to_string())))
            .ok_or_else(|| {
                ApiError::bad_field(
                    "cursor",
                    "invalid_cursor",
                    "cursor is not one this server issued",
                )
            })?;
        query = query.filter(
            appearances::position.gt(position).or(appearances::position
                .eq(position)
                .and(appearances::id.gt(id))),
        );
    }
    let rows = query
        .order((appearances::position.asc(), appearances::id.asc()))
        .limit(page.fetch())
        .load(conn)?;
    let page = page.finish(rows, position_key);
    Ok(Page {
        items: with_people(conn, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// A person's appearances in active releases, newest appearance last.
pub fn for_person(
    conn: &mut DbConn,
    person_id: &str,
    role: Option<Role>,
    page: &PageRequest,
) -> QueryResult<Page<PersonAppearance>> {
    let mut query = appearances::table
        .inner_join(releases::table)
        .filter(appearances::person_id.eq(person_id.to_string()))
        .filter(appearances::archived_at.is_null())
        .filter(releases::archived_at.is_null())
        .select((Appearance::as_select(), Release::as_select()))
        .into_boxed::<MultiBackend>();
    if let Some(role) = role {
        query = query.filter(appearances::role.eq(role.as_str()));
    }
    if let Some(after) = &page.after {
        query = query.filter(appearances::id.gt(after.clone()));
    }
    let rows: Vec<(Appearance, Release)> = query
        .order(appearances::id.asc())
        .limit(page.fetch())
        .load(conn)?;
    Ok(page
        .finish(rows, |(a, _)| a.id.clone())
        .map(|(a, r)| PersonAppearance {
            id: a.id,
            role: Role::parse(&a.role),
            title_as_printed: a.title_as_printed,
            office_as_printed: a.office_as_printed,
            quote: a.quote,
            release: ReleaseSummary::from(&r),
        }))
}

pub fn insert_appearance(
    conn: &mut DbConn,
    actor: &Actor,
    release_key: &str,
    mut input: AppearanceInput,
) -> Result<AppearanceResponse, ApiError> {
    input.normalize();
    write_transaction(conn, |conn| {
        let release = crate::releases::db::find_release(conn, release_key, false)?;
        insert_in_transaction(conn, actor, &release.id, input)
    })
}

/// Links a person to a release. An archived link for the same person and
/// role is brought back rather than duplicated.
pub fn insert_in_transaction(
    conn: &mut DbConn,
    actor: &Actor,
    release_id: &str,
    input: AppearanceInput,
) -> Result<AppearanceResponse, ApiError> {
    input.validate()?;
    let person = crate::people::db::find_person(conn, &input.person_id, false).map_err(|_| {
        ApiError::invalid(
            "person_id",
            "not_found",
            format!("No person with id or slug '{}'.", input.person_id),
        )
    })?;
    let existing: Option<Appearance> = appearances::table
        .filter(appearances::release_id.eq(release_id))
        .filter(appearances::person_id.eq(&person.id))
        .filter(appearances::role.eq(input.role.as_str()))
        .select(Appearance::as_select())
        .first(conn)
        .optional()?;
    if existing.as_ref().is_some_and(|a| a.archived_at.is_none()) {
        return Err(ApiError::conflict(
            "person_id",
            "This person already appears in this release in this role.",
        ));
    }
    let position = match input.position {
        Some(p) => p,
        None => {
            let last: Option<i32> = appearances::table
                .filter(appearances::release_id.eq(release_id))
                .filter(appearances::archived_at.is_null())
                .select(diesel::dsl::max(appearances::position))
                .first(conn)?;
            last.unwrap_or(0) + 1
        }
    };
    let at = now();
    let appearance = Appearance {
        id: existing
            .as_ref()
            .map(|a| a.id.clone())
            .unwrap_or_else(new_id),
        release_id: release_id.to_string(),
        person_id: person.id.clone(),
        role: input.role.as_str().into(),
        title_as_printed: input.title_as_printed,
        office_as_printed: input.office_as_printed,
        quote: input.quote,
        position,
        created_at: existing.as_ref().map(|a| a.created_at).unwrap_or(at),
        updated_at: at,
        version: existing.as_ref().map(|a| a.version + 1).unwrap_or(1),
        archived_at: None,
    };
    if existing.is_some() {
        diesel::update(appearances::table.find(&appearance.id))
            .set((
                appearances::title_as_printed.eq(&appearance.title_as_printed),
                appearances::office_as_printed.eq(&appearance.office_as_printed),
                appearances::quote.eq(&appearance.quote),
                appearances::position.eq(appearance.position),
                appearances::updated_at.eq(at),
                appearances::version.eq(appearance.version),
                appearances::archived_at.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute(conn)?;
    } else {
        diesel::insert_into(appearances::table)
            .values(&appearance)
            .execute(conn)?;
    }
    crate::releases::db::touch(conn, release_id)?;
    let action = if existing.is_some() {
        "restore"
    } else {
        "create"
    };
    crate::audit::record(
        conn,
        actor,
        action,
        "appearance",
        &appearance.id,
        existing.as_ref(),
        Some(&appearance),
    )?;
    Ok(AppearanceResponse::new(
        appearance,
        PersonSummary::from(&person),
    ))
}

pub fn archive_appearance(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    precondition: &Precondition,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let current: Appearance = appearances::table
            .find(id)
            .filter(appearances::archived_at.is_null())
            .select(Appearance::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("appearance", id))?;
        precondition.check(current.version)?;
        let at = now();
        diesel::update(
            appearances::table
                .find(&current.id)
                .filter(appearances::version.eq(current.version)),
        )
        .set((
            appearances::archived_at.eq(at),
            appearances::updated_at.eq(at),
            appearances::version.eq(current.version + 1),
        ))
        .execute(conn)
        .map_err(ApiError::from)
        .and_then(|rows| precondition.changed_once(rows))?;
        crate::releases::db::touch(conn, &current.release_id)?;
        crate::audit::record(
            conn,
            actor,
            "archive",
            "appearance",
            &current.id,
            Some(&current),
            None,
        )?;
        Ok(())
    })
}
