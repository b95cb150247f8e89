//! `Webhook`, `canonicalize`, `presets`: verification, signing and canonical JSON.

use std::cell::Cell;
use std::collections::HashMap;

use hookwise::webhook::{Scheme, Webhook as CoreWebhook};
use napi::bindgen_prelude::{BufferSlice, Either, External};
use napi::{Env, JsString};
use napi_derive::napi;
use serde_json::Value as Json;

use crate::errors::{internal_error, webhook_error};
use crate::panic_if_asked;

/// Options of `new Webhook(secret, options)`.
#[napi(object)]
pub struct WebhookOptions {
    /// A preset name (default `standard`) or a scheme description object.
    pub scheme: Option<Json>,
    /// The replay window in seconds (default: the scheme's).
    pub tolerance: Option<u32>,
    /// The largest body accepted, in bytes (default: the core's).
    pub max_payload_bytes: Option<u32>,
}

fn scheme(value: Option<&Json>) -> napi::Result<Scheme> {
    Scheme::resolve(value).map_err(|e| webhook_error(&e))
}

/// The longest string V8 keeps among its other objects, in bytes: a longer one goes to its
/// large-object space, where making it costs about six times as much a byte (README).
const V8_REGULAR_STRING_BYTES: usize = 128 * 1024;

/// The largest buffer of Latin-1 text kept for the next call (V8 copies the text it is given).
/// Every verify makes one, and allocating it afresh cost more than its making at 1 KiB: glibc
/// consolidates its free lists before each allocation of 1 KiB or more.
const KEPT_LATIN1_BYTES: usize = 16 * 1024;

thread_local! {
    static LATIN1: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// A JavaScript string of the UTF-8 text `pieces` make together, made as V8 keeps strings: one
/// byte a character when every character is at most U+00FF, else UTF-16 (transcoded by
/// `encoding_rs`). The same string as napi makes from UTF-8, or `Buffer.toString` from the bytes,
/// whose decoder in V8 takes six times as long on the bench body (README).
fn js_string<'env>(env: &'env Env, pieces: &[&[u8]]) -> napi::Result<JsString<'env>> {
    // The standard library's check is the faster one on an ASCII text, which needs no copy.
    if let [text] = pieces {
        if text.is_ascii() {
            return env.create_string_latin1(text);
        }
    }
    let len = pieces.iter().map(|piece| piece.len()).sum();
    let mut latin1 = LATIN1.take();
    latin1.clear();
    latin1.reserve(len);
    let string = pieces.iter().all(|piece| push_latin1(&mut latin1, piece)).then(|| env.create_string_latin1(&latin1));
    if latin1.capacity() <= KEPT_LATIN1_BYTES {
        LATIN1.set(latin1);
    }
    if let Some(string) = string {
        return string;
    }
    let mut utf16 = vec![0; len + 1];
    let mut n = 0;
    for piece in pieces {
        n += encoding_rs::mem::convert_utf8_to_utf16(piece, &mut utf16[n..]);
    }
    env.create_string_utf16(&utf16[..n])
}

/// Appends UTF-8 `text` to `out` as Latin-1, one byte a character, when every character is at
/// most U+00FF; `false` (and `out` holds part of it) when one is not. ASCII runs go a word at a
/// time, and U+0080 to U+00FF (two bytes, `C2`/`C3` and one more) as one byte each.
/// `encoding_rs` (`is_utf8_latin1`, then `convert_utf8_to_latin1_lossy`) takes twice as long on
/// the bench body: 7.1 µs against 3.2 at 16 KiB, whose every item has an `é` (README).
fn push_latin1(out: &mut Vec<u8>, text: &[u8]) -> bool {
    let ascii_run = |bytes: &[u8]| {
        let high = |w: &[u8]| u64::from_le_bytes(w.try_into().unwrap_or([0x80; 8])) & 0x8080_8080_8080_8080;
        let words = bytes.chunks_exact(8).take_while(|w| high(w) == 0).count() * 8;
        words + bytes[words..].iter().take_while(|b| b.is_ascii()).count()
    };
    // The standard library's check is the faster one on an ASCII text.
    if text.is_ascii() {
        out.extend_from_slice(text);
        return true;
    }
    let mut rest = text;
    loop {
        let ascii = ascii_run(rest);
        out.extend_from_slice(&rest[..ascii]);
        rest = match &rest[ascii..] {
            [] => return true,
            [lead @ 0xC2..=0xC3, next @ 0x80..=0xBF, tail @ ..] => {
                out.push(((lead & 0x1F) << 6) | (next & 0x3F));
                tail
            }
            _ => return false,
        };
    }
}

