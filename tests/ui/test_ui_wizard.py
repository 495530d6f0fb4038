"""The wizard driven through its widgets: open a case, the tafel picker, the checklist
with drop zones, the voorblad and offerte, and the Dutch texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from uihelpers import EXAMPLE, copy_example, drop_files, type_date, window_fixture  # noqa: F401 (fixture)

from dossier_app.bundle import manifest
from dossier_app.privacy import confirmation_hash

pytestmark = pytest.mark.gui


def test_open_shows_the_checklist_state(window):
    w = window(EXAMPLE / "casus.toml")
    assert w.windowTitle() == "Tafeldossier"
    assert w.stack.currentWidget() is w.onderdelen
    assert "compleet" in w.status.text()
    cards = w.onderdelen.cards
    assert cards["opp"].chip.text() == "Aanwezig"
    assert cards["smw-verslag"].files.count() == 1
    assert cards["zienswijze-ouders"].chip.text() == "Optioneel"
    assert w.casus.ot.text() == "OT-1234567"
    assert w.personen.fields["achternaam"].text() == "el Amrani"
    assert w.voorblad.edits["hoofdvraag"].toPlainText().startswith("Welk passend")


def test_a_bad_case_file_is_reported_in_dutch(window, tmp_path):
    bad = tmp_path / "kapot.toml"
    bad.write_text("[casus\nonderwijs = 'po'", encoding="utf-8")
    w = window(bad)
    assert w.stack.currentWidget() is w.start
    assert "geen geldig TOML" in w.start.error.text()


def test_tafel_picker_greys_out_what_is_not_here(window):
    w = window()
    w.new_case()
    picker = w.casus.picker
    assert not picker.buttons["doorbraaktafel"].isEnabled()
    assert "Niet te kiezen" in picker.buttons["doorbraaktafel"].accessibleDescription()
    assert picker.buttons["adviestafel"].isEnabled()
    w.casus.gemeente.setCurrentIndex(w.casus.gemeente.findData("rijswijk"))
    assert w.state.case.casus.gemeente == "rijswijk"
    assert w.casus.picker.buttons["doorbraaktafel"].isEnabled()
    type_date(w.casus.eerste, "07-09-2026")
    type_date(w.casus.aanmeld, "19-10-2026")
    w.state.flush()  # the pause after typing
    text = w.casus.picker.buttons["adviestafel"].accessibleDescription()
    assert "Nu week 7: binnen de termijn" in text
    w.casus.picker.buttons["doorbraaktafel"].click()
    assert w.state.case.casus.tafel == "doorbraaktafel"
    assert w.casus.spoor_box.isVisibleTo(w.casus)


def test_bad_file_dropped_on_a_component_shows_the_core_message(window, qtbot, tmp_path):
    case = copy_example(tmp_path)
    w = window(case)
    bad = tmp_path / "kapot.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage" + b"\x00" * 50)
    card = w.onderdelen.cards["zienswijze-ouders"]
    drop_files(card.zone, [bad])
    qtbot.waitUntil(lambda: card.error.isVisibleTo(w) and bool(card.error.text()), timeout=20000)
    assert "kapot.pdf" in card.error.text()
    assert not any(d.onderdeel == "zienswijze-ouders" for d in w.state.case.documenten)


def test_drop_reorder_remove_and_conditions(window, qtbot, tmp_path):
    case = copy_example(tmp_path)
    w = window(case)
    page = w.onderdelen
    extra = case.parent / "stukken" / "opp.pdf"
    card = page.cards["overige-verslagen"]
    drop_files(card.zone, [extra])
    qtbot.waitUntil(lambda: page.cards["overige-verslagen"].files.count() == 1, timeout=20000)
    assert page.cards["overige-verslagen"].chip.text() == "Aanwezig"
    mdo = page.cards["mdo-verslagen"]
    first = mdo.files.item(0).text()
    mdo.files.setCurrentRow(0)
    mdo.down.click()
    assert page.cards["mdo-verslagen"].files.item(1).text() == first
    page.cards["overige-verslagen"].files.setCurrentRow(0)
    page.cards["overige-verslagen"].remove.click()
    assert page.cards["overige-verslagen"].chip.text() == "Optioneel"
    # SMW not involved: with its file removed, the conditional component disappears
    page.cards["smw-verslag"].files.setCurrentRow(0)
    page.cards["smw-verslag"].remove.click()
    assert page.cards["smw-verslag"].chip.text() == "Ontbreekt"
    page.condition_boxes["smw_betrokken"].setChecked(False)
    assert "smw-verslag" not in page.cards
    page.condition_boxes["smw_betrokken"].setChecked(True)
    assert page.cards["smw-verslag"].chip.text() == "Ontbreekt"


def test_password_protected_pdf_asks_for_the_password(window, qtbot, tmp_path):
    import pikepdf

    case = copy_example(tmp_path)
    w = window(case)
    locked = tmp_path / "beveiligd.pdf"
    with pikepdf.open(case.parent / "stukken" / "opp.pdf") as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="eigenaar", user="geheim"))
    asked = []
    w.onderdelen.ask_password = lambda name, fout: asked.append(name) or "geheim"
    drop_files(w.onderdelen.cards["overige-verslagen"].zone, [locked])
    qtbot.waitUntil(lambda: w.onderdelen.cards["overige-verslagen"].files.count() == 1, timeout=20000)
    assert asked == ["beveiligd.pdf"]
    assert w.state.password == "geheim"


def test_offerte_subtotals_are_live(window):
    w = window()
    w.new_case()
    page = w.voorblad
    page.add_row("onderwijs", "Onderwijsassistent", 0)
    page.add_row("jeugdhulp", "Behandeling", 0)
    page.table.item(0, 2).setText("14400")
    page.table.item(1, 2).setText("3200,50")
    assert page.subtotals == {"onderwijs": 14400.0, "jeugdhulp": 3200.5}
    assert "17.600,50" in page.totals.text()
    assert [r.bedrag for r in w.state.case.offerte] == [14400.0, 3200.5]
    page.table.item(1, 2).setText("veel")
    assert "geen getal" in page.bedrag_error.text()


def test_saving_the_case_file(window, tmp_path):
    from dossier_app.case import read_case

    case = copy_example(tmp_path)
    w = window(case)
    w.voorblad.edits["hoofdvraag"].setPlainText("Nieuwe hoofdvraag?")
    out = case.parent / "opgeslagen.toml"
    w._save_to(out)
    back = read_case(out)
    assert back.voorblad.hoofdvraag == "Nieuwe hoofdvraag?"
    assert back.documenten[0].bestand == "stukken/toestemming-ouders.pdf"
    assert not w.state.dirty


def test_every_page_has_dutch_navigation_and_accessible_inputs(window):
    from PySide6.QtWidgets import QAbstractButton, QLineEdit, QPlainTextEdit

    w = window(EXAMPLE / "casus.toml")
    assert w.next.text().replace("&", "").startswith("Volgende")
    assert w.back.text().replace("&", "").endswith("Terug")
    for page in w.pages:
        for edit in page.findChildren(QLineEdit) + page.findChildren(QPlainTextEdit):
            if edit.isVisibleTo(page) and not edit.objectName().startswith("qt_"):
                assert edit.accessibleName(), f"{type(page).__name__}: input without name"
        for button in page.findChildren(QAbstractButton):
            assert not any(word in button.text() for word in ("Cancel", "Next", "Back", "Browse"))


def test_window_size_is_remembered(window, qtbot):
    w = window()
    w.resize(720, 520)
    w.close()
    w2 = window()
    assert w2.size().width() == 720


def test_recent_list_skips_paths_with_identifiers(tmp_path):
    from dossier_app.case import read_case
    from dossier_app.ui import settings

    case = read_case(EXAMPLE / "casus.toml")
    assert not settings.safe_to_remember(Path("/home/ib/Noor el Amrani/casus.toml"), case)
    assert settings.safe_to_remember(Path("/home/ib/aanmeldingen/casus.toml"), case)


def test_findings_become_extra_terms_or_confirmed_texts(window):
    from dossier_app.anonymise.flag_pdf import Bevinding
    from dossier_app.ui.state import Review

    w = window(EXAMPLE / "casus.toml")
    doc = w.state.case.documenten[1]
    findings = [Bevinding(1, "naam", "broertje Thijs Vermeer gaat", False, "Thijs Vermeer"),
                Bevinding(1, "naam", "meester Pieter Hoekstra belde", True, "Pieter Hoekstra")]
    w.state.reviews[str(doc.pad)] = Review(pdf=b"", paginas=1, niet_gecontroleerd=[],
                                           bevindingen=findings, vlakken={}, meldingen=[])
    review = w.review
    review.current = doc
    review.ask_term = lambda context: context  # the dialog: keep the proposed text
    review._finding = lambda: (w.state.reviews[str(doc.pad)], 0, findings[0])
    review.redact_finding()
    review._finding = lambda: (w.state.reviews[str(doc.pad)], 1, findings[1])
    review.dismiss_finding()
    assert w.state.case.extra_termen == ("Thijs Vermeer",)
    assert w.state.case.geen_persoonsgegeven == ("Pieter Hoekstra",)
    assert w.state.reviews[str(doc.pad)].afgehandeld == {0, 1}
    # the voorblad step shows the line the voorblad will carry (and verify compares)
    w.go_to(4)
    expected = manifest.bevestigd_regel(w.state.case.casus.ot_nummer, [confirmation_hash("Pieter Hoekstra")])
    assert "1 mogelijk persoonsgegeven (controlecode" in expected
    assert w.voorblad.bevestigd.text() == "Op het voorblad staat ook: " + expected
