//! The facts of the documents a case produces (docs/PROCEDURE.md, documents): acknowledgement of the
//! request (D2), invitation (D3), notice of registration (D7), the mediators' declarations (D10),
//! the mediator's certificate of mediation (D21), the institution's attestation (D22) and the
//! record of termination (D23). The settlement agreement (D20) is in `settlement.rs`.
//!
//! A document here is language-free: facts (dates as YYYY-MM-DD, names), steps and signature
//! lines, taken from the case's log so that asking again gives the same document. Its content
//! hash is the SHA-256 of its canonical JSON record, the same for every language version;
//! `rendering` has it worded in the reader's language and laid out by the typesetter port
//! (`accord-documents`). Every document is read
//! under `Action::ViewCase` and never carries without-prejudice content (only procedural facts,
//! the frozen text's hash, and names).

use std::collections::BTreeMap;

use accord_domain::deadline::utc_date;
use accord_domain::policy::Action;
use accord_domain::{CaseEvent, CaseState};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::{Accord, AppError};

/// The kinds of document worded from a case's facts.
pub const GENERATED_KINDS: &[&str] = &[
    "acknowledgement",
    "invitation",
    "notice-of-registration",
    "declaration-of-independence",
    "certificate-of-mediation",
    "attestation",
    "termination-record",
];

/// One person's part of a document (a mediator's declaration): the same shape the typesetter
/// lays out.
pub use crate::ports::DocumentSection;

/// A signature line of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentSignature {
    /// Who signed.
    pub name: String,
    /// In what capacity.
    pub capacity: String,
    /// When (RFC 3339).
    pub signed_at: String,
}

/// A case document's facts, in no language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseDocument {
    /// One of [`GENERATED_KINDS`].
    pub kind: String,
    /// The case reference.
    pub reference: String,
    /// The document's date (YYYY-MM-DD), from the log.
    pub date: String,
    /// The parties' names.
    pub parties: Vec<String>,
    /// Arguments of the document's sentences.
    pub facts: BTreeMap<String, String>,
    /// Sections said once per person.
    pub sections: Vec<DocumentSection>,
    /// Procedural steps: step name and date.
    pub steps: Vec<(String, String)>,
    /// Signature lines.
    pub signatures: Vec<DocumentSignature>,
}

impl CaseDocument {
    /// The canonical JSON record of the document (what its hash covers).
    pub fn record(&self) -> Result<String, AppError> {
        let mut v = serde_json::to_value(self).map_err(|e| AppError::Storage(e.to_string()))?;
        v["type"] = json!("accord-document-v1");
        accord_evidence::canonical_json(&v).map_err(|e| AppError::Storage(e.to_string()))
    }

    /// SHA-256 (hex) of [`CaseDocument::record`], printed on every page of every language.
    pub fn content_hash(&self) -> Result<String, AppError> {
        Ok(hex::encode(Sha256::digest(self.record()?.as_bytes())))
    }
}

fn not_yet(kind: &str, when: &str) -> AppError {
    AppError::invalid(
        "document-not-available",
        format!("the {kind} exists once {when}"),
    )
}

fn date_of_ms(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(utc_date)
        .unwrap_or_default()
}

fn join(names: &[String]) -> String {
    names.join(", ")
}

