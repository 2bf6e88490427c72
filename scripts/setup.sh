#!/usr/bin/env bash
# Idempotent set-up: pnpm, dependencies, helm/kubectl, and the Debian packages tests use.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  # corepack fails on these machines (see TOOLCHAIN.md), so pnpm comes from npm.
  npm i -g "pnpm@$PNPM_VERSION" >/dev/null
fi

pnpm install --frozen-lockfile --reporter=silent
pnpm --silent tools
# The router serves the console (GET /ui) from these prebuilt assets (console/dist, ~1 s).
node_modules/.bin/tsx console/src/build/cli.ts

# Real Redis and promtool/prometheus for tests, Chromium for report rendering.
bash scripts/setup-debian.sh
