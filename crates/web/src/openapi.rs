//! The OpenAPI 3.1 document of the API, generated from the route table (paths, methods,
//! summaries) and the same serde types the handlers use (schemars follows serde's tags, renames
//! and `deny_unknown_fields` exactly).

use accord_app::views::CaseView;
use accord_domain::refusals;
use accord_domain::{Command, CommandKind, ErrorCode};
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use crate::route_table::{self, Doc, RequestBody, RouteSpec, Verb};

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

fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect()
}

/// The responses of an operation: its success, and the error format for everything else.
fn responses(status: u16, schema: Option<Value>) -> Value {
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
    let mut e = json_content(json!({"$ref": "#/components/schemas/Error"}));
    e["description"] = json!("error: see the stable code");
    r.insert("default".into(), e);
    Value::Object(r)
}

/// A document upload's body: multipart with the metadata part first, or the file itself with
/// the metadata in the `Accord-Filing` header (added to `parameters`).
fn filing_body(metadata: Value, parameters: &mut Value) -> Value {
    if let Some(a) = parameters.as_array_mut() {
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
                "metadata": metadata,
                "file": {"type": "string", "format": "binary"},
            },
        }},
        "*/*": {"schema": {"type": "string", "format": "binary"}},
    }})
}

/// The fields of a query type (its schema, `reference` into the components) as OpenAPI query
/// parameters, none required: optional fields lose their `null` alternative, which a query
/// cannot express.
fn query_fields(g: &SchemaGenerator, reference: &Value) -> Option<Vec<Value>> {
    let name = reference.get("$ref")?.as_str()?.rsplit('/').next()?;
    let schema = g.definitions().get(name)?;
    let properties = schema.get("properties")?.as_object()?;
    Some(
        properties
            .iter()
            .map(|(field, s)| {
                let mut s = s.clone();
                let description = s
                    .as_object_mut()
                    .and_then(|o| o.remove("description"))
                    .unwrap_or(Value::Null);
                let s = without_null(s);
                let mut p = json!({"name": field, "in": "query", "required": false, "schema": s});
                if !description.is_null() {
                    p["description"] = description;
                }
                p
            })
            .collect(),
    )
}

/// A schema without its `null` alternative (`type: [T, "null"]` or `anyOf: [S, {type: null}]`).
fn without_null(mut s: Value) -> Value {
    if let Some(types) = s.get_mut("type").and_then(Value::as_array_mut) {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types[0].clone();
            s["type"] = only;
        }
        return s;
    }
    let alternatives = s
        .get("anyOf")
        .or_else(|| s.get("oneOf"))
        .and_then(Value::as_array)
        .cloned();
    if let Some(alts) = alternatives {
        let rest: Vec<Value> = alts
            .into_iter()
            .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
            .collect();
        if rest.len() == 1 {
            return rest.into_iter().next().unwrap_or(Value::Null);
        }
    }
    s
}

/// One documented operation of a route.
fn operation(r: &RouteSpec, doc: &Doc, g: &mut SchemaGenerator) -> Option<Value> {
    let Doc::Operation {
        summary,
        body,
        query,
        status,
        response,
        paged,
    } = *doc
    else {
        return None;
    };
    let mut parameters = path_params(r.path);
    // Query types are published in the components, and each field is a query parameter.
    if let Some(q) = query {
        let reference = q(g).to_value();
        if let Some(fields) = query_fields(g, &reference) {
            parameters.extend(fields);
        }
    }
    let mut responses = responses(status, response.map(|f| f(g).to_value()));
    if paged {
        responses[status.to_string()]["headers"] = json!({
            "Accord-Next-Cursor": {
                "description": "the next page's cursor (pass it as `cursor`); absent on the last page",
                "schema": {"type": "string"},
            },
            "Link": {
                "description": "the next page's address, `<…>; rel=\"next\"` (RFC 8288); absent on the last page",
                "schema": {"type": "string"},
            },
        });
    }
    let mut o = json!({
        "summary": summary,
        "parameters": parameters,
        "responses": responses,
    });
    if let Some(body) = body {
        let mut body = match body {
            RequestBody::Json(f) => json_content(f(g).to_value()),
            RequestBody::Filing(f) => {
                let metadata = f(g).to_value();
                filing_body(metadata, &mut o["parameters"])
            }
        };
        body["required"] = json!(true);
        o["requestBody"] = body;
    }
    if !r.session {
        o["security"] = json!([]);
    }
    if r.verb == Verb::Post
        && r.session
        && let Some(a) = o["parameters"].as_array_mut()
    {
        a.push(idempotency_param());
    }
    Some(o)
}

