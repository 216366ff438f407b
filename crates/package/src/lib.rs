//! The enforcement package (Singapore Convention Art. 4; document D25): one ZIP that a court in
//! another country can be given, and that anyone can verify offline, years later.
//!
//! Layout (every entry stored uncompressed, in this order, with a fixed timestamp, so the same
//! content always gives the same bytes):
//!
//! * `index.json` — canonical JSON: the package type, the case reference, the verification id,
//!   the institution's public key, and every other file with its SHA-256 and size;
//! * `index.sig` — the institution's Ed25519 signature over `index.json` (hex);
//! * `agreement/settlement.json` — the frozen settlement version (canonical JSON; its SHA-256 is
//!   the hash every party signed), `agreement/text-<language>.txt`, each language version, and
//!   `agreement/agreement-<language>.pdf`, each laid out as PDF/A with the signatures;
//! * `evidence/signature-<n>.json` — each signature's evidence (manifest, public key, signature);
//! * `attestation/attestation.json` and `attestation/attestation.sig` — the institution's
//!   attestation and its signature; with the mediator's certificate (`certificate/`) and the
//!   termination record (`termination/`), these documents also as PDF/A per language;
//! * `case-log.json` — the case events visible to every participant, without without-prejudice
//!   content, each with its hash-chain fields so its hash can be recomputed.
//!
//! [`verify`] checks the signatures, every file against the index (nothing missing, nothing
//! added), the agreement against the signatures and the attestation, and each logged event's
//! hash; then it rebuilds the ZIP from what it read and requires the very same bytes, so a change
//! to any byte — content, name, header, padding — is reported.

use std::io::{Cursor, Read, Write};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Package format name in `index.json`.
pub const FORMAT: &str = "accord-enforcement-package-v1";

/// Most entries a package may hold.
pub const ENTRIES_MAX: usize = 1000;

/// Largest package read, in bytes.
pub const SIZE_MAX: u64 = 256 * 1024 * 1024;

/// Event kinds that carry without-prejudice material and never enter a package (the same list
/// as `accord_domain::event::WITHOUT_PREJUDICE_KINDS`, which decides; a test in `accord-app`
/// holds them equal). A document filed as without prejudice (`"without_prejudice": true` in its
/// payload) never enters either.
pub const WITHOUT_PREJUDICE_KINDS: &[&str] = &[
    "negotiation-opened",
    "package-proposed",
    "package-agreed",
    "blind-bidding-opened",
    "blind-round-closed",
];

/// Why a package does not verify (or cannot be built).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    /// Not a readable ZIP, or not laid out as a package.
    #[error("not an enforcement package: {0}")]
    Malformed(String),
    /// A signature does not verify.
    #[error("signature check failed: {0}")]
    BadSignature(String),
    /// A file differs from what the index or the signatures say.
    #[error("content check failed: {0}")]
    Mismatch(String),
    /// The bytes differ from the canonical package of the same content.
    #[error("the archive's bytes were altered outside the files' contents ({0})")]
    NotCanonical(String),
}

/// One file of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFile {
    /// Path inside the ZIP.
    pub name: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// What a verified package holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The case reference as the package's index gives it (empty if absent).
    pub case_reference: String,
    /// Verification id of the attestation.
    pub verification_id: String,
    /// SHA-256 of the agreement (the signed hash).
    pub text_hash: String,
    /// Signatures verified.
    pub signatures: usize,
    /// Language versions.
    pub languages: Vec<String>,
    /// Logged events verified.
    pub events: usize,
    /// The institution key that signed (hex).
    pub institution_key: String,
}

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

fn zip_bytes(entries: &[(String, Vec<u8>)]) -> Result<Vec<u8>, PackageError> {
    let err = |e: zip::result::ZipError| PackageError::Malformed(e.to_string());
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in entries {
        w.start_file(name.as_str(), opts).map_err(err)?;
        w.write_all(bytes)
            .map_err(|e| PackageError::Malformed(e.to_string()))?;
    }
    Ok(w.finish().map_err(err)?.into_inner())
}

/// Builds a package from its content files (everything but the index and its signature), with
/// `meta` (case reference, verification id) recorded in the index, signed with `key`.
pub fn build(
    mut files: Vec<PackageFile>,
    meta: &Value,
    key: &SigningKey,
) -> Result<Vec<u8>, PackageError> {
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let listed: Vec<Value> = files
        .iter()
        .map(|f| json!({"name": f.name, "sha256": sha256_hex(&f.bytes), "size": f.bytes.len()}))
        .collect();
    let mut index = json!({
        "format": FORMAT,
        "institution_key": hex::encode(key.verifying_key().as_bytes()),
        "files": listed,
    });
    if let (Some(m), Some(obj)) = (meta.as_object(), index.as_object_mut()) {
        for (k, v) in m {
            obj.insert(k.clone(), v.clone());
        }
    }
    let index = accord_evidence::canonical_json(&index)
        .map_err(|e| PackageError::Malformed(e.to_string()))?;
    let sig = hex::encode(key.sign(index.as_bytes()).to_bytes());
    let mut entries = vec![
        ("index.json".to_owned(), index.into_bytes()),
        ("index.sig".to_owned(), sig.into_bytes()),
    ];
    entries.extend(files.into_iter().map(|f| (f.name, f.bytes)));
    zip_bytes(&entries)
}

