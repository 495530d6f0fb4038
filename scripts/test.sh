#!/usr/bin/env bash
# Run every test (set up first when needed). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check dossier_app tests benchmarks
.venv/bin/python -m pytest "$@"
