//! Times the frontier alone — the same work as NegMAS's `pareto_frontier` after loading: from
//! the loaded problem to the exact frontier with one package per point (the conversion to
//! integers included). Used by `bench/negotiation/compare-negmas`.
//!
//! `cargo run --release -p accord-negotiate --example frontier_time -- FOLDER...` prints one JSON
//! line per folder: the first (cold) call and the median of 31 calls, in microseconds, with raw
//! semantics as NegMAS loads Genius files.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Instant;

use accord_negotiate::frontier::merged;
use accord_negotiate::import::{Semantics, load_folder};

fn main() {
    for folder in std::env::args().skip(1) {
        let problem = match load_folder(std::path::Path::new(&folder), Semantics::Raw) {
            Ok(p) => p,
            Err(e) => {
                println!("{{\"scenario\":{folder:?},\"error\":{:?}}}", e.to_string());
                continue;
            }
        };
        let run = || {
            let ints = problem.to_integers().unwrap();
            merged(&ints, 10_000_000).unwrap().len()
        };
        let t = Instant::now();
        let points = run();
        let first = t.elapsed().as_secs_f64() * 1e6;
        let mut times: Vec<f64> = (0..31)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(run());
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "{{\"scenario\":{folder:?},\"points\":{points},\"first_us\":{first:.1},\"median_us\":{:.1}}}",
            times[times.len() / 2]
        );
    }
}
