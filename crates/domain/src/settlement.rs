//! The settlement draft: structured terms, free clauses and the language versions of the text.
//! Every version of a draft is without prejudice until the parties approve its hash; the hash
//! covers the terms and every language version together, so the language versions are bound to
//! one frozen text.

use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::error::{DomainError, ErrorCode};
use crate::negotiation::Package;
use crate::party::PartyKind;

/// Limits on a draft.
pub mod limits {
    /// Largest language version, in bytes.
    pub const TEXT_MAX: usize = 512 * 1024;
    /// Most obligations.
    pub const OBLIGATIONS_MAX: usize = 200;
    /// Most free clauses.
    pub const CLAUSES_MAX: usize = 200;
    /// Longest short field (law, clause, description), in bytes.
    pub const FIELD_MAX: usize = 8 * 1024;
}

/// Languages a version may be in: the six UN languages, and Traditional Chinese.
pub const LANGUAGES: &[&str] = &["en", "zh-Hans", "zh-Hant", "fr", "ar", "ru", "es"];

/// A party to the settlement with its place of business (Singapore Convention Art. 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SettlementParty {
    /// The case party id.
    pub party: String,
    /// The place of business the agreement states for it (Singapore Convention Art. 1); free
    /// text. Needed for a company or an investor; a State, a State entity or an international
    /// organisation has none to state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_of_business: Option<String>,
}

/// An obligation undertaken in the settlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    /// The party that performs (case party id).
    pub performing_party: String,
    /// What it does.
    pub description: String,
    /// An amount, as a decimal string such as `1250000.00`.
    #[serde(default)]
    pub amount: Option<String>,
    /// The currency (ISO 4217 code, such as `USD`), with an amount.
    #[serde(default)]
    pub currency: Option<String>,
    /// Due date (`YYYY-MM-DD`).
    #[serde(default)]
    pub due_date: Option<String>,
}

/// The structured terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SettlementTerms {
    /// Every active party, with its place of business.
    pub parties: Vec<SettlementParty>,
    /// What each party undertakes (at most 200), each performed by a party listed in `parties`.
    pub obligations: Vec<Obligation>,
    /// The law governing the agreement, as free text (required).
    pub governing_law: String,
    /// How disputes about the settlement are resolved.
    pub dispute_clause: String,
    /// Confidentiality of the settlement.
    pub confidentiality: String,
    /// Disclosure permitted despite confidentiality (implementation, enforcement, law).
    pub permitted_disclosure: String,
    /// The parties opt in to the Singapore Convention on Mediation.
    pub singapore_convention: bool,
    /// The language whose version prevails (empty when the versions are equally authentic).
    #[serde(default)]
    pub authoritative_language: String,
    /// Every language version is equally authentic, as treaties are made; no language prevails.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub equally_authentic: bool,
    /// The package the parties accepted in a negotiation, when one is the basis of the terms.
    #[serde(default)]
    pub negotiated_package: Option<Package>,
    /// The price a blind bidding settled at, when one is the basis of the terms (absent from the
    /// canonical form when there is none, so earlier drafts keep their hashes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bidding_settlement: Option<BiddingSettlement>,
}

/// A price settled by blind bidding, as the terms record it; it must be the price in the case
/// log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BiddingSettlement {
    /// The bidding (`B1`, …).
    pub bidding: String,
    /// What the claim was about.
    pub claim: String,
    /// Who pays (the respondent).
    pub payer: String,
    /// Who is paid (the claimant).
    pub payee: String,
    /// The price with its currency (`USD 8985.00`).
    pub price: String,
}

impl BiddingSettlement {
    /// The settlement of a blind bidding that settled, as the terms record it.
    pub fn of(b: &crate::bidding::BlindBidding) -> Option<BiddingSettlement> {
        b.settled_at().map(|p| BiddingSettlement {
            bidding: b.id.clone(),
            claim: b.rules.label.clone(),
            payer: b.rules.respondent.clone(),
            payee: b.rules.claimant.clone(),
            price: b.label(p),
        })
    }
}

/// One language version of the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageVersion {
    /// Language (`en`, `zh-Hans`, `zh-Hant`, `fr`, `ar`, `ru`, `es`).
    pub language: String,
    /// The full text in that language.
    pub text: String,
}

