//! Building the app and the server.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, ResponseError, web};
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

use crate::db::{DbPool, run_migrations};
use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::ops::{self, SpecJson};

/// What the server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    /// A read replica: reads that need no fresh write go there.
    pub replica_url: Option<String>,
    pub bind: String,
    /// HTTP worker threads; `None` = one per core.
    pub workers: Option<usize>,
    pub pool_size: u32,
    pub db_connect_timeout: Duration,
    pub max_body_bytes: usize,
    /// Largest photo upload, in bytes.
    pub max_photo_bytes: usize,
    /// The memory kept of the data: read cache, search copy, SQLite's map.
    pub memory: crate::budget::MemoryBudget,
    /// Load the seed release into an empty database.
    pub seed: bool,
    /// Writes and searches per minute per key or address; 0 turns it off.
    pub rate_limit_per_minute: u32,
    pub request_timeout: Duration,
    /// How long in-flight requests may take to finish after SIGTERM/SIGINT.
    pub shutdown_grace: Duration,
    /// The organisation named on the journalists' page.
    pub organisation: String,
    /// Origins allowed to call the API from a browser; empty: none.
    pub cors_origins: Vec<String>,
    /// Let those origins write too (with a key), not only read.
    pub cors_allow_writes: bool,
    /// The base of absolute links; `None`: from the request.
    pub public_url: Option<String>,
    /// Believe forwarded headers for absolute links (behind a trusted proxy).
    pub trust_forwarded: bool,
    /// Webhook delivery (`--webhook-*`).
    pub webhooks: crate::webhooks::dispatch::WebhookSettings,
    /// Run the webhook dispatcher in this process.
    pub dispatch_webhooks: bool,
    /// How long a public read may be answered from the read cache (zero
    /// turns it off); its memory comes from `memory`.
    pub read_cache_ttl: Duration,
    /// Search a copy of the documents held in memory (SQLite only).
    pub search_in_memory: bool,
}

/// The seed's organisation; `--organisation` names another.
pub const DEFAULT_ORGANISATION: &str = "IOM, UN Migration";

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "pressdir.db".into(),
            replica_url: None,
            bind: "127.0.0.1:8080".into(),
            workers: None,
            pool_size: 8,
            db_connect_timeout: Duration::from_secs(5),
            max_body_bytes: 1024 * 1024,
            max_photo_bytes: crate::people::photo::DEFAULT_MAX_PHOTO_BYTES,
            memory: Default::default(),
            seed: true,
            rate_limit_per_minute: 600,
            request_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(30),
            organisation: DEFAULT_ORGANISATION.into(),
            cors_origins: vec![],
            cors_allow_writes: false,
            public_url: None,
            trust_forwarded: false,
            webhooks: Default::default(),
            dispatch_webhooks: true,
            read_cache_ttl: Duration::from_secs(1),
            search_in_memory: true,
        }
    }
}

/// Every API route, registered so that utoipa collects its documentation.
fn api_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(scope("/offices").configure(crate::offices::configure))
        .service(scope("/people").configure(crate::people::configure))
        .service(scope("/contact-points").configure(crate::contact_points::configure))
        .service(scope("/releases").configure(crate::releases::configure))
        .service(scope("/appearances").configure(crate::releases::configure_appearances))
        .service(scope("/duty").configure(|cfg| {
            cfg.service(crate::duty::handlers::archive_duty);
        }))
        .service(scope("/api-keys").configure(crate::keys::handlers::configure))
        .service(scope("/webhooks").configure(crate::webhooks::configure))
        .service(scope("/feeds").configure(|cfg| {
            cfg.service(crate::feeds::atom)
                .service(crate::feeds::json_feed);
        }))
        .service(crate::search::handlers::search)
        .service(crate::audit::handlers::list_audit)
        .service(crate::export::export_directory)
        .service(crate::export::import_directory);
}

fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(scope("/api/v1").configure(api_routes))
        .service(ops::healthz)
        .service(ops::readyz)
        .service(crate::observe::metrics_text)
        .configure(crate::web::configure)
        .service(ops::openapi_json);
}

/// The OpenAPI document, generated from the handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .split_for_parts();
    crate::openapi::document_bounds(&mut api);
    api
}

/// The spec as served and committed: pretty JSON with a trailing newline.
pub fn openapi_json() -> String {
    let mut json = openapi().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

/// Turns actix's own plain-text errors (unknown route, wrong method,
/// oversized payload...) into problem+json.
fn problem_for_plain_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // Problems, and the journalists' pages' own error pages, stay as they are.
    let answered = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes().starts_with(b"application/problem+json")
                || v.as_bytes().starts_with(b"text/html")
        });
    if answered {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound("No such resource.".into()),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed {
            allow: String::new(),
        },
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::PayloadTooLarge("The request body is too large.".into())
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::UnsupportedMediaType("Unsupported content type.".into())
        }
        StatusCode::SERVICE_UNAVAILABLE => ApiError::Unavailable("Service unavailable.".into()),
        s if s.is_client_error() => {
            ApiError::bad_request(s.canonical_reason().unwrap_or("Bad request").to_string())
        }
        _ => ApiError::Internal(anyhow::anyhow!(
            "unhandled error response with status {status}"
        )),
    };
    let (req, _) = res.into_parts();
    let mut response = error.error_response();
    *response.status_mut() = status;
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

