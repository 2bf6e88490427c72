#!/usr/bin/env bash
# Debian packages that tests start for real. redis-server and chromium install system-wide;
# prometheus/promtool are unpacked into .tools/ (no service gets enabled).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tools/bin .cache

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} from Debian" >&2
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x .tools/bin/promtool ]; then
  echo "setup: unpacking prometheus/promtool into .tools/bin" >&2
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1) || { as_root apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null; (cd "$tmp" && apt-get download prometheus >/dev/null); }
  dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/x"
  cp "$tmp/x/usr/bin/promtool" "$tmp/x/usr/bin/prometheus" .tools/bin/
  rm -rf "$tmp"
fi
