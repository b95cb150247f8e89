//! Rust: naming, types and the crate files (`Cargo.toml`, `src/lib.rs` with the client, its
//! builder and the bound `Webhook` over the runtime `hookwise::api::sdk`, `src/types.rs` with the models, `src/params.rs` with each
//! method's optional arguments, the profile shipped in `src/`, a `rustfmt.toml`).

mod names;

use serde::Serialize;

use crate::model::{Field, Method, Model, Param, Returns, TypeRef};
use crate::{render, wrap, Error, File, Input};

const CARGO: &str = include_str!("../templates/rust/Cargo.toml.j2");
const RUSTFMT: &str = include_str!("../templates/rust/rustfmt.toml.j2");
const LIB: &str = include_str!("../templates/rust/lib.rs.j2");
const TYPES: &str = include_str!("../templates/rust/types.rs.j2");
const PARAMS: &str = include_str!("../templates/rust/params.rs.j2");

/// The Rust type of `ty`; models are named through `models` (`types::` outside that module).
fn rust_type(ty: &TypeRef, models: &str) -> String {
    match ty {
        TypeRef::Any => "serde_json::Value".to_owned(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Integer => "i64".to_owned(),
        TypeRef::Number => "f64".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::List { item } => format!("Vec<{}>", rust_type(item, models)),
        TypeRef::Map { value } => format!("std::collections::BTreeMap<String, {}>", rust_type(value, models)),
        TypeRef::Object => "serde_json::Map<String, serde_json::Value>".to_owned(),
        TypeRef::Model { name } => format!("{models}{}", names::type_name(name)),
    }
}

/// The profile's prose as rustdoc reads it: brackets and angle brackets outside code spans are
/// escaped (the prose has no intra-doc links and no HTML).
fn escape(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                return part.to_owned();
            }
            ['[', ']', '<', '>'].iter().fold(part.to_owned(), |acc, c| acc.replace(*c, &format!("\\{c}")))
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// A doc comment: `text` (or `fallback`) wrapped, one `///` line each.
fn doc(text: Option<&str>, fallback: &str) -> Vec<String> {
    let text = text.map(str::trim).filter(|t| !t.is_empty()).unwrap_or(fallback);
    wrap(&escape(text), 96)
        .lines()
        .map(|line| if line.is_empty() { "///".to_owned() } else { format!("/// {line}") })
        .collect()
}

/// Says which values an enum documents (others are kept: the field stays a `String`).
fn with_values(description: Option<&str>, values: &[String]) -> Option<String> {
    if values.is_empty() {
        return description.map(str::to_owned);
    }
    let listed = values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
    Some(format!("{}\n\nOne of {listed} (other values are kept).", description.unwrap_or_default()).trim().to_owned())
}

#[derive(Serialize, Clone)]
struct RsField {
    name: String,
    /// The `#[serde(…)]` arguments, if any.
    serde: Vec<String>,
    ty: String,
    doc: Vec<String>,
}

/// `#[serde(…)]` arguments: a rename when the Rust name differs, and skipping an absent value.
fn serde_args(name: &str, wire: &str, skip_none: bool) -> Vec<String> {
    let mut args = Vec::new();
    if name.trim_start_matches("r#") != wire {
        args.push(format!("rename = {wire:?}"));
    }
    if skip_none {
        args.push("skip_serializing_if = \"Option::is_none\"".to_owned());
    }
    args
}

fn field(f: &Field) -> RsField {
    let name = names::ident(&f.name);
    let ty = rust_type(&f.ty, "");
    let optional = !f.required || f.nullable;
    RsField {
        serde: serde_args(&name, &f.name, !f.required),
        ty: if optional { format!("Option<{ty}>") } else { ty },
        doc: doc(with_values(f.description.as_deref(), &f.values).as_deref(), &format!("`{}`.", f.name)),
        name,
    }
}

#[derive(Serialize)]
struct RsModel {
    name: String,
    doc: Vec<String>,
    fields: Vec<RsField>,
}

fn model(m: &Model) -> RsModel {
    RsModel {
        name: names::type_name(&m.name),
        doc: doc(Some(&m.doc), &format!("`{}`.", m.name)),
        fields: m.fields.iter().map(field).collect(),
    }
}

#[derive(Serialize, Clone)]
struct RsParam {
    name: String,
    wire: String,
    /// As a required argument of a method (`&str` for a string).
    arg_ty: String,
    /// As a field of the method's options (`Option<Option<T>>` when `null` may be sent).
    field: RsField,
    /// As the argument of the option's setter.
    setter_ty: String,
    /// Whether the setter converts (`impl Into<String>`).
    into: bool,
    nullable: bool,
}

fn param(p: &Param) -> RsParam {
    let name = names::ident(&p.name);
    let ty = rust_type(&p.ty, "crate::types::");
    let is_string = p.ty == TypeRef::String;
    let arg_ty = match (p.nullable, is_string) {
        (false, true) => "&str".to_owned(),
        (true, true) => "Option<&str>".to_owned(),
        (false, false) => ty.clone(),
        (true, false) => format!("Option<{ty}>"),
    };
    let setter_ty = match (p.nullable, is_string) {
        (false, true) => "impl Into<String>".to_owned(),
        (true, _) => format!("Option<{ty}>"),
        (false, false) => ty.clone(),
    };
    let fallback = format!("`{}`.", p.name);
    let mut field_doc = doc(p.description.as_deref(), &fallback);
    if p.nullable {
        field_doc.extend(["///".to_owned(), "/// `Some(None)` sends `null`.".to_owned()]);
    }
    RsParam {
        field: RsField {
            serde: serde_args(&name, &p.name, true),
            ty: if p.nullable { format!("Option<Option<{ty}>>") } else { format!("Option<{ty}>") },
            doc: field_doc,
            name: name.clone(),
        },
        name,
        wire: p.name.clone(),
        arg_ty,
        setter_ty,
        into: !p.nullable && is_string,
        nullable: p.nullable,
    }
}

#[derive(Serialize, Clone)]
struct RsMethod {
    id: String,
    /// Its name inside its owner (`create` in `Jobs`, `create_job` in `Client`).
    name: String,
    /// The type whose method it is, from the crate's root (`Client`, `resources::Jobs`).
    owner: String,
    /// The client's accessor of its resource (`jobs`), `None` for a method of the client.
    group: Option<String>,
    doc: Vec<String>,
    http: String,
    positional: Vec<RsParam>,
    keyword: Vec<RsParam>,
    /// The options struct in `params` (`None` without optional arguments).
    params: Option<String>,
    returns: Returns,
    /// What a call returns (`()` for nothing; the page for a paginated list).
    result: String,
    /// One item of a paginated list (its stream's items).
    item: Option<String>,
    /// `list_page` beside `list` for a paginated list.
    page_method: Option<String>,
    /// `wait` (in a resource) or `wait_for_job` when the operation can be waited on.
    wait_method: Option<String>,
}

fn method(m: &Method, client: &str) -> RsMethod {
    let result = match (&m.returns, &m.result) {
        (Returns::Nothing, _) => "()".to_owned(),
        // An undocumented object (or a 204 beside it) is the engine's JSON as it is.
        (_, TypeRef::Object | TypeRef::Any) => "serde_json::Value".to_owned(),
        (_, ty) => rust_type(ty, "types::"),
    };
    let paginated = m.returns == Returns::Page;
    RsMethod {
        id: m.id.clone(),
        name: names::ident(&m.name),
        owner: m.group.as_deref().map_or_else(|| client.to_owned(), |g| format!("resources::{}", names::type_name(g))),
        group: m.group.as_deref().map(names::ident),
        doc: doc(Some(&m.doc), &format!("`{}`.", m.id)),
        http: m.http.clone(),
        positional: m.positional.iter().map(param).collect(),
        keyword: m.keyword.iter().map(param).collect(),
        params: (!m.keyword.is_empty()).then(|| names::type_name(&m.id)),
        returns: m.returns,
        result,
        item: m.item.as_ref().filter(|_| paginated).map(|ty| rust_type(ty, "types::")),
        page_method: paginated.then(|| names::page_method(&m.name)),
        wait_method: m.wait_name.as_deref().map(names::ident),
    }
}

/// A resource of the client (`client.jobs()`): a struct borrowing the client, with its methods.
#[derive(Serialize)]
struct RsResource {
    /// The client's method returning it (`jobs`).
    accessor: String,
    /// Its type, in the `resources` module (`Jobs`).
    ty: String,
    /// The profile's name for it.
    wire: String,
    methods: Vec<RsMethod>,
}

/// The crate's files; the profile's text is shipped in `src/` and parsed once.
///
/// # Errors
/// A template that cannot be rendered.
pub(crate) fn files(input: &Input<'_>) -> Result<Vec<File>, Error> {
    let Input { sdk, profile_file, profile_text, .. } = *input;
    let (package, lib) = names::krate(input.option("package"), &sdk.name);
    let client = input.option("client").unwrap_or("Client");
    let methods: Vec<RsMethod> = sdk.methods.iter().map(|m| method(m, client)).collect();
    let resources: Vec<RsResource> = sdk
        .groups
        .iter()
        .map(|group| RsResource {
            accessor: names::ident(group),
            ty: names::type_name(group),
            wire: group.clone(),
            methods: sdk
                .methods
                .iter()
                .zip(&methods)
                .filter(|(m, _)| m.group.as_ref() == Some(group))
                .map(|(_, r)| r.clone())
                .collect(),
        })
        .collect();
    let custom_scheme = sdk.scheme.as_deref().filter(|s| s.starts_with('{'));
    let context = minijinja::context! {
        sdk => sdk,
        package => package,
        lib => lib,
        client => client,
        version => env!("CARGO_PKG_VERSION"),
        profile_file => profile_file,
        description => doc(Some(&sdk.description), &sdk.title).iter().map(|l| l.replacen("///", "//!", 1)).collect::<Vec<_>>(),
        preset => sdk.scheme.as_deref().filter(|_| custom_scheme.is_none()),
        custom_scheme => custom_scheme,
        // A raw string literal with more `#` than the text ever has in a row.
        hashes => "#".repeat(custom_scheme.map_or(0, |s| s.matches('#').count()) + 1),
        paginated => methods.iter().any(|m| m.page_method.is_some()),
        waits => methods.iter().any(|m| m.wait_method.is_some()),
        has_params => methods.iter().any(|m| m.params.is_some()),
        models => sdk.models.iter().map(model).collect::<Vec<_>>(),
        client_methods => methods.iter().filter(|m| m.group.is_none()).collect::<Vec<_>>(),
        resources => resources,
        methods => methods,
    };
    let mut files = vec![
        File::new("Cargo.toml", render(CARGO, &context)?),
        File::new("rustfmt.toml", render(RUSTFMT, &context)?),
        File::new("src/lib.rs", render(LIB, &context)?),
        File::new("src/types.rs", render(TYPES, &context)?),
        File::new("src/profile.yaml", profile_text.to_owned()),
    ];
    if sdk.methods.iter().any(|m| !m.keyword.is_empty()) {
        files.push(File::new("src/params.rs", render(PARAMS, &context)?));
    }
    Ok(files)
}

/// Runs rustfmt over the crate (from `src/lib.rs`, which declares every module), with the
/// crate's own `rustfmt.toml`.
pub(crate) fn format(out: &std::path::Path) {
    crate::run_formatter("rustfmt", &["--edition", "2021"], &out.join("src/lib.rs"));
}
