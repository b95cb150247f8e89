//! Kotlin: naming, types and the source tree (a Maven `pom.xml`; under `src/main/kotlin/<package>/`
//! the `Client` with `suspend` methods, the bound `Webhook` and the `@Serializable` models in the
//! `types` sub-package; the profile as a resource beside them). The camelCase view of methods and
//! models built here serves Swift too, with Swift's types.

use std::collections::BTreeSet;

use heck::{ToLowerCamelCase as _, ToUpperCamelCase as _};
use serde::Serialize;

use crate::model::{Field, Method, Model, Param, Returns, Sdk, TypeRef};
use crate::{render, wrap, Error, File, Input};

const POM: &str = include_str!("../templates/kotlin/pom.xml.j2");
const CLIENT: &str = include_str!("../templates/kotlin/Client.kt.j2");
const WEBHOOK: &str = include_str!("../templates/kotlin/Webhook.kt.j2");
const MODEL: &str = include_str!("../templates/kotlin/Model.kt.j2");

/// Kotlin's hard keywords: such a name is written in backticks.
const KEYWORDS: &str = "as break class continue do else false for fun if in interface is null object package return \
    super this throw true try typealias typeof val var when while";

/// What differs between the camelCase languages (Kotlin, Swift) in the method and model view.
pub(crate) struct Dialect {
    /// Reserved words (separated by white space), written in backticks when used as a name.
    pub keywords: &'static str,
    /// The language's name of a type.
    pub type_name: fn(&TypeRef) -> String,
}

/// The Kotlin name of a type (models by their simple name, imported from the `types` package).
fn kotlin_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Any => "JsonElement".to_owned(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Integer => "Long".to_owned(),
        TypeRef::Number => "Double".to_owned(),
        TypeRef::Boolean => "Boolean".to_owned(),
        TypeRef::List { item } => format!("List<{}>", kotlin_type(item)),
        TypeRef::Map { value } => format!("Map<String, {}>", kotlin_type(value)),
        TypeRef::Object => "JsonObject".to_owned(),
        TypeRef::Model { name } => name.to_upper_camel_case(),
    }
}

const KOTLIN: Dialect = Dialect { keywords: KEYWORDS, type_name: kotlin_type };

/// A name in the language: camelCase, in backticks when reserved.
fn identifier(dialect: &Dialect, camel: String) -> String {
    if dialect.keywords.split_whitespace().any(|k| k == camel) {
        format!("`{camel}`")
    } else {
        camel
    }
}

/// Doc-comment lines: wrapped at 92 columns, a closing `*/` defused.
fn doc_lines(text: &str) -> Vec<String> {
    wrap(&text.replace("*/", "*&#47;"), 92).lines().map(|l| l.trim_end().to_owned()).collect()
}

/// One argument or field: its name in the language, on the wire, and its type (`?` when it may
/// be absent or null).
#[derive(Serialize)]
pub(crate) struct TypedName {
    name: String,
    wire: String,
    #[serde(rename = "type")]
    ty: String,
    /// Whether it may be left out (a defaulted parameter, a field absent from an answer).
    optional: bool,
    /// Whether the name differs from the wire name (beyond backticks).
    renamed: bool,
    doc: Vec<String>,
}

impl TypedName {
    fn new(dialect: &Dialect, wire: &str, ty: String, optional: bool, doc: Option<&str>) -> TypedName {
        let camel = wire.to_lower_camel_case();
        TypedName {
            renamed: camel != wire,
            name: identifier(dialect, camel),
            wire: wire.to_owned(),
            ty,
            optional,
            doc: doc_lines(doc.unwrap_or_default()),
        }
    }
}

fn param(dialect: &Dialect, p: &Param, optional: bool) -> TypedName {
    let base = (dialect.type_name)(&p.ty);
    let ty = if optional || p.nullable { format!("{base}?") } else { base };
    TypedName::new(dialect, &p.name, ty, optional, p.description.as_deref())
}

