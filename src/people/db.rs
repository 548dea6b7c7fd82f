//! People queries, and the only writes to the `people` table.
//!
//! Layer: a resource. May use `db`, `paging`, `audit`, `search` (to say
//! what changed), `offices::db` (to resolve and embed an office) and
//! `contact_points::read` (to embed contact points); never HTTP.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{
    Person, PersonChanges, PersonInput, PersonListQuery, PersonPatch, PersonResponse,
};
use crate::audit::Actor;
use crate::contact_points::model::{ContactKind, ContactPointResponse};
use crate::contact_points::read::{Audience, for_people};
use crate::db::schema::{appearances, offices, people};
use crate::db::{
    DbConn, MultiBackend, SlugTable, choose_slug, is_id, lower, new_id, now, write_transaction,
};
use crate::error::ApiError;
use crate::offices::model::{Office, OfficeSummary};
use crate::paging::{Page, PageRequest, Precondition};
use crate::search::{self, SearchQuery, Searcher, Table};

pub fn find_person(
    conn: &mut DbConn,
    key: &str,
    include_archived: bool,
) -> Result<Person, ApiError> {
    // Two fixed queries rather than one boxed one: diesel keeps a fixed
    // query's prepared statement, so the hottest read is not rebuilt and
    // re-parsed each time (see BENCHMARKS.md, issue 18).
    let archived_too = include_archived.into_sql::<diesel::sql_types::Bool>();
    let found = if is_id(key) {
        people::table
            .filter(people::id.eq(key))
            .filter(people::archived_at.is_null().or(archived_too))
            .select(Person::as_select())
            .first(conn)
    } else {
        people::table
            .filter(people::slug.eq(key))
            .filter(people::archived_at.is_null().or(archived_too))
            .select(Person::as_select())
            .first(conn)
    };
    found
        .optional()?
        .ok_or_else(|| ApiError::not_found("person", key))
}

pub fn people_by_id(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<Person>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    people::table
        .filter(people::id.eq_any(ids))
        .select(Person::as_select())
        .load(conn)
}

/// A JSON-array member pattern for LIKE: `"es"` inside `["en","es"]`
/// (matched against the lowered column).
pub fn member_pattern(tag: &str) -> String {
    let quoted = serde_json::to_string(&tag.trim().to_lowercase()).unwrap_or_default();
    let escaped = quoted
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// People that pass every filter of a list except its search: a boxed
/// query the caller narrows and selects from.
fn filtered(
    filter: &PersonListQuery,
    include_archived: bool,
) -> people::BoxedQuery<'static, MultiBackend> {
    let mut query = people::table.into_boxed::<MultiBackend>();
    if !include_archived {
        query = query.filter(people::archived_at.is_null());
    }
    // Office filters see live offices only, unless archived rows are asked
    // for: an archived office filters nothing in (as an unknown one).
    let offices_seen = || {
        offices::table.select(offices::id.nullable()).filter(
            offices::archived_at
                .is_null()
                .or(include_archived.into_sql::<diesel::sql_types::Bool>()),
        )
    };
    if let Some(office) = &filter.office {
        let ids = offices_seen().filter(
            offices::id
                .eq(office.clone())
                .or(offices::slug.eq(office.clone())),
        );
        query = query.filter(people::office_id.eq_any(ids));
    }
    if let Some(country) = &filter.country {
        let ids =
            offices_seen().filter(offices::country_code.eq(country.trim().to_ascii_uppercase()));
        query = query.filter(people::office_id.eq_any(ids));
    }
    if let Some(region) = &filter.region {
        let ids = offices_seen().filter(lower(offices::region).eq(region.trim().to_lowercase()));
        query = query.filter(people::office_id.eq_any(ids));
    }
    if let Some(language) = &filter.language {
        query = query.filter(
            lower(people::languages.nullable())
                .like(member_pattern(language))
                .escape('\\'),
        );
    }
    if let Some(topic) = &filter.topic {
        query = query.filter(
            lower(people::topics.nullable())
                .like(member_pattern(topic))
                .escape('\\'),
        );
    }
    if let Some(role) = filter.role {
        use crate::db::schema::releases;
        // Only releases a reader may see: live, and not under embargo.
        let at = now();
        let ids = appearances::table
            .inner_join(releases::table)
            .select(appearances::person_id)
            .filter(appearances::role.eq(role.as_str()))
            .filter(appearances::archived_at.is_null())
            .filter(releases::archived_at.is_null())
            .filter(
                releases::publish_at
                    .is_null()
                    .or(releases::publish_at.le(at)),
            );
        query = query.filter(people::id.eq_any(ids));
    }
    if let Some(on_duty) = filter.on_duty {
        use crate::db::schema::duty_assignments;
        let at = now();
        let on = duty_assignments::table
            .filter(duty_assignments::archived_at.is_null())
            .filter(duty_assignments::starts_at.le(at))
            .filter(duty_assignments::ends_at.gt(at))
            .select(duty_assignments::person_id);
        query = if on_duty {
            query.filter(people::id.eq_any(on))
        } else {
            query.filter(people::id.ne_all(on))
        };
    }
    if let Some(date) = filter.not_seen_since {
        let start = date.and_hms_opt(0, 0, 0).unwrap_or_default();
        query = query.filter(
            people::last_seen_in_release_at
                .is_null()
                .or(people::last_seen_in_release_at.lt(start)),
        );
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(people::updated_at.gt(since.naive_utc()));
    }
    query
}

