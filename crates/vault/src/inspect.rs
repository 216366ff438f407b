//! Hostile-input checks on an upload, as it streams by (memory bounded: the first 64 KiB, the
//! last 64 KiB — 8 MiB for archives, whose central directory is at the end — and, for small
//! office documents, the file itself up to 32 MiB).
//!
//! The content decides the type, not the name: the sniffed type must be on the allow-list (PDF,
//! office documents, images, text, e-mail, ZIP) and agree with what the sender declared. Refused:
//! executables and anything else not listed; HTML, SVG and XML with a document type (active or
//! expanding content); PDFs with JavaScript or launch actions; polyglots (a ZIP directory at the
//! end of a PDF or an image); macros and external templates in office documents; pixel floods
//! and truncated images or PDFs; archives with unsafe paths (`..`, absolute, drive letters),
//! links, duplicate names, overlapping entries, too many entries, or more than the expansion
//! limit when uncompressed; the EICAR test signature. Archives are stored as they are and
//! expanded only on explicit request ([`crate::expand`]).

use memchr::memmem;

/// Limits of the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_bytes: u64,
    /// Largest image, in pixels.
    pub max_pixels: u64,
    /// Most entries in an archive.
    pub max_entries: usize,
    /// Largest total uncompressed size of an archive's entries.
    pub max_expanded: u64,
    /// Largest ratio of uncompressed to compressed size of an archive entry over 1 MiB.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 200 * 1024 * 1024,
            max_pixels: 100_000_000,
            max_entries: 10_000,
            max_expanded: 2 * 1024 * 1024 * 1024,
            max_ratio: 200,
        }
    }
}

/// Why an upload is refused: a stable code and a sentence a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Stable code (`file-too-large`, `type-not-allowed`, `type-mismatch`, `active-content`,
    /// `polyglot`, `truncated-file`, `image-too-large`, `archive-unsafe`, `archive-bomb`,
    /// `empty-file`, `malware-signature`).
    pub code: &'static str,
    /// What is wrong and what to do.
    pub message: String,
}

fn refuse(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

/// The types Accord accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// PDF (active content such as JavaScript and launch actions is refused).
    Pdf,
    /// Word, Excel or PowerPoint (Office Open XML).
    OfficeOpenXml,
    /// OpenDocument text, spreadsheet or presentation.
    OpenDocument,
    /// Legacy Office or Outlook message (OLE2 compound file).
    OfficeLegacy,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// GIF image.
    Gif,
    /// WebP image.
    Webp,
    /// TIFF image.
    Tiff,
    /// Plain text (UTF-8, or UTF-16 with a byte-order mark).
    Text,
    /// An e-mail message (RFC 5322).
    Email,
    /// A ZIP archive.
    Zip,
}

