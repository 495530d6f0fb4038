#!/usr/bin/env bash
# Set everything up, then run the main job on the example case.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== dossier check examples/adviestafel-den-haag/casus.toml" >&2
.venv/bin/dossier check examples/adviestafel-den-haag/casus.toml
