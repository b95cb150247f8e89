//! Walking a profile document: a YAML node with its JSON pointer, so every refusal names where.

use serde_norway::Value as Yaml;

use super::error::ProfileError;

/// A node of the document and the JSON pointer that reaches it (`#/paths/~1v1~1jobs/post`).
#[derive(Clone, Copy)]
pub(crate) struct Node<'a> {
    pub(crate) value: &'a Yaml,
    pub(crate) pointer: &'a str,
}

/// An owned pointer for a child node, built once per step of the walk.
pub(crate) struct Child<'a> {
    pub(crate) value: &'a Yaml,
    pub(crate) pointer: String,
}

impl Child<'_> {
    pub(crate) fn node(&self) -> Node<'_> {
        Node { value: self.value, pointer: &self.pointer }
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl<'a> Node<'a> {
    pub(crate) fn invalid(&self, message: impl std::fmt::Display) -> ProfileError {
        ProfileError::invalid(self.pointer, message)
    }

    pub(crate) fn unsupported(&self, construct: impl std::fmt::Display) -> ProfileError {
        ProfileError::unsupported(self.pointer, construct)
    }

    /// The entries of a mapping (keys must be strings), in document order.
    pub(crate) fn entries(&self) -> Result<Vec<(&'a str, Child<'a>)>, ProfileError> {
        let Yaml::Mapping(map) = self.value else {
            return Err(self.invalid("expected a mapping"));
        };
        map.iter()
            .map(|(k, v)| {
                let key = k.as_str().ok_or_else(|| self.invalid("a key is not a string"))?;
                Ok((key, Child { value: v, pointer: format!("{}/{}", self.pointer, escape(key)) }))
            })
            .collect()
    }

    /// The items of a sequence, in order.
    pub(crate) fn items(&self) -> Result<Vec<Child<'a>>, ProfileError> {
        let Yaml::Sequence(items) = self.value else {
            return Err(self.invalid("expected a list"));
        };
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, v)| Child { value: v, pointer: format!("{}/{i}", self.pointer) })
            .collect())
    }

    /// The child at `key`, if the node is a mapping that has it.
    pub(crate) fn get(&self, key: &str) -> Option<Child<'a>> {
        self.value.get(key).map(|v| Child { value: v, pointer: format!("{}/{}", self.pointer, escape(key)) })
    }

    /// The child at `key`, which must be there.
    pub(crate) fn require(&self, key: &str) -> Result<Child<'a>, ProfileError> {
        self.get(key).ok_or_else(|| self.invalid(format!("`{key}` is required")))
    }

    pub(crate) fn str(&self) -> Result<&'a str, ProfileError> {
        self.value.as_str().ok_or_else(|| self.invalid("expected a string"))
    }

    pub(crate) fn bool(&self) -> Result<bool, ProfileError> {
        self.value.as_bool().ok_or_else(|| self.invalid("expected true or false"))
    }

    /// A list of strings.
    pub(crate) fn strings(&self) -> Result<Vec<String>, ProfileError> {
        self.items()?.iter().map(|item| item.node().str().map(str::to_owned)).collect()
    }

    /// The optional string at `key`.
    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<String>, ProfileError> {
        self.get(key).map(|c| c.node().str().map(str::to_owned)).transpose()
    }

    /// The node as JSON (examples, defaults, enum values, inline schemes).
    pub(crate) fn json(&self) -> Result<serde_json::Value, ProfileError> {
        serde_json::to_value(self.value).map_err(|e| self.invalid(format!("cannot be read as JSON: {e}")))
    }

    /// Refuses any key not in `allowed`; `x-` extensions of other tools are ignored, but an
    /// unknown `x-hookwise` one is refused (a typo must not be silently ignored).
    pub(crate) fn only(&self, allowed: &[&str]) -> Result<(), ProfileError> {
        for (key, child) in self.entries()? {
            let ours = key.starts_with("x-hookwise");
            if allowed.contains(&key) || (key.starts_with("x-") && !ours) {
                continue;
            }
            return Err(child.node().unsupported(key));
        }
        Ok(())
    }
}