fn field(dialect: &Dialect, f: &Field) -> TypedName {
    let base = (dialect.type_name)(&f.ty);
    let optional = !f.required || f.nullable;
    let ty = if optional { format!("{base}?") } else { base };
    TypedName::new(dialect, &f.name, ty, optional, f.description.as_deref())
}

/// A method as the templates render it.
#[derive(Serialize)]
pub(crate) struct MethodView {
    id: String,
    name: String,
    doc: Vec<String>,
    http: String,
    positional: Vec<TypedName>,
    keyword: Vec<TypedName>,
    returns: Returns,
    /// The result's type (for nothing, the template writes none).
    result: String,
    /// For a page, the type of one item.
    item: Option<String>,
    /// The resource it belongs to (`jobs` for `client.jobs.create`).
    group: Option<String>,
    /// The waiting method (`waitForJob`, or `wait` in a resource).
    wait_name: Option<String>,
}

fn method(dialect: &Dialect, m: &Method) -> MethodView {
    let doc = if m.doc.is_empty() { m.id.clone() } else { m.doc.clone() };
    MethodView {
        id: m.id.clone(),
        name: identifier(dialect, m.name.to_lower_camel_case()),
        doc: doc_lines(&doc),
        http: m.http.clone(),
        positional: m.positional.iter().map(|p| param(dialect, p, false)).collect(),
        keyword: m.keyword.iter().map(|p| param(dialect, p, true)).collect(),
        returns: m.returns,
        // An undocumented object may also be answered with no content (`null`).
        result: match m.result {
            TypeRef::Object => format!("{}?", (dialect.type_name)(&m.result)),
            _ => (dialect.type_name)(&m.result),
        },
        item: m.item.as_ref().filter(|_| m.returns == Returns::Page).map(dialect.type_name),
        group: m.group.clone(),
        wait_name: m.wait_name.as_ref().map(|w| identifier(dialect, w.to_lower_camel_case())),
    }
}

/// A model as the templates render it.
#[derive(Serialize)]
pub(crate) struct ModelView {
    name: String,
    doc: Vec<String>,
    fields: Vec<TypedName>,
}

