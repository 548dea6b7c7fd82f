//! Search documents held in memory, with a trigram index over them (SQLite).
//!
//! SQLite's FTS5 trigram index, which this replaced, paid a B-tree step,
//! the rank's comparisons and a sorter insert for every row a fragment
//! matched: about 2 ms for `lefe` over 100,000 people, whatever the page
//! size (BENCHMARKS.md). Here names are matched first, in an index of their
//! words' first letters, and other matches only as far as the page needs;
//! the database then reads the page's rows alone, with every other filter
//! applied.
//!
//! The copy follows the database, never the other way round: before each
//! search it compares its version with the table's in `search_versions`
//! (one indexed read), and reads back the rows stamped since (see
//! `index::write`). So a search sees every write committed before it
//! started, this instance's or another process's (the CLI, an import).
//! Semantics are those of the SQL path: every folded word is a substring of
//! the document; rank 0 exact name, 1 name prefix, 2 a word of the name
//! starts with the query, 3 elsewhere; ties by id.

use std::collections::HashMap;
use std::sync::RwLock;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use memchr::memmem;
use roaring::RoaringBitmap;

use super::{SearchQuery, Table};
use crate::db::DbConn;

/// One table's documents. Slots are kept in id order (the order SQL pages
/// ranked ties in), so a slot's number is its sort key; each field lives in
/// an arena of its own, so that matching a name fragment reads only the
/// names (1.4 MB at 100,000 people), not the documents (19 MB), and stays
/// in the processor's cache. Postings are compressed bitmaps: half the size
/// of plain `u32` lists.
#[derive(Default)]
struct Documents {
    /// The `search_versions.seq` this copy reflects; `None` before the
    /// first read.
    seq: Option<i64>,
    ids: Arena,
    names: Arena,
    texts: Arena,
    /// Whether slots are still in id order: a row inserted with an id
    /// below the last one (an import of older rows) makes the next refresh
    /// read everything again.
    in_id_order: bool,
    /// Slots by `fts_rowid(id)`: 63 bits of the id, taken as unique (a
    /// clash among a few million rows is about as likely as a bit flip),
    /// to spare a second copy of every id.
    slot_of: HashMap<i64, u32>,
    /// For each trigram (see `trigrams`), the slots whose text holds it.
    postings: Vec<RoaringBitmap>,
    /// For the first one, two and three characters of every word of the
    /// names (see `word_starts`), the slots: where ranks 0 to 2 can be.
    name_starts: Vec<RoaringBitmap>,
}

/// Strings back to back, by slot; a rewrite appends and leaves the old
/// bytes as garbage until the arena is compacted.
#[derive(Default)]
struct Arena {
    bytes: String,
    at: Vec<(usize, usize)>,
    garbage: usize,
}

impl Arena {
    fn get(&self, slot: u32) -> &str {
        let (start, len) = self.at[slot as usize];
        &self.bytes[start..start + len]
    }

    fn place(&mut self, text: &str) -> (usize, usize) {
        let start = self.bytes.len();
        self.bytes.push_str(text);
        (start, text.len())
    }

    fn push(&mut self, text: &str) {
        let at = self.place(text);
        self.at.push(at);
    }

    fn set(&mut self, slot: u32, text: &str) {
        self.garbage += self.at[slot as usize].1;
        let at = self.place(text);
        self.at[slot as usize] = at;
        if self.garbage > self.bytes.len() / 2 {
            let mut bytes = String::with_capacity(self.bytes.len() - self.garbage);
            for at in &mut self.at {
                let start = bytes.len();
                bytes.push_str(&self.bytes[at.0..at.0 + at.1]);
                at.0 = start;
            }
            self.bytes = bytes;
            self.garbage = 0;
        }
    }
}

/// Folded text is `[a-z0-9 ]` (`text::fold`); anything else shares one code.
const ALPHABET: usize = 38;
const TRIGRAMS: usize = ALPHABET * ALPHABET * ALPHABET;