impl FileKind {
    /// The media type served on download.
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::OfficeOpenXml => "application/vnd.openxmlformats-officedocument",
            FileKind::OpenDocument => "application/vnd.oasis.opendocument",
            FileKind::OfficeLegacy => "application/x-ole-storage",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Gif => "image/gif",
            FileKind::Webp => "image/webp",
            FileKind::Tiff => "image/tiff",
            FileKind::Text => "text/plain; charset=utf-8",
            FileKind::Email => "message/rfc822",
            FileKind::Zip => "application/zip",
        }
    }

    /// A short name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Pdf => "a PDF document",
            FileKind::OfficeOpenXml => "an Office document",
            FileKind::OpenDocument => "an OpenDocument file",
            FileKind::OfficeLegacy => "a legacy Office or Outlook file",
            FileKind::Png => "a PNG image",
            FileKind::Jpeg => "a JPEG image",
            FileKind::Gif => "a GIF image",
            FileKind::Webp => "a WebP image",
            FileKind::Tiff => "a TIFF image",
            FileKind::Text => "a text file",
            FileKind::Email => "an e-mail message",
            FileKind::Zip => "a ZIP archive",
        }
    }

    /// Does a declared media type fit this content? (`application/octet-stream` and nothing
    /// declared fit anything.)
    fn fits(self, declared: &str) -> bool {
        let d = declared
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if d.is_empty() || d == "application/octet-stream" {
            return true;
        }
        match self {
            FileKind::Pdf => d == "application/pdf",
            FileKind::OfficeOpenXml => {
                d.starts_with("application/vnd.openxmlformats-officedocument")
                    || d == "application/zip"
            }
            FileKind::OpenDocument => {
                d.starts_with("application/vnd.oasis.opendocument") || d == "application/zip"
            }
            FileKind::OfficeLegacy => matches!(
                d.as_str(),
                "application/msword"
                    | "application/vnd.ms-excel"
                    | "application/vnd.ms-powerpoint"
                    | "application/vnd.ms-outlook"
                    | "application/x-ole-storage"
            ),
            FileKind::Png => d == "image/png",
            FileKind::Jpeg => d == "image/jpeg" || d == "image/jpg",
            FileKind::Gif => d == "image/gif",
            FileKind::Webp => d == "image/webp",
            FileKind::Tiff => d == "image/tiff",
            FileKind::Text => {
                d.starts_with("text/plain") || d == "text/csv" || d == "text/markdown"
            }
            FileKind::Email => d == "message/rfc822" || d.starts_with("text/plain"),
            FileKind::Zip => d == "application/zip" || d == "application/x-zip-compressed",
        }
    }
}

const HEAD: usize = 64 * 1024;
const TAIL: usize = 64 * 1024;
const ARCHIVE_TAIL: usize = 8 * 1024 * 1024;
const KEEP_WHOLE: usize = 32 * 1024 * 1024;
const EICAR: &[u8] = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// Byte patterns looked for anywhere in the stream.
const NEEDLES: &[(&[u8], &str)] = &[
    (b"/JavaScript", "pdf-js"),
    (b"/Launch", "pdf-launch"),
    (b"<script", "script"),
    (b"<SCRIPT", "script"),
    (b"<html", "html"),
    (b"<HTML", "html"),
    (b"_\0V\0B\0A\0_\0P\0R\0O\0J\0E\0C\0T\0", "vba"),
    (EICAR, "eicar"),
];

fn needle_finder() -> Option<&'static aho_corasick::AhoCorasick> {
    static FINDER: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    FINDER
        .get_or_init(|| aho_corasick::AhoCorasick::new(NEEDLES.iter().map(|(n, _)| *n)).ok())
        .as_ref()
}

/// Records which needles occur in `hay`: one pass with the automaton (a pass per needle should
/// the automaton ever fail to build).
fn find_needles(hay: &[u8], found: &mut std::collections::BTreeSet<&'static str>) {
    match needle_finder() {
        Some(f) => {
            for m in f.find_overlapping_iter(hay) {
                found.insert(NEEDLES[m.pattern().as_usize()].1);
            }
        }
        None => {
            for (needle, tag) in NEEDLES {
                if memmem::find(hay, needle).is_some() {
                    found.insert(tag);
                }
            }
        }
    }
}

/// Inspects an upload fed piece by piece.
pub struct Inspector {
    limits: Limits,
    total: u64,
    head: Vec<u8>,
    tail: Vec<u8>,
    tail_cap: usize,
    whole: Option<Vec<u8>>,
    carry: Vec<u8>,
    found: std::collections::BTreeSet<&'static str>,
    archive: Option<bool>,
}

impl Inspector {
    /// Starts an inspection.
    pub fn new(limits: Limits) -> Inspector {
        Inspector {
            limits,
            total: 0,
            head: Vec::with_capacity(HEAD),
            tail: Vec::with_capacity(2 * TAIL),
            tail_cap: TAIL,
            whole: Some(vec![]),
            carry: vec![],
            found: Default::default(),
            archive: None,
        }
    }

