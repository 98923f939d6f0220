#!/usr/bin/env bash
# Make sure a headless Chromium is installed for the Studio's browser tests (tests/browser/,
# driven by Python Playwright with executable_path, no browser download): Debian's
# `chromium-headless-shell` (the same engine without the browser's UI layer, ~20 % less CPU for
# the same pages; tests/browser/harness.py), else the full `chromium` the tests fall back to.
# Uses apt-get when run as root; otherwise says what to install, and the browser tests skip with
# that reason. Idempotent: does nothing when the shell is present.
#
# The shell shares Debian's `chromium-common` with `chromium`: when that is installed, the shell
# is pinned to its version, so installing it never upgrades (or breaks) the browser already there.
set -euo pipefail
SHELL_BIN=/usr/lib/chromium/chromium-headless-shell
if [ -x "$SHELL_BIN" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  package=chromium-headless-shell
  common=$(dpkg-query -W -f='${Status} ${Version}' chromium-common 2>/dev/null || true)
  case "$common" in
    "install ok installed "*) package="chromium-headless-shell=${common##* }" ;;
  esac
  echo "installing $package (browser tests)"
  install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null; }
  if ! install 2>/dev/null; then
    apt-get update -qq >/dev/null || true
    if ! install; then
      # A mirror without the shell at chromium-common's version: the full browser still works.
      [ -x /usr/bin/chromium ] || exit 1
      echo "note: could not install $package: the browser tests use the full /usr/bin/chromium" >&2
    fi
  fi
elif [ -x /usr/bin/chromium ]; then
  echo "note: $SHELL_BIN is missing and this is not root with apt-get: the browser tests use" \
       "the full /usr/bin/chromium (slower); apt-get install chromium-headless-shell to speed them up" >&2
else
  echo "note: no Chromium and this is not root with apt-get: the browser tests will skip;" \
       "install Debian's chromium-headless-shell package (apt-get install chromium-headless-shell)" >&2
fi
