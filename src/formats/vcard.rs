//! vCard 4.0 (RFC 6350) for people and offices: escaping, CRLF lines,
//! folding at 75 octets without splitting a UTF-8 character.

use crate::contact_points::model::{ContactKind, ContactPointResponse};
use crate::offices::model::{OfficeResponse, OfficeSummary};
use crate::people::model::PersonResponse;

/// Escapes a text value (RFC 6350 §3.4): backslash, comma, semicolon,
/// newline. Any other control character is dropped: nothing stored can end
/// a content line or start another.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI value (URL, SOURCE): URIs have no spaces, controls or quotes, so
/// any that reach here are percent-encoded rather than written raw.
/// A quoted parameter value (RFC 6868): `^` and `"` escaped, control
/// characters dropped.
pub fn param_value(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '^' => "^^".to_string(),
            '"' => "^'".to_string(),
            other => other.to_string(),
        })
        .collect()
}

pub fn uri(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c.is_control() || c.is_whitespace() || c == '"' || !c.is_ascii() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A `tel:` URI for an E.164 number (with an optional `;ext=`), or `None`
/// for anything else, which is written as text instead.
fn tel_uri(value: &str) -> Option<String> {
    let (number, ext) = match value.split_once(";ext=") {
        Some((number, ext)) => (number, Some(ext)),
        None => (value, None),
    };
    let digits = number.strip_prefix('+')?;
    let well_formed = !digits.is_empty()
        && digits.len() <= 15
        && digits.chars().all(|c| c.is_ascii_digit())
        && ext.is_none_or(|e| {
            !e.is_empty() && e.len() <= 10 && e.chars().all(|c| c.is_ascii_digit())
        });
    well_formed.then(|| format!("tel:{value}"))
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
                    if let Some(tel) = tel_uri(&cp.value) {
                        self.raw(&format!("TEL;VALUE=uri;TYPE=\"{types}\"{pref}:{tel}"));
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
        self.raw(&format!("SOURCE:{}", uri(source)));
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
        card.raw(&format!("LANG;PREF={}:{}", i + 1, escape(lang)));
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
    // The photo by URI (RFC 6350 6.2.4): the card stays small.
    if let Some(photo) = &p.photo_url {
        card.raw(&format!(
            "PHOTO;MEDIATYPE=image/jpeg:{}",
            uri(&format!("{base_url}{photo}"))
        ));
    }
    // RFC 9554: PRONOUNS (text) and SOCIALPROFILE (a URI, its service as
    // SERVICE-TYPE, quoted with RFC 6868 escapes).
    if let Some(pronouns) = &p.pronouns {
        card.text("PRONOUNS", pronouns);
    }
    for profile in &p.social_profiles {
        card.raw(&format!(
            "SOCIALPROFILE;SERVICE-TYPE=\"{}\":{}",
            param_value(&profile.service),
            uri(&profile.url)
        ));
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
        card.raw(&format!("URL:{}", uri(website)));
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
        assert_eq!(escape("a\r\nEMAIL:x\u{0}\u{1b}"), "a\\nEMAIL:x");
        assert_eq!(
            uri("https://x.org/\r\nEMAIL:a b"),
            "https://x.org/%0D%0AEMAIL:a%20b"
        );
        assert_eq!(tel_uri("+50672036536").as_deref(), Some("tel:+50672036536"));
        assert_eq!(
            tel_uri("+12027168820;ext=204").as_deref(),
            Some("tel:+12027168820;ext=204")
        );
        assert_eq!(tel_uri("+1 202\r\nEMAIL:x"), None);
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
