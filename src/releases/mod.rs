//! Press releases.

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
        .service(crate::appearances::handlers::list_release_appearances)
        .service(crate::appearances::handlers::create_appearance)
        .service(crate::restore::restore_release);
}
