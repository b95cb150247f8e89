//! Node: naming, TypeScript types and the npm package's files: `package.json`, `index.js` (the
//! client and the bound `Webhook`, for `require`), `index.mjs` (the same classes for `import`),
//! `index.d.ts` (their types, and the schemas' interfaces in a `types` namespace) and the profile,
//! shipped as a file the client loads.

use heck::{ToLowerCamelCase as _, ToUpperCamelCase as _};
use serde::Serialize;

use crate::model::{Field, Method, Model, Param, Returns, TypeRef};
use crate::{render, Error, File, Input};

/// The rendered files and their templates; prettier formats these (not `profile.yaml`, which is
/// shipped as written).
const TEMPLATES: [(&str, &str); 4] = [
    ("package.json", include_str!("../templates/node/package.json.j2")),
    ("index.js", include_str!("../templates/node/index.js.j2")),
    ("index.mjs", include_str!("../templates/node/index.mjs.j2")),
    ("index.d.ts", include_str!("../templates/node/index.d.ts.j2")),
];

/// What every package re-exports from `hookwise`: the event and the error classes.
const REEXPORTS: &[&str] = &[
    "Event",
    "HookwiseError",
    "WebhookSignatureError",
    "ApiError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "ServerError",
    "ConnectionError",
    "TimeoutError",
    "InvalidArgumentError",
    "InvalidResponseError",
    "ProfileError",
];

/// The TypeScript type of `ty`; models are `types.Name`.
fn ts(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Any => "unknown".to_owned(),
        TypeRef::String => "string".to_owned(),
        TypeRef::Integer | TypeRef::Number => "number".to_owned(),
        TypeRef::Boolean => "boolean".to_owned(),
        TypeRef::List { item } => format!("{}[]", ts(item)),
        TypeRef::Map { value } => format!("Record<string, {}>", ts(value)),
        TypeRef::Object => "Record<string, unknown>".to_owned(),
        TypeRef::Model { name } => format!("types.{}", name.to_upper_camel_case()),
    }
}

/// A property name as TypeScript writes it: bare when it is an identifier, else quoted.
fn key(name: &str) -> String {
    let identifier = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier {
        name.to_owned()
    } else {
        serde_json::to_string(name).unwrap_or_default()
    }
}

/// The lines of a doc comment (`/** … */`, without the ` * ` prefixes), wrapped, with `*/`
/// made harmless.
fn doc_lines(text: &str) -> Vec<String> {
    let text = text.replace("*/", "*\\/");
    crate::wrap(text.trim(), 92).lines().map(|l| l.trim_end().to_owned()).collect()
}

/// One property of an interface (a model's field or a method's parameter).
#[derive(Serialize)]
struct TsProperty {
    key: String,
    optional: bool,
    ty: String,
    doc: Vec<String>,
}

fn property(name: &str, required: bool, nullable: bool, ty: &TypeRef, description: Option<&str>) -> TsProperty {
    let base = ts(ty);
    TsProperty {
        key: key(name),
        optional: !required,
        ty: if nullable { format!("{base} | null") } else { base },
        doc: doc_lines(description.unwrap_or_default()),
    }
}

fn field(f: &Field) -> TsProperty {
    let values = if f.values.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = f.values.iter().map(|v| format!("`{v}`")).collect();
        format!(" Documented values: {} (others are kept).", quoted.join(", "))
    };
    let description = format!("{}{values}", f.description.as_deref().unwrap_or_default());
    property(&f.name, f.required, f.nullable, &f.ty, Some(&description))
}

fn param(p: &Param) -> TsProperty {
    property(&p.name, p.required, p.nullable, &p.ty, p.description.as_deref())
}

#[derive(Serialize)]
struct TsModel {
    name: String,
    doc: Vec<String>,
    fields: Vec<TsProperty>,
}

fn model(m: &Model) -> TsModel {
    TsModel { name: m.name.to_upper_camel_case(), doc: doc_lines(&m.doc), fields: m.fields.iter().map(field).collect() }
}

