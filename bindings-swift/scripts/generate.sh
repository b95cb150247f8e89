#!/usr/bin/env bash
# Regenerates the Swift sources from the built library with uniffi-bindgen (library mode, the
# version pinned with the crate). `--check` regenerates into a scratch dir and fails if the
# committed sources differ (what CI runs on Linux, where no Swift toolchain exists).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
cargo build --quiet --release -p hookwise-ffi
case "$(uname -s)" in Darwin) lib="target/release/libhookwise_ffi.dylib" ;; *) lib="target/release/libhookwise_ffi.so" ;; esac
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cargo run --quiet --release -p hookwise-ffi --bin uniffi-bindgen -- \
  generate --no-format --library "$lib" --language swift --out-dir "$out" >/dev/null
mkdir -p "$out/Sources/Hookwise" "$out/Sources/HookwiseFFI/include"
mv "$out/Hookwise.swift" "$out/Sources/Hookwise/Hookwise.swift"
mv "$out/HookwiseFFI.h" "$out/Sources/HookwiseFFI/include/HookwiseFFI.h"
mv "$out/HookwiseFFI.modulemap" "$out/Sources/HookwiseFFI/include/module.modulemap"
if [ "${1:-}" = "--check" ]; then
  # Sources/HookwiseApi is hookwise generate's (checked by the generator's tests), not uniffi's;
  # Sources/Hookwise/HookwiseError+Details.swift is written by hand beside the generated file.
  if ! { diff "$out/Sources/Hookwise/Hookwise.swift" "$here/Sources/Hookwise/Hookwise.swift" && diff -r "$out/Sources/HookwiseFFI" "$here/Sources/HookwiseFFI"; } >"$out/diff.txt"; then
    echo "bindings-swift/Sources differ from what uniffi-bindgen generates; run bindings-swift/scripts/generate.sh and commit:" >&2
    head -n 20 "$out/diff.txt" >&2
    exit 1
  fi
  echo "Swift sources are up to date"
else
  rm -rf "$here/Sources/Hookwise/Hookwise.swift" "$here/Sources/HookwiseFFI"
  mkdir -p "$here/Sources"
  cp -R "$out/Sources/." "$here/Sources/"
  echo "regenerated bindings-swift/Sources"
fi
