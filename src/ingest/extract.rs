//! Reading a press release as published: title, dateline, body, who was
//! quoted (with title as printed and the quote), and the media contacts with
//! every phone and email. Pure text work; matching and writing is `apply`.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use utoipa::ToSchema;

use crate::contact_points::model::ContactKind;

/// A quoted person, as the release prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExtractedQuote {
    pub name: String,
    pub title_as_printed: Option<String>,
    /// Every quoted passage of this person, in order, separated by a blank line.
    pub quote: String,
}

/// A phone number as printed, with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExtractedPhone {
    pub kind: ContactKind,
    /// `Tel`, `Mobile`, `WhatsApp`… as printed; null when unlabelled.
    pub label: Option<String>,
    /// As printed.
    pub display: String,
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
    pub name: String,
    pub title_as_printed: Option<String>,
    pub office_as_printed: Option<String>,
    pub phones: Vec<ExtractedPhone>,
    pub emails: Vec<ExtractedEmail>,
}

/// Everything read from a release's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Extraction {
    pub title: Option<String>,
    /// The place as printed before the dash that opens the release.
    pub dateline: Option<String>,
    /// From the dateline (or the title) to the end, site navigation left out.
    pub body: String,
    pub quoted: Vec<ExtractedQuote>,
    pub media_contacts: Vec<ExtractedContact>,
    /// What could not be read with confidence.
    pub warnings: Vec<String>,
}

const NAME_TOKEN: &str = r"\p{Lu}[\p{L}’'\-]*\.?";
const PARTICLES: &str =
    r"(?:de|del|della|dei|di|da|das|dos|du|van|von|der|den|ter|le|la|al|el|bin|ben|ibn|y|e)";
const VERB: &str =
    r"(?:said|says|added|adds|explained|noted|stated|stressed|emphasi[sz]ed|remarked|underlined)";

/// A person's name: two to six capitalised words, particles allowed between.
fn name_pattern() -> String {
    format!(r"{NAME_TOKEN}(?:\s+(?:{PARTICLES}\s+)*{NAME_TOKEN}){{1,5}}")
}

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<place>\p{Lu}[\p{L}.’' ]{1,40}?(?:,\s*[\p{L}\d.’' ]{2,40}?)?)\s+(?:–|—|-{1,2})\s+(?P<lead>\S.{20,})$")
        .expect("dateline regex")
});

static SAID_NAME: LazyLock<Regex> = LazyLock::new(|| {
    // “…,” said Name, Title.  (optionally followed by another quote)
    Regex::new(&format!(
        r#"^[“"](?P<quote>[^“”"]+)[”"]\s*,?\s*{VERB}\s+(?P<name>{})(?:\s*,\s*(?P<title>[^“”"]+?))?\s*\.(?:\s+[“"](?P<rest>[^“”"]+)[”"])?\s*$"#,
        name_pattern()
    ))
    .expect("said-name regex")
});

static NAME_SAID: LazyLock<Regex> = LazyLock::new(|| {
    // “…,” Name, Title, said.
    Regex::new(&format!(
        r#"^[“"](?P<quote>[^“”"]+)[”"]\s*,?\s*(?P<name>{})(?:\s*,\s*(?P<title>[^“”"]+?))?\s*,?\s*{VERB}\s*\.(?:\s+[“"](?P<rest>[^“”"]+)[”"])?\s*$"#,
        name_pattern()
    ))
    .expect("name-said regex")
});

static NAME_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    // Name, Title, said: “…”
    Regex::new(&format!(
        r#"^(?P<name>{})(?:\s*,\s*(?P<title>[^“”":]+?))?\s*,?\s*{VERB}\s*[:,]?\s*[“"](?P<quote>[^“”"]+)[”"]\s*\.?\s*$"#,
        name_pattern()
    ))
    .expect("name-first regex")
});

static ACCORDING_TO: LazyLock<Regex> = LazyLock::new(|| {
    // “…,” according to Name, Title.
    Regex::new(&format!(
        r#"^[“"](?P<quote>[^“”"]+)[”"]\s*,?\s*according to\s+(?P<name>{})(?:\s*,\s*(?P<title>[^“”"]+?))?\s*\.\s*$"#,
        name_pattern()
    ))
    .expect("according-to regex")
});

