"""Date fields typed as people type them, and a review that is never stale."""

from __future__ import annotations

import tomllib
from datetime import date

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from uihelpers import copy_example, type_date, type_text, window_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.gui

LEAP_DAY = date(2016, 2, 29)


def pdf_text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


def _saved_birth_date(w, tmp_path):
    path = tmp_path / "opgeslagen.toml"
    w._save_to(path)
    return tomllib.loads(path.read_text(encoding="utf-8"))["leerling"].get("geboortedatum")


@pytest.mark.parametrize("typed", ["29-02-2016", "29/02/2016", "29.02.2016", "2016-02-29", "29-2-2016",
                                   "29 februari 2016", "29 feb 2016"])
def test_birth_date_in_every_usual_format_is_saved(window, tmp_path, typed):
    w = window(copy_example(tmp_path))
    w.go_to(2)
    type_date(w.personen.geboorte, typed)
    assert w.state.case.leerling.geboortedatum == LEAP_DAY
    assert w.personen.geboorte.edit.text() == "29-02-2016"  # shown back as read
    assert "29 februari 2016" in w.personen.geboorte.words.text()
    assert _saved_birth_date(w, tmp_path) == LEAP_DAY


def test_a_date_that_does_not_exist_is_red_and_blocks_volgende(window, tmp_path):
    w = window(copy_example(tmp_path))
    w.go_to(2)
    field = w.personen.geboorte
    type_date(field, "29-02-2015")
    assert not field.valid and field.message.isVisible()
    assert "februari 2015 heeft geen dag 29" in field.message.text()
    QTest.mouseClick(w.next, Qt.MouseButton.LeftButton)
    assert w.stack.currentWidget() is w.personen  # not on to Onderdelen
    assert "Verbeter dit eerst" in w.statusBar().currentMessage()
    # the old date is not kept silently: it is on screen red, and the case is not changed
    # behind the user's back to another day
    assert w.state.case.leerling.geboortedatum == date(2015, 11, 17)
    type_date(field, "17-11-2015")
    assert field.valid and not field.message.isVisible()
    QTest.mouseClick(w.next, Qt.MouseButton.LeftButton)
    assert w.stack.currentWidget() is w.onderdelen


def test_birth_date_empty_until_entered_and_cleared_means_not_set(window, tmp_path):
    w = window()
    w.new_case()
    w.go_to(2)
    field = w.personen.geboorte
    assert field.edit.text() == "" and field.edit.placeholderText() == "dd-mm-jjjj"
    assert w.state.case.leerling.geboortedatum is None
    type_date(field, "1 januari 2015")
    assert w.state.case.leerling.geboortedatum == date(2015, 1, 1)
    type_date(field, "")
    assert w.state.case.leerling.geboortedatum is None and field.valid


def test_typing_a_month_name_never_jumps_to_another_date(window, tmp_path):
    w = window(copy_example(tmp_path))
    w.go_to(1)
    field = w.casus.mdo.datum
    type_text(field.edit, "sep")
    QTest.keyClick(field.edit, Qt.Key.Key_Tab)
    assert not field.valid and "geen datum" in field.error
    type_text(field.edit, "21 sep 2026")
    QTest.keyClick(field.edit, Qt.Key.Key_Return)
    assert field.date() == date(2026, 9, 21)
    type_date(w.casus.eerste, "1-6-2026")
    assert w.state.case.casus.eerste_verzuimdatum == date(2026, 6, 1)
    type_date(w.casus.aanmeld, "1 juni 2026")
    assert w.state.case.casus.aanmelddatum == date(2026, 6, 1)


