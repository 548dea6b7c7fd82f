//! Reading an export document back, streamed from a file.
//!
//! Into an empty directory, a document in export order is read once (see
//! `in_one_pass`). Otherwise it is read more than once rather than held in
//! memory: a first pass checks every row on its own and collects the ids
//! the document lists; then, in one transaction, a second pass checks
//! every reference and writes the rows in batches. A problem anywhere stops the writing,
//! the checking goes on so that every problem is reported, and the
//! transaction is rolled back. Memory holds the ids (tens of bytes a row)
//! and the offices (few), never the document.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::Path;

use diesel::prelude::*;
use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{FORMAT, ImportSummary, OLDEST_VERSION, VERSION};
use crate::audit::Actor;
use crate::contact_points::model::{ContactPoint, ContactPointInput};
use crate::db::schema::{contact_points, offices, people, releases};
use crate::db::{DbConn, write_transaction};
use crate::duty::model::DutyAssignment;
use crate::error::{ApiError, FieldError};
use crate::offices::model::{Office, OfficeInput};
use crate::people::model::{Person, PersonInput, Role};
use crate::people::photo::PhotoRow;
use crate::releases::model::{Appearance, AppearanceInput};
use crate::releases::model::{Release, ReleaseInput};
use crate::search::{self};

/// Rows written per statement (well under both backends' limits on bound
/// parameters: about 20 columns a row).
const BATCH: usize = 500;
/// Release bodies (up to 400 KB each) buffered before a write.
const RELEASE_BATCH_BYTES: usize = 4 * 1024 * 1024;
/// Photos per write.
const PHOTO_BATCH: usize = 16;

/// Most rows one array of a document may hold (`maxItems` in the spec).
pub const MAX_ROWS: usize = 1_000_000;

/// The document's arrays, in the order their rows must be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Member {
    Offices,
    People,
    ContactPoints,
    Releases,
    Appearances,
    DutyAssignments,
    PersonPhotos,
}

const MEMBERS: [Member; 7] = [
    Member::Offices,
    Member::People,
    Member::ContactPoints,
    Member::Releases,
    Member::Appearances,
    Member::DutyAssignments,
    Member::PersonPhotos,
];

/// Members a document may leave out: those added after format 2 began.
const OPTIONAL_MEMBERS: [Member; 2] = [Member::DutyAssignments, Member::PersonPhotos];

const FIELDS: &[&str] = &[
    "format",
    "version",
    "offices",
    "people",
    "contact_points",
    "releases",
    "appearances",
    "duty_assignments",
    "person_photos",
];

impl Member {
    fn name(self) -> &'static str {
        match self {
            Member::Offices => "offices",
            Member::People => "people",
            Member::ContactPoints => "contact_points",
            Member::Releases => "releases",
            Member::Appearances => "appearances",
            Member::DutyAssignments => "duty_assignments",
            Member::PersonPhotos => "person_photos",
        }
    }

    fn named(name: &str) -> Option<Self> {
        MEMBERS.into_iter().find(|m| m.name() == name)
    }

    /// The members whose rows this one's rows point at.
    fn depends_on(self) -> &'static [Member] {
        match self {
            Member::Offices => &[],
            Member::People | Member::Releases => &[Member::Offices],
            Member::ContactPoints => &[Member::Offices, Member::People],
            Member::Appearances => &[Member::People, Member::Releases],
            Member::DutyAssignments => &[Member::Offices, Member::People],
            Member::PersonPhotos => &[Member::People],
        }
    }
}

enum Row {
    Office(Office),
    Person(Person),
    ContactPoint(ContactPoint),
    Release(Release),
    Appearance(Appearance),
    DutyAssignment(DutyAssignment),
    PersonPhoto(PhotoRow),
}

impl Row {
    fn member(&self) -> Member {
        match self {
            Row::Office(_) => Member::Offices,
            Row::Person(_) => Member::People,
            Row::ContactPoint(_) => Member::ContactPoints,
            Row::Release(_) => Member::Releases,
            Row::Appearance(_) => Member::Appearances,
            Row::DutyAssignment(_) => Member::DutyAssignments,
            Row::PersonPhoto(_) => Member::PersonPhotos,
        }
    }
}

/// What a pass saw besides the rows.
#[derive(Default)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
    members: Vec<Member>,
}

type Visit<'a> = dyn FnMut(usize, Row) -> Result<(), ApiError> + 'a;
/// Told that a member's array begins (every array before it has ended).
type Begin<'a> = dyn FnMut(Member) -> Result<(), ApiError> + 'a;

/// Reads a whole document, handing each row of the `wanted` members to
/// `visit` (others are skipped unparsed) in document order.
fn read_document(
    source: impl Read,
    wanted: &[Member],
    visit: &mut Visit<'_>,
) -> Result<Header, ApiError> {
    read_document_with(source, wanted, visit, None, true)
}

/// `read_document`, telling `begin` where each array starts; without
/// `track_paths` a syntax error names no path (faster, for a reading that
/// hands any problem over to one that does).
fn read_document_with<'v>(
    source: impl Read,
    wanted: &[Member],
    visit: &mut Visit<'v>,
    begin: Option<&mut Begin<'v>>,
    track_paths: bool,
) -> Result<Header, ApiError> {
    let mut guard = NulGuard::new(source);
    let mut stopped = None;
    let result = {
        // serde_json reads a byte at a time: the buffer goes outside.
        let buffered = std::io::BufReader::with_capacity(256 * 1024, &mut guard);
        let mut json = serde_json::Deserializer::from_reader(buffered);
        let mut track = serde_path_to_error::Track::new();
        let seed = DocumentSeed {
            wanted,
            visit,
            begin,
            stopped: &mut stopped,
        };
        let read = if track_paths {
            seed.deserialize(serde_path_to_error::Deserializer::new(
                &mut json, &mut track,
            ))
        } else {
            seed.deserialize(&mut json)
        };
        read.and_then(|header| json.end().map(|()| header))
            .map_err(|e| serde_path_to_error::Error::new(track.path(), e))
    };
    if let Some(error) = stopped {
        return Err(error);
    }
    if let Some(error) = guard.error {
        return Err(ApiError::bad_request(format!(
            "Could not read the document: {error}"
        )));
    }
    if guard.found_nul {
        // No exported value holds one, and PostgreSQL refuses them in text.
        return Err(ApiError::invalid(
            "document",
            "control_characters",
            "the document contains NUL characters",
        ));
    }
    result.map_err(crate::http::json_problem)
}

/// What the reading thread of [`read_document_alongside`] hands over.
enum Event {
    Begin(Member),
    Rows(Vec<(usize, Row)>),
}

/// Rows handed over at once; a release or photo, which may be large, ends
/// its batch, so that the batches in flight hold at most a few of them.
const HANDOVER_ROWS: usize = 128;

