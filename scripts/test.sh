#!/usr/bin/env bash
# Run every test (set up first when needed). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
# The Linux proof of the Windows build: freeze the app with PyInstaller and run the frozen
# `dossier build`, `verify` and the self-test (about a minute). TAFELDOSSIER_FREEZE_TEST=0 skips it.
export TAFELDOSSIER_FREEZE_TEST=${TAFELDOSSIER_FREEZE_TEST:-1}
.venv/bin/ruff check dossier_app tests benchmarks
# -X faulthandler: a crash (also while the interpreter ends) prints where it happened.
.venv/bin/python -X faulthandler -m pytest "$@"
# The plain profile: the end-to-end tests again with PATH holding only the virtual
# environment (no pdftotext, mutool, Tesseract, LibreOffice), as on a plain Windows laptop.
# Skipped when extra arguments select tests (a developer's targeted run).
if [ $# -eq 0 ]; then
  .venv/bin/python -X faulthandler -m pytest -q --plain tests/test_plain.py tests/test_build.py tests/test_generated_pages.py \
    tests/test_ocr.py tests/test_gate.py tests/test_corpus_pipeline.py tests/test_gate_beneath_stamp.py \
    tests/test_memo.py
fi