/// The component name of an action's request body: `record-authority` → `RecordAuthorityAction`.
fn action_schema_name(action: &str) -> String {
    let mut name: String = action
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    name.push_str("Action");
    name
}

/// Each action's own request body, taken from its variant of the `Command` schema (the fields,
/// their types and `additionalProperties: false` exactly as the handler reads them), with
/// `action` no longer required: the path names the action, and a body that repeats it must
/// repeat it exactly (`action-mismatch`). Registered as components; returns their references.
fn action_request_schemas(g: &mut SchemaGenerator) -> Map<String, Value> {
    g.subschema_for::<Command>();
    let variants: Vec<Value> = g
        .definitions()
        .get("Command")
        .and_then(|c| c.get("oneOf"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut refs = Map::new();
    for mut v in variants {
        let action = v["properties"]["action"]["const"]
            .as_str()
            .or_else(|| v["properties"]["action"]["enum"][0].as_str())
            .map(str::to_owned);
        let Some(action) = action else { continue };
        if let Some(required) = v.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|f| f != "action");
        }
        v["properties"]["action"]["description"] =
            json!("optional: the path names the action; if given, it must be the same");
        let name = action_schema_name(&action);
        g.definitions_mut().insert(name.clone(), v);
        refs.insert(
            action,
            json!({"$ref": format!("#/components/schemas/{name}")}),
        );
    }
    refs
}

/// What any case action can answer besides its own rules' refusals, by status.
const ACTION_COMMON: &[(u16, &[&str])] = &[
    (
        400,
        &[
            "malformed-json",
            "invalid-if-match",
            "invalid-idempotency-key",
        ],
    ),
    (401, &["unauthenticated", "reauthentication-required"]),
    (
        403,
        &[
            "forbidden",
            "authority-not-accepted",
            "cross-site-request",
            "second-factor-enrolment-required",
        ],
    ),
    (404, &["case-not-found", "unknown-action"]),
    (
        409,
        &["version-conflict", "idempotency-request-in-progress"],
    ),
    (413, &["body-too-large"]),
    (415, &["unsupported-media-type"]),
    (
        422,
        &[
            "invalid-request-body",
            "action-mismatch",
            "idempotency-key-reused",
        ],
    ),
    (503, &["storage-unavailable"]),
];

/// The status a rule's refusal is answered with: a step not open in the case as it is (a guard,
/// the wrong state) conflicts with the case (409); anything else is invalid content (422).
fn refusal_status(code: ErrorCode) -> u16 {
    if code == ErrorCode::TransitionNotAllowed || code.as_str().starts_with("guard-") {
        409
    } else {
        422
    }
}

/// The error responses of one action: per status, the codes it can answer (its rules' own
/// refusals, [`refusals::refusals`], and those common to every action), also listed whole in
/// the operation's `x-error-codes`.
fn action_errors(kind: CommandKind) -> (Map<String, Value>, Vec<String>) {
    let mut by_status: std::collections::BTreeMap<u16, Vec<String>> = ACTION_COMMON
        .iter()
        .map(|(s, codes)| (*s, codes.iter().map(|c| (*c).to_owned()).collect()))
        .collect();
    for code in refusals::refusals(kind) {
        by_status
            .entry(refusal_status(code))
            .or_default()
            .push(code.as_str().to_owned());
    }
    if kind == CommandKind::NominateMediator || kind == CommandKind::ProposeMediator {
        by_status
            .entry(422)
            .or_default()
            .push("not-on-panel".into());
    }
    let mut all = vec![];
    let mut out = Map::new();
    for (status, codes) in by_status {
        let mut e = json_content(json!({"$ref": "#/components/schemas/Error"}));
        e["description"] = json!(format!("error codes: {}", codes.join(", ")));
        out.insert(status.to_string(), e);
        all.extend(codes);
    }
    (out, all)
}

