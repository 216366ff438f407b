//! Signed checkpoints of the transparency log, in the C2SP `tlog-checkpoint` format inside a
//! C2SP signed note:
//!
//! ```text
//! <origin>\n
//! <tree size>\n
//! <base64 root hash>\n
//! \n
//! — <key name> <base64(key id (4 bytes) ‖ Ed25519 signature (64 bytes))>\n
//! ```
//!
//! The signature covers the three body lines (with their newlines). The key id is the first four
//! bytes of `SHA-256(key name ‖ "\n" ‖ 0x01 ‖ public key)`, 0x01 naming Ed25519. A party that keeps
//! a checkpoint can later ask for a consistency proof from that size to the current one: a history
//! rewritten or truncated since then cannot produce one.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::merkle::Hash;

/// Largest checkpoint text accepted for parsing.
pub const CHECKPOINT_MAX: usize = 16 * 1024;

/// Why a checkpoint is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// Not in the checkpoint format.
    #[error("not a checkpoint: {0}")]
    Malformed(String),
    /// No signature by the expected key.
    #[error("the checkpoint carries no signature by the key '{0}'")]
    NoSignature(String),
    /// A signature by the expected key does not verify.
    #[error("the checkpoint's signature does not verify: it was altered or signed by another key")]
    BadSignature,
}

/// A checkpoint's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line.
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// Root hash.
    pub root: Hash,
}

/// The four-byte key id of an Ed25519 note key.
pub fn key_id(name: &str, key: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([0x01]);
    h.update(key.as_bytes());
    let d: [u8; 32] = h.finalize().into();
    [d[0], d[1], d[2], d[3]]
}

impl Checkpoint {
    /// The signed body (three lines).
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        )
    }

    /// The signed note.
    pub fn sign(&self, name: &str, key: &SigningKey) -> String {
        let body = self.body();
        let sig = key.sign(body.as_bytes());
        let mut blob = key_id(name, &key.verifying_key()).to_vec();
        blob.extend_from_slice(&sig.to_bytes());
        format!("{body}\n\u{2014} {name} {}\n", B64.encode(blob))
    }

    /// Parses a signed note and verifies the signature by `name`'s `key`.
    pub fn verify(
        note: &str,
        name: &str,
        key: &VerifyingKey,
    ) -> Result<Checkpoint, CheckpointError> {
        let bad = |m: &str| CheckpointError::Malformed(m.to_owned());
        if note.len() > CHECKPOINT_MAX {
            return Err(bad("longer than any checkpoint"));
        }
        let (body, sigs) = note
            .split_once("\n\n")
            .ok_or_else(|| bad("no blank line between the body and the signatures"))?;
        let body = format!("{body}\n");
        let mut lines = body.lines();
        let origin = lines
            .next()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| bad("no origin line"))?;
        let size: u64 = lines
            .next()
            .and_then(|l| l.parse().ok())
            .ok_or_else(|| bad("the second line is not a tree size"))?;
        let root: Hash = lines
            .next()
            .and_then(|l| B64.decode(l).ok())
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| bad("the third line is not a base64 SHA-256 root"))?;
        let cp = Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
        };
        if cp.body() != body {
            return Err(bad("the body is not in canonical form"));
        }
        let id = key_id(name, key);
        let mut found = false;
        for line in sigs.lines() {
            let Some(rest) = line.strip_prefix("\u{2014} ") else {
                return Err(bad("a signature line does not start with an em dash"));
            };
            let Some((who, b64)) = rest.split_once(' ') else {
                return Err(bad("a signature line has no signature"));
            };
            if who != name {
                continue;
            }
            let blob = B64
                .decode(b64)
                .map_err(|_| bad("a signature is not base64"))?;
            if blob.len() != 68 || blob[..4] != id {
                continue;
            }
            found = true;
            let sig =
                Signature::from_slice(&blob[4..]).map_err(|_| CheckpointError::BadSignature)?;
            key.verify(body.as_bytes(), &sig)
                .map_err(|_| CheckpointError::BadSignature)?;
        }
        if !found {
            return Err(CheckpointError::NoSignature(name.to_owned()));
        }
        Ok(cp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn a_signed_checkpoint_verifies_and_any_change_is_refused() {
        let cp = Checkpoint {
            origin: "accord-log/test".into(),
            size: 42,
            root: [7; 32],
        };
        let k = key(1);
        let note = cp.sign("accord", &k);
        assert!(note.starts_with("accord-log/test\n42\n"));
        assert_eq!(
            Checkpoint::verify(&note, "accord", &k.verifying_key()).unwrap(),
            cp
        );
        // Every single-byte change is refused (as malformed, unsigned or badly signed).
        let bytes = note.as_bytes();
        for i in 0..bytes.len() {
            let mut b = bytes.to_vec();
            b[i] ^= 0x01;
            if let Ok(text) = String::from_utf8(b)
                && let Ok(got) = Checkpoint::verify(&text, "accord", &k.verifying_key())
            {
                panic!("byte {i} changed and still verified: {got:?}");
            }
        }
        assert_eq!(
            Checkpoint::verify(&note, "accord", &key(2).verifying_key()),
            Err(CheckpointError::NoSignature("accord".into()))
        );
        assert!(matches!(
            Checkpoint::verify("garbage", "accord", &k.verifying_key()),
            Err(CheckpointError::Malformed(_))
        ));
    }
}
