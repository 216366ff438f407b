//! The transparency log: every case event's hash admitted, in order, to an RFC 9162 Merkle tree;
//! signed checkpoints; inclusion and consistency proofs.
//!
//! The per-case hash chain shows that a case's log is internally consistent, but someone with write
//! access to the database could rewrite a case and recompute its chain. A checkpoint signed with the
//! institution key and kept by a party pins the whole history at that moment: a consistency proof
//! from that checkpoint to today exists only if nothing before it was changed, removed or
//! reordered. The sequencer admits new events after they are committed (so appends never wait on a
//! global lock); it runs before every checkpoint and proof.
//!
//! The leaves hold event hashes only, never content. Checkpoints and consistency proofs are open to
//! every signed-in user; an inclusion proof is given for an event the asker may read.

use accord_domain::Visibility;
use accord_domain::policy;
use accord_domain::{Actor, policy::Action};
use accord_evidence::EventRecord;
use accord_evidence::checkpoint::Checkpoint;
use accord_evidence::merkle::{self, Hash};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ports::StoreError;
use crate::{Accord, AppError};

/// The institution key's name in checkpoints.
pub const KEY_NAME: &str = "accord-institution";

/// Events admitted per sequencer batch.
const SEQUENCE_BATCH: i64 = 10_000;

/// A signed checkpoint and what is needed to check it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct CheckpointView {
    /// The log's origin line.
    pub origin: String,
    /// Entries in the tree.
    pub size: u64,
    /// Root hash (hex).
    pub root: String,
    /// The signed note (keep it: later consistency proofs start from it).
    pub note: String,
    /// The signing key's name.
    pub key_name: String,
    /// The institution's Ed25519 public key (hex).
    pub public_key: String,
}

/// The institution's public key.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct LogKeyView {
    /// The log's origin line.
    pub origin: String,
    /// The key's name in checkpoints.
    pub key_name: String,
    /// Ed25519 public key (hex).
    pub public_key: String,
}

/// Proof that an event is in the tree of a given size.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct InclusionView {
    /// The case's id (UUIDv7, as in its URL).
    pub case_id: String,
    /// The event's id (as the events list gives it).
    pub event_id: String,
    /// The event's position in its chain (as the events list gives it).
    pub seq: i64,
    /// The event's hash (hex): the leaf's content.
    pub event_hash: String,
    /// The leaf's index in the log.
    pub leaf_index: u64,
    /// The tree size the proof is for.
    pub tree_size: u64,
    /// That tree's root (hex).
    pub root: String,
    /// The audit path (hex), RFC 9162 §2.1.3.
    pub proof: Vec<String>,
}

/// Proof that the tree of one size is a prefix of a larger one.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct ConsistencyView {
    /// The older size.
    pub from_size: u64,
    /// The newer size.
    pub to_size: u64,
    /// Root of the older tree (hex).
    pub from_root: String,
    /// Root of the newer tree (hex).
    pub to_root: String,
    /// The proof (hex), RFC 9162 §2.1.4.
    pub proof: Vec<String>,
}

/// The origin line: names the log by its key, so two deployments never share one.
pub fn origin(key: &VerifyingKey) -> String {
    let d = Sha256::digest(key.as_bytes());
    format!("accord-log/{}", hex::encode(&d[..8]))
}

fn bad_hash(h: &str) -> AppError {
    AppError::integrity("log entry", format!("'{h}' is not a SHA-256 hash"))
}

fn leaf_of(event_hash: &str) -> Result<Hash, AppError> {
    let bytes = hex::decode(event_hash).map_err(|_| bad_hash(event_hash))?;
    Ok(merkle::leaf_hash(&bytes))
}

fn hexes(v: &[Hash]) -> Vec<String> {
    v.iter().map(hex::encode).collect()
}

impl Accord {
    /// The institution's signing key, created (and sealed under the master key) on first use.
    pub async fn institution_key(&self) -> Result<SigningKey, AppError> {
        self.signing_key(KEY_NAME).await
    }

