//! Swift: Swift's types over the camelCase view of [`crate::kotlin`], and the package files
//! (`Package.swift`; under `Sources/<Module>/` the `Client` with `async` methods, the bound
//! `Webhook`, the `Codable` models in the `Types` namespace, and the profile as a resource), over
//! the runtime every package shares: the `HookwiseSdk` product of the hookwise Swift package
//! (`bindings-swift/Sources/HookwiseSdk`: `JSONValue`, the arguments, the engine wrapper).

use heck::ToUpperCamelCase as _;

use crate::kotlin::{scheme_label, views, Dialect};
use crate::model::TypeRef;
use crate::{render, Error, File, Input};

const PACKAGE: &str = include_str!("../templates/swift/Package.swift.j2");
const CLIENT: &str = include_str!("../templates/swift/Client.swift.j2");
const WEBHOOK: &str = include_str!("../templates/swift/Webhook.swift.j2");
const MODEL: &str = include_str!("../templates/swift/Model.swift.j2");

/// Swift's keywords (declarations, statements, expressions): such a name is written in backticks.
const KEYWORDS: &str = "Any Self as associatedtype break case catch class continue default defer deinit do else enum \
    extension fallthrough false fileprivate for func guard if import in init inout internal is let nil open operator \
    private protocol public repeat rethrows return self static struct subscript super switch throw throws true try \
    typealias var where while";

/// The Swift name of a type (models in the `Types` namespace, apart from the SDK's own names).
fn swift_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Any => "JSONValue".to_owned(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Integer => "Int".to_owned(),
        TypeRef::Number => "Double".to_owned(),
        TypeRef::Boolean => "Bool".to_owned(),
        TypeRef::List { item } => format!("[{}]", swift_type(item)),
        TypeRef::Map { value } => format!("[String: {}]", swift_type(value)),
        TypeRef::Object => "[String: JSONValue]".to_owned(),
        TypeRef::Model { name } => format!("Types.{}", name.to_upper_camel_case()),
    }
}

const SWIFT: Dialect = Dialect { keywords: KEYWORDS, type_name: swift_type };

/// The package files.
///
/// # Errors
/// A template that cannot be rendered.
pub(crate) fn files(input: &Input<'_>) -> Result<Vec<File>, Error> {
    let Input { sdk, profile_file, profile_text, .. } = *input;
    let module = input.option("package").map_or_else(|| sdk.name.to_upper_camel_case(), str::to_owned);
    let client = input.option("client").unwrap_or("Client").to_owned();
    let dir = format!("Sources/{module}");
    let (methods, groups, models) = views(&SWIFT, sdk);
    let context = minijinja::context! {
        sdk => sdk,
        module => module,
        client => client,
        profile_file => profile_file,
        scheme_label => scheme_label(sdk),
        methods => methods,
        groups => groups,
        version => env!("CARGO_PKG_VERSION"),
        repository => env!("CARGO_PKG_REPOSITORY"),
    };
    let mut files = vec![
        File::new("Package.swift", render(PACKAGE, &context)?),
        File::new(format!("{dir}/{client}.swift"), render(CLIENT, &context)?),
        File::new(format!("{dir}/profile.yaml"), profile_text.to_owned()),
    ];
    if sdk.scheme.is_some() {
        files.push(File::new(format!("{dir}/Webhook.swift"), render(WEBHOOK, &context)?));
    }
    for model in &models {
        let context = minijinja::context! { profile_file => profile_file, model => model };
        files.push(File::new(format!("{dir}/Types/{}.swift", model.name()), render(MODEL, &context)?));
    }
    Ok(files)
}
