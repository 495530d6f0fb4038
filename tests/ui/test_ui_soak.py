"""A working day in one test: real key events into every text field of every page (over
10,000 characters), 500 page switches with the mouse, a build, and the loket window
opened and closed. The process must survive (PySide6 6.12.0 aborted after a few hundred
keystrokes) and its memory must stay flat."""

from __future__ import annotations

import itertools
import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from uihelpers import copy_example, ready_example, type_date, type_text, window_fixture  # noqa: F401 (fixture)

pytestmark = [pytest.mark.gui, pytest.mark.slow]

PROZA = ("Na het tweede MDO is een opbouwrooster afgesproken: eerst twee ochtenden per week op "
         "school, daarna vier. De leerling kwam de eerste week drie keer, daarna niet meer. ")
DATUMS = ("29-02-2016", "1-6-2026", "29/02/2016", "1 juni 2026", "29 feb 2016", "2026-09-07",
          "sep", "31-04-2026", "7 september 2026")


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _text_fields(w):
    """(widget, original text) for every free-text field of every page."""
    fields = [(w.casus.ot, w.casus.ot.text())]
    fields += [(e, e.text()) for e in w.personen.fields.values()]
    fields += [(e, e.toPlainText()) for e in w.voorblad.edits.values()]
    fields += [(w.build.out, w.build.out.text())]
    return fields


def _date_fields(w):
    return [w.casus.eerste, w.casus.aanmeld, w.casus.mdo.datum, w.personen.geboorte]


def _page_of(w, widget) -> int:
    for i, page in enumerate(w.pages):
        if page.isAncestorOf(widget):
            return i
    raise AssertionError("field on no page")


def _type_everywhere(w, qtbot, rounds: int) -> int:
    w.activateWindow()  # back from the loket window, as a click on it would
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    typed = 0
    for _ in range(rounds):
        for widget, original in _text_fields(w):
            w.go_to(_page_of(w, widget))
            type_text(widget, PROZA, replace=False)  # typing fast, no pause
            typed += len(PROZA)
            type_text(widget, original)  # and back, so the case stays the example
            typed += len(original)
        for field in _date_fields(w):
            w.go_to(_page_of(w, field))
            original = field.edit.text()
            for text in DATUMS:
                type_date(field, text)
                typed += len(text)
            type_date(field, original)
            typed += len(original)
        # persons table: type into a cell and back
        w.go_to(2)
        table = w.personen.table
        original = table.item(0, 3).text()
        for text in ("ouder@example.nl", original):
            table.setFocus()
            table.setCurrentCell(0, 3)
            QTest.keyClick(table.viewport(), Qt.Key.Key_F2)
            editor = QApplication.focusWidget()
            assert isinstance(editor, QLineEdit) and table.isAncestorOf(editor)
            type_text(editor, text)
            QTest.keyClick(editor, Qt.Key.Key_Return)
            qtbot.wait(1)  # the delegate commits on a queued call
            assert w.state.case.personen[0].email == text
            typed += len(text)
        qtbot.wait(400)  # a pause: debounced checks and autosave run
    return typed


def _switch_pages(w, qtbot, times: int) -> None:
    buttons = itertools.cycle([w.next] * 6 + [w.back] * 6)
    w.go_to(0)
    for n in range(times):
        QTest.mouseClick(next(buttons), Qt.MouseButton.LeftButton)
        if n % 50 == 0:
            qtbot.wait(10)


def test_a_working_day_of_typing_switching_and_building(window, qtbot, tmp_path):
    case = copy_example(tmp_path)
    w = window(case)
    ready_example(w, qtbot)
    before = w.state.case
    typed = _type_everywhere(w, qtbot, rounds=2)  # warm up: caches, fonts, first renders
    _switch_pages(w, qtbot, 100)
    qtbot.wait(500)
    start_rss = rss_mb()
    typed += _type_everywhere(w, qtbot, rounds=6)
    _switch_pages(w, qtbot, 400)
    qtbot.wait(1500)
    assert typed >= 10_000, typed
    grown = rss_mb() - start_rss
    assert grown < 40, f"{grown:.0f} MB more after {typed} characters and 400 page switches"
    # every field was put back by typing: the case is the example again, nothing stale
    assert w.state.case.leerling == before.leerling and w.state.case.voorblad == before.voorblad
    assert w.state.case.casus == before.casus
    qtbot.waitUntil(lambda: not w.state.stale_documents() and w.review.prepare_all.isEnabled(),
                    timeout=120000)
    w.go_to(6)
    out = tmp_path / "bundel.pdf"
    type_text(w.build.out, str(out))
    assert w.build.build_button.isEnabled(), w.build.check_label.text()
    QTest.mouseClick(w.build.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.build.result is not None or w.build.error.isVisible(), timeout=180000)
    assert w.build.result is not None, w.build.error.text()
    loket = w.open_loket(out)
    qtbot.waitUntil(lambda: loket.report is not None, timeout=60000)
    loket.close()
    qtbot.wait(200)
    # after the build (which loads the converters and the name detector once) typing on
    # does not grow either
    after_build = rss_mb()
    _type_everywhere(w, qtbot, rounds=2)
    _switch_pages(w, qtbot, 100)
    grown = rss_mb() - after_build
    assert grown < 40, f"{grown:.0f} MB more after the build"
