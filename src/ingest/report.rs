//! Accuracy of extraction over a folder of labelled releases: each
//! `NAME.txt` next to `NAME.json` holding what a careful reader finds in it
//! (title, dateline, date, who is quoted, the media contacts with their
//! phones in E.164 and emails). Counts contact items (a person's name, a
//! phone, an email) found and expected, and quoted names.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use super::extract::{Extraction, extract};
use crate::text::fold;

#[derive(Debug, Deserialize)]
struct ExpectedQuote {
    name: String,
}

#[derive(Debug, Deserialize)]
struct ExpectedContact {
    name: Option<String>,
    #[serde(default)]
    phones: Vec<String>,
    #[serde(default)]
    emails: Vec<String>,
}

/// What a fixture's `.json` says is in its `.txt`.
#[derive(Debug, Deserialize)]
struct Expected {
    #[serde(default)]
    language: Option<String>,
    title: Option<String>,
    dateline: Option<String>,
    published_on: Option<NaiveDate>,
    #[serde(default)]
    quoted: Vec<ExpectedQuote>,
    #[serde(default)]
    contacts: Vec<ExpectedContact>,
}

/// Found, expected and correct counts of one kind of item.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub expected: usize,
    pub found: usize,
    pub correct: usize,
}

impl Tally {
    pub fn recall(&self) -> f64 {
        if self.expected == 0 {
            1.0
        } else {
            self.correct as f64 / self.expected as f64
        }
    }

    pub fn precision(&self) -> f64 {
        if self.found == 0 {
            1.0
        } else {
            self.correct as f64 / self.found as f64
        }
    }

    fn add(&mut self, other: Tally) {
        self.expected += other.expected;
        self.found += other.found;
        self.correct += other.correct;
    }
}

/// One fixture's outcome.
#[derive(Debug)]
pub struct FixtureReport {
    pub name: String,
    pub language: String,
    pub contacts: Tally,
    pub quoted: Tally,
    /// Title, dateline and date read as expected.
    pub headers_right: usize,
    /// Everything that differs, one line each.
    pub differences: Vec<String>,
}

/// The whole folder's outcome.
#[derive(Debug, Default)]
pub struct Report {
    pub fixtures: Vec<FixtureReport>,
    pub contacts: Tally,
    pub quoted: Tally,
    pub headers_right: usize,
}

/// Contact items as compared: folded names, E.164 phones, lower-cased emails.
fn tally(expected: &[String], found: &[String]) -> (Tally, Vec<String>) {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for e in expected {
        *left.entry(e.as_str()).or_default() += 1;
    }
    let mut correct = 0;
    let mut extra = vec![];
    for f in found {
        match left.get_mut(f.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                correct += 1;
            }
            _ => extra.push(format!("extra {f}")),
        }
    }
    let mut differences: Vec<String> = left
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(e, _)| format!("missed {e}"))
        .collect();
    differences.sort();
    differences.extend(extra);
    (
        Tally {
            expected: expected.len(),
            found: found.len(),
            correct,
        },
        differences,
    )
}

/// The items extraction found, in the form the fixtures label them: phones
/// as extraction read them (`value`); one it could not read counts as wrong.
fn found_items(extraction: &Extraction) -> Vec<String> {
    let mut items = vec![];
    for contact in &extraction.media_contacts {
        items.push(format!("name {}", fold(&contact.name)));
        for phone in &contact.phones {
            let value = phone
                .value
                .clone()
                .unwrap_or_else(|| format!("unreadable {}", phone.display));
            items.push(format!("phone {value}"));
        }
        for email in &contact.emails {
            items.push(format!("email {}", email.value.to_lowercase()));
        }
    }
    items
}

fn expected_items(expected: &Expected) -> Vec<String> {
    let mut items = vec![];
    for contact in &expected.contacts {
        if let Some(name) = &contact.name {
            items.push(format!("name {}", fold(name)));
        }
        items.extend(contact.phones.iter().map(|p| format!("phone {p}")));
        items.extend(
            contact
                .emails
                .iter()
                .map(|e| format!("email {}", e.to_lowercase())),
        );
    }
    items
}

