//! Reading a press release as published: title, dateline (place and date),
//! body, who was quoted (with title as printed and the quote), and the media
//! contacts with every phone and email. Pure text work, in any of the
//! languages in `lexicon`; matching and writing is `apply`.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::Serialize;
use utoipa::ToSchema;

use super::gazetteer;
use super::lexicon;
use crate::contact_points::model::{ContactKind, canonical_value, split_extension};

/// A quoted person, as the release prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExtractedQuote {
    /// Without honorifics (`Dr.`, `Sra.`, `Mme`…).
    pub name: String,
    pub title_as_printed: Option<String>,
    /// Every quoted passage of this person, in order, separated by a blank line.
    pub quote: String,
}

/// A phone number as printed, with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExtractedPhone {
    pub kind: ContactKind,
    /// `Tel`, `Mobile`, `WhatsApp`, `Tél.`, `Тел.`… as printed; null when unlabelled.
    pub label: Option<String>,
    /// As printed, extension included (`+41 22 717 9111 ext. 204`).
    pub display: String,
    /// E.164 as read (`;ext=` for an extension), a number without a country
    /// code read with the first country the release gives it that makes it
    /// valid; null when none does. Ingestion tries the contact's office first.
    pub value: Option<String>,
}

/// An email address as printed, with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExtractedEmail {
    pub label: Option<String>,
    pub value: String,
}

/// A media contact from the release's contact block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExtractedContact {
    /// Without honorifics.
    pub name: String,
    pub title_as_printed: Option<String>,
    pub office_as_printed: Option<String>,
    /// The place the block files this contact under (`In Nairobi:`).
    pub place_as_printed: Option<String>,
    pub phones: Vec<ExtractedPhone>,
    pub emails: Vec<ExtractedEmail>,
}

/// Everything read from a release's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Extraction {
    pub title: Option<String>,
    /// True when the text has no headline and `title` is its first sentence.
    pub title_derived: bool,
    /// The place as printed before the dash that opens the release, without its date.
    pub dateline: Option<String>,
    /// The date the dateline prints, if any.
    pub dateline_date: Option<NaiveDate>,
    /// ISO 3166-1 country the dateline names (a city or a country), from the gazetteer.
    pub dateline_country: Option<String>,
    /// From the dateline (or the title) to the end, site navigation left out.
    pub body: String,
    pub quoted: Vec<ExtractedQuote>,
    pub media_contacts: Vec<ExtractedContact>,
    /// What could not be read with confidence.
    pub warnings: Vec<String>,
}

/// The most quoted people, and the most media contacts, read from one release.
pub const MAX_PEOPLE: usize = 50;

/// The longest derived title, in characters.
const DERIVED_TITLE_CHARS: usize = 120;

const NAME_TOKEN: &str = r"\p{Lu}[\p{Ll}\p{Lu}\p{M}’'\-]*\.?";

/// A person's name: two to six capitalised words, particles allowed between.
fn name_pattern() -> String {
    let particles = lexicon::NAME_PARTICLES;
    format!(r"{NAME_TOKEN}(?:(?:\s+|\s*-\s*)(?:{particles}\s*)*{NAME_TOKEN}){{1,5}}")
}

/// Runs of capitalised words: where names are looked for.
static NAME_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:{NAME_TOKEN})(?:\s+(?:(?:{})(?:\s+|\b))*(?:{NAME_TOKEN}))*",
        lexicon::NAME_PARTICLES
    ))
    .expect("name run regex")
});

static CONTACT_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^\s*(?P<name>{})", name_pattern())).expect("contact name regex")
});

/// A phone number, its country code possibly spaced from the plus
/// (`+ 41 22…`), and its extension.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\+\s?|00)?(?:\(\s*\+?\d{1,4}\s*\)\s?)?\d[\d \u{a0}().\-]{5,}\d(?:\s*,?\s*\(?\s*(?i:ext\.?|extension|ext|x|poste|ramal|extensión|anexo|int\.|interno|доб\.?|вн\.?|تحويلة)\s*:?\s*\d{1,6}\)?)?",
    )
    .expect("phone regex")
});

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\d._%+\-]+@[\p{L}\d.\-]+\.[\p{L}]{2,}").expect("email regex")
});

/// Quoted passages, in the marks of each language.
static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"“(?P<a>[^”]+)”|"(?P<b>[^"]+)"|«(?P<c>[^»]+)»|„(?P<d>[^“”]+)[“”]|”(?P<e>[^”]+)”"#)
        .expect("quote regex")
});

/// A dateline's separator: a dash with spaces, or a dash right after the place.
static DATELINE_DASH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*(?:–|—|―|\s-{1,2})\s+|\s+(?:–|—)").expect("dash regex"));

/// Dates as datelines print them, in every language of the lexicon.
static DATE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?P<dmy>(?P<d1>\d{1,2})(?:st|nd|rd|th|er|º|°)?\.?\s+(?:de\s+)?(?P<m1>[\p{L}]+(?:\s*/\s*[\p{L}]+|\s+[\p{L}]+)?)\.?,?\s+(?:de\s+|del\s+)?(?P<y1>\d{4}))
        |(?P<mdy>(?P<m2>[\p{L}]+)\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{4}))
        |(?P<iso>(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2}))
        |(?P<num>(?P<d4>\d{1,2})[./\-](?P<m4>\d{1,2})[./\-](?P<y4>\d{4}))",
    )
    .expect("date regex")
});

/// What may follow a printed date: `року`, `г.`, `года`.
static DATE_TAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:року|рік|р\.|г\.|года|год|م)?").expect("tail regex"));

/// A date in `text`, with where it starts and ends.
fn find_date(text: &str) -> Option<(NaiveDate, usize, usize)> {
    DATE_WORDS.captures_iter(text).find_map(|c| {
        let whole = c.get(0)?;
        let number = |name: &str| c.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
        let (day, month, year) = if c.name("dmy").is_some() {
            (number("d1")?, lexicon::month(&c["m1"])?, number("y1")?)
        } else if c.name("mdy").is_some() {
            (number("d2")?, lexicon::month(&c["m2"])?, number("y2")?)
        } else if c.name("iso").is_some() {
            (number("d3")?, number("m3")?, number("y3")?)
        } else {
            (number("d4")?, number("m4")?, number("y4")?)
        };
        let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
        let tail = DATE_TAIL
            .find(&text[whole.end()..])
            .map(|m| m.end())
            .unwrap_or(0);
        Some((date, whole.start(), whole.end() + tail))
    })
}

static TIME_OF_DAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d{1,2}:\d{2}\b").expect("time regex"));

/// A dateline read off a line.
struct Dateline {
    place: String,
    date: Option<NaiveDate>,
    country: Option<&'static str>,
}

fn is_arabic(text: &str) -> bool {
    text.chars()
        .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c) && c.is_alphabetic())
}

/// The main script of a line: Latin, Cyrillic or Arabic (or none).
fn script(line: &str) -> u8 {
    let (mut latin, mut cyrillic, mut arabic) = (0, 0, 0);
    for c in line.chars().filter(|c| c.is_alphabetic()) {
        match c {
            '\u{0400}'..='\u{04FF}' => cyrillic += 1,
            '\u{0600}'..='\u{06FF}' => arabic += 1,
            _ => latin += 1,
        }
    }
    if cyrillic > latin && cyrillic >= arabic {
        1
    } else if arabic > latin {
        2
    } else {
        0
    }
}

/// A place as datelines print it: a few capitalised words (or Arabic script),
/// no digits, not navigation.
fn is_place_shaped(place: &str) -> bool {
    let words: Vec<&str> = place
        .split(|c: char| c.is_whitespace() || c == ',' || c == '،')
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty()
        || words.len() > 7
        || place.chars().count() > 60
        || place
            .chars()
            .any(|c| c.is_ascii_digit() || c == '@' || c == ':')
    {
        return false;
    }
    let folded = crate::text::fold(place);
    if lexicon::NAVIGATION_WORDS
        .iter()
        .any(|w| crate::text::fold(w) == folded)
    {
        return false;
    }
    is_arabic(place)
        || words.iter().all(|w| {
            let w = w.trim_matches(|c: char| c == '(' || c == ')' || c == '/');
            w.is_empty()
                || w.chars().next().is_some_and(char::is_uppercase)
                || matches!(
                    w,
                    "de" | "del" | "la" | "el" | "d" | "do" | "da" | "es" | "am"
                )
        })
}

