//! The institution's attestation that a settlement resulted from mediation it administered
//! (Singapore Convention Art. 4(1)(b)(iii); document D22), and its public verification.
//!
//! The attestation is canonical JSON naming the case, the parties, the mediators, the frozen
//! text's hash and every signature (signer, time, public key, hash of the signed manifest), signed
//! with the institution's Ed25519 key and recorded as a case event. Its verification id is random
//! (128 bits) and indexed, so anyone holding the id and a document can ask whether the document's
//! SHA-256 is the attested settlement text or the attestation itself — and learn nothing else: an
//! unknown id and a wrong hash get the same answer.

use accord_domain::policy::{self, Action};
use accord_domain::{Actor, CaseEvent, decide};
use ed25519_dalek::Signer;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::ports::AttestationRecord;
use crate::{Accord, AppError};

/// An attestation as the case's participants see it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct AttestationView {
    /// The public verification id.
    pub verification_id: String,
    /// SHA-256 of the settlement's final text.
    pub text_hash: String,
    /// The attestation, canonical JSON.
    pub document: String,
    /// SHA-256 of the document (hex).
    pub document_sha256: String,
    /// The institution's Ed25519 signature over the document (hex).
    pub signature: String,
    /// The institution's public key (hex).
    pub public_key: String,
}

/// The answer of the public verification endpoint.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct PublicVerification {
    /// The hash is the attested settlement text's, or the attestation's.
    #[serde(rename = "match")]
    pub matches: bool,
    /// Which document matched: `settlement-agreement` or `attestation`.
    pub document: Option<String>,
    /// The date of the attestation (UTC), when matched.
    pub issued_on: Option<String>,
}

/// A verification ID or hash as a person pastes it: without surrounding spaces and without the
/// invisible characters that copying from a PDF or a web page brings along (bidirectional
/// controls and isolates, zero-width characters, byte-order marks).
pub fn clean_code(s: &str) -> String {
    s.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'
                )
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn new_verification_id() -> Result<String, AppError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| AppError::Storage(format!("no randomness: {e}")))?;
    let h = hex::encode_upper(b);
    Ok(format!(
        "{}-{}-{}-{}",
        &h[0..8],
        &h[8..16],
        &h[16..24],
        &h[24..32]
    ))
}

impl Accord {
    /// The attestation event of a case, if issued.
    pub(crate) async fn attestation_event(
        &self,
        case_id: &str,
    ) -> Result<Option<(String, String, String, String)>, AppError> {
        for r in self.store.events(case_id).await?.iter().rev() {
            if r.kind != "attestation-issued" {
                continue;
            }
            if let Ok(CaseEvent::AttestationIssued {
                verification_id,
                text_hash,
                document,
                signature,
            }) = serde_json::from_str::<CaseEvent>(&r.payload)
            {
                return Ok(Some((verification_id, text_hash, document, signature)));
            }
        }
        Ok(None)
    }

    async fn attestation_view(
        &self,
        (verification_id, text_hash, document, signature): (String, String, String, String),
    ) -> Result<AttestationView, AppError> {
        let key = self.institution_key().await?.verifying_key();
        Ok(AttestationView {
            document_sha256: sha256_hex(document.as_bytes()),
            verification_id,
            text_hash,
            document,
            signature,
            public_key: hex::encode(key.as_bytes()),
        })
    }

    async fn index_attestation(&self, case_id: &str, v: &AttestationView) -> Result<(), AppError> {
        self.store
            .put_attestation(&AttestationRecord {
                verification_id: v.verification_id.clone(),
                case_id: case_id.to_owned(),
                text_hash: v.text_hash.clone(),
                document_sha256: v.document_sha256.clone(),
                issued_at_ms: self.clock.now().as_millisecond(),
            })
            .await?;
        Ok(())
    }

