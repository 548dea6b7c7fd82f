//! Release feeds a newsroom tool subscribes to: Atom (RFC 4287) and JSON
//! Feed 1.1, of all releases or of an office, a person, a topic or a
//! language, newest first; with ETag and Last-Modified for conditional GET.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get};
use chrono::{DateTime, NaiveTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::error::ApiError;
use crate::http::{QueryParams, ReadPool};
use crate::openapi::ListErrors;
use crate::releases::model::{FeedQuery, ReleaseResponse};

/// Entries in a feed: the newest releases.
const ENTRIES: i64 = 50;
/// A body longer than this is cut in a feed (at a word), with a link to the
/// whole release.
const CONTENT_CHARS: usize = 4000;

/// A feed's releases and its last change.
struct Feed {
    title: String,
    releases: Vec<ReleaseResponse>,
    updated: DateTime<Utc>,
    /// The address of the feed itself, and of the page it follows.
    self_url: String,
    page_url: String,
    base: String,
}

async fn load(
    req: &HttpRequest,
    pool: ReadPool,
    filter: FeedQuery,
    kind: &str,
) -> Result<Feed, ApiError> {
    let list = filter.as_list_query();
    let (releases, last_change) = pool
        .run(move |conn| {
            let rows = crate::releases::db::newest(conn, &list, ENTRIES)?;
            let last_change = crate::releases::db::last_change(conn, &list)?;
            Ok((crate::releases::db::embed(conn, rows)?, last_change))
        })
        .await?;
    let organisation = req
        .app_data::<actix_web::web::Data<crate::formats::Organisation>>()
        .map(|o| o.0.clone())
        .unwrap_or_default();
    let base = crate::formats::base_url(req);
    let described = filter.describe();
    let title = if described.is_empty() {
        format!("{organisation}: press releases")
    } else {
        format!("{organisation}: press releases ({described})")
    };
    let updated = last_change.map_or(DateTime::UNIX_EPOCH, |at| at.and_utc());
    let query = filter.query_string();
    Ok(Feed {
        title,
        updated,
        self_url: format!("{base}/api/v1/feeds/releases.{kind}{query}"),
        page_url: format!("{base}/api/v1/releases{query}"),
        releases,
        base,
    })
}

/// When a release was published: its date (at midnight UTC), else the end
/// of its embargo, else when it was added.
fn published(release: &ReleaseResponse) -> DateTime<Utc> {
    release
        .published_on
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
        .or(release.publish_at)
        .unwrap_or(release.created_at)
}

/// The body, cut at a word after `CONTENT_CHARS`.
fn content(release: &ReleaseResponse) -> Option<String> {
    let body = release.body.as_deref()?;
    if body.chars().count() <= CONTENT_CHARS {
        return Some(body.to_string());
    }
    let cut: String = body.chars().take(CONTENT_CHARS).collect();
    let cut = cut
        .rsplit_once(char::is_whitespace)
        .map_or(cut.as_str(), |(head, _)| head);
    Some(format!("{cut} …"))
}

fn page_of(feed: &Feed, release: &ReleaseResponse) -> String {
    format!("{}/releases/{}", feed.base, release.slug)
}

/// The answer, with its validators; 304 when the client has it already.
fn answer(
    req: &HttpRequest,
    content_type: &str,
    body: String,
    updated: DateTime<Utc>,
) -> HttpResponse {
    let tag = format!("\"{}\"", &crate::text::sha256_hex(body.as_bytes())[..32]);
    let last_modified = crate::http::http_date(updated);
    // If-None-Match decides when present; If-Modified-Since otherwise.
    let fresh = if req.headers().contains_key(header::IF_NONE_MATCH) {
        crate::http::none_match(req, |t| t == tag)
    } else {
        req.headers()
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|since| DateTime::parse_from_rfc2822(since).ok())
            .is_some_and(|since| updated.timestamp() <= since.timestamp())
    };
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, tag))
        .insert_header((header::LAST_MODIFIED, last_modified));
    if fresh {
        return response.finish();
    }
    response.content_type(content_type).body(body)
}

