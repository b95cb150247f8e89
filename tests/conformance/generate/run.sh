#!/usr/bin/env bash
# Regenerates tests/conformance/vectors/ from outside reference code (never from hookwise):
#   - the pinned Python peers (standardwebhooks, stripe), installed into a scratch directory;
#   - the pinned Node peer (@octokit/webhooks-methods), installed from node/package-lock.json;
#   - CPython's json module (the canonical-JSON oracle) and the providers' documented snippets.
# Output is deterministic: running it twice gives identical files.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

python=${PYTHON:-python3}
vectors="$here/../vectors"

# --check: regenerate, compare with the committed vectors, restore them, fail on any difference.
check=false
if [ "${1:-}" = "--check" ]; then
  check=true
  cp -R "$vectors" "$scratch/committed"
fi

echo "installing pinned Python peers into a scratch directory"
PIP_ROOT_USER_ACTION=ignore "$python" -m pip install --quiet --disable-pip-version-check --no-input \
  --target "$scratch/py" standardwebhooks==1.1.0 stripe==16.1.0

echo "installing the pinned Node peer (node/package-lock.json)"
(cd "$here/node" && npm ci --no-audit --no-fund --loglevel=error)

export PYTHONPATH="$scratch/py"
export PYTHONDONTWRITEBYTECODE=1
export PYTHONHASHSEED=0

"$python" "$here/gen_signatures.py"
"$python" "$here/gen_canonical.py"

if $check; then
  if ! diff -r "$scratch/committed" "$vectors" >"$scratch/diff.txt"; then
    echo "tests/conformance/vectors differ from what the generator makes; rerun generate/run.sh and commit:" >&2
    head -n 20 "$scratch/diff.txt" | cut -c1-200 >&2
    rm -rf "$vectors" && cp -R "$scratch/committed" "$vectors"
    exit 1
  fi
  echo "vectors are up to date with the generator"
fi
