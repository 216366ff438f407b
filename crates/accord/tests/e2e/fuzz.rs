//! Parsers of outside input under random and mutated input: Genius XML and GeniusWeb JSON
//! scenarios, the upload inspectors (every declared type), archive expansion, canonical JSON,
//! the enforcement-package verifier, log checkpoints, the vault's stored format, file names, and
//! uploads through HTTP (multipart bodies and the `Accord-Filing` header). Each is fed its seeds
//! (well-formed inputs of its format) and then inputs made by mutating them: bit flips, bytes
//! and interesting values set, inserted, deleted, duplicated, spliced from another seed, numbers
//! replaced by extreme ones, truncation. Every call must return (a result or a refusal), never
//! panic; where the format promises more it is checked too (canonical JSON is stable and means
//! what it was given; a changed vault record never decrypts). Inputs that panic are written to
//! `target/fuzz-failures`.
//!
//! `ACCORD_FUZZ_INPUTS` inputs per parser (1,500 in `scripts/test`; `bench/fuzz` runs 100,000;
//! HTTP uploads get a tenth). Prints `FIGURE fuzz parser=<name> inputs=N panics=0` per parser and
//! `FIGURE fuzz inputs=N panics=0` in all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestServer, active_commercial};

fn inputs() -> usize {
    std::env::var("ACCORD_FUZZ_INPUTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_500)
}

/// Mutates seeds (xorshift; seeded per parser, so a failure reproduces).
struct Mutator(u64);

const INTERESTING: &[&[u8]] = &[
    b"0",
    b"-1",
    b"1e309",
    b"-0",
    b"NaN",
    b"99999999999999999999999999",
    b"4294967296",
    b"0.000000000000000000001",
    b"\"",
    b"<",
    b">",
    b"&",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\\u0000",
    b"\x00",
    b"\xff\xfe",
    b"\xe2\x80\xae",
    b"<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]>",
    b"&a;&a;&a;",
    b"PK\x03\x04",
    b"%PDF-",
    b"../",
    b"\r\n\r\n",
];

impl Mutator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn mutate(&mut self, seeds: &[Vec<u8>]) -> Vec<u8> {
        let mut v = seeds[self.below(seeds.len())].clone();
        for _ in 0..1 + self.below(4) {
            let at = self.below(v.len() + 1);
            match self.below(10) {
                0 if !v.is_empty() => {
                    let i = self.below(v.len());
                    v[i] ^= 1 << self.below(8);
                }
                1 if !v.is_empty() => {
                    let i = self.below(v.len());
                    v[i] = self.next() as u8;
                }
                2 => {
                    let bytes = INTERESTING[self.below(INTERESTING.len())];
                    v.splice(at..at, bytes.iter().copied());
                }
                3 if !v.is_empty() => {
                    let end = (at + 1 + self.below(64)).min(v.len());
                    v.drain(at.min(end)..end);
                }
                4 if !v.is_empty() => {
                    let start = self.below(v.len());
                    let end = (start + 1 + self.below(256)).min(v.len());
                    let chunk = v[start..end].to_vec();
                    for _ in 0..1 + self.below(3) {
                        v.splice(at..at, chunk.iter().copied());
                    }
                }
                5 => {
                    let other = &seeds[self.below(seeds.len())];
                    let from = self.below(other.len());
                    let end = (from + self.below(512)).min(other.len());
                    v.splice(at..at, other[from..end].iter().copied());
                }
                6 => {
                    // A run of digits replaced by an extreme number.
                    if let Some(start) = (at..v.len()).find(|&i| v[i].is_ascii_digit()) {
                        let end = (start..v.len())
                            .find(|&i| !v[i].is_ascii_digit())
                            .unwrap_or(v.len());
                        let bytes = INTERESTING[self.below(8)];
                        v.splice(start..end, bytes.iter().copied());
                    }
                }
                7 => v.truncate(at),
                8 => {
                    for _ in 0..self.below(16) {
                        v.insert(at.min(v.len()), self.next() as u8);
                    }
                }
                _ => {
                    let bytes = INTERESTING[self.below(INTERESTING.len())];
                    let end = (at + bytes.len()).min(v.len());
                    v.splice(at..end, bytes.iter().copied());
                }
            }
        }
        v
    }
}

