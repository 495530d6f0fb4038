#!/usr/bin/env bash
# Set everything up, then run the main job on the example case: check it, build the
# anonymised bundle, and check that bundle as the loket would.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
CASE=examples/adviestafel-den-haag/casus.toml
echo "== dossier check $CASE" >&2
.venv/bin/dossier check "$CASE"
echo "== dossier build $CASE -o out/voorbeeld-bundel.pdf" >&2
.venv/bin/dossier build "$CASE" -o out/voorbeeld-bundel.pdf --force
echo "== dossier verify out/voorbeeld-bundel.pdf" >&2
.venv/bin/dossier verify out/voorbeeld-bundel.pdf
