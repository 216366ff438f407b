//! Criterion benches of the frontier merge and the fair points on the shared ANAC scenarios
//! (`cargo bench -p accord-negotiate`). Scenarios whose folder is absent are skipped by name.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;

use accord_negotiate::analyze::{Disagreement, analyze};
use accord_negotiate::frontier::merged;
use accord_negotiate::import::{Semantics, load_folder};
use criterion::{Criterion, criterion_group, criterion_main};

fn domains() -> PathBuf {
    std::env::var("ACCORD_NEGOTIATION_DOMAINS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/negotiation-domains")
        })
}

fn bench(c: &mut Criterion) {
    for (name, dir) in [
        ("CameraB", "other/CameraB"),
        ("Travel", "anac/y2010/Travel"),
        ("EnergyA", "anac/y2012/EnergyA"),
        ("AMPOvsCity", "other/AMPOvsCity"),
        ("parsCat", "anac/y2016/parsCat"),
    ] {
        let path = domains().join(dir);
        if !path.is_dir() {
            println!("SKIPPED {name}: {} is absent", path.display());
            continue;
        }
        let problem = load_folder(&path, Semantics::Genius).unwrap();
        let ints = problem.to_integers().unwrap();
        c.bench_function(&format!("frontier/{name}"), |b| {
            b.iter(|| merged(&ints, 10_000_000).unwrap().len())
        });
        c.bench_function(&format!("analyze/{name}"), |b| {
            b.iter(|| analyze(&problem, "genius", Disagreement::Reservation).unwrap())
        });
        c.bench_function(&format!("load/{name}"), |b| {
            b.iter(|| load_folder(&path, Semantics::Genius).unwrap().issues.len())
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