    /// A named Ed25519 key (the institution's, or a signer's `signer:<user id>`), created on
    /// first use; its secret is stored only sealed under the master key.
    pub(crate) async fn signing_key(&self, name: &str) -> Result<SigningKey, AppError> {
        let context = format!("signing-key:{name}");
        let context = context.as_str();
        let stored = match self.store.institution_key(name).await? {
            Some(k) => k,
            None => {
                let mut seed = [0u8; 32];
                getrandom::fill(&mut seed)
                    .map_err(|e| AppError::Storage(format!("no randomness: {e}")))?;
                let key = SigningKey::from_bytes(&seed);
                let sealed = self
                    .keys_master()
                    .seal_secret(context, &seed)
                    .map_err(|e| AppError::Storage(e.to_string()))?;
                self.store
                    .put_institution_key(
                        name,
                        key.verifying_key().as_bytes(),
                        &sealed,
                        self.clock.now().as_millisecond(),
                    )
                    .await?
            }
        };
        let seed = self
            .keys_master()
            .open_secret(context, &stored.1)
            .map_err(|e| AppError::Storage(format!("signing key {name}: {e}")))?;
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| AppError::Storage(format!("signing key {name} has the wrong length")))?;
        let key = SigningKey::from_bytes(&seed);
        if key.verifying_key().as_bytes()[..] != stored.0[..] {
            return Err(AppError::Storage(format!(
                "signing key {name} does not match its public key"
            )));
        }
        Ok(key)
    }

    /// Admits every committed event not yet in the log; returns how many were admitted.
    pub async fn sequence_log(&self) -> Result<u64, AppError> {
        let mut admitted = 0u64;
        for _ in 0..1000 {
            let pending = self.store.unlogged_events(SEQUENCE_BATCH).await?;
            if pending.is_empty() {
                break;
            }
            let size = self.store.log_size().await?;
            match self.store.append_log_entries(size, &pending).await {
                Ok(()) => admitted += pending.len() as u64,
                // Another sequencer got there first: look again.
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(admitted)
    }

    async fn leaves(&self, size: i64) -> Result<Vec<Hash>, AppError> {
        self.store
            .log_hashes(0, size)
            .await?
            .iter()
            .map(|h| leaf_of(h))
            .collect()
    }

    /// The institution's log key (public).
    pub async fn log_key(&self) -> Result<LogKeyView, AppError> {
        let key = self.institution_key().await?.verifying_key();
        Ok(LogKeyView {
            origin: origin(&key),
            key_name: KEY_NAME.into(),
            public_key: hex::encode(key.as_bytes()),
        })
    }

    /// A checkpoint of the whole log, signed with the institution key.
    pub async fn checkpoint(&self, actor: &Actor) -> Result<CheckpointView, AppError> {
        if !policy::can_read_transparency_log(actor) {
            return Err(AppError::Forbidden);
        }
        self.sequence_log().await?;
        let size = self.store.log_size().await?;
        let leaves = self.leaves(size).await?;
        let key = self.institution_key().await?;
        let cp = Checkpoint {
            origin: origin(&key.verifying_key()),
            size: leaves.len() as u64,
            root: merkle::root(&leaves),
        };
        Ok(CheckpointView {
            note: cp.sign(KEY_NAME, &key),
            origin: cp.origin,
            size: cp.size,
            root: hex::encode(cp.root),
            key_name: KEY_NAME.into(),
            public_key: hex::encode(key.verifying_key().as_bytes()),
        })
    }

    /// Proof that a case event, named by its id, is in the log (at its current size, or at
    /// `size`). An event the actor may not read answers as a missing one.
    pub async fn inclusion_proof(
        &self,
        actor: &Actor,
        case_id: &str,
        event_id: &str,
        size: Option<u64>,
    ) -> Result<InclusionView, AppError> {
        let loaded = self
            .load_case(case_id)
            .await?
            .ok_or(AppError::NotFound { what: "case" })?;
        self.authorize(
            actor,
            &Action::ViewCaseRecord,
            &loaded.case,
            &format!("inclusion:{event_id}"),
        )
        .await
        .map_err(|e| match e {
            AppError::Forbidden => AppError::NotFound { what: "case" },
            other => other,
        })?;
        let events = self.store.events(case_id).await?;
        let rel = policy::relation(actor, &loaded.case);
        let event = events
            .iter()
            .find(|e| e.event_id == event_id)
            .filter(|e| {
                let v = Visibility::decode(&e.visibility).unwrap_or(Visibility::Secretariat);
                policy::may_read_record_event(&rel, &loaded.case, &v, &e.kind)
            })
            .ok_or(AppError::NotFound { what: "event" })?;
        self.prove_inclusion(event, size).await
    }

    /// The inclusion proof of an event, for the host's command line (which holds the database
    /// anyway) and for [`Accord::inclusion_proof`] once the policy has let the asker through.
    /// The log's leaves name events by their position in the case (internal; the view shows the
    /// event's id and chain-local `seq`).
    pub async fn prove_inclusion(
        &self,
        event: &EventRecord,
        size: Option<u64>,
    ) -> Result<InclusionView, AppError> {
        self.sequence_log().await?;
        let current = self.store.log_size().await? as u64;
        let size = size.unwrap_or(current);
        let index = self
            .store
            .log_index(&event.case_id, event.position)
            .await?
            .ok_or(AppError::NotFound { what: "event" })? as u64;
        if size > current || index >= size {
            return Err(AppError::invalid(
                "invalid-tree-size",
                format!(
                    "the log holds {current} entries and this event is entry {index}; ask for a \
                     size above {index} and at most {current}"
                ),
            ));
        }
        let leaves = self.leaves(size as i64).await?;
        let proof = merkle::inclusion_proof(&leaves, index as usize)
            .map_err(|e| AppError::Storage(e.to_string()))?;
        Ok(InclusionView {
            case_id: event.case_id.clone(),
            event_id: event.event_id.clone(),
            seq: event.seq,
            event_hash: event.hash.clone(),
            leaf_index: index,
            tree_size: size,
            root: hex::encode(merkle::root(&leaves)),
            proof: hexes(&proof),
        })
    }

    /// Proof that the log at `from` entries is a prefix of the log at `to` (default: now).
    pub async fn consistency_proof(
        &self,
        actor: &Actor,
        from: u64,
        to: Option<u64>,
    ) -> Result<ConsistencyView, AppError> {
        if !policy::can_read_transparency_log(actor) {
            return Err(AppError::Forbidden);
        }
        self.sequence_log().await?;
        let current = self.store.log_size().await? as u64;
        let to = to.unwrap_or(current);
        if from > to || to > current {
            return Err(AppError::invalid(
                "invalid-tree-size",
                format!(
                    "sizes must satisfy from ≤ to ≤ {current} (the log's size); got {from} and {to}"
                ),
            ));
        }
        let leaves = self.leaves(to as i64).await?;
        let proof = merkle::consistency_proof(&leaves, from as usize)
            .map_err(|e| AppError::Storage(e.to_string()))?;
        Ok(ConsistencyView {
            from_size: from,
            to_size: to,
            from_root: hex::encode(merkle::root(&leaves[..from as usize])),
            to_root: hex::encode(merkle::root(&leaves)),
            proof: hexes(&proof),
        })
    }
}