/// `GENEVA, 12 MARCH 2024 – …`, `San José, Costa Rica –`, `Київ, 2 травня
/// 2024 року –`, `Kyiv, 2 May 2024. …`. A site's listing line
/// (`IOM - News - 12 May 2024`) is not one.
fn read_dateline(line: &str) -> Option<Dateline> {
    let head_limit = line
        .char_indices()
        .nth(90)
        .map(|(i, _)| i)
        .unwrap_or(line.len());
    let (head, lead) = match DATELINE_DASH.find(&line[..head_limit]) {
        Some(dash) if dash.start() > 0 => (&line[..dash.start()], &line[dash.end()..]),
        _ if is_arabic(line)
            && line.split_once('،').is_some_and(|(place, _)| {
                place.split_whitespace().count() <= 3 && gazetteer::country_of(place).is_some()
            }) =>
        {
            // `القاهرة، أطلق …`: a known place and the Arabic comma.
            line.split_once('،').unwrap_or((line, ""))
        }
        _ => {
            // No dash: a place and a date, then a full stop (`Kyiv, 2 May 2024.`).
            let (_, _, end) = find_date(&line[..head_limit])?;
            let rest = line[end..]
                .trim_start()
                .trim_start_matches(')')
                .trim_start();
            let lead = rest.strip_prefix('.').or_else(|| rest.strip_prefix(':'))?;
            (&line[..end], lead)
        }
    };
    let lead = lead.trim();
    let lead_start: String = lead.chars().take(40).collect();
    if has_values(&lead_start) || lexicon::LABEL.is_match(&lead_start) {
        return None;
    }
    // The lead is the release's first sentence, not more navigation.
    if lead.chars().count() < 20
        || lead.split_whitespace().count() < 4
        || lead
            .char_indices()
            .take_while(|(i, _)| *i < 40)
            .any(|(i, _)| lead[i..].starts_with(" - ") || lead[i..].starts_with(" | "))
    {
        return None;
    }
    let (place, date) = match find_date(head) {
        // `24 نيسان/أبريل 2024، القاهرة، مصر –`: the date first.
        Some((date, 0, end)) => (
            head[end..].trim_start_matches([',', '،', ' ']).trim(),
            Some(date),
        ),
        Some((date, start, _)) => (head[..start].trim(), Some(date)),
        None => (head.trim(), None),
    };
    let place = strip_weekday(place.trim_end_matches([',', '،', ' ', '.', '(', '-']));
    let place = place.trim_end_matches([',', '،', ' ', '.', '(']).trim();
    // `Genève (CICR)`: a parenthesis that is not a place is the agency's tag.
    let place = match place.rsplit_once('(') {
        Some((before, tag))
            if tag.ends_with(')') && gazetteer::country_of(tag.trim_end_matches(')')).is_none() =>
        {
            before.trim()
        }
        _ => place,
    };
    if !is_place_shaped(place) {
        return None;
    }
    let country = gazetteer::country_of_dateline(place);
    // Without a date, the place must be one the gazetteer knows.
    if date.is_none() && country.is_none() {
        return None;
    }
    Some(Dateline {
        place: place.to_string(),
        date,
        country,
    })
}

/// A place without the weekday or article before its date (`Brazzaville, le`).
fn strip_weekday(place: &str) -> &str {
    let mut place = place;
    for _ in 0..2 {
        let trimmed = place.trim_end_matches([',', '،', ' ']);
        match trimmed.rsplit_once([',', '،', ' ']) {
            Some((before, last))
                if lexicon::WEEKDAYS.contains(&last.trim().to_lowercase().as_str())
                    || matches!(last.trim(), "le" | "el" | "a" | "em" | "on" | "the" | "den") =>
            {
                place = before.trim_end_matches([',', '،', ' ']);
            }
            _ => break,
        }
    }
    place
}

/// Site navigation and other lines around a release that are not its title:
/// bullets, short lines, listing lines (`Agency - News - 12 May 2024`), dates.
fn is_navigation(line: &str) -> bool {
    let separators = [" - ", " | ", " › ", " > ", " / ", " · "];
    let segments = separators
        .iter()
        .map(|s| line.matches(s).count())
        .max()
        .unwrap_or(0);
    const CHROME: &[&str] = &[
        "skip to",
        "search",
        "menu",
        "share",
        "close",
        "cookie",
        "subscribe",
        "sign in",
        "log in",
        "print",
        "download",
        "follow us",
        "пошук",
        "поиск",
        "buscar",
        "rechercher",
        "pesquisar",
    ];
    let lower = line.to_lowercase();
    let short = line.split_whitespace().count() <= 6;
    line.starts_with('-')
        || (short && CHROME.iter().any(|c| lower.contains(c)))
        || line.starts_with('•')
        || line.starts_with('#')
        || line.split_whitespace().count() < 4
        || (segments >= 2)
        || (segments >= 1 && find_date(line).is_some())
        || find_date(line).is_some_and(|(_, start, end)| {
            line[..start].split_whitespace().count() + line[end..].split_whitespace().count() <= 4
        })
}

/// A line shaped like a headline: not too long, and not a paragraph.
fn is_headline_shaped(line: &str) -> bool {
    let words = line.split_whitespace().count();
    words <= 30 && (words <= 14 || !line.trim_end().ends_with('.')) && !line.contains('@')
}

