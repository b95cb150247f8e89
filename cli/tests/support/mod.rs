//! Shared by the CLI's integration tests: run `hookwise serve` as a real process on loopback.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)] // Each test file uses part of it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The API key every test server accepts.
pub const API_KEY: &str = "hw_test_key";

/// A `hookwise serve` child process with its own data dir; killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub base_url: String,
    pub data_dir: PathBuf,
}

/// A fresh temporary directory under the system temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hookwise-{tag}-{}-{}", std::process::id(), fastrand_u64()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn fastrand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

impl ServerProcess {
    /// Starts `hookwise serve --port 0` on `data_dir` with `extra` flags and waits for its
    /// `listening on` line.
    pub fn start(data_dir: &Path, extra: &[String]) -> ServerProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hookwise"))
            .args(["serve", "--port", "0", "--api-key", API_KEY, "--data-dir"])
            .arg(data_dir)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn hookwise serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base_url = loop {
            let line = lines.next().expect("hookwise serve exited before listening").expect("read stdout");
            if let Some(url) = line.split("listening on ").nth(1) {
                break url.trim().to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        ServerProcess { child, base_url, data_dir: data_dir.to_owned() }
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
