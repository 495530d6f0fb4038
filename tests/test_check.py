"""`check`: availability, completeness, preconditions and timing, as the seeds say."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import case_dict, docs, write_case

from dossier_app.case import read_case
from dossier_app.errors import CaseFileError
from dossier_app.rules.check import check_case, termijn, week_since
from dossier_app.rules.model import Venster

ADVIESTAFEL_DOCS = docs("toestemming-ouders", "mdo-verslagen", "opp", "verzuimregistratie")
KERN = ["ouders", "leerplicht", "smw", "adviseur", "school"]


def check(tmp_path, files=None, **sections):
    return check_case(read_case(write_case(tmp_path, case_dict(**sections), files=files)))


def codes(result, niveau=None):
    return [m.code for m in result.meldingen if niveau is None or m.niveau == niveau]


def test_complete_adviestafel(tmp_path):
    r = check(tmp_path, documenten=ADVIESTAFEL_DOCS)
    assert r.compleet, [m.tekst for m in r.fouten]
    assert r.exit_code == 0
    assert r.ontbrekend == []
    voorblad = next(s for s in r.onderdelen if s.onderdeel.id == "voorblad")
    assert voorblad.gegenereerd and voorblad.status == "aanwezig"


def test_missing_components_are_listed_by_id(tmp_path):
    r = check(tmp_path, documenten=docs("mdo-verslagen"), voorblad=None)
    assert not r.compleet and r.exit_code == 1
    assert r.ontbrekend == ["toestemming-ouders", "opp", "verzuimregistratie", "voorblad"]
    assert codes(r, "fout").count("ONDERDEEL_ONTBREEKT") == 4


def test_smw_report_required_only_when_smw_involved(tmp_path):
    r = check(tmp_path / "a", documenten=ADVIESTAFEL_DOCS, casus={"smw_betrokken": True})
    assert r.ontbrekend == ["smw-verslag"]
    r = check(tmp_path / "b", documenten=[*ADVIESTAFEL_DOCS, *docs("smw-verslag")],
              casus={"smw_betrokken": True})
    assert r.compleet


def test_a_listed_file_that_does_not_exist_makes_the_component_missing(tmp_path):
    r = check(tmp_path, documenten=ADVIESTAFEL_DOCS, files={"opp": "missing"})
    assert r.ontbrekend == ["opp"]
    missing = [m for m in r.meldingen if m.code == "BESTAND_ONTBREEKT"]
    assert missing[0].bestand == "stukken/opp-2.pdf"
    assert "stukken/opp-2.pdf" in missing[0].tekst


def test_voorblad_needs_summary_and_main_question_or_a_file(tmp_path):
    r = check(tmp_path / "a", documenten=ADVIESTAFEL_DOCS, voorblad={"hoofdvraag": ""})
    assert r.ontbrekend == ["voorblad"]
    r = check(tmp_path / "b", documenten=[*ADVIESTAFEL_DOCS, *docs("voorblad")], voorblad=None)
    assert r.compleet
    r = check(tmp_path / "c", documenten=ADVIESTAFEL_DOCS, voorblad={"wat_nodig": ""})
    assert r.compleet and "VOORBLAD_AANVRAAG_ONVOLLEDIG" in codes(r, "waarschuwing")


def test_mdo_with_the_core_partners_is_required_before_the_loket(tmp_path):
    r = check(tmp_path / "a", documenten=ADVIESTAFEL_DOCS,
              casus={"mdo": [{"datum": date(2026, 9, 21), "deelnemers": ["ouders", "school"]}]})
    assert not r.compleet and "VOORWAARDE_NIET_VOLDAAN" in codes(r, "fout")
    assert r.ontbrekend == []
    # the right MDO, but after the aanmelddatum, does not count
    r = check(tmp_path / "b", documenten=ADVIESTAFEL_DOCS,
              casus={"mdo": [{"datum": date(2026, 10, 20), "deelnemers": KERN}]})
    assert not r.compleet and "OVERLEG_NA_AANMELDING" in codes(r)
    # split over two meetings is not one MDO with all of them
    r = check(tmp_path / "c", documenten=ADVIESTAFEL_DOCS,
              casus={"mdo": [{"datum": date(2026, 9, 1), "deelnemers": KERN[:3]},
                             {"datum": date(2026, 9, 8), "deelnemers": KERN[3:]}]})
    assert not r.compleet


def test_cjg_absent_is_only_a_note(tmp_path):
    r = check(tmp_path, documenten=ADVIESTAFEL_DOCS)
    gewenst = next(v for v in r.voorwaarden if v.voorwaarde.id == "mdo-jeugdhulp-gewenst")
    assert gewenst.status == "niet-voldaan"
    assert r.compleet


def test_po_doorbraaktafel_refused_in_den_haag_from_2025_with_advice(tmp_path):
    r = check(tmp_path, casus={"tafel": "doorbraaktafel", "spoor": 1})
    assert not r.beschikbaar and r.exit_code == 1
    melding = r.fouten[0]
    assert melding.code == "TAFEL_NIET_BESCHIKBAAR"
    assert "geen doorbraaktafel" in melding.tekst and "regisseur sociaal domein" in melding.tekst


def test_po_doorbraaktafel_existed_in_den_haag_before_2025(tmp_path):
    r = check(tmp_path, casus={"tafel": "doorbraaktafel", "spoor": 2,
                               "eerste_verzuimdatum": date(2024, 9, 2),
                               "aanmelddatum": date(2024, 12, 2),
                               "mdo": [{"datum": date(2024, 10, 1), "deelnemers": KERN}]},
              documenten=docs("toestemming-doorbraaktafel", "uitgesplitste-offerte"))
    assert r.ruleset.id == "po-2020-2021"
    assert r.beschikbaar and r.compleet


def test_doorbraaktafel_not_in_leidschendam_voorburg(tmp_path):
    for onderwijs in ("po", "vo"):
        r = check(tmp_path / onderwijs, casus={"onderwijs": onderwijs, "tafel": "doorbraaktafel",
                                               "gemeente": "leidschendam-voorburg", "spoor": 1})
        assert not r.beschikbaar
        assert "kent geen doorbraaktafel" in r.fouten[0].tekst


@pytest.mark.parametrize(("spoor", "onderdelen", "missing"), [
    (1, ["toestemming-doorbraaktafel", "uitgesplitste-offerte"],
     ["oplegger", "mdo-verslag-na-advies"]),
    (2, ["toestemming-doorbraaktafel", "uitgesplitste-offerte"], []),
    (2, ["toestemming-doorbraaktafel"], ["uitgesplitste-offerte"]),
])
def test_rijswijk_doorbraaktafel_sporen(tmp_path, spoor, onderdelen, missing):
    r = check(tmp_path, casus={"tafel": "doorbraaktafel", "gemeente": "rijswijk", "spoor": spoor},
              documenten=docs(*onderdelen))
    assert r.beschikbaar
    assert r.ontbrekend == missing


def test_offerte_lines_make_the_split_quote(tmp_path):
    r = check(tmp_path, casus={"tafel": "doorbraaktafel", "gemeente": "rijswijk", "spoor": 2},
              documenten=docs("toestemming-doorbraaktafel"),
              offerte={"regels": [{"soort": "onderwijs", "omschrijving": "x", "bedrag": 10.0}]})
    assert r.compleet
    assert "OFFERTE_EEN_SOORT" in codes(r, "waarschuwing")


def test_doorbraaktafel_needs_a_spoor(tmp_path):
    r = check(tmp_path, casus={"tafel": "doorbraaktafel", "gemeente": "rijswijk"},
              documenten=docs("toestemming-doorbraaktafel", "uitgesplitste-offerte"))
    assert "SPOOR_ONTBREEKT" in codes(r, "fout")


def test_managementafstemming_only_in_den_haag(tmp_path):
    r = check(tmp_path / "a", casus={"tafel": "managementafstemming"})
    assert r.beschikbaar and r.compleet
    r = check(tmp_path / "b", casus={"tafel": "managementafstemming", "gemeente": "rijswijk"})
    assert not r.beschikbaar and "adviestafel" in r.fouten[0].tekst


def test_guidance_only_tafels_refuse_a_dossier_and_say_what_to_do(tmp_path):
    r = check(tmp_path / "a", casus={"tafel": "jeugdbeschermingstafel"})
    assert not r.beschikbaar and r.fouten[0].code == "TAFEL_GEEN_DOSSIER"
    assert "Veilig Thuis" in r.fouten[0].tekst
    r = check(tmp_path / "b", casus={"tafel": "ecz", "onderwijs": "vo"})
    assert r.fouten[0].code == "TAFEL_GEEN_DOSSIER"


def test_vo_tafel_in_a_po_case_is_not_available(tmp_path):
    r = check(tmp_path, casus={"tafel": "plaatsingstafel-vo"})
    assert not r.beschikbaar
    assert r.fouten[0].code == "TAFEL_NIET_IN_ROUTEBOEK"
    assert "voortgezet onderwijs" in r.fouten[0].tekst


def test_unknown_tafel_is_a_case_file_error(tmp_path):
    with pytest.raises(CaseFileError, match='"wachtkamer" is geen tafel'):
        check(tmp_path, casus={"tafel": "wachtkamer"})


def test_eigen_team_did_not_exist_in_the_old_po_rules(tmp_path):
    r = check(tmp_path, casus={"tafel": "eigen-team", "eerste_verzuimdatum": date(2024, 9, 2),
                               "aanmelddatum": date(2024, 10, 7)})
    assert r.fouten[0].code == "TAFEL_NIET_IN_ROUTEBOEK"


PLAATSING = docs("aanmeldformulier-plaatsingstafel", "leerlingkenmerken", "opp", "cijferlijst",
                 "verzuimoverzicht")


def vo(tafel, **casus):
    return {"onderwijs": "vo", "tafel": tafel, "mdo": [], **casus}


def test_plaatsingstafel_complete_with_five_schools(tmp_path):
    r = check(tmp_path, casus=vo("plaatsingstafel-vo", benaderde_scholen=5), documenten=PLAATSING)
    assert r.compleet, [m.tekst for m in r.fouten]


@pytest.mark.parametrize("scholen", [None, 4])
def test_plaatsingstafel_needs_five_schools(tmp_path, scholen):
    casus = vo("plaatsingstafel-vo") if scholen is None else vo("plaatsingstafel-vo",
                                                                  benaderde_scholen=scholen)
    r = check(tmp_path, casus=casus, documenten=PLAATSING)
    assert not r.compleet and r.ontbrekend == []
    fout = r.fouten[0]
    assert fout.code == "VOORWAARDE_NIET_VOLDAAN" and "benaderde_scholen" in fout.tekst


def test_okr_bovo_needed_when_replacing_from_the_onderbouw(tmp_path):
    r = check(tmp_path, casus=vo("plaatsingstafel-vo", benaderde_scholen=6,
                                 herplaatsing_vanuit_onderbouw=True), documenten=PLAATSING)
    assert r.ontbrekend == ["okr-bovo"]


def test_mwta_needs_the_green_form(tmp_path):
    r = check(tmp_path / "a", casus=vo("mwta"), documenten=docs("opp"))
    assert r.ontbrekend == ["groene-formulier"]
    r = check(tmp_path / "b", casus=vo("mwta"), documenten=docs("groene-formulier"))
    assert r.compleet and "VOORWAARDE_NIET_VOLDAAN" in codes(r, "waarschuwing")  # no JES listed


def test_expertisetafel_vso_needs_its_form(tmp_path):
    r = check(tmp_path, casus=vo("expertisetafel-vso"))
    assert r.ontbrekend == ["aanmeldformulier"]


@pytest.mark.parametrize(("gemeente", "nodig"), [
    ("den-haag", "formulier-vastgelopen"), ("rijswijk", "formulier-vastgelopen"),
    ("leidschendam-voorburg", "schriftelijke-toelichting")])
def test_regisseur_vo_needs_the_form_of_its_gemeente(tmp_path, gemeente, nodig):
    r = check(tmp_path, casus=vo("regisseur", gemeente=gemeente))
    assert r.ontbrekend == [nodig]


def test_av_team_vo_ended_in_january_2026(tmp_path):
    r = check(tmp_path / "a", casus=vo("av-team-vo"))
    assert not r.beschikbaar and r.fouten[0].code == "TAFEL_VERVALLEN"
    assert "scholen" in r.fouten[0].tekst
    r = check(tmp_path / "b", casus=vo("av-team-vo", eerste_verzuimdatum=date(2025, 10, 1),
                                       aanmelddatum=date(2025, 11, 1)))
    assert r.beschikbaar


def test_vo_doorbraaktafel_in_den_haag(tmp_path):
    r = check(tmp_path, casus=vo("doorbraaktafel", spoor=2),
              documenten=docs("toestemming-doorbraaktafel", "uitgesplitste-offerte"))
    assert r.beschikbaar and r.compleet


def test_documents_for_another_component_are_flagged(tmp_path):
    r = check(tmp_path, documenten=[*ADVIESTAFEL_DOCS, *docs("cijferlijst")])
    assert r.compleet
    assert "ONDERDEEL_HOORT_NIET_BIJ_TAFEL" in codes(r, "waarschuwing")


# --- timing ---------------------------------------------------------------------------

@pytest.mark.parametrize(("days", "week"), [(0, 1), (6, 1), (7, 2), (27, 4), (28, 5), (55, 8),
                                            (56, 9)])
def test_week_numbers_count_from_the_first_absence_day(days, week):
    start = date(2026, 9, 7)
    from datetime import timedelta
    assert week_since(start, start + timedelta(days=days)) == week


@pytest.mark.parametrize(("aanmeld", "status"), [
    (date(2026, 10, 4), "voor"),  # day 27: week 4
    (date(2026, 10, 5), "binnen"),  # day 28: week 5
    (date(2026, 11, 1), "binnen"),  # day 55: last day of week 8
    (date(2026, 11, 2), "na"),  # day 56: week 9
])
def test_adviestafel_window_edges(aanmeld, status):
    t = termijn(date(2026, 9, 7), aanmeld, Venster(van=5, tot=8, tekst="week 5-8"))
    assert t.status == status
    assert t.vanaf == date(2026, 10, 5) and t.uiterlijk == date(2026, 11, 1)


def test_deadline_only_and_around_windows():
    start = date(2026, 9, 7)
    assert termijn(start, date(2026, 11, 22), Venster(tot=11)).status == "binnen"  # day 76: week 11
    assert termijn(start, date(2026, 11, 23), Venster(tot=11)).status == "na"  # day 77: week 12
    assert termijn(start, date(2026, 9, 7), Venster(tot=8)).status == "binnen"
    assert termijn(start, date(2026, 11, 30), Venster(rond=13)).status == "binnen"  # week 13
    assert termijn(start, date(2026, 11, 9), Venster(rond=13)).status == "voor"  # week 10
    assert termijn(start, date(2027, 1, 4), Venster(rond=13)).status == "na"  # week 18
    assert termijn(start, date(2026, 9, 7), Venster()).status == "geen"


def test_timing_is_a_warning_not_a_refusal(tmp_path):
    r = check(tmp_path, documenten=ADVIESTAFEL_DOCS, casus={"aanmelddatum": date(2026, 12, 1)})
    assert r.compleet
    assert "TERMIJN_VERSTREKEN" in codes(r, "waarschuwing")
    assert r.termijn.week == 13


# --- every tafel x gemeente x onderwijs the seeds speak of ------------------------------

from test_rules import PO_NOW, VO_NOW  # noqa: E402

GUIDANCE = {"ecz", "jeugdbeschermingstafel"}
ENDED = {"av-team-vo"}


@pytest.mark.parametrize("onderwijs", ["po", "vo"])
@pytest.mark.parametrize("gemeente", ["den-haag", "rijswijk", "leidschendam-voorburg"])
def test_availability_matrix(tmp_path, onderwijs, gemeente):
    table = PO_NOW if onderwijs == "po" else VO_NOW
    for tafel, gemeenten in table.items():
        casus = {"onderwijs": onderwijs, "gemeente": gemeente, "tafel": tafel}
        if tafel == "doorbraaktafel":
            casus["spoor"] = 1
        r = check(tmp_path / tafel, casus=casus)
        expected = gemeente in gemeenten and tafel not in GUIDANCE and tafel not in ENDED
        assert r.beschikbaar == expected, (onderwijs, gemeente, tafel, [m.tekst for m in r.fouten])
        if not expected:
            assert r.fouten and r.fouten[0].code in {"TAFEL_NIET_BESCHIKBAAR", "TAFEL_GEEN_DOSSIER",
                                                     "TAFEL_VERVALLEN"}
            assert len(r.fouten[0].tekst) > 40  # says why and what to do instead
