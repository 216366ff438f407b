//! Every locale carries exactly the messages of English, with the same arguments and the same
//! selector variants, and no message is a copy of the English text (names and codes aside).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use fluent_syntax::ast;

type Shape = BTreeMap<String, BTreeSet<String>>;

fn walk_pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for e in &p.elements {
        if let ast::PatternElement::Placeable { expression } = e {
            walk_expression(expression, out);
        }
    }
}

fn walk_inline(e: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(format!("${}", id.name));
        }
        ast::InlineExpression::MessageReference { id, .. } => {
            out.insert(format!("message {}", id.name));
        }
        ast::InlineExpression::TermReference { id, .. } => {
            out.insert(format!("term {}", id.name));
        }
        ast::InlineExpression::Placeable { expression } => walk_expression(expression, out),
        _ => {}
    }
}

fn walk_expression(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => walk_inline(i, out),
        ast::Expression::Select { selector, variants } => {
            walk_inline(selector, out);
            for v in variants {
                let key = match &v.key {
                    ast::VariantKey::Identifier { name } => (*name).to_owned(),
                    ast::VariantKey::NumberLiteral { value } => (*value).to_owned(),
                };
                out.insert(format!("[{key}]{}", if v.default { "*" } else { "" }));
                walk_pattern(&v.value, out);
            }
        }
    }
}

fn text_of(p: &ast::Pattern<&str>) -> String {
    p.elements
        .iter()
        .filter_map(|e| match e {
            ast::PatternElement::TextElement { value } => Some(*value),
            _ => None,
        })
        .collect()
}

/// Per file name, per message: its shape (arguments, variants) and its literal text.
fn locale(dir: &PathBuf) -> BTreeMap<String, (Shape, BTreeMap<String, String>)> {
    let mut files = BTreeMap::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(entry.path()).unwrap();
        let resource = fluent_syntax::parser::parse(source.as_str())
            .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", entry.path().display()));
        let mut shape = Shape::new();
        let mut texts = BTreeMap::new();
        for e in &resource.body {
            if let ast::Entry::Message(m) = e {
                let mut used = BTreeSet::new();
                if let Some(v) = &m.value {
                    walk_pattern(v, &mut used);
                    texts.insert(m.id.name.to_owned(), text_of(v));
                }
                for a in &m.attributes {
                    used.insert(format!(".{}", a.id.name));
                    walk_pattern(&a.value, &mut used);
                }
                assert!(
                    shape.insert(m.id.name.to_owned(), used).is_none(),
                    "{name}: message {} twice",
                    m.id.name
                );
            }
            if let ast::Entry::Junk { content } = e {
                panic!("{}: unparsable: {content}", entry.path().display());
            }
        }
        files.insert(name, (shape, texts));
    }
    files
}

#[test]
fn every_locale_has_every_message_with_the_same_arguments() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../locales");
    let english = locale(&root.join("en"));
    assert!(!english.is_empty());
    let mut problems = vec![];
    for lang in accord_i18n::LANGUAGES.iter().filter(|l| **l != "en") {
        let other = locale(&root.join(lang));
        let files_en: BTreeSet<_> = english.keys().collect();
        let files_other: BTreeSet<_> = other.keys().collect();
        if files_en != files_other {
            problems.push(format!(
                "{lang}: files {files_other:?}, English has {files_en:?}"
            ));
        }
        for (file, (shape_en, text_en)) in &english {
            let Some((shape, text)) = other.get(file) else {
                continue;
            };
            for (id, used) in shape_en {
                match shape.get(id) {
                    None => problems.push(format!("{lang}/{file}: missing {id}")),
                    Some(u) if u != used => {
                        problems.push(format!("{lang}/{file}: {id} uses {u:?}, English {used:?}"))
                    }
                    Some(_) => {}
                }
                let (a, b) = (text_en.get(id), text.get(id));
                if a.is_some() && a == b && a.is_some_and(|t| t.chars().any(char::is_alphabetic)) {
                    // A label such as "Date" or "Page" may coincide across languages; a sentence
                    // may not.
                    if a.is_some_and(|t| t.split_whitespace().count() > 2) {
                        problems.push(format!("{lang}/{file}: {id} is the English text"));
                    }
                }
            }
            for id in shape.keys().filter(|id| !shape_en.contains_key(*id)) {
                problems.push(format!("{lang}/{file}: {id} is not in English"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
