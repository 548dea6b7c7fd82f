//! Press releases.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::schema::{appearances, releases};
use crate::offices::model::OfficeSummary;
use crate::people::model::{PersonSummary, Role};
use crate::validate::{self as rules, trim, trim_opt};

/// A `releases` row.
#[derive(
    Debug,
    Clone,
    Queryable,
    Selectable,
    Insertable,
    AsChangeset,
    serde::Serialize,
    serde::Deserialize,
)]
// None is NULL on insert too, so that rows load by COPY on PostgreSQL.
#[diesel(
    table_name = releases,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct Release {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub dateline: Option<String>,
    pub office_id: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub language: Option<String>,
    pub url: Option<String>,
    pub summary: Option<String>,
    pub body: Option<String>,
    #[serde(skip, default)]
    pub search_text: String,
    /// The folded name, for ranking.
    #[serde(skip, default)]
    pub name_key: String,
    /// The row's search key (see `search::fts_rowid`).
    #[serde(skip, default)]
    pub search_rowid: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub archived_at: Option<NaiveDateTime>,
    /// Under embargo until then: seen only with `read:embargoed`.
    #[serde(default)]
    pub publish_at: Option<NaiveDateTime>,
    #[serde(default)]
    pub embargo_note: Option<String>,
    /// When its `release.published` event was written (once).
    #[serde(default)]
    pub published_event_at: Option<NaiveDateTime>,
}

impl Release {
    /// Still under embargo at `at`.
    pub fn embargoed_at(&self, at: NaiveDateTime) -> bool {
        self.publish_at.is_some_and(|p| p > at)
    }
}

/// The editable columns, written whole on every update.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = releases, treat_none_as_null = true)]
pub struct ReleaseChanges {
    pub slug: String,
    pub title: String,
    pub dateline: Option<String>,
    pub office_id: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub language: Option<String>,
    pub url: Option<String>,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub publish_at: Option<NaiveDateTime>,
    pub embargo_note: Option<String>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A new press release.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseInput {
    /// URL name, unique among releases; generated from `title` when absent.
    #[validate(custom(function = "rules::slug"))]
    #[schema(max_length = 80, pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$")]
    pub slug: Option<String>,
    #[validate(length(min = 1, max = 500), custom(function = "rules::single_line"))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    /// The place as printed at the start of the release, e.g. `Washington`.
    #[validate(length(max = 200), custom(function = "rules::single_line"))]
    #[schema(max_length = 200, example = "Washington")]
    pub dateline: Option<String>,
    /// The issuing office (id or slug).
    #[validate(length(max = 80), custom(function = "rules::single_line"))]
    #[schema(max_length = 80)]
    pub office_id: Option<String>,
    /// Publication date, when known.
    pub published_on: Option<NaiveDate>,
    /// BCP 47 language tag.
    #[validate(custom(function = "rules::language_tag"))]
    #[schema(max_length = 35, example = "en")]
    pub language: Option<String>,
    /// Where the release is published; unique when set.
    #[validate(length(max = 2000), custom(function = "rules::http_url"))]
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    #[validate(length(max = 2000), custom(function = "rules::multi_line"))]
    #[schema(max_length = 2000)]
    pub summary: Option<String>,
    #[validate(length(max = 100000), custom(function = "rules::multi_line"))]
    #[schema(max_length = 100000)]
    pub body: Option<String>,
    /// Under embargo until this instant (RFC 3339): before it the release is
    /// seen only with a `read:embargoed` key, and its `release.published`
    /// webhook fires then. Null or past: public now.
    #[serde(default, deserialize_with = "crate::validate::rfc3339")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-12-03T14:00:00Z")]
    pub publish_at: Option<DateTime<Utc>>,
    /// `Embargoed until 3 December, 09:00 Geneva time`.
    #[validate(length(max = 200), custom(function = "rules::single_line"))]
    #[schema(max_length = 200)]
    pub embargo_note: Option<String>,
}

impl ReleaseInput {
    pub fn normalize(&mut self) {
        trim(&mut self.title);
        for field in [
            &mut self.slug,
            &mut self.dateline,
            &mut self.office_id,
            &mut self.language,
            &mut self.summary,
            &mut self.body,
            &mut self.embargo_note,
        ] {
            trim_opt(field);
        }
        crate::validate::normalize_url(&mut self.url);
    }
}

impl From<&Release> for ReleaseInput {
    fn from(r: &Release) -> Self {
        Self {
            slug: Some(r.slug.clone()),
            title: r.title.clone(),
            dateline: r.dateline.clone(),
            office_id: r.office_id.clone(),
            published_on: r.published_on,
            language: r.language.clone(),
            url: r.url.clone(),
            summary: r.summary.clone(),
            body: r.body.clone(),
            publish_at: r.publish_at.map(|t| t.and_utc()),
            embargo_note: r.embargo_note.clone(),
        }
    }
}

/// A partial update: members left out stay as they are, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleasePatch {
    #[schema(nullable = false, max_length = 80)]
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    pub slug: Option<String>,
    #[schema(nullable = false, min_length = 1, max_length = 500)]
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub dateline: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 80)]
    pub office_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub published_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 35)]
    pub language: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub url: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub summary: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 100000)]
    pub body: Option<Option<String>>,
    /// A new embargo end; `null` lifts it (public now).
    #[serde(default, deserialize_with = "crate::validate::rfc3339_patch")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub publish_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub embargo_note: Option<Option<String>>,
}

