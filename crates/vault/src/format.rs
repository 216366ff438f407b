//! The stored form of a document: a 32-byte header and the content in authenticated chunks.
//!
//! ```text
//! header  = "ACCDOC01" (8) ‖ chunk size (4, big-endian) ‖ nonce prefix (19) ‖ 0x00
//! chunks  = seal(chunk 0) ‖ seal(chunk 1) ‖ … ‖ seal(final chunk)
//! ```
//!
//! Every chunk but the last holds exactly `chunk size` bytes of content; the final chunk holds
//! fewer (possibly none), so the end is never ambiguous. Chunks are sealed with the case's data
//! key by `accord-keys`' STREAM construction, with associated data
//! `"accord-document-v1\n" ‖ context ‖ "\n" ‖ header`, where the context names the case and the
//! document: a changed byte, a swapped or repeated chunk, a truncation, an object moved to another
//! document or case, or a changed header each fail to open.

use accord_keys::{CHUNK_NONCE_PREFIX, CHUNK_TAG, ChunkOpener, ChunkSealer, DataKey};
use bytes::Bytes;

use crate::VaultError;

/// Magic and format version.
const MAGIC: &[u8; 8] = b"ACCDOC01";

/// Header length.
pub const HEADER_LEN: usize = 32;

/// Default content bytes per chunk (64 KiB).
pub const DEFAULT_CHUNK: usize = 64 * 1024;

fn aad(context: &str, header: &[u8]) -> Vec<u8> {
    let mut a = b"accord-document-v1\n".to_vec();
    a.extend_from_slice(context.as_bytes());
    a.push(b'\n');
    a.extend_from_slice(header);
    a
}

/// Encrypts content pushed in pieces of any size into sealed chunks.
pub struct Encryptor {
    sealer: ChunkSealer,
    chunk: usize,
    pending: Vec<u8>,
}

impl Encryptor {
    /// Starts an object for `context` (`<case>/<document>`); returns the header to write first.
    pub fn new(
        key: &DataKey,
        context: &str,
        chunk: usize,
    ) -> Result<(Encryptor, Bytes), VaultError> {
        let chunk = chunk.clamp(16, 1 << 24);
        // The prefix is part of the header, and the header is part of the associated data: make
        // the prefix first, then the sealer over the finished header.
        let prefix = accord_keys::new_chunk_prefix()?;
        let header = header_bytes(chunk, &prefix);
        let sealer = key.chunk_sealer_with_prefix(&aad(context, &header), prefix);
        Ok((
            Encryptor {
                sealer,
                chunk,
                pending: Vec::with_capacity(chunk + CHUNK_TAG),
            },
            Bytes::from(header),
        ))
    }

    /// Adds content; returns the chunks completed by it.
    pub fn push(&mut self, mut data: &[u8]) -> Result<Vec<Bytes>, VaultError> {
        let mut out = vec![];
        while !data.is_empty() {
            let room = self.chunk - self.pending.len();
            let take = room.min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.pending.len() == self.chunk {
                let mut c = std::mem::replace(
                    &mut self.pending,
                    Vec::with_capacity(self.chunk + CHUNK_TAG),
                );
                self.sealer.seal_in_place(&mut c, false)?;
                out.push(Bytes::from(c));
            }
        }
        Ok(out)
    }

    /// Seals the final chunk (shorter than a full one, possibly empty).
    pub fn finish(mut self) -> Result<Bytes, VaultError> {
        let mut c = std::mem::take(&mut self.pending);
        self.sealer.seal_in_place(&mut c, true)?;
        Ok(Bytes::from(c))
    }
}

fn header_bytes(chunk: usize, prefix: &[u8; CHUNK_NONCE_PREFIX]) -> Vec<u8> {
    let mut h = Vec::with_capacity(HEADER_LEN);
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(&(chunk as u32).to_be_bytes());
    h.extend_from_slice(prefix);
    h.push(0);
    h
}

/// Decrypts a stored object pushed in pieces of any size; yields content only once it has been
/// authenticated.
pub struct Decryptor {
    key: DataKey,
    context: String,
    header: Vec<u8>,
    opener: Option<ChunkOpener>,
    frame: usize,
    buffer: Vec<u8>,
}

impl Decryptor {
    /// Starts reading the object of `context`.
    pub fn new(key: &DataKey, context: &str) -> Decryptor {
        Decryptor {
            key: key.clone(),
            context: context.to_owned(),
            header: Vec::with_capacity(HEADER_LEN),
            opener: None,
            frame: 0,
            buffer: vec![],
        }
    }

