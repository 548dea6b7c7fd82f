//! `GET /api/v1/search`: one box over people, offices and releases.

use actix_web::{HttpRequest, HttpResponse, get};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::SearchQuery;
use crate::error::ApiError;
use crate::http::{self, QueryParams, ReadPool};
use crate::offices::model::{OfficeListQuery, OfficeResponse};
use crate::openapi::ListErrors;
use crate::paging::PageRequest;
use crate::people::model::{PersonListQuery, PersonResponse};
use crate::releases::model::{ReleaseListQuery, ReleaseSummary};

/// What kind of record a hit is.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum HitType {
    Person,
    Office,
    Release,
}

/// One search result, tagged with its `type`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SearchHit {
    /// A person, with office and public contact points. (Boxed, as the
    /// office: the hits differ much in size.)
    Person(Box<PersonResponse>),
    Office(Box<OfficeResponse>),
    Release(ReleaseSummary),
}

crate::page_type!(
    SearchResults,
    SearchHit,
    "A page of search hits, best first."
);

/// The one-box search.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look for: names, titles, places, topics, languages, phone
    /// numbers in any format, email fragments. Case-, accent- and
    /// punctuation-insensitive; every word must match.
    #[param(min_length = 1, max_length = 200, example = "dalloglio")]
    pub q: String,
    /// Only hits of this type.
    #[serde(rename = "type")]
    #[param(inline)]
    pub hit_type: Option<HitType>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The rank SQL gives a row (see `search::rank`), for merging the three lists.
fn rank_of(name_key: &str, phrase: &str) -> i32 {
    if name_key == phrase {
        0
    } else if name_key.starts_with(phrase) {
        1
    } else if format!(" {name_key}").contains(&format!(" {phrase}")) {
        2
    } else {
        3
    }
}

/// A position in the merged order: rank, then type, then id.
type Key = (i32, HitType, String);

fn encode_key((rank, hit_type, id): &Key) -> String {
    format!("{rank}:{}:{id}", *hit_type as u8)
}

fn decode_key(key: &str) -> Result<Key, ApiError> {
    let mut parts = key.splitn(3, ':');
    let parsed = (|| {
        let rank = parts.next()?.parse().ok()?;
        let hit_type = match parts.next()? {
            "0" => HitType::Person,
            "1" => HitType::Office,
            "2" => HitType::Release,
            _ => return None,
        };
        Some((rank, hit_type, parts.next()?.to_string()))
    })();
    parsed.ok_or_else(|| {
        ApiError::bad_field(
            "cursor",
            "invalid_cursor",
            "cursor is not one this server issued",
        )
    })
}

/// Where one table's ranked list resumes so that the merged order resumes
/// after `after`: same type, strictly after it; a later type, at the same
/// rank or worse; an earlier type, only worse ranks. ("~" sorts after every id.)
fn resume_in(hit_type: HitType, after: &Key) -> String {
    let (rank, after_type, id) = after;
    match hit_type.cmp(after_type) {
        std::cmp::Ordering::Equal => format!("{rank}:{id}"),
        std::cmp::Ordering::Greater => format!("{}:~", rank - 1),
        std::cmp::Ordering::Less => format!("{rank}:~"),
    }
}

