"""The 'Leeg formulier…' button on the Onderdelen step: only on a component for which the
routeboek has a blank form; it saves that form as a Word file where the user chooses."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from uihelpers import EXAMPLE, copy_example, window_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.gui

UITLEG = "Sla het lege formulier uit het routeboek op om in te vullen"


def docx_text(path: Path) -> str:
    import docx

    doc = docx.Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def form_buttons(card) -> list[QPushButton]:
    return [b for b in card.findChildren(QPushButton) if b.text().startswith("Leeg formulier")]


def test_only_components_with_a_form_have_the_button(window):
    w = window(EXAMPLE / "casus.toml")
    cards = w.onderdelen.cards
    toestemming = cards["toestemming-ouders"]
    assert toestemming.onderdeel.formulier == "toestemming-loket"
    assert toestemming.blank is not None and form_buttons(toestemming) == [toestemming.blank]
    assert toestemming.blank.text() == "Leeg formulier…"
    assert toestemming.blank.accessibleName() == UITLEG
    assert toestemming.blank.toolTip() == UITLEG
    assert cards["opp"].blank is None and form_buttons(cards["opp"]) == []


def test_saving_the_blank_form_writes_the_docx(window, tmp_path):
    from dossier_app.forms import load_form

    case = copy_example(tmp_path)
    w = window(case)
    out_dir = tmp_path / "formulieren"
    out_dir.mkdir()
    asked: list[Path] = []

    def ask(title: str, default: Path) -> Path:
        asked.append(default)
        return out_dir / default.name

    w.onderdelen.ask_save_path = ask
    card = w.onderdelen.cards["toestemming-ouders"]
    written = card.save_blank_form()
    out = out_dir / "toestemming-loket.docx"
    assert asked[0].name == "toestemming-loket.docx"  # the form's name, never the pupil's
    assert written == out and out.is_file()
    assert load_form("toestemming-loket").titel in docx_text(out)
    assert card.form_saved.isVisibleTo(w) and not card.error.isVisibleTo(w)
    assert card.form_saved.text() == (f"Formulier opgeslagen: {out}. Vul het in, laat het "
                                      "ondertekenen en sleep het daarna op dit onderdeel.")
    assert card.open_form.isVisibleTo(w)
    # the folder is remembered for the next dialog
    card.save_blank_form()
    assert asked[1].parent == out_dir


def test_cancel_writes_nothing_and_errors_show_at_the_card(window, tmp_path):
    case = copy_example(tmp_path)
    w = window(case)
    card = w.onderdelen.cards["toestemming-ouders"]
    w.onderdelen.ask_save_path = lambda title, default: None
    assert card.save_blank_form() is None
    assert not card.form_saved.isVisibleTo(w) and not card.error.isVisibleTo(w)

    missing = tmp_path / "bestaat-niet" / "toestemming-loket.docx"
    w.onderdelen.ask_save_path = lambda title, default: missing
    assert card.save_blank_form() is None
    assert card.error.isVisibleTo(w)
    assert "bestaat niet" in card.error.text()
    assert not missing.exists()
