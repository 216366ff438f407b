//! Blind bidding in a case, over HTTP: the mediator states the rules, each side names its figure
//! for a round privately, a round that does not settle tells nobody anything but that, and a
//! settling round records a price between the figures — never the figures.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestServer, active_commercial_with};
use crate::on_both_backends;

fn rules() -> Value {
    json!({"label": "Damages for late delivery", "currency": "USD", "minor_digits": 2,
           "claimant": "H", "respondent": "I", "rounds": 3, "closing_gap": 5000})
}

fn path(case: &str, rest: &str) -> String {
    format!("/api/v1/cases/{case}/blind-biddings{rest}")
}

async fn figure(t: &TestServer, who: &str, case: &str, b: &str, party: &str, amount: u64) -> Value {
    let (s, v) = t
        .post(
            who,
            &path(case, &format!("/{b}/figures/{party}")),
            json!({"amount": amount}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{who} for {party}: {v}");
    v
}

async fn refused_figure(
    t: &TestServer,
    who: &str,
    case: &str,
    party: &str,
    body: Value,
    expect: (StatusCode, &str),
) {
    let (s, v) = t
        .post(who, &path(case, &format!("/B1/figures/{party}")), body)
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str().unwrap_or("")),
        expect,
        "{who} for {party}: {v}"
    );
}

/// The other side's view with the bidding's own id and opening time taken out.
fn without_identity(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    o.remove("id");
    o.remove("opened_at");
    v
}

