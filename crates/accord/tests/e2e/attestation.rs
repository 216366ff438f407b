//! The institution's attestation of a signed settlement and its public verification (issue 6
//! item 4; the external verifier of issue 3): a verifier with the verification id and a document
//! learns whether the document is the attested one, and nothing else.

use ed25519_dalek::Verifier;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::harness::{TestServer, active_commercial_with};
use crate::on_both_backends;

async fn public(t: &TestServer, path: &str) -> (StatusCode, Value) {
    t.send(reqwest::Method::GET, None, path, None).await
}

async fn settled_case_is_attested_and_verifiable_by_anyone(t: &mut TestServer) {
    let case = active_commercial_with(t, "iomed-default").await;
    // Without-prejudice material from the negotiation must never reach the attestation.
    t.ok(
        "mediator",
        &case,
        "open-negotiation",
        json!({"agenda": {"issues": [
        {"id": "price", "label": "Price", "options": ["WP-OFFER-411", "WP-OFFER-455"]}]}}),
    )
    .await;
    t.ok(
        "mediator",
        &case,
        "propose-package",
        json!({"negotiation": "N1", "package": {"price": "WP-OFFER-411"}}),
    )
    .await;
    let (s, v) = t
        .post(
            "sgen",
            &format!("/api/v1/cases/{case}/attestation"),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("guard-no-signed-settlement")),
        "{v}"
    );
    t.ok("mediator", &case, "indicate-terms-agreed", json!({}))
        .await;
    let hash = t
        .put_draft(
            &case,
            "SETTLEMENT AGREEMENT between Harbour Trading Ltd and PT Indah Logistik",
        )
        .await;
    // The bytes hashed are the version's canonical JSON, which the parties can fetch.
    let (_, v1) = t
        .get(
            "harbour",
            &format!("/api/v1/cases/{case}/settlement/drafts/1"),
        )
        .await;
    assert_eq!(
        hex::encode(Sha256::digest(v1["canonical"].as_str().unwrap().as_bytes())),
        hash
    );
    for (who, party) in [("harbour", "H"), ("indah", "I")] {
        t.ok(
            who,
            &case,
            "approve-final-text",
            json!({"party": party, "text_hash": hash}),
        )
        .await;
    }
    for (who, party) in [("harbour", "H"), ("indah", "I")] {
        t.ok(
            who,
            &case,
            "sign-settlement",
            json!({"party": party, "text_hash": hash}),
        )
        .await;
    }
    let (s, v) = t
        .post(
            "sgen",
            &format!("/api/v1/cases/{case}/attestation"),
            json!({}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "not before the mediator countersigns: {v}"
    );
    let docs = format!("/api/v1/cases/{case}/documents");
    let (s, v) = t
        .pdf_text("indah", &format!("{docs}/termination-record?language=en"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.contains("document-not-available"), "{v}");
    t.ok(
        "mediator",
        &case,
        "countersign-settlement",
        json!({"text_hash": hash}),
    )
    .await;
    // The case lists say it settled: the API gives the ground, the queue says "Settled".
    let (_, list) = t.get("sgen", "/api/v1/cases").await;
    let listed = list["items"]
        .as_array()
        .or(list.as_array())
        .unwrap()
        .iter()
        .find(|c| c["id"] == case.as_str())
        .cloned()
        .unwrap();
    assert_eq!(listed["termination_ground"], "settled", "{listed}");
    let (_, queue) = t.page("sgen", "/").await;
    let settled = accord_i18n::message("en", "stage-settled", &[]).unwrap();
    assert!(queue.contains(&format!(">{settled}<")), "{queue}");
    let (s, v) = t
        .post(
            "harbour",
            &format!("/api/v1/cases/{case}/attestation"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, a) = t
        .post(
            "sgen",
            &format!("/api/v1/cases/{case}/attestation"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let id = a["verification_id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 35, "128 random bits: {id}");
    // Asking again returns the same attestation; the parties can read it.
    let (_, again) = t
        .post(
            "sgen",
            &format!("/api/v1/cases/{case}/attestation"),
            json!({}),
        )
        .await;
    assert_eq!(again, a);
    let (s, seen) = t
        .get("indah", &format!("/api/v1/cases/{case}/attestation"))
        .await;
    assert_eq!((s, &seen), (StatusCode::OK, &a));

    // The document is signed by the institution key that the public key endpoint gives.
    let (_, key) = public(t, "/api/v1/transparency/key").await;
    assert_eq!(a["public_key"], key["public_key"]);
    let pk: [u8; 32] = hex::decode(key["public_key"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let pk = ed25519_dalek::VerifyingKey::from_bytes(&pk).unwrap();
    let sig = ed25519_dalek::Signature::from_slice(
        &hex::decode(a["signature"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    let document = a["document"].as_str().unwrap();
    pk.verify(document.as_bytes(), &sig).unwrap();
    let altered = document.replace("Harbour", "Harbor");
    assert!(pk.verify(altered.as_bytes(), &sig).is_err());
    let doc: Value = serde_json::from_str(document).unwrap();
    assert_eq!(doc["text_hash"], hash);
    assert_eq!(doc["verification_id"], id);
    assert_eq!(
        doc["signatures"].as_array().unwrap().len(),
        3,
        "two parties and the mediator"
    );
    assert!(
        !document.contains("WP-OFFER"),
        "without-prejudice content in the attestation"
    );
    assert_eq!(
        a["document_sha256"],
        hex::encode(Sha256::digest(document.as_bytes()))
    );

    // Anyone (no session) checks a document against the id: match or no match, nothing else.
    let check = |sha: String| {
        let (t, id) = (&*t, id.clone());
        async move { public(t, &format!("/api/v1/verify/{id}?sha256={sha}")).await }
    };
    let (s, v) = check(hash.clone()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["match"], true);
    assert_eq!(v["document"], "settlement-agreement");
    assert_eq!(
        v.as_object().unwrap().len(),
        3,
        "match, document and date only: {v}"
    );
    let (_, v) = check(hash.to_uppercase()).await;
    assert_eq!(v["match"], true, "hex case does not matter");
    let (_, v) = check(a["document_sha256"].as_str().unwrap().to_owned()).await;
    assert_eq!(v["document"], "attestation");
    let other = hex::encode(Sha256::digest(b"SETTLEMENT AGREEMENT (altered)"));
    let (s1, wrong_hash) = check(other.clone()).await;
    let (s2, wrong_id) = public(t, &format!("/api/v1/verify/0000-0000?sha256={other}")).await;
    assert_eq!(
        (s1, &wrong_hash),
        (
            StatusCode::OK,
            &json!({"match": false, "document": null, "issued_on": null})
        )
    );
    assert_eq!(
        (s2, wrong_id),
        (s1, wrong_hash),
        "an unknown id answers like a wrong hash"
    );
    let (s, v) = check("not-a-hash".into()).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid-hash"))
    );
    // The enforcement package: the parties download it and anyone verifies it offline.
    let resp = t
        .http
        .get(format!(
            "{}/api/v1/cases/{case}/enforcement-package",
            t.base
        ))
        .bearer_auth(t.token("indah"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/zip");
    let zip = resp.bytes().await.unwrap().to_vec();
    let report = accord_package::verify(&zip, Some(&pk)).unwrap();
    assert_eq!(report.text_hash, hash);
    assert_eq!(report.verification_id, id);
    assert_eq!(report.signatures, 3);
    assert_eq!(report.languages, vec!["en", "zh-Hans"]);
    for lang in ["en", "zh-Hans"] {
        let name = format!("agreement/agreement-{lang}.pdf");
        assert!(
            zip.windows(name.len()).any(|w| w == name.as_bytes()),
            "{name} in the package"
        );
    }
    assert!(report.events > 10);
    assert!(
        !zip.windows(8).any(|w| w == b"WP-OFFER"),
        "without-prejudice content in the package"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("package.zip");
    std::fs::write(&file, &zip).unwrap();
    let run = |f: &std::path::Path, key: Option<&str>| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_accord"));
        c.arg("verify").arg(f);
        if let Some(k) = key {
            c.args(["--key", k]);
        }
        c.output().unwrap()
    };
    let out = run(&file, key["public_key"].as_str());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&hash));
    let mut changed = zip.clone();
    let at = zip.windows(7).position(|w| w == b"Harbour").unwrap();
    changed[at] = b'X';
    std::fs::write(&file, &changed).unwrap();
    let out = run(&file, None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("INVALID"));
    // The agreement as a PDF in each language version, with the signed hash on its pages.
    for lang in ["en", "zh-Hans"] {
        let resp = t
            .http
            .get(format!(
                "{}/api/v1/cases/{case}/documents/settlement-agreement?language={lang}",
                t.base
            ))
            .bearer_auth(t.token("harbour"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{lang}");
        assert_eq!(resp.headers()["content-type"], "application/pdf");
        let pdf = resp.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let f = dir.path().join(format!("agreement-{lang}.pdf"));
        std::fs::write(&f, &pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .arg(&f)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<String>();
        assert!(
            text.contains(&hash),
            "{lang}: the signed hash is on the page"
        );
        if lang == "zh-Hans" {
            assert!(text.contains("和解协议"), "{text}");
        }
    }
    let (s, _) = t
        .get(
            "indah",
            &format!("/api/v1/cases/{case}/documents/settlement-agreement?language=ru"),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "no Russian version was agreed");
    // The procedural documents, worded in each reader's language from the log's facts.
    let (_, view) = t.get("indah", &format!("/api/v1/cases/{case}")).await;
    let reference = view["case"]["reference"]
        .as_str()
        .or(view["reference"].as_str())
        .unwrap()
        .to_owned();
    for (kind, lang, expect) in [
        ("acknowledgement", "fr", "accuseréception"),
        ("notice-of-registration", "es", "haquedadoregistrada"),
        (
            "declaration-of-independence",
            "ru",
            "Принявназначениепосредником",
        ),
        ("certificate-of-mediation", "zh-Hans", "调解员身份证明"),
        ("certificate-of-mediation", "en", "certifies,asmediator"),
        ("attestation", "ar", "تشهدالمؤسسةالمديرة"),
        (
            "termination-record",
            "en",
            "thepartiessignedasettlementagreement",
        ),
        ("termination-record", "zh-Hant", "各當事方簽署了和解協議"),
    ] {
        let (s, text) = t
            .pdf_text("indah", &format!("{docs}/{kind}?language={lang}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{kind} {lang}: {text}");
        assert!(
            text.contains(&reference),
            "{kind} {lang}: reference in {text}"
        );
        assert!(text.contains(expect), "{kind} {lang}: {expect:?} in {text}");
        assert!(
            !text.contains("WP-OFFER"),
            "{kind}: without-prejudice content"
        );
        if matches!(kind, "certificate-of-mediation" | "attestation") {
            assert!(text.contains(&hash), "{kind} {lang}: the agreement's hash");
        }
        if kind == "attestation" {
            assert!(text.contains(&id), "{kind}: the verification id");
        }
    }
    // The invitation exists only where a party was invited; this case began on written consent.
    let (s, v) = t
        .pdf_text("indah", &format!("{docs}/invitation?language=en"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = t
        .pdf_text("indah", &format!("{docs}/summons?language=en"))
        .await;
    assert!(v.contains("unknown-document"), "{s} {v}");
    let (s, v) = t
        .pdf_text("indah", &format!("{docs}/attestation?language=de"))
        .await;
    assert!(v.contains("unsupported-document"), "{s} {v}");
    // Someone outside the case learns nothing, not even that the document exists.
    t.user("stranger", "party-user").await;
    let (s, _) = t
        .pdf_text("stranger", &format!("{docs}/attestation?language=en"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The package carries the mediator's certificate and the other documents.
    for name in [
        "certificate/certificate-of-mediation.json",
        "certificate/certificate-of-mediation-en.pdf",
        "attestation/attestation-zh-Hans.pdf",
        "termination/termination-record-en.pdf",
    ] {
        assert!(
            zip.windows(name.len()).any(|w| w == name.as_bytes()),
            "{name} in the package"
        );
    }
    // The Secretariat may export it too.
    let (s, _) = t
        .get("sgen", &format!("/api/v1/cases/{case}/enforcement-package"))
        .await;
    assert_eq!(s, StatusCode::OK, "the Secretariat may export");
}

on_both_backends!(settled_case_is_attested_and_verifiable_by_anyone);
