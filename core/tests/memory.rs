//! What verification allocates (issue 13, item 6): for a 256 KiB body, at most twice the body
//! (the event keeps one copy of the payload; the check itself should keep next to nothing).
//! Measured by a counting global allocator around `verify_at`, one preset at a time, on a
//! compact body and on the same spaced as Python's `json.dumps` writes it (the bench scripts'
//! bodies). Every preset is held to the event's copy and 4 KiB of bookkeeping. The
//! canonical-JSON presets also print the canonical form the signature covers, as long as the
//! body when it is compact; the event's copy then goes in that buffer once the MAC is checked.
//! A body that is already canonical (what Argus says it sends) is not printed again.
#![allow(clippy::expect_used, clippy::unwrap_used)] // Test code: a panic is how a failure is reported.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use hookwise::webhook::presets;
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

/// How a body is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Compact,
    /// With a space after each `,` and `:`, as `json.dumps` writes it.
    Spaced,
    /// Compact with every object's keys in order: `json.dumps(…, sort_keys=True, separators=(",", ":"))`.
    Canonical,
}

/// A 256 KiB event shaped like the bench bodies: items with numbers, floats and escaped text.
fn body(shape: Shape) -> Vec<u8> {
    let items: Vec<String> = (0..4400)
        .map(|i| match shape {
            Shape::Canonical => format!(r#"{{"note":"caf\u00e9","price":{}.5,"qty":{i},"sku":"item-{i}"}}"#, i * 3),
            _ => format!(r#"{{"sku":"item-{i}","qty":{i},"price":{}.5,"note":"caf\u00e9"}}"#, i * 3),
        })
        .collect();
    let items = items.join(",");
    let text = match shape {
        Shape::Canonical => format!(
            r#"{{"created_at":"2026-11-22T00:00:00Z","data":{{"items":[{items}]}},"id":"evt_1","type":"order.created"}}"#
        ),
        _ => format!(
            r#"{{"id":"evt_1","type":"order.created","created_at":"2026-11-22T00:00:00Z","data":{{"items":[{items}]}}}}"#
        ),
    };
    if shape == Shape::Spaced {
        text.replace(',', ", ").replace(':', ": ").replace("T00: 00: 00Z", "T00:00:00Z").into_bytes()
    } else {
        text.into_bytes()
    }
}

#[test]
fn verifying_a_256_kib_body_allocates_at_most_twice_the_body() {
    let now = 1_700_000_000;
    let mut over = Vec::new();
    for shape in [Shape::Compact, Shape::Spaced, Shape::Canonical] {
        let payload = body(shape);
        assert!(payload.len() >= 250 * 1024, "{}", payload.len());
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
            eprintln!(
                "{:>11}, {} bytes: allocated {:.4}× the body, peak {:.4}×",
                scheme.name,
                payload.len(),
                ratio(total),
                ratio(peak)
            );
            if total.max(peak) > payload.len() + 4096 {
                over.push(format!("{} ({} bytes)", scheme.name, payload.len()));
            }
        }
    }
    assert!(over.is_empty(), "over the bound: {over:?}");
}