static QUOTE_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^[“"](?P<quote>[^“”"]+)[”"]\s*$"#).expect("quote regex"));

static CONTACT_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:for (?:more|further) information(?:[^:]*?contact(?:ing)?)?|for media (?:enquiries|inquiries)(?:[^:]*?contact)?|media contacts?|press contacts?|contacts? for (?:the )?media)\s*[:,]?\s*",
    )
    .expect("contact header regex")
});

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?P<label>tel\.?|telephone|phone|mobile|mob\.?|cell(?:phone)?|whatsapp|fax|e-?mail)\s*[:.]?\s*")
        .expect("label regex")
});

static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\+?\(?\d[\d \u{a0}().\-]{5,}\d").expect("phone regex"));

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\d._%+\-]+@[\p{L}\d.\-]+\.[\p{L}]{2,}").expect("email regex")
});

static CONTACT_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^\s*(?P<name>{})", name_pattern())).expect("contact name regex")
});

static OR_SPLIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:;\s*|,?\s+or\s+)(?P<next>\p{Lu})").expect("or regex"));

/// Words that never start or make up a person's name.
const NOT_NAME_WORDS: &[&str] = &[
    "iom",
    "un",
    "united",
    "nations",
    "office",
    "organization",
    "organisation",
    "ministry",
    "street",
    "avenue",
    "road",
    "tel",
    "phone",
    "email",
    "mobile",
    "fax",
    "for",
    "the",
    "media",
    "press",
    "information",
    "contact",
    "contacts",
    "regional",
    "international",
    "government",
    "department",
    "http",
    "https",
    "www",
    "please",
    "officer",
    "director",
    "manager",
    "coordinator",
    "spokesperson",
    "chief",
    "communications",
    "minister",
    "secretary",
    "president",
    "head",
    "senior",
    "programme",
    "program",
];

/// Whether text is shaped like a person's name: no digits, no address or
/// organisation words, no URL, not a sentence.
pub fn is_plausible_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    if !(2..=6).contains(&words.len())
        || text
            .chars()
            .any(|c| c.is_ascii_digit() || c == '@' || c == '/')
    {
        return false;
    }
    !words
        .iter()
        .any(|w| NOT_NAME_WORDS.contains(&crate::text::fold(w).as_str()))
}

fn clean_quote(quote: &str) -> String {
    quote.trim().trim_end_matches(',').trim().to_string()
}

fn clean_title(title: Option<regex::Match<'_>>) -> Option<String> {
    title
        .map(|t| t.as_str().trim().trim_end_matches(',').trim().to_string())
        .filter(|t| !t.is_empty())
}

/// Site navigation and other lines around a release that are not its title.
fn is_navigation(line: &str) -> bool {
    line.starts_with('-') || line.starts_with('•') || line.split_whitespace().count() < 4
}

/// Reads a release. `title` overrides the title found in the text.
pub fn extract(text: &str, title: Option<&str>) -> Extraction {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut warnings = vec![];

    let dateline_at = lines.iter().position(|line| DATELINE.is_match(line));
    let dateline = dateline_at
        .and_then(|i| DATELINE.captures(lines[i]))
        .map(|c| c["place"].trim().to_string());
    let found_title = match dateline_at {
        Some(i) => lines[..i]
            .iter()
            .rev()
            .find(|l| !l.is_empty() && !is_navigation(l))
            .map(|l| l.to_string()),
        None => lines
            .iter()
            .find(|l| !l.is_empty() && !is_navigation(l))
            .map(|l| l.to_string()),
    };
    let title = title.map(str::to_string).or(found_title);
    if dateline.is_none() {
        warnings.push(
            "No dateline (\"Place – …\") found; the body starts after the title.".to_string(),
        );
    }
    let body_start = match (dateline_at, &title) {
        (Some(i), _) => i,
        (None, Some(t)) => lines
            .iter()
            .position(|l| l == t)
            .map(|i| i + 1)
            .unwrap_or(0),
        (None, None) => 0,
    };
    let body_lines = &lines[body_start.min(lines.len())..];
    let body = body_lines.join("\n").trim().to_string();

    let contact_at = body_lines
        .iter()
        .position(|l| CONTACT_HEADER.is_match(l) && !l.is_empty());
    let prose = &body_lines[..contact_at.unwrap_or(body_lines.len())];
    let quoted = extract_quotes(prose);
    let media_contacts = match contact_at {
        Some(i) => extract_contacts(&body_lines[i..], &mut warnings),
        None => vec![],
    };
    Extraction {
        title,
        dateline,
        body,
        quoted,
        media_contacts,
        warnings,
    }
}

