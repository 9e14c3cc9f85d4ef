#!/usr/bin/env bash
# Installs everything twinctl needs to build and test, from Debian packages only.
# A no-op when all packages are present; uses sudo when not root.
set -euo pipefail

# --build: only what building the binary and its package needs (no test toolchain): the Action's
# `version: source` and the Ubuntu release build use it.
build_only=false
if [ "${1:-}" = --build ]; then
  build_only=true
fi
build_packages=(
  build-essential cmake ninja-build pkg-config dpkg-dev
  libgit2-dev libyaml-dev nlohmann-json3-dev libcli11-dev
  libmosquitto-dev libcurl4-openssl-dev protobuf-compiler libprotobuf-dev libsimdjson-dev libsqlite3-dev libpq-dev
  librdkafka-dev
)

packages=(
  build-essential cmake ninja-build pkg-config git
  libgit2-dev libyaml-dev nlohmann-json3-dev libcli11-dev catch2
  libmosquitto-dev mosquitto mosquitto-clients
  libcurl4-openssl-dev protobuf-compiler libprotobuf-dev libsimdjson-dev openssl libsqlite3-dev libpq-dev postgresql
  python3 python3-jsonschema python3-yaml man-db
  shellcheck nodejs graphviz
  zsh dpkg-dev sqlite3 systemd
  chromium python3-websocket
  clang jq
  librdkafka-dev kcat
)

if [ "$build_only" = true ]; then
  packages=("${build_packages[@]}")
fi
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# npm: some nodejs builds (nodesource) bundle it and conflict with Debian's npm package.
if [ "$build_only" = false ] && ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
