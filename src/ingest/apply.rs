//! Matching an extraction against the directory and writing it, in one
//! transaction. A dry run does the same work and rolls it back.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::extract::{ExtractedContact, Extraction, extract};
use crate::audit::Actor;
use crate::contact_points::db::Owner;
use crate::contact_points::db::{SeenIn, Unreadable};
use crate::contact_points::model::{ContactKind, ContactPoint, ContactPointInput, canonical_value};
use crate::db::schema::{contact_points, offices, people, releases};
use crate::db::{DbConn, write_transaction};
use crate::error::ApiError;
use crate::offices::model::{Office, OfficeInput, OfficeKind};
use crate::paging::Precondition;
use crate::people::model::{Person, PersonInput, PersonPatch, Role};
use crate::releases::model::AppearanceInput;
use crate::releases::model::{ReleaseInput, ReleaseResponse};
use crate::text::fold;
use crate::validate::{self as rules};

/// The longest release text ingested, in characters (`text`, or a bare
/// `text/plain` body): any valid request then fits the body limit.
pub const MAX_TEXT_CHARS: usize = 100_000;

/// A release as published, and what the text does not say.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestInput {
    /// The release's text as published; site navigation around it is fine.
    #[validate(length(min = 1, max = 100000), custom(function = "rules::multi_line"))]
    #[schema(min_length = 1, max_length = 100000)]
    pub text: String,
    /// Overrides the title found in the text.
    #[validate(length(min = 1, max = 500), custom(function = "rules::single_line"))]
    #[schema(max_length = 500)]
    pub title: Option<String>,
    /// Where the release is published; a release with this url is not ingested twice.
    #[validate(length(max = 2000), custom(function = "rules::http_url"))]
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    pub published_on: Option<NaiveDate>,
    /// BCP 47 tag of the release's language.
    #[validate(custom(function = "rules::language_tag"))]
    #[schema(max_length = 35, example = "en")]
    pub language: Option<String>,
    /// Under embargo until this instant, as for a release created directly:
    /// the release, its quotes and its appearances stay hidden from the
    /// public until then. The people and numbers read from it are directory
    /// entries and are listed at once.
    #[serde(default, deserialize_with = "crate::validate::rfc3339")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-12-03T14:00:00Z")]
    pub publish_at: Option<DateTime<Utc>>,
    /// `Embargoed until 3 December, 09:00 Geneva time`.
    #[validate(length(max = 200), custom(function = "rules::single_line"))]
    #[schema(max_length = 200)]
    pub embargo_note: Option<String>,
}

/// What ingestion did to one record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IngestAction {
    /// `created`, `matched` or `updated` (a dry run says what it would do).
    pub action: String,
    /// `office`, `person`, `contact_point`, `release` or `appearance`.
    pub entity: String,
    pub id: String,
    /// A name, number or title, for people.
    pub label: String,
}

/// The outcome of an ingestion.
#[derive(Debug, Serialize, ToSchema)]
pub struct IngestResponse {
    /// Nothing was written.
    pub dry_run: bool,
    /// False when this release (same url, or same text) was ingested before:
    /// then nothing changed and `release` is the existing one.
    pub created: bool,
    pub release: ReleaseResponse,
    pub extraction: Extraction,
    pub actions: Vec<IngestAction>,
    /// Extraction warnings, and numbers kept as printed because they could not be read.
    pub warnings: Vec<String>,
    /// What the release prints differently from the directory, left as stored
    /// for a person to decide: another title, another office, a number
    /// printed another way.
    pub noticed: Vec<Noticed>,
}

/// A difference between the release and the directory that ingestion did
/// not write over.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Noticed {
    /// `person` or `contact_point`.
    pub entity: String,
    pub id: String,
    /// `job_title`, `office` or `display`.
    pub field: String,
    /// As stored (for `office`, the office's name).
    pub stored: Option<String>,
    /// As the release prints it.
    pub printed: String,
    /// One sentence for a person reading the answer.
    pub note: String,
}

/// Identical texts, once folded (case, accents, punctuation and spacing aside).
fn source_hash(text: &str) -> String {
    crate::text::sha256_hex(fold(text).as_bytes())
}

