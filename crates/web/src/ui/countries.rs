//! Countries by name in the reader's language: the filing form offers them as a searchable list
//! and pages show a party's country by name, never by its ISO 3166-1 code (which the API and the
//! record keep).
//!
//! Names come from CLDR through the `keshvar` crate. Hong Kong, Macao and Taiwan take the names
//! used by the United Nations and ISO 3166 instead of CLDR's short forms, as an intergovernmental
//! institution's documents must.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The languages whose lists are built (every language of the pages).
const LANGUAGES: &[&str] = &["en", "fr", "es", "ru", "ar", "zh-Hans", "zh-Hant"];

/// Names an institution's documents give where CLDR's short form would not do.
const UN_NAMES: &[(&str, [&str; 7])] = &[
    (
        "HK",
        [
            "Hong Kong, China",
            "Hong Kong (Chine)",
            "Hong Kong (China)",
            "Гонконг (Китай)",
            "هونغ كونغ، الصين",
            "中国香港",
            "中國香港",
        ],
    ),
    (
        "MO",
        [
            "Macao, China",
            "Macao (Chine)",
            "Macao (China)",
            "Макао (Китай)",
            "ماكاو، الصين",
            "中国澳门",
            "中國澳門",
        ],
    ),
    (
        "TW",
        [
            "Taiwan, Province of China",
            "Taïwan (province de Chine)",
            "Taiwán (provincia de China)",
            "Тайвань (провинция Китая)",
            "تايوان، مقاطعة الصين",
            "中国台湾省",
            "中國台灣省",
        ],
    ),
];

/// The countries in one language: (code, name), in the order of their names.
type CountryList = Vec<(String, String)>;

/// Each language's list, built once.
fn lists() -> &'static HashMap<&'static str, CountryList> {
    static LISTS: OnceLock<HashMap<&'static str, CountryList>> = OnceLock::new();
    LISTS.get_or_init(|| {
        let countries: Vec<keshvar::Country> = keshvar::CountryIterator::new().collect();
        LANGUAGES
            .iter()
            .enumerate()
            .map(|(i, lang)| {
                let cldr = match *lang {
                    "zh-Hans" => "zh_CN",
                    "zh-Hant" => "zh_TW",
                    other => other,
                };
                let mut list: CountryList = countries
                    .iter()
                    .map(|c| {
                        let code = c.alpha2().to_string();
                        let name = UN_NAMES
                            .iter()
                            .find(|(un, _)| *un == code)
                            .map(|(_, names)| names[i].to_owned())
                            .or_else(|| c.translations().get(cldr).map(|n| (*n).to_owned()))
                            .unwrap_or_else(|| c.iso_short_name().to_owned());
                        (code, name)
                    })
                    .collect();
                list.sort_by_key(|(_, name)| name.to_lowercase());
                (*lang, list)
            })
            .collect()
    })
}

/// Every country, by name in `language` (English for another), in the order of the names.
pub fn all(language: &str) -> &'static [(String, String)] {
    let lists = lists();
    lists
        .get(language)
        .or_else(|| lists.get("en"))
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The name of the country with ISO 3166-1 alpha-2 `code` in `language`; the code itself when
/// it names no country.
pub fn name(language: &str, code: &str) -> String {
    all(language)
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, n)| n.clone())
        .unwrap_or_else(|| code.to_owned())
}

/// The code of the country a person typed or picked: its name in `language` or in English
/// (letter case and surrounding spaces aside), or its two-letter code. `None` when nothing
/// matches.
pub fn code_of(language: &str, typed: &str) -> Option<String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let wanted = typed.to_lowercase();
    let by_name = |lang: &str| {
        all(lang)
            .iter()
            .find(|(_, n)| n.to_lowercase() == wanted)
            .map(|(c, _)| c.clone())
    };
    by_name(language)
        .or_else(|| by_name("en"))
        .or_else(|| {
            all("en")
                .iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(typed))
                .map(|(c, _)| c.clone())
        })
        .or_else(|| {
            let code = typed.to_ascii_uppercase();
            user_assigned(&code).then_some(code)
        })
}

/// The name of a country on the list, in `language`; `None` for a code it does not hold (such
/// as a user-assigned one, whose name the record carries).
pub fn known_name(language: &str, code: &str) -> Option<String> {
    all(language)
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, n)| n.clone())
}

/// ISO 3166-1's user-assigned codes (AA, QM to QZ, XA to XZ, ZZ): no country has them, so an
/// institution may use them for States of an exercise or a rehearsal.
fn user_assigned(code: &str) -> bool {
    match code.as_bytes() {
        [b'A', b'A'] | [b'Z', b'Z'] => true,
        [b'Q', second] => (b'M'..=b'Z').contains(second),
        [b'X', second] => second.is_ascii_uppercase(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_names_the_same_countries() {
        let en = all("en");
        assert!(en.len() >= 240, "{} countries", en.len());
        for lang in LANGUAGES {
            let list = all(lang);
            assert_eq!(list.len(), en.len(), "{lang}");
            // No name is left as a bare code.
            assert!(list.iter().all(|(c, n)| c != n), "{lang}");
        }
    }

    #[test]
    fn names_are_in_the_readers_language() {
        assert_eq!(name("fr", "CH"), "Suisse");
        assert_eq!(name("ru", "CN"), "Китай");
        assert_eq!(name("zh-Hans", "CN"), "中国");
        assert_eq!(name("es", "DE"), "Alemania");
        assert!(name("ar", "EG").contains("مصر"));
        assert_eq!(name("en", "HK"), "Hong Kong, China");
        assert_eq!(name("zh-Hant", "HK"), "中國香港");
        assert_eq!(name("en", "QQ"), "QQ", "an unknown code is shown as it is");
    }

    #[test]
    fn a_typed_name_or_code_finds_the_country() {
        assert_eq!(code_of("fr", "suisse ").as_deref(), Some("CH"));
        assert_eq!(code_of("fr", "Switzerland").as_deref(), Some("CH"));
        assert_eq!(code_of("en", "pe").as_deref(), Some("PE"));
        assert_eq!(code_of("zh-Hans", "中国香港").as_deref(), Some("HK"));
        assert_eq!(code_of("en", "Atlantis"), None);
        // A user-assigned code stands for a State of an exercise; other unknown codes do not.
        assert_eq!(code_of("en", "xa").as_deref(), Some("XA"));
        assert_eq!(code_of("en", "UK"), None);
        assert_eq!(known_name("en", "XA"), None);
        assert_eq!(code_of("en", "  "), None);
    }
}
