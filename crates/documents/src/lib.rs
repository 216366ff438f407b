//! Documents rendered to PDF with Typst as a library: the settlement agreement in each language
//! version, the mediator's certificate of mediation, the institution's attestation, the
//! termination record, and the notices of the procedure.
//!
//! One template (`templates/document.typ`) lays out every kind; the content comes in as JSON
//! (`/data.json`, `/labels.json`), never as markup, so nothing a party writes is evaluated. Fonts
//! come from the system (Debian's `fonts-noto-core` and `fonts-noto-cjk`): Typst shapes Arabic
//! and Chinese with rustybuzz and lays Arabic out right to left. Every page carries the case
//! reference, the page number and the SHA-256 of the document's content (for the agreement, the
//! hash the parties signed). Output is PDF/A-2b.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::{FontSearcher, FontSlot};

const TEMPLATE: &str = include_str!("../templates/document.typ");

/// The kinds of document Accord renders.
pub const KINDS: &[&str] = &[
    "settlement-agreement",
    "acknowledgement",
    "invitation",
    "notice-of-registration",
    "declaration-of-independence",
    "certificate-of-mediation",
    "attestation",
    "termination-record",
    "case-file-index",
];

/// Languages with labels (those of `accord-i18n`).
pub const LANGUAGES: &[&str] = accord_i18n::LANGUAGES;

/// Why a document cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// Not a kind or language Accord renders.
    #[error("{0}")]
    Unsupported(String),
    /// Typst refused the document, or a fact its wording needs is missing (a fault of the
    /// caller or the template, never the user's text).
    #[error("the document could not be laid out: {0}")]
    Layout(String),
}

/// What a document says: the application's port types, under the names this crate has always
/// used (the application decides the content; this crate lays it out).
pub use accord_app::ports::{DocumentData, DocumentSection as Section, SignatureLine};

/// One block of a document's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Running text, set as one paragraph (`par` in the Typst template).
    Paragraph(String),
    /// A heading inside the body.
    Heading(String),
    /// A list item.
    Item(String),
}

fn say(
    language: &str,
    id: &str,
    facts: &BTreeMap<String, String>,
) -> Result<Option<String>, DocumentError> {
    let args: Vec<(&str, &str)> = facts
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    match accord_i18n::say(language, id, &args) {
        Ok(t) => Ok(Some(t)),
        Err(accord_i18n::MessageError::Missing(_)) => Ok(None),
        Err(e) => Err(DocumentError::Layout(format!(
            "a fact the wording needs was not given: {e}"
        ))),
    }
}

fn need(
    language: &str,
    id: &str,
    facts: &BTreeMap<String, String>,
) -> Result<String, DocumentError> {
    say(language, id, facts)?
        .ok_or_else(|| DocumentError::Layout(format!("no message {id} in {language}")))
}

/// The numbered sentences `doc-<kind>-p1`, `-p2`, … in order.
fn numbered(
    language: &str,
    kind: &str,
    facts: &BTreeMap<String, String>,
) -> Result<Vec<String>, DocumentError> {
    let mut out = vec![];
    for n in 1.. {
        match say(language, &format!("doc-{kind}-p{n}"), facts)? {
            Some(t) => out.push(t),
            None => break,
        }
    }
    Ok(out)
}

/// In a right-to-left document, a value inserted into a sentence (a reference, a hash, a
/// verification ID, a date, a name) is wrapped in first-strong isolates (U+2068 … U+2069): the
/// bidirectional algorithm would otherwise reorder the parts of `12345678-ABCD…` or
/// `2026-11-28` around an Arabic sentence, and a reader would copy a wrong ID.
fn isolate(language: &str, value: &str) -> String {
    if accord_i18n::is_rtl(language) {
        format!("\u{2068}{value}\u{2069}")
    } else {
        value.to_owned()
    }
}

