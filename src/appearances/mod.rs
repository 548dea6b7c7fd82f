//! Appearances: who appears in which release, in which role.

pub mod db;
pub mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

/// Routes under `/appearances`; the release-scoped ones are mounted by releases.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::archive_appearance)
        .service(crate::restore::restore_appearance);
}
