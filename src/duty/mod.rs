//! The duty rota: who is on duty for an office, instant to instant, and
//! "who can I reach now" (`/offices/{id}/on-duty`). Its table changes only
//! through `db`; it reads people and offices through their own modules.

pub mod db;
pub mod handlers;
pub mod model;