fn code(b: u8) -> usize {
    match b {
        b' ' => 0,
        b'a'..=b'z' => usize::from(b - b'a') + 1,
        b'0'..=b'9' => usize::from(b - b'0') + 27,
        _ => 37,
    }
}

/// Keys of one, two and three characters (see `start_key`).
const WORD_STARTS: usize = ALPHABET + ALPHABET * ALPHABET + TRIGRAMS;

/// The key of the first one to three characters of a word.
fn start_key(head: &[u8]) -> usize {
    match *head {
        [a] => code(a),
        [a, b] => ALPHABET + code(a) * ALPHABET + code(b),
        [a, b, c, ..] => {
            ALPHABET + ALPHABET * ALPHABET + (code(a) * ALPHABET + code(b)) * ALPHABET + code(c)
        }
        [] => 0,
    }
}

/// The keys of a name's words' first one, two and three characters.
fn word_starts(name: &str) -> Vec<usize> {
    let bytes = name.as_bytes();
    let mut keys: Vec<usize> = (0..bytes.len())
        .filter(|&at| at == 0 || bytes[at - 1] == b' ')
        .flat_map(|at| (1..=3).filter_map(move |len| bytes.get(at..at + len)))
        .map(start_key)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The distinct trigrams of a text, ascending.
fn trigrams(text: &str) -> Vec<u32> {
    let mut found: Vec<u32> = text
        .as_bytes()
        .windows(3)
        .map(|w| (code(w[0]) * ALPHABET * ALPHABET + code(w[1]) * ALPHABET + code(w[2])) as u32)
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// Where `needle` occurs in `hay`: a plain scan, faster than a searcher's
/// set-up on strings as short as names.
fn occurrences<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let last = if needle.is_empty() || needle.len() > hay.len() {
        None
    } else {
        Some(hay.len() - needle.len())
    };
    last.into_iter()
        .flat_map(|last| 0..=last)
        .filter(move |&at| hay[at] == needle[0] && &hay[at..at + needle.len()] == needle)
}

/// The rank of a match: the SQL path's `CASE` (`search::rank`), in Rust.
fn rank(name_key: &str, phrase: &str) -> i32 {
    let (name, phrase) = (name_key.as_bytes(), phrase.as_bytes());
    let mut rank = 3;
    for at in occurrences(name, phrase) {
        if at == 0 {
            return if name.len() == phrase.len() { 0 } else { 1 };
        }
        if name[at - 1] == b' ' {
            rank = 2;
        }
    }
    rank
}

/// A row as read back from the database.
#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    name_key: String,
    #[diesel(sql_type = Text)]
    search_text: String,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = BigInt)]
    seq: i64,
}

/// The table's version now.
pub(super) fn version(conn: &mut DbConn, table: Table) -> QueryResult<i64> {
    Ok(
        diesel::sql_query("SELECT seq FROM search_versions WHERE name = ?")
            .bind::<Text, _>(table.name())
            .get_result::<Version>(conn)?
            .seq,
    )
}

/// Bumps the table's version, in the transaction that writes documents; the
/// rows written are stamped with the number returned.
pub(super) fn next_version(conn: &mut DbConn, table: Table) -> QueryResult<i64> {
    Ok(
        diesel::sql_query("UPDATE search_versions SET seq = seq + 1 WHERE name = ? RETURNING seq")
            .bind::<Text, _>(table.name())
            .get_result::<Version>(conn)?
            .seq,
    )
}

impl Arena {
    fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + self.at.capacity() * std::mem::size_of::<(usize, usize)>()
    }
}

impl Documents {
    /// About how much memory the copy holds (the bitmaps as serialised,
    /// which is within a few percent of their size in memory).
    fn heap_bytes(&self) -> usize {
        let bitmaps = self.postings.iter().chain(&self.name_starts);
        let bitmap_bytes: usize = bitmaps
            .map(|b| {
                let data = if b.is_empty() { 0 } else { b.serialized_size() };
                std::mem::size_of::<RoaringBitmap>() + data
            })
            .sum();
        self.ids.heap_bytes()
            + self.names.heap_bytes()
            + self.texts.heap_bytes()
            // A hash map's slot: the key, the value and a control byte.
            + self.slot_of.capacity() * (std::mem::size_of::<(i64, u32)>() + 1)
            + bitmap_bytes
    }

