//! `column IN (ids)` as one statement whatever the number of ids, so that
//! diesel keeps it prepared. diesel's `eq_any` writes one `?` per id on
//! SQLite and marks the query as not to be cached: on a search, preparing
//! its three lists (people, their contact points, their offices) took a
//! tenth of the CPU (BENCHMARKS.md).

use diesel::QueryResult;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate,
};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, Bool, Text};
use diesel::sqlite::Sqlite;

use super::MultiBackend;

/// See [`any_of`].
#[derive(Debug, Clone)]
pub struct AnyOf<C> {
    column: C,
    ids: Vec<String>,
    /// The ids as a JSON array, SQLite's one bound value.
    json: String,
}

/// `column` is one of `ids`: on SQLite `IN (SELECT value FROM json_each(?))`,
/// on PostgreSQL `= ANY(?)`, one bound value either way.
pub fn any_of<C>(column: C, ids: &[String]) -> AnyOf<C> {
    AnyOf {
        column,
        ids: ids.to_vec(),
        json: serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()),
    }
}

impl<C> Expression for AnyOf<C> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for AnyOf<C> {}

impl<C: SelectableExpression<QS>, QS> SelectableExpression<QS> for AnyOf<C> {}

impl<C> ValidGrouping<()> for AnyOf<C> {
    type IsAggregate = is_aggregate::Never;
}

impl<C: QueryId> QueryId for AnyOf<C> {
    type QueryId = AnyOf<C::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID;
}

impl<C: QueryFragment<Sqlite>> QueryFragment<Sqlite> for AnyOf<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(&self.json)?;
        out.push_sql("))");
        Ok(())
    }
}

impl<C: QueryFragment<Pg>> QueryFragment<Pg> for AnyOf<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" = ANY(");
        out.push_bind_param::<Array<Text>, _>(&self.ids)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<C> QueryFragment<MultiBackend> for AnyOf<C>
where
    C: QueryFragment<Sqlite> + QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        MultiBackend::walk_variant_ast(self, pass)
    }
}
