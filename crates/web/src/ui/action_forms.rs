//! The case actions offered as forms on the case page, and how a submitted form becomes the
//! command the JSON API would receive. Which forms a viewer sees is decided by the use case
//! `open_actions` (the policy, and the case's state as the domain judges it) — never here.
//!
//! Field names with dots build nested objects (`declaration.independent` →
//! `{"declaration": {"independent": …}}`); a field of kind [`Kind::PerParty`] becomes an object
//! keyed by party id. Settlement approval, signature and countersignature are on the settlement
//! page, where the text they bind is shown; negotiation has its own page.

use accord_domain::step::Step;
use accord_domain::{Command, CommandKind};
use serde_json::{Map, Value, json};

/// How a field is entered and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One line of text (a JSON string; omitted when empty and optional).
    Text,
    /// Several lines of text.
    LongText,
    /// A list, one item per line (a JSON list of strings; blank lines are left out).
    Lines,
    /// A whole number.
    Number,
    /// A yes/no box (a JSON boolean; unticked is `false`).
    Check,
    /// One of fixed values (the first is the default).
    Choice(&'static [&'static str]),
    /// One of the case's parties.
    Party,
    /// A country or territory as an ISO 3166 two-letter code (sent in capitals).
    Country,
    /// A mediator's account, chosen from the panel (the value is the account id).
    Mediator,
    /// One line per party, sent as `{party: text}`.
    PerParty,
    /// A per-case role's kind, among those the viewer holds a consent for (a string).
    GrantRole,
    /// A channel the viewer may open to a guest, sent as a one-channel list.
    GrantChannel,
    /// A user for whom a role awaits the viewer's decision (the value is the user id).
    PendingGrant,
    /// A party's representative, chosen from the case (of the form's party for a per-party
    /// form): the value `party/user_id` is sent as the command's `party` and `user_id`.
    Representative,
    /// One proof of authority per representative of the form's party (`<name>.<user_id>`), sent
    /// as a list of `{user_id, document}` for those filled in.
    Proofs,
    /// A serving mediator's seat (the value is the mediator's user id).
    Seat,
    /// A newer version of the case's procedural rules in force (sent as the version number).
    RulesVersion,
    /// The scopes a proof grants, one box each (`<name>.view`, `.file`, `.sign`), sent as a list
    /// of those ticked; omitted when none is.
    Scopes,
}

/// The scopes a [`Kind::Scopes`] field offers, in order.
pub const SCOPES: &[&str] = &["view", "file", "sign"];

/// A field of an action form.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The command's field (dotted for nesting).
    pub name: &'static str,
    /// How it is entered on the page and turned into the command's JSON.
    pub kind: Kind,
    /// Must be filled.
    pub required: bool,
}

/// One case action as a form: the command it builds, its fields, and whether it repeats per party.
#[derive(Debug, Clone, Copy)]
pub struct ActionForm {
    /// The action's stable name.
    pub action: &'static str,
    /// One form per party the viewer acts for (the command's `party`).
    pub per_party: bool,
    /// The fields, in order.
    pub fields: &'static [Field],
    /// Where the form stands on the case page and whether it asks to confirm.
    pub weight: Weight,
}

/// How an action weighs on the case page: which may be offered as the viewer's one next step,
/// which wait under "More actions", and which ask to confirm on a page of their own first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// Moves the case along its course: may be the viewer's next step.
    Step,
    /// Housekeeping beside the case's course (authority, participants, consultations, rule
    /// versions): under "More actions".
    Routine,
    /// The expected step that cannot be undone (closing the case, answering a vacancy): may be
    /// the next step, and asks to confirm.
    Final,
    /// Ends, refuses, declines or takes away (withdrawal, termination, refusal, revocation):
    /// never the next step, styled as destructive, and asks to confirm.
    Destructive,
}

impl Weight {
    /// Asks to confirm, on a page of its own, before it is done.
    pub fn confirms(self) -> bool {
        matches!(self, Weight::Final | Weight::Destructive)
    }

