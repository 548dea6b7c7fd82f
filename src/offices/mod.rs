//! Offices: headquarters, regional, country and liaison offices.

pub mod db;
pub mod handlers;
pub mod model;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_offices)
        .service(handlers::create_office)
        .service(handlers::get_office_vcard)
        .service(handlers::get_office)
        .service(handlers::update_office)
        .service(handlers::archive_office)
        .service(crate::people::handlers::list_office_people)
        .service(crate::contact_points::handlers::list_office_contact_points)
        .service(crate::contact_points::handlers::create_office_contact_point)
        .service(crate::restore::restore_office)
        .service(crate::duty::handlers::list_duty)
        .service(crate::duty::handlers::create_duty)
        .service(crate::duty::handlers::on_duty);
}
