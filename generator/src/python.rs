//! Python: naming, type annotations and the package files (`pyproject.toml`, the package with
//! its client, async client and bound `Webhook`, the profile as package data, `py.typed`).

use heck::{ToSnakeCase as _, ToUpperCamelCase as _};
use serde::Serialize;

use crate::model::{Method, Param, Returns, TypeRef};
use crate::{render, Error, File, Input};

const PYPROJECT: &str = include_str!("../templates/python/pyproject.toml.j2");
const INIT: &str = include_str!("../templates/python/__init__.py.j2");
const CLIENT: &str = include_str!("../templates/python/_client.py.j2");

/// Python's reserved words: an argument with such a name gets a trailing `_`.
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

fn annotation(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Any => "Any".to_owned(),
        TypeRef::String => "str".to_owned(),
        TypeRef::Integer => "int".to_owned(),
        TypeRef::Number => "float".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::List { item } => format!("list[{}]", annotation(item)),
        TypeRef::Map { value } => format!("dict[str, {}]", annotation(value)),
        TypeRef::Object | TypeRef::Model { .. } => "dict[str, Any]".to_owned(),
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
    let base = annotation(&p.ty);
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
    returns_annotation: &'static str,
    waits_for: Option<String>,
}

fn method(m: &Method) -> PyMethod {
    PyMethod {
        id: m.id.clone(),
        name: m.id.to_snake_case(),
        doc: if m.doc.is_empty() { m.id.clone() } else { m.doc.replace('\\', "\\\\").replace("\"\"\"", "'''") },
        http: m.http.clone(),
        positional: m.positional.iter().map(param).collect(),
        keyword: m.keyword.iter().map(param).collect(),
        returns: m.returns,
        returns_annotation: match m.returns {
            Returns::Nothing => "None",
            Returns::Object | Returns::Page => "Record",
            Returns::List => "list[Record]",
            Returns::Value => "Any",
        },
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
    };
    Ok(vec![
        File::new("pyproject.toml", render(PYPROJECT, &context)?),
        File::new(format!("{package}/__init__.py"), render(INIT, &context)?),
        File::new(format!("{package}/_client.py"), render(CLIENT, &context)?),
        File::new(format!("{package}/profile.yaml"), profile_text.to_owned()),
        File::new(format!("{package}/py.typed"), String::new()),
    ])
}