/// `read_document_with` on a thread of its own, alongside `visit` and
/// `begin` on this one: parsing overlaps the writing, in the same order.
/// When `visit` or `begin` refuses, the reading stops at its next batch.
fn read_document_alongside(
    source: impl Read + Send,
    wanted: &[Member],
    visit: &mut Visit<'_>,
    begin: &mut Begin<'_>,
) -> Result<Header, ApiError> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Event>(2);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let stopped = || ApiError::bad_request("the writing stopped");
            let pending = std::cell::RefCell::new(Vec::with_capacity(HANDOVER_ROWS));
            let hand_over = || {
                let rows = std::mem::take(&mut *pending.borrow_mut());
                if rows.is_empty() {
                    return Ok(());
                }
                sender.send(Event::Rows(rows)).map_err(|_| stopped())
            };
            let read = read_document_with(
                source,
                wanted,
                &mut |i, row| {
                    let large = matches!(row, Row::Release(_) | Row::PersonPhoto(_));
                    pending.borrow_mut().push((i, row));
                    if large || pending.borrow().len() >= HANDOVER_ROWS {
                        hand_over()?;
                    }
                    Ok(())
                },
                Some(&mut |member| {
                    hand_over()?;
                    sender.send(Event::Begin(member)).map_err(|_| stopped())
                }),
                false,
            )?;
            hand_over()?;
            Ok(read)
        });
        let mut refused = None;
        for event in &receiver {
            let done = match event {
                Event::Begin(member) => begin(member),
                Event::Rows(rows) => rows.into_iter().try_for_each(|(i, row)| visit(i, row)),
            };
            if let Err(error) = done {
                refused = Some(error);
                break;
            }
        }
        // The reader's next hand-over fails, and it stops.
        drop(receiver);
        let read = reader.join().unwrap_or_else(|_| {
            Err(ApiError::Internal(anyhow::anyhow!(
                "the import reader panicked"
            )))
        });
        match refused {
            Some(error) => Err(error),
            None => read,
        }
    })
}

struct DocumentSeed<'a, 'v> {
    wanted: &'a [Member],
    visit: &'a mut Visit<'v>,
    begin: Option<&'a mut Begin<'v>>,
    /// Why `visit` stopped the reading, if it did.
    stopped: &'a mut Option<ApiError>,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_, '_> {
    type Value = Header;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Header, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_, '_> {
    type Value = Header;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a pressdir export document")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Header, A::Error> {
        let mut header = Header::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => header.format = Some(map.next_value()?),
                "version" => header.version = Some(map.next_value()?),
                name => {
                    let member =
                        Member::named(name).ok_or_else(|| A::Error::unknown_field(name, FIELDS))?;
                    if header.members.contains(&member) {
                        return Err(A::Error::duplicate_field(member.name()));
                    }
                    header.members.push(member);
                    if self.wanted.contains(&member) {
                        if let Some(begin) = self.begin.as_mut()
                            && let Err(error) = begin(member)
                        {
                            *self.stopped = Some(error);
                            return Err(A::Error::custom("import stopped"));
                        }
                        map.next_value_seed(RowsSeed {
                            member,
                            visit: &mut *self.visit,
                            stopped: &mut *self.stopped,
                        })?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        }
        if header.format.is_none() {
            return Err(A::Error::missing_field("format"));
        }
        if header.version.is_none() {
            return Err(A::Error::missing_field("version"));
        }
        if let Some(missing) = MEMBERS
            .iter()
            .find(|m| !header.members.contains(m) && !OPTIONAL_MEMBERS.contains(m))
        {
            return Err(A::Error::missing_field(missing.name()));
        }
        Ok(header)
    }
}

struct RowsSeed<'a, 'v> {
    member: Member,
    visit: &'a mut Visit<'v>,
    stopped: &'a mut Option<ApiError>,
}

impl<'de> DeserializeSeed<'de> for RowsSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of {}", self.member.name())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for i in 0.. {
            let row = match self.member {
                Member::Offices => seq.next_element()?.map(Row::Office),
                Member::People => seq.next_element()?.map(Row::Person),
                Member::ContactPoints => seq.next_element()?.map(Row::ContactPoint),
                Member::Releases => seq.next_element()?.map(Row::Release),
                Member::Appearances => seq.next_element()?.map(Row::Appearance),
                Member::DutyAssignments => seq.next_element()?.map(Row::DutyAssignment),
                Member::PersonPhotos => seq.next_element()?.map(Row::PersonPhoto),
            };
            let Some(row) = row else { break };
            if let Err(error) = (self.visit)(i, row) {
                *self.stopped = Some(error);
                return Err(A::Error::custom("import stopped"));
            }
        }
        Ok(())
    }
}

/// Notices an escaped NUL (`\u0000`) anywhere in what it reads, and keeps
/// the read error that serde_json would otherwise report as bad JSON. The
/// text `\\u0000` (an escaped backslash, then `u0000`) is not a NUL.
struct NulGuard<R> {
    inner: R,
    /// Whether the bytes just read end inside an escape (an odd run of
    /// backslashes): kept across reads, as is `matched`.
    escaping: bool,
    /// How much of `u0000` has followed an escaping backslash.
    matched: u8,
    found_nul: bool,
    error: Option<std::io::Error>,
}

impl<R> NulGuard<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            escaping: false,
            matched: 0,
            found_nul: false,
            error: None,
        }
    }

    fn scan(&mut self, mut bytes: &[u8]) {
        loop {
            // Outside an escape nothing matters until the next backslash:
            // skip to it (the document is mostly plain text).
            if !self.escaping && self.matched == 0 {
                match memchr::memchr(b'\\', bytes) {
                    Some(at) => bytes = &bytes[at..],
                    None => return,
                }
            }
            let Some((&byte, rest)) = bytes.split_first() else {
                return;
            };
            bytes = rest;
            if self.matched > 0 {
                if byte == b'0' {
                    self.matched += 1;
                    if self.matched == 5 {
                        self.found_nul = true;
                        self.matched = 0;
                    }
                    continue;
                }
                self.matched = 0;
            }
            if byte == b'\\' {
                self.escaping = !self.escaping;
                continue;
            }
            if byte == b'u' && self.escaping {
                self.matched = 1;
            }
            self.escaping = false;
        }
    }
}

impl<R: Read> Read for NulGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(error) => {
                let kind = error.kind();
                self.error = Some(error);
                return Err(kind.into());
            }
        };
        self.scan(&buf[..n]);
        Ok(n)
    }
}

/// Every problem up to a limit, then a count: a document wrong on every
/// row must not make a report (and a memory footprint) as big as itself.
#[derive(Default)]
struct Problems {
    listed: Vec<FieldError>,
    more: usize,
}

impl Problems {
    const LIMIT: usize = 1000;

    fn extend(&mut self, errors: impl IntoIterator<Item = FieldError>) {
        for error in errors {
            if self.listed.len() < Self::LIMIT {
                self.listed.push(error);
            } else {
                self.more += 1;
            }
        }
    }

    fn push(&mut self, error: FieldError) {
        self.extend([error]);
    }

    fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    fn into_result(mut self) -> Result<(), ApiError> {
        if self.more > 0 {
            self.listed.push(FieldError::new(
                "document",
                "more_problems",
                format!("and {} more problems not listed", self.more),
            ));
        }
        crate::validate::into_result(self.listed)
    }
}

fn prefixed(prefix: String, errors: Vec<FieldError>) -> impl Iterator<Item = FieldError> {
    errors.into_iter().map(move |mut e| {
        e.field = format!("{prefix}.{}", e.field);
        e
    })
}

/// The first pass: every row on its own, and the ids the document lists.
#[derive(Default)]
struct Listed {
    /// The arrays in document order.
    members: Vec<Member>,
    offices: Vec<Office>,
    office_ids: HashSet<String>,
    person_ids: HashSet<String>,
    contact_point_ids: HashSet<String>,
    release_ids: HashSet<String>,
    appearance_ids: HashSet<String>,
    duty_ids: HashSet<String>,
    /// People with a photo in the document (one each).
    photo_ids: HashSet<String>,
    /// Each slug (and release url) the document gives, with the row's id
    /// and position: two rows may not share one, nor take one the
    /// database gives another row.
    unique: HashMap<(Member, String), (String, usize)>,
    /// Offices the document archives.
    archived_offices: HashSet<String>,
    errors: Problems,
}

/// The value of one of the database's CHECK lists, or a problem naming it.
fn one_of(field: String, value: &str, allowed: &[&str]) -> Option<FieldError> {
    (!allowed.contains(&value)).then(|| {
        FieldError::new(
            field,
            "enum",
            format!("must be one of: {}", allowed.join(", ")),
        )
    })
}

impl Listed {
    fn read(path: &Path) -> Result<Self, ApiError> {
        let mut listed = Listed::default();
        let header = read_document(open(path)?, &MEMBERS, &mut |i, row| {
            listed.check(i, &row);
            Ok(())
        })?;
        listed.members = header.members;
        let readable = header
            .version
            .is_some_and(|v| (OLDEST_VERSION..=VERSION).contains(&v));
        if header.format.as_deref() != Some(FORMAT) || !readable {
            listed.errors.listed.insert(
                0,
                FieldError::new(
                    "format",
                    "unsupported",
                    format!("expected format {FORMAT}, version {OLDEST_VERSION} to {VERSION}"),
                ),
            );
        }
        Ok(listed)
    }

    fn check(&mut self, i: usize, row: &Row) {
        if i >= MAX_ROWS {
            if i == MAX_ROWS {
                self.errors.push(FieldError::new(
                    row.member().name(),
                    "length",
                    format!("at most {MAX_ROWS} rows"),
                ));
            }
            return;
        }
        // The same rules as the API's, plus the columns the API fills
        // itself (kinds, roles), which the database would refuse with a
        // CHECK error instead of a problem naming the member.
        let at = |member: Member| format!("{}[{i}]", member.name());
        let mut enums = vec![];
        let (member, id, errors) = match row {
            Row::Office(o) => {
                let mut input = OfficeInput::from(o);
                input.parent_id = None;
                let errors = crate::validate::errors_of(&input);
                enums.extend(one_of(
                    format!("{}.kind", at(Member::Offices)),
                    &o.kind,
                    &[
                        "headquarters",
                        "regional_office",
                        "country_office",
                        "liaison_office",
                        "other",
                    ],
                ));
                self.claim(Member::Offices, "slug", &o.slug, &o.id, i);
                if o.archived_at.is_some() {
                    self.archived_offices.insert(o.id.clone());
                }
                let id = o.id.clone();
                self.offices.push(o.clone());
                (Member::Offices, id, errors)
            }
            Row::Person(p) => {
                let mut input = PersonInput::from(p);
                input.office_id = None;
                self.claim(Member::People, "slug", &p.slug, &p.id, i);
                (
                    Member::People,
                    p.id.clone(),
                    crate::validate::errors_of(&input),
                )
            }
            Row::ContactPoint(cp) => {
                let errors = crate::validate::errors_of(&ContactPointInput::from(cp));
                let here = at(Member::ContactPoints);
                enums.extend(one_of(
                    format!("{here}.kind"),
                    &cp.kind,
                    &["phone", "mobile", "email", "fax"],
                ));
                enums.extend(one_of(
                    format!("{here}.visibility"),
                    &cp.visibility,
                    &["public", "internal"],
                ));
                (Member::ContactPoints, cp.id.clone(), errors)
            }
            Row::Release(r) => {
                let mut input = ReleaseInput::from(r);
                input.office_id = None;
                self.claim(Member::Releases, "slug", &r.slug, &r.id, i);
                if let Some(url) = &r.url {
                    self.claim(Member::Releases, "url", url, &r.id, i);
                }
                (
                    Member::Releases,
                    r.id.clone(),
                    crate::validate::errors_of(&input),
                )
            }
            Row::Appearance(a) => {
                let here = at(Member::Appearances);
                enums.extend(one_of(
                    format!("{here}.role"),
                    &a.role,
                    &["quoted", "media_contact", "mentioned"],
                ));
                let input = AppearanceInput {
                    person_id: a.person_id.clone(),
                    role: Role::parse(&a.role),
                    title_as_printed: a.title_as_printed.clone(),
                    office_as_printed: a.office_as_printed.clone(),
                    quote: a.quote.clone(),
                    // Any stored order is kept as it is.
                    position: None,
                };
                (
                    Member::Appearances,
                    a.id.clone(),
                    crate::validate::errors_of(&input),
                )
            }
            Row::DutyAssignment(d) => {
                let mut errors = vec![];
                if d.ends_at <= d.starts_at
                    || d.ends_at - d.starts_at
                        > chrono::Duration::days(crate::duty::model::MAX_ASSIGNMENT_DAYS)
                {
                    errors.push(FieldError::new(
                        "ends_at",
                        "range",
                        "ends_at must be after starts_at, at most 31 days later",
                    ));
                }
                if let Some(note) = &d.note
                    && (note.chars().count() > 200 || crate::validate::single_line(note).is_err())
                {
                    errors.push(FieldError::new(
                        "note",
                        "length",
                        "one line of at most 200 characters",
                    ));
                }
                (Member::DutyAssignments, d.id.clone(), errors)
            }
            Row::PersonPhoto(photo) => {
                let errors = crate::people::photo::check_stored(&photo.jpeg)
                    .map(|problem| FieldError::new("jpeg", "image", problem));
                (
                    Member::PersonPhotos,
                    photo.person_id.clone(),
                    errors.into_iter().collect(),
                )
            }
        };
        let at = at(member);
        self.errors.extend(enums);
        self.errors.extend(prefixed(at.clone(), errors));
        let ids = match member {
            Member::Offices => &mut self.office_ids,
            Member::People => &mut self.person_ids,
            Member::ContactPoints => &mut self.contact_point_ids,
            Member::Releases => &mut self.release_ids,
            Member::Appearances => &mut self.appearance_ids,
            Member::DutyAssignments => &mut self.duty_ids,
            Member::PersonPhotos => &mut self.photo_ids,
        };
        // A photo is keyed by its person.
        let key = if member == Member::PersonPhotos {
            "person_id"
        } else {
            "id"
        };
        if !ids.insert(id) {
            self.errors.push(FieldError::new(
                format!("{at}.{key}"),
                "duplicate",
                "the same id twice in the document",
            ));
        }
    }
}