pub fn list_people(
    conn: &mut DbConn,
    searcher: &Searcher,
    filter: &PersonListQuery,
    page: &PageRequest,
    include_archived: bool,
) -> Result<Page<Person>, ApiError> {
    let search = SearchQuery::from_param(filter.q.as_deref())?;
    if let (Some(search), Some(index)) = (&search, searcher.in_memory()) {
        let load = |conn: &mut DbConn, ids: &[String]| {
            Ok(filtered(filter, include_archived)
                .filter(crate::db::any_of::any_of(people::id, ids))
                .select(Person::as_select())
                .load(conn)?)
        };
        return search::ranked_in_memory(
            index,
            conn,
            Table::People,
            search,
            page,
            load,
            |p: &Person| p.id.as_str(),
        );
    }
    let mut query = filtered(filter, include_archived).select(Person::as_select());
    if let Some(search) = &search {
        query = query.filter(search::matches(Table::People, search));
    }
    if search.is_none() && filter.updated_since.is_some() {
        // Sync: changes in the order they happened, so a partner can resume
        // from the last one it saw.
        if let Some(after) = &page.after {
            let (at, id) = crate::paging::changed_key(after)?;
            query = query.filter(
                people::updated_at
                    .gt(at)
                    .or(people::updated_at.eq(at).and(people::id.gt(id))),
            );
        }
        let rows = query
            .order((people::updated_at.asc(), people::id.asc()))
            .limit(page.fetch())
            .load(conn)?;
        return Ok(page.finish(rows, |p| {
            crate::paging::encode_changed_key(p.updated_at, &p.id)
        }));
    }
    let Some(search) = search else {
        if let Some(after) = &page.after {
            query = query.filter(people::id.gt(after.clone()));
        }
        let rows = query
            .order(people::id.asc())
            .limit(page.fetch())
            .load(conn)?;
        return Ok(page.finish(rows, |p| p.id.clone()));
    };
    // Ranked: best matches first, then by id; the cursor carries both.
    let rank = || search::rank(Table::People, &search);
    if let Some(after) = &page.after {
        let (after_rank, after_id) = search::ranked_key(after)?;
        query = query.filter(
            rank()
                .gt(after_rank)
                .or(rank().eq(after_rank).and(people::id.gt(after_id))),
        );
    }
    // Ids and ranks first,
    // then whole rows for this page only.
    let ranked: Vec<(String, i32)> = query
        .select((people::id, rank()))
        .order((rank().asc(), people::id.asc()))
        .limit(page.fetch())
        .load(conn)?;
    let ids: Vec<String> = ranked.iter().map(|(id, _)| id.clone()).collect();
    let mut by_id: std::collections::HashMap<String, Person> = people_by_id(conn, &ids)?
        .into_iter()
        .map(|row| (row.id.clone(), row))
        .collect();
    let rows: Vec<(Person, i32)> = ranked
        .into_iter()
        .filter_map(|(id, rank)| Some((by_id.remove(&id)?, rank)))
        .collect();
    Ok(page
        .finish(rows, |(p, rank)| format!("{rank}:{}", p.id))
        .map(|(p, _)| p))
}

