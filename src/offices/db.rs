//! Office queries, and the only writes to the `offices` table.
//!
//! Layer: a resource. May use `db`, `paging`, `audit`, `search` (to say
//! what changed); no other resource, never HTTP.

use diesel::prelude::*;

use super::model::{Office, OfficeChanges, OfficeInput, OfficeListQuery, OfficePatch};
use crate::audit::Actor;
use crate::db::schema::{offices, people};
use crate::db::{
    DbConn, MultiBackend, SlugTable, choose_slug, is_id, new_id, now, write_transaction,
};
use crate::error::{ApiError, FieldError};
use crate::paging::{Page, PageRequest, Precondition};
use crate::search::index::Fresh;
use crate::search::{self, SearchQuery, Searcher, Table};

/// One office by id or slug; archived offices only when asked for.
pub fn find_office(
    conn: &mut DbConn,
    key: &str,
    include_archived: bool,
) -> Result<Office, ApiError> {
    let mut query = offices::table
        .select(Office::as_select())
        .into_boxed::<MultiBackend>();
    query = if is_id(key) {
        query.filter(offices::id.eq(key.to_string()))
    } else {
        query.filter(offices::slug.eq(key.to_string()))
    };
    if !include_archived {
        query = query.filter(offices::archived_at.is_null());
    }
    query
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("office", key))
}

