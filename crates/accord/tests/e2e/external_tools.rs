//! The evidence format is standard: a package Accord issued verifies with tools that are not
//! Accord — `scripts/verify-package.py`, which uses only Python's standard library for ZIP, JSON
//! and SHA-256 and the `openssl` command for every Ed25519 signature (issue 6, "Show it").

use std::path::{Path, PathBuf};
use std::process::Command;

use reqwest::StatusCode;

use crate::harness::{Backend, TestServer, settled_and_attested};

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/verify-package.py")
}

fn run(file: &Path, key: Option<&str>) -> (bool, String) {
    let mut c = Command::new("python3");
    c.arg(script()).arg(file);
    if let Some(k) = key {
        c.args(["--key", k]);
    }
    let out = c.output().expect("python3 is installed by scripts/test");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packages_verify_with_python_and_openssl_alone() {
    let mut t = TestServer::start(Backend::Sqlite).await.unwrap();
    let (case, hash, id) = settled_and_attested(&mut t).await;
    let resp = t
        .http
        .get(format!(
            "{}/api/v1/cases/{case}/enforcement-package",
            t.base
        ))
        .bearer_auth(t.token("harbour"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let zip = resp.bytes().await.unwrap().to_vec();
    let (_, key) = t
        .send(reqwest::Method::GET, None, "/api/v1/transparency/key", None)
        .await;
    let key = key["public_key"].as_str().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("package.zip");
    std::fs::write(&file, &zip).unwrap();
    let (ok, out) = run(&file, Some(&key));
    assert!(ok, "{out}");
    assert!(out.contains(&format!("VALID agreement {hash}")), "{out}");
    assert!(out.contains("3 signatures") && out.contains(&id), "{out}");
    // Another institution's key is refused.
    let (ok, out) = run(&file, Some(&"11".repeat(32)));
    assert!(!ok && out.contains("different institution key"), "{out}");
    // A changed byte in the agreement, in a signature's manifest, and in the attestation: each
    // is caught by the independent tool.
    for (needle, what) in [
        (&b"SETTLEMENT AGREEMENT between H and I"[..], "agreement"),
        (&b"accord-signature-v1"[..], "signature manifest"),
        (&b"accord-attestation-v1"[..], "attestation"),
    ] {
        let at = zip
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap_or_else(|| panic!("{what} not found in the package"));
        let mut changed = zip.clone();
        changed[at + 2] ^= 0x01;
        std::fs::write(&file, &changed).unwrap();
        let (ok, out) = run(&file, Some(&key));
        assert!(!ok, "{what}: a changed byte went unnoticed: {out}");
        assert!(out.starts_with("INVALID"), "{what}: {out}");
    }
    // A truncated archive.
    std::fs::write(&file, &zip[..zip.len() / 2]).unwrap();
    let (ok, out) = run(&file, None);
    assert!(!ok && out.starts_with("INVALID"), "{out}");
}
