#!/usr/bin/env bash
# Creates the project's virtual environment (.venv, beside this folder) with the pinned tools
# of scripts/requirements.txt, from Debian's python3. Does nothing when .venv already has
# exactly those pins. Prints the environment's folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.venv
requirements=$root/scripts/requirements.txt
stamp=$venv/.onnxkit-requirements

if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$stamp"; then
  echo "$venv"
  exit 0
fi
# Debian's interpreter, not whatever python3 comes first on PATH: the set-up script installs
# it (python3, python3-venv), so every machine gets the same environment.
/usr/bin/python3 -m venv --clear "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements" >&2
cp "$requirements" "$stamp"
echo "$venv"
