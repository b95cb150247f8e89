//! The language-neutral SDK model: what every language's templates render. Built from a validated
//! profile: operations with their arguments in call order, and the webhook scheme.

use hookwise::api::{Arg, Location, Operation, Profile, Schema, Type};
use serde::Serialize;

/// A type, as the templates need it: a name per language is chosen from this.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeRef {
    /// Any JSON value.
    Any,
    /// A string (enums included: unknown values are kept).
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// A list.
    List {
        /// The item type.
        item: Box<TypeRef>,
    },
    /// An object whose keys are free and whose values have one type (`additionalProperties`).
    Map {
        /// The value type.
        value: Box<TypeRef>,
    },
    /// An object without declared properties, or an inline one: a JSON object.
    Object,
    /// A named schema of `components.schemas` with properties: a generated model.
    Model {
        /// The schema's name (`Job`).
        name: String,
    },
}

impl TypeRef {
    /// The type of `schema`, `$ref`s followed.
    pub fn of(profile: &Profile, schema: &Schema) -> TypeRef {
        if let Type::Ref(name) = &schema.ty {
            if profile.resolve(schema).object().is_some_and(|o| !o.properties.is_empty()) {
                return TypeRef::Model { name: name.clone() };
            }
        }
        match &profile.resolve(schema).ty {
            Type::String => TypeRef::String,
            Type::Integer => TypeRef::Integer,
            Type::Number => TypeRef::Number,
            Type::Boolean => TypeRef::Boolean,
            Type::Array(items) => TypeRef::List { item: Box::new(TypeRef::of(profile, items)) },
            Type::Object(object) => match object.additional.as_deref() {
                Some(value) if object.properties.is_empty() && value.ty != Type::Any => {
                    TypeRef::Map { value: Box::new(TypeRef::of(profile, value)) }
                }
                _ => TypeRef::Object,
            },
            // `Any`, `Null`, a `Ref` to a schema without properties, and a kind the generator does
            // not know yet: any JSON value.
            _ => TypeRef::Any,
        }
    }
}

/// One field of a model.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The name on the wire.
    pub name: String,
    /// Whether every object has it.
    pub required: bool,
    /// Whether it may be `null`.
    pub nullable: bool,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// Its description.
    pub description: Option<String>,
    /// The documented values, when an enum of strings (others are kept when decoding).
    pub values: Vec<String>,
}

/// A model: a named object schema of `components.schemas`. Generated models keep fields they do
/// not declare (APIs add fields).
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    /// The schema's name (`Job`).
    pub name: String,
    /// Its description.
    pub doc: String,
    /// Its declared properties, in document order.
    pub fields: Vec<Field>,
}

fn model(profile: &Profile, name: &str, schema: &Schema) -> Option<Model> {
    let object = schema.object().filter(|o| !o.properties.is_empty())?;
    let fields = object
        .properties
        .iter()
        .map(|p| {
            let resolved = profile.resolve(&p.schema);
            Field {
                name: p.name.clone(),
                required: p.required,
                nullable: p.schema.nullable || resolved.nullable,
                ty: TypeRef::of(profile, &p.schema),
                description: p.schema.description.clone().or_else(|| resolved.description.clone()),
                values: resolved.enum_values.iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
            }
        })
        .collect();
    Some(Model { name: name.to_owned(), doc: schema.description.clone().unwrap_or_default(), fields })
}

/// One argument of a method.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// The argument's name (the API's own field name; a header's in snake case).
    pub name: String,
    /// Whether the caller must pass it.
    pub required: bool,
    /// Whether `null` may be passed (and is then sent).
    pub nullable: bool,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// Its description.
    pub description: Option<String>,
}

/// What a method returns.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Returns {
    /// Nothing (204).
    Nothing,
    /// One object.
    Object,
    /// A list of objects.
    List,
    /// One page of a paginated list.
    Page,
    /// Any JSON value.
    Value,
}

/// One method.
#[derive(Debug, Clone, Serialize)]
pub struct Method {
    /// The operation id (`register_webhook`).
    pub id: String,
    /// `summary`, then `description`, joined for a docstring.
    pub doc: String,
    /// `POST /v1/webhooks/register`.
    pub http: String,
    /// Required arguments, in call order: path parameters first, then the required fields in
    /// schema order.
    pub positional: Vec<Param>,
    /// Optional arguments.
    pub keyword: Vec<Param>,
    /// What it returns.
    pub returns: Returns,
    /// The response's type (`Any` for nothing).
    pub result: TypeRef,
    /// For a page or a list, the type of one item.
    pub item: Option<TypeRef>,
    /// `wait_for_<thing>` when the operation has `x-hookwise-wait` (`job` for `get_job`).
    pub waits_for: Option<String>,
    /// The resource the method belongs to (`jobs` for `x-hookwise-name: jobs.create`): the
    /// client has it as a member (`client.jobs.create`). `None`: a method of the client itself.
    pub group: Option<String>,
    /// The method's name in snake case, inside its resource if any (`create`); the operation id
    /// when the profile names it no other way.
    pub name: String,
    /// The name of the waiting method, in snake case, when the operation has `x-hookwise-wait`:
    /// `wait` inside a resource (`client.jobs.wait`), else `wait_for_<thing>`.
    pub wait_name: Option<String>,
}