/// What a parser's run found.
struct Run {
    inputs: usize,
    panics: usize,
    slowest: Duration,
}

fn failures_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-failures");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Feeds `n` inputs (the seeds, then mutations of them) to `parse`.
fn fuzz(name: &str, seed: u64, seeds: &[Vec<u8>], n: usize, parse: impl Fn(&[u8])) -> Run {
    let mut m = Mutator(seed);
    let mut run = Run {
        inputs: 0,
        panics: 0,
        slowest: Duration::ZERO,
    };
    for i in 0..n {
        let input = if i < seeds.len() {
            seeds[i].clone()
        } else {
            m.mutate(seeds)
        };
        let t = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| parse(&input)));
        run.slowest = run.slowest.max(t.elapsed());
        run.inputs += 1;
        if result.is_err() {
            run.panics += 1;
            let path = failures_dir().join(format!("{name}-{i}.bin"));
            std::fs::File::create(&path)
                .and_then(|mut f| f.write_all(&input))
                .unwrap();
            eprintln!("{name}: input {i} panicked; saved as {}", path.display());
        }
    }
    println!(
        "FIGURE fuzz parser={name} inputs={} panics={} slowest={:.1}ms",
        run.inputs,
        run.panics,
        run.slowest.as_secs_f64() * 1e3
    );
    run
}

const FILE_SEPARATOR: &[u8] = b"\n\x00--next-file--\x00\n";

fn join_files(files: &[&str]) -> Vec<u8> {
    files
        .join(std::str::from_utf8(FILE_SEPARATOR).unwrap())
        .into_bytes()
}

fn split_files(input: &[u8], names: &[&str]) -> Vec<(PathBuf, String)> {
    let text = String::from_utf8_lossy(input);
    let sep = std::str::from_utf8(FILE_SEPARATOR).unwrap();
    text.split(sep)
        .zip(names.iter().chain(std::iter::repeat(&"extra.xml")))
        .map(|(t, n)| (PathBuf::from(format!("scenario/{n}")), t.to_owned()))
        .collect()
}

const DOMAIN: &str = r#"<negotiation_template><utility_space number_of_issues="3">
<objective index="0" name="deal" type="objective" etype="objective">
<issue name="Port" index="1" etype="discrete" type="discrete" vtype="discrete">
<item index="1" value="Lisbon"/><item index="2" value="Macau"/><item index="3" value="Hong Kong"/></issue>
<issue name="Price" index="2" etype="real" type="real" vtype="real">
<range lowerbound="10" upperbound="20"/></issue>
<issue name="Tonnes" index="3" etype="integer" type="integer" vtype="integer" lowerbound="1" upperbound="9"/>
</objective></utility_space></negotiation_template>"#;

fn genius_profile(a: u32, b: u32, offset: &str, slope: &str) -> String {
    format!(
        r#"<utility_space><objective index="0" name="deal" type="objective" etype="objective">
<issue index="1" name="Port" type="discrete" etype="discrete">
<item index="1" value="Lisbon" evaluation="{a}"/><item index="2" value="Macau" evaluation="{b}"/><item index="3" value="Hong Kong" evaluation="1"/></issue>
<issue index="2" name="Price" type="real" etype="real"><range lowerbound="10" upperbound="20"/>
<evaluator ftype="linear" parameter0="{offset}" parameter1="{slope}"/></issue>
<issue index="3" name="Tonnes" type="integer" etype="integer" lowerbound="1" upperbound="9">
<evaluator ftype="linear" parameter0="0" parameter1="0.1"/></issue>
<weight index="1" value="0.4"/><weight index="2" value="0.4"/><weight index="3" value="0.2"/>
<reservation value="0.3"/>
</objective></utility_space>"#
    )
}

