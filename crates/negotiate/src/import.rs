//! Import of Genius XML and GeniusWeb JSON scenarios.
//!
//! Semantics ([`Semantics`]):
//! * `Genius`, as Genius's `AdditiveUtilitySpace` evaluates a bid: a discrete issue's evaluations
//!   are divided by that issue's maximum (an issue whose maximum is zero contributes zero); an
//!   integer issue's linear evaluator gives `offset + slope × (x − lowerbound)`, clipped to
//!   [0, 1] (Genius's `EvaluatorInteger`); both are then weighted: utilities lie in [0, 1], and
//!   the profile's reservation value is on that scale.
//! * `Raw`: weights times raw evaluations, as NegMAS loads Genius files: a linear evaluator gives
//!   `offset + slope × x` of the value itself, unclipped (so killer_robot's published NegMAS
//!   Nash point is reproduced); the reservation value is taken as written, which is what NegMAS
//!   compares it with.
//!
//! Integer issues are enumerated from `lowerbound` to `upperbound` (at most
//! [`MAX_INTEGER_RANGE`] values), read from the issue's attributes or, as older Genius templates
//! write them, from a `<range>` child. Real issues (Genius `type="real"`) are discretised into
//! [`REAL_STEPS`] evenly spaced values from the lower to the upper bound, both included — a
//! linear evaluator is best at a bound, so the bounds must be options (Genius's own analysis uses
//! 21 steps but leaves out the upper bound); their evaluator is `parameter1 × x + parameter0`
//! (or `slope × x + offset`), clipped to [0, 1] under Genius semantics. GeniusWeb number issues
//! (`range` with `low`, `high`, `step`) are enumerated as GeniusWeb does, and valued by their
//! `numberutils` line between (`lowValue`, `lowUtility`) and (`highValue`, `highUtility`), zero
//! outside it. Values are exact decimals throughout; labels are the decimals themselves.

use std::path::Path;

use serde_json::Value;

use crate::NegotiateError;
use crate::rational::Q;
use crate::space::{Issue, Problem, UtilityProfile};

/// Largest integer range enumerated as options (also the most values a number range may have).
pub const MAX_INTEGER_RANGE: i64 = 10_000;

/// Values a Genius real issue is discretised into (bounds included).
pub const REAL_STEPS: i128 = 21;

/// How evaluations become utilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Semantics {
    /// Genius: per-issue normalisation by the maximum, utilities in [0, 1].
    Genius,
    /// Weights × raw evaluations (NegMAS).
    Raw,
}

fn err(code: &'static str, m: impl Into<String>) -> NegotiateError {
    NegotiateError::new(code, m)
}

fn attr<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    n.attribute(name)
}

/// An issue of a Genius domain, with what the profile needs to know to read it.
#[derive(Debug, Clone)]
struct GeniusIssue {
    issue: Issue,
    index: String,
    kind: GeniusKind,
}

/// What a Genius issue's options are.
#[derive(Debug, Clone)]
enum GeniusKind {
    Discrete,
    /// Integers from this lower bound.
    Integer(i64),
    /// The exact values a real issue was discretised into.
    Real(Vec<Q>),
}

/// `q` as a decimal (`12.5`, `-0.05`, `3`), or `n/d` if it does not terminate.
pub fn decimal_label(q: Q) -> String {
    let (mut twos, mut fives, mut d) = (0u32, 0u32, q.d);
    while d % 2 == 0 {
        d /= 2;
        twos += 1;
    }
    while d % 5 == 0 {
        d /= 5;
        fives += 1;
    }
    let places = twos.max(fives);
    let scaled = 10i128
        .checked_pow(places)
        .and_then(|p| q.n.checked_mul(p / q.d));
    match scaled {
        Some(v) if d == 1 => {
            let sign = if v < 0 { "-" } else { "" };
            let digits = v.unsigned_abs().to_string();
            let places = places as usize;
            if places == 0 {
                return format!("{sign}{digits}");
            }
            let digits = format!("{digits:0>width$}", width = places + 1);
            let (int, frac) = digits.split_at(digits.len() - places);
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                format!("{sign}{int}")
            } else {
                format!("{sign}{int}.{frac}")
            }
        }
        _ => format!("{}/{}", q.n, q.d),
    }
}

