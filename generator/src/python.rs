//! Python: naming, type annotations and the package files (`pyproject.toml`, the package with
//! its client, async client, models and bound `Webhook`, the profile as package data, `py.typed`).

use heck::{ToSnakeCase as _, ToUpperCamelCase as _};
use serde::Serialize;

use crate::model::{Method, Model, Param, Returns, TypeRef};
use crate::{render, Error, File, Input};

const PYPROJECT: &str = include_str!("../templates/python/pyproject.toml.j2");
const INIT: &str = include_str!("../templates/python/__init__.py.j2");
const CLIENT: &str = include_str!("../templates/python/_client.py.j2");
const TYPES: &str = include_str!("../templates/python/types.py.j2");

/// Python's reserved words: an argument with such a name gets a trailing `_`.
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// Names a record cannot offer as attributes: `dict`'s own (`wh.items` is the method) and the
/// runtime's.
const DICT_ATTRIBUTES: &[&str] = &[
    "clear",
    "copy",
    "fromkeys",
    "get",
    "items",
    "keys",
    "pop",
    "popitem",
    "setdefault",
    "update",
    "values",
    "NESTED",
];

/// The annotation of `ty`. Inside `types.py` (`in_types`) a model is its class; in arguments a
/// model is any `dict` (a record is one).
fn annotation(ty: &TypeRef, in_types: bool) -> String {
    match ty {
        TypeRef::Any => "Any".to_owned(),
        TypeRef::String => "str".to_owned(),
        TypeRef::Integer => "int".to_owned(),
        TypeRef::Number => "float".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::List { item } => format!("list[{}]", annotation(item, in_types)),
        TypeRef::Map { value } => format!("dict[str, {}]", annotation(value, in_types)),
        TypeRef::Model { name } if in_types => name.to_upper_camel_case(),
        TypeRef::Object | TypeRef::Model { .. } => "dict[str, Any]".to_owned(),
    }
}

/// The model class a value of `ty` becomes (a list's items'), if any.
fn model_of(ty: &TypeRef) -> Option<String> {
    match ty {
        TypeRef::Model { name } => Some(name.to_upper_camel_case()),
        TypeRef::List { item } => model_of(item),
        _ => None,
    }
}

/// `text` made safe inside a `"""` docstring.
fn docstring(text: &str) -> String {
    text.replace('\\', "\\\\").replace("\"\"\"", "'''")
}

#[derive(Serialize)]
struct PyField {
    name: String,
    annotation: String,
    doc: Option<String>,
}

#[derive(Serialize)]
struct PyModel {
    name: String,
    doc: String,
    /// The fields offered as typed attributes (identifiers that are not keywords or `dict`'s).
    fields: Vec<PyField>,
    /// Field → model class, for the fields that hold models.
    nested: Vec<(String, String)>,
}

fn attribute(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name)
        && !DICT_ATTRIBUTES.contains(&name)
}

fn model(m: &Model) -> PyModel {
    PyModel {
        name: m.name.to_upper_camel_case(),
        doc: if m.doc.is_empty() { format!("A {} object.", m.name) } else { docstring(&m.doc) },
        fields: m
            .fields
            .iter()
            .filter(|f| attribute(&f.name))
            .map(|f| {
                let base = annotation(&f.ty, true);
                PyField {
                    name: f.name.clone(),
                    annotation: if f.nullable || !f.required { format!("Optional[{base}]") } else { base },
                    doc: f.description.as_deref().map(docstring),
                }
            })
            .collect(),
        nested: m.fields.iter().filter_map(|f| Some((f.name.clone(), model_of(&f.ty)?))).collect(),
    }
}

#[derive(Serialize)]
struct PyParam {
    name: String,
    wire: String,
    annotation: String,
}

fn param(p: &Param) -> PyParam {
    let snake = p.name.to_snake_case();
    let name = if KEYWORDS.contains(&snake.as_str()) { format!("{snake}_") } else { snake };
    let base = annotation(&p.ty, false);
    let annotation = if p.nullable { format!("Optional[{base}]") } else { base };
    PyParam { name, wire: p.name.clone(), annotation }
}

#[derive(Serialize)]
struct PyMethod {
    id: String,
    name: String,
    doc: String,
    http: String,
    positional: Vec<PyParam>,
    keyword: Vec<PyParam>,
    returns: Returns,
    /// The annotation of what the method returns (of one page, for a page).
    returns_annotation: String,
    /// The class the answer (a list's or a page's items) becomes.
    model: String,
    /// The class a page itself becomes.
    page_model: String,
    waits_for: Option<String>,
}

fn method(m: &Method) -> PyMethod {
    let class = |ty: &TypeRef| model_of(ty).map_or_else(|| "Record".to_owned(), |n| format!("types.{n}"));
    let model = class(m.item.as_ref().unwrap_or(&m.result));
    PyMethod {
        id: m.id.clone(),
        name: m.id.to_snake_case(),
        doc: if m.doc.is_empty() { m.id.clone() } else { docstring(&m.doc) },
        http: m.http.clone(),
        positional: m.positional.iter().map(param).collect(),
        keyword: m.keyword.iter().map(param).collect(),
        returns: m.returns,
        returns_annotation: match m.returns {
            Returns::Nothing => "None".to_owned(),
            Returns::Object => model.clone(),
            Returns::Page => format!("Page[{model}]"),
            Returns::List => format!("list[{model}]"),
            Returns::Value => "Any".to_owned(),
        },
        page_model: class(&m.result),
        model,
        waits_for: m.waits_for.as_ref().map(|t| t.to_snake_case()),
    }
}

/// The package files; the profile's text is shipped as package data.
///
/// # Errors
/// A template that cannot be rendered.
pub(crate) fn files(input: &Input<'_>) -> Result<Vec<File>, Error> {
    let Input { sdk, profile_file, profile_text, .. } = *input;
    let package = input.option("package").map_or_else(|| sdk.name.to_snake_case(), str::to_owned);
    let client = input.option("client").unwrap_or("Client").to_owned();
    let async_client =
        if client == "Client" { "AsyncClient".to_owned() } else { format!("Async{}", client.to_upper_camel_case()) };
    let context = minijinja::context! {
        sdk => sdk,
        package => package,
        distribution => package.replace('_', "-"),
        client => client,
        async_client => async_client,
        version => env!("CARGO_PKG_VERSION"),
        profile_file => profile_file,
        scheme_label => sdk.scheme.as_deref().filter(|s| !s.starts_with('{')).unwrap_or("a custom scheme"),
        methods => sdk.methods.iter().map(method).collect::<Vec<_>>(),
        models => sdk.models.iter().map(model).collect::<Vec<_>>(),
    };
    Ok(vec![
        File::new("pyproject.toml", render(PYPROJECT, &context)?),
        File::new(format!("{package}/__init__.py"), render(INIT, &context)?),
        File::new(format!("{package}/_client.py"), render(CLIENT, &context)?),
        File::new(format!("{package}/types.py"), render(TYPES, &context)?),
        File::new(format!("{package}/profile.yaml"), profile_text.to_owned()),
        File::new(format!("{package}/py.typed"), String::new()),
    ])
}