/// A printed number without its spacing and punctuation, for comparing printings.
fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric() || *c == '+')
        .collect()
}

/// Office names as compared: possessives dropped, folded.
fn office_key(text: &str) -> String {
    fold(&text.replace("’s ", " ").replace("'s ", " "))
}

const STOP_WORDS: &[&str] = &[
    "iom", "the", "and", "for", "of", "in", "on", "to", "at", "de", "office",
];

fn content_words(text: &str) -> HashSet<String> {
    fold(text)
        .split(' ')
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(w))
        .map(str::to_string)
        .collect()
}

/// The office a printed office name means: same name, or same city.
fn office_by_name<'a>(offices: &'a [Office], printed: &str) -> Option<&'a Office> {
    let key = office_key(printed);
    offices
        .iter()
        .find(|o| office_key(&o.name) == key)
        .or_else(|| {
            offices.iter().find(|o| {
                o.city.as_deref().is_some_and(|city| {
                    let city = fold(city);
                    key == city || key.ends_with(&format!(" {city}"))
                })
            })
        })
}

/// The office a quoted person's title points at: most of the office's own
/// words (name, city, region) appear in the title. None when unclear.
fn office_by_title<'a>(offices: &'a [Office], title: &str) -> Option<&'a Office> {
    let title_words = content_words(title);
    offices
        .iter()
        .filter_map(|o| {
            let text = format!(
                "{} {} {}",
                o.name,
                o.city.as_deref().unwrap_or(""),
                o.region.as_deref().unwrap_or("")
            );
            let words = content_words(&text);
            let score = words.intersection(&title_words).count() as f64 / words.len().max(1) as f64;
            (score >= 0.5).then_some((score, o))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| o)
}

/// `Ana María de la Cruz` → (`Ana María`, `de la Cruz`); otherwise the last word is the family name.
fn split_name(full: &str) -> (Option<String>, Option<String>) {
    const PARTICLES: &[&str] = &[
        "de", "del", "della", "di", "da", "das", "dos", "du", "van", "von", "der", "den", "le",
        "la", "al", "el", "bin", "ibn",
    ];
    let words: Vec<&str> = full.split_whitespace().collect();
    let family_start = words
        .iter()
        .position(|w| PARTICLES.contains(w))
        .filter(|&i| i > 0)
        .unwrap_or(words.len().saturating_sub(1));
    if family_start == 0 {
        return (None, Some(full.to_string()));
    }
    (
        Some(words[..family_start].join(" ")),
        Some(words[family_start..].join(" ")),
    )
}

/// The countries a contact's numbers may be read with, besides what the
/// release's text gives (which extraction has tried already).
struct Regions {
    /// The country of the office the contact signs for.
    office: Option<String>,
    /// The country of the release's office.
    release: Option<String>,
}

struct Run<'a> {
    conn: &'a mut DbConn,
    actor: &'a Actor,
    offices: Vec<Office>,
    actions: Vec<IngestAction>,
    warnings: Vec<String>,
    noticed: Vec<Noticed>,
    /// The release being ingested, and the moment it vouches for.
    release_id: String,
    seen_at: NaiveDateTime,
}