@pytest.mark.slow
def test_changed_pupil_data_makes_the_review_stale_and_the_build_clean(window, qtbot, tmp_path):
    w = window(copy_example(tmp_path))
    w.go_to(2)
    type_date(w.personen.geboorte, "01-01-2015")  # the wrong date: the real one stays in the stukken
    w.go_to(5)
    r = w.review
    r.prepare_all.click()
    qtbot.waitUntil(lambda: len(w.state.reviews) == 6 and r.prepare_all.isEnabled(), timeout=120000)
    holder = next(d for d in w.state.documents_in_bundle()
                  if "17-11-2015" in pdf_text(w.state.review_for(d).pdf))
    # correct the birth date on step 3
    w.go_to(2)
    type_date(w.personen.geboorte, "17-11-2015")
    w.go_to(5)
    assert holder in w.state.stale_documents()
    row = w.state.documents_in_bundle().index(holder)
    assert "verouderd" in r.docs.item(row).text()
    assert any("verouderd" in line for line in w.state.review_pending())
    w.go_to(6)
    assert not w.build.build_button.isEnabled()  # the build never uses a stale preparation
    qtbot.waitUntil(lambda: not w.state.stale_documents() and r.prepare_all.isEnabled(), timeout=120000)
    assert "17-11-2015" not in pdf_text(w.state.review_for(holder).pdf)
    w.go_to(5)
    for n in range(r.docs.count()):
        r.docs.setCurrentRow(n)
        for page in range(1, r.page_spin.maximum() + 1):
            r.page_spin.setValue(page)
        r.confirm_all_visible()
        assert "bekeken (" in r.docs.item(n).text(), r.docs.item(n).text()
    w.go_to(6)
    out = tmp_path / "bundel.pdf"
    type_text(w.build.out, str(out))
    QTest.mouseClick(w.build.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.build.result is not None or w.build.error.isVisible(), timeout=180000)
    assert w.build.result is not None, w.build.error.text()
    text = pdf_text(out.read_bytes())
    for trace in ("17-11-2015", "17 november 2015", "17-11-'15"):
        assert trace not in text


def test_bekeken_only_when_every_page_was_shown(window, qtbot, tmp_path):
    w = window(copy_example(tmp_path))
    w.go_to(5)
    r = w.review
    docs = w.state.documents_in_bundle()
    longest = max(docs, key=lambda d: d.pad.stat().st_size if d.pad.suffix == ".pdf" else 0)
    r.prepare([longest])
    qtbot.waitUntil(lambda: w.state.review_for(longest) is not None, timeout=120000)
    row = docs.index(longest)
    r.docs.setCurrentRow(row)
    review = w.state.review_for(longest)
    if review.paginas > 1:
        assert "nog niet bekeken" in r.docs.item(row).text()
    for page in range(1, r.page_spin.maximum() + 1):
        r.page_spin.setValue(page)
    assert review.niet_getoond == 0
    assert "nog niet bekeken" not in r.docs.item(row).text()


def _dropped_and_prepared(w, qtbot, report):
    """Drop `report` on "Overige relevante verslagen" as Explorer does, prepare it on
    Controleren and show it there; the review page."""
    from uihelpers import drop_files

    w.go_to(3)
    drop_files(w.onderdelen.cards["overige-verslagen"].zone, [report])
    qtbot.waitUntil(lambda: any(d.pad.name == report.name for d in w.state.case.documenten),
                    timeout=60000)
    w.go_to(5)
    r = w.review
    target = next(d for d in w.state.documents_in_bundle() if d.pad.name == report.name)
    r.prepare([target])
    qtbot.waitUntil(lambda: w.state.review_for(target) is not None and r.prepare_all.isEnabled(),
                    timeout=120000)
    r.docs.setCurrentRow(w.state.documents_in_bundle().index(target))
    return r


@pytest.mark.slow
def test_a_finding_shows_its_value_and_page_and_is_marked_in_the_preview(window, qtbot, tmp_path):
    from docx import Document as DocxDocument

    case = copy_example(tmp_path)
    report = case.parent / "stukken" / "huisbezoek.docx"
    doc = DocxDocument()
    doc.add_paragraph("Verslag huisbezoek. De buurvrouw belt bij zorgen naar 06-19283746; zij past op.")
    doc.save(report)
    r = _dropped_and_prepared(window(case), qtbot, report)
    item = r.findings.item(0)
    assert item.text() == "“06-19283746” – pagina 1 (telefoonnummer)"
    assert "zorgen naar 06-19283746" in item.toolTip()
    assert r.canvas.highlights == []
    r.findings.setCurrentItem(item)
    assert r.page_spin.value() == 1 and len(r.canvas.highlights) == 1
    mark = r.canvas.highlights[0]
    assert 0 < mark.width() < 200 and 0 < mark.height() < 30  # the number, not the line


