//! Release ingestion: raw release text in; release, people, contact points
//! and appearances out, linked to what the directory already knows.

pub mod apply;
pub mod extract;
pub mod gazetteer;
pub mod handlers;
pub mod lexicon;
pub mod report;

pub use apply::{IngestInput, IngestResponse, MAX_TEXT_CHARS, ingest, ingest_in_transaction};
pub use extract::{Extraction, extract};
