//! `verify`, `sign`, `canonicalize`, `presets`: the webhook commands.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::process::ExitCode;

use clap::Args;
use hookwise::webhook::{presets, ErrorKind, Scheme, SignatureFormat, SignedContent};
use hookwise::{Error, Webhook};

use crate::secret;

/// `hookwise verify`
#[derive(Args)]
pub struct VerifyArgs {
    /// A preset name, or a scheme description in a JSON file.
    #[arg(long)]
    scheme: String,
    /// A secret, or `@PATH` to read it from a file (repeat for rotation: any one may verify).
    #[arg(long = "secret", env = "HOOKWISE_SECRET", hide_env_values = true, value_parser = secret::value)]
    secrets: Vec<String>,
    /// A request header, `Name: value` (repeatable).
    #[arg(long = "header", value_parser = parse_header)]
    headers: Vec<(String, String)>,
    /// The current time in unix seconds (default: the clock).
    #[arg(long)]
    now: Option<i64>,
    /// The replay window in seconds (default: the scheme's).
    #[arg(long)]
    tolerance: Option<u64>,
}

/// `hookwise sign`
#[derive(Args)]
pub struct SignArgs {
    /// A preset name, or a scheme description in a JSON file.
    #[arg(long)]
    scheme: String,
    /// The secret, or `@PATH` to read it from a file (repeat to sign with several, where the
    /// format carries several).
    #[arg(long = "secret", env = "HOOKWISE_SECRET", hide_env_values = true, required = true, value_parser = secret::value)]
    secrets: Vec<String>,
    /// The message id (default: a random `msg_…`), for schemes that sign one.
    #[arg(long)]
    id: Option<String>,
    /// The timestamp in unix seconds (default: now), for schemes that sign one.
    #[arg(long)]
    timestamp: Option<i64>,
}

/// `hookwise presets`
#[derive(Args)]
pub struct PresetsArgs {
    /// Print the presets as scheme JSON (the format of a custom scheme file).
    #[arg(long)]
    json: bool,
}

/// `Name: value` → the pair; whitespace after the colon is syntax, not value.
pub fn parse_header(s: &str) -> Result<(String, String), String> {
    let (name, value) = s.split_once(':').ok_or_else(|| format!("expected 'Name: value', got {s:?}"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("empty header name in {s:?}"));
    }
    Ok((name.to_owned(), value.trim_start_matches([' ', '\t']).to_owned()))
}

/// A preset name or a scheme JSON file.
pub fn load_scheme(arg: &str) -> Result<Scheme, Error> {
    let path = std::path::Path::new(arg);
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) || path.is_file() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::new(ErrorKind::UnknownScheme, format!("cannot read scheme file {arg}: {e}")))?;
        Scheme::from_json(&text)
    } else {
        hookwise::webhook::preset(arg).cloned()
    }
}

fn stdin_bytes() -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    std::io::stdin().read_to_end(&mut body)?;
    Ok(body)
}

/// Prints `CODE: message` and exits 1: the contract scripts rely on.
pub fn fail(err: &Error) -> ExitCode {
    eprintln!("{}: {}", err.code(), err.message());
    ExitCode::from(1)
}

/// `hookwise verify`
pub fn verify(args: &VerifyArgs) -> std::io::Result<ExitCode> {
    let body = stdin_bytes()?;
    let result = load_scheme(&args.scheme).and_then(|s| Webhook::new(s, &args.secrets)).and_then(|hook| {
        let hook = match args.tolerance {
            Some(t) => hook.with_tolerance(t),
            None => hook,
        };
        hook.verify_at(&body, &args.headers, args.now)
    });
    match result {
        Ok(event) => {
            writeln!(std::io::stdout().lock(), "{}", event.to_json())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(fail(&e)),
    }
}

/// `hookwise sign`
pub fn sign(args: &SignArgs) -> std::io::Result<ExitCode> {
    let body = stdin_bytes()?;
    let signed = load_scheme(&args.scheme)
        .and_then(|s| Webhook::new(s, &args.secrets))
        .and_then(|h| h.sign(&body, args.id.as_deref(), args.timestamp));
    match signed {
        Ok(headers) => {
            let mut out = std::io::stdout().lock();
            for (name, value) in headers {
                writeln!(out, "{name}: {value}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(fail(&e)),
    }
}

/// `hookwise canonicalize`: the bytes, no trailing newline.
pub fn canonicalize() -> std::io::Result<ExitCode> {
    match hookwise::canonicalize(&stdin_bytes()?) {
        Ok(bytes) => {
            std::io::stdout().lock().write_all(&bytes)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("invalid_json: the input is not valid JSON: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

fn describe(s: &Scheme) -> String {
    let format = match s.signature_format {
        SignatureFormat::Hex => "hex".to_owned(),
        SignatureFormat::Base64 => "base64".to_owned(),
        SignatureFormat::Prefixed => format!("{}<hex>", s.signature_prefix.as_deref().unwrap_or_default()),
        SignatureFormat::Stripe => "t=<unix>,v1=<hex>".to_owned(),
        SignatureFormat::Standard => "v1,<base64> …".to_owned(),
        other => serde_json::to_value(other).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
    };
    let content = match &s.signed_content {
        SignedContent::Raw => "raw body".to_owned(),
        SignedContent::CanonicalJson => "canonical JSON".to_owned(),
        other => String::from(other.clone()),
    };
    let mut headers = vec![s.signature_header.clone()];
    headers.extend(s.id_header.clone());
    headers.extend(s.timestamp_header.clone());
    let algorithm =
        serde_json::to_value(s.algorithm).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let mut line = format!("{:<12} {:<50} {:<20} {:<24} {algorithm}", s.name, headers.join(", "), format, content);
    if s.has_timestamp() {
        let direction = if s.reject_future { "±" } else { "past " };
        let _ = write!(line, ", tolerance {direction}{} s", s.tolerance_seconds);
    }
    line
}

/// `hookwise presets`
pub fn list_presets(args: &PresetsArgs) -> std::io::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if args.json {
        let text = serde_json::to_string_pretty(presets()).map_err(std::io::Error::other)?;
        writeln!(out, "{text}")?;
    } else {
        writeln!(out, "{:<12} {:<50} {:<20} {:<24} algorithm", "preset", "headers", "signature", "signed content")?;
        for s in presets() {
            writeln!(out, "{}", describe(s))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
