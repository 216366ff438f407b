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
    let t = Instant::now();
    let (mut e, _) = accord_vault::format::Encryptor::new(&key, "c/d", 64 * 1024).unwrap();
    let mut n = 0;
    for p in data.chunks(piece) {
        n += e.push(p).unwrap().len();
    }
    let _ = e.finish().unwrap();
    println!(
        "encrypt     {:.2} s ({n} chunks)",
        t.elapsed().as_secs_f64()
    );
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
