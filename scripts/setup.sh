#!/usr/bin/env bash
# Set up a development environment: system packages, a virtualenv in .venv, and
# Tafeldossier installed in it (editable) with the test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev,namen]"
# Byte-compile the package once: every worker process the product starts then skips that
# (PYTHONDONTWRITEBYTECODE may be set, and an editable install does not compile).
.venv/bin/python -m compileall -q dossier_app >/dev/null
# deduce's slim lookup data and its cache, built once per installation instead of on the
# first use by every user (~1.5 s); a new data folder copies it.
.venv/bin/python -m dossier_app.anonymise.detect --prebuild >/dev/null