impl ModelView {
    /// Its name in the language.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A resource of the client (`client.jobs`): its member and its class.
#[derive(Serialize)]
pub(crate) struct GroupView {
    id: String,
    member: String,
    class: String,
}

/// The methods, resources and models of `sdk` in `dialect`.
pub(crate) fn views(dialect: &Dialect, sdk: &Sdk) -> (Vec<MethodView>, Vec<GroupView>, Vec<ModelView>) {
    let methods = sdk.methods.iter().map(|m| method(dialect, m)).collect();
    let groups = sdk
        .groups
        .iter()
        .map(|g| GroupView {
            id: g.clone(),
            member: identifier(dialect, g.to_lower_camel_case()),
            class: g.to_upper_camel_case(),
        })
        .collect();
    let models = sdk
        .models
        .iter()
        .map(|m| ModelView {
            name: m.name.to_upper_camel_case(),
            doc: doc_lines(if m.doc.is_empty() { &m.name } else { &m.doc }),
            fields: m.fields.iter().map(|f| field(dialect, f)).collect(),
        })
        .collect();
    (methods, groups, models)
}

/// The webhook scheme's label for docs: a preset's name, or "a custom scheme".
pub(crate) fn scheme_label(sdk: &Sdk) -> &str {
    sdk.scheme.as_deref().filter(|s| !s.starts_with('{')).unwrap_or("a custom scheme")
}

/// A Kotlin string literal: JSON's escapes, and `$` (a template marker) escaped.
fn string_literal(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default().replace('$', "\\$")
}

/// The imports a type needs in a file of package `package` (models live in `<package>.types`).
fn imports_of(ty: &TypeRef, package: &str, out: &mut BTreeSet<String>) {
    match ty {
        TypeRef::Any => {
            out.insert("kotlinx.serialization.json.JsonElement".to_owned());
        }
        TypeRef::Object => {
            out.insert("kotlinx.serialization.json.JsonObject".to_owned());
        }
        TypeRef::List { item: inner } | TypeRef::Map { value: inner } => imports_of(inner, package, out),
        TypeRef::Model { name } => {
            out.insert(format!("{package}.types.{}", name.to_upper_camel_case()));
        }
        TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => {}
    }
}

/// Imports in ktlint's order: others, then `java.`, `javax.`, `kotlin.`, each sorted.
fn ordered(imports: BTreeSet<String>) -> Vec<String> {
    let mut out: Vec<String> = imports.into_iter().collect();
    out.sort_by_key(|i| (["java.", "javax.", "kotlin."].iter().position(|p| i.starts_with(p)), i.clone()));
    out
}

/// The client's imports: the runtime's, and the types its methods take and answer.
fn client_imports(sdk: &Sdk, package: &str) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = [
        "dev.hookwise.Profile",
        "dev.hookwise.sdk.Args",
        "dev.hookwise.sdk.Engine",
        "dev.hookwise.sdk.Operation",
        "dev.hookwise.sdk.shippedProfile",
        "kotlin.time.Duration",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    if sdk.methods.iter().any(|m| m.returns == Returns::Page) {
        out.insert("kotlinx.coroutines.flow.Flow".to_owned());
    }
    for m in &sdk.methods {
        m.positional.iter().chain(&m.keyword).for_each(|p| imports_of(&p.ty, package, &mut out));
        if m.returns != Returns::Nothing {
            imports_of(&m.result, package, &mut out);
        }
        if m.returns == Returns::Page {
            m.item.iter().for_each(|t| imports_of(t, package, &mut out));
        }
    }
    out
}

/// A model's imports: serialization's, and the JSON types of its fields (models of the same
/// package need none).
fn model_imports(model: &Model, package: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::from(["kotlinx.serialization.Serializable".to_owned()]);
    model.fields.iter().for_each(|f| imports_of(&f.ty, package, &mut out));
    out.retain(|i| !i.starts_with(&format!("{package}.types.")));
    if model.fields.iter().any(|f| f.name.to_lower_camel_case() != f.name) {
        out.insert("kotlinx.serialization.SerialName".to_owned());
    }
    out
}

/// The source tree and its `pom.xml`.
///
/// # Errors
/// A template that cannot be rendered.
pub(crate) fn files(input: &Input<'_>) -> Result<Vec<File>, Error> {
    let Input { sdk, profile_file, profile_text, .. } = *input;
    let package = input.option("package").map_or_else(|| sdk.name.replace('-', "_").to_lowercase(), str::to_owned);
    let client = input.option("client").unwrap_or("Client").to_owned();
    let dir = format!("src/main/kotlin/{}", package.replace('.', "/"));
    let (methods, groups, models) = views(&KOTLIN, sdk);
    let context = minijinja::context! {
        sdk => sdk,
        package => package,
        artifact => sdk.name.replace('_', "-").to_lowercase(),
        client => client,
        version => env!("CARGO_PKG_VERSION"),
        profile_file => profile_file,
        scheme_label => scheme_label(sdk),
        scheme_literal => sdk.scheme.as_deref().map(string_literal),
        methods => methods,
        groups => groups,
        imports => ordered(client_imports(sdk, &package)),
    };
    let mut files = vec![
        File::new("pom.xml", render(POM, &context)?),
        File::new(format!("{dir}/{client}.kt"), render(CLIENT, &context)?),
        File::new(format!("src/main/resources/{}/profile.yaml", package.replace('.', "/")), profile_text.to_owned()),
    ];
    if sdk.scheme.is_some() {
        files.push(File::new(format!("{dir}/Webhook.kt"), render(WEBHOOK, &context)?));
    }
    for (model, view) in sdk.models.iter().zip(&models) {
        let context = minijinja::context! {
            package => package,
            profile_file => profile_file,
            model => view,
            imports => ordered(model_imports(model, &package)),
        };
        files.push(File::new(format!("{dir}/types/{}.kt", view.name), render(MODEL, &context)?));
    }
    Ok(files)
}
