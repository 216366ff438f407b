//! Blind bidding pages: the mediator states the rules (the claim, the currency, who claims and
//! who pays, the rounds, the closing gap); each side names its figure for the open round in a
//! private panel; everyone who sees the case sees the rules and how each round ended — never a
//! figure of the other side. The same use cases as `/api/v1/cases/{id}/blind-biddings`.

use std::collections::BTreeMap;

use accord_app::AppError;
use accord_app::bidding::{BidInput, BiddingView};
use accord_domain::Command;
use accord_domain::bidding::BiddingRules;
use accord_domain::step::Step;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::frame::{PageFrame, html, see_other};
use super::respond::{error_page, refusal};
use super::viewer::{CheckedForm, Viewer, field as get};
use crate::AppState;

/// One side's private panel.
struct SidePanel {
    heading: String,
    figures: Vec<String>,
    may_name: bool,
    post_to: String,
    field_id: String,
    field_label: String,
}

/// One bidding as shown.
struct BiddingBlock {
    id: String,
    label: String,
    claimant: String,
    respondent: String,
    rounds: String,
    gap: String,
    settled: Option<String>,
    status: String,
    outcomes: Vec<(String, String)>,
    sides: Vec<SidePanel>,
    mediator: Option<String>,
    amount_hint: String,
}

/// The opening form's values (kept when a refusal sends it back).
#[derive(Default)]
struct OpenForm {
    label: String,
    currency: String,
    claimant: String,
    respondent: String,
    rounds: String,
    closing_gap: String,
}

#[derive(Template)]
#[template(path = "biddings.html")]
struct BiddingsPage {
    page: PageFrame,
    case_href: String,
    biddings: Vec<BiddingBlock>,
    may_open: bool,
    post_to: String,
    parties: Vec<(String, String)>,
    form: OpenForm,
}

/// Reads an amount written in the currency's major units (`12500.50`, spaces allowed, a full
/// stop before the minor digits) as minor units. Commas are refused rather than guessed at: in
/// some languages they separate thousands, in others the cents.
pub fn amount_from_text(text: &str, minor_digits: u32) -> Result<u64, AppError> {
    let bad = || {
        AppError::invalid(
            "invalid-bid",
            format!(
                "'{text}' is not an amount: write digits, with a full stop before at most \
                 {minor_digits} minor digits (for example 12500{})",
                if minor_digits > 0 { ".50" } else { "" }
            ),
        )
    };
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .collect();
    let (units, minor) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if units.is_empty()
        || !units.bytes().all(|b| b.is_ascii_digit())
        || !minor.bytes().all(|b| b.is_ascii_digit())
        || minor.len() > minor_digits as usize
        || (cleaned.contains('.') && minor.is_empty())
    {
        return Err(bad());
    }
    let scale = 10u64.checked_pow(minor_digits).ok_or_else(bad)?;
    let units: u64 = units.parse().map_err(|_| bad())?;
    let minor_value: u64 = if minor.is_empty() {
        0
    } else {
        format!("{minor:0<width$}", width = minor_digits as usize)
            .parse()
            .map_err(|_| bad())?
    };
    units
        .checked_mul(scale)
        .and_then(|v| v.checked_add(minor_value))
        .ok_or_else(bad)
}

fn example(minor_digits: u32) -> String {
    if minor_digits == 0 {
        "12500".into()
    } else {
        format!("12500.5{}", "0".repeat(minor_digits as usize - 1))
    }
}