impl Listed {
    /// Records that row `i` of `member` (id `id`) takes a unique `value`.
    fn claim(&mut self, member: Member, column: &str, value: &str, id: &str, i: usize) {
        let key = (member, format!("{column}:{value}"));
        match self.unique.get(&key) {
            Some((other, _)) if other != id => self.errors.push(FieldError::new(
                format!("{}[{i}].{column}", member.name()),
                "conflict",
                format!("another row of the document has this {column}"),
            )),
            _ => {
                self.unique.insert(key, (id.to_string(), i));
            }
        }
    }

    /// Problems with rows already in the database: a slug or url that a row
    /// the document leaves alone already holds.
    fn clashes(
        &mut self,
        member: Member,
        column: &str,
        held: Vec<(String, Option<String>)>,
        listed_ids: &HashSet<String>,
    ) {
        for (id, value) in held {
            let Some(value) = value else { continue };
            if listed_ids.contains(&id) {
                continue;
            }
            if let Some((_, i)) = self.unique.get(&(member, format!("{column}:{value}"))) {
                self.errors.push(FieldError::new(
                    format!("{}[{i}].{column}", member.name()),
                    "conflict",
                    format!(
                        "another {} in the directory already has this {column}",
                        member.name()
                    ),
                ));
            }
        }
    }
}

fn open(path: &Path) -> Result<std::fs::File, ApiError> {
    std::fs::File::open(path).map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))
}

/// Ids that rows may point at: those in the database and those listed.
#[derive(Default)]
struct Known {
    offices: HashSet<String>,
    /// Offices archived once the document is in: nothing live may point at them.
    archived_offices: HashSet<String>,
    people: HashSet<String>,
    releases: HashSet<String>,
}

impl Known {
    fn load(conn: &mut DbConn, listed: &mut Listed) -> QueryResult<Self> {
        let held: Vec<(String, Option<String>)> = offices::table
            .select((offices::id, offices::slug.nullable()))
            .load(conn)?;
        let ids = std::mem::take(&mut listed.office_ids);
        listed.clashes(Member::Offices, "slug", held, &ids);
        listed.office_ids = ids;
        let held: Vec<(String, Option<String>)> = people::table
            .select((people::id, people::slug.nullable()))
            .load(conn)?;
        let ids = std::mem::take(&mut listed.person_ids);
        listed.clashes(Member::People, "slug", held, &ids);
        listed.person_ids = ids;
        let ids = std::mem::take(&mut listed.release_ids);
        let held: Vec<(String, Option<String>)> = releases::table
            .select((releases::id, releases::slug.nullable()))
            .load(conn)?;
        listed.clashes(Member::Releases, "slug", held, &ids);
        let held: Vec<(String, Option<String>)> = releases::table
            .select((releases::id, releases::url))
            .load(conn)?;
        listed.clashes(Member::Releases, "url", held, &ids);
        listed.release_ids = ids;
        let mut archived_offices = std::mem::take(&mut listed.archived_offices);
        let archived_in_db: Vec<String> = offices::table
            .filter(offices::archived_at.is_not_null())
            .select(offices::id)
            .load(conn)?;
        archived_offices.extend(
            archived_in_db
                .into_iter()
                .filter(|id| !listed.office_ids.contains(id)),
        );
        let union = |existing: Vec<String>, listed: &mut HashSet<String>| {
            let mut all = std::mem::take(listed);
            all.extend(existing);
            all
        };
        Ok(Known {
            archived_offices,
            offices: union(
                offices::table.select(offices::id).load(conn)?,
                &mut listed.office_ids,
            ),
            people: union(
                people::table.select(people::id).load(conn)?,
                &mut listed.person_ids,
            ),
            releases: union(
                releases::table.select(releases::id).load(conn)?,
                &mut listed.release_ids,
            ),
        })
    }

    fn check_reference(
        &self,
        ids: &HashSet<String>,
        id: Option<&String>,
        field: String,
        what: &str,
        errors: &mut Vec<FieldError>,
    ) {
        if id.is_some_and(|id| !ids.contains(id)) {
            errors.push(FieldError::new(
                field,
                "not_found",
                format!("no such {what}"),
            ));
        }
    }

    /// A live row may not belong to an archived office.
    fn check_live_office(
        &self,
        live: bool,
        office: Option<&String>,
        field: String,
        errors: &mut Vec<FieldError>,
    ) {
        if live && office.is_some_and(|id| self.archived_offices.contains(id)) {
            errors.push(FieldError::new(
                field,
                "archived",
                "the office is archived; attach to a live office",
            ));
        }
    }

    /// The problems of one row's references.
    fn check(&self, i: usize, row: &Row) -> Vec<FieldError> {
        let mut errors = vec![];
        match row {
            Row::Office(o) => {
                let field = format!("offices[{i}].parent_id");
                self.check_reference(
                    &self.offices,
                    o.parent_id.as_ref(),
                    field.clone(),
                    "office",
                    &mut errors,
                );
                self.check_live_office(
                    o.archived_at.is_none(),
                    o.parent_id.as_ref(),
                    field,
                    &mut errors,
                );
            }
            Row::Person(p) => {
                let field = format!("people[{i}].office_id");
                self.check_reference(
                    &self.offices,
                    p.office_id.as_ref(),
                    field.clone(),
                    "office",
                    &mut errors,
                );
                self.check_live_office(
                    p.archived_at.is_none(),
                    p.office_id.as_ref(),
                    field,
                    &mut errors,
                );
            }
            Row::ContactPoint(cp) => {
                let owner_ok = match (&cp.person_id, &cp.office_id) {
                    (Some(p), None) => self.people.contains(p),
                    (None, Some(o)) => self.offices.contains(o),
                    _ => false,
                };
                if !owner_ok {
                    errors.push(FieldError::new(
                        format!("contact_points[{i}]"),
                        "owner",
                        "exactly one known person_id or office_id",
                    ));
                }
            }
            // A release keeps its archived office: it was issued by it.
            Row::Release(r) => self.check_reference(
                &self.offices,
                r.office_id.as_ref(),
                format!("releases[{i}].office_id"),
                "office",
                &mut errors,
            ),
            Row::Appearance(a) => {
                self.check_reference(
                    &self.releases,
                    Some(&a.release_id),
                    format!("appearances[{i}].release_id"),
                    "release",
                    &mut errors,
                );
                self.check_reference(
                    &self.people,
                    Some(&a.person_id),
                    format!("appearances[{i}].person_id"),
                    "person",
                    &mut errors,
                );
            }
            Row::DutyAssignment(d) => {
                self.check_reference(
                    &self.offices,
                    Some(&d.office_id),
                    format!("duty_assignments[{i}].office_id"),
                    "office",
                    &mut errors,
                );
                self.check_reference(
                    &self.people,
                    Some(&d.person_id),
                    format!("duty_assignments[{i}].person_id"),
                    "person",
                    &mut errors,
                );
            }
            Row::PersonPhoto(photo) => self.check_reference(
                &self.people,
                Some(&photo.person_id),
                format!("person_photos[{i}].person_id"),
                "person",
                &mut errors,
            ),
        }
        errors
    }
}

