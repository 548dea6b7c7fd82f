//! Release queries, and those of their appearances (a person in a
//! release, in a role), which belong to the release's record; the only
//! writes to the `releases` and `appearances` tables.
//!
//! Layer: a resource. May use `db`, `paging`, `audit`, `search`,
//! `offices::db` and `people::db` (to resolve and embed); never HTTP.

use std::collections::HashMap;

use diesel::prelude::*;

use super::model::{
    Appearance, AppearanceInput, AppearanceResponse, PersonAppearance, Release, ReleaseChanges,
    ReleaseInput, ReleaseListQuery, ReleasePatch, ReleaseResponse, ReleaseSummary,
};
use crate::audit::Actor;
use crate::db::schema::{appearances, offices, people, releases};
use crate::db::{
    DbConn, MultiBackend, SlugTable, choose_slug, is_id, new_id, now, write_transaction,
};
use crate::error::ApiError;
use crate::offices::model::{Office, OfficeSummary};
use crate::paging::{Page, PageRequest, Precondition};
use crate::people::model::{Person, PersonSummary, Role};
use crate::search::{self, SearchQuery, Searcher, Table};
use validator::Validate;

pub fn find_release(
    conn: &mut DbConn,
    key: &str,
    include_archived: bool,
) -> Result<Release, ApiError> {
    let mut query = releases::table
        .select(Release::as_select())
        .into_boxed::<MultiBackend>();
    query = if is_id(key) {
        query.filter(releases::id.eq(key.to_string()))
    } else {
        query.filter(releases::slug.eq(key.to_string()))
    };
    if !include_archived {
        query = query.filter(releases::archived_at.is_null());
    }
    query
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("release", key))
}

pub fn releases_by_id(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<Release>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    releases::table
        .filter(releases::id.eq_any(ids))
        .select(Release::as_select())
        .load(conn)
}

/// The filters a list of releases and a feed share: archived or not, the
/// office, the language, a person (in a role), a topic of someone who
/// appears.
fn filtered<ST: 'static>(
    conn: &mut DbConn,
    mut query: releases::BoxedQuery<'static, MultiBackend, ST>,
    filter: &ReleaseListQuery,
    include_archived: bool,
    embargoed: bool,
) -> Result<releases::BoxedQuery<'static, MultiBackend, ST>, ApiError> {
    if !include_archived {
        query = query.filter(releases::archived_at.is_null());
    }
    if !embargoed {
        query = query.filter(public_now());
    }
    // An archived office or person filters nothing in, as an unknown one,
    // unless archived rows are asked for.
    if let Some(office) = &filter.office {
        let ids = offices::table
            .select(offices::id.nullable())
            .filter(
                offices::id
                    .eq(office.clone())
                    .or(offices::slug.eq(office.clone())),
            )
            .filter(
                offices::archived_at
                    .is_null()
                    .or(include_archived.into_sql::<diesel::sql_types::Bool>()),
            );
        query = query.filter(releases::office_id.eq_any(ids));
    }
    if let Some(language) = &filter.language {
        query = query.filter(releases::language.eq(language.trim().to_string()));
    }
    let person_id = match &filter.person {
        // An unknown person appears nowhere: "" matches no id.
        Some(key) => {
            let mut person = people::table
                .select(people::id)
                .filter(people::id.eq(key).or(people::slug.eq(key)))
                .into_boxed::<MultiBackend>();
            if !include_archived {
                person = person.filter(people::archived_at.is_null());
            }
            Some(person.first::<String>(conn).optional()?.unwrap_or_default())
        }
        None => None,
    };
    let linked = appearances::table
        .select(appearances::release_id)
        .filter(appearances::archived_at.is_null());
    query = match (person_id, filter.role) {
        (Some(person), Some(role)) => query.filter(
            releases::id.eq_any(
                linked
                    .filter(appearances::person_id.eq(person))
                    .filter(appearances::role.eq(role.as_str())),
            ),
        ),
        (Some(person), None) => {
            query.filter(releases::id.eq_any(linked.filter(appearances::person_id.eq(person))))
        }
        (None, Some(role)) => {
            query.filter(releases::id.eq_any(linked.filter(appearances::role.eq(role.as_str()))))
        }
        (None, None) => query,
    };
    if let Some(topic) = &filter.topic {
        // Topics are a JSON list in a text column, matched as people's are.
        let with_topic = people::table
            .select(people::id)
            .filter(
                crate::db::lower(people::topics.nullable())
                    .like(crate::people::db::member_pattern(topic))
                    .escape('\\'),
            )
            .filter(
                people::archived_at
                    .is_null()
                    .or(include_archived.into_sql::<diesel::sql_types::Bool>()),
            );
        let appearing = appearances::table
            .select(appearances::release_id)
            .filter(appearances::archived_at.is_null())
            .filter(appearances::person_id.eq_any(with_topic));
        query = query.filter(releases::id.eq_any(appearing));
    }
    Ok(query)
}

