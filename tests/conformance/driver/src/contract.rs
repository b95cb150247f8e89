//! The contract files (`tests/conformance/contracts/<profile>.json`) and the adapter protocol.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One `<profile>.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractFile {
    /// The profile's file name without `.yaml`.
    pub profile: String,
    /// Its cases.
    pub cases: Vec<Case>,
}

/// How the call is made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// One call.
    #[default]
    Call,
    /// Every item across pages.
    Paginate,
    /// Poll to a terminal status.
    Wait,
    /// Download `args.url`.
    Download,
}

/// One case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Stable and unique across the suite.
    pub id: String,
    /// What the case is about.
    pub name: String,
    /// The operation.
    pub op: String,
    /// How the call is made.
    #[serde(default)]
    pub mode: Mode,
    /// The named arguments.
    #[serde(default)]
    pub args: Map<String, Value>,
    /// Client options beside the driver's defaults (`null` = not passed).
    #[serde(default)]
    pub options: Map<String, Value>,
    /// Environment variables the adapter must see.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Pass no `base_url`; set `<NAME>_BASE_URL` instead.
    #[serde(default)]
    pub base_url_from_env: bool,
    /// For `wait`.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// The requests the SDK must send and the answers it gets.
    #[serde(default)]
    pub exchanges: Vec<Exchange>,
    /// The result or error.
    pub expect: Expect,
}

/// One request and its canned answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    /// What the SDK must send.
    pub request: ExpectedRequest,
    /// What the replay server answers.
    pub response: CannedResponse,
    /// The request must arrive at least this long after the previous answer.
    #[serde(default)]
    pub min_delay_ms: Option<u64>,
}

/// The request an SDK must send.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// Exact, as sent.
    pub path: String,
    /// The exact query map, when given.
    #[serde(default)]
    pub query: Option<Value>,
    /// Header patterns (names case-insensitive).
    #[serde(default)]
    pub headers: Map<String, Value>,
    /// The exact JSON body, when given.
    #[serde(default)]
    pub body: Option<Value>,
}

/// The replay server's answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CannedResponse {
    /// The status.
    pub status: u16,
    /// Headers (`${http_date+N}` substituted).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body (`${base_url}`, `${other_origin}` substituted).
    #[serde(default)]
    pub body: Option<Value>,
    /// A raw text body.
    #[serde(default)]
    pub body_text: Option<String>,
}

/// What the call must give.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// A pattern for the result.
    #[serde(default)]
    pub result: Option<Value>,
    /// A pattern for the error (`kind`, `status`, `code`, `message`, `trace_id`).
    #[serde(default)]
    pub error: Option<Value>,
    /// A pattern for the list of progress callbacks.
    #[serde(default)]
    pub progress: Option<Value>,
}

/// A request to an adapter (one JSON line).
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    /// The case id.
    pub id: String,
    /// The profile file, absolute.
    pub profile: PathBuf,
    /// The operation.
    pub op: String,
    /// How the call is made.
    pub mode: Mode,
    /// The named arguments.
    pub args: Map<String, Value>,
    /// For `wait`.
    pub timeout_ms: Option<u64>,
    /// The options to pass (absent keys are not passed).
    pub options: Map<String, Value>,
}

/// An adapter's answer (one JSON line).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Answer {
    /// Whether the call succeeded.
    pub ok: bool,
    /// The result, on success.
    #[serde(default)]
    pub result: Option<Value>,
    /// What the progress callback received (`wait`).
    #[serde(default)]
    pub progress: Option<Vec<Value>>,
    /// `{kind, status, code, message, trace_id}`, on failure.
    #[serde(default)]
    pub error: Option<Value>,
}

/// The repository's root (the driver lives in `tests/conformance/driver`).
pub fn repo_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().nth(3).unwrap_or(here).to_path_buf()
}

/// Every contract file of `dir`, sorted by name.
///
/// # Errors
/// A file that cannot be read or parsed.
pub fn load(dir: &Path) -> Result<Vec<ContractFile>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
        })
        .collect()
}

/// The expected failures of a language: `tests/conformance/xfail/<lang>.txt`, `id  # reason` a line.
pub fn xfail(root: &Path, lang: &str) -> std::collections::BTreeSet<String> {
    let text =
        std::fs::read_to_string(root.join("tests/conformance/xfail").join(format!("{lang}.txt"))).unwrap_or_default();
    text.lines().map(|l| l.split('#').next().unwrap_or("").trim().to_owned()).filter(|l| !l.is_empty()).collect()
}
