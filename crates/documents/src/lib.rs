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
];

/// Languages with labels.
pub const LANGUAGES: &[&str] = &["en", "zh-Hans", "zh-Hant", "fr", "ar", "ru", "es"];

/// Why a document cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// Not a kind or language Accord renders.
    #[error("{0}")]
    Unsupported(String),
    /// Typst refused the document (a template fault, never the user's text).
    #[error("the document could not be laid out: {0}")]
    Layout(String),
}

/// A signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureLine {
    /// Who signed.
    pub name: String,
    /// In what capacity (for a party: the party's name).
    pub capacity: String,
    /// When (RFC 3339), if signed.
    pub signed_at: Option<String>,
}

/// What goes into a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentData {
    /// One of [`KINDS`].
    pub kind: String,
    /// One of [`LANGUAGES`].
    pub language: String,
    /// The case reference.
    pub reference: String,
    /// The document's date (YYYY-MM-DD).
    pub date: String,
    /// The parties, as listed at the top.
    pub parties: Vec<String>,
    /// The body, paragraph by paragraph.
    pub paragraphs: Vec<String>,
    /// Signature lines.
    pub signatures: Vec<SignatureLine>,
    /// SHA-256 (hex) of the document's content, printed on every page.
    pub content_hash: String,
}

