//! Settlement drafting: versions of the draft (structured terms, free clauses, the text in each
//! language), sealed at rest and without prejudice; the differences between two versions; and the
//! check that the text the parties approve is a version on file.
//!
//! A version's hash — the SHA-256 of its canonical JSON — covers the terms and every language
//! version at once; it is the hash the parties approve, the text freezes on and everyone signs.
//! When the parties accepted a package in a negotiation and the draft names none, the latest
//! agreed package is written into the terms; likewise the latest price a blind bidding settled
//! at. Reads of drafts are in the access log
//! (`without-prejudice`).

use accord_domain::policy::Action;
use accord_domain::settlement::SettlementDraft;
use accord_domain::{Actor, Case, CaseState, Command};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ports::{AccessRecord, DraftRecord, StoreError};
use crate::{Accord, AppError};

/// A version as listed.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct DraftVersionView {
    /// Version, from 1.
    pub version: i64,
    /// The hash to approve and sign.
    pub text_hash: String,
    /// Who put it.
    pub author: String,
    /// When (RFC 3339).
    pub created_at: String,
    /// Without prejudice until the parties approve its hash.
    pub without_prejudice: bool,
}

/// A version with its content.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct DraftView {
    /// Its listing.
    #[serde(flatten)]
    pub meta: DraftVersionView,
    /// The version's content, unsealed: structured terms, free clauses, the text in each language.
    pub draft: SettlementDraft,
    /// The exact bytes hashed (canonical JSON).
    pub canonical: String,
}

/// The differences between two versions, as a unified diff of their readable renderings.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct DraftDiffView {
    /// The older version.
    pub from: i64,
    /// The newer version.
    pub to: i64,
    /// Unified diff (lines starting `-` were removed, `+` added).
    pub diff: String,
}

fn aad(case_id: &str, version: i64) -> Vec<u8> {
    format!("accord-v1:{case_id}:settlement-draft:{version}").into_bytes()
}

