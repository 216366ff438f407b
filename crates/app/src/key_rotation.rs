//! Master-key rotation: every case data key is re-wrapped and every secret sealed under the
//! master key (second-factor seeds, signing keys, stored idempotent responses) is re-sealed under a new master key, in one
//! database transaction. Data keys themselves do not change, so documents, messages and drafts
//! sealed with them stay as they are — readable with the new master key, and no longer with the
//! old one. The binary (`accord rotate-keys`) orders the steps around the key file so that an
//! interruption at any point can be completed by running it again.

use accord_keys::MasterKey;

use crate::AppError;
use crate::ports::{Store, WrappedSecrets};

/// What a rotation re-wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RotationReport {
    /// Case data keys.
    pub case_keys: usize,
    /// Second-factor secrets.
    pub totp: usize,
    /// Signing keys (institution, signers).
    pub signing_keys: usize,
    /// Stored idempotent responses.
    pub idempotent_responses: usize,
}

fn bad(what: &str, id: &str, e: accord_keys::KeyError) -> AppError {
    AppError::Storage(format!(
        "{what} {id} does not open with the current master key: {e}"
    ))
}

/// Which of two master keys the stored secrets open with: `Some(true)` the first, `Some(false)`
/// the second, `None` neither (or nothing is stored yet, which any key opens).
pub async fn opened_by(
    store: &dyn Store,
    first: &MasterKey,
    second: &MasterKey,
) -> Result<Option<bool>, AppError> {
    let s = store.wrapped_secrets().await?;
    let opens = |k: &MasterKey| {
        s.case_keys
            .iter()
            .all(|(id, w)| k.unwrap_data_key(id, w).is_ok())
            && s.totp
                .iter()
                .all(|(id, w)| k.open_secret(&format!("totp:{id}"), w).is_ok())
            && s.signing_keys
                .iter()
                .all(|(n, w)| k.open_secret(&format!("signing-key:{n}"), w).is_ok())
            && s.idempotency
                .iter()
                .all(|i| crate::idempotency::opens(k, i))
    };
    Ok(if opens(first) {
        Some(true)
    } else if opens(second) {
        Some(false)
    } else {
        None
    })
}

/// Re-wraps everything under `new` (in one transaction). Fails, changing nothing, if any item
/// does not open with `old`.
pub async fn rotate_master_key(
    store: &dyn Store,
    old: &MasterKey,
    new: &MasterKey,
) -> Result<RotationReport, AppError> {
    let s = store.wrapped_secrets().await?;
    let mut out = WrappedSecrets::default();
    for (id, w) in &s.case_keys {
        let r = old
            .rewrap_data_key(new, id, w)
            .map_err(|e| bad("the data key of case", id, e))?;
        out.case_keys.push((id.clone(), r));
    }
    for (id, w) in &s.totp {
        let r = old
            .reseal_secret(new, &format!("totp:{id}"), w)
            .map_err(|e| bad("the second factor of user", id, e))?;
        out.totp.push((id.clone(), r));
    }
    for (name, w) in &s.signing_keys {
        let r = old
            .reseal_secret(new, &format!("signing-key:{name}"), w)
            .map_err(|e| bad("the signing key", name, e))?;
        out.signing_keys.push((name.clone(), r));
    }
    for i in &s.idempotency {
        let r = crate::idempotency::reseal(old, new, i).map_err(|e| {
            bad(
                "the idempotent response of",
                &format!("{} {}", i.user_id, i.key),
                e,
            )
        })?;
        out.idempotency.push(r);
    }
    store.replace_wrapped_secrets(&out).await?;
    Ok(RotationReport {
        case_keys: out.case_keys.len(),
        totp: out.totp.len(),
        signing_keys: out.signing_keys.len(),
        idempotent_responses: out.idempotency.len(),
    })
}