impl Run<'_> {
    fn notice(
        &mut self,
        entity: &str,
        id: &str,
        field: &str,
        stored: Option<String>,
        printed: &str,
        note: String,
    ) {
        self.noticed.push(Noticed {
            entity: entity.into(),
            id: id.into(),
            field: field.into(),
            stored,
            printed: printed.into(),
            note,
        });
    }

    fn note(&mut self, action: &str, entity: &str, id: &str, label: &str) {
        self.actions.push(IngestAction {
            action: action.into(),
            entity: entity.into(),
            id: id.into(),
            label: label.into(),
        });
    }

    /// The office a media contact's "at …" names, created when unknown.
    fn office_for_contact(&mut self, printed: &str) -> Result<Office, ApiError> {
        if let Some(office) = office_by_name(&self.offices, printed).cloned() {
            self.note("matched", "office", &office.id, &office.name);
            return Ok(office);
        }
        let name = printed.replace("’s ", " ").replace("'s ", " ");
        let input = OfficeInput {
            slug: None,
            name: name.trim().to_string(),
            kind: OfficeKind::Other,
            parent_id: None,
            city: None,
            country_code: None,
            region: None,
            timezone: None,
            address: None,
            website: None,
            hours: None,
            duty_contact_point_id: None,
        };
        let office = crate::offices::db::insert_in_transaction(self.conn, self.actor, input)?;
        self.note("created", "office", &office.id, &office.name);
        self.offices.push(office.clone());
        Ok(office)
    }

    /// A person with this email, or this name at this office; created otherwise.
    fn person(
        &mut self,
        name: &str,
        title: Option<&str>,
        office: Option<&Office>,
        emails: &[String],
    ) -> Result<Person, ApiError> {
        let by_email: Option<String> = if emails.is_empty() {
            None
        } else {
            contact_points::table
                .inner_join(people::table)
                .filter(
                    crate::db::lower(contact_points::value.nullable())
                        .eq_any(emails.iter().map(|e| e.to_lowercase())),
                )
                .filter(contact_points::kind.eq(ContactKind::Email.as_str()))
                .filter(contact_points::archived_at.is_null())
                .filter(people::archived_at.is_null())
                .select(people::id)
                .first(self.conn)
                .optional()?
        };
        let found = match by_email {
            Some(id) => Some(id),
            None => {
                let mut candidates = people::table
                    .filter(people::name_key.eq(fold(name)))
                    .filter(people::archived_at.is_null())
                    .select((people::id, people::office_id))
                    .load::<(String, Option<String>)>(self.conn)?;
                if let Some(office) = office {
                    candidates.retain(|(_, o)| o.as_deref() == Some(office.id.as_str()));
                }
                (candidates.len() == 1).then(|| candidates.remove(0).0)
            }
        };
        if let Some(id) = found {
            crate::people::db::mark_seen_in_release(self.conn, &id, self.seen_at)?;
            let person = crate::people::db::find_person(self.conn, &id, false)?;
            if let (Some(stored), Some(printed)) = (&person.job_title, title)
                && fold(stored) != fold(printed)
                && !fold(printed).contains(&fold(stored))
            {
                self.notice(
                    "person",
                    &person.id,
                    "job_title",
                    Some(stored.clone()),
                    printed,
                    format!(
                        "{} is printed as \"{printed}\"; the directory keeps \"{stored}\".",
                        person.full_name
                    ),
                );
            }
            if let (Some(office), Some(stored)) = (office, &person.office_id)
                && &office.id != stored
            {
                let stored_name = self
                    .offices
                    .iter()
                    .find(|o| &o.id == stored)
                    .map(|o| o.name.clone());
                self.notice(
                    "person",
                    &person.id,
                    "office",
                    stored_name.clone(),
                    &office.name,
                    format!(
                        "{} now signs for {}; the directory keeps {}.",
                        person.full_name,
                        office.name,
                        stored_name.as_deref().unwrap_or("another office")
                    ),
                );
            }
            if let (None, Some(title)) = (&person.job_title, title) {
                // A title as printed fills an empty job title; it never
                // replaces one. Through the people's own update: version,
                // updated_at, search document and audit row.
                let patch = PersonPatch {
                    job_title: Some(Some(title.to_string())),
                    ..PersonPatch::default()
                };
                match crate::people::db::update_person(
                    self.conn,
                    self.actor,
                    &person.id,
                    patch,
                    &Precondition::None,
                ) {
                    Ok(updated) => {
                        self.note("updated", "person", &person.id, &person.full_name);
                        return Ok(updated);
                    }
                    Err(ApiError::Validation(_)) => self.warnings.push(format!(
                        "Left {}'s job title empty: the title as printed, or the record as stored, breaks a rule for people.",
                        person.full_name
                    )),
                    Err(other) => return Err(other),
                }
            }
            self.note("matched", "person", &person.id, &person.full_name);
            return Ok(person);
        }
        let (given_name, family_name) = split_name(name);
        let input = PersonInput {
            slug: None,
            full_name: name.to_string(),
            given_name,
            family_name,
            job_title: title.map(str::to_string),
            office_id: office.map(|o| o.id.clone()),
            languages: vec![],
            topics: vec![],
            bio: None,
            pronouns: None,
            social_profiles: vec![],
            hours: None,
        };
        let person = crate::people::db::insert_in_transaction(self.conn, self.actor, input)?;
        crate::people::db::mark_seen_in_release(self.conn, &person.id, self.seen_at)?;
        self.note("created", "person", &person.id, &person.full_name);
        Ok(person)
    }

    /// Adds a contact's phones and emails the person does not have yet.
    fn contact_points(
        &mut self,
        person: &Person,
        contact: &ExtractedContact,
        regions: &Regions,
    ) -> Result<(), ApiError> {
        let existing: Vec<ContactPoint> = contact_points::table
            .filter(contact_points::person_id.eq(&person.id))
            .filter(contact_points::archived_at.is_null())
            .select(ContactPoint::as_select())
            .load(self.conn)?;
        let mut kinds: HashSet<String> = existing.iter().map(|cp| cp.kind.clone()).collect();
        // Compared case-insensitively: JGallo@iom.int is jgallo@iom.int.
        let mut values: HashSet<String> =
            existing.iter().map(|cp| cp.value.to_lowercase()).collect();
        let items = contact
            .phones
            .iter()
            .map(|p| (p.kind, p.display.clone(), p.label.clone(), p.value.clone()))
            .chain(
                contact
                    .emails
                    .iter()
                    .map(|e| (ContactKind::Email, e.value.clone(), e.label.clone(), None)),
            );
        for (kind, printed, label, read) in items {
            // In order: the contact's office, what the release itself gives
            // (the extraction's reading), the release's office.
            let with = |region: Option<&str>| canonical_value(kind, &printed, region).ok();
            let canonical = regions
                .office
                .as_deref()
                .and_then(|r| with(Some(r)))
                .or(read)
                .or_else(|| with(regions.release.as_deref()));
            let value = canonical.clone().unwrap_or_else(|| printed.clone());
            if !values.insert(value.to_lowercase()) {
                // Printed again: confirmed now; a different printing is noticed.
                if let Some(cp) = existing
                    .iter()
                    .find(|cp| cp.value.eq_ignore_ascii_case(&value))
                {
                    crate::contact_points::db::mark_seen_in_release(self.conn, cp, self.seen_at)?;
                    self.note("matched", "contact_point", &cp.id, &cp.display);
                    if kind != ContactKind::Email && squeeze(&cp.display) != squeeze(&printed) {
                        self.notice(
                            "contact_point",
                            &cp.id,
                            "display",
                            Some(cp.display.clone()),
                            &printed,
                            format!(
                                "{}'s number is printed \"{printed}\"; the directory shows \"{}\".",
                                person.full_name, cp.display
                            ),
                        );
                    }
                }
                continue;
            }
            let is_primary = !kinds.contains(kind.as_str());
            // The value as read here (with the region this release gives),
            // so the write path need not read it again with another one.
            let input = ContactPointInput {
                kind,
                value,
                display: Some(printed.clone()),
                label,
                visibility: None,
                is_primary: Some(is_primary),
            };
            // Through the contact points' own write path: the same length
            // and character rules, the owner's version, the audit row.
            let written = crate::contact_points::db::insert_with(
                self.conn,
                self.actor,
                &Owner::Person(person.id.clone()),
                input,
                Unreadable::KeepAsPrinted,
                Some(SeenIn {
                    release_id: &self.release_id,
                    at: self.seen_at,
                }),
            );
            let cp = match written {
                Ok(cp) => cp,
                // Already recorded for this person (in another form).
                Err(ApiError::Conflict { .. }) => continue,
                Err(ApiError::Validation(_)) => {
                    self.warnings.push(format!(
                        "Left out a {} printed for {}: it breaks the rules for contact values (length or control characters).",
                        kind.as_str(),
                        person.full_name,
                    ));
                    continue;
                }
                Err(other) => return Err(other),
            };
            kinds.insert(kind.as_str().to_string());
            if canonical.is_none() {
                // Not dropped, not invented: kept as printed, with a warning.
                self.warnings.push(format!(
                    "Kept \"{printed}\" for {} as printed: it does not read as a {}.",
                    person.full_name,
                    kind.as_str()
                ));
            }
            self.note("created", "contact_point", &cp.id, &cp.display);
        }
        Ok(())
    }
}

