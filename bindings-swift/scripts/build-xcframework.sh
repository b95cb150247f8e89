#!/usr/bin/env bash
# macOS only: builds HookwiseFFI.xcframework (iOS device, iOS simulator, macOS) from the static
# library, with the generated header and module map, for Package.swift's binary target.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${targets[@]}"
for t in "${targets[@]}"; do cargo build --release -p hookwise-ffi --target "$t"; done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/headers" "$work/ios-sim" "$work/macos"
cp "$here/Sources/HookwiseFFI/include/HookwiseFFI.h" "$here/Sources/HookwiseFFI/include/module.modulemap" "$work/headers/"
lipo -create target/aarch64-apple-ios-sim/release/libhookwise_ffi.a target/x86_64-apple-ios/release/libhookwise_ffi.a \
  -output "$work/ios-sim/libhookwise_ffi.a"
lipo -create target/aarch64-apple-darwin/release/libhookwise_ffi.a target/x86_64-apple-darwin/release/libhookwise_ffi.a \
  -output "$work/macos/libhookwise_ffi.a"
rm -rf "$here/HookwiseFFI.xcframework"
xcodebuild -create-xcframework \
  -library target/aarch64-apple-ios/release/libhookwise_ffi.a -headers "$work/headers" \
  -library "$work/ios-sim/libhookwise_ffi.a" -headers "$work/headers" \
  -library "$work/macos/libhookwise_ffi.a" -headers "$work/headers" \
  -output "$here/HookwiseFFI.xcframework"
echo "built bindings-swift/HookwiseFFI.xcframework"
