//! The engine against brute force on random instances, and against published golden values.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use accord_negotiate::analyze::{Disagreement, analyze};
use accord_negotiate::fair;
use accord_negotiate::frontier::{brute_force, dominates, merged};
use accord_negotiate::import::{Semantics, load_folder};
use accord_negotiate::rational::Q;
use accord_negotiate::space::{Issue, Problem, UtilityProfile};
use proptest::prelude::*;

fn problem(parties: usize, shape: &[usize], vals: &[i64]) -> Problem {
    let mut it = vals.iter().cycle();
    Problem {
        issues: shape
            .iter()
            .enumerate()
            .map(|(i, &k)| Issue {
                name: format!("i{i}"),
                values: (0..k).map(|v| format!("v{v}")).collect(),
            })
            .collect(),
        profiles: (0..parties)
            .map(|j| UtilityProfile {
                name: format!("p{j}"),
                terms: shape
                    .iter()
                    .map(|&k| {
                        (0..k)
                            .map(|_| Q::int(i128::from(*it.next().unwrap())))
                            .collect()
                    })
                    .collect(),
                reservation: None,
            })
            .collect(),
    }
}

fn arb() -> impl Strategy<Value = Problem> {
    (
        2usize..5,
        prop::collection::vec(1usize..5, 1..5),
        prop::collection::vec(-6i64..10, 1..64),
    )
        .prop_map(|(p, shape, vals)| problem(p, &shape, &vals))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Every improvement of a tentative agreement is efficient and better for someone, worse for
    /// no one; there is none exactly when the agreement is on the frontier.
    #[test]
    fn improvements_of_a_tentative_agreement(pb in arb(), pick in any::<prop::sample::Index>()) {
        let p = pb.to_integers().unwrap();
        let shape: Vec<usize> = p.issues.iter().map(|i| i.values.len()).collect();
        let outcome: Vec<usize> = shape.iter().map(|&k| pick.index(k)).collect();
        let tentative = p.evaluate(&outcome);
        let f = merged(&p, 1_000_000).unwrap();
        let better = accord_negotiate::frontier::improvements(&f, &tentative);
        for b in &better {
            prop_assert!(dominates(&b.utilities, &tentative));
        }
        let efficient = f.iter().any(|x| x.utilities == tentative);
        prop_assert_eq!(better.is_empty(), efficient);
    }

    /// Soundness and completeness: the merged frontier is exactly the brute-force one (as a set
    /// of utility vectors), each package evaluates to its point, and no point dominates another.
    #[test]
    fn merged_frontier_equals_brute_force(pb in arb()) {
        let p = pb.to_integers().unwrap();
        let bf = brute_force(&p, 1_000_000).unwrap();
        let mg = merged(&p, 1_000_000).unwrap();
        let set = |v: &Vec<accord_negotiate::frontier::Point>| v.iter().map(|x| x.utilities.clone()).collect::<BTreeSet<_>>();
        prop_assert_eq!(set(&bf), set(&mg));
        prop_assert_eq!(bf.len(), mg.len(), "one package per point");
        for pt in &mg {
            prop_assert_eq!(p.evaluate(&pt.outcome), pt.utilities.clone());
            prop_assert!(!mg.iter().any(|o| dominates(&o.utilities, &pt.utilities)));
        }
    }

    /// Nash and Kalai–Smorodinsky pick the same package after a positive affine rescaling of any
    /// party (multiply its terms by c > 0, add a constant to one issue and to its disagreement).
    #[test]
    fn nash_and_ks_are_invariant_under_affine_rescaling(pb in arb(), party in 0usize..4, c in 1i64..7, shift in -20i64..20) {
        let party = party % pb.profiles.len();
        let mut scaled = pb.clone();
        for issue in scaled.profiles[party].terms.iter_mut() {
            for t in issue.iter_mut() {
                *t = t.times(Q::int(i128::from(c))).unwrap();
            }
        }
        for t in scaled.profiles[party].terms[0].iter_mut() {
            *t = t.plus(Q::int(i128::from(shift))).unwrap();
        }
        let (a, b) = (pb.to_integers().unwrap(), scaled.to_integers().unwrap());
        let (fa, fb) = (merged(&a, 1_000_000).unwrap(), merged(&b, 1_000_000).unwrap());
        let da: Vec<i128> = a.range().iter().map(|r| r.0).collect();
        let db: Vec<i128> = b.range().iter().map(|r| r.0).collect();
        let pkg = |f: &Vec<accord_negotiate::frontier::Point>, i: Option<usize>, p: &accord_negotiate::space::IntProblem| i.map(|i| p.evaluate(&f[i].outcome));
        // Compare by the original problem's utilities of the chosen packages (ties may pick
        // different packages with equal utilities).
        let na = pkg(&fa, fair::nash(&fa, &da), &a);
        let nb = fb.get(fair::nash(&fb, &db).unwrap_or(usize::MAX)).map(|pt| a.evaluate(&pt.outcome));
        prop_assert_eq!(na, nb);
        let ka = pkg(&fa, fair::kalai_smorodinsky(&fa, &da), &a);
        let kb = fb.get(fair::kalai_smorodinsky(&fb, &db).unwrap_or(usize::MAX)).map(|pt| a.evaluate(&pt.outcome));
        prop_assert_eq!(ka, kb);
    }
}

