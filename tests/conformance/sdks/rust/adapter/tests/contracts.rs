//! Every contract case of every profile through the generated crates' typed methods, and every
//! signature vector of each profile's scheme through its generated `Webhook`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a failure is reported.

use hookwise_conformance::{contract, run_all};
use hookwise_conformance_sdks::{verify_vector, SdkAdapter, Vector, SCHEMES};

#[tokio::test]
async fn every_contract_case_passes_through_the_generated_crates() {
    let report = run_all(&mut SdkAdapter, &contract::repo_root(), "rust-sdk", None).await.unwrap();
    for line in &report.lines {
        println!("{line}");
    }
    println!("rust (generated crates) contracts: {}", report.summary());
    assert!(report.passed >= 88, "cases missing: {}", report.summary());
    assert_eq!(
        report.failed,
        0,
        "{}",
        report.lines.iter().filter(|l| l.starts_with("FAIL")).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn every_generated_webhook_verifies_its_schemes_vectors() {
    let root = contract::repo_root();
    assert_eq!(SCHEMES.len(), 6, "every profile has a scheme");
    for (profile, scheme) in SCHEMES {
        let path = root.join(format!("tests/conformance/vectors/signatures/{scheme}.json"));
        let vectors: Vec<Vector> = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert!(vectors.len() >= 30, "{scheme}: only {} vectors", vectors.len());
        let failures: Vec<String> =
            vectors.iter().filter_map(|v| v.check(verify_vector(profile, v).expect("a scheme")).err()).collect();
        assert!(failures.is_empty(), "{profile} ({scheme}):\n{}", failures.join("\n"));
    }
}
