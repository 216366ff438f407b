//! Documents in channels through HTTP (issue 5): streamed upload (multipart, or the file as the
//! body with the metadata in the `Accord-Filing` header) into the encrypted vault, the content
//! hash in the case log for the channel's readers only, download by full
//! readers with a defused name, refused uploads that leave nothing behind (no object, no record,
//! no event), and tampering in storage answered with an error, never with content.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::harness::{TestServer, active_commercial};
use crate::on_both_backends;

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% {text}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
        .into_bytes()
}

impl TestServer {
    /// Uploads `bytes` as `who` into a channel; returns status and JSON.
    #[allow(clippy::too_many_arguments)]
    async fn upload(
        &self,
        who: &str,
        case: &str,
        channel: &str,
        meta: Value,
        bytes: Vec<u8>,
        declared: &str,
        name: &str,
    ) -> (StatusCode, Value) {
        self.send_as_json(who, |http, base| {
            let form = Form::new()
                .part(
                    "metadata",
                    Part::text(meta.to_string())
                        .mime_str("application/json")
                        .unwrap(),
                )
                .part(
                    "file",
                    Part::bytes(bytes.clone())
                        .file_name(name.to_owned())
                        .mime_str(declared)
                        .unwrap(),
                );
            http.post(documents_url(&base, case, channel))
                .multipart(form)
        })
        .await
    }

    /// Uploads `bytes` as the request body with `filing` as its `Accord-Filing` header (as sent,
    /// `None`: no header); `content_type` `None` sends none.
    async fn upload_raw(
        &self,
        who: &str,
        case: &str,
        channel: &str,
        filing: Option<Vec<u8>>,
        bytes: Vec<u8>,
        content_type: Option<&str>,
    ) -> (StatusCode, Value) {
        self.send_as_json(who, |http, base| {
            let mut r = http
                .post(documents_url(&base, case, channel))
                .body(bytes.clone());
            if let Some(f) = &filing {
                r = r.header(
                    "accord-filing",
                    reqwest::header::HeaderValue::from_bytes(f).unwrap(),
                );
            }
            if let Some(t) = content_type {
                r = r.header("content-type", t);
            }
            r
        })
        .await
    }

    async fn download(
        &self,
        who: &str,
        case: &str,
        channel: &str,
        id: &str,
    ) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
        let r = self
            .http
            .get(format!("{}/{id}", documents_url(&self.base, case, channel)))
            .bearer_auth(self.token(who))
            .send()
            .await
            .unwrap();
        let (s, h) = (r.status(), r.headers().clone());
        (
            s,
            h,
            r.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
        )
    }
}

/// A channel's documents under the server at `base`.
fn documents_url(base: &str, case: &str, channel: &str) -> String {
    format!("{base}/api/v1/cases/{case}/channels/{channel}/documents")
}

/// `pairs` form-encoded, as the `Accord-Filing` header carries them.
fn filing(pairs: &[(&str, &str)]) -> Option<Vec<u8>> {
    let u = reqwest::Url::parse_with_params("http://filing.invalid/", pairs).unwrap();
    Some(u.query().unwrap_or_default().as_bytes().to_vec())
}

/// What an upload leaves: the stored objects and the case's events (as the mediator reads them).
struct Trace {
    files: Vec<std::path::PathBuf>,
    events: Value,
}

impl Trace {
    async fn of(t: &TestServer, case: &str) -> Trace {
        let (_, events) = t
            .get("mediator", &format!("/api/v1/cases/{case}/events"))
            .await;
        Trace {
            files: stored_files(t),
            events,
        }
    }

    /// Asserts that nothing was left since: no object, no event.
    async fn is_unchanged(&self, t: &TestServer, case: &str) {
        let now = Trace::of(t, case).await;
        assert_eq!(now.files, self.files, "a refused upload left an object");
        assert_eq!(now.events, self.events, "a refused upload left an event");
    }
}

fn stored_files(t: &TestServer) -> Vec<std::path::PathBuf> {
    fn walk(p: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        if let Ok(rd) = std::fs::read_dir(p) {
            for e in rd.flatten() {
                if e.path().is_dir() {
                    walk(&e.path(), out);
                } else {
                    out.push(e.path());
                }
            }
        }
    }
    let mut out = vec![];
    walk(&t.data_dir().join("objects"), &mut out);
    out.sort();
    out
}

