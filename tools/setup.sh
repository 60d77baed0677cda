#!/usr/bin/env bash
# Installs what this repo needs on a fresh Debian 12 machine: system packages (Samba), pnpm, and the
# workspace's dependencies. Installs only what is missing, so it is cheap to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
# samba-vfs-modules (streams_xattr) is only a Recommends of samba. The Kerberos tests run an MIT KDC
# (krb5-*), the domain DFS tests a Samba AD DC (samba-ad-dc, winbind), both in network namespaces (iproute2).
# time: /usr/bin/time gives tools/bench the CPU time and peak RSS of each client process.
APT_PACKAGES=(samba smbclient samba-vfs-modules krb5-kdc krb5-admin-server krb5-user libkrb5-dev samba-ad-dc winbind iproute2 time)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for p in "${APT_PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: run as root, or first: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  # corepack verifies the download against the sha512 in package.json's packageManager.
  echo "setup: pnpm $PNPM_VERSION via corepack"
  export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  if ! { corepack enable pnpm && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; }; then
    echo "setup: corepack failed, falling back to npm i -g pnpm@$PNPM_VERSION"
    npm i -g "pnpm@$PNPM_VERSION"
  fi
fi

# No TTY prompt if node_modules must be rebuilt (e.g. after a store change).
pnpm install --frozen-lockfile --config.confirm-modules-purge=false

# Optional: smb-auth's system-GSSAPI addon (systemKerberos) needs libkrb5-dev; a failed build only warns.
if installed libkrb5-dev && ! pnpm --filter smb-auth run build:gssapi >/dev/null 2>&1; then
  echo "setup: warning: building smb-auth's GSS-API addon failed (systemKerberos unavailable); retry: pnpm --filter smb-auth run build:gssapi" >&2
fi
