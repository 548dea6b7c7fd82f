//! Press releases.

pub mod appearances;
pub mod db;
pub mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(crate::ingest::handlers::ingest_release)
        .service(handlers::list_releases)
        .service(handlers::create_release)
        .service(handlers::get_release)
        .service(handlers::update_release)
        .service(handlers::archive_release)
        .service(appearances::list_release_appearances)
        .service(appearances::create_appearance)
        .service(crate::restore::restore_release);
}

/// Routes under `/appearances` (the release-scoped ones are above).
pub fn configure_appearances(cfg: &mut ServiceConfig) {
    cfg.service(appearances::archive_appearance)
        .service(crate::restore::restore_appearance);
}
