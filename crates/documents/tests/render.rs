//! Rendering with the system's fonts (installed by `scripts/test`: fonts-noto-core,
//! fonts-noto-cjk) and reading the text back with `pdftotext` (poppler-utils): Chinese and
//! Arabic come out as the characters written, the hash is on the page, the file is PDF/A.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use accord_documents::{
    Block, DocumentData, KINDS, LANGUAGES, Renderer, Section, SignatureLine, compose,
};

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
        ..DocumentData::default()
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
                    !c.is_whitespace()
                        && !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                        && *c != '.'
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
            .contains("no documents in 'de'")
    );
}

fn facts(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A document of each kind with every fact its wording uses.
fn generated(kind: &str, language: &str) -> DocumentData {
    let mut d = DocumentData {
        kind: kind.into(),
        language: language.into(),
        reference: "ACC-2026-0A1B2C3D".into(),
        date: "2026-11-28".into(),
        parties: vec!["Harbour Trading Ltd".into(), "PT Indah Logistik".into()],
        content_hash: "ab".repeat(32),
        facts: facts(&[
            ("received", "2026-01-05"),
            ("requesting", "Harbour Trading Ltd"),
            ("respondents", "PT Indah Logistik"),
            ("title", "Port services"),
            ("invited", "PT Indah Logistik"),
            ("due", "2026-02-04"),
            ("parties", "Harbour Trading Ltd, PT Indah Logistik"),
            ("commenced", "2026-02-01"),
            ("mediator", "Dr Amina Rahman"),
            ("terminated", "2026-11-28"),
            ("text_hash", "cd"),
            ("signed_at", "2026-11-28T09:00:00Z"),
            ("public_key", "ef"),
            ("mediators", "Dr Amina Rahman"),
            ("verification_id", "0A1B2C3D-0A1B2C3D-0A1B2C3D-0A1B2C3D"),
            ("verify_url", "https://accord.example/verify"),
            ("issued", "2026-11-29"),
            ("institution_key", "12"),
            ("effective", "2026-11-28"),
            ("ground", "settled"),
            ("generated", "2026-11-28T10:00:00Z"),
            ("user", "u-1"),
            ("purpose", "other-proceedings"),
        ]),
        ..DocumentData::default()
    };
    match kind {
        "settlement-agreement" => {
            d.paragraphs = vec!["Terms.".into()];
            d.facts.extend(facts(&[
                ("governing_law", "the law of Hong Kong"),
                ("dispute_clause", "arbitration at HKIAC"),
                ("confidentiality", "confidential"),
                ("permitted_disclosure", "to enforce"),
                ("singapore", "yes"),
                ("languages", "en zh-Hans"),
                ("authoritative", "zh-Hans"),
            ]));
            d.sections = vec![Section {
                facts: facts(&[
                    ("party", "PT Indah Logistik"),
                    ("description", "pays Harbour"),
                    ("amount", "1250000.00"),
                    ("currency", "USD"),
                    ("due", "2027-03-31"),
                ]),
                notes: vec![],
            }];
            d.clauses = vec!["Each party bears its own costs.".into()];
        }
        "declaration-of-independence" => {
            d.sections = vec![
                Section {
                    facts: facts(&[("mediator", "Dr Amina Rahman"), ("accepted", "2026-03-01")]),
                    notes: vec![
                        "Advised a client of Harbour in 2019 on an unrelated matter.".into(),
                    ],
                },
                Section {
                    facts: facts(&[("mediator", "Li Wei"), ("accepted", "2026-03-02")]),
                    notes: vec![],
                },
            ]
        }
        "case-file-index" => d.clauses = vec!["Case — The case record — case.json".into()],
        "termination-record" => {
            d.steps = vec![
                ("filed".into(), "2026-01-05".into()),
                ("registered".into(), "2026-02-01".into()),
                ("terminated".into(), "2026-11-28".into()),
            ]
        }
        _ => {}
    }
    d
}

#[test]
fn every_kind_is_worded_in_every_language_from_its_facts() {
    for kind in KINDS {
        let mut seen = std::collections::BTreeSet::new();
        for lang in LANGUAGES {
            let blocks =
                compose(&generated(kind, lang)).unwrap_or_else(|e| panic!("{kind} {lang}: {e}"));
            assert!(!blocks.is_empty(), "{kind} {lang}");
            let text: String = blocks
                .iter()
                .map(|b| match b {
                    Block::Paragraph(t) | Block::Heading(t) | Block::Item(t) => t.clone(),
                })
                .collect::<Vec<_>>()
                .join("\n");
            assert!(
                !text.contains('{') && !text.contains('$'),
                "{kind} {lang}: {text}"
            );
            if *kind != "settlement-agreement" {
                assert!(
                    text.contains("ACC-2026-0A1B2C3D")
                        || *kind == "declaration-of-independence"
                        || *kind == "invitation",
                    "{kind} {lang}: {text}"
                );
                // Each language words it differently.
                assert!(
                    seen.insert(text.clone()),
                    "{kind} {lang} repeats another language"
                );
            }
        }
    }
}

#[test]
fn the_declaration_says_each_mediators_part_and_disclosures() {
    let blocks = compose(&generated("declaration-of-independence", "en")).unwrap();
    let items: Vec<&Block> = blocks
        .iter()
        .filter(|b| matches!(b, Block::Item(_)))
        .collect();
    assert_eq!(
        items,
        vec![&Block::Item(
            "Advised a client of Harbour in 2019 on an unrelated matter.".into()
        )]
    );
    let paragraphs: Vec<String> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(paragraphs.len(), 4);
    assert!(paragraphs[0].starts_with("Dr Amina Rahman accepted appointment"));
    assert!(paragraphs[1].contains("disclosed the following"));
    assert!(paragraphs[2].starts_with("Li Wei accepted appointment"));
    assert!(paragraphs[3].starts_with("No circumstances"));
}

#[test]
fn a_missing_fact_is_an_error_not_a_placeholder() {
    let mut d = generated("termination-record", "fr");
    d.facts.remove("effective");
    let e = compose(&d).unwrap_err().to_string();
    assert!(e.contains("doc-termination-record-p1"), "{e}");
}

#[test]
fn termination_records_in_chinese_and_arabic_read_back_as_written() {
    let r = Renderer::new(&[]);
    let squash = |s: &str| {
        s.chars()
            .filter(|c| {
                !c.is_whitespace()
                    && !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                    && !matches!(c, '.' | '。' | '：' | ':')
            })
            .collect::<String>()
    };
    for lang in ["zh-Hans", "ar", "ru"] {
        let d = generated("termination-record", lang);
        let pdf = r.render(&d).unwrap();
        let text = squash(&text_of(&pdf));
        for b in compose(&d).unwrap() {
            let (Block::Paragraph(t) | Block::Heading(t) | Block::Item(t)) = b;
            // Dates inside right-to-left lines may be reordered by the extractor; compare the
            // words around them.
            for piece in t.split(|c: char| c.is_ascii_digit() || c == '-' || c == '—') {
                let p = squash(piece);
                if p.chars().count() > 3 {
                    assert!(text.contains(&p), "{lang}: {p:?} missing in {text}");
                }
            }
        }
    }
}

#[test]
fn the_agreement_states_the_singapore_opt_in_and_the_authoritative_version_in_each_language() {
    let said =
        |lang: &str| -> Vec<Block> { compose(&generated("settlement-agreement", lang)).unwrap() };
    let en = said("en");
    let text = |b: &[Block]| -> String {
        b.iter()
            .map(|b| match b {
                Block::Paragraph(t) | Block::Heading(t) | Block::Item(t) => t.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let en_text = text(&en);
    assert!(en_text.starts_with("This settlement agreement resulted from the mediation administered by the institution in case ACC-2026-0A1B2C3D."));
    assert!(en_text.contains("Singapore Convention on Mediation) applies"));
    assert!(en_text.contains("English, Chinese (Simplified). In case of divergence between them, the version in the following language prevails: Chinese (Simplified)."), "{en_text}");
    assert!(
        en.contains(&Block::Item(
            "PT Indah Logistik: pays Harbour; Amount: 1250000.00 USD; Due by 2027-03-31".into()
        )),
        "{en:?}"
    );
    assert!(en.contains(&Block::Item("Each party bears its own costs.".into())));
    let zh = text(&said("zh-Hans"));
    assert!(zh.contains("以下列语文文本为准：中文（简体）"), "{zh}");
    assert!(zh.contains("《新加坡调解公约》"), "{zh}");
    // Without the opt-in, no Convention clause.
    let mut d = generated("settlement-agreement", "fr");
    d.facts.insert("singapore".into(), "no".into());
    let fr = text(&compose(&d).unwrap());
    assert!(!fr.contains("Singapour"), "{fr}");
    assert!(fr.contains("prévaut : chinois (simplifié)"), "{fr}");
}

#[test]
fn codes_in_arabic_documents_keep_their_order() {
    // An ID and a hash that begin with digits are the case the bidirectional algorithm
    // reorders inside an Arabic sentence unless they are isolated.
    let r = Renderer::new(&[]);
    let mut d = generated("attestation", "ar");
    let id = "12345678-9ABCDEF0-12345678-9ABCDEF0";
    let hash = "0123456789abcdef".repeat(4);
    d.facts.insert("verification_id".into(), id.into());
    d.facts.insert("text_hash".into(), hash.clone());
    d.content_hash = hash.clone();
    let text: String = text_of(&r.render(&d).unwrap())
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{2066}'..='\u{2069}'))
        .collect();
    assert!(text.contains(id), "{text}");
    assert!(text.contains(&hash), "{text}");
    assert!(text.contains("2026-11-28"), "{text}");
}
