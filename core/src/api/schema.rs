//! The JSON Schema subset a profile may use, read into a small model the engine and the generator
//! share. What is outside the subset is refused with its pointer.

use serde_json::Value;

use super::doc::Node;
use super::error::ProfileError;

/// What a value is.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Type {
    /// Any JSON value (no `type` given).
    Any,
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Only `null`.
    Null,
    /// A list of one item type.
    Array(Box<Schema>),
    /// An object.
    Object(Object),
    /// A named schema of `components.schemas`.
    Ref(String),
}

/// An object's properties, in document order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    /// The declared properties.
    pub properties: Vec<Property>,
    /// What other keys hold: `None` when `additionalProperties: false`, else their schema
    /// (`Any` when not said).
    pub additional: Option<Box<Schema>>,
}

/// One property of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The name on the wire.
    pub name: String,
    /// Whether the object always has it.
    pub required: bool,
    /// Its schema.
    pub schema: Schema,
}

/// A schema: a type plus what the generator shows (docs, enum values, defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// What the value is.
    pub ty: Type,
    /// Whether `null` is allowed too (`type: [T, "null"]`, or a `oneOf` with `{type: null}`).
    pub nullable: bool,
    /// The allowed values, when an `enum` (decoding keeps unknown ones: APIs add values).
    pub enum_values: Option<Vec<Value>>,
    /// The only value, when a `const`.
    pub const_value: Option<Value>,
    /// `description` (or `title`).
    pub description: Option<String>,
    /// `format` (`date-time`, `uri`, …): documentation only.
    pub format: Option<String>,
    /// `default`: documentation only (the server applies it).
    pub default: Option<Value>,
}

const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "format",
    "default",
    "example",
    "examples",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "readOnly",
    "writeOnly",
    "deprecated",
];

const STRUCTURE: &[&str] =
    &["type", "properties", "required", "items", "additionalProperties", "enum", "const", "$ref", "oneOf", "anyOf"];

impl Schema {
    /// A schema of `ty` with nothing else said.
    pub fn of(ty: Type) -> Schema {
        Schema {
            ty,
            nullable: false,
            enum_values: None,
            const_value: None,
            description: None,
            format: None,
            default: None,
        }
    }

