//! Node: naming, TypeScript types and the npm package's files: `package.json`, `index.js` (the
//! client, its resources and the bound `Webhook`, for `require`), `index.mjs` (the same classes
//! for `import`), `index.d.ts` (their types, and the schemas' interfaces in a `types` namespace)
//! and the profile, shipped as a file the client loads. The methods are calls into the runtime
//! every generated SDK shares, `hookwise/sdk` (bindings-node/sdk.js). hookwise's own client
//! (`x-hookwise.npm.builtin`) is `client.js` and `client.d.ts`, inside the `hookwise` package.

use heck::{ToLowerCamelCase as _, ToUpperCamelCase as _};
use serde::Serialize;

use crate::model::{Field, Method, Model, Param, Returns, TypeRef};
use crate::{render, Error, File, Input};

const INDEX_JS: &str = include_str!("../templates/node/index.js.j2");
const INDEX_D_TS: &str = include_str!("../templates/node/index.d.ts.j2");

/// The rendered files of a package and their templates; prettier formats these (not
/// `profile.yaml`, which is shipped as written).
const TEMPLATES: [(&str, &str); 4] = [
    ("package.json", include_str!("../templates/node/package.json.j2")),
    ("index.js", INDEX_JS),
    ("index.mjs", include_str!("../templates/node/index.mjs.j2")),
    ("index.d.ts", INDEX_D_TS),
];

/// The files of a builtin client (`x-hookwise.npm.builtin`), which lives inside the `hookwise`
/// package: the same templates, without a package around them.
const BUILTIN: [(&str, &str); 2] = [("client.js", INDEX_JS), ("client.d.ts", INDEX_D_TS)];

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
    "AbortError",
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
#[derive(Serialize, Clone)]
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

#[derive(Serialize, Clone)]
struct NodeMethod {
    id: String,
    /// The operation id as an object key (`create_job`).
    key: String,
    /// `create` in `client.jobs.create`, `registerWebhook` on the client itself.
    name: String,
    /// How the client reaches it: `jobs.create`, or `registerWebhook`.
    path: String,
    #[serde(skip)]
    group: Option<String>,
    doc: Vec<String>,
    http: String,
    /// `RegisterWebhookParams`, when the operation takes arguments.
    params_type: Option<String>,
    /// Whether one of them is required (then the object is too).
    params_required: bool,
    params: Vec<TsProperty>,
    returns: Returns,
    /// The runtime's function it calls: `call`, `send` (no answer) or `page`.
    runtime: &'static str,
    /// The declared return type (`Promise<types.Job>`, `sdk.PagePromise<types.JobList, types.Job>`).
    returns_ts: String,
    /// `wait` in a resource, else `waitForJob`, when the operation has `x-hookwise-wait`.
    wait: Option<String>,
    /// How the client reaches the waiting method (`jobs.wait`).
    wait_path: Option<String>,
    /// What the wait resolves to (the operation's result).
    result_ts: String,
}

fn method(m: &Method) -> NodeMethod {
    let group = m.group.as_ref().map(|g| g.to_lower_camel_case());
    let path = |name: &str| group.as_ref().map_or_else(|| name.to_owned(), |g| format!("{g}.{name}"));
    let name = m.name.to_lower_camel_case();
    let wait = m.wait_name.as_ref().map(|w| w.to_lower_camel_case());
    let params: Vec<TsProperty> = m.positional.iter().chain(&m.keyword).map(param).collect();
    let result_ts = ts(&m.result);
    let returns_ts = match m.returns {
        Returns::Nothing => "Promise<void>".to_owned(),
        Returns::Page => format!("sdk.PagePromise<{result_ts}, {}>", ts(m.item.as_ref().unwrap_or(&TypeRef::Any))),
        Returns::Object | Returns::List | Returns::Value => format!("Promise<{result_ts}>"),
    };
    let mut doc = if m.doc.is_empty() { m.id.clone() } else { m.doc.clone() };
    if m.returns == Returns::Page {
        doc.push_str("\n\nAwait it for the first page; `for await` over it for every item of every page.");
    }
    NodeMethod {
        id: m.id.clone(),
        key: key(&m.id),
        path: path(&name),
        wait_path: wait.as_deref().map(path),
        doc: doc_lines(&doc),
        http: m.http.clone(),
        params_type: (!params.is_empty()).then(|| format!("{}Params", m.id.to_upper_camel_case())),
        params_required: !m.positional.is_empty(),
        params,
        returns: m.returns,
        runtime: match m.returns {
            Returns::Nothing => "send",
            Returns::Page => "page",
            Returns::Object | Returns::List | Returns::Value => "call",
        },
        returns_ts,
        wait,
        result_ts,
        name,
        group,
    }
}