/// The office a request refers to by id or slug in `field`; an unknown one
/// is recorded as a failure of that field.
pub fn resolve_office_ref(
    conn: &mut DbConn,
    field: &str,
    key: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Result<Option<Office>, ApiError> {
    // A key with control characters fails validation already; looking it
    // up would only make PostgreSQL refuse the text.
    let Some(key) = key.filter(|k| !k.chars().any(char::is_control)) else {
        return Ok(None);
    };
    // Attaching holds the office (FOR SHARE on PostgreSQL) until the
    // transaction ends, so archiving it cannot commit in between.
    let found = find_office(conn, key, false).and_then(|office| {
        if lock_live_office(conn, &office.id, RowLock::Share)? {
            Ok(office)
        } else {
            Err(ApiError::not_found("office", key))
        }
    });
    match found {
        Ok(office) => Ok(Some(office)),
        Err(ApiError::NotFound(_)) => {
            errors.push(FieldError::new(
                field,
                "not_found",
                format!("No office with id or slug '{key}'."),
            ));
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// How a write holds an office row until its transaction ends.
#[derive(Debug, Clone, Copy)]
pub enum RowLock {
    /// Attaching to it: others may attach too, nobody may archive it.
    Share,
    /// Archiving it: nobody may attach meanwhile.
    Update,
}

/// Whether an office (by id) is live, holding it so until the transaction
/// ends: a row lock on PostgreSQL; on SQLite every write transaction
/// already runs alone, so reading it is enough.
pub fn lock_live_office(conn: &mut DbConn, id: &str, lock: RowLock) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        #[allow(dead_code)]
        one: i32,
    }
    let DbConn::Pg(pg) = conn else {
        let live: i64 = offices::table
            .find(id)
            .filter(offices::archived_at.is_null())
            .count()
            .get_result(conn)?;
        return Ok(live > 0);
    };
    let mode = match lock {
        RowLock::Share => "SHARE",
        RowLock::Update => "UPDATE",
    };
    let rows: Vec<Found> = diesel::sql_query(format!(
        "SELECT 1 AS one FROM offices WHERE id = $1 AND archived_at IS NULL FOR {mode}"
    ))
    .bind::<diesel::sql_types::Text, _>(id)
    .load(pg)?;
    Ok(!rows.is_empty())
}

/// Live (unarchived) offices by id, for embedding: an archived office is
/// gone from public answers, embeds included.
pub fn live_offices_by_id(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<Office>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    // One office (a single read): a plain equality, which SQLite runs
    // without reading a JSON list first.
    if let [id] = ids {
        return offices::table
            .filter(offices::id.eq(id))
            .filter(offices::archived_at.is_null())
            .select(Office::as_select())
            .load(conn);
    }
    offices::table
        .filter(crate::db::any_of::any_of(offices::id, ids))
        .filter(offices::archived_at.is_null())
        .select(Office::as_select())
        .load(conn)
}

/// Offices by id, archived ones included.
pub fn offices_by_id(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<Office>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    offices::table
        .filter(offices::id.eq_any(ids))
        .select(Office::as_select())
        .load(conn)
}

/// Offices that pass every filter of a list except its search: a boxed
/// query the caller narrows and selects from.
fn filtered(
    conn: &mut DbConn,
    filter: &OfficeListQuery,
    include_archived: bool,
) -> Result<offices::BoxedQuery<'static, MultiBackend>, ApiError> {
    let mut query = offices::table.into_boxed::<MultiBackend>();
    if !include_archived {
        query = query.filter(offices::archived_at.is_null());
    }
    if let Some(country) = &filter.country {
        query = query.filter(offices::country_code.eq(country.trim().to_ascii_uppercase()));
    }
    if let Some(region) = &filter.region {
        query = query.filter(crate::db::lower(offices::region).eq(region.trim().to_lowercase()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(offices::kind.eq(kind.as_str()));
    }
    if let Some(parent) = &filter.parent {
        let parent_id: Option<String> = offices::table
            .select(offices::id)
            .filter(offices::id.eq(parent).or(offices::slug.eq(parent)))
            .first(conn)
            .optional()?;
        // An unknown parent has no children: "" matches no id.
        query = query.filter(offices::parent_id.eq(parent_id.unwrap_or_default()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(offices::updated_at.gt(since.naive_utc()));
    }
    Ok(query)
}

pub fn list_offices(
    conn: &mut DbConn,
    searcher: &Searcher,
    filter: &OfficeListQuery,
    page: &PageRequest,
    include_archived: bool,
) -> Result<Page<Office>, ApiError> {
    let search = SearchQuery::from_param(filter.q.as_deref())?;
    if let (Some(search), Some(index)) = (&search, searcher.in_memory()) {
        let load = |conn: &mut DbConn, ids: &[String]| {
            Ok(filtered(conn, filter, include_archived)?
                .filter(offices::id.eq_any(ids))
                .select(Office::as_select())
                .load(conn)?)
        };
        return search::ranked_in_memory(
            index,
            conn,
            Table::Offices,
            search,
            page,
            load,
            |o: &Office| o.id.as_str(),
        );
    }
    let mut query = filtered(conn, filter, include_archived)?.select(Office::as_select());
    if let Some(search) = &search {
        query = query.filter(search::matches(Table::Offices, search));
    }
    if search.is_none() && filter.updated_since.is_some() {
        // Sync: changes in the order they happened, so a partner can resume
        // from the last one it saw.
        if let Some(after) = &page.after {
            let (at, id) = crate::paging::changed_key(after)?;
            query = query.filter(
                offices::updated_at
                    .gt(at)
                    .or(offices::updated_at.eq(at).and(offices::id.gt(id))),
            );
        }
        let rows = query
            .order((offices::updated_at.asc(), offices::id.asc()))
            .limit(page.fetch())
            .load(conn)?;
        return Ok(page.finish(rows, |o| {
            crate::paging::encode_changed_key(o.updated_at, &o.id)
        }));
    }
    let Some(search) = search else {
        if let Some(after) = &page.after {
            query = query.filter(offices::id.gt(after.clone()));
        }
        let rows = query
            .order(offices::id.asc())
            .limit(page.fetch())
            .load(conn)?;
        return Ok(page.finish(rows, |o| o.id.clone()));
    };
    // Ranked: best matches first, then by id; the cursor carries both.
    let rank = || search::rank(Table::Offices, &search);
    if let Some(after) = &page.after {
        let (after_rank, after_id) = search::ranked_key(after)?;
        query = query.filter(
            rank()
                .gt(after_rank)
                .or(rank().eq(after_rank).and(offices::id.gt(after_id))),
        );
    }
    // Ids and ranks first,
    // then whole rows for this page only.
    let ranked: Vec<(String, i32)> = query
        .select((offices::id, rank()))
        .order((rank().asc(), offices::id.asc()))
        .limit(page.fetch())
        .load(conn)?;
    let ids: Vec<String> = ranked.iter().map(|(id, _)| id.clone()).collect();
    let mut by_id: std::collections::HashMap<String, Office> = offices_by_id(conn, &ids)?
        .into_iter()
        .map(|row| (row.id.clone(), row))
        .collect();
    let rows: Vec<(Office, i32)> = ranked
        .into_iter()
        .filter_map(|(id, rank)| Some((by_id.remove(&id)?, rank)))
        .collect();
    Ok(page
        .finish(rows, |(o, rank)| format!("{rank}:{}", o.id))
        .map(|(o, _)| o))
}

/// Validates an office as it would be written, including the checks that
/// need the database (parent exists, no cycle), and returns the parent's id.
fn check(conn: &mut DbConn, input: &OfficeInput, own_id: &str) -> Result<Option<String>, ApiError> {
    let mut errors = crate::validate::errors_of(input);
    let parent = resolve_office_ref(conn, "parent_id", input.parent_id.as_deref(), &mut errors)?;
    // The duty line is one of this office's own live, public phones.
    if let Some(line) = input
        .duty_contact_point_id
        .as_deref()
        .filter(|l| !l.chars().any(char::is_control))
    {
        use crate::db::schema::contact_points;
        let found: i64 = contact_points::table
            .filter(contact_points::id.eq(line))
            .filter(contact_points::office_id.eq(own_id))
            .filter(contact_points::archived_at.is_null())
            .filter(contact_points::visibility.eq("public"))
            .filter(contact_points::kind.eq_any(["phone", "mobile"]))
            .count()
            .get_result(conn)?;
        if found == 0 {
            errors.push(crate::error::FieldError::new(
                "duty_contact_point_id",
                "not_found",
                "The duty line must be one of this office's public phones (a contact point id).",
            ));
        }
    }
    crate::validate::into_result(errors)?;
    let Some(parent) = parent else {
        return Ok(None);
    };
    // Walk up from the new parent: meeting ourselves means a cycle.
    let mut cursor = Some(parent.clone());
    let mut steps = 0;
    while let Some(office) = cursor {
        if office.id == own_id || steps > 100 {
            return Err(ApiError::invalid(
                "parent_id",
                "cycle",
                "An office cannot be its own ancestor.",
            ));
        }
        steps += 1;
        cursor = match office.parent_id {
            Some(id) => offices::table
                .find(id)
                .select(Office::as_select())
                .first(conn)
                .optional()?,
            None => None,
        };
    }
    Ok(Some(parent.id))
}

pub fn insert_office(
    conn: &mut DbConn,
    actor: &Actor,
    mut input: OfficeInput,
) -> Result<Office, ApiError> {
    input.normalize();
    write_transaction(conn, |conn| insert_in_transaction(conn, actor, input))
}

/// The insert itself, for callers that already hold a transaction.
pub fn insert_in_transaction(
    conn: &mut DbConn,
    actor: &Actor,
    input: OfficeInput,
) -> Result<Office, ApiError> {
    {
        let id = new_id();
        let parent_id = check(conn, &input, &id)?;
        let slug = choose_slug(
            conn,
            SlugTable::Offices,
            input.slug.as_deref(),
            &input.name,
            &id,
        )?;
        let at = now();
        // The search module writes the document and its keys.
        let office = Office {
            search_text: String::new(),
            name_key: String::new(),
            search_rowid: search::fts_rowid(&id),
            id,
            slug,
            name: input.name,
            kind: input.kind.as_str().into(),
            parent_id,
            city: input.city,
            country_code: input.country_code,
            region: input.region,
            timezone: input.timezone,
            address: input.address,
            website: input.website,
            hours: crate::reach::to_text(input.hours.as_ref()),
            duty_contact_point_id: input.duty_contact_point_id.clone(),
            created_at: at,
            updated_at: at,
            version: 1,
            archived_at: None,
        };
        diesel::insert_into(offices::table)
            .values(&office)
            .execute(conn)?;
        search::index::office_changed(conn, &office.id, Fresh::Inserted)?;
        let office = find_office(conn, &office.id, true)?;
        crate::audit::record(
            conn,
            actor,
            "create",
            "office",
            &office.id,
            None,
            Some(&office),
        )?;
        Ok(office)
    }
}

pub fn update_office(
    conn: &mut DbConn,
    actor: &Actor,
    key: &str,
    patch: OfficePatch,
    precondition: &Precondition,
) -> Result<Office, ApiError> {
    write_transaction(conn, |conn| {
        let current = find_office(conn, key, false)?;
        let mut input = patch.apply(OfficeInput::from(&current));
        input.normalize();
        let parent_id = check(conn, &input, &current.id)?;
        let slug = choose_slug(
            conn,
            SlugTable::Offices,
            input.slug.as_deref(),
            &input.name,
            &current.id,
        )?;
        let changes = OfficeChanges {
            slug,
            name: input.name,
            kind: input.kind.as_str().into(),
            parent_id,
            city: input.city,
            country_code: input.country_code,
            region: input.region,
            timezone: input.timezone,
            address: input.address,
            website: input.website,
            hours: crate::reach::to_text(input.hours.as_ref()),
            duty_contact_point_id: input.duty_contact_point_id.clone(),
            updated_at: now(),
            version: current.version + 1,
        };
        // After validation: a bad body is reported as such, whatever the ETag.
        precondition.check(current.version)?;
        diesel::update(
            offices::table
                .find(&current.id)
                .filter(offices::version.eq(current.version)),
        )
        .set(&changes)
        .execute(conn)
        .map_err(ApiError::from)
        .and_then(|rows| precondition.changed_once(rows))?;
        // Its people's and releases' documents hold its text: the search
        // module rewrites them too.
        search::index::office_changed(conn, &current.id, Fresh::Existing)?;
        let office = find_office(conn, &current.id, true)?;
        crate::audit::record(
            conn,
            actor,
            "update",
            "office",
            &office.id,
            Some(&current),
            Some(&office),
        )?;
        Ok(office)
    })
}

/// Archives an office. Refused while people or offices still depend on it:
/// move or archive them first, so nothing points at a hidden office.
pub fn archive_office(
    conn: &mut DbConn,
    actor: &Actor,
    key: &str,
    precondition: &Precondition,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let current = find_office(conn, key, false)?;
        precondition.check(current.version)?;
        // Held until commit: a person or office attaching now waits, then
        // finds the office archived (422); one that attached first is counted.
        if !lock_live_office(conn, &current.id, RowLock::Update)? {
            return Err(ApiError::not_found("office", key));
        }
        // Named, so the caller knows what to move first (the first 20 of each).
        let active_people: Vec<String> = people::table
            .filter(people::office_id.eq(&current.id))
            .filter(people::archived_at.is_null())
            .order(people::slug.asc())
            .select(people::slug)
            .limit(20)
            .load(conn)?;
        let active_children: Vec<String> = offices::table
            .filter(offices::parent_id.eq(&current.id))
            .filter(offices::archived_at.is_null())
            .order(offices::slug.asc())
            .select(offices::slug)
            .limit(20)
            .load(conn)?;
        if !active_people.is_empty() || !active_children.is_empty() {
            let mut errors: Vec<FieldError> = active_people
                .iter()
                .map(|slug| {
                    FieldError::new(
                        format!("people/{slug}"),
                        "attached",
                        format!("{slug} still belongs to this office"),
                    )
                })
                .collect();
            errors.extend(active_children.iter().map(|slug| {
                FieldError::new(
                    format!("offices/{slug}"),
                    "attached",
                    format!("{slug} is still under this office"),
                )
            }));
            return Err(ApiError::Conflict {
                detail: format!(
                    "The office still has active people ({}) or offices under it ({}); move or archive them first.",
                    active_people.join(", "),
                    active_children.join(", ")
                ),
                errors,
            });
        }
        let at = now();
        diesel::update(
            offices::table
                .find(&current.id)
                .filter(offices::version.eq(current.version)),
        )
        .set((
            offices::archived_at.eq(at),
            offices::updated_at.eq(at),
            offices::version.eq(current.version + 1),
        ))
        .execute(conn)
        .map_err(ApiError::from)
        .and_then(|rows| precondition.changed_once(rows))?;
        crate::audit::record(
            conn,
            actor,
            "archive",
            "office",
            &current.id,
            Some(&current),
            None,
        )?;
        Ok(())
    })
}

/// One of the office's contact points changed: the office's version and
/// `updated_at` follow (its document holds no contact values).
pub fn touch(conn: &mut DbConn, office_id: &str) -> QueryResult<()> {
    diesel::update(offices::table.find(office_id))
        .set((
            offices::version.eq(offices::version + 1),
            offices::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Brings an archived office back (its next version, a new
/// `updated_at`, an audit row); 409 when it is not archived.
pub fn restore_office(conn: &mut DbConn, actor: &Actor, key: &str) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let at = now();
        let current = find_office(conn, key, true)?;
        if current.archived_at.is_none() {
            return Err(ApiError::Conflict {
                detail: "This office is not archived.".into(),
                errors: vec![],
            });
        }
        // Held until commit (FOR SHARE on PostgreSQL): the parent cannot be
        // archived while this office comes back under it.
        if let Some(parent) = &current.parent_id
            && !lock_live_office(conn, parent, RowLock::Share)?
        {
            return Err(ApiError::Conflict {
                detail: "Restore the supervising office first.".into(),
                errors: vec![],
            });
        }
        diesel::update(offices::table.find(&current.id))
            .set((
                offices::archived_at.eq(None::<chrono::NaiveDateTime>),
                offices::updated_at.eq(at),
                offices::version.eq(current.version + 1),
            ))
            .execute(conn)?;
        let after = find_office(conn, &current.id, true)?;
        crate::audit::record(
            conn,
            actor,
            "restore",
            "office",
            &current.id,
            Some(&current),
            Some(&after),
        )?;
        Ok(())
    })
}

/// Writes a batch of office rows (import, demo-data) by the rules of
/// [`crate::batch::Stamp`]; gives the ids inserted and the ids changed.
pub fn import_rows(
    conn: &mut DbConn,
    stamp: &crate::batch::Stamp,
    rows: Vec<Office>,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    Ok(crate::upsert_rows!(
        conn, stamp, offices, Office, "office", rows
    ))
}
