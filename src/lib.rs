//! pressdir: a media-contact directory served as a typed REST API.

pub mod appearances;
pub mod audit;
pub mod config;
pub mod contact_points;
pub mod db;
pub mod demo;
pub mod error;
pub mod export;
pub mod formats;
pub mod http;
pub mod ingest;
pub mod keys;
pub mod limits;
pub mod observe;
pub mod offices;
pub mod openapi;
pub mod ops;
pub mod people;
pub mod releases;
pub mod restore;
pub mod search;
pub mod seed;
pub mod startup;
pub mod text;
pub mod validate;
pub mod web;