async fn rounds_settle_privately(t: &mut TestServer) {
    let case = active_commercial_with(t, "iomed-default").await;
    // Bad rules and the wrong opener are refused and change nothing.
    for (field, value) in [
        ("currency", json!("usd")),
        ("rounds", json!(0)),
        ("minor_digits", json!(7)),
        ("respondent", json!("H")),
        ("claimant", json!("Z")),
    ] {
        let mut bad = rules();
        bad[field] = value;
        t.refused(
            "mediator",
            &case,
            "open-blind-bidding",
            json!({"rules": bad}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-bidding-rules",
        )
        .await;
    }
    t.refused(
        "harbour",
        &case,
        "open-blind-bidding",
        json!({"rules": rules()}),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let v = t
        .ok(
            "mediator",
            &case,
            "open-blind-bidding",
            json!({"rules": rules()}),
        )
        .await;
    assert_eq!(v["blind_biddings"][0]["id"], "B1");
    assert_eq!(v["blind_biddings"][0]["rules"], rules());

    // Round 1: a demand of USD 987,654.32 and an offer of USD 123,456.79 — no settlement.
    let (h1, i1) = (98_765_432u64, 12_345_679u64);
    let v = figure(t, "harbour", &case, "B1", "H", h1).await;
    assert_eq!(v["as_party"][0]["side"], "claimant");
    assert_eq!(
        v["as_party"][0]["figures"],
        json!([{"round": 1, "amount": h1, "label": "USD 987654.32"}])
    );
    assert_eq!(v["current_round"], 1);
    // Only the representatives of a side name its figure; one figure per side and round; the
    // amount is bounded; unknown fields are refused.
    refused_figure(
        t,
        "indah",
        &case,
        "H",
        json!({"amount": 1}),
        (StatusCode::FORBIDDEN, "forbidden"),
    )
    .await;
    refused_figure(
        t,
        "mediator",
        &case,
        "I",
        json!({"amount": 1}),
        (StatusCode::FORBIDDEN, "forbidden"),
    )
    .await;
    refused_figure(
        t,
        "harbour",
        &case,
        "H",
        json!({"amount": 1}),
        (StatusCode::UNPROCESSABLE_ENTITY, "bid-already-placed"),
    )
    .await;
    refused_figure(
        t,
        "indah",
        &case,
        "I",
        json!({"amount": u64::MAX}),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid-bid"),
    )
    .await;
    let (s, _) = t
        .post(
            "indah",
            &path(&case, "/B1/figures/I"),
            json!({"amount": 1, "reservation": 2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // The mediator sees whose figure is in, not the figure.
    let (_, m) = t.get("mediator", &path(&case, "/B1")).await;
    assert_eq!(
        m["as_mediator"],
        json!({"claimant_figure_in": true, "respondent_figure_in": false})
    );
    assert!(m["as_party"].as_array().unwrap().is_empty());
    let v = figure(t, "indah", &case, "B1", "I", i1).await;
    assert_eq!(v["rounds"], json!([{"round": 1, "settled_at": null}]));
    assert_eq!(v["current_round"], 2);
    assert_eq!(v["as_party"][0]["figures"][0]["amount"], i1);

    // Nobody but a side itself ever receives its figure: not the other side, not the mediator,
    // not the Secretariat — in the bidding, the case or its events.
    for (who, foreign) in [
        ("harbour", i1),
        ("indah", h1),
        ("mediator", h1),
        ("mediator", i1),
        ("sgen", h1),
        ("sgen", i1),
    ] {
        for p in [
            path(&case, ""),
            path(&case, "/B1"),
            format!("/api/v1/cases/{case}"),
            format!("/api/v1/cases/{case}/events"),
        ] {
            let (s, body) = t.get(who, &p).await;
            assert_eq!(s, StatusCode::OK, "{who} {p}");
            assert!(
                !body.to_string().contains(&foreign.to_string()),
                "{who} received {foreign} from {p}"
            );
        }
    }

    // Round 2: USD 9,000.00 against USD 8,970.00, within the USD 50.00 closing gap: settled at a
    // price between the two figures.
    figure(t, "harbour", &case, "B1", "H", 900_000).await;
    let v = figure(t, "indah", &case, "B1", "I", 897_000).await;
    let price = v["rounds"][1]["settled_at"].as_u64().unwrap();
    assert!((897_000..=900_000).contains(&price), "{price}");
    assert_eq!(v["current_round"], Value::Null);
    assert_eq!(
        v["settled_label"],
        format!("USD {}.{:02}", price / 100, price % 100)
    );
    let (_, events) = t
        .get("indah", &format!("/api/v1/cases/{case}/events"))
        .await;
    let closed = events.as_array().unwrap().last().unwrap();
    assert_eq!(closed["kind"], "blind-round-closed");
    assert_eq!(closed["actor"], "system");
    assert_eq!(closed["payload"]["settled_at"], price);
    // A settled bidding takes no more figures.
    refused_figure(
        t,
        "harbour",
        &case,
        "H",
        json!({"amount": 1}),
        (StatusCode::UNPROCESSABLE_ENTITY, "bidding-over"),
    )
    .await;

    // The settled price becomes part of the settlement's terms; a draft that claims another
    // price for the bidding is refused.
    t.ok("mediator", &case, "indicate-terms-agreed", json!({}))
        .await;
    t.put_draft(&case, "Terms as settled by blind bidding")
        .await;
    let (_, d) = t
        .get(
            "indah",
            &format!("/api/v1/cases/{case}/settlement/drafts/1"),
        )
        .await;
    let settled = &d["draft"]["terms"]["bidding_settlement"];
    assert_eq!(settled["bidding"], "B1");
    assert_eq!(settled["price"], v["settled_label"]);
    assert_eq!(
        (&settled["payer"], &settled["payee"]),
        (&json!("I"), &json!("H"))
    );
    let mut forged = crate::harness::settlement_draft("Terms at a better price");
    forged["terms"]["bidding_settlement"] = json!({"bidding": "B1",
        "claim": "Damages for late delivery", "payer": "I", "payee": "H", "price": "USD 9000.00"});
    let price_text = v["settled_label"].as_str().unwrap();
    if price_text != "USD 9000.00" {
        let (s, e) = t
            .post(
                "mediator",
                &format!("/api/v1/cases/{case}/settlement/drafts"),
                forged,
            )
            .await;
        assert_eq!(
            (s, e["error"]["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("invalid-settlement-draft")
            ),
            "{e}"
        );
    }
}

/// Noninterference: two biddings under the same rules in which only the claimant's figures
/// differ and no round settles leave the respondent's view identical.
async fn the_other_sides_figures_do_not_change_a_view(t: &mut TestServer) {
    let case = active_commercial_with(t, "iomed-default").await;
    let mut one = rules();
    one["rounds"] = json!(2);
    for _ in 0..2 {
        t.ok(
            "mediator",
            &case,
            "open-blind-bidding",
            json!({"rules": one}),
        )
        .await;
    }
    for (b, demands) in [
        ("B1", [5_000_000u64, 4_000_000]),
        ("B2", [9_000_000, 7_777_777]),
    ] {
        for d in demands {
            figure(t, "harbour", &case, b, "H", d).await;
            figure(t, "indah", &case, b, "I", 1_000_000).await;
        }
    }
    let (_, a) = t.get("indah", &path(&case, "/B1")).await;
    let (_, b) = t.get("indah", &path(&case, "/B2")).await;
    assert_eq!(a["rounds"].as_array().unwrap().len(), 2);
    assert_eq!(without_identity(a), without_identity(b));
    // Out of rounds without a settlement: no more figures.
    let (s, v) = t
        .post("indah", &path(&case, "/B1/figures/I"), json!({"amount": 1}))
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("bidding-over"))
    );
}

on_both_backends!(
    rounds_settle_privately,
    the_other_sides_figures_do_not_change_a_view
);