/// `count` evenly spaced values from `low` to `high`, both included.
fn spaced(low: Q, high: Q, count: i128) -> Result<Vec<Q>, NegotiateError> {
    let width = high.plus(low.times(Q::int(-1))?)?;
    (0..count)
        .map(|i| low.plus(width.times(Q::new(i, count - 1)?)?))
        .collect()
}

/// An issue's bound (`lowerbound`, `upperbound`): an attribute of the issue itself, or of its
/// `<range>` child as older Genius templates write it.
fn bound_text<'a>(n: roxmltree::Node<'a, '_>, a: &str) -> Option<&'a str> {
    attr(n, a).or_else(|| {
        n.children()
            .find(|c| c.has_tag_name("range"))
            .and_then(|r| attr(r, a))
    })
}

/// The discretised values of a real issue: its bounds from its attributes or a `<range>` child.
fn real_range(
    n: roxmltree::Node<'_, '_>,
    file: &str,
    name: &str,
) -> Result<Vec<Q>, NegotiateError> {
    let bound = |a: &str| -> Result<Q, NegotiateError> {
        let text = bound_text(n, a).ok_or_else(|| {
            err(
                "malformed-domain",
                format!("{file}: real issue '{name}' lacks {a}"),
            )
        })?;
        Q::parse(text.trim())
    };
    let (lo, hi) = (bound("lowerbound")?, bound("upperbound")?);
    if hi.cmp_exact(lo)?.is_le() {
        return Err(err(
            "unsupported-issue",
            format!("{file}: real issue '{name}' has an empty range"),
        ));
    }
    spaced(lo, hi, REAL_STEPS)
}

fn parse_domain(text: &str, file: &str) -> Result<Vec<GeniusIssue>, NegotiateError> {
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| err("malformed-xml", format!("{file}: {e}")))?;
    let mut out = vec![];
    for n in doc.descendants().filter(|n| n.has_tag_name("issue")) {
        let name = attr(n, "name")
            .ok_or_else(|| err("malformed-domain", format!("{file}: an issue has no name")))?;
        let index = attr(n, "index").unwrap_or("").to_owned();
        let kind = attr(n, "etype").or(attr(n, "type")).unwrap_or("discrete");
        match kind {
            "discrete" => {
                let values: Vec<String> = n
                    .children()
                    .filter(|c| c.has_tag_name("item"))
                    .filter_map(|c| attr(c, "value").map(str::to_owned))
                    .collect();
                out.push(GeniusIssue {
                    issue: Issue {
                        name: name.into(),
                        values,
                    },
                    index,
                    kind: GeniusKind::Discrete,
                });
            }
            "integer" => {
                let b = |a: &str| -> Result<i64, NegotiateError> {
                    let text = bound_text(n, a).ok_or_else(|| {
                        err(
                            "malformed-domain",
                            format!("{file}: integer issue '{name}' lacks {a}"),
                        )
                    })?;
                    text.trim().parse().map_err(|_| {
                        err(
                            "malformed-domain",
                            format!(
                                "{file}: integer issue '{name}': {a} '{}' is not a whole number",
                                text.trim()
                            ),
                        )
                    })
                };
                let (lo, hi) = (b("lowerbound")?, b("upperbound")?);
                // In i128: the width of two extreme i64 bounds does not fit an i64.
                if hi < lo || i128::from(hi) - i128::from(lo) >= i128::from(MAX_INTEGER_RANGE) {
                    return Err(err(
                        "unsupported-issue",
                        format!("{file}: integer issue '{name}' has range {lo}..{hi}"),
                    ));
                }
                let values = (lo..=hi).map(|x| x.to_string()).collect();
                out.push(GeniusIssue {
                    issue: Issue {
                        name: name.into(),
                        values,
                    },
                    index,
                    kind: GeniusKind::Integer(lo),
                });
            }
            "real" => {
                let values = real_range(n, file, name)?;
                out.push(GeniusIssue {
                    issue: Issue {
                        name: name.into(),
                        values: values.iter().map(|q| decimal_label(*q)).collect(),
                    },
                    index,
                    kind: GeniusKind::Real(values),
                });
            }
            other => {
                return Err(err(
                    "unsupported-issue",
                    format!(
                        "{file}: issue '{name}' is of type '{other}' (discrete, integer and real are supported)"
                    ),
                ));
            }
        }
    }
    if out.is_empty() {
        return Err(err("empty-domain", format!("{file}: no issues")));
    }
    Ok(out)
}

