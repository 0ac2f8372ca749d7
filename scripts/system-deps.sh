#!/usr/bin/env bash
# What `npm test` needs besides npm packages: Debian's Chromium (the browser and end-to-end tests) and
# PostgreSQL (the shared-ledger tests start their own throwaway servers with its binaries). Run as
# root, it installs what is missing; otherwise it stops at once with the command that would.
set -euo pipefail
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y "${missing[@]}"
  exit 0
fi
echo "npm test needs Debian's ${missing[*]}, which this machine lacks. Install it, then run npm test again:" >&2
echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
exit 1
