#!/usr/bin/env bash
# System packages the test suite drives for real: headless Chromium (browser tests) and
# OpenLink Virtuoso (remote-store parity). Installed from Debian when missing and we are root.
# In CI (CI=true) a missing package is an error; elsewhere the tests that need it are skipped.
set -uo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing test dependencies: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
    exit 0
  fi
  echo "apt-get could not install: ${need[*]}" >&2
else
  echo "cannot install ${need[*]} (needs root and apt-get)" >&2
fi

if [ "${CI:-}" = "true" ]; then
  exit 1
fi
echo "continuing: tests that need ${need[*]} will be skipped" >&2
exit 0
