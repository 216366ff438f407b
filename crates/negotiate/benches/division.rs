//! Maximum Nash welfare by branch and bound on 5 parties × 20 items (issue 4's goal: ≤ 2 s),
//! on seeded random instances of three kinds: independent points, correlated points (parties
//! agree on what matters, the hard case), and identical parties.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;

use accord_negotiate::welfare::max_nash_welfare_search;
use criterion::{Criterion, criterion_group, criterion_main};

/// Seeded instances: `points[party][item]`.
pub fn instance(kind: &str, n: usize, m: usize, seed: u64) -> Vec<Vec<i128>> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let common: Vec<i128> = (0..m).map(|_| (next() % 100) as i128 + 1).collect();
    (0..n)
        .map(|_| {
            (0..m)
                .map(|k| match kind {
                    "independent" => (next() % 100) as i128,
                    "correlated" => common[k] + (next() % 21) as i128 - 10,
                    _ => common[k],
                })
                .map(|v| v.max(0))
                .collect()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("mnw-5x20");
    g.sample_size(10);
    for kind in ["independent", "correlated", "identical"] {
        // The worst of 20 seeded instances, timed once each.
        let mut worst = (0.0f64, 0u64, 0u64);
        for seed in 1..=20 {
            let points = instance(kind, 5, 20, seed);
            let t = std::time::Instant::now();
            let r = max_nash_welfare_search(&points, u64::MAX).unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            assert!(r.exact);
            if ms > worst.0 {
                worst = (ms, r.nodes, seed);
            }
        }
        eprintln!(
            "{kind}: worst of 20 seeds {:.1} ms ({} nodes, seed {})",
            worst.0, worst.1, worst.2
        );
        let points = instance(kind, 5, 20, 7);
        let r = max_nash_welfare_search(&points, u64::MAX).unwrap();
        eprintln!("{kind}: exact={} nodes={}", r.exact, r.nodes);
        g.bench_function(kind, |b| {
            b.iter(|| max_nash_welfare_search(black_box(&points), u64::MAX).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