/// Search people, offices and releases at once.
///
/// Hits are ranked: exact name, then name prefix, then a word of the name
/// starting with the query, then matches in other fields; ties go people,
/// offices, releases, then creation order.
#[utoipa::path(tag = "search", params(SearchParams), responses((status = 200, description = "A page of hits, best first, each tagged with its `type`", body = SearchResults), ListErrors))]
#[get("/search")]
pub async fn search(
    caller: crate::keys::Caller,
    req: HttpRequest,
    pool: ReadPool,
    searcher: super::Searcher,
    QueryParams(params): QueryParams<SearchParams>,
) -> Result<HttpResponse, ApiError> {
    let query = SearchQuery::parse(&params.q)?
        .ok_or_else(|| ApiError::bad_field("q", "required", "q must contain letters or digits"))?;
    let page = PageRequest::new(params.limit, params.cursor.as_deref())?;
    let after = page.after.as_deref().map(decode_key).transpose()?;
    let only = params.hit_type;
    let audience = caller.audience();
    let embargoed = caller.sees_embargoed();
    let wanted = move |t: HitType| only.is_none_or(|only| only == t);
    let q = Some(params.q.clone());
    let body = pool
        .run(move |conn| {
            let per_table = |t: HitType| PageRequest {
                limit: page.limit,
                after: after.as_ref().map(|a| resume_in(t, a)),
            };
            let mut hits: Vec<(Key, SearchHit)> = vec![];
            let mut more = false;
            if wanted(HitType::Person) {
                let filter = PersonListQuery {
                    q: q.clone(),
                    ..Default::default()
                };
                let found = crate::people::db::list_people(
                    conn,
                    &searcher,
                    &filter,
                    &per_table(HitType::Person),
                    false,
                )?;
                more |= found.next_cursor.is_some();
                let keys: Vec<Key> = found
                    .items
                    .iter()
                    .map(|p| {
                        (
                            rank_of(&p.name_key, &query.phrase),
                            HitType::Person,
                            p.id.clone(),
                        )
                    })
                    .collect();
                let people = crate::people::db::embed(conn, found.items, audience)?;
                hits.extend(
                    keys.into_iter()
                        .zip(people.into_iter().map(|p| SearchHit::Person(Box::new(p)))),
                );
            }
            if wanted(HitType::Office) {
                let filter = OfficeListQuery {
                    q: q.clone(),
                    ..Default::default()
                };
                let found = crate::offices::db::list_offices(
                    conn,
                    &searcher,
                    &filter,
                    &per_table(HitType::Office),
                    false,
                )?;
                more |= found.next_cursor.is_some();
                hits.extend(found.items.into_iter().map(|o| {
                    (
                        (
                            rank_of(&o.name_key, &query.phrase),
                            HitType::Office,
                            o.id.clone(),
                        ),
                        SearchHit::Office(Box::new(o.into())),
                    )
                }));
            }
            if wanted(HitType::Release) {
                let filter = ReleaseListQuery {
                    q: q.clone(),
                    ..Default::default()
                };
                let found = crate::releases::db::list_releases(
                    conn,
                    &searcher,
                    &filter,
                    &per_table(HitType::Release),
                    false,
                    embargoed,
                )?;
                more |= found.next_cursor.is_some();
                hits.extend(found.items.iter().map(|r| {
                    (
                        (
                            rank_of(&r.name_key, &query.phrase),
                            HitType::Release,
                            r.id.clone(),
                        ),
                        SearchHit::Release(r.into()),
                    )
                }));
            }
            hits.sort_by(|a, b| a.0.cmp(&b.0));
            let limit = page.limit as usize;
            more |= hits.len() > limit;
            hits.truncate(limit);
            let next_cursor = if more {
                hits.last()
                    .map(|(key, _)| crate::paging::encode_cursor(&encode_key(key)))
            } else {
                None
            };
            Ok(SearchResults {
                items: hits.into_iter().map(|(_, hit)| hit).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(http::list(&req, &body, body.next_cursor.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_exact_prefix_word_prefix_other() {
        assert_eq!(rank_of("jorge gallo", "jorge gallo"), 0);
        assert_eq!(rank_of("jorge gallo", "jorge"), 1);
        assert_eq!(rank_of("jorge gallo", "gal"), 2);
        assert_eq!(rank_of("jorge gallo", "allo"), 3);
    }

    #[test]
    fn cursor_keys_round_trip() {
        let key = (
            2,
            HitType::Office,
            "0190f5a8-1b2c-7d3e-8f40-123456789abc".to_string(),
        );
        assert_eq!(decode_key(&encode_key(&key)).unwrap(), key);
        assert!(decode_key("x").is_err());
    }
}