/// Ingests a release in its own transaction; a dry run rolls everything back.
pub fn ingest(
    conn: &mut DbConn,
    actor: &Actor,
    input: IngestInput,
    dry_run: bool,
) -> Result<IngestResponse, ApiError> {
    enum Outcome {
        Failed(ApiError),
        RolledBack(Box<IngestResponse>),
    }
    impl From<diesel::result::Error> for Outcome {
        fn from(e: diesel::result::Error) -> Self {
            Outcome::Failed(e.into())
        }
    }
    let result = write_transaction(conn, |conn| {
        let mut response = ingest_in_transaction(conn, actor, input).map_err(Outcome::Failed)?;
        if dry_run {
            response.dry_run = true;
            return Err(Outcome::RolledBack(Box::new(response)));
        }
        Ok(response)
    });
    match result {
        Ok(response) => Ok(response),
        Err(Outcome::RolledBack(response)) => Ok(*response),
        Err(Outcome::Failed(error)) => Err(error),
    }
}

/// The ingestion itself, for callers that already hold a transaction (the seed).
pub fn ingest_in_transaction(
    conn: &mut DbConn,
    actor: &Actor,
    mut input: IngestInput,
) -> Result<IngestResponse, ApiError> {
    rules::trim_opt(&mut input.title);
    // Urls stored before they were normalised are still recognised.
    let url_as_sent = input.url.as_deref().map(|u| u.trim().to_string());
    rules::normalize_url(&mut input.url);
    rules::trim_opt(&mut input.language);
    if input.text.trim().is_empty() {
        return Err(ApiError::invalid(
            "text",
            "length",
            "text must not be empty",
        ));
    }
    crate::validate::into_result(crate::validate::errors_of(&input))?;
    let extraction = extract(&input.text, input.title.as_deref());
    let hash = source_hash(&input.text);

    // The same release again (same url, or same text) changes nothing.
    let mut existing = releases::table
        .select(releases::id)
        .filter(releases::source_hash.eq(&hash))
        .into_boxed::<crate::db::MultiBackend>();
    for url in input.url.iter().chain(url_as_sent.iter()) {
        existing = existing.or_filter(releases::url.eq(url.clone()));
    }
    if let Some(id) = existing.first::<String>(conn).optional()? {
        let release = crate::releases::db::find_release(conn, &id, true)?;
        let warnings = extraction.warnings.clone();
        return Ok(IngestResponse {
            dry_run: false,
            created: false,
            release: crate::releases::db::embed_one(conn, release)?,
            extraction,
            actions: vec![],
            warnings,
            noticed: vec![],
        });
    }

    // A text without a headline gets its first sentence (extraction warns).
    let Some(title) = extraction.title.clone() else {
        return Err(ApiError::invalid(
            "text",
            "no_sentence",
            "The text has no sentence to take a title from; send one as `title`.",
        ));
    };
    let published_on = input.published_on.or(extraction.dateline_date);
    let offices: Vec<Office> = offices::table
        .filter(offices::archived_at.is_null())
        .select(Office::as_select())
        .load(conn)?;
    let issuing = extraction
        .dateline
        .as_deref()
        .and_then(|d| office_by_name(&offices, d.split([',', '،', '/']).next().unwrap_or(d)))
        .cloned();

    // The release first: what is read from it records where it came from.
    let release = crate::releases::db::insert_in_transaction(
        conn,
        actor,
        ReleaseInput {
            publish_at: input.publish_at,
            embargo_note: input.embargo_note.clone(),
            slug: None,
            title,
            dateline: extraction.dateline.clone(),
            office_id: issuing.as_ref().map(|o| o.id.clone()),
            published_on,
            language: input.language.clone(),
            url: input.url.clone(),
            summary: None,
            body: Some(extraction.body.clone()),
        },
    )?;
    crate::releases::db::record_source(conn, &release.id, &hash)?;
    // A release vouches for its people as of its date; undated, as of now.
    let seen_at = published_on
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_else(crate::db::now);
    let mut run = Run {
        conn,
        actor,
        offices,
        actions: vec![],
        warnings: extraction.warnings.clone(),
        noticed: vec![],
        release_id: release.id.clone(),
        seen_at,
    };
    run.note("created", "release", &release.id, &release.title);

    // Phones without a country code are read, in order, with the country
    // of the contact's office, then the countries the release's text gives
    // (the place the block files them under, the dateline; see
    // `extract::read_numbers`), then the country of the release's office.
    let release_region = issuing.as_ref().and_then(|o| o.country_code.clone());

    let mut appearances: Vec<(Person, AppearanceInput)> = vec![];
    for quote in &extraction.quoted {
        let office = quote
            .title_as_printed
            .as_deref()
            .and_then(|t| office_by_title(&run.offices, t))
            .cloned();
        let person = run.person(
            &quote.name,
            quote.title_as_printed.as_deref(),
            office.as_ref(),
            &[],
        )?;
        let input = AppearanceInput {
            person_id: person.id.clone(),
            role: Role::Quoted,
            title_as_printed: quote.title_as_printed.clone(),
            office_as_printed: None,
            quote: Some(quote.quote.clone()),
            position: None,
        };
        appearances.push((person, input));
    }
    for contact in &extraction.media_contacts {
        let office = match &contact.office_as_printed {
            Some(printed) => Some(run.office_for_contact(printed)?),
            None => None,
        };
        let regions = Regions {
            office: office.as_ref().and_then(|o| o.country_code.clone()),
            release: release_region.clone(),
        };
        let emails: Vec<String> = contact
            .emails
            .iter()
            .filter_map(|e| canonical_value(ContactKind::Email, &e.value, None).ok())
            .collect();
        let person = run.person(
            &contact.name,
            contact.title_as_printed.as_deref(),
            office.as_ref(),
            &emails,
        )?;
        run.contact_points(&person, contact, &regions)?;
        let input = AppearanceInput {
            person_id: person.id.clone(),
            role: Role::MediaContact,
            title_as_printed: contact.title_as_printed.clone(),
            office_as_printed: contact.office_as_printed.clone(),
            quote: None,
            position: None,
        };
        appearances.push((person, input));
    }

    crate::audit::record(
        run.conn,
        run.actor,
        "ingest",
        "release",
        &release.id,
        None,
        Some(&extraction),
    )?;
    let mut linked = HashSet::new();
    for (person, appearance) in appearances {
        if !linked.insert((person.id.clone(), appearance.role.as_str())) {
            continue;
        }
        let created = crate::releases::db::insert_appearance_with(
            run.conn,
            run.actor,
            &release.id,
            appearance,
            true,
        )?;
        run.note("created", "appearance", &created.id, &person.full_name);
    }
    let release = crate::releases::db::find_release(run.conn, &release.id, true)?;
    let release = crate::releases::db::embed_one(run.conn, release)?;
    Ok(IngestResponse {
        dry_run: false,
        created: true,
        release,
        extraction,
        actions: run.actions,
        warnings: run.warnings,
        noticed: run.noticed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_at_particles_or_before_the_last_word() {
        assert_eq!(
            split_name("Luca Dall’Oglio"),
            (Some("Luca".into()), Some("Dall’Oglio".into()))
        );
        assert_eq!(
            split_name("Ana María de la Cruz"),
            (Some("Ana María".into()), Some("de la Cruz".into()))
        );
        assert_eq!(
            split_name("Mary Ann Smith"),
            (Some("Mary Ann".into()), Some("Smith".into()))
        );
    }

    #[test]
    fn the_same_text_hashes_the_same_whatever_the_spacing() {
        assert_eq!(
            source_hash("IOM  welcomes\nthe plan."),
            source_hash("IOM welcomes the plan")
        );
        assert_ne!(
            source_hash("IOM welcomes the plan"),
            source_hash("IOM welcomes the plans")
        );
    }
}
