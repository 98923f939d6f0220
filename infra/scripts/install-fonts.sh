#!/usr/bin/env bash
# Install the caption and title fonts listed in infra/fonts.txt, the same way everywhere: make,
# CI and the assembly image run this script. As root, apt-get installs the packages (and
# fontconfig). Without root, the packages' .debs are downloaded (apt-get download needs no root)
# and unpacked into the user's font folder (${XDG_DATA_HOME:-~/.local/share}/fonts/storygenius),
# which fontconfig reads by default. Nothing happens when every package is already there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
list="${STORYGENIUS_FONTS_LIST:-$here/../fonts.txt}"
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep .)
user_dir="${XDG_DATA_HOME:-$HOME/.local/share}/fonts/storygenius"

installed() {  # a package is there system-wide, or unpacked for this user
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed" || [ -e "$user_dir/.$1" ]
}

missing=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
command -v fc-list >/dev/null || [ "$(id -u)" != 0 ] || missing+=(fontconfig)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing fonts: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
elif command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null; then
  echo "unpacking fonts into $user_dir: ${missing[*]}"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$user_dir"
  for p in "${missing[@]}"; do
    (cd "$work" && apt-get download -qq "$p" >/dev/null)
    dpkg-deb -x "$work/$p"_*.deb "$work/root"
    find "$work/root" -type f \( -name '*.ttf' -o -name '*.otf' -o -name '*.ttc' \) \
      -exec cp -f {} "$user_dir/" \;
    rm -rf "$work/root" "$work/$p"_*.deb
    touch "$user_dir/.$p"
  done
else
  echo "error: install these Debian packages (or fonts with the same coverage): ${missing[*]}" >&2
  exit 1
fi
if command -v fc-cache >/dev/null; then fc-cache -f >/dev/null 2>&1 || true; fi
