"""Generated pages: voorblad and uitgesplitste offerte carry no identifier, say what they must."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO, oracle

from dossier_app.anonymise.hits import Hit
from dossier_app.bundle.casekey import initialen
from dossier_app.bundle.layout import euro
from dossier_app.bundle.offerte import render_offerte, subtotalen
from dossier_app.bundle.voorblad import InhoudRegel, render_voorblad
from dossier_app.case import read_case
from dossier_app.case_model import Leerling, OfferteRegel
from dossier_app.rules.check import check_case

EXAMPLE = REPO / "examples" / "adviestafel-den-haag" / "casus.toml"


def noor_finder(text: str) -> list[Hit]:
    return [Hit(m.start(), m.end(), "naam", "[leerling]") for m in re.finditer(r"\bNoor\b", text)]


def pdftext(path: Path) -> str:
    return subprocess.run([oracle("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def case():
    return read_case(EXAMPLE)


def test_voorblad_has_case_key_texts_contents_and_rules(tmp_path, case):
    out = tmp_path / "voorblad.pdf"
    pages = render_voorblad(out, case, check_case(case), noor_finder,
                            [InhoudRegel("Voorblad", 1, 2), InhoudRegel("MDO-verslagen", 3, 9)],
                            niet_gecontroleerd=["Toestemming p. 1"])
    text = pdftext(out)
    assert pages >= 1
    assert "OT-1234567 · N.A.A." in text
    assert "Adviestafel" in text and "Den Haag" in text and "primair onderwijs" in text
    assert "week 7 sinds de eerste verzuimdatum – binnen de termijn" in text
    assert "21 september 2026" in text and "leerplicht" in text
    assert "Hoofdvraag" in text and "[leerling]" in text
    assert not re.search(r"\bNoor\b", text)
    assert "MDO-verslagen" in text and "3–9" in text
    assert "Toestemming p. 1" in text
    assert "versie 2025-2026.1" in text


def test_offerte_splits_costs_and_totals(tmp_path, case):
    regels = (OfferteRegel("onderwijs", "Onderwijsassistent voor Noor", 14400.0),
              OfferteRegel("jeugdhulp", "Behandeling", 3150.5),
              OfferteRegel("onderwijs", "Vervoer", 600.0))
    case = dataclasses.replace(case, offerte=regels)
    out = tmp_path / "offerte.pdf"
    assert render_offerte(out, case, noor_finder) == 1
    text = pdftext(out)
    assert "Subtotaal onderwijs" in text and "€ 15.000,00" in text
    assert "Subtotaal jeugdhulp" in text and "€ 3.150,50" in text
    assert "Totaal" in text and "€ 18.150,50" in text
    assert "Onderwijsassistent voor [leerling]" in text
    assert subtotalen(regels) == {"onderwijs": 15000.0, "jeugdhulp": 3150.5}


@pytest.mark.parametrize(("amount", "text"), [(0, "€ 0,00"), (1234567.891, "€ 1.234.567,89")])
def test_euro_format(amount, text):
    assert euro(amount) == text


@pytest.mark.parametrize(("leerling", "expected"), [
    (Leerling(voornamen="Noor Aaliyah", achternaam="el Amrani"), "N.A.A."),
    (Leerling(voornamen="Daan Pieter", achternaam="van der Berg"), "D.P.B."),
    (Leerling(roepnaam="Sem", achternaam="de Jong-Bakker"), "S.J."),
    (Leerling(), ""),
])
def test_initials(leerling, expected):
    assert initialen(leerling) == expected


def test_voorblad_without_texts_and_meetings(tmp_path, case):
    bare = dataclasses.replace(case, voorblad=None,
                               casus=dataclasses.replace(case.casus, mdo=(), aanmelddatum=date(2026, 10, 1)))
    out = tmp_path / "v.pdf"
    render_voorblad(out, bare, check_case(bare), noor_finder, [InhoudRegel("Voorblad", 1, 1)])
    text = pdftext(out)
    assert "Geen MDO vermeld." in text
    assert "Hoofdvraag" not in text


def test_the_cover_is_rendered_until_its_contents_give_its_own_length(tmp_path, case, monkeypatch):
    # The table of contents names the cover's own pages: a two-page cover after a
    # one-page one is rendered twice, the next two-page cover (the wizard's rebuild) once,
    # and a one-page cover after it twice again, each time with its true length listed.
    from dossier_app.anonymise.case_identifiers import identifiers_for_case
    from dossier_app.bundle import build

    calls: list[int] = []
    real = build.render_voorblad

    def counted(*args, **kwargs):
        calls.append(real(*args, **kwargs))
        return calls[-1]

    monkeypatch.setattr(build, "render_voorblad", counted)
    monkeypatch.setattr(build, "_last_cover_pages", 1)
    assert case.voorblad is not None
    long = dataclasses.replace(case, voorblad=dataclasses.replace(
        case.voorblad, samenvatting=" ".join(["De leerling gaat niet naar school."] * 60)))
    short = dataclasses.replace(case, voorblad=None, casus=dataclasses.replace(case.casus, mdo=()))
    ids = identifiers_for_case(case)
    for which, expected_pages, expected_calls in ((long, 2, 2), (long, 2, 1), (short, 1, 2)):
        calls.clear()
        folder = tmp_path / f"{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        out, pages = build._render_cover(which, check_case(which), ids, [], [], folder)
        assert (pages, len(calls)) == (expected_pages, expected_calls)
        listed = "1" if pages == 1 else f"1–{pages}"
        assert re.search(rf"Voorblad\s+{listed}\s*$", pdftext(out), re.M)
