//! The stored form of a document: a header and the content in authenticated chunks.
//!
//! ```text
//! version 2 (written):  "ACCDOC02" (8) ‖ chunk size (4, big-endian) ‖ salt (32) ‖ 0 (4)   = 48 bytes
//! version 1 (read):     "ACCDOC01" (8) ‖ chunk size (4, big-endian) ‖ nonce prefix (19) ‖ 0 = 32 bytes
//! chunks  = seal(chunk 0) ‖ seal(chunk 1) ‖ … ‖ seal(final chunk)
//! ```
//!
//! Every chunk but the last holds exactly `chunk size` bytes of content; the final chunk holds
//! fewer (possibly none), so the end is never ambiguous. Chunks are sealed with the case's data
//! key by `accord-keys`' STREAM construction ([`ChunkScheme`]: version 2 is AES-256-GCM under a
//! key derived for the object from the data key and the salt; version 1, XChaCha20-Poly1305
//! under the data key with the nonce prefix), with associated data
//! `"accord-document-v1\n" ‖ context ‖ "\n" ‖ header`, where the context names the case and the
//! document: a changed byte, a swapped or repeated chunk, a truncation, an object moved to another
//! document or case, or a changed header each fail to open. Objects written in version 1 stay
//! readable; `accord rotate-keys` does not rewrite them (it re-wraps data keys only).

use accord_keys::{
    CHUNK_NONCE_PREFIX, CHUNK_SALT, CHUNK_TAG, ChunkOpener, ChunkScheme, ChunkSealer, DataKey,
};
use bytes::Bytes;

use crate::VaultError;

/// Magic and format version of objects written now.
const MAGIC_V2: &[u8; 8] = b"ACCDOC02";

/// Magic of version-1 objects (read only).
const MAGIC_V1: &[u8; 8] = b"ACCDOC01";

/// Header length of objects written now.
pub const HEADER_LEN: usize = 48;

