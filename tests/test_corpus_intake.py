"""Every file of the shared torture corpus through intake, each in its own process.

A subprocess per file gives a hard time limit (a hang in C code cannot be
interrupted in-process) and a clean peak-RSS measurement per file.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).parents[2] / "shared" / "corpus"
MANIFEST = CORPUS / "MANIFEST.tsv"

if not MANIFEST.is_file():
    pytest.skip(f"torture corpus not found at {CORPUS}", allow_module_level=True)

with MANIFEST.open(encoding="utf-8", newline="") as _fh:
    ROWS = list(csv.DictReader(_fh, delimiter="\t"))

TIMEOUT_S = 30
MAX_RSS_MB = 500

# accept-with-warning rows whose problem intake itself can name, and the code it uses.
INTAKE_WARNINGS = {
    "pdf-enc-empty-user-password.pdf": "PDF_VERSLEUTELING_VERWIJDERD",
    "pdf-enc-leading-junk.pdf": "PDF_VERSLEUTELING_VERWIJDERD",
    "pdf-broken-xref-offsets.pdf": "PDF_HERSTELD",
    "pdf-broken-truncated-scan.pdf": "PDF_HERSTELD",
    "pdf-dos-page-count-lie.pdf": "PDF_PAGINATELLING_ONJUIST",
    "pdf-xfa-form.pdf": "PDF_XFA",
    "pdf-huge-page-userunit.pdf": "PDF_PAGINA_ZEER_GROOT",
    "docx-external-linked-image.docx": "DOCX_GEKOPPELDE_AFBEELDING",
    "docx-embedded-ole-objects.docx": "DOCX_OLE_VERWIJDERD",
    "docx-strict-ooxml.docx": "DOCX_STRIKT_OMGEZET",
    "docx-dangling-relationship.docx": "DOCX_KOPPELING_ONTBREEKT",
}
# accept-with-warning rows whose warning belongs to a later step (sanitiser,
# anonymiser, converter): JavaScript, attachments, signatures, annotations,
# hidden layers, tracked changes, comments, WMF/EMF, no text layer.
LATER_STEP_WARNINGS = {
    "pdf-js-document-actions.pdf", "pdf-js-launch-govform.pdf", "pdf-embedded-file.pdf",
    "pdf-attachment-annotation.pdf", "pdf-acroform-usage-rights-f1040.pdf",
    "pdf-annotations-incremental.pdf", "pdf-optional-content-hidden.pdf",
    "pdf-scan-rotated-content.pdf", "pdf-scan-image-only.pdf", "pdf-signed.pdf",
    "docx-tracked-changes.docx", "docx-comments-rich.docx", "docx-images-wmf-emf.docx",
    "docx-empty-body-footer-only.docx",
}

_WORKER = r"""
import json, resource, sys
from pathlib import Path
from dossier_app.documents.intake import intake
from dossier_app.errors import DocumentError
path, workdir = Path(sys.argv[1]), Path(sys.argv[2])
try:
    r = intake(path, bestand=path.name, workdir=workdir)
    out = {"status": "ok", "kind": str(r.kind), "output": str(r.output), "pages": r.pages,
           "meldingen": [m.as_dict() for m in r.meldingen]}
except DocumentError as e:
    out = {"status": "error", "type": type(e).__name__, "code": e.code,
           "message": e.message, "bestand": e.bestand}
except BaseException as e:
    out = {"status": "crash", "type": type(e).__name__, "message": str(e)}
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

_DUTCH_WORDS = re.compile(r"\b(het|de|een|is|niet|bestand|kan|of|en|met)\b", re.IGNORECASE)
_INSTRUCTION = re.compile(
    r"\b(vraag|sla|open|zet|druk|voer|scan|maak|kies|exporteer|pak|verklein|controleer|"
    r"voeg)\b", re.IGNORECASE)


def _run(path: Path, workdir: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", _WORKER, str(path), str(workdir)],
                          capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("row", ROWS, ids=[row["file"] for row in ROWS])
def test_corpus_file(row: dict, tmp_path: Path, record_property) -> None:
    name, expected = row["file"], row["expected_behaviour"]
    try:
        out = _run(CORPUS / name, tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: intake took longer than {TIMEOUT_S} s")
    record_property("intake", json.dumps(out, ensure_ascii=False))
    assert out["status"] != "crash", f"{name}: {out['type']}: {out['message']}"
    assert out["max_rss_mb"] < MAX_RSS_MB, f"{name}: peak RSS {out['max_rss_mb']:.0f} MB"
    if expected == "reject-with-clear-error":
        _assert_clear_refusal(name, out)
    else:
        _assert_accepted(name, expected, out, tmp_path)


def _assert_clear_refusal(name: str, out: dict) -> None:
    assert out["status"] == "error", f"{name} should be refused, got {out}"
    message = out["message"]
    assert out["code"], "every refusal carries a stable code"
    assert out["bestand"] == name
    assert name in message, "the message names the file"
    assert len(_DUTCH_WORDS.findall(message)) >= 3, f"not Dutch: {message}"
    assert _INSTRUCTION.search(message), f"no instruction: {message}"


def _assert_accepted(name: str, expected: str, out: dict, workdir: Path) -> None:
    assert out["status"] == "ok", f"{name} should be accepted, got {out}"
    output = Path(out["output"])
    assert output.parent == workdir and output.is_file() and output.stat().st_size > 0
    assert re.fullmatch(r"doc-\d+\.(pdf|docx)", output.name), "neutral output name"
    codes = {m["code"] for m in out["meldingen"] if m.get("niveau") == "waarschuwing"}
    for melding in out["meldingen"]:
        assert melding["bestand"] == name and melding["tekst"]
    if expected == "accept":
        assert not codes, f"{name}: accept rows get no warning, got {codes}"
    elif name in INTAKE_WARNINGS:
        assert INTAKE_WARNINGS[name] in codes, f"{name}: expected {INTAKE_WARNINGS[name]}"
    else:
        assert name in LATER_STEP_WARNINGS, f"{name}: classify its warning in this test"


def test_manifest_rows_are_all_classified() -> None:
    warn_rows = {row["file"] for row in ROWS if row["expected_behaviour"] == "accept-with-warning"}
    assert warn_rows == set(INTAKE_WARNINGS) | LATER_STEP_WARNINGS