/// Public now: no embargo, or one that has ended.
#[diesel::dsl::auto_type]
fn public_now() -> _ {
    let at: chrono::NaiveDateTime = now();
    releases::publish_at
        .is_null()
        .or(releases::publish_at.le(at))
}

/// A release as a reader may see it: one still under embargo is "not
/// found" to whoever may not see embargoed releases.
pub fn find_visible(conn: &mut DbConn, key: &str, embargoed: bool) -> Result<Release, ApiError> {
    let release = find_release(conn, key, false)?;
    if !embargoed && release.embargoed_at(now()) {
        return Err(ApiError::not_found("release", key));
    }
    Ok(release)
}

/// When what a feed of this filter shows last changed: the latest
/// `updated_at` of every matching release, archived and embargoed ones
/// included (one leaving the feed changes it too), or the latest embargo
/// that has ended (a release entering it).
pub fn last_change(
    conn: &mut DbConn,
    filter: &ReleaseListQuery,
) -> Result<Option<chrono::NaiveDateTime>, ApiError> {
    let updated: Option<chrono::NaiveDateTime> = filtered(
        conn,
        releases::table
            .select(diesel::dsl::max(releases::updated_at))
            .into_boxed::<MultiBackend>(),
        filter,
        true,
        true,
    )?
    .first(conn)?;
    let ended: Option<chrono::NaiveDateTime> = filtered(
        conn,
        releases::table
            .select(diesel::dsl::max(releases::publish_at))
            .into_boxed::<MultiBackend>(),
        filter,
        false,
        false,
    )?
    .first(conn)?;
    Ok(updated.max(ended))
}

/// The newest releases first (by date, undated last), for a feed.
pub fn newest(
    conn: &mut DbConn,
    filter: &ReleaseListQuery,
    limit: i64,
) -> Result<Vec<Release>, ApiError> {
    let query = filtered(
        conn,
        releases::table
            .select(Release::as_select())
            .into_boxed::<MultiBackend>(),
        filter,
        false,
        false,
    )?;
    Ok(query
        .order((
            releases::published_on.is_null().asc(),
            releases::published_on.desc(),
            releases::created_at.desc(),
            releases::id.desc(),
        ))
        .limit(limit)
        .load(conn)?)
}

