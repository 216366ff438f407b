//! `accord negotiate analyze`: the frontier and the fair points of a scenario, as one JSON object.

use serde_json::{Map, Value, json};

use crate::fair;
use crate::frontier::{self, Point};
use crate::space::IntProblem;
use crate::{NegotiateError, space::Problem};

/// Where the disagreement point comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disagreement {
    /// Each party's reservation value (zero where none is stated).
    Reservation,
    /// Zero for everyone.
    Zero,
    /// Each party's minimum utility over all outcomes.
    Min,
}

/// Largest intermediate frontier the merge accepts (a guard, far above real scenarios).
pub const MAX_INTERMEDIATE: usize = 2_000_000;

fn point_json(p: &IntProblem, pt: &Point) -> Value {
    let utilities: Vec<f64> = pt
        .utilities
        .iter()
        .zip(&p.scale)
        .map(|(u, s)| *u as f64 / *s as f64)
        .collect();
    let mut outcome = Map::new();
    for (i, &k) in pt.outcome.iter().enumerate() {
        outcome.insert(
            p.issues[i].name.clone(),
            Value::String(p.issues[i].values[k].clone()),
        );
    }
    json!({"utilities": utilities, "outcome": outcome})
}

/// Computes the analysis object (without `elapsed_ms`, which the caller adds).
pub fn analyze(
    problem: &Problem,
    semantics: &str,
    disagreement: Disagreement,
) -> Result<Value, NegotiateError> {
    let p = problem.to_integers()?;
    let points = frontier::merged(&p, MAX_INTERMEDIATE)?;
    let range = p.range();
    let d: Vec<i128> = (0..p.parties())
        .map(|j| match disagreement {
            Disagreement::Reservation => p.reservation[j].unwrap_or(0),
            Disagreement::Zero => 0,
            Disagreement::Min => range[j].0,
        })
        .collect();
    let pick = |i: Option<usize>| i.map(|i| point_json(&p, &points[i])).unwrap_or(Value::Null);
    Ok(json!({
        "parties": p.parties,
        "outcomes": problem.outcomes().to_string().parse::<u64>().unwrap_or(u64::MAX),
        "frontier": points.iter().map(|pt| point_json(&p, pt)).collect::<Vec<_>>(),
        "nash": pick(fair::nash(&points, &d)),
        "kalai_smorodinsky": pick(fair::kalai_smorodinsky(&points, &d)),
        "egalitarian": pick(fair::egalitarian(&points, &d, &p.scale)),
        "utilitarian": pick(fair::utilitarian(&points, &d, &p.scale)),
        "semantics": semantics,
        "disagreement": {
            "kind": match disagreement { Disagreement::Reservation => "reservation", Disagreement::Zero => "zero", Disagreement::Min => "min" },
            "utilities": d.iter().zip(&p.scale).map(|(x, s)| *x as f64 / *s as f64).collect::<Vec<_>>(),
        },
    }))
}
