//! A profile: an OpenAPI 3.1 document plus the `x-hookwise` extensions (`profiles/README.md`),
//! read and validated into the model the engine runs and the generator renders.

use serde_json::Value;
use serde_norway::Value as Yaml;

use super::doc::{Child, Node};
use super::error::ProfileError;
use super::schema::{Schema, Type};
use crate::webhook::Scheme;

/// How requests authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// `Authorization: Bearer <api_key>`.
    Bearer,
    /// `Authorization: Basic base64(<username>:<password>)`.
    Basic,
    /// The API key in this header.
    Header(String),
}

/// An HTTP method an operation may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    /// GET (a read: retried on every transient failure).
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Method {
    const ALL: [(&'static str, Method); 5] = [
        ("get", Method::Get),
        ("post", Method::Post),
        ("put", Method::Put),
        ("patch", Method::Patch),
        ("delete", Method::Delete),
    ];

    /// The method as sent (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Where an argument goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// A `{name}` of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A property of the JSON body.
    Body,
}

impl Location {
    /// The location's name: `path`, `query`, `header` or `body`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Body => "body",
        }
    }
}

/// One named argument of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// The argument's name in every language (the wire name; a header's in snake case).
    pub name: String,
    /// The name on the wire (path placeholder, query key, header name, body property).
    pub wire: String,
    /// Where it goes.
    pub location: Location,
    /// Whether the call must pass it.
    pub required: bool,
    /// Its schema.
    pub schema: Schema,
}

/// `x-hookwise-pagination`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The query argument that carries the cursor.
    pub cursor_param: String,
    /// Pointer to the next cursor in a page (`/next_cursor`); null or absent ends the walk.
    pub next_cursor: String,
    /// Pointer to the page's items (`/jobs`; empty for a page that is itself the array).
    pub items: String,
    /// Pointer to the total count, if the API gives one.
    pub total: Option<String>,
}

/// `x-hookwise-wait`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    /// Pointer to the status (`/status`).
    pub status: String,
    /// The statuses that end the wait.
    pub terminal: Vec<String>,
    /// Pointer to the progress, if any (`/progress_pct`).
    pub progress: Option<String>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId` (`register_webhook`).
    pub id: String,
    /// The method.
    pub method: Method,
    /// The path template (`/v1/jobs/{id}`).
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// The arguments, path first, then query, header and body, each in document order.
    pub args: Vec<Arg>,
    /// Whether the request has a JSON body (sent as `{}` when required and no body argument is given).
    pub body: Option<BodyShape>,
    /// The success response's schema; `None` for 204 / no content.
    pub response: Option<Schema>,
    /// Whether the profile's credentials are sent (`security: []` turns them off).
    pub authenticated: bool,
    /// `x-hookwise-idempotency`: the header a generated key goes in.
    pub idempotency_header: Option<String>,
    /// `x-hookwise-pagination`.
    pub pagination: Option<Pagination>,
    /// `x-hookwise-wait`.
    pub wait: Option<Wait>,
    /// `x-hookwise-name`: the SDK method's name when it is not the operation id; a dotted name
    /// (`jobs.create`) puts the method in a resource (`client.jobs.create`).
    pub sdk_name: Option<String>,
}

/// The JSON request body.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyShape {
    /// `requestBody.required`.
    pub required: bool,
    /// The named schema the body is (`CreateJob`), if it is a `$ref`.
    pub schema_name: Option<String>,
}

impl Operation {
    /// Whether a retry can never do the work twice: a read, or a write with an idempotency key.
    pub fn is_idempotent(&self) -> bool {
        self.method == Method::Get || self.idempotency_header.is_some()
    }

    /// The argument called `name`.
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|a| a.name == name)
    }
}

/// Where an error body's fields are (`x-hookwise-errors`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorPointers {
    /// The vendor's error code.
    pub code: Option<String>,
    /// The message.
    pub message: Option<String>,
    /// The trace id.
    pub trace_id: Option<String>,
}

/// One webhook event (OpenAPI's top-level `webhooks`).
#[derive(Debug, Clone, PartialEq)]
pub struct EventType {
    /// The event type (`research.completed`).
    pub name: String,
    /// `summary` or `description`.
    pub description: Option<String>,
    /// The payload's schema.
    pub payload: Schema,
}

/// A validated profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// `x-hookwise.name`.
    pub name: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.license.identifier`: the API's SDKs' licence, as an SPDX expression.
    pub license: Option<String>,
    /// `info.license.name`: the licence's name, free text (OpenAPI requires it of a licence).
    pub license_name: Option<String>,
    /// `info.license.url`: where the licence's text is (OpenAPI 3.1 allows it only without an
    /// `identifier`).
    pub license_url: Option<String>,
    /// `servers[0].url`.
    pub server: Option<String>,
    /// The credentials scheme.
    pub auth: Option<Auth>,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// `components.schemas`, in document order.
    pub schemas: Vec<(String, Schema)>,
    /// `x-hookwise-errors`.
    pub errors: ErrorPointers,
    /// `x-hookwise-trace.header`.
    pub trace_header: Option<String>,
    /// `x-hookwise-webhooks.scheme`, resolved.
    pub scheme: Option<Scheme>,
    /// The webhook events.
    pub events: Vec<EventType>,
    /// The whole `x-hookwise` object as JSON (package names per language, for the generator).
    pub extension: Value,
}

