//! Where the time of a 1 GiB upload goes, step by step, in memory (no HTTP, no disk):
//! `cargo run --release -p accord-vault --example throughput`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use sha2::Digest;

fn main() {
    let mib = 1024;
    let data: Vec<u8> =
        b"Memorial of the Republic, annex 12, paragraph: the facts as the Republic sees them.\n"
            .iter()
            .cycle()
            .take(mib * 1024 * 1024)
            .copied()
            .collect();
    let piece = 256 * 1024;
    let t = Instant::now();
    let mut h = sha2::Sha256::new();
    for p in data.chunks(piece) {
        h.update(p);
    }
    let _ = h.finalize();
    println!("sha256      {:.2} s", t.elapsed().as_secs_f64());
    let master = accord_keys::MasterKey::generate().unwrap();
    let (key, _) = master.new_data_key("c").unwrap();
    let v1 = accord_keys::ChunkScheme::XChaCha20Poly1305 { prefix: [7; 19] };
    for (name, scheme) in [
        (
            "AES-256-GCM (version 2)",
            accord_keys::ChunkScheme::fresh().unwrap(),
        ),
        ("XChaCha20-Poly1305 (version 1)", v1),
    ] {
        let t = Instant::now();
        let (mut e, header) =
            accord_vault::format::Encryptor::with_scheme(&key, "c/d", 64 * 1024, scheme).unwrap();
        let mut stored = vec![header];
        for p in data.chunks(piece) {
            stored.extend(e.push(p).unwrap());
        }
        stored.push(e.finish().unwrap());
        println!("encrypt     {:.2} s {name}", t.elapsed().as_secs_f64());
        let t = Instant::now();
        let mut d = accord_vault::format::Decryptor::new(&key, "c/d");
        let mut n = 0;
        for c in &stored {
            n += d.push(c).unwrap().iter().map(|b| b.len()).sum::<usize>();
        }
        n += d.finish().unwrap().len();
        assert_eq!(n, data.len());
        println!("decrypt     {:.2} s {name}", t.elapsed().as_secs_f64());
    }
    let t = Instant::now();
    let mut i = accord_vault::inspect::Inspector::new(accord_vault::Limits {
        max_bytes: u64::MAX,
        ..Default::default()
    });
    for p in data.chunks(piece) {
        i.feed(p).unwrap();
    }
    let _ = i.finish("text/plain");
    println!("inspect     {:.2} s", t.elapsed().as_secs_f64());
}
