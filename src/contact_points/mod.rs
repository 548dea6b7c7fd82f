//! Contact points: phones and emails of people and offices.

pub mod db;
pub mod handlers;
pub mod model;
pub mod read;

use utoipa_actix_web::service_config::ServiceConfig;

/// Routes under `/contact-points`; the owner-scoped ones are mounted by people and offices.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::get_contact_point)
        .service(handlers::update_contact_point)
        .service(handlers::archive_contact_point)
        .service(crate::restore::restore_contact_point);
}