fn parse_profile(
    text: &str,
    file: &str,
    name: &str,
    domain: &[GeniusIssue],
    sem: Semantics,
) -> Result<UtilityProfile, NegotiateError> {
    let doc = roxmltree::Document::parse(text)
        .map_err(|e| err("malformed-xml", format!("{file}: {e}")))?;
    if doc
        .descendants()
        .any(|n| n.has_tag_name("ufun") || n.has_tag_name("hyperRectangle"))
    {
        return Err(err(
            "unsupported-profile",
            format!("{file}: non-linear utility spaces are not supported"),
        ));
    }
    let weights: Vec<(String, Q)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("weight"))
        .map(|n| {
            Ok((
                attr(n, "index").unwrap_or("").to_owned(),
                Q::parse(attr(n, "value").unwrap_or(""))?,
            ))
        })
        .collect::<Result<_, NegotiateError>>()?;
    let reservation = doc
        .descendants()
        .find(|n| n.has_tag_name("reservation"))
        .and_then(|n| attr(n, "value"))
        .map(Q::parse)
        .transpose()?;
    let mut terms = vec![];
    for gi in domain {
        let node = doc
            .descendants()
            .find(|n| n.has_tag_name("issue") && attr(*n, "name") == Some(gi.issue.name.as_str()))
            .ok_or_else(|| {
                err(
                    "profile-domain-mismatch",
                    format!("{file}: no evaluation of issue '{}'", gi.issue.name),
                )
            })?;
        let idx = attr(node, "index").unwrap_or(&gi.index);
        let w = weights
            .iter()
            .find(|(i, _)| i == idx)
            .map(|(_, w)| *w)
            .ok_or_else(|| {
                err(
                    "profile-domain-mismatch",
                    format!("{file}: no weight for issue '{}'", gi.issue.name),
                )
            })?;
        let evals: Vec<Q> = if let GeniusKind::Real(values) = &gi.kind {
            let (slope, offset) = linear_evaluator(node, file, &gi.issue.name, "real")?;
            values
                .iter()
                .map(|x| {
                    let e = slope.times(*x)?.plus(offset)?;
                    match sem {
                        Semantics::Genius => clip_to_unit(e),
                        Semantics::Raw => Ok(e),
                    }
                })
                .collect::<Result<_, _>>()?
        } else if let GeniusKind::Integer(lower) = gi.kind {
            let (slope, offset) = linear_evaluator(node, file, &gi.issue.name, "integer")?;
            gi.issue
                .values
                .iter()
                .enumerate()
                .map(|(k, _)| match sem {
                    Semantics::Genius => {
                        clip_to_unit(slope.times(Q::int(k as i128))?.plus(offset)?)
                    }
                    Semantics::Raw => slope
                        .times(Q::int(i128::from(lower) + k as i128))?
                        .plus(offset),
                })
                .collect::<Result<_, _>>()?
        } else {
            gi.issue
                .values
                .iter()
                .map(|v| {
                    // A value listed twice counts with its last evaluation, as map-based loaders
                    // (Genius, NegMAS) read it.
                    let item = node
                        .children()
                        .rev()
                        .find(|c| c.has_tag_name("item") && attr(*c, "value") == Some(v.as_str()))
                        .ok_or_else(|| {
                            err(
                                "profile-domain-mismatch",
                                format!(
                                    "{file}: no evaluation of '{v}' in issue '{}'",
                                    gi.issue.name
                                ),
                            )
                        })?;
                    Q::parse(attr(item, "evaluation").unwrap_or(""))
                })
                .collect::<Result<_, _>>()?
        };
        // Genius normalises discrete evaluations by their maximum; integer ones are already on
        // [0, 1].
        let normalise = sem == Semantics::Genius && matches!(gi.kind, GeniusKind::Discrete);
        terms.push(weigh(&evals, w, normalise)?);
    }
    Ok(UtilityProfile {
        name: name.to_owned(),
        terms,
        reservation,
    })
}