    /// Adds stored bytes; returns the content of every chunk they completed.
    pub fn push(&mut self, mut data: &[u8]) -> Result<Vec<Bytes>, VaultError> {
        if self.opener.is_none() {
            let take = (HEADER_LEN - self.header.len()).min(data.len());
            self.header.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.header.len() < HEADER_LEN {
                return Ok(vec![]);
            }
            if &self.header[..8] != MAGIC || self.header[31] != 0 {
                return Err(VaultError::Tampered(
                    "the object's header is not Accord's".into(),
                ));
            }
            let chunk = u32::from_be_bytes([
                self.header[8],
                self.header[9],
                self.header[10],
                self.header[11],
            ]) as usize;
            if !(16..=1 << 24).contains(&chunk) {
                return Err(VaultError::Tampered(
                    "the object's chunk size is invalid".into(),
                ));
            }
            let mut prefix = [0u8; CHUNK_NONCE_PREFIX];
            prefix.copy_from_slice(&self.header[12..31]);
            self.frame = chunk + CHUNK_TAG;
            self.opener = Some(
                self.key
                    .chunk_opener(&aad(&self.context, &self.header), prefix),
            );
            self.buffer = Vec::with_capacity(self.frame);
        }
        let mut out = vec![];
        let Some(opener) = self.opener.as_mut() else {
            return Ok(out);
        };
        while !data.is_empty() {
            let take = (self.frame - self.buffer.len()).min(data.len());
            self.buffer.extend_from_slice(&data[..take]);
            data = &data[take..];
            // A full frame is never the final one (the final chunk is always shorter).
            if self.buffer.len() == self.frame {
                let mut c = std::mem::replace(&mut self.buffer, Vec::with_capacity(self.frame));
                opener.open_in_place(&mut c, false).map_err(|_| {
                    VaultError::Tampered("a chunk of the object was changed or moved".into())
                })?;
                out.push(Bytes::from(c));
            }
        }
        Ok(out)
    }

    /// Opens the final chunk; an object that ends early is reported as truncated.
    pub fn finish(mut self) -> Result<Bytes, VaultError> {
        let Some(opener) = self.opener.as_mut() else {
            return Err(VaultError::Tampered(
                "the object is truncated (no header)".into(),
            ));
        };
        if self.buffer.len() < CHUNK_TAG {
            return Err(VaultError::Tampered("the object is truncated".into()));
        }
        let mut c = std::mem::take(&mut self.buffer);
        opener.open_in_place(&mut c, true).map_err(|_| {
            VaultError::Tampered("the object is truncated or its end was changed".into())
        })?;
        Ok(Bytes::from(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key() -> DataKey {
        let m = accord_keys::MasterKey::generate().unwrap();
        m.new_data_key("case-1").unwrap().0
    }

    fn seal(k: &DataKey, ctx: &str, content: &[u8], chunk: usize, piece: usize) -> Vec<u8> {
        let (mut e, header) = Encryptor::new(k, ctx, chunk).unwrap();
        let mut out = header.to_vec();
        for p in content.chunks(piece.max(1)) {
            for c in e.push(p).unwrap() {
                out.extend_from_slice(&c);
            }
        }
        out.extend_from_slice(&e.finish().unwrap());
        out
    }

    fn open(k: &DataKey, ctx: &str, stored: &[u8], piece: usize) -> Result<Vec<u8>, VaultError> {
        let mut d = Decryptor::new(k, ctx);
        let mut out = vec![];
        for p in stored.chunks(piece.max(1)) {
            for c in d.push(p)? {
                out.extend_from_slice(&c);
            }
        }
        out.extend_from_slice(&d.finish()?);
        Ok(out)
    }

    proptest! {
        #[test]
        fn any_content_in_any_pieces_round_trips(
            content in proptest::collection::vec(any::<u8>(), 0..5000),
            chunk in 16usize..300,
            piece_in in 1usize..700,
            piece_out in 1usize..700,
        ) {
            let k = key();
            let stored = seal(&k, "c/d", &content, chunk, piece_in);
            prop_assert_eq!(open(&k, "c/d", &stored, piece_out).unwrap(), content);
        }
    }

    #[test]
    fn every_flipped_byte_truncation_and_swap_is_refused() {
        let k = key();
        let content: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let stored = seal(&k, "c/d", &content, 100, 37);
        for i in 0..stored.len() {
            let mut s = stored.clone();
            s[i] ^= 0x01;
            assert!(open(&k, "c/d", &s, 64).is_err(), "byte {i}");
        }
        for cut in [0, 10, 32, 32 + 116, stored.len() - 1, stored.len() - 17] {
            assert!(open(&k, "c/d", &stored[..cut], 64).is_err(), "cut at {cut}");
        }
        let mut swapped = stored.clone();
        let (a, b) = (32, 32 + 116);
        let first = stored[a..b].to_vec();
        swapped[a..b].copy_from_slice(&stored[b..b + 116]);
        swapped[b..b + 116].copy_from_slice(&first);
        assert!(open(&k, "c/d", &swapped, 64).is_err());
        // Moved to another document, or opened with another case's key.
        assert!(open(&k, "c/other", &stored, 64).is_err());
        assert!(open(&key(), "c/d", &stored, 64).is_err());
        // An exact multiple of the chunk size ends with an empty final chunk.
        let stored = seal(&k, "c/d", &content[..300], 100, 1000);
        assert_eq!(stored.len(), 32 + 3 * 116 + 16);
        assert_eq!(open(&k, "c/d", &stored, 1).unwrap(), &content[..300]);
        assert!(open(&k, "c/d", &stored[..32 + 3 * 116], 1).is_err());
    }
}
