//! The OpenAPI 3.1 document of the API, generated from the route table (paths, methods,
//! summaries) and the same serde types the handlers use (schemars follows serde's tags, renames
//! and `deny_unknown_fields` exactly).

use accord_app::views::CaseView;
use accord_domain::Command;
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

/// One documented operation of a route.
fn operation(r: &RouteSpec, doc: &Doc, g: &mut SchemaGenerator) -> Option<Value> {
    let Doc::Operation {
        summary,
        body,
        query,
        status,
        response,
    } = *doc
    else {
        return None;
    };
    // Query types are published in the components (their fields are listed in the summary).
    if let Some(q) = query {
        q(g);
    }
    let mut o = json!({
        "summary": summary,
        "parameters": path_params(r.path),
        "responses": responses(status, response.map(|f| f(g).to_value())),
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

/// The operations of `POST …/actions/{action}`, one per action.
fn case_actions(path: &str, g: &mut SchemaGenerator) -> Vec<(String, Value)> {
    let requests = action_request_schemas(g);
    let case_view = g.subschema_for::<CaseView>().to_value();
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
            let op = json!({
                "summary": format!("Case action: {action}"),
                "parameters": params,
                "requestBody": body,
                "responses": responses(200, Some(case_view.clone())),
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
}
