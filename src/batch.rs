//! Writing rows in volume, for import and demo-data: the rules of a change
//! applied to a batch (see [`Stamp`]). Each resource's `import_rows` uses
//! [`upsert_rows!`](crate::upsert_rows) on its own table; nothing else
//! writes those tables in bulk.

use crate::audit::Actor;

/// How rows already in the database are met (see the README's import
/// semantics): into an empty database every row keeps its version and
/// timestamps (the lossless round trip); over existing data a row that
/// differs gets the next version and a new `updated_at`, a new row a new
/// `updated_at` (so that `updated_since` shows both), and an identical row
/// is not touched at all. Changes over existing data are audited one by one.
pub struct Stamp<'a> {
    pub into_empty: bool,
    /// No row of the batch can exist yet (an import into an empty
    /// directory, whose document's ids are distinct): nothing to look up.
    pub all_new: bool,
    pub at: chrono::NaiveDateTime,
    pub actor: &'a Actor,
}

/// The columns of an exported row that carry its history, not its content.
pub trait Versioned: serde::Serialize {
    fn version(&self) -> i64;
    fn created_at(&self) -> chrono::NaiveDateTime;
    fn restamp(
        &mut self,
        version: i64,
        created_at: chrono::NaiveDateTime,
        updated_at: chrono::NaiveDateTime,
    );
}

macro_rules! versioned {
    ($($type:ty),*) => {$(
        impl Versioned for $type {
            fn version(&self) -> i64 {
                self.version
            }
            fn created_at(&self) -> chrono::NaiveDateTime {
                self.created_at
            }
            fn restamp(&mut self, version: i64, created_at: chrono::NaiveDateTime, updated_at: chrono::NaiveDateTime) {
                self.version = version;
                self.created_at = created_at;
                self.updated_at = updated_at;
            }
        }
    )*};
}
versioned!(
    crate::offices::model::Office,
    crate::people::model::Person,
    crate::contact_points::model::ContactPoint,
    crate::releases::model::Release,
    crate::releases::model::Appearance,
    crate::duty::model::DutyAssignment
);

/// Whether two states of a row say the same (history columns aside; the
/// search columns are never serialised).
pub fn same_content<T: Versioned>(a: &T, b: &T) -> bool {
    let content = |row: &T| {
        let mut value = serde_json::to_value(row).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            for history in ["version", "created_at", "updated_at"] {
                object.remove(history);
            }
        }
        value
    };
    content(a) == content(b)
}

/// Writes a batch of one kind of row by the rules of [`Stamp`]: updates
/// the rows that exist and differ, inserts the others in one statement
/// (batch inserts do not compile through the multi-connection, hence the
/// match; PostgreSQL's is a binary COPY). Gives the ids inserted and the ids changed.
#[macro_export]
macro_rules! upsert_rows {
    ($conn:expr, $stamp:expr, $table:ident, $type:ty, $entity:expr, $rows:expr) => {{
        use $crate::batch::Versioned as _;
        let stamp: &$crate::batch::Stamp = $stamp;
        let mut rows: Vec<$type> = $rows;
        let existing: std::collections::HashMap<String, $type> = if stamp.all_new {
            Default::default()
        } else {
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            $table::table
                .filter($table::id.eq_any(&ids))
                .select(<$type>::as_select())
                .load::<$type>($conn)?
                .into_iter()
                .map(|row| (row.id.clone(), row))
                .collect()
        };
        let mut inserts: Vec<$type> = vec![];
        let mut updated: Vec<String> = vec![];
        for mut row in rows.drain(..) {
            match existing.get(&row.id) {
                Some(before) if $crate::batch::same_content(before, &row) => {}
                Some(before) => {
                    row.restamp(before.version() + 1, before.created_at(), stamp.at);
                    diesel::update($table::table.find(&row.id))
                        .set(&row)
                        .execute($conn)?;
                    $crate::audit::record(
                        $conn,
                        stamp.actor,
                        "update",
                        $entity,
                        &row.id,
                        Some(before),
                        Some(&row),
                    )?;
                    updated.push(row.id.clone());
                }
                None => {
                    if !stamp.into_empty {
                        let (version, created_at) = (row.version(), row.created_at());
                        row.restamp(version, created_at, stamp.at);
                        $crate::audit::record(
                            $conn,
                            stamp.actor,
                            "create",
                            $entity,
                            &row.id,
                            None,
                            Some(&row),
                        )?;
                    }
                    inserts.push(row);
                }
            }
        }
        let inserted: Vec<String> = inserts.iter().map(|r| r.id.clone()).collect();
        if !inserts.is_empty() {
            match $conn {
                // COPY, not a 500-row INSERT: PostgreSQL spent as long
                // parsing and binding those statements as running them.
                $crate::db::DbConn::Pg(c) => diesel::copy_from($table::table)
                    .from_insertable(&inserts)
                    .execute(c)?,
                $crate::db::DbConn::Sqlite(c) => diesel::insert_into($table::table)
                    .values(&inserts)
                    .execute(c)?,
            };
        }
        (inserted, updated)
    }};
}
