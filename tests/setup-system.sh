#!/usr/bin/env bash
# Find or install the programs the tests run beside cilo, from Debian's packages:
#   chromium, chromedriver    the report's browser test (tests/test_htmlreport.py)
#   virtuoso-t, isql-vt       validation and queries at a Virtuoso 7 endpoint (tests/test_shacl_remote.py)
#   strace                    sees native connections no audit hook sees (tests/test_safety.py)
# Run by `make test`; says what to do, and fails, when it can neither find nor install them.
set -uo pipefail
missing=()
for pair in chromium:chromium chromedriver:chromium-driver virtuoso-t:virtuoso-opensource-7-bin isql-vt:virtuoso-opensource-7-bin strace:strace; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
echo "tests/setup-system.sh: installing Debian's ${packages}" >&2
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  if apt-get install -y -q --no-install-recommends $packages >/tmp/cilo-apt.log 2>&1 \
     || { apt-get update -q >>/tmp/cilo-apt.log 2>&1 \
          && apt-get install -y -q --no-install-recommends $packages >>/tmp/cilo-apt.log 2>&1; }; then
    exit 0
  fi
  echo "tests/setup-system.sh: apt-get could not install them (log: /tmp/cilo-apt.log)" >&2
else
  echo "tests/setup-system.sh: cannot install them here (needs root and apt-get)" >&2
fi
echo "Install ${packages}(Debian: apt-get install ${packages}) and put the programs on PATH;" \
     "the browser and endpoint tests fail without them." >&2
exit 1
