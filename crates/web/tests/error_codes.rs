//! The registry of the case rules' error codes, against everything that must follow it: every
//! code is worded in each of the seven languages (`error-<code>` in `locales/<lang>/`), listed in
//! the OpenAPI document's Error schema, and provoked by a domain guard test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use accord_domain::ErrorCode;
use accord_domain::testing::guards::scenario;

#[test]
fn every_error_code_is_worded_documented_and_provoked() {
    let doc = accord_web::openapi::document();
    let description = doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
        ["code"]["description"]
        .as_str()
        .expect("the Error schema describes its code")
        .to_owned();
    let listed: Vec<&str> = description
        .rsplit_once(": ")
        .map(|(_, list)| list.split(", ").collect())
        .unwrap_or_default();
    let mut failures = vec![];
    for code in ErrorCode::ALL {
        let id = format!("error-{code}");
        for lang in accord_i18n::LANGUAGES {
            if accord_i18n::message(lang, &id, &[]).is_none() {
                failures.push(format!("{code}: no message {id} in {lang}"));
            }
        }
        if !listed.contains(&code.as_str()) {
            failures.push(format!("{code}: not in the OpenAPI Error description"));
        }
        match scenario(*code).map(|t| (t.provoke)()) {
            None => failures.push(format!("{code}: no guard test provokes it")),
            Some(Ok(e)) if e.code() == *code => {}
            Some(Ok(e)) => failures.push(format!(
                "{code}: its guard test is refused with {}",
                e.code()
            )),
            Some(Err(setup)) => {
                failures.push(format!("{code}: its guard test did not run: {setup}"))
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The quoted code after each occurrence of `marker` in `text` (whitespace skipped), such as the
/// `"invalid-form"` of `AppError::invalid(\n "invalid-form", …)`.
fn codes_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    text.match_indices(marker)
        .filter_map(|(at, m)| {
            let rest = text[at + m.len()..].trim_start().strip_prefix('"')?;
            let code = &rest[..rest.find('"')?];
            let kebab = !code.is_empty()
                && code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            kebab.then_some(code)
        })
        .collect()
}

/// Every `.rs` file under `dir`.
fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path.display().to_string(), text));
        }
    }
}

/// The codes outside the case rules (invalid input, missing objects, sign-in, storage) reach
/// pages too: each is worded in every language, so that no page shows the service's English
/// sentence. The codes are read from the sources of `accord-app` and `accord-web`: every
/// `invalid("…")`, every `code: "…"`, and every code `AppError::code` names.
#[test]
fn every_code_outside_the_case_rules_is_worded_in_every_language() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = vec![];
    sources(&root.join("app/src"), &mut files);
    sources(&root.join("web/src"), &mut files);
    let mut codes = std::collections::BTreeSet::new();
    for (path, text) in &files {
        codes.extend(codes_after(text, "invalid("));
        codes.extend(codes_after(text, "code: "));
        if path.ends_with("app/src/error.rs") {
            let body = text
                .split("pub fn code(&self)")
                .nth(1)
                .and_then(|b| b.split("\n    }\n").next())
                .unwrap_or_default();
            codes.extend(codes_after(body, "=> "));
        }
    }
    for must in [
        "invalid-form",
        "case-not-found",
        "too-many-attempts",
        "weak-password",
    ] {
        assert!(codes.contains(must), "the scan missed {must}");
    }
    let mut failures = vec![];
    for code in &codes {
        for lang in accord_i18n::LANGUAGES {
            if accord_i18n::message(lang, &format!("error-{code}"), &[]).is_none() {
                failures.push(format!("{code}: no message error-{code} in {lang}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} codes scanned; missing:\n{}",
        codes.len(),
        failures.join("\n")
    );
}
