//! Import of Genius XML and GeniusWeb JSON scenarios.
//!
//! Semantics ([`Semantics`]):
//! * `Genius`: each issue's evaluations are divided by that issue's maximum (an issue whose
//!   maximum is zero contributes zero), then weighted: utilities lie in [0, 1], and the profile's
//!   reservation value is on that scale.
//! * `Raw`: weights times raw evaluations, as NegMAS loads Genius files (the reservation value is
//!   taken as written, which is what NegMAS compares it with).
//!
//! Integer issues are enumerated from `lowerbound` to `upperbound` (at most [`MAX_INTEGER_RANGE`]
//! values); a linear evaluator gives `offset + slope × (x − lowerbound)` (our reading of Genius's
//! integer evaluator; not yet checked against a Genius-computed golden value).

use std::path::Path;

use serde_json::Value;

use crate::NegotiateError;
use crate::rational::Q;
use crate::space::{Issue, Problem, UtilityProfile};

/// Largest integer range enumerated as options.
pub const MAX_INTEGER_RANGE: i64 = 10_000;

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
    integer: bool,
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
                    integer: false,
                });
            }
            "integer" => {
                let b = |a: &str| -> Result<i64, NegotiateError> {
                    attr(n, a)
                        .and_then(|v| v.trim().parse().ok())
                        .ok_or_else(|| {
                            err(
                                "malformed-domain",
                                format!("{file}: integer issue '{name}' lacks {a}"),
                            )
                        })
                };
                let (lo, hi) = (b("lowerbound")?, b("upperbound")?);
                if hi < lo || hi - lo >= MAX_INTEGER_RANGE {
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
                    integer: true,
                });
            }
            other => {
                return Err(err(
                    "unsupported-issue",
                    format!(
                        "{file}: issue '{name}' is of type '{other}' (discrete and integer are supported)"
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
        let evals: Vec<Q> = if gi.integer {
            let ev = node
                .children()
                .find(|c| c.has_tag_name("evaluator"))
                .ok_or_else(|| {
                    err(
                        "malformed-profile",
                        format!("{file}: integer issue '{}' has no evaluator", gi.issue.name),
                    )
                })?;
            if attr(ev, "ftype") != Some("linear") {
                return Err(err(
                    "unsupported-profile",
                    format!("{file}: only linear integer evaluators are supported"),
                ));
            }
            let slope = Q::parse(attr(ev, "slope").unwrap_or(""))?;
            let offset = Q::parse(attr(ev, "offset").unwrap_or(""))?;
            gi.issue
                .values
                .iter()
                .enumerate()
                .map(|(k, _)| slope.times(Q::int(k as i128))?.plus(offset))
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
        terms.push(weigh(&evals, w, sem)?);
    }
    Ok(UtilityProfile {
        name: name.to_owned(),
        terms,
        reservation,
    })
}

/// Weighted terms of one issue under the semantics.
fn weigh(evals: &[Q], w: Q, sem: Semantics) -> Result<Vec<Q>, NegotiateError> {
    let mut max = Q::ZERO;
    for e in evals {
        if e.cmp_exact(max)?.is_gt() {
            max = *e;
        }
    }
    evals
        .iter()
        .map(|e| match sem {
            Semantics::Raw => w.times(*e),
            Semantics::Genius if max.n == 0 => Ok(Q::ZERO),
            Semantics::Genius => w.times(e.over(max)?),
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
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| err("unreadable-folder", format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let xml: Vec<_> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    let json: Vec<_> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    if !xml.is_empty() {
        let mut domain = None;
        let mut profiles = vec![];
        for p in &xml {
            let text = read(p)?;
            let file = p.display().to_string();
            if text.contains("<negotiation_template") {
                if domain.is_some() {
                    return Err(err(
                        "ambiguous-folder",
                        format!("{}: more than one domain file", dir.display()),
                    ));
                }
                domain = Some(parse_domain(&text, &file)?);
            } else if text.contains("<utility_space") {
                profiles.push((
                    p.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    text,
                    file,
                ));
            }
        }
        let domain = domain.ok_or_else(|| {
            err(
                "missing-domain",
                format!(
                    "{}: no Genius domain file (root element negotiation_template)",
                    dir.display()
                ),
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
    for p in json {
        let v: Value = serde_json::from_str(&read(p)?)
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
        let these: Vec<Issue> = dom
            .iter()
            .map(|(name, iv)| Issue {
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
            })
            .collect();
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
        for issue in &these {
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
            let utils = space
                .get("issueUtilities")
                .and_then(|u| u.get(&issue.name))
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
            terms.push(weigh(&evals, Q::from_f64(w)?, sem)?);
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
                    if let Some(k) = bid
                        .get(&issue.name)
                        .and_then(Value::as_str)
                        .and_then(|v| issue.values.iter().position(|x| x == v))
                    {
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
            format!(
                "{}: no Genius XML domain and no GeniusWeb profiles",
                dir.display()
            ),
        )
    })?;
    let problem = Problem { issues, profiles };
    problem.validate()?;
    Ok(problem)
}