    /// Bytes seen so far.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Feeds the next piece; refuses as soon as the size limit is passed.
    pub fn feed(&mut self, data: &[u8]) -> Result<(), Refusal> {
        self.total += data.len() as u64;
        if self.total > self.limits.max_bytes {
            return Err(refuse(
                "file-too-large",
                format!(
                    "the file is larger than the limit of {} MiB",
                    self.limits.max_bytes / (1024 * 1024)
                ),
            ));
        }
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(data.len());
            self.head.extend_from_slice(&data[..take]);
        }
        if self.archive.is_none() && self.head.len() >= 4 {
            let zip = self.head.starts_with(b"PK\x03\x04") || self.head.starts_with(b"PK\x05\x06");
            self.archive = Some(zip);
            if zip {
                self.tail_cap = ARCHIVE_TAIL;
            } else {
                self.whole = None;
            }
        }
        // Small archives are kept whole for the office-document checks.
        if let Some(w) = self.whole.as_mut() {
            if w.len() + data.len() <= KEEP_WHOLE {
                w.extend_from_slice(data);
            } else {
                self.whole = None;
            }
        }
        // The tail: kept between one and two windows long, trimmed only when it doubles, so the
        // copying stays proportional to the input.
        if data.len() >= self.tail_cap {
            self.tail.clear();
            self.tail
                .extend_from_slice(&data[data.len() - self.tail_cap..]);
        } else {
            self.tail.extend_from_slice(data);
            if self.tail.len() > 2 * self.tail_cap {
                let excess = self.tail.len() - self.tail_cap;
                self.tail.drain(..excess);
            }
        }
        // Patterns, across piece boundaries, in one pass over the bytes.
        let longest = NEEDLES.iter().map(|(n, _)| n.len()).max().unwrap_or(1);
        let head_len = self.carry.len();
        let seen = find_needles;
        // The seam: the previous piece's tail and this piece's head.
        if head_len > 0 {
            let mut seam = std::mem::take(&mut self.carry);
            seam.extend_from_slice(&data[..data.len().min(longest - 1)]);
            seen(&seam, &mut self.found);
        }
        seen(data, &mut self.found);
        let keep = data.len().min(longest - 1);
        self.carry = data[data.len() - keep..].to_vec();
        Ok(())
    }

    /// Decides, given what the sender declared (media type, possibly empty).
    pub fn finish(self, declared: &str) -> Result<FileKind, Refusal> {
        if self.total == 0 {
            return Err(refuse("empty-file", "the file is empty"));
        }
        if self.found.contains("eicar") {
            return Err(refuse(
                "malware-signature",
                "the file carries a known malware signature (the EICAR test signature)",
            ));
        }
        let tail: &[u8] = &self.tail[self.tail.len().saturating_sub(self.tail_cap)..];
        let kind = sniff(&self.head, tail)?;
        if !kind.fits(declared) {
            return Err(refuse(
                "type-mismatch",
                format!(
                    "the file was declared as {declared} but its content is {}; send it with its \
                     real type",
                    kind.describe()
                ),
            ));
        }
        let has = |t: &str| self.found.contains(t);
        match kind {
            FileKind::Pdf => {
                if has("pdf-js") || has("pdf-launch") {
                    return Err(refuse(
                        "active-content",
                        "the PDF contains JavaScript or a launch action; print it to a new PDF \
                         without them and send that",
                    ));
                }
                if has("script") || has("html") {
                    return Err(refuse(
                        "polyglot",
                        "the PDF also carries HTML or script content; print it to a new PDF",
                    ));
                }
                if memmem::find(tail, b"%%EOF").is_none() {
                    return Err(refuse(
                        "truncated-file",
                        "the PDF is incomplete (no end-of-file marker); send the whole file",
                    ));
                }
            }
            FileKind::OfficeLegacy if has("vba") => {
                return Err(refuse(
                    "active-content",
                    "the document contains macros; save it without macros (for example as .docx \
                     or PDF) and send that",
                ));
            }
            _ => {}
        }
        if !matches!(
            kind,
            FileKind::Zip | FileKind::OfficeOpenXml | FileKind::OpenDocument
        ) && zip_directory_at_end(tail).is_some()
        {
            return Err(refuse(
                "polyglot",
                format!(
                    "the file is {} with a ZIP archive appended; send the two separately",
                    kind.describe()
                ),
            ));
        }
        match kind {
            FileKind::Png | FileKind::Jpeg | FileKind::Gif | FileKind::Webp => {
                image_checks(kind, &self.head, tail, self.total, &self.limits)?;
            }
            FileKind::Zip | FileKind::OfficeOpenXml | FileKind::OpenDocument => {
                let entries = archive_entries(tail, self.total, &self.limits)?;
                archive_checks(kind, &entries, self.whole.as_deref(), &self.limits)?;
            }
            _ => {}
        }
        Ok(kind)
    }
}

