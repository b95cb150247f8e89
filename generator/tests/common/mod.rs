//! What the generator's tests share: the profiles, generating one, and the freshness check of
//! committed generated files.
#![allow(dead_code, clippy::unwrap_used)] // Each test binary uses part of it; a panic reports a failure.

use std::path::{Path, PathBuf};

/// The six profiles in `profiles/`.
pub const PROFILES: [&str; 6] = ["hookwise", "argus", "gabinete360", "argyle", "auggie", "asg"];

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `profiles/<name>.yaml`: its path and text.
pub fn profile(name: &str) -> (PathBuf, String) {
    let path = root().join("profiles").join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

/// The files `hookwise generate profiles/<name>.yaml --lang <lang>` makes.
pub fn generate(name: &str, lang: &str) -> Vec<hookwise_generate::File> {
    let (path, text) = profile(name);
    hookwise_generate::generate(&path, &text, lang).unwrap()
}

/// The text of the generated file at `path`.
pub fn text<'a>(files: &'a [hookwise_generate::File], path: &str) -> &'a str {
    &files.iter().find(|f| f.path == Path::new(path)).unwrap_or_else(|| panic!("no {path}")).text
}

/// How many files are below `dir`.
pub fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { files_under(&p) } else { 1 })
        .sum()
}

/// Asserts that every file of `lang`'s SDK for `name` whose path `keep` accepts is committed as
/// made under `dir` (relative to the root); returns how many were checked.
pub fn assert_fresh(name: &str, lang: &str, dir: &str, keep: impl Fn(&Path) -> bool) -> usize {
    let committed = root().join(dir);
    let files = generate(name, lang);
    let kept: Vec<_> = files.iter().filter(|f| keep(&f.path)).collect();
    for file in &kept {
        let on_disk = std::fs::read_to_string(committed.join(&file.path)).unwrap_or_default();
        assert!(
            on_disk == file.text,
            "{dir}/{} is stale: run `hookwise generate profiles/{name}.yaml --lang {lang}` into {dir}",
            file.path.display()
        );
    }
    kept.len()
}
