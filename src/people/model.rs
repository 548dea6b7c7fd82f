//! People: spokespeople and media contacts.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::contact_points::model::ContactPointResponse;
use crate::db::schema::people;
use crate::offices::model::OfficeSummary;
use crate::reach::Hours;
use crate::validate::{self as rules, trim, trim_opt, trim_tags};

/// A `people` row. `languages` and `topics` are JSON arrays of strings.
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
    table_name = people,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct Person {
    pub id: String,
    pub slug: String,
    pub full_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub job_title: Option<String>,
    pub office_id: Option<String>,
    /// Stored as JSON text; exported as an array (format 2), read from
    /// either (format 1 wrote the text).
    #[serde(with = "json_text_list")]
    pub languages: String,
    #[serde(with = "json_text_list")]
    pub topics: String,
    pub bio: Option<String>,
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
    /// When a release last printed this person (quoted or as a contact).
    #[serde(default)]
    pub last_seen_in_release_at: Option<NaiveDateTime>,
    #[serde(default)]
    pub pronouns: Option<String>,
    /// Stored as JSON text; exported as an array of `{service, url}`.
    #[serde(with = "json_text_profiles", default = "empty_list")]
    pub social_profiles: String,
    /// Stored as JSON text; exported as the object (`reach::Hours`).
    #[serde(with = "crate::reach::json_text", default)]
    pub hours: Option<String>,
    /// The photo's digest, written only by `people::photo` (never by an
    /// update of the person, hence `skip_update`); exported with the photo.
    #[serde(skip, default)]
    #[diesel(skip_update)]
    pub photo_etag: Option<String>,
}

/// A list kept in a text column as JSON (`["en","es"]`), written out as a
/// real array and read back from an array or, as export format 1 had it,
/// from the JSON text.
mod json_text_list {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
        let list: Vec<String> = serde_json::from_str(text).unwrap_or_default();
        serializer.collect_seq(list)
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrText {
        List(Vec<String>),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        use serde::de::Error;
        let list = match ListOrText::deserialize(deserializer)? {
            ListOrText::List(list) => list,
            ListOrText::Text(text) => serde_json::from_str::<Vec<String>>(&text)
                .map_err(|_| D::Error::custom("must be an array of strings"))?,
        };
        serde_json::to_string(&list).map_err(D::Error::custom)
    }
}

fn empty_list() -> String {
    "[]".to_string()
}

/// Social profiles kept in a text column as JSON, written out as an array.
mod json_text_profiles {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::people::model::SocialProfile;

    pub fn serialize<S: Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
        let list: Vec<SocialProfile> = serde_json::from_str(text).unwrap_or_default();
        serializer.collect_seq(list)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        use serde::de::Error;
        let list = Vec::<SocialProfile>::deserialize(deserializer)?;
        serde_json::to_string(&list).map_err(D::Error::custom)
    }
}

/// A photo's address, versioned by its digest (see `people::photo`).
pub fn photo_url(person_id: &str, etag: &str) -> String {
    format!("/api/v1/people/{person_id}/photo?v={etag}")
}

/// A profile elsewhere: the service's name and the profile's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SocialProfile {
    /// `Mastodon`, `Bluesky`, `LinkedIn`, `X`…
    #[schema(min_length = 1, max_length = 40, example = "Mastodon")]
    pub service: String,
    #[schema(max_length = 2000, example = "https://mastodon.social/@iom")]
    pub url: String,
}

/// The most profiles a person lists.
pub const MAX_SOCIAL_PROFILES: usize = 10;

/// Each profile: a one-line service name of 1 to 40 characters and an
/// absolute http(s) URL of at most 2,000.
fn social_profiles_rule(profiles: &[SocialProfile]) -> Result<(), validator::ValidationError> {
    let fail = |code, message: String| Err(rules::error(code, message));
    if profiles.len() > MAX_SOCIAL_PROFILES {
        return fail("length", format!("at most {MAX_SOCIAL_PROFILES} profiles"));
    }
    for (i, p) in profiles.iter().enumerate() {
        let service_len = p.service.chars().count();
        if service_len == 0 || service_len > 40 || rules::single_line(&p.service).is_err() {
            return fail(
                "service",
                format!("profile {i}: service must be one line of 1 to 40 characters"),
            );
        }
        if p.url.chars().count() > 2000 || rules::http_url(&p.url).is_err() {
            return fail(
                "url",
                format!(
                    "profile {i}: url must be an absolute http or https URL of at most 2000 characters"
                ),
            );
        }
    }
    Ok(())
}