fn starts_with_markup(head: &[u8]) -> Option<&'static str> {
    let text: Vec<u8> = head
        .iter()
        .skip_while(|b| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF)
        .take(512)
        .map(u8::to_ascii_lowercase)
        .collect();
    let has = |p: &[u8]| memmem::find(&text, p).is_some();
    if text.starts_with(b"<!doctype html") || text.starts_with(b"<html") || has(b"<html") {
        Some("HTML")
    } else if text.starts_with(b"<svg") || has(b"<svg") {
        Some("SVG")
    } else if text.starts_with(b"<?xml")
        || text.starts_with(b"<!doctype")
        || text.starts_with(b"<!entity")
    {
        Some("XML")
    } else {
        None
    }
}

/// The type of content from its first and last bytes.
fn sniff(head: &[u8], tail: &[u8]) -> Result<FileKind, Refusal> {
    let not_allowed = |what: &str| {
        refuse(
            "type-not-allowed",
            format!(
                "{what} files are not accepted; send PDF, office documents, images, text, e-mail \
                 or ZIP"
            ),
        )
    };
    if head.starts_with(b"%PDF-") {
        return Ok(FileKind::Pdf);
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        let _ = tail;
        return Ok(if memmem::find(head, b"[Content_Types].xml").is_some() {
            FileKind::OfficeOpenXml
        } else if head.len() > 38
            && &head[30..38] == b"mimetype"
            && memmem::find(
                &head[..head.len().min(200)],
                b"application/vnd.oasis.opendocument",
            )
            .is_some()
        {
            FileKind::OpenDocument
        } else {
            FileKind::Zip
        });
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok(FileKind::OfficeLegacy);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(FileKind::Png);
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(FileKind::Jpeg);
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return Ok(FileKind::Gif);
    }
    if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        return Ok(FileKind::Webp);
    }
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        return Ok(FileKind::Tiff);
    }
    for (magic, what) in [
        (&b"MZ"[..], "Windows executable"),
        (b"\x7fELF", "Linux executable"),
        (b"\xcf\xfa\xed\xfe", "macOS executable"),
        (b"\xca\xfe\xba\xbe", "Java class or macOS executable"),
        (b"#!", "script"),
        (b"\x1f\x8b", "gzip"),
        (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
        (b"Rar!", "RAR"),
        (b"BZh", "bzip2"),
        (b"\xfd7zXZ", "xz"),
    ] {
        if head.starts_with(magic) {
            return Err(not_allowed(what));
        }
    }
    if head.len() > 262 && &head[257..262] == b"ustar" {
        return Err(not_allowed("tar"));
    }
    // Text: UTF-16 with a byte-order mark, or UTF-8 without NUL.
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if !utf16 {
        if head.contains(&0) {
            return Err(not_allowed("binary"));
        }
        // The head may end inside a multi-byte character.
        let valid = match std::str::from_utf8(head) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
        };
        if !valid {
            return Err(not_allowed("binary or non-UTF-8 text"));
        }
    }
    if !utf16 && let Some(markup) = starts_with_markup(head) {
        return Err(refuse(
            "active-content",
            format!(
                "{markup} files can carry scripts or expanding entities and are not accepted; send a PDF"
            ),
        ));
    }
    if !utf16 && looks_like_email(head) {
        return Ok(FileKind::Email);
    }
    Ok(FileKind::Text)
}

