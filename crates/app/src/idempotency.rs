//! Idempotent responses at rest: what a replay needs (the request's fingerprint, the response's
//! status and body) is sealed under the master key, each part bound to its row (user and key),
//! and forgotten after the retention period. The web layer decides what a fingerprint covers.

use crate::ports::SealedIdempotency;
use crate::{Accord, AppError};

/// A claimed key, as the application sees it (opened).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// The key was free and is now held by this request: run it, then complete or release.
    New,
    /// A request with this key has completed: replay its response if the fingerprints match.
    Completed {
        /// The completed request's fingerprint.
        fingerprint: Vec<u8>,
        /// Its response's HTTP status.
        status: u16,
        /// Its response's body.
        body: Vec<u8>,
    },
    /// A request with this key is still running (its fingerprint, when already known).
    InProgress {
        /// The running request's fingerprint; `None` for a streamed body not yet read.
        fingerprint: Option<Vec<u8>>,
    },
}

fn context(part: &str, user_id: &str, key: &str) -> String {
    // User ids hold no ':', so the row is named without ambiguity whatever the key holds.
    format!("idempotency-{part}:{user_id}:{key}")
}

/// The sealing context of a stored request fingerprint.
pub fn fingerprint_context(user_id: &str, key: &str) -> String {
    context("fingerprint", user_id, key)
}

/// The sealing context of a stored response body.
pub fn response_context(user_id: &str, key: &str) -> String {
    context("response", user_id, key)
}

impl Accord {
    fn seal_part(&self, context: &str, bytes: &[u8]) -> Result<Vec<u8>, AppError> {
        self.keys_master()
            .seal_secret(context, bytes)
            .map_err(|e| AppError::Storage(format!("sealing an idempotent response: {e}")))
    }

    fn open_part(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, AppError> {
        self.keys_master()
            .open_secret(context, sealed)
            .map_err(|e| AppError::from_key("idempotent response", context, e))
    }

    fn idempotency_expiry(&self) -> i64 {
        self.clock.now().as_millisecond() - self.settings.idempotency_retention_seconds * 1000
    }

    /// Claims `key` for the user's request. `fingerprint` is the request's, when known before
    /// it runs (a buffered body); a streamed body's is given at completion.
    pub async fn claim_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        fingerprint: Option<&[u8]>,
    ) -> Result<IdempotencyClaim, AppError> {
        let fctx = fingerprint_context(user_id, key);
        let sealed = fingerprint.map(|f| self.seal_part(&fctx, f)).transpose()?;
        let now = self.clock.now().as_millisecond();
        let Some(row) = self
            .store
            .claim_idempotency_key(
                user_id,
                key,
                sealed.as_deref(),
                now,
                self.idempotency_expiry(),
            )
            .await?
        else {
            return Ok(IdempotencyClaim::New);
        };
        let stored = row
            .fingerprint
            .as_deref()
            .map(|f| self.open_part(&fctx, f))
            .transpose()?;
        Ok(match (stored, row.status, row.body) {
            (Some(fingerprint), Some(status), Some(body)) => IdempotencyClaim::Completed {
                fingerprint,
                status,
                body: self.open_part(&response_context(user_id, key), &body)?,
            },
            (fingerprint, _, _) => IdempotencyClaim::InProgress { fingerprint },
        })
    }

    /// Records the response of a claimed key (sealed), with the request's fingerprint.
    pub async fn complete_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        fingerprint: &[u8],
        status: u16,
        body: &[u8],
    ) -> Result<(), AppError> {
        let f = self.seal_part(&fingerprint_context(user_id, key), fingerprint)?;
        let b = self.seal_part(&response_context(user_id, key), body)?;
        self.store
            .complete_idempotency_key(user_id, key, &f, status, &b)
            .await?;
        Ok(())
    }

    /// Frees a claimed key whose request left nothing to replay (a server error, or a refused
    /// streamed request whose body was not read to its end).
    pub async fn release_idempotency_key(&self, user_id: &str, key: &str) -> Result<(), AppError> {
        self.store.release_idempotency_key(user_id, key).await?;
        Ok(())
    }

    /// Deletes the idempotent responses older than the retention period; returns how many.
    pub async fn sweep_idempotency_keys(&self) -> Result<u64, AppError> {
        Ok(self
            .store
            .sweep_idempotency_keys(self.idempotency_expiry())
            .await?)
    }
}

/// Re-seals a stored idempotent response under a new master key (rotation).
pub(crate) fn reseal(
    old: &accord_keys::MasterKey,
    new: &accord_keys::MasterKey,
    i: &SealedIdempotency,
) -> Result<SealedIdempotency, accord_keys::KeyError> {
    let f = i
        .fingerprint
        .as_deref()
        .map(|f| old.reseal_secret(new, &fingerprint_context(&i.user_id, &i.key), f))
        .transpose()?;
    let b = i
        .body
        .as_deref()
        .map(|b| old.reseal_secret(new, &response_context(&i.user_id, &i.key), b))
        .transpose()?;
    Ok(SealedIdempotency {
        fingerprint: f,
        body: b,
        ..i.clone()
    })
}

/// Whether a stored idempotent response opens with `key`.
pub(crate) fn opens(key: &accord_keys::MasterKey, i: &SealedIdempotency) -> bool {
    i.fingerprint.as_deref().is_none_or(|f| {
        key.open_secret(&fingerprint_context(&i.user_id, &i.key), f)
            .is_ok()
    }) && i.body.as_deref().is_none_or(|b| {
        key.open_secret(&response_context(&i.user_id, &i.key), b)
            .is_ok()
    })
}
