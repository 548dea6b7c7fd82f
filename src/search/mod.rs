//! Search: how a query is read, how rows are matched and ranked, and the
//! indexes that keep it fast. In SQL, `search_text` is matched with LIKE,
//! served on PostgreSQL by a pg_trgm GIN index; a SQLite server searches an
//! in-memory copy of the documents instead (`memory`), with the same
//! answers.

pub mod handlers;
pub mod index;
pub mod memory;

use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text};

use crate::db::{DbConn, MultiBackend};
use crate::text::fold;

/// A searchable table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Offices,
    People,
    Releases,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Self::Offices => "offices",
            Self::People => "people",
            Self::Releases => "releases",
        }
    }
}

/// A query as search reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// Folded words; every one must appear in a row's search document.
    pub words: Vec<String>,
    /// The folded query as a whole, compared with names for ranking.
    pub phrase: String,
}

/// Characters a phone number may be written with.
fn is_phone_char(c: char) -> bool {
    c.is_ascii_digit() || " +-().\u{a0}/".contains(c)
}

/// The longest query searched, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The most words a query may have: each is one more condition per row.
pub const MAX_QUERY_WORDS: usize = 16;

impl SearchQuery {
    /// `None` when the query has nothing to search for (only punctuation).
    /// A query written like a phone number (`+1 (202) 716-8820`) becomes its
    /// digits, which appear in the E.164 form every phone is indexed under.
    /// Over [`MAX_QUERY_CHARS`] or [`MAX_QUERY_WORDS`] it is refused before
    /// any SQL is built, so no query costs more than a known amount.
    pub fn parse(q: &str) -> Result<Option<Self>, crate::error::ApiError> {
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(crate::error::ApiError::bad_field(
                "q",
                "length",
                format!("q must have at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 5 && q.trim().chars().all(is_phone_char) {
            return Ok(Some(Self {
                words: vec![digits.clone()],
                phrase: digits,
            }));
        }
        let phrase = fold(q);
        let mut words: Vec<String> = Vec::new();
        for word in phrase.split(' ').filter(|w| !w.is_empty()) {
            // A repeated word adds nothing but cost.
            if !words.iter().any(|w| w == word) {
                words.push(word.to_string());
            }
        }
        if words.len() > MAX_QUERY_WORDS {
            return Err(crate::error::ApiError::bad_field(
                "q",
                "too_many_words",
                format!("q must have at most {MAX_QUERY_WORDS} distinct words"),
            ));
        }
        if words.is_empty() {
            return Ok(None);
        }
        Ok(Some(Self { words, phrase }))
    }

    /// An optional `q` parameter read as a query.
    pub fn from_param(q: Option<&str>) -> Result<Option<Self>, crate::error::ApiError> {
        Ok(q.map(Self::parse).transpose()?.flatten())
    }
}

/// An SQL condition or value usable in a boxed query over `QS`.
pub type Condition<QS> = Box<dyn BoxableExpression<QS, MultiBackend, SqlType = Bool>>;
pub type RankExpr<QS> = Box<dyn BoxableExpression<QS, MultiBackend, SqlType = Integer>>;

/// Rows of `table` whose search document contains every word (as a
/// substring: on PostgreSQL, the trigram index serves it). The condition is
/// one flat list of terms, however many words there are.
pub fn matches<QS: 'static>(table: Table, query: &SearchQuery) -> Condition<QS> {
    Box::new(AllTerms {
        table,
        like_patterns: query.words.iter().map(|w| format!("%{w}%")).collect(),
    })
}

/// "Every word is in the document", written out term by term into the SQL
/// with one bind each: no expression tree grows with the query.
#[derive(Debug, Clone)]
struct AllTerms {
    table: Table,
    /// `LIKE` patterns over `search_text`.
    like_patterns: Vec<String>,
}

impl diesel::expression::Expression for AllTerms {
    type SqlType = Bool;
}

impl<QS> diesel::expression::AppearsOnTable<QS> for AllTerms {}
impl<QS> diesel::expression::SelectableExpression<QS> for AllTerms {}

impl diesel::expression::ValidGrouping<()> for AllTerms {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl diesel::query_builder::QueryId for AllTerms {
    type QueryId = ();
    // The SQL depends on the number of words: never cache it by type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::QueryFragment<MultiBackend> for AllTerms {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, MultiBackend>,
    ) -> QueryResult<()> {
        let name = self.table.name();
        out.push_sql("(1 = 1");
        for pattern in &self.like_patterns {
            out.push_sql(&format!(" AND {name}.search_text LIKE "));
            out.push_bind_param::<Text, String>(pattern)?;
        }
        out.push_sql(")");
        Ok(())
    }
}

/// 0 exact name, 1 name prefix, 2 a word of the name starts with the query,
/// 3 a match elsewhere. Names are compared folded (`name_key`).
pub fn rank<QS: 'static>(table: Table, query: &SearchQuery) -> RankExpr<QS> {
    let key = format!("{}.name_key", table.name());
    let phrase = &query.phrase;
    Box::new(
        diesel::dsl::sql::<Integer>(&format!("CASE WHEN {key} = "))
            .bind::<Text, _>(phrase.clone())
            .sql(&format!(" THEN 0 WHEN {key} LIKE "))
            .bind::<Text, _>(format!("{phrase}%"))
            .sql(&format!(" THEN 1 WHEN ' ' || {key} LIKE "))
            .bind::<Text, _>(format!("% {phrase}%"))
            .sql(" THEN 2 ELSE 3 END"),
    )
}

