//! `hookwise profile check FILE`: validate a profile and list its operations and arguments.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use heck::{ToLowerCamelCase as _, ToSnakeCase as _};
use hookwise::api::{Arg, Auth, Operation, Profile, Schema, Type};

/// `hookwise profile`
#[derive(Args)]
pub struct ProfileArgs {
    #[command(subcommand)]
    command: ProfileCommand,
}

#[derive(Subcommand)]
enum ProfileCommand {
    /// Validate a profile (OpenAPI 3.1 + x-hookwise) and print its operations and arguments.
    Check {
        /// The profile (YAML or JSON).
        file: std::path::PathBuf,
    },
}

/// Runs `hookwise profile …`. Exit 1 and `CODE: message` on stderr for a profile that cannot be used.
pub fn run(args: &ProfileArgs) -> std::io::Result<ExitCode> {
    let ProfileCommand::Check { file } = &args.command;
    let text = std::fs::read_to_string(file)?;
    match Profile::from_text(&text) {
        Ok(profile) => {
            print!("{}", describe(&profile));
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}: {}: {e}", e.code(), file.display());
            Ok(ExitCode::from(1))
        }
    }
}

fn type_label(schema: &Schema) -> String {
    let base = match &schema.ty {
        Type::Any => "any".to_owned(),
        Type::String => "string".to_owned(),
        Type::Integer => "integer".to_owned(),
        Type::Number => "number".to_owned(),
        Type::Boolean => "boolean".to_owned(),
        Type::Null => "null".to_owned(),
        Type::Array(items) => format!("{}[]", type_label(items)),
        Type::Object(_) => "object".to_owned(),
        Type::Ref(name) => name.clone(),
        _ => "unknown".to_owned(),
    };
    let base = match &schema.enum_values {
        Some(values) => format!("{base} ({})", values.iter().map(ToString::to_string).collect::<Vec<_>>().join(" | ")),
        None => base,
    };
    if schema.nullable {
        format!("{base} | null")
    } else {
        base
    }
}

fn argument(arg: &Arg) -> String {
    let place = arg.location.as_str();
    let required = if arg.required { ", required" } else { "" };
    format!("      {}: {} ({place}{required})\n", arg.name, type_label(&arg.schema))
}

fn operation(op: &Operation) -> String {
    let mut traits = Vec::new();
    if let Some(header) = &op.idempotency_header {
        traits.push(format!("idempotent ({header})"));
    }
    if let Some(p) = &op.pagination {
        traits.push(format!("paginates ({} → {})", p.cursor_param, p.next_cursor));
    }
    if let Some(w) = &op.wait {
        traits.push(format!("waitable until {}", w.terminal.join(" | ")));
    }
    if !op.authenticated {
        traits.push("no credentials".to_owned());
    }
    let traits = if traits.is_empty() { String::new() } else { format!("  [{}]", traits.join(", ")) };
    // The SDK method: `x-hookwise-name` (`jobs.create`), else the operation id.
    let name = op.sdk_name.as_deref().unwrap_or(&op.id);
    let cased = |case: fn(&str) -> String| name.split('.').map(case).collect::<Vec<_>>().join(".");
    let mut out = format!(
        "  {}  {} {}{traits}\n    python: client.{}  node: client.{}\n",
        op.id,
        op.method.as_str(),
        op.path,
        cased(str::to_snake_case),
        cased(str::to_lower_camel_case)
    );
    out.extend(op.args.iter().map(argument));
    out
}

fn describe(profile: &Profile) -> String {
    let auth = match &profile.auth {
        None => "no auth".to_owned(),
        Some(Auth::Bearer) => format!("bearer ({}_API_KEY)", profile.env_prefix()),
        Some(Auth::Basic) => format!("basic ({0}_USERNAME, {0}_PASSWORD)", profile.env_prefix()),
        Some(Auth::Header(h)) => format!("API key in {h} ({}_API_KEY)", profile.env_prefix()),
        Some(other) => format!("{other:?}"),
    };
    let mut out = format!(
        "{} — {} {}\n  base URL: {} (or {}_BASE_URL)\n  auth: {auth}\n",
        profile.name,
        profile.title,
        profile.version,
        profile.server.as_deref().unwrap_or("none"),
        profile.env_prefix()
    );
    if let Some(scheme) = &profile.scheme {
        let _ = writeln!(out, "  webhooks signed with: {} ({})", scheme.name, scheme.signature_header);
    }
    let _ = writeln!(out, "operations ({}):", profile.operations.len());
    out.extend(profile.operations.iter().map(operation));
    if !profile.events.is_empty() {
        let names: Vec<&str> = profile.events.iter().map(|e| e.name.as_str()).collect();
        let _ = writeln!(out, "events ({}): {}", names.len(), names.join(", "));
    }
    out
}