fn labels(language: &str) -> Option<(BTreeMap<&'static str, &'static str>, bool)> {
    let l: &[(&str, &str)] = match language {
        "en" => &[
            ("settlement-agreement", "Settlement Agreement"),
            (
                "acknowledgement",
                "Acknowledgement of the Request for Mediation",
            ),
            ("invitation", "Invitation to Mediate"),
            ("notice-of-registration", "Notice of Registration"),
            (
                "declaration-of-independence",
                "Mediator's Declaration of Independence and Impartiality",
            ),
            (
                "certificate-of-mediation",
                "Mediator's Certificate of Mediation",
            ),
            (
                "attestation",
                "Attestation of the Administering Institution",
            ),
            (
                "termination-record",
                "Record of Termination of the Mediation",
            ),
            ("reference", "Case reference"),
            ("date", "Date"),
            ("parties", "Parties"),
            ("signatures", "Signatures"),
            ("signed", "Signed electronically on"),
            ("page", "Page"),
            ("hash", "SHA-256 of the content"),
        ],
        "zh-Hans" => &[
            ("settlement-agreement", "和解协议"),
            ("acknowledgement", "调解申请确认书"),
            ("invitation", "调解邀请书"),
            ("notice-of-registration", "立案通知书"),
            ("declaration-of-independence", "调解员独立性与公正性声明"),
            ("certificate-of-mediation", "调解员调解证明书"),
            ("attestation", "管理机构证明书"),
            ("termination-record", "调解终止记录"),
            ("reference", "案件编号"),
            ("date", "日期"),
            ("parties", "当事方"),
            ("signatures", "签署"),
            ("signed", "电子签署于"),
            ("page", "第"),
            ("hash", "内容的 SHA-256 值"),
        ],
        "zh-Hant" => &[
            ("settlement-agreement", "和解協議"),
            ("acknowledgement", "調解申請確認書"),
            ("invitation", "調解邀請書"),
            ("notice-of-registration", "立案通知書"),
            ("declaration-of-independence", "調解員獨立性與公正性聲明"),
            ("certificate-of-mediation", "調解員調解證明書"),
            ("attestation", "管理機構證明書"),
            ("termination-record", "調解終止記錄"),
            ("reference", "案件編號"),
            ("date", "日期"),
            ("parties", "當事方"),
            ("signatures", "簽署"),
            ("signed", "電子簽署於"),
            ("page", "第"),
            ("hash", "內容的 SHA-256 值"),
        ],
        "fr" => &[
            ("settlement-agreement", "Accord de règlement"),
            (
                "acknowledgement",
                "Accusé de réception de la demande de médiation",
            ),
            ("invitation", "Invitation à la médiation"),
            ("notice-of-registration", "Avis d'enregistrement"),
            (
                "declaration-of-independence",
                "Déclaration d'indépendance et d'impartialité du médiateur",
            ),
            (
                "certificate-of-mediation",
                "Certificat de médiation du médiateur",
            ),
            ("attestation", "Attestation de l'institution administrante"),
            (
                "termination-record",
                "Procès-verbal de clôture de la médiation",
            ),
            ("reference", "Référence de l'affaire"),
            ("date", "Date"),
            ("parties", "Parties"),
            ("signatures", "Signatures"),
            ("signed", "Signé électroniquement le"),
            ("page", "Page"),
            ("hash", "SHA-256 du contenu"),
        ],
        "ar" => &[
            ("settlement-agreement", "اتفاق التسوية"),
            ("acknowledgement", "إشعار باستلام طلب الوساطة"),
            ("invitation", "دعوة إلى الوساطة"),
            ("notice-of-registration", "إشعار بالتسجيل"),
            (
                "declaration-of-independence",
                "إقرار الوسيط بالاستقلال والحياد",
            ),
            ("certificate-of-mediation", "شهادة الوسيط بإجراء الوساطة"),
            ("attestation", "شهادة المؤسسة المديرة"),
            ("termination-record", "محضر إنهاء الوساطة"),
            ("reference", "رقم القضية"),
            ("date", "التاريخ"),
            ("parties", "الأطراف"),
            ("signatures", "التوقيعات"),
            ("signed", "وُقّع إلكترونيًا في"),
            ("page", "صفحة"),
            ("hash", "بصمة SHA-256 للمحتوى"),
        ],
        "ru" => &[
            ("settlement-agreement", "Мировое соглашение"),
            (
                "acknowledgement",
                "Подтверждение получения просьбы о медиации",
            ),
            ("invitation", "Приглашение к медиации"),
            ("notice-of-registration", "Уведомление о регистрации"),
            (
                "declaration-of-independence",
                "Заявление медиатора о независимости и беспристрастности",
            ),
            (
                "certificate-of-mediation",
                "Свидетельство медиатора о проведении медиации",
            ),
            ("attestation", "Удостоверение администрирующего учреждения"),
            ("termination-record", "Протокол о прекращении медиации"),
            ("reference", "Номер дела"),
            ("date", "Дата"),
            ("parties", "Стороны"),
            ("signatures", "Подписи"),
            ("signed", "Подписано электронно"),
            ("page", "Страница"),
            ("hash", "SHA-256 содержания"),
        ],
        "es" => &[
            ("settlement-agreement", "Acuerdo de transacción"),
            (
                "acknowledgement",
                "Acuse de recibo de la solicitud de mediación",
            ),
            ("invitation", "Invitación a la mediación"),
            ("notice-of-registration", "Notificación de registro"),
            (
                "declaration-of-independence",
                "Declaración de independencia e imparcialidad del mediador",
            ),
            (
                "certificate-of-mediation",
                "Certificado de mediación del mediador",
            ),
            (
                "attestation",
                "Certificación de la institución administradora",
            ),
            ("termination-record", "Acta de terminación de la mediación"),
            ("reference", "Referencia del caso"),
            ("date", "Fecha"),
            ("parties", "Partes"),
            ("signatures", "Firmas"),
            ("signed", "Firmado electrónicamente el"),
            ("page", "Página"),
            ("hash", "SHA-256 del contenido"),
        ],
        _ => return None,
    };
    Some((l.iter().copied().collect(), language == "ar"))
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
        let (labels, rtl) = labels(&d.language).ok_or_else(|| {
            DocumentError::Unsupported(format!(
                "no document labels in '{}' ({})",
                d.language,
                LANGUAGES.join(", ")
            ))
        })?;
        let data = json!({
            "title": labels.get(d.kind.as_str()).copied().unwrap_or_default(),
            "lang": d.language.split('-').next().unwrap_or("en"),
            "region": match d.language.as_str() { "zh-Hans" => "CN", "zh-Hant" => "TW", _ => "" },
            "rtl": rtl,
            "reference": d.reference,
            "date": d.date,
            "parties": d.parties,
            "paragraphs": d.paragraphs,
            "signatures": d.signatures.iter().map(|s| json!({
                "name": s.name, "capacity": s.capacity, "signed_at": s.signed_at.clone().unwrap_or_default(),
            })).collect::<Vec<Value>>(),
            "content_hash": d.content_hash,
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