impl Accord {
    /// The facts of a case document, for those who see the case.
    pub async fn case_document(
        &self,
        actor: &accord_domain::Actor,
        case_id: &str,
        kind: &str,
    ) -> Result<CaseDocument, AppError> {
        if !GENERATED_KINDS.contains(&kind) {
            return Err(AppError::invalid(
                "unknown-document",
                format!(
                    "'{kind}' is not a case document; ask for one of: settlement-agreement, {}",
                    GENERATED_KINDS.join(", ")
                ),
            ));
        }
        let case = self
            .case_for(
                actor,
                case_id,
                &Action::ViewCaseRecord,
                &format!("document:{kind}"),
            )
            .await?;
        let events: Vec<(i64, CaseEvent)> = self
            .store
            .events(case_id)
            .await?
            .into_iter()
            .filter_map(|r| {
                serde_json::from_str::<CaseEvent>(&r.payload)
                    .ok()
                    .map(|e| (r.recorded_at_ms, e))
            })
            .collect();
        let names = |ids: &mut dyn Iterator<Item = &String>| -> Vec<String> {
            ids.filter_map(|id| case.party(id).map(|p| p.name.clone()))
                .collect()
        };
        let all_parties: Vec<String> = case.parties.iter().map(|p| p.name.clone()).collect();
        let requesting = case
            .party(&case.requesting_party)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let respondents: Vec<String> = case
            .parties
            .iter()
            .filter(|p| p.id != case.requesting_party)
            .map(|p| p.name.clone())
            .collect();
        let mut facts = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            facts.insert(k.to_owned(), v);
        };
        put("parties", join(&all_parties));
        let mut doc = CaseDocument {
            kind: kind.to_owned(),
            reference: case.reference.clone(),
            date: String::new(),
            parties: all_parties.clone(),
            facts: BTreeMap::new(),
            sections: vec![],
            steps: vec![],
            signatures: vec![],
        };
        match kind {
            "acknowledgement" => {
                let filed = case
                    .filed_at
                    .map(utc_date)
                    .ok_or_else(|| not_yet(kind, "the request is filed"))?;
                put("received", filed.clone());
                put("requesting", requesting);
                put("respondents", join(&respondents));
                doc.date = filed;
            }
            "invitation" => {
                let (at, parties, due) = events
                    .iter()
                    .rev()
                    .find_map(|(at, e)| match e {
                        CaseEvent::InvitationSent { parties, due, .. } => {
                            Some((*at, parties.clone(), *due))
                        }
                        _ => None,
                    })
                    .ok_or_else(|| not_yet(kind, "the Secretariat has invited a party"))?;
                put("requesting", requesting);
                put("title", case.title.clone());
                put("invited", join(&names(&mut parties.iter())));
                put("due", utc_date(due));
                doc.date = date_of_ms(at);
            }
            "notice-of-registration" => {
                let commenced = case
                    .commencement_date
                    .clone()
                    .ok_or_else(|| not_yet(kind, "the case is registered"))?;
                let registered = events
                    .iter()
                    .find_map(|(at, e)| {
                        matches!(e, CaseEvent::CaseRegistered { .. }).then(|| date_of_ms(*at))
                    })
                    .unwrap_or_else(|| commenced.clone());
                put("commenced", commenced);
                doc.date = registered;
            }
            "declaration-of-independence" => {
                for (at, e) in &events {
                    if let CaseEvent::AppointmentAccepted {
                        mediator_user_id,
                        declaration,
                    } = e
                    {
                        let name = case
                            .mediators
                            .iter()
                            .find(|m| &m.user_id == mediator_user_id)
                            .map(|m| m.name.clone())
                            .unwrap_or_default();
                        let mut f = BTreeMap::new();
                        f.insert("mediator".to_owned(), name);
                        f.insert("accepted".to_owned(), date_of_ms(*at));
                        doc.sections.push(DocumentSection {
                            facts: f,
                            notes: declaration.disclosures.clone(),
                        });
                        doc.date = date_of_ms(*at);
                    }
                }
                if doc.sections.is_empty() {
                    return Err(not_yet(kind, "a mediator has accepted appointment"));
                }
            }
            "certificate-of-mediation" => {
                let sig = self
                    .recorded_signatures(case_id)
                    .await?
                    .into_iter()
                    .find(|s| s.party.is_none())
                    .ok_or_else(|| {
                        not_yet(kind, "the mediator has countersigned the settlement")
                    })?;
                let m = &sig.manifest;
                let text = |k: &str| m[k].as_str().unwrap_or_default().to_owned();
                let signed_at = text("signed_at");
                let terminated = m["certificate"]["terminated_on"]
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| signed_at.chars().take(10).collect());
                put("mediator", text("signer_name"));
                put(
                    "commenced",
                    case.commencement_date.clone().unwrap_or_default(),
                );
                put("terminated", terminated.clone());
                put("text_hash", text("text_hash"));
                put("signed_at", signed_at.clone());
                put("public_key", sig.evidence.public_key.clone());
                doc.signatures.push(DocumentSignature {
                    name: text("signer_name"),
                    capacity: "Mediator".into(),
                    signed_at,
                });
                doc.date = terminated;
            }
            "attestation" => {
                let (_, _, document, _) = self
                    .attestation_event(case_id)
                    .await?
                    .ok_or_else(|| not_yet(kind, "the Secretariat has issued the attestation"))?;
                let a: serde_json::Value = serde_json::from_str(&document)
                    .map_err(|e| AppError::Storage(e.to_string()))?;
                let text = |k: &str| a[k].as_str().unwrap_or_default().to_owned();
                let issued: String = text("issued_at").chars().take(10).collect();
                let mediators: Vec<String> = a["mediators"]
                    .as_array()
                    .map(|m| {
                        m.iter()
                            .filter_map(|x| x.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                put("text_hash", text("text_hash"));
                put("mediators", join(&mediators));
                put("verification_id", text("verification_id"));
                put(
                    "verify_url",
                    format!("{}/verify", self.settings.public_url.trim_end_matches('/')),
                );
                put("issued", issued.clone());
                put("institution_key", text("institution_key"));
                doc.date = issued;
            }
            "termination-record" => {
                let (ground, effective) = match case.state {
                    CaseState::Terminated { ground, effective } => (ground, effective),
                    _ => events
                        .iter()
                        .rev()
                        .find_map(|(_, e)| match e {
                            CaseEvent::MediationTerminated { ground, effective } => {
                                Some((*ground, *effective))
                            }
                            _ => None,
                        })
                        .ok_or_else(|| not_yet(kind, "the mediation has terminated"))?,
                };
                let ground = serde_json::to_value(ground)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                // A partial settlement's record names the issues that remain unsettled.
                if ground == "partially-settled" {
                    let unsettled = case
                        .settlement
                        .as_ref()
                        .map(|s| s.unsettled_issues.join("; "))
                        .unwrap_or_default();
                    put("unsettled_issues", unsettled);
                }
                put("ground", ground);
                put("effective", utc_date(effective));
                doc.date = utc_date(effective);
                let mut last_signature = None;
                for (at, e) in &events {
                    let step = match e {
                        CaseEvent::RequestFiled { .. } => "filed",
                        CaseEvent::CaseRegistered { .. } => "registered",
                        CaseEvent::FileTransmitted {} | CaseEvent::AppointmentConfirmed {} => {
                            "appointed"
                        }
                        CaseEvent::FirstSessionHeld { .. } => "first-session",
                        CaseEvent::SettlementSigned { .. } => {
                            last_signature = Some(date_of_ms(*at));
                            continue;
                        }
                        CaseEvent::SettlementCountersigned { .. } => "countersigned",
                        CaseEvent::MediationTerminated { .. } => "terminated",
                        _ => continue,
                    };
                    if step == "countersigned"
                        && let Some(d) = last_signature.take()
                    {
                        doc.steps.push(("settlement-signed".into(), d));
                    }
                    doc.steps.push((step.to_owned(), date_of_ms(*at)));
                }
            }
            _ => {}
        }
        doc.facts = facts;
        Ok(doc)
    }
}
