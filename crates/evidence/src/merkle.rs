//! The transparency log's Merkle tree, as RFC 9162 §2.1 defines it: leaf hash
//! `SHA-256(0x00 ‖ entry)`, interior hash `SHA-256(0x01 ‖ left ‖ right)`, the tree over `n` leaves
//! split at the largest power of two below `n`; inclusion proofs (§2.1.3) and consistency proofs
//! (§2.1.4) with the RFC's verification algorithms.
//!
//! Accord's log entries are the 32-byte SHA-256 hashes of case events (`accord-event-v1`), in the
//! order the sequencer admitted them. Functions here take leaf *hashes*, so a tree can be rebuilt
//! from stored leaf hashes alone.

use sha2::{Digest, Sha256};

/// A 32-byte hash.
pub type Hash = [u8; 32];

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The indices or sizes are impossible (such as an index beyond the tree).
    #[error("the proof's indices are out of range: {0}")]
    OutOfRange(String),
    /// The proof has the wrong number of hashes for these sizes.
    #[error("the proof has the wrong length")]
    WrongLength,
    /// The proof leads to a different root: the data or the history differ.
    #[error("the proof does not lead to the expected root")]
    RootMismatch,
}

/// `SHA-256(0x00 ‖ entry)`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two strictly below `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// The root (Merkle tree hash) over leaf hashes; the empty tree's root is `SHA-256("")`.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The audit path of leaf `index` in the tree over `leaves` (RFC 9162 §2.1.3.1).
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Result<Vec<Hash>, ProofError> {
    if index >= leaves.len() {
        return Err(ProofError::OutOfRange(format!(
            "leaf {index} of a tree of {}",
            leaves.len()
        )));
    }
    let mut out = vec![];
    path(leaves, index, &mut out);
    Ok(out)
}

fn path(leaves: &[Hash], m: usize, out: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n);
    if m < k {
        path(&leaves[..k], m, out);
        out.push(root(&leaves[k..]));
    } else {
        path(&leaves[k..], m - k, out);
        out.push(root(&leaves[..k]));
    }
}

/// The proof that the tree of the first `m` leaves is a prefix of the tree over `leaves`
/// (RFC 9162 §2.1.4.1). Empty when `m` is 0 or the whole tree.
pub fn consistency_proof(leaves: &[Hash], m: usize) -> Result<Vec<Hash>, ProofError> {
    let n = leaves.len();
    if m > n {
        return Err(ProofError::OutOfRange(format!(
            "an older tree of {m} within one of {n}"
        )));
    }
    let mut out = vec![];
    if m > 0 && m < n {
        subproof(leaves, m, true, &mut out);
    }
    Ok(out)
}

fn subproof(leaves: &[Hash], m: usize, complete: bool, out: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !complete {
            out.push(root(leaves));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(&leaves[..k], m, complete, out);
        out.push(root(&leaves[k..]));
    } else {
        subproof(&leaves[k..], m - k, false, out);
        out.push(root(&leaves[..k]));
    }
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    expected_root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::OutOfRange(format!(
            "leaf {index} of a tree of {size}"
        )));
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return Err(ProofError::WrongLength);
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength);
    }
    if &r != expected_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies that the tree of size `old_size` with root `old_root` is a prefix of the tree of
