//! `/offices/{id}/duty`, `/offices/{id}/on-duty` and `/duty/{id}`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::db;
use super::model::{DutyInput, DutyList, DutyListQuery, DutyResponse, OnDuty, OnDutyResponse};
use crate::contact_points::read::Audience;
use crate::db::DbPool;
use crate::error::ApiError;
use crate::http::{self, JsonBody, QueryParams, ReadPool};
use crate::openapi::{ArchiveErrors, CreateErrors, ListErrors, ReadErrors};
use crate::paging::{PageRequest, Precondition};
use crate::people::model::{PersonListQuery, PersonResponse, PersonSummary};

/// The rota of an office: assignments that end after `from`, by start.
#[utoipa::path(
    tag = "offices",
    params(("id" = String, Path, description = "Office id or slug"), DutyListQuery),
    responses((status = 200, description = "The rota, by start", body = DutyList), ListErrors)
)]
#[get("/{id}/duty")]
pub async fn list_duty(
    req: HttpRequest,
    pool: ReadPool,
    id: web::Path<String>,
    QueryParams(query): QueryParams<DutyListQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = PageRequest::new(query.limit, None)?.limit;
    let from = query.from.unwrap_or_else(Utc::now);
    let body = pool
        .run(move |conn| {
            let office = crate::offices::db::find_office(conn, &id, false)?;
            let rows = db::assignments(conn, &office.id, from, None, limit)?;
            let items = db::with_people(conn, rows)?
                .into_iter()
                .map(|(a, p)| DutyResponse::new(a, PersonSummary::from(&p)))
                .collect();
            Ok(DutyList { items })
        })
        .await?;
    Ok(http::list(&req, &body, None))
}

/// Put someone on duty for an office.
#[utoipa::path(
    tag = "offices",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Office id or slug")),
    request_body = DutyInput,
    responses((status = 201, description = "On the rota; `Location` is the office's rota", body = DutyResponse, headers(("ETag" = String), ("Location" = String))), CreateErrors)
)]
#[post("/{id}/duty")]
pub async fn create_duty(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    JsonBody(input): JsonBody<DutyInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    let created = pool
        .run(move |conn| db::insert_assignment(conn, &actor, &id, input))
        .await?;
    let location = format!("/api/v1/offices/{}/duty", created.office_id);
    Ok(http::created(&req, &location, &created))
}

/// Take an assignment off the rota (archived, not destroyed).
#[utoipa::path(
    tag = "offices",
    security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Duty assignment id"), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    responses((status = 204, description = "Archived"), ArchiveErrors)
)]
#[delete("/{id}")]
pub async fn archive_duty(
    caller: crate::keys::Caller,
    pool: web::Data<DbPool>,
    id: web::Path<String>,
    precondition: Precondition,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::keys::Scope::Write)?;
    let actor = caller.actor();
    pool.run(move |conn| db::archive_assignment(conn, &actor, &id, &precondition))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// For which moment to answer.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OnDutyQuery {
    /// An RFC 3339 instant (default: now), to plan ahead or look back.
    #[serde(default, deserialize_with = "crate::validate::rfc3339")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub at: Option<DateTime<Utc>>,
}

/// A person's availability at `at`, with their own hours or their office's.
fn read_at(
    person: &mut PersonResponse,
    office_hours: Option<&crate::reach::Hours>,
    at: DateTime<Utc>,
) {
    let reach = crate::reach::reach_in(
        person.hours.as_ref().or(office_hours),
        person.office.as_ref().and_then(|o| o.timezone.as_deref()),
        at,
    );
    person.available_now = reach.available_now;
    person.next_available_at = reach.next_available_at;
}

