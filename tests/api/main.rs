mod contact_points;
mod errors;
mod helpers;
mod offices;
mod openapi;
mod people;
mod releases;
mod seed;
