//! The `pressdir` command: serve, migrate, print the spec.

use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use pressdir::startup::{Application, Settings};

#[derive(Parser)]
#[command(
    name = "pressdir",
    version,
    about = "A media-contact directory served as a typed REST API."
)]
struct Cli {
    /// Database: `postgres://…` for PostgreSQL, otherwise a SQLite file path.
    #[arg(
        long,
        env = "PRESSDIR_DATABASE_URL",
        default_value = "pressdir.db",
        global = true
    )]
    database_url: String,
    /// Each SQLite connection's memory map, in bytes (0 turns it off).
    /// `serve` sizes it from `--memory-budget-bytes` unless this is set;
    /// other commands map 256 MiB.
    #[arg(long, env = "PRESSDIR_SQLITE_MMAP_BYTES", global = true)]
    sqlite_mmap_bytes: Option<u64>,
    /// A read replica of the PostgreSQL database: reads that need no fresh write go there.
    #[arg(long, env = "PRESSDIR_DATABASE_REPLICA_URL", global = true)]
    database_replica_url: Option<String>,
    /// A TOML file of settings, named as these flags; flags and `PRESSDIR_*`
    /// variables take precedence over it.
    #[arg(long, env = "PRESSDIR_CONFIG", global = true)]
    config: Option<std::path::PathBuf>,
    /// Log lines as human-readable text or as JSON objects.
    #[arg(long, env = "PRESSDIR_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
    /// What to log, as a tracing filter (`info`, `pressdir=debug,warn`);
    /// `RUST_LOG` is read when this is not set.
    #[arg(long, env = "PRESSDIR_LOG", global = true)]
    log: Option<String>,
    #[command(subcommand)]
    command: Command,
}