fn block(
    viewer: &Viewer,
    names: &BTreeMap<String, String>,
    case_id: &str,
    v: &BiddingView,
) -> BiddingBlock {
    let b = &v.bidding;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let round_text = |r: u32| accord_i18n::format::integer(viewer.lang, i64::from(r));
    // Amounts in minor units, shown per language with the currency's code (`8,985.00 USD`).
    let money = |minor: u64| {
        format!(
            "{}\u{a0}{}",
            accord_i18n::format::minor_units(viewer.lang, minor, b.rules.minor_digits),
            b.rules.currency
        )
    };
    let status = match (v.current_round, b.settled_at()) {
        (_, Some(_)) => String::new(),
        (Some(r), None) => viewer.ta("bidding-round-open", &[("round", &round_text(r))]),
        (None, None) => viewer.t("bidding-ended-unsettled"),
    };
    let sides = v
        .as_party
        .iter()
        .map(|s| {
            let claimant = s.side == "claimant";
            let side_word = viewer.t(if claimant {
                "bidding-claimant"
            } else {
                "bidding-respondent"
            });
            let named_this_round = v
                .current_round
                .is_some_and(|r| s.figures.iter().any(|f| f.round == r));
            SidePanel {
                heading: viewer.ta(
                    "bidding-your-side",
                    &[("party", &name(&s.party)), ("side", &side_word)],
                ),
                figures: s
                    .figures
                    .iter()
                    .map(|f| {
                        viewer.ta(
                            "bidding-figure-line",
                            &[
                                ("round", &round_text(f.round)),
                                ("amount", &money(f.amount)),
                            ],
                        )
                    })
                    .collect(),
                may_name: v.current_round.is_some() && !named_this_round,
                post_to: format!(
                    "/cases/{case_id}/blind-biddings/{}/figures/{}",
                    b.id, s.party
                ),
                field_id: format!("{}-{}-amount", b.id, s.party),
                field_label: viewer.ta(
                    if claimant {
                        "bidding-demand-for-round"
                    } else {
                        "bidding-offer-for-round"
                    },
                    &[("round", &round_text(v.current_round.unwrap_or(1)))],
                ),
            }
        })
        .collect();
    let yes_no = |x: bool| {
        viewer.t(if x {
            "bidding-figure-in"
        } else {
            "bidding-figure-awaited"
        })
    };
    let mediator = v
        .as_mediator
        .as_ref()
        .filter(|_| v.current_round.is_some())
        .map(|m| {
            format!(
                "{}: {}; {}: {}",
                viewer.t("bidding-claimant"),
                yes_no(m.claimant_figure_in),
                viewer.t("bidding-respondent"),
                yes_no(m.respondent_figure_in)
            )
        });
    BiddingBlock {
        id: b.id.clone(),
        label: b.rules.label.clone(),
        claimant: name(&b.rules.claimant),
        respondent: name(&b.rules.respondent),
        rounds: round_text(b.rules.rounds),
        gap: money(b.rules.closing_gap),
        settled: b
            .settled_at()
            .map(|p| viewer.ta("bidding-settled-at", &[("price", &money(p))])),
        status,
        outcomes: b
            .rounds
            .iter()
            .map(|r| {
                (
                    round_text(r.round),
                    match r.settled_at {
                        Some(p) => viewer.ta("bidding-settled-at", &[("price", &money(p))]),
                        None => viewer.t("bidding-not-settled"),
                    },
                )
            })
            .collect(),
        sides,
        mediator,
        amount_hint: viewer.ta(
            "bidding-amount-hint",
            &[
                ("currency", &b.rules.currency),
                ("example", &example(b.rules.minor_digits)),
            ],
        ),
    }
}

async fn render(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
    status: StatusCode,
    alert: Option<(String, String)>,
    form: OpenForm,
) -> Response {
    let actor = &viewer.principal.actor;
    let (view, list) = match (
        s.accord.case_view(actor, case_id).await,
        s.accord.blind_biddings(actor, case_id).await,
    ) {
        (Ok(v), Ok(l)) => (v, l),
        (Err(e), _) | (_, Err(e)) => return error_page(viewer, e),
    };
    let mut names = BTreeMap::new();
    for p in &view.case.parties {
        names.insert(p.id.clone(), p.name.clone());
    }
    let parties: Vec<(String, String)> = view
        .case
        .active_parties()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    // A blind bidding is between two parties taking part.
    let may_open = parties.len() >= 2
        && matches!(
            s.accord
                .open_actions(
                    actor,
                    case_id,
                    &[Step::new(accord_domain::CommandKind::OpenBlindBidding)]
                )
                .await
                .as_deref(),
            Ok([accord_app::cases::Openness::Open])
        );
    let mut form = form;
    if form.rounds.is_empty() && form.claimant.is_empty() {
        form.rounds = "3".into();
        form.claimant = parties.first().map(|p| p.0.clone()).unwrap_or_default();
        form.respondent = parties.get(1).map(|p| p.0.clone()).unwrap_or_default();
    }
    let path = format!("/cases/{case_id}/blind-biddings");
    let mut page = viewer.frame("bidding-title", "/").at(&path).titled(format!(
        "{} — {}",
        view.case.reference,
        viewer.t("bidding-title")
    ));
    page.alert = alert;
    html(
        status,
        &BiddingsPage {
            page,
            case_href: format!("/cases/{case_id}"),
            biddings: list
                .iter()
                .map(|v| block(viewer, &names, case_id, v))
                .collect(),
            may_open,
            post_to: path,
            parties,
            form,
        },
    )
}

/// `GET /cases/{case_id}/blind-biddings`.
pub async fn biddings_page(
    State(s): State<AppState>,
    viewer: Viewer,
    Path(case_id): Path<String>,
) -> Response {
    render(
        &s,
        &viewer,
        &case_id,
        StatusCode::OK,
        None,
        OpenForm::default(),
    )
    .await
}

