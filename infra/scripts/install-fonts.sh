#!/usr/bin/env bash
# Make sure a font covering CJK is installed for captions (DejaVu has Latin, Cyrillic, Greek,
# Arabic but no CJK). Uses Debian's fonts-droid-fallback (4 MB) when run as root with apt-get;
# otherwise says what to install. Captions in a script no font covers fail with a clear message.
set -euo pipefail
if fc-list ':lang=zh' family 2>/dev/null | grep -q .; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing fonts-droid-fallback (CJK captions)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-droid-fallback fontconfig >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-droid-fallback fontconfig >/dev/null
  fi
  fc-cache -f >/dev/null 2>&1 || true
else
  echo "note: no CJK font found; install fonts-droid-fallback or fonts-noto-cjk for Chinese/Japanese/Korean captions" >&2
fi