impl Profile {
    /// Reads a profile from YAML or JSON text (JSON is YAML) and validates it.
    ///
    /// # Errors
    /// `invalid_profile` or `unsupported_profile`, with the JSON pointer of the problem.
    pub fn from_text(text: &str) -> Result<Profile, ProfileError> {
        let document: Yaml =
            serde_norway::from_str(text).map_err(|e| ProfileError::invalid("#", format!("not YAML or JSON: {e}")))?;
        Profile::from_document(&document)
    }

    /// `profiles/hookwise.yaml`: the reference server's API, embedded.
    ///
    /// # Panics
    /// Never: the embedded profile is checked by a unit test.
    #[allow(clippy::expect_used)]
    pub fn hookwise() -> &'static Profile {
        static PROFILE: std::sync::OnceLock<Profile> = std::sync::OnceLock::new();
        PROFILE.get_or_init(|| Profile::from_text(HOOKWISE_PROFILE).expect("the embedded hookwise profile is valid"))
    }

    /// The operation called `id`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }

    /// The named schema of `components.schemas`.
    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }

    /// The prefix of the profile's environment variables (`AUGGIE`).
    pub fn env_prefix(&self) -> String {
        self.name.to_ascii_uppercase().replace('-', "_")
    }

    fn from_document(document: &Yaml) -> Result<Profile, ProfileError> {
        let root = Node { value: document, pointer: "#" };
        root.only(&[
            "openapi",
            "info",
            "servers",
            "security",
            "paths",
            "components",
            "webhooks",
            "tags",
            "externalDocs",
            "x-hookwise",
            "x-hookwise-errors",
            "x-hookwise-trace",
            "x-hookwise-webhooks",
        ])?;
        let version = root.require("openapi")?;
        if !version.node().str()?.starts_with("3.1") {
            return Err(version
                .node()
                .unsupported(format!("openapi {} (profiles are OpenAPI 3.1)", version.node().str()?)));
        }
        let ext = root.require("x-hookwise")?;
        let extension = ext.node().json()?;
        let name = ext.node().require("name")?.node().str()?.to_owned();
        if name.is_empty()
            || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err(ext.node().invalid(format!("name {name:?} must be lower-case letters, digits, - and _")));
        }
        let info = root.require("info")?;
        let info = info.node();
        let components = root.get("components");
        let schemas = match components.as_ref().and_then(|c| c.node().get("schemas")) {
            Some(schemas) => schemas
                .node()
                .entries()?
                .into_iter()
                .map(|(n, c)| Ok((n.to_owned(), Schema::parse(c.node())?)))
                .collect::<Result<Vec<_>, ProfileError>>()?,
            None => Vec::new(),
        };
        if let Some(components) = &components {
            components.node().only(&["schemas", "securitySchemes"])?;
        }
        let auth = auth(&root, components.as_ref())?;
        let License { identifier: license, name: license_name, url: license_url } = license(&info)?;
        let mut profile = Profile {
            name,
            title: info.require("title")?.node().str()?.to_owned(),
            version: info.require("version")?.node().str()?.to_owned(),
            description: info.opt_str("description")?,
            license,
            license_name,
            license_url,
            server: servers(&root)?,
            auth,
            operations: Vec::new(),
            schemas,
            errors: error_pointers(&root)?,
            trace_header: match root.get("x-hookwise-trace") {
                Some(t) => {
                    t.node().only(&["header"])?;
                    Some(t.node().require("header")?.node().str()?.to_owned())
                }
                None => None,
            },
            scheme: scheme(&root)?,
            events: Vec::new(),
            extension,
        };
        profile.operations = operations(&root, &profile)?;
        profile.events = events(&root)?;
        profile.check_refs(&root)?;
        Ok(profile)
    }

    /// Every `$ref` names a schema that exists.
    fn check_refs(&self, root: &Node<'_>) -> Result<(), ProfileError> {
        let all = self
            .schemas
            .iter()
            .map(|(_, s)| s)
            .chain(self.operations.iter().flat_map(|o| o.args.iter().map(|a| &a.schema).chain(&o.response)))
            .chain(self.events.iter().map(|e| &e.payload));
        for schema in all {
            if let Some(missing) = schema.refs().into_iter().find(|r| self.schema(r).is_none()) {
                return Err(root.invalid(format!("$ref #/components/schemas/{missing} names no schema")));
            }
        }
        Ok(())
    }

    /// Follows `$ref`s to the schema they name (at most a few steps; cycles stop).
    pub fn resolve<'a>(&'a self, schema: &'a Schema) -> &'a Schema {
        let mut current = schema;
        for _ in 0..16 {
            match &current.ty {
                Type::Ref(name) => match self.schema(name) {
                    Some(next) => current = next,
                    None => return current,
                },
                _ => return current,
            }
        }
        current
    }
}