/// Releases as an Atom feed (RFC 4287), newest first.
#[utoipa::path(
    tag = "releases",
    params(FeedQuery),
    responses((status = 200, description = "An Atom feed of the newest 50 releases", content_type = "application/atom+xml", body = String, headers(("ETag" = String), ("Last-Modified" = String))), ListErrors)
)]
#[get("/releases.atom")]
pub async fn atom(
    req: HttpRequest,
    pool: ReadPool,
    QueryParams(filter): QueryParams<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    use atom_syndication::{Content, Entry, Link, Person, Text};
    let feed = load(&req, pool, filter, "atom").await?;
    let link = |href: &str, rel: &str, mime: Option<&str>| Link {
        href: href.to_string(),
        rel: rel.to_string(),
        mime_type: mime.map(str::to_string),
        ..Default::default()
    };
    let entries: Vec<Entry> = feed
        .releases
        .iter()
        .map(|r| {
            let mut entry = Entry::default();
            entry.set_id(format!("urn:uuid:{}", r.id));
            entry.set_title(Text::plain(r.title.clone()));
            entry.set_updated(r.updated_at.fixed_offset());
            entry.set_published(Some(published(r).fixed_offset()));
            let mut links = vec![link(&page_of(&feed, r), "alternate", Some("text/html"))];
            if let Some(url) = &r.url {
                links.push(link(url, "related", None));
            }
            entry.set_links(links);
            if let Some(office) = &r.office {
                entry.set_authors(vec![Person {
                    name: office.name.clone(),
                    uri: Some(format!("{}/offices/{}", feed.base, office.slug)),
                    ..Default::default()
                }]);
            }
            if let Some(summary) = r.summary.clone().or_else(|| r.dateline.clone()) {
                entry.set_summary(Some(Text::plain(summary)));
            }
            if let Some(body) = content(r) {
                entry.set_content(Some(Content {
                    value: Some(body),
                    content_type: Some("text".into()),
                    lang: r.language.clone(),
                    ..Default::default()
                }));
            }
            entry
        })
        .collect();
    let mut atom = atom_syndication::Feed::default();
    atom.set_id(feed.self_url.clone());
    atom.set_title(Text::plain(feed.title.clone()));
    atom.set_updated(feed.updated.fixed_offset());
    atom.set_authors(vec![Person {
        name: feed.title.split(':').next().unwrap_or_default().to_string(),
        ..Default::default()
    }]);
    atom.set_links(vec![
        link(&feed.self_url, "self", Some("application/atom+xml")),
        link(&feed.page_url, "alternate", Some("application/json")),
    ]);
    atom.set_entries(entries);
    Ok(answer(
        &req,
        "application/atom+xml; charset=utf-8",
        atom.to_string(),
        feed.updated,
    ))
}

/// A JSON Feed 1.1 item.
#[derive(Serialize)]
struct Item {
    id: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_url: Option<String>,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    content_text: String,
    date_published: DateTime<Utc>,
    date_modified: DateTime<Utc>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<String>,
}

/// Releases as a JSON Feed 1.1, newest first.
#[utoipa::path(
    tag = "releases",
    params(FeedQuery),
    responses((status = 200, description = "A JSON Feed 1.1 of the newest 50 releases", content_type = "application/feed+json", body = Object, headers(("ETag" = String), ("Last-Modified" = String))), ListErrors)
)]
#[get("/releases.json")]
pub async fn json_feed(
    req: HttpRequest,
    pool: ReadPool,
    QueryParams(filter): QueryParams<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let feed = load(&req, pool, filter, "json").await?;
    let items: Vec<Item> = feed
        .releases
        .iter()
        .map(|r| Item {
            id: r.id.clone(),
            url: page_of(&feed, r),
            external_url: r.url.clone(),
            title: r.title.clone(),
            summary: r.summary.clone().or_else(|| r.dateline.clone()),
            content_text: content(r).unwrap_or_else(|| r.title.clone()),
            date_published: published(r),
            date_modified: r.updated_at,
            authors: r
                .office
                .iter()
                .map(
                    |o| json!({"name": o.name, "url": format!("{}/offices/{}", feed.base, o.slug)}),
                )
                .collect(),
            language: r.language.clone(),
        })
        .collect();
    let body = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": format!("{}/", feed.base),
        "feed_url": feed.self_url,
        "items": items,
    });
    Ok(answer(
        &req,
        "application/feed+json; charset=utf-8",
        serde_json::to_string_pretty(&body).unwrap_or_default(),
        feed.updated,
    ))
}
