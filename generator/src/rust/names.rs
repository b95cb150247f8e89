//! Rust names of a profile's things. Shared (by `#[path]`) with the conformance adapter that
//! calls the generated crates, so both sides name a method or a field the same way.

use heck::{ToSnakeCase as _, ToUpperCamelCase as _};

/// Rust's keywords (strict and reserved) that a raw identifier can stand for.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn", "else", "enum",
    "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move",
    "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// A field, argument or method name: snake case, a keyword as a raw identifier (`r#type`).
pub fn ident(name: &str) -> String {
    let snake = name.to_snake_case();
    if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// A type name: upper camel case (`JobList`, `RegisterWebhook` for an operation's options).
pub fn type_name(name: &str) -> String {
    name.to_upper_camel_case()
}

/// The method that fetches one page of a paginated operation, beside the method named `name`
/// that walks every item (`list_page` beside `list`).
pub fn page_method(name: &str) -> String {
    format!("{}_page", name.to_snake_case())
}

/// The crate's package name (`x-hookwise.crate.package`, else the profile's name) and the name
/// code uses for it (`hookwise_api` for `hookwise-api`).
pub fn krate(option: Option<&str>, sdk_name: &str) -> (String, String) {
    let package = option.map_or_else(|| sdk_name.to_snake_case(), str::to_owned);
    let lib = package.replace('-', "_");
    (package, lib)
}