fn looks_like_email(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let mut headers = 0;
    let mut from = false;
    for line in text.lines().take(40) {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        match line.split_once(':') {
            Some((name, _))
                if !name.is_empty()
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
            {
                headers += 1;
                from |= name.eq_ignore_ascii_case("from");
            }
            _ => return false,
        }
    }
    from && headers >= 2
}

fn image_checks(
    kind: FileKind,
    head: &[u8],
    tail: &[u8],
    total: u64,
    limits: &Limits,
) -> Result<(), Refusal> {
    let truncated = || {
        refuse(
            "truncated-file",
            format!("{} is incomplete; send the whole file", kind.describe()),
        )
    };
    let be32 = |b: &[u8], at: usize| -> u64 {
        b.get(at..at + 4)
            .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as u64)
            .unwrap_or(0)
    };
    let (w, h) = match kind {
        FileKind::Png => {
            if head.get(12..16) != Some(b"IHDR") {
                return Err(truncated());
            }
            if !tail.ends_with(b"IEND\xae\x42\x60\x82") {
                return Err(truncated());
            }
            (be32(head, 16), be32(head, 20))
        }
        FileKind::Gif => {
            if tail.last() != Some(&0x3B) {
                return Err(truncated());
            }
            let le16 = |at: usize| {
                head.get(at..at + 2)
                    .map(|s| u16::from_le_bytes([s[0], s[1]]) as u64)
                    .unwrap_or(0)
            };
            (le16(6), le16(8))
        }
        FileKind::Jpeg => {
            if !tail.ends_with(&[0xFF, 0xD9]) {
                return Err(truncated());
            }
            jpeg_size(head).unwrap_or((0, 0))
        }
        FileKind::Webp => {
            let riff = head
                .get(4..8)
                .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as u64)
                .unwrap_or(0);
            if riff + 8 != total {
                return Err(truncated());
            }
            (0, 0)
        }
        _ => (0, 0),
    };
    if w.saturating_mul(h) > limits.max_pixels || w > 100_000 || h > 100_000 {
        return Err(refuse(
            "image-too-large",
            format!(
                "the image is {w} × {h} pixels, more than the {} megapixels accepted; scale it down",
                limits.max_pixels / 1_000_000
            ),
        ));
    }
    Ok(())
}

/// Width and height from a JPEG's start-of-frame marker, if it is in the head.
fn jpeg_size(head: &[u8]) -> Option<(u64, u64)> {
    let mut i = 2;
    while i + 9 < head.len() {
        if head[i] != 0xFF {
            i += 1;
            continue;
        }
        let marker = head[i + 1];
        let len = u16::from_be_bytes([head[i + 2], head[i + 3]]) as usize;
        if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
            let h = u16::from_be_bytes([head[i + 5], head[i + 6]]) as u64;
            let w = u16::from_be_bytes([head[i + 7], head[i + 8]]) as u64;
            return Some((w, h));
        }
        if marker == 0xD8 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += 2;
        } else {
            i += 2 + len;
        }
    }
    None
}

/// An archive entry from the central directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveEntry {
    /// The name as stored.
    pub name: String,
    /// Compressed size.
    pub compressed: u64,
    /// Uncompressed size.
    pub uncompressed: u64,
    /// Offset of its local header.
    pub offset: u64,
    /// A symbolic link.
    pub symlink: bool,
}

