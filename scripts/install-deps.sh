#!/usr/bin/env bash
# Installs everything twinctl needs to build and test, from Debian packages only.
# A no-op when all packages are present; uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libgit2-dev libyaml-dev nlohmann-json3-dev libcli11-dev catch2
  libmosquitto-dev mosquitto mosquitto-clients
  libcurl4-openssl-dev protobuf-compiler libprotobuf-dev libsimdjson-dev openssl libsqlite3-dev
  python3 python3-jsonschema python3-yaml man-db
  shellcheck nodejs graphviz
  zsh dpkg-dev sqlite3 systemd
  chromium python3-websocket
  clang jq
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# npm: some nodejs builds (nodesource) bundle it and conflict with Debian's npm package.
if ! command -v npm >/dev/null 2>&1; then
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