const HOOKWISE_PROFILE: &str = include_str!("../../profiles/hookwise.yaml");

/// The raw text of `profiles/hookwise.yaml` (the server serves it at `/openapi.json`).
pub const HOOKWISE_PROFILE_TEXT: &str = HOOKWISE_PROFILE;

/// `info.license`, each part `None` without one.
#[derive(Default)]
struct License {
    identifier: Option<String>,
    name: Option<String>,
    url: Option<String>,
}

/// `info.license`: a licence has a name, and an SPDX identifier or a URL, not both (OpenAPI 3.1).
fn license(info: &Node<'_>) -> Result<License, ProfileError> {
    let Some(license) = info.get("license") else { return Ok(License::default()) };
    let license = license.node();
    license.only(&["name", "identifier", "url"])?;
    let name = license.require("name")?.node().str()?.to_owned();
    let (identifier, url) = (license.opt_str("identifier")?, license.opt_str("url")?);
    if identifier.is_some() && url.is_some() {
        return Err(license.invalid("`identifier` and `url` are mutually exclusive"));
    }
    Ok(License { identifier, name: Some(name), url })
}

fn servers(root: &Node<'_>) -> Result<Option<String>, ProfileError> {
    let Some(servers) = root.get("servers") else { return Ok(None) };
    let items = servers.node().items()?;
    let Some(first) = items.first() else { return Ok(None) };
    first.node().only(&["url", "description"])?;
    let url = first.node().require("url")?.node().str()?.to_owned();
    if url.contains('{') {
        return Err(first.node().unsupported("server variables"));
    }
    Ok(Some(url.trim_end_matches('/').to_owned()))
}

