//! Electronic signatures on the settlement: each signer's Ed25519 key is held for them (created on
//! first use, sealed under the master key, never stored in clear) and signs a manifest that names
//! the frozen text's hash, the case, the signer, the authority relied on, the method, the time and
//! an intent statement. The manifest, public key and signature go into the `settlement-signed` (or
//! `settlement-countersigned`) event itself, so the evidence is hash-chained and in the
//! transparency log with the fact it proves. The web layer requires a fresh re-authentication
//! (password and second factor) before either act.

use accord_domain::event::SignatureEvidence;
use accord_domain::{Actor, Case, CaseEvent, Command};
use ed25519_dalek::Signer;
use serde_json::json;

use crate::{Accord, AppError};

/// How signatures are made, as stated in every manifest.
pub const METHOD: &str = "Accord platform signature: Ed25519 key held for the signer, used after \
                          re-authentication with password and second factor";

/// Verifies signature evidence on its own terms: the signature over the manifest by the key.
pub fn verify_evidence(e: &SignatureEvidence) -> bool {
    let key = hex::decode(&e.public_key)
        .ok()
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .and_then(|k| ed25519_dalek::VerifyingKey::from_bytes(&k).ok());
    let sig = hex::decode(&e.signature)
        .ok()
        .and_then(|s| ed25519_dalek::Signature::from_slice(&s).ok());
    match (key, sig) {
        (Some(k), Some(s)) => k.verify_strict(e.manifest.as_bytes(), &s).is_ok(),
        _ => false,
    }
}

/// A signature found in a case's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedSignature {
    /// The party signed for; `None` for the mediator's countersignature.
    pub party: Option<String>,
    /// The manifest, public key and signature as logged, checkable with [`verify_evidence`].
    pub evidence: SignatureEvidence,
    /// The manifest, parsed.
    pub manifest: serde_json::Value,
}

impl Accord {
    /// The settlement signatures (with evidence) in a case's log, in order.
    pub(crate) async fn recorded_signatures(
        &self,
        case_id: &str,
    ) -> Result<Vec<RecordedSignature>, AppError> {
        let mut out = vec![];
        for r in self.store.events(case_id).await? {
            let (party, evidence) = match serde_json::from_str::<CaseEvent>(&r.payload) {
                Ok(CaseEvent::SettlementSigned {
                    party,
                    evidence: Some(e),
                    ..
                }) => (Some(party), e),
                Ok(CaseEvent::SettlementCountersigned {
                    evidence: Some(e), ..
                }) => (None, e),
                _ => continue,
            };
            let manifest = serde_json::from_str(&evidence.manifest).unwrap_or_default();
            out.push(RecordedSignature {
                party,
                evidence,
                manifest,
            });
        }
        Ok(out)
    }

    /// Returns the command with signature evidence attached when it is a signature; other
    /// commands are returned unchanged.
    pub(crate) async fn with_signature(
        &self,
        actor: &Actor,
        case: &Case,
        cmd: &Command,
        now: jiff::Timestamp,
    ) -> Result<Command, AppError> {
        let Some(user) = actor.user_id() else {
            return Ok(cmd.clone());
        };
        let (manifest, out) = match cmd {
            Command::SignSettlement {
                party, text_hash, ..
            } => {
                let p = case.party(party);
                let rep = p.and_then(|p| p.representatives.iter().find(|r| r.user_id == user));
                let party_name = p.map(|p| p.name.clone()).unwrap_or_default();
                let manifest = json!({
                    "type": "accord-signature-v1",
                    "role": "party",
                    "case_id": case.id,
                    "case_reference": case.reference,
                    "party": party,
                    "party_name": party_name,
                    "signer_user_id": user,
                    "signer_name": rep.map(|r| r.name.clone()).unwrap_or_default(),
                    "authority_document": rep.and_then(|r| r.authority_document.clone()).unwrap_or_default(),
                    "method": METHOD,
                    "intent": format!(
                        "I sign the settlement agreement whose final text has SHA-256 {text_hash} \
                         on behalf of {party_name}, with authority to bind it, and intend {party_name} \
                         to be bound by its terms."
                    ),
                    "text_hash": text_hash,
                    "signed_at": now.to_string(),
                });
                (manifest, cmd.clone())
            }
            Command::CountersignSettlement { text_hash, .. } => {
                let seat = case.mediators.iter().find(|m| m.user_id == user);
                let manifest = json!({
                    "type": "accord-signature-v1",
                    "role": "mediator",
                    "case_id": case.id,
                    "case_reference": case.reference,
                    "signer_user_id": user,
                    "signer_name": seat.map(|m| m.name.clone()).unwrap_or_default(),
                    "authority_document": format!("appointment as mediator in case {}", case.reference),
                    "method": METHOD,
                    "intent": format!(
                        "As mediator I countersign the settlement agreement whose final text has \
                         SHA-256 {text_hash}, and certify that it resulted from this mediation."
                    ),
                    // The mediator's certificate of mediation (D21) is this signed statement.
                    "certificate": {
                        "commenced_on": case.commencement_date,
                        "terminated_on": accord_domain::deadline::utc_date(now),
                        "parties": case.active_parties().map(|p| p.name.clone()).collect::<Vec<_>>(),
                        "statement": format!(
                            "I certify that the mediation in case {} was carried out under the \
                             administration of the institution, from its commencement on {} to its \
                             termination on {}, and that the settlement agreement whose final text \
                             has SHA-256 {text_hash} resulted from it.",
                            case.reference,
                            case.commencement_date.as_deref().unwrap_or("(not recorded)"),
                            accord_domain::deadline::utc_date(now),
                        ),
                    },
                    "text_hash": text_hash,
                    "signed_at": now.to_string(),
                });
                (manifest, cmd.clone())
            }
            _ => return Ok(cmd.clone()),
        };
        let text = accord_evidence::canonical_json(&manifest)
            .map_err(|e| AppError::Storage(format!("signature manifest: {e}")))?;
        let key = self.signing_key(&format!("signer:{user}")).await?;
        let evidence = SignatureEvidence {
            signature: hex::encode(key.sign(text.as_bytes()).to_bytes()),
            public_key: hex::encode(key.verifying_key().as_bytes()),
            manifest: text,
        };
        Ok(match out {
            Command::SignSettlement {
                party, text_hash, ..
            } => Command::SignSettlement {
                party,
                text_hash,
                evidence: Some(evidence),
            },
            Command::CountersignSettlement { text_hash, .. } => Command::CountersignSettlement {
                text_hash,
                evidence: Some(evidence),
            },
            other => other,
        })
    }
}
