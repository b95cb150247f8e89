#!/usr/bin/env bash
# Runs every test on a fresh machine that has Rust, Python 3 and Node (README: "Run every test").
# It installs what it needs by itself (rustfmt/clippy, maturin, pytest, flask, mypy, the npm
# packages of bindings-node, the Maven artifacts of bindings-kotlin, the pinned peers of the vector
# generator); one shared target/ dir builds each artifact once.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
root=$PWD

# Each step prints its title, and how long it took when the next one starts.
step_started=
took() { if [ -n "$step_started" ]; then printf -- '-- took %ss\n' "$((SECONDS - step_started))"; fi; }
step() { took; step_started=$SECONDS; printf '\n== %s\n' "$*"; }

step "rustfmt and clippy components"
rustup component add rustfmt clippy >/dev/null 2>&1 || true

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets and features, warnings are errors)"
cargo clippy --workspace --all-targets --all-features -- -D warnings

step "cargo test: conformance vectors, every contract and scenario through the driver (Rust), every contract through the six generated Rust crates, the generator (freshness of every committed generated file), properties, engine, server, CLI"
# This also builds target/debug/hookwise-conformance, the driver the other languages' adapters run under.
cargo test --workspace

step "conformance vectors are exactly what the committed generator makes from the reference code"
bash tests/conformance/generate/run.sh --check

step "release builds: the CLI and the Python wheel (abi3)"
cargo build --release -p hookwise-cli
venv="$root/target/py-venv"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "maturin>=1.16,<2" pytest flask mypy "setuptools>=70.1" ruff
rm -rf target/wheels
"$venv/bin/maturin" build --release --manifest-path bindings-python/Cargo.toml --out target/wheels
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check target/wheels/hookwise-*.whl

step "Python: vectors; every contract through the SDKs generated from the six profiles and every scenario through the driver; Api, Client, GIL and fork, asyncio, the Flask receiver; generated seed SDKs (pip-installed, mypy --strict) running their documented snippets"
HOOKWISE_BIN="$root/target/release/hookwise" "$venv/bin/python" -m pytest -q bindings-python/tests

step "Python: mypy --strict on the examples and a typed usage file; stubs checked by stubtest"
(cd "$root" && "$venv/bin/python" -m mypy --strict bindings-python/tests/typed_usage.py examples/flask-receiver/app.py)
"$venv/bin/python" -m mypy.stubtest hookwise._native

step "server: schemathesis against hookwise serve's own OpenAPI document (no 5xx; documented statuses, content types, bodies)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis>=4.3,<5"
bash scripts/schemathesis.sh "$venv/bin/python" "$root/target/release/hookwise"

step "Node: install the dev dependencies (package-lock.json) and build the addon with @napi-rs/cli"
(cd bindings-node && npm install --no-audit --no-fund --loglevel=error && npx napi build --platform --release --js native.js --dts native.d.ts)

step "Node: pack the package and install the tarball into the Express example, as a user's app would"
(cd bindings-node && npm pack --silent --pack-destination "$root/target" >/dev/null)
rm -rf examples/express-receiver/node_modules
(cd examples/express-receiver && npm install --no-save --no-audit --no-fund --loglevel=error "$root/target/hookwise-0.1.0.tgz" express@5.1.0)

step "Node: vectors; every contract through the six generated SDKs (installed with npm, tsc --strict, prettier) and every scenario through the driver; Api, Client, ESM/CJS, the Express receiver; tsc on a typed usage file"
(cd bindings-node && HOOKWISE_BIN="$root/target/release/hookwise" node --test test/*.test.js)
(cd bindings-node && npx tsc --noEmit -p test/tsconfig.json)

step "uniffi: the cdylib; the committed Swift sources are what uniffi-bindgen generates; the root Package.swift and the Gradle build (no Swift or Gradle here) refer to what exists, with pom.xml's versions"
bash bindings-swift/scripts/generate.sh --check
python3 scripts/check-mobile-packaging.py

step "Kotlin on the JVM (Maven: Kotlin, JNA, coroutines, kotlinx-serialization, JUnit): every vector and scenario through the uniffi layer; every contract case and each scheme's vectors through the SDKs generated from the six profiles"
rm -rf bindings-kotlin/target/generated-sources/uniffi bindings-kotlin/target/generated-sources/sdks
cargo run --quiet --release -p hookwise-ffi --bin uniffi-bindgen -- generate --no-format \
  --library target/release/libhookwise_ffi.so --language kotlin --out-dir bindings-kotlin/target/generated-sources/uniffi
for profile in argus gabinete360 argyle auggie asg; do   # hookwise's own is committed in bindings-kotlin/src/main
  target/release/hookwise generate "profiles/$profile.yaml" --lang kotlin --out "bindings-kotlin/target/generated-sources/sdks/$profile" >/dev/null
done
(cd bindings-kotlin && HOOKWISE_BIN="$root/target/release/hookwise" mvn -B --no-transfer-progress test)

step "demo: every preset round trip, then server + receiver + webhook + job; it leaves nothing running"
bash scripts/demo.sh >/dev/null
if pgrep -f "$root/target/[a-z]*/hookwise (serve|listen)" >/dev/null; then
  echo "the demo left processes running:"; pgrep -af "$root/target/[a-z]*/hookwise (serve|listen)"; exit 1
fi

took
echo
echo "all tests passed in ${SECONDS}s"