async fn documents_are_filed_streamed_sealed_and_private(t: &mut TestServer) {
    let case = active_commercial(t).await;
    let content = pdf("CANARY-CAUCUS-MEMO Harbour's bottom line");
    let (s, v) = t
        .upload(
            "harbour",
            &case,
            "caucus:H",
            json!({"title": "Bottom line — 底线", "language": "en", "without_prejudice": true}),
            content.clone(),
            "application/pdf",
            "../../secret\u{202e}fdp.exe",
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    assert_eq!(v["sha256"], hex::encode(Sha256::digest(&content)));
    assert_eq!(v["media_type"], "application/pdf");
    assert_eq!(v["file_name"], "secretfdp.exe");
    assert_eq!(v["version"], 1);
    // Encrypted at rest: the storage holds no plaintext.
    let files = stored_files(t);
    assert_eq!(files.len(), 1, "{files:?}");
    let raw = std::fs::read(&files[0]).unwrap();
    assert!(
        !raw.windows(6).any(|w| w == b"CANARY"),
        "plaintext in storage"
    );
    // The hash is in the log, for the channel's readers only.
    let filed = |events: &Value| {
        events
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "document-filed")
            .cloned()
            .collect::<Vec<_>>()
    };
    let (_, ev) = t
        .get("harbour", &format!("/api/v1/cases/{case}/events"))
        .await;
    let own = filed(&ev);
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["payload"]["sha256"], v["sha256"]);
    let (_, ev) = t
        .get("mediator", &format!("/api/v1/cases/{case}/events"))
        .await;
    assert_eq!(filed(&ev).len(), 1, "the mediator reads the caucus");
    let (_, ev) = t
        .get("indah", &format!("/api/v1/cases/{case}/events"))
        .await;
    assert!(
        filed(&ev).is_empty(),
        "the other side sees nothing of the caucus"
    );
    assert!(!ev.to_string().contains(&id));
    // The other side cannot list or fetch it.
    let (s, _) = t
        .get(
            "indah",
            &format!("/api/v1/cases/{case}/channels/caucus:H/documents"),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, body) = t.download("indah", &case, "caucus:H", &id).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(!body.windows(6).any(|w| w == b"CANARY"));
    // The mediator downloads it whole, under a defused name; the read is audited.
    let (s, h, body) = t.download("mediator", &case, "caucus:H", &id).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body, content);
    assert_eq!(h["content-type"], "application/pdf");
    let cd = h["content-disposition"].to_str().unwrap();
    assert!(
        cd.starts_with("attachment; filename=\"secretfdp.exe\""),
        "{cd}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    let (_, log) = t
        .get("sgen", &format!("/api/v1/access-log?case_id={case}"))
        .await;
    assert!(
        log.to_string().contains(&format!("document:{id}")),
        "caucus download audited: {log}"
    );
    // A new version in the same channel, and a translation.
    let (s, v2) = t
        .upload(
            "harbour",
            &case,
            "caucus:H",
            json!({"title": "Bottom line, revised", "version_of": id}),
            pdf("revised"),
            "application/pdf",
            "memo.pdf",
        )
        .await;
    assert_eq!(
        (s, &v2["version"], &v2["series"]),
        (StatusCode::CREATED, &json!(2), &json!(id))
    );
    let (s, v3) = t
        .upload(
            "harbour",
            &case,
            "plenary",
            json!({"title": "Statement", "version_of": id}),
            pdf("x"),
            "application/pdf",
            "x.pdf",
        )
        .await;
    assert_eq!(
        (s, v3["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("version-in-another-channel")
        )
    );
    // Refused uploads leave nothing: no object, no record, no event.
    let before = Trace::of(t, &case).await;
    for (bytes, declared, code) in [
        (
            b"MZ\x90\0executable".to_vec(),
            "application/pdf",
            "type-not-allowed",
        ),
        (
            b"<html><script>alert(1)</script>".to_vec(),
            "text/plain",
            "active-content",
        ),
        (vec![], "text/plain", "empty-file"),
        (b"text".to_vec(), "image/png", "type-mismatch"),
    ] {
        let (s, v) = t
            .upload(
                "harbour",
                &case,
                "plenary",
                json!({"title": "x"}),
                bytes,
                declared,
                "x",
            )
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code)),
            "{v}"
        );
        assert!(
            !v["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .is_empty()
        );
    }
    for (meta, code) in [
        (json!({"title": ""}), "invalid-document-title"),
        (json!({"title": "x", "language": "de"}), "invalid-language"),
        (
            json!({"title": "x", "colour": "red"}),
            "invalid-document-metadata",
        ),
        (
            json!({"title": "x", "translation_of": "nope"}),
            "unknown-document",
        ),
    ] {
        let (s, v) = t
            .upload(
                "harbour",
                &case,
                "plenary",
                meta,
                pdf("x"),
                "application/pdf",
                "x.pdf",
            )
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code)),
            "{v}"
        );
    }
    // A JSON body is taken as the file itself, and then the Accord-Filing header must carry the
    // metadata.
    let (s, v) = t
        .post(
            "harbour",
            &format!("/api/v1/cases/{case}/channels/plenary/documents"),
            json!({"title": "x"}),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid-document-metadata")
        ),
        "{v}"
    );
    // Multipart without a boundary.
    let (s, v) = t
        .upload_raw(
            "harbour",
            &case,
            "plenary",
            filing(&[("title", "x")]),
            pdf("x"),
            Some("multipart/form-data"),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid-upload")),
        "{v}"
    );
    before.is_unchanged(t, &case).await;
    let (_, listed) = t
        .get(
            "harbour",
            &format!("/api/v1/cases/{case}/channels/plenary/documents"),
        )
        .await;
    assert_eq!(listed, json!([]));
    // Tampering in storage: reported, not served.
    let path = stored_files(t)
        .into_iter()
        .find(|p| p.to_string_lossy().contains(&id))
        .unwrap();
    let mut raw = std::fs::read(&path).unwrap();
    let n = raw.len();
    raw[n / 2] ^= 0x01;
    std::fs::write(&path, &raw).unwrap();
    let (s, _, body) = t.download("mediator", &case, "caucus:H", &id).await;
    assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        !body.windows(6).any(|w| w == b"CANARY"),
        "tampered content served"
    );
    assert!(String::from_utf8_lossy(&body).contains("document-integrity"));
}