/// One version of the settlement, as posted to `POST /api/v1/cases/{id}/settlement/drafts`; without
/// prejudice until every party approves its hash (SHA-256 of its canonical JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SettlementDraft {
    /// The structured terms.
    pub terms: SettlementTerms,
    /// Further clauses, in order.
    #[serde(default)]
    pub free_clauses: Vec<String>,
    /// The text in each language.
    pub versions: Vec<LanguageVersion>,
}

fn bad(m: String) -> DomainError {
    DomainError::invalid(ErrorCode::InvalidSettlementDraft, m)
}

fn field(name: &str, v: &str) -> Result<(), DomainError> {
    if v.trim().is_empty() || v.len() > limits::FIELD_MAX {
        return Err(bad(format!(
            "'{name}' needs 1 to {} bytes of text",
            limits::FIELD_MAX
        )));
    }
    Ok(())
}

fn valid_date(s: &str) -> bool {
    s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok()
}

fn valid_amount(s: &str) -> bool {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    !whole.is_empty()
        && whole.len() <= 18
        && frac.len() <= 6
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (s.contains('.') != frac.is_empty())
}

impl SettlementDraft {
    /// Checks the draft against the case: every active party listed once, obligations by parties
    /// of the case with well-formed amounts, currencies and dates, one version per language and
    /// one in the authoritative language.
    pub fn validate(&self, case: &Case) -> Result<(), DomainError> {
        let t = &self.terms;
        let outside = case.outside_convention();
        if t.singapore_convention && !outside.is_empty() {
            return Err(bad(format!(
                "the Singapore Convention does not apply to this dispute ({}); leave the opt-in \
                 unticked",
                outside.join("; ")
            )));
        }
        if let Some(s) = &t.bidding_settlement {
            let recorded = case
                .blind_bidding(&s.bidding)
                .and_then(BiddingSettlement::of);
            if recorded.as_ref() != Some(s) {
                return Err(bad(format!(
                    "blind bidding '{}' did not settle as these terms say; leave the bidding \
                     settlement out and it is taken from the case record",
                    s.bidding
                )));
            }
        }
        for p in case.active_parties() {
            let n = t.parties.iter().filter(|x| x.party == p.id).count();
            if n != 1 {
                return Err(bad(format!(
                    "list party '{}' once in the terms, with its place of business",
                    p.id
                )));
            }
        }
        for p in &t.parties {
            let Some(party) = case.party(&p.party).filter(|x| x.is_active()) else {
                return Err(bad(format!(
                    "'{}' is not an active party of the case",
                    p.party
                )));
            };
            let has_place = matches!(
                party.kind,
                PartyKind::Investor { .. } | PartyKind::Company { .. }
            );
            match &p.place_of_business {
                Some(place) => field("place_of_business", place)?,
                None if has_place => {
                    return Err(bad(format!(
                        "state the place of business of '{}' (Singapore Convention Art. 1)",
                        p.party
                    )));
                }
                None => {}
            }
        }
        if t.obligations.len() > limits::OBLIGATIONS_MAX
            || self.free_clauses.len() > limits::CLAUSES_MAX
        {
            return Err(bad(format!(
                "at most {} obligations and {} free clauses",
                limits::OBLIGATIONS_MAX,
                limits::CLAUSES_MAX
            )));
        }
        for (i, o) in t.obligations.iter().enumerate() {
            let n = i + 1;
            if !t.parties.iter().any(|p| p.party == o.performing_party) {
                return Err(bad(format!(
                    "obligation {n}: '{}' is not a party to the settlement",
                    o.performing_party
                )));
            }
            field("description", &o.description)?;
            match (&o.amount, &o.currency) {
                (Some(a), Some(c)) => {
                    if !valid_amount(a) {
                        return Err(bad(format!(
                            "obligation {n}: the amount '{a}' is not a decimal number such as 1250000.00"
                        )));
                    }
                    if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                        return Err(bad(format!(
                            "obligation {n}: the currency '{c}' is not a three-letter ISO 4217 code"
                        )));
                    }
                }
                (None, None) => {}
                _ => {
                    return Err(bad(format!(
                        "obligation {n}: an amount needs a currency, and a currency an amount"
                    )));
                }
            }
            if let Some(d) = &o.due_date
                && !valid_date(d)
            {
                return Err(bad(format!(
                    "obligation {n}: the due date '{d}' is not a date as YYYY-MM-DD"
                )));
            }
        }
        field("governing_law", &t.governing_law)?;
        field("dispute_clause", &t.dispute_clause)?;
        field("confidentiality", &t.confidentiality)?;
        field("permitted_disclosure", &t.permitted_disclosure)?;
        for c in &self.free_clauses {
            field("free_clauses", c)?;
        }
        if self.versions.is_empty() {
            return Err(bad("give the text in at least one language".into()));
        }
        for (i, v) in self.versions.iter().enumerate() {
            if !LANGUAGES.contains(&v.language.as_str()) {
                return Err(bad(format!(
                    "'{}' is not a language Accord holds versions in ({})",
                    v.language,
                    LANGUAGES.join(", ")
                )));
            }
            if self.versions[..i].iter().any(|w| w.language == v.language) {
                return Err(bad(format!("two versions in '{}'", v.language)));
            }
            if v.text.trim().is_empty() || v.text.len() > limits::TEXT_MAX {
                return Err(bad(format!(
                    "the '{}' version needs 1 to {} bytes of text",
                    v.language,
                    limits::TEXT_MAX
                )));
            }
        }
        if t.equally_authentic {
            if !t.authoritative_language.is_empty() {
                return Err(bad(
                    "versions that are equally authentic name no prevailing language; leave \
                     authoritative_language empty"
                        .into(),
                ));
            }
        } else if !self
            .versions
            .iter()
            .any(|v| v.language == t.authoritative_language)
        {
            return Err(bad(format!(
                "the authoritative language '{}' has no version",
                t.authoritative_language
            )));
        }
        Ok(())
    }

    /// A readable rendering, one item per line, used for the differences between versions.
    pub fn render(&self) -> String {
        let t = &self.terms;
        let mut out = vec![];
        for p in &t.parties {
            match &p.place_of_business {
                Some(place) => out.push(format!("Party {}: place of business {place}", p.party)),
                None => out.push(format!("Party {}", p.party)),
            }
        }
        for (i, o) in t.obligations.iter().enumerate() {
            let money = match (&o.amount, &o.currency) {
                (Some(a), Some(c)) => format!(", {c} {a}"),
                _ => String::new(),
            };
            let due = o
                .due_date
                .as_ref()
                .map(|d| format!(", due {d}"))
                .unwrap_or_default();
            out.push(format!(
                "Obligation {}: {} — {}{money}{due}",
                i + 1,
                o.performing_party,
                o.description
            ));
        }
        out.push(format!("Governing law: {}", t.governing_law));
        out.push(format!("Disputes: {}", t.dispute_clause));
        out.push(format!("Confidentiality: {}", t.confidentiality));
        out.push(format!("Permitted disclosure: {}", t.permitted_disclosure));
        out.push(format!(
            "Singapore Convention: {}",
            if t.singapore_convention {
                "the parties agree that the Convention applies"
            } else {
                "no opt-in"
            }
        ));
        if t.equally_authentic {
            out.push("Language versions: equally authentic".to_owned());
        } else {
            out.push(format!(
                "Authoritative language: {}",
                t.authoritative_language
            ));
        }
        if let Some(p) = &t.negotiated_package {
            for (issue, option) in p {
                out.push(format!("Negotiated: {issue} = {option}"));
            }
        }
        if let Some(s) = &t.bidding_settlement {
            out.push(format!(
                "Settled by blind bidding {} ({}): {} pays {} {}",
                s.bidding, s.claim, s.payer, s.payee, s.price
            ));
        }
        for (i, c) in self.free_clauses.iter().enumerate() {
            out.push(format!("Clause {}: {c}", i + 1));
        }
        for v in &self.versions {
            out.push(format!("--- text ({}) ---", v.language));
            out.extend(v.text.lines().map(str::to_owned));
        }
        out.join("\n") + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_dates_are_checked() {
        assert!(valid_amount("1250000.00"));
        assert!(valid_amount("7"));
        assert!(!valid_amount("1,250,000"));
        assert!(!valid_amount("12."));
        assert!(!valid_amount("-5"));
        assert!(!valid_amount(".5"));
        assert!(valid_date("2027-02-28"));
        assert!(!valid_date("2027-02-30"));
        assert!(!valid_date("28/02/2027"));
    }
}
