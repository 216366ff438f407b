//! Negotiation in a case, over HTTP: the mediator opens a negotiation on an agenda, each party
//! enters its preferences privately, the mediator reads the analysis and proposes a package, the
//! parties answer privately, and the package both accept is recorded in the case log.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestServer, active_commercial_filed, active_commercial_with, commercial};
use crate::on_both_backends;

fn agenda() -> Value {
    json!({"issues": [
        {"id": "price", "label": "Price per tonne (USD)", "options": ["400", "450", "500"]},
        {"id": "delivery", "label": "Delivery", "options": ["30 days", "60 days", "90 days"]},
        {"id": "warranty", "label": "Warranty", "options": ["1 year", "2 years"]}
    ]})
}

/// H (the seller) cares most about price; I (the buyer) most about fast delivery.
fn prefs_h() -> Value {
    json!({
        "weights": {"price": 60, "delivery": 10, "warranty": 30},
        "scores": {
            "price": {"400": 0, "450": 60, "500": 100},
            "delivery": {"30 days": 0, "60 days": 50, "90 days": 100},
            "warranty": {"1 year": 100, "2 years": 0}
        },
        "reservation": {"kind": "value", "value": 3000}
    })
}

fn prefs_i() -> Value {
    json!({
        "weights": {"price": 30, "delivery": 60, "warranty": 10},
        "scores": {
            "price": {"400": 100, "450": 50, "500": 0},
            "delivery": {"30 days": 100, "60 days": 40, "90 days": 0},
            "warranty": {"1 year": 0, "2 years": 100}
        },
        "reservation": {"kind": "package", "package": {"price": "500", "delivery": "30 days", "warranty": "1 year"}}
    })
}

/// A package's value under preferences given as JSON: computed here, independently of the server.
fn value_of(prefs: &Value, package: &Value) -> u64 {
    let mut total = 0;
    for (issue, w) in prefs["weights"].as_object().unwrap() {
        let option = package[issue].as_str().unwrap();
        let s = prefs["scores"][issue][option].as_u64().unwrap_or(0);
        total += w.as_u64().unwrap() * s;
    }
    total
}

fn all_packages() -> Vec<Value> {
    let mut out = vec![];
    for p in ["400", "450", "500"] {
        for d in ["30 days", "60 days", "90 days"] {
            for w in ["1 year", "2 years"] {
                out.push(json!({"price": p, "delivery": d, "warranty": w}));
            }
        }
    }
    out
}

fn path(case: &str, rest: &str) -> String {
    format!("/api/v1/cases/{case}/negotiations{rest}")
}

async fn expect_error(
    t: &TestServer,
    who: &str,
    p: &str,
    body: Value,
    status: StatusCode,
    code: &str,
) {
    let (s, v) = t.post(who, p, body).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (status, Some(code)),
        "{who} {p}: {v}"
    );
}