impl Person {
    pub fn hours_value(&self) -> Option<Hours> {
        self.hours
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
    }

    pub fn social_profile_list(&self) -> Vec<SocialProfile> {
        serde_json::from_str(&self.social_profiles).unwrap_or_default()
    }

    pub fn language_list(&self) -> Vec<String> {
        serde_json::from_str(&self.languages).unwrap_or_default()
    }

    pub fn topic_list(&self) -> Vec<String> {
        serde_json::from_str(&self.topics).unwrap_or_default()
    }
}

/// The editable columns, written whole on every update.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = people, treat_none_as_null = true)]
pub struct PersonChanges {
    pub slug: String,
    pub full_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub job_title: Option<String>,
    pub office_id: Option<String>,
    pub languages: String,
    pub topics: String,
    pub bio: Option<String>,
    pub pronouns: Option<String>,
    pub social_profiles: String,
    pub hours: Option<String>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A new person.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// URL name, unique among people; generated from `full_name` when absent.
    #[validate(custom(function = "rules::slug"))]
    #[schema(
        max_length = 80,
        pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$",
        example = "jorge-gallo"
    )]
    pub slug: Option<String>,
    #[validate(length(min = 1, max = 200), custom(function = "rules::single_line"))]
    #[schema(min_length = 1, max_length = 200, example = "Jorge Gallo")]
    pub full_name: String,
    /// For the vCard `N` property.
    #[validate(length(max = 100), custom(function = "rules::single_line"))]
    #[schema(max_length = 100)]
    pub given_name: Option<String>,
    /// For the vCard `N` property.
    #[validate(length(max = 100), custom(function = "rules::single_line"))]
    #[schema(max_length = 100)]
    pub family_name: Option<String>,
    #[validate(length(max = 300), custom(function = "rules::single_line"))]
    #[schema(max_length = 300)]
    pub job_title: Option<String>,
    /// The person's office (id or slug).
    #[validate(length(max = 80), custom(function = "rules::single_line"))]
    #[schema(max_length = 80)]
    pub office_id: Option<String>,
    /// BCP 47 language tags.
    #[serde(default)]
    #[validate(custom(function = "rules::language_tags"))]
    #[schema(max_items = 50, example = json!(["en", "es"]))]
    pub languages: Vec<String>,
    /// Free-text tags, e.g. `migration`, `Central America`.
    #[serde(default)]
    #[validate(custom(function = "rules::tags"))]
    #[schema(max_items = 50)]
    pub topics: Vec<String>,
    #[validate(length(max = 5000), custom(function = "rules::multi_line"))]
    #[schema(max_length = 5000)]
    pub bio: Option<String>,
    /// As the person gives them: `she/her`, `él`, `they/them`.
    #[validate(length(max = 40), custom(function = "rules::single_line"))]
    #[schema(max_length = 40, example = "she/her")]
    pub pronouns: Option<String>,
    #[serde(default, deserialize_with = "crate::validate::objects")]
    #[validate(custom(function = "social_profiles_rule"))]
    #[schema(max_items = 10)]
    pub social_profiles: Vec<SocialProfile>,
    /// When they can be reached, in their office's time zone.
    #[serde(default, deserialize_with = "crate::validate::object_or_null")]
    #[validate(custom(function = "crate::reach::validate_hours"))]
    pub hours: Option<Hours>,
}

impl PersonInput {
    pub fn normalize(&mut self) {
        trim(&mut self.full_name);
        for field in [
            &mut self.slug,
            &mut self.given_name,
            &mut self.family_name,
            &mut self.job_title,
            &mut self.office_id,
            &mut self.bio,
            &mut self.pronouns,
        ] {
            trim_opt(field);
        }
        for profile in &mut self.social_profiles {
            trim(&mut profile.service);
            trim(&mut profile.url);
        }
        trim_tags(&mut self.languages);
        trim_tags(&mut self.topics);
    }
}

