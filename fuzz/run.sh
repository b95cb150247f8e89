#!/usr/bin/env bash
# Runs one fuzz target on one core: bash fuzz/run.sh TARGET [RUNS] (default 10,000,000).
# FUZZ_SANITIZER=none builds a core target without AddressSanitizer (five to ten times faster;
# what a run without it still catches: panics, overflows, timeouts, memory limits).
# Seeds the corpus where the target has seeds (and the six real profiles for `profile`), uses the
# target's dictionary if there is one, and prints libFuzzer's summary ("Done N runs in S second(s)").
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: run.sh TARGET [RUNS]}
runs=${2:-10000000}
# The core's targets run under AddressSanitizer. server_request does not: the server is safe Rust
# (unsafe_code = "deny") over SQLite's C code, which the sanitizer flags do not reach, and
# AddressSanitizer's bookkeeping over the server's large binary makes it about 20 times slower.
case $target in
  canonicalize | verify | server_request) max_len=4096 ;;
  signature_headers) max_len=512 ;;
  profile) max_len=16384 ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac
build=()
if [ "$target" = server_request ] || [ "${FUZZ_SANITIZER:-address}" = none ]; then
  build=(--sanitizer none --target-dir target/nosan)
fi
mkdir -p "corpus/$target"
if [ "$target" = profile ]; then cp ../profiles/*.yaml corpus/profile/; fi
if [ -d "seeds/$target" ]; then cp "seeds/$target"/* "corpus/$target/"; fi
args=(-runs="$runs" -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1)
if [ "$target" = server_request ]; then
  # The server's data dirs (one per generation of inputs; the last one outlives the process).
  export TMPDIR=$PWD/target/server-data
  rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
fi
if [ -f "dicts/$target.dict" ]; then args+=(-dict="dicts/$target.dict"); fi
cpu=()
if command -v taskset >/dev/null; then cpu=(taskset -c "${FUZZ_CPU:-1}"); fi
"${cpu[@]}" cargo +nightly fuzz run "${build[@]}" "$target" "corpus/$target" -- "${args[@]}"
