//! The OpenAPI 3.1 document of the API, generated from the same serde types the handlers use
//! (schemars follows serde's tags, renames and `deny_unknown_fields` exactly).

use accord_app::accounts::{NewSession, NewUser, UserView};
use accord_app::attestations::{AttestationView, PublicVerification};
use accord_app::bidding::{BidInput, BiddingView};
use accord_app::cases::NewDeclaration;
use accord_app::negotiations::{AnalysisView, AnswerInput, NegotiationView};
use accord_app::settlement::{DraftDiffView, DraftVersionView, DraftView};
use accord_app::transparency::{CheckpointView, ConsistencyView, InclusionView, LogKeyView};
use accord_app::views::{CaseSummary, CaseView, ConsentRequestView, EventView};
use accord_domain::Command;
use accord_domain::command::FileRequest;
use accord_domain::negotiation::Preferences;
use accord_domain::party::ExclusionDeclaration;
use accord_domain::profile::Profile;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use accord_app::accounts::TotpEnrolment;
use accord_app::cases::Statistics;
use accord_app::channels::{
    AccessView, ChannelView, MessageView, NewMessage, ProposeRelay, RelayDecision, RelayView,
};

use crate::routes::{
    AccessLogParams, ListParams, LoginRequest, ReauthRequest, RoleChange, TotpCode,
};

/// What the Error schema says of its code: every code of the case rules' registry, so that the
/// list a client reads is the one the domain refuses with.
fn error_code_description() -> String {
    let codes: Vec<&str> = accord_domain::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    format!(
        "stable kebab-case code; the case rules refuse with one of: {}",
        codes.join(", ")
    )
}

fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": {"error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": error_code_description()},
                "message": {"type": "string"}
            }
        }}
    })
}

fn json_content(schema: Value) -> Value {
    json!({"content": {"application/json": {"schema": schema}}})
}

struct Op {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    request: Option<Value>,
    response: (u16, Option<Value>),
    public: bool,
}

fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect()
}