/// The shared scenario folder (`ACCORD_NEGOTIATION_DOMAINS`, or `../shared/negotiation-domains`
/// beside the checkout). `None`, with the test reported as skipped by name, when it is absent.
fn domains(test: &str) -> Option<PathBuf> {
    let dir = std::env::var("ACCORD_NEGOTIATION_DOMAINS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/negotiation-domains")
        });
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("SKIPPED {test}: {} is absent", dir.display());
        None
    }
}

#[test]
fn camera_b_frontier_has_16_points_in_genius_semantics_and_12_in_raw() {
    // Golden values from reference/negotiation.md §8 (measured with Genius semantics and NegMAS).
    let Some(root) = domains("camera_b") else {
        return;
    };
    let dir = root.join("other/CameraB");
    let genius = load_folder(&dir, Semantics::Genius).unwrap();
    let raw = load_folder(&dir, Semantics::Raw).unwrap();
    assert_eq!(genius.outcomes(), 3_600);
    let g = merged(&genius.to_integers().unwrap(), 1_000_000).unwrap();
    let r = merged(&raw.to_integers().unwrap(), 1_000_000).unwrap();
    assert_eq!((g.len(), r.len()), (16, 12));
    let v = analyze(&genius, "genius", Disagreement::Reservation).unwrap();
    assert_eq!(v["frontier"].as_array().unwrap().len(), 16);
    for pt in v["frontier"].as_array().unwrap() {
        for u in pt["utilities"].as_array().unwrap() {
            let u = u.as_f64().unwrap();
            assert!(
                (0.0..=1.0).contains(&u),
                "genius utilities lie in [0,1]: {u}"
            );
        }
    }
    assert!(v["nash"]["outcome"]["Maker"].is_string());
}

#[test]
fn geniusweb_profiles_load_with_their_reservation_bids() {
    let Some(root) = domains("geniusweb") else {
        return;
    };
    let p = load_folder(&root.join("geniusweb/FlightBooking"), Semantics::Genius).unwrap();
    assert_eq!(p.profiles.len(), 2);
    assert_eq!(p.outcomes(), 36);
    // flightbooking1's reservation bid (200000yen, CentAir, 3 sept.): 0.35·0.5 + 0.35·0.667 + 0.3·1.
    assert_eq!(
        p.profiles[0].reservation,
        Some(Q::parse("0.70845").unwrap())
    );
}