/// The first sentence of `text`, cut at a word under the length limit.
fn derive_title(text: &str) -> Option<String> {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let mut end = first.len();
    for (i, c) in first.char_indices() {
        if matches!(c, '.' | '!' | '?' | '。') {
            let next = first[i + c.len_utf8()..].chars().next();
            let word_before = first[..i].split_whitespace().last().unwrap_or("");
            let abbreviation =
                word_before.chars().count() <= 2 || lexicon::is_honorific(word_before);
            if next.is_none_or(char::is_whitespace) && !abbreviation {
                end = i;
                break;
            }
        }
    }
    let sentence = first[..end].trim();
    if sentence.chars().count() <= DERIVED_TITLE_CHARS {
        return Some(sentence.to_string()).filter(|s| !s.is_empty());
    }
    let mut cut = String::new();
    for word in sentence.split_whitespace() {
        if cut.chars().count() + word.chars().count() + 1 > DERIVED_TITLE_CHARS - 1 {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    let cut = cut.trim_end_matches([',', ';', ':', '–', '-', ' ']);
    Some(format!("{cut}…"))
}

/// Reads a release. `title` overrides the title found in the text.
pub fn extract(text: &str, title: Option<&str>) -> Extraction {
    let normalised: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{feff}'))
        .map(|c| {
            if c == '\u{a0}' || c == '\u{202f}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let lines: Vec<&str> = normalised.lines().map(str::trim).collect();
    let mut warnings = vec![];

    let dateline_at = lines
        .iter()
        .take(80)
        .position(|line| read_dateline(line).is_some());
    let dateline = dateline_at.and_then(|i| read_dateline(lines[i]));
    // The headline: before the dateline (or the first paragraph of prose),
    // the first line shaped like one in the body's script; a standfirst
    // after it, site chrome and listing lines before it are not.
    let first_prose = lines
        .iter()
        .position(|l| {
            let words = l.split_whitespace().count();
            words >= 35 || (words >= 15 && l.ends_with(['.', '”', '»', '"']))
        })
        .unwrap_or(lines.len());
    let header_end = dateline_at.unwrap_or(first_prose);
    let body_script = lines.get(header_end).map(|l| script(l));
    let header = &lines[..header_end];
    let is_candidate = |l: &str| {
        !l.is_empty()
            && !is_navigation(l)
            && is_headline_shaped(l)
            && !l.ends_with('.')
            && body_script.is_none_or(|s| s == script(l))
    };
    let non_empty: Vec<&str> = header.iter().copied().filter(|l| !l.is_empty()).collect();
    let found_title = non_empty
        .iter()
        .rposition(|l| is_candidate(l))
        .map(|i| {
            // A standfirst under the headline is longer than the headline.
            match i.checked_sub(1).map(|p| non_empty[p]) {
                Some(previous)
                    if is_candidate(previous)
                        && previous.split_whitespace().count()
                            < non_empty[i].split_whitespace().count() =>
                {
                    previous
                }
                _ => non_empty[i],
            }
        })
        .map(str::to_string);
    // A date printed on its own near the headline (`12 June 2024`).
    let header_date = header
        .iter()
        .rev()
        .take(8)
        .filter(|l| !l.contains(" - ") && !l.contains(" – ") && !l.contains(" | "))
        // `11:20 27.09.2024` is a site's timestamp, not the release's date.
        .filter(|l| !TIME_OF_DAY.is_match(l))
        .find_map(|l| {
            let (date, start, end) = find_date(l)?;
            let others =
                l[..start].split_whitespace().count() + l[end..].split_whitespace().count();
            (others <= 4).then_some(date)
        });
    if dateline.is_none() {
        warnings.push(
            "No dateline (\"Place – …\") found; the body starts after the title.".to_string(),
        );
    }
    let body_start = match (dateline_at, &found_title) {
        (Some(i), _) => i,
        (None, Some(t)) => lines
            .iter()
            .position(|l| l == t)
            .map(|i| i + 1)
            .unwrap_or(0),
        (None, None) => lines
            .iter()
            .position(|l| !l.is_empty() && !is_navigation(l))
            .unwrap_or(0),
    };
    let body_lines = &lines[body_start.min(lines.len())..];
    let body = body_lines.join("\n").trim().to_string();

    let mut title_derived = false;
    let title = match (title, found_title) {
        (Some(given), _) => Some(given.to_string()),
        (None, Some(found)) => Some(found),
        (None, None) => {
            // The first sentence, without the dateline's place and date.
            let first = body_lines
                .iter()
                .find(|l| !l.is_empty() && l.split_whitespace().count() >= 3 && !is_navigation(l))
                .map(|l| lead_of(l))
                .unwrap_or_default();
            let derived = derive_title(&first);
            if derived.is_some() {
                title_derived = true;
                warnings.push(
                    "No headline found; the title is the release's first sentence. Send `title` to set it."
                        .to_string(),
                );
            }
            derived
        }
    };

    // `… can be arranged. For more information, please contact Name, +227…`:
    // a contact sentence at the end of a paragraph starts its own line.
    let split_lines: Vec<&str> = body_lines
        .iter()
        .flat_map(|line| split_contact_sentence(line))
        .collect();
    let body_lines = &split_lines[..];
    let contact_at = contact_block_start(body_lines);
    // The block ends where prose resumes (a release may go on after it).
    let contact_end = contact_at.map(|start| contact_block_end(body_lines, start));
    let mut prose: Vec<&str> = body_lines[..contact_at.unwrap_or(body_lines.len())].to_vec();
    if let Some(end) = contact_end {
        prose.push("");
        prose.extend_from_slice(&body_lines[end..]);
    }
    // Some releases (US style) print the media contacts above the headline.
    let header_contacts = header_contact_block(&lines[..body_start.min(lines.len())]);
    let mut quoted = extract_quotes(&prose);
    if let Some(t) = title.as_deref().filter(|_| !title_derived) {
        headline_speaker(t, &prose, &mut quoted);
    }
    resolve_short_names(&mut quoted, &normalised);
    let mut block: Vec<&str> = header_contacts.to_vec();
    if let (Some(start), Some(end)) = (contact_at, contact_end) {
        if !block.is_empty() {
            block.push("");
        }
        block.extend_from_slice(&body_lines[start..end]);
    }
    let mut media_contacts = extract_contacts(&block, &mut warnings);
    // No release names hundreds of people; a text that seems to is not one,
    // and each person read costs a write.
    for (kind, count) in [
        ("quoted people", quoted.len()),
        ("media contacts", media_contacts.len()),
    ] {
        if count > MAX_PEOPLE {
            warnings.push(format!("Read {count} {kind}; kept the first {MAX_PEOPLE}."));
        }
    }
    quoted.truncate(MAX_PEOPLE);
    media_contacts.truncate(MAX_PEOPLE);
    let mut release_countries: Vec<&str> = dateline
        .as_ref()
        .map(|d| gazetteer::countries_of_dateline(&d.place))
        .unwrap_or_default();
    if release_countries.is_empty() {
        release_countries.extend(country_named_most(&body));
    }
    read_numbers(&mut media_contacts, &release_countries);
    Extraction {
        title,
        title_derived,
        dateline: dateline.as_ref().map(|d| d.place.clone()),
        dateline_date: dateline.as_ref().and_then(|d| d.date).or(header_date),
        dateline_country: dateline
            .as_ref()
            .and_then(|d| d.country)
            .or_else(|| country_named_most(&body))
            .map(str::to_string),
        body,
        quoted,
        media_contacts,
        warnings,
    }
}

/// Without a dateline: the country the text names most (its capitalised
/// words and pairs of words, read with the gazetteer), if one clearly leads.
fn country_named_most(body: &str) -> Option<&'static str> {
    let words: Vec<&str> = body
        .split(|c: char| !c.is_alphabetic() && c != '-' && c != '’' && c != '\'')
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .collect();
    let mut counts: std::collections::HashMap<&'static str, usize> = Default::default();
    for (i, word) in words.iter().enumerate() {
        let pair = words.get(i + 1).map(|next| format!("{word} {next}"));
        if let Some(code) = pair.as_deref().and_then(gazetteer::country_of).or_else(|| {
            (word.chars().count() > 3)
                .then(|| gazetteer::country_of(word))
                .flatten()
        }) {
            *counts.entry(code).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&'static str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    match ranked.as_slice() {
        [(code, n)] if *n >= 2 => Some(code),
        [(code, n), (_, m), ..] if *n >= 2 && *n >= 2 * m => Some(code),
        _ => None,
    }
}

/// A line without its dateline, if it has one.
fn lead_of(line: &str) -> String {
    if read_dateline(line).is_some()
        && let Some(dash) = DATELINE_DASH.find(line)
    {
        return line[dash.end()..].trim().to_string();
    }
    line.to_string()
}

/// A line that holds a phone or an email.
fn has_values(text: &str) -> bool {
    EMAIL.is_match(text)
        || PHONE
            .find_iter(text)
            .any(|m| is_phone_like(m.as_str(), false))
}

/// A number that reads as a phone: a `+`, parentheses or enough digits;
/// a year range or a figure in prose is not one.
fn is_phone_like(candidate: &str, labelled: bool) -> bool {
    // `12.11.2025`, `2024-03-12`: a date, not a number to call.
    if find_date(candidate).is_some_and(|(_, start, end)| {
        candidate[..start].trim().is_empty() && candidate[end..].trim().is_empty()
    }) {
        return false;
    }
    let digits = candidate.chars().filter(char::is_ascii_digit).count()
        + candidate
            .chars()
            .filter(|c| c.is_numeric() && !c.is_ascii_digit())
            .count();
    if labelled {
        return digits >= 5;
    }
    let spaced_groups = candidate.split([' ', '-', '.']).count();
    digits >= 7
        && (candidate.starts_with('+')
            || candidate.starts_with('(')
            || candidate.starts_with("00")
            || (digits >= 8 && spaced_groups >= 2)
            || digits >= 9)
        && !YEAR_RANGE.is_match(candidate.trim())
}

/// `2023-2024`: years, not a phone.
static YEAR_RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{4}\s*[-–]\s*\d{4}$").expect("year range regex"));

/// Where the media-contact block starts: at an opener in any language
/// (`For more information`, `Para más información`, `Contacts presse`…)
/// followed by phones or emails, or else where the names, phones and
/// emails near the end begin.
fn contact_block_start(lines: &[&str]) -> Option<usize> {
    let has_values_after = |i: usize| {
        lines[i..]
            .iter()
            .take(15)
            .any(|l| has_values(l) || lexicon::LABEL.is_match(l) && l.chars().any(char::is_numeric))
    };
    let by_opener = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            !l.is_empty()
                && lexicon::CONTACT_OPENER.is_match(l)
                && l
                    .split_whitespace()
                    .filter(|w| w.chars().any(char::is_alphabetic))
                    .count()
                    <= 150
                && has_values_after(*i)
                // Not the lead paragraph, which is prose.
                && *i >= 1
        })
        .map(|(i, _)| i)
        .next();
    if by_opener.is_some() {
        return by_opener;
    }
    // By content: the last line with a value, then upwards while the lines
    // are short (names, titles, offices, values, blank).
    let last_value = lines.iter().rposition(|l| has_values(l))?;
    let mut start = last_value;
    let mut i = last_value;
    while i > 0 {
        let line = lines[i - 1];
        let short = line.split_whitespace().count() <= 14
            && !QUOTED.is_match(line)
            && !(line.ends_with('.') && line.split_whitespace().count() > 8);
        if !(line.is_empty() || has_values(line) || short) {
            break;
        }
        i -= 1;
        if !line.is_empty() {
            start = i;
        }
    }
    // Only a block that names somebody next to a value.
    let names_someone = lines[start..=last_value].iter().any(|l| {
        let l = lexicon::LOCATION_PREFIX.replace(l, "");
        contact_name(&l).is_some()
            || HEAD_COLON
                .captures(&l)
                .is_some_and(|c| contact_name(&c["rest"]).is_some())
            || NAME_IN_BRACKETS
                .captures(&l)
                .is_some_and(|c| contact_name(&c["inside"]).is_some())
    });
    (names_someone && start * 2 >= lines.len().saturating_sub(1) / 2).then_some(start)
}

/// A line split before a sentence that opens a contact block and gives a
/// number or address; otherwise the line.
fn split_contact_sentence(line: &str) -> Vec<&str> {
    let starts = line
        .match_indices(". ")
        .map(|(i, _)| i + 2)
        .filter(|&i| i < line.len());
    for start in starts {
        let rest = &line[start..];
        if lexicon::CONTACT_OPENER.is_match(rest) && has_values(&rest[..char_floor(rest, 300)]) {
            return vec![line[..start].trim_end(), rest];
        }
    }
    vec![line]
}

/// A contact block above the headline: an opener followed by lines with
/// names and values, up to the first line that is neither.
fn header_contact_block<'a>(header: &'a [&'a str]) -> &'a [&'a str] {
    // An opener; or, without one, a name with a number or address in the
    // next three lines.
    let by_name = || {
        header.iter().enumerate().position(|(i, l)| {
            contact_name(l).is_some()
                && header[i + 1..]
                    .iter()
                    .filter(|l| !l.is_empty())
                    .take(3)
                    .any(|l| has_values(l))
        })
    };
    let Some(start) = header
        .iter()
        .position(|l| lexicon::CONTACT_OPENER.is_match(l))
        .or_else(by_name)
    else {
        return &[];
    };
    let mut end = start + 1;
    while end < header.len() {
        let line = header[end];
        // A contact's title or office line: short, and a value follows.
        let title_line = line.split_whitespace().count() <= 10
            && header[end + 1..]
                .iter()
                .filter(|l| !l.is_empty())
                .take(2)
                .any(|l| has_values(l));
        if !(line.is_empty() || has_values(line) || contact_name(line).is_some() || title_line) {
            break;
        }
        end += 1;
    }
    if header[start..end].iter().any(|l| has_values(l)) {
        &header[start..end]
    } else {
        &[]
    }
}

/// Where a contact block starting at `start` ends: at the first long
/// paragraph of prose after it that holds no number or address.
fn contact_block_end(lines: &[&str], start: usize) -> usize {
    lines
        .iter()
        .enumerate()
        .skip(start + 1)
        .find(|(_, l)| {
            l.split_whitespace().count() > 25 && !has_values(l) && !lexicon::LABEL.is_match(l)
        })
        .map(|(i, _)| i)
        .unwrap_or(lines.len())
}

/// Names printed in full somewhere in the text: every run of capitalised
/// words that reads as a name.
fn names_in_text(text: &str) -> Vec<String> {
    let mut names: Vec<String> = vec![];
    for line in text.lines() {
        for sentence in line.split(['.', ':', '"', '“', '”', '«', '»']) {
            for piece in pieces(sentence) {
                // Every name in the piece, each read with what precedes it
                // (back to the run before, so each character is read once).
                let mut from = 0;
                for run in NAME_RUN.find_iter(piece) {
                    let window = &piece[from..run.end()];
                    from = run.end();
                    if let Some((name, _)) = name_in(window)
                        && !names.contains(&name)
                        && !starts_with_honorific(&name)
                    {
                        names.push(name);
                    }
                }
            }
        }
    }
    names
}

/// `Ms Pene`, `Dr. Ba-Obaid`: a name whose first word is an honorific.
fn starts_with_honorific(name: &str) -> bool {
    let mut words = name.split_whitespace();
    let (Some(first), Some(_)) = (words.next(), words.next()) else {
        return false;
    };
    lexicon::is_honorific(first)
}

/// `Dr Ba-Obaid`, `Mr. Sy Diallo`, `Di Salvo`: a short form of somebody the
/// text names in full elsewhere becomes that full name; quotes of one
/// person under two forms are joined.
fn resolve_short_names(quoted: &mut Vec<ExtractedQuote>, text: &str) {
    if quoted.is_empty() {
        return;
    }
    let full_names = names_in_text(text);
    for q in quoted.iter_mut() {
        let without_honorific = if starts_with_honorific(&q.name) {
            q.name
                .split_whitespace()
                .skip(1)
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            q.name.clone()
        };
        // Only a short form: after an honorific (`Dr Ba-Obaid`), or one that
        // starts with a particle (`Di Salvo`, `Del Valle`).
        let key = crate::text::fold(&without_honorific);
        // The shortest full name that ends with this one, one or two
        // words longer: `Ni Bhriain Walsh` → `Aoife Ni Bhriain Walsh`.
        let longer = full_names
            .iter()
            .filter(|full| {
                let folded = crate::text::fold(full);
                let extra = full.split_whitespace().count() as i64
                    - without_honorific.split_whitespace().count() as i64;
                folded.len() > key.len()
                    && folded.ends_with(&format!(" {key}"))
                    && (1..=2).contains(&extra)
            })
            .min_by_key(|full| full.len());
        if let Some(full) = longer {
            q.name = full.clone();
        } else if without_honorific != q.name && without_honorific.split_whitespace().count() >= 2 {
            q.name = without_honorific;
        }
    }
    let mut merged: Vec<ExtractedQuote> = vec![];
    for q in quoted.drain(..) {
        match merged
            .iter_mut()
            .find(|m| crate::text::fold(&m.name) == crate::text::fold(&q.name))
        {
            Some(m) => {
                m.quote = format!("{}\n\n{}", m.quote, q.quote);
                if m.title_as_printed.is_none() {
                    m.title_as_printed = q.title_as_printed;
                }
            }
            None => merged.push(q),
        }
    }
    *quoted = merged;
}

/// Whether text is shaped like a person's name: two to six words, no
/// digits, no title, organisation or label words, no acronyms, no URL.
pub fn is_plausible_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    if !(2..=6).contains(&words.len())
        || text
            .chars()
            .any(|c| c.is_numeric() || matches!(c, '@' | '/' | ':' | '(' | ')' | '|'))
    {
        return false;
    }
    let acronym = |w: &str| {
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        letters.len() >= 2 && letters.len() <= 6 && letters.iter().all(|c| c.is_uppercase())
    };
    // Two words with a capital (`d'Alembert` has one), or in Arabic script.
    let capitalised = words
        .iter()
        .filter(|w| w.chars().any(char::is_uppercase) || is_arabic(w))
        .count();
    let honorific = |w: &str| lexicon::is_honorific(w) && w.chars().count() > 1;
    // `Abril A…`: a one-letter word that is no particle or initial.
    let not_a_name_word = |w: &str| w.chars().count() == 1 && !lexicon::is_particle(w);
    capitalised >= 2
        && !words
            .iter()
            .enumerate()
            .any(|(i, w)| lexicon::is_function_word(w, i == 0))
        && gazetteer::country_of(text).is_none()
        && !words.iter().any(|w| not_a_name_word(w))
        && !words.iter().any(|w| {
            lexicon::is_title_word(w)
                || w.split('-').any(lexicon::is_title_part)
                || (acronym(w) && !all_caps(text))
        })
        && !words.iter().skip(1).any(|w| honorific(w))
}

fn all_caps(text: &str) -> bool {
    text.chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase)
}

/// A name with its honorifics removed and its edges cleaned.
fn clean_name(name: &str) -> String {
    lexicon::strip_honorifics(name.trim())
        .trim_end_matches([',', '.', ';', ':'])
        .trim()
        .to_string()
}

fn clean_quote(quote: &str) -> String {
    quote.trim().trim_end_matches([',', '،']).trim().to_string()
}

fn clean_title(title: &str) -> Option<String> {
    let t = title
        .trim()
        .trim_matches(|c: char| {
            matches!(c, ',' | '،' | '.' | ';' | ':' | '—' | '–' | '-') || c.is_whitespace()
        })
        .trim();
    (!t.is_empty() && t.chars().count() <= 300).then(|| t.to_string())
}

/// Marks where a quoted passage was, in the attribution text.
const QUOTE_MARK: char = '\u{1}';

/// The largest char boundary at or below `at`.
fn char_floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The speaker in a piece of attribution: the last run of capitalised words
/// that, without its leading title and organisation words, is a name; or,
/// in Arabic script, the words after the title words. Returns the name and
/// the rest of the piece (the title as printed).
fn name_in(piece: &str) -> Option<(String, String)> {
    let piece = piece.trim();
    if is_arabic(piece) {
        let words: Vec<&str> = piece.split_whitespace().collect();
        let first_name_word = words.iter().rposition(|w| lexicon::is_title_word(w));
        let (title_words, name_words) = match first_name_word {
            Some(i) => words.split_at(i + 1),
            None => (&words[..0], &words[..]),
        };
        let name_words: Vec<&str> = name_words
            .iter()
            .copied()
            .skip_while(|w| lexicon::ATTRIBUTION.is_match(w) || lexicon::is_honorific(w))
            .collect();
        if (2..=4).contains(&name_words.len()) {
            return Some((name_words.join(" "), title_words.join(" ")));
        }
        // A name first, then a title: `ليلى حداد مديرة المكتب`.
        let name_end = words.iter().position(|w| lexicon::is_title_word(w))?;
        if (2..=4).contains(&name_end) {
            return Some((words[..name_end].join(" "), words[name_end..].join(" ")));
        }
        return None;
    }
    let runs: Vec<regex::Match<'_>> = NAME_RUN.find_iter(piece).collect();
    for run in runs.iter().rev() {
        let mut words: Vec<(usize, &str)> = run
            .as_str()
            .split_whitespace()
            .map(|w| (w.as_ptr() as usize - piece.as_ptr() as usize, w))
            .collect();
        // A name is at most six words: only a run's last eight are read.
        if words.len() > 8 {
            words.drain(..words.len() - 8);
        }
        // Drop leading title, organisation and honorific words.
        let preceded_by_preposition = piece[..words[0].0]
            .split_whitespace()
            .last()
            .is_some_and(|w| lexicon::PREPOSITIONS.contains(&w.to_lowercase().as_str()));
        // Leading words that are a place (`IOM Ukraine Name`) or follow a
        // preposition (`в Молдове Name`) are not the name, if two words remain.
        let mut first = 0;
        while first + 2 < words.len()
            && ((first == 0 && preceded_by_preposition)
                // A country right after an organisation or title (`IOM Ukraine`).
                || (first > 0 && gazetteer::is_country_name(words[first].1))
                || lexicon::is_title_word(words[first].1))
        {
            first += 1;
        }
        let has_particle = words.iter().any(|(_, w)| lexicon::is_particle(w));
        if script(run.as_str()) == 1 && words.len() - first > 2 && !has_particle {
            // Cyrillic names are two words (three with a patronymic), with
            // their particles (`Ингрид ван дер Стрейтен`).
            let capitalised: Vec<usize> = (first..words.len())
                .filter(|&i| words[i].1.chars().next().is_some_and(char::is_uppercase))
                .collect();
            let patronymic = capitalised.len() >= 3
                && [
                    "ович",
                    "евич",
                    "йович",
                    "івна",
                    "ївна",
                    "овна",
                    "евна",
                    "ич",
                ]
                .iter()
                .any(|e| words[capitalised[capitalised.len() - 2]].1.ends_with(e));
            let keep = if patronymic { 3 } else { 2 };
            if capitalised.len() > keep {
                first = capitalised[capitalised.len() - keep];
            }
        }
        for (start, _) in words.iter().skip(first) {
            let start = *start;
            let candidate = clean_name(&piece[start..run.end()]);
            if is_plausible_name(&candidate) {
                let name_at = piece[start..].find(&candidate).map(|i| i + start)?;
                let title = format!(
                    "{} {}",
                    &piece[..name_at],
                    &piece[name_at + candidate.len()..]
                );
                let title = title.replace(QUOTE_MARK, " ");
                let title = lexicon::strip_honorifics(title.trim()).to_string();
                let title = strip_honorific_words(&title);
                return Some((candidate, title));
            }
        }
    }
    None
}

/// A title without a trailing honorific (`IOM Director General Dr.` → `IOM Director General`).
fn strip_honorific_words(title: &str) -> String {
    let words: Vec<&str> = title.split_whitespace().collect();
    let keep: Vec<&str> = words
        .iter()
        .filter(|w| !lexicon::is_honorific(w) || w.chars().count() > 5)
        .copied()
        .collect();
    keep.join(" ")
}

/// Splits attribution text into comma-separated pieces (any script's comma).
fn pieces(text: &str) -> Vec<&str> {
    text.split([',', '،', ';'])
        .map(str::trim)
        .filter(|p| !p.trim_matches(QUOTE_MARK).trim().is_empty())
        .collect()
}

/// The end of a clause: a full stop that is not an initial or honorific, or a colon.
fn clause_end(text: &str) -> usize {
    for (i, c) in text.char_indices() {
        match c {
            ':' | QUOTE_MARK => return i,
            '.' | '!' | '?' => {
                let word_before = text[..i].split_whitespace().last().unwrap_or("");
                let short_capitalised = word_before.chars().count() <= 2
                    && word_before.chars().next().is_some_and(char::is_uppercase);
                let abbreviation = short_capitalised || lexicon::is_honorific(word_before);
                if !abbreviation {
                    return i;
                }
            }
            _ => {}
        }
    }
    text.len()
}

/// The speaker an attribution names around its verb: after it (`said Name,
/// Title`, `said IOM Director General Name`, `dijo la directora de la OIM,
/// Name`) or before it (`Name, Title, said`).
fn speaker(attribution: &str) -> Option<(String, Option<String>)> {
    // A few verbs are enough: a paragraph does not attribute to dozens of
    // people, and each costs a pass over its clause.
    for verb in lexicon::ATTRIBUTION.captures_iter(attribution).take(3) {
        let verb = verb.name("verb")?;
        let after = &attribution[verb.end()..];
        let after = &after[..clause_end(after)];
        let before_start = attribution[..verb.start()]
            .rfind([QUOTE_MARK, '.', ':'])
            .map(|i| i + 1)
            .unwrap_or(0)
            .max(char_floor(attribution, verb.start().saturating_sub(400)));
        let before = &attribution[before_start..verb.start()];
        // `Name said (in Geneva) that …`: reported speech; the speaker is before.
        let reported = REPORTED.is_match(after);
        let sides: &[&str] = if reported {
            &[before]
        } else {
            &[after, before]
        };
        for &side in sides {
            let parts = pieces(side);
            // A piece that is a name and nothing else wins over a name
            // found inside a longer piece (`Minister of Fisheries and
            // Aquaculture Development, Name, told…`).
            let pure = parts
                .iter()
                .position(|p| name_in(p).is_some_and(|(_, rest)| rest.trim().is_empty()));
            let order: Vec<usize> = pure
                .into_iter()
                .chain((0..parts.len()).filter(|i| Some(*i) != pure))
                .collect();
            for i in order {
                let part = parts[i];
                if let Some((name, title_rest)) = name_in(part) {
                    let mut title_parts: Vec<String> = vec![];
                    if !title_rest.trim().is_empty() {
                        title_parts.push(title_rest.trim().to_string());
                    }
                    for (j, other) in parts.iter().enumerate() {
                        if j != i {
                            title_parts.push(other.replace(QUOTE_MARK, " ").trim().to_string());
                        }
                    }
                    let title = clean_title(&title_parts.join(", "));
                    return Some((name, title));
                }
            }
        }
    }
    None
}

/// Paragraphs: blank-line separated blocks joined, when the text is written
/// that way (hard-wrapped e-mails); otherwise each line.
fn paragraphs(lines: &[&str]) -> Vec<String> {
    let blank_separated = lines.iter().filter(|l| l.is_empty()).count() >= 3
        && lines.windows(2).any(|w| {
            !w[0].is_empty() && !w[1].is_empty() && !w[0].ends_with(['.', '"', '”', '»', ':'])
        });
    if !blank_separated {
        return lines.iter().map(|l| l.to_string()).collect();
    }
    let mut out = vec![];
    let mut current = String::new();
    for line in lines {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Dash-introduced quotes (`— Текст, — сказала Ім'я.`): the quote and the attribution.
static DASH_ATTRIBUTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[,.!?…]\s*[—–]\s+").expect("dash attribution regex"));
static INLINE_DASH_ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s[—–]\s*(?P<attribution>\p{Ll}[^—–]+)(?:[—–]|$)")
        .expect("inline dash attribution regex")
});

fn dash_quote(paragraph: &str) -> Option<(String, String)> {
    let rest = paragraph
        .strip_prefix('—')
        .or_else(|| paragraph.strip_prefix('–'))
        .or_else(|| paragraph.strip_prefix("- "))?;
    // `— Текст, — сказала Name.`
    if let Some(m) = DASH_ATTRIBUTION.find(rest) {
        let mark = rest[m.start()..].chars().next().map_or(1, char::len_utf8);
        let quote = rest[..m.start() + mark]
            .trim()
            .trim_end_matches(',')
            .to_string();
        return Some((quote, rest[m.end()..].to_string()));
    }
    // `—Texto —afirmó la directora, Name—. Más texto.`
    if let Some(c) = INLINE_DASH_ATTRIBUTION.captures(rest) {
        let at = c.get(0)?.start();
        return Some((rest[..at].trim().to_string(), c["attribution"].to_string()));
    }
    // `– Text, says Name.`
    let verb = lexicon::ATTRIBUTION
        .captures_iter(rest)
        .last()?
        .name("verb")?;
    let comma = rest[..verb.start()].rfind(',')?;
    Some((
        rest[..comma].trim().to_string(),
        rest[comma + 1..].to_string(),
    ))
}

fn add_quote(
    quoted: &mut Vec<ExtractedQuote>,
    name: String,
    title: Option<String>,
    quote: String,
) -> usize {
    let key = crate::text::fold(&name);
    match quoted
        .iter()
        .position(|q| crate::text::fold(&q.name) == key)
    {
        Some(i) => {
            quoted[i].quote = format!("{}\n\n{quote}", quoted[i].quote);
            if quoted[i].title_as_printed.is_none() {
                quoted[i].title_as_printed = title;
            }
            i
        }
        None => {
            quoted.push(ExtractedQuote {
                name,
                title_as_printed: title,
                quote,
            });
            quoted.len() - 1
        }
    }
}

fn extract_quotes(lines: &[&str]) -> Vec<ExtractedQuote> {
    let mut quoted: Vec<ExtractedQuote> = vec![];
    // Index in `quoted` of whoever spoke in the last attributed paragraph.
    let mut last_speaker: Option<usize> = None;
    let mut pending: Option<(String, Option<String>)> = None;
    for paragraph in paragraphs(lines).iter().filter(|p| !p.is_empty()) {
        let paragraph = lead_of(paragraph);
        let spans: Vec<String> = QUOTED
            .captures_iter(&paragraph)
            .filter_map(|c| {
                ["a", "b", "c", "d", "e"]
                    .iter()
                    .find_map(|n| c.name(n))
                    .map(|m| m.as_str().to_string())
            })
            .filter(|q| q.split_whitespace().count() >= 2)
            .collect();
        // Two or three words in quotation marks are as often a name or a
        // phrase as speech: those need a verb and a name next to them.
        let only_short = spans.iter().all(|q| q.split_whitespace().count() < 4);
        if spans.is_empty() && !paragraph.trim_start().starts_with(['—', '–']) {
            // `Name said that …`, `Name also attended.`: whoever speaks in
            // the next quote that names nobody.
            pending = speaker(&paragraph).or_else(|| {
                pieces(&paragraph)
                    .iter()
                    .find_map(|p| name_in(p))
                    .map(|(name, _)| (name, None))
            });
        }
        let (quote, attribution) = if !spans.is_empty() {
            let attribution = QUOTED
                .replace_all(&paragraph, QUOTE_MARK.to_string().as_str())
                .to_string();
            let quote = spans
                .iter()
                .map(|s| clean_quote(s))
                .collect::<Vec<_>>()
                .join("\n\n");
            (quote, attribution)
        } else if let Some((quote, attribution)) = dash_quote(&paragraph) {
            (quote, format!("{QUOTE_MARK}, {attribution}"))
        } else {
            last_speaker = None;
            continue;
        };
        let outside = attribution.replace(QUOTE_MARK, " ");
        let attributed = lexicon::ATTRIBUTION.is_match(&outside)
            || lexicon::PRONOUN_ATTRIBUTION.is_match(&outside);
        // `Name did this. “…,” she said.`: the paragraph's subject speaks.
        let subject = || {
            contact_name(&paragraph)
                .filter(|_| attributed)
                .map(|name| (name, None))
        };
        // `“…,” said Pope.`: a family name already quoted.
        let known = || {
            outside
                .split(|c: char| !c.is_alphabetic() && c != '-' && c != '’' && c != '\'')
                .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                .find_map(|w| {
                    quoted
                        .iter()
                        .find(|q| q.name.split_whitespace().last() == Some(w))
                        .map(|q| (q.name.clone(), None))
                })
                .filter(|_| attributed)
        };
        // `Name did this. «…»`: the one name before the quote.
        let before_quote = || {
            let text = attribution.split(QUOTE_MARK).next().unwrap_or("");
            pieces(text)
                .iter()
                .find_map(|p| name_in(p))
                .map(|(name, _)| (name, None))
        };
        let pending_speaker = || last_speaker.is_none().then(|| pending.take()).flatten();
        let found = if only_short {
            speaker(&attribution)
        } else {
            speaker(&attribution)
                .or_else(subject)
                .or_else(known)
                .or_else(pending_speaker)
                .or_else(before_quote)
        };
        if only_short && found.is_none() {
            last_speaker = None;
            continue;
        }
        pending = None;
        match found {
            Some((name, title)) => {
                last_speaker = Some(add_quote(&mut quoted, name, title, quote));
            }
            None => {
                let outside = attribution.replace(QUOTE_MARK, "");
                let names_nobody = !outside
                    .split_whitespace()
                    .any(|w| w.chars().next().is_some_and(char::is_uppercase));
                let continues = outside
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .is_empty()
                    || lexicon::PRONOUN_ATTRIBUTION.is_match(&outside)
                    || (attributed && names_nobody);
                match (last_speaker, continues) {
                    (Some(i), true) => {
                        quoted[i].quote = format!("{}\n\n{quote}", quoted[i].quote);
                    }
                    _ => last_speaker = None,
                }
            }
        }
    }
    quoted
}

/// A headline that is one person's words (`Statement by the Regional
/// Director, Name`): that person is quoted, with the release's first paragraph.
fn headline_speaker(title: &str, prose: &[&str], quoted: &mut Vec<ExtractedQuote>) {
    if !lexicon::STATEMENT_HEADLINE.is_match(title) {
        return;
    }
    let mut candidates: Vec<(&str, &str)> = vec![];
    if let Some((before, after)) = title.rsplit_once([',', ':', '–', '—']) {
        candidates.push((after, before));
    }
    for by in lexicon::BY_WORDS {
        if let Some(at) = title.rfind(&format!(" {by} ")) {
            candidates.push((&title[at + by.len() + 2..], &title[..at]));
        }
    }
    // `Statement by the Regional Director, Name, on …`: a piece that is a name.
    let mut offset = 0;
    for piece in title.split(',') {
        candidates.push((piece, &title[..offset.min(title.len())]));
        offset += piece.len() + 1;
    }
    for (name_part, rest) in candidates {
        let Some((name, title_rest)) = name_in(name_part) else {
            continue;
        };
        if !title_rest.trim().is_empty() || name.split_whitespace().count() > 4 {
            continue;
        }
        let role = lexicon::STATEMENT_HEADLINE.replace(rest, "");
        let role = role
            .trim()
            .trim_start_matches(|c: char| c.is_lowercase() || c.is_whitespace())
            .trim();
        let role = lexicon::BY_WORDS.iter().fold(role.to_string(), |r, by| {
            r.strip_prefix(&format!("{by} "))
                .map(str::to_string)
                .unwrap_or(r)
        });
        let quote = prose
            .iter()
            .map(|l| lead_of(l))
            .find(|l| l.split_whitespace().count() >= 8)
            .unwrap_or_default();
        if quoted
            .iter()
            .any(|q| crate::text::fold(&q.name) == crate::text::fold(&name))
        {
            return;
        }
        quoted.insert(
            0,
            ExtractedQuote {
                name,
                title_as_printed: clean_title(&role),
                quote,
            },
        );
        return;
    }
}

/// A name at the start of a contact line: capitalised words, or in Arabic
/// script the words before the first comma or dash.
fn contact_name(line: &str) -> Option<String> {
    let line = lexicon::strip_honorifics(line.trim());
    if is_arabic(line) {
        let first = line
            .split([',', '،', '|', ':', '–', '—', '(', '\t'])
            .next()?
            .trim();
        let first = first.split(" - ").next()?.trim();
        let words: Vec<&str> = first.split_whitespace().collect();
        let name_end = words
            .iter()
            .position(|w| lexicon::is_title_word(w))
            .unwrap_or(words.len());
        let name = words[..name_end].join(" ");
        if (2..=4).contains(&name_end) && !has_values(&name) && !lexicon::LABEL.is_match(&name) {
            return Some(name);
        }
        // A title first: `الناطق الإعلامي باسم الوزارة Name`.
        return name_in(first)
            .map(|(name, _)| name)
            .filter(|n| !has_values(n) && !lexicon::LABEL.is_match(n));
    }
    let c = CONTACT_NAME.captures(line)?;
    let mut name = c["name"].to_string();
    // `Name Tel` or `Name Email` run together: stop before a label word.
    let words: Vec<&str> = name.split_whitespace().collect();
    if let Some(i) = words.iter().position(|w| lexicon::is_title_word(w)) {
        name = words[..i].join(" ");
    }
    let name = clean_name(&name);
    is_plausible_name(&name).then_some(name)
}

/// Splits the contact block into one text per person, with the place the
/// block files them under (`In Geneva:`).
fn contact_entries(block: &[&str]) -> Vec<(String, Option<String>)> {
    let mut entries: Vec<(String, Option<String>)> = vec![];
    let mut current: Option<String> = None;
    let mut place: Option<String> = None;
    let mut current_place: Option<String> = None;
    for (i, raw) in block.iter().enumerate() {
        let opener =
            lexicon::CONTACT_OPENER.is_match(raw) && (i == 0 || contact_name(raw).is_none());
        let mut line = if opener {
            lexicon::CONTACT_OPENER.replace(raw, "").to_string()
        } else {
            raw.to_string()
        };
        // The rest of an opener: `…, please contact:`, `veuillez contacter :`.
        if opener {
            line = OPENER_REST.replace(&line, "").to_string();
        }
        let mut line = line
            .trim()
            .trim_start_matches([':', ',', '-', '•', '*', '–', '—', '·'])
            .trim()
            .to_string();
        if let Some(c) = lexicon::LOCATION_PREFIX.captures(&line)
            && (gazetteer::country_of(&c["place"]).is_some()
                || contact_name(&line[c.get(0).map(|m| m.end()).unwrap_or(0)..]).is_some())
        {
            place = Some(c["place"].trim().to_string());
            line = line[c.get(0).map(|m| m.end()).unwrap_or(0)..].to_string();
            if line.trim().is_empty() {
                entries.extend(current.take().map(|e| (e, current_place.clone())));
                continue;
            }
        }
        // `OIM Maroc : Mme Name, Tél…`, `Киев: Name, тел…`: a place or an
        // office before a colon, then the contact.
        if let Some(c) = HEAD_COLON.captures(&line) {
            let head = c["head"].trim().to_string();
            let rest = c["rest"].to_string();
            if !has_values(&head)
                && !lexicon::LABEL.is_match(&format!("{head}:"))
                && contact_name(&rest).is_some()
            {
                if gazetteer::country_of(&head).is_some() {
                    place = Some(head);
                    line = rest;
                } else if has_values(&rest) {
                    line = format!("{rest}, {OFFICE_HINT}{head}");
                }
            }
        }
        // `MSF Paris / Name`, `UNDP – Name`: an office, then the contact.
        if let Some(c) = HEAD_SEPARATOR.captures(&line)
            && contact_name(&line).is_none()
            && !has_values(&c["head"])
            && contact_name(&c["rest"]).is_some()
        {
            line = format!("{}, {OFFICE_HINT}{}", &c["rest"], c["head"].trim());
        }
        // `Tel.: 099 412 33 07 (Name, Office)`: the name in brackets.
        if let Some(c) = NAME_IN_BRACKETS.captures(&line)
            && contact_name(&line).is_none()
            && let Some(name) = contact_name(&c["inside"])
        {
            let rest = format!(
                "{}{}",
                &line[..c.get(0).map(|m| m.start()).unwrap_or(0)],
                &c["inside"][c["inside"].find(&name).map(|i| i + name.len()).unwrap_or(0)..]
            );
            line = format!("{name}, {rest}");
        }
        // A bare place heading: `Geneva:`.
        if line.ends_with(':')
            && line.chars().next().is_some_and(char::is_uppercase)
            && gazetteer::country_of(line.trim_end_matches(':')).is_some()
        {
            entries.extend(current.take().map(|e| (e, current_place.clone())));
            place = Some(line.trim_end_matches(':').trim().to_string());
            continue;
        }
        if line.is_empty() {
            entries.extend(current.take().map(|e| (e, current_place.clone())));
            continue;
        }
        // `Senior Press Officer Name on 07716…`: the title first.
        if contact_name(&line).is_none() && has_values(&line) {
            let value_at = [
                EMAIL.find(&line),
                PHONE.find(&line),
                lexicon::LABEL.find(&line),
            ]
            .into_iter()
            .flatten()
            .map(|m| m.start())
            .min()
            .unwrap_or(line.len());
            let prefix = line[..value_at].split([',', '(']).next().unwrap_or("");
            if let Some((name, title)) = name_in(prefix).filter(|(_, t)| !t.trim().is_empty()) {
                let rest = line[prefix.len()..]
                    .trim_start_matches([',', ' '])
                    .to_string();
                let rest = ON_NUMBER.replace(&rest, "").to_string();
                line = format!("{name}, {}, {rest}", title.trim());
            }
        }
        let starts_with_label = lexicon::LABEL
            .find(&line)
            .is_some_and(|m| line[..m.start()].trim().is_empty());
        let starts_with_name = !starts_with_label && contact_name(&line).is_some();
        // A name line opens a new contact unless the open one has no number or
        // address yet (then it is that contact's title or office line).
        let current_is_bare = current
            .as_deref()
            .is_some_and(|c| !has_values(c) && !lexicon::LABEL.is_match(c));
        let opens_contact = !current_is_bare || has_values(&line);
        if starts_with_name && opens_contact {
            entries.extend(current.take().map(|e| (e, current_place.clone())));
            current_place = place.clone();
            // Several people on one line: "A at X, Tel…, or B at Y, Tel…".
            let mut parts = vec![];
            let mut last = 0;
            for c in NEXT_PERSON.captures_iter(&line) {
                let Some(next) = c.name("loc").or(c.name("next")).map(|m| m.start()) else {
                    continue;
                };
                let candidate = lexicon::LOCATION_PREFIX.replace(&line[next..], "");
                if contact_name(&candidate).is_some() && has_values(&line[last..next]) {
                    parts.push(line[last..c.get(0).map(|m| m.start()).unwrap_or(next)].to_string());
                    last = next;
                }
            }
            parts.push(line[last..].to_string());
            let keep = parts.pop();
            entries.extend(parts.into_iter().map(|p| (p, current_place.clone())));
            current = keep;
        } else if let Some(entry) = current.as_mut() {
            entry.push_str(", ");
            entry.push_str(&line);
        } else if has_values(&line) && !entries.is_empty() && !starts_with_label {
            // A value line after a blank: still the previous contact.
            if let Some((last, _)) = entries.last_mut() {
                last.push_str(", ");
                last.push_str(&line);
            }
        } else if starts_with_label && let Some((last, _)) = entries.last_mut() {
            last.push_str(", ");
            last.push_str(&line);
        }
    }
    entries.extend(current.map(|e| (e, current_place.clone())));
    entries
}

/// `Name said (in Geneva) that …`: reported speech.
static REPORTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s,]*(?:\S+\s+){0,3}?(?i:that|que|qu['’]|что|що|أن|بأن)\b")
        .expect("reported regex")
});