fn auth(root: &Node<'_>, components: Option<&Child<'_>>) -> Result<Option<Auth>, ProfileError> {
    let Some(security) = root.get("security") else { return Ok(None) };
    let names = security_names(&security.node())?;
    let Some(name) = names.first() else { return Ok(None) };
    let schemes = components
        .and_then(|c| c.node().get("securitySchemes"))
        .ok_or_else(|| security.node().invalid("no components.securitySchemes"))?;
    let scheme =
        schemes.node().get(name).ok_or_else(|| security.node().invalid(format!("no security scheme {name:?}")))?;
    let scheme = scheme.node();
    scheme.only(&["type", "scheme", "in", "name", "description", "bearerFormat"])?;
    match (scheme.require("type")?.node().str()?, scheme.opt_str("scheme")?.map(|s| s.to_ascii_lowercase()).as_deref())
    {
        ("http", Some("bearer")) => Ok(Some(Auth::Bearer)),
        ("http", Some("basic")) => Ok(Some(Auth::Basic)),
        ("apiKey", _) if scheme.opt_str("in")?.as_deref() == Some("header") => {
            Ok(Some(Auth::Header(scheme.require("name")?.node().str()?.to_owned())))
        }
        (ty, http) => Err(scheme.unsupported(format!("security scheme {ty} {}", http.unwrap_or_default()))),
    }
}

/// The scheme names of a `security` list; at most one requirement with one scheme is supported.
fn security_names(node: &Node<'_>) -> Result<Vec<String>, ProfileError> {
    let mut names = Vec::new();
    for requirement in node.items()? {
        for (name, _) in requirement.node().entries()? {
            names.push(name.to_owned());
        }
    }
    if names.len() > 1 {
        return Err(node.unsupported("more than one security scheme"));
    }
    Ok(names)
}

fn error_pointers(root: &Node<'_>) -> Result<ErrorPointers, ProfileError> {
    let Some(errors) = root.get("x-hookwise-errors") else { return Ok(ErrorPointers::default()) };
    let node = errors.node();
    node.only(&["code", "message", "trace_id"])?;
    Ok(ErrorPointers {
        code: pointer(&node, "code")?,
        message: pointer(&node, "message")?,
        trace_id: pointer(&node, "trace_id")?,
    })
}

/// An optional JSON pointer (`/error/code`) at `key`.
fn pointer(node: &Node<'_>, key: &str) -> Result<Option<String>, ProfileError> {
    let Some(child) = node.get(key) else { return Ok(None) };
    let value = child.node().str()?;
    if !value.is_empty() && !value.starts_with('/') {
        return Err(child.node().invalid(format!("{value:?} is not a JSON pointer (it starts with /)")));
    }
    Ok(Some(value.to_owned()))
}

fn scheme(root: &Node<'_>) -> Result<Option<Scheme>, ProfileError> {
    let Some(webhooks) = root.get("x-hookwise-webhooks") else { return Ok(None) };
    webhooks.node().only(&["scheme"])?;
    let scheme = webhooks.node().require("scheme")?;
    let node = scheme.node();
    let resolved = match node.value.as_str() {
        Some(name) => crate::webhook::preset(name).cloned().map_err(|e| node.invalid(e.message()))?,
        None => Scheme::from_json(&node.json()?.to_string()).map_err(|e| node.invalid(e.message()))?,
    };
    Ok(Some(resolved))
}

fn events(root: &Node<'_>) -> Result<Vec<EventType>, ProfileError> {
    let Some(webhooks) = root.get("webhooks") else { return Ok(Vec::new()) };
    let mut events = Vec::new();
    for (name, item) in webhooks.node().entries()? {
        item.node().only(&["post"])?;
        let post = item.node().require("post")?;
        let post = post.node();
        post.only(&["summary", "description", "requestBody", "responses", "operationId"])?;
        let body = post.require("requestBody")?;
        let schema = json_schema(&body.node())?
            .ok_or_else(|| body.node().invalid("an event needs an application/json schema"))?;
        let description = match post.opt_str("summary")? {
            Some(s) => Some(s),
            None => post.opt_str("description")?,
        };
        events.push(EventType { name: name.to_owned(), description, payload: schema });
    }
    Ok(events)
}

