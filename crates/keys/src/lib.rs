//! The key hierarchy for confidential content.
//!
//! * The **master key** (32 random bytes, hex in `<data>/master.key`, mode 0600) never encrypts
//!   content; it only wraps data keys.
//! * Each case has a **data key** (32 random bytes), stored only wrapped by the master key.
//! * Content is sealed with XChaCha20-Poly1305 under the case's data key, with a random 24-byte
//!   nonce and associated data that binds the ciphertext to where it belongs (case, channel,
//!   message id), so a ciphertext moved to another row does not open.
//!
//! Sealed format: `0x01 || nonce (24 bytes) || ciphertext+tag`. Wrapped key format: the same,
//! with associated data `accord-data-key-v1:<case id>`.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Format version byte of sealed data.
const VERSION: u8 = 1;

/// A key error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The master key file is not 64 hex digits.
    #[error("the master key is not 64 hexadecimal digits")]
    BadMasterKey,
    /// Decryption failed: wrong key, wrong place, or the data was changed.
    #[error("sealed data does not open: it was changed, moved, or sealed under another key")]
    Tampered,
    /// No randomness available.
    #[error("no randomness available: {0}")]
    Random(String),
}

/// A 256-bit key, wiped from memory when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
struct Key([u8; 32]);

impl Key {
    fn random() -> Result<Key, KeyError> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Key(k))
    }

    fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, KeyError> {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).map_err(|e| KeyError::Random(e.to_string()))?;
        let ct = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| KeyError::Tampered)?;
        let mut out = Vec::with_capacity(1 + 24 + ct.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, KeyError> {
        if sealed.len() < 1 + 24 + 16 || sealed[0] != VERSION {
            return Err(KeyError::Tampered);
        }
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let nonce: [u8; 24] = sealed[1..25].try_into().map_err(|_| KeyError::Tampered)?;
        cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &sealed[25..],
                    aad,
                },
            )
            .map_err(|_| KeyError::Tampered)
    }
}

/// The master key.
#[derive(Clone)]
pub struct MasterKey(Key);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

fn wrap_aad(case_id: &str) -> Vec<u8> {
    format!("accord-data-key-v1:{case_id}").into_bytes()
}

impl MasterKey {
    /// Parses the key file's content (64 hex digits, surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<MasterKey, KeyError> {
        let bytes = hex::decode(text.trim()).map_err(|_| KeyError::BadMasterKey)?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| KeyError::BadMasterKey)?;
        Ok(MasterKey(Key(arr)))
    }

    /// A fresh random master key (for tests and first start).
    pub fn generate() -> Result<MasterKey, KeyError> {
        Ok(MasterKey(Key::random()?))
    }

    /// The key as hex, for writing the key file.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.0)
    }

    /// A new random data key for a case, returned with its wrapped form (what is stored).
    pub fn new_data_key(&self, case_id: &str) -> Result<(DataKey, Vec<u8>), KeyError> {
        let k = Key::random()?;
        let wrapped = self.0.seal(&wrap_aad(case_id), &k.0)?;
        Ok((DataKey(k), wrapped))
    }

    /// Unwraps a stored data key of a case.
    pub fn unwrap_data_key(&self, case_id: &str, wrapped: &[u8]) -> Result<DataKey, KeyError> {
        let raw = self.0.open(&wrap_aad(case_id), wrapped)?;
        let arr: [u8; 32] = raw.try_into().map_err(|_| KeyError::Tampered)?;
        Ok(DataKey(Key(arr)))
    }
}

impl MasterKey {
    /// Seals a small account secret (such as a TOTP seed) bound to `context`.
    pub fn seal_secret(&self, context: &str, secret: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.0
            .seal(format!("accord-secret-v1:{context}").as_bytes(), secret)
    }

    /// Opens a secret sealed with [`MasterKey::seal_secret`] for the same `context`.
    pub fn open_secret(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.0
            .open(format!("accord-secret-v1:{context}").as_bytes(), sealed)
    }
}

/// A case's data key.
#[derive(Clone)]
pub struct DataKey(Key);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(***)")
    }
}

impl DataKey {
    /// Seals content bound to `aad`.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.0.seal(aad, plaintext)
    }

    /// Opens content sealed with the same `aad`.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.0.open(aad, sealed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_round_trips_and_any_change_or_move_is_refused() {
        let m = MasterKey::generate().unwrap();
        let (k, wrapped) = m.new_data_key("case-1").unwrap();
        let sealed = k
            .seal(b"case-1/caucus:A/m1", "secret 調解".as_bytes())
            .unwrap();
        let k2 = m.unwrap_data_key("case-1", &wrapped).unwrap();
        assert_eq!(
            k2.open(b"case-1/caucus:A/m1", &sealed).unwrap(),
            "secret 調解".as_bytes()
        );
        assert_eq!(
            k2.open(b"case-1/caucus:A/m2", &sealed),
            Err(KeyError::Tampered)
        );
        for i in 0..sealed.len() {
            let mut s = sealed.clone();
            s[i] ^= 1;
            assert_eq!(
                k2.open(b"case-1/caucus:A/m1", &s),
                Err(KeyError::Tampered),
                "byte {i}"
            );
        }
        assert!(
            k2.open(b"case-1/caucus:A/m1", &sealed[..sealed.len() - 1])
                .is_err()
        );
        // A wrapped key of one case does not unwrap as another's; another master cannot unwrap.
        assert!(m.unwrap_data_key("case-2", &wrapped).is_err());
        assert!(
            MasterKey::generate()
                .unwrap()
                .unwrap_data_key("case-1", &wrapped)
                .is_err()
        );
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
    }

    #[test]
    fn master_key_file_format() {
        let m = MasterKey::generate().unwrap();
        let again = MasterKey::from_hex(&format!("{}\n", m.to_hex())).unwrap();
        assert_eq!(again.to_hex(), m.to_hex());
        assert_eq!(
            MasterKey::from_hex("abc").unwrap_err(),
            KeyError::BadMasterKey
        );
        assert!(format!("{m:?}").contains("***"));
    }
}