#[derive(Serialize)]
struct NodeMethod {
    id: String,
    name: String,
    doc: Vec<String>,
    http: String,
    /// `RegisterWebhookParams`, when the operation takes arguments.
    params_type: Option<String>,
    /// Whether one of them is required (then the object is too).
    params_required: bool,
    params: Vec<TsProperty>,
    returns: Returns,
    /// The declared return type (`Promise<types.Job>`, `PagePromise<types.JobList, types.Job>`).
    returns_ts: String,
    /// `waitForJob`, when the operation has `x-hookwise-wait`.
    wait: Option<String>,
    /// What the wait resolves to (the operation's result).
    result_ts: String,
}

fn method(m: &Method) -> NodeMethod {
    let name = m.id.to_lower_camel_case();
    let params: Vec<TsProperty> = m.positional.iter().chain(&m.keyword).map(param).collect();
    let result_ts = ts(&m.result);
    let returns_ts = match m.returns {
        Returns::Nothing => "Promise<void>".to_owned(),
        Returns::Page => format!("PagePromise<{result_ts}, {}>", ts(m.item.as_ref().unwrap_or(&TypeRef::Any))),
        Returns::Object | Returns::List | Returns::Value => format!("Promise<{result_ts}>"),
    };
    let mut doc = if m.doc.is_empty() { m.id.clone() } else { m.doc.clone() };
    if m.returns == Returns::Page {
        doc.push_str("\n\nAwait it for the first page; `for await` over it for every item of every page.");
    }
    NodeMethod {
        id: m.id.clone(),
        doc: doc_lines(&doc),
        http: m.http.clone(),
        params_type: (!params.is_empty()).then(|| format!("{}Params", m.id.to_upper_camel_case())),
        params_required: !m.positional.is_empty(),
        params,
        returns: m.returns,
        returns_ts,
        wait: m.waits_for.as_ref().map(|thing| format!("waitFor{}", thing.to_upper_camel_case())),
        result_ts,
        name,
    }
}

/// The package files; the profile's text is shipped as `profile.yaml`.
///
/// # Errors
/// A template that cannot be rendered.
pub(crate) fn files(input: &Input<'_>) -> Result<Vec<File>, Error> {
    let Input { sdk, profile_file, profile_text, .. } = *input;
    let option = |key: &str| input.option(key).map(str::to_owned);
    let scheme = sdk.scheme.as_deref().map(|s| {
        let custom = s.starts_with('{');
        minijinja::context! {
            literal => if custom { s.to_owned() } else { serde_json::to_string(s).unwrap_or_default() },
            label => if custom { "a custom scheme" } else { s },
        }
    });
    let credentials = if sdk.basic_auth {
        format!("`username` and `password` default to `{0}_USERNAME` and `{0}_PASSWORD`", sdk.env_prefix)
    } else {
        format!("`apiKey` defaults to `{}_API_KEY`", sdk.env_prefix)
    };
    let client_doc = format!(
        "{}. Every method returns a Promise; the engine in `hookwise` runs each request. {credentials}, `baseUrl` to `{}_BASE_URL`, then the API's server.",
        sdk.title, sdk.env_prefix
    );
    let methods: Vec<NodeMethod> = sdk.methods.iter().map(method).collect();
    let context = minijinja::context! {
        sdk => sdk,
        package => option("package").unwrap_or_else(|| sdk.name.clone()),
        client => option("client").unwrap_or_else(|| "Client".to_owned()),
        version => env!("CARGO_PKG_VERSION"),
        profile_file => profile_file,
        header => format!("Generated by hookwise generate from {profile_file}; do not edit."),
        description => doc_lines(&sdk.description),
        client_doc => doc_lines(&client_doc),
        scheme => scheme,
        paginates => methods.iter().any(|m| m.returns == Returns::Page),
        methods => methods,
        models => sdk.models.iter().map(model).collect::<Vec<_>>(),
        reexports => REEXPORTS,
    };
    let mut files = TEMPLATES
        .iter()
        .map(|(path, template)| Ok(File::new(*path, render(template, &context)?)))
        .collect::<Result<Vec<_>, Error>>()?;
    files.push(File::new("profile.yaml", profile_text.to_owned()));
    Ok(files)
}

/// Runs `prettier --write` over the package's code where prettier is installed.
pub(crate) fn format(out: &std::path::Path) {
    for (file, _) in TEMPLATES {
        crate::run_formatter("prettier", &["--write", "--log-level", "silent"], &out.join(file));
    }
}