/// The rest of an opener: `…, please contact:`, `veuillez contacter :`.
static OPENER_REST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[^:]*?(?:contactar(?:\s+a)?|contacter|contactez|contacting|contact|contatar|contactem|звертайтеся(?:\s+до)?|обращайтесь(?:\s+к)?|يرجى الاتصال ب?)\b\s*[:,]?\s*")
        .expect("opener rest regex")
});

/// `on 07716…`, `au +221…` between a name and a number.
static ON_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i:on|at|au|al|en|em|на|по)\s+").expect("on regex"));

/// Where the next person starts on a line of several: `…, or Name`,
/// `…; Name`, `… | Name`, `… In Geneva, Name`.
static NEXT_PERSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:;\s*|,?\s+(?:or|o|ou|або|или|أو)\s+(?:(?:con|with|avec|com|з|с)\s+)?|\s+[|/]\s+|\s+(?P<loc>(?:In|En|À|Em|У|В)\s+))(?P<next>\p{Lu})")
        .expect("next person regex")
});

/// `Head : rest` in a contact block.
static HEAD_COLON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<head>[^:@\d]{2,60}?)\s*:\s*(?P<rest>\S.*)$").expect("head regex")
});

/// `Office / rest`, `Office – rest` in a contact block.
static HEAD_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<head>[^/|–—@\d]{2,40}?)\s+[/|–—]\s+(?P<rest>\S.*)$")
        .expect("head separator regex")
});