/// size `new_size` with root `new_root` (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::OutOfRange(format!(
            "an older tree of {old_size} is larger than the newer one of {new_size}"
        )));
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength);
        }
        return if old_root == new_root {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    if old_size == 0 {
        // Every tree extends the empty one.
        return if proof.is_empty() {
            Ok(())
        } else {
            Err(ProofError::WrongLength)
        };
    }
    if proof.is_empty() {
        return Err(ProofError::WrongLength);
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old_size.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let (mut f, mut s) = (old_size - 1, new_size - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if s == 0 {
            return Err(ProofError::WrongLength);
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength);
    }
    if &fr != old_root || &sr != new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn h(s: &str) -> Hash {
        let v = hex::decode(s).unwrap();
        v.try_into().unwrap()
    }

    /// The inputs of the RFC 6962 reference tests (transparency-dev/merkle and Certificate
    /// Transparency's C++ implementation use the same).
    fn reference_leaves() -> Vec<Hash> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|x| leaf_hash(&hex::decode(x).unwrap()))
        .collect()
    }

    const ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    #[test]
    fn roots_match_the_reference_vectors() {
        let l = reference_leaves();
        for (n, want) in ROOTS.iter().enumerate() {
            assert_eq!(root(&l[..n]), h(want), "size {n}");
        }
    }

    #[test]
    fn inclusion_proofs_match_the_reference_vectors() {
        let l = reference_leaves();
        let cases = [
            (
                0usize,
                vec![
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                5,
                vec![
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
        ];
        for (i, want) in cases {
            let want: Vec<Hash> = want.iter().map(|x| h(x)).collect();
            assert_eq!(inclusion_proof(&l, i).unwrap(), want);
            verify_inclusion(&l[i], i as u64, 8, &want, &h(ROOTS[8])).unwrap();
        }
    }

    #[test]
    fn consistency_proofs_match_the_reference_vectors() {
        let l = reference_leaves();
        let cases: [(usize, usize, Vec<&str>); 4] = [
            (1, 1, vec![]),
            (
                1,
                8,
                vec![
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                6,
                8,
                vec![
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                2,
                5,
                vec![
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
        ];
        for (m, n, want) in cases {
            let want: Vec<Hash> = want.iter().map(|x| h(x)).collect();
            assert_eq!(consistency_proof(&l[..n], m).unwrap(), want, "{m}→{n}");
            verify_consistency(m as u64, n as u64, &h(ROOTS[m]), &h(ROOTS[n]), &want).unwrap();
        }
    }

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(&(i as u64).to_be_bytes()))
            .collect()
    }

    #[test]
    fn every_proof_in_every_small_tree_verifies_and_every_flipped_bit_fails() {
        let all = leaves(33);
        for n in 1..=all.len() {
            let l = &all[..n];
            let r = root(l);
            for i in 0..n {
                let p = inclusion_proof(l, i).unwrap();
                verify_inclusion(&l[i], i as u64, n as u64, &p, &r).unwrap();
                for k in 0..p.len() {
                    let mut bad = p.clone();
                    bad[k][k % 32] ^= 1;
                    assert!(verify_inclusion(&l[i], i as u64, n as u64, &bad, &r).is_err());
                }
                if n > 1 {
                    let other = (i + 1) % n;
                    assert!(verify_inclusion(&l[other], i as u64, n as u64, &p, &r).is_err());
                }
            }
            for m in 0..=n {
                let rm = root(&l[..m]);
                let p = consistency_proof(l, m).unwrap();
                verify_consistency(m as u64, n as u64, &rm, &r, &p).unwrap();
                for k in 0..p.len() {
                    let mut bad = p.clone();
                    bad[k][31 - k % 32] ^= 0x80;
                    assert!(verify_consistency(m as u64, n as u64, &rm, &r, &bad).is_err());
                }
                if m > 0 && m < n {
                    let mut wrong_root = rm;
                    wrong_root[0] ^= 1;
                    assert!(verify_consistency(m as u64, n as u64, &wrong_root, &r, &p).is_err());
                }
            }
        }
    }

    proptest! {
        /// A history rewritten at any position before the old size breaks consistency with the
        /// old root, whatever proof the rewritten log offers.
        #[test]
        fn rewriting_history_breaks_consistency(n in 2usize..60, m_frac in 0.0f64..1.0, at_frac in 0.0f64..1.0) {
            let l = leaves(n);
            let m = ((m_frac * (n - 1) as f64) as usize).max(1);
            let old_root = root(&l[..m]);
            let mut rewritten = l.clone();
            let at = (at_frac * m as f64) as usize % m;
            rewritten[at][0] ^= 0xff;
            let p = consistency_proof(&rewritten, m).unwrap();
            let r = root(&rewritten);
            prop_assert!(verify_consistency(m as u64, n as u64, &old_root, &r, &p).is_err());
        }
    }
}