pub fn list_releases(
    conn: &mut DbConn,
    searcher: &Searcher,
    filter: &ReleaseListQuery,
    page: &PageRequest,
    include_archived: bool,
    embargoed: bool,
) -> Result<Page<Release>, ApiError> {
    let search = SearchQuery::from_param(filter.q.as_deref())?;
    if let (Some(search), Some(index)) = (&search, searcher.in_memory()) {
        let load = |conn: &mut DbConn, ids: &[String]| {
            let base = releases::table
                .select(Release::as_select())
                .into_boxed::<MultiBackend>();
            let mut query = filtered(conn, base, filter, include_archived, embargoed)?;
            if let Some(since) = filter.updated_since {
                query = query.filter(releases::updated_at.gt(since.naive_utc()));
            }
            Ok(query.filter(releases::id.eq_any(ids)).load(conn)?)
        };
        return search::ranked_in_memory(
            index,
            conn,
            Table::Releases,
            search,
            page,
            load,
            |r: &Release| r.id.as_str(),
        );
    }
    let mut query = filtered(
        conn,
        releases::table
            .select(Release::as_select())
            .into_boxed::<MultiBackend>(),
        filter,
        include_archived,
        embargoed,
    )?;
    if let Some(search) = &search {
        query = query.filter(search::matches(Table::Releases, search));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(releases::updated_at.gt(since.naive_utc()));
    }
    if search.is_none() && filter.updated_since.is_some() {
        // Sync: changes in the order they happened, so a partner can resume
        // from the last one it saw.
        if let Some(after) = &page.after {
            let (at, id) = crate::paging::changed_key(after)?;
            query = query.filter(
                releases::updated_at
                    .gt(at)
                    .or(releases::updated_at.eq(at).and(releases::id.gt(id))),
            );
        }
        let rows = query
            .order((releases::updated_at.asc(), releases::id.asc()))
            .limit(page.fetch())
            .load(conn)?;
        return Ok(page.finish(rows, |r| {
            crate::paging::encode_changed_key(r.updated_at, &r.id)
        }));
    }
    let Some(search) = search else {
        if let Some(after) = &page.after {
            query = query.filter(releases::id.gt(after.clone()));
        }
        let rows = query
            .order(releases::id.asc())
            .limit(page.fetch())
            .load(conn)?;
        return Ok(page.finish(rows, |r| r.id.clone()));
    };
    // Ranked: best matches first, then by id; the cursor carries both.
    let rank = || search::rank(Table::Releases, &search);
    if let Some(after) = &page.after {
        let (after_rank, after_id) = search::ranked_key(after)?;
        query = query.filter(
            rank()
                .gt(after_rank)
                .or(rank().eq(after_rank).and(releases::id.gt(after_id))),
        );
    }
    // Ids and ranks first,
    // then whole rows for this page only.
    let ranked: Vec<(String, i32)> = query
        .select((releases::id, rank()))
        .order((rank().asc(), releases::id.asc()))
        .limit(page.fetch())
        .load(conn)?;
    let ids: Vec<String> = ranked.iter().map(|(id, _)| id.clone()).collect();
    let mut by_id: std::collections::HashMap<String, Release> = releases_by_id(conn, &ids)?
        .into_iter()
        .map(|row| (row.id.clone(), row))
        .collect();
    let rows: Vec<(Release, i32)> = ranked
        .into_iter()
        .filter_map(|(id, rank)| Some((by_id.remove(&id)?, rank)))
        .collect();
    Ok(page
        .finish(rows, |(r, rank)| format!("{rank}:{}", r.id))
        .map(|(r, _)| r))
}

/// Responses for these releases, with issuing office and appearances loaded
/// for the whole set at once.
pub fn embed(conn: &mut DbConn, releases: Vec<Release>) -> QueryResult<Vec<ReleaseResponse>> {
    let ids: Vec<String> = releases.iter().map(|r| r.id.clone()).collect();
    let office_ids: Vec<String> = releases
        .iter()
        .filter_map(|r| r.office_id.clone())
        .collect();
    let offices: HashMap<String, Office> =
        crate::offices::db::live_offices_by_id(conn, &office_ids)?
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect();
    let mut appearances: HashMap<String, Vec<AppearanceResponse>> = HashMap::new();
    for appearance in for_releases(conn, &ids)? {
        appearances
            .entry(appearance.release_id.clone())
            .or_default()
            .push(appearance);
    }
    Ok(releases
        .into_iter()
        .map(|r| {
            let office = r
                .office_id
                .as_ref()
                .and_then(|id| offices.get(id))
                .map(OfficeSummary::from);
            let list = appearances.remove(&r.id).unwrap_or_default();
            ReleaseResponse::new(r, office, list)
        })
        .collect())
}

pub fn embed_one(conn: &mut DbConn, release: Release) -> QueryResult<ReleaseResponse> {
    Ok(embed(conn, vec![release])?.remove(0))
}

