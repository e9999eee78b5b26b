#!/usr/bin/env bash
# Installs what the build and the tests need, once: each step is skipped when
# its tool is already there at the right version. A fresh machine takes about
# 12 minutes (mostly the two cargo installs); afterwards this takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack from crates.io (several minutes)"
  cargo install wasm-pack --locked
fi

# wasm-bindgen-cli must be exactly the version in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ -z "$want" ]; then echo "wasm-bindgen not found in Cargo.lock" >&2; exit 1; fi
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (had: ${have:-none}; several minutes)"
  cargo install wasm-bindgen-cli --version "$want"
fi

if ! command -v cargo-fuzz >/dev/null; then
  say "installing cargo-fuzz from crates.io (a few minutes)"
  cargo install cargo-fuzz --locked
fi

# The three browser engines from Debian: Chromium (+ chromedriver for the
# wasm-bindgen tests), Firefox ESR (driven over WebDriver BiDi by
# puppeteer-core; geckodriver below for the wasm-bindgen tests) and WebKitGTK
# (WebKitWebDriver runs MiniBrowser; Xvfb gives it a display).
apt_missing=()
command -v chromium >/dev/null || apt_missing+=(chromium)
command -v chromedriver >/dev/null || apt_missing+=(chromium-driver)
command -v firefox-esr >/dev/null || apt_missing+=(firefox-esr)
command -v WebKitWebDriver >/dev/null || apt_missing+=(webkit2gtk-driver)
command -v Xvfb >/dev/null && command -v xvfb-run >/dev/null || apt_missing+=(xvfb)
command -v xauth >/dev/null || apt_missing+=(xauth)
if [ ${#apt_missing[@]} -gt 0 ]; then
  say "installing Debian's ${apt_missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

GECKODRIVER_VERSION=0.37.1
if [ "$(geckodriver --version 2>/dev/null | awk 'NR==1{print $2}')" != "$GECKODRIVER_VERSION" ]; then
  say "installing geckodriver $GECKODRIVER_VERSION from crates.io (a few minutes)"
  cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked
fi

# Node tooling for the build (npm's binaryen: Debian's wasm-opt 108 produces
# modules that fail to load) and the tests; versions pinned in tools/package.json.
if [ ! -f tools/node_modules/.installed ] || [ tools/package-lock.json -nt tools/node_modules/.installed ]; then
  say "installing node tooling (tools/package.json)"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
  touch tools/node_modules/.installed
fi
say "ready: $(wasm-pack --version), $(wasm-bindgen --version), $(chromium --version 2>/dev/null | head -1), $(firefox-esr --version 2>/dev/null), WebKitGTK $(dpkg-query -W -f '${Version}' webkit2gtk-driver 2>/dev/null), bun $(tools/node_modules/.bin/bun --version), node $(node --version)"
