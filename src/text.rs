//! Text folding for search and slugs.

/// Folds text for matching: transliterated to ASCII (José → jose, Dall’Oglio →
/// dalloglio), lower-cased, apostrophes dropped, any other punctuation turned
/// into a single space.
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut out = String::with_capacity(ascii.len());
    let mut pending_space = false;
    for c in ascii.chars() {
        if c == '\'' || c == '`' {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// The words of a folded query, for "every word must match" searches.
pub fn query_words(query: &str) -> Vec<String> {
    fold(query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A URL slug from a name: `Luca Dall’Oglio` → `luca-dalloglio`.
pub fn slugify(name: &str) -> String {
    let slug = fold(name).replace(' ', "-");
    let slug: String = slug.chars().take(80).collect();
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "item".to_string()
    } else {
        slug
    }
}

/// The search document of a row: every field folded, plus the name with its
/// spaces removed so that `kleinsolomon` finds Klein-Solomon.
pub fn search_document<'a>(name: &str, fields: impl IntoIterator<Item = &'a str>) -> String {
    let folded_name = fold(name);
    let mut doc = format!("{folded_name} {}", folded_name.replace(' ', ""));
    for field in fields {
        let folded = fold(field);
        if !folded.is_empty() {
            doc.push(' ');
            doc.push_str(&folded);
        }
    }
    doc
}

/// SHA-256 of some bytes, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_forgives_accents_apostrophes_and_hyphens() {
        assert_eq!(fold("San José"), "san jose");
        assert_eq!(fold("Dall’Oglio"), "dalloglio");
        assert_eq!(fold("dall'oglio"), "dalloglio");
        assert_eq!(fold("Klein-Solomon"), "klein solomon");
        assert_eq!(fold("  jgallo@iom.int "), "jgallo iom int");
    }

    #[test]
    fn slugs_are_readable_ascii() {
        assert_eq!(slugify("Luca Dall’Oglio"), "luca-dalloglio");
        assert_eq!(slugify("IOM Washington"), "iom-washington");
        assert_eq!(slugify("  —  "), "item");
    }
}