/// Updates the row with this id, or inserts it.
/// Offices ordered so that each comes after the office that supervises it
/// (when that one is in the document too), and the positions of those
/// that cannot be: offices in a cycle of supervision, or under one.
fn parents_first(all: &[Office]) -> (Vec<(usize, &Office)>, Vec<usize>) {
    let listed: HashSet<&str> = all.iter().map(|o| o.id.as_str()).collect();
    let mut placed: HashSet<&str> = HashSet::new();
    let mut ordered = vec![];
    while ordered.len() < all.len() {
        let before = ordered.len();
        for (i, office) in all.iter().enumerate() {
            let ready = office
                .parent_id
                .as_deref()
                .is_none_or(|p| placed.contains(p) || !listed.contains(p));
            if !placed.contains(office.id.as_str()) && ready {
                placed.insert(&office.id);
                ordered.push((i, office));
            }
        }
        if ordered.len() == before {
            // In a cycle, or under one: never placed.
            return (
                ordered,
                all.iter()
                    .enumerate()
                    .filter(|(_, o)| !placed.contains(o.id.as_str()))
                    .map(|(i, _)| i)
                    .collect(),
            );
        }
    }
    (ordered, vec![])
}

/// The second pass: references checked, rows written a batch at a time.
/// A contact point's person and office (one of them is set).
type Owners = (Option<String>, Option<String>);

struct Writer<'a> {
    known: Known,
    errors: Problems,
    offices_inserted: Vec<String>,
    offices_updated: Vec<String>,
    releases_inserted: Vec<String>,
    releases_updated: Vec<String>,
    /// Owners whose contact points or appearances changed (over existing data).
    touched_people: HashSet<String>,
    touched_offices: HashSet<String>,
    touched_releases: HashSet<String>,
    people: Vec<Person>,
    releases: Vec<Release>,
    /// The buffered releases' bodies: up to 400 KB each.
    releases_bytes: usize,
    contact_points: Vec<ContactPoint>,
    appearances: Vec<Appearance>,
    duty_assignments: Vec<DutyAssignment>,
    person_photos: Vec<PhotoRow>,
    /// Whose search documents are written last, once their contact points are in.
    people_inserted: Vec<String>,
    people_updated: Vec<String>,
    stamp: crate::batch::Stamp<'a>,
    summary: &'a mut ImportSummary,
}

impl<'a> Writer<'a> {
    fn new(
        known: Known,
        errors: Problems,
        into_empty: bool,
        actor: &'a Actor,
        summary: &'a mut ImportSummary,
    ) -> Self {
        Writer {
            known,
            errors,
            offices_inserted: vec![],
            offices_updated: vec![],
            releases_inserted: vec![],
            releases_updated: vec![],
            touched_people: HashSet::new(),
            touched_offices: HashSet::new(),
            touched_releases: HashSet::new(),
            people: vec![],
            releases: vec![],
            releases_bytes: 0,
            contact_points: vec![],
            appearances: vec![],
            duty_assignments: vec![],
            person_photos: vec![],
            people_inserted: vec![],
            people_updated: vec![],
            stamp: crate::batch::Stamp {
                into_empty,
                // Listed ids are distinct, so into an empty directory every
                // row is new.
                all_new: into_empty,
                at: crate::db::now(),
                actor,
            },
            summary,
        }
    }

    /// Writing stops at the first problem; checking goes on.
    fn writing(&self) -> bool {
        self.errors.is_empty()
    }

    fn offices(&mut self, conn: &mut DbConn, all: &[Office]) -> Result<(), ApiError> {
        let (ordered, in_cycles) = parents_first(all);
        self.errors.extend(in_cycles.into_iter().map(|i| {
            FieldError::new(
                format!("offices[{i}].parent_id"),
                "cycle",
                "an office cannot be supervised by itself or by an office it supervises",
            )
        }));
        for (i, office) in ordered {
            self.errors
                .extend(self.known.check(i, &Row::Office(office.clone())));
            if !self.writing() {
                continue;
            }
            // The search module writes the documents once the rows are in.
            let mut row = office.clone();
            row.search_rowid = search::fts_rowid(&row.id);
            let (inserted, updated) =
                crate::offices::db::import_rows(conn, &self.stamp, vec![row])?;
            self.offices_inserted.extend(inserted);
            self.offices_updated.extend(updated);
        }
        self.summary.offices = all.len();
        Ok(())
    }

    fn row(&mut self, conn: &mut DbConn, i: usize, row: Row) -> Result<(), ApiError> {
        self.errors.extend(self.known.check(i, &row));
        match row {
            Row::Office(_) => {}
            Row::Person(mut person) => {
                self.summary.people += 1;
                person.search_rowid = search::fts_rowid(&person.id);
                self.people.push(person);
            }
            Row::ContactPoint(cp) => {
                self.summary.contact_points += 1;
                self.contact_points.push(cp);
            }
            Row::Release(mut release) => {
                self.summary.releases += 1;
                release.search_rowid = search::fts_rowid(&release.id);
                self.releases_bytes += release.body.as_ref().map_or(0, String::len);
                self.releases.push(release);
            }
            Row::Appearance(a) => {
                self.summary.appearances += 1;
                self.appearances.push(a);
            }
            Row::DutyAssignment(d) => {
                self.summary.duty_assignments += 1;
                self.duty_assignments.push(d);
            }
            Row::PersonPhoto(photo) => {
                self.summary.person_photos += 1;
                self.person_photos.push(photo);
            }
        }
        self.flush(conn, BATCH)
    }

