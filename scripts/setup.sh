#!/usr/bin/env bash
# Everything a fresh machine needs to run OpenCalls and its tests, and nothing twice:
# pnpm (pinned), the workspace's packages (Node 24 comes with them), the Rust toolchain check,
# Chromium for the browser tests (Debian package), and the native addon build.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
need_browser=${OPENCALLS_SETUP_BROWSER:-1}

step() { printf '\n==> %s\n' "$*"; }

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  step "installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "cargo (Rust) is required to build the native addon: install it with rustup" >&2
    exit 1
  fi
fi

if [ "$need_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  step "installing Chromium (Debian package) for the browser tests"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

step "installing workspace packages"
if [ "${CI:-}" = true ]; then
  pnpm install --frozen-lockfile
else
  pnpm install
fi

step "building the native addon"
pnpm run build:native