/// The licence of an SDK (`info.license`), as each package manifest takes it: the SPDX
/// expression where the manifest has an SPDX field, the free-text name and the URL where it has
/// those.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct License {
    /// `identifier`: an SPDX expression (`MIT OR Apache-2.0`).
    pub spdx: Option<String>,
    /// `name`: free text.
    pub name: String,
    /// `url`: where the licence's text is (only without `identifier`).
    pub url: Option<String>,
}

/// An SDK.
#[derive(Debug, Clone, Serialize)]
pub struct Sdk {
    /// `x-hookwise.name`.
    pub name: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: String,
    /// `info.license`, written into each package's manifest when given.
    pub license: Option<License>,
    /// `AUGGIE`: the prefix of the env vars.
    pub env_prefix: String,
    /// Whether credentials are a user name and a password (HTTP basic).
    pub basic_auth: bool,
    /// The webhook scheme: a preset's name, or a custom scheme as JSON text.
    pub scheme: Option<String>,
    /// The methods, in document order.
    pub methods: Vec<Method>,
    /// The models, in document order.
    pub models: Vec<Model>,
    /// The resources methods belong to (`jobs`, `webhooks`), in order of first use.
    pub groups: Vec<String>,
    /// The webhook event types.
    pub events: Vec<String>,
}

fn param(profile: &Profile, arg: &Arg) -> Param {
    Param {
        name: arg.name.clone(),
        required: arg.required,
        nullable: arg.schema.nullable || profile.resolve(&arg.schema).nullable,
        ty: TypeRef::of(profile, &arg.schema),
        description: arg.schema.description.clone(),
    }
}

/// The type of one item of a page whose items are at `pointer` (`/jobs`, or empty for a page
/// that is itself the array).
fn page_item(profile: &Profile, schema: &Schema, pointer: &str) -> TypeRef {
    let mut current = profile.resolve(schema);
    for key in pointer.split('/').skip(1) {
        let next = current.object().and_then(|o| o.properties.iter().find(|p| p.name == key));
        match next {
            Some(p) => current = profile.resolve(&p.schema),
            None => return TypeRef::Any,
        }
    }
    match &current.ty {
        Type::Array(items) => TypeRef::of(profile, items),
        _ => TypeRef::Any,
    }
}

fn method(profile: &Profile, op: &Operation) -> Method {
    let mut positional: Vec<Param> =
        op.args.iter().filter(|a| a.location == Location::Path).map(|a| param(profile, a)).collect();
    positional.extend(op.args.iter().filter(|a| a.required && a.location != Location::Path).map(|a| param(profile, a)));
    let keyword =
        op.args.iter().filter(|a| !a.required && a.location != Location::Path).map(|a| param(profile, a)).collect();
    let returns = match (&op.response, &op.pagination) {
        (None, _) => Returns::Nothing,
        (Some(_), Some(_)) => Returns::Page,
        (Some(schema), None) => match profile.resolve(schema).ty {
            Type::Array(_) => Returns::List,
            Type::Object(_) => Returns::Object,
            _ => Returns::Value,
        },
    };
    let result = op.response.as_ref().map_or(TypeRef::Any, |s| TypeRef::of(profile, s));
    let item = match (&op.response, &op.pagination) {
        (Some(schema), Some(pagination)) => Some(page_item(profile, schema, &pagination.items)),
        _ => match &result {
            TypeRef::List { item } => Some((**item).clone()),
            _ => None,
        },
    };
    let doc = [op.summary.as_deref(), op.description.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("\n\n");
    let waits_for = op.wait.as_ref().map(|_| op.id.strip_prefix("get_").unwrap_or(&op.id).to_owned());
    let sdk_name = op.sdk_name.as_deref().unwrap_or(&op.id);
    let (group, name) = match sdk_name.split_once('.') {
        Some((group, name)) => (Some(group.to_owned()), name.to_owned()),
        None => (None, sdk_name.to_owned()),
    };
    let wait_name = waits_for.as_ref().map(|thing| match group {
        Some(_) => "wait".to_owned(),
        None => format!("wait_for_{thing}"),
    });
    Method {
        id: op.id.clone(),
        doc,
        http: format!("{} {}", op.method.as_str(), op.path),
        positional,
        keyword,
        returns,
        result,
        item,
        waits_for,
        group,
        name,
        wait_name,
    }
}

impl Sdk {
    /// The model of `profile`.
    pub fn of(profile: &Profile) -> Sdk {
        let methods: Vec<Method> = profile.operations.iter().map(|op| method(profile, op)).collect();
        let mut groups: Vec<String> = Vec::new();
        for group in methods.iter().filter_map(|m| m.group.as_ref()) {
            if !groups.contains(group) {
                groups.push(group.clone());
            }
        }
        let scheme = profile.scheme.as_ref().map(|s| {
            let preset = hookwise::webhook::preset(&s.name).ok().filter(|p| *p == s);
            match preset {
                Some(p) => p.name.clone(),
                None => serde_json::to_string(s).unwrap_or_default(),
            }
        });
        Sdk {
            name: profile.name.clone(),
            title: profile.title.clone(),
            version: profile.version.clone(),
            description: profile.description.clone().unwrap_or_default(),
            license: profile.license_name.clone().map(|name| License {
                spdx: profile.license.clone(),
                name,
                url: profile.license_url.clone(),
            }),
            env_prefix: profile.env_prefix(),
            basic_auth: profile.auth == Some(hookwise::api::Auth::Basic),
            scheme,
            methods,
            groups,
            models: profile.schemas.iter().filter_map(|(name, schema)| model(profile, name, schema)).collect(),
            events: profile.events.iter().map(|e| e.name.clone()).collect(),
        }
    }
}
