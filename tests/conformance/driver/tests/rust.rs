//! Every contract case through the Rust engine, in-process, with the driver's replay server.
#![allow(clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use hookwise_conformance::{contract, run_all, RustAdapter};

#[tokio::test]
async fn every_contract_case_passes_in_rust() {
    let report = run_all(&mut RustAdapter, &contract::repo_root(), "rust", None).await.unwrap();
    for line in &report.lines {
        println!("{line}");
    }
    println!("rust contracts: {}", report.summary());
    assert!(report.passed > 0, "no case ran");
    assert_eq!(
        report.failed,
        0,
        "{}",
        report.lines.iter().filter(|l| l.starts_with("FAIL")).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_passes_in_rust_against_a_real_server() {
    let report =
        hookwise_conformance::scenario::run_all(&mut RustAdapter, &contract::repo_root(), "rust", None).await.unwrap();
    for line in &report.lines {
        println!("{line}");
    }
    println!("rust scenarios: {}", report.summary());
    assert!(report.passed >= 8, "scenarios missing");
    assert_eq!(
        report.failed,
        0,
        "{}",
        report.lines.iter().filter(|l| l.starts_with("FAIL")).cloned().collect::<Vec<_>>().join("\n")
    );
}
