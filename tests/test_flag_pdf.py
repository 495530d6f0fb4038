"""The flagger of one document: it gets the page texts the redactor reads (and flags them in a
worker process for long documents), leaves known identifiers out and never shows them in a
context."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from proctools import gone_within, running
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from dossier_app.anonymise import flag_pdf
from dossier_app.anonymise.flag_pdf import PARALLEL_FROM_PAGES, PageFlagger, findings_in_texts
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.anonymise.pdfium_chars import page_texts
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


def _flagged_here(path: Path, confirmed: frozenset[str] = frozenset()) -> list[flag_pdf.Bevinding]:
    return findings_in_texts(enumerate(page_texts(path)), IDS, confirmed, before_redaction=True)


def test_findings_leave_known_identifiers_out_and_mask_them_in_the_context(tmp_path: Path) -> None:
    found = _flagged_here(_report(tmp_path / "verslag.pdf", 3))
    assert _seen(found) == [(3, "naam", "Yusuf"), (3, "telefoon", "06-12345673")]
    for b in found:
        assert not any(value in b.context.lower() for value in KNOWN), b.context
    assert "[moeder] belde daarna met oom Yusuf" in found[0].context


def _fed(job: PageFlagger, path: Path) -> PageFlagger:
    for index, text in enumerate(page_texts(path)):
        job.feed(index, text)
    return job


def test_worker_and_in_process_give_the_same_findings(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = _report(tmp_path / "lang.pdf")
    confirmed = frozenset({confirmation_hash("06-12345676")})
    with PageFlagger(IDS, confirmed, PAGES) as job:
        assert job.in_worker  # a long document: a worker process runs
        in_worker = _fed(job, path).result()
    monkeypatch.setenv("TAFELDOSSIER_PARALLEL", "0")
    with PageFlagger(IDS, confirmed, PAGES) as job:
        assert not job.in_worker
        here = _fed(job, path).result()
    assert in_worker == here == _flagged_here(path, confirmed)
    assert {p for p, _, _ in _seen(here)} == set(range(3, PAGES + 1, 3))
    assert ("06-12345676" not in {t for _, _, t in _seen(here)})  # confirmed as fine


def test_a_short_document_is_flagged_here(tmp_path: Path) -> None:
    path = _report(tmp_path / "kort.pdf", 3)
    with PageFlagger(IDS, frozenset(), 3) as job:
        assert not job.in_worker
        assert _seen(_fed(job, path).result()) == _seen(_flagged_here(path))


def test_a_worker_that_dies_is_redone_here(tmp_path: Path) -> None:
    path = _report(tmp_path / "lang.pdf")
    with PageFlagger(IDS, frozenset(), PAGES) as job:
        assert job.in_worker
        texts = page_texts(path)
        job.feed(0, texts[0])
        job._worker._process.kill()  # type: ignore[union-attr]  # as if it had crashed
        job._worker._process.join()  # type: ignore[union-attr]
        for index, text in enumerate(texts[1:], start=1):
            job.feed(index, text)  # never raises
        assert _seen(job.result()) == _seen(_flagged_here(path))


def test_a_worker_that_fails_reports_the_error_and_the_work_is_redone_here(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = _report(tmp_path / "lang.pdf")
    with PageFlagger(IDS, frozenset(), PAGES) as job:
        assert job.in_worker
        job._worker._texts.put(("geen paginanummer", None))  # type: ignore[union-attr]
        found = _fed(job, path).result()
    assert _seen(found) == _seen(_flagged_here(path))
    assert "werkproces mislukt (AttributeError)" in caplog.text  # None has no .lower()


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


def test_the_flagger_reads_filled_form_fields_as_the_bundle_will_show_them(tmp_path: Path) -> None:
    # The redactor turns field values into page text; the flagger gets that text, so a
    # phone number typed into a form field is offered for review like any other.
    path = tmp_path / "formulier.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawString(60, 780, "Aanmeldformulier")
    pdf.acroForm.textfield(name="contact", value="Oom Yusuf: 06-12345678", x=60, y=700,
                           width=300, height=20, borderWidth=0, fontSize=11)
    pdf.showPage()
    pdf.save()
    doc = Document(onderdeel="overige-verslagen", bestand=path.name, pad=path)
    done = process_document(doc, IDS, tmp_path, PipelineOptions(ocr=False))
    assert (1, "telefoon", "06-12345678") in _seen(done.bevindingen)


_ORPHAN_PARENT = """
import time
import subprocess
import sys
import time
from datetime import date
from dossier_app.anonymise.flag_pdf import PageFlagger
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.case_model import Leerling
if __name__ == "__main__":
    ids = build_identifiers(Leerling(voornamen="Noor", achternaam="el Amrani",
                                     geboortedatum=date(2015, 11, 17)), [])
    with PageFlagger(ids, frozenset(), 100) as job:
        print(job._worker._process.pid, flush=True)
        time.sleep(120)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_the_worker_ends_when_its_caller_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", _ORPHAN_PARENT], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(parent.stdout.readline())  # type: ignore[union-attr]
        assert running(worker)
    finally:
        parent.kill()  # as if the app crashed: no clean-up ran
        parent.wait()
    assert gone_within([worker])