/// The event for JavaScript as one string that `String.prototype.split` takes apart (`toRecord`
/// in core.js), cheaper there than `JSON.parse` of a record: `id`, `type`, `createdAt` and
/// `dataField` (each empty when absent, else `=` and its text), the scheme's name and the
/// unsigned fields (comma-joined), each followed by NUL, then [`Extras`] as JSON text when it has
/// anything to say. A field holding a NUL cannot be split: then the whole event is sent as one
/// JSON object (`JsEvent`) instead, whose `{` the JavaScript side tells apart.
///
/// A plain body (which holds no NUL) follows, after one more NUL, when the whole string stays a
/// regular V8 string: the event's own copy of the body (V8's strings cannot change), the text
/// `JSON.parse` reads, and no copy for JavaScript to take.
fn event_text<'env, B: AsRef<[u8]>>(env: &'env Env, event: &hookwise::Event<B>) -> napi::Result<JsString<'env>> {
    let texts = [event.id.as_deref(), event.event_type.as_deref(), event.created_at.as_deref(), event.data_field()];
    let extras = Extras {
        data: event.data_field().is_none().then(|| event.data()),
        payload: (!event.is_plain_json()).then(|| event.payload()),
    };
    if texts.iter().flatten().chain([&event.scheme.as_str()]).any(|s| s.contains('\0')) {
        let record = json(&JsEvent {
            id: texts[0],
            event_type: texts[1],
            created_at: texts[2],
            data_field: texts[3],
            scheme: &event.scheme,
            unsigned_fields: event.unsigned_fields(),
            extras,
        })?;
        return js_string(env, &[record.as_bytes()]);
    }
    let body = Some(event.body()).filter(|body| event.is_plain_json() && body.len() < V8_REGULAR_STRING_BYTES);
    let mut out = String::with_capacity(64);
    for text in texts {
        if let Some(text) = text {
            out.push('=');
            out.push_str(text);
        }
        out.push('\0');
    }
    out.push_str(&event.scheme);
    out.push('\0');
    out.push_str(&event.unsigned_fields().join(","));
    out.push('\0');
    if extras.data.is_some() || extras.payload.is_some() {
        out.push_str(&json(&extras)?);
    }
    // Bytes of UTF-8 against bytes of V8's string: the same for Latin-1 text, and a UTF-16 string
    // may be twice as long, which costs time, not correctness.
    match body.filter(|body| out.len() + 1 + body.len() < V8_REGULAR_STRING_BYTES) {
        Some(body) => {
            out.push('\0');
            js_string(env, &[out.as_bytes(), body])
        }
        None => js_string(env, &[out.as_bytes()]),
    }
}

/// What the event's text carries as JSON, when the body's own bytes do not serve: integers
/// beyond 2^53 become the nearest double there, as `JSON.parse` makes them.
#[derive(serde::Serialize)]
struct Extras<'a> {
    /// The data itself, only when it is not inside the payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a hookwise::json::Value>,
    /// The payload, only when the body is not plain JSON (see `Event::is_plain_json`): a plain
    /// body is not sent back at all, `JSON.parse` reads the caller's own bytes as the core does.
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<&'a hookwise::json::Value>,
}