def test_preview_fits_the_width_and_zooms(window, qtbot, tmp_path):
    w = window(copy_example(tmp_path))
    w.go_to(5)
    r = w.review
    first = w.state.documents_in_bundle()[1]
    r.prepare([first])
    qtbot.waitUntil(lambda: w.state.review_for(first) is not None and r.prepare_all.isEnabled(),
                    timeout=120000)
    r.docs.setCurrentRow(1)
    qtbot.wait(150)
    fitted = r.canvas.width()
    assert abs(fitted - r.view.viewport().width()) <= 4  # fit to width by default
    QTest.mouseClick(r.zoom_in, Qt.MouseButton.LeftButton)
    assert r.canvas.width() > fitted * 1.2
    QTest.mouseClick(r.zoom_out, Qt.MouseButton.LeftButton)
    QTest.mouseClick(r.zoom_out, Qt.MouseButton.LeftButton)
    assert r.canvas.width() < fitted
    QTest.mouseClick(r.fit_width, Qt.MouseButton.LeftButton)
    assert abs(r.canvas.width() - fitted) <= 4
    if r.page_spin.maximum() > 1:
        QTest.mouseClick(r.next_page, Qt.MouseButton.LeftButton)
        assert r.page_spin.value() == 2
        QTest.mouseClick(r.prev_page, Qt.MouseButton.LeftButton)
        assert r.page_spin.value() == 1
    assert not r.prev_page.isEnabled()


@pytest.mark.slow
def test_a_name_wrapped_over_a_line_end_is_marked_on_both_lines(window, qtbot, tmp_path):
    """The review list shows the name as read ("Souad Bouchtaoui"); selecting it marks it
    where it stands, on both lines (QtPdf's search cannot find the joined word)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from dossier_app.paths import resources_dir

    case = copy_example(tmp_path)
    report = case.parent / "stukken" / "contactlog.pdf"
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(resources_dir() / "fonts" / "DejaVuSans.ttf")))
    pdf = canvas.Canvas(str(report), pagesize=A4)
    pdf.setFont("DejaVu", 11)
    for n, line in enumerate(["Contactlog verzuim.", "Contact gezin: tante Souad Bouch-",
                              "taoui belt vaak over de kinderen."]):
        pdf.drawString(60, 780 - 16 * n, line)
    pdf.showPage()
    pdf.save()
    r = _dropped_and_prepared(window(case), qtbot, report)
    items = [r.findings.item(i) for i in range(r.findings.count())]
    (item,) = [i for i in items if "Bouchtaoui" in i.text()]
    assert item.text().startswith("“Souad Bouchtaoui” – pagina 1")
    r.findings.setCurrentItem(item)
    first, second = r.canvas.highlights  # one mark per line
    assert second.top() > first.top() + 8 and second.left() < first.left()
    assert 0 < first.height() < 30 and 0 < second.height() < 30
    # the page is shown as paper: a PDF without a fill of its own is white, not the grey around it
    page = r.canvas._target()
    shown = r.canvas.grab().toImage()
    blank = shown.pixelColor(int(page.center().x()), int(page.bottom() - 20))
    assert (blank.red(), blank.green(), blank.blue()) == (255, 255, 255)


def _click_row(r, n: int) -> None:
    QTest.mouseClick(r.docs.viewport(), Qt.MouseButton.LeftButton,
                     pos=r.docs.visualItemRect(r.docs.item(n)).center())
    assert r.docs.currentRow() == n


def test_the_line_above_the_list_says_all_is_seen_once_the_last_page_was_shown(window, qtbot, tmp_path):
    w = window(copy_example(tmp_path))
    w.go_to(5)
    r = w.review
    r.prepare_all.click()
    qtbot.waitUntil(lambda: len(w.state.reviews) == 6 and r.prepare_all.isEnabled(), timeout=120000)
    qtbot.wait(1000)  # what the preparation set off has settled
    docs = w.state.documents_in_bundle()
    for n in range(len(docs)):  # the user clicks each document and pages through it
        assert "nog niet helemaal bekeken" in r.pending.text(), r.pending.text()
        _click_row(r, n)
        while r.next_page.isEnabled():
            QTest.mouseClick(r.next_page, Qt.MouseButton.LeftButton)
        assert "bekeken (" in r.docs.item(n).text(), r.docs.item(n).text()
    # The line says so as soon as the last page is on screen, without leaving the step.
    assert r.pending.text() == "Alles is bekeken. U kunt naar Bouwen.", r.pending.text()