/// Who can I reach at this office now: the duty line, who is on duty, who
/// else is available by their hours; when nobody is, the next time somebody is.
#[utoipa::path(
    tag = "offices",
    params(("id" = String, Path, description = "Office id or slug"), OnDutyQuery),
    responses((status = 200, description = "Who can be reached at that moment (never cached)", body = OnDutyResponse), ReadErrors)
)]
#[get("/{id}/on-duty")]
pub async fn on_duty(
    pool: ReadPool,
    id: web::Path<String>,
    QueryParams(query): QueryParams<OnDutyQuery>,
) -> Result<HttpResponse, ApiError> {
    let at = query.at.unwrap_or_else(Utc::now);
    let body = pool.run(move |conn| reachable_at(conn, &id, at)).await?;
    // Depends on the clock: never cached.
    Ok(HttpResponse::build(StatusCode::OK)
        .insert_header(("Cache-Control", "no-store"))
        .json(body))
}

/// Who can be reached at an office at `at` (see `on_duty`); the journalists'
/// office page shows the same.
pub fn reachable_at(
    conn: &mut crate::db::DbConn,
    id: &str,
    at: DateTime<Utc>,
) -> Result<OnDutyResponse, ApiError> {
    let office = crate::offices::db::find_office(conn, id, false)?;
    let office_hours = crate::reach::from_text(office.hours.as_deref());
    let duty_line = match &office.duty_contact_point_id {
        Some(line) => {
            crate::contact_points::read::office_point(conn, &office.id, line)?.map(Into::into)
        }
        None => None,
    };
    // On duty now: assignments covering `at`.
    let current = db::assignments(conn, &office.id, at, Some(at), 200)?;
    let pairs = db::with_people(conn, current)?;
    let people: Vec<_> = pairs.iter().map(|(_, p)| p.clone()).collect();
    let embedded = crate::people::db::embed(conn, people, Audience::Public)?;
    let mut on_duty_now = vec![];
    for ((assignment, person), mut response) in pairs.into_iter().zip(embedded) {
        // On the rota now: reachable, whatever their usual hours say.
        response.available_now = Some(true);
        response.next_available_at = None;
        on_duty_now.push(OnDuty {
            assignment: DutyResponse::new(assignment, PersonSummary::from(&person)),
            person: response,
        });
    }
    // Available by hours: the office's other people.
    let filter = PersonListQuery {
        office: Some(office.id.clone()),
        ..PersonListQuery::default()
    };
    // No query: the searcher is never asked.
    let sql = crate::search::Searcher::default();
    let page = PageRequest::new(Some(200), None)?;
    let staff = crate::people::db::list_people(conn, &sql, &filter, &page, false)?;
    let mut staff = crate::people::db::embed(conn, staff.items, Audience::Public)?;
    for person in &mut staff {
        read_at(person, office_hours.as_ref(), at);
    }
    let on_duty_ids: Vec<&str> = on_duty_now.iter().map(|d| d.person.id.as_str()).collect();
    let (available, unavailable): (Vec<_>, Vec<_>) = staff
        .into_iter()
        .filter(|p| !on_duty_ids.contains(&p.id.as_str()))
        .partition(|p| p.available_now == Some(true));
    // Nobody now: the next assignment's start, or the next person's hours.
    let next_available_at = if on_duty_now.is_empty() && available.is_empty() {
        let next_shift = db::assignments(conn, &office.id, at, None, 1)?
            .into_iter()
            .map(|a| a.starts_at.and_utc())
            .find(|s| *s > at);
        unavailable
            .iter()
            .filter_map(|p| p.next_available_at)
            .chain(next_shift)
            .min()
    } else {
        None
    };
    let timezone = office.timezone.clone();
    let local_time = timezone
        .as_deref()
        .and_then(|tz| tz.parse::<chrono_tz::Tz>().ok())
        .map(|tz| at.with_timezone(&tz).to_rfc3339());
    Ok(OnDutyResponse {
        office_id: office.id,
        at,
        timezone,
        local_time,
        duty_line,
        on_duty: on_duty_now,
        available,
        next_available_at,
    })
}
