//! The duty rota's one write path (create, archive) and its reads.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::model::{DutyAssignment, DutyInput, DutyResponse, MAX_ASSIGNMENT_DAYS};
use crate::audit::Actor;
use crate::db::schema::duty_assignments;
use crate::db::{DbConn, new_id, now, write_transaction};
use crate::error::{ApiError, FieldError};
use crate::offices::db::RowLock;
use crate::paging::Precondition;
use crate::people::model::PersonSummary;

/// Puts a person on duty for an office. The person and the office must be
/// live; the range must end after it starts, within 31 days.
pub fn insert_assignment(
    conn: &mut DbConn,
    actor: &Actor,
    office_key: &str,
    mut input: DutyInput,
) -> Result<DutyResponse, ApiError> {
    input.normalize();
    write_transaction(conn, |conn| {
        let office = crate::offices::db::find_office(conn, office_key, false)?;
        let mut errors = crate::validate::errors_of(&input);
        let (starts_at, ends_at) = (input.starts_at, input.ends_at);
        for (field, value) in [("starts_at", starts_at), ("ends_at", ends_at)] {
            if value.is_none() {
                errors.push(FieldError::new(
                    field,
                    "required",
                    format!("{field} is an RFC 3339 instant"),
                ));
            }
        }
        if let (Some(starts), Some(ends)) = (starts_at, ends_at)
            && (ends <= starts || ends - starts > chrono::Duration::days(MAX_ASSIGNMENT_DAYS))
        {
            errors.push(FieldError::new(
                "ends_at",
                "range",
                format!(
                    "ends_at must be after starts_at, at most {MAX_ASSIGNMENT_DAYS} days later"
                ),
            ));
        }
        let person = if input.person_id.chars().any(char::is_control) {
            None
        } else {
            match crate::people::db::find_person(conn, &input.person_id, false) {
                Ok(person) => Some(person),
                Err(ApiError::NotFound(_)) => {
                    errors.push(FieldError::new(
                        "person_id",
                        "not_found",
                        format!("No person with id or slug '{}'.", input.person_id),
                    ));
                    None
                }
                Err(other) => return Err(other),
            }
        };
        crate::validate::into_result(errors)?;
        let (Some(person), Some(starts_at), Some(ends_at)) = (person, starts_at, ends_at) else {
            return Err(ApiError::invalid(
                "person_id",
                "required",
                "a person is required",
            ));
        };
        // The office stays live until this commits (FOR SHARE on PostgreSQL).
        if !crate::offices::db::lock_live_office(conn, &office.id, RowLock::Share)? {
            return Err(ApiError::not_found("office", office_key));
        }
        let at = now();
        let assignment = DutyAssignment {
            id: new_id(),
            office_id: office.id.clone(),
            person_id: person.id.clone(),
            starts_at: starts_at.naive_utc(),
            ends_at: ends_at.naive_utc(),
            note: input.note,
            created_at: at,
            updated_at: at,
            version: 1,
            archived_at: None,
        };
        diesel::insert_into(duty_assignments::table)
            .values(&assignment)
            .execute(conn)?;
        crate::audit::record(
            conn,
            actor,
            "create",
            "duty_assignment",
            &assignment.id,
            None,
            Some(&assignment),
        )?;
        Ok(DutyResponse::new(assignment, PersonSummary::from(&person)))
    })
}

/// Takes an assignment off the rota (archived, not destroyed).
pub fn archive_assignment(
    conn: &mut DbConn,
    actor: &Actor,
    id: &str,
    precondition: &Precondition,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        let current: DutyAssignment = duty_assignments::table
            .find(id)
            .filter(duty_assignments::archived_at.is_null())
            .select(DutyAssignment::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("duty assignment", id))?;
        precondition.check(current.version)?;
        let at = now();
        diesel::update(duty_assignments::table.find(id))
            .set((
                duty_assignments::archived_at.eq(Some(at)),
                duty_assignments::updated_at.eq(at),
                duty_assignments::version.eq(current.version + 1),
            ))
            .execute(conn)?;
        crate::audit::record(
            conn,
            actor,
            "archive",
            "duty_assignment",
            id,
            Some(&current),
            None,
        )?;
        Ok(())
    })
}

/// Live assignments of an office ending after `from` (and starting by
/// `until`, when given), by start; at most `limit`.
pub fn assignments(
    conn: &mut DbConn,
    office_id: &str,
    from: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    limit: i64,
) -> QueryResult<Vec<DutyAssignment>> {
    let mut query = duty_assignments::table
        .filter(duty_assignments::office_id.eq(office_id.to_string()))
        .filter(duty_assignments::archived_at.is_null())
        .filter(duty_assignments::ends_at.gt(from.naive_utc()))
        .select(DutyAssignment::as_select())
        .order((
            duty_assignments::starts_at.asc(),
            duty_assignments::id.asc(),
        ))
        .limit(limit)
        .into_boxed::<crate::db::MultiBackend>();
    if let Some(until) = until {
        query = query.filter(duty_assignments::starts_at.le(until.naive_utc()));
    }
    query.load(conn)
}

/// The people of these assignments, as summaries, live ones only.
pub fn with_people(
    conn: &mut DbConn,
    assignments: Vec<DutyAssignment>,
) -> QueryResult<Vec<(DutyAssignment, crate::people::model::Person)>> {
    let ids: Vec<String> = assignments.iter().map(|a| a.person_id.clone()).collect();
    let people: std::collections::HashMap<String, crate::people::model::Person> =
        crate::people::db::people_by_id(conn, &ids)?
            .into_iter()
            .filter(|p| p.archived_at.is_none())
            .map(|p| (p.id.clone(), p))
            .collect();
    Ok(assignments
        .into_iter()
        .filter_map(|a| {
            let person = people.get(&a.person_id)?.clone();
            Some((a, person))
        })
        .collect())
}

/// Import's write path for the rota (see `batch::Stamp`).
pub fn import_rows(
    conn: &mut DbConn,
    stamp: &crate::batch::Stamp,
    rows: Vec<DutyAssignment>,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    Ok(crate::upsert_rows!(
        conn,
        stamp,
        duty_assignments,
        DutyAssignment,
        "duty_assignment",
        rows
    ))
}
