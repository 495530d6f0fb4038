"""A complete aanmelding through the widgets, cancel during a build, and the loket window
on the result and on an altered copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from uihelpers import (  # noqa: F401 (fixture)
    EXAMPLE,
    copy_example,
    drop_files,
    ready_example,
    type_date,
    type_text,
    window_fixture,
)

from dossier_app.bundle.verify import verify_bundle

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def _fill_new_case(w, stukken: Path) -> None:
    w.start.new_button.click()
    c = w.casus
    c.onderwijs.setCurrentIndex(c.onderwijs.findData("po"))
    c.gemeente.setCurrentIndex(c.gemeente.findData("den-haag"))
    type_date(c.eerste, "7-9-2026")
    type_date(c.aanmeld, "19 oktober 2026")
    type_text(c.ot, "OT-7777777")
    c.picker.buttons["adviestafel"].click()
    type_date(c.mdo.datum, "21/09/2026")
    for rol in ("ouders", "leerplicht", "smw", "adviseur", "school"):
        c.mdo.rollen[rol].setChecked(True)
    c.mdo.add.click()
    p = w.personen
    for key, value in (("voornamen", "Noor Aaliyah"), ("roepnaam", "Noor"), ("achternaam", "el Amrani"),
                       ("bsn", "123456782"), ("adres", "Weimarstraat 212"), ("postcode", "2562 HK")):
        type_text(p.fields[key], value)
    type_date(p.geboorte, "17-11-2015")
    assert str(w.state.case.leerling.geboortedatum) == "2015-11-17"
    p._add_row()
    p.table.item(p.table.rowCount() - 1, 0).setText("moeder")
    p.table.item(p.table.rowCount() - 1, 1).setText("Fatima el Amrani-Bouzid")
    p.table.item(p.table.rowCount() - 1, 2).setText("06-41528376")
    p._add_row()
    p.table.item(p.table.rowCount() - 1, 0).setText("vader")
    p.table.item(p.table.rowCount() - 1, 1).setText("Youssef el Amrani")
    p.table.item(p.table.rowCount() - 1, 2).setText("070-3456789")


def _drop_stukken(w, qtbot, stukken: Path) -> None:
    page = w.onderdelen
    files = {"toestemming-ouders": ["toestemming-ouders.pdf"],
             "mdo-verslagen": ["mdo-verslag-1.docx", "mdo-verslag-2.docx"],
             "opp": ["opp.pdf"], "verzuimregistratie": ["verzuimregistratie.pdf"]}
    for onderdeel, names in files.items():
        drop_files(page.cards[onderdeel].zone, [stukken / n for n in names])
    qtbot.waitUntil(lambda: len(w.state.case.documenten) == 5, timeout=60000)
    assert all(page.cards[o].chip.text() == "Aanwezig" for o in files)


def _voorblad(w) -> None:
    v = w.voorblad
    w.go_to(4)
    type_text(v.edits["samenvatting"], "Twee MDO's; opbouwrooster werkte niet.")
    type_text(v.edits["hoofdvraag"], "Welk aanbod helpt de leerling terug naar school?")
    for key in ("aanbod", "aanbod_voorhanden", "waarom_niet", "wat_nodig"):
        type_text(v.edits[key], "Zie de MDO-verslagen.")


def _review(w, qtbot) -> None:
    r = w.review
    w.go_to(5)
    assert any("nog niet voorbereid" in line for line in w.state.review_pending())
    r.prepare_all.click()
    qtbot.waitUntil(lambda: len(w.state.reviews) == 5, timeout=120000)
    assert r.pdf.pageCount() >= 1
    # draw a box on the first page without text, confirm the others
    for row in range(r.docs.count()):
        r.docs.setCurrentRow(row)
        review = w.state.review_for(r.current)
        if review.niet_gecontroleerd and not r.current.lakken:
            r.page_spin.setValue(review.niet_gecontroleerd[0])
            r.canvas.rectangle_drawn.emit(QRectF(60, 120, 200, 30))
            break
    # the region makes that document stale: it is prepared again by itself
    qtbot.waitUntil(lambda: not w.state.stale_documents() and r.prepare_all.isEnabled(), timeout=120000)
    for row in range(r.docs.count()):
        r.docs.setCurrentRow(row)
        r.confirm_all_visible()
    assert w.state.review_pending() == []


def _build(w, qtbot, out: Path):
    b = w.build
    w.go_to(6)
    b.out.setText(str(out))
    assert b.build_button.isEnabled(), b.check_label.text()
    b.build_button.click()
    qtbot.waitUntil(lambda: b.result is not None or b.error.isVisibleTo(w), timeout=180000)
    assert b.result is not None, b.error.text()
    return b.result


def test_complete_aanmelding_through_the_widgets(window, qtbot, tmp_path):
    stukken = tmp_path / "stukken"
    shutil.copytree(EXAMPLE / "stukken", stukken)
    w = window()
    _fill_new_case(w, stukken)
    assert w.state.case.casus.ot_nummer == "OT-7777777"
    assert len(w.state.case.personen) == 2
    w.go_to(3)
    _drop_stukken(w, qtbot, stukken)
    _voorblad(w)
    qtbot.waitUntil(lambda: "compleet" in w.status.text(), timeout=5000)
    _review(w, qtbot)
    out = tmp_path / "bundel-OT-7777777.pdf"
    result = _build(w, qtbot, out)
    assert out.is_file()
    assert w.build.open_bundle.isVisibleTo(w) and w.build.open_folder.isVisibleTo(w)
    assert "Volledigheid: compleet" in w.build.report.toPlainText()
    report = verify_bundle(out, bestand=out.name)
    assert report.ok, [m.tekst for m in report.problemen]
    assert result.verify.ok
    drawn = [d for d in w.state.case.documenten if d.lakken]
    assert drawn
    saved = tmp_path / "casus.toml"
    w._save_to(saved)
    from dossier_app.case import read_case

    back = read_case(saved)
    assert [d.lakken for d in back.documenten if d.lakken] == [d.lakken for d in drawn]


def test_cancel_during_a_build_writes_nothing(window, qtbot, tmp_path):
    case = copy_example(tmp_path)
    w = window(case)
    ready_example(w, qtbot)
    b = w.build
    w.go_to(6)
    out = tmp_path / "bundel.pdf"
    b.out.setText(str(out))
    b.build_button.click()
    qtbot.waitUntil(lambda: "Inlezen" in b.step.text() or "Anonimiseren" in b.step.text(), timeout=30000)
    assert b.cancel_button.isEnabled()
    b.cancel_button.click()
    qtbot.waitUntil(lambda: not b.handle.running, timeout=60000)
    assert b.result is None
    assert "afgebroken" in b.error.text()
    assert not out.exists()
    assert b.build_button.isEnabled()


@pytest.fixture(scope="module")
def built_bundle(tmp_path_factory):
    from dossier_app.bundle.build import BuildOptions, build_bundle
    from dossier_app.case import read_case

    out = tmp_path_factory.mktemp("bundel") / "bundel-OT-1234567.pdf"
    build_bundle(read_case(EXAMPLE / "casus.toml"), out, BuildOptions())
    return out


def test_loket_window_on_a_good_bundle(qtbot, built_bundle, tmp_path):
    from dossier_app.ui.loket import LoketWindow

    win = LoketWindow()
    qtbot.addWidget(win)
    win.show()
    drop_files(win, [built_bundle])
    qtbot.waitUntil(lambda: win.report is not None, timeout=60000)
    assert win.report.ok
    assert win.verdict.text().startswith("<b>In orde")
    top = [win.tree.topLevelItem(i).text(0) for i in range(win.tree.topLevelItemCount())]
    assert top[:4] == ["Volledigheid", "Ongewijzigd sinds het maken (controle per pagina)",
                       "Verborgen inhoud", "Mogelijke persoonsgegevens"]
    assert win.pdf.pageCount() == win.report.paginas_bestand
    compleet = win.tree.topLevelItem(0)
    win.tree.setCurrentItem(compleet.child(2))
    out = tmp_path / "controle.pdf"
    win.export(out)
    assert out.read_bytes().startswith(b"%PDF")


def test_loket_window_on_an_altered_bundle(qtbot, built_bundle, tmp_path):
    import pikepdf

    from dossier_app.ui.loket import LoketWindow

    altered = tmp_path / "bewerkt.pdf"
    with pikepdf.open(built_bundle) as pdf:
        del pdf.pages[3]
        pdf.save(altered)
    win = LoketWindow()
    qtbot.addWidget(win)
    win.open_bundle(altered)
    qtbot.waitUntil(lambda: win.report is not None, timeout=60000)
    assert not win.report.ok
    assert "Niet in orde" in win.verdict.text()
    intact = win.tree.topLevelItem(1)
    assert intact.text(1) == "NEE" and intact.childCount() >= 1


def test_loket_window_refuses_a_file_that_is_no_bundle(qtbot, tmp_path):
    from dossier_app.ui.loket import LoketWindow

    other = tmp_path / "brief.pdf"
    shutil.copy(EXAMPLE / "stukken" / "opp.pdf", other)
    win = LoketWindow()
    qtbot.addWidget(win)
    win.open_bundle(other)
    qtbot.waitUntil(lambda: bool(win.error.text()), timeout=30000)
    assert "geen Tafeldossier-bundel" in win.error.text()


def test_loket_window_asks_the_password_of_a_protected_bundle(qtbot, built_bundle, tmp_path, monkeypatch):
    from dossier_app.bundle.protect import protect_pdf
    from dossier_app.ui import loket

    protected = tmp_path / "beveiligd.pdf"
    protect_pdf(built_bundle, protected, "geheim-wachtwoord", tmp_path)
    asked = []
    monkeypatch.setattr(loket, "ask_password",
                        lambda _parent, name: asked.append(name) or "geheim-wachtwoord")
    win = loket.LoketWindow()
    qtbot.addWidget(win)
    win.open_bundle(protected)
    qtbot.waitUntil(lambda: win.report is not None, timeout=60000)
    assert asked == ["beveiligd.pdf"]
    assert win.report.ok, [m.tekst for m in win.report.problemen]
    assert win.pdf.pageCount() == win.report.paginas_bestand
