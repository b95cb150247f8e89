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

step "GitHub workflows are lint-clean (actionlint, built from its Go module)"
GOBIN="$root/target/bin" go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
target/bin/actionlint .github/workflows/*.yml

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets and features, warnings are errors)"
cargo clippy --workspace --all-targets --all-features -- -D warnings

step "one version for every package (scripts/version.py); cargo package: the crates as published (hookwise with every feature, and the CLI's) build on their own and carry both licences"
version=$(python3 scripts/version.py)
# cargo unpacks each packaged crate from a local registry named after target/'s path, and reuses a
# copy unpacked by an earlier run from the same path: drop those, or they would be verified stale.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/hookwise*-"$version"
cargo package -p hookwise -p hookwise-generate -p hookwise-server -p hookwise-cli --all-features --quiet
for crate in hookwise hookwise-generate hookwise-server hookwise-cli; do
  for f in LICENSE-MIT LICENSE-APACHE Cargo.toml; do
    tar tzf "target/package/$crate-$version.crate" | grep -x "$crate-$version/$f" >/dev/null || { echo "$crate's crate lacks $f"; exit 1; }
  done
done
tar tzf "target/package/hookwise-$version.crate" | grep -x "hookwise-$version/profiles/hookwise.yaml" >/dev/null

step "cargo-deny (deny.toml): every dependency's licence is allowed, no wildcard versions, crates only from the registry; advisories need the advisory database, which .github/workflows/audit.yml fetches"
cargo install --quiet --locked cargo-deny@0.20.2 --root "$root/target/tools"
"$root/target/tools/bin/cargo-deny" check licenses bans sources

step "cargo test: conformance vectors, every contract and scenario through the driver (Rust), every contract through the six generated Rust crates, the generator (freshness of every committed generated file), properties, engine, server, CLI"
# This also builds target/debug/hookwise-conformance, the driver the other languages' adapters run under.
cargo test --workspace

step "conformance vectors are exactly what the committed generator makes from the reference code"
bash tests/conformance/generate/run.sh --check

step "Python: the sdist builds and installs into a fresh venv (pip builds its wheel) and verifies a signature"
venv="$root/target/py-venv"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "maturin>=1.16,<2" pytest "flask[async]" mypy "setuptools>=77" ruff
# The dependencies come compiled from target/ (CARGO_TARGET_DIR); the workspace's own crates are
# cleaned first, or cargo would find them fresh (its fingerprints are workspace-relative) and
# never compile the sdist's sources (a file missing from the sdist would go unnoticed). Before the
# release builds: cleaning the package hookwise also takes the CLI's binary, also named hookwise.
rm -rf target/sdist "$root/target/py-sdist-venv"
cargo clean --release --quiet -p hookwise -p hookwise-python
"$venv/bin/maturin" sdist --manifest-path bindings-python/Cargo.toml --out target/sdist
python3 -m venv "$root/target/py-sdist-venv"
CARGO_TARGET_DIR="$root/target" "$root/target/py-sdist-venv/bin/python" -m pip install --quiet --disable-pip-version-check target/sdist/hookwise-*.tar.gz
"$root/target/py-sdist-venv/bin/python" scripts/smoke_python.py

step "release builds: the CLI and the Python wheel (abi3); the wheel and the sdist carry both license files"
cargo build --release -p hookwise-cli
rm -rf target/wheels
"$venv/bin/maturin" build --release --manifest-path bindings-python/Cargo.toml --out target/wheels
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check target/wheels/hookwise-*.whl
"$venv/bin/python" scripts/check_python_dist.py target/wheels/hookwise-*.whl target/sdist/hookwise-*.tar.gz

step "dashboard in a real browser: hookwise serve (release build) with two keys and two loopback receivers, driven by Selenium in Debian's headless Chromium (tests/browser/run.sh installs chromium, chromium-driver, selenium and pytest)"
HOOKWISE_BIN="$root/target/release/hookwise" bash tests/browser/run.sh

step "Python: vectors; every contract through the SDKs generated from the six profiles and every scenario through the driver; Api, Client, GIL and fork, asyncio, the Flask receiver; generated seed SDKs (pip-installed, mypy --strict) running their documented snippets"
HOOKWISE_BIN="$root/target/release/hookwise" "$venv/bin/python" -m pytest -q bindings-python/tests

step "Python: mypy --strict on the examples and a typed usage file; stubs checked by stubtest"
(cd "$root" && "$venv/bin/python" -m mypy --strict bindings-python/tests/typed_usage.py examples/flask-receiver/app.py)
"$venv/bin/python" -m mypy.stubtest hookwise._native

step "server: schemathesis against hookwise serve's own OpenAPI document (no 5xx; documented statuses, content types, bodies)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis>=4.3,<5"
bash scripts/schemathesis.sh "$venv/bin/python" "$root/target/release/hookwise"

step "Node: install the dev dependencies exactly as package-lock.json has them (npm ci) and build the addon with @napi-rs/cli"
(cd bindings-node && npm ci --no-audit --no-fund --loglevel=error && npx napi build --platform --release --js native.js --dts native.d.ts)

step "Node: pack the package (the tarball must carry LICENSE-MIT, LICENSE-APACHE and README.md) and install it into the Express example, as a user's app would"
(cd bindings-node && npm pack --silent --pack-destination "$root/target" >/dev/null)
packed=$(tar -tzf "$root/target/hookwise-$version.tgz")
for file in LICENSE-MIT LICENSE-APACHE README.md; do
  grep -qx "package/$file" <<<"$packed" || { echo "the npm tarball has no $file" >&2; exit 1; }
done
rm -rf examples/express-receiver/node_modules
(cd examples/express-receiver && npm install --no-save --no-audit --no-fund --loglevel=error "$root/target/hookwise-$version.tgz" express@5.1.0)

step "Node: vectors; every contract through the six generated SDKs (installed with npm, tsc --strict, prettier) and every scenario through the driver; Api, Client, ESM/CJS, AbortSignal, the Express receiver and middleware, the platform packages; tsc on a typed usage file"
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