impl From<&Person> for PersonInput {
    fn from(p: &Person) -> Self {
        Self {
            slug: Some(p.slug.clone()),
            full_name: p.full_name.clone(),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            job_title: p.job_title.clone(),
            office_id: p.office_id.clone(),
            languages: p.language_list(),
            topics: p.topic_list(),
            bio: p.bio.clone(),
            pronouns: p.pronouns.clone(),
            social_profiles: p.social_profile_list(),
            hours: p.hours_value(),
        }
    }
}

/// A partial update: members left out stay as they are, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    #[schema(nullable = false, max_length = 80)]
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    pub slug: Option<String>,
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub given_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub family_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 300)]
    pub job_title: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 80)]
    pub office_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    #[schema(nullable = false)]
    pub languages: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::validate::not_null")]
    #[schema(nullable = false)]
    pub topics: Option<Vec<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub bio: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::double_option")]
    #[schema(value_type = Option<String>, max_length = 40)]
    pub pronouns: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::validate::objects_not_null")]
    #[schema(nullable = false, max_items = 10)]
    pub social_profiles: Option<Vec<SocialProfile>>,
    /// Replaces the hours whole; `null` removes them.
    #[serde(default, deserialize_with = "crate::validate::object_patch")]
    #[schema(value_type = Option<Hours>)]
    pub hours: Option<Option<Hours>>,
}

impl PersonPatch {
    pub fn apply(self, mut input: PersonInput) -> PersonInput {
        if let Some(slug) = self.slug {
            input.slug = Some(slug);
        }
        if let Some(full_name) = self.full_name {
            input.full_name = full_name;
        }
        for (target, change) in [
            (&mut input.given_name, self.given_name),
            (&mut input.family_name, self.family_name),
            (&mut input.job_title, self.job_title),
            (&mut input.office_id, self.office_id),
            (&mut input.bio, self.bio),
            (&mut input.pronouns, self.pronouns),
        ] {
            if let Some(value) = change {
                *target = value;
            }
        }
        if let Some(languages) = self.languages {
            input.languages = languages;
        }
        if let Some(topics) = self.topics {
            input.topics = topics;
        }
        if let Some(profiles) = self.social_profiles {
            input.social_profiles = profiles;
        }
        if let Some(hours) = self.hours {
            input.hours = hours;
        }
        input
    }
}

/// A person, with their office and the contact points the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonResponse {
    pub id: String,
    pub slug: String,
    pub full_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub job_title: Option<String>,
    pub office_id: Option<String>,
    pub office: Option<OfficeSummary>,
    pub languages: Vec<String>,
    pub topics: Vec<String>,
    pub bio: Option<String>,
    pub pronouns: Option<String>,
    pub social_profiles: Vec<SocialProfile>,
    /// When they can be reached, in their office's time zone.
    pub hours: Option<Hours>,
    /// Whether their hours say they can be reached at the moment of the
    /// answer; null when unknown (no hours, or an office with no time zone).
    pub available_now: Option<bool>,
    /// When not available now: the next time their hours begin (within a
    /// year), daylight-saving changes included.
    pub next_available_at: Option<DateTime<Utc>>,
    /// Primary first.
    pub contact_points: Vec<ContactPointResponse>,
    /// Shown when the person has no phone of their own: their office's
    /// public press line (its primary public phone), to call instead.
    pub office_press_line: Option<ContactPointResponse>,
    /// Their office's duty line (a press line that is always answered),
    /// when it has one: whom to call when they cannot be reached.
    pub office_duty_line: Option<ContactPointResponse>,
    /// Their photo (a 400 px square JPEG), when they have one; the address
    /// changes with the photo.
    pub photo_url: Option<String>,
    /// When a release last printed this person, quoted or as a media
    /// contact (the release's date, or the time it was ingested when it has
    /// none); null when no ingested release names them.
    pub last_seen_in_release_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped on every change, including changes to its contact points; the ETag.
    pub version: i64,
    pub archived_at: Option<DateTime<Utc>>,
}