/// Where ranked matches come from: the database's own index, or an
/// in-memory copy of the documents (SQLite, unless `--no-search-in-memory`). Lists
/// take one from their pool; a `Searcher::default()` searches in SQL.
#[derive(Debug, Clone, Default)]
pub struct Searcher(Option<std::sync::Arc<memory::MemoryIndex>>);

impl Searcher {
    pub fn in_memory_index() -> Self {
        Self(Some(Default::default()))
    }

    pub fn in_memory(&self) -> Option<&memory::MemoryIndex> {
        self.0.as_deref()
    }

    /// Reads every table's documents into the in-memory copy, if any.
    pub fn refresh_all(&self, conn: &mut DbConn) -> QueryResult<()> {
        if let Some(index) = self.in_memory() {
            for table in [Table::Offices, Table::People, Table::Releases] {
                index.refresh(conn, table)?;
            }
        }
        Ok(())
    }

    /// The memory the in-memory copy holds (0 when searching in SQL).
    pub fn heap_bytes(&self) -> u64 {
        self.in_memory().map_or(0, memory::MemoryIndex::heap_bytes)
    }

    /// The server's searcher (registered as app data), or SQL when none is.
    pub fn of(req: &actix_web::HttpRequest) -> Self {
        req.app_data::<actix_web::web::Data<Self>>()
            .map(|s| s.get_ref().clone())
            .unwrap_or_default()
    }
}

impl actix_web::FromRequest for Searcher {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(Self::of(req)))
    }
}

/// The most candidates checked against a list's other filters at once.
const MAX_BATCH: usize = 4_000;

/// A page of ranked matches through the in-memory index. Candidates come best first; `load` reads those of them that pass
/// the list's other filters (archived, office, role...), in batches that
/// grow fourfold while filters turn candidates away, so a page costs one
/// query when nothing is filtered and a bounded few when much is.
pub fn ranked_in_memory<T>(
    index: &memory::MemoryIndex,
    conn: &mut DbConn,
    table: Table,
    search: &SearchQuery,
    page: &crate::paging::PageRequest,
    mut load: impl FnMut(&mut DbConn, &[String]) -> Result<Vec<T>, crate::error::ApiError>,
    id_of: impl Fn(&T) -> &str,
) -> Result<crate::paging::Page<T>, crate::error::ApiError> {
    index.refresh(conn, table)?;
    let want = usize::try_from(page.fetch()).unwrap_or(1);
    let mut after = page.after.as_deref().map(ranked_key).transpose()?;
    let mut batch = want;
    let mut found: Vec<(T, i32)> = Vec::with_capacity(want);
    let finish = |found: Vec<(T, i32)>| {
        Ok(page
            .finish(found, |(row, rank)| format!("{rank}:{}", id_of(row)))
            .map(|(row, _)| row))
    };
    loop {
        let candidates = index.search(
            table,
            search,
            after.as_ref().map(|(rank, id)| (*rank, id.as_str())),
            batch,
        );
        let ids: Vec<String> = candidates.iter().map(|(_, id)| id.clone()).collect();
        let mut rows: std::collections::HashMap<String, T> = load(conn, &ids)?
            .into_iter()
            .map(|row| (id_of(&row).to_string(), row))
            .collect();
        for (rank, id) in &candidates {
            if let Some(row) = rows.remove(id) {
                found.push((row, *rank));
                if found.len() == want {
                    return finish(found);
                }
            }
        }
        if candidates.len() < batch {
            return finish(found);
        }
        after = candidates.into_iter().next_back();
        batch = (batch * 4).min(MAX_BATCH);
    }
}