fn geniusweb_profile(name: &str, low: f64, high: f64) -> String {
    json!({"LinearAdditiveUtilitySpace": {
        "name": name,
        "domain": {"name": "sale", "issuesValues": {
            "price": {"range": {"low": 10, "high": 20, "step": 2.5}},
            "port": {"values": ["Lisbon", "Macau"]}}},
        "issueWeights": {"price": 0.6, "port": 0.4},
        "issueUtilities": {
            "price": {"numberutils": {"lowValue": 10, "lowUtility": low, "highValue": 20, "highUtility": high}},
            "port": {"discreteutils": {"valueUtilities": {"Lisbon": 0.5, "Macau": 1}}}},
        "reservationBid": {"issuevalues": {"price": 17.5, "port": "Lisbon"}}}})
    .to_string()
}

fn zip_of(entries: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn png() -> Vec<u8> {
    let mut v =
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00"
            .to_vec();
    v.extend_from_slice(&[0x90, 0x91, 0x68, 0x36]);
    v.extend_from_slice(b"\x00\x00\x00\x00IEND\xaeB`\x82");
    v
}

fn inspector_seeds() -> Vec<Vec<u8>> {
    let docx = zip_of(
        &[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
            ("_rels/.rels", b"<Relationships/>"),
        ],
        true,
    );
    vec![
        pdf(),
        png(),
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9".to_vec(),
        zip_of(&[("memorial.pdf", &pdf()), ("annex/a.txt", b"annex")], true),
        zip_of(&[("a.txt", &[b'a'; 4096])], false),
        docx,
        "Mémoire — مذكرة — 備忘錄\n".as_bytes().to_vec(),
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
    ]
}

const DECLARED: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/zip",
    "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/octet-stream",
    "",
];