    /// May be offered as the viewer's next step.
    pub fn may_lead(self) -> bool {
        matches!(self, Weight::Step | Weight::Final)
    }
}

const fn f(name: &'static str, kind: Kind, required: bool) -> Field {
    Field {
        name,
        kind,
        required,
    }
}

const fn a(action: &'static str, fields: &'static [Field]) -> ActionForm {
    ActionForm {
        action,
        per_party: false,
        fields,
        weight: Weight::Step,
    }
}

const fn p(action: &'static str, fields: &'static [Field]) -> ActionForm {
    ActionForm {
        action,
        per_party: true,
        fields,
        weight: Weight::Step,
    }
}

const fn routine(mut form: ActionForm) -> ActionForm {
    form.weight = Weight::Routine;
    form
}

const fn last(mut form: ActionForm) -> ActionForm {
    form.weight = Weight::Final;
    form
}

const fn destructive(mut form: ActionForm) -> ActionForm {
    form.weight = Weight::Destructive;
    form
}

use Kind::*;

/// Every action offered on the case page, in the order of a case's life (the first open one that
/// [`Weight::may_lead`] is the viewer's next step).
pub const ACTION_FORMS: &[ActionForm] = &[
    a("submit-request", &[]),
    destructive(a("withdraw-request", &[])),
    a("record-lodging-fee", &[f("waived", Check, false)]),
    a("send-invitation", &[f("response_days", Number, false)]),
    p(
        "accept-invitation",
        &[f("instrument", Text, true), f("authority", Proofs, false)],
    ),
    destructive(p("reject-invitation", &[])),
    destructive(a("treat-invitation-as-rejected", &[])),
    destructive(a("refuse-request", &[f("reasons", LongText, true)])),
    a(
        "record-third-state-consent",
        &[f("country", Country, true), f("instrument", Text, true)],
    ),
    destructive(a(
        "decline-third-state-consent",
        &[f("country", Country, true), f("reasons", LongText, true)],
    )),
    a(
        "record-state-approval",
        &[f("party", Party, true), f("instrument", Text, true)],
    ),
    routine(a(
        "record-authority",
        &[
            f("representative", Representative, true),
            f("document", Text, true),
            f("scopes", Scopes, false),
        ],
    )),
    destructive(p(
        "revoke-authority",
        &[
            f("representative", Representative, true),
            f("reason", LongText, true),
        ],
    )),
    a("register", &[]),
    a("agree-mediator-count", &[f("count", Number, true)]),
    routine(p("request-secretariat-appointment", &[])),
    a(
        "nominate-mediator",
        &[
            f("mediator_user_id", Mediator, true),
            // Left empty, the panel member's name is used (the page fills it in).
            f("name", Text, false),
            f("nationality", Country, false),
            f(
                "method",
                Choice(&[
                    "joint-nomination",
                    "list-procedure",
                    "secretariat-appointment",
                ]),
                true,
            ),
        ],
    ),
    p(
        "propose-mediator",
        &[
            f("mediator_user_id", Mediator, true),
            f("name", Text, false),
            f("nationality", Country, false),
        ],
    ),
    a(
        "accept-appointment",
        &[
            f("declaration.independent", Check, true),
            f("declaration.impartial", Check, true),
            f("declaration.available", Check, true),
            f("declaration.confidentiality", Check, true),
        ],
    ),
    destructive(a("decline-appointment", &[f("reason", LongText, true)])),
    destructive(a(
        "record-vacancy",
        &[f("reason", LongText, true), f("seat", Seat, false)],
    )),
    last(p(
        "answer-co-mediation-vacancy",
        &[f("continue_with_remaining", Check, false)],
    )),
    // A remaining party's answer after another withdrew: one "no" ends the mediation.
    last(p(
        "answer-continuation",
        &[f("continue_mediation", Check, false)],
    )),
    routine(a("file-disclosure", &[f("text", LongText, true)])),
    routine(a("set-time-limit", &[f("days", Number, true)])),
    a("accept-undertaking", &[]),
    p("acknowledge-disclosure", &[]),
    routine(p("object-to-disclosure", &[f("reason", LongText, true)])),
    a(
        "record-deposit-paid",
        &[f("party", Party, true), f("paid_by", Party, true)],
    ),
    a(
        "record-first-session",
        &[
            f("record.negotiators", PerParty, true),
            f("record.language", Text, true),
            f("record.information_treatment", LongText, true),
            f("record.standstill", Text, true),
            f("record.settlement_disclosure", Text, true),
        ],
    ),
    routine(a("record-consultation", &[f("summary", LongText, true)])),
    routine(p(
        "agree-profile-version",
        &[f("version", RulesVersion, true)],
    )),
    routine(a("suspend-by-agreement", &[f("reason", LongText, true)])),
    a("resume", &[]),
    a(
        "indicate-terms-agreed",
        &[
            f("partial", Check, false),
            f("settled_issues", Lines, false),
            f("unsettled_issues", Lines, false),
        ],
    ),
    destructive(p("withdraw", &[])),
    destructive(p("declare-joint-termination", &[])),
    destructive(a(
        "declare-mediator-termination",
        &[f("reason", LongText, true)],
    )),
    a("record-final-accounts", &[f("summary", LongText, true)]),
    last(a("close", &[])),
    routine(a(
        "add-participant",
        &[
            f("user_id", Text, true),
            f("role.role", GrantRole, true),
            f("role.party", Party, false),
            f("role.channels", GrantChannel, false),
        ],
    )),
    routine(a(
        "approve-participant",
        &[f("user_id", PendingGrant, true)],
    )),
    routine(a("refuse-participant", &[f("user_id", PendingGrant, true)])),
    destructive(a("remove-participant", &[f("user_id", Text, true)])),
];

