//! vCard 4.0 (RFC 6350) for people and offices: escaping, CRLF lines,
//! folding at 75 octets without splitting a UTF-8 character.

use crate::contact_points::model::{ContactKind, ContactPointResponse};
use crate::offices::model::{OfficeResponse, OfficeSummary};
use crate::people::model::PersonResponse;

/// Escapes a text value (RFC 6350 §3.4): backslash, comma, semicolon, newline.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded: no line over 75 octets, continuation lines
/// start with a space, and a multi-byte character is never split.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

struct Card(String);

impl Card {
    fn new(kind: &str) -> Self {
        let mut card = Card(String::new());
        card.raw("BEGIN:VCARD");
        card.raw("VERSION:4.0");
        if kind != "individual" {
            card.raw(&format!("KIND:{kind}"));
        }
        card
    }

    fn raw(&mut self, line: &str) {
        self.0.push_str(&fold_line(line));
    }

    fn text(&mut self, name: &str, value: &str) {
        self.raw(&format!("{name}:{}", escape(value)));
    }

    fn contact_points(&mut self, points: &[ContactPointResponse]) {
        for cp in points {
            let pref = if cp.is_primary { ";PREF=1" } else { "" };
            match cp.kind {
                ContactKind::Email => {
                    self.raw(&format!("EMAIL;TYPE=work{pref}:{}", escape(&cp.value)))
                }
                kind => {
                    let types = match kind {
                        ContactKind::Mobile => "cell,voice",
                        ContactKind::Fax => "fax",
                        _ => "work,voice",
                    };
                    // A number kept as printed (unreadable) is not a valid tel: URI.
                    if cp.value.starts_with('+') {
                        self.raw(&format!(
                            "TEL;VALUE=uri;TYPE=\"{types}\"{pref}:tel:{}",
                            cp.value
                        ));
                    } else {
                        self.raw(&format!(
                            "TEL;VALUE=text;TYPE=\"{types}\"{pref}:{}",
                            escape(&cp.value)
                        ));
                    }
                }
            }
        }
    }

    fn finish(mut self, uid: &str, rev: chrono::DateTime<chrono::Utc>, source: &str) -> String {
        self.raw(&format!("UID:urn:uuid:{uid}"));
        self.raw(&format!("REV:{}", rev.format("%Y%m%dT%H%M%SZ")));
        self.raw(&format!("SOURCE:{source}"));
        self.raw("END:VCARD");
        self.0
    }
}

/// A person's card; `base_url` makes SOURCE absolute.
pub fn person(p: &PersonResponse, office: Option<&OfficeSummary>, base_url: &str) -> String {
    let mut card = Card::new("individual");
    card.text("FN", &p.full_name);
    let family = p.family_name.as_deref().map(escape).unwrap_or_default();
    let given = p.given_name.as_deref().map(escape).unwrap_or_default();
    card.raw(&format!("N:{family};{given};;;"));
    if let Some(office) = office {
        card.raw(&format!("ORG:{}", escape(&office.name)));
        if let Some(tz) = &office.timezone {
            card.text("TZ", tz);
        }
    }
    if let Some(title) = &p.job_title {
        card.text("TITLE", title);
    }
    card.contact_points(&p.contact_points);
    for (i, lang) in p.languages.iter().enumerate() {
        card.raw(&format!("LANG;PREF={}:{lang}", i + 1));
    }
    if !p.topics.is_empty() {
        card.raw(&format!(
            "CATEGORIES:{}",
            p.topics
                .iter()
                .map(|t| escape(t))
                .collect::<Vec<_>>()
                .join(",")
        ));
    }
    if let Some(bio) = &p.bio {
        card.text("NOTE", bio);
    }
    card.finish(
        &p.id,
        p.updated_at,
        &format!("{base_url}/api/v1/people/{}/vcard", p.id),
    )
}

/// An office's card (`KIND:org`).
pub fn office(o: &OfficeResponse, points: &[ContactPointResponse], base_url: &str) -> String {
    let mut card = Card::new("org");
    card.text("FN", &o.name);
    card.raw(&format!("ORG:{}", escape(&o.name)));
    let country = o
        .country_code
        .as_deref()
        .and_then(|c| isocountry::CountryCode::for_alpha2(c).ok())
        .map(|c| c.name())
        .unwrap_or("");
    if o.address.is_some() || o.city.is_some() || !country.is_empty() {
        let street = o.address.as_deref().map(escape).unwrap_or_default();
        let city = o.city.as_deref().map(escape).unwrap_or_default();
        card.raw(&format!(
            "ADR;TYPE=work:;;{street};{city};;;{}",
            escape(country)
        ));
    }
    if let Some(tz) = &o.timezone {
        card.text("TZ", tz);
    }
    if let Some(website) = &o.website {
        card.raw(&format!("URL:{website}"));
    }
    card.contact_points(points);
    card.finish(
        &o.id,
        o.updated_at,
        &format!("{base_url}/api/v1/offices/{}/vcard", o.id),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let line = format!("NOTE:{}", "é".repeat(60));
        let folded = fold_line(&line);
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), line);
    }
}