/// `(Name, Office)` in a line that does not start with a name.
static NAME_IN_BRACKETS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\((?P<inside>[^()]{4,80})\)").expect("brackets regex"));

/// Marks an office printed before the contact's name (`OIM Maroc : Name`).
const OFFICE_HINT: &str = "\u{2}";

/// Phones and emails in one stretch of a contact line.
fn take_values(
    segment: &str,
    label: Option<&str>,
    phones: &mut Vec<ExtractedPhone>,
    emails: &mut Vec<ExtractedEmail>,
) {
    for email in EMAIL.find_iter(segment) {
        let value = email.as_str().trim_end_matches('.').to_string();
        if !emails.iter().any(|e| e.value.eq_ignore_ascii_case(&value)) {
            emails.push(ExtractedEmail {
                label: label
                    .filter(|l| lexicon::label_kind(l) == ContactKind::Email)
                    .map(str::to_string),
                value,
            });
        }
    }
    let without_emails = EMAIL.replace_all(segment, " ");
    let phone_label = label.filter(|l| lexicon::label_kind(l) != ContactKind::Email);
    let kind = phone_label
        .map(lexicon::label_kind)
        .unwrap_or(ContactKind::Phone);
    let mut found = false;
    for phone in PHONE.find_iter(&without_emails) {
        let display = phone
            .as_str()
            .trim()
            .trim_end_matches([')', '.', ' '])
            .to_string();
        let display = if display.matches('(').count() < display.matches(')').count() {
            display.trim_end_matches(')').to_string()
        } else {
            display
        };
        // Inside a contact's entry a short national number (7 digits, in
        // groups) is a phone; a date is not.
        let in_entry = display.chars().filter(char::is_ascii_digit).count() >= 7
            && display.split([' ', '-', '.']).count() >= 3
            && find_date(&display).is_none();
        if !(is_phone_like(&display, phone_label.is_some()) || in_entry) {
            continue;
        }
        found = true;
        if !phones.iter().any(|p| p.display == display) {
            phones.push(ExtractedPhone {
                kind,
                label: phone_label.map(str::to_string),
                display,
                value: None,
            });
        }
    }
    // A phone label followed by something that is not a number: kept as
    // printed (ingestion warns), never dropped.
    let leftover = without_emails
        .trim()
        .trim_matches(|c: char| matches!(c, ',' | ';' | '|' | '/') || c.is_whitespace());
    if !found
        && phone_label.is_some()
        && !leftover.is_empty()
        && leftover.chars().any(char::is_numeric)
        && leftover.chars().count() <= 40
    {
        phones.push(ExtractedPhone {
            kind,
            label: phone_label.map(str::to_string),
            display: leftover.to_string(),
            value: None,
        });
    }
}

