//! `hookwise`: verify, sign and canonicalize webhooks; run the reference server; drive jobs.
//!
//! Contract (scripts rely on it): success exits 0; a verification failure exits 1 with
//! `CODE: message` as the first line of stderr, CODE being one of the nine stable codes; a usage
//! error exits 2.

mod generate;
mod jobs;
mod listen;
mod profile;
mod secret;
mod serve;
mod webhook;
mod webhooks;

use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "hookwise", version, about = "Verify, sign and canonicalize webhooks from every provider.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify a webhook read from stdin; print the normalized event as JSON.
    Verify(webhook::VerifyArgs),
    /// Sign a body read from stdin; print the headers, one `Name: value` a line.
    Sign(webhook::SignArgs),
    /// Print the canonical form of the JSON on stdin (CPython's sorted, compact `json.dumps`).
    Canonicalize,
    /// List the presets and what each expects.
    Presets(webhook::PresetsArgs),
    /// Run the reference API server (jobs, webhook endpoints, signed deliveries).
    Serve(serve::ServeArgs),
    /// A local receiver that verifies and pretty-prints each delivery.
    Listen(listen::ListenArgs),
    /// Send a signed test event to a URL.
    Trigger(listen::TriggerArgs),
    /// Create, inspect, list and wait for jobs on a hookwise API.
    Jobs(jobs::JobsArgs),
    /// Register, list, inspect and delete webhook endpoints on a hookwise API.
    Webhooks(webhooks::WebhooksArgs),
    /// Validate an API profile and list its operations.
    Profile(profile::ProfileArgs),
    /// Generate a typed SDK from an API profile.
    Generate(generate::GenerateArgs),
    /// Print a shell completion script (e.g. `hookwise completions bash > ~/.local/share/bash-completion/completions/hookwise`).
    Completions {
        /// The shell: bash, elvish, fish, powershell or zsh.
        shell: clap_complete::Shell,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Verify(args) => webhook::verify(&args),
        Command::Sign(args) => webhook::sign(&args),
        Command::Canonicalize => webhook::canonicalize(),
        Command::Presets(args) => webhook::list_presets(&args),
        Command::Serve(args) => serve::run(args),
        Command::Listen(args) => listen::listen(args),
        Command::Trigger(args) => listen::trigger(args),
        Command::Jobs(args) => jobs::run(args),
        Command::Webhooks(args) => webhooks::run(args),
        Command::Profile(args) => profile::run(&args),
        Command::Generate(args) => Ok(generate::run(&args)),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "hookwise", &mut std::io::stdout().lock());
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("io_error: {e}");
            ExitCode::from(2)
        }
    }
}