/// The canonical bytes and hash of a draft.
pub fn canonical_draft(d: &SettlementDraft) -> Result<(String, String), AppError> {
    let v = serde_json::to_value(d).map_err(|e| AppError::Storage(e.to_string()))?;
    let text = accord_evidence::canonical_json(&v)
        .map_err(|e| AppError::Storage(format!("draft: {e}")))?;
    let hash = hex::encode(Sha256::digest(text.as_bytes()));
    Ok((text, hash))
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

impl Accord {
    pub(crate) async fn case_for(
        &self,
        actor: &Actor,
        case_id: &str,
        action: &Action,
        object: &str,
    ) -> Result<Case, AppError> {
        let case = self.existing_case(case_id).await?;
        self.authorize(actor, action, &case, object).await?;
        Ok(case)
    }

    fn version_view(&self, case: &Case, r: &DraftRecord) -> DraftVersionView {
        let approved = case
            .settlement
            .as_ref()
            .and_then(|s| s.frozen_hash.as_deref())
            == Some(r.text_hash.as_str());
        DraftVersionView {
            version: r.version,
            text_hash: r.text_hash.clone(),
            author: r.author.clone(),
            created_at: rfc3339(r.created_at_ms),
            without_prejudice: !approved,
        }
    }

    pub(crate) async fn open_draft(&self, r: &DraftRecord) -> Result<SettlementDraft, AppError> {
        let key = self.data_key(&r.case_id).await?;
        let plain = key
            .open(&aad(&r.case_id, r.version), &r.body)
            .map_err(|e| AppError::from_key("draft", &format!("version {}", r.version), e))?;
        serde_json::from_slice(&plain)
            .map_err(|e| AppError::integrity("draft", format!("version {}: {e}", r.version)))
    }

    async fn audit_draft_read(
        &self,
        actor: &Actor,
        case_id: &str,
        what: String,
    ) -> Result<(), AppError> {
        self.store
            .log_access(&[AccessRecord {
                id: Accord::new_id(),
                at_ms: self.clock.now().as_millisecond(),
                user_id: actor.user_id().unwrap_or("system").to_owned(),
                case_id: case_id.to_owned(),
                object: what,
                kind: "without-prejudice".into(),
            }])
            .await?;
        Ok(())
    }

    /// Puts a new version of the settlement draft (while the settlement is being drafted).
    pub async fn put_draft(
        &self,
        actor: &Actor,
        case_id: &str,
        mut draft: SettlementDraft,
    ) -> Result<DraftVersionView, AppError> {
        let case = self
            .case_for(actor, case_id, &Action::DraftSettlement, "settlement")
            .await?;
        if case.state != CaseState::SettlementDrafting {
            return Err(AppError::invalid(
                "not-drafting",
                format!(
                    "drafts are put while the settlement is drafted; the case is {}",
                    case.state.name()
                ),
            ));
        }
        if draft.terms.negotiated_package.is_none() {
            draft.terms.negotiated_package = case
                .negotiations
                .iter()
                .rev()
                .find_map(|n| n.agreed_package().cloned());
        }
        if draft.terms.bidding_settlement.is_none() {
            draft.terms.bidding_settlement = case
                .blind_biddings
                .iter()
                .rev()
                .find_map(accord_domain::settlement::BiddingSettlement::of);
        }
        draft.validate(&case)?;
        let (_, hash) = canonical_draft(&draft)?;
        let plain = serde_json::to_vec(&draft).map_err(|e| AppError::Storage(e.to_string()))?;
        let key = self.data_key(case_id).await?;
        for _ in 0..8 {
            let version = self
                .store
                .drafts(case_id)
                .await?
                .last()
                .map_or(1, |d| d.version + 1);
            let rec = DraftRecord {
                case_id: case_id.to_owned(),
                version,
                author: actor.user_id().unwrap_or("system").to_owned(),
                created_at_ms: self.clock.now().as_millisecond(),
                text_hash: hash.clone(),
                body: key
                    .seal(&aad(case_id, version), &plain)
                    .map_err(|e| AppError::Storage(e.to_string()))?,
            };
            match self.store.put_draft(&rec).await {
                Ok(()) => return Ok(self.version_view(&case, &rec)),
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::VersionConflict { current: None })
    }

    /// The versions of a case's draft.
    pub async fn drafts(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<Vec<DraftVersionView>, AppError> {
        let case = self
            .case_for(actor, case_id, &Action::ViewCase, "settlement")
            .await?;
        Ok(self
            .store
            .drafts(case_id)
            .await?
            .iter()
            .map(|r| self.version_view(&case, r))
            .collect())
    }

    async fn draft_record(&self, case_id: &str, version: i64) -> Result<DraftRecord, AppError> {
        self.store
            .drafts(case_id)
            .await?
            .into_iter()
            .find(|d| d.version == version)
            .ok_or(AppError::NotFound { what: "draft" })
    }

    /// One version with its content.
    pub async fn draft(
        &self,
        actor: &Actor,
        case_id: &str,
        version: i64,
    ) -> Result<DraftView, AppError> {
        let case = self
            .case_for(actor, case_id, &Action::ViewCase, "settlement")
            .await?;
        let r = self.draft_record(case_id, version).await?;
        let draft = self.open_draft(&r).await?;
        let (canonical, _) = canonical_draft(&draft)?;
        self.audit_draft_read(actor, case_id, format!("draft:{version}"))
            .await?;
        Ok(DraftView {
            meta: self.version_view(&case, &r),
            draft,
            canonical,
        })
    }

    /// The differences between two versions.
    pub async fn draft_diff(
        &self,
        actor: &Actor,
        case_id: &str,
        from: i64,
        to: i64,
    ) -> Result<DraftDiffView, AppError> {
        self.case_for(actor, case_id, &Action::ViewCase, "settlement")
            .await?;
        let a = self
            .open_draft(&self.draft_record(case_id, from).await?)
            .await?;
        let b = self
            .open_draft(&self.draft_record(case_id, to).await?)
            .await?;
        let (ra, rb) = (a.render(), b.render());
        let diff = similar::TextDiff::from_lines(&ra, &rb)
            .unified_diff()
            .context_radius(2)
            .header(&format!("version {from}"), &format!("version {to}"))
            .to_string();
        self.audit_draft_read(actor, case_id, format!("draft-diff:{from}:{to}"))
            .await?;
        Ok(DraftDiffView { from, to, diff })
    }

    /// Before a party approves a final text, the hash must be a version on file.
    pub(crate) async fn check_final_text(
        &self,
        case: &Case,
        cmd: &Command,
    ) -> Result<(), AppError> {
        let Command::ApproveFinalText { text_hash, .. } = cmd else {
            return Ok(());
        };
        // A malformed hash, or the wrong stage, is the domain's to refuse with its own code.
        let well_formed = text_hash.len() == 64
            && text_hash
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if case.state != CaseState::SettlementDrafting || !well_formed {
            return Ok(());
        }
        let on_file = self
            .store
            .drafts(&case.id)
            .await?
            .iter()
            .any(|d| &d.text_hash == text_hash);
        if on_file {
            Ok(())
        } else {
            Err(AppError::invalid(
                "unknown-text-hash",
                "no version of the settlement draft has this hash; approve the hash of a version \
                 listed under the case's settlement drafts",
            ))
        }
    }
}

/// What the settlement agreement document shows (`rendering` lays it out as a PDF).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementDocument {
    /// Case reference.
    pub reference: String,
    /// Date of the frozen text (the approval), YYYY-MM-DD.
    pub date: String,
    /// Parties with their places of business.
    pub parties: Vec<String>,
    /// The language version's text, paragraph by paragraph.
    pub paragraphs: Vec<String>,
    /// Signatures so far: (name, capacity, signed at).
    pub signatures: Vec<(String, String, String)>,
    /// The signed hash.
    pub text_hash: String,
    /// The structured terms as facts: `governing_law`, `dispute_clause`, `confidentiality`,
    /// `permitted_disclosure`, `singapore` (`yes` or `no`), `languages` (codes, space-separated),
    /// `authoritative` (a code).
    pub facts: std::collections::BTreeMap<String, String>,
    /// Each obligation: `party` (name), `description`, and `amount`, `currency`, `due` if set.
    pub obligations: Vec<std::collections::BTreeMap<String, String>>,
    /// Further clauses, as written.
    pub clauses: Vec<String>,
}

impl Accord {
    /// The frozen settlement text in one language, with the signatures given so far.
    pub async fn agreement_document(
        &self,
        actor: &Actor,
        case_id: &str,
        language: &str,
    ) -> Result<AgreementDocument, AppError> {
        let case = self
            .case_for(
                actor,
                case_id,
                &Action::DownloadEnforcementPackage,
                "settlement-agreement",
            )
            .await?;
        let Some(text_hash) = case.settlement.as_ref().and_then(|s| s.frozen_hash.clone()) else {
            return Err(AppError::invalid(
                "no-frozen-text",
                "the agreement is rendered once every party has approved its final text",
            ));
        };
        let record = self
            .store
            .drafts(case_id)
            .await?
            .into_iter()
            .find(|d| d.text_hash == text_hash)
            .ok_or_else(|| AppError::integrity("draft", "the frozen version is missing"))?;
        let draft = self.open_draft(&record).await?;
        let version = draft
            .versions
            .iter()
            .find(|v| v.language == language)
            .ok_or(AppError::NotFound {
                what: "language version",
            })?;
        let parties = draft
            .terms
            .parties
            .iter()
            .map(|p| {
                let name = case
                    .party(&p.party)
                    .map(|x| x.name.clone())
                    .unwrap_or_else(|| p.party.clone());
                match &p.place_of_business {
                    Some(place) => format!("{name} — {place}"),
                    None => name,
                }
            })
            .collect();
        let paragraphs = version
            .text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        let signatures = self
            .recorded_signatures(case_id)
            .await?
            .into_iter()
            .map(|sig| {
                let m = &sig.manifest;
                let capacity = match sig.party {
                    None => "Mediator".to_owned(),
                    Some(_) => m["party_name"].as_str().unwrap_or_default().to_owned(),
                };
                (
                    m["signer_name"].as_str().unwrap_or_default().to_owned(),
                    capacity,
                    m["signed_at"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let t = &draft.terms;
        let mut facts = std::collections::BTreeMap::new();
        for (k, v) in [
            ("governing_law", t.governing_law.clone()),
            ("dispute_clause", t.dispute_clause.clone()),
            ("confidentiality", t.confidentiality.clone()),
            ("permitted_disclosure", t.permitted_disclosure.clone()),
            (
                "singapore",
                if t.singapore_convention { "yes" } else { "no" }.to_owned(),
            ),
            (
                "languages",
                draft
                    .versions
                    .iter()
                    .map(|v| v.language.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            ("authoritative", t.authoritative_language.clone()),
            (
                "equally_authentic",
                if t.equally_authentic { "yes" } else { "no" }.to_owned(),
            ),
        ] {
            facts.insert(k.to_owned(), v);
        }
        // A settlement outside the Convention's scope says why it does not apply.
        let outside = case.outside_convention();
        if !outside.is_empty() {
            facts.insert("outside_convention".into(), outside.join("; "));
        }
        // A partial settlement says which issues it settles and which remain.
        if let Some(progress) = &case.settlement {
            if !progress.settled_issues.is_empty() {
                facts.insert("settled_issues".into(), progress.settled_issues.join("; "));
            }
            if !progress.unsettled_issues.is_empty() {
                facts.insert(
                    "unsettled_issues".into(),
                    progress.unsettled_issues.join("; "),
                );
            }
        }
        let obligations = t
            .obligations
            .iter()
            .map(|o| {
                let mut f = std::collections::BTreeMap::new();
                let party = case
                    .party(&o.performing_party)
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| o.performing_party.clone());
                f.insert("party".to_owned(), party);
                f.insert("description".to_owned(), o.description.clone());
                if let (Some(a), Some(c)) = (&o.amount, &o.currency) {
                    f.insert("amount".to_owned(), a.clone());
                    f.insert("currency".to_owned(), c.clone());
                }
                if let Some(d) = &o.due_date {
                    f.insert("due".to_owned(), d.clone());
                }
                f
            })
            .collect();
        Ok(AgreementDocument {
            facts,
            obligations,
            clauses: draft.free_clauses.clone(),
            reference: case.reference.clone(),
            date: accord_domain::deadline::utc_date(
                jiff::Timestamp::from_millisecond(record.created_at_ms).unwrap_or_default(),
            ),
            parties,
            paragraphs,
            signatures,
            text_hash,
        })
    }
}
