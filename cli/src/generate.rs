//! `hookwise generate PROFILE --lang python --out DIR`: a typed SDK from an API profile.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

/// `hookwise generate`
#[derive(Args)]
pub struct GenerateArgs {
    /// The profile (YAML or JSON).
    profile: PathBuf,
    /// The language: python, node, rust, swift, kotlin or all.
    #[arg(long)]
    lang: String,
    /// Where the package goes (created if missing).
    #[arg(long)]
    out: PathBuf,
}

/// Generates the SDK; prints each file written. Exit 1 and `CODE: message` on stderr otherwise.
pub fn run(args: &GenerateArgs) -> ExitCode {
    match hookwise_generate::write(&args.profile, &args.lang, &args.out) {
        Ok(files) => {
            for file in files {
                println!("{}", file.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