async fn documents_are_filed_as_the_body_with_the_metadata_in_a_header(t: &mut TestServer) {
    let case = active_commercial(t).await;
    let content = pdf("CANARY-RAW-MEMORIAL Mémoire — 备忘录");
    let (s, v) = t
        .upload_raw(
            "harbour",
            &case,
            "plenary",
            filing(&[
                ("title", "Mémoire — 备忘录"),
                ("language", "fr"),
                ("without_prejudice", "true"),
                ("file_name", "../../mémoire\u{202e}fdp.exe"),
            ]),
            content.clone(),
            Some("application/pdf"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    assert_eq!(v["sha256"], hex::encode(Sha256::digest(&content)));
    assert_eq!(v["media_type"], "application/pdf");
    assert_eq!(v["file_name"], "mémoirefdp.exe");
    assert_eq!(v["title"], "Mémoire — 备忘录");
    assert_eq!(v["language"], "fr");
    assert_eq!(v["without_prejudice"], true);
    // Sealed at rest, the hash in the log, read back whole.
    let files = stored_files(t);
    assert_eq!(files.len(), 1, "{files:?}");
    let raw = std::fs::read(&files[0]).unwrap();
    assert!(
        !raw.windows(6).any(|w| w == b"CANARY"),
        "plaintext in storage"
    );
    let (_, ev) = t
        .get("indah", &format!("/api/v1/cases/{case}/events"))
        .await;
    let filed: Vec<&Value> = ev
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "document-filed")
        .collect();
    assert_eq!(filed.len(), 1, "the other party reads the plenary");
    assert_eq!(filed[0]["payload"]["sha256"], v["sha256"]);
    let (s, h, body) = t.download("indah", &case, "plenary", &id).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body, content);
    assert_eq!(h["content-type"], "application/pdf");
    // Refused raw uploads leave nothing: no object, no record, no event.
    let before = Trace::of(t, &case).await;
    let text = b"Plain text, declared as something else".to_vec();
    for (who, channel, header, bytes, content_type, status, code) in [
        // No header, and a header that is not percent-encoded.
        (
            "harbour",
            "plenary",
            None,
            pdf("x"),
            Some("application/pdf"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-document-metadata",
        ),
        (
            "harbour",
            "plenary",
            Some("title=Mémoire".as_bytes().to_vec()),
            pdf("x"),
            Some("application/pdf"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-document-metadata",
        ),
        (
            "harbour",
            "plenary",
            filing(&[("language", "fr")]),
            pdf("x"),
            Some("application/pdf"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-document-metadata",
        ),
        (
            "harbour",
            "plenary",
            filing(&[("title", "x"), ("colour", "red")]),
            pdf("x"),
            Some("application/pdf"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-document-metadata",
        ),
        (
            "harbour",
            "plenary",
            filing(&[("title", "x"), ("without_prejudice", "perhaps")]),
            pdf("x"),
            Some("application/pdf"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-document-metadata",
        ),
        (
            "harbour",
            "plenary",
            filing(&[("title", "x")]),
            text.clone(),
            Some("image/png"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "type-mismatch",
        ),
        (
            "harbour",
            "plenary",
            filing(&[("title", "x")]),
            text.clone(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-upload",
        ),
        (
            "harbour",
            "plenary",
            filing(&[("title", "x")]),
            vec![],
            Some("text/plain"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty-file",
        ),
        // The policy first: the other side's caucus does not exist for Indah.
        (
            "indah",
            "caucus:H",
            filing(&[("title", "x")]),
            text.clone(),
            Some("text/plain"),
            StatusCode::NOT_FOUND,
            "channel-not-found",
        ),
    ] {
        let (s, v) = t
            .upload_raw(who, &case, channel, header.clone(), bytes, content_type)
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (status, Some(code)),
            "{:?}: {v}",
            header.map(|h| String::from_utf8_lossy(&h).into_owned())
        );
        assert!(
            !v["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .is_empty()
        );
    }
    before.is_unchanged(t, &case).await;
}

/// Another server over the same deployment, started from `cfg` (its master key file included).
async fn second_server(
    t: &TestServer,
    cfg: &accord::config::Config,
) -> Result<(String, tokio::sync::watch::Sender<bool>), String> {
    let app = accord::application(cfg, t.store.clone(), t.clock.clone())?;
    let running = accord::start(app, accord::web_config(cfg), "127.0.0.1:0", false)
        .await
        .map_err(|e| e.to_string())?;
    Ok((format!("http://{}", running.addr), running.shutdown))
}

async fn fetch(t: &TestServer, base: &str, case: &str, id: &str) -> (StatusCode, Vec<u8>) {
    let r = t
        .http
        .get(format!(
            "{base}/api/v1/cases/{case}/channels/plenary/documents/{id}"
        ))
        .bearer_auth(t.token("indah"))
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.bytes().await.map(|b| b.to_vec()).unwrap_or_default())
}

async fn rotated_keys_keep_documents_readable_with_the_new_key_only(t: &mut TestServer) {
    let case = active_commercial(t).await;
    let content = pdf("rotation canary");
    let (s, v) = t
        .upload(
            "harbour",
            &case,
            "plenary",
            json!({"title": "Annex 1"}),
            content.clone(),
            "application/pdf",
            "annex.pdf",
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    // A stored idempotent response is re-sealed too, and replays with the new key.
    let keyed_post = |base: String| {
        t.http
            .post(format!(
                "{base}/api/v1/cases/{case}/channels/plenary/messages"
            ))
            .bearer_auth(t.token("harbour"))
            .header("idempotency-key", "before-rotation")
            .json(&json!({"body": "posted before the rotation"}))
            .send()
    };
    let r = keyed_post(t.base.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let posted: Value = r.json().await.unwrap();
    // Pin the database and storage so that another key file can be tried on the same data.
    let mut cfg = t.cfg.clone();
    cfg.database_url = Some(cfg.database_url());
    cfg.storage_url = Some(cfg.storage_url());
    let key_file = cfg.data.join("master.key");
    let old_key = std::fs::read_to_string(&key_file).unwrap();
    let report = accord::rotate_keys(&cfg).await.unwrap();
    assert!(report.contains("re-wrapped 1 case keys"), "{report}");
    assert!(report.contains("second-factor secrets"), "{report}");
    assert!(
        report.contains("re-sealed 1 stored idempotent responses"),
        "{report}"
    );
    let new_key = std::fs::read_to_string(&key_file).unwrap();
    assert_ne!(old_key, new_key);
    assert!(!cfg.data.join("master.key.new").exists());
    // With the new key, the document reads back whole.
    let (base, stop) = second_server(t, &cfg).await.unwrap();
    assert_eq!(
        fetch(t, &base, &case, &id).await,
        (StatusCode::OK, content.clone())
    );
    let r = keyed_post(base.clone()).await.unwrap();
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    assert_eq!(r.json::<Value>().await.unwrap(), posted);
    let _ = stop.send(true);
    // With the old key, nothing of the case opens.
    let old_dir = tempfile::tempdir().unwrap();
    let mut old_cfg = cfg.clone();
    old_cfg.data = old_dir.path().to_path_buf();
    std::fs::write(old_cfg.data.join("master.key"), &old_key).unwrap();
    let (base, stop) = second_server(t, &old_cfg).await.unwrap();
    let (s, body) = fetch(t, &base, &case, &id).await;
    assert_ne!(s, StatusCode::OK);
    assert!(
        !body.windows(8).any(|w| w == b"rotation"),
        "served with the old key"
    );
    let _ = stop.send(true);
    // An interrupted rotation (new key written, database not yet re-wrapped) blocks start-up and
    // is completed by running the command again.
    std::fs::write(cfg.data.join("master.key.new"), "11".repeat(32)).unwrap();
    let e = accord::application(&cfg, t.store.clone(), t.clock.clone())
        .err()
        .unwrap();
    assert!(e.contains("rotate-keys"), "{e}");
    let report = accord::rotate_keys(&cfg).await.unwrap();
    assert!(report.contains("re-wrapped"), "{report}");
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap().trim(),
        "11".repeat(32)
    );
    let (base, stop) = second_server(t, &cfg).await.unwrap();
    assert_eq!(fetch(t, &base, &case, &id).await, (StatusCode::OK, content));
    let _ = stop.send(true);
}

async fn storage_migrates_resumably_and_verified(t: &mut TestServer) {
    let case = active_commercial(t).await;
    let mut ids = vec![];
    for (title, text) in [("Annex 1", "first"), ("Annex 2", "second")] {
        let (s, v) = t
            .upload(
                "harbour",
                &case,
                "plenary",
                json!({"title": title}),
                pdf(text),
                "application/pdf",
                "a.pdf",
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_str().unwrap().to_owned());
    }
    let dest = tempfile::tempdir().unwrap();
    let to = format!("file://{}", dest.path().display());
    let migrate = |cfg: accord::config::Config, to: String| {
        let app = t.accord.clone();
        async move { accord::migrate_storage::migrate_storage(&cfg, &app, &to, false).await }
    };
    let r = migrate(t.cfg.clone(), to.clone()).await.unwrap();
    assert_eq!(
        (r.copied, r.skipped, r.verified, r.repaired),
        (2, 0, 2, 0),
        "{r:?}"
    );
    // Again: nothing to copy.
    let r = migrate(t.cfg.clone(), to.clone()).await.unwrap();
    assert_eq!((r.copied, r.skipped, r.verified), (0, 2, 2), "{r:?}");
    // After an interruption (one object missing) and damage (one flipped byte of the same size),
    // a new run copies the missing one and repairs the damaged one.
    let stored: Vec<std::path::PathBuf> = ids
        .iter()
        .map(|id| dest.path().join(format!("cases/{case}/documents/{id}")))
        .collect();
    std::fs::remove_file(&stored[0]).unwrap();
    let mut raw = std::fs::read(&stored[1]).unwrap();
    raw[40] ^= 0x01;
    std::fs::write(&stored[1], raw).unwrap();
    let r = migrate(t.cfg.clone(), to.clone()).await.unwrap();
    assert_eq!(
        (r.copied, r.skipped, r.verified, r.repaired),
        (1, 1, 2, 1),
        "{r:?}"
    );
    // A server on the new storage serves the documents.
    let mut cfg = t.cfg.clone();
    cfg.database_url = Some(cfg.database_url());
    cfg.storage_url = Some(to.clone());
    let (base, stop) = second_server(t, &cfg).await.unwrap();
    let (s, body) = fetch(t, &base, &case, &ids[1]).await;
    assert_eq!((s, body), (StatusCode::OK, pdf("second")));
    let _ = stop.send(true);
    // To S3, when the test server runs one.
    if let Ok(s3) = std::env::var("ACCORD_TEST_S3_URL") {
        let r = migrate(t.cfg.clone(), s3).await.unwrap();
        assert_eq!((r.copied + r.skipped, r.verified), (2, 2), "{r:?}");
    }
    // Refusals are explained.
    let e = migrate(t.cfg.clone(), t.cfg.storage_url())
        .await
        .unwrap_err();
    assert!(e.contains("already in use"), "{e}");
    let e = migrate(t.cfg.clone(), "ftp://x".into()).await.unwrap_err();
    assert!(e.contains("not supported"), "{e}");
}

async fn export(t: &TestServer, who: &str, case: &str, purpose: &str) -> Vec<u8> {
    let r = t
        .http
        .get(format!(
            "{}/api/v1/cases/{case}/export?purpose={purpose}",
            t.base
        ))
        .bearer_auth(t.token(who))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{who} {purpose}");
    assert_eq!(r.headers()["content-type"], "application/zip");
    r.bytes().await.unwrap().to_vec()
}

async fn exports_hold_exactly_what_the_policy_allows(t: &mut TestServer) {
    let case = active_commercial(t).await;
    for (who, channel, body, wp) in [
        ("harbour", "plenary", "CANARY-PLENARY-OPEN", false),
        ("harbour", "plenary", "CANARY-WP-MESSAGE", true),
        ("harbour", "caucus:H", "CANARY-CAUCUS-MSG", false),
        ("mediator", "notes", "CANARY-NOTES", false),
    ] {
        let (s, v) = t
            .post(
                who,
                &format!("/api/v1/cases/{case}/channels/{channel}/messages"),
                json!({"body": body, "without_prejudice": wp}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    for (channel, text, wp) in [
        ("plenary", "CANARY-PLENARY-DOC", false),
        ("plenary", "CANARY-WP-DOC", true),
        ("caucus:H", "CANARY-CAUCUS-DOC", false),
    ] {
        let (s, v) = t
            .upload(
                "harbour",
                &case,
                channel,
                json!({"title": format!("{text} title"), "without_prejudice": wp}),
                pdf(text),
                "application/pdf",
                "d.pdf",
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    t.ok(
        "mediator",
        &case,
        "open-negotiation",
        json!({"agenda": {"issues": [{"id": "price", "label": "Price", "options": ["CANARY-WP-OPTION", "other"]}]}}),
    )
    .await;
    t.ok(
        "mediator",
        &case,
        "open-blind-bidding",
        json!({"rules": {"label": "CANARY-WP-BIDDING", "currency": "EUR", "minor_digits": 2,
                         "claimant": "H", "respondent": "I", "rounds": 2, "closing_gap": 0}}),
    )
    .await;
    let has = |zip: &[u8], c: &str| zip.windows(c.len()).any(|w| w == c.as_bytes());
    let all = [
        "CANARY-PLENARY-OPEN",
        "CANARY-WP-MESSAGE",
        "CANARY-CAUCUS-MSG",
        "CANARY-NOTES",
        "CANARY-PLENARY-DOC",
        "CANARY-WP-DOC",
        "CANARY-CAUCUS-DOC",
        "CANARY-WP-OPTION",
        "CANARY-WP-BIDDING",
    ];
    for (who, purpose, expected) in [
        (
            "harbour",
            "case-file",
            &[
                "CANARY-PLENARY-OPEN",
                "CANARY-WP-MESSAGE",
                "CANARY-CAUCUS-MSG",
                "CANARY-PLENARY-DOC",
                "CANARY-WP-DOC",
                "CANARY-CAUCUS-DOC",
                "CANARY-WP-OPTION",
                "CANARY-WP-BIDDING",
            ][..],
        ),
        (
            "indah",
            "case-file",
            &[
                "CANARY-PLENARY-OPEN",
                "CANARY-WP-MESSAGE",
                "CANARY-PLENARY-DOC",
                "CANARY-WP-DOC",
                "CANARY-WP-OPTION",
                "CANARY-WP-BIDDING",
            ][..],
        ),
        (
            "harbour",
            "other-proceedings",
            &["CANARY-PLENARY-OPEN", "CANARY-PLENARY-DOC"][..],
        ),
        (
            "indah",
            "other-proceedings",
            &["CANARY-PLENARY-OPEN", "CANARY-PLENARY-DOC"][..],
        ),
        ("mediator", "case-file", &all[..]),
        (
            "mediator",
            "other-proceedings",
            &["CANARY-PLENARY-OPEN", "CANARY-PLENARY-DOC"][..],
        ),
    ] {
        let zip = export(t, who, &case, purpose).await;
        assert!(
            has(&zip, "index.html") && has(&zip, "<table>"),
            "{who} {purpose}: no index"
        );
        assert!(
            has(&zip, "index.pdf") && has(&zip, "%PDF-"),
            "{who} {purpose}: no PDF index"
        );
        for c in all {
            assert_eq!(
                has(&zip, c),
                expected.contains(&c),
                "{who} {purpose}: {c} {}",
                if expected.contains(&c) {
                    "missing"
                } else {
                    "leaked"
                }
            );
        }
    }
    // Someone outside the case gets nothing.
    t.user("stranger", "party-user").await;
    let (s, _) = t
        .get("stranger", &format!("/api/v1/cases/{case}/export"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = t
        .get(
            "harbour",
            &format!("/api/v1/cases/{case}/export?purpose=everything"),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid-query")),
        "{v}"
    );
}

fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(vec![]));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

async fn archives_expand_only_on_request_one_level(t: &mut TestServer) {
    let case = active_commercial(t).await;
    let inner = zip_of(&[("deep.txt", b"deeper".to_vec())]);
    let archive = zip_of(&[
        ("annexes/annex-1.pdf", pdf("annex one")),
        ("annexes/notes.txt", b"Notes of the site visit.\n".to_vec()),
        ("annexes/setup.exe", b"MZ\x90\0program".to_vec()),
        ("annexes/nested.zip", inner),
    ]);
    let (s, v) = t
        .upload(
            "harbour",
            &case,
            "plenary",
            json!({"title": "Annex bundle"}),
            archive,
            "application/zip",
            "bundle.zip",
        )
        .await;
    assert_eq!(
        (s, &v["media_type"]),
        (StatusCode::CREATED, &json!("application/zip")),
        "{v}"
    );
    let id = v["id"].as_str().unwrap().to_owned();
    // Stored as it is: one document until someone asks.
    let (_, listed) = t
        .get(
            "harbour",
            &format!("/api/v1/cases/{case}/channels/plenary/documents"),
        )
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let expand = format!("/api/v1/cases/{case}/channels/plenary/documents/{id}/expand");
    let (s, _) = t
        .post(
            "indah",
            &format!("/api/v1/cases/{case}/channels/caucus:H/documents/{id}/expand"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "not through another's caucus");
    let (s, v) = t.post("harbour", &expand, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let filed: Vec<&str> = v["filed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(filed, vec!["annex-1.pdf", "notes.txt", "nested.zip"], "{v}");
    let nested = v["filed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file_name"] == "nested.zip")
        .unwrap();
    assert_eq!(
        nested["media_type"], "application/zip",
        "inner archives stay archives"
    );
    assert_eq!(v["refused"][0]["name"], "annexes/setup.exe");
    assert_eq!(v["refused"][0]["code"], "type-not-allowed");
    let (_, listed) = t
        .get(
            "harbour",
            &format!("/api/v1/cases/{case}/channels/plenary/documents"),
        )
        .await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        4,
        "the archive and three entries"
    );
    // Only archives expand.
    let pdf_id = v["filed"][0]["id"].as_str().unwrap();
    let (s, v) = t
        .post(
            "harbour",
            &format!("/api/v1/cases/{case}/channels/plenary/documents/{pdf_id}/expand"),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("not-an-archive"))
    );
}

/// Sends a prepared upload with an `Idempotency-Key`; returns status, replay flag and JSON.
async fn keyed_upload(
    t: &TestServer,
    case: &str,
    key: &str,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> (StatusCode, bool, Value) {
    let mut r = t
        .http
        .post(documents_url(&t.base, case, "plenary"))
        .bearer_auth(t.token("harbour"))
        .header("idempotency-key", key)
        .body(body);
    for (name, value) in headers {
        r = r.header(*name, value.as_str());
    }
    let r = r.send().await.unwrap();
    let replayed = r.headers().get("idempotent-replayed").is_some();
    (r.status(), replayed, r.json().await.unwrap_or(Value::Null))
}

async fn uploads_and_idempotency_keys_work_together(t: &mut TestServer) {
    let case = active_commercial(t).await;
    // A raw upload larger than any JSON body (1 MiB) streams through the key layer.
    let big = pdf(&format!(
        "CANARY-KEYED-UPLOAD {}",
        "padding ".repeat(3 * 1024 * 1024 / 8)
    ));
    let header = |title: &str| {
        let f = filing(&[("title", title), ("file_name", "annex.pdf")]).unwrap();
        vec![
            ("content-type", "application/pdf".to_owned()),
            ("accord-filing", String::from_utf8(f).unwrap()),
        ]
    };
    let title = "CANARY-KEYED-TITLE";
    let (s, replayed, first) = keyed_upload(t, &case, "up-1", &header(title), big.clone()).await;
    assert_eq!((s, replayed), (StatusCode::CREATED, false), "{first}");
    // The same upload again is answered from the key, filing nothing twice.
    let (s, replayed, again) = keyed_upload(t, &case, "up-1", &header(title), big.clone()).await;
    assert_eq!((s, replayed), (StatusCode::CREATED, true));
    assert_eq!(again, first);
    let (_, list) = t
        .get(
            "harbour",
            &format!("/api/v1/cases/{case}/channels/plenary/documents"),
        )
        .await;
    let count = list["items"]
        .as_array()
        .or(list.as_array())
        .map(Vec::len)
        .unwrap_or(0);
    assert_eq!(count, 1, "{list}");
    // Other content, or other metadata, under the same key is refused.
    let other = pdf(&format!(
        "CANARY-KEYED-UPLOAD {}",
        "padding!".repeat(3 * 1024 * 1024 / 8)
    ));
    let (s, _, v) = keyed_upload(t, &case, "up-1", &header(title), other).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("idempotency-key-reused")
        )
    );
    let (s, _, _) = keyed_upload(t, &case, "up-1", &header("Another"), big.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // Multipart, whatever the case of its media type, replays when the same bytes come again.
    let boundary = "AccordBoundary7MA4YWxk";
    let mut form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\
         Content-Type: application/json\r\n\r\n{{\"title\": \"Annex 2\"}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"annex2.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    form.extend(pdf("second annex"));
    form.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let multipart = vec![(
        "content-type",
        format!("Multipart/Form-Data; boundary={boundary}"),
    )];
    let (s, replayed, first) = keyed_upload(t, &case, "up-2", &multipart, form.clone()).await;
    assert_eq!((s, replayed), (StatusCode::CREATED, false), "{first}");
    let (s, replayed, again) = keyed_upload(t, &case, "up-2", &multipart, form).await;
    assert_eq!((s, replayed), (StatusCode::CREATED, true));
    assert_eq!(again["id"], first["id"]);
    // A refused upload (no metadata) leaves the key free: fixed, it runs.
    let (s, _, _) = keyed_upload(
        t,
        &case,
        "up-3",
        &[("content-type", "application/pdf".to_owned())],
        pdf("third"),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, replayed, _) = keyed_upload(t, &case, "up-3", &header("Third"), pdf("third")).await;
    assert_eq!((s, replayed), (StatusCode::CREATED, false));
    // What the key layer stored is sealed: no canary in the raw database files.
    if t.cfg.database_url.is_none() {
        let mut hits = 0;
        for entry in std::fs::read_dir(t.data_dir()).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                hits += bytes.windows(7).filter(|w| *w == b"CANARY-").count();
            }
        }
        assert_eq!(hits, 0, "a canary in the raw database files");
    }
}

on_both_backends!(
    uploads_and_idempotency_keys_work_together,
    documents_are_filed_streamed_sealed_and_private,
    documents_are_filed_as_the_body_with_the_metadata_in_a_header,
    rotated_keys_keep_documents_readable_with_the_new_key_only,
    storage_migrates_resumably_and_verified,
    exports_hold_exactly_what_the_policy_allows,
    archives_expand_only_on_request_one_level
);
