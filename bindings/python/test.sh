#!/usr/bin/env bash
# Builds the Python binding into a virtual environment under target/ and runs its pytest
# tests. Prints `SKIP python: <why>` and exits 0 where Python, venv or pip is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/target/python-venv"

skip() { echo "SKIP python: $*"; exit 0; }

command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' \
  || skip "python3 is $(python3 -V 2>&1); 3.9 or later is needed"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >/dev/null 2>&1 \
    || { rm -rf "$venv"; skip "python3 -m venv failed (Debian: apt-get install python3-venv)"; }
fi
"$venv/bin/python" -m pip --version >/dev/null 2>&1 || skip "pip is not available in the venv"

# Pinned tool versions (the binding itself needs only maturin to build).
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  "maturin==1.16.0" "pytest==9.2.0" "rich==15.0.0" \
  || skip "pip could not install maturin, pytest and rich (no package index?)"

# Build the extension module (release: the tests stream a thousand messages) and install
# it into the venv. PYO3_BUILD_EXTENSION_MODULE: link as an extension module, without
# libpython.
cd "$here"
export PYO3_BUILD_EXTENSION_MODULE=1
VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" \
  "$venv/bin/maturin" develop --release --quiet --manifest-path "$here/Cargo.toml"

"$venv/bin/python" -m pytest -q "$here/tests"