/// The slope and offset of an issue's linear evaluator (`slope`/`offset`, or Genius's
/// `parameter1`/`parameter0`); `kind` names the issue's type in errors.
fn linear_evaluator(
    issue: roxmltree::Node<'_, '_>,
    file: &str,
    name: &str,
    kind: &str,
) -> Result<(Q, Q), NegotiateError> {
    let ev = issue
        .children()
        .find(|c| c.has_tag_name("evaluator"))
        .ok_or_else(|| {
            err(
                "malformed-profile",
                format!("{file}: {kind} issue '{name}' has no evaluator"),
            )
        })?;
    if attr(ev, "ftype") != Some("linear") {
        return Err(err(
            "unsupported-profile",
            format!("{file}: only linear {kind} evaluators are supported"),
        ));
    }
    let param = |a: &str, b: &str| {
        let text = attr(ev, a).or_else(|| attr(ev, b)).ok_or_else(|| {
            err(
                "malformed-profile",
                format!("{file}: the evaluator of '{name}' has no {a} (or {b})"),
            )
        })?;
        Q::parse(text.trim())
    };
    Ok((
        param("slope", "parameter1")?,
        param("offset", "parameter0")?,
    ))
}

/// `q` clipped to [0, 1], as Genius clips an integer issue's evaluation.
fn clip_to_unit(q: Q) -> Result<Q, NegotiateError> {
    Ok(if q.cmp_exact(Q::ZERO)?.is_lt() {
        Q::ZERO
    } else if q.cmp_exact(Q::int(1))?.is_gt() {
        Q::int(1)
    } else {
        q
    })
}

/// Weighted terms of one issue, each evaluation first divided by the issue's maximum if
/// `normalise` (an issue whose maximum is zero then contributes zero).
fn weigh(evals: &[Q], w: Q, normalise: bool) -> Result<Vec<Q>, NegotiateError> {
    let mut max = Q::ZERO;
    for e in evals {
        if e.cmp_exact(max)?.is_gt() {
            max = *e;
        }
    }
    evals
        .iter()
        .map(|e| match normalise {
            false => w.times(*e),
            true if max.n == 0 => Ok(Q::ZERO),
            true => w.times(e.over(max)?),
        })
        .collect()
}

/// The values of a GeniusWeb number range: `low`, `low + step`, … up to `high`.
fn number_range(range: &Value, file: &str, name: &str) -> Result<Vec<Q>, NegotiateError> {
    let get = |k: &str| -> Result<Q, NegotiateError> {
        let v = range.get(k).ok_or_else(|| {
            err(
                "malformed-domain",
                format!("{file}: number issue '{name}' has no range {k}"),
            )
        })?;
        match v {
            Value::Number(n) => n.as_f64().map(Q::from_f64).unwrap_or(Ok(Q::ZERO)),
            Value::String(t) => Q::parse(t.trim()),
            _ => Err(err(
                "malformed-domain",
                format!("{file}: number issue '{name}': range {k} is not a number"),
            )),
        }
    };
    let (low, high, step) = (get("low")?, get("high")?, get("step")?);
    if step.n <= 0 || high.cmp_exact(low)?.is_lt() {
        return Err(err(
            "malformed-domain",
            format!("{file}: number issue '{name}' needs low ≤ high and a positive step"),
        ));
    }
    let mut values = vec![];
    let mut x = low;
    while x.cmp_exact(high)?.is_le() {
        if values.len() as i64 >= MAX_INTEGER_RANGE {
            return Err(err(
                "unsupported-issue",
                format!("{file}: number issue '{name}' has more than {MAX_INTEGER_RANGE} values"),
            ));
        }
        values.push(x);
        x = x.plus(step)?;
    }
    Ok(values)
}