fn parse_contact(entry: &str, place: Option<String>) -> Option<ExtractedContact> {
    // The office printed before the name travels behind a marker, up to
    // the next comma; what follows it is still this contact's.
    let (entry, office_hint) = match entry.split_once(OFFICE_HINT) {
        Some((before, after)) => {
            let office = after.split(',').next().unwrap_or(after);
            (
                format!("{}{}", before.trim_end(), &after[office.len()..]),
                Some(office.trim().to_string()),
            )
        }
        None => (entry.to_string(), None),
    };
    let (entry, place) = match lexicon::LOCATION_PREFIX.captures(entry.trim()) {
        Some(c) => (
            entry.trim()[c.get(0).map(|m| m.end()).unwrap_or(0)..].to_string(),
            Some(c["place"].trim().to_string()),
        ),
        None => (entry, place),
    };
    let stripped = lexicon::strip_honorifics(entry.trim());
    let name = contact_name(stripped)?;
    let after_name = match stripped.find(&name) {
        Some(i) => &stripped[i + name.len()..],
        None => stripped
            .split_once([',', '،', '|'])
            .map(|(_, rest)| rest)
            .unwrap_or(""),
    };
    let after_name = after_name.to_string();

    // Labelled values: each label's value runs until the next label.
    let labels: Vec<(usize, usize, String)> = lexicon::LABEL
        .captures_iter(&after_name)
        .filter_map(|c| {
            let label = c.name("label")?;
            let whole_end = c.get(0)?.end();
            Some((
                label.start(),
                whole_end,
                // As printed: `Tel.` keeps its full stop.
                if after_name[label.end()..].starts_with('.') {
                    format!("{}.", label.as_str().trim_end_matches([':', ' ']))
                } else {
                    label.as_str().trim_end_matches([':', ' ']).to_string()
                },
            ))
        })
        .collect();
    let descriptor_end = labels.first().map(|l| l.0).unwrap_or(after_name.len());
    let mut phones = vec![];
    let mut emails = vec![];
    // Values before the first label (unlabelled), then each label's segment.
    let descriptor_raw = &after_name[..descriptor_end];
    take_values(descriptor_raw, None, &mut phones, &mut emails);
    for (i, (_, value_start, label)) in labels.iter().enumerate() {
        let end = labels.get(i + 1).map(|l| l.0).unwrap_or(after_name.len());
        take_values(
            &after_name[*value_start..end],
            Some(label),
            &mut phones,
            &mut emails,
        );
    }
    if phones.is_empty() && emails.is_empty() {
        return None;
    }

    // What is left of the descriptor, without values: "at Office" or ", Title, Office".
    let descriptor = PHONE
        .replace_all(&EMAIL.replace_all(descriptor_raw, ""), "")
        .to_string();
    let descriptor = descriptor
        .replace(['|', '(', ')', '–', '—'], ",")
        .replace(" - ", ",");
    let descriptor = descriptor
        .trim()
        .trim_matches(|c: char| matches!(c, ',' | ';' | '،') || c.is_whitespace())
        .to_string();
    let at_office = AT_OFFICE.find(&descriptor).map(|m| m.end());
    let (title_as_printed, office_as_printed) = if let Some(end) =
        at_office.filter(|_| descriptor.starts_with("at ") || looks_like_office(&descriptor))
    {
        (
            None,
            Some(
                descriptor[end..]
                    .trim()
                    .trim_end_matches(',')
                    .trim()
                    .to_string(),
            ),
        )
    } else {
        let parts: Vec<&str> = descriptor
            .split([',', '،'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        match parts.as_slice() {
            [] => (None, None),
            [only] if looks_like_office(only) => (None, Some(only.to_string())),
            [only] => (Some(only.to_string()), None),
            [title, rest @ ..] => (Some(title.to_string()), Some(rest.join(", "))),
        }
    };
    Some(ExtractedContact {
        name,
        title_as_printed: title_as_printed.filter(|t| !t.is_empty()),
        office_as_printed: office_as_printed.filter(|o| !o.is_empty()).or(office_hint),
        place_as_printed: place,
        phones,
        emails,
    })
}

/// The country an email address's domain names (`.org.uk`, `.gov.pk`).
fn email_country(email: &str) -> Option<String> {
    let tld = email.rsplit('.').next()?.to_ascii_uppercase();
    let code = if tld == "UK" { "GB".to_string() } else { tld };
    (code.len() == 2 && code.parse::<phonenumber::country::Id>().is_ok()).then_some(code)
}

/// The country of an international number.
fn number_country(display: &str) -> Option<String> {
    let (digits, _) = split_extension(display);
    if !digits.starts_with('+') {
        return None;
    }
    let number = phonenumber::parse(None, &digits).ok()?;
    number.country().id().map(|id| id.as_ref().to_string())
}

/// A national number that is valid in exactly one country's numbering plan
/// (`07821 445 903`); none when several or no country would take it.
fn only_reading(display: &str) -> Option<String> {
    let mut readings = gazetteer::country_codes()
        .filter_map(|code| canonical_value(ContactKind::Phone, display, Some(code)).ok());
    let first = readings.next()?;
    readings.all(|other| other == first).then_some(first)
}

/// Reads every number the way a careful reader would: one with a country
/// code as is; one without, with the first country the release gives the
/// contact that makes it a valid number: the place the block files them
/// under, a place in their own line (`UNICEF Canada`), their email's
/// country, the dateline's (or, without one, the text's) country, then the
/// countries of the other numbers printed for them and in the block.
fn read_numbers(contacts: &mut [ExtractedContact], release_countries: &[&str]) {
    let block_countries: Vec<String> = contacts
        .iter()
        .flat_map(|c| c.phones.iter().filter_map(|p| number_country(&p.display)))
        .collect();
    for contact in contacts.iter_mut() {
        let mut regions: Vec<String> = vec![];
        let mut add = |code: Option<String>| {
            if let Some(code) = code
                && !regions.contains(&code)
            {
                regions.push(code);
            }
        };
        add(contact
            .place_as_printed
            .as_deref()
            .and_then(gazetteer::country_of)
            .map(str::to_string));
        for text in [&contact.office_as_printed, &contact.title_as_printed]
            .into_iter()
            .flatten()
        {
            let words: Vec<&str> = text
                .split(|c: char| !c.is_alphabetic() && c != '-' && c != '’' && c != '\'')
                .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                .collect();
            for (i, word) in words.iter().enumerate() {
                let pair = words.get(i + 1).map(|next| format!("{word} {next}"));
                add(pair
                    .as_deref()
                    .and_then(gazetteer::country_of)
                    .or_else(|| {
                        (word.chars().count() > 3)
                            .then(|| gazetteer::country_of(word))
                            .flatten()
                    })
                    .map(str::to_string));
            }
        }
        for email in &contact.emails {
            add(email_country(&email.value));
        }
        for code in release_countries {
            add(Some(code.to_string()));
        }
        for phone in &contact.phones {
            add(number_country(&phone.display));
        }
        for code in &block_countries {
            add(Some(code.clone()));
        }
        for phone in contact.phones.iter_mut() {
            let read = |region: Option<&str>| {
                canonical_value(ContactKind::Phone, &phone.display, region).ok()
            };
            phone.value = read(None)
                .or_else(|| regions.iter().find_map(|r| read(Some(r))))
                .or_else(|| only_reading(&phone.display));
        }
    }
}

/// `at Office`, `en la Oficina`: the office after a preposition.
static AT_OFFICE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?i:at|en|à|a|em|no|na|у|в|في)\s+").expect("at office regex"));

fn looks_like_office(text: &str) -> bool {
    const OFFICE_WORDS: &[&str] = &[
        "iom",
        "oim",
        "office",
        "oficina",
        "bureau",
        "escritorio",
        "mission",
        "mision",
        "missao",
        "agency",
        "ministry",
        "un",
        "unit",
        "headquarters",
        "sede",
        "siege",
        "ofis",
        "mom",
    ];
    crate::text::fold(text)
        .split(' ')
        .any(|w| OFFICE_WORDS.contains(&w))
}

/// `name[at]unwomen.org`, `name [arobase] unicef.org`: addresses written
/// to escape harvesters, read back.
static OBFUSCATED_AT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*[\[(]\s*(?:at|arobase|arroba|собака|@)\s*[\])]\s*").expect("at regex")
});
static OBFUSCATED_DOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*[\[(]\s*(?:dot|point|punto|ponto|крапка|точка)\s*[\])]\s*")
        .expect("dot regex")
});