    /// Reads the schema at `node`.
    pub(crate) fn parse(node: Node<'_>) -> Result<Schema, ProfileError> {
        node.only(&[STRUCTURE, ANNOTATIONS].concat())?;
        let mut schema = Schema::of(Type::Any);
        schema.description = match node.opt_str("description")? {
            Some(d) => Some(d),
            None => node.opt_str("title")?,
        };
        schema.format = node.opt_str("format")?;
        schema.default = node.get("default").map(|c| c.node().json()).transpose()?;
        schema.enum_values = node
            .get("enum")
            .map(|c| c.node().json())
            .transpose()?
            .map(|v| match v {
                Value::Array(items) => Ok(items),
                _ => Err(node.invalid("`enum` must be a list")),
            })
            .transpose()?;
        schema.const_value = node.get("const").map(|c| c.node().json()).transpose()?;

        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = node.get(key) {
                return nullable_union(node, &branches.node(), key, schema);
            }
        }
        if let Some(target) = node.get("$ref") {
            let target_node = target.node();
            let reference = target_node.str()?;
            let name = reference
                .strip_prefix("#/components/schemas/")
                .filter(|n| !n.is_empty() && !n.contains('/'))
                .ok_or_else(|| target_node.unsupported(format!("$ref {reference} (only #/components/schemas/NAME)")))?;
            schema.ty = Type::Ref(name.to_owned());
            return Ok(schema);
        }
        let (name, nullable) = match node.get("type") {
            None => (infer(&schema).to_owned(), false),
            Some(ty) => type_name(&ty.node())?,
        };
        schema.nullable = nullable;
        schema.ty = match name.as_str() {
            "any" => Type::Any,
            "string" => Type::String,
            "integer" => Type::Integer,
            "number" => Type::Number,
            "boolean" => Type::Boolean,
            "null" => Type::Null,
            "array" => {
                let items = match node.get("items") {
                    Some(items) => Schema::parse(items.node())?,
                    None => Schema::of(Type::Any),
                };
                Type::Array(Box::new(items))
            }
            "object" => Type::Object(object(node)?),
            other => return Err(node.unsupported(format!("type {other}"))),
        };
        if !matches!(schema.ty, Type::Object(_)) {
            for key in ["properties", "required", "additionalProperties"] {
                if let Some(child) = node.get(key) {
                    return Err(child.node().invalid(format!("`{key}` on a schema that is not an object")));
                }
            }
        }
        Ok(schema)
    }

    /// The properties, when the schema is an object.
    pub fn object(&self) -> Option<&Object> {
        match &self.ty {
            Type::Object(object) => Some(object),
            _ => None,
        }
    }

    /// Every `components.schemas` name the schema refers to, directly or inside.
    pub fn refs(&self) -> Vec<&str> {
        match &self.ty {
            Type::Ref(name) => vec![name.as_str()],
            Type::Array(items) => items.refs(),
            Type::Object(object) => object
                .properties
                .iter()
                .map(|p| &p.schema)
                .chain(object.additional.as_deref())
                .flat_map(Schema::refs)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// A schema with no `type`: its `enum` or `const` says what it is, else it is any value.
fn infer(schema: &Schema) -> &'static str {
    let sample = schema.const_value.as_ref().or_else(|| schema.enum_values.as_ref().and_then(|v| v.first()));
    match sample {
        Some(Value::String(_)) => "string",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => "integer",
        Some(Value::Number(_)) => "number",
        _ => "any",
    }
}

/// `type: T` or `type: [T, "null"]`.
fn type_name(node: &Node<'_>) -> Result<(String, bool), ProfileError> {
    if let Some(name) = node.value.as_str() {
        return Ok((name.to_owned(), false));
    }
    let names: Vec<&str> =
        node.value.as_sequence().map(|s| s.iter().filter_map(|v| v.as_str()).collect()).unwrap_or_default();
    match names.as_slice() {
        [one, "null"] | ["null", one] if *one != "null" => Ok(((*one).to_owned(), true)),
        [one] => Ok(((*one).to_owned(), false)),
        _ => Err(node.unsupported(format!("type {}", serde_json::to_string(node.value).unwrap_or_default()))),
    }
}

/// `oneOf`/`anyOf` of one schema and `{type: null}`: that schema, nullable.
fn nullable_union(node: Node<'_>, branches: &Node<'_>, key: &str, outer: Schema) -> Result<Schema, ProfileError> {
    let items = branches.items()?;
    let is_null = |n: &Node<'_>| n.value.get("type").and_then(|t| t.as_str()) == Some("null");
    let others: Vec<_> = items.iter().filter(|c| !is_null(&c.node())).collect();
    if items.len() != 2 || others.len() != 1 {
        return Err(node.unsupported(format!("{key} (only one schema and {{type: null}})")));
    }
    for sibling in ["type", "$ref", "properties", "items"] {
        if node.get(sibling).is_some() {
            return Err(node.unsupported(format!("{key} beside {sibling}")));
        }
    }
    let mut inner = Schema::parse(others[0].node())?;
    inner.nullable = true;
    inner.description = outer.description.or(inner.description);
    Ok(inner)
}

fn object(node: Node<'_>) -> Result<Object, ProfileError> {
    let required = match node.get("required") {
        Some(r) => r.node().strings()?,
        None => Vec::new(),
    };
    let mut properties = Vec::new();
    if let Some(props) = node.get("properties") {
        for (name, child) in props.node().entries()? {
            properties.push(Property {
                name: name.to_owned(),
                required: required.iter().any(|r| r == name),
                schema: Schema::parse(child.node())?,
            });
        }
    }
    if let Some(missing) = required.iter().find(|r| !properties.iter().any(|p| &p.name == *r)) {
        return Err(node.invalid(format!("`{missing}` is required but not among the properties")));
    }
    let additional = match node.get("additionalProperties") {
        None => Some(Box::new(Schema::of(Type::Any))),
        Some(child) => match child.value {
            serde_norway::Value::Bool(false) => None,
            serde_norway::Value::Bool(true) => Some(Box::new(Schema::of(Type::Any))),
            _ => Some(Box::new(Schema::parse(child.node())?)),
        },
    };
    Ok(Object { properties, additional })
}