/// The `application/json` schema of a request body or response, if it has content.
fn json_schema(node: &Node<'_>) -> Result<Option<Schema>, ProfileError> {
    node.only(&["description", "content", "required", "headers"])?;
    let Some(content) = node.get("content") else { return Ok(None) };
    let mut schema = None;
    for (media, child) in content.node().entries()? {
        if media != "application/json" {
            return Err(child.node().unsupported(format!("content type {media}")));
        }
        child.node().only(&["schema", "example", "examples"])?;
        schema = child.node().get("schema").map(|s| Schema::parse(s.node())).transpose()?;
    }
    Ok(schema)
}

fn operations(root: &Node<'_>, profile: &Profile) -> Result<Vec<Operation>, ProfileError> {
    let mut operations: Vec<Operation> = Vec::new();
    let paths = root.require("paths")?;
    for (path, item) in paths.node().entries()? {
        let item = item.node();
        item.only(&["get", "post", "put", "patch", "delete", "parameters", "summary", "description"])?;
        if !path.starts_with('/') {
            return Err(item.invalid("a path starts with /"));
        }
        let shared = match item.get("parameters") {
            Some(p) => p.node().items()?.iter().map(|c| parameter(&c.node())).collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        for (key, method) in Method::ALL {
            let Some(op) = item.get(key) else { continue };
            let operation = operation(&op.node(), method, path, &shared, profile)?;
            if operations.iter().any(|o| o.id == operation.id) {
                return Err(op.node().invalid(format!("operationId {} is used twice", operation.id)));
            }
            let sdk = |o: &Operation| o.sdk_name.clone().unwrap_or_else(|| o.id.clone());
            if operations.iter().any(|o| sdk(o) == sdk(&operation)) {
                return Err(op.node().invalid(format!("two operations are named {} in the SDK", sdk(&operation))));
            }
            operations.push(operation);
        }
    }
    Ok(operations)
}

fn parameter(node: &Node<'_>) -> Result<Arg, ProfileError> {
    node.only(&["name", "in", "required", "schema", "description", "example", "examples", "deprecated"])?;
    let wire = node.require("name")?.node().str()?.to_owned();
    let location = match node.require("in")?.node().str()? {
        "path" => Location::Path,
        "query" => Location::Query,
        "header" => Location::Header,
        other => return Err(node.unsupported(format!("parameter in {other}"))),
    };
    let mut schema = match node.get("schema") {
        Some(s) => Schema::parse(s.node())?,
        None => Schema::of(Type::String),
    };
    if schema.description.is_none() {
        schema.description = node.opt_str("description")?;
    }
    let required = node.get("required").map(|r| r.node().bool()).transpose()?.unwrap_or(false);
    if location == Location::Path && !required {
        return Err(node.invalid("a path parameter must be required: true"));
    }
    let name = if location == Location::Header { wire.to_ascii_lowercase().replace('-', "_") } else { wire.clone() };
    Ok(Arg { name, wire, location, required, schema })
}

fn operation(
    node: &Node<'_>,
    method: Method,
    path: &str,
    shared: &[Arg],
    profile: &Profile,
) -> Result<Operation, ProfileError> {
    node.only(&[
        "operationId",
        "summary",
        "description",
        "parameters",
        "requestBody",
        "responses",
        "security",
        "tags",
        "deprecated",
        "x-hookwise-idempotency",
        "x-hookwise-pagination",
        "x-hookwise-wait",
        "x-hookwise-name",
    ])?;
    let id = node.require("operationId")?.node().str()?.to_owned();
    if id.is_empty()
        || !id.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(node.invalid(format!("operationId {id:?} is not an identifier")));
    }
    let mut args: Vec<Arg> = shared.to_vec();
    if let Some(params) = node.get("parameters") {
        for p in params.node().items()? {
            let arg = parameter(&p.node())?;
            args.retain(|a| !(a.wire == arg.wire && a.location == arg.location));
            args.push(arg);
        }
    }
    let body = match node.get("requestBody") {
        Some(request) => Some(body_args(&request.node(), profile, &mut args)?),
        None => None,
    };
    args.sort_by_key(|a| match a.location {
        Location::Path => 0,
        Location::Query => 1,
        Location::Header => 2,
        Location::Body => 3,
    });
    for (i, arg) in args.iter().enumerate() {
        if args[..i].iter().any(|other| other.name == arg.name) {
            return Err(node.invalid(format!("two arguments are called {:?}", arg.name)));
        }
    }
    check_path(node, path, &args)?;
    let idempotency_header = match node.get("x-hookwise-idempotency") {
        Some(i) => {
            i.node().only(&["header"])?;
            let header = i.node().require("header")?.node().str()?.to_owned();
            if !args.iter().any(|a| a.location == Location::Header && a.wire.eq_ignore_ascii_case(&header)) {
                let name = header.to_ascii_lowercase().replace('-', "_");
                args.push(Arg {
                    name,
                    wire: header.clone(),
                    location: Location::Header,
                    required: false,
                    schema: Schema::of(Type::String),
                });
            }
            Some(header)
        }
        None => None,
    };
    let pagination = node.get("x-hookwise-pagination").map(|p| pagination(&p.node(), &args)).transpose()?;
    let wait = node.get("x-hookwise-wait").map(|w| wait(&w.node(), method)).transpose()?;
    let authenticated = match node.get("security") {
        Some(s) => !security_names(&s.node())?.is_empty(),
        None => profile.auth.is_some(),
    };
    Ok(Operation {
        id,
        method,
        path: path.to_owned(),
        summary: node.opt_str("summary")?,
        description: node.opt_str("description")?,
        args,
        body,
        response: response(node)?,
        authenticated,
        idempotency_header,
        pagination,
        wait,
        sdk_name: sdk_name(node)?,
    })
}

