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
    /// SQLite memory-map size in bytes (0 = off).
    pub sqlite_mmap_bytes: u64,
    /// Load the seed release into an empty database.
    pub seed: bool,
}

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
            sqlite_mmap_bytes: crate::db::DEFAULT_SQLITE_MMAP_BYTES,
            seed: true,
        }
    }
}

/// Every API route, registered so that utoipa collects its documentation.
fn api_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(scope("/offices").configure(crate::offices::configure))
        .service(scope("/people").configure(crate::people::configure))
        .service(scope("/contact-points").configure(crate::contact_points::configure))
        .service(scope("/releases").configure(crate::releases::configure))
        .service(scope("/appearances").configure(crate::appearances::configure))
        .service(scope("/api-keys").configure(crate::keys::handlers::configure))
        .service(crate::search::handlers::search)
        .service(crate::audit::handlers::list_audit);
}

fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(scope("/api/v1").configure(api_routes))
        .service(ops::healthz)
        .service(ops::readyz)
        .service(ops::openapi_json);
}

/// The OpenAPI document, generated from the handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .split_for_parts();
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
    let is_problem = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound("No such resource.".into()),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
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

async fn not_found(_: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("No such resource.".into()))
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// The whole application: API, operations, Swagger UI, and problem+json for every error.
pub fn build_app(
    pool: DbPool,
    replica: Option<DbPool>,
    spec: web::Data<SpecJson>,
    max_body_bytes: usize,
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
    if let Some(replica) = replica {
        app = app.app_data(web::Data::new(crate::http::ReplicaPool(replica)));
    }
    let app = app
        .app_data(web::Data::new(pool))
        .app_data(spec)
        .app_data(web::PayloadConfig::new(max_body_bytes));
    let (app, _) = app.configure(routes).split_for_parts();
    app.service(
        SwaggerUi::new("/docs/{_:.*}")
            .config(SwaggerConfig::new(["/openapi.json"]).validator_url("none")),
    )
    .route("/docs", web::get().to(docs_redirect))
    .default_service(web::to(not_found))
    .wrap(ErrorHandlers::new().default_handler(problem_for_plain_errors))
}

/// A running server and the port it listens on.
pub struct Application {
    port: u16,
    server: Server,
    pool: DbPool,
    replica: Option<DbPool>,
}

impl Application {
    /// Connects, migrates, seeds an empty database when asked, and binds.
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let pool = DbPool::connect_with(
            &settings.database_url,
            settings.pool_size,
            settings.db_connect_timeout,
            settings.sqlite_mmap_bytes,
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
            Some(url) => Some(DbPool::connect(
                url,
                settings.pool_size,
                settings.db_connect_timeout,
            )?),
            None => None,
        };
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot bind {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let spec = web::Data::new(SpecJson(openapi_json()));
        let max_body = settings.max_body_bytes;
        let app_pool = pool.clone();
        let app_replica = replica.clone();
        let mut server = HttpServer::new(move || {
            build_app(
                app_pool.clone(),
                app_replica.clone(),
                spec.clone(),
                max_body,
            )
        });
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        // Blocking tasks beyond the pool's size would only wait for a
        // connection, each on a thread of its own (and its malloc arena).
        server = server.worker_max_blocking_threads(settings.pool_size as usize);
        let server = server.listen(listener)?.run();
        Ok(Self {
            port,
            server,
            pool,
            replica,
        })
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

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
