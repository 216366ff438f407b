//! `accord negotiate analyze`: the frontier and the fair points of a scenario, as one JSON object.

use serde_json::Value;

use crate::exact::{self, Exact, Wide};
use crate::fair;
use crate::frontier;
use crate::space::{IntProblem, Issue};
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

/// A frontier point as found: one option per issue and the parties' utilities (the exact scaled
/// value divided by the party's scale, as the nearest float).
struct ShownPoint {
    outcome: Vec<usize>,
    utilities: Vec<f64>,
}

/// A frontier point as printed: `outcome` (issue → value) and `utilities` (per party, in
/// profile order). Keys are written in sorted order, as a JSON object map would hold them.
pub struct PointOut<'a> {
    issues: &'a [Issue],
    order: &'a [usize],
    point: &'a ShownPoint,
}

impl serde::Serialize for PointOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeStruct};
        struct Outcome<'b>(&'b PointOut<'b>);
        impl serde::Serialize for Outcome<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let p = self.0;
                let mut m = s.serialize_map(Some(p.order.len()))?;
                for &i in p.order {
                    let issue = &p.issues[i];
                    m.serialize_entry(&issue.name, &issue.values[p.point.outcome[i]])?;
                }
                m.end()
            }
        }
        struct Utilities<'b>(&'b PointOut<'b>);
        impl serde::Serialize for Utilities<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeSeq;
                let p = self.0;
                let mut q = s.serialize_seq(Some(p.point.utilities.len()))?;
                for u in &p.point.utilities {
                    q.serialize_element(u)?;
                }
                q.end()
            }
        }
        let mut st = s.serialize_struct("Point", 2)?;
        st.serialize_field("outcome", &Outcome(self))?;
        st.serialize_field("utilities", &Utilities(self))?;
        st.end()
    }
}

/// The disagreement point as printed.
#[derive(serde::Serialize)]
pub struct DisagreementOut {
    kind: &'static str,
    utilities: Vec<f64>,
}

/// The analysis of a scenario, serialised straight to JSON (no intermediate value tree): the
/// fields of `accord negotiate analyze --json` in DESIGN.md, in sorted key order.
#[derive(serde::Serialize)]
pub struct Analysis {
    disagreement: DisagreementOut,
    egalitarian: Option<usize>,
    /// Milliseconds from reading the files to the finished analysis (set by the caller).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<f64>,
    #[serde(skip)]
    issues: Vec<Issue>,
    #[serde(skip)]
    parties: Vec<String>,
    #[serde(skip)]
    order: Vec<usize>,
    #[serde(skip)]
    points: Vec<ShownPoint>,
    /// Bits of the exact integers the analysis needed (128, or 256 for finer scenarios).
    #[serde(skip)]
    pub exact_bits: u32,
    kalai_smorodinsky: Option<usize>,
    nash: Option<usize>,
    /// Packages the agenda spans.
    pub outcomes: u64,
    semantics: String,
    utilitarian: Option<usize>,
}

impl Analysis {
    /// The parties, in profile order.
    pub fn parties(&self) -> &[String] {
        &self.parties
    }

    /// Packages on the frontier.
    pub fn frontier_len(&self) -> usize {
        self.points.len()
    }

