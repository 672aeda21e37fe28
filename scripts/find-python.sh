#!/usr/bin/env bash
# Print the path of a Python interpreter of the given minor version (e.g. 3.10),
# looking on PATH and under pyenv; fail with what to install when there is none.
set -euo pipefail
want="${1:?usage: find-python.sh 3.10}"

candidates=("python${want}")
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for dir in "$pyenv_root"/versions/"${want}".*/bin; do
  [ -x "$dir/python${want}" ] && candidates+=("$dir/python${want}")
done
for dir in /usr/bin /usr/local/bin; do
  candidates+=("$dir/python${want}")
done

for candidate in "${candidates[@]}"; do
  # A pyenv shim exists even when that version is not installed, so ask the
  # interpreter itself rather than trusting `command -v`.
  if path=$("$candidate" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '${want}'.split('.'))); print(sys.executable)" 2>/dev/null); then
    echo "$path"
    exit 0
  fi
done

cat >&2 <<MSG
error: Python ${want} was not found (looked on PATH and under ${pyenv_root}/versions).
DovvyBuddy needs Python 3.10 for the Rasa server (Rasa 3.6 supports 3.8-3.10 only)
and Python 3.11 for the action server. Install the missing one, for example:
  pyenv install ${want}        # with pyenv
  apt-get install python${want} python${want}-venv   # on Debian/Ubuntu, where packaged
then run the make command again.
MSG
exit 1