/// Reads one fixture and compares.
pub fn score(name: &str, text: &str, expected_json: &str) -> Result<FixtureReport, String> {
    let expected: Expected =
        serde_json::from_str(expected_json).map_err(|e| format!("{name}.json: {e}"))?;
    let extraction = extract(text, None);
    let (contacts, mut differences) = tally(&expected_items(&expected), &found_items(&extraction));
    let expected_quoted: Vec<String> = expected
        .quoted
        .iter()
        .map(|q| format!("quoted {}", fold(&q.name)))
        .collect();
    let found_quoted: Vec<String> = extraction
        .quoted
        .iter()
        .map(|q| format!("quoted {}", fold(&q.name)))
        .collect();
    let (quoted, quoted_differences) = tally(&expected_quoted, &found_quoted);
    differences.extend(quoted_differences);
    if !differences.is_empty() {
        differences.push(format!(
            "(dateline country {:?}; contacts {:?})",
            extraction.dateline_country,
            extraction
                .media_contacts
                .iter()
                .map(|c| (
                    &c.name,
                    &c.place_as_printed,
                    c.phones.iter().map(|p| &p.display).collect::<Vec<_>>()
                ))
                .collect::<Vec<_>>()
        ));
    }
    let title_right = match &expected.title {
        Some(t) => extraction.title.as_deref() == Some(t.as_str()),
        None => extraction.title_derived,
    };
    let checks = [
        (
            title_right,
            format!(
                "title {:?}, expected {:?}",
                extraction.title, expected.title
            ),
        ),
        (
            extraction.dateline == expected.dateline,
            format!(
                "dateline {:?}, expected {:?}",
                extraction.dateline, expected.dateline
            ),
        ),
        (
            extraction.dateline_date == expected.published_on,
            format!(
                "date {:?}, expected {:?}",
                extraction.dateline_date, expected.published_on
            ),
        ),
    ];
    let headers_right = checks.iter().filter(|(right, _)| *right).count();
    differences.extend(
        checks
            .into_iter()
            .filter(|(right, _)| !right)
            .map(|(_, difference)| difference),
    );
    Ok(FixtureReport {
        name: name.to_string(),
        language: expected.language.unwrap_or_default(),
        contacts,
        quoted,
        headers_right,
        differences,
    })
}

/// Scores every labelled release in a folder, in name order.
pub fn run(dir: &Path) -> Result<Report, String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let path = entry.path();
            (path.extension()? == "txt")
                .then(|| path.file_stem()?.to_str().map(str::to_string))
                .flatten()
        })
        .collect();
    names.sort();
    let mut report = Report::default();
    for name in names {
        let text = std::fs::read_to_string(dir.join(format!("{name}.txt")))
            .map_err(|e| format!("{name}.txt: {e}"))?;
        let json = std::fs::read_to_string(dir.join(format!("{name}.json")))
            .map_err(|e| format!("{name}.json: {e}"))?;
        let fixture = score(&name, &text, &json)?;
        report.contacts.add(fixture.contacts);
        report.quoted.add(fixture.quoted);
        report.headers_right += fixture.headers_right;
        report.fixtures.push(fixture);
    }
    Ok(report)
}

impl Report {
    /// The report as printed by `pressdir ingest --report`.
    pub fn render(&self, verbose: bool) -> String {
        let mut out = String::new();
        let mut by_language: std::collections::BTreeMap<&str, (Tally, Tally, usize)> =
            Default::default();
        for f in &self.fixtures {
            let entry = by_language.entry(f.language.as_str()).or_default();
            entry.0.add(f.contacts);
            entry.1.add(f.quoted);
            entry.2 += 1;
            if verbose && !f.differences.is_empty() {
                out.push_str(&format!("{}:\n", f.name));
                for d in &f.differences {
                    out.push_str(&format!("  {d}\n"));
                }
            }
        }
        out.push_str("language  releases  contact recall  contact precision  quoted recall\n");
        for (language, (contacts, quoted, n)) in &by_language {
            out.push_str(&format!(
                "{language:<9} {n:>8}  {:>14.3}  {:>17.3}  {:>13.3}\n",
                contacts.recall(),
                contacts.precision(),
                quoted.recall()
            ));
        }
        out.push_str(&format!(
            "{:<9} {:>8}  {:>14.3}  {:>17.3}  {:>13.3}\n",
            "all",
            self.fixtures.len(),
            self.contacts.recall(),
            self.contacts.precision(),
            self.quoted.recall()
        ));
        out.push_str(&format!(
            "contact items: {} expected, {} found, {} right; quoted: {} expected, {} found, {} right; title, dateline and date right: {}/{}\n",
            self.contacts.expected,
            self.contacts.found,
            self.contacts.correct,
            self.quoted.expected,
            self.quoted.found,
            self.quoted.correct,
            self.headers_right,
            self.fixtures.len() * 3
        ));
        out
    }
}