fn read_entries(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, PackageError> {
    let bad = |m: String| PackageError::Malformed(m);
    if bytes.len() as u64 > SIZE_MAX {
        return Err(bad(format!("larger than {SIZE_MAX} bytes")));
    }
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    if z.len() > ENTRIES_MAX {
        return Err(bad(format!("more than {ENTRIES_MAX} entries")));
    }
    let mut out = vec![];
    let mut total = 0u64;
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(|e| bad(e.to_string()))?;
        let name = f.name().to_owned();
        total += f.size();
        if total > SIZE_MAX {
            return Err(bad("the entries expand beyond the size limit".into()));
        }
        let mut buf = Vec::with_capacity(f.size().min(SIZE_MAX) as usize);
        f.read_to_end(&mut buf)
            .map_err(|e| bad(format!("{name}: {e}")))?;
        out.push((name, buf));
    }
    Ok(out)
}

fn text(entries: &[(String, Vec<u8>)], name: &str) -> Result<String, PackageError> {
    let (_, b) = entries
        .iter()
        .find(|(n, _)| n == name)
        .ok_or_else(|| PackageError::Mismatch(format!("{name} is missing")))?;
    String::from_utf8(b.clone()).map_err(|_| PackageError::Mismatch(format!("{name} is not text")))
}

fn json_of(entries: &[(String, Vec<u8>)], name: &str) -> Result<Value, PackageError> {
    serde_json::from_str(&text(entries, name)?)
        .map_err(|e| PackageError::Mismatch(format!("{name} is not JSON: {e}")))
}

fn check_signature(
    key: &VerifyingKey,
    msg: &[u8],
    sig_hex: &str,
    what: &str,
) -> Result<(), PackageError> {
    let sig = hex::decode(sig_hex.trim())
        .ok()
        .and_then(|s| Signature::from_slice(&s).ok())
        .ok_or_else(|| PackageError::BadSignature(format!("{what}: not a signature")))?;
    key.verify_strict(msg, &sig)
        .map_err(|_| PackageError::BadSignature(format!("{what} does not verify")))
}

fn key_of(hex_key: &str, what: &str) -> Result<VerifyingKey, PackageError> {
    hex::decode(hex_key)
        .ok()
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .and_then(|k| VerifyingKey::from_bytes(&k).ok())
        .ok_or_else(|| PackageError::BadSignature(format!("{what}: not an Ed25519 public key")))
}

