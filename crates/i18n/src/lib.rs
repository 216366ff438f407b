//! Accord's messages in every language it speaks, from one Fluent tree (`locales/<language>/`,
//! at the root of the repository) compiled into the binary. The documents and the web pages take
//! their words from here, so a language is added in one place and a missing message is caught by
//! one test (`tests/locales.rs`: every locale has exactly the messages, arguments and selector
//! variants of English).
//!
//! Arguments are passed pre-formatted as strings (fluent-rs does not format dates itself).
//! Unicode isolation marks around arguments are off: the PDF renderer and the browser apply the
//! bidirectional algorithm to the whole paragraph, and the marks would end up in extracted text.

pub mod format;

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::LanguageIdentifier;
use fluent_templates::fluent_bundle::FluentValue;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "../../locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The languages Accord speaks: the six official languages of the United Nations, with Chinese
/// in simplified and traditional script.
pub const LANGUAGES: &[&str] = &["en", "zh-Hans", "zh-Hant", "fr", "ar", "ru", "es"];

/// True for a language in [`LANGUAGES`] (exact tag).
pub fn is_supported(language: &str) -> bool {
    LANGUAGES.contains(&language)
}

/// True when the language is written right to left.
pub fn is_rtl(language: &str) -> bool {
    language == "ar"
}

/// Why a message could not be said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageError {
    /// The language is not one of [`LANGUAGES`].
    UnknownLanguage(String),
    /// No such message in that language.
    Missing(String),
    /// The message needs an argument that was not given (or another formatting fault).
    Arguments(String),
}

impl std::fmt::Display for MessageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MessageError::UnknownLanguage(l) => write!(f, "no messages in '{l}'"),
            MessageError::Missing(id) => write!(f, "no message {id}"),
            MessageError::Arguments(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for MessageError {}

/// The message `id` in `language` with `args` (no fallback to another language: the locale
/// test keeps every language complete).
pub fn say(language: &str, id: &str, args: &[(&str, &str)]) -> Result<String, MessageError> {
    if !is_supported(language) {
        return Err(MessageError::UnknownLanguage(language.to_owned()));
    }
    let lang: LanguageIdentifier = language
        .parse()
        .map_err(|_| MessageError::UnknownLanguage(language.to_owned()))?;
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| {
            (
                Cow::Owned((*k).to_owned()),
                FluentValue::from((*v).to_owned()),
            )
        })
        .collect();
    LOCALES
        .lookup_single_language(&lang, id, Some(&args))
        .map_err(|e| {
            // The loader's error type is not exported; its variant name tells a missing message
            // from a formatting fault.
            if format!("{e:?}").starts_with("MessageRetrieval") {
                MessageError::Missing(id.to_owned())
            } else {
                MessageError::Arguments(format!("{id}: {e}"))
            }
        })
}

/// The message `id` in `language` with `args`, or `None` when it cannot be said.
pub fn message(language: &str, id: &str, args: &[(&str, &str)]) -> Option<String> {
    say(language, id, args).ok()
}

/// The best supported language for an HTTP `Accept-Language` header (English when none fits).
/// Tags are compared case-insensitively; `zh-TW`, `zh-HK` and `zh-MO` mean traditional script,
/// any other Chinese simplified.
pub fn negotiate(accept_language: &str) -> &'static str {
    let mut ranked: Vec<(u16, usize, &str)> = accept_language
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut it = part.trim().split(';');
            let tag = it.next()?.trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let q = (q.clamp(0.0, 1.0) * 1000.0) as u16;
            (q > 0 && !tag.is_empty()).then_some((q, i, tag))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked
        .into_iter()
        .find_map(|(_, _, tag)| supported_for_tag(tag))
        .unwrap_or("en")
}

/// The supported language a BCP 47 tag asks for, if any.
pub fn supported_for_tag(tag: &str) -> Option<&'static str> {
    let t = tag.to_ascii_lowercase();
    let mut parts = t.split(['-', '_']);
    let primary = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    match primary {
        "zh" => {
            let traditional = rest
                .iter()
                .any(|p| matches!(*p, "hant" | "tw" | "hk" | "mo"))
                && !rest.contains(&"hans");
            Some(if traditional { "zh-Hant" } else { "zh-Hans" })
        }
        "en" => Some("en"),
        "fr" => Some("fr"),
        "ar" => Some("ar"),
        "ru" => Some("ru"),
        "es" => Some("es"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_placed_without_isolation_marks() {
        let m = message(
            "en",
            "doc-termination-record-p1",
            &[
                ("reference", "IOMed-2026-0001"),
                ("parties", "A and B"),
                ("effective", "2026-11-28"),
            ],
        )
        .unwrap_or_default();
        assert_eq!(
            m,
            "The mediation in case IOMed-2026-0001 between A and B terminated on 2026-11-28."
        );
        assert!(!m.contains('\u{2068}'));
    }

    #[test]
    fn selectors_choose_the_variant_named_by_the_argument() {
        let settled = message("fr", "doc-termination-record-p2", &[("ground", "settled")]);
        let withdrawal = message(
            "fr",
            "doc-termination-record-p2",
            &[("ground", "party-withdrawal")],
        );
        assert!(settled.unwrap_or_default().contains("accord de règlement"));
        assert!(withdrawal.unwrap_or_default().contains("retirée"));
    }

    #[test]
    fn a_missing_argument_is_an_error() {
        let e = say("ru", "doc-termination-record-p1", &[("reference", "X")]);
        assert!(matches!(e, Err(MessageError::Arguments(_))), "{e:?}");
        assert_eq!(
            say("ru", "doc-nothing", &[]),
            Err(MessageError::Missing("doc-nothing".into()))
        );
    }

    #[test]
    fn unknown_language_or_message_is_none() {
        assert_eq!(message("de", "doc-date", &[]), None);
        assert_eq!(message("en", "no-such-message", &[]), None);
        assert_eq!(message("ar", "doc-date", &[]).as_deref(), Some("التاريخ"));
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(negotiate("de-DE, fr;q=0.8, en;q=0.5"), "fr");
        assert_eq!(negotiate("zh-TW"), "zh-Hant");
        assert_eq!(negotiate("zh-CN,zh;q=0.9"), "zh-Hans");
        assert_eq!(negotiate("en;q=0.1, ar"), "ar");
        assert_eq!(negotiate("de, ja"), "en");
        assert_eq!(negotiate("ru;q=0, es;q=0.2"), "es");
        assert_eq!(negotiate(""), "en");
    }
}