/// `x-hookwise-name`: `name` or `resource.name`, each an identifier.
fn sdk_name(node: &Node<'_>) -> Result<Option<String>, ProfileError> {
    let Some(name) = node.opt_str("x-hookwise-name")? else { return Ok(None) };
    let identifier = |s: &str| {
        s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() > 2 || !parts.iter().all(|p| identifier(p)) {
        return Err(node.invalid(format!("x-hookwise-name {name:?} is not `name` or `resource.name` in snake case")));
    }
    Ok(Some(name))
}

/// The JSON request body: its properties become body arguments.
fn body_args(request: &Node<'_>, profile: &Profile, args: &mut Vec<Arg>) -> Result<BodyShape, ProfileError> {
    let schema =
        json_schema(request)?.ok_or_else(|| request.invalid("a request body needs an application/json schema"))?;
    let schema_name = match &schema.ty {
        Type::Ref(name) => Some(name.clone()),
        _ => None,
    };
    let object =
        profile.resolve(&schema).object().ok_or_else(|| request.unsupported("a request body that is not an object"))?;
    for property in &object.properties {
        args.push(Arg {
            name: property.name.clone(),
            wire: property.name.clone(),
            location: Location::Body,
            required: property.required,
            schema: property.schema.clone(),
        });
    }
    Ok(BodyShape {
        required: request.get("required").map(|r| r.node().bool()).transpose()?.unwrap_or(false),
        schema_name,
    })
}

/// Every `{name}` of the path is a path argument and every path argument is in the path.
fn check_path(node: &Node<'_>, path: &str, args: &[Arg]) -> Result<(), ProfileError> {
    let mut placeholders = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').ok_or_else(|| node.invalid(format!("unclosed {{ in {path}")))?;
        placeholders.push(&rest[start + 1..start + end]);
        rest = &rest[start + end + 1..];
    }
    for p in &placeholders {
        if !args.iter().any(|a| a.location == Location::Path && a.wire == *p) {
            return Err(node.invalid(format!("{{{p}}} of {path} is not a path parameter")));
        }
    }
    if let Some(extra) = args.iter().find(|a| a.location == Location::Path && !placeholders.contains(&a.wire.as_str()))
    {
        return Err(node.invalid(format!("path parameter {} is not in {path}", extra.wire)));
    }
    Ok(())
}