/// Verifies a package offline. With `pinned`, the institution key must be that key (otherwise the
/// key named in the index is used, and reported, for the caller to compare with a published one).
pub fn verify(bytes: &[u8], pinned: Option<&VerifyingKey>) -> Result<Report, PackageError> {
    let entries = read_entries(bytes)?;
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    if names.len() < 2 || names[0] != "index.json" || names[1] != "index.sig" {
        return Err(PackageError::Malformed(
            "the package must start with index.json and index.sig".into(),
        ));
    }
    let index_text = text(&entries, "index.json")?;
    let index: Value = serde_json::from_str(&index_text)
        .map_err(|e| PackageError::Malformed(format!("index.json: {e}")))?;
    if index["format"] != FORMAT {
        return Err(PackageError::Malformed(format!(
            "index.json is not {FORMAT}"
        )));
    }
    let key_hex = index["institution_key"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let key = key_of(&key_hex, "institution key")?;
    if let Some(p) = pinned
        && p != &key
    {
        return Err(PackageError::BadSignature(
            "signed by a different institution key than the one given".into(),
        ));
    }
    check_signature(
        &key,
        index_text.as_bytes(),
        &text(&entries, "index.sig")?,
        "index.sig",
    )?;
    // Every listed file is present with its hash and size; nothing else is.
    let listed = index["files"]
        .as_array()
        .ok_or_else(|| PackageError::Malformed("index.json lists no files".into()))?;
    if listed.len() + 2 != entries.len() {
        return Err(PackageError::Mismatch(format!(
            "the index lists {} files but the archive holds {}",
            listed.len(),
            entries.len() - 2
        )));
    }
    for (l, (name, bytes)) in listed.iter().zip(&entries[2..]) {
        if l["name"] != name.as_str() {
            return Err(PackageError::Mismatch(format!(
                "expected {} but found {name}",
                l["name"]
            )));
        }
        if l["sha256"] != sha256_hex(bytes).as_str() || l["size"] != bytes.len() {
            return Err(PackageError::Mismatch(format!("{name} was changed")));
        }
    }
    // The agreement, the signatures and the attestation agree.
    let settlement = text(&entries, "agreement/settlement.json")?;
    let text_hash = sha256_hex(settlement.as_bytes());
    let agreement: Value = serde_json::from_str(&settlement)
        .map_err(|e| PackageError::Mismatch(format!("agreement/settlement.json: {e}")))?;
    let mut languages = vec![];
    for v in agreement["versions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let lang = v["language"].as_str().unwrap_or_default().to_owned();
        if text(&entries, &format!("agreement/text-{lang}.txt"))?
            != v["text"].as_str().unwrap_or_default()
        {
            return Err(PackageError::Mismatch(format!(
                "agreement/text-{lang}.txt differs from the signed agreement"
            )));
        }
        languages.push(lang);
    }
    let mut signatures = 0;
    for (name, _) in entries
        .iter()
        .filter(|(n, _)| n.starts_with("evidence/signature-"))
    {
        let e = json_of(&entries, name)?;
        let manifest = e["manifest"].as_str().unwrap_or_default();
        let k = key_of(e["public_key"].as_str().unwrap_or_default(), name)?;
        check_signature(
            &k,
            manifest.as_bytes(),
            e["signature"].as_str().unwrap_or_default(),
            name,
        )?;
        let m: Value = serde_json::from_str(manifest)
            .map_err(|_| PackageError::Mismatch(format!("{name}: the manifest is not JSON")))?;
        if m["text_hash"] != text_hash.as_str() {
            return Err(PackageError::Mismatch(format!(
                "{name} signs another text than agreement/settlement.json"
            )));
        }
        signatures += 1;
    }
    if signatures < 2 {
        return Err(PackageError::Mismatch("fewer than two signatures".into()));
    }
    let att_text = text(&entries, "attestation/attestation.json")?;
    check_signature(
        &key,
        att_text.as_bytes(),
        &text(&entries, "attestation/attestation.sig")?,
        "attestation/attestation.sig",
    )?;
    let att: Value = serde_json::from_str(&att_text)
        .map_err(|e| PackageError::Mismatch(format!("attestation/attestation.json: {e}")))?;
    if att["text_hash"] != text_hash.as_str() {
        return Err(PackageError::Mismatch(
            "the attestation is for another text than agreement/settlement.json".into(),
        ));
    }
    if att["verification_id"] != index["verification_id"] {
        return Err(PackageError::Mismatch(
            "the attestation's verification id differs from the index's".into(),
        ));
    }
    // The case-log extract: every event's hash recomputes; nothing without prejudice.
    let log = json_of(&entries, "case-log.json")?;
    let mut events = 0;
    for e in log.as_array().cloned().unwrap_or_default() {
        let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
        let kind = s("kind");
        let payload_wp = serde_json::from_str::<Value>(&s("payload"))
            .is_ok_and(|p| p["without_prejudice"] == Value::Bool(true));
        if WITHOUT_PREJUDICE_KINDS.contains(&kind.as_str()) || payload_wp {
            return Err(PackageError::Mismatch(format!(
                "case-log.json holds without-prejudice material ({kind})"
            )));
        }
        // Format 2 (`accord-event-v2`, the case chain's own numbering); entries without a
        // format are format 1.
        let format = match e.get("format").map(|f| f.as_i64()) {
            None => Some(accord_evidence::EventFormat::V1),
            Some(n) => n.and_then(accord_evidence::EventFormat::from_number),
        }
        .ok_or_else(|| PackageError::Mismatch("case-log.json: unknown event format".into()))?;
        let seq = e["seq"].as_i64().unwrap_or(-1);
        let r = accord_evidence::EventRecord {
            case_id: s("case_id"),
            position: seq,
            format,
            seq,
            event_id: s("event_id"),
            recorded_at_ms: e["recorded_at_ms"].as_i64().unwrap_or(-1),
            actor: s("actor"),
            kind,
            rule_basis: s("rule_basis"),
            visibility: s("visibility"),
            payload: s("payload"),
            prev_hash: s("prev_hash"),
            hash: s("hash"),
        };
        accord_evidence::chain::check_event(&r)
            .map_err(|m| PackageError::Mismatch(format!("case-log.json event {}: {m}", r.seq)))?;
        events += 1;
    }
    // Finally, the bytes themselves: the canonical archive of what was read.
    let rebuilt = zip_bytes(&entries)?;
    if rebuilt != bytes {
        let at = rebuilt
            .iter()
            .zip(bytes)
            .position(|(a, b)| a != b)
            .unwrap_or(rebuilt.len().min(bytes.len()));
        return Err(PackageError::NotCanonical(format!(
            "first difference at byte {at}"
        )));
    }
    Ok(Report {
        case_reference: index["case_reference"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        verification_id: index["verification_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        text_hash,
        signatures,
        languages,
        events,
        institution_key: key_hex,
    })
}
