#!/usr/bin/env bash
# Runs every test on a fresh machine that has Rust, Python 3 and Node (README: "Run every test").
# It installs what it needs by itself; one shared target/ dir builds each artifact once.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

step() { printf '\n== %s\n' "$*"; }

step "rustfmt and clippy components"
rustup component add rustfmt clippy >/dev/null 2>&1 || true

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test (conformance vectors, properties, CLI contract)"
cargo test --workspace

step "conformance vectors are exactly what the committed generator makes from the reference code"
bash tests/conformance/generate/run.sh --check

step "demo: sign with every preset and verify back through the CLI"
bash scripts/demo.sh >/dev/null

echo
echo "all tests passed"
