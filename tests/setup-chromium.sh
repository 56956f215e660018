#!/usr/bin/env bash
# Find or install the browser the report tests use: Debian's chromium and chromium-driver packages.
# Run by `make test`; says what to do, and fails, when it can neither find nor install them.
set -uo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
echo "tests/setup-chromium.sh: Chromium or ChromeDriver missing; installing Debian's chromium and chromium-driver" >&2
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  if apt-get install -y -q --no-install-recommends chromium chromium-driver >/tmp/cilo-apt.log 2>&1 \
     || { apt-get update -q >>/tmp/cilo-apt.log 2>&1 \
          && apt-get install -y -q --no-install-recommends chromium chromium-driver >>/tmp/cilo-apt.log 2>&1; }; then
    exit 0
  fi
  echo "tests/setup-chromium.sh: apt-get could not install them (log: /tmp/cilo-apt.log)" >&2
else
  echo "tests/setup-chromium.sh: cannot install them here (needs root and apt-get)" >&2
fi
echo "Install Chromium and ChromeDriver (Debian: apt-get install chromium chromium-driver) and put both" \
     "on PATH; the browser test in tests/test_htmlreport.py fails without them." >&2
exit 1