/// Reads a ranked page key (`<rank>:<id>`) back.
pub fn ranked_key(key: &str) -> Result<(i32, String), crate::error::ApiError> {
    key.split_once(':')
        .and_then(|(rank, id)| Some((rank.parse().ok()?, id.to_string())))
        .ok_or_else(|| {
            crate::error::ApiError::bad_field(
                "cursor",
                "invalid_cursor",
                "cursor is not one this server issued",
            )
        })
}

/// A row's `search_rowid` (the rowid of SQLite's full-text tables while
/// there were any; now the in-memory index's key for a row): 63 random
/// bits of its UUIDv7 id. A clash among a few million rows is about as
/// likely as a cosmic-ray bit flip.
pub fn fts_rowid(id: &str) -> i64 {
    let bits = uuid::Uuid::parse_str(id)
        .map(|u| u.as_u128())
        .unwrap_or_else(|_| {
            id.bytes().fold(0xcbf2_9ce4_8422_2325_u128, |h, b| {
                (h ^ u128::from(b)).wrapping_mul(0x1000_0000_01b3)
            })
        });
    (bits as u64 & (i64::MAX as u64)) as i64
}

/// Fills `name_key` for rows written before search existed (their
/// `name_key` is empty). Cheap when there are none.
pub fn backfill(conn: &mut DbConn) -> QueryResult<usize> {
    use crate::db::schema::{offices, people, releases};
    let offices: Vec<(String, String, String)> = offices::table
        .filter(offices::name_key.eq(""))
        .select((offices::id, offices::name, offices::search_text))
        .load(conn)?;
    let people: Vec<(String, String, String)> = people::table
        .filter(people::name_key.eq(""))
        .select((people::id, people::full_name, people::search_text))
        .load(conn)?;
    let releases: Vec<(String, String, String)> = releases::table
        .filter(releases::name_key.eq(""))
        .select((releases::id, releases::title, releases::search_text))
        .load(conn)?;
    let tables = [
        (Table::Offices, offices),
        (Table::People, people),
        (Table::Releases, releases),
    ];
    conn.transaction(|conn| {
        let mut done = 0;
        for (table, rows) in tables {
            let documents: Vec<index::Document> = rows
                .into_iter()
                .map(|(id, name, text)| index::Document {
                    name_key: fold(&name),
                    text,
                    id,
                })
                .collect();
            index::write(conn, table, &documents)?;
            done += documents.len();
        }
        Ok(done)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_queries_become_digits_and_words_are_folded() {
        let parse = |q: &str| SearchQuery::parse(q).unwrap();
        assert_eq!(
            parse("+1 (202) 716-8820").unwrap().words,
            vec!["12027168820"]
        );
        assert_eq!(parse("202-716-8820").unwrap().words, vec!["2027168820"]);
        assert_eq!(parse("DALL OGLIO").unwrap().words, vec!["dall", "oglio"]);
        assert_eq!(parse("Dall’Oglio").unwrap().phrase, "dalloglio");
        assert_eq!(parse("jgallo@").unwrap().words, vec!["jgallo"]);
        assert!(parse(" -- ").is_none());
        assert_eq!(parse("2030 agenda").unwrap().words, vec!["2030", "agenda"]);
    }

    #[test]
    fn queries_over_the_bounds_are_refused_before_any_sql() {
        let many = vec!["a"; 9000].join(" ");
        assert!(SearchQuery::parse(&many).is_err(), "over 200 characters");
        let words: Vec<String> = (0..17).map(|i| format!("w{i}")).collect();
        assert!(SearchQuery::parse(&words.join(" ")).is_err(), "17 words");
        // Repeats count once: "a a a" is one word.
        let repeated = vec!["ab"; 60].join(" ");
        assert_eq!(
            SearchQuery::parse(&repeated).unwrap().unwrap().words,
            vec!["ab"]
        );
    }

    #[test]
    fn fts_rowids_are_stable_and_positive() {
        let id = "0190f5a8-1b2c-7d3e-8f40-123456789abc";
        assert_eq!(fts_rowid(id), fts_rowid(id));
        assert!(fts_rowid(id) >= 0);
        assert_ne!(
            fts_rowid(id),
            fts_rowid("0190f5a8-1b2c-7d3e-8f40-123456789abd")
        );
    }
}