/// Responses for these people, with their offices and visible contact points
/// loaded in two queries for the whole set.
pub fn embed(
    conn: &mut DbConn,
    people: Vec<Person>,
    audience: Audience,
) -> QueryResult<Vec<PersonResponse>> {
    let ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
    let office_ids: Vec<String> = people.iter().filter_map(|p| p.office_id.clone()).collect();
    // Each office read once (its hours parsed once), whoever works there.
    let offices: HashMap<String, OfficeSummary> =
        crate::offices::db::live_offices_by_id(conn, &office_ids)?
            .iter()
            .map(|o| (o.id.clone(), OfficeSummary::from(o)))
            .collect();
    let mut contacts: HashMap<String, Vec<ContactPointResponse>> = HashMap::new();
    for cp in for_people(conn, &ids, audience)? {
        let owner = cp.person_id.clone().unwrap_or_default();
        contacts.entry(owner).or_default().push(cp.into());
    }
    let has_phone = |id: &str| contacts.get(id).is_some_and(|cps| own_phone(cps));
    // Press lines only for the offices of people with no phone of their own.
    let lines_needed: Vec<String> = people
        .iter()
        .filter(|p| !has_phone(&p.id))
        .filter_map(|p| p.office_id.clone())
        .collect();
    let press_lines = crate::contact_points::read::press_lines(conn, &lines_needed)?;
    let duty_line_ids: Vec<(String, String)> = offices
        .values()
        .filter_map(|o| Some((o.id.clone(), o.duty_contact_point_id.clone()?)))
        .collect();
    let duty_lines = crate::contact_points::read::duty_lines(conn, &duty_line_ids)?;
    Ok(people
        .into_iter()
        .map(|p| {
            let office = p.office_id.as_ref().and_then(|id| offices.get(id)).cloned();
            let cps = contacts.remove(&p.id).unwrap_or_default();
            // No phone of their own: the office's press line, as such.
            let press_line = p
                .office_id
                .as_ref()
                .filter(|_| !own_phone(&cps))
                .and_then(|id| press_lines.get(id))
                .cloned()
                .map(ContactPointResponse::from);
            let photo_url = p
                .photo_etag
                .as_deref()
                .map(|etag| super::model::photo_url(&p.id, etag));
            let duty_line = p
                .office_id
                .as_ref()
                .and_then(|id| duty_lines.get(id))
                .cloned()
                .map(ContactPointResponse::from);
            let mut response = PersonResponse::new(p, office, cps);
            response.office_press_line = press_line;
            response.office_duty_line = duty_line;
            response.photo_url = photo_url;
            response
        })
        .collect())
}

/// Whether someone has a phone of their own among these contact points.
fn own_phone(cps: &[ContactPointResponse]) -> bool {
    cps.iter()
        .any(|cp| matches!(cp.kind, ContactKind::Phone | ContactKind::Mobile))
}

pub fn embed_one(
    conn: &mut DbConn,
    person: Person,
    audience: Audience,
) -> QueryResult<PersonResponse> {
    Ok(embed(conn, vec![person], audience)?.remove(0))
}

/// Validates a person as it would be written; returns the office's id.
fn check(conn: &mut DbConn, input: &PersonInput) -> Result<Option<Office>, ApiError> {
    let mut errors = crate::validate::errors_of(input);
    let office = crate::offices::db::resolve_office_ref(
        conn,
        "office_id",
        input.office_id.as_deref(),
        &mut errors,
    )?;
    crate::validate::into_result(errors)?;
    Ok(office)
}

/// A list as the JSON text its column holds.
fn json_list<T: serde::Serialize>(values: &[T]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".into())
}

