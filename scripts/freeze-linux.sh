#!/usr/bin/env bash
# Proof build on Linux of the Windows package: freeze packaging/tafeldossier.spec with
# PyInstaller into build/freeze/ (ignored by git), then run the frozen programs: `dossier
# --versie`, `dossier build` on the example case with the built-in Word converter,
# `dossier verify` on that bundle, `dossier anonimiseer` on a 30-page PDF (the flagger's
# spawned worker and the gate's spawned pypdf/pdfminer workers must not fail), and
# `dossier-app --zelftest` offscreen, all with no program on PATH. Fails on any error;
# prints the folder's size and its ten largest items. See packaging/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
started=$(date +%s)

PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  bash scripts/setup.sh
fi
echo "== PyInstaller installeren (pip)" >&2
"$PY" -m pip install -q "pyinstaller>=6.10,<7" "pyinstaller-hooks-contrib>=2024.8"

OUT=build/freeze
echo "== packaging/tafeldossier.spec bevriezen naar $OUT/dist/Tafeldossier" >&2
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$OUT/dist" --workpath "$OUT/work" packaging/tafeldossier.spec
APP="$ROOT/$OUT/dist/Tafeldossier"
built=$(date +%s)

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Run the frozen programs from outside the source tree, as on a plain Windows laptop: PATH
# holds an empty folder only, so no pdftotext, mutool, Tesseract, LibreOffice or Python.
# The gate must read with what the folder ships (pypdf, pdfminer) and OCR runs inside it.
cd "$TMP"
export PATH=/usr/local/bin:/usr/bin:/bin
export QT_QPA_PLATFORM=offscreen
mkdir "$TMP/leeg"
plain() { env PATH="$TMP/leeg" "$@"; }

echo "== dossier --versie" >&2
plain "$APP/dossier" --versie
echo "== dossier build (voorbeeldcasus, --converter builtin, lege PATH)" >&2
plain "$APP/dossier" build "$ROOT/examples/adviestafel-den-haag/casus.toml" -o "$TMP/bundel.pdf" \
  --converter builtin --stil 2>&1 | tee "$TMP/build.txt"
grep -q "Tekstherkenning vond" "$TMP/build.txt" || { echo "geen OCR-voorstellen in de bevroren build" >&2; exit 1; }
echo "== dossier verify" >&2
plain "$APP/dossier" verify "$TMP/bundel.pdf"
echo "== dossier anonimiseer (30 pagina's: de flagger en de tekstmethoden van de eindcontrole (pypdf, pdfminer) draaien in werkprocessen)" >&2
"$ROOT/$PY" - "$TMP/lang.pdf" <<'PDF'
import sys
from reportlab.pdfgen import canvas
pdf = canvas.Canvas(sys.argv[1])
for n in range(1, 31):
    pdf.drawString(72, 760, f"Pagina {n}: Noor el Amrani was afwezig; oom Yusuf Bakker belde.")
    pdf.showPage()
pdf.save()
PDF
TAFELDOSSIER_DATA="$TMP/data" plain "$APP/dossier" anonimiseer \
  --case "$ROOT/examples/adviestafel-den-haag/casus.toml" "$TMP/lang.pdf" -o "$TMP/lang-anoniem.pdf"
if grep -q "flagger:" "$TMP/data/logs/tafeldossier.log"; then
  echo "het werkproces van de flagger faalde in de bevroren build:" >&2
  grep "flagger:" "$TMP/data/logs/tafeldossier.log" >&2
  exit 1
fi
echo "== dossier-app --zelftest (offscreen)" >&2
plain "$APP/dossier-app" --zelftest | tee "$TMP/zelftest.txt"
for needed in "Eindcontrole: objecten, pdfium, pypdf, pdfminer" "Tekstherkenning: tesseract-ingebouwd"; do
  grep -qF "$needed" "$TMP/zelftest.txt" || { echo "zelftest zonder: $needed" >&2; exit 1; }
done
echo "== licentieteksten aanwezig" >&2
for f in LICENSE.txt THIRD_PARTY_NOTICES.md _internal/resources/fonts/LICENSE-DejaVu.txt \
         _internal/resources/licenses/LGPL-3.0.txt _internal/resources/licenses/GPL-3.0.txt \
         _internal/resources/tessdata/nld.traineddata _internal/resources/tessdata/LICENSE-Apache-2.0.txt; do
  [ -s "$APP/$f" ] || { echo "ontbreekt: $f" >&2; exit 1; }
done
ls -d "$APP"/_internal/*.dist-info | wc -l | xargs echo "dist-info-mappen:"
# reportlab's C accelerator is imported by name in a string (PyInstaller cannot see it):
# the spec names it, and its licence comes with its dist-info
ls "$APP"/_internal/_rl_accel* >/dev/null 2>&1 || { echo "ontbreekt: _rl_accel" >&2; exit 1; }
ls -d "$APP"/_internal/rl_accel-*.dist-info >/dev/null 2>&1 || { echo "ontbreekt: rl_accel-*.dist-info" >&2; exit 1; }

cd "$ROOT"
echo "== grootte" >&2
du -sh "$APP"
echo "== tien grootste onderdelen (map en _internal)" >&2
{ find "$APP" -mindepth 1 -maxdepth 1 ! -name _internal -print0
  find "$APP/_internal" -mindepth 1 -maxdepth 1 -print0; } | xargs -0 du -sh | sort -rh | sed -n '1,10p'  # sed reads all: no SIGPIPE under pipefail
echo "Bevriezen: $((built - started)) s; rooktest: $(( $(date +%s) - built )) s"
echo "Bevroren build geslaagd: $APP"