/// Header length of version-1 objects.
const HEADER_LEN_V1: usize = 32;

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
    /// Starts an object for `context` (`<case>/<document>`) in the current format; returns the
    /// header to write first.
    pub fn new(
        key: &DataKey,
        context: &str,
        chunk: usize,
    ) -> Result<(Encryptor, Bytes), VaultError> {
        Encryptor::with_scheme(key, context, chunk, ChunkScheme::fresh()?)
    }

    /// Starts an object with a given scheme: [`Encryptor::new`] for every real object; a
    /// version-1 scheme here writes the old format, which tests use to show it stays readable.
    pub fn with_scheme(
        key: &DataKey,
        context: &str,
        chunk: usize,
        scheme: ChunkScheme,
    ) -> Result<(Encryptor, Bytes), VaultError> {
        let chunk = chunk.clamp(16, 1 << 24);
        // The scheme's random parameter is part of the header, and the header is part of the
        // associated data: make the parameter first, then the sealer over the finished header.
        let header = header_bytes(chunk, scheme);
        let sealer = key.chunk_sealer_with(&aad(context, &header), scheme)?;
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

fn header_bytes(chunk: usize, scheme: ChunkScheme) -> Vec<u8> {
    let mut h = Vec::with_capacity(HEADER_LEN);
    match scheme {
        ChunkScheme::Aes256Gcm { salt } => {
            h.extend_from_slice(MAGIC_V2);
            h.extend_from_slice(&(chunk as u32).to_be_bytes());
            h.extend_from_slice(&salt);
            h.extend_from_slice(&[0; 4]);
        }
        ChunkScheme::XChaCha20Poly1305 { prefix } => {
            h.extend_from_slice(MAGIC_V1);
            h.extend_from_slice(&(chunk as u32).to_be_bytes());
            h.extend_from_slice(&prefix);
            h.push(0);
        }
    }
    h
}

/// Reads a complete header: the chunk size and the scheme.
fn parse_header(header: &[u8]) -> Result<(usize, ChunkScheme), VaultError> {
    let not_ours = || VaultError::Tampered("the object's header is not Accord's".into());
    let chunk = u32::from_be_bytes([header[8], header[9], header[10], header[11]]) as usize;
    if !(16..=1 << 24).contains(&chunk) {
        return Err(VaultError::Tampered(
            "the object's chunk size is invalid".into(),
        ));
    }
    let scheme = if &header[..8] == MAGIC_V2 {
        if header.len() != HEADER_LEN || header[44..] != [0; 4] {
            return Err(not_ours());
        }
        let mut salt = [0u8; CHUNK_SALT];
        salt.copy_from_slice(&header[12..44]);
        ChunkScheme::Aes256Gcm { salt }
    } else {
        if header.len() != HEADER_LEN_V1 || header[31] != 0 {
            return Err(not_ours());
        }
        let mut prefix = [0u8; CHUNK_NONCE_PREFIX];
        prefix.copy_from_slice(&header[12..31]);
        ChunkScheme::XChaCha20Poly1305 { prefix }
    };
    Ok((chunk, scheme))
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

    /// The header length once its magic is known (the magic is read first).
    fn header_len(&self) -> Result<usize, VaultError> {
        if self.header.len() < 8 {
            return Ok(8);
        }
        match &self.header[..8] {
            m if m == MAGIC_V2 => Ok(HEADER_LEN),
            m if m == MAGIC_V1 => Ok(HEADER_LEN_V1),
            _ => Err(VaultError::Tampered(
                "the object's header is not Accord's".into(),
            )),
        }
    }

    /// Adds stored bytes; returns the content of every chunk they completed.
    pub fn push(&mut self, mut data: &[u8]) -> Result<Vec<Bytes>, VaultError> {
        while self.opener.is_none() {
            let want = self.header_len()?;
            let take = (want - self.header.len()).min(data.len());
            self.header.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.header.len() < want {
                return Ok(vec![]);
            }
            if want == 8 {
                continue; // the magic is in: now the rest of the header
            }
            let (chunk, scheme) = parse_header(&self.header)?;
            self.frame = chunk + CHUNK_TAG;
            self.opener = Some(
                self.key
                    .chunk_opener(&aad(&self.context, &self.header), scheme)?,
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

    /// Adds stored bytes the decryptor may take over: whole chunks in them are opened where they
    /// lie, without a copy, when no one else holds the buffer (as with a range just read from
    /// storage); otherwise, and for the pieces of a chunk cut at either end, as [`Self::push`].
    pub fn push_owned(&mut self, mut data: Bytes) -> Result<Vec<Bytes>, VaultError> {
        let mut out = vec![];
        // First the rest of the header, or of a chunk begun in the previous piece.
        while (self.opener.is_none() || !self.buffer.is_empty()) && !data.is_empty() {
            let want = if self.opener.is_none() {
                self.header_len()? - self.header.len()
            } else {
                self.frame - self.buffer.len()
            };
            let head = data.split_to(want.min(data.len()));
            out.extend(self.push(&head)?);
        }
        let mut owned = match data.try_into_mut() {
            Ok(m) => m,
            Err(shared) => {
                out.extend(self.push(&shared)?);
                return Ok(out);
            }
        };
        if let Some(opener) = self.opener.as_mut() {
            // A full frame is never the final one (the final chunk is always shorter).
            while owned.len() >= self.frame {
                let mut c = owned.split_to(self.frame);
                let plain = opener.open_slice(&mut c, false).map_err(|_| {
                    VaultError::Tampered("a chunk of the object was changed or moved".into())
                })?;
                c.truncate(plain);
                out.push(c.freeze());
            }
        }
        out.extend(self.push(&owned)?);
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
        seal_with(k, ctx, content, chunk, piece, ChunkScheme::fresh().unwrap())
    }

    fn version_one() -> ChunkScheme {
        let mut prefix = [0u8; CHUNK_NONCE_PREFIX];
        counter_prefix(&mut prefix);
        ChunkScheme::XChaCha20Poly1305 { prefix }
    }

    /// Distinct prefixes per object without a randomness dependency in the tests.
    fn counter_prefix(prefix: &mut [u8; CHUNK_NONCE_PREFIX]) {
        use std::sync::atomic::{AtomicU8, Ordering};
        static NEXT: AtomicU8 = AtomicU8::new(1);
        prefix[0] = NEXT.fetch_add(1, Ordering::Relaxed);
    }

    fn seal_with(
        k: &DataKey,
        ctx: &str,
        content: &[u8],
        chunk: usize,
        piece: usize,
        scheme: ChunkScheme,
    ) -> Vec<u8> {
        let (mut e, header) = Encryptor::with_scheme(k, ctx, chunk, scheme).unwrap();
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

    /// Opens through [`Decryptor::push_owned`]; `shared` keeps a second handle on every piece so
    /// that the copying path is taken.
    fn open_owned(
        k: &DataKey,
        ctx: &str,
        stored: &[u8],
        piece: usize,
        shared: bool,
    ) -> Result<Vec<u8>, VaultError> {
        let mut d = Decryptor::new(k, ctx);
        let mut out = vec![];
        for p in stored.chunks(piece.max(1)) {
            let b = Bytes::copy_from_slice(p);
            let _other = shared.then(|| b.clone());
            for c in d.push_owned(b)? {
                out.extend_from_slice(&c);
            }
        }
        out.extend_from_slice(&d.finish()?);
        Ok(out)
    }

    proptest! {
        #[test]
        fn owned_pieces_open_in_place_and_round_trip(
            content in proptest::collection::vec(any::<u8>(), 0..5000),
            chunk in 16usize..300,
            piece_out in 1usize..2000,
            shared in any::<bool>(),
            old in any::<bool>(),
        ) {
            let k = key();
            let scheme = if old { version_one() } else { ChunkScheme::fresh().unwrap() };
            let stored = seal_with(&k, "c/d", &content, chunk, 333, scheme);
            prop_assert_eq!(&open_owned(&k, "c/d", &stored, piece_out, shared).unwrap(), &content);
            // A flipped byte in the middle of the object is caught on this path too.
            let mut bad = stored.clone();
            let at = stored.len() / 2;
            bad[at] ^= 0x40;
            prop_assert!(open_owned(&k, "c/d", &bad, piece_out, shared).is_err());
        }

        #[test]
        fn any_content_in_any_pieces_round_trips(
            content in proptest::collection::vec(any::<u8>(), 0..5000),
            chunk in 16usize..300,
            piece_in in 1usize..700,
            piece_out in 1usize..700,
        ) {
            let k = key();
            let stored = seal(&k, "c/d", &content, chunk, piece_in);
            prop_assert_eq!(&stored[..8], b"ACCDOC02");
            prop_assert_eq!(&open(&k, "c/d", &stored, piece_out).unwrap(), &content);
            let old = seal_with(&k, "c/d", &content, chunk, piece_in, version_one());
            prop_assert_eq!(&old[..8], b"ACCDOC01");
            prop_assert_eq!(open(&k, "c/d", &old, piece_out).unwrap(), content);
        }
    }

    #[test]
    fn every_flipped_byte_truncation_and_swap_is_refused() {
        let k = key();
        let content: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        for (scheme, h) in [
            (ChunkScheme::fresh().unwrap(), HEADER_LEN),
            (version_one(), HEADER_LEN_V1),
        ] {
            let stored = seal_with(&k, "c/d", &content, 100, 37, scheme);
            for i in 0..stored.len() {
                let mut s = stored.clone();
                s[i] ^= 0x01;
                assert!(open(&k, "c/d", &s, 64).is_err(), "byte {i}");
            }
            for cut in [0, 7, 10, h, h + 116, stored.len() - 1, stored.len() - 17] {
                assert!(open(&k, "c/d", &stored[..cut], 64).is_err(), "cut at {cut}");
            }
            let mut swapped = stored.clone();
            let (a, b) = (h, h + 116);
            let first = stored[a..b].to_vec();
            swapped[a..b].copy_from_slice(&stored[b..b + 116]);
            swapped[b..b + 116].copy_from_slice(&first);
            assert!(open(&k, "c/d", &swapped, 64).is_err());
            // Moved to another document, or opened with another case's key.
            assert!(open(&k, "c/other", &stored, 64).is_err());
            assert!(open(&key(), "c/d", &stored, 64).is_err());
            // An exact multiple of the chunk size ends with an empty final chunk.
            let stored = seal_with(&k, "c/d", &content[..300], 100, 1000, scheme);
            assert_eq!(stored.len(), h + 3 * 116 + 16);
            assert_eq!(open(&k, "c/d", &stored, 1).unwrap(), &content[..300]);
            assert!(open(&k, "c/d", &stored[..h + 3 * 116], 1).is_err());
        }
        // A version-1 header under the version-2 magic (and the reverse) does not open.
        let old = seal_with(&k, "c/d", &content, 100, 1000, version_one());
        let mut relabelled = old.clone();
        relabelled[..8].copy_from_slice(MAGIC_V2);
        assert!(open(&k, "c/d", &relabelled, 64).is_err());
        let new = seal(&k, "c/d", &content, 100, 1000);
        let mut relabelled = new.clone();
        relabelled[..8].copy_from_slice(MAGIC_V1);
        assert!(open(&k, "c/d", &relabelled, 64).is_err());
    }
}
