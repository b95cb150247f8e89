//! `hookwise serve` as a real process on loopback, for the scenarios and the server's own tests.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The API key every test server accepts.
pub const API_KEY: &str = "hw_test_key";

/// A `hookwise serve` child process on its own data dir; killed when dropped.
pub struct ServerProcess {
    /// The process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// Where its SQLite file lives.
    pub data_dir: PathBuf,
}

/// A fresh temporary directory.
///
/// # Errors
/// When it cannot be made.
pub fn temp_dir(tag: &str) -> std::io::Result<PathBuf> {
    use std::hash::{BuildHasher as _, RandomState};
    let unique = RandomState::new().hash_one(std::time::SystemTime::now());
    let dir = std::env::temp_dir().join(format!("hookwise-{tag}-{}-{unique}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The `hookwise` binary: `HOOKWISE_BIN`, else the debug or release build of the workspace at
/// `root`.
///
/// # Errors
/// When there is neither.
pub fn hookwise_bin(root: &Path) -> Result<PathBuf, String> {
    if let Some(bin) = std::env::var_os("HOOKWISE_BIN") {
        return Ok(PathBuf::from(bin));
    }
    ["target/debug/hookwise", "target/release/hookwise"]
        .iter()
        .map(|p| root.join(p))
        .find(|p| p.exists())
        .ok_or_else(|| "no hookwise binary: build it (cargo build -p hookwise-cli) or set HOOKWISE_BIN".to_owned())
}

impl ServerProcess {
    /// Starts `BIN serve --port 0 --api-key hw_test_key --data-dir DIR EXTRA…` and waits for its
    /// `listening on` line.
    ///
    /// # Errors
    /// When it cannot start or exits before listening.
    pub fn start(bin: &Path, data_dir: &Path, extra: &[String]) -> Result<ServerProcess, String> {
        ServerProcess::start_with_env(bin, data_dir, extra, &[])
    }

    /// As [`ServerProcess::start`], with these environment variables set for the server.
    ///
    /// # Errors
    /// When it cannot start or exits before listening.
    pub fn start_with_env(
        bin: &Path,
        data_dir: &Path,
        extra: &[String],
        env: &[(&str, &str)],
    ) -> Result<ServerProcess, String> {
        let mut child = Command::new(bin)
            .args(["serve", "--port", "0", "--api-key", API_KEY, "--data-dir"])
            .arg(data_dir)
            .args(extra)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let base_url = loop {
            let line = lines.next().ok_or("hookwise serve exited before listening")?.map_err(|e| e.to_string())?;
            if let Some(url) = line.split("listening on ").nth(1) {
                break url.trim().to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(ServerProcess { child, base_url, data_dir: data_dir.to_owned() })
    }

    /// SIGKILL, no goodbye.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