pub fn insert_person(
    conn: &mut DbConn,
    actor: &Actor,
    mut input: PersonInput,
) -> Result<Person, ApiError> {
    input.normalize();
    write_transaction(conn, |conn| insert_in_transaction(conn, actor, input))
}

/// The insert itself, for callers that already hold a transaction.
pub fn insert_in_transaction(
    conn: &mut DbConn,
    actor: &Actor,
    input: PersonInput,
) -> Result<Person, ApiError> {
    let office = check(conn, &input)?;
    let id = new_id();
    let slug = choose_slug(
        conn,
        SlugTable::People,
        input.slug.as_deref(),
        &input.full_name,
        &id,
    )?;
    let at = now();
    let search_rowid = search::fts_rowid(&id);
    // The search module writes the document and its keys.
    let person = Person {
        last_seen_in_release_at: None,
        photo_etag: None,
        hours: input
            .hours
            .as_ref()
            .map(|h| serde_json::to_string(h).unwrap_or_default()),
        social_profiles: json_list(&input.social_profiles),
        pronouns: input.pronouns,
        id,
        slug,
        languages: json_list(&input.languages),
        topics: json_list(&input.topics),
        name_key: String::new(),
        search_rowid,
        full_name: input.full_name,
        given_name: input.given_name,
        family_name: input.family_name,
        job_title: input.job_title,
        office_id: office.as_ref().map(|o| o.id.clone()),
        bio: input.bio,
        search_text: String::new(),
        created_at: at,
        updated_at: at,
        version: 1,
        archived_at: None,
    };
    diesel::insert_into(people::table)
        .values(&person)
        .execute(conn)?;
    search::index::person_changed(conn, &person.id)?;
    let person = find_person(conn, &person.id, true)?;
    crate::audit::record(
        conn,
        actor,
        "create",
        "person",
        &person.id,
        None,
        Some(&person),
    )?;
    Ok(person)
}

pub fn update_person(
    conn: &mut DbConn,
    actor: &Actor,
    key: &str,
    patch: PersonPatch,
    precondition: &Precondition,
) -> Result<Person, ApiError> {
    write_transaction(conn, |conn| {
        let current = find_person(conn, key, false)?;
        let mut input = patch.apply(PersonInput::from(&current));
        input.normalize();
        let office = check(conn, &input)?;
        let slug = choose_slug(
            conn,
            SlugTable::People,
            input.slug.as_deref(),
            &input.full_name,
            &current.id,
        )?;
        let changes = PersonChanges {
            slug,
            languages: json_list(&input.languages),
            topics: json_list(&input.topics),
            full_name: input.full_name,
            given_name: input.given_name,
            family_name: input.family_name,
            job_title: input.job_title,
            office_id: office.map(|o| o.id),
            bio: input.bio,
            pronouns: input.pronouns,
            social_profiles: json_list(&input.social_profiles),
            hours: input
                .hours
                .as_ref()
                .map(|h| serde_json::to_string(h).unwrap_or_default()),
            updated_at: now(),
            version: current.version + 1,
        };
        // After validation: a bad body is reported as such, whatever the ETag.
        precondition.check(current.version)?;
        diesel::update(
            people::table
                .find(&current.id)
                .filter(people::version.eq(current.version)),
        )
        .set(&changes)
        .execute(conn)
        .map_err(ApiError::from)
        .and_then(|rows| precondition.changed_once(rows))?;
        search::index::person_changed(conn, &current.id)?;
        let person = find_person(conn, &current.id, true)?;
        crate::audit::record(
            conn,
            actor,
            "update",
            "person",
            &person.id,
            Some(&current),
            Some(&person),
        )?;
        Ok(person)
    })
}

/// Archives a person. Their contact points and appearances stay, hidden
/// with them, and come back if the person is restored.
pub fn archive_person(
    conn: &mut DbConn,
    actor: &Actor,
    key: &str,
    precondition: &Precondition,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let current = find_person(conn, key, false)?;
        precondition.check(current.version)?;
        let at = now();
        diesel::update(
            people::table
                .find(&current.id)
                .filter(people::version.eq(current.version)),
        )
        .set((
            people::archived_at.eq(at),
            people::updated_at.eq(at),
            people::version.eq(current.version + 1),
        ))
        .execute(conn)
        .map_err(ApiError::from)
        .and_then(|rows| precondition.changed_once(rows))?;
        crate::audit::record(
            conn,
            actor,
            "archive",
            "person",
            &current.id,
            Some(&current),
            None,
        )?;
        Ok(())
    })
}

