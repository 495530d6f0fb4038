"""The routeboek data: loads, validates, and says what the seeds say."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dossier_app.errors import IncompleteError
from dossier_app.rules import default_rulesets, load_rulesets, ruleset_for
from dossier_app.rules.loader import RoutebookError
from dossier_app.rules.terms import GEMEENTEN

ALL = tuple(GEMEENTEN)
TODAY_ISH = date(2026, 11, 22)

# Every tafel of DOMAIN.md with the gemeenten where the school can use it now.
PO_NOW = {
    "eigen-team": ALL,
    "managementafstemming": ("den-haag",),
    "adviestafel": ALL,
    "doorbraaktafel": ("rijswijk",),
    "ecz": ALL,
    "jeugdbeschermingstafel": ALL,
}
VO_NOW = {
    "mwta": ALL,
    "expertisetafel-vso": ALL,
    "plaatsingstafel-vo": ALL,
    "av-team-vo": ALL,  # listed, but ended in January 2026 (see test below)
    "managementoverleg": ALL,
    "regisseur": ALL,
    "ecz": ALL,
    "doorbraaktafel": ("den-haag", "rijswijk"),
    "jeugdbeschermingstafel": ALL,
}


def test_rule_sets_load_and_cover_both_school_types():
    ids = {rs.id for rs in default_rulesets()}
    assert ids == {"po-2020-2021", "po-2025-2026", "vo-2024-2025"}


@pytest.mark.parametrize(("onderwijs", "expected"), [("po", PO_NOW), ("vo", VO_NOW)])
def test_current_rules_list_every_tafel_with_its_gemeenten(onderwijs, expected):
    rs = ruleset_for(onderwijs, TODAY_ISH)
    assert {t.id for t in rs.tafels} == set(expected)
    for tafel_id, gemeenten in expected.items():
        assert set(rs.tafel(tafel_id).beschikbaar) == set(gemeenten), tafel_id


@pytest.mark.parametrize(("onderwijs", "datum", "ruleset_id"), [
    ("po", date(2024, 10, 1), "po-2020-2021"),
    ("po", date(2025, 7, 31), "po-2020-2021"),
    ("po", date(2025, 8, 1), "po-2025-2026"),
    ("po", date(2030, 1, 1), "po-2025-2026"),  # the newest rules have no end date
    ("vo", date(2024, 8, 1), "vo-2024-2025"),
    ("vo", date(2026, 11, 22), "vo-2024-2025"),
])
def test_rule_set_is_chosen_by_date(onderwijs, datum, ruleset_id):
    assert ruleset_for(onderwijs, datum).id == ruleset_id


def test_no_rules_before_the_first_rule_set():
    with pytest.raises(IncompleteError, match="geen routeboek"):
        ruleset_for("vo", date(2023, 9, 1))


def test_old_po_rules_had_a_doorbraaktafel_in_den_haag_and_no_eigen_team():
    old = ruleset_for("po", date(2024, 10, 1))
    assert "den-haag" in old.tafel("doorbraaktafel").beschikbaar
    assert old.tafel("eigen-team") is None
    # inherited from the newer set: the same dossier
    assert [o.id for o in old.tafel("adviestafel").onderdelen] == \
        [o.id for o in ruleset_for("po", TODAY_ISH).tafel("adviestafel").onderdelen]


def test_guidance_only_tafels_have_no_dossier_but_say_what_to_do():
    for rs in default_rulesets():
        for tafel_id in ("ecz", "jeugdbeschermingstafel"):
            tafel = rs.tafel(tafel_id)
            assert tafel is not None and not tafel.dossier
            assert tafel.geen_dossier


def test_adviestafel_components_follow_the_memo():
    tafel = ruleset_for("po", TODAY_ISH).tafel("adviestafel")
    rules = {o.id: o.regel for o in tafel.onderdelen}
    assert rules["toestemming-ouders"] == "verplicht"
    assert rules["zienswijze-ouders"] == "optioneel"
    assert rules["mdo-verslagen"] == "verplicht"
    assert rules["opp"] == "verplicht"
    assert rules["overige-verslagen"] == "optioneel"
    assert rules["verzuimregistratie"] == "verplicht"
    assert rules["smw-verslag"] == "voorwaardelijk"
    assert rules["voorblad"] == "verplicht"
    assert tafel.onderdeel("voorblad").genereerbaar == "voorblad"
    assert (tafel.venster.van, tafel.venster.tot) == (5, 8)


def test_doorbraaktafel_sporen():
    tafel = ruleset_for("po", TODAY_ISH).tafel("doorbraaktafel")
    spoor1 = {o.id for o in tafel.onderdelen_voor("rijswijk", 1) if o.regel == "verplicht"}
    spoor2 = {o.id for o in tafel.onderdelen_voor("rijswijk", 2) if o.regel == "verplicht"}
    assert spoor1 == {"oplegger", "toestemming-doorbraaktafel", "mdo-verslag-na-advies",
                      "uitgesplitste-offerte"}
    assert spoor2 == {"toestemming-doorbraaktafel", "uitgesplitste-offerte"}


def test_plaatsingstafel_vo_dossier():
    tafel = ruleset_for("vo", TODAY_ISH).tafel("plaatsingstafel-vo")
    rules = {o.id: o.regel for o in tafel.onderdelen}
    assert {k for k, v in rules.items() if v == "verplicht"} == {
        "aanmeldformulier-plaatsingstafel", "leerlingkenmerken", "opp", "cijferlijst",
        "verzuimoverzicht"}
    assert rules["okr-bovo"] == "voorwaardelijk"
    assert {"drempelonderzoek", "cito-vas", "overige-stukken"} <= set(rules)
    minimum = next(v for v in tafel.voorwaarden if v.soort == "minimum")
    assert (minimum.veld, minimum.minimum) == ("benaderde_scholen", 5)


def _write_rules(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "x.toml").write_text(body, encoding="utf-8")
    return folder


GOOD_HEAD = """schema = 1
[routeboek]
id = "po-test"
versie = "1"
onderwijs = "po"
naam = "Test"
geldig_vanaf = 2020-08-01
"""


def test_a_broken_rule_file_is_reported_in_dutch_with_the_tafel(tmp_path):
    folder = _write_rules(tmp_path / "r", GOOD_HEAD + """