    /// Writes the buffered rows once `at_least` of a kind are waiting.
    fn flush(&mut self, conn: &mut DbConn, at_least: usize) -> Result<(), ApiError> {
        if !self.writing() {
            self.people.clear();
            self.releases.clear();
            self.releases_bytes = 0;
            self.contact_points.clear();
            self.appearances.clear();
            self.duty_assignments.clear();
            self.person_photos.clear();
            return Ok(());
        }
        let at_least = at_least.max(1);
        // Contact points and appearances point at people: those go first.
        // Photos (some 50 KB each) are written a few at a time.
        let photos_due = self.person_photos.len() >= at_least.min(PHOTO_BATCH);
        let dependents_due = self.contact_points.len() >= at_least
            || self.appearances.len() >= at_least
            || self.duty_assignments.len() >= at_least
            || photos_due;
        if self.people.len() >= at_least || (dependents_due && !self.people.is_empty()) {
            let (inserted, updated) = crate::people::db::import_rows(
                conn,
                &self.stamp,
                std::mem::take(&mut self.people),
            )?;
            self.people_inserted.extend(inserted);
            self.people_updated.extend(updated);
        }
        // Appearances point at releases too.
        if self.releases.len() >= at_least
            || self.releases_bytes >= RELEASE_BATCH_BYTES
            || (self.appearances.len() >= at_least && !self.releases.is_empty())
        {
            self.releases_bytes = 0;
            let (inserted, updated) = crate::releases::db::import_rows(
                conn,
                &self.stamp,
                std::mem::take(&mut self.releases),
            )?;
            self.releases_inserted.extend(inserted);
            self.releases_updated.extend(updated);
        }
        if self.contact_points.len() >= at_least {
            let points = std::mem::take(&mut self.contact_points);
            // Over existing data a changed contact point changes its owner,
            // and its previous owner when it moved: both are touched once,
            // after every row is in.
            let mut owners: HashMap<String, Vec<Owners>> = HashMap::new();
            if !self.stamp.into_empty {
                let ids: Vec<&String> = points.iter().map(|cp| &cp.id).collect();
                let before: Vec<(String, Option<String>, Option<String>)> = contact_points::table
                    .filter(contact_points::id.eq_any(&ids))
                    .select((
                        contact_points::id,
                        contact_points::person_id,
                        contact_points::office_id,
                    ))
                    .load(conn)?;
                for (id, person, office) in before {
                    owners.entry(id).or_default().push((person, office));
                }
                for cp in &points {
                    owners
                        .entry(cp.id.clone())
                        .or_default()
                        .push((cp.person_id.clone(), cp.office_id.clone()));
                }
            }
            let (inserted, updated) =
                crate::contact_points::db::import_rows(conn, &self.stamp, points)?;
            for id in inserted.iter().chain(&updated) {
                for (person, office) in owners.remove(id).unwrap_or_default() {
                    self.touched_people.extend(person);
                    self.touched_offices.extend(office);
                }
            }
        }
        if self.appearances.len() >= at_least {
            let appearances = std::mem::take(&mut self.appearances);
            let releases: HashMap<String, String> = appearances
                .iter()
                .map(|a| (a.id.clone(), a.release_id.clone()))
                .collect();
            let (inserted, updated) =
                crate::releases::db::import_appearance_rows(conn, &self.stamp, appearances)?;
            // Over existing data a changed appearance changes its release.
            if !self.stamp.into_empty {
                for id in inserted.iter().chain(&updated) {
                    self.touched_releases.extend(releases.get(id).cloned());
                }
            }
        }
        if self.duty_assignments.len() >= at_least {
            let rows = std::mem::take(&mut self.duty_assignments);
            crate::duty::db::import_rows(conn, &self.stamp, rows)?;
        }
        if photos_due {
            let rows = std::mem::take(&mut self.person_photos);
            let changed = crate::people::photo::import_rows(conn, &self.stamp, rows)?;
            // Over existing data a new photo changes its person.
            if !self.stamp.into_empty {
                self.touched_people.extend(changed);
            }
        }
        Ok(())
    }
}

/// Imports the document in `path` in one transaction; nothing is written
/// when anything is wrong, and every problem is reported with its path.
pub fn import_file(
    conn: &mut DbConn,
    actor: &Actor,
    path: &Path,
) -> Result<ImportSummary, ApiError> {
    let started = std::time::Instant::now();
    // Looked at first without the write lock: over existing data the first
    // pass runs outside it, as it always has.
    if directory_is_empty(conn)? {
        match write_transaction(conn, |conn| in_one_pass(conn, actor, path)) {
            Ok(summary) => {
                tracing::info!(elapsed = ?started.elapsed(), "import: written in one pass");
                return Ok(summary);
            }
            Err(OnePass::Failed(error)) => return Err(error),
            Err(OnePass::HandedOver(reason)) => {
                tracing::info!(reason, "import: in two passes");
            }
        }
    }
    let mut listed = Listed::read(path)?;
    tracing::info!(elapsed = ?started.elapsed(), "import: document checked");
    if !listed.errors.is_empty() {
        // Only the references are left to check: no need to hold the
        // write lock (BEGIN IMMEDIATE on SQLite) while the document is read.
        return write_all(conn, actor, path, &mut listed, started);
    }
    write_transaction(conn, |conn| {
        write_all(conn, actor, path, &mut listed, started)
    })
}

/// Why the one-pass import did not write the document.
enum OnePass {
    /// Not for one pass, or a problem to report: the two passes, which
    /// report every problem with its path, take over (this one rolled back).
    HandedOver(&'static str),
    /// The database failed before anything was read.
    Failed(ApiError),
}

impl From<diesel::result::Error> for OnePass {
    fn from(error: diesel::result::Error) -> Self {
        OnePass::Failed(error.into())
    }
}

impl From<ApiError> for OnePass {
    fn from(error: ApiError) -> Self {
        OnePass::Failed(error)
    }
}

/// What the one-pass reading keeps between rows.
struct OnePassState<'c, 'w> {
    conn: &'c mut DbConn,
    listed: Listed,
    writer: Writer<'w>,
    /// The arrays begun so far (those before the last have ended).
    begun: Vec<Member>,
    offices_written: bool,
    /// A database failure met while reading.
    failure: Option<ApiError>,
    /// Why the reading stopped, if it did.
    handed_over: Option<&'static str>,
}

impl OnePassState<'_, '_> {
    fn problems(&self) -> bool {
        !self.listed.errors.is_empty() || !self.writer.errors.is_empty()
    }

    /// The offices, once their array has ended: the rows after them point
    /// at them.
    fn write_offices(&mut self) -> Result<(), ApiError> {
        if self.offices_written || !self.begun.contains(&Member::Offices) {
            return Ok(());
        }
        self.offices_written = true;
        self.writer.known.archived_offices = self.listed.archived_offices.clone();
        let offices = std::mem::take(&mut self.listed.offices);
        self.writer.offices(self.conn, &offices)
    }

    fn begin(&mut self, member: Member) -> Result<(), ()> {
        // The arrays before this one have ended: their ids are what later
        // rows may point at (moved, not copied: 100,000 ids are some MB).
        let known = &mut self.writer.known;
        for (listed, known) in [
            (&mut self.listed.office_ids, &mut known.offices),
            (&mut self.listed.person_ids, &mut known.people),
            (&mut self.listed.release_ids, &mut known.releases),
        ] {
            known.extend(std::mem::take(listed));
        }
        self.write_offices().map_err(|e| self.failure = Some(e))?;
        // An array before one it points at needs the listing of a first pass.
        if !member.depends_on().iter().all(|d| self.begun.contains(d)) {
            self.handed_over = Some("an array before one it points at");
            return Err(());
        }
        if self.problems() {
            self.handed_over = Some("a problem");
            return Err(());
        }
        self.begun.push(member);
        Ok(())
    }