/// The whole event as one JSON object, for an event whose fields cannot be split on NUL.
#[derive(serde::Serialize)]
struct JsEvent<'a> {
    id: Option<&'a str>,
    #[serde(rename = "type")]
    event_type: Option<&'a str>,
    #[serde(rename = "createdAt")]
    created_at: Option<&'a str>,
    /// Where the data is in the payload (`""`: the whole payload), so it is not sent twice.
    #[serde(rename = "dataField", skip_serializing_if = "Option::is_none")]
    data_field: Option<&'a str>,
    scheme: &'a str,
    /// The fields read from headers the signature does not cover (`id`, `type`, …).
    #[serde(rename = "unsignedFields")]
    unsigned_fields: &'a [&'static str],
    #[serde(flatten)]
    extras: Extras<'a>,
}

fn json(value: &impl serde::Serialize) -> napi::Result<String> {
    serde_json::to_string(value).map_err(|e| internal_error(&e.to_string()))
}

/// A verifier (and signer) of webhooks for one scheme and one or more secrets (`secrets`, for
/// rotation; `options`: scheme, tolerance, payload limit): an opaque handle that JavaScript passes
/// back to the `webhook_*` functions below. A `#[napi]` class would hold it as well, but napi
/// registers and then releases a borrow of `this` on every method call (a global lock and map),
/// which took 0.2 µs of the 2.4 µs a native verify takes at 1 KiB (README).
#[napi(catch_unwind)]
pub fn webhook_new(secrets: Vec<String>, options: Option<WebhookOptions>) -> napi::Result<External<CoreWebhook>> {
    panic_if_asked("Webhook");
    let options = options.unwrap_or(WebhookOptions { scheme: None, tolerance: None, max_payload_bytes: None });
    let mut hook = CoreWebhook::new(scheme(options.scheme.as_ref())?, secrets).map_err(|e| webhook_error(&e))?;
    if let Some(t) = options.tolerance {
        hook = hook.with_tolerance(u64::from(t));
    }
    if let Some(m) = options.max_payload_bytes {
        hook = hook.with_max_payload_bytes(m as usize);
    }
    Ok(External::new(hook))
}

/// Verifies `payload` against `headers`, at `now` (unix seconds) if given; returns the event.
/// `headers` holds the request's header pairs in the order received, as one string of names and
/// values each followed by a NUL but the last (`core.js` makes it: one string crosses into Rust
/// for a fraction of what an array of them costs), or as the array `[name, value, …]` when a name
/// or value holds a NUL. The core matches names in any case, and the first of a repeated name
/// wins.
#[napi(catch_unwind)]
pub fn webhook_verify<'env>(
    env: &'env Env,
    hook: &External<CoreWebhook>,
    payload: BufferSlice,
    headers: Either<String, Vec<String>>,
    now: Option<i64>,
) -> napi::Result<JsString<'env>> {
    panic_if_asked("verify");
    let pairs: Vec<(&str, &str)> = match &headers {
        Either::A(joined) => {
            let mut texts = joined.split('\0');
            std::iter::from_fn(|| texts.next().zip(texts.next())).collect()
        }
        Either::B(list) => list.chunks_exact(2).map(|p| (p[0].as_str(), p[1].as_str())).collect(),
    };
    event_text(env, &hook.verify_borrowed_at(&payload, pairs.as_slice(), now).map_err(|e| webhook_error(&e))?)
}

/// Stripe-style: verifies with the signature header's value alone.
#[napi(catch_unwind)]
pub fn webhook_construct_event<'env>(
    env: &'env Env,
    hook: &External<CoreWebhook>,
    payload: BufferSlice,
    signature_header: String,
    now: Option<i64>,
) -> napi::Result<JsString<'env>> {
    event_text(env, &hook.construct_event_at(&payload, &signature_header, now).map_err(|e| webhook_error(&e))?)
}

