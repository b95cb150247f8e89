//! The one pattern matcher of the conformance suite (`contracts/README.md`, *Patterns*): every
//! language's results are judged here, so `$len` and friends mean the same thing everywhere.

use std::collections::HashMap;

use serde_json::Value;

/// Values remembered by `$same` within one case.
#[derive(Debug, Default)]
pub struct Matcher {
    same: HashMap<String, Value>,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// An object whose keys are all operators (`{"$in": […]}`).
fn operators(pattern: &Value) -> Option<&serde_json::Map<String, Value>> {
    pattern.as_object().filter(|ops| !ops.is_empty() && ops.keys().all(|k| k.starts_with('$')))
}

impl Matcher {
    /// A matcher with nothing remembered.
    pub fn new() -> Matcher {
        Matcher::default()
    }

    /// Lenient: objects match when every key of the pattern matches (absent keys are `null`).
    ///
    /// # Errors
    /// Where (`at`) and why the value does not match.
    pub fn matches(&mut self, pattern: &Value, actual: Option<&Value>, at: &str) -> Result<(), String> {
        self.check(pattern, actual, at, false)
    }

    /// Exact: objects must have the same keys (a request body may not carry extra keys or nulls).
    ///
    /// # Errors
    /// Where (`at`) and why the value does not match.
    pub fn matches_exact(&mut self, pattern: &Value, actual: Option<&Value>, at: &str) -> Result<(), String> {
        self.check(pattern, actual, at, true)
    }

    fn check(&mut self, pattern: &Value, actual: Option<&Value>, at: &str, exact: bool) -> Result<(), String> {
        if let Some(ops) = operators(pattern) {
            for (op, arg) in ops {
                self.operator(op, arg, actual, at)?;
            }
            return Ok(());
        }
        let shown = actual.map_or_else(|| "nothing".to_owned(), Value::to_string);
        match (pattern, actual.unwrap_or(&Value::Null)) {
            (Value::Object(p), Value::Object(a)) => {
                if exact {
                    if let Some(extra) = a.keys().find(|k| !p.contains_key(*k)) {
                        return Err(format!("{at}: unexpected key {extra:?} in {shown}"));
                    }
                }
                for (k, pv) in p {
                    let child = a.get(k);
                    if exact && child.is_none() && operators(pv).is_none() {
                        return Err(format!("{at}: key {k:?} missing in {shown}"));
                    }
                    self.check(pv, child, &format!("{at}.{k}"), exact)?;
                }
                Ok(())
            }
            (Value::Array(p), Value::Array(a)) => {
                if p.len() != a.len() {
                    return Err(format!("{at}: expected {} items, got {}: {shown}", p.len(), a.len()));
                }
                p.iter()
                    .zip(a)
                    .enumerate()
                    .try_for_each(|(i, (pv, av))| self.check(pv, Some(av), &format!("{at}[{i}]"), exact))
            }
            (p, a) if p == a && (actual.is_some() || !exact) => Ok(()),
            (p, _) => Err(format!("{at}: expected {p}, got {shown}")),
        }
    }

    fn operator(&mut self, op: &str, arg: &Value, actual: Option<&Value>, at: &str) -> Result<(), String> {
        let value = actual.unwrap_or(&Value::Null);
        let ok = match op {
            "$in" => arg.as_array().is_some_and(|options| options.contains(value)),
            "$ne" => arg != value,
            "$type" => actual.is_some() && arg.as_str() == Some(type_name(value)),
            "$len" => {
                let len = value.as_array().map(Vec::len).or_else(|| value.as_str().map(|s| s.chars().count()));
                len.is_some() && len == arg.as_u64().and_then(|n| usize::try_from(n).ok())
            }
            "$startswith" => value.as_str().zip(arg.as_str()).is_some_and(|(a, p)| a.starts_with(p)),
            "$last" => value.as_array().and_then(|a| a.last()) == Some(arg),
            "$absent" => value.is_null() == arg.as_bool().unwrap_or(true),
            "$regex" => {
                let re = regex::Regex::new(arg.as_str().unwrap_or_default())
                    .map_err(|e| format!("{at}: bad $regex: {e}"))?;
                value.as_str().is_some_and(|s| re.is_match(s))
            }
            "$same" => {
                let name = arg.as_str().unwrap_or_default().to_owned();
                if let Some(first) = self.same.get(&name) {
                    first == value
                } else {
                    self.same.insert(name, value.clone());
                    actual.is_some()
                }
            }
            other => return Err(format!("{at}: unknown operator {other}")),
        };
        if ok {
            Ok(())
        } else {
            let shown = actual.map_or_else(|| "nothing".to_owned(), Value::to_string);
            Err(format!("{at}: {shown} does not satisfy {op} {arg}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operators_and_exactness() {
        let mut m = Matcher::new();
        assert!(m.matches(&json!({"a": 1}), Some(&json!({"a": 1, "b": 2})), "$").is_ok());
        assert!(m.matches_exact(&json!({"a": 1}), Some(&json!({"a": 1, "b": null})), "$").is_err());
        assert!(m.matches(&json!({"$len": 2}), Some(&json!("é€")), "$").is_ok(), "code points, not bytes");
        assert!(m.matches(&json!({"$same": "k"}), Some(&json!("x")), "$").is_ok());
        assert!(m.matches(&json!({"$same": "k"}), Some(&json!("y")), "$").is_err());
        assert!(m.matches(&json!({"$absent": true}), None, "$").is_ok());
        assert!(m.matches(&json!({"$regex": "^trc_[0-9A-Z]+$"}), Some(&json!("trc_01AB")), "$").is_ok());
        assert!(m.matches(&json!({"$regex": "^idk_[0-9a-f]+$"}), Some(&json!("idk_x")), "$").is_err());
        assert!(m.matches_exact(&json!({"a": {"$type": "string"}}), Some(&json!({})), "$").is_err());
    }
}