impl crate::http::Validated for PersonResponse {
    fn version(&self) -> i64 {
        self.version
    }

    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    fn availability(&self) -> Option<(bool, Option<DateTime<Utc>>)> {
        self.available_now.map(|now| (now, self.next_available_at))
    }
}

impl PersonResponse {
    pub fn new(
        p: Person,
        office: Option<OfficeSummary>,
        contact_points: Vec<ContactPointResponse>,
    ) -> Self {
        let hours = p.hours_value();
        // Without hours of their own, a person is reached in their office's.
        let reach = crate::reach::reach_in(
            hours
                .as_ref()
                .or(office.as_ref().and_then(|o| o.hours.as_ref())),
            office.as_ref().and_then(|o| o.timezone.as_deref()),
            Utc::now(),
        );
        Self {
            languages: p.language_list(),
            topics: p.topic_list(),
            social_profiles: p.social_profile_list(),
            pronouns: p.pronouns.clone(),
            hours: hours.clone(),
            available_now: reach.available_now,
            next_available_at: reach.next_available_at,
            id: p.id,
            slug: p.slug,
            full_name: p.full_name,
            given_name: p.given_name,
            family_name: p.family_name,
            job_title: p.job_title,
            office_id: p.office_id,
            office,
            bio: p.bio,
            contact_points,
            office_press_line: None,
            office_duty_line: None,
            photo_url: None,
            last_seen_in_release_at: p.last_seen_in_release_at.map(|t| t.and_utc()),
            created_at: p.created_at.and_utc(),
            updated_at: p.updated_at.and_utc(),
            version: p.version,
            archived_at: p.archived_at.map(|t| t.and_utc()),
        }
    }
}

/// The few fields of a person that releases embed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonSummary {
    pub id: String,
    pub slug: String,
    pub full_name: String,
    pub job_title: Option<String>,
}

impl From<&Person> for PersonSummary {
    fn from(p: &Person) -> Self {
        Self {
            id: p.id.clone(),
            slug: p.slug.clone(),
            full_name: p.full_name.clone(),
            job_title: p.job_title.clone(),
        }
    }
}

crate::page_type!(PersonList, PersonResponse, "A page of people.");

/// Who appears in releases in which role.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Quoted,
    MediaContact,
    Mentioned,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Quoted => "quoted",
            Self::MediaContact => "media_contact",
            Self::Mentioned => "mentioned",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "quoted" => Self::Quoted,
            "media_contact" => Self::MediaContact,
            _ => Self::Mentioned,
        }
    }
}

/// Filters for listing people.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PersonListQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Words that must all appear in the person's name, title, office, topics,
    /// languages or public contact values (case-, accent- and punctuation-insensitive).
    pub q: Option<String>,
    /// Office id or slug.
    pub office: Option<String>,
    /// The office's ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// The office's region, matched case-insensitively.
    pub region: Option<String>,
    /// A BCP 47 tag the person speaks.
    pub language: Option<String>,
    /// A topic tag, matched case-insensitively.
    pub topic: Option<String>,
    /// People who appear in some release in this role.
    pub role: Option<Role>,
    /// Only people changed after this instant (RFC 3339, exclusive: pass the `updated_at` of the last change you saw), oldest change first, archived ones included with `include_archived=true`.
    #[serde(default, deserialize_with = "crate::validate::rfc3339")]
    pub updated_since: Option<DateTime<Utc>>,
    /// People no ingested release has printed since this date (`YYYY-MM-DD`,
    /// UTC), never-printed people included: the contacts a press office
    /// should check are still current.
    #[serde(default, deserialize_with = "crate::validate::iso_date")]
    #[param(value_type = Option<String>, format = Date, example = "2026-01-01")]
    pub not_seen_since: Option<chrono::NaiveDate>,
    /// `true`: only people on duty now for their office's rota; `false`:
    /// only people who are not.
    pub on_duty: Option<bool>,
    /// Include archived people as tombstones (needs `read:internal`).
    pub include_archived: Option<bool>,
    /// `json` (default), `vcard` (one .vcf with a card per person) or `csv`;
    /// `Accept: text/vcard` or `text/csv` does the same.
    #[param(inline)]
    pub format: Option<crate::formats::Format>,
}