/// The first 2xx response: its JSON schema, or `None` for no content.
fn response(node: &Node<'_>) -> Result<Option<Schema>, ProfileError> {
    let responses = node.require("responses")?;
    let mut success = Vec::new();
    for (status, child) in responses.node().entries()? {
        if status.len() == 3 && status.starts_with('2') {
            success.push((status.to_owned(), child));
        } else if !(status == "default" || status.len() == 3 && status.bytes().all(|b| b.is_ascii_digit())) {
            return Err(child.node().unsupported(format!("response status {status}")));
        }
    }
    success.sort_by(|a, b| a.0.cmp(&b.0));
    for (status, child) in &success {
        let schema = json_schema(&child.node())?;
        if schema.is_some() || status == "204" {
            return Ok(schema);
        }
    }
    match success.first() {
        Some(_) => Ok(None),
        None => Err(responses.node().invalid("no 2xx response")),
    }
}

fn pagination(node: &Node<'_>, args: &[Arg]) -> Result<Pagination, ProfileError> {
    node.only(&["cursor_param", "next_cursor", "items", "total"])?;
    let cursor_param = node.require("cursor_param")?.node().str()?.to_owned();
    if !args.iter().any(|a| a.name == cursor_param && a.location == Location::Query) {
        return Err(node.invalid(format!("cursor_param {cursor_param} is not a query parameter of the operation")));
    }
    Ok(Pagination {
        cursor_param,
        next_cursor: pointer(node, "next_cursor")?.ok_or_else(|| node.invalid("`next_cursor` is required"))?,
        items: pointer(node, "items")?.unwrap_or_default(),
        total: pointer(node, "total")?,
    })
}

