//! What verification allocates (issue 13, item 6): for a 256 KiB body, at most twice the body
//! (the event keeps one copy of the payload; the check itself should keep next to nothing).
//! Measured by a counting global allocator around `verify_at`, one preset at a time. The
//! canonical-JSON presets are printed, not held to it: besides the event's copy they print the
//! canonical form (one body) and move an unsorted object's members aside to sort them (here the
//! envelope's, so nearly one body more).
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use hookwise::webhook::{presets, SignedContent};
use hookwise::Webhook;

/// Counts the bytes asked for (allocations and the growth of reallocations) and the peak of the
/// bytes live at once.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    ALLOCATED.fetch_add(by, Ordering::Relaxed);
    let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated around it.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A 256 KiB event shaped like the bench bodies: items with numbers, floats and escaped text.
fn body() -> Vec<u8> {
    let items: Vec<String> = (0..4400)
        .map(|i| format!(r#"{{"sku":"item-{i}","qty":{i},"price":{}.5,"note":"caf\u00e9"}}"#, i * 3))
        .collect();
    format!(
        r#"{{"id":"evt_1","type":"order.created","created_at":"2026-11-22T00:00:00Z","data":{{"items":[{}]}}}}"#,
        items.join(",")
    )
    .into_bytes()
}

#[test]
fn verifying_a_256_kib_body_allocates_at_most_twice_the_body() {
    let payload = body();
    assert!(payload.len() >= 256 * 1024, "{}", payload.len());
    let now = 1_700_000_000;
    let mut over = Vec::new();
    for scheme in presets() {
        let hook = Webhook::from_preset(&scheme.name, ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]).unwrap();
        let headers = hook.sign(&payload, Some("msg_1"), Some(now)).unwrap();
        let (allocated, live) = (ALLOCATED.load(Ordering::Relaxed), LIVE.load(Ordering::Relaxed));
        PEAK.store(live, Ordering::Relaxed);
        let event = hook.verify_at(&payload, &headers, now).unwrap();
        let total = ALLOCATED.load(Ordering::Relaxed) - allocated;
        let peak = PEAK.load(Ordering::Relaxed) - live;
        assert_eq!(event.body(), payload.as_slice());
        drop(event);
        // Sizes of a few hundred KiB: exact in an f64.
        #[allow(clippy::cast_precision_loss)]
        let ratio = |n: usize| n as f64 / payload.len() as f64;
        eprintln!("{:>10}: allocated {:.2}× the body, peak {:.2}×", scheme.name, ratio(total), ratio(peak));
        if scheme.signed_content != SignedContent::CanonicalJson && total > 2 * payload.len() {
            over.push(scheme.name.clone());
        }
    }
    assert!(over.is_empty(), "over 2× the body: {over:?}");
}
