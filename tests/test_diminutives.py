"""A report that calls the child by a diminutive ("Noortje" for Noor, "Timmetje" for Tim):
the redactor removes it as it removes the name, and the gate refuses a file that still
holds it. The words around it, and words that only begin like the name, stay."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfmaker
import pytest

from dossier_app.anonymise.gate import verify_pdf
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.anonymise.pdf_redact import clean_pdf
from dossier_app.anonymise.pdfium_chars import page_texts
from dossier_app.case_model import Leerling, Persoon
from dossier_app.errors import LeakError

IDS = build_identifiers(
    Leerling(voornamen="Noor Aaliyah", roepnaam="Noor", achternaam="el Amrani",
             geboortedatum=date(2015, 11, 17)),
    [Persoon("broer", "Tim el Amrani")])

LINES = ["Noortje kwam vandaag weer niet op school.",
         "Haar broertje Timmetje bracht de brief; Noortjes moeder belde.",
         "In Noordwijk aan zee was het stil, de timmerman werkte door."]


def test_the_redactor_removes_diminutives_and_keeps_the_rest(tmp_path: Path) -> None:
    source = pdfmaker.make_identity_h_pdf(tmp_path / "verslag.pdf", LINES)
    clean = tmp_path / "schoon.pdf"
    clean_pdf(source, clean, IDS.finder, [], bestand="verslag.pdf")
    text = "\n".join(page_texts(clean))
    for gone in ("Noortje", "Timmetje", "Noortjes"):
        assert gone not in text
    for kept in ("Noordwijk", "timmerman", "kwam vandaag weer niet op school", "broertje"):
        assert kept in text
    verify_pdf(clean, IDS.finder, IDS.literal_variants())  # and the gate passes it


def test_the_gate_refuses_a_diminutive_left_in(tmp_path: Path) -> None:
    path = pdfmaker.make_identity_h_pdf(tmp_path / "omzeild.pdf", LINES[:1])
    with pytest.raises(LeakError) as info:
        verify_pdf(path, IDS.finder, IDS.literal_variants())
    assert "naam" in info.value.message + " ".join(info.value.details)
