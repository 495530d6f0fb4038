"""Bouwen again under the same name (after an edit of the voorblad): the page asks whether to
replace the bundle made before, in Dutch, instead of refusing with the command line's
"--force"; No makes nothing and leaves the file, Yes builds and is not asked again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from uihelpers import copy_example, ready_example, type_text, window_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.gui


def test_bouwen_again_asks_to_replace_the_bundle(window, qtbot, tmp_path):
    w = window(copy_example(tmp_path))
    ready_example(w, qtbot)
    w.go_to(w.pages.index(w.build))
    out = tmp_path / "bundel-OT-1234567.pdf"
    out.write_bytes(b"de bundel van de vorige keer")
    asked: list[str] = []
    w.build.ask_replace = lambda parent, path: asked.append(path.name) or False
    type_text(w.build.out, str(out))
    QTest.mouseClick(w.build.build_button, Qt.MouseButton.LeftButton)
    assert asked == [out.name] and w.build.handle is None
    assert "niet gemaakt" in w.build.error.text() and "--force" not in w.build.error.text()
    assert out.read_bytes() == b"de bundel van de vorige keer"

    w.build.ask_replace = lambda parent, path: asked.append(path.name) or True
    for _ in range(2):  # asked once for this name, then built again without asking
        QTest.mouseClick(w.build.build_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.build.handle is not None and not w.build.handle.running,
                        timeout=180000)
        assert w.build.result is not None, w.build.error.text()
        assert out.read_bytes().startswith(b"%PDF-")
    assert asked == [out.name, out.name]
    w.close()


def test_after_an_edit_the_page_says_the_bundle_is_older_and_another_case_clears_it(window, qtbot,
                                                                                     tmp_path, monkeypatch):
    # An intern begeleider edits the summary after Bouwen: the green "gemaakt" line would
    # let her upload the old bundle. It says that the bundle lacks the edit, also after "Nee";
    # a case opened next shows nothing of this one's bundle.
    w = window(copy_example(tmp_path))
    ready_example(w, qtbot)
    w.go_to(w.pages.index(w.build))
    out = tmp_path / "bundel-OT-1234567.pdf"
    type_text(w.build.out, str(out))
    QTest.mouseClick(w.build.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.build.handle is not None and not w.build.handle.running, timeout=180000)
    assert w.build.result is not None, w.build.error.text()
    assert w.build.done_label.text().startswith("De bundel is gemaakt")

    from dossier_app.ui import build_page

    said: list[str] = []
    real_show = build_page.show_message

    def show(label, text, *kind):
        if label is w.build.done_label:
            said.append(text)
        real_show(label, text, *kind)

    monkeypatch.setattr(build_page, "show_message", show)
    w.go_to(w.pages.index(w.voorblad))
    type_text(w.voorblad.edits["samenvatting"], " Aangevuld na het gesprek.", replace=False)
    assert len(said) == 1  # said once, not again at each of the 26 keystrokes
    w.go_to(w.pages.index(w.build))
    assert w.build.done_label.isVisibleTo(w) and "vóór uw laatste wijziging" in w.build.done_label.text()
    assert out.name in w.build.done_label.text()
    w.build.ask_replace = lambda parent, path: False
    QTest.mouseClick(w.build.build_button, Qt.MouseButton.LeftButton)
    assert "niet gemaakt" in w.build.error.text()
    assert "vóór uw laatste wijziging" in w.build.done_label.text()  # no green "gemaakt" beside it

    w.build.ask_replace = lambda parent, path: True
    QTest.mouseClick(w.build.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.build.handle is not None and not w.build.handle.running, timeout=180000)
    assert w.build.done_label.text().startswith("De bundel is gemaakt"), w.build.error.text()

    w.state.start_new()  # another case
    assert w.build.result is None and not w.build.done_label.isVisibleTo(w)
    assert not w.build.verdict.isVisibleTo(w) and not w.build.report.toPlainText()
    assert not w.build.open_bundle.isVisibleTo(w)
    w.close()
