"""The flagger of one document: it reads the file going into redaction (in a worker process
for long documents), leaves known identifiers out and never shows them in a context."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from dossier_app.anonymise import flag_pdf
from dossier_app.anonymise.flag_pdf import PARALLEL_FROM_PAGES, FlaggingBeforeRedaction, findings
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.case_model import Document, Lakvlak, Leerling, Persoon
from dossier_app.documents.pipeline import PipelineOptions, process_document
from dossier_app.privacy import confirmation_hash

IDS = build_identifiers(
    Leerling(voornamen="Noor", achternaam="el Amrani", geboortedatum=date(2015, 11, 17)),
    [Persoon(rol="moeder", naam="Fatima el Amrani-Bouzid", telefoon="06-41528376")])
KNOWN = ["noor", "amrani", "fatima", "bouzid", "41528376", "17-11-2015"]
PAGES = PARALLEL_FROM_PAGES + 2


def _report(path: Path, pages: int = PAGES) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for n in range(1, pages + 1):
        pdf.setFont("Helvetica", 11)
        pdf.drawString(60, 780, f"Verslag pagina {n}. Noor el Amrani kwam niet naar school.")
        pdf.drawString(60, 760, "Moeder Fatima el Amrani-Bouzid (06-41528376) belde.")
        if n % 3 == 0:  # on every third page someone the school did not enter
            pdf.drawString(60, 740, f"Fatima belde daarna met oom Yusuf op 06-1234567{n % 10}.")
        pdf.showPage()
    pdf.save()
    return path


def _seen(found: list[flag_pdf.Bevinding]) -> list[tuple[int, str, str]]:
    return [(b.pagina, b.categorie, b.tekst) for b in found]


def test_findings_leave_known_identifiers_out_and_mask_them_in_the_context(tmp_path: Path) -> None:
    found = findings(_report(tmp_path / "verslag.pdf", 3), IDS, before_redaction=True)
    assert _seen(found) == [(3, "naam", "Yusuf"), (3, "telefoon", "06-12345673")]
    for b in found:
        assert not any(value in b.context.lower() for value in KNOWN), b.context
    assert "[moeder] belde daarna met oom Yusuf" in found[0].context


def test_worker_and_in_process_give_the_same_findings(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = _report(tmp_path / "lang.pdf")
    confirmed = frozenset({confirmation_hash("06-12345676")})
    with FlaggingBeforeRedaction(path, IDS, confirmed) as job:
        assert job._future is not None  # a long document: a worker process runs
        in_worker = job.result()
    monkeypatch.setenv("TAFELDOSSIER_PARALLEL", "0")
    with FlaggingBeforeRedaction(path, IDS, confirmed) as job:
        assert job._future is None
        here = job.result()
    assert in_worker == here
    assert {p for p, _, _ in _seen(here)} == set(range(3, PAGES + 1, 3))
    assert ("06-12345676" not in {t for _, _, t in _seen(here)})  # confirmed as fine


def test_a_failing_worker_is_redone_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _report(tmp_path / "lang.pdf")
    with FlaggingBeforeRedaction(path, IDS, frozenset()) as job:
        assert job._future is not None
        job._pool.shutdown(wait=True)  # type: ignore[union-attr]
        job._future = _Failed()  # type: ignore[assignment]  # as if the worker had died
        assert _seen(job.result()) == _seen(findings(path, IDS, before_redaction=True))


class _Failed:
    def result(self, timeout: float | None = None) -> list[flag_pdf.Bevinding]:
        raise RuntimeError("worker died")


def test_process_document_reports_findings_but_not_on_pages_that_became_images(tmp_path: Path) -> None:
    path = _report(tmp_path / "lang.pdf")
    region = Lakvlak(pagina=6, x=50, y=50, breedte=100, hoogte=20)
    doc = Document(onderdeel="overige-verslagen", bestand=path.name, pad=path, lakken=(region,))
    done = process_document(doc, IDS, tmp_path, PipelineOptions(ocr=False))
    assert 6 in done.gerasterd
    pages = {b.pagina for b in done.bevindingen}
    assert pages == set(range(3, PAGES + 1, 3)) - {6}
    for b in done.bevindingen:
        assert not any(value in b.context.lower() for value in KNOWN)