    fn len(&self) -> u32 {
        self.ids.at.len() as u32
    }

    /// Applies rows read back from the database (new or rewritten).
    fn apply(&mut self, rows: Vec<Row>) {
        if self.postings.is_empty() {
            self.postings = vec![RoaringBitmap::new(); TRIGRAMS];
            self.name_starts = vec![RoaringBitmap::new(); WORD_STARTS];
            self.in_id_order = true;
        }
        for row in rows {
            let key = super::fts_rowid(&row.id);
            let slot = match self.slot_of.get(&key) {
                Some(&slot) => {
                    for trigram in trigrams(self.texts.get(slot)) {
                        self.postings[trigram as usize].remove(slot);
                    }
                    for start in word_starts(self.names.get(slot)) {
                        self.name_starts[start].remove(slot);
                    }
                    self.names.set(slot, &row.name_key);
                    self.texts.set(slot, &row.search_text);
                    slot
                }
                None => {
                    let slot = self.len();
                    if slot > 0 && row.id.as_str() < self.ids.get(slot - 1) {
                        self.in_id_order = false;
                    }
                    self.slot_of.insert(key, slot);
                    self.ids.push(&row.id);
                    self.names.push(&row.name_key);
                    self.texts.push(&row.search_text);
                    slot
                }
            };
            for trigram in trigrams(&row.search_text) {
                self.postings[trigram as usize].insert(slot);
            }
            for start in word_starts(&row.name_key) {
                self.name_starts[start].insert(slot);
            }
        }
    }

