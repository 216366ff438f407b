//! Tamper evidence (security-and-reliability T4; issue 6): every single-byte change of a sample
//! enforcement package, and of every stored column of a 200-event log, is detected. Prints
//! `FIGURE tamper tried=N detected=M`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accord_evidence::{ChainVerifier, EventRecord, NewEvent, RawEvent, seal};
use accord_package::{PackageFile, build, verify};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::json;
use sha2::{Digest, Sha256};

fn canon(v: &serde_json::Value) -> String {
    accord_evidence::canonical_json(v).unwrap()
}

fn log(n: usize) -> Vec<EventRecord> {
    let events = (0..n)
        .map(|i| NewEvent {
            event_id: format!("e{i}"),
            recorded_at_ms: 1_700_000_000_000 + i as i64,
            actor: "system".into(),
            kind: if i == 0 {
                "draft-created"
            } else {
                "consultation-held"
            }
            .into(),
            rule_basis: "test".into(),
            visibility: "case".into(),
            payload: json!({"type": "consultation-held", "summary": format!("call {i}")}),
        })
        .collect();
    seal("case-1", 0, &Default::default(), events).unwrap()
}

/// A small but complete package: two language versions, two party signatures and the
/// mediator's, the attestation and a 3-event log.
fn sample(institution: &SigningKey) -> Vec<u8> {
    let settlement = canon(&json!({
        "terms": {"governing_law": "Hong Kong"},
        "versions": [{"language": "en", "text": "H pays I."}, {"language": "zh-Hans", "text": "H付给I。"}]
    }));
    let hash = hex::encode(Sha256::digest(settlement.as_bytes()));
    let mut files = vec![
        PackageFile {
            name: "agreement/settlement.json".into(),
            bytes: settlement.into_bytes(),
        },
        PackageFile {
            name: "agreement/text-en.txt".into(),
            bytes: "H pays I.".into(),
        },
        PackageFile {
            name: "agreement/text-zh-Hans.txt".into(),
            bytes: "H付给I。".as_bytes().to_vec(),
        },
    ];
    for (n, seed) in [(1, 7u8), (2, 8), (3, 9)] {
        let k = SigningKey::from_bytes(&[seed; 32]);
        let manifest = canon(&json!({"text_hash": hash, "signer": n}));
        let e = json!({
            "manifest": manifest,
            "public_key": hex::encode(k.verifying_key().as_bytes()),
            "signature": hex::encode(k.sign(manifest.as_bytes()).to_bytes()),
        });
        files.push(PackageFile {
            name: format!("evidence/signature-{n}.json"),
            bytes: canon(&e).into_bytes(),
        });
    }
    let att = canon(&json!({"text_hash": hash, "verification_id": "V-1"}));
    files.push(PackageFile {
        name: "attestation/attestation.sig".into(),
        bytes: hex::encode(institution.sign(att.as_bytes()).to_bytes()).into_bytes(),
    });
    files.push(PackageFile {
        name: "attestation/attestation.json".into(),
        bytes: att.into_bytes(),
    });
    let events: Vec<serde_json::Value> = log(3)
        .iter()
        .map(|r| {
            json!({"case_id": r.case_id, "format": r.format.number(), "seq": r.seq, "event_id": r.event_id,
            "recorded_at_ms": r.recorded_at_ms, "actor": r.actor, "kind": r.kind,
            "rule_basis": r.rule_basis, "visibility": r.visibility, "payload": r.payload,
            "prev_hash": r.prev_hash, "hash": r.hash})
        })
        .collect();
    files.push(PackageFile {
        name: "case-log.json".into(),
        bytes: canon(&json!(events)).into_bytes(),
    });
    build(
        files,
        &json!({"case_reference": "ACC-2026-1", "verification_id": "V-1"}),
        institution,
    )
    .unwrap()
}

#[test]
fn every_flipped_byte_of_a_package_and_of_a_200_event_log_is_detected() {
    let institution = SigningKey::from_bytes(&[1; 32]);
    let package = sample(&institution);
    let report = verify(&package, Some(&institution.verifying_key())).unwrap();
    assert_eq!(report.signatures, 3);
    assert_eq!(report.languages, vec!["en", "zh-Hans"]);
    assert_eq!(report.events, 3);
    // Another institution key is refused.
    assert!(
        verify(
            &package,
            Some(&SigningKey::from_bytes(&[2; 32]).verifying_key())
        )
        .is_err()
    );
    let (mut tried, mut detected) = (0u64, 0u64);
    let mut missed = vec![];
    for i in 0..package.len() {
        let mut p = package.clone();
        p[i] ^= 0x01;
        tried += 1;
        if verify(&p, None).is_err() {
            detected += 1;
        } else {
            missed.push(i);
        }
    }
    // Missing and added bytes: truncation at every tenth position, and a byte appended.
    for cut in (0..package.len()).step_by(10) {
        tried += 1;
        if verify(&package[..cut], None).is_err() {
            detected += 1;
        } else {
            missed.push(cut);
        }
    }
    let mut longer = package.clone();
    longer.push(0);
    tried += 1;
    if verify(&longer, None).is_err() {
        detected += 1;
    }
    // The 200-event log: each byte of every stored text column of every event.
    let events = log(200);
    let raw = |r: &EventRecord| RawEvent {
        case_id: r.case_id.clone().into_bytes(),
        position: r.position,
        format: r.format.number(),
        seq: r.seq,
        event_id: r.event_id.clone().into_bytes(),
        recorded_at_ms: r.recorded_at_ms,
        actor: r.actor.clone().into_bytes(),
        kind: r.kind.clone().into_bytes(),
        rule_basis: r.rule_basis.clone().into_bytes(),
        visibility: r.visibility.clone().into_bytes(),
        payload: r.payload.clone().into_bytes(),
        prev_hash: r.prev_hash.clone().into_bytes(),
        hash: r.hash.clone().into_bytes(),
    };
    let check = |rows: Vec<RawEvent>| {
        let mut v = ChainVerifier::new();
        for r in rows {
            v.feed(r);
        }
        v.finish().is_empty()
    };
    assert!(
        check(events.iter().map(raw).collect()),
        "the untouched log verifies"
    );
    for (k, e) in events.iter().enumerate() {
        for col in 0..9 {
            let len = {
                let r = raw(e);
                [
                    r.event_id,
                    r.actor,
                    r.kind,
                    r.rule_basis,
                    r.visibility,
                    r.payload,
                    r.hash,
                    r.case_id,
                    r.prev_hash,
                ][col]
                    .len()
            };
            for b in 0..len {
                let mut rows: Vec<RawEvent> = events.iter().map(raw).collect();
                let r = &mut rows[k];
                let field = match col {
                    0 => &mut r.event_id,
                    1 => &mut r.actor,
                    2 => &mut r.kind,
                    3 => &mut r.rule_basis,
                    4 => &mut r.visibility,
                    5 => &mut r.payload,
                    6 => &mut r.hash,
                    7 => &mut r.case_id,
                    _ => &mut r.prev_hash,
                };
                field[b] ^= 0x01;
                tried += 1;
                if !check(rows) {
                    detected += 1;
                } else {
                    missed.push(k * 1000 + col);
                }
            }
        }
    }
    println!("FIGURE tamper tried={tried} detected={detected}");
    assert!(missed.is_empty(), "undetected changes at {missed:?}");
    assert_eq!(tried, detected);
}