def test_a_finding_carries_its_whole_value_page_span_and_boxes(tmp_path: Path) -> None:
    """What the review list needs: the value as a whole (not a cut context), its page, its
    char span on that page and its boxes (one per line) to highlight it in the preview."""
    path = tmp_path / "lang.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(60, 780, "Voorblad")
    pdf.showPage()
    pdf.setFont("Helvetica", 11)
    pdf.drawString(60, 780, "Eerder woonde de familie bij oom Abdelkader Bakkali-Benhaddou,")
    pdf.drawString(60, 764, "Sint Sebastiaansbergstraat 1234b, bereikbaar op 06-12345678.")
    pdf.showPage()
    pdf.save()
    texts = page_texts(path)
    found = flag_pdf.with_boxes(findings_in_texts(enumerate(texts), IDS), path)
    by_value = {b.tekst: b for b in found}
    name = by_value["Abdelkader Bakkali-Benhaddou"]
    street = by_value["Sint Sebastiaansbergstraat 1234b"]
    assert name.pagina == 2 and name.categorie == "naam" and not name.review
    assert texts[1][name.start:name.end] == "Abdelkader Bakkali-Benhaddou"
    assert texts[1][street.start:street.end] == "Sint Sebastiaansbergstraat 1234b"
    (box,) = name.vakken  # one line; top-left origin of the page as shown (842 pt high)
    from reportlab.pdfbase.pdfmetrics import stringWidth

    left = 60 + stringWidth("Eerder woonde de familie bij oom ", "Helvetica", 11)
    width = stringWidth("Abdelkader Bakkali-Benhaddou", "Helvetica", 11)
    assert box.pagina == 2 and abs(box.x - left) < 1.5 and abs(box.breedte - width) < 1.5
    assert 842 - 780 - 12 < box.y < 842 - 780 < box.y + box.hoogte < 842 - 780 + 5
    assert by_value["06-12345678"].vakken[0].y > box.y + 10  # the next line, lower down


def test_a_name_detector_that_fails_on_a_document_is_said_with_that_document(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wizard's preparation (and `anonimiseer`) tells the user when names were looked
    for only with Tafeldossier's own rules, as the loket's check does for a bundle."""
    from dossier_app.anonymise import detect

    if not detect.DeduceNames.available():
        pytest.skip("deduce is not installed")
    path = _report(tmp_path / "kort.pdf", 3)  # flagged in this process
    doc = Document(onderdeel="overige-verslagen", bestand=path.name, pad=path)
    done = process_document(doc, IDS, tmp_path, PipelineOptions(ocr=False))
    assert "NAAMHERKENNING_ONVOLLEDIG" not in {m.code for m in done.meldingen}

    def broken(self, text: str):
        raise RuntimeError("opzoekgegevens beschadigd")

    monkeypatch.setattr(detect.DeduceNames, "find_names", broken)
    done = process_document(doc, IDS, tmp_path, PipelineOptions(ocr=False))
    [warning] = [m for m in done.meldingen if m.code == "NAAMHERKENNING_ONVOLLEDIG"]
    assert warning.niveau == "waarschuwing" and warning.bestand == "kort.pdf"
    assert "Lees het document zelf na op namen" in warning.tekst
    assert any(b.tekst == "Yusuf" for b in done.bevindingen)  # the own rules still found him