impl ReleasePatch {
    pub fn apply(self, mut input: ReleaseInput) -> ReleaseInput {
        if let Some(slug) = self.slug {
            input.slug = Some(slug);
        }
        if let Some(title) = self.title {
            input.title = title;
        }
        if let Some(published_on) = self.published_on {
            input.published_on = published_on;
        }
        if let Some(publish_at) = self.publish_at {
            input.publish_at = publish_at;
        }
        for (target, change) in [
            (&mut input.dateline, self.dateline),
            (&mut input.office_id, self.office_id),
            (&mut input.language, self.language),
            (&mut input.url, self.url),
            (&mut input.summary, self.summary),
            (&mut input.body, self.body),
            (&mut input.embargo_note, self.embargo_note),
        ] {
            if let Some(value) = change {
                *target = value;
            }
        }
        input
    }
}

/// A press release, with the people who appear in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReleaseResponse {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub dateline: Option<String>,
    pub office_id: Option<String>,
    pub office: Option<OfficeSummary>,
    /// Null when the release does not say.
    pub published_on: Option<NaiveDate>,
    pub language: Option<String>,
    pub url: Option<String>,
    pub summary: Option<String>,
    pub body: Option<String>,
    /// In order of appearance.
    pub appearances: Vec<AppearanceResponse>,
    /// Still under embargo (only `read:embargoed` keys see it until
    /// `publish_at`).
    pub embargoed: bool,
    pub publish_at: Option<DateTime<Utc>>,
    pub embargo_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped on every change, including changes to its appearances; the ETag.
    pub version: i64,
    pub archived_at: Option<DateTime<Utc>>,
}

impl crate::http::Validated for ReleaseResponse {
    fn version(&self) -> i64 {
        self.version
    }

    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl ReleaseResponse {
    pub fn new(
        r: Release,
        office: Option<OfficeSummary>,
        appearances: Vec<AppearanceResponse>,
    ) -> Self {
        let embargoed = r.embargoed_at(crate::db::now());
        Self {
            embargoed,
            id: r.id,
            slug: r.slug,
            title: r.title,
            dateline: r.dateline,
            office_id: r.office_id,
            office,
            published_on: r.published_on,
            language: r.language,
            url: r.url,
            summary: r.summary,
            body: r.body,
            appearances,
            publish_at: r.publish_at.map(|t| t.and_utc()),
            embargo_note: r.embargo_note,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
            version: r.version,
            archived_at: r.archived_at.map(|t| t.and_utc()),
        }
    }
}

/// The few fields of a release that a person's release list embeds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReleaseSummary {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub dateline: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub url: Option<String>,
}

impl From<&Release> for ReleaseSummary {
    fn from(r: &Release) -> Self {
        Self {
            id: r.id.clone(),
            slug: r.slug.clone(),
            title: r.title.clone(),
            dateline: r.dateline.clone(),
            published_on: r.published_on,
            url: r.url.clone(),
        }
    }
}

crate::page_type!(ReleaseList, ReleaseResponse, "A page of releases.");

/// Filters for listing releases.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReleaseListQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Words that must all appear in the title, dateline, summary or issuing office.
    pub q: Option<String>,
    /// Issuing office (id or slug).
    pub office: Option<String>,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// Releases in which this person (id or slug) appears.
    pub person: Option<String>,
    /// Releases in which someone appears in this role.
    pub role: Option<Role>,
    /// Releases in which someone with this topic appears (`migration`).
    pub topic: Option<String>,
    /// Only releases changed after this instant (RFC 3339, exclusive: pass the `updated_at` of the last change you saw), oldest change first, archived ones included with `include_archived=true`.
    #[serde(default, deserialize_with = "crate::validate::rfc3339")]
    pub updated_since: Option<DateTime<Utc>>,
    /// Include archived releases as tombstones (needs `read:internal`).
    pub include_archived: Option<bool>,
}

// Appearances: a person in a release, in a role. They belong to their
// release as contact points belong to their owner.

/// An `appearances` row.
#[derive(
    Debug,
    Clone,
    Queryable,
    Selectable,
    Insertable,
    AsChangeset,
    serde::Serialize,
    serde::Deserialize,
)]
// None is NULL on insert too, so that rows batch-insert on SQLite (no DEFAULT there).
#[diesel(
    table_name = appearances,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct Appearance {
    pub id: String,
    pub release_id: String,
    pub person_id: String,
    pub role: String,
    pub title_as_printed: Option<String>,
    pub office_as_printed: Option<String>,
    pub quote: Option<String>,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub archived_at: Option<NaiveDateTime>,
    /// Set when ingestion read this appearance from its release's text;
    /// null when it was entered by hand.
    #[serde(default)]
    pub source_release_id: Option<String>,
}