/// Each value's utility on a GeniusWeb `numberutils` line: linear between (`lowValue`,
/// `lowUtility`) and (`highValue`, `highUtility`), zero outside `[lowValue, highValue]`.
fn number_utilities(
    line: &Value,
    values: &[Q],
    file: &str,
    name: &str,
) -> Result<Vec<Q>, NegotiateError> {
    let get = |k: &str| -> Result<Q, NegotiateError> {
        line.get(k)
            .and_then(Value::as_f64)
            .map(Q::from_f64)
            .unwrap_or_else(|| {
                Err(err(
                    "malformed-profile",
                    format!("{file}: number utilities of '{name}' lack {k}"),
                ))
            })
    };
    let (lv, lu, hv, hu) = (
        get("lowValue")?,
        get("lowUtility")?,
        get("highValue")?,
        get("highUtility")?,
    );
    let minus = |a: Q, b: Q| a.plus(b.times(Q::int(-1))?);
    values
        .iter()
        .map(|x| {
            if x.cmp_exact(lv)?.is_lt() || x.cmp_exact(hv)?.is_gt() {
                Ok(Q::ZERO)
            } else if hv == lv {
                Ok(lu)
            } else {
                lu.plus(minus(*x, lv)?.times(minus(hu, lu)?)?.over(minus(hv, lv)?)?)
            }
        })
        .collect()
}

fn read(path: &Path) -> Result<String, NegotiateError> {
    std::fs::read_to_string(path)
        .map_err(|e| err("unreadable-file", format!("{}: {e}", path.display())))
}

/// Loads a scenario folder: a Genius XML domain with its profiles, or GeniusWeb JSON profiles.
/// Profiles are taken in file-name order.
pub fn load_folder(dir: &Path, sem: Semantics) -> Result<Problem, NegotiateError> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| err("unreadable-folder", format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| p.extension().is_some_and(|e| e == "xml" || e == "json"))
        .collect();
    paths.sort();
    let files = paths
        .into_iter()
        .map(|p| read(&p).map(|text| (p, text)))
        .collect::<Result<Vec<_>, _>>()?;
    load_files(&dir.display().to_string(), &files, sem)
}

