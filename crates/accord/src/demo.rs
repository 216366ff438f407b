//! Demo content for `accord serve --demo`: a Secretariat, a panel of mediators, parties and
//! counsel, and cases of all three dispute types at different stages. Passwords are random, made
//! at first load and kept in `<data>/demo-logins.txt` (mode 0600) so that later starts print the
//! same logins. States in the demo use user-assigned ISO codes (XA, XB, …) with invented names.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use accord_app::Accord;
use accord_app::accounts::NewUser;
use accord_app::cases::NewDeclaration;
use accord_domain::command::{FileRequest, FirstSessionRecord};
use accord_domain::party::{CountryCode, PartyInput};
use accord_domain::testing::{By, CaseBuilder, Milestone};
use accord_domain::{Actor, Command, GlobalRole};
use serde_json::json;

/// One demo login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// User name.
    pub username: String,
    /// Role and who they are.
    pub who: String,
    /// Random 18-character password, made at first load and kept in `demo-logins.txt`.
    pub password: String,
}

const USERS: &[(&str, &str, &str)] = &[
    ("sgen", "Secretary-General", "secretariat"),
    ("officer", "Case officer Lam Ka-yan", "staff"),
    (
        "council",
        "Member of the Governing Council",
        "governing-council",
    ),
    ("amina", "Amina Diallo (mediator)", "mediator"),
    ("chen", "Chen Wei (mediator)", "mediator"),
    ("ortega", "Lucía Ortega (mediator)", "mediator"),
    ("arcadia", "Focal point, Republic of Arcadia", "party-user"),
    ("borealia", "Focal point, Kingdom of Borealia", "party-user"),
    (
        "caledonia",
        "Legal adviser, Republic of Caledonia (third State)",
        "party-user",
    ),
    ("xylo", "Counsel for Xylo Energy SA", "party-user"),
    (
        "quorra",
        "Legal department, Quorra Energy Agency",
        "party-user",
    ),
    (
        "harbour",
        "General counsel, Harbour Trading Ltd (Hong Kong)",
        "party-user",
    ),
    (
        "indah",
        "Counsel, PT Indah Logistik (Indonesia)",
        "party-user",
    ),
];

fn password() -> Result<String, String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 18];
    getrandom::fill(&mut b).map_err(|e| e.to_string())?;
    Ok(b.iter()
        .map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char)
        .collect())
}

fn read_logins(path: &Path) -> Result<Vec<Login>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "demo users exist but {} cannot be read: {e}",
            path.display()
        )
    })?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let mut it = l.splitn(3, '\t');
            Some(Login {
                username: it.next()?.to_owned(),
                password: it.next()?.to_owned(),
                who: it.next()?.to_owned(),
            })
        })
        .collect())
}

/// Loads the demo (once) and returns the logins.
pub async fn load(accord: &Accord, data: &Path) -> Result<Vec<Login>, String> {
    let file = data.join("demo-logins.txt");
    if accord
        .store()
        .user_by_username("sgen")
        .await
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return read_logins(&file);
    }
    let mut logins = vec![];
    let mut ids = std::collections::HashMap::new();
    for (username, who, role) in USERS {
        let pw = password()?;
        let u = accord
            .bootstrap_user(NewUser {
                username: (*username).into(),
                display_name: (*who).into(),
                role: (*role).into(),
                password: pw.clone(),
            })
            .await
            .map_err(|e| e.to_string())?;
        let role = GlobalRole::parse(role).ok_or("bad demo role")?;
        ids.insert(*username, Actor::User { id: u.id, role });
        logins.push(Login {
            username: (*username).into(),
            who: (*who).into(),
            password: pw,
        });
    }
    // The panel the parties choose from: each mediator's nationality and working languages.
    let secretariat = ids
        .get("sgen")
        .cloned()
        .ok_or("the demo has no Secretariat")?;
    for (username, nationality, languages) in [
        ("amina", "SN", &["fr", "en", "ar"][..]),
        ("chen", "CN", &["zh", "en"][..]),
        ("ortega", "PE", &["es", "en", "fr"][..]),
    ] {
        let Some(Actor::User { id, .. }) = ids.get(username) else {
            continue;
        };
        accord
            .set_panel_profile(
                &secretariat,
                id,
                accord_app::accounts::PanelProfile {
                    nationality: Some(nationality.into()),
                    languages: languages.iter().map(|l| (*l).to_owned()).collect(),
                },
            )
            .await
            .map_err(|e| e.to_string())?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&file)
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    for l in &logins {
        writeln!(f, "{}\t{}\t{}", l.username, l.password, l.who).map_err(|e| e.to_string())?;
    }
    cases(accord, &ids)
        .await
        .map_err(|e| format!("demo cases: {e}"))?;
    Ok(logins)
}