/// Builds the document.
pub fn document() -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut g: SchemaGenerator = settings.into_generator();
    let mut s = |f: fn(&mut SchemaGenerator) -> schemars::Schema| f(&mut g).to_value();
    let case_view = s(|g| g.subschema_for::<CaseView>());
    let command = s(|g| g.subschema_for::<Command>());
    let ops = vec![
        Op {
            method: "get",
            path: "/healthz",
            summary: "Readiness: 200 when storage answers",
            request: None,
            response: (200, None),
            public: true,
        },
        Op {
            method: "get",
            path: "/api/v1/openapi.json",
            summary: "This document",
            request: None,
            response: (200, None),
            public: true,
        },
        Op {
            method: "post",
            path: "/api/v1/sessions",
            summary: "Sign in; returns a bearer token and sets the session cookie",
            request: Some(s(|g| g.subschema_for::<LoginRequest>())),
            response: (201, Some(s(|g| g.subschema_for::<NewSession>()))),
            public: true,
        },
        Op {
            method: "delete",
            path: "/api/v1/sessions/current",
            summary: "Sign out",
            request: None,
            response: (204, None),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/me",
            summary: "The signed-in user",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<UserView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/users",
            summary: "Accounts (Secretariat)",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<Vec<UserView>>()))),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/users",
            summary: "Create an account (Secretariat)",
            request: Some(s(|g| g.subschema_for::<NewUser>())),
            response: (201, Some(s(|g| g.subschema_for::<UserView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/profiles",
            summary: "Procedural profile presets",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<Vec<Profile>>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/declarations",
            summary: "States' exclusion declarations",
            request: None,
            response: (
                200,
                Some(s(|g| g.subschema_for::<Vec<ExclusionDeclaration>>())),
            ),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/declarations",
            summary: "Record an exclusion declaration (Secretariat)",
            request: Some(s(|g| g.subschema_for::<NewDeclaration>())),
            response: (201, Some(s(|g| g.subschema_for::<ExclusionDeclaration>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases",
            summary: "Cases the user may see, by next deadline (query: state, limit, offset)",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<Vec<CaseSummary>>()))),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/cases",
            summary: "File a request (creates a DRAFT)",
            request: Some(s(|g| g.subschema_for::<FileRequest>())),
            response: (201, Some(case_view.clone())),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}",
            summary: "A case (ETag: its version)",
            request: None,
            response: (200, Some(case_view.clone())),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/events",
            summary: "The case's events the user may read, hash-chained",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<Vec<EventView>>()))),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/cases/{case_id}/reopen",
            summary: "Re-open a closed case as a new linked case",
            request: None,
            response: (201, Some(case_view.clone())),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/consent-requests/{country}",
            summary: "The consent request to a third State (all it may see)",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<ConsentRequestView>()))),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/sessions/reauth",
            summary: "Confirm the password (and code) again before acts such as signing",
            request: Some(s(|g| g.subschema_for::<ReauthRequest>())),
            response: (204, None),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/me/totp",
            summary: "Start second-factor enrolment",
            request: None,
            response: (201, Some(s(|g| g.subschema_for::<TotpEnrolment>()))),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/me/totp/confirm",
            summary: "Confirm the second factor with a current code",
            request: Some(s(|g| g.subschema_for::<TotpCode>())),
            response: (204, None),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/users/{user_id}/disable",
            summary: "Disable an account and end its sessions (Secretariat)",
            request: None,
            response: (204, None),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/users/{user_id}/enable",
            summary: "Re-enable an account (Secretariat)",
            request: None,
            response: (204, None),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/users/{user_id}/role",
            summary: "Change an account's role (Secretariat)",
            request: Some(s(|g| g.subschema_for::<RoleChange>())),
            response: (204, None),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/access-log",
            summary: "Reads of caucus and without-prejudice content (Secretary-General; query: case_id)",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<Vec<AccessView>>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/statistics",
            summary: "Aggregate statistics (Governing Council, Secretariat)",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<Statistics>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/channels",
            summary: "The channels you may use in a case",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<Vec<ChannelView>>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/channels/{channel}/messages",
            summary: "A channel's messages (content or metadata, per the policy)",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<Vec<MessageView>>()))),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/cases/{case_id}/channels/{channel}/messages",
            summary: "Post a message",
            request: Some(s(|g| g.subschema_for::<NewMessage>())),
            response: (201, Some(s(|g| g.subschema_for::<MessageView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/channels/{channel}/documents",
            summary: "A channel's documents (title and name only for full readers, per the policy)",
            request: None,
            response: (
                200,
                Some(s(|g| {
                    g.subschema_for::<Vec<accord_app::filings::FiledDocumentView>>()
                })),
            ),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/cases/{case_id}/channels/{channel}/documents",
            summary: "File a document: multipart/form-data with a 'metadata' part (JSON, NewFiling) \
                      first and a 'file' part (declared Content-Type) second, or the file itself as \
                      the body (its Content-Type the declared type) with NewFiling's fields \
                      form-encoded in the Accord-Filing header; streamed into the encrypted vault, \
                      its SHA-256 recorded in the case log",
            request: Some(s(|g| g.subschema_for::<accord_app::filings::NewFiling>())),
            response: (
                201,
                Some(s(|g| {
                    g.subschema_for::<accord_app::filings::FiledDocumentView>()
                })),
            ),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/cases/{case_id}/channels/{channel}/documents/{document_id}/expand",
            summary: "Expand a filed ZIP archive on request (one level; bombs and unsafe paths \
                      refused): each entry is filed as a document of the channel",
            request: None,
            response: (
                200,
                Some(s(|g| {
                    g.subschema_for::<accord_app::filings::ExpansionView>()
                })),
            ),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/export",
            summary: "The case file as a ZIP with an HTML index (query: purpose = case-file | \
                      other-proceedings, which omits without-prejudice, caucus, notes and \
                      internal items)",
            request: None,
            response: (200, None),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/channels/{channel}/documents/{document_id}",
            summary: "A document's content (full readers of the channel; attachment, sniffed type)",
            request: None,
            response: (200, None),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/relays",
            summary: "Relays of caucus excerpts (mediator, source party)",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<Vec<RelayView>>()))),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/cases/{case_id}/relays",
            summary: "The mediator proposes to relay an exact excerpt of a caucus message",
            request: Some(s(|g| g.subschema_for::<ProposeRelay>())),
            response: (201, Some(s(|g| g.subschema_for::<RelayView>()))),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/cases/{case_id}/relays/{relay_id}/decision",
            summary: "The source party approves that exact text, or refuses",
            request: Some(s(|g| g.subschema_for::<RelayDecision>())),
            response: (200, Some(s(|g| g.subschema_for::<RelayView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/verify/{verification_id}",
            summary: "Public check of a document against an attestation (query: sha256); reveals match or no match only",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<PublicVerification>()))),
            public: true,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/attestation",
            summary: "The institution's attestation of the case's settlement",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<AttestationView>()))),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/cases/{case_id}/attestation",
            summary: "The Secretariat issues the attestation of a signed, countersigned settlement",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<AttestationView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/settlement/drafts",
            summary: "Versions of the settlement draft, with the hash of each",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<Vec<DraftVersionView>>()))),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/cases/{case_id}/settlement/drafts",
            summary: "Put a new version of the settlement draft (mediator or a party's counsel)",
            request: Some(s(|g| {
                g.subschema_for::<accord_domain::settlement::SettlementDraft>()
            })),
            response: (201, Some(s(|g| g.subschema_for::<DraftVersionView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/settlement/drafts/{version}",
            summary: "One version with its content and the exact bytes hashed",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<DraftView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/settlement/diff",
            summary: "The differences between two versions (query: from, to)",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<DraftDiffView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/enforcement-package",
            summary: "The enforcement package (application/zip): agreement, signatures, attestation, case-log extract; verify it with `accord verify`",
            request: None,
            response: (200, None),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/documents/settlement-agreement",
            summary: "The frozen settlement agreement in one language, as PDF/A (query: language)",
            request: None,
            response: (200, None),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/documents/{kind}",
            summary: "A case document as PDF/A in one language (query: language): acknowledgement, \
                      invitation, notice-of-registration, declaration-of-independence, \
                      certificate-of-mediation, attestation or termination-record",
            request: None,
            response: (200, None),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/transparency/key",
            summary: "The institution's public key and the log's origin (public)",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<LogKeyView>()))),
            public: true,
        },
        Op {
            method: "get",
            path: "/api/v1/transparency/checkpoint",
            summary: "A signed checkpoint of the transparency log (keep it)",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<CheckpointView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/transparency/consistency",
            summary: "Proof that the log at `from` entries is a prefix of the log at `to` (query: from, to)",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<ConsistencyView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/events/{seq}/inclusion",
            summary: "Proof that a case event is in the transparency log (query: size)",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<InclusionView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/negotiations",
            summary: "The case's negotiations: the public record, plus the viewer's own standing",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<Vec<NegotiationView>>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/negotiations/{negotiation_id}",
            summary: "One negotiation as the viewer may see it",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<NegotiationView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/analysis",
            summary: "The mediator's analysis: efficient packages, fair points, proposals checked",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<AnalysisView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/preferences/{party}",
            summary: "A party's private preferences (its representatives; the mediator under full disclosure)",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<Preferences>()))),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/preferences/{party}",
            summary: "A party enters or replaces its private preferences",
            request: Some(s(|g| g.subschema_for::<Preferences>())),
            response: (200, Some(s(|g| g.subschema_for::<NegotiationView>()))),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/cases/{case_id}/negotiations/{negotiation_id}/proposals/{proposal_id}/answers/{party}",
            summary: "A party answers a proposal privately; when all accept, the agreement is recorded",
            request: Some(s(|g| g.subschema_for::<AnswerInput>())),
            response: (200, Some(s(|g| g.subschema_for::<NegotiationView>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/blind-biddings",
            summary: "The case's blind biddings: rules and round outcomes, plus the viewer's own figures",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<Vec<BiddingView>>()))),
            public: false,
        },
        Op {
            method: "get",
            path: "/api/v1/cases/{case_id}/blind-biddings/{bidding_id}",
            summary: "One blind bidding as the viewer may see it",
            request: None,
            response: (200, Some(s(|g| g.subschema_for::<BiddingView>()))),
            public: false,
        },
        Op {
            method: "post",
            path: "/api/v1/cases/{case_id}/blind-biddings/{bidding_id}/figures/{party}",
            summary: "A side names its figure for the open round, privately; when both are in, the round closes",
            request: Some(s(|g| g.subschema_for::<BidInput>())),
            response: (200, Some(s(|g| g.subschema_for::<BiddingView>()))),
            public: false,
        },
    ];
    let _ = s(|g| g.subschema_for::<ListParams>());
    let _ = s(|g| g.subschema_for::<crate::routes::ConsistencyParams>());
    let _ = s(|g| g.subschema_for::<crate::routes::VerifyParams>());
    let _ = s(|g| g.subschema_for::<crate::routes::DiffParams>());
    let _ = s(|g| g.subschema_for::<crate::routes::DocumentParams>());
    let _ = s(|g| g.subschema_for::<crate::export_routes::ExportParams>());
    let _ = s(|g| g.subschema_for::<crate::routes::InclusionParams>());
    let _ = s(|g| g.subschema_for::<AccessLogParams>());
    let mut paths = Map::new();
    let mut add = |path: String, method: &str, op: Value| {
        let entry = paths
            .entry(path)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            m.insert(method.to_owned(), op);
        }
    };
    let error_ref = json!({"$ref": "#/components/schemas/Error"});
    let responses = |status: u16, schema: Option<Value>| {
        let mut r = Map::new();
        let ok = match schema {
            Some(sc) => {
                let mut v = json_content(sc);
                v["description"] = json!("success");
                v
            }
            None => json!({"description": "success"}),
        };
        r.insert(status.to_string(), ok);
        let mut e = json_content(error_ref.clone());
        e["description"] = json!("error: see the stable code");
        r.insert("default".into(), e);
        Value::Object(r)
    };
    for op in ops {
        let mut o = json!({
            "summary": op.summary,
            "parameters": path_params(op.path),
            "responses": responses(op.response.0, op.response.1),
        });
        if let Some(req) = op.request {
            let mut body = if op.path.ends_with("/documents") {
                // The body form's metadata: NewFiling's fields, form-encoded, in a header.
                if let Some(a) = o["parameters"].as_array_mut() {
                    a.push(
                        json!({"name": "Accord-Filing", "in": "header", "required": false,
                        "description": "with the file as the body (any Content-Type but \
                                        multipart): NewFiling's fields form-encoded, \
                                        e.g. title=M%C3%A9moire&language=fr",
                        "schema": {"type": "string"}}),
                    );
                }
                json!({"content": {
                    "multipart/form-data": {"schema": {
                        "type": "object",
                        "required": ["metadata", "file"],
                        "properties": {
                            "metadata": req,
                            "file": {"type": "string", "format": "binary"},
                        },
                    }},
                    "*/*": {"schema": {"type": "string", "format": "binary"}},
                }})
            } else {
                json_content(req)
            };
            body["required"] = json!(true);
            o["requestBody"] = body;
        }
        if op.public {
            o["security"] = json!([]);
        }
        if op.method == "post"
            && !op.public
            && let Some(a) = o["parameters"].as_array_mut()
        {
            a.push(idempotency_param());
        }
        add(op.path.to_owned(), op.method, o);
    }
    for action in Command::ACTION_NAMES {
        let path = format!("/api/v1/cases/{{case_id}}/actions/{action}");
        let mut params = path_params(&path);
        params.push(
            json!({"name": "If-Match", "in": "header", "required": false,
            "description": "the case's ETag (\"v<version>\"): refuse if the case changed",
            "schema": {"type": "string"}}),
        );
        params.push(idempotency_param());
        let mut body = json_content(command.clone());
        body["required"] = json!(true);
        body["description"] = json!(format!(
            "the '{action}' variant of Command; 'action' may be omitted"
        ));
        add(
            path,
            "post",
            json!({
                "summary": format!("Case action: {action}"),
                "parameters": params,
                "requestBody": body,
                "responses": responses(200, Some(case_view.clone())),
            }),
        );
    }
    let mut schemas = g.take_definitions(true);
    schemas.insert("Error".into(), error_schema());
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Accord API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "International mediation, end to end. Errors are {\"error\": {\"code\", \"message\"}} with stable codes.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"cookie": []}],
        "paths": Value::Object(paths),
        "components": {
            "schemas": Value::Object(schemas),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": crate::session::COOKIE},
            }
        }
    })
}

fn idempotency_param() -> Value {
    json!({"name": "Idempotency-Key", "in": "header", "required": false,
        "description": "repeat-safe POST: the same key and body replay the first response",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255}})
}
