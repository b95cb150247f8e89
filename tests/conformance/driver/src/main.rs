//! `hookwise-conformance --lang LANG -- COMMAND ARGS…`: plays every contract case through a
//! language's adapter process (JSON lines on its stdin and stdout, `contracts/README.md`) and
//! prints one line per case, then `N passed, M failed`. Exits 1 if any case failed.

use std::collections::BTreeMap;
use std::process::{ExitCode, Stdio};
use std::time::Duration;

use hookwise_conformance::scenario::{self, StepCall};
use hookwise_conformance::{contract, run_all, Adapter, Answer, Call, Report};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// One adapter process.
struct Process {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl Process {
    fn spawn(command: &[String], env: &BTreeMap<String, String>) -> Result<Process, String> {
        let (program, args) = command.split_first().ok_or("no adapter command after --")?;
        let mut child = Command::new(program)
            .args(args)
            .envs(env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {program}: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
        Ok(Process { child, stdin, stdout })
    }

    async fn ask(&mut self, call: &impl serde::Serialize) -> Result<Answer, String> {
        let mut line = serde_json::to_string(call).map_err(|e| e.to_string())?;
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).await.map_err(|e| format!("the adapter's stdin: {e}"))?;
        self.stdin.flush().await.map_err(|e| format!("the adapter's stdin: {e}"))?;
        let reply = tokio::time::timeout(Duration::from_secs(60), self.stdout.next_line())
            .await
            .map_err(|_| "the adapter gave no answer within 60 s".to_owned())?
            .map_err(|e| format!("the adapter's stdout: {e}"))?
            .ok_or("the adapter exited")?;
        serde_json::from_str(&reply).map_err(|e| format!("the adapter's answer is not an answer ({e}): {reply}"))
    }
}

/// The adapter command, one long-lived process; a case with environment variables gets a
/// process of its own started with them.
struct ProcessAdapter {
    command: Vec<String>,
    shared: Option<Process>,
}

impl ProcessAdapter {
    async fn shared(&mut self, line: &impl serde::Serialize) -> Result<Answer, String> {
        if self.shared.is_none() {
            self.shared = Some(Process::spawn(&self.command, &BTreeMap::new())?);
        }
        let process = self.shared.as_mut().ok_or("no adapter")?;
        let answer = process.ask(line).await;
        if answer.is_err() {
            self.shared = None;
        }
        answer
    }
}

impl Adapter for ProcessAdapter {
    async fn step(&mut self, call: &StepCall) -> Result<Answer, String> {
        self.shared(call).await
    }

    async fn call(&mut self, call: &Call, env: &BTreeMap<String, String>) -> Result<Answer, String> {
        if !env.is_empty() {
            let mut own = Process::spawn(&self.command, env)?;
            let answer = own.ask(call).await;
            let _ = own.child.kill().await;
            return answer;
        }
        self.shared(call).await
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: hookwise-conformance --lang LANG [--suite contracts|scenarios|all] [--only ID] -- COMMAND [ARGS…]"
    );
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(split) = args.iter().position(|a| a == "--") else { return usage() };
    let (flags, command) = (&args[..split], args[split + 1..].to_vec());
    let flag = |name: &str| flags.iter().position(|f| f == name).and_then(|i| flags.get(i + 1)).cloned();
    let Some(lang) = flag("--lang") else { return usage() };
    if command.is_empty() {
        return usage();
    }
    let mut adapter = ProcessAdapter { command, shared: None };
    let root = contract::repo_root();
    let only = flag("--only");
    let suite = flag("--suite").unwrap_or_else(|| "all".to_owned());
    let mut failed = 0;
    for (name, wanted) in [("contracts", suite != "scenarios"), ("scenarios", suite != "contracts")] {
        if !wanted {
            continue;
        }
        let report: Result<Report, String> = if name == "contracts" {
            run_all(&mut adapter, &root, &lang, only.as_deref()).await
        } else {
            scenario::run_all(&mut adapter, &root, &lang, only.as_deref()).await
        };
        match report {
            Ok(report) => {
                for line in &report.lines {
                    println!("{line}");
                }
                println!("{lang} {name}: {}", report.summary());
                failed += report.failed;
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
