#!/usr/bin/env bash
# Installs what Berth needs on Debian 12 (idempotent), then the npm dependencies, then builds.
# Needs root (apt-get, and berthd itself runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: run as root (sudo): berthd manages mounts, namespaces and cgroups" >&2
  exit 1
fi

# runc: the OCI runtime; busybox-static: the test/demo image; tini: --init; attr: overlay opaque
# dirs; gcc/libc6-dev: the berth-monitor; nftables/iproute2: networking; procps: top;
# skopeo, docker-compose, python3-docker: real clients the tests drive.
PACKAGES=(runc busybox-static tini attr gcc libc6-dev nftables iproute2 procps ca-certificates curl socat
  skopeo docker-compose python3-docker debootstrap openssl)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # --no-install-recommends: docker-compose would otherwise pull in Docker's own daemon.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
