//! `hookwise generate`: a profile becomes a language-neutral SDK model ([`model::Sdk`]), which
//! each language renders through its templates (minijinja) with its own naming (heck). The
//! generated code is typed calls into the language's hookwise package, which runs every request.

mod kotlin;
pub mod model;
mod node;
mod python;
mod rust;
mod swift;

use std::path::{Path, PathBuf};

use hookwise::api::Profile;

/// A generated file: its path inside the output directory and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Relative to the output directory.
    pub path: PathBuf,
    /// The contents.
    pub text: String,
}

impl File {
    fn new(path: impl Into<PathBuf>, text: String) -> File {
        File { path: path.into(), text }
    }
}

/// Why generation failed.
#[derive(Debug)]
pub enum Error {
    /// The profile cannot be used.
    Profile(hookwise::api::ProfileError),
    /// A template failed to render (a bug in the generator).
    Template(minijinja::Error),
    /// The language is not (yet) generated.
    Language(String),
    /// Writing the output failed.
    Io(std::io::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Profile(e) => write!(f, "{}: {e}", e.code()),
            Error::Template(e) => write!(f, "template: {e:#}"),
            Error::Language(lang) => {
                write!(f, "unsupported_language: {lang} (one of {}, or all)", LANGUAGES.join(", "))
            }
            Error::Io(e) => write!(f, "io_error: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Renders one template with the shared filters: `pystr` (a double-quoted string literal, JSON's,
/// which Python, JavaScript and TOML read alike), `xml` (text escaped for an XML element) and
/// `wordwrap`.
fn render(template: &str, context: &minijinja::Value) -> Result<String, Error> {
    let mut env = minijinja::Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.add_filter("pystr", |v: String| serde_json::to_string(&v).unwrap_or_default());
    env.add_filter("xml", |v: String| v.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"));
    env.add_filter("wordwrap", |text: String, width: usize| wrap(&text, width));
    let out = env.render_str(template, context).map_err(Error::Template)?;
    Ok(out)
}

/// Greedy word wrap that keeps paragraph breaks.
fn wrap(text: &str, width: usize) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            let mut lines = vec![String::new()];
            for word in paragraph.split_whitespace() {
                let line = lines.last_mut().map_or(0, |l| l.len());
                if line > 0 && line + 1 + word.len() > width {
                    lines.push(String::new());
                }
                if let Some(last) = lines.last_mut() {
                    if !last.is_empty() {
                        last.push(' ');
                    }
                    last.push_str(word);
                }
            }
            lines.join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The languages `hookwise generate` writes; `all` writes each into a folder of its name.
pub const LANGUAGES: &[&str] = &["python", "node", "rust", "swift", "kotlin"];

/// What a language module gets: the model, the profile's options for that language
/// (`x-hookwise.<lang>`), the profile's file name (for the generated-file header) and its text
/// (shipped with the package).
pub(crate) struct Input<'a> {
    /// The SDK model.
    pub sdk: &'a model::Sdk,
    /// `x-hookwise.<lang>` (`npm` for node, `crate` for rust; `Null` when absent).
    pub options: &'a serde_json::Value,
    /// `auggie.yaml`.
    pub profile_file: &'a str,
    /// The profile's text.
    pub profile_text: &'a str,
}

impl Input<'_> {
    /// A string option of `x-hookwise.<lang>`.
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options.get(key).and_then(|v| v.as_str())
    }
}

/// The files of `lang`'s SDK for the profile at `path` (text `text`); for `all`, every
/// language's under a folder of its name.
///
/// # Errors
/// An invalid profile, an unknown language, a template error.
pub fn generate(path: &Path, text: &str, lang: &str) -> Result<Vec<File>, Error> {
    let profile = Profile::from_text(text).map_err(Error::Profile)?;
    let sdk = model::Sdk::of(&profile);
    let name = path.file_name().map_or_else(|| "profile".to_owned(), |n| n.to_string_lossy().into_owned());
    let one = |lang: &str| {
        // The profile names a language's options by its package system (profiles/README.md).
        let key = match lang {
            "node" => "npm",
            "rust" => "crate",
            other => other,
        };
        let options = profile.extension.get(key).cloned().unwrap_or_default();
        let input = Input { sdk: &sdk, options: &options, profile_file: &name, profile_text: text };
        match lang {
            "python" => python::files(&input),
            "node" => node::files(&input),
            "rust" => rust::files(&input),
            "swift" => swift::files(&input),
            "kotlin" => kotlin::files(&input),
            other => Err(Error::Language(other.to_owned())),
        }
    };
    if lang != "all" {
        return one(lang);
    }
    let mut files = Vec::new();
    for lang in LANGUAGES {
        files.extend(one(lang)?.into_iter().map(|f| File::new(Path::new(lang).join(f.path), f.text)));
    }
    Ok(files)
}

/// Generates and writes the files under `out`; returns their paths.
///
/// # Errors
/// As [`generate`], and I/O errors.
pub fn write(path: &Path, lang: &str, out: &Path) -> Result<Vec<PathBuf>, Error> {
    let text = std::fs::read_to_string(path).map_err(Error::Io)?;
    let files = generate(path, &text, lang)?;
    files
        .into_iter()
        .map(|file| {
            let target = out.join(&file.path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(Error::Io)?;
            }
            std::fs::write(&target, file.text).map_err(Error::Io)?;
            Ok(target)
        })
        .collect::<Result<Vec<_>, Error>>()
        .inspect(|_| format(lang, out))
}

/// Runs the language's formatter over `out` where this machine has one (`ruff format` for
/// Python, `rustfmt` for Rust, `prettier` for Node). The templates already emit formatted code,
/// so this changes nothing the freshness check sees; it is there for output of profiles the
/// templates lay out less well.
fn format(lang: &str, out: &Path) {
    match lang {
        "all" => LANGUAGES.iter().for_each(|lang| format(lang, &out.join(lang))),
        // 120 columns, as the generated pyproject.toml says; the builtin client (hookwise's own,
        // which has no pyproject.toml of its own) too.
        "python" => run_formatter("ruff", &["format", "--quiet", "--line-length", "120"], out),
        "node" => node::format(out),
        "rust" => rust::format(out),
        _ => {}
    }
}

/// Runs `program args… out`, quietly; a formatter that is not installed is skipped.
pub(crate) fn run_formatter(program: &str, args: &[&str], out: &Path) {
    let _ = std::process::Command::new(program)
        .args(args)
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}