/// One of the person's contact points changed: the person's version,
/// `updated_at` and search document follow (their ETag and the change
/// feed see it).
/// A new photo (its digest) or none: the person's version moves, as the
/// person's `photo_url` changes with it. Only `people::photo` calls this.
pub fn photo_changed(
    conn: &mut DbConn,
    person_id: &str,
    photo_etag: Option<&str>,
) -> QueryResult<()> {
    photo_digest_written(conn, person_id, photo_etag)?;
    touch(conn, person_id)
}

/// The photo digest alone, for import (which moves versions itself).
pub fn photo_digest_written(
    conn: &mut DbConn,
    person_id: &str,
    photo_etag: Option<&str>,
) -> QueryResult<()> {
    diesel::update(people::table.find(person_id))
        .set(people::photo_etag.eq(photo_etag))
        .execute(conn)
        .map(drop)
}

pub fn touch(conn: &mut DbConn, person_id: &str) -> QueryResult<()> {
    diesel::update(people::table.find(person_id))
        .set((
            people::version.eq(people::version + 1),
            people::updated_at.eq(now()),
        ))
        .execute(conn)?;
    search::index::person_changed(conn, person_id)
}

/// Records that a release printed this person at `seen_at` (the release's
/// date, or the time of ingestion): `last_seen_in_release_at` only moves
/// forward, and the person's version and `updated_at` follow, so that
/// mirrors and ETags see the change. Nothing else of the person changes.
pub fn mark_seen_in_release(
    conn: &mut DbConn,
    person_id: &str,
    seen_at: NaiveDateTime,
) -> QueryResult<()> {
    // One statement: only a later date moves it (and the version).
    diesel::update(
        people::table.find(person_id).filter(
            people::last_seen_in_release_at
                .is_null()
                .or(people::last_seen_in_release_at.lt(seen_at)),
        ),
    )
    .set((
        people::last_seen_in_release_at.eq(Some(seen_at)),
        people::version.eq(people::version + 1),
        people::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(())
}

/// Brings an archived person back (its next version, a new
/// `updated_at`, an audit row); 409 when it is not archived.
pub fn restore_person(conn: &mut DbConn, actor: &Actor, key: &str) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let at = now();
        let current = find_person(conn, key, true)?;
        if current.archived_at.is_none() {
            return Err(ApiError::Conflict {
                detail: "This person is not archived.".into(),
                errors: vec![],
            });
        }
        // A live person may not belong to an archived office.
        let office_live = match &current.office_id {
            None => true,
            Some(office) => crate::offices::db::lock_live_office(
                conn,
                office,
                crate::offices::db::RowLock::Share,
            )?,
        };
        if !office_live {
            return Err(ApiError::Conflict {
                detail:
                    "The person's office is archived: restore the office first, or move the person."
                        .into(),
                errors: vec![],
            });
        }
        diesel::update(people::table.find(&current.id))
            .set((
                people::archived_at.eq(None::<chrono::NaiveDateTime>),
                people::updated_at.eq(at),
                people::version.eq(current.version + 1),
            ))
            .execute(conn)?;
        let after = find_person(conn, &current.id, true)?;
        crate::audit::record(
            conn,
            actor,
            "restore",
            "person",
            &current.id,
            Some(&current),
            Some(&after),
        )?;
        Ok(())
    })
}

/// Writes a batch of people rows (import, demo-data) by the rules of
/// [`crate::batch::Stamp`]; gives the ids inserted and the ids changed.
pub fn import_rows(
    conn: &mut DbConn,
    stamp: &crate::batch::Stamp,
    rows: Vec<Person>,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    Ok(crate::upsert_rows!(
        conn, stamp, people, Person, "person", rows
    ))
}
