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

#[derive(Serialize, Clone)]
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

#[derive(Serialize, Clone)]
struct PyMethod {
    id: String,
    name: String,
    /// How the client reaches it: `jobs.create`, or `register_webhook`.
    path: String,
    /// Whether it belongs to a resource.
    #[serde(skip)]
    group: Option<String>,
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
    wait_name: Option<String>,
    /// How the client reaches the waiting method (`jobs.wait`).
    wait_path: Option<String>,
}

fn method(m: &Method) -> PyMethod {
    let class = |ty: &TypeRef| model_of(ty).map_or_else(|| "Record".to_owned(), |n| format!("types.{n}"));
    let model = class(m.item.as_ref().unwrap_or(&m.result));
    let path =
        |name: &str| m.group.as_ref().map_or_else(|| name.to_owned(), |g| format!("{}.{name}", g.to_snake_case()));
    let name = m.name.to_snake_case();
    let wait_name = m.wait_name.as_ref().map(|n| n.to_snake_case());
    PyMethod {
        id: m.id.clone(),
        path: path(&name),
        wait_path: wait_name.as_deref().map(path),
        wait_name,
        group: m.group.clone(),
        name,
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
    }
}

/// A resource's methods, annotated with `builtins.list` when one of them is called `list` (in
/// the class body, `list` is then that method).
fn unshadowed(mut methods: Vec<PyMethod>) -> Vec<PyMethod> {
    if methods.iter().any(|m| m.name == "list") {
        let fix = |a: &mut String| *a = a.replace("list[", "builtins.list[");
        for m in &mut methods {
            m.positional.iter_mut().chain(m.keyword.iter_mut()).for_each(|p| fix(&mut p.annotation));
            fix(&mut m.returns_annotation);
        }
    }
    methods
}

#[derive(Serialize)]
struct PyGroup {
    /// The client's member (`jobs`).
    name: String,
    /// Its class (`Jobs`; `AsyncJobs` for the async client).
    class: String,
    methods: Vec<PyMethod>,
}

/// The package files; the profile's text is shipped as package data. With `builtin: true` (the
/// profile the hookwise runtime embeds) only the client and the models, which live inside the
/// `hookwise` package itself.
///
/// # Errors
/// A template that cannot be rendered.
pub(crate) fn files(input: &Input<'_>) -> Result<Vec<File>, Error> {
    let Input { sdk, profile_file, profile_text, .. } = *input;
    let package = input.option("package").map_or_else(|| sdk.name.to_snake_case(), str::to_owned);
    let client = input.option("client").unwrap_or("Client").to_owned();
    let async_client =
        if client == "Client" { "AsyncClient".to_owned() } else { format!("Async{}", client.to_upper_camel_case()) };
    let builtin = input.options.get("builtin").and_then(serde_json::Value::as_bool).unwrap_or(false);
    let methods: Vec<PyMethod> = sdk.methods.iter().map(method).collect();
    let of = |group: Option<&String>| methods.iter().filter(|m| m.group.as_ref() == group).cloned().collect::<Vec<_>>();
    let groups: Vec<PyGroup> = sdk
        .groups
        .iter()
        .map(|g| PyGroup { name: g.to_snake_case(), class: g.to_upper_camel_case(), methods: unshadowed(of(Some(g))) })
        .collect();
    let flat = of(None);
    let context = minijinja::context! {
        sdk => sdk,
        package => package,
        distribution => package.replace('_', "-"),
        client => client,
        async_client => async_client,
        version => env!("CARGO_PKG_VERSION"),
        profile_file => profile_file,
        scheme_label => sdk.scheme.as_deref().filter(|s| !s.starts_with('{')).unwrap_or("a custom scheme"),
        methods => methods,
        shadows_list => groups.iter().any(|g| g.methods.iter().any(|m| m.name == "list")),
        groups => groups,
        flat => flat,
        builtin => builtin,
        models => sdk.models.iter().map(model).collect::<Vec<_>>(),
    };
    let mut files = vec![
        File::new(format!("{package}/_client.py"), render(CLIENT, &context)?),
        File::new(format!("{package}/types.py"), render(TYPES, &context)?),
    ];
    if !builtin {
        files.extend([
            File::new("pyproject.toml", render(PYPROJECT, &context)?),
            File::new(format!("{package}/__init__.py"), render(INIT, &context)?),
            File::new(format!("{package}/profile.yaml"), profile_text.to_owned()),
            File::new(format!("{package}/py.typed"), String::new()),
        ]);
    }
    Ok(files)
}
