//! Authority checked at every act on a party's behalf (docs/PROCEDURE.md, transition 4): counsel
//! acts only under an accepted proof, within its scopes; the invited party supplies its
//! representatives' proofs with its answer; a principal or the Secretariat revokes, and the very
//! next request is refused.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestServer, rep};

fn counsel(user_id: &str, name: &str, document: Option<&str>) -> Value {
    json!({"user_id": user_id, "name": name, "capacity": "counsel", "authority_document": document})
}

/// H (principal `harbour`, counsel `hcounsel` with a proof on file) asks I (principal `indah`
/// and counsel `icounsel`, no proofs, no consent yet); the Secretariat has invited I.
async fn invited_with_counsel(t: &mut TestServer) -> String {
    t.user("sgen", "secretariat").await;
    let h = t.user("harbour", "party-user").await;
    let hc = t.user("hcounsel", "party-user").await;
    let i = t.user("indah", "party-user").await;
    let ic = t.user("icounsel", "party-user").await;
    let clause = json!({"basis": "prior-clause", "reference": "Supply Agreement, cl. 19"});
    let body = json!({
        "dispute_type": "commercial", "title": "Harbour v. Indah",
        "summary": "Late deliveries under a supply agreement.",
        "subject_categories": ["sale-of-goods"],
        "parties": [
            {"id": "H", "name": "Harbour Trading Ltd", "kind": {"type": "company", "nationality": "HK", "place_of_business": "HK"},
             "representatives": [rep(&h, "Grace Ho"), counsel(&hc, "Maître Anne Roux", Some("Power of attorney 2026-07"))],
             "consent": clause},
            {"id": "I", "name": "PT Indah Logistik", "kind": {"type": "company", "nationality": "ID", "place_of_business": "ID"},
             "representatives": [
                 {"user_id": i, "name": "Budi Santoso", "capacity": "principal"},
                 counsel(&ic, "Rina Wijaya", None)
             ]}
        ],
        "requesting_party": "H", "profile": "iomed-default"
    });
    let case = t.file("harbour", body).await;
    t.ok("harbour", &case, "submit-request", json!({})).await;
    t.ok("sgen", &case, "record-lodging-fee", json!({"waived": true}))
        .await;
    t.ok("sgen", &case, "send-invitation", json!({})).await;
    case
}

async fn code(t: &TestServer, who: &str, path: &str) -> (StatusCode, Value) {
    let (s, v) = t.get(who, path).await;
    (s, v["error"]["code"].clone())
}

fn authority_of(view: &Value, party: usize, rep: usize) -> &Value {
    &view["parties"][party]["representatives"][rep]
}

async fn counsel_acts_only_under_an_accepted_proof(t: &mut TestServer) {
    let case = invited_with_counsel(t).await;
    let case_path = format!("/api/v1/cases/{case}");
    // Counsel named in the filing is told its authority is what is missing, not that the case
    // does not exist; a stranger is told nothing.
    assert_eq!(
        code(t, "hcounsel", &case_path).await,
        (StatusCode::FORBIDDEN, json!("authority-not-accepted"))
    );
    t.user("stranger", "party-user").await;
    assert_eq!(
        code(t, "stranger", &case_path).await,
        (StatusCode::NOT_FOUND, json!("case-not-found"))
    );
    // I's counsel cannot answer the invitation; I's principal can, supplying both proofs.
    t.refused(
        "icounsel",
        &case,
        "accept-invitation",
        json!({"party": "I", "instrument": "Letter of acceptance"}),
        StatusCode::FORBIDDEN,
        "authority-not-accepted",
    )
    .await;
    t.refused(
        "indah",
        &case,
        "accept-invitation",
        json!({"party": "I", "instrument": "Letter of acceptance",
               "authority": [{"user_id": t.id("harbour"), "document": "Board resolution 7"}]}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown-representative",
    )
    .await;
    let v = t
        .ok(
            "indah",
            &case,
            "accept-invitation",
            json!({"party": "I", "instrument": "Letter of acceptance", "authority": [
                {"user_id": t.id("indah"), "document": "Board resolution 7"},
                {"user_id": t.id("icounsel"), "document": "Power of attorney 11/2026"}
            ]}),
        )
        .await;
    assert_eq!(v["state_name"], "SCREENING");
    let view = t.case("sgen", &case).await;
    assert_eq!(
        authority_of(&view, 1, 1)["authority_document"],
        "Power of attorney 11/2026"
    );
    assert_eq!(authority_of(&view, 1, 1)["authority_accepted"], false);
    // Registration accepts every proof on file: counsel now sees the case and acts.
    t.ok("sgen", &case, "register", json!({})).await;
    let view = t.case("hcounsel", &case).await;
    for (party, rep) in [(0, 1), (1, 1)] {
        assert_eq!(authority_of(&view, party, rep)["authority_accepted"], true);
    }
    t.ok(
        "hcounsel",
        &case,
        "request-secretariat-appointment",
        json!({"party": "H"}),
    )
    .await;
    // Counsel cannot revoke its own principal, nor another party anyone.
    let revoke = |user: &str| json!({"party": "H", "user_id": user, "reason": "Mandate ended"});
    t.refused(
        "hcounsel",
        &case,
        "revoke-authority",
        revoke(&t.id("harbour")),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    t.refused(
        "indah",
        &case,
        "revoke-authority",
        revoke(&t.id("hcounsel")),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // H's principal revokes: the very next request of counsel is refused, reading or acting.
    t.ok(
        "harbour",
        &case,
        "revoke-authority",
        revoke(&t.id("hcounsel")),
    )
    .await;
    assert_eq!(
        code(t, "hcounsel", &case_path).await,
        (StatusCode::FORBIDDEN, json!("authority-not-accepted"))
    );
    let (s, v) = t
        .post(
            "hcounsel",
            &format!("/api/v1/cases/{case}/channels/internal:H/messages"),
            json!({"body": "Draft reply to the Secretariat"}),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("authority-not-accepted")),
        "{v}"
    );
    let view = t.case("harbour", &case).await;
    assert_eq!(authority_of(&view, 0, 1)["authority_revoked"]["by"], "H");
    t.refused(
        "sgen",
        &case,
        "revoke-authority",
        revoke(&t.id("hcounsel")),
        StatusCode::CONFLICT,
        "guard-already-recorded",
    )
    .await;
    // The Secretariat records a new proof granting only `view`: counsel reads, but cannot post.
    t.ok(
        "sgen",
        &case,
        "record-authority",
        json!({"party": "H", "user_id": t.id("hcounsel"), "document": "Power of attorney 2026-09",
               "scopes": ["view"]}),
    )
    .await;
    let (s, _) = t.get("hcounsel", &case_path).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = t
        .post(
            "hcounsel",
            &format!("/api/v1/cases/{case}/channels/internal:H/messages"),
            json!({"body": "Draft reply"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["error"]["code"], "forbidden");
    t.refused(
        "sgen",
        &case,
        "record-authority",
        json!({"party": "H", "user_id": t.id("hcounsel"), "document": "x", "scopes": []}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing-field",
    )
    .await;
    // The Secretariat's case page shows each representative's authority and offers the forms.
    let (_, page) = t.page("sgen", &format!("/cases/{case}")).await;
    assert!(
        page.contains("Maître Anne Roux (authority accepted)"),
        "{page}"
    );
    assert!(page.contains("/actions/record-authority"));
    assert!(page.contains("/actions/revoke-authority"));
}

crate::on_both_backends!(counsel_acts_only_under_an_accepted_proof);