/// What every action answers on success: the same envelope for every actor, the case as the
/// actor sees it after the step in the same object when it may read the case.
fn action_outcome_schema(case_view: Value) -> Value {
    json!({
        "description": "Every action answers with `recorded`, `case_id`, `action` and `view`. With `view: full` the \
                        object also holds every field of the case as the actor sees it after the step (a CaseView, \
                        with its ETag); with `view: minimal` — an actor who may take the step but not read the case, \
                        such as a third State giving its consent, a guest accepting its undertaking or an operator \
                        asking for break-glass access — it holds nothing more.",
        "type": "object",
        "required": ["recorded", "case_id", "action", "view"],
        "properties": {
            "recorded": {"const": true},
            "case_id": {"type": "string"},
            "action": {"type": "string", "description": "the action's name"},
            "view": {"enum": ["full", "minimal"]},
        },
        "if": {"properties": {"view": {"const": "full"}}},
        "then": case_view,
        "else": {"maxProperties": 4},
    })
}

/// The operations of `POST …/actions/{action}`, one per action.
fn case_actions(path: &str, g: &mut SchemaGenerator) -> Vec<(String, Value)> {
    let requests = action_request_schemas(g);
    let case_view = g.subschema_for::<CaseView>().to_value();
    g.definitions_mut()
        .insert("ActionOutcome".into(), action_outcome_schema(case_view));
    let outcome = json!({"$ref": "#/components/schemas/ActionOutcome"});
    Command::ACTION_NAMES
        .iter()
        .map(|action| {
            let path = path.replace("{action}", action);
            let mut params = path_params(&path);
            params.push(
                json!({"name": "If-Match", "in": "header", "required": false,
                "description": "the case's ETag (\"v<version>\"): refuse if the case changed",
                "schema": {"type": "string"}}),
            );
            params.push(idempotency_param());
            let schema = requests.get(*action).cloned().unwrap_or(Value::Null);
            let mut body = json_content(schema);
            body["required"] = json!(true);
            body["description"] = json!(format!("the fields of '{action}'"));
            let mut responses = responses(200, Some(outcome.clone()));
            let mut codes = vec![];
            if let Some(kind) = CommandKind::from_name(action) {
                let (errors, all) = action_errors(kind);
                if let Some(r) = responses.as_object_mut() {
                    r.extend(errors);
                }
                codes = all;
            }
            let op = json!({
                "summary": format!("Case action: {action}"),
                "parameters": params,
                "requestBody": body,
                "responses": responses,
                "x-error-codes": codes,
            });
            (path, op)
        })
        .collect()
}