fn extract_contacts(block: &[&str], warnings: &mut Vec<String>) -> Vec<ExtractedContact> {
    let readable: Vec<String> = block
        .iter()
        .filter(|l| !lexicon::HOTLINE.is_match(l))
        .map(|l| {
            let l = OBFUSCATED_AT.replace_all(l, "@");
            OBFUSCATED_DOT.replace_all(&l, ".").to_string()
        })
        .collect();
    let block: Vec<&str> = readable.iter().map(String::as_str).collect();
    let mut contacts: Vec<ExtractedContact> = vec![];
    for (entry, place) in contact_entries(&block) {
        match parse_contact(&entry, place) {
            Some(contact) => {
                match contacts
                    .iter_mut()
                    .find(|c| crate::text::fold(&c.name) == crate::text::fold(&contact.name))
                {
                    // The same person listed twice (once per language, say).
                    Some(existing) => {
                        for p in contact.phones {
                            if !existing.phones.iter().any(|e| e.display == p.display) {
                                existing.phones.push(p);
                            }
                        }
                        for e in contact.emails {
                            if !existing
                                .emails
                                .iter()
                                .any(|x| x.value.eq_ignore_ascii_case(&e.value))
                            {
                                existing.emails.push(e);
                            }
                        }
                    }
                    None => contacts.push(contact),
                }
            }
            None if !has_values(&entry) => {}
            None => warnings.push(format!("Could not read a contact from: {}", entry.trim())),
        }
    }
    contacts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines_in_several_languages_with_and_without_dates() {
        let d = read_dateline(
            "GENEVA, 12 MARCH 2024 – The International Organization for Migration today",
        )
        .unwrap();
        assert_eq!(d.place, "GENEVA");
        assert_eq!(d.date, NaiveDate::from_ymd_opt(2024, 3, 12));
        assert_eq!(d.country, Some("CH"));
        let d = read_dateline(
            "Київ, 2 травня 2024 року – Міжнародна організація з міграції сьогодні повідомила",
        )
        .unwrap();
        assert_eq!(d.place, "Київ");
        assert_eq!(d.date, NaiveDate::from_ymd_opt(2024, 5, 2));
        let d = read_dateline("San José, Costa Rica, 12 de marzo de 2024 – La Organización Internacional para las Migraciones").unwrap();
        assert_eq!(d.place, "San José, Costa Rica");
        assert_eq!(d.country, Some("CR"));
        let d = read_dateline(
            "Kyiv, 2 May 2024. The International Organization for Migration said today",
        )
        .unwrap();
        assert_eq!(d.place, "Kyiv");
        assert!(read_dateline("IOM - News - 12 May 2024").is_none());
        assert!(
            read_dateline(
                "Home - Press releases - IOM welcomes the new regional plan for the Americas"
            )
            .is_none()
        );
    }

    #[test]
    fn honorifics_leave_names() {
        assert_eq!(clean_name("Dr. Amal Haddad"), "Amal Haddad");
        assert_eq!(clean_name("Mme Awa Ndiaye"), "Awa Ndiaye");
        assert_eq!(
            clean_name("Sra. María José Fernández"),
            "María José Fernández"
        );
        assert_eq!(clean_name("Prof. Ana Lima"), "Ana Lima");
        assert_eq!(clean_name("Ms Jane Doe"), "Jane Doe");
    }

    #[test]
    fn speakers_with_titles_before_their_names() {
        assert_eq!(
            speaker("\u{1}, said IOM Director General Amy Pope."),
            Some(("Amy Pope".into(), Some("IOM Director General".into())))
        );
        assert_eq!(
            speaker("\u{1}, dijo la directora regional de la OIM, Ana Ruiz."),
            Some((
                "Ana Ruiz".into(),
                Some("la directora regional de la OIM".into())
            ))
        );
        assert_eq!(
            speaker("\u{1}, a déclaré Mme Awa Ndiaye, cheffe de mission."),
            Some(("Awa Ndiaye".into(), Some("cheffe de mission".into())))
        );
        assert_eq!(
            speaker("\u{1}, — заявила Олена Коваленко, речниця МОМ."),
            Some(("Олена Коваленко".into(), Some("речниця МОМ".into())))
        );
    }

    #[test]
    fn a_text_without_a_headline_gets_its_first_sentence() {
        let e = extract(
            "The International Organization for Migration (IOM) today opened a new centre in the city. It will serve 2,000 people.",
            None,
        );
        assert!(e.title_derived);
        assert_eq!(
            e.title.as_deref(),
            Some(
                "The International Organization for Migration (IOM) today opened a new centre in the city"
            )
        );
    }
}
#[cfg(test)]
mod hostile {
    /// Whatever the text, extraction neither panics nor takes long: every
    /// fixture cut at arbitrary characters, with odd characters spliced in.
    #[test]
    fn extraction_survives_cut_and_spliced_releases() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/releases/tuning");
        let splices = [
            "…",
            "—",
            "«",
            "»",
            "“",
            "\u{1}",
            "\u{2}",
            "،",
            "٠١٢",
            "Tel.",
            ". For more information contact",
            "\n\n",
            "ÿ",
            "😀",
        ];
        let mut seed: u64 = 0x5eed;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n.max(1)
        };
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        for path in files.iter().take(60) {
            let text = std::fs::read_to_string(path).unwrap();
            let chars: Vec<char> = text.chars().collect();
            for _ in 0..6 {
                let cut = next(chars.len());
                let at = next(chars.len());
                let mut mutated: String = chars[..cut].iter().collect();
                let insert = splices[next(splices.len())];
                let at = at.min(mutated.chars().count());
                let byte = mutated
                    .char_indices()
                    .nth(at)
                    .map_or(mutated.len(), |(i, _)| i);
                mutated.insert_str(byte, insert);
                let _ = super::extract(&mutated, None);
            }
        }
    }

    #[test]
    fn long_hostile_texts_are_read_with_bounded_people() {
        let words: Vec<String> = (0..14000)
            .map(|i| format!("Ab{}", (b'a' + (i % 26) as u8) as char))
            .collect();
        let capitals = format!(
            "Title Of The Release\nGENEVA, 12 March 2024 – {} “Quote here with words,” said Ms Abc.",
            words.join(" ")
        );
        let sentences = ". For more information contact Ab Cd +41 22 717 9111".repeat(1500);
        let verbs = format!("“a b c d,” {}", "said Ab Cd said ".repeat(3000));
        // Each of these took minutes before the reading was bounded (runs
        // read from their last eight words, three verbs per paragraph, a
        // window before each verb); `bench/ingest.sh` times them.
        for text in [
            capitals,
            sentences,
            verbs,
            "“a b c d,” said Ms X. ".repeat(4000),
        ] {
            let e = super::extract(&text, None);
            assert!(e.quoted.len() <= super::MAX_PEOPLE);
            assert!(e.media_contacts.len() <= super::MAX_PEOPLE);
        }
    }
}
