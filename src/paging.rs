//! Paging, cursors and preconditions: what list and write functions need
//! from a request, without HTTP. Below `db`'s callers, above nothing but
//! `error`; `http` reads them out of requests.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::ApiError;

/// The longest `If-Match` header (a list of ETags).
pub const MAX_IF_MATCH_CHARS: usize = 1000;

/// What an `If-Match` header allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// No `If-Match`: last writer wins, but still one transaction.
    None,
    /// `If-Match: *`: the resource must exist.
    Any,
    /// The resource must be at one of these versions.
    Versions(Vec<i64>),
    /// An empty, oversized or non-ASCII `If-Match`: 400 (the key was
    /// checked by the guard before; the scope is checked after).
    Malformed,
}

impl Precondition {
    /// Reads an `If-Match` header's value (`None`: no header).
    pub fn from_header(value: Option<&str>) -> Self {
        let Some(value) = value else {
            return Self::None;
        };
        if value.trim() == "*" {
            return Self::Any;
        }
        if value.trim().is_empty() || value.len() > MAX_IF_MATCH_CHARS {
            return Self::Malformed;
        }
        // Tags we did not issue never match, so a stale or foreign tag gets
        // 412; so does a weak tag: If-Match compares strongly (RFC 9110 13.1.1).
        Self::Versions(
            value
                .split(',')
                .map(str::trim)
                .filter(|tag| !tag.starts_with("W/"))
                .filter_map(parse_etag)
                .collect(),
        )
    }

    /// A versioned `UPDATE ... WHERE version = <read>` must change its row.
    /// None changed means another writer got there between our read and our
    /// write (PostgreSQL's READ COMMITTED lets both read first): 412 when the
    /// caller sent `If-Match`, 409 otherwise. Never a silent overwrite.
    pub fn changed_once(&self, rows: usize) -> Result<(), ApiError> {
        match (rows, self) {
            (1, _) => Ok(()),
            (_, Self::None) => Err(ApiError::Conflict {
                detail:
                    "Another writer changed this record at the same time; read it again and retry."
                        .into(),
                errors: vec![],
            }),
            _ => Err(ApiError::PreconditionFailed),
        }
    }

    pub fn check(&self, current_version: i64) -> Result<(), ApiError> {
        match self {
            Self::Malformed => Err(ApiError::bad_field(
                "If-Match",
                "invalid_header",
                format!(
                    "If-Match must be ETags from a previous read (at most {MAX_IF_MATCH_CHARS} characters), or *"
                ),
            )),
            Self::Versions(versions) if !versions.contains(&current_version) => {
                Err(ApiError::PreconditionFailed)
            }
            _ => Ok(()),
        }
    }
}

/// Strong ETag for a row version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

pub fn parse_etag(tag: &str) -> Option<i64> {
    let quoted = tag
        .strip_prefix("W/")
        .unwrap_or(tag)
        .strip_prefix('"')?
        .strip_suffix('"')?;
    // `"5-a1767225600"`: version 5, with what the clock said (see `http::single`).
    quoted.split('-').next()?.parse().ok()
}

/// Largest and default page sizes.
pub const MAX_LIMIT: u32 = 200;
pub const DEFAULT_LIMIT: u32 = 50;

/// A validated page request: how many rows, and after which key.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<String>,
}

impl PageRequest {
    /// The first page of the largest size (for pages and cards that show all).
    pub fn largest() -> Self {
        Self {
            limit: i64::from(MAX_LIMIT),
            after: None,
        }
    }

    pub fn new(limit: Option<u32>, cursor: Option<&str>) -> Result<Self, ApiError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_field(
                "limit",
                "range",
                format!("limit must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let after = cursor.map(decode_cursor).transpose()?;
        Ok(Self {
            limit: i64::from(limit),
            after,
        })
    }

    /// Rows to fetch: one more than the page, to know whether another follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// Cuts the extra row off and returns the cursor of the next page.
    pub fn finish<T>(&self, mut rows: Vec<T>, key: impl Fn(&T) -> String) -> Page<T> {
        let more = rows.len() as i64 > self.limit;
        rows.truncate(self.limit as usize);
        let next_cursor = if more {
            rows.last().map(|row| encode_cursor(&key(row)))
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }
}

/// One page of rows and the cursor of the next.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

const CURSOR_PREFIX: &str = "k1:";

/// The page key of a change feed: when, to the microsecond, then which.
pub fn encode_changed_key(at: chrono::NaiveDateTime, id: &str) -> String {
    format!("{}:{id}", at.and_utc().timestamp_micros())
}

pub fn changed_key(key: &str) -> Result<(chrono::NaiveDateTime, String), ApiError> {
    key.split_once(':')
        .and_then(|(micros, id)| {
            let at = chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
            Some((at, id.to_string()))
        })
        .ok_or_else(|| {
            ApiError::bad_field(
                "cursor",
                "invalid_cursor",
                "cursor is not one this server issued",
            )
        })
}

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{key}"))
}

fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(CURSOR_PREFIX).map(str::to_string))
        // A key we issued never holds a control character (PostgreSQL
        // would refuse a NUL in text with an error, not an answer).
        .filter(|key| !key.chars().any(char::is_control))
        .ok_or_else(|| {
            ApiError::bad_field(
                "cursor",
                "invalid_cursor",
                "cursor is not one this server issued",
            )
        })
}

/// Declares a list response type: `{"items": [...], "next_cursor": ...}`.
#[macro_export]
macro_rules! page_type {
    ($name:ident, $item:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            /// This page's items, in stable order.
            pub items: Vec<$item>,
            /// Pass as `cursor` to get the next page; null on the last page.
            pub next_cursor: Option<String>,
        }

        impl From<$crate::paging::Page<$item>> for $name {
            fn from(page: $crate::paging::Page<$item>) -> Self {
                Self {
                    items: page.items,
                    next_cursor: page.next_cursor,
                }
            }
        }
    };
}