    /// The first slot whose id sorts after `id` (a binary search).
    fn first_slot_after(&self, id: &str) -> u32 {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if self.ids.get(middle) <= id {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    /// Slots whose text holds every trigram of every long word; `None` when
    /// there is no long word (every slot is a candidate).
    fn candidates(&self, query: &SearchQuery) -> Option<RoaringBitmap> {
        let long = query.words.iter().filter(|w| w.len() >= 3);
        intersection(
            long.flat_map(|w| trigrams(w))
                .map(|t| &self.postings[t as usize]),
        )
    }

    /// Slots with a name word that starts as the phrase does.
    fn name_candidates(&self, phrase: &str) -> &RoaringBitmap {
        let head = &phrase.as_bytes()[..phrase.len().min(3)];
        &self.name_starts[start_key(head)]
    }

    /// The first `limit` matches after `after`, best first, as (rank, id).
    ///
    /// Ranks 0 to 2 need the phrase at the start of the name or of one of
    /// its words, so they are looked for among the names alone. Only when
    /// they do not fill the page are other matches (rank 3) needed, and as
    /// slots are in id order, the first ones found from the cursor on are
    /// the page: the search stops there.
    fn search(
        &self,
        query: &SearchQuery,
        after: Option<(i32, &str)>,
        limit: usize,
    ) -> Vec<(i32, String)> {
        // The cursor as (rank, first slot past its id): slots are in id order.
        let after = after.map(|(rank, id)| (rank, self.first_slot_after(id)));
        let past_cursor = |rank: i32, slot: u32| {
            after.is_none_or(|(r, past)| rank > r || (rank == r && slot >= past))
        };
        // A phrase found in the name holds every word: the document, which
        // starts with the name, matches.
        let named = |slot: u32| {
            let rank = rank(self.names.get(slot), &query.phrase);
            (rank < 3 && past_cursor(rank, slot)).then_some((rank, slot))
        };
        let mut matches: Vec<(i32, u32)> = self
            .name_candidates(&query.phrase)
            .iter()
            .filter_map(named)
            .collect();
        if matches.len() > limit && limit > 0 {
            matches.select_nth_unstable(limit - 1);
        }
        matches.truncate(limit);
        matches.sort_unstable();
        if matches.len() < limit {
            let finders: Vec<memmem::Finder> =
                query.words.iter().map(memmem::Finder::new).collect();
            let start = match after {
                Some((3, past)) => past,
                Some((rank, _)) if rank > 3 => self.len(),
                _ => 0,
            };
            let elsewhere = |&slot: &u32| {
                let name = self.names.get(slot);
                rank(name, &query.phrase) == 3
                    && finders.iter().all(|f| {
                        occurrences(name.as_bytes(), f.needle()).next().is_some()
                            || f.find(self.texts.get(slot).as_bytes()).is_some()
                    })
            };
            let need = limit - matches.len();
            let rest: Vec<u32> = match self.candidates(query) {
                Some(slots) => slots.range(start..).filter(elsewhere).take(need).collect(),
                None => (start..self.len()).filter(elsewhere).take(need).collect(),
            };
            matches.extend(rest.into_iter().map(|slot| (3, slot)));
        }
        matches
            .into_iter()
            .map(|(rank, slot)| (rank, self.ids.get(slot).to_string()))
            .collect()
    }
}

/// The slots in every one of these lists, smallest list first; `None` for
/// no list at all.
fn intersection<'a>(lists: impl Iterator<Item = &'a RoaringBitmap>) -> Option<RoaringBitmap> {
    let mut lists: Vec<&RoaringBitmap> = lists.collect();
    lists.sort_by_key(|l| l.len());
    let (first, rest) = lists.split_first()?;
    let mut found = (*first).clone();
    for list in rest {
        if found.is_empty() {
            break;
        }
        found &= *list;
    }
    Some(found)
}

/// Every document of a table, read in chunks so that only one chunk's rows
/// are in memory at a time, and around SQLite's memory map: pages read
/// once at start-up would otherwise stay in the process's memory.
fn load_all(conn: &mut DbConn, table: Table) -> QueryResult<Documents> {
    #[derive(QueryableByName)]
    struct MmapSize {
        #[diesel(sql_type = BigInt)]
        mmap_size: i64,
    }
    const CHUNK: i64 = 5_000;
    let mmap = diesel::sql_query("PRAGMA mmap_size").get_result::<MmapSize>(conn)?;
    conn.batch_execute("PRAGMA mmap_size = 0")?;
    let mut documents = Documents::default();
    let mut after = String::new();
    let loaded = loop {
        let rows = diesel::sql_query(format!(
            "SELECT id, name_key, search_text FROM {} WHERE id > ? ORDER BY id LIMIT {CHUNK}",
            table.name()
        ))
        .bind::<Text, _>(&after)
        .load::<Row>(conn);
        let rows = match rows {
            Ok(rows) => rows,
            Err(error) => break Err(error),
        };
        let more = rows.len() as i64 == CHUNK;
        if let Some(last) = rows.last() {
            after.clone_from(&last.id);
        }
        documents.apply(rows);
        if !more {
            break Ok(());
        }
    };
    conn.batch_execute(&format!("PRAGMA mmap_size = {}", mmap.mmap_size))?;
    loaded.map(|()| documents)
}

/// The in-memory copies of every searchable table, for one database.
#[derive(Default)]
pub struct MemoryIndex {
    tables: [RwLock<Documents>; 3],
    /// Each copy's size when last measured (see `heap_bytes`).
    measured: [std::sync::atomic::AtomicU64; 3],
}

impl std::fmt::Debug for MemoryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryIndex").finish_non_exhaustive()
    }
}

fn slot(table: Table) -> usize {
    match table {
        Table::Offices => 0,
        Table::People => 1,
        Table::Releases => 2,
    }
}