/// Loads a scenario from its files' names and texts, as [`load_folder`] reads them from a
/// folder named `label` (in file-name order): the parsers of outside input, without the disk.
pub fn load_files(
    label: &str,
    files: &[(std::path::PathBuf, String)],
    sem: Semantics,
) -> Result<Problem, NegotiateError> {
    let xml: Vec<_> = files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    let json: Vec<_> = files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "json"))
        .collect();
    if !xml.is_empty() {
        let mut domain = None;
        let mut profiles = vec![];
        for (p, text) in &xml {
            let file = p.display().to_string();
            if text.contains("<negotiation_template") {
                if domain.is_some() {
                    return Err(err(
                        "ambiguous-folder",
                        format!("{label}: more than one domain file"),
                    ));
                }
                domain = Some(parse_domain(text, &file)?);
            } else if text.contains("<utility_space") {
                profiles.push((
                    p.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    text.clone(),
                    file,
                ));
            }
        }
        let domain = domain.ok_or_else(|| {
            err(
                "missing-domain",
                format!("{label}: no Genius domain file (root element negotiation_template)"),
            )
        })?;
        let profiles = profiles
            .iter()
            .map(|(name, text, file)| parse_profile(text, file, name, &domain, sem))
            .collect::<Result<Vec<_>, _>>()?;
        let problem = Problem {
            issues: domain.into_iter().map(|g| g.issue).collect(),
            profiles,
        };
        problem.validate()?;
        return Ok(problem);
    }
    let mut issues: Option<Vec<Issue>> = None;
    let mut profiles = vec![];
    for (p, text) in json {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| err("malformed-json", format!("{}: {e}", p.display())))?;
        let Some(space) = v.get("LinearAdditiveUtilitySpace") else {
            continue;
        };
        let file = p.display().to_string();
        let dom = space
            .get("domain")
            .and_then(|d| d.get("issuesValues"))
            .and_then(Value::as_object)
            .ok_or_else(|| {
                err(
                    "malformed-profile",
                    format!("{file}: no domain.issuesValues"),
                )
            })?;
        let mut these: Vec<Issue> = vec![];
        // Per issue: the exact values of a number range, `None` for discrete values.
        let mut numbers: Vec<Option<Vec<Q>>> = vec![];
        for (name, iv) in dom {
            if let Some(range) = iv.get("range") {
                let values = number_range(range, &file, name)?;
                these.push(Issue {
                    name: name.clone(),
                    values: values.iter().map(|q| decimal_label(*q)).collect(),
                });
                numbers.push(Some(values));
            } else {
                these.push(Issue {
                    name: name.clone(),
                    values: iv
                        .get("values")
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default(),
                });
                numbers.push(None);
            }
        }
        match &issues {
            None => issues = Some(these.clone()),
            Some(i) if *i != these => {
                return Err(err(
                    "profile-domain-mismatch",
                    format!("{file}: its domain differs from the other profiles'"),
                ));
            }
            _ => {}
        }
        let mut terms = vec![];
        for (i, issue) in these.iter().enumerate() {
            let w = space
                .get("issueWeights")
                .and_then(|w| w.get(&issue.name))
                .and_then(Value::as_f64)
                .ok_or_else(|| {
                    err(
                        "malformed-profile",
                        format!("{file}: no weight for '{}'", issue.name),
                    )
                })?;
            let utils = space.get("issueUtilities").and_then(|u| u.get(&issue.name));
            if let Some(values) = &numbers[i] {
                let line = utils.and_then(|u| u.get("numberutils")).ok_or_else(|| {
                    err(
                        "unsupported-profile",
                        format!(
                            "{file}: number issue '{}' has no number utilities",
                            issue.name
                        ),
                    )
                })?;
                let evals = number_utilities(line, values, &file, &issue.name)?;
                // GeniusWeb's number utilities are used as they are, under both semantics.
                terms.push(weigh(&evals, Q::from_f64(w)?, false)?);
                continue;
            }
            let utils = utils
                .and_then(|u| u.get("discreteutils"))
                .and_then(|u| u.get("valueUtilities"))
                .ok_or_else(|| {
                    err(
                        "unsupported-profile",
                        format!(
                            "{file}: issue '{}' has no discrete value utilities",
                            issue.name
                        ),
                    )
                })?;
            let evals = issue
                .values
                .iter()
                .map(|v| {
                    utils
                        .get(v)
                        .and_then(Value::as_f64)
                        .map(Q::from_f64)
                        .unwrap_or(Ok(Q::ZERO))
                })
                .collect::<Result<Vec<_>, _>>()?;
            // Discrete value utilities: normalised by their maximum under Genius semantics.
            terms.push(weigh(&evals, Q::from_f64(w)?, sem == Semantics::Genius)?);
        }
        // The reservation is a bid: its utility is the reservation value.
        let reservation = match space
            .get("reservationBid")
            .and_then(|b| b.get("issuevalues"))
            .and_then(Value::as_object)
        {
            Some(bid) => {
                let mut u = Q::ZERO;
                for (i, issue) in these.iter().enumerate() {
                    let chosen = bid.get(&issue.name);
                    let k = match (&numbers[i], chosen) {
                        (Some(values), Some(Value::Number(n))) => match n.as_f64() {
                            Some(x) => {
                                let x = Q::from_f64(x)?;
                                values.iter().position(|v| *v == x)
                            }
                            None => None,
                        },
                        (None, Some(Value::String(v))) => issue.values.iter().position(|x| x == v),
                        _ => None,
                    };
                    if let Some(k) = k {
                        u = u.plus(terms[i][k])?;
                    }
                }
                Some(u)
            }
            None => None,
        };
        let name = space
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| {
                p.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
        profiles.push(UtilityProfile {
            name,
            terms,
            reservation,
        });
    }
    let issues = issues.ok_or_else(|| {
        err(
            "missing-domain",
            format!("{label}: no Genius XML domain and no GeniusWeb profiles"),
        )
    })?;
    let problem = Problem { issues, profiles };
    problem.validate()?;
    Ok(problem)
}