/// Validates a release as it would be written; returns the issuing office.
fn check(
    conn: &mut DbConn,
    input: &ReleaseInput,
    own_id: &str,
) -> Result<Option<Office>, ApiError> {
    let mut errors = crate::validate::errors_of(input);
    let office = crate::offices::db::resolve_office_ref(
        conn,
        "office_id",
        input.office_id.as_deref(),
        &mut errors,
    )?;
    crate::validate::into_result(errors)?;
    if let Some(url) = &input.url {
        let taken = releases::table
            .select(releases::id)
            .filter(releases::url.eq(url))
            .filter(releases::id.ne(own_id))
            .first::<String>(conn)
            .optional()?;
        if taken.is_some() {
            return Err(ApiError::conflict(
                "url",
                "Another release already has this url.",
            ));
        }
    }
    Ok(office)
}

pub fn insert_release(
    conn: &mut DbConn,
    actor: &Actor,
    mut input: ReleaseInput,
) -> Result<Release, ApiError> {
    input.normalize();
    write_transaction(conn, |conn| insert_in_transaction(conn, actor, input))
}

/// The insert itself, for callers that already hold a transaction.
pub fn insert_in_transaction(
    conn: &mut DbConn,
    actor: &Actor,
    input: ReleaseInput,
) -> Result<Release, ApiError> {
    let id = new_id();
    let office = check(conn, &input, &id)?;
    let slug = choose_slug(
        conn,
        SlugTable::Releases,
        input.slug.as_deref(),
        &input.title,
        &id,
    )?;
    let at = now();
    // The search module writes the document and its keys.
    let release = Release {
        search_text: String::new(),
        name_key: String::new(),
        search_rowid: search::fts_rowid(&id),
        id,
        slug,
        title: input.title,
        dateline: input.dateline,
        office_id: office.map(|o| o.id),
        published_on: input.published_on,
        language: input.language,
        url: input.url,
        summary: input.summary,
        body: input.body,
        created_at: at,
        updated_at: at,
        version: 1,
        archived_at: None,
        publish_at: input.publish_at.map(|t| t.naive_utc()),
        embargo_note: input.embargo_note,
        published_event_at: None,
    };
    diesel::insert_into(releases::table)
        .values(&release)
        .execute(conn)?;
    search::index::release_changed(conn, &release.id)?;
    let release = find_release(conn, &release.id, true)?;
    crate::audit::record(
        conn,
        actor,
        "create",
        "release",
        &release.id,
        None,
        Some(&release),
    )?;
    publish_if_due(conn, release)
}

pub fn update_release(
    conn: &mut DbConn,
    actor: &Actor,
    key: &str,
    patch: ReleasePatch,
    precondition: &Precondition,
) -> Result<Release, ApiError> {
    write_transaction(conn, |conn| {
        let current = find_release(conn, key, false)?;
        let mut input = patch.apply(ReleaseInput::from(&current));
        input.normalize();
        let office = check(conn, &input, &current.id)?;
        let slug = choose_slug(
            conn,
            SlugTable::Releases,
            input.slug.as_deref(),
            &input.title,
            &current.id,
        )?;
        let changes = ReleaseChanges {
            slug,
            title: input.title,
            dateline: input.dateline,
            office_id: office.map(|o| o.id),
            published_on: input.published_on,
            language: input.language,
            url: input.url,
            summary: input.summary,
            body: input.body,
            publish_at: input.publish_at.map(|t| t.naive_utc()),
            embargo_note: input.embargo_note,
            updated_at: now(),
            version: current.version + 1,
        };
        // After validation: a bad body is reported as such, whatever the ETag.
        precondition.check(current.version)?;
        diesel::update(
            releases::table
                .find(&current.id)
                .filter(releases::version.eq(current.version)),
        )
        .set(&changes)
        .execute(conn)
        .map_err(ApiError::from)
        .and_then(|rows| precondition.changed_once(rows))?;
        search::index::release_changed(conn, &current.id)?;
        let mut release = find_release(conn, &current.id, true)?;
        // Published, then put under embargo again: it will be published
        // (and announced, and shown in change feeds) again at its new time.
        if release.published_event_at.is_some() && release.embargoed_at(now()) {
            diesel::update(releases::table.find(&release.id))
                .set(releases::published_event_at.eq(None::<chrono::NaiveDateTime>))
                .execute(conn)?;
            release.published_event_at = None;
        }
        crate::audit::record(
            conn,
            actor,
            "update",
            "release",
            &release.id,
            Some(&current),
            Some(&release),
        )?;
        publish_if_due(conn, release)
    })
}