fn wait(node: &Node<'_>, method: Method) -> Result<Wait, ProfileError> {
    node.only(&["status", "terminal", "progress"])?;
    if method != Method::Get {
        return Err(node.invalid("x-hookwise-wait is for get operations"));
    }
    let terminal = node.require("terminal")?.node().strings()?;
    if terminal.is_empty() {
        return Err(node.invalid("`terminal` lists at least one status"));
    }
    Ok(Wait {
        status: pointer(node, "status")?.ok_or_else(|| node.invalid("`status` is required"))?,
        terminal,
        progress: pointer(node, "progress")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_hookwise_profile_is_valid() {
        let profile = Profile::from_text(HOOKWISE_PROFILE).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(profile.name, "hookwise");
        let create =
            profile.operation("create_job").map(|o| o.args.iter().map(|a| a.name.as_str()).collect::<Vec<_>>());
        assert_eq!(create, Some(vec!["idempotency_key", "kind", "payload", "callback_url", "secrecy_level"]));
    }

    #[test]
    fn sdk_names_are_snake_case_resource_dot_name_and_unique() {
        let op = |id: &str, name: &str| {
            format!("    get:\n      operationId: {id}\n      x-hookwise-name: {name}\n      responses: {{'200': {{description: ok}}}}\n")
        };
        let two = format!("{BASE}paths:\n  /a:\n{}  /b:\n{}", op("a", "jobs.get"), op("b", "jobs.list"));
        let names: Vec<Option<String>> =
            Profile::from_text(&two).unwrap().operations.iter().map(|o| o.sdk_name.clone()).collect();
        assert_eq!(names, [Some("jobs.get".to_owned()), Some("jobs.list".to_owned())]);
        let clash = format!("{BASE}paths:\n  /a:\n{}  /b:\n{}", op("a", "jobs.get"), op("b", "jobs.get"));
        assert_eq!(refusal(&clash), "invalid: #/paths/~1b/get: two operations are named jobs.get in the SDK");
        for bad in ["Jobs.get", "a.b.c", "jobs.", "jobs-get"] {
            let text = format!("{BASE}paths:\n  /a:\n{}", op("a", bad));
            assert!(refusal(&text).contains("is not `name` or `resource.name`"), "{bad}: {}", refusal(&text));
        }
    }

    fn refusal(text: &str) -> String {
        Profile::from_text(text).map_or_else(|e| e.to_string(), |_| String::new())
    }

    const BASE: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nx-hookwise: {name: t}\n";

    #[test]
    fn the_licence_is_info_license_identifier_name_and_url() {
        let with = |license: &str| {
            let text = BASE.replace("version: '1'", &format!("version: '1', license: {license}")) + "paths: {}\n";
            Profile::from_text(&text).map(|p| (p.license, p.license_name, p.license_url)).map_err(|e| e.to_string())
        };
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            with("{name: Apache 2.0, identifier: Apache-2.0}"),
            Ok((some("Apache-2.0"), some("Apache 2.0"), None))
        );
        assert_eq!(
            with("{name: Proprietary, url: 'https://example.com/terms'}"),
            Ok((None, some("Proprietary"), some("https://example.com/terms")))
        );
        assert_eq!(with("{name: Proprietary}"), Ok((None, some("Proprietary"), None)));
        assert_eq!(
            with("{name: MIT, identifier: MIT, url: 'https://example.com/mit'}"),
            Err("invalid: #/info/license: `identifier` and `url` are mutually exclusive".into())
        );
        assert_eq!(with("{identifier: MIT}"), Err("invalid: #/info/license: `name` is required".into()));
        assert_eq!(with("{name: MIT, spdx: MIT}"), Err("unsupported: #/info/license/spdx: spdx".into()));
        assert_eq!(with("{name: MIT, identifier: MIT, x-note: ok}").map(|l| l.0), Ok(some("MIT")));
        assert_eq!(Profile::from_text(&(BASE.to_owned() + "paths: {}\n")).map(|p| p.license).ok(), Some(None));
        assert_eq!(Profile::hookwise().license.as_deref(), Some("MIT OR Apache-2.0"));
    }

    #[test]
    fn unsupported_constructs_are_refused_with_their_pointer() {
        let all_of = format!("{BASE}paths:\n  /v1/jobs:\n    post:\n      operationId: create\n      requestBody:\n        content:\n          application/json:\n            schema: {{allOf: [{{type: object}}]}}\n      responses: {{'201': {{description: ok}}}}\n");
        assert_eq!(
            refusal(&all_of),
            "unsupported: #/paths/~1v1~1jobs/post/requestBody/content/application~1json/schema/allOf: allOf"
        );
        let cookie = format!("{BASE}paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{{name: s, in: cookie}}]\n      responses: {{'200': {{description: ok}}}}\n");
        assert_eq!(refusal(&cookie), "unsupported: #/paths/~1a/get/parameters/0: parameter in cookie");
        let v30 = BASE.replace("3.1.0", "3.0.3") + "paths: {}\n";
        assert!(refusal(&v30).starts_with("unsupported: #/openapi: openapi 3.0.3"), "{}", refusal(&v30));
        let typo = format!("{BASE}paths:\n  /a:\n    get:\n      operationId: a\n      x-hookwise-wiat: {{}}\n      responses: {{'200': {{description: ok}}}}\n");
        assert_eq!(refusal(&typo), "unsupported: #/paths/~1a/get/x-hookwise-wiat: x-hookwise-wiat");
    }

    #[test]
    fn invalid_profiles_say_what_is_wrong() {
        let missing_path_param = format!("{BASE}paths:\n  /a/{{id}}:\n    get:\n      operationId: a\n      responses: {{'200': {{description: ok}}}}\n");
        assert_eq!(
            refusal(&missing_path_param),
            "invalid: #/paths/~1a~1{id}/get: {id} of /a/{id} is not a path parameter"
        );
        let dangling = format!("{BASE}paths:\n  /a:\n    get:\n      operationId: a\n      responses: {{'200': {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/Nope'}}}}}}}}}}\n");
        assert_eq!(refusal(&dangling), "invalid: #: $ref #/components/schemas/Nope names no schema");
        assert!(refusal("[1, 2").starts_with("invalid: #: not YAML or JSON"));
    }
}