async fn not_found(
    req: HttpRequest,
    routes: web::Data<crate::http::RouteTable>,
) -> Result<HttpResponse, ApiError> {
    match routes.methods_for(req.path()) {
        Some(methods) => Err(ApiError::MethodNotAllowed {
            allow: methods.join(", "),
        }),
        None => Err(ApiError::NotFound("No such resource.".into())),
    }
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// The whole application: API, operations, Swagger UI, and problem+json for every error.
/// What every worker's app is built from.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub replica: Option<DbPool>,
    pub spec: web::Data<SpecJson>,
    pub routes: web::Data<crate::http::RouteTable>,
    pub limits: web::Data<std::sync::Arc<crate::limits::Limits>>,
    pub max_body_bytes: usize,
    pub max_photo_bytes: usize,
    pub webhooks: web::Data<crate::webhooks::dispatch::WebhookSettings>,
    pub cors_origins: Vec<String>,
    pub cors_allow_writes: bool,
    pub organisation: web::Data<crate::formats::Organisation>,
    pub links: web::Data<crate::formats::LinkBase>,
    pub read_cache: web::Data<crate::read_cache::ReadCache>,
    pub searcher: web::Data<crate::search::Searcher>,
}

/// Browsers may read from the configured origins; write only when allowed.
fn cors(state: &AppState) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "HEAD"])
        .allowed_headers(["If-None-Match", "Accept"])
        .expose_headers(["ETag", "Link", "Location"])
        .max_age(3600);
    for origin in &state.cors_origins {
        cors = cors.allowed_origin(origin);
    }
    if state.cors_allow_writes {
        cors = cors
            .allowed_methods(["GET", "HEAD", "POST", "PATCH", "DELETE"])
            .allowed_headers([
                "If-None-Match",
                "Accept",
                "Authorization",
                "Content-Type",
                "If-Match",
            ]);
    }
    cors
}

pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let mut app = App::new().into_utoipa_app();
    if let Some(replica) = state.replica.clone() {
        app = app.app_data(web::Data::new(crate::http::ReplicaPool(replica)));
    }
    let app = app
        .app_data(web::Data::new(state.pool.clone()))
        .app_data(state.spec.clone())
        .app_data(state.routes.clone())
        .app_data(state.limits.clone())
        .app_data(web::PayloadConfig::new(state.max_body_bytes))
        .app_data(web::Data::new(crate::people::photo::PhotoLimit(
            state.max_photo_bytes,
        )))
        .app_data(state.webhooks.clone())
        .app_data(state.read_cache.clone())
        .app_data(state.searcher.clone());
    let (app, _) = app.configure(routes).split_for_parts();
    app.app_data(state.organisation.clone())
        .app_data(state.links.clone())
        .service(
            SwaggerUi::new("/docs/{_:.*}")
                .config(SwaggerConfig::new(["/openapi.json"]).validator_url("none")),
        )
        .route("/docs", web::get().to(docs_redirect))
        .default_service(web::to(not_found))
        .wrap(actix_web::middleware::from_fn(crate::limits::guard))
        // Outside the guard: it keeps only what the guard marked public.
        .wrap(actix_web::middleware::from_fn(crate::read_cache::serve))
        .wrap(actix_web::middleware::Condition::new(
            !state.cors_origins.is_empty(),
            cors(&state),
        ))
        .wrap(
            actix_web::middleware::DefaultHeaders::new()
                .add(("X-Content-Type-Options", "nosniff"))
                .add(("X-Frame-Options", "DENY"))
                .add(("Referrer-Policy", "no-referrer")),
        )
        .wrap(ErrorHandlers::new().default_handler(problem_for_plain_errors))
        .wrap(actix_web::middleware::from_fn(crate::observe::observe))
}

/// A running server and the port it listens on.
pub struct Application {
    port: u16,
    server: Server,
    pool: DbPool,
    replica: Option<DbPool>,
    /// The webhook dispatcher's settings, when this process runs it.
    dispatcher: Option<crate::webhooks::dispatch::WebhookSettings>,
    memory: crate::budget::Split,
}