[[tafel]]
id = "t"
naam = "T"
doel = "d"
beschikbaar = ["delft"]
[[tafel.onderdeel]]
id = "a"
naam = "A"
regel = "misschien"
""")
    with pytest.raises(RoutebookError) as err:
        load_rulesets([folder])
    text = str(err.value)
    assert "x.toml" in text and "tafel t" in text
    assert "onbekende gemeente 'delft'" in text
    assert "regel moet een van verplicht, optioneel, voorwaardelijk zijn" in text


def test_overlapping_rule_sets_are_refused(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    tafel = '\n[[tafel]]\nid = "t"\nnaam = "T"\ndoel = "d"\nbeschikbaar = []\n' \
            '[[tafel.onderdeel]]\nid = "a"\nnaam = "A"\nregel = "optioneel"\n'
    (folder / "a.toml").write_text(GOOD_HEAD + tafel, encoding="utf-8")
    (folder / "b.toml").write_text(GOOD_HEAD.replace("po-test", "po-test2")
                                   .replace("2020-08-01", "2021-08-01") + tafel, encoding="utf-8")
    with pytest.raises(RoutebookError, match="gelden op dezelfde dagen"):
        load_rulesets([folder])


def test_an_extra_rules_folder_can_replace_a_shipped_rule_set(tmp_path, monkeypatch):
    shipped = (Path(__file__).parents[1] / "resources" / "routeboek" / "vo-2024-2025.toml")
    text = shipped.read_text(encoding="utf-8").replace('versie = "2024-2025.1"',
                                                       'versie = "2024-2025.2"')
    folder = _write_rules(tmp_path / "extra", "")
    (folder / "x.toml").unlink()
    (folder / "vo.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("TAFELDOSSIER_ROUTEBOEK", str(folder))
    from dossier_app.rules.loader import routeboek_dirs
    sets = load_rulesets(routeboek_dirs())
    assert next(s for s in sets if s.id == "vo-2024-2025").versie == "2024-2025.2"
