"""Dialogs and buttons tell the user what happened: a wrong password, a passphrase set
twice with what forgetting it means, a file that cannot be opened, an empty selection, the
Help menu, and a window that fits the screen."""

from __future__ import annotations

import pikepdf
import pytest
from keyringhelpers import no_keyring
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from uihelpers import copy_example, drop_files, window_fixture  # noqa: F401 (fixture)

from dossier_app import __version__
from dossier_app.ui import drafts_ui
from dossier_app.ui.onderdelen_page import WACHTWOORD_FOUT

pytestmark = pytest.mark.gui


def test_a_wrong_password_is_named_in_the_next_question(window, qtbot, tmp_path):
    case = copy_example(tmp_path)
    w = window(case)
    locked = tmp_path / "beveiligd.pdf"
    with pikepdf.open(case.parent / "stukken" / "opp.pdf") as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="eigenaar", user="geheim"))
    answers = iter(["fout", "geheim"])
    asked: list[tuple[str, str]] = []
    w.onderdelen.ask_password = lambda name, fout: asked.append((name, fout)) or next(answers)
    drop_files(w.onderdelen.cards["overige-verslagen"].zone, [locked])
    qtbot.waitUntil(lambda: w.onderdelen.cards["overige-verslagen"].files.count() == 1, timeout=20000)
    assert asked == [("beveiligd.pdf", ""), ("beveiligd.pdf", WACHTWOORD_FOUT)]
    assert "klopt niet" in WACHTWOORD_FOUT


def test_a_new_drafts_passphrase_is_asked_twice_and_says_what_forgetting_means(window, tmp_path,
                                                                                monkeypatch):
    asked = []
    monkeypatch.setattr(drafts_ui.DraftController, "ask", True)
    with no_keyring():
        w = window(copy_example(tmp_path))
        w.drafts.ask_secret = lambda parent, request: asked.append(request) or None
        w.drafts.start()
    assert len(asked) == 1
    request = asked[0]
    assert request.confirm  # typed twice
    assert "Vergeet u de wachtwoordzin" in request.uitleg and "opnieuw" in request.uitleg
    assert len(request.title) < 40  # fits the title bar


def test_a_wrong_drafts_passphrase_is_said_in_the_dialog(window, tmp_path, monkeypatch):
    with no_keyring():
        from dossier_app.store.drafts import DraftStore

        DraftStore.open_default("een lange goede zin")  # set up with a passphrase
        asked = []
        answers = iter(["verkeerde zin hier", None])
        monkeypatch.setattr(drafts_ui.DraftController, "ask", True)
        w = window(copy_example(tmp_path))
        w.drafts.ask_secret = lambda parent, request: asked.append(request) or next(answers)
        w.drafts.start()
    assert len(asked) == 2 and not asked[0].confirm
    assert asked[1].uitleg != asked[0].uitleg and asked[1].uitleg.endswith(asked[0].uitleg)


def test_opening_a_file_that_is_gone_says_so(window, tmp_path):
    case = copy_example(tmp_path)
    w = window(case)
    w.go_to(3)
    card = w.onderdelen.cards["opp"]
    (case.parent / "stukken" / "opp.pdf").unlink()
    card.files.setCurrentRow(0)
    QTest.mouseClick(card.open, Qt.MouseButton.LeftButton)
    assert card.error.isVisible() and "bestaat niet meer" in card.error.text()


def test_resume_without_a_selection_explains(window, qtbot, tmp_path):
    w = window()
    w.drafts.panel.list.setCurrentRow(-1)
    QTest.mouseClick(w.drafts.panel.resume_button, Qt.MouseButton.LeftButton)
    assert w.drafts.panel.message.isVisible() and "Klik eerst" in w.drafts.panel.message.text()


def test_help_menu_shows_the_guide_and_version_and_routeboek(window, tmp_path):
    from dossier_app.ui.help import over_text

    w = window(copy_example(tmp_path))
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles[-1] == "&Help"
    dialog = w.open_handleiding()
    text = dialog.browser.toPlainText()
    assert "Stap 2: Casus" in text and "Controleren" in text
    about = over_text(w.state.case)
    assert __version__ in about and "Routeboek PO" in about and "versie 2025-2026" in about
    dialog.close()


def test_the_window_fits_a_small_screen(window, tmp_path):
    """A 1366x768 school laptop leaves about 1366x728 under the task bar: every page of the
    wizard and the loket window must fit in that, and start maximised on such a screen."""
    w = window(copy_example(tmp_path))
    for step in range(len(w.pages)):
        w.go_to(step)
        hint = w.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 728, (step, hint)
    loket = w.open_loket()
    hint = loket.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 728, hint
    loket.close()
    screen = w.screen().availableGeometry()
    if screen.width() < 1300 or screen.height() < 860:
        assert w.isMaximized()
