//! Reading contact points for their owners' answers. Below `people::db`
//! (which embeds them) and `contact_points::db` (which writes them), so
//! the two need not import each other.

use diesel::prelude::*;

use super::model::{ContactPoint, Visibility};
use crate::db::DbConn;
use crate::db::schema::contact_points;

/// Whether to show contact points marked `internal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Public,
    Internal,
}

/// The contact points `audience` may see: public ones, and every one for
/// internal readers. One fixed expression (the audience is a bound value),
/// so that the queries using it keep their prepared statements.
pub type VisibleTo = diesel::dsl::Or<
    diesel::dsl::Eq<contact_points::visibility, &'static str>,
    diesel::dsl::AsExprOf<bool, diesel::sql_types::Bool>,
>;

pub fn visible_to(audience: Audience) -> VisibleTo {
    contact_points::visibility
        .eq(Visibility::Public.as_str())
        .or((audience == Audience::Internal).into_sql::<diesel::sql_types::Bool>())
}

/// Active contact points of these people, visible to `audience`, primary first.
pub fn for_people(
    conn: &mut DbConn,
    person_ids: &[String],
    audience: Audience,
) -> QueryResult<Vec<ContactPoint>> {
    if person_ids.is_empty() {
        return Ok(vec![]);
    }
    // One person (a single read): a plain equality, which SQLite runs
    // without reading a JSON list first.
    if let [id] = person_ids {
        return contact_points::table
            .filter(contact_points::person_id.eq(id))
            .filter(contact_points::archived_at.is_null())
            .filter(visible_to(audience))
            .order((contact_points::is_primary.desc(), contact_points::id.asc()))
            .select(ContactPoint::as_select())
            .load(conn);
    }
    contact_points::table
        .filter(crate::db::any_of::any_of(
            contact_points::person_id,
            person_ids,
        ))
        .filter(contact_points::archived_at.is_null())
        .filter(visible_to(audience))
        .order((contact_points::is_primary.desc(), contact_points::id.asc()))
        .select(ContactPoint::as_select())
        .load(conn)
}

/// Each office's public press line: its primary public phone (else its
/// first), for people of that office who have no phone of their own.
pub fn press_lines(
    conn: &mut DbConn,
    office_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, ContactPoint>> {
    let mut lines = std::collections::HashMap::new();
    if office_ids.is_empty() {
        return Ok(lines);
    }
    let points: Vec<ContactPoint> = contact_points::table
        .filter(contact_points::office_id.eq_any(office_ids))
        .filter(contact_points::archived_at.is_null())
        .filter(contact_points::visibility.eq(Visibility::Public.as_str()))
        .filter(contact_points::kind.eq_any(["phone", "mobile"]))
        .order((contact_points::is_primary.desc(), contact_points::id.asc()))
        .select(ContactPoint::as_select())
        .load(conn)?;
    for cp in points {
        if let Some(office) = cp.office_id.clone() {
            lines.entry(office).or_insert(cp);
        }
    }
    Ok(lines)
}

/// Offices' duty lines, by office: each `(office id, contact point id)`
/// pair whose contact point is live, public and the office's own.
pub fn duty_lines(
    conn: &mut DbConn,
    lines: &[(String, String)],
) -> QueryResult<std::collections::HashMap<String, ContactPoint>> {
    if lines.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let ids: Vec<&String> = lines.iter().map(|(_, cp)| cp).collect();
    let points: Vec<ContactPoint> = contact_points::table
        .filter(contact_points::id.eq_any(ids))
        .filter(contact_points::archived_at.is_null())
        .filter(contact_points::visibility.eq(Visibility::Public.as_str()))
        .select(ContactPoint::as_select())
        .load(conn)?;
    Ok(points
        .into_iter()
        .filter_map(|cp| {
            let office = cp.office_id.clone()?;
            lines
                .iter()
                .any(|(o, id)| *o == office && *id == cp.id)
                .then_some((office, cp))
        })
        .collect())
}

/// One of an office's live, public contact points (its duty line).
pub fn office_point(
    conn: &mut DbConn,
    office_id: &str,
    id: &str,
) -> QueryResult<Option<ContactPoint>> {
    contact_points::table
        .find(id)
        .filter(contact_points::office_id.eq(office_id))
        .filter(contact_points::archived_at.is_null())
        .filter(contact_points::visibility.eq(Visibility::Public.as_str()))
        .select(ContactPoint::as_select())
        .first(conn)
        .optional()
}
