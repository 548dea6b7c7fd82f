//! Database access: one connection type over SQLite and PostgreSQL, a pool,
//! embedded migrations, and the transaction helper every write goes through.
//!
//! Layer: the lowest but `error`, `text` and `metrics`, which it may use.
//! It knows nothing of HTTP, audit, search or the resources.

pub mod any_of;
pub mod schema;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::ApiError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database a URL names. `postgres://` and `postgresql://` select
/// PostgreSQL; anything else (a path, `sqlite://path`) is a SQLite file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn from_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

/// Builds connections for r2d2, choosing the backend from the URL scheme
/// ourselves: the derived `establish` would try each backend in turn and hide
/// the real error.
#[derive(Debug, Clone)]
pub struct DbConnManager {
    url: String,
    backend: Backend,
    sqlite_busy_timeout_ms: u64,
    /// Shared with the pool, which may resize the map once the server
    /// knows its memory budget's split (see `DbPool::resize_sqlite_map`).
    sqlite_mmap_bytes: Arc<AtomicU64>,
}

impl DbConnManager {
    pub fn new(url: &str, sqlite_busy_timeout_ms: u64, sqlite_mmap_bytes: u64) -> Self {
        Self {
            url: url.to_string(),
            backend: Backend::from_url(url),
            sqlite_busy_timeout_ms,
            sqlite_mmap_bytes: Arc::new(AtomicU64::new(sqlite_mmap_bytes)),
        }
    }
}

impl r2d2::ManageConnection for DbConnManager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        use diesel::r2d2::Error;
        match self.backend {
            Backend::Postgres => {
                let mut conn =
                    PgConnection::establish(&self.url).map_err(Error::ConnectionError)?;
                // Timestamps are written as UTC `timestamp` values into `timestamptz` columns.
                conn.batch_execute("SET TIME ZONE 'UTC'")
                    .map_err(Error::QueryError)?;
                Ok(DbConn::Pg(conn))
            }
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(sqlite_path(&self.url))
                    .map_err(Error::ConnectionError)?;
                // One pragma per call: a multi-statement sql_query runs only the first.
                for pragma in [
                    format!("PRAGMA busy_timeout = {}", self.sqlite_busy_timeout_ms),
                    "PRAGMA journal_mode = WAL".into(),
                    "PRAGMA synchronous = NORMAL".into(),
                    "PRAGMA foreign_keys = ON".into(),
                    // Reads through a memory map skip a system call per page:
                    // search over 100,000 people is about twice as fast.
                    format!(
                        "PRAGMA mmap_size = {}",
                        self.sqlite_mmap_bytes.load(Ordering::Relaxed)
                    ),
                ] {
                    conn.batch_execute(&pragma).map_err(Error::QueryError)?;
                }
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    /// A connection that comes back inside a transaction (its work
    /// panicked half-way) is dropped, never reused: the next write would
    /// otherwise nest in it and "commit" into a transaction that never ends.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking()
            || match <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(
                conn,
            ) {
                diesel::connection::TransactionManagerStatus::InError => true,
                diesel::connection::TransactionManagerStatus::Valid(status) => {
                    status.transaction_depth().is_some()
                }
            }
    }
}

/// The pool's size when none is configured. SQLite does its work on the
/// server's own cores, so connections beyond one per core only wait; and
/// each maps the database file (`--sqlite-mmap-bytes`), which counts in the
/// process's memory once per connection. At 100,000 people, 8 connections
/// peaked at 682 MiB RSS and 2 at 252 MiB, searching as fast (BENCHMARKS.md).
/// PostgreSQL's connections wait on the network, so more of them help.
pub fn default_pool_size(url: &str) -> u32 {
    match Backend::from_url(url) {
        Backend::Postgres => 8,
        Backend::Sqlite => std::thread::available_parallelism()
            .map_or(2, |n| n.get() as u32)
            .clamp(2, 8),
    }
}

/// SQLite's default memory map: 256 MiB.
pub const DEFAULT_SQLITE_MMAP_BYTES: u64 = 256 * 1024 * 1024;

/// A pool of connections; `run` keeps diesel's blocking calls off the async workers.
#[derive(Clone)]
pub struct DbPool {
    pool: r2d2::Pool<DbConnManager>,
    backend: Backend,
    /// Units of work this pool has run: shows which pool served what.
    runs: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The pool's label in metrics.
    name: &'static str,
    /// Each SQLite connection's memory map, as new connections get it.
    sqlite_mmap_bytes: Arc<AtomicU64>,
}

impl DbPool {
    /// Connects (failing fast when the database is unreachable) and migrates.
    pub fn connect(url: &str, max_size: u32, connect_timeout: Duration) -> anyhow::Result<Self> {
        Self::connect_with(url, max_size, connect_timeout, DEFAULT_SQLITE_MMAP_BYTES)
    }