/// A release whose embargo is over (or that never had one) and whose
/// `release.published` event is not written yet: written now, in the
/// caller's transaction. Each release is published once; moving
/// `publish_at` later after that hides it again but publishes nothing more.
fn publish_if_due(conn: &mut DbConn, mut release: Release) -> Result<Release, ApiError> {
    let at = now();
    if release.published_event_at.is_some()
        || release.embargoed_at(at)
        || release.archived_at.is_some()
    {
        return Ok(release);
    }
    diesel::update(releases::table.find(&release.id))
        .set(releases::published_event_at.eq(at))
        .execute(conn)?;
    release.published_event_at = Some(at);
    let state = serde_json::to_value(&release).ok();
    crate::outbox::enqueue(conn, "publish", "release", &release.id, state.as_ref())?;
    Ok(release)
}

/// Releases whose embargo ended and that are not yet published: each gets
/// a new version and `updated_at` (so that change feeds and feeds show it
/// now) and its `release.published` event, a transaction each. The
/// webhook dispatcher calls this on every pass; on PostgreSQL instances
/// skip releases another is publishing. Gives how many were published.
pub fn publish_due(conn: &mut DbConn) -> Result<usize, ApiError> {
    let due = || {
        releases::table
            .filter(releases::published_event_at.is_null())
            .filter(releases::archived_at.is_null())
            .filter(releases::publish_at.le(now()))
            .select(releases::id)
            .limit(100)
    };
    let ids: Vec<String> = due().load(conn)?;
    let mut published = 0;
    for id in ids {
        published += write_transaction(conn, |conn| {
            let claimed: Option<String> = match conn {
                DbConn::Pg(pg) => due()
                    .filter(releases::id.eq(&id))
                    .for_update()
                    .skip_locked()
                    .first(pg)
                    .optional()?,
                DbConn::Sqlite(_) => due().filter(releases::id.eq(&id)).first(conn).optional()?,
            };
            if claimed.is_none() {
                return Ok::<_, ApiError>(0);
            }
            touch(conn, &id)?;
            let release = find_release(conn, &id, true)?;
            publish_if_due(conn, release)?;
            Ok(1)
        })?;
    }
    Ok(published)
}

pub fn archive_release(
    conn: &mut DbConn,
    actor: &Actor,
    key: &str,
    precondition: &Precondition,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let current = find_release(conn, key, false)?;
        precondition.check(current.version)?;
        let at = now();
        diesel::update(
            releases::table
                .find(&current.id)
                .filter(releases::version.eq(current.version)),
        )
        .set((
            releases::archived_at.eq(at),
            releases::updated_at.eq(at),
            releases::version.eq(current.version + 1),
        ))
        .execute(conn)
        .map_err(ApiError::from)
        .and_then(|rows| precondition.changed_once(rows))?;
        crate::audit::record(
            conn,
            actor,
            "archive",
            "release",
            &current.id,
            Some(&current),
            None,
        )?;
        Ok(())
    })
}

/// Bumps a release's version: its appearances are part of its representation.
pub fn touch(conn: &mut DbConn, release_id: &str) -> QueryResult<()> {
    diesel::update(releases::table.find(release_id))
        .set((
            releases::version.eq(releases::version + 1),
            releases::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

// Appearances. Every change to one bumps its release's version: they are
// part of the release's record.

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
    embargoed: bool,
) -> QueryResult<Page<PersonAppearance>> {
    let mut query = appearances::table
        .inner_join(releases::table)
        .filter(appearances::person_id.eq(person_id.to_string()))
        .filter(appearances::archived_at.is_null())
        .filter(releases::archived_at.is_null())
        .select((Appearance::as_select(), Release::as_select()))
        .into_boxed::<MultiBackend>();
    if !embargoed {
        query = query.filter(public_now());
    }
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
        let release = find_release(conn, release_key, false)?;
        insert_appearance_in_transaction(conn, actor, &release.id, input)
    })
}

