//! `POST /api/v1/releases/ingest`.