impl Application {
    /// Connects, migrates, seeds an empty database when asked, and binds.
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        // Connections that map the database file: SQLite's.
        let mapping = match crate::db::Backend::from_url(&settings.database_url) {
            crate::db::Backend::Sqlite => settings.pool_size,
            crate::db::Backend::Postgres => 0,
        };
        // The map is sized again once the search copy is read.
        let pool = DbPool::connect_with(
            &settings.database_url,
            settings.pool_size,
            settings.db_connect_timeout,
            settings.memory.split(0, mapping).sqlite_map_per_connection,
        )?;
        {
            let mut conn = pool
                .get()
                .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
            let seed = settings.seed;
            crate::db::exclusively(&mut conn, |conn| {
                run_migrations(conn)?;
                let indexed = crate::search::backfill(conn)?;
                if indexed > 0 {
                    tracing::info!(rows = indexed, "indexed rows written before search existed");
                }
                if seed
                    && crate::seed::seed_if_empty(conn)
                        .map_err(|e| anyhow::anyhow!("seeding failed: {e}"))?
                {
                    tracing::info!("seeded an empty directory with the seed release");
                }
                Ok(())
            })?;
        }
        let replica = match &settings.replica_url {
            Some(url) => Some(
                DbPool::connect(url, settings.pool_size, settings.db_connect_timeout)?
                    .named("replica"),
            ),
            None => None,
        };
        let searcher = match pool.backend() {
            crate::db::Backend::Sqlite if settings.search_in_memory => {
                let searcher = crate::search::Searcher::in_memory_index();
                // Read now, so that the first search does not wait for it.
                let mut conn = pool.get()?;
                searcher.refresh_all(&mut conn)?;
                searcher
            }
            _ => crate::search::Searcher::default(),
        };
        let split = settings.memory.split(searcher.heap_bytes(), mapping);
        if split.sqlite_map_per_connection != pool.sqlite_map_bytes() {
            pool.resize_sqlite_map(split.sqlite_map_per_connection)?;
        }
        crate::metrics::record_memory_split(settings.memory.total, &split);
        tracing::info!(
            budget = settings.memory.total,
            read_cache = split.read_cache,
            search = split.search,
            sqlite_map_per_connection = split.sqlite_map_per_connection,
            connections = split.connections,
            "memory budget split"
        );
        if split.over_budget(&settings.memory) {
            tracing::warn!(
                budget = settings.memory.total,
                "the search copy and the read cache leave SQLite's memory map nothing, or the parts set on their own exceed the memory budget: raise --memory-budget-bytes"
            );
        }
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot bind {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let state = AppState {
            pool: pool.clone(),
            replica: replica.clone(),
            spec: web::Data::new(SpecJson(openapi_json())),
            routes: web::Data::new(crate::http::RouteTable::from_spec(&openapi())),
            limits: web::Data::new(crate::limits::Limits::new(
                settings.rate_limit_per_minute,
                settings.request_timeout,
            )),
            max_body_bytes: settings.max_body_bytes,
            max_photo_bytes: settings.max_photo_bytes,
            webhooks: web::Data::new(settings.webhooks.clone()),
            cors_origins: settings.cors_origins.clone(),
            cors_allow_writes: settings.cors_allow_writes,
            organisation: web::Data::new(crate::formats::Organisation(
                settings.organisation.clone(),
            )),
            links: web::Data::new(crate::formats::LinkBase::new(
                settings.public_url.as_deref(),
                settings.trust_forwarded,
            )?),
            read_cache: web::Data::new(crate::read_cache::ReadCache::new(
                crate::read_cache::ReadCacheSettings {
                    ttl: settings.read_cache_ttl,
                    max_bytes: split.read_cache,
                },
            )),
            searcher: web::Data::new(searcher),
        };
        let mut server = HttpServer::new(move || build_app(state.clone()));
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        // Blocking tasks beyond the pool's size would only wait for a
        // connection, each on a thread of its own (and its malloc arena).
        server = server
            .worker_max_blocking_threads(settings.pool_size as usize)
            .shutdown_timeout(settings.shutdown_grace.as_secs());
        let server = server.listen(listener)?.run();
        Ok(Self {
            port,
            server,
            pool,
            replica,
            dispatcher: settings
                .dispatch_webhooks
                .then(|| settings.webhooks.clone()),
            memory: split,
        })
    }

    /// How the memory budget was split at start-up.
    pub fn memory_split(&self) -> crate::budget::Split {
        self.memory
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The primary's pool: every write, and reads that ask for fresh data.
    pub fn pool(&self) -> DbPool {
        self.pool.clone()
    }

    /// The read replica's pool, when one is configured.
    pub fn replica(&self) -> Option<DbPool> {
        self.replica.clone()
    }

    /// Serves, and delivers webhooks beside, until the server stops.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let dispatcher = self.dispatcher.map(|settings| {
            tokio::spawn(crate::webhooks::dispatch::run(self.pool.clone(), settings))
        });
        let served = self.server.await;
        if let Some(task) = dispatcher {
            task.abort();
        }
        served
    }
}