/// The headers a sender attaches to `payload`.
#[napi(catch_unwind)]
pub fn webhook_sign(
    hook: &External<CoreWebhook>,
    payload: BufferSlice,
    id: Option<String>,
    timestamp: Option<i64>,
) -> napi::Result<HashMap<String, String>> {
    let headers = hook.sign(&payload, id.as_deref(), timestamp).map_err(|e| webhook_error(&e))?;
    Ok(headers.into_iter().collect())
}

/// Every header the scheme reads, lower-cased (the only ones worth converting).
#[napi(catch_unwind)]
pub fn webhook_header_names(hook: &External<CoreWebhook>) -> Vec<String> {
    hook.scheme().header_names()
}

/// The largest body accepted, in bytes: what a receiver reading a request may stop at.
#[napi(catch_unwind)]
pub fn webhook_max_payload_bytes(hook: &External<CoreWebhook>) -> u32 {
    u32::try_from(hook.max_payload_bytes()).unwrap_or(u32::MAX)
}

/// The scheme's name.
#[napi(catch_unwind)]
pub fn webhook_scheme(hook: &External<CoreWebhook>) -> String {
    panic_if_asked("scheme");
    hook.scheme().name.clone()
}

/// CPython's `json.dumps(json.loads(data), sort_keys=True, separators=(",", ":"))`, byte for byte.
#[napi(catch_unwind)]
pub fn canonicalize<'env>(env: &'env Env, data: BufferSlice) -> napi::Result<BufferSlice<'env>> {
    panic_if_asked("canonicalize");
    let bytes = hookwise::canonicalize(&data).map_err(|e| webhook_error(&e.into()))?;
    // Copied into a Buffer of Node's own: an external Buffer over the Vec (what `Buffer::from`
    // makes) costs more than the copy, its finalizer included (README, target 3 of issue 13).
    BufferSlice::copy_from(env, bytes)
}

/// `body.toString('utf8')` for a verified plain body (UTF-8), made faster (`js_string`).
#[napi(catch_unwind)]
pub fn utf8_text<'env>(env: &'env Env, body: BufferSlice) -> napi::Result<JsString<'env>> {
    js_string(env, &[&body])
}

/// The names of the shipped presets.
#[napi(catch_unwind)]
pub fn presets() -> Vec<String> {
    hookwise::webhook::presets().iter().map(|s| s.name.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::push_latin1;

    /// Every character up to U+0100 and a few beyond, at every offset of an ASCII run that spans a
    /// word, and bytes that are not UTF-8: Latin-1 exactly when `encoding_rs` says so, and then
    /// the bytes `encoding_rs` writes.
    #[test]
    fn latin1_agrees_with_encoding_rs() {
        let mut texts: Vec<Vec<u8>> = Vec::new();
        for c in (0..=0x100).chain([0x7FF, 0x800, 0x20AC, 0xFFFD, 0x1F600]).filter_map(char::from_u32) {
            for lead in 0..12 {
                let text = format!("{}{c}{}", "a".repeat(lead), "z".repeat(12 - lead));
                texts.push(text.clone().into_bytes());
                texts.push(format!("{text}{c}").into_bytes());
            }
        }
        texts.extend(
            [&b"\xC3"[..], b"ab\xC3A", b"\xC3\xC3", b"\xC2", b"\xFF", b"\x80", b"abcdefgh\xC0\x80"].map(<[u8]>::to_vec),
        );
        for text in texts {
            let expected = encoding_rs::mem::is_utf8_latin1(&text).then(|| {
                let mut out = vec![0; text.len()];
                let n = encoding_rs::mem::convert_utf8_to_latin1_lossy(&text, &mut out);
                out.truncate(n);
                out
            });
            let mut out = b"head".to_vec();
            let latin1 = push_latin1(&mut out, &text).then(|| &out[4..]);
            assert_eq!(latin1, expected.as_deref(), "{text:?}");
        }
    }
}
