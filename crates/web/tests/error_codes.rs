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