fn uid(ids: &std::collections::HashMap<&str, Actor>, name: &str) -> String {
    ids.get(name)
        .and_then(|a| a.user_id())
        .unwrap_or_default()
        .to_owned()
}

fn rep(user_id: &str, name: &str, doc: &str) -> serde_json::Value {
    json!({"user_id": user_id, "name": name, "capacity": "principal", "authority_document": doc})
}

async fn cases(
    a: &Accord,
    ids: &std::collections::HashMap<&str, Actor>,
) -> Result<(), Box<dyn std::error::Error>> {
    let actor = |n: &str| ids.get(n).cloned().ok_or("missing demo user");
    let sg = actor("sgen")?;
    let harbour = actor("harbour")?;
    let arcadia = actor("arcadia")?;
    let xylo = actor("xylo")?;
    let amina = actor("amina")?;
    let parties = |v: serde_json::Value| -> Result<Vec<PartyInput>, serde_json::Error> {
        serde_json::from_value(v)
    };
    let act = |case: String, actor: Actor, cmd: Command| async move {
        a.act(&actor, &case, &cmd, None).await.map(|_| ())
    };

    // 1. Commercial, prior clause, now ACTIVE with a mediator.
    let commercial_parties = |h: &str, i: &str| {
        parties(json!([
            {"id": "H", "name": "Harbour Trading Ltd", "kind": {"type": "company", "nationality": "HK", "place_of_business": "HK"},
             "representatives": [rep(h, "Grace Ho", "Board resolution 2026/14")],
             "consent": {"basis": "prior-clause", "reference": "Supply Agreement 2023, clause 19.2"}},
            {"id": "I", "name": "PT Indah Logistik", "kind": {"type": "company", "nationality": "ID", "place_of_business": "ID"},
             "representatives": [rep(i, "Budi Santoso", "Power of attorney 11/2026")],
             "consent": {"basis": "prior-clause", "reference": "Supply Agreement 2023, clause 19.2"}}
        ]))
    };
    let request = FileRequest {
        dispute_type: accord_domain::party::DisputeType::Commercial,
        title: "Harbour Trading v. Indah Logistik — delayed container deliveries".into(),
        summary: "Claims for late delivery and demurrage under a 2023 supply agreement.".into(),
        subject_categories: vec!["sale-of-goods".into()],
        investment_description: None,
        parties: commercial_parties(&uid(ids, "harbour"), &uid(ids, "indah"))?,
        requesting_party: "H".into(),
        joint_request: false,
        third_states: vec![],
        profile: Some("uncitral-2021".into()),
        profile_overrides: Default::default(),
    };
    let c1 = a.file_request(&harbour, &request).await?.case.id;
    // The same steps as every test's ACTIVE case, with the demo's mediator and first session.
    let builder = CaseBuilder::new(request)
        .mediator(
            &uid(ids, "amina"),
            "Amina Diallo",
            Some(CountryCode::parse("SN")?),
        )
        .mediator_count(1)
        .first_session(FirstSessionRecord {
            negotiators: [
                ("H".into(), "Grace Ho".into()),
                ("I".into(), "Budi Santoso".into()),
            ]
            .into_iter()
            .collect(),
            language: "English".into(),
            information_treatment: "Caucus content stays private unless authorised".into(),
            standstill: "none".into(),
            settlement_disclosure: "Settlement confidential except for enforcement".into(),
            internal_approval_routes: Default::default(),
        });
    for step in builder.acts_to(Milestone::Active) {
        let actor = match step.by {
            By::RequestingParty => harbour.clone(),
            By::Mediator => amina.clone(),
            By::Secretariat => sg.clone(),
            By::Party(_) | By::User(_) => {
                return Err("the builder named an actor the demo lacks".into());
            }
        };
        act(c1.clone(), actor, step.command).await?;
    }

    let officer = uid(ids, "officer");
    act(
        c1.clone(),
        sg.clone(),
        Command::AddParticipant {
            user_id: officer.clone(),
            role: accord_domain::case::CaseRole::CaseOfficer,
        },
    )
    .await?;
    a.post_message(
        &harbour,
        &c1,
        "plenary",
        accord_app::channels::NewMessage {
            body: "Harbour's initial statement is filed; we propose meeting in Hong Kong.".into(),
            without_prejudice: false,
            confidential: false,
        },
    )
    .await?;
    a.post_message(
        &harbour,
        &c1,
        "caucus:H",
        accord_app::channels::NewMessage {
            body: "In confidence: we could accept delivery credits instead of cash.".into(),
            without_prejudice: true,
            confidential: false,
        },
    )
    .await?;

    // 2. Investor–State with an agency: registered, constituting.
    let c2 = a
        .file_request(
            &xylo,
            &FileRequest {
                dispute_type: accord_domain::party::DisputeType::StateInvestor,
                title: "Xylo Energy v. Quorra Energy Agency — solar concession".into(),
                summary: "Dispute over tariff changes affecting a 2021 solar concession.".into(),
                subject_categories: vec!["energy-concession".into()],
                investment_description: Some("200 MW solar park under a 25-year concession".into()),
                parties: parties(json!([
                    {"id": "X", "name": "Xylo Energy SA", "kind": {"type": "investor", "nationality": "XP", "place_of_business": "XP"},
                     "representatives": [rep(&uid(ids, "xylo"), "Maître Anne Roux", "Power of attorney 2026-07")],
                     "consent": {"basis": "treaty-or-agreement", "instrument": "XP–XQ BIT (2012), Art. 9"}},
                    {"id": "Q", "name": "Quorra Energy Agency", "kind": {"type": "state-entity", "approving_state": "XQ"},
                     "representatives": [rep(&uid(ids, "quorra"), "Director of Legal Affairs", "Ministerial letter 44/2026")],
                     "consent": {"basis": "treaty-or-agreement", "instrument": "XP–XQ BIT (2012), Art. 9"}}
                ]))?,
                requesting_party: "X".into(),
                joint_request: false,
                third_states: vec![],
                profile: Some("icsid-2022".into()),
                profile_overrides: Default::default(),
            },
        )
        .await?
        .case
        .id;
    act(c2.clone(), xylo.clone(), Command::SubmitRequest {}).await?;
    act(
        c2.clone(),
        sg.clone(),
        Command::RecordLodgingFee { waived: false },
    )
    .await?;
    act(
        c2.clone(),
        sg.clone(),
        Command::RecordStateApproval {
            party: "Q".into(),
            instrument: "Approval of the Ministry of Energy of Quorra, 2 Nov 2026".into(),
        },
    )
    .await?;
    act(c2.clone(), sg.clone(), Command::Register {}).await?;

    // 3. State–State joint request held for a third State's consent.
    let states = |a_id: &str, b_id: &str| {
        parties(json!([
            {"id": "A", "name": "Republic of Arcadia", "kind": {"type": "state", "country": "XA", "status": "contracting"},
             "representatives": [rep(a_id, "Ambassador Elena Varga", "Full powers, 1 Sep 2026")],
             "consent": {"basis": "treaty-or-agreement", "instrument": "Joint letter of 3 Oct 2026"}},
            {"id": "B", "name": "Kingdom of Borealia", "kind": {"type": "state", "country": "XB", "status": "contracting"},
             "representatives": [rep(b_id, "Minister Counsellor Idris Nour", "Full powers, 9 Sep 2026")],
             "consent": {"basis": "treaty-or-agreement", "instrument": "Joint letter of 3 Oct 2026"}}
        ]))
    };
    let c3 = a
        .file_request(
            &arcadia,
            &FileRequest {
                dispute_type: accord_domain::party::DisputeType::StateState,
                title: "Arcadia and Borealia — Silver River water allocation".into(),
                summary: "Allocation of the Silver River's dry-season flow between the riparian States.".into(),
                subject_categories: vec!["shared-watercourse".into()],
                investment_description: None,
                parties: states(&uid(ids, "arcadia"), &uid(ids, "borealia"))?,
                requesting_party: "A".into(),
                joint_request: true,
                third_states: serde_json::from_value(json!([
                    {"country": "XC", "name": "Republic of Caledonia", "representatives": [uid(ids, "caledonia")]}
                ]))?,
                profile: None,
                profile_overrides: Default::default(),
            },
        )
        .await?
        .case
        .id;
    act(c3.clone(), arcadia.clone(), Command::SubmitRequest {}).await?;
    act(
        c3.clone(),
        sg.clone(),
        Command::RecordLodgingFee { waived: true },
    )
    .await?;

    // 4. Commercial invitation awaiting an answer.
    let mut inv_parties = commercial_parties(&uid(ids, "harbour"), &uid(ids, "indah"))?;
    for p in inv_parties.iter_mut() {
        p.consent = None;
    }
    inv_parties[0].consent = Some(accord_domain::party::ConsentBasis::TreatyOrAgreement {
        instrument: "Request for mediation of 20 Nov 2026".into(),
    });
    let c4 = a
        .file_request(
            &harbour,
            &FileRequest {
                dispute_type: accord_domain::party::DisputeType::Commercial,
                title: "Harbour Trading v. Indah Logistik — warehouse lease".into(),
                summary: "Unpaid rent and dilapidations under a warehouse lease.".into(),
                subject_categories: vec!["lease".into()],
                investment_description: None,
                parties: inv_parties,
                requesting_party: "H".into(),
                joint_request: false,
                third_states: vec![],
                profile: None,
                profile_overrides: Default::default(),
            },
        )
        .await?
        .case
        .id;
    act(c4.clone(), harbour.clone(), Command::SubmitRequest {}).await?;
    act(
        c4.clone(),
        sg.clone(),
        Command::RecordLodgingFee { waived: false },
    )
    .await?;
    act(
        c4.clone(),
        sg.clone(),
        Command::SendInvitation {
            response_days: Some(14),
        },
    )
    .await?;

    // 5. State–State request refused: Borealia excluded maritime delimitation.
    a.add_declaration(
        &sg,
        NewDeclaration {
            state: CountryCode::parse("XB")?,
            categories: vec!["maritime-delimitation".into(), "territorial-sovereignty".into()],
            text: "The Kingdom of Borealia excludes disputes concerning maritime delimitation and territorial sovereignty.".into(),
            effective_from: None,
        },
    )
    .await?;
    let c5 = a
        .file_request(
            &arcadia,
            &FileRequest {
                dispute_type: accord_domain::party::DisputeType::StateState,
                title: "Arcadia v. Borealia — maritime boundary in the Amber Sea".into(),
                summary: "Delimitation of the exclusive economic zones in the Amber Sea.".into(),
                subject_categories: vec!["maritime-delimitation".into()],
                investment_description: None,
                parties: states(&uid(ids, "arcadia"), &uid(ids, "borealia"))?,
                requesting_party: "A".into(),
                joint_request: false,
                third_states: vec![],
                profile: None,
                profile_overrides: Default::default(),
            },
        )
        .await?
        .case
        .id;
    act(c5.clone(), arcadia.clone(), Command::SubmitRequest {}).await?;
    act(
        c5.clone(),
        sg.clone(),
        Command::RecordLodgingFee { waived: true },
    )
    .await?;
    act(
        c5,
        sg.clone(),
        Command::RefuseRequest {
            reasons: "Borealia's declaration excludes maritime delimitation from IOMed mediation."
                .into(),
        },
    )
    .await?;
    Ok(())
}