    /// `connect`, with the size of SQLite's memory map (0 turns it off).
    pub fn connect_with(
        url: &str,
        max_size: u32,
        connect_timeout: Duration,
        sqlite_mmap_bytes: u64,
    ) -> anyhow::Result<Self> {
        let manager = DbConnManager::new(url, 5_000, sqlite_mmap_bytes);
        let mmap = manager.sqlite_mmap_bytes.clone();
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .connection_timeout(connect_timeout)
            // A SQLite connection is a file handle: it cannot break the way
            // a network connection can, so skip the `SELECT 1` per checkout.
            .test_on_check_out(Backend::from_url(url) == Backend::Postgres)
            .build(manager)
            .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
        Ok(Self {
            pool,
            backend: Backend::from_url(url),
            runs: Default::default(),
            name: "primary",
            sqlite_mmap_bytes: mmap,
        })
    }

    /// Gives every SQLite connection, open or to come, a memory map of
    /// `bytes`. Meant for start-up, when no connection is in use: it takes
    /// each of them in turn (waiting for any that is).
    pub fn resize_sqlite_map(&self, bytes: u64) -> anyhow::Result<()> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        self.sqlite_mmap_bytes.store(bytes, Ordering::Relaxed);
        let held = (0..self.pool.max_size())
            .map(|_| self.get())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("cannot resize the memory map: {e}"))?;
        for mut conn in held {
            conn.batch_execute(&format!("PRAGMA mmap_size = {bytes}"))?;
        }
        Ok(())
    }

    /// Each SQLite connection's memory map, in bytes (0 on PostgreSQL).
    pub fn sqlite_map_bytes(&self) -> u64 {
        match self.backend {
            Backend::Sqlite => self.sqlite_mmap_bytes.load(Ordering::Relaxed),
            Backend::Postgres => 0,
        }
    }

    /// The same pool under another label in metrics (`replica`).
    pub fn named(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Open and idle connections now.
    pub fn state(&self) -> r2d2::State {
        self.pool.state()
    }

    pub fn max_size(&self) -> u32 {
        self.pool.max_size()
    }

    /// How many units of work (`run` calls) this pool has served.
    pub fn runs(&self) -> u64 {
        self.runs.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether the database answers within `timeout` (for `/readyz`, which
    /// must answer promptly even when the database is gone).
    pub async fn ping(&self, timeout: Duration) -> Result<(), ApiError> {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get_timeout(timeout)?;
            conn.batch_execute("SELECT 1")
                .map_err(|_| ApiError::Unavailable("The database does not answer.".into()))
        })
        .await?
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn get(&self) -> Result<r2d2::PooledConnection<DbConnManager>, ApiError> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` with a pooled connection on actix's blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let pool = self.clone();
        actix_web::web::block(move || {
            let metrics = &crate::metrics::METRICS;
            let label = [pool.name];
            let waiting = std::time::Instant::now();
            let conn = pool.get();
            metrics
                .pool_wait_seconds
                .with_label_values(&label)
                .observe(waiting.elapsed().as_secs_f64());
            let mut conn = conn.inspect_err(|_| {
                metrics.pool_timeouts.with_label_values(&label).inc();
            })?;
            let working = std::time::Instant::now();
            let result = f(&mut conn);
            metrics
                .query_seconds
                .with_label_values(&label)
                .observe(working.elapsed().as_secs_f64());
            result
        })
        .await?
    }
}

/// Arbitrary key of the PostgreSQL advisory lock that serialises start-up work.
const MIGRATION_LOCK_KEY: i64 = 0x7072_6573_7364_6972; // "pressdir"

/// Runs start-up work (migrating, seeding) alone. On PostgreSQL it holds an
/// advisory lock, so instances starting together take turns: the first
/// migrates and seeds, the others find nothing to do.
pub fn exclusively<T>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let pg = matches!(conn, DbConn::Pg(_));
    if pg {
        conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
    }
    let result = f(conn);
    if pg {
        conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
    }
    result
}

/// Applies pending migrations for the connection's backend.
pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<()> {
    let applied = match conn {
        DbConn::Pg(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    if applied > 0 {
        tracing::info!(count = applied, "applied migrations");
    }
    Ok(())
}

/// An index as the catalogue defines it.
#[derive(QueryableByName)]
pub struct IndexDefinition {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub definition: String,
}

/// The indexes of `tables` that enforce nothing (no primary key, unique or
/// constraint index), as the catalogue defines them.
pub fn secondary_indexes(conn: &mut DbConn, tables: &[&str]) -> QueryResult<Vec<IndexDefinition>> {
    use diesel::sql_types::{Array, Text};
    match conn {
        DbConn::Sqlite(_) => {
            // One table at a time: diesel binds no lists on SQLite.
            let mut all = vec![];
            for table in tables {
                all.extend(
                    diesel::sql_query(
                        "SELECT name, sql AS definition FROM sqlite_master \
                         WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = ? \
                         AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
                    )
                    .bind::<Text, _>(*table)
                    .load::<IndexDefinition>(conn)?,
                );
            }
            Ok(all)
        }
        DbConn::Pg(pg) => diesel::sql_query(
            "SELECT c.relname::text AS name, pg_get_indexdef(i.indexrelid) AS definition \
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             JOIN pg_class t ON t.oid = i.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = current_schema() AND t.relname = ANY($1) \
             AND NOT i.indisunique AND NOT i.indisprimary \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) \
             ORDER BY t.relname, c.relname",
        )
        .bind::<Array<Text>, _>(tables)
        .load(pg),
    }
}

/// Runs `load`, which fills tables that were empty, with the secondary
/// indexes `drop` picks dropped first and built again after: building an
/// index once from the rows is much cheaper than updating it row by row.
/// Their definitions are read back from the catalogue, so they come back
/// exactly as the migrations made them; in the caller's transaction, so a
/// failure restores them. On PostgreSQL dropping an index locks its table
/// until that transaction ends: only for imports into an empty directory.
pub fn with_indexes_built_after<T, E: From<diesel::result::Error>>(
    conn: &mut DbConn,
    tables: &[&str],
    drop: impl Fn(&IndexDefinition) -> bool,
    load: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    // Outside a transaction a failure would leave the indexes dropped.
    if !in_transaction(conn) {
        return Err(diesel::result::Error::NotInTransaction.into());
    }
    let indexes: Vec<IndexDefinition> = secondary_indexes(conn, tables)?
        .into_iter()
        .filter(|index| drop(index))
        .collect();
    for index in &indexes {
        conn.batch_execute(&format!("DROP INDEX {}", quoted(&index.name)))
            .map_err(E::from)?;
    }
    let loaded = load(conn)?;
    for index in &indexes {
        conn.batch_execute(&index.definition).map_err(E::from)?;
    }
    Ok(loaded)
}

/// A name as an SQL identifier, whatever it holds.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn in_transaction(conn: &mut DbConn) -> bool {
    <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .is_ok_and(|depth| depth.is_some())
}

/// A foreign key as PostgreSQL's catalogue defines it.
#[derive(QueryableByName, Debug, PartialEq, Eq)]
pub struct ForeignKey {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub schema: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub definition: String,
}

/// The foreign keys of `tables` on PostgreSQL (none are listed on SQLite,
/// whose keys are part of each table's definition).
pub fn foreign_keys(conn: &mut DbConn, tables: &[&str]) -> QueryResult<Vec<ForeignKey>> {
    match conn {
        DbConn::Sqlite(_) => Ok(vec![]),
        DbConn::Pg(pg) => diesel::sql_query(
            "SELECT n.nspname::text AS schema, t.relname::text AS table_name, \
             k.conname::text AS name, \
             pg_get_constraintdef(k.oid) AS definition \
             FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE k.contype = 'f' AND n.nspname = current_schema() \
             AND t.relname = ANY($1) ORDER BY t.relname, k.conname",
        )
        .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(tables)
        .load(pg),
    }
}

/// Runs `load`, which fills tables that were empty, with PostgreSQL's
/// foreign keys from `tables` dropped first and added back after: adding a
/// key checks every row in one join, where a load under it checks row by
/// row (a seventh of a bulk import's time). Added back in the caller's
/// transaction, so a row that points nowhere fails it and nothing is kept;
/// the tables are locked until then. SQLite keeps checking row by row,
/// which costs it little.
pub fn with_foreign_keys_checked_after<T, E: From<diesel::result::Error>>(
    conn: &mut DbConn,
    tables: &[&str],
    load: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    if !in_transaction(conn) {
        return Err(diesel::result::Error::NotInTransaction.into());
    }
    let keys = foreign_keys(conn, tables)?;
    // Qualified: a temporary table of the same name would shadow the bare one.
    let table = |key: &ForeignKey| format!("{}.{}", quoted(&key.schema), quoted(&key.table_name));
    for key in &keys {
        conn.batch_execute(&format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            table(key),
            quoted(&key.name)
        ))?;
    }
    let loaded = load(conn)?;
    for key in &keys {
        conn.batch_execute(&format!(
            "ALTER TABLE {} ADD CONSTRAINT {} {}",
            table(key),
            quoted(&key.name),
            key.definition
        ))?;
    }
    Ok(loaded)
}

/// Runs `f` in one write transaction. On SQLite it starts with
/// `BEGIN IMMEDIATE`: a deferred transaction that reads and then writes gets
/// SQLITE_BUSY at once, whatever the busy timeout.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Sqlite(c) => {
            let nested = AnsiTransactionManager::transaction_manager_status_mut(c)
                .transaction_depth()
                .is_ok_and(|depth| depth.is_some());
            if nested {
                // Inside another write (ingestion updating a person): a savepoint.
                AnsiTransactionManager::begin_transaction(c)?
            } else {
                AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
            }
        }
        DbConn::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            <DbConn as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

/// The current time, truncated to microseconds so both backends store and
/// answer the same value (SQLite would keep nanoseconds).
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(now, chrono::TimeDelta::microseconds(1)).unwrap_or(now)
}

/// A new application-generated id (UUIDv7: time-ordered, so ordering by id is
/// creation order and keyset pagination needs no second column).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Whether a path key is an id (otherwise it is a slug).
pub fn is_id(key: &str) -> bool {
    uuid::Uuid::parse_str(key).is_ok()
}

/// The tables whose rows have slugs.
#[derive(Debug, Clone, Copy)]
pub enum SlugTable {
    Offices,
    People,
    Releases,
}

/// Serialises slug choices from one base until the transaction ends
/// (PostgreSQL; SQLite's write transactions already run one at a time).
fn hold_slug_base(conn: &mut DbConn, table: SlugTable, base: &str) -> QueryResult<()> {
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(format!("slug:{table:?}:{base}"))
            .execute(pg)?;
    }
    Ok(())
}

/// Slugs in `table` equal to `base` or of the form `base-…`, except the row `except_id`.
fn slugs_like(
    conn: &mut DbConn,
    table: SlugTable,
    base: &str,
    except_id: &str,
) -> QueryResult<Vec<String>> {
    use schema::{offices, people, releases};
    let pattern = format!("{base}-%");
    match table {
        SlugTable::Offices => offices::table
            .select(offices::slug)
            .filter(offices::slug.eq(base).or(offices::slug.like(&pattern)))
            .filter(offices::id.ne(except_id))
            .load(conn),
        SlugTable::People => people::table
            .select(people::slug)
            .filter(people::slug.eq(base).or(people::slug.like(&pattern)))
            .filter(people::id.ne(except_id))
            .load(conn),
        SlugTable::Releases => releases::table
            .select(releases::slug)
            .filter(releases::slug.eq(base).or(releases::slug.like(&pattern)))
            .filter(releases::id.ne(except_id))
            .load(conn),
    }
}

/// The slug for a row: the one asked for (409 when another row, archived or
/// not, has it), or one made from `name`, suffixed `-2`, `-3`… until free.
pub fn choose_slug(
    conn: &mut DbConn,
    table: SlugTable,
    requested: Option<&str>,
    name: &str,
    row_id: &str,
) -> Result<String, ApiError> {
    let base = crate::text::slugify(name);
    // Two writers choosing from the same base would both find it free
    // (READ COMMITTED) and one would then fail on the unique index: the
    // second waits for the first to commit, then sees its slug.
    hold_slug_base(conn, table, requested.unwrap_or(&base))?;
    if let Some(slug) = requested {
        let taken = slugs_like(conn, table, slug, row_id)?
            .iter()
            .any(|s| s == slug);
        if taken {
            return Err(ApiError::conflict(
                "slug",
                format!("The slug '{slug}' is already taken."),
            ));
        }
        return Ok(slug.to_string());
    }
    let taken: std::collections::HashSet<String> = slugs_like(conn, table, &base, row_id)?
        .into_iter()
        .collect();
    if !taken.contains(&base) {
        return Ok(base);
    }
    let n = (2..)
        .find(|n| !taken.contains(&format!("{base}-{n}")))
        .unwrap_or(2);
    Ok(format!("{base}-{n}"))
}

diesel::define_sql_function! {
    /// Text lower-casing (`diesel::dsl::lower` is PostgreSQL's range function).
    fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// A consistent copy of a SQLite database taken while it serves (`VACUUM
/// INTO` reads one snapshot; writers go on). PostgreSQL has pg_dump.
pub fn backup(conn: &mut DbConn, out: &std::path::Path) -> anyhow::Result<()> {
    if let DbConn::Pg(_) = conn {
        anyhow::bail!("backup copies SQLite databases; for PostgreSQL use pg_dump");
    }
    if out.exists() {
        anyhow::bail!("{} already exists", out.display());
    }
    let path = out
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("{} is not a UTF-8 path", out.display()))?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(path)
        .execute(conn)
        .map_err(|e| anyhow::anyhow!("backup to {} failed: {e}", out.display()))?;
    Ok(())
}