fn isolated(language: &str, facts: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    facts
        .iter()
        .map(|(k, v)| {
            // Selector values choose a variant and are never shown.
            let shown = !matches!(
                k.as_str(),
                "ground"
                    | "disclosed"
                    | "singapore"
                    | "languages"
                    | "authoritative"
                    | "step"
                    | "purpose"
            );
            (
                k.clone(),
                if shown {
                    isolate(language, v)
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

/// The settlement agreement (D20): the recital that it resulted from the mediation, the parties'
/// own text in this language, the structured terms, the Singapore Convention opt-in and the
/// language versions with the authoritative one — the last two said in every language version.
/// The terms part appears when the terms are given (`governing_law` among the facts).
fn agreement(
    d: &DocumentData,
    facts: &BTreeMap<String, String>,
) -> Result<Vec<Block>, DocumentError> {
    let lang = d.language.as_str();
    let mut out = vec![Block::Paragraph(need(
        lang,
        "doc-agreement-recital",
        facts,
    )?)];
    out.extend(d.paragraphs.iter().cloned().map(Block::Paragraph));
    if !facts.contains_key("governing_law") {
        return Ok(out);
    }
    out.push(Block::Heading(need(lang, "doc-agreement-terms", facts)?));
    // The semicolon of the script: Arabic ؛, full-width Chinese ；.
    let sep = match lang {
        "ar" => "؛ ",
        "zh-Hans" | "zh-Hant" => "；",
        _ => "; ",
    };
    for o in &d.sections {
        let mut line = need(lang, "doc-agreement-obligation", &o.facts)?;
        if o.facts.contains_key("amount") {
            line = format!(
                "{line}{sep}{}",
                need(lang, "doc-agreement-amount", &o.facts)?
            );
        }
        if o.facts.contains_key("due") {
            line = format!("{line}{sep}{}", need(lang, "doc-agreement-due", &o.facts)?);
        }
        out.push(Block::Item(line));
    }
    for id in [
        "doc-agreement-governing-law",
        "doc-agreement-disputes",
        "doc-agreement-confidentiality",
        "doc-agreement-permitted",
    ] {
        out.push(Block::Item(need(lang, id, facts)?));
    }
    if !d.clauses.is_empty() {
        out.push(Block::Heading(need(lang, "doc-agreement-clauses", facts)?));
        out.extend(d.clauses.iter().cloned().map(Block::Item));
    }
    for (fact, id) in [
        ("settled_issues", "doc-agreement-settled-issues"),
        ("unsettled_issues", "doc-agreement-unsettled-issues"),
    ] {
        if let Some(issues) = facts.get(fact) {
            let mut f = facts.clone();
            f.insert("issues".into(), issues.clone());
            out.push(Block::Paragraph(need(lang, id, &f)?));
        }
    }
    if facts.get("singapore").map(String::as_str) == Some("yes") {
        out.push(Block::Paragraph(need(
            lang,
            "doc-agreement-singapore",
            facts,
        )?));
    } else if facts.contains_key("outside_convention") {
        out.push(Block::Paragraph(need(
            lang,
            "doc-agreement-outside-convention",
            facts,
        )?));
    }
    let name = |code: &str| need(lang, &format!("language-{code}"), facts);
    let languages = facts
        .get("languages")
        .map(|l| {
            l.split_whitespace()
                .map(name)
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    let mut f = facts.clone();
    f.insert("languages".into(), languages.join(", "));
    if facts.get("equally_authentic").map(String::as_str) == Some("yes") {
        out.push(Block::Paragraph(need(
            lang,
            "doc-agreement-languages-equal",
            &f,
        )?));
    } else {
        let authoritative = name(facts.get("authoritative").map(String::as_str).unwrap_or(""))?;
        f.insert("authoritative".into(), authoritative);
        out.push(Block::Paragraph(need(lang, "doc-agreement-languages", &f)?));
    }
    Ok(out)
}

/// The body of a document in its language: the agreement's own paragraphs, or the kind's
/// sentences worded from the facts.
pub fn compose(d: &DocumentData) -> Result<Vec<Block>, DocumentError> {
    let lang = d.language.as_str();
    let mut with_reference = d.facts.clone();
    with_reference
        .entry("reference".into())
        .or_insert_with(|| d.reference.clone());
    let with_reference = isolated(lang, &with_reference);
    let facts = &with_reference;
    match d.kind.as_str() {
        "settlement-agreement" => agreement(d, facts),
        "declaration-of-independence" => {
            let mut out = vec![];
            for s in &d.sections {
                let mut facts = facts.clone();
                facts.extend(isolated(lang, &s.facts));
                let disclosed = if s.notes.is_empty() { "none" } else { "some" };
                facts.insert("disclosed".into(), disclosed.into());
                out.extend(
                    numbered(lang, &d.kind, &facts)?
                        .into_iter()
                        .map(Block::Paragraph),
                );
                out.extend(s.notes.iter().cloned().map(Block::Item));
            }
            Ok(out)
        }
        "termination-record" => {
            let mut text = numbered(lang, &d.kind, facts)?.into_iter();
            let mut out: Vec<Block> = text.by_ref().take(2).map(Block::Paragraph).collect();
            if !d.steps.is_empty() {
                out.push(Block::Heading(need(lang, "doc-steps", facts)?));
                for (step, date) in &d.steps {
                    let mut f = BTreeMap::new();
                    f.insert("step".to_owned(), step.clone());
                    out.push(Block::Item(format!(
                        "{} — {}",
                        isolate(lang, date),
                        need(lang, "doc-step", &f)?
                    )));
                }
            }
            out.extend(text.map(Block::Paragraph));
            Ok(out)
        }
        "case-file-index" => {
            let mut out: Vec<Block> = numbered(lang, &d.kind, facts)?
                .into_iter()
                .map(Block::Paragraph)
                .collect();
            out.push(Block::Heading(need(lang, "doc-contents", facts)?));
            out.extend(d.clauses.iter().cloned().map(Block::Item));
            Ok(out)
        }
        kind => Ok(numbered(lang, kind, facts)?
            .into_iter()
            .map(Block::Paragraph)
            .collect()),
    }
}

/// The application's typesetter port, on a [`Renderer`] made at first use (finding the system's
/// fonts takes a moment; a server that never lays a document out never pays it).
pub struct PdfTypesetter {
    extra_dirs: Vec<std::path::PathBuf>,
    renderer: std::sync::OnceLock<Renderer>,
}

impl PdfTypesetter {
    /// A typesetter with the system's fonts and those in `extra_dirs`.
    pub fn new(extra_dirs: Vec<std::path::PathBuf>) -> Self {
        PdfTypesetter {
            extra_dirs,
            renderer: std::sync::OnceLock::new(),
        }
    }
}

impl accord_app::ports::Typesetter for PdfTypesetter {
    fn render(&self, d: &DocumentData) -> Result<Vec<u8>, accord_app::ports::TypesetError> {
        use accord_app::ports::TypesetError;
        self.renderer
            .get_or_init(|| Renderer::new(&self.extra_dirs))
            .render(d)
            .map_err(|e| match e {
                DocumentError::Unsupported(m) => TypesetError::Unsupported(m),
                DocumentError::Layout(m) => TypesetError::Layout(m),
            })
    }
}

/// The rendering engine: the Typst standard library and the system's fonts, found once.
pub struct Renderer {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<FontSlot>,
}

impl Renderer {
    /// Finds the system's fonts (and those in `extra_dirs`).
    pub fn new(extra_dirs: &[std::path::PathBuf]) -> Self {
        let fonts = FontSearcher::new()
            .include_system_fonts(true)
            .search_with(extra_dirs);
        Renderer {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(fonts.book),
            fonts: fonts.fonts,
        }
    }

    /// Number of font faces found.
    pub fn font_count(&self) -> usize {
        self.fonts.len()
    }

    /// Renders a document to PDF/A-2b.
    pub fn render(&self, d: &DocumentData) -> Result<Vec<u8>, DocumentError> {
        if !KINDS.contains(&d.kind.as_str()) {
            return Err(DocumentError::Unsupported(format!(
                "'{}' is not a document Accord renders ({})",
                d.kind,
                KINDS.join(", ")
            )));
        }
        if !accord_i18n::is_supported(&d.language) {
            return Err(DocumentError::Unsupported(format!(
                "no documents in '{}' ({})",
                d.language,
                LANGUAGES.join(", ")
            )));
        }
        let lang = d.language.as_str();
        let mut labels = BTreeMap::new();
        for l in [
            "reference",
            "date",
            "parties",
            "signatures",
            "signed",
            "page",
            "hash",
        ] {
            labels.insert(l, need(lang, &format!("doc-{l}"), &d.facts)?);
        }
        let body: Vec<Value> = compose(d)?
            .into_iter()
            .map(|b| match b {
                Block::Paragraph(t) => json!({"style": "p", "text": t}),
                Block::Heading(t) => json!({"style": "h", "text": t}),
                Block::Item(t) => json!({"style": "item", "text": t}),
            })
            .collect();
        let rtl = accord_i18n::is_rtl(lang);
        let data = json!({
            "title": need(lang, &format!("doc-title-{}", d.kind), &d.facts)?,
            "lang": d.language.split('-').next().unwrap_or("en"),
            "region": match d.language.as_str() { "zh-Hans" => "CN", "zh-Hant" => "TW", _ => "" },
            "rtl": rtl,
            "reference": isolate(lang, &d.reference),
            "date": isolate(lang, &d.date),
            "iso_date": d.date,
            "parties": d.parties.iter().map(|p| isolate(lang, p)).collect::<Vec<_>>(),
            "body": body,
            "signatures": d.signatures.iter().map(|s| json!({
                "name": isolate(lang, &s.name),
                "capacity": isolate(lang, &s.capacity),
                "signed_at": s.signed_at.as_deref().map(|t| isolate(lang, t)).unwrap_or_default(),
            })).collect::<Vec<Value>>(),
            "content_hash": isolate(lang, &d.content_hash),
        });
        let world = DocumentWorld {
            renderer: self,
            main: Source::new(main_id(), TEMPLATE.to_owned()),
            data: Bytes::new(data.to_string().into_bytes()),
            labels: Bytes::new(json!(labels).to_string().into_bytes()),
        };
        let doc: PagedDocument = typst::compile(&world)
            .output
            .map_err(|e| DocumentError::Layout(format!("{:?}", e.first().map(|d| &d.message))))?;
        let standards = typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_2b])
            .map_err(|e| DocumentError::Layout(e.to_string()))?;
        let options = typst_pdf::PdfOptions {
            ident: typst::foundations::Smart::Custom(&d.content_hash),
            standards,
            ..typst_pdf::PdfOptions::default()
        };
        typst_pdf::pdf(&doc, &options)
            .map_err(|e| DocumentError::Layout(format!("{:?}", e.first().map(|d| &d.message))))
    }
}

fn main_id() -> FileId {
    FileId::new(None, VirtualPath::new("/document.typ"))
}

struct DocumentWorld<'a> {
    renderer: &'a Renderer,
    main: Source,
    data: Bytes,
    labels: Bytes,
}

impl World for DocumentWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.renderer.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.renderer.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        match id.vpath().as_rootless_path().to_str() {
            Some("data.json") => Ok(self.data.clone()),
            Some("labels.json") => Ok(self.labels.clone()),
            _ => Err(FileError::NotFound(id.vpath().as_rootless_path().into())),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.renderer.fonts.get(index).and_then(FontSlot::get)
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        // Documents carry their own date; rendering never depends on the clock.
        None
    }
}
