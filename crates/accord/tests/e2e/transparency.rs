//! The transparency log over HTTP: a party keeps a signed checkpoint, later checks that the log
//! extends it (consistency proof) and that an event it saw is in it (inclusion proof), verifying
//! everything itself with the institution's public key.

use accord_evidence::checkpoint::Checkpoint;
use accord_evidence::merkle::{self, Hash};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestServer, active_commercial};
use crate::on_both_backends;

fn unhex(v: &Value) -> Hash {
    hex::decode(v.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap()
}

fn proof(v: &Value) -> Vec<Hash> {
    v.as_array().unwrap().iter().map(unhex).collect()
}

async fn a_party_checks_the_log_against_its_own_checkpoint(t: &mut TestServer) {
    let case = active_commercial(t).await;
    // The public key is public; checkpoints need a session.
    let (s, key) = t
        .send(reqwest::Method::GET, None, "/api/v1/transparency/key", None)
        .await;
    assert_eq!(s, StatusCode::OK, "{key}");
    let (s, _) = t
        .send(
            reqwest::Method::GET,
            None,
            "/api/v1/transparency/checkpoint",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let public: [u8; 32] = hex::decode(key["public_key"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let public = ed25519_dalek::VerifyingKey::from_bytes(&public).unwrap();
    let (s, first) = t.get("indah", "/api/v1/transparency/checkpoint").await;
    assert_eq!(s, StatusCode::OK, "{first}");
    let held = Checkpoint::verify(
        first["note"].as_str().unwrap(),
        "accord-institution",
        &public,
    )
    .unwrap();
    assert_eq!(held.origin, key["origin"]);
    let (_, events) = t
        .get("indah", &format!("/api/v1/cases/{case}/events"))
        .await;
    let events = events.as_array().unwrap().clone();
    assert!(held.size >= events.len() as u64);

    // The case moves on; the log grows and still extends the checkpoint I hold.
    t.post(
        "indah",
        &format!("/api/v1/cases/{case}/channels/plenary/messages"),
        json!({"body": "not an event"}),
    )
    .await;
    t.ok(
        "mediator",
        &case,
        "record-consultation",
        json!({"summary": "Call with both sides"}),
    )
    .await;
    let (_, now) = t.get("harbour", "/api/v1/transparency/checkpoint").await;
    let now =
        Checkpoint::verify(now["note"].as_str().unwrap(), "accord-institution", &public).unwrap();
    assert_eq!(now.size, held.size + 1, "one new event, one new leaf");
    let (s, c) = t
        .get(
            "indah",
            &format!(
                "/api/v1/transparency/consistency?from={}&to={}",
                held.size, now.size
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    merkle::verify_consistency(
        held.size,
        now.size,
        &held.root,
        &now.root,
        &proof(&c["proof"]),
    )
    .unwrap();
    // A proof for the wrong old root does not verify.
    let mut other = held.root;
    other[5] ^= 1;
    assert!(
        merkle::verify_consistency(held.size, now.size, &other, &now.root, &proof(&c["proof"]))
            .is_err()
    );

    // Every event I can read is in the log, at the size of my new checkpoint.
    let (_, events) = t
        .get("indah", &format!("/api/v1/cases/{case}/events"))
        .await;
    for e in events.as_array().unwrap() {
        let event = e["event_id"].as_str().unwrap();
        let (s, inc) = t
            .get(
                "indah",
                &format!(
                    "/api/v1/cases/{case}/events/{event}/inclusion?size={}",
                    now.size
                ),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{inc}");
        assert_eq!(inc["event_hash"], e["hash"]);
        let leaf = merkle::leaf_hash(&hex::decode(e["hash"].as_str().unwrap()).unwrap());
        merkle::verify_inclusion(
            &leaf,
            inc["leaf_index"].as_u64().unwrap(),
            now.size,
            &proof(&inc["proof"]),
            &now.root,
        )
        .unwrap();
    }
    // Bad sizes get a clear error; an event I may not read answers as missing.
    let (s, v) = t
        .get(
            "indah",
            &format!("/api/v1/transparency/consistency?from={}", now.size + 5),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid-tree-size"))
    );
    let (_, h_events) = t
        .get("harbour", &format!("/api/v1/cases/{case}/events"))
        .await;
    let draft = h_events[0]["event_id"].as_str().unwrap().to_owned();
    assert_eq!(h_events[0]["kind"], "draft-created");
    let (s, v) = t
        .get(
            "indah",
            &format!("/api/v1/cases/{case}/events/{draft}/inclusion?size=1"),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "the draft is H's alone: {v}");
    let (s, _) = t
        .get(
            "harbour",
            &format!("/api/v1/cases/{case}/events/{draft}/inclusion"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = t
        .get("indah", "/api/v1/transparency/consistency?from=abc")
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["error"]["code"].is_string(), "{v}");
}

on_both_backends!(a_party_checks_the_log_against_its_own_checkpoint);
