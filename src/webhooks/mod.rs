//! Webhooks: partners' endpoints, and the delivery of the outbox's events
//! to them with Standard Webhooks signatures, retries with backoff, a
//! record of every attempt, and redelivery. The tables `webhook_endpoints`,
//! `webhook_deliveries` and `webhook_attempts` change only here.

pub mod db;
pub mod dispatch;
pub mod handlers;
pub mod model;
pub mod sign;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::create_endpoint)
        .service(handlers::list_endpoints)
        .service(handlers::get_endpoint)
        .service(handlers::update_endpoint)
        .service(handlers::archive_endpoint)
        .service(handlers::list_deliveries)
        .service(handlers::redeliver);
}