#[test]
fn malformed_and_mismatched_files_get_clear_errors() {
    let dir = std::env::temp_dir().join(format!("accord-neg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("d.xml"), "<negotiation_template><utility_space><objective><issue name=\"A\" etype=\"discrete\"><item value=\"x\"/></issue></objective></utility_space></negotiation_template>").unwrap();
    std::fs::write(dir.join("p1.xml"), "<utility_space><objective><issue index=\"1\" name=\"A\" etype=\"discrete\"><item value=\"x\" evaluation=\"1\"/></issue><weight index=\"1\" value=\"1\"/></objective></utility_space>").unwrap();
    std::fs::write(
        dir.join("p2.xml"),
        "<utility_space><objective><issue index=\"1\" name=\"B\"></issue></objective>",
    )
    .unwrap();
    let e = load_folder(&dir, Semantics::Genius).unwrap_err();
    assert_eq!(e.code, "malformed-xml", "{e}");
    std::fs::write(dir.join("p2.xml"), "<utility_space><objective><issue index=\"1\" name=\"B\"></issue></objective></utility_space>").unwrap();
    assert_eq!(
        load_folder(&dir, Semantics::Genius).unwrap_err().code,
        "profile-domain-mismatch"
    );
    std::fs::write(dir.join("p2.xml"), "<utility_space><objective><issue index=\"1\" name=\"A\" etype=\"discrete\"><item value=\"x\" evaluation=\"two\"/></issue><weight index=\"1\" value=\"1\"/></objective></utility_space>").unwrap();
    assert_eq!(
        load_folder(&dir, Semantics::Genius).unwrap_err().code,
        "invalid-number"
    );
    assert_eq!(
        load_folder(&dir.join("nope"), Semantics::Genius)
            .unwrap_err()
            .code,
        "unreadable-folder"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

mod adjusted_winner {
    use accord_negotiate::division::adjusted_winner;
    use accord_negotiate::rational::Q;
    use proptest::prelude::*;

    fn q(v: &[u32]) -> Vec<Q> {
        v.iter().map(|x| Q::int(i128::from(*x))).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

        /// Equitable (equal totals), envy-free, efficient (the ratio order separates the parties'
        /// items), at most one item split.
        #[test]
        fn adjusted_winner_properties(items in prop::collection::vec((0u32..60, 0u32..60), 1..10)) {
            let a = q(&items.iter().map(|x| x.0).collect::<Vec<_>>());
            let b = q(&items.iter().map(|x| x.1).collect::<Vec<_>>());
            let total = |v: &[Q]| v.iter().fold(Q::ZERO, |x, y| x.plus(*y).unwrap());
            if total(&a).n == 0 || total(&b).n == 0 {
                prop_assert_eq!(adjusted_winner(&a, &b).unwrap_err().code, "no-points");
                return Ok(());
            }
            let norm = |v: &[Q]| { let t = total(v); v.iter().map(|x| x.times(Q::int(100)).unwrap().over(t).unwrap()).collect::<Vec<_>>() };
            let (a, b) = (norm(&a), norm(&b));
            let r = adjusted_winner(&a, &b).unwrap();
            let one = Q::int(1);
            let split = r.share_first.iter().filter(|s| s.n != 0 && *s != &one).count();
            prop_assert!(split <= 1, "{} items split", split);
            let (mut a_own, mut a_other, mut b_own, mut b_other) = (Q::ZERO, Q::ZERO, Q::ZERO, Q::ZERO);
            for i in 0..a.len() {
                let s = r.share_first[i];
                let rest = one.plus(Q::int(-1).times(s).unwrap()).unwrap();
                a_own = a_own.plus(a[i].times(s).unwrap()).unwrap();
                a_other = a_other.plus(a[i].times(rest).unwrap()).unwrap();
                b_own = b_own.plus(b[i].times(rest).unwrap()).unwrap();
                b_other = b_other.plus(b[i].times(s).unwrap()).unwrap();
            }
            let total_a = a.iter().fold(Q::ZERO, |x, y| x.plus(*y).unwrap());
            let total_b = b.iter().fold(Q::ZERO, |x, y| x.plus(*y).unwrap());
            // Equitable unless one party can't be brought up (the other values nothing it could give).
            if total_a.n > 0 && total_b.n > 0 {
                prop_assert_eq!(a_own, b_own, "equitable");
            }
            prop_assert!(a_own.cmp_exact(a_other).unwrap().is_ge() || total_a.n == 0, "A envies B");
            prop_assert!(b_own.cmp_exact(b_other).unwrap().is_ge() || total_b.n == 0, "B envies A");
            // Efficiency: no item held (even partly) by B has a higher a/b ratio than an item
            // held (even partly) by A... i.e. for i with A-share > 0 and j with B-share > 0:
            // a_i·b_j ≥ a_j·b_i.
            for i in 0..a.len() {
                for j in 0..a.len() {
                    if r.share_first[i].n != 0 && r.share_first[j] != one {
                        let l = a[i].times(b[j]).unwrap();
                        let rr = a[j].times(b[i]).unwrap();
                        prop_assert!(l.cmp_exact(rr).unwrap().is_ge(), "items {} and {} break efficiency", i, j);
                    }
                }
            }
        }
    }

    #[test]
    fn items_worthless_to_both_do_not_disturb_the_order() {
        // Found by the property test: a (0, 0) item compared equal to every other item and broke
        // the transfer order, so the wrong item was split.
        let a = q(&[43, 0, 0, 55]);
        let b = q(&[1, 21, 0, 2]);
        let r = adjusted_winner(&a, &b).unwrap();
        assert_eq!(r.totals[0], r.totals[1]);
        assert_eq!(
            r.share_first[0],
            Q::int(1),
            "A keeps the item it values most relative to B"
        );
        assert!(
            r.share_first[3].n != 0 && r.share_first[3] != Q::int(1),
            "the lowest-ratio item is split"
        );
    }

    #[test]
    fn bob_and_carol_and_the_trump_divorce() {
        // Carol/Bob: Retirement 50/40, Home 20/30, Cottage 15/10, Investments 10/10, Other 5/10.
        let r = adjusted_winner(&q(&[50, 20, 15, 10, 5]), &q(&[40, 30, 10, 10, 10])).unwrap();
        assert_eq!(
            r.share_first,
            vec![Q::new(5, 6).unwrap(), Q::ZERO, Q::int(1), Q::ZERO, Q::ZERO]
        );
        assert_eq!(r.totals, [Q::new(170, 3).unwrap(), Q::new(170, 3).unwrap()]);
        // Donald/Ivana: CT estate 10/38, Palm Beach 40/20, Plaza apartment 10/30, Tower triplex
        // 38/10, cash and jewelry 2/2.
        let r = adjusted_winner(&q(&[10, 40, 10, 38, 2]), &q(&[38, 20, 30, 10, 2])).unwrap();
        assert_eq!(
            r.share_first,
            vec![
                Q::ZERO,
                Q::new(13, 15).unwrap(),
                Q::ZERO,
                Q::int(1),
                Q::ZERO
            ]
        );
        assert_eq!(r.totals, [Q::new(218, 3).unwrap(), Q::new(218, 3).unwrap()]);
    }

    #[test]
    fn a_textbook_example_splits_one_item() {
        // A: house 50, car 30, art 20; B: house 40, car 20, art 40.
        let r = adjusted_winner(&q(&[50, 30, 20]), &q(&[40, 20, 40])).unwrap();
        assert_eq!(r.totals[0], r.totals[1]);
        // A wins house and car (80) and B art (40); A gives back part of the house:
        // 80 − 50(1−p) = 40 + 40(1−p) ⇒ 1−p = 4/9, A keeps 5/9 of the house.
        assert_eq!(
            r.share_first,
            vec![Q::new(5, 9).unwrap(), Q::int(1), Q::ZERO]
        );
        assert_eq!(r.totals[0], Q::new(520, 9).unwrap());
    }
}

/// Golden frontier sizes and Nash points from reference/negotiation.md §7 (NegMAS semantics with
/// NegMAS's disagreement point — the range minima here — and Genius semantics).
#[test]
fn anac_frontiers_match_the_published_golden_values() {
    let Some(root) = domains("anac_goldens") else {
        return;
    };
    // (folder, raw size, raw Nash, genius size)
    let cases: &[(&str, usize, Option<&[f64]>, usize)] = &[
        ("anac/y2010/Travel", 21, Some(&[337.914302, 287.989217]), 12),
        (
            "anac/y2012/EnergyA",
            151,
            Some(&[651.962482, 607.193829]),
            151,
        ),
        (
            "anac/y2016/parsCat",
            690,
            Some(&[3.768977, 3.897157, 3.659215]),
            757,
        ),
        ("other/CameraB", 12, Some(&[269.8, 164.3]), 16),
        // Genius semantics: exactly 39 (a brute force in Python fractions agrees); the published
        // 43 comes from floating-point sums, which break exact ties (a float brute force gives 44).
        ("anac/y2012/SupermarketA", 39, None, 39),
        // Its profiles list one value twice; the last evaluation counts, as map-based loaders read it.
        // The published Nash point is (71.6, 79.3): NegMAS's lenient Genius reader inserts a
        // one-value `DUMMY_ISSUE` (weight 1, value 1) for the domain's unused issue index 1 — a
        // constant +1.0 for each party (negmas `Scenario.remove_dummy_issues` documents it). NegMAS
        // values Accord's Nash package at exactly (71.6, 79.3); without the placeholder it is this.
        ("other/AMPOvsCity", 193, Some(&[70.6, 78.3]), 192),
    ];
    for (dir, raw_size, raw_nash, genius_size) in cases {
        let raw = load_folder(&root.join(dir), Semantics::Raw).unwrap();
        let v = analyze(&raw, "raw", Disagreement::Min).unwrap();
        assert_eq!(
            v["frontier"].as_array().unwrap().len(),
            *raw_size,
            "{dir} raw"
        );
        if let Some(n) = raw_nash {
            let got: Vec<f64> = v["nash"]["utilities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            for (g, e) in got.iter().zip(n.iter()) {
                assert!((g - e).abs() < 1e-6, "{dir} Nash {got:?} vs {n:?}");
            }
        }
        let genius = load_folder(&root.join(dir), Semantics::Genius).unwrap();
        let f = merged(&genius.to_integers().unwrap(), 10_000_000).unwrap();
        assert_eq!(f.len(), *genius_size, "{dir} genius");
    }
}
