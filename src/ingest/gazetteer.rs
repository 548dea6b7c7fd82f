//! Place names to countries, for reading phone numbers printed without a
//! country code. The data is generated (`tools/gazetteer.py`): country names
//! from CLDR in the languages releases are published in, then GeoNames
//! cities of 50,000 people or more with their alternate names, most
//! populous first. Nothing here is a hand-written list of places.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::text::fold;

static DATA: &str = include_str!("../../data/gazetteer.tsv");

/// Folded name → (ISO 3166-1 alpha-2, whether it names a country); the
/// first line for a name wins.
static PLACES: LazyLock<HashMap<String, (&'static str, bool)>> = LazyLock::new(|| {
    let mut places = HashMap::with_capacity(110_000);
    for line in DATA.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.split('\t');
        if let (Some(name), Some(code), kind) = (fields.next(), fields.next(), fields.next()) {
            places
                .entry(fold(name))
                .or_insert((code, kind == Some("country")));
        }
    }
    places
});

/// Every country code the gazetteer knows (ISO 3166-1 alpha-2, from CLDR).
pub fn country_codes() -> impl Iterator<Item = &'static str> {
    static CODES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        let mut codes: Vec<&'static str> = PLACES
            .values()
            .filter(|(_, country)| *country)
            .map(|(code, _)| *code)
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    });
    CODES.iter().copied()
}

/// Whether a word is a country's name (`Ukraine`, `Brasil`), not a city's.
pub fn is_country_name(word: &str) -> bool {
    PLACES.get(&fold(word)).is_some_and(|(_, country)| *country)
}

/// The country a place name means: `Lviv`, `Ginebra`, `Costa Rica`, `جنيف`.
pub fn country_of(place: &str) -> Option<&'static str> {
    let key = fold(place);
    if key.is_empty() {
        return None;
    }
    PLACES.get(&key).map(|(code, _)| *code)
}

/// Every country a dateline names, in order (`Київ/Будапешт` → UA, HU).
pub fn countries_of_dateline(place: &str) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = vec![];
    for code in country_of_dateline(place).into_iter().chain(
        place
            .split([',', '،', '(', ')', '/', '-'])
            .map(str::trim)
            .filter_map(country_of),
    ) {
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

/// The country a dateline names: the country if it names one
/// (`Kakuma, Kenya`, `Dakar (Sénégal)`), else its first place.
pub fn country_of_dateline(place: &str) -> Option<&'static str> {
    let parts: Vec<&str> = place
        .split([',', '،', '(', ')', '/'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    parts
        .iter()
        .rev()
        .find_map(|p| country_of(p))
        .or_else(|| country_of(place))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cities_and_countries_in_several_languages_and_scripts() {
        assert_eq!(country_of("Lviv"), Some("UA"));
        assert_eq!(country_of("Львів"), Some("UA"));
        assert_eq!(country_of("GINEBRA"), Some("CH"));
        assert_eq!(country_of("Geneva"), Some("CH"));
        // Ambiguous alone (San Jose, California is bigger); the dateline's
        // country settles it.
        assert_eq!(country_of_dateline("San José, Costa Rica"), Some("CR"));
        assert_eq!(country_of("Sénégal"), Some("SN"));
        assert_eq!(country_of("جنيف"), Some("CH"));
        assert_eq!(country_of("Nowhere In Particular"), None);
        assert_eq!(country_of_dateline("Kakuma, Kenya"), Some("KE"));
        assert_eq!(country_of_dateline("Dakar (Sénégal)"), Some("SN"));
        assert_eq!(country_of_dateline("NAIROBI"), Some("KE"));
    }
}
