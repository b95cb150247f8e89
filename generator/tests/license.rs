//! The licence of `info.license` in each package manifest: an SPDX `identifier` in the SPDX field
//! of each (pyproject.toml, package.json, Cargo.toml, the pom's `<name>`); a `name` alone, with
//! its `url` if any, only in the pom, the one manifest that takes free text; no licence, nothing.
#![allow(clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

mod common;

use std::path::Path;

use common::text;

/// The manifests, under the folders `--lang all` writes.
const MANIFESTS: [&str; 4] = ["python/pyproject.toml", "node/package.json", "rust/Cargo.toml", "kotlin/pom.xml"];

/// The files of every language for a small profile with `license` (a YAML flow mapping) in its
/// `info`, or none.
fn generate(license: Option<&str>) -> Vec<hookwise_generate::File> {
    let license = license.map_or_else(String::new, |l| format!(", license: {l}"));
    let text = format!("openapi: 3.1.0\ninfo: {{title: Acme API, version: '1.2.0'{license}}}\nx-hookwise: {{name: acme}}\npaths: {{}}\n");
    hookwise_generate::generate(Path::new("acme.yaml"), &text, "all").unwrap()
}

/// The lines of `path` about the licence: the pom's whole `<licenses>` element, else every line
/// that names a licence, comments aside.
fn licence_lines<'a>(files: &'a [hookwise_generate::File], path: &str) -> Vec<&'a str> {
    let lines = text(files, path).lines();
    if path.ends_with("pom.xml") {
        let mut element: Vec<&str> = lines.skip_while(|l| l.trim() != "<licenses>").collect();
        let end = element.iter().position(|l| l.trim() == "</licenses>").map_or(0, |i| i + 1);
        element.truncate(end);
        return element;
    }
    lines.filter(|l| l.to_ascii_lowercase().contains("licen") && !l.starts_with('#')).collect()
}

/// Asserts the licence lines of each manifest, in the order of [`MANIFESTS`].
fn assert_licence(license: Option<&str>, expected: [&[&str]; 4]) {
    let files = generate(license);
    for (path, lines) in MANIFESTS.iter().zip(expected) {
        assert_eq!(licence_lines(&files, path), lines, "{path} for license {license:?}");
    }
    assert!(
        !text(&files, "swift/Package.swift").to_ascii_lowercase().contains("licen"),
        "SwiftPM has no licence field"
    );
    assert!(text(&files, "python/pyproject.toml").contains("requires = [\"setuptools>=77\"]\n"), "PEP 639 needs 77");
}

#[test]
fn an_spdx_identifier_goes_into_every_manifests_spdx_field() {
    assert_licence(
        Some("{name: Apache License 2.0, identifier: Apache-2.0}"),
        [
            &["license = \"Apache-2.0\""],
            &["  \"license\": \"Apache-2.0\","],
            &["license = \"Apache-2.0\""],
            &["  <licenses>", "    <license>", "      <name>Apache-2.0</name>", "    </license>", "  </licenses>"],
        ],
    );
    assert_licence(
        Some("{name: MIT or Apache, identifier: MIT OR Apache-2.0}"),
        [
            &["license = \"MIT OR Apache-2.0\""],
            &["  \"license\": \"MIT OR Apache-2.0\","],
            &["license = \"MIT OR Apache-2.0\""],
            &[
                "  <licenses>",
                "    <license>",
                "      <name>MIT OR Apache-2.0</name>",
                "    </license>",
                "  </licenses>",
            ],
        ],
    );
}

#[test]
fn a_name_and_url_go_only_into_the_pom_escaped() {
    assert_licence(
        Some("{name: 'Acme Terms & <Conditions>', url: 'https://example.com/terms?v=2&lang=en'}"),
        [
            &[],
            &[],
            &[],
            &[
                "  <licenses>",
                "    <license>",
                "      <name>Acme Terms &amp; &lt;Conditions&gt;</name>",
                "      <url>https://example.com/terms?v=2&amp;lang=en</url>",
                "    </license>",
                "  </licenses>",
            ],
        ],
    );
    assert_licence(
        Some("{name: Proprietary}"),
        [
            &[],
            &[],
            &[],
            &["  <licenses>", "    <license>", "      <name>Proprietary</name>", "    </license>", "  </licenses>"],
        ],
    );
}

#[test]
fn no_licence_writes_no_licence_field() {
    assert_licence(None, [&[], &[], &[], &[]]);
}