async fn refused(
    s: &AppState,
    viewer: &Viewer,
    case_id: &str,
    e: AppError,
    form: OpenForm,
) -> Response {
    match refusal(viewer, e) {
        Ok((status, alert)) => render(s, viewer, case_id, status, Some(alert), form).await,
        Err(page) => *page,
    }
}

/// The minor digits ISO 4217 gives a currency (2 for USD, 0 for JPY, 3 for KWD); a code that is
/// not an ISO 4217 currency with minor units (a fund, gold) is refused as `unknown-currency`.
fn minor_digits_of(code: &str) -> Result<u32, AppError> {
    iso_currency::Currency::from_code(code)
        .and_then(|c| c.exponent())
        .map(u32::from)
        .ok_or_else(|| {
            AppError::invalid(
                "unknown-currency",
                format!("'{code}' is not an ISO 4217 currency code such as USD, EUR or CNY"),
            )
        })
}

fn rules_from_form(form: &OpenForm) -> Result<BiddingRules, AppError> {
    let number = |what: &str, v: &str| -> Result<u32, AppError> {
        v.trim().parse::<u32>().map_err(|_| {
            AppError::invalid(
                "invalid-bidding-rules",
                format!("{what}: '{v}' is not a whole number"),
            )
        })
    };
    let currency = form.currency.trim().to_uppercase();
    let minor_digits = minor_digits_of(&currency)?;
    let closing_gap = match form.closing_gap.trim() {
        "" => 0,
        gap => amount_from_text(gap, minor_digits.min(4))
            .map_err(|e| AppError::invalid("invalid-bidding-rules", format!("closing gap: {e}")))?,
    };
    Ok(BiddingRules {
        label: form.label.trim().to_owned(),
        currency,
        minor_digits,
        claimant: form.claimant.clone(),
        respondent: form.respondent.clone(),
        rounds: number("rounds", &form.rounds)?,
        closing_gap,
    })
}

/// `POST /cases/{case_id}/blind-biddings`: the mediator opens a blind bidding.
pub async fn open_bidding(
    State(s): State<AppState>,
    Path(case_id): Path<String>,
    CheckedForm(viewer, sent): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let form = OpenForm {
        label: get(&sent, "label").to_owned(),
        currency: get(&sent, "currency").to_owned(),
        claimant: get(&sent, "claimant").to_owned(),
        respondent: get(&sent, "respondent").to_owned(),
        rounds: get(&sent, "rounds").to_owned(),
        closing_gap: get(&sent, "closing_gap").to_owned(),
    };
    let outcome = match rules_from_form(&form) {
        Ok(rules) => s
            .accord
            .act(
                &viewer.principal.actor,
                &case_id,
                &Command::OpenBlindBidding { rules },
                None,
            )
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => see_other(&format!("/cases/{case_id}/blind-biddings")),
        Err(e) => refused(&s, &viewer, &case_id, e, form).await,
    }
}

/// `POST /cases/{case_id}/blind-biddings/{bidding_id}/figures/{party}`: a side names its figure.
pub async fn name_figure(
    State(s): State<AppState>,
    Path((case_id, bid, party)): Path<(String, String, String)>,
    CheckedForm(viewer, sent): CheckedForm<Vec<(String, String)>>,
) -> Response {
    let actor = &viewer.principal.actor;
    let view = match s.accord.blind_bidding(actor, &case_id, &bid).await {
        Ok(v) => v,
        Err(e) => return error_page(&viewer, e),
    };
    let outcome = match amount_from_text(get(&sent, "amount"), view.bidding.rules.minor_digits) {
        Ok(amount) => s
            .accord
            .place_bid(actor, &case_id, &bid, &party, BidInput { amount })
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => see_other(&format!("/cases/{case_id}/blind-biddings")),
        Err(e) => refused(&s, &viewer, &case_id, e, OpenForm::default()).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_in_major_units_without_guessing() {
        assert_eq!(amount_from_text("12500.50", 2).unwrap(), 1_250_050);
        assert_eq!(amount_from_text(" 12 500.5 ", 2).unwrap(), 1_250_050);
        assert_eq!(amount_from_text("300", 0).unwrap(), 300);
        assert_eq!(amount_from_text("1.500", 3).unwrap(), 1500);
        assert_eq!(amount_from_text("0.05", 2).unwrap(), 5);
        for bad in [
            "",
            "12,500.50",
            "12500,50",
            "1.234",
            "-5",
            "12.",
            ".5",
            "1e3",
            "abc",
            "99999999999999999999",
        ] {
            assert_eq!(
                amount_from_text(bad, 2).unwrap_err().code(),
                "invalid-bid",
                "{bad}"
            );
        }
        assert!(amount_from_text("5.5", 0).is_err());
    }
}
