#!/usr/bin/env bash
# Make sure a headless Chromium is installed for the Studio's browser tests
# (tests/browser/, driven by Python Playwright with executable_path=/usr/bin/chromium).
# Uses Debian's `chromium` package when run as root with apt-get; otherwise says what to
# install, and the browser tests skip with that reason. Idempotent: does nothing when present.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing chromium (browser tests)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  fi
else
  echo "note: /usr/bin/chromium is missing and this is not root with apt-get: the browser tests" \
       "will skip; install Debian's chromium package (apt-get install chromium) to run them" >&2
fi