    fn row(&mut self, i: usize, row: Row) -> Result<(), ()> {
        self.listed.check(i, &row);
        // Offices are checked and written once their array has ended.
        if !self.problems() && !matches!(row, Row::Office(_)) {
            self.writer
                .row(self.conn, i, row)
                .map_err(|e| self.failure = Some(e))?;
        }
        if self.problems() {
            self.handed_over = Some("a problem");
            return Err(());
        }
        Ok(())
    }
}

/// Into an empty directory, a document whose arrays each come after those
/// they point at (as exported) is read once, each row checked and written
/// as it comes: the first pass exists to list ids that may be pointed at
/// before they appear, and to find rows the directory already holds. At
/// the first problem this rolls back and hands over to the two passes.
fn in_one_pass(conn: &mut DbConn, actor: &Actor, path: &Path) -> Result<ImportSummary, OnePass> {
    let tables = [
        "offices",
        "people",
        "contact_points",
        "releases",
        "appearances",
    ];
    // Indexes are built once at the end, but for those the search
    // documents read while they are written. Then every reference is
    // checked at once.
    let loaded = crate::db::with_foreign_keys_checked_after(conn, &tables, |conn| {
        crate::db::with_indexes_built_after(
            conn,
            &tables,
            |index| !search::index::READ_BY_DOCUMENTS.contains(&index.name.as_str()),
            |conn| load_in_one_pass(conn, actor, path),
        )
    });
    match loaded {
        // A row written before the rest was read may be one the database
        // refuses (a NUL in an id, found by the reader only at the end): the
        // two passes, which check the whole document first, report it; a
        // database that is really failing fails them too.
        Err(OnePass::Failed(error)) => {
            tracing::info!(%error, "import: the database refused a write of the one pass");
            Err(OnePass::HandedOver("the database refused a write"))
        }
        other => other,
    }
}

fn load_in_one_pass(
    conn: &mut DbConn,
    actor: &Actor,
    path: &Path,
) -> Result<ImportSummary, OnePass> {
    // Looked at again now that the tables are locked (PostgreSQL: by the
    // dropped indexes): a write may have come in since `import_file` looked.
    if !directory_is_empty(conn)? {
        return Err(OnePass::HandedOver("the directory is not empty"));
    }
    let mut summary = ImportSummary::default();
    let writer = Writer::new(
        Known::default(),
        Problems::default(),
        true,
        actor,
        &mut summary,
    );
    let state = std::cell::RefCell::new(OnePassState {
        conn,
        listed: Listed::default(),
        writer,
        begun: vec![],
        offices_written: false,
        failure: None,
        handed_over: None,
    });
    // The reading's own error is never reported: the two passes report it.
    let stop = || ApiError::bad_request("handed over");
    let read = read_document_alongside(
        open(path)?,
        &MEMBERS,
        &mut |i, row| state.borrow_mut().row(i, row).map_err(|()| stop()),
        &mut |member| state.borrow_mut().begin(member).map_err(|()| stop()),
    );
    let mut state = state.into_inner();
    if let Some(error) = state.failure.take() {
        return Err(OnePass::Failed(error));
    }
    let Ok(header) = read else {
        return Err(OnePass::HandedOver(
            state.handed_over.unwrap_or("unreadable"),
        ));
    };
    let readable = header
        .version
        .is_some_and(|v| (OLDEST_VERSION..=VERSION).contains(&v));
    if header.format.as_deref() != Some(FORMAT) || !readable {
        return Err(OnePass::HandedOver("an unknown format"));
    }
    state.write_offices()?;
    state.writer.flush(state.conn, 0)?;
    if state.problems() {
        return Err(OnePass::HandedOver("a problem"));
    }
    let OnePassState { conn, writer, .. } = state;
    write_documents(conn, writer)?;
    Ok(record(conn, actor, summary)?)
}

fn directory_is_empty(conn: &mut DbConn) -> QueryResult<bool> {
    Ok(offices::table.count().get_result::<i64>(conn)? == 0
        && people::table.count().get_result::<i64>(conn)? == 0
        && releases::table.count().get_result::<i64>(conn)? == 0)
}

/// The second pass (see the module's comment); it writes only while no
/// problem has been found, so outside a transaction it only checks.
fn write_all(
    conn: &mut DbConn,
    actor: &Actor,
    path: &Path,
    listed: &mut Listed,
    started: std::time::Instant,
) -> Result<ImportSummary, ApiError> {
    let known = Known::load(conn, listed)?;
    let into_empty = directory_is_empty(conn)?;
    let mut summary = ImportSummary::default();
    let mut writer = Writer::new(
        known,
        std::mem::take(&mut listed.errors),
        into_empty,
        actor,
        &mut summary,
    );
    writer.offices(conn, &listed.offices)?;
    // One pass when each array comes after those it points at (as
    // exported); another pass for each array that came too early.
    let mut done = vec![Member::Offices];
    // (Only the arrays the document has: the rota is optional.)
    while listed.members.iter().any(|m| !done.contains(m)) {
        let mut this_pass = vec![];
        for &member in &listed.members {
            let ready = member
                .depends_on()
                .iter()
                .all(|d| done.contains(d) || this_pass.contains(d));
            if !done.contains(&member) && ready {
                this_pass.push(member);
            }
        }
        read_document(open(path)?, &this_pass, &mut |i, row| {
            writer.row(conn, i, row)
        })?;
        writer.flush(conn, 0)?;
        done.extend(this_pass);
    }
    std::mem::take(&mut writer.errors).into_result()?;
    tracing::info!(elapsed = ?started.elapsed(), "import: rows written");
    write_documents(conn, writer)?;
    tracing::info!(elapsed = ?started.elapsed(), "import: search documents written");
    record(conn, actor, summary)
}

/// Once every row is in: the search documents, and the owners whose parts
/// changed.
fn write_documents(conn: &mut DbConn, writer: Writer) -> Result<(), ApiError> {
    // Documents once every row is in: people's and releases' hold their
    // office's text, people's their contact values. An office that changed
    // also rewrites those of its people and releases the document left alone.
    use crate::search::index::{self as search_index, Fresh};
    let documents = |conn: &mut DbConn| {
        search_index::offices_written(conn, &writer.offices_inserted)?;
        search_index::offices_written(conn, &writer.offices_updated)?;
        search_index::people_written(conn, &writer.people_inserted)?;
        search_index::people_written(conn, &writer.people_updated)?;
        search_index::releases_written(conn, &writer.releases_inserted)?;
        search_index::releases_written(conn, &writer.releases_updated)
    };
    if writer.stamp.into_empty {
        search_index::in_bulk(conn, documents)?;
    } else {
        documents(conn)?;
    }
    for office in &writer.offices_updated {
        search_index::office_changed(conn, office, Fresh::Existing)?;
    }
    // Owners whose parts changed but who did not change themselves: their
    // version and updated_at once (and a person's document), as through the
    // API. Rows new or changed in this import have theirs already.
    let written = |inserted: &[String], updated: &[String]| -> HashSet<String> {
        inserted.iter().chain(updated).cloned().collect()
    };
    let people_written = written(&writer.people_inserted, &writer.people_updated);
    for person in writer.touched_people.difference(&people_written) {
        crate::people::db::touch(conn, person)?;
    }
    let offices_written = written(&writer.offices_inserted, &writer.offices_updated);
    for office in writer.touched_offices.difference(&offices_written) {
        crate::offices::db::touch(conn, office)?;
    }
    let releases_written = written(&writer.releases_inserted, &writer.releases_updated);
    for release in writer.touched_releases.difference(&releases_written) {
        crate::releases::db::touch(conn, release)?;
    }
    Ok(())
}

fn record(
    conn: &mut DbConn,
    actor: &Actor,
    summary: ImportSummary,
) -> Result<ImportSummary, ApiError> {
    crate::audit::record(
        conn,
        actor,
        "import",
        "directory",
        "import",
        None,
        Some(&summary),
    )?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A migrated SQLite database in `dir`, seeded when asked.
    fn database(dir: &Path, name: &str, seeded: bool) -> crate::db::DbPool {
        let url = dir.join(name).display().to_string();
        let pool = crate::db::DbPool::connect(&url, 1, std::time::Duration::from_secs(5)).unwrap();
        let mut conn = pool.get().unwrap();
        crate::db::run_migrations(&mut conn).unwrap();
        if seeded {
            crate::seed::seed_if_empty(&mut conn).unwrap();
        }
        pool
    }

    /// Counts the bytes read through it.
    struct Counted<'a>(&'a [u8], std::sync::Arc<std::sync::atomic::AtomicUsize>);