/// The end-of-central-directory record at the end of `tail`: (its position in `tail`, the
/// directory's size, the directory's offset in the file, the entry count).
fn zip_directory_at_end(tail: &[u8]) -> Option<(usize, u64, u64, u64)> {
    if tail.len() < 22 {
        return None;
    }
    let start = tail.len().saturating_sub(22 + 65_535);
    let mut at = tail.len() - 22;
    loop {
        if &tail[at..at + 4] == b"PK\x05\x06" {
            let le16 = |p: usize| u16::from_le_bytes([tail[p], tail[p + 1]]) as u64;
            let le32 = |p: usize| {
                u32::from_le_bytes([tail[p], tail[p + 1], tail[p + 2], tail[p + 3]]) as u64
            };
            let comment = le16(at + 20) as usize;
            if at + 22 + comment == tail.len() {
                return Some((at, le32(at + 12), le32(at + 16), le16(at + 10)));
            }
        }
        if at == start {
            return None;
        }
        at -= 1;
    }
}

/// Reads the central directory from the file's tail.
fn archive_entries(tail: &[u8], total: u64, limits: &Limits) -> Result<Vec<ArchiveEntry>, Refusal> {
    let bad = |m: &str| refuse("archive-unsafe", format!("the archive is malformed: {m}"));
    let Some((eocd, size, offset, count)) = zip_directory_at_end(tail) else {
        return Err(refuse(
            "truncated-file",
            "the archive is incomplete (no central directory at its end); send the whole file",
        ));
    };
    if size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF || count == 0xFFFF {
        return Err(bad("ZIP64 archives are not accepted below 4 GiB"));
    }
    if count as usize > limits.max_entries {
        return Err(refuse(
            "archive-bomb",
            format!(
                "the archive holds {count} entries, more than the {} accepted",
                limits.max_entries
            ),
        ));
    }
    let tail_start = total - tail.len() as u64;
    if offset + size > total - (tail.len() - eocd) as u64 || offset < tail_start {
        return Err(if offset < tail_start {
            refuse("archive-bomb", "the archive's directory is too large")
        } else {
            bad("the directory lies outside the file")
        });
    }
    let dir = &tail[(offset - tail_start) as usize..(offset - tail_start + size) as usize];
    let mut entries = vec![];
    let mut p = 0;
    while p < dir.len() {
        if dir.len() < p + 46 || &dir[p..p + 4] != b"PK\x01\x02" {
            return Err(bad("a directory entry is damaged"));
        }
        let le16 = |q: usize| u16::from_le_bytes([dir[q], dir[q + 1]]) as usize;
        let le32 =
            |q: usize| u32::from_le_bytes([dir[q], dir[q + 1], dir[q + 2], dir[q + 3]]) as u64;
        let made_by_host = dir[p + 5];
        let (name_len, extra_len, comment_len) = (le16(p + 28), le16(p + 30), le16(p + 32));
        let external = le32(p + 38);
        if dir.len() < p + 46 + name_len + extra_len + comment_len {
            return Err(bad("a directory entry is damaged"));
        }
        let name = String::from_utf8_lossy(&dir[p + 46..p + 46 + name_len]).into_owned();
        entries.push(ArchiveEntry {
            name,
            compressed: le32(p + 20),
            uncompressed: le32(p + 24),
            offset: le32(p + 42),
            symlink: made_by_host == 3 && (external >> 16) & 0o170000 == 0o120000,
        });
        p += 46 + name_len + extra_len + comment_len;
    }
    if entries.len() as u64 != count {
        return Err(bad("the entry count does not match the directory"));
    }
    Ok(entries)
}

/// A name that could escape the folder it is expanded into.
pub fn unsafe_entry_name(name: &str) -> bool {
    name.starts_with('/')
        || name.starts_with('\\')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|c| c == "..")
        || name.chars().any(|c| c.is_control())
}

