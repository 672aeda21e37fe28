#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium (the widget's browser tests,
# driven by Playwright without downloading a browser), Redis (the lock
# store shared by two Rasa replicas in the scale-out test) and Prometheus
# (promtool checks the alert rules and scrape configuration in deploy/).
# Idempotent: installs only what is missing. Usage: install-system-packages.sh
set -euo pipefail
declare -A wanted=([chromium]=/usr/bin/chromium [redis-server]=/usr/bin/redis-server [prometheus]=/usr/bin/promtool)
missing=()
for package in "${!wanted[@]}"; do
  [ -x "${wanted[$package]}" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  apt=(apt-get)
elif command -v sudo >/dev/null; then
  apt=(sudo apt-get)
else
  echo "Missing Debian packages: ${missing[*]}. Install them as root:" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} (Debian packages, once)..."
if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q "${missing[@]}" >/dev/null; then
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q "${missing[@]}" >/dev/null
fi
