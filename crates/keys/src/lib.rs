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

use chacha20poly1305::aead::{Aead, AeadInPlace, KeyInit, Payload};
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
    /// Re-wraps a case's data key under another master key (key rotation): the data key itself,
    /// and so everything sealed with it, is unchanged.
    pub fn rewrap_data_key(
        &self,
        new: &MasterKey,
        case_id: &str,
        wrapped: &[u8],
    ) -> Result<Vec<u8>, KeyError> {
        let raw = self.0.open(&wrap_aad(case_id), wrapped)?;
        new.0.seal(&wrap_aad(case_id), &raw)
    }

    /// Re-seals a secret under another master key (key rotation).
    pub fn reseal_secret(
        &self,
        new: &MasterKey,
        context: &str,
        sealed: &[u8],
    ) -> Result<Vec<u8>, KeyError> {
        let raw = self.open_secret(context, sealed)?;
        new.seal_secret(context, &raw)
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

/// Streaming encryption of large content (documents) under a data key: the STREAM construction
/// (Hoang, Reyhanitabar, Rogaway and Vizár, 2015) over XChaCha20-Poly1305. Content is cut into
/// chunks; chunk `i` is sealed with the nonce `prefix (19 random bytes) ‖ i (4 bytes, big-endian)
/// ‖ last (1 byte: 1 on the final chunk, else 0)` and the caller's associated data. A changed
/// byte, a reordered or repeated chunk, a chunk from another object and a truncation (the final
/// chunk missing) all fail to open.
pub struct ChunkSealer {
    cipher: XChaCha20Poly1305,
    prefix: [u8; 19],
    counter: u32,
    aad: Vec<u8>,
    finished: bool,
}

/// Opens the chunks a [`ChunkSealer`] made, in order.
pub struct ChunkOpener {
    cipher: XChaCha20Poly1305,
    prefix: [u8; 19],
    counter: u32,
    aad: Vec<u8>,
    finished: bool,
}

/// Length of the random nonce prefix of a chunked object.
pub const CHUNK_NONCE_PREFIX: usize = 19;

/// Bytes a sealed chunk adds to its plaintext (the Poly1305 tag).
pub const CHUNK_TAG: usize = 16;

fn chunk_nonce(prefix: &[u8; 19], counter: u32, last: bool) -> XNonce {
    let mut n = [0u8; 24];
    n[..19].copy_from_slice(prefix);
    n[19..23].copy_from_slice(&counter.to_be_bytes());
    n[23] = u8::from(last);
    XNonce::from(n)
}

/// A fresh random nonce prefix for a chunked object.
pub fn new_chunk_prefix() -> Result<[u8; CHUNK_NONCE_PREFIX], KeyError> {
    let mut prefix = [0u8; CHUNK_NONCE_PREFIX];
    getrandom::fill(&mut prefix).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(prefix)
}

impl DataKey {
    /// Starts sealing one object; `aad` binds every chunk to it (for example, the case, the
    /// document id and the object's header). Returns the sealer and the nonce prefix to store.
    pub fn chunk_sealer(&self, aad: &[u8]) -> Result<(ChunkSealer, [u8; 19]), KeyError> {
        let prefix = new_chunk_prefix()?;
        Ok((self.chunk_sealer_with_prefix(aad, prefix), prefix))
    }

    /// Starts sealing one object with a prefix made by [`new_chunk_prefix`] (when the prefix must
    /// be known before the associated data, for example because a header holds both).
    pub fn chunk_sealer_with_prefix(&self, aad: &[u8], prefix: [u8; 19]) -> ChunkSealer {
        ChunkSealer {
            cipher: XChaCha20Poly1305::new((&self.0.0).into()),
            prefix,
            counter: 0,
            aad: aad.to_vec(),
            finished: false,
        }
    }

    /// Starts opening an object sealed with the same `aad` and nonce `prefix`.
    pub fn chunk_opener(&self, aad: &[u8], prefix: [u8; 19]) -> ChunkOpener {
        ChunkOpener {
            cipher: XChaCha20Poly1305::new((&self.0.0).into()),
            prefix,
            counter: 0,
            aad: aad.to_vec(),
            finished: false,
        }
    }
}

impl ChunkSealer {
    /// Seals the next chunk in place (the tag is appended); `last` marks the final chunk, after
    /// which nothing more may be sealed.
    pub fn seal_in_place(&mut self, chunk: &mut Vec<u8>, last: bool) -> Result<(), KeyError> {
        if self.finished {
            return Err(KeyError::Tampered);
        }
        let nonce = chunk_nonce(&self.prefix, self.counter, last);
        self.cipher
            .encrypt_in_place(&nonce, &self.aad, chunk)
            .map_err(|_| KeyError::Tampered)?;
        self.counter = self.counter.checked_add(1).ok_or(KeyError::Tampered)?;
        self.finished = last;
        Ok(())
    }
}

impl ChunkOpener {
    /// Opens the next chunk in place (the tag is removed); `last` says whether the caller found
    /// it at the end of the object.
    pub fn open_in_place(&mut self, chunk: &mut Vec<u8>, last: bool) -> Result<(), KeyError> {
        if self.finished {
            return Err(KeyError::Tampered);
        }
        let nonce = chunk_nonce(&self.prefix, self.counter, last);
        self.cipher
            .decrypt_in_place(&nonce, &self.aad, chunk)
            .map_err(|_| KeyError::Tampered)?;
        self.counter = self.counter.checked_add(1).ok_or(KeyError::Tampered)?;
        self.finished = last;
        Ok(())
    }

    /// True once the final chunk has opened: an object that ends before this was truncated.
    pub fn finished(&self) -> bool {
        self.finished
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

    fn sealed_chunks(k: &DataKey, aad: &[u8], parts: &[&[u8]]) -> ([u8; 19], Vec<Vec<u8>>) {
        let (mut sealer, prefix) = k.chunk_sealer(aad).unwrap();
        let out = parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut c = p.to_vec();
                sealer.seal_in_place(&mut c, i + 1 == parts.len()).unwrap();
                c
            })
            .collect();
        (prefix, out)
    }

    fn open_all(
        k: &DataKey,
        aad: &[u8],
        prefix: [u8; 19],
        chunks: &[Vec<u8>],
    ) -> Result<Vec<u8>, KeyError> {
        let mut o = k.chunk_opener(aad, prefix);
        let mut out = vec![];
        for (i, c) in chunks.iter().enumerate() {
            let mut c = c.clone();
            o.open_in_place(&mut c, i + 1 == chunks.len())?;
            out.extend(c);
        }
        if !o.finished() {
            return Err(KeyError::Tampered);
        }
        Ok(out)
    }

    #[test]
    fn chunks_round_trip_and_reorder_truncation_and_moves_are_refused() {
        let m = MasterKey::generate().unwrap();
        let (k, _) = m.new_data_key("case-1").unwrap();
        let aad = b"case-1/doc-1";
        let (prefix, chunks) = sealed_chunks(&k, aad, &[b"first ", b"second ", b"third"]);
        assert_eq!(
            open_all(&k, aad, prefix, &chunks).unwrap(),
            b"first second third"
        );
        // Swapped chunks.
        let mut swapped = chunks.clone();
        swapped.swap(0, 1);
        assert!(open_all(&k, aad, prefix, &swapped).is_err());
        // Truncated at a chunk boundary: the last chunk opened as last fails, and without it the
        // object is unfinished.
        assert!(open_all(&k, aad, prefix, &chunks[..2]).is_err());
        let mut o = k.chunk_opener(aad, prefix);
        for c in &chunks[..2] {
            o.open_in_place(&mut c.clone(), false).unwrap();
        }
        assert!(!o.finished());
        // A flipped bit anywhere.
        for i in 0..chunks[1].len() {
            let mut bad = chunks.clone();
            bad[1][i] ^= 0x10;
            assert!(open_all(&k, aad, prefix, &bad).is_err(), "byte {i}");
        }
        // Another object's associated data, or another prefix.
        assert!(open_all(&k, b"case-1/doc-2", prefix, &chunks).is_err());
        let mut other = prefix;
        other[0] ^= 1;
        assert!(open_all(&k, aad, other, &chunks).is_err());
        // Nothing after the final chunk.
        let (mut sealer, _) = k.chunk_sealer(aad).unwrap();
        sealer.seal_in_place(&mut b"x".to_vec(), true).unwrap();
        assert!(sealer.seal_in_place(&mut b"y".to_vec(), false).is_err());
    }
}