/// Link a person to a release.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppearanceInput {
    /// The person (id or slug).
    #[validate(length(min = 1, max = 80), custom(function = "rules::single_line"))]
    #[schema(min_length = 1, max_length = 80, example = "luca-dalloglio")]
    pub person_id: String,
    pub role: Role,
    /// The person's title as the release prints it.
    #[validate(length(max = 300), custom(function = "rules::single_line"))]
    #[schema(max_length = 300, example = "IOM Chief of Mission in Washington DC")]
    pub title_as_printed: Option<String>,
    /// The office as the release prints it (media contacts).
    #[validate(length(max = 300), custom(function = "rules::single_line"))]
    #[schema(max_length = 300)]
    pub office_as_printed: Option<String>,
    /// What they said (quoted people).
    #[validate(length(max = 10000), custom(function = "rules::multi_line"))]
    #[schema(max_length = 10000)]
    pub quote: Option<String>,
    /// Order within the release; defaults to after the last one.
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub position: Option<i32>,
}

impl AppearanceInput {
    pub fn normalize(&mut self) {
        trim(&mut self.person_id);
        trim_opt(&mut self.title_as_printed);
        trim_opt(&mut self.office_as_printed);
        trim_opt(&mut self.quote);
    }
}

/// A person's appearance in a release.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppearanceResponse {
    pub id: String,
    pub release_id: String,
    pub person_id: String,
    pub person: PersonSummary,
    pub role: Role,
    pub title_as_printed: Option<String>,
    pub office_as_printed: Option<String>,
    pub quote: Option<String>,
    pub position: i32,
    /// The release whose text this appearance was read from (ingestion);
    /// null when it was entered by hand.
    pub source_release_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl crate::http::Validated for AppearanceResponse {
    fn version(&self) -> i64 {
        self.version
    }

    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl AppearanceResponse {
    pub fn new(a: Appearance, person: PersonSummary) -> Self {
        Self {
            role: Role::parse(&a.role),
            id: a.id,
            release_id: a.release_id,
            person_id: a.person_id,
            person,
            title_as_printed: a.title_as_printed,
            office_as_printed: a.office_as_printed,
            quote: a.quote,
            position: a.position,
            source_release_id: a.source_release_id,
            created_at: a.created_at.and_utc(),
            updated_at: a.updated_at.and_utc(),
            version: a.version,
        }
    }
}

crate::page_type!(AppearanceList, AppearanceResponse, "A page of appearances.");

/// A release a person appears in, with the role and title as printed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonAppearance {
    /// The appearance's id.
    pub id: String,
    pub role: Role,
    pub title_as_printed: Option<String>,
    pub office_as_printed: Option<String>,
    pub quote: Option<String>,
    pub release: ReleaseSummary,
}

crate::page_type!(
    PersonAppearanceList,
    PersonAppearance,
    "A page of a person's appearances in releases."
);

/// Paging for appearances.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AppearanceListQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Paging and role filter for a person's releases.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PersonReleasesQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only appearances in this role.
    pub role: Option<Role>,
}

/// Which releases a feed follows (none: all).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Issued by this office (id or slug).
    pub office: Option<String>,
    /// In which this person (id or slug) appears.
    pub person: Option<String>,
    /// In which someone with this topic appears.
    pub topic: Option<String>,
    /// In this language (BCP 47).
    pub language: Option<String>,
}

impl FeedQuery {
    /// The same filter as a list of releases.
    pub fn as_list_query(&self) -> ReleaseListQuery {
        ReleaseListQuery {
            office: self.office.clone(),
            person: self.person.clone(),
            topic: self.topic.clone(),
            language: self.language.clone(),
            ..Default::default()
        }
    }

    /// `?office=…&…`, the same filter for another address ("" when none).
    pub fn query_string(&self) -> String {
        let pairs: Vec<(&str, &String)> = [
            ("office", &self.office),
            ("person", &self.person),
            ("topic", &self.topic),
            ("language", &self.language),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
        .collect();
        if pairs.is_empty() {
            return String::new();
        }
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("?{query}")
    }

    /// What the feed is of, for its title.
    pub fn describe(&self) -> String {
        [
            self.office.as_ref().map(|v| format!("office {v}")),
            self.person.as_ref().map(|v| format!("with {v}")),
            self.topic.as_ref().map(|v| format!("on {v}")),
            self.language.as_ref().map(|v| format!("in {v}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// `Link` header values naming the two feeds of this filter (relative:
/// they are on this server).
impl FeedQuery {
    pub fn alternate_links(&self) -> String {
        let query = self.query_string();
        format!(
            "</api/v1/feeds/releases.atom{query}>; rel=\"alternate\"; type=\"application/atom+xml\", </api/v1/feeds/releases.json{query}>; rel=\"alternate\"; type=\"application/feed+json\""
        )
    }
}
