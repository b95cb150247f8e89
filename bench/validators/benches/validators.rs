//! The verdict on a webhook body: hookwise's `verify_at` (the HMAC, then the CPython-exact
//! validation scan and the envelope) against the HMAC alone (`verify_signature_at`) followed by
//! each of the fastest JSON validators in Rust: `serde_json` and `sonic-rs` deserializing into
//! `IgnoredAny` (a whole pass that checks the syntax and keeps nothing), and `simd-json` (simdjson's
//! algorithm) building its borrowed value from a copy of the body, as it must (it parses in place).
//! The body is the bench scripts' (`bindings-python/bench/bench_verify.py`): items with an integer,
//! a float and an escaped non-ASCII string, a token every few bytes.
#![allow(missing_docs)]

use std::fmt::Write;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hookwise::Webhook;
use serde::de::IgnoredAny;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: i64 = 1_700_000_000;

/// The bench scripts' body of at least `size` bytes, as Python's `json.dumps` writes it.
fn body(size: usize) -> Vec<u8> {
    let head = r#"{"id": "evt_1", "type": "order.created", "created_at": "2026-11-22T00:00:00Z", "data": {"items": ["#;
    let mut items = String::new();
    let mut n = 0;
    while head.len() + items.len() + 3 < size {
        if n > 0 {
            items.push_str(", ");
        }
        let price = f64::from(n) * 3.0 + 0.5;
        write!(items, r#"{{"sku": "item-{n}", "qty": {n}, "price": {price:?}, "note": "caf\u00e9"}}"#)
            .expect("a String");
        n += 1;
    }
    format!("{head}{items}]}}}}").into_bytes()
}

fn compare(c: &mut Criterion) {
    let hook = Webhook::from_preset("github", [SECRET]).expect("a preset");
    for size in [1024, 16 * 1024, 256 * 1024] {
        let body = body(size);
        let headers = hook.sign(&body, None, Some(NOW)).expect("signed");
        let mut group = c.benchmark_group(format!("verdict/{size}B"));
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter("hookwise verify"), &body, |b, body| {
            b.iter(|| hook.verify_at(body, &headers, NOW).expect("verified"));
        });
        group.bench_with_input(BenchmarkId::from_parameter("HMAC alone"), &body, |b, body| {
            b.iter(|| hook.verify_signature_at(body, &headers, NOW).expect("verified"));
        });
        group.bench_with_input(BenchmarkId::from_parameter("HMAC + serde_json"), &body, |b, body| {
            b.iter(|| {
                hook.verify_signature_at(body, &headers, NOW).expect("verified");
                serde_json::from_slice::<IgnoredAny>(body).expect("valid JSON")
            });
        });
        group.bench_with_input(BenchmarkId::from_parameter("HMAC + sonic-rs"), &body, |b, body| {
            b.iter(|| {
                hook.verify_signature_at(body, &headers, NOW).expect("verified");
                sonic_rs::from_slice::<IgnoredAny>(body).expect("valid JSON")
            });
        });
        let mut copy = body.clone();
        let mut buffers = simd_json::Buffers::new(body.len());
        group.bench_with_input(BenchmarkId::from_parameter("HMAC + simd-json"), &body, |b, body| {
            b.iter(|| {
                hook.verify_signature_at(body, &headers, NOW).expect("verified");
                copy.copy_from_slice(body);
                simd_json::to_borrowed_value_with_buffers(&mut copy, &mut buffers).map(drop).expect("valid JSON");
            });
        });
        group.finish();
    }
}

criterion_group!(benches, compare);
criterion_main!(benches);