/// The role kinds a grant form offers, in order.
pub const GRANT_ROLES: &[&str] = &[
    "internal-reviewer",
    "expert",
    "interpreter",
    "observer",
    "case-officer",
    "finance-officer",
];

/// The form of an action offered on pages.
pub fn form_for(action: &str) -> Option<&'static ActionForm> {
    ACTION_FORMS.iter().find(|f| f.action == action)
}

/// The message id of a field's label.
pub fn label_id(field: &str) -> String {
    format!("field-{}", field.replace(['.', '_'], "-"))
}

/// Puts `value` at a dotted path in `root`.
fn put(root: &mut Map<String, Value>, path: &str, value: Value) {
    let mut parts = path.split('.').peekable();
    let mut here = root;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            here.insert(part.to_owned(), value);
            return;
        }
        let next = here
            .entry(part.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !next.is_object() {
            *next = Value::Object(Map::new());
        }
        let Value::Object(m) = next else { return };
        here = m;
    }
}

/// Why a submitted form is not a command: the field and a message id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name (dotted).
    pub field: String,
    /// Message id.
    pub message: &'static str,
}

/// The longest value of one field.
pub const MAX_FIELD_CHARS: usize = 20_000;

/// Builds the command from a submitted form (`values`: name → value as sent). `party` is the
/// party of a per-party form; `parties` the case's party ids (for [`Kind::PerParty`]).
pub fn command_from_form(
    form: &ActionForm,
    party: Option<&str>,
    parties: &[String],
    values: &[(String, String)],
) -> Result<Command, Vec<FieldError>> {
    let get = |name: &str| {
        values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
    };
    let mut body = Map::new();
    let mut errors = vec![];
    body.insert("action".into(), json!(form.action));
    if form.per_party {
        body.insert("party".into(), json!(party.unwrap_or_default()));
    }
    for field in form.fields {
        let name = field.name;
        let missing = || FieldError {
            field: name.to_owned(),
            message: "web-error-required",
        };
        match field.kind {
            Check => {
                let on = get(name).is_some_and(|v| !v.is_empty());
                if field.required && !on {
                    errors.push(FieldError {
                        field: name.to_owned(),
                        message: "web-error-must-confirm",
                    });
                }
                put(&mut body, name, json!(on));
            }
            Number | RulesVersion => match get(name).filter(|v| !v.is_empty()) {
                None if field.required => errors.push(missing()),
                None => {}
                Some(v) => match v.parse::<u32>() {
                    Ok(n) => put(&mut body, name, json!(n)),
                    Err(_) => errors.push(FieldError {
                        field: name.to_owned(),
                        message: "web-error-number",
                    }),
                },
            },
            PerParty => {
                let mut m = Map::new();
                for party in parties {
                    let key = format!("{name}.{party}");
                    match get(&key).filter(|v| !v.is_empty()) {
                        Some(v) => {
                            m.insert(party.clone(), json!(v));
                        }
                        None if field.required => errors.push(FieldError {
                            field: key,
                            message: "web-error-required",
                        }),
                        None => {}
                    }
                }
                put(&mut body, name, Value::Object(m));
            }
            Lines => {
                let items: Vec<&str> = get(name)
                    .unwrap_or_default()
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                if field.required && items.is_empty() {
                    errors.push(missing());
                } else if get(name).is_some_and(|v| v.chars().count() > MAX_FIELD_CHARS) {
                    errors.push(FieldError {
                        field: name.to_owned(),
                        message: "web-error-too-long",
                    });
                } else {
                    put(&mut body, name, json!(items));
                }
            }
            Representative => match get(name).and_then(|v| v.split_once('/')) {
                Some((p, u)) if !p.is_empty() && !u.is_empty() => {
                    body.insert("party".into(), json!(p));
                    body.insert("user_id".into(), json!(u));
                }
                _ => errors.push(missing()),
            },
            Proofs => {
                let prefix = format!("{name}.");
                let proofs: Vec<Value> = values
                    .iter()
                    .filter_map(|(k, v)| Some((k.strip_prefix(&prefix)?, v.trim())))
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(user, v)| json!({"user_id": user, "document": v}))
                    .collect();
                if field.required && proofs.is_empty() {
                    errors.push(missing());
                }
                put(&mut body, name, Value::Array(proofs));
            }
            Scopes => {
                let ticked: Vec<&str> = SCOPES
                    .iter()
                    .copied()
                    .filter(|s| get(&format!("{name}.{s}")).is_some_and(|v| !v.is_empty()))
                    .collect();
                if !ticked.is_empty() {
                    put(&mut body, name, json!(ticked));
                }
            }
            GrantChannel => match get(name).filter(|v| !v.is_empty()) {
                None if field.required => errors.push(missing()),
                None => {}
                Some(v) => put(&mut body, name, json!([v])),
            },
            Text | LongText | Choice(_) | Party | Country | Mediator | GrantRole | PendingGrant
            | Seat => {
                let upper = get(name).map(str::to_ascii_uppercase);
                let sent = if field.kind == Country {
                    upper.as_deref()
                } else {
                    get(name)
                };
                match sent.filter(|v| !v.is_empty()) {
                    None if field.required => errors.push(missing()),
                    None => {}
                    Some(v) if v.chars().count() > MAX_FIELD_CHARS => errors.push(FieldError {
                        field: name.to_owned(),
                        message: "web-error-too-long",
                    }),
                    Some(v) => {
                        let options = match field.kind {
                            Choice(options) => Some(options),
                            GrantRole => Some(GRANT_ROLES),
                            _ => None,
                        };
                        if let Some(options) = options
                            && !options.contains(&v)
                        {
                            errors.push(FieldError {
                                field: name.to_owned(),
                                message: "web-error-choice",
                            });
                        } else {
                            put(&mut body, name, json!(v));
                        }
                    }
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value(Value::Object(body)).map_err(|_| {
        vec![FieldError {
            field: String::new(),
            message: "web-error-form",
        }]
    })
}

/// The step a form offers, for the party of a per-party form: what the page asks the use case
/// about before it shows the form (the values are checked only when the form is sent).
pub fn step(form: &ActionForm, party: Option<&str>) -> Option<Step> {
    let kind = CommandKind::from_name(form.action)?;
    Some(Step {
        kind,
        party: party.filter(|_| form.per_party).map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acts_that_end_refuse_or_take_away_are_destructive_and_confirmed() {
        let ending = [
            "withdraw",
            "refuse-request",
            "reject",
            "decline",
            "revoke",
            "termination",
            "remove",
            "treat-invitation-as-rejected",
            "record-vacancy",
        ];
        for form in ACTION_FORMS {
            let ends = ending.iter().any(|w| form.action.contains(w));
            assert_eq!(
                form.weight == Weight::Destructive,
                ends,
                "{}: {:?}",
                form.action,
                form.weight
            );
            if ends {
                assert!(form.weight.confirms() && !form.weight.may_lead());
            }
        }
        assert!(form_for("close").is_some_and(|f| f.weight.confirms() && f.weight.may_lead()));
        assert!(form_for("register").is_some_and(|f| f.weight == Weight::Step));
    }

    #[test]
    fn every_offered_action_is_an_action_of_the_api() {
        for form in ACTION_FORMS {
            assert!(
                Command::ACTION_NAMES.contains(&form.action),
                "{}",
                form.action
            );
        }
    }

    /// Fills every field of a form with a value of its kind.
    fn filled(form: &ActionForm, parties: &[String]) -> Vec<(String, String)> {
        form.fields
            .iter()
            .flat_map(|field| {
                let v = match field.kind {
                    Check => "on".to_owned(),
                    Number | RulesVersion => "1".to_owned(),
                    Choice(options) => options.first().copied().unwrap_or_default().to_owned(),
                    Party => parties.first().cloned().unwrap_or_default(),
                    Country => "ZZ".to_owned(),
                    Mediator => "panel-member".to_owned(),
                    GrantRole => "internal-reviewer".to_owned(),
                    GrantChannel => String::new(),
                    Text | LongText | PerParty | PendingGrant => "-".to_owned(),
                    Lines => "first\nsecond".to_owned(),
                    Representative => "A/u1".to_owned(),
                    Seat => "m1".to_owned(),
                    Proofs => "Full powers".to_owned(),
                    Scopes => "on".to_owned(),
                };
                match field.kind {
                    PerParty => parties
                        .iter()
                        .map(|p| (format!("{}.{p}", field.name), v.clone()))
                        .collect::<Vec<_>>(),
                    Proofs => vec![(format!("{}.u1", field.name), v)],
                    Scopes => vec![(format!("{}.file", field.name), v)],
                    _ => vec![(field.name.to_owned(), v)],
                }
            })
            .collect()
    }

    #[test]
    fn every_form_can_be_filled_into_its_command_and_names_its_step() {
        let parties = vec!["A".to_owned(), "B".to_owned()];
        for form in ACTION_FORMS {
            let cmd = command_from_form(form, Some("A"), &parties, &filled(form, &parties))
                .unwrap_or_else(|_| panic!("{} does not build", form.action));
            assert_eq!(cmd.name(), form.action);
            let step = step(form, Some("A")).unwrap_or_else(|| panic!("{}", form.action));
            assert_eq!(step.kind, cmd.kind());
            assert_eq!(step.party.as_deref(), cmd.acting_party(), "{}", form.action);
        }
    }

    #[test]
    fn dotted_and_per_party_fields_nest() {
        let form = form_for("record-first-session").unwrap();
        let parties = vec!["H".to_owned(), "I".to_owned()];
        let values: Vec<(String, String)> = [
            ("record.negotiators.H", "Grace Ho"),
            ("record.negotiators.I", "Budi Santoso"),
            ("record.language", "English"),
            ("record.information_treatment", "private unless authorised"),
            ("record.standstill", "none"),
            ("record.settlement_disclosure", "confidential"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let Command::RecordFirstSession { record } =
            command_from_form(form, None, &parties, &values).unwrap()
        else {
            panic!("wrong command")
        };
        assert_eq!(record.negotiators["I"], "Budi Santoso");
        assert_eq!(record.language, "English");
    }

    #[test]
    fn a_missing_or_wrong_field_is_named_and_nothing_is_built() {
        let parties = vec!["H".to_owned()];
        let form = form_for("accept-appointment").unwrap();
        let values = vec![("declaration.independent".to_owned(), "on".to_owned())];
        let errors = command_from_form(form, None, &parties, &values).unwrap_err();
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            named,
            [
                "declaration.impartial",
                "declaration.available",
                "declaration.confidentiality"
            ]
        );
        let form = form_for("agree-mediator-count").unwrap();
        let values = vec![("count".to_owned(), "two".to_owned())];
        assert_eq!(
            command_from_form(form, None, &parties, &values).unwrap_err()[0].message,
            "web-error-number"
        );
        let form = form_for("nominate-mediator").unwrap();
        let values = vec![
            ("mediator_user_id".to_owned(), "u".to_owned()),
            ("name".to_owned(), "n".to_owned()),
            ("method".to_owned(), "by-lot".to_owned()),
        ];
        assert_eq!(
            command_from_form(form, None, &parties, &values).unwrap_err()[0].message,
            "web-error-choice"
        );
    }

    #[test]
    fn authority_forms_name_the_representative_its_proofs_and_scopes() {
        let parties = vec!["H".to_owned(), "I".to_owned()];
        let v = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let form = form_for("record-authority").unwrap();
        let cmd = command_from_form(
            form,
            None,
            &parties,
            &v(&[
                ("representative", "H/hc"),
                ("document", "Power of attorney 4/2026"),
                ("scopes.view", "on"),
                ("scopes.sign", "on"),
            ]),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&cmd).unwrap(),
            json!({"action": "record-authority", "party": "H", "user_id": "hc",
                   "document": "Power of attorney 4/2026", "scopes": ["view", "sign"]})
        );
        // No box ticked: the scopes already held stay.
        let cmd = command_from_form(
            form,
            None,
            &parties,
            &v(&[("representative", "H/hc"), ("document", "D")]),
        )
        .unwrap();
        assert_eq!(serde_json::to_value(&cmd).unwrap()["scopes"], Value::Null);
        // A representative not chosen (or malformed) is a required field left empty.
        let errors =
            command_from_form(form, None, &parties, &v(&[("representative", "hc")])).unwrap_err();
        assert_eq!(errors[0].field, "representative");
        let form = form_for("accept-invitation").unwrap();
        let cmd = command_from_form(
            form,
            Some("I"),
            &parties,
            &v(&[
                ("instrument", "Letter"),
                ("authority.i", "Board resolution 7"),
                ("authority.ic", " "),
            ]),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&cmd).unwrap()["authority"],
            json!([{"user_id": "i", "document": "Board resolution 7"}])
        );
    }

    /// Every step the rules give a party (or a third State) can be taken from a page: a form of
    /// the case page, or the page of its own that the comment names.
    #[test]
    fn every_step_of_a_party_or_third_state_has_a_page() {
        use accord_domain::policy::Action;
        const OWN_PAGES: &[&str] = &[
            "amend-draft",                 // the draft's edit form (/cases/{id}/draft)
            "approve-final-text",          // the settlement page
            "sign-settlement",             // the settlement page
            "propose-package", // the negotiation page (the mediator; parties answer there)
            "record-third-state-consent", // a third State's consent page
            "decline-third-state-consent", // a third State's consent page
        ];
        let mut missing = vec![];
        for kind in CommandKind::ALL {
            let a_party = matches!(
                kind.action(Some("A")),
                Some(
                    Action::ActForRequestingParty
                        | Action::ActForParty { .. }
                        | Action::SignForParty { .. }
                )
            ) || kind.action(Some("A")).is_none();
            let name = kind.name();
            if a_party && form_for(name).is_none() && !OWN_PAGES.contains(&name) {
                missing.push(name);
            }
        }
        assert!(missing.is_empty(), "no page for {missing:?}");
    }
}
