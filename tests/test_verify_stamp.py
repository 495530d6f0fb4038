"""verify's removal of the stamp from a page's text: the fast path gives exactly what the
one pattern gives, on texts with and without CONCEPT."""

from __future__ import annotations

import random

from dossier_app.bundle import verify

PIECES = ["Vertrouwelijk · OT-1234567 · MDO-verslag · pagina 3 van 12", "Vertrouwelijk · ",
          " · pagina 4 van 9", "CONCEPT", "CONCEPTUEEL", "xCONCEPT", "CONCEPT2", "_CONCEPT",
          "concept", "\r\n", " ", "Noor", "De leerling", "·", "pagina 1 van 2", "van", "12",
          "Vertrouwelijk · OT-1 · a · b · pagina 1 van 1", "é", "ÉCONCEPT"]


def test_without_stamp_equals_the_one_pattern() -> None:
    rng = random.Random(20261206)
    with_concept = 0
    for _ in range(4000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        with_concept += "CONCEPT" in text
        assert verify._without_stamp(text) == verify._STAMP_RE.sub(" ", text), repr(text)
    assert with_concept > 500  # both paths were taken


def test_concept_and_footer_both_go() -> None:
    text = "CONCEPT\r\nDe leerling\r\nVertrouwelijk · OT-1234567 · OPP · pagina 2 van 7"
    assert verify._without_stamp(text) == " \r\nDe leerling\r\n "