fn extract_quotes(paragraphs: &[&str]) -> Vec<ExtractedQuote> {
    let mut quoted: Vec<ExtractedQuote> = vec![];
    // Index in `quoted` of whoever spoke in the last attributed paragraph.
    let mut last_speaker: Option<usize> = None;
    for paragraph in paragraphs.iter().filter(|p| !p.is_empty()) {
        let captures = [&*SAID_NAME, &*NAME_SAID, &*NAME_FIRST, &*ACCORDING_TO]
            .iter()
            .find_map(|re| re.captures(paragraph))
            .filter(|c| is_plausible_name(&c["name"]));
        if let Some(c) = captures {
            let mut quote = clean_quote(&c["quote"]);
            if let Some(rest) = c.name("rest") {
                quote = format!("{quote}\n\n{}", clean_quote(rest.as_str()));
            }
            let name = c["name"].to_string();
            let title = clean_title(c.name("title"));
            let index = match quoted.iter().position(|q| q.name == name) {
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
            };
            last_speaker = Some(index);
        } else if let (Some(i), Some(c)) = (last_speaker, QUOTE_ONLY.captures(paragraph)) {
            // A quote standing alone continues the last speaker.
            quoted[i].quote = format!("{}\n\n{}", quoted[i].quote, clean_quote(&c["quote"]));
        } else {
            last_speaker = None;
        }
    }
    quoted
}

/// Splits the contact block into one text per person.
fn contact_entries(block: &[&str]) -> Vec<String> {
    let mut entries: Vec<String> = vec![];
    let mut current: Option<String> = None;
    for (i, raw) in block.iter().enumerate() {
        let line = if i == 0 {
            CONTACT_HEADER.replace(raw, "").to_string()
        } else {
            raw.to_string()
        };
        let line = line
            .trim()
            .trim_start_matches(['-', '•', '*'])
            .trim()
            .to_string();
        if line.is_empty() {
            entries.extend(current.take());
            continue;
        }
        let starts_with_label = LABEL.find(&line).is_some_and(|m| m.start() == 0);
        let starts_with_name = CONTACT_NAME
            .captures(&line)
            .is_some_and(|c| is_plausible_name(&c["name"]));
        // A name line opens a new contact unless the open one has no number or
        // address yet (then it is that contact's title or office line).
        let current_is_bare = current.as_deref().is_some_and(|c| !has_values(c));
        let opens_contact = !current_is_bare || has_values(&line);
        if starts_with_name && !starts_with_label && opens_contact {
            entries.extend(current.take());
            // Several people on one line: "A at X, Tel…, or B at Y, Tel…".
            let mut pieces = vec![];
            let mut last = 0;
            for c in OR_SPLIT.captures_iter(&line) {
                let next = c.name("next").map(|m| m.start()).unwrap_or(line.len());
                let candidate = &line[next..];
                if CONTACT_NAME
                    .captures(candidate)
                    .is_some_and(|n| is_plausible_name(&n["name"]))
                {
                    pieces
                        .push(line[last..c.get(0).map(|m| m.start()).unwrap_or(next)].to_string());
                    last = next;
                }
            }
            pieces.push(line[last..].to_string());
            let keep = pieces.pop();
            entries.extend(pieces);
            current = keep;
        } else if let Some(entry) = current.as_mut() {
            entry.push_str(", ");
            entry.push_str(&line);
        }
    }
    entries.extend(current);
    entries
}

fn has_values(text: &str) -> bool {
    EMAIL.is_match(text) || PHONE.is_match(text) || LABEL.is_match(text)
}

fn label_kind(label: &str) -> ContactKind {
    let folded = crate::text::fold(label);
    match folded.as_str() {
        "mobile" | "mob" | "cell" | "cellphone" | "whatsapp" => ContactKind::Mobile,
        "fax" => ContactKind::Fax,
        "email" | "e mail" => ContactKind::Email,
        _ => ContactKind::Phone,
    }
}

