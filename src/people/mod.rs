//! People: spokespeople and media contacts.

pub mod db;
pub mod handlers;
pub mod model;
pub mod photo;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_people)
        .service(handlers::create_person)
        .service(handlers::get_person_vcard)
        .service(handlers::get_person)
        .service(handlers::update_person)
        .service(handlers::archive_person)
        .service(crate::contact_points::handlers::list_person_contact_points)
        .service(crate::contact_points::handlers::create_person_contact_point)
        .service(crate::releases::handlers::list_person_releases)
        .service(crate::restore::restore_person)
        .service(photo::put_photo)
        .service(photo::get_photo)
        .service(photo::delete_photo);
}
