//! `uniffi-bindgen`, pinned with the library: generates the Swift and Kotlin sources from the
//! built cdylib (library mode).
fn main() {
    uniffi::uniffi_bindgen_main();
}