fn archive_checks(
    kind: FileKind,
    entries: &[ArchiveEntry],
    whole: Option<&[u8]>,
    limits: &Limits,
) -> Result<(), Refusal> {
    let mut seen = std::collections::BTreeSet::new();
    let mut expanded: u64 = 0;
    for e in entries {
        if unsafe_entry_name(&e.name) {
            return Err(refuse(
                "archive-unsafe",
                format!(
                    "the archive holds an entry with an unsafe path ({:?})",
                    e.name
                ),
            ));
        }
        if e.symlink {
            return Err(refuse(
                "archive-unsafe",
                format!("the archive holds a symbolic link ({:?})", e.name),
            ));
        }
        if !seen.insert(e.name.to_lowercase()) {
            return Err(refuse(
                "archive-unsafe",
                format!("the archive holds two entries named {:?}", e.name),
            ));
        }
        expanded = expanded.saturating_add(e.uncompressed);
        if e.uncompressed > 1024 * 1024 && e.uncompressed / e.compressed.max(1) > limits.max_ratio {
            return Err(refuse(
                "archive-bomb",
                format!(
                    "the entry {:?} expands more than {}-fold",
                    e.name, limits.max_ratio
                ),
            ));
        }
    }
    if expanded > limits.max_expanded {
        return Err(refuse(
            "archive-bomb",
            format!(
                "the archive expands to {} MiB, more than the {} MiB accepted",
                expanded / (1024 * 1024),
                limits.max_expanded / (1024 * 1024)
            ),
        ));
    }
    // Entries must not share bytes (overlapping entries are how non-recursive bombs work).
    let mut by_offset: Vec<&ArchiveEntry> = entries.iter().collect();
    by_offset.sort_by_key(|e| e.offset);
    for pair in by_offset.windows(2) {
        let end = pair[0].offset + 30 + pair[0].name.len() as u64 + pair[0].compressed;
        if end > pair[1].offset {
            return Err(refuse(
                "archive-bomb",
                "the archive's entries overlap one another (a compression bomb)",
            ));
        }
    }
    let names = || entries.iter().map(|e| e.name.to_ascii_lowercase());
    match kind {
        FileKind::OfficeOpenXml => {
            if names().any(|n| {
                n.ends_with("vbaproject.bin")
                    || n.ends_with("vbadata.xml")
                    || n.contains("/activex/")
            }) {
                return Err(refuse(
                    "active-content",
                    "the document contains macros or ActiveX controls; save it without them \
                     (for example as .docx) and send that",
                ));
            }
            if let Some(w) = whole {
                external_relationships(w)?;
            }
        }
        FileKind::OpenDocument
            if names().any(|n| n.starts_with("basic/") || n.starts_with("scripts/")) =>
        {
            return Err(refuse(
                "active-content",
                "the document contains macros; save it without them and send that",
            ));
        }
        _ => {}
    }
    Ok(())
}

/// Office documents that fetch a template, an object or a frame from elsewhere when opened.
fn external_relationships(whole: &[u8]) -> Result<(), Refusal> {
    let Ok(mut z) = zip::ZipArchive::new(std::io::Cursor::new(whole)) else {
        return Err(refuse(
            "archive-unsafe",
            "the document's archive cannot be read",
        ));
    };
    for i in 0..z.len() {
        let Ok(mut f) = z.by_index(i) else { continue };
        if !f.name().ends_with(".rels") || f.size() > 4 * 1024 * 1024 {
            continue;
        }
        let mut text = String::new();
        if std::io::Read::read_to_string(&mut (&mut f).take(4 * 1024 * 1024), &mut text).is_err() {
            continue;
        }
        for rel in text.split("<Relationship ").skip(1) {
            let rel = rel.split('>').next().unwrap_or_default();
            let external = rel.contains("TargetMode=\"External\"");
            let risky = [
                "/attachedTemplate\"",
                "/oleObject\"",
                "/frame\"",
                "/subDocument\"",
            ]
            .iter()
            .any(|t| rel.contains(t));
            if external && risky {
                return Err(refuse(
                    "active-content",
                    "the document loads a template or object from outside when opened; remove \
                     the external link and send it again",
                ));
            }
        }
    }
    Ok(())
}

use std::io::Read as _;
