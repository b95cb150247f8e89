//! Verification cost per preset and payload size: `cargo bench -p hookwise --bench verify`.
#![allow(missing_docs)] // criterion_group! generates undocumented functions.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hookwise::webhook::presets;
use hookwise::Webhook;

/// A JSON body of about `size` bytes, shaped like a real event.
fn body(size: usize) -> Vec<u8> {
    let mut items = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while text.len() < size {
        items.push(format!(r#"{{"sku":"item-{i}","qty":{i},"price":{}.5,"note":"caf\u00e9 {i}"}}"#, i * 3));
        text = format!(
            r#"{{"id":"evt_1","type":"order.created","created_at":"2026-11-22T00:00:00Z","data":{{"items":[{}]}}}}"#,
            items.join(",")
        );
        i += 1;
    }
    text.into_bytes()
}

fn verify(c: &mut Criterion) {
    let now = 1_700_000_000;
    for size in [256, 1024, 16 * 1024, 256 * 1024] {
        let payload = body(size);
        let mut group = c.benchmark_group(format!("verify/{size}B"));
        group.throughput(Throughput::Bytes(payload.len() as u64));
        for scheme in presets() {
            let hook = Webhook::from_preset(&scheme.name, ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]).expect("preset");
            let headers = hook.sign(&payload, Some("msg_bench"), Some(now)).expect("sign");
            group.bench_with_input(BenchmarkId::new("event", &scheme.name), &payload, |b, p| {
                b.iter(|| hook.verify_at(p, &headers, now).expect("valid"));
            });
            group.bench_with_input(BenchmarkId::new("signature_only", &scheme.name), &payload, |b, p| {
                b.iter(|| hook.verify_signature_at(p, &headers, now).expect("valid"));
            });
        }
        group.finish();
    }
}

fn canonical(c: &mut Criterion) {
    let mut group = c.benchmark_group("canonicalize");
    for size in [256, 1024, 16 * 1024, 256 * 1024] {
        let payload = body(size);
        group.throughput(Throughput::Bytes(payload.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(size), &payload, |b, p| {
            b.iter(|| hookwise::canonicalize(p).expect("valid"));
        });
    }
    group.finish();
}

criterion_group!(benches, verify, canonical);
criterion_main!(benches);