fn parsers(n: usize, real_package: &[u8]) -> Vec<Run> {
    let mut runs = vec![];

    // Genius XML: a domain and two profiles, one input.
    let names = ["domain.xml", "buyer.xml", "seller.xml"];
    let seeds = vec![
        join_files(&[
            DOMAIN,
            &genius_profile(1, 2, "2.5", "-0.1"),
            &genius_profile(3, 1, "-1", "0.1"),
        ]),
        join_files(&[
            DOMAIN,
            &genius_profile(5, 5, "0", "0.05"),
            &genius_profile(1, 9, "1", "-0.05"),
        ]),
    ];
    for seed in &seeds {
        let files = split_files(seed, &names);
        accord_negotiate::import::load_files(
            "seed",
            &files,
            accord_negotiate::import::Semantics::Genius,
        )
        .expect("the Genius seeds are well formed");
    }
    runs.push(fuzz("genius-xml", 0xA11CE, &seeds, n, |input| {
        let files = split_files(input, &names);
        for sem in [
            accord_negotiate::import::Semantics::Genius,
            accord_negotiate::import::Semantics::Raw,
        ] {
            let _ = accord_negotiate::import::load_files("fuzz", &files, sem);
        }
    }));

    // GeniusWeb JSON: two profiles.
    let names = ["buyer.json", "seller.json"];
    let seeds = vec![join_files(&[
        &geniusweb_profile("buyer", 1.0, 0.25),
        &geniusweb_profile("seller", 0.0, 1.0),
    ])];
    accord_negotiate::import::load_files(
        "seed",
        &split_files(&seeds[0], &names),
        accord_negotiate::import::Semantics::Raw,
    )
    .expect("the GeniusWeb seeds are well formed");
    runs.push(fuzz("geniusweb-json", 0xB0B, &seeds, n, |input| {
        let files = split_files(input, &names);
        let _ = accord_negotiate::import::load_files(
            "fuzz",
            &files,
            accord_negotiate::import::Semantics::Raw,
        );
    }));

    // The upload inspectors, fed in pieces as uploads arrive, under every declared type.
    let seeds = inspector_seeds();
    let mut pick = Mutator(0xC0FFEE);
    let declared: Vec<usize> = (0..n).map(|_| pick.below(DECLARED.len())).collect();
    let counter = std::cell::Cell::new(0usize);
    runs.push(fuzz("upload-inspector", 0xC0DE, &seeds, n, |input| {
        let i = counter.get();
        counter.set(i + 1);
        let mut inspector = accord_vault::inspect::Inspector::new(accord_vault::Limits::default());
        for piece in input.chunks(1 + (i % 7) * 977) {
            if inspector.feed(piece).is_err() {
                return;
            }
        }
        let _ = inspector.finish(DECLARED[declared[i % declared.len()]]);
    }));

    // Archive expansion (the "expand a ZIP on request" path).
    let seeds: Vec<Vec<u8>> = inspector_seeds()
        .into_iter()
        .filter(|s| s.starts_with(b"PK"))
        .collect();
    runs.push(fuzz("zip-expand", 0xD1CE, &seeds, n, |input| {
        let _ = accord_vault::expand::expand(input, &accord_vault::Limits::default());
    }));

    // Canonical JSON: stable, and meaning what it was given.
    let seeds: Vec<Vec<u8>> = [
        json!({"type": "document-filed", "document_id": "d-1", "size": 12, "sha256": "ab", "without_prejudice": false}),
        json!({"b": [1, 2.5, -0.0, 1e-7, 12345678901234567890u64], "a": {"é": "\u{1F600}", "z": null}, "": true}),
        json!([[[]], {}, "\\\"\u{0007}", 1.0e300]),
    ]
    .iter()
    .map(|v| v.to_string().into_bytes())
    .collect();
    runs.push(fuzz("canonical-json", 0xE7E7, &seeds, n, |input| {
        let Ok(v) = serde_json::from_slice::<Value>(input) else {
            return;
        };
        if let Ok(c) = accord_evidence::canonical_json(&v) {
            let back: Value = serde_json::from_str(&c).expect("canonical JSON parses");
            assert_eq!(
                accord_evidence::canonical_json(&back).unwrap(),
                c,
                "canonical form is stable"
            );
        }
    }));

    // The enforcement-package verifier, seeded with a real package (a settled, attested case)
    // and a package of the right form signed by another key.
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let verifying = key.verifying_key();
    let files = vec![
        accord_package::PackageFile {
            name: "agreement/settlement.json".into(),
            bytes: br#"{"versions":[]}"#.to_vec(),
        },
        accord_package::PackageFile {
            name: "case-log.json".into(),
            bytes: br#"[{"kind":"request-filed"}]"#.to_vec(),
        },
    ];
    let other = accord_package::build(
        files,
        &json!({"case_reference": "IOMED-2026-0001", "verification_id": "V-1"}),
        &key,
    )
    .unwrap();
    let seeds = vec![real_package.to_vec(), other];
    runs.push(fuzz("package-verifier", 0xF00D, &seeds, n, |input| {
        let _ = accord_package::verify(input, None);
        let _ = accord_package::verify(input, Some(&verifying));
    }));

    // Log checkpoints (signed notes).
    let cp = accord_evidence::checkpoint::Checkpoint {
        origin: "accord.example/log".into(),
        size: 42,
        root: [9; 32],
    };
    let seeds = vec![cp.sign("accord.example", &key).into_bytes()];
    accord_evidence::checkpoint::Checkpoint::verify(
        std::str::from_utf8(&seeds[0]).unwrap(),
        "accord.example",
        &verifying,
    )
    .expect("the checkpoint seed verifies");
    runs.push(fuzz("checkpoint", 0x1CE, &seeds, n, |input| {
        let text = String::from_utf8_lossy(input);
        let _ =
            accord_evidence::checkpoint::Checkpoint::verify(&text, "accord.example", &verifying);
    }));

    // The vault's stored format: any change to a record is refused, never opened.
    let master = accord_keys::MasterKey::generate().unwrap();
    let (data_key, _) = master.new_data_key("case").unwrap();
    let sealed = {
        let (mut e, header) =
            accord_vault::format::Encryptor::new(&data_key, "case/doc", 16 * 1024).unwrap();
        let mut out = header.to_vec();
        for chunk in e.push(&vec![5u8; 70_000]).unwrap() {
            out.extend_from_slice(&chunk);
        }
        out.extend_from_slice(&e.finish().unwrap());
        out
    };
    let original = sealed.clone();
    runs.push(fuzz("vault-format", 0x5AFE, &[sealed], n, |input| {
        let mut d = accord_vault::format::Decryptor::new(&data_key, "case/doc");
        let opened = d.push(input).and_then(|mut parts| {
            parts.push(d.finish()?);
            Ok(parts)
        });
        if input != original.as_slice() {
            assert!(opened.is_err(), "a changed record must not open");
        }
    }));

    // File names as uploads give them.
    let seeds: Vec<Vec<u8>> = [
        "Mémoire (final).pdf",
        "../../etc/passwd",
        "مذكرة.docx",
        "CON.txt",
        "a\u{202e}fdp.exe",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    runs.push(fuzz("file-names", 0xF11E, &seeds, n, |input| {
        let n = accord_domain::file_names::neutralise_bytes(input);
        let _ = accord_domain::file_names::content_disposition(&n.name);
    }));
    runs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parsers_of_outside_input_return_on_random_input() {
    // A real enforcement package to start from: a case settled, signed and attested.
    let mut t = TestServer::start(crate::harness::Backend::Sqlite)
        .await
        .unwrap();
    let (case, _, _) = crate::harness::settled_and_attested(&mut t).await;
    let r = t
        .http
        .get(format!(
            "{}/api/v1/cases/{case}/enforcement-package",
            t.base
        ))
        .bearer_auth(t.token("indah"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let package = r.bytes().await.unwrap().to_vec();
    accord_package::verify(&package, None).expect("the real package verifies");
    let runs = tokio::task::spawn_blocking(move || parsers(inputs(), &package))
        .await
        .unwrap();
    let total: usize = runs.iter().map(|r| r.inputs).sum();
    let panics: usize = runs.iter().map(|r| r.panics).sum();
    println!("FIGURE fuzz inputs={total} panics={panics}");
    assert_eq!(
        panics, 0,
        "inputs that panicked are in target/fuzz-failures"
    );
}

/// Uploads with mutated multipart bodies and `Accord-Filing` headers: every answer is a
/// success or a refusal with a stable code, never a server error, and the server keeps serving.
async fn uploads_with_random_bodies_never_fail_the_server(t: &mut TestServer) {
    let case = active_commercial(t).await;
    let url = format!("{}/api/v1/cases/{case}/channels/plenary/documents", t.base);
    let boundary = "fuzzBOUNDARY42";
    let body = |meta: &str, file: &[u8]| {
        let mut b = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{meta}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .into_bytes();
        b.extend_from_slice(file);
        b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        b
    };
    let seeds = vec![
        body(r#"{"title":"Memorial","language":"fr"}"#, &pdf()),
        body(r#"{"title":"Annex","without_prejudice":true}"#, &png()),
    ];
    let header_seeds: Vec<Vec<u8>> = vec![
        b"title=M%C3%A9moire&language=fr".to_vec(),
        b"title=A&without_prejudice=true".to_vec(),
    ];
    let n = (inputs() / 10).max(50);
    let mut m = Mutator(0xBEEF);
    let mut server_errors = vec![];
    let mut answered = 0;
    for i in 0..n {
        let r = if i % 2 == 0 {
            let input = if i < 2 {
                seeds[i / 2].clone()
            } else {
                m.mutate(&seeds)
            };
            t.http
                .post(&url)
                .bearer_auth(t.token("harbour"))
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(input)
                .send()
                .await
        } else {
            let header = m.mutate(&header_seeds);
            let Ok(value) = reqwest::header::HeaderValue::from_bytes(&header) else {
                continue;
            };
            t.http
                .post(&url)
                .bearer_auth(t.token("harbour"))
                .header("accord-filing", value)
                .header("content-type", "application/pdf")
                .body(m.mutate(&[pdf()]))
                .send()
                .await
        };
        let r = r.unwrap();
        answered += 1;
        let status = r.status();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        if status.is_server_error() {
            server_errors.push((i, status, body));
        } else if !status.is_success() {
            assert!(
                body["error"]["code"].is_string(),
                "{status}: a refusal has a code: {body}"
            );
        }
    }
    println!(
        "FIGURE fuzz parser=http-uploads inputs={answered} panics={}",
        server_errors.len()
    );
    assert!(server_errors.is_empty(), "{server_errors:?}");
    let (s, _) = t.get("harbour", &format!("/api/v1/cases/{case}")).await;
    assert_eq!(s, StatusCode::OK, "the server still serves");
}

crate::on_both_backends!(uploads_with_random_bodies_never_fail_the_server);
