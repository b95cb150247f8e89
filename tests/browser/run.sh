#!/usr/bin/env bash
# The dashboard of `hookwise serve` in a real browser: Debian's headless Chromium driven by
# Selenium (tests/browser/test_dashboard.py). Installs what it needs by itself: chromium and
# chromium-driver with apt-get when they are missing, selenium and pytest into target/browser-venv.
# The server is HOOKWISE_BIN (default target/release/hookwise, built by scripts/test.sh);
# HOOKWISE_SCREENSHOT=1 saves the dashboard to docs/dashboard.png.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi

venv="$root/target/browser-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "selenium>=4.20,<5" "pytest>=8"

export HOOKWISE_BIN="${HOOKWISE_BIN:-$root/target/release/hookwise}"
if [ ! -x "$HOOKWISE_BIN" ]; then
  echo "no hookwise binary at $HOOKWISE_BIN: build it first (cargo build --release -p hookwise-cli)" >&2
  exit 1
fi
exec "$venv/bin/python" -m pytest -q tests/browser "$@"