    /// One point as printed.
    fn point(&self, i: usize) -> PointOut<'_> {
        PointOut {
            issues: &self.issues,
            order: &self.order,
            point: &self.points[i],
        }
    }

    /// The JSON object (one line), with `elapsed_ms` if set.
    pub fn to_json(&self) -> String {
        use serde::ser::{SerializeMap, Serializer};
        let mut out = Vec::with_capacity(256 + self.points.len() * 128);
        let mut ser = serde_json::Serializer::new(&mut out);
        let written = (|| {
            let pick = |i: Option<usize>| i.map(|i| self.point(i));
            let mut m = ser.serialize_map(None)?;
            m.serialize_entry("disagreement", &self.disagreement)?;
            m.serialize_entry("egalitarian", &pick(self.egalitarian))?;
            if let Some(e) = self.elapsed_ms {
                m.serialize_entry("elapsed_ms", &e)?;
            }
            let frontier: Vec<PointOut<'_>> =
                (0..self.points.len()).map(|i| self.point(i)).collect();
            m.serialize_entry("frontier", &frontier)?;
            m.serialize_entry("kalai_smorodinsky", &pick(self.kalai_smorodinsky))?;
            m.serialize_entry("nash", &pick(self.nash))?;
            m.serialize_entry("outcomes", &self.outcomes)?;
            m.serialize_entry("parties", &self.parties)?;
            m.serialize_entry("semantics", &self.semantics)?;
            m.serialize_entry("utilitarian", &pick(self.utilitarian))?;
            SerializeMap::end(m)
        })();
        match written {
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(e) => format!("{{\"error\":{:?}}}", e.to_string()),
        }
    }

    /// The same object as a JSON value (for tests and callers that inspect it).
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.to_json()).unwrap_or(Value::Null)
    }
}

/// Computes the analysis: the frontier with one package per point, the disagreement point and the
/// four fair points. The exact arithmetic is 128-bit where the scenario allows and 256-bit
/// where its denominators need more; a scenario beyond that is refused (`precision-overflow`).
pub fn analysis(
    problem: &Problem,
    semantics: &str,
    disagreement: Disagreement,
) -> Result<Analysis, NegotiateError> {
    match problem.to_integers() {
        Ok(p) => analysis_of(problem, p, semantics, disagreement),
        Err(e) if e.code == "precision-overflow" => {
            let wide = problem.to_integers_as::<Wide>()?;
            analysis_of(problem, wide, semantics, disagreement)
        }
        Err(e) => Err(e),
    }
}

fn analysis_of<T: Exact>(
    problem: &Problem,
    p: IntProblem<T>,
    semantics: &str,
    disagreement: Disagreement,
) -> Result<Analysis, NegotiateError> {
    let points = frontier::merged(&p, MAX_INTERMEDIATE)?;
    let range = p.range();
    let d: Vec<T> = (0..p.parties())
        .map(|j| match disagreement {
            Disagreement::Reservation => p.reservation[j].unwrap_or(T::ZERO),
            Disagreement::Zero => T::ZERO,
            Disagreement::Min => range[j].0,
        })
        .collect();
    // Issues in name order, one per name (the last of duplicates, as a map would keep).
    let mut order: Vec<usize> = (0..p.issues.len()).collect();
    order.sort_by(|a, b| p.issues[*a].name.cmp(&p.issues[*b].name).then(b.cmp(a)));
    order.dedup_by(|a, b| p.issues[*a].name == p.issues[*b].name);
    let shown = |u: &[T]| -> Vec<f64> {
        u.iter()
            .zip(&p.scale)
            .map(|(x, s)| exact::ratio(*x, *s))
            .collect()
    };
    Ok(Analysis {
        disagreement: DisagreementOut {
            kind: match disagreement {
                Disagreement::Reservation => "reservation",
                Disagreement::Zero => "zero",
                Disagreement::Min => "min",
            },
            utilities: shown(&d),
        },
        nash: fair::nash(&points, &d),
        kalai_smorodinsky: fair::kalai_smorodinsky(&points, &d),
        egalitarian: fair::egalitarian(&points, &d, &p.scale),
        utilitarian: fair::utilitarian(&points, &d, &p.scale),
        elapsed_ms: None,
        outcomes: problem
            .outcomes()
            .to_string()
            .parse::<u64>()
            .unwrap_or(u64::MAX),
        semantics: semantics.to_owned(),
        order,
        points: points
            .into_iter()
            .map(|pt| ShownPoint {
                utilities: shown(&pt.utilities),
                outcome: pt.outcome,
            })
            .collect(),
        exact_bits: T::BITS,
        issues: p.issues,
        parties: p.parties,
    })
}

/// Computes the analysis object (without `elapsed_ms`, which the caller adds).
pub fn analyze(
    problem: &Problem,
    semantics: &str,
    disagreement: Disagreement,
) -> Result<Value, NegotiateError> {
    Ok(analysis(problem, semantics, disagreement)?.to_value())
}
