//! Rendering with the system's fonts (installed by `scripts/test`: fonts-noto-core,
//! fonts-noto-cjk) and reading the text back with `pdftotext` (poppler-utils): Chinese and
//! Arabic come out as the characters written, the hash is on the page, the file is PDF/A.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accord_documents::{DocumentData, Renderer, SignatureLine};

fn text_of(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.pdf");
    std::fs::write(&f, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&f)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn agreement(language: &str, body: &str) -> DocumentData {
    DocumentData {
        kind: "settlement-agreement".into(),
        language: language.into(),
        reference: "ACC-2026-0A1B2C3D".into(),
        date: "2026-11-28".into(),
        parties: vec![
            "Harbour Trading Ltd (Hong Kong)".into(),
            "PT Indah Logistik (Jakarta)".into(),
        ],
        paragraphs: vec![body.into(), "#set page(fill: red) *not markup*".into()],
        signatures: vec![SignatureLine {
            name: "Grace Ho".into(),
            capacity: "Harbour Trading Ltd".into(),
            signed_at: Some("2026-11-28T09:00:00Z".into()),
        }],
        content_hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
    }
}

#[test]
fn agreements_render_in_english_chinese_and_arabic() {
    let r = Renderer::new(&[]);
    assert!(
        r.font_count() > 10,
        "system fonts found: {}",
        r.font_count()
    );
    for (lang, body, title) in [
        (
            "en",
            "Indah pays USD 1,250,000 by 31 March 2027.",
            "Settlement Agreement",
        ),
        (
            "zh-Hans",
            "印达于2027年3月31日前支付一百二十五万美元。",
            "和解协议",
        ),
        (
            "ar",
            "تدفع إنداه مبلغ مليون ومئتين وخمسين ألف دولار.",
            "اتفاق التسوية",
        ),
    ] {
        let pdf = r.render(&agreement(lang, body)).unwrap();
        assert!(pdf.starts_with(b"%PDF-"), "{lang}");
        assert!(
            pdf.windows(9).any(|w| w == b"pdfaid:pa"),
            "{lang}: PDF/A identification missing"
        );
        let text = text_of(&pdf);
        // pdftotext wraps right-to-left runs in bidi embedding marks and may move a sentence's
        // final full stop; compare the characters themselves.
        let squash = |s: &str| {
            s.chars()
                .filter(|c| {
                    !c.is_whitespace() && !('\u{200e}'..='\u{202e}').contains(c) && *c != '.'
                })
                .collect::<String>()
        };
        assert!(
            squash(&text).contains(&squash(title)),
            "{lang}: title missing in {text}"
        );
        assert!(
            squash(&text).contains(&squash(body)),
            "{lang}: body missing in {text}"
        );
        assert!(
            text.contains("9f86d081884c7d659a2feaa0c55ad015"),
            "{lang}: hash missing"
        );
        // Shown as written (a markup injection would have vanished into the page fill).
        assert!(
            squash(&text).contains("setpage(fill:red)*notmarkup"),
            "{lang}: user text must stay text"
        );
        assert!(text.contains("Grace Ho"));
    }
}

#[test]
fn unknown_kinds_and_languages_are_refused() {
    let r = Renderer::new(&[]);
    let mut d = agreement("en", "x");
    d.kind = "summons".into();
    assert!(
        r.render(&d)
            .unwrap_err()
            .to_string()
            .contains("not a document")
    );
    let mut d = agreement("de", "x");
    d.language = "de".into();
    assert!(
        r.render(&d)
            .unwrap_err()
            .to_string()
            .contains("no document labels")
    );
}
