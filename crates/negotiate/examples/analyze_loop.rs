//! Runs the analysis of one folder many times (for profiling: `perf record`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
use accord_negotiate::analyze::{Disagreement, analysis};
use accord_negotiate::import::{Semantics, load_folder};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let sem = if args.get(3).map(String::as_str) == Some("genius") {
        Semantics::Genius
    } else {
        Semantics::Raw
    };
    let t = std::time::Instant::now();
    for _ in 0..n {
        let p = load_folder(std::path::Path::new(&args[1]), sem).unwrap();
        std::hint::black_box(analysis(&p, "raw", Disagreement::Min).unwrap().to_json());
    }
    println!(
        "{:.3} ms per load+analyze",
        t.elapsed().as_secs_f64() * 1e3 / n as f64
    );
}
