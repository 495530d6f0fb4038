"""Every file of the torture corpus through the whole document pipeline, as `anonimiseer`
runs it: the expected behaviour of MANIFEST.tsv, a specific warning where one is due,
never a traceback, and no hang (each in a subprocess with a time limit, so a hang cannot
stall CI)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from conftest import CORPUS, plain_profile

pytestmark = pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").is_file(),
                                reason="../shared/corpus is not beside this checkout")

# A guard against a hang, not a speed limit: without pdftotext and mutool (the plain
# profile) the gate reads long files with the pure-Python engines, several times slower;
# a rotated multi-page scan takes 25 s of Tesseract on a quiet 2-core machine and twice
# that on a busy one (30 s made the test fail on load, not on a hang).
HANG_S = 240 if plain_profile() else 120

# The specific problem each accept-with-warning file must be reported with (any of these codes).
WARNINGS = {
    "pdf-enc-empty-user-password.pdf": {"PDF_VERSLEUTELING_VERWIJDERD"},
    "pdf-enc-leading-junk.pdf": {"PDF_VERSLEUTELING_VERWIJDERD", "PDF_HERSTELD"},
    "pdf-broken-xref-offsets.pdf": {"PDF_HERSTELD"},
    "pdf-broken-truncated-scan.pdf": {"PDF_HERSTELD"},
    "pdf-dos-page-count-lie.pdf": {"PDF_PAGINATELLING_ONJUIST"},
    "pdf-js-document-actions.pdf": {"JAVASCRIPT_VERWIJDERD"},
    "pdf-js-launch-govform.pdf": {"JAVASCRIPT_VERWIJDERD", "ACTIES_VERWIJDERD"},
    "pdf-embedded-file.pdf": {"BIJLAGE_NIET_OPGENOMEN"},
    "pdf-attachment-annotation.pdf": {"BIJLAGE_NIET_OPGENOMEN"},
    "pdf-xfa-form.pdf": {"PDF_XFA", "XFA_VERWIJDERD"},
    "pdf-acroform-usage-rights-f1040.pdf": {"HANDTEKENING_ONGELDIG"},
    "pdf-annotations-incremental.pdf": {"OPMERKINGEN_VERWIJDERD"},
    "pdf-optional-content-hidden.pdf": {"VERBORGEN_LAAG_VERWIJDERD"},
    "pdf-huge-page-userunit.pdf": {"PDF_PAGINA_ZEER_GROOT"},
    "pdf-scan-rotated-content.pdf": {"GEEN_TEKSTLAAG"},
    "pdf-scan-image-only.pdf": {"GEEN_TEKSTLAAG"},
    "pdf-signed.pdf": {"HANDTEKENING_ONGELDIG"},
    "docx-tracked-changes.docx": {"DOCX_WIJZIGINGEN"},
    "docx-comments-rich.docx": {"DOCX_OPMERKINGEN"},
    "docx-images-wmf-emf.docx": {"DOCX_WMF_EMF"},
    "docx-external-linked-image.docx": {"DOCX_GEKOPPELDE_AFBEELDING"},
    "docx-embedded-ole-objects.docx": {"DOCX_OLE_VERWIJDERD"},
    "docx-strict-ooxml.docx": {"DOCX_STRIKT_OMGEZET"},
    "docx-empty-body-footer-only.docx": {"DOCX_GEEN_HOOFDTEKST"},
    "docx-dangling-relationship.docx": {"DOCX_KOPPELING_ONTBREEKT"},
}

RUNNER = """
import json, sys
from pathlib import Path
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.case_model import Document, Leerling
from dossier_app.documents.pipeline import PipelineOptions, process_document
from dossier_app.errors import DossierError
from dossier_app.store.workdir import private_workdir
path, shown = Path(sys.argv[1]), sys.argv[2]
ids = build_identifiers(Leerling(voornamen="Pavel", achternaam="Jansen"), [])
try:
    with private_workdir() as wd:
        done = process_document(Document("opp", shown, path), ids, wd, PipelineOptions(converter="builtin"))
        print(json.dumps({"exit": 0, "codes": sorted({m.code for m in done.meldingen}),
                          "pages": done.paginas}))
except DossierError as e:
    print(json.dumps({"exit": int(e.exit_code), "message": e.message}))
"""


def _rows() -> list[dict[str, str]]:
    if not (CORPUS / "MANIFEST.tsv").is_file():
        return []
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.mark.slow
@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["file"])
def test_corpus_file_gets_its_expected_behaviour(row, tmp_path):
    shown = f"stukken/{row['file']}"
    # A guard against a hang, not a speed test: scans are read by Tesseract up to three
    # times (proposals, the re-read after burning, the gate), seconds per page on 2 cores.
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(CORPUS / row["file"]), shown],
                          capture_output=True, text=True, timeout=HANG_S, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]  # no crash, no traceback
    assert "Traceback" not in proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    expected = row["expected_behaviour"]
    if expected == "reject-with-clear-error":
        assert result["exit"] == 3, result
        assert shown in result["message"]
        assert any(w in result["message"].lower() for w in ("vraag", "sla", "open", "kies", "maak",
                                                            "druk", "voer", "zet", "gebruik"))
    else:
        assert result["exit"] == 0, result
        assert result["pages"] >= 1
        if expected == "accept-with-warning":
            assert set(result["codes"]) & WARNINGS[row["file"]], result["codes"]


def test_every_warning_row_has_an_expected_code():
    rows = {r["file"] for r in _rows() if r["expected_behaviour"] == "accept-with-warning"}
    assert rows == set(WARNINGS)