/// Builds the document from the route table ([`crate::api::API`]).
pub fn document() -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut g: SchemaGenerator = settings.into_generator();
    let mut paths = Map::new();
    let mut add = |path: String, method: &str, op: Value| {
        let entry = paths
            .entry(path)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            m.insert(method.to_owned(), op);
        }
    };
    for r in route_table::all(crate::api::API) {
        match &r.doc {
            Doc::CaseActions => {
                for (path, op) in case_actions(r.path, &mut g) {
                    add(path, r.verb.openapi_name(), op);
                }
            }
            doc => {
                if let Some(op) = operation(r, doc, &mut g) {
                    add(r.path.to_owned(), r.verb.openapi_name(), op);
                }
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_its_own_request_schema_without_a_required_action() {
        let doc = document();
        for action in Command::ACTION_NAMES {
            let path = format!("/api/v1/cases/{{case_id}}/actions/{action}");
            let body = &doc["paths"][&path]["post"]["requestBody"]["content"]["application/json"]["schema"];
            let name = body["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .unwrap_or_else(|| panic!("{action}: {body}"));
            let schema = &doc["components"]["schemas"][name];
            assert_eq!(schema["properties"]["action"]["const"], *action, "{name}");
            let required = schema["required"].as_array().cloned().unwrap_or_default();
            assert!(
                !required.contains(&json!("action")),
                "{action}: {required:?}"
            );
            assert_eq!(schema["additionalProperties"], false, "{action}");
        }
        // The fields an action needs are required in its own schema, and only there.
        let record = &doc["components"]["schemas"]["RecordAuthorityAction"];
        let required: Vec<&str> = record["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(required, ["party", "user_id", "document"]);
        assert_eq!(
            doc["components"]["schemas"]["SubmitRequestAction"]["required"]
                .as_array()
                .map_or(0, Vec::len),
            0
        );
    }

    #[test]
    fn per_case_overrides_name_their_fields_and_bounds() {
        let doc = document();
        let filing = doc["paths"]["/api/v1/cases"]["post"]["requestBody"]["content"]
            ["application/json"]["schema"]
            .clone();
        let text = doc.to_string();
        let overrides = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .values()
            .find_map(|s| s["properties"].get("profile_overrides"))
            .unwrap_or_else(|| panic!("no filing schema with profile_overrides: {filing}"));
        assert_eq!(overrides["additionalProperties"], false, "{overrides}");
        let acceptance = &overrides["properties"]["acceptance_days"];
        assert_eq!(
            (
                acceptance["minimum"].as_u64(),
                acceptance["maximum"].as_u64()
            ),
            (Some(5), Some(60)),
            "{acceptance}"
        );
        // Every field the domain accepts as an override is in the schema, and no other.
        let fields = overrides["properties"].as_object().unwrap();
        for field in fields.keys() {
            let one = [(field.clone(), json!(null))].into_iter().collect();
            let refusal = accord_domain::profile::Profile::iomed_default()
                .with_overrides(&one)
                .unwrap_err()
                .to_string();
            assert!(
                !refusal.contains("cannot be overridden"),
                "{field} is documented but refused: {refusal}"
            );
        }
        for refused in [
            "id",
            "version",
            "non_contracting_parties_served",
            "pending_rules",
        ] {
            assert!(!fields.contains_key(refused), "{refused}");
        }
        assert!(text.contains("invalid-profile-override"));
    }

    #[test]
    fn every_action_lists_the_codes_it_can_answer_and_one_success_shape() {
        let doc = document();
        for action in Command::ACTION_NAMES {
            let path = format!("/api/v1/cases/{{case_id}}/actions/{action}");
            let op = &doc["paths"][&path]["post"];
            assert_eq!(
                op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ActionOutcome",
                "{action}"
            );
            let codes: Vec<&str> = op["x-error-codes"]
                .as_array()
                .unwrap_or_else(|| panic!("{action}: no x-error-codes"))
                .iter()
                .filter_map(Value::as_str)
                .collect();
            for common in ["transition-not-allowed", "case-not-found", "forbidden"] {
                assert!(codes.contains(&common), "{action}: {common}");
            }
            // Each code is under the status it is answered with.
            let kind = CommandKind::from_name(action).unwrap();
            for code in refusals::refusals(kind) {
                let status = refusal_status(code).to_string();
                let listed = op["responses"][&status]["description"]
                    .as_str()
                    .unwrap_or_default();
                assert!(
                    listed.contains(code.as_str()),
                    "{action}: {code} under {status}"
                );
            }
        }
        let agree = &doc["paths"]["/api/v1/cases/{case_id}/actions/agree-profile-version"]["post"]
            ["responses"];
        assert!(
            agree["409"]["description"]
                .as_str()
                .unwrap()
                .contains("guard-profile-version-not-in-force")
        );
        assert!(
            agree["422"]["description"]
                .as_str()
                .unwrap()
                .contains("unknown-profile-version")
        );
        let outcome = &doc["components"]["schemas"]["ActionOutcome"];
        assert_eq!(
            outcome["required"],
            json!(["recorded", "case_id", "action", "view"])
        );
        assert_eq!(outcome["then"]["$ref"], "#/components/schemas/CaseView");
    }
}