    /// The Secretariat issues the attestation of a signed settlement (once; asking again returns
    /// the one issued).
    pub async fn issue_attestation(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<AttestationView, AppError> {
        for _ in 0..=self.settings.append_retries {
            let loaded = self
                .load_case(case_id)
                .await?
                .ok_or(AppError::NotFound { what: "case" })?;
            policy::authorize(actor, &Action::Administer, &loaded.case)
                .map_err(crate::cases::denial)?;
            if loaded.case.attestation.is_some()
                && let Some(found) = self.attestation_event(case_id).await?
            {
                let v = self.attestation_view(found).await?;
                self.index_attestation(case_id, &v).await?;
                return Ok(v);
            }
            let case = &loaded.case;
            let now = self.clock.now();
            let verification_id = new_verification_id()?;
            let key = self.institution_key().await?;
            let mut signatures = vec![];
            for sig in self.recorded_signatures(case_id).await? {
                let (m, e) = (&sig.manifest, &sig.evidence);
                let mut entry = json!({
                    "role": if sig.party.is_some() { "party" } else { "mediator" },
                    "signer_name": m["signer_name"],
                    "signed_at": m["signed_at"],
                    "public_key": e.public_key,
                    "manifest_sha256": sha256_hex(e.manifest.as_bytes()),
                    "signature": e.signature,
                });
                if let Some(p) = &sig.party {
                    entry["party"] = json!(p);
                }
                signatures.push(entry);
            }
            let text_hash = case.signed_settlement().unwrap_or_default().to_owned();
            let settled_on = match case.state {
                accord_domain::CaseState::Terminated { effective, .. } => {
                    accord_domain::deadline::utc_date(effective)
                }
                _ => accord_domain::deadline::utc_date(now),
            };
            let document = json!({
                "type": "accord-attestation-v1",
                "verification_id": verification_id,
                "case_reference": case.reference,
                "dispute_type": case.dispute_type,
                "parties": case.active_parties().map(|p| json!({"id": p.id, "name": p.name})).collect::<Vec<_>>(),
                "mediators": case.mediators.iter().map(|m| m.name.clone()).collect::<Vec<_>>(),
                "text_hash": text_hash,
                "signatures": signatures,
                "settled_on": settled_on,
                "issued_at": now.to_string(),
                "institution_key": hex::encode(key.verifying_key().as_bytes()),
                "statement": format!(
                    "The administering institution attests that the settlement agreement whose \
                     final text has SHA-256 {text_hash} resulted from the mediation it administered \
                     in case {}, and was signed by the parties and the mediator as listed.",
                    case.reference
                ),
            });
            let document = accord_evidence::canonical_json(&document)
                .map_err(|e| AppError::Storage(format!("attestation: {e}")))?;
            let signature = hex::encode(key.sign(document.as_bytes()).to_bytes());
            let decided = decide::issue_attestation(case, &verification_id, &document, &signature)?;
            match self
                .commit(actor, Some(&loaded), case_id, &decided, now)
                .await
            {
                Ok(_) => {
                    let v = self
                        .attestation_view((verification_id, text_hash, document, signature))
                        .await?;
                    self.index_attestation(case_id, &v).await?;
                    return Ok(v);
                }
                Err(AppError::VersionConflict { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(AppError::VersionConflict { current: None })
    }

    /// A case's attestation, for those who see the case.
    pub async fn attestation(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<AttestationView, AppError> {
        let loaded = self
            .load_case(case_id)
            .await?
            .ok_or(AppError::NotFound { what: "case" })?;
        self.authorize(actor, &Action::ViewCaseRecord, &loaded.case, "attestation")
            .await
            .map_err(|e| match e {
                AppError::Forbidden => AppError::NotFound { what: "case" },
                other => other,
            })?;
        let found = self
            .attestation_event(case_id)
            .await?
            .ok_or(AppError::NotFound {
                what: "attestation",
            })?;
        self.attestation_view(found).await
    }

    /// The recorded files of the enforcement package (`enforcement` adds the laid-out
    /// documents, zips and signs them), and the index's metadata. Needs an issued attestation;
    /// the export is written to the access log.
    pub(crate) async fn enforcement_package_files(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<(Vec<(String, Vec<u8>)>, serde_json::Value), AppError> {
        let loaded = self
            .load_case(case_id)
            .await?
            .ok_or(AppError::NotFound { what: "case" })?;
        let case = &loaded.case;
        policy::authorize(actor, &Action::DownloadEnforcementPackage, case)
            .map_err(crate::cases::denial)?;
        let Some((verification_id, text_hash, document, signature)) =
            self.attestation_event(case_id).await?
        else {
            return Err(AppError::invalid(
                "no-attestation",
                "the package is made once the Secretariat has issued the attestation",
            ));
        };
        let record = self
            .store
            .drafts(case_id)
            .await?
            .into_iter()
            .find(|d| d.text_hash == text_hash)
            .ok_or_else(|| AppError::integrity("draft", "the signed version is missing"))?;
        let draft = self.open_draft(&record).await?;
        let (canonical, hash) = crate::settlement::canonical_draft(&draft)?;
        if hash != text_hash {
            return Err(AppError::integrity(
                "draft",
                "the signed version does not match its hash",
            ));
        }
        let mut files: Vec<(String, Vec<u8>)> =
            vec![("agreement/settlement.json".into(), canonical.into_bytes())];
        for v in &draft.versions {
            files.push((
                format!("agreement/text-{}.txt", v.language),
                v.text.clone().into_bytes(),
            ));
        }
        for (n, sig) in self.recorded_signatures(case_id).await?.iter().enumerate() {
            let e = &sig.evidence;
            let j = json!({"manifest": e.manifest, "public_key": e.public_key, "signature": e.signature});
            let text = accord_evidence::canonical_json(&j)
                .map_err(|e| AppError::Storage(e.to_string()))?;
            files.push((
                format!("evidence/signature-{}.json", n + 1),
                text.into_bytes(),
            ));
        }
        let mut log = vec![];
        for r in self.store.events(case_id).await? {
            // The case chain's events, less what is without prejudice (the one decision of the
            // domain, as exports for other proceedings apply it).
            let shared = r.visibility == "case";
            if shared && !CaseEvent::payload_is_without_prejudice(&r.payload) {
                log.push(json!({
                    "case_id": r.case_id, "format": r.format.number(), "seq": r.seq,
                    "event_id": r.event_id,
                    "recorded_at_ms": r.recorded_at_ms, "actor": r.actor, "kind": r.kind,
                    "rule_basis": r.rule_basis, "visibility": r.visibility,
                    "payload": r.payload, "prev_hash": r.prev_hash, "hash": r.hash,
                }));
            }
        }
        let log = accord_evidence::canonical_json(&serde_json::Value::Array(log))
            .map_err(|e| AppError::Storage(e.to_string()))?;
        files.push(("case-log.json".into(), log.into_bytes()));
        files.push(("attestation/attestation.json".into(), document.into_bytes()));
        files.push(("attestation/attestation.sig".into(), signature.into_bytes()));
        self.store
            .log_access(&[crate::ports::AccessRecord {
                id: Accord::new_id(),
                at_ms: self.clock.now().as_millisecond(),
                user_id: actor.user_id().unwrap_or("system").to_owned(),
                case_id: case_id.to_owned(),
                object: "enforcement-package".into(),
                kind: "export".into(),
            }])
            .await?;
        let meta = json!({"case_reference": case.reference, "verification_id": verification_id});
        Ok((files, meta))
    }

    /// The public check: is this SHA-256 the attested settlement text's or the attestation's?
    pub async fn verify_publicly(
        &self,
        verification_id: &str,
        sha256: &str,
    ) -> Result<PublicVerification, AppError> {
        let hash = clean_code(sha256).to_ascii_lowercase();
        let verification_id = clean_code(verification_id);
        let verification_id = verification_id.as_str();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::invalid(
                "invalid-hash",
                "give the document's SHA-256 as 64 hexadecimal digits",
            ));
        }
        let none = PublicVerification {
            matches: false,
            document: None,
            issued_on: None,
        };
        if verification_id.len() > 64 {
            return Ok(none);
        }
        let Some(a) = self.store.attestation(verification_id).await? else {
            return Ok(none);
        };
        let document = if hash == a.text_hash {
            "settlement-agreement"
        } else if hash == a.document_sha256 {
            "attestation"
        } else {
            return Ok(none);
        };
        Ok(PublicVerification {
            matches: true,
            document: Some(document.into()),
            issued_on: jiff::Timestamp::from_millisecond(a.issued_at_ms)
                .ok()
                .map(accord_domain::deadline::utc_date),
        })
    }
}