impl MemoryIndex {
    /// Brings the copy of `table` up to the database's version.
    pub fn refresh(&self, conn: &mut DbConn, table: Table) -> QueryResult<()> {
        let lock = &self.tables[slot(table)];
        let now = version(conn, table)?;
        let current = |seq: Option<i64>| seq.is_some_and(|seq| seq >= now);
        if current(lock.read().unwrap_or_else(|e| e.into_inner()).seq) {
            return Ok(());
        }
        let mut documents = lock.write().unwrap_or_else(|e| e.into_inner());
        match documents.seq {
            // Another search brought it as far or further meanwhile.
            Some(seq) if seq >= now => return Ok(()),
            Some(seq) => {
                let rows: Vec<Row> = diesel::sql_query(format!(
                    "SELECT id, name_key, search_text FROM {} WHERE search_seq > ? ORDER BY id",
                    table.name()
                ))
                .bind::<BigInt, _>(seq)
                .load(conn)?;
                documents.apply(rows);
            }
            None => *documents = load_all(conn, table)?,
        }
        if !documents.in_id_order {
            *documents = load_all(conn, table)?;
        }
        // Rows stamped after `now` were read too; reading them again next
        // time is harmless, while skipping a number could miss a row.
        documents.seq = Some(now);
        Ok(())
    }

    /// About how much memory the copies hold, in bytes. A copy being
    /// refreshed (a reload can take a second) counts as last measured: a
    /// metrics scrape must not wait for it.
    pub fn heap_bytes(&self) -> u64 {
        use std::sync::atomic::Ordering;
        self.tables
            .iter()
            .zip(&self.measured)
            .map(|(table, measured)| {
                if let Ok(documents) = table.try_read() {
                    measured.store(documents.heap_bytes() as u64, Ordering::Relaxed);
                }
                measured.load(Ordering::Relaxed)
            })
            .sum()
    }

    /// The first `limit` matches of `query` in `table` after the cursor
    /// `after`, best first, as (rank, id). Call `refresh` first.
    pub fn search(
        &self,
        table: Table,
        query: &SearchQuery,
        after: Option<(i32, &str)>,
        limit: usize,
    ) -> Vec<(i32, String)> {
        self.tables[slot(table)]
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .search(query, after, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str, text: &str) -> Row {
        Row {
            id: id.into(),
            name_key: name.into(),
            search_text: text.into(),
        }
    }

    fn query(q: &str) -> SearchQuery {
        SearchQuery::parse(q).unwrap().unwrap()
    }

    #[test]
    fn matches_substrings_ranks_names_and_pages_by_cursor() {
        let mut docs = Documents::default();
        docs.apply(vec![
            row("a", "lefebvre", "lefebvre geneva"),
            row("b", "anna lefe", "anna lefe paris"),
            row("c", "lefe", "lefe rome"),
            row("d", "paul roux", "paul roux lefebvre street"),
            row("e", "ale fe", "ale fe"),
        ]);
        let ids = |v: Vec<(i32, String)>| {
            v.into_iter()
                .map(|(r, id)| format!("{r}{id}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(docs.search(&query("lefe"), None, 10)),
            ["0c", "1a", "2b", "3d"]
        );
        assert_eq!(ids(docs.search(&query("lefe"), None, 2)), ["0c", "1a"]);
        assert_eq!(
            ids(docs.search(&query("lefe"), Some((1, "a")), 10)),
            ["2b", "3d"]
        );
        // Every word must match; short words are checked on the candidates.
        // (Ranked by the whole phrase, which no name holds.)
        assert_eq!(ids(docs.search(&query("lefe ro"), None, 10)), ["3c", "3d"]);
        // Only short words: every document is a candidate.
        assert_eq!(ids(docs.search(&query("fe"), None, 10)).len(), 5);
        // A rewrite replaces the old text in the index.
        docs.apply(vec![row("c", "carla", "carla milan")]);
        assert_eq!(
            ids(docs.search(&query("lefe"), None, 10)),
            ["1a", "2b", "3d"]
        );
        assert_eq!(ids(docs.search(&query("milan"), None, 10)), ["3c"]);
        assert!(docs.search(&query("zzz"), None, 10).is_empty());
    }

    #[test]
    fn ranks_agree_with_the_sql_case() {
        assert_eq!(rank("luca dalloglio", "luca dalloglio"), 0);
        assert_eq!(rank("luca dalloglio", "luca"), 1);
        assert_eq!(rank("luca dalloglio", "dall"), 2);
        assert_eq!(rank("luca dalloglio", "oglio"), 3);
        assert_eq!(rank("luca dalloglio", "uca dal"), 3);
    }
}