fn parse_contact(entry: &str) -> Option<ExtractedContact> {
    let name = CONTACT_NAME
        .captures(entry)
        .map(|c| c["name"].to_string())
        .filter(|n| is_plausible_name(n))?;
    let after_name = entry[entry.find(&name).map(|i| i + name.len()).unwrap_or(0)..].to_string();

    // Labelled values: each label's value runs until the next label.
    let labels: Vec<(usize, usize, String)> = LABEL
        .captures_iter(&after_name)
        .map(|c| {
            let whole = c.get(0).map(|m| (m.start(), m.end())).unwrap_or((0, 0));
            (
                whole.0,
                whole.1,
                c["label"].trim_end_matches([':', ' ']).to_string(),
            )
        })
        .collect();
    let descriptor_end = labels.first().map(|l| l.0).unwrap_or(after_name.len());
    let mut phones = vec![];
    let mut emails = vec![];
    let mut take_values = |segment: &str, label: Option<&str>| {
        for email in EMAIL.find_iter(segment) {
            emails.push(ExtractedEmail {
                label: label
                    .filter(|l| label_kind(l) == ContactKind::Email)
                    .map(str::to_string),
                value: email.as_str().to_string(),
            });
        }
        let without_emails = EMAIL.replace_all(segment, " ");
        let phone_label = label.filter(|l| label_kind(l) != ContactKind::Email);
        let kind = phone_label.map(label_kind).unwrap_or(ContactKind::Phone);
        let mut found = false;
        for phone in PHONE.find_iter(&without_emails) {
            found = true;
            phones.push(ExtractedPhone {
                kind,
                label: phone_label.map(str::to_string),
                display: phone.as_str().trim().to_string(),
            });
        }
        // A phone label followed by something that is not a number: kept as
        // printed (ingestion warns), never dropped.
        let leftover = without_emails
            .trim()
            .trim_matches(|c: char| c == ',' || c == ';' || c.is_whitespace());
        if !found && phone_label.is_some() && !leftover.is_empty() {
            phones.push(ExtractedPhone {
                kind,
                label: phone_label.map(str::to_string),
                display: leftover.to_string(),
            });
        }
    };
    // Values before the first label (unlabelled), then each label's segment.
    let descriptor_raw = &after_name[..descriptor_end];
    let unlabelled: String = descriptor_raw.to_string();
    take_values(&unlabelled, None);
    for (i, (_, value_start, label)) in labels.iter().enumerate() {
        let end = labels.get(i + 1).map(|l| l.0).unwrap_or(after_name.len());
        take_values(&after_name[*value_start..end], Some(label));
    }

    // What is left of the descriptor, without values: "at Office" or ", Title, Office".
    let descriptor = PHONE
        .replace_all(&EMAIL.replace_all(descriptor_raw, ""), "")
        .to_string();
    let descriptor = descriptor
        .trim()
        .trim_matches(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .to_string();
    let (title_as_printed, office_as_printed) = if let Some(office) = descriptor.strip_prefix("at ")
    {
        (
            None,
            Some(office.trim().trim_end_matches(',').trim().to_string()),
        )
    } else {
        let parts: Vec<&str> = descriptor
            .split(',')
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
        office_as_printed: office_as_printed.filter(|o| !o.is_empty()),
        phones,
        emails,
    })
}

fn looks_like_office(text: &str) -> bool {
    const OFFICE_WORDS: &[&str] = &[
        "iom",
        "office",
        "mission",
        "bureau",
        "agency",
        "ministry",
        "un",
        "unit",
        "headquarters",
    ];
    crate::text::fold(text)
        .split(' ')
        .any(|w| OFFICE_WORDS.contains(&w))
}

fn extract_contacts(block: &[&str], warnings: &mut Vec<String>) -> Vec<ExtractedContact> {
    let mut contacts: Vec<ExtractedContact> = vec![];
    for entry in contact_entries(block) {
        match parse_contact(&entry) {
            Some(contact) => contacts.push(contact),
            None if entry.trim().is_empty() => {}
            None => warnings.push(format!("Could not read a contact from: {}", entry.trim())),
        }
    }
    contacts
}