impl Cli {
    /// The memory map of a command's one connection.
    fn sqlite_mmap(&self) -> u64 {
        self.sqlite_mmap_bytes
            .unwrap_or(pressdir::db::DEFAULT_SQLITE_MMAP_BYTES)
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate, seed an empty database with the seed release, and serve.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "PRESSDIR_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// HTTP worker threads (default: one per core).
        #[arg(long, env = "PRESSDIR_WORKERS")]
        workers: Option<usize>,
        /// Database connections in the pool (default: one per core, at
        /// least two, on SQLite; 8 on PostgreSQL).
        #[arg(long, env = "PRESSDIR_DB_POOL_SIZE")]
        db_pool_size: Option<u32>,
        /// Seconds to wait for a database connection.
        #[arg(long, env = "PRESSDIR_DB_CONNECT_TIMEOUT_SECS", default_value_t = 5)]
        db_connect_timeout_secs: u64,
        /// Largest request body accepted, in bytes.
        #[arg(long, env = "PRESSDIR_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
        max_body_bytes: usize,
        /// Largest photo upload accepted, in bytes.
        #[arg(long, env = "PRESSDIR_MAX_PHOTO_BYTES", default_value_t = 5 * 1024 * 1024)]
        max_photo_bytes: usize,
        /// Writes and searches allowed per minute per key or client address (0: no limit).
        #[arg(long, env = "PRESSDIR_RATE_LIMIT_PER_MINUTE", default_value_t = 600)]
        rate_limit_per_minute: u32,
        /// Seconds a request may take before it is answered 503.
        #[arg(long, env = "PRESSDIR_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
        request_timeout_secs: u64,
        /// Origins allowed to read the API from a browser, comma-separated (default: none).
        #[arg(long, env = "PRESSDIR_CORS_ORIGINS", value_delimiter = ',')]
        cors_origins: Vec<String>,
        /// Let those origins write too (with a key).
        #[arg(long, env = "PRESSDIR_CORS_ALLOW_WRITES")]
        cors_allow_writes: bool,
        /// Do not load the seed release into an empty database.
        #[arg(long, env = "PRESSDIR_NO_SEED")]
        no_seed: bool,
        /// The organisation named on the journalists' page at `/`.
        #[arg(long, env = "PRESSDIR_ORGANISATION", default_value = pressdir::startup::DEFAULT_ORGANISATION)]
        organisation: String,
        /// Seconds to finish in-flight requests after SIGTERM or SIGINT.
        #[arg(long, env = "PRESSDIR_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
        shutdown_grace_secs: u64,
        /// The service's public base URL (`https://press.example.org`), used
        /// for every absolute link (vCard SOURCE, JSON-LD @id).
        #[arg(long, env = "PRESSDIR_PUBLIC_URL")]
        public_url: Option<String>,
        /// Believe `Forwarded` / `X-Forwarded-Host` / `X-Forwarded-Proto` for
        /// absolute links when no public URL is set: only behind a proxy that
        /// overwrites them.
        #[arg(long, env = "PRESSDIR_TRUST_FORWARDED")]
        trust_forwarded: bool,
        /// Hours a webhook delivery is retried before it fails.
        #[arg(long, env = "PRESSDIR_WEBHOOK_RETRY_HOURS", default_value_t = 24)]
        webhook_retry_hours: u64,
        /// Seconds before the first retry; each next one doubles, up to an hour.
        #[arg(long, env = "PRESSDIR_WEBHOOK_BACKOFF_SECS", default_value_t = 5.0)]
        webhook_backoff_secs: f64,
        /// Seconds one webhook delivery attempt may take.
        #[arg(long, env = "PRESSDIR_WEBHOOK_TIMEOUT_SECS", default_value_t = 10)]
        webhook_timeout_secs: u64,
        /// Deliver webhooks to loopback and private addresses too (an
        /// intranet, tests); refused by default (SSRF).
        #[arg(long, env = "PRESSDIR_WEBHOOK_ALLOW_PRIVATE")]
        webhook_allow_private: bool,
        /// Days delivered and failed webhook deliveries, their attempts and
        /// their events are kept.
        #[arg(long, env = "PRESSDIR_WEBHOOK_RETENTION_DAYS", default_value_t = 30)]
        webhook_retention_days: u64,
        /// Webhook deliveries this instance sends at once.
        #[arg(long, env = "PRESSDIR_WEBHOOK_CONCURRENCY", default_value_t = 16)]
        webhook_concurrency: usize,
        /// Do not deliver webhooks from this instance (another one does).
        #[arg(long, env = "PRESSDIR_NO_WEBHOOK_DISPATCH")]
        no_webhook_dispatch: bool,
        /// Milliseconds a public read may be answered from the read cache:
        /// the most a change made elsewhere (another instance, the CLI, the
        /// clock) takes to show here (0 turns the cache off).
        #[arg(long, env = "PRESSDIR_READ_CACHE_TTL_MS", default_value_t = 1000)]
        read_cache_ttl_ms: u64,
        /// Memory for the read cache's answers, in bytes (default: a fifth
        /// of the memory budget).
        #[arg(long, env = "PRESSDIR_READ_CACHE_BYTES")]
        read_cache_bytes: Option<u64>,
        /// The memory a server keeps of its data, in bytes: split between
        /// the read cache, the in-memory search copy and SQLite's memory
        /// map (see the README's "Memory budget").
        #[arg(long, env = "PRESSDIR_MEMORY_BUDGET_BYTES", default_value_t = pressdir::budget::DEFAULT_MEMORY_BUDGET_BYTES)]
        memory_budget_bytes: u64,
        /// Search in SQL only, without the in-memory copy of the search
        /// documents that SQLite servers keep (PostgreSQL never keeps one).
        #[arg(long, env = "PRESSDIR_NO_SEARCH_IN_MEMORY")]
        no_search_in_memory: bool,
    },
    /// Copy a SQLite database, consistently, while it is in use (`VACUUM
    /// INTO`). For PostgreSQL use pg_dump.
    Backup {
        /// The copy to write; it must not exist yet.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Print the whole directory as one JSON document.
    Export,
    /// Import an export document (upsert by id, all or nothing).
    Import { file: std::path::PathBuf },
    /// Manage API keys.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Manage webhook endpoints (deliveries are made by `serve`).
    Webhooks {
        #[command(subcommand)]
        action: WebhooksAction,
    },
    /// Ingest press releases from text files (one release per file).
    Ingest {
        /// Files with a release's text, as published.
        #[arg(required_unless_present = "report")]
        files: Vec<std::path::PathBuf>,
        /// Show what would be written, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Instead: read every labelled release in this folder (NAME.txt
        /// with NAME.json), write nothing, and print contact recall and
        /// precision and quoted-name recall.
        #[arg(long, value_name = "DIR", conflicts_with = "files")]
        report: Option<std::path::PathBuf>,
        /// With --report: list every difference, fixture by fixture.
        #[arg(long, requires = "report")]
        verbose: bool,
        /// With --report: fail (exit 1) below these figures.
        #[arg(long, requires = "report", value_name = "RATIO")]
        min_contact_recall: Option<f64>,
        #[arg(long, requires = "report", value_name = "RATIO")]
        min_contact_precision: Option<f64>,
        #[arg(long, requires = "report", value_name = "RATIO")]
        min_quoted_recall: Option<f64>,
    },
    /// Add a deterministic synthetic directory (for tests and benchmarks).
    DemoData {
        /// How many people to generate.
        #[arg(long, default_value_t = 1000)]
        people: usize,
    },
}

#[derive(Subcommand)]
enum KeysAction {
    /// Create a key; its token is printed alone on the last line, once.
    Create {
        /// Who uses the key (it names the actor in the audit trail).
        #[arg(long)]
        name: String,
        /// read:internal, read:embargoed, write or admin; repeat for several.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
    /// List keys (never their tokens).
    List,
    /// Revoke a key by id or name.
    Revoke { key: String },
}

#[derive(Subcommand)]
enum WebhooksAction {
    /// Register an endpoint; its signing secret is printed alone on the
    /// last line, once.
    Create {
        /// Where events are POSTed (http or https).
        #[arg(long)]
        url: String,
        /// An event type (`person.updated`) or `*`; repeat for several.
        #[arg(long = "event", required = true)]
        events: Vec<String>,
        #[arg(long)]
        description: Option<String>,
        /// Allow a loopback or private address (as `serve --webhook-allow-private`).
        #[arg(long)]
        allow_private: bool,
    },
    /// List endpoints (never their secrets).
    List,
    /// Remove an endpoint (archived; no more deliveries).
    Delete { id: String },
}

fn init_tracing(format: LogFormat, filter: Option<&str>) -> anyhow::Result<()> {
    use tracing_subscriber::EnvFilter;
    let filter = match filter {
        Some(directives) => EnvFilter::try_new(directives)
            .map_err(|e| anyhow::anyhow!("invalid --log / PRESSDIR_LOG `{directives}`: {e}"))?,
        None => EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
    Ok(())
}

/// One connection for a command, to the database the flags name.
fn open(
    database_url: &str,
    sqlite_mmap_bytes: u64,
) -> anyhow::Result<r2d2::PooledConnection<pressdir::db::DbConnManager>> {
    let pool = pressdir::db::DbPool::connect_with(
        database_url,
        1,
        Duration::from_secs(5),
        sqlite_mmap_bytes,
    )?;
    pool.get()
        .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))
}

/// `open`, then migrate (alone, under the start-up lock on PostgreSQL).
fn open_migrated(
    database_url: &str,
    sqlite_mmap_bytes: u64,
) -> anyhow::Result<r2d2::PooledConnection<pressdir::db::DbConnManager>> {
    let mut conn = open(database_url, sqlite_mmap_bytes)?;
    pressdir::db::exclusively(&mut conn, pressdir::db::run_migrations)?;
    Ok(conn)
}

fn main() -> std::process::ExitCode {
    let argv =
        match pressdir::config::with_config_file(&Cli::command(), std::env::args_os().collect()) {
            Ok(argv) => argv,
            Err(error) => {
                eprintln!("pressdir: {error:#}");
                return std::process::ExitCode::from(2);
            }
        };
    let cli = Cli::parse_from(argv);
    if let Err(error) = init_tracing(cli.log_format, cli.log.as_deref()) {
        eprintln!("pressdir: {error:#}");
        return std::process::ExitCode::from(2);
    }
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pressdir: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let sqlite_mmap = cli.sqlite_mmap();
    match cli.command {
        Command::Openapi => {
            print!("{}", pressdir::startup::openapi_json());
            Ok(())
        }
        Command::Migrate => {
            let mut conn = open(&cli.database_url, sqlite_mmap)?;
            pressdir::db::exclusively(&mut conn, pressdir::db::run_migrations)
        }
        Command::Backup { out } => {
            // Opening a missing SQLite file would create it, and back up nothing.
            let source = cli.database_url.trim_start_matches("sqlite://");
            if !cli.database_url.starts_with("postgres") && !std::path::Path::new(source).exists() {
                anyhow::bail!("no database at {source} to back up (see --database-url)");
            }
            let mut conn = open(&cli.database_url, sqlite_mmap)?;
            pressdir::db::backup(&mut conn, &out)?;
            eprintln!("backed up to {}", out.display());
            Ok(())
        }
        Command::Export => {
            let mut conn = open_migrated(&cli.database_url, sqlite_mmap)?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            pressdir::export::export_to(&mut conn, &mut out)
                .map_err(|e| anyhow::anyhow!("export failed: {e}"))
        }
        Command::Import { file } => {
            let mut conn = open_migrated(&cli.database_url, sqlite_mmap)?;
            // Opened here first so that a missing file is named as such.
            std::fs::File::open(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let report = |e: pressdir::error::ApiError| {
                let problem = e.problem();
                let fields: Vec<String> = problem
                    .errors
                    .iter()
                    .map(|f| format!("  {}: {}", f.field, f.message))
                    .collect();
                anyhow::anyhow!("{}\n{}", problem.detail, fields.join("\n"))
            };
            let summary =
                pressdir::export::import_file(&mut conn, &pressdir::audit::Actor::cli(), &file)
                    .map_err(report)?;
            println!(
                "imported {} offices, {} people, {} contact points, {} releases, {} appearances",
                summary.offices,
                summary.people,
                summary.contact_points,
                summary.releases,
                summary.appearances
            );
            Ok(())
        }
        Command::Keys { action } => {
            let mut conn = open_migrated(&cli.database_url, sqlite_mmap)?;
            let problem = |e: pressdir::error::ApiError| anyhow::anyhow!("{}", e.problem().detail);
            match action {
                KeysAction::Create { name, scopes } => {
                    let scopes = scopes
                        .iter()
                        .map(|s| {
                            pressdir::keys::Scope::parse(s).ok_or_else(|| {
                                anyhow::anyhow!(
                                    "unknown scope '{s}': use read:internal, read:embargoed, write or admin"
                                )
                            })
                        })
                        .collect::<anyhow::Result<Vec<_>>>()?;
                    let created = pressdir::keys::db::create_key(
                        &mut conn,
                        &pressdir::audit::Actor::cli(),
                        &name,
                        &scopes,
                    )
                    .map_err(problem)?;
                    eprintln!(
                        "created key '{}' ({}); keep the token below, it is not shown again",
                        created.key.name, created.key.id
                    );
                    println!("{}", created.token);
                }
                KeysAction::List => {
                    for key in pressdir::keys::db::list_keys(&mut conn)? {
                        let state = if key.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        };
                        println!("{}  {}  [{}]  {state}", key.id, key.name, key.scopes);
                    }
                }
                KeysAction::Revoke { key } => {
                    let revoked = pressdir::keys::db::revoke_key(
                        &mut conn,
                        &pressdir::audit::Actor::cli(),
                        &key,
                    )
                    .map_err(problem)?;
                    println!("revoked {} ({})", revoked.name, revoked.id);
                }
            }
            Ok(())
        }
        Command::Webhooks { action } => {
            let mut conn = open_migrated(&cli.database_url, sqlite_mmap)?;
            let problem = |e: pressdir::error::ApiError| {
                let problem = e.problem();
                let fields: Vec<String> = problem
                    .errors
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect();
                anyhow::anyhow!("{} {}", problem.detail, fields.join("; "))
            };
            let actor = pressdir::audit::Actor::cli();
            use pressdir::webhooks::db as webhooks;
            match action {
                WebhooksAction::Create {
                    url,
                    events,
                    description,
                    allow_private,
                } => {
                    let input = pressdir::webhooks::model::EndpointInput {
                        url,
                        event_types: events,
                        description,
                    };
                    let created =
                        webhooks::insert_endpoint(&mut conn, &actor, input, allow_private)
                            .map_err(problem)?;
                    eprintln!(
                        "registered endpoint {} for {}; keep the signing secret below, it is not shown again",
                        created.id,
                        created.event_types.join(", ")
                    );
                    println!("{}", created.secret.unwrap_or_default());
                }
                WebhooksAction::List => {
                    for e in webhooks::list_endpoints(&mut conn)? {
                        println!(
                            "{}  {}  [{}]  {}",
                            e.id,
                            e.url,
                            e.event_type_list().join(", "),
                            e.status
                        );
                    }
                }
                WebhooksAction::Delete { id } => {
                    webhooks::archive_endpoint(
                        &mut conn,
                        &actor,
                        &id,
                        &pressdir::paging::Precondition::None,
                    )
                    .map_err(problem)?;
                    println!("removed endpoint {id}");
                }
            }
            Ok(())
        }
        Command::Ingest {
            report: Some(dir),
            verbose,
            min_contact_recall,
            min_contact_precision,
            min_quoted_recall,
            ..
        } => {
            let report = pressdir::ingest::report::run(&dir).map_err(|e| anyhow::anyhow!(e))?;
            print!("{}", report.render(verbose));
            let short = [
                (
                    "contact recall",
                    report.contacts.recall(),
                    min_contact_recall,
                ),
                (
                    "contact precision",
                    report.contacts.precision(),
                    min_contact_precision,
                ),
                ("quoted recall", report.quoted.recall(), min_quoted_recall),
            ]
            .into_iter()
            .filter_map(|(what, got, min)| {
                min.filter(|m| got < *m)
                    .map(|m| format!("{what} {got:.3} < {m}"))
            })
            .collect::<Vec<_>>();
            if !short.is_empty() {
                return Err(anyhow::anyhow!("below the bar: {}", short.join(", ")));
            }
            Ok(())
        }
        Command::Ingest { files, dry_run, .. } => {
            let mut conn = open_migrated(&cli.database_url, sqlite_mmap)?;
            let mut failed = false;
            for file in files {
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
                let input = pressdir::ingest::IngestInput {
                    text,
                    ..Default::default()
                };
                match pressdir::ingest::ingest(
                    &mut conn,
                    &pressdir::audit::Actor::cli(),
                    input,
                    dry_run,
                ) {
                    Ok(result) => {
                        let verb = match (result.dry_run, result.created) {
                            (true, _) => "would ingest",
                            (false, true) => "ingested",
                            (false, false) => "already had",
                        };
                        let people = result.release.appearances.len();
                        println!(
                            "{}: {verb} \"{}\" ({}), {people} people",
                            file.display(),
                            result.release.title,
                            result.release.slug
                        );
                        for warning in &result.warnings {
                            println!("  warning: {warning}");
                        }
                    }
                    Err(error) => {
                        failed = true;
                        eprintln!("{}: {}", file.display(), error.problem().detail);
                    }
                }
            }
            if failed {
                Err(anyhow::anyhow!("some files were not ingested"))
            } else {
                Ok(())
            }
        }
        Command::DemoData { people } => {
            let mut conn = open_migrated(&cli.database_url, sqlite_mmap)?;
            let started = std::time::Instant::now();
            let counts = pressdir::demo::generate(&mut conn, people)
                .map_err(|e| anyhow::anyhow!("demo data: {e}"))?;
            println!(
                "wrote {} offices, {} people, {} contact points, {} releases, {} appearances in {:.1} s",
                counts.offices,
                counts.people,
                counts.contact_points,
                counts.releases,
                counts.appearances,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Serve {
            bind,
            workers,
            db_pool_size,
            db_connect_timeout_secs,
            max_body_bytes,
            max_photo_bytes,
            rate_limit_per_minute,
            request_timeout_secs,
            cors_origins,
            cors_allow_writes,
            no_seed,
            shutdown_grace_secs,
            organisation,
            public_url,
            trust_forwarded,
            webhook_retry_hours,
            webhook_backoff_secs,
            webhook_timeout_secs,
            webhook_allow_private,
            webhook_retention_days,
            webhook_concurrency,
            no_webhook_dispatch,
            read_cache_ttl_ms,
            read_cache_bytes,
            memory_budget_bytes,
            no_search_in_memory,
        } => {
            let pool_size =
                db_pool_size.unwrap_or_else(|| pressdir::db::default_pool_size(&cli.database_url));
            let settings = Settings {
                database_url: cli.database_url,
                replica_url: cli.database_replica_url,
                bind,
                workers,
                pool_size,
                db_connect_timeout: Duration::from_secs(db_connect_timeout_secs),
                max_body_bytes,
                max_photo_bytes,
                memory: pressdir::budget::MemoryBudget {
                    total: memory_budget_bytes,
                    read_cache: read_cache_bytes,
                    sqlite_map_per_connection: cli.sqlite_mmap_bytes,
                },
                seed: !no_seed,
                rate_limit_per_minute,
                request_timeout: Duration::from_secs(request_timeout_secs),
                cors_origins,
                cors_allow_writes,
                shutdown_grace: Duration::from_secs(shutdown_grace_secs),
                organisation,
                public_url,
                trust_forwarded,
                webhooks: pressdir::webhooks::dispatch::WebhookSettings {
                    // Bounded, so that no date arithmetic can overflow.
                    retry_for: Duration::from_secs(webhook_retry_hours.min(24 * 365) * 3600),
                    backoff_base: Duration::from_secs_f64(webhook_backoff_secs.clamp(0.01, 3600.0)),
                    timeout: Duration::from_secs(webhook_timeout_secs.max(1)),
                    allow_private: webhook_allow_private,
                    retention: Duration::from_secs(webhook_retention_days.min(3650) * 24 * 3600),
                    concurrency: webhook_concurrency.clamp(1, 256),
                    ..Default::default()
                },
                dispatch_webhooks: !no_webhook_dispatch,
                // At most an hour: an answer older than that is a bug, not a cache.
                read_cache_ttl: Duration::from_millis(read_cache_ttl_ms.min(3_600_000)),
                search_in_memory: !no_search_in_memory,
            };
            actix_web::rt::System::new().block_on(async move {
                let app = Application::build(&settings)?;
                tracing::info!(bind = %settings.bind, port = app.port(), "pressdir serving");
                app.run_until_stopped().await?;
                tracing::info!("pressdir stopped");
                Ok(())
            })
        }
    }
}