/// Links a person to a release. An archived link for the same person and
/// role is brought back rather than duplicated.
pub fn insert_appearance_in_transaction(
    conn: &mut DbConn,
    actor: &Actor,
    release_id: &str,
    input: AppearanceInput,
) -> Result<AppearanceResponse, ApiError> {
    insert_appearance_with(conn, actor, release_id, input, false)
}

/// The link, saying whether it was read from the release's own text
/// (ingestion), which its `source_release_id` records.
pub fn insert_appearance_with(
    conn: &mut DbConn,
    actor: &Actor,
    release_id: &str,
    input: AppearanceInput,
    read_from_text: bool,
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
        source_release_id: read_from_text.then(|| release_id.to_string()),
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
        if read_from_text {
            diesel::update(appearances::table.find(&appearance.id))
                .set(appearances::source_release_id.eq(&appearance.source_release_id))
                .execute(conn)?;
        }
    } else {
        diesel::insert_into(appearances::table)
            .values(&appearance)
            .execute(conn)?;
    }
    touch(conn, release_id)?;
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
        touch(conn, &current.release_id)?;
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

/// Brings an archived release back (its next version, a new
/// `updated_at`, an audit row); 409 when it is not archived.
pub fn restore_release(conn: &mut DbConn, actor: &Actor, key: &str) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let at = now();
        let current = find_release(conn, key, true)?;
        if current.archived_at.is_none() {
            return Err(ApiError::Conflict {
                detail: "This release is not archived.".into(),
                errors: vec![],
            });
        }
        diesel::update(releases::table.find(&current.id))
            .set((
                releases::archived_at.eq(None::<chrono::NaiveDateTime>),
                releases::updated_at.eq(at),
                releases::version.eq(current.version + 1),
            ))
            .execute(conn)?;
        let after = find_release(conn, &current.id, true)?;
        crate::audit::record(
            conn,
            actor,
            "restore",
            "release",
            &current.id,
            Some(&current),
            Some(&after),
        )?;
        Ok(())
    })
}

/// Brings an archived appearance back (its next version, a new
/// `updated_at`, an audit row); 409 when it is not archived.
pub fn restore_appearance(conn: &mut DbConn, actor: &Actor, key: &str) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let at = now();
        let current: crate::releases::model::Appearance = appearances::table
            .find(key)
            .select(crate::releases::model::Appearance::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("appearance", key))?;
        if current.archived_at.is_none() {
            return Err(ApiError::Conflict {
                detail: "This appearance is not archived.".into(),
                errors: vec![],
            });
        }
        diesel::update(appearances::table.find(&current.id))
            .set((
                appearances::archived_at.eq(None::<chrono::NaiveDateTime>),
                appearances::updated_at.eq(at),
                appearances::version.eq(current.version + 1),
            ))
            .execute(conn)?;
        touch(conn, &current.release_id)?;
        crate::audit::record(
            conn,
            actor,
            "restore",
            "appearance",
            &current.id,
            Some(&current),
            None,
        )?;
        Ok(())
    })
}

/// Records the digest of the text a release was ingested from, so that the
/// same text is recognised next time (part of the release's creation: no
/// version of its own).
pub fn record_source(conn: &mut DbConn, release_id: &str, hash: &str) -> QueryResult<()> {
    diesel::update(releases::table.find(release_id))
        .set(releases::source_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

/// Writes a batch of release rows (import, demo-data) by the rules of
/// [`crate::batch::Stamp`]; gives the ids inserted and the ids changed.
pub fn import_rows(
    conn: &mut DbConn,
    stamp: &crate::batch::Stamp,
    rows: Vec<Release>,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    Ok(crate::upsert_rows!(
        conn, stamp, releases, Release, "release", rows
    ))
}

/// Writes a batch of appearance rows (import, demo-data) by the rules of
/// [`crate::batch::Stamp`]; gives the ids inserted and the ids changed.
pub fn import_appearance_rows(
    conn: &mut DbConn,
    stamp: &crate::batch::Stamp,
    rows: Vec<Appearance>,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    Ok(crate::upsert_rows!(
        conn,
        stamp,
        appearances,
        Appearance,
        "appearance",
        rows
    ))
}