async fn package_from_single_text_to_agreement(t: &mut TestServer) {
    let case = active_commercial_with(t, "iomed-default").await;
    // Bad agendas and packages are refused with their codes, and change nothing.
    let mut bad = agenda();
    bad["issues"][1]["id"] = json!("price");
    t.refused(
        "mediator",
        &case,
        "open-negotiation",
        json!({"agenda": bad}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-agenda",
    )
    .await;
    t.refused(
        "harbour",
        &case,
        "open-negotiation",
        json!({"agenda": agenda()}),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let v = t
        .ok(
            "mediator",
            &case,
            "open-negotiation",
            json!({"agenda": agenda()}),
        )
        .await;
    assert_eq!(v["negotiations"][0]["id"], "N1");
    t.refused(
        "mediator",
        &case,
        "propose-package",
        json!({"negotiation": "N1", "package": {"price": "425", "delivery": "30 days", "warranty": "1 year"}}),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-package",
    )
    .await;

    // The analysis waits for every party's preferences.
    let (s, v) = t.get("mediator", &path(&case, "/N1/analysis")).await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("preferences-incomplete")
        ),
        "{v}"
    );

    // Preferences: each party for itself only, checked against the agenda.
    expect_error(
        t,
        "harbour",
        &path(&case, "/N1/preferences/I"),
        prefs_i(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let mut wrong = prefs_h();
    wrong["scores"]["price"]["425"] = json!(10);
    expect_error(
        t,
        "harbour",
        &path(&case, "/N1/preferences/H"),
        wrong,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-preferences",
    )
    .await;
    let mut unknown_field = prefs_h();
    unknown_field["bottom_line"] = json!(1);
    let (s, _) = t
        .post("harbour", &path(&case, "/N1/preferences/H"), unknown_field)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, v) = t
        .post("harbour", &path(&case, "/N1/preferences/H"), prefs_h())
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["as_party"][0]["party"], "H");
    assert_eq!(v["as_party"][0]["preferences_entered"], true);
    assert_eq!(v["as_party"][0]["reservation_value"], 3000);
    assert_eq!(v["as_party"][0]["best"], 60 * 100 + 10 * 100 + 30 * 100);
    assert!(v["as_mediator"].is_null());
    let (s, v) = t
        .post("indah", &path(&case, "/N1/preferences/I"), prefs_i())
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, mine) = t.get("indah", &path(&case, "/N1/preferences/I")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(mine, prefs_i());

    // Neither the other party nor, under the default profile, the mediator reads preferences.
    for (who, party) in [
        ("indah", "H"),
        ("harbour", "I"),
        ("mediator", "H"),
        ("sgen", "H"),
    ] {
        let (s, v) = t
            .get(who, &path(&case, &format!("/N1/preferences/{party}")))
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{who} read {party}'s preferences: {v}"
        );
    }
    for who in ["harbour", "indah", "sgen"] {
        let (s, _) = t.get(who, &path(&case, "/N1/analysis")).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who} read the analysis");
    }

    // The mediator's analysis: exactly the efficient packages, no utilities under analysis-only.
    let (s, a) = t.get("mediator", &path(&case, "/N1/analysis")).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["disclosure"], "analysis-only");
    assert_eq!(a["outcomes"], 18);
    let (h, i) = (prefs_h(), prefs_i());
    let vals: Vec<(Value, u64, u64)> = all_packages()
        .into_iter()
        .map(|p| {
            let (x, y) = (value_of(&h, &p), value_of(&i, &p));
            (p, x, y)
        })
        .collect();
    let efficient: Vec<(u64, u64)> = {
        let mut e: Vec<(u64, u64)> = vals
            .iter()
            .filter(|(_, x, y)| {
                !vals
                    .iter()
                    .any(|(_, a, b)| a >= x && b >= y && (a > x || b > y))
            })
            .map(|(_, x, y)| (*x, *y))
            .collect();
        e.sort();
        e.dedup();
        e
    };
    assert_eq!(
        a["frontier_size"].as_u64().unwrap() as usize,
        efficient.len()
    );
    let mut got: Vec<(u64, u64)> = a["frontier"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert!(
                f["utilities"].is_null(),
                "utilities shown under analysis-only: {f}"
            );
            (value_of(&h, &f["package"]), value_of(&i, &f["package"]))
        })
        .collect();
    got.sort();
    assert_eq!(got, efficient);
    // The Nash package: the efficient package with the largest product of gains over the
    // reservations (I's reservation is its value of the package it named).
    let (rh, ri) = (
        3000u64,
        value_of(
            &i,
            &json!({"price": "500", "delivery": "30 days", "warranty": "1 year"}),
        ),
    );
    let best_product = vals
        .iter()
        .filter(|(_, x, y)| *x >= rh && *y >= ri)
        .map(|(_, x, y)| (x - rh) * (y - ri))
        .max()
        .unwrap();
    let nash = a["nash"].clone();
    assert_eq!(
        (value_of(&h, &nash) - rh) * (value_of(&i, &nash) - ri),
        best_product
    );

    // The mediator proposes the Nash package; each party sees its own value of it.
    let v = t
        .ok(
            "mediator",
            &case,
            "propose-package",
            json!({"negotiation": "N1", "package": nash}),
        )
        .await;
    assert_eq!(v["negotiations"][0]["proposals"][0]["id"], "P1");
    t.refused(
        "mediator",
        &case,
        "propose-package",
        json!({"negotiation": "N1", "package": nash}),
        StatusCode::CONFLICT,
        "guard-package-already-proposed",
    )
    .await;
    let (_, hv) = t.get("harbour", &path(&case, "/N1")).await;
    assert_eq!(
        hv["as_party"][0]["proposals"][0]["utility"],
        value_of(&h, &nash)
    );
    assert_eq!(
        hv["as_party"][0]["proposals"][0]["clears_reservation"],
        true
    );
    let (_, iv_before) = t.get("indah", &path(&case, "/N1")).await;
    assert_eq!(
        iv_before["as_party"][0]["proposals"][0]["utility"],
        value_of(&i, &nash)
    );

    // H accepts privately: I's view does not change; the mediator sees the answer.
    let answer = |who: &'static str, party: &'static str, a: &'static str| {
        let (t, case) = (&*t, case.clone());
        async move {
            let (s, v) = t
                .post(
                    who,
                    &path(&case, &format!("/N1/proposals/P1/answers/{party}")),
                    json!({"answer": a}),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            v
        }
    };
    let events_before = t.event_kinds("indah", &case).await;
    let v = answer("harbour", "H", "accept").await;
    assert_eq!(v["as_party"][0]["proposals"][0]["answer"], "accept");
    let (_, iv) = t.get("indah", &path(&case, "/N1")).await;
    assert_eq!(iv, iv_before, "H's private answer changed I's view");
    assert_eq!(t.event_kinds("indah", &case).await, events_before);
    let (_, mv) = t.get("mediator", &path(&case, "/N1")).await;
    assert_eq!(mv["as_mediator"]["answers"]["P1"]["H"], "accept");
    assert_eq!(mv["as_mediator"]["answers"]["P1"]["I"], "awaiting");
    assert!(mv["as_party"].as_array().unwrap().is_empty());
    expect_error(
        t,
        "indah",
        &path(&case, "/N1/proposals/P1/answers/H"),
        json!({"answer": "decline"}),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let (s, _) = t
        .post(
            "indah",
            &path(&case, "/N1/proposals/P7/answers/I"),
            json!({"answer": "accept"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // I declines, then accepts: only now is the agreement recorded, as a case event.
    answer("indah", "I", "decline").await;
    assert!(
        !t.event_kinds("harbour", &case)
            .await
            .contains(&"package-agreed".to_owned())
    );
    let v = answer("indah", "I", "accept").await;
    assert_eq!(v["agreed"], "P1");
    assert_eq!(v["agreed_package"], nash);
    for who in ["harbour", "indah", "mediator", "sgen"] {
        let kinds = t.event_kinds(who, &case).await;
        assert_eq!(
            kinds.last().map(String::as_str),
            Some("package-agreed"),
            "{who}"
        );
    }
    let (_, events) = t
        .get("harbour", &format!("/api/v1/cases/{case}/events"))
        .await;
    let agreed = events.as_array().unwrap().last().unwrap();
    assert_eq!(agreed["payload"]["package"], nash);
    assert_eq!(agreed["actor"], "system");
    let view = t.case("indah", &case).await;
    assert_eq!(view["negotiations"][0]["agreed"], "P1");
    // A concluded negotiation takes no more input.
    expect_error(
        t,
        "harbour",
        &path(&case, "/N1/preferences/H"),
        prefs_h(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "negotiation-concluded",
    )
    .await;
    t.refused(
        "mediator",
        &case,
        "propose-package",
        json!({"negotiation": "N1", "package": all_packages()[0]}),
        StatusCode::CONFLICT,
        "guard-negotiation-agreed",
    )
    .await;

    // The mediator's reads of the analysis are in the Secretary-General's access log.
    let (_, log) = t
        .get("sgen", &format!("/api/v1/access-log?case_id={case}"))
        .await;
    let objects: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == "negotiation")
        .map(|l| l["object"].as_str().unwrap())
        .collect();
    assert!(objects.contains(&"analysis:N1"), "{log}");
    // Reads of the mediator's proposals (without prejudice) are logged, whoever reads them.
    let wp_readers: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == "without-prejudice" && l["object"] == "proposals:events")
        .map(|l| l["user_id"].as_str().unwrap())
        .collect();
    assert!(wp_readers.contains(&t.id("indah").as_str()), "{log}");
    assert!(objects.contains(&"preferences:N1:I"), "{log}");

    // The accepted package becomes the settlement's terms.
    t.ok("mediator", &case, "indicate-terms-agreed", json!({}))
        .await;
    t.put_draft(&case, "Terms as negotiated").await;
    let (_, d) = t
        .get(
            "indah",
            &format!("/api/v1/cases/{case}/settlement/drafts/1"),
        )
        .await;
    assert_eq!(d["draft"]["terms"]["negotiated_package"], nash);

    // Preferences are sealed at rest: their JSON never appears in the stored files.
    let needle = b"\"weights\"";
    for entry in walk(&t.data_dir()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "preferences in clear in {}",
            entry.display()
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Under a profile with `full` negotiation disclosure the mediator also reads each party's
/// preferences and the utilities on the frontier; the parties still cannot read each other's.
async fn full_disclosure_shows_the_mediator_the_numbers(t: &mut TestServer) {
    let case = active_commercial_filed(t, |h, i| {
        let mut f = commercial(h, i, true, "iomed-default");
        f["profile_overrides"] = json!({"negotiation_disclosure": "full"});
        f
    })
    .await;
    t.ok(
        "mediator",
        &case,
        "open-negotiation",
        json!({"agenda": agenda()}),
    )
    .await;
    t.post("harbour", &path(&case, "/N1/preferences/H"), prefs_h())
        .await;
    t.post("indah", &path(&case, "/N1/preferences/I"), prefs_i())
        .await;
    let (s, p) = t.get("mediator", &path(&case, "/N1/preferences/H")).await;
    assert_eq!((s, p), (StatusCode::OK, prefs_h()));
    let (s, _) = t.get("indah", &path(&case, "/N1/preferences/H")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, a) = t.get("mediator", &path(&case, "/N1/analysis")).await;
    assert_eq!(a["disclosure"], "full");
    for f in a["frontier"].as_array().unwrap() {
        let u: BTreeMap<String, u64> = serde_json::from_value(f["utilities"].clone()).unwrap();
        assert_eq!(u["H"], value_of(&prefs_h(), &f["package"]));
        assert_eq!(u["I"], value_of(&prefs_i(), &f["package"]));
    }
}

on_both_backends!(
    package_from_single_text_to_agreement,
    full_disclosure_shows_the_mediator_the_numbers
);
