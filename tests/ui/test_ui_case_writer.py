"""The case-file writer gives back exactly the case that was read (schema 1)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from uihelpers import EXAMPLE

from dossier_app.case import parse_case, read_case
from dossier_app.case_model import Lakvlak, Mdo, OfferteRegel, Persoon
from dossier_app.ui.case_writer import case_to_toml, write_case_file


def test_round_trip_of_the_example():
    case = read_case(EXAMPLE / "casus.toml")
    text = case_to_toml(case, case.folder)
    assert text.splitlines()[2] == "schema = 1"
    assert parse_case(text, path=case.path) == case


def test_round_trip_with_every_section(tmp_path):
    case = read_case(EXAMPLE / "casus.toml")
    docs = list(case.documenten)
    docs[1] = replace(docs[1], lakken=(Lakvlak(2, 10.5, 20.0, 100.0, 15.25),))
    outside = tmp_path / "elders" / "brief.pdf"
    docs.append(replace(docs[0], onderdeel="overige-verslagen", bestand=str(outside), pad=outside,
                        lakken=(), index=len(docs)))
    case = replace(case, documenten=tuple(docs),
                   casus=replace(case.casus, tafel="doorbraaktafel", spoor=2, benaderde_scholen=5,
                                 mdo=(*case.casus.mdo, Mdo(date(2026, 10, 14), ("school", "ouders")))),
                   personen=(*case.personen,
                             Persoon("broer", "Sami el Amrani", geboortedatum=date(2012, 1, 2))),
                   offerte=(OfferteRegel("onderwijs", "Assistent", 14400.0),
                            OfferteRegel("jeugdhulp", "Behandeling", 3200.5)))
    path = tmp_path / "casus.toml"
    write_case_file(replace(case, path=path), path)
    back = read_case(path)
    # the example's documents stay in the example folder: written as absolute paths, and named
    # by check/build as outside the case folder (issue 14)
    assert {m.code for m in back.meldingen} == {"DOCUMENT_BUITEN_MAP"}
    assert back == replace(case, path=path.resolve(), meldingen=back.meldingen, documenten=tuple(
        replace(d, pad=path.parent / d.bestand) if not d.bestand.startswith("/") else d
        for d in back.documenten))
    assert back.documenten[-1].pad == outside
    assert back.offerte == case.offerte and back.casus == case.casus and back.personen == case.personen


def test_aanmelddatum_left_out_when_not_given():
    case = read_case(EXAMPLE / "casus.toml")
    case = replace(case, casus=replace(case.casus, aanmelddatum_gegeven=False))
    assert "aanmelddatum" not in case_to_toml(case, case.folder)