/// A resource of the client (`client.jobs`): its member, its class and its methods.
#[derive(Serialize)]
struct NodeGroup {
    member: String,
    class: String,
    methods: Vec<NodeMethod>,
}

/// The package files; the profile's text is shipped as `profile.yaml`. With `builtin: true`
/// (the profile the hookwise runtime embeds: `Profile.hookwise()`) only the client, as
/// `client.js` and `client.d.ts`, which live inside the `hookwise` package itself and require
/// its runtime relatively.
///
/// # Errors
/// A template that cannot be rendered.
pub(crate) fn files(input: &Input<'_>) -> Result<Vec<File>, Error> {
    let Input { sdk, profile_file, profile_text, .. } = *input;
    let option = |key: &str| input.option(key).map(str::to_owned);
    let builtin = input.options.get("builtin").and_then(serde_json::Value::as_bool).unwrap_or(false);
    let scheme = sdk.scheme.as_deref().filter(|_| !builtin).map(|s| {
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
    let engine = if builtin { "the engine (`Api`)" } else { "the engine in `hookwise`" };
    let client_doc = format!(
        "{}. Every method returns a Promise; {engine} runs each request. {credentials}, `baseUrl` to `{}_BASE_URL`, then the API's server.",
        sdk.title, sdk.env_prefix
    );
    let methods: Vec<NodeMethod> = sdk.methods.iter().map(method).collect();
    let of = |group: Option<&String>| methods.iter().filter(|m| m.group.as_ref() == group).cloned().collect::<Vec<_>>();
    let groups: Vec<NodeGroup> = sdk
        .groups
        .iter()
        .map(|g| {
            let member = g.to_lower_camel_case();
            NodeGroup { class: g.to_upper_camel_case(), methods: of(Some(&member)), member }
        })
        .collect();
    let context = minijinja::context! {
        sdk => sdk,
        builtin => builtin,
        runtime => if builtin { "./sdk.js" } else { "hookwise/sdk" },
        package => option("package").unwrap_or_else(|| sdk.name.clone()),
        client => option("client").unwrap_or_else(|| "Client".to_owned()),
        version => env!("CARGO_PKG_VERSION"),
        profile_file => profile_file,
        header => format!("Generated by hookwise generate from {profile_file}; do not edit."),
        description => doc_lines(&sdk.description),
        client_doc => doc_lines(&client_doc),
        scheme => scheme,
        paginates => methods.iter().any(|m| m.returns == Returns::Page),
        waits => methods.iter().any(|m| m.wait.is_some()),
        flat => of(None),
        groups => groups,
        methods => methods,
        models => sdk.models.iter().map(model).collect::<Vec<_>>(),
        reexports => REEXPORTS,
    };
    let rendered = |(path, template): &(&str, &str)| Ok(File::new(*path, render(template, &context)?));
    if builtin {
        return BUILTIN.iter().map(rendered).collect();
    }
    let mut files = TEMPLATES.iter().map(rendered).collect::<Result<Vec<_>, Error>>()?;
    files.push(File::new("profile.yaml", profile_text.to_owned()));
    Ok(files)
}

/// Runs `prettier --write` over the generated code in `out` where prettier is installed: the
/// files of either kind of output that say they are generated (a builtin client is written among
/// the `hookwise` package's own files, which are left alone).
pub(crate) fn format(out: &std::path::Path) {
    for (file, _) in TEMPLATES.iter().chain(&BUILTIN) {
        let path = out.join(file);
        let generated =
            std::fs::read_to_string(&path).is_ok_and(|text| text.contains("Generated by hookwise generate from"));
        if generated {
            crate::run_formatter("prettier", &["--write", "--log-level", "silent"], &path);
        }
    }
}
