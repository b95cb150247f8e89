//! HMAC-SHA256 of a webhook body, tag compared in constant time, by the implementation the core
//! uses (`hmac` + `sha2`, which picks SHA-NI or the ARMv8 SHA instructions at run time) and by
//! `ring` and `aws-lc-rs` (BoringSSL's and AWS-LC's assembly).
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hmac::Mac;

const KEY: &[u8] = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn compare(c: &mut Criterion) {
    for size in [1024, 16 * 1024, 256 * 1024] {
        let body: Vec<u8> = (0..size).map(|i| b"{\"k\": 1.5, \"t\": \"caf\\u00e9\"}"[i % 28]).collect();
        let expected: [u8; 32] = {
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(KEY).expect("any key length");
            mac.update(&body);
            mac.finalize().into_bytes().into()
        };
        // Each keyed once, as the core keys its HMAC once per secret and clones it per message.
        let keyed = hmac::Hmac::<sha2::Sha256>::new_from_slice(KEY).expect("any key length");
        let ring_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, KEY);
        let aws_key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, KEY);
        let mut group = c.benchmark_group(format!("hmac-sha256/{size}B"));
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::from_parameter("sha2 (the core's)"), &body, |b, body| {
            b.iter(|| {
                let mut mac = keyed.clone();
                mac.update(body);
                mac.verify_slice(&expected).expect("the same tag");
            });
        });
        group.bench_with_input(BenchmarkId::from_parameter("ring"), &body, |b, body| {
            b.iter(|| ring::hmac::verify(&ring_key, body, &expected).expect("the same tag"));
        });
        group.bench_with_input(BenchmarkId::from_parameter("aws-lc-rs"), &body, |b, body| {
            b.iter(|| aws_lc_rs::hmac::verify(&aws_key, body, &expected).expect("the same tag"));
        });
        group.finish();
    }
}

criterion_group!(benches, compare);
criterion_main!(benches);