    impl Read for Counted<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            Ok(n)
        }
    }

    #[test]
    fn reading_alongside_hands_over_every_row_in_order_and_stops_when_refused() {
        let dir = tempfile::tempdir().unwrap();
        let source = database(dir.path(), "source.db", true);
        let exported = super::super::export(&mut source.get().unwrap()).unwrap();
        let mut document = serde_json::to_value(&exported).unwrap();
        // Some MB of people: far more than the reader's buffer and the
        // batches in flight.
        let people = document["people"].as_array().unwrap().clone();
        document["people"] = people.iter().cycle().take(20_000).cloned().collect();
        let bytes = serde_json::to_vec(&document).unwrap();

        let log = |alongside: bool| {
            let mut seen = vec![];
            let seen_rows = std::cell::RefCell::new(&mut seen);
            let visit = &mut |i, row: Row| {
                seen_rows
                    .borrow_mut()
                    .push(format!("{:?} {i}", row.member()));
                Ok(())
            };
            let begin = &mut |member: Member| {
                seen_rows.borrow_mut().push(format!("begin {member:?}"));
                Ok(())
            };
            let header = if alongside {
                read_document_alongside(&bytes[..], &MEMBERS, visit, begin)
            } else {
                read_document_with(&bytes[..], &MEMBERS, visit, Some(begin), false)
            };
            (header.map(|h| h.members).unwrap(), seen)
        };
        let (members, seen) = log(true);
        assert_eq!((members, seen), log(false));

        let read = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut rows = 0;
        let refused = read_document_alongside(
            Counted(&bytes, read.clone()),
            &MEMBERS,
            &mut |_, _| {
                rows += 1;
                if rows == 10 {
                    return Err(ApiError::bad_request("enough"));
                }
                Ok(())
            },
            &mut |_| Ok(()),
        );
        let Err(error) = refused else {
            panic!("the refusal is the answer");
        };
        assert_eq!(
            error.to_string(),
            ApiError::bad_request("enough").to_string()
        );
        assert_eq!(rows, 10, "no row after the refusal");
        let read = read.load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            read < bytes.len() / 4,
            "read {read} of {} bytes",
            bytes.len()
        );
    }

    #[test]
    fn an_export_goes_into_an_empty_directory_in_one_pass_and_anything_else_in_two() {
        let dir = tempfile::tempdir().unwrap();
        let source = database(dir.path(), "source.db", true);
        let exported = super::super::export(&mut source.get().unwrap()).unwrap();
        let file = dir.path().join("export.json");
        // In the struct's order, as `export` writes it (a `Value` would sort
        // the members by name).
        std::fs::write(&file, serde_json::to_string(&exported).unwrap()).unwrap();
        let document = serde_json::to_value(&exported).unwrap();
        let one_pass = |pool: &crate::db::DbPool, file: &Path| {
            let mut conn = pool.get().unwrap();
            let attempt =
                write_transaction(&mut conn, |conn| in_one_pass(conn, &Actor::cli(), file));
            match attempt {
                Ok(summary) => Ok(summary.people),
                Err(OnePass::HandedOver(reason)) => Err(reason),
                Err(OnePass::Failed(error)) => panic!("{error:?}"),
            }
        };

        let empty = database(dir.path(), "empty.db", false);
        assert_eq!(one_pass(&empty, &file), Ok(4), "as exported");
        assert_eq!(
            one_pass(&empty, &file),
            Err("the directory is not empty"),
            "upserts need the listing"
        );

        let reordered = ["format", "version", "people", "offices"]
            .into_iter()
            .chain(["contact_points", "releases", "appearances"])
            .map(|key| format!("\"{key}\": {}", document[key]))
            .collect::<Vec<_>>()
            .join(", ");
        std::fs::write(&file, format!("{{{reordered}}}")).unwrap();
        let other = database(dir.path(), "other.db", false);
        assert_eq!(
            one_pass(&other, &file),
            Err("an array before one it points at")
        );
        assert_eq!(
            import_file(&mut other.get().unwrap(), &Actor::cli(), &file)
                .unwrap()
                .people,
            4
        );
    }

    fn nul_found(chunks: &[&[u8]]) -> bool {
        struct Chunks<'a>(std::collections::VecDeque<&'a [u8]>);
        impl Read for Chunks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let Some(chunk) = self.0.pop_front() else {
                    return Ok(0);
                };
                buf[..chunk.len()].copy_from_slice(chunk);
                Ok(chunk.len())
            }
        }
        let mut guard = NulGuard::new(Chunks(chunks.iter().copied().collect()));
        std::io::copy(&mut guard, &mut std::io::sink()).unwrap();
        guard.found_nul
    }

    #[test]
    fn an_escaped_nul_is_found_even_across_reads() {
        assert!(nul_found(&[br#"{"a": "x\u0000"}"#]));
        assert!(nul_found(&[br#"{"a": "x\u00"#, br#"00"}"#]));
        assert!(nul_found(&[br#"{"a": "x\"#, b"u", b"0", b"0", br#"00"}"#]));
        assert!(
            nul_found(&[br#"{"a": "\\\u0000"}"#]),
            "a backslash, then a NUL"
        );
        assert!(!nul_found(&[br#"{"a": "x\u0001"}"#]));
        assert!(!nul_found(&[br#"{"a": "x\u00"#, br#"01 0000"}"#]));
        assert!(!nul_found(&[br#"{"a": "\\u0000"}"#]), "the text \\u0000");
        assert!(
            !nul_found(&[br#"{"a": "\\"#, br#"u0000"}"#]),
            "the same across reads"
        );
    }
}
