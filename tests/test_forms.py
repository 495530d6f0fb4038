"""Blank forms: one definition each in forms/*.toml, rendered to DOCX (and, slow, to PDF)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document

from dossier_app.forms import (
    FormError,
    all_forms,
    form_names,
    load_form,
    parse_form,
    render_form,
    routeboek_versie,
    write_form,
)
from dossier_app.rules import default_rulesets, load_rulesets

FORMS = ["formulier-vastgelopen", "oplegger-doorbraaktafel", "toestemming-doorbraaktafel",
         "toestemming-loket", "uitgesplitste-offerte"]

# What each form must ask, per the routeboek (memo 003, seed 001, seed 002).
EXPECTED: dict[str, list[str]] = {
    "toestemming-loket": ["Uw toestemming", "Ondertekening", "Loket Verzuim en thuiszitters",
                          "adviestafel", "doorbraaktafel", "zienswijze", "OT-nummer",
                          "Initialen leerling", "Ouder of verzorger 1", "Handtekening"],
    "toestemming-doorbraaktafel": ["Uw toestemming", "Ondertekening", "betrokkenen van de doorbraaktafel",
                                   "Spoor 1", "Spoor 2", "Handtekening"],
    "oplegger-doorbraaktafel": ["Waarom de doorbraaktafel?", "financiële discussie",
                                "knellende wet- of regelgeving", "blijvend verschil van visie",
                                "Wat adviseerde de adviestafel?", "Waarom werkte het advies niet?",
                                "CJG-medewerker", "WIJZ", "Ingevuld door"],
    "uitgesplitste-offerte": ["Kosten onderwijs", "Kosten jeugdhulp", "Subtotaal onderwijs",
                              "Subtotaal jeugdhulp", "Totaal (onderwijs + jeugdhulp)", "Bedrag (€)"],
    "formulier-vastgelopen": ["Waar is het proces vastgelopen?", "Wat is gedaan om het op te lossen?",
                              "Den Haag: de teammanager leerplicht", "Rijswijk: de manager van het jeugdteam",
                              "adviestafel", "regisseur sociaal domein", "Leidschendam-Voorburg"],
}


def _all_text(path: Path) -> str:
    """Every piece of text in the DOCX, including tables, header and footer XML."""
    with zipfile.ZipFile(path) as z:
        parts = [z.read(n).decode("utf-8") for n in z.namelist()
                 if n.startswith("word/") and n.endswith(".xml")]
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            texts += [c.text for c in row.cells]
    return "\n".join(texts) + "\n" + "\n".join(parts)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("forms")
    return {naam: _write(naam, folder) for naam in FORMS}


def _write(naam: str, folder: Path) -> Path:
    out = folder / f"{naam}.docx"
    write_form(naam, out)
    return out


def test_the_five_forms_exist():
    assert form_names() == FORMS


def test_every_form_named_in_the_routeboek_exists():
    named = {o.formulier for rs in load_rulesets() for t in rs.tafels for o in t.onderdelen if o.formulier}
    assert named, "the routeboek names no forms?"
    assert named <= set(form_names()), named - set(form_names())


def test_definitions_name_the_newest_rule_sets_that_use_them():
    """A new routeboek that names a form must be listed in its definition (and its footer)."""
    sets = default_rulesets()
    for naam, form in all_forms().items():
        users = {rs.id for rs in sets if rs.geldig_tot is None
                 for t in rs.tafels for o in t.onderdelen if o.formulier == naam}
        assert users, f"{naam} is not used by any rule set in force"
        assert users <= set(form.routeboeken), (naam, users)
        for rid in form.routeboeken:
            rs = next(r for r in sets if r.id == rid)
            assert any(o.formulier == naam for t in rs.tafels for o in t.onderdelen), (naam, rid)


def test_every_form_quotes_the_routeboek_with_its_seed():
    seeds = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
    for form in all_forms().values():
        assert form.bronnen
        for bron in form.bronnen:
            assert bron.bron and bron.seed.endswith(".txt")
            if seeds.is_dir():
                assert (seeds / bron.seed).is_file(), bron.seed


@pytest.mark.parametrize("naam", FORMS)
def test_form_renders_with_headings_fields_and_footer(naam, written):
    path = written[naam]
    form = load_form(naam)
    doc = Document(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == form.koppen()
    titles = [p.text for p in doc.paragraphs if p.style.name == "Title"]
    assert titles == [form.titel]
    text = _all_text(path)
    for expected in ["Wat het routeboek vraagt", *EXPECTED[naam], *form.labels()]:
        assert expected in text, expected
    footer = "".join(p.text for p in doc.sections[0].footer.paragraphs)
    assert f"Tafeldossier – formulier {naam}, versie {routeboek_versie(form)}" in footer
    section = doc.sections[0]
    assert abs(section.page_width.cm - 21.0) < 0.01 and abs(section.page_height.cm - 29.7) < 0.01
    assert doc.core_properties.author == "Tafeldossier"


@pytest.mark.parametrize("naam", FORMS)
def test_no_identifier_is_prefilled(naam, written):
    """Blank: no case data. The only case reference asked for is initials and OT-nummer."""
    text = _all_text(written[naam])
    for forbidden in ["Noor", "Amrani", "123456782", "Geboortedatum", "BSN:", "Adres:", "Achternaam",
                      "Voornaam"]:
        assert forbidden not in text
    form = load_form(naam)
    assert "Initialen leerling" in form.labels() and "OT-nummer" in form.labels()


def test_offerte_table_has_rows_per_soort_with_subtotals():
    doc = render_form(load_form("uitgesplitste-offerte"), "test")
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Omschrijving")
    first_col = [row.cells[0].text for row in table.rows]
    i_ond, i_jh = first_col.index("Kosten onderwijs"), first_col.index("Kosten jeugdhulp")
    assert first_col.index("Subtotaal onderwijs") == i_ond + 6  # five empty rows in between
    assert first_col.index("Subtotaal jeugdhulp") == i_jh + 6
    assert first_col[-1] == "Totaal (onderwijs + jeugdhulp)"


def test_footer_version_of_a_form_used_by_po_and_vo():
    versie = routeboek_versie(load_form("formulier-vastgelopen"))
    assert "2025-2026.1 (PO)" in versie and "2024-2025.1 (VO)" in versie


def test_bad_definition_is_reported_in_dutch():
    raw = {"schema": 1, "naam": "x", "titel": "T", "intro": "I", "routeboeken": ["po-2025-2026"],
           "routeboektekst": [{"tekst": "t", "bron": "b", "seed": "s.txt"}],
           "sectie": [{"kop": "K", "veld": [{"soort": "vink", "label": "L"}, {"soort": "tekst"}]}],
           "extra": 1}
    with pytest.raises(FormError) as exc:
        parse_form(raw, "x.toml")
    message = exc.value.message
    assert "x.toml" in message and "onbekende sleutel 'extra'" in message
    assert "sectie 1 (K), veld 1" in message and "'soort' moet een van" in message
    assert "veld 2: 'label' ontbreekt" in message


# --- the command ------------------------------------------------------------------------

def test_cli_lists_forms(run_cli):
    res = run_cli("formulier", "--lijst")
    assert res.code == 0
    assert [line.split("\t")[0] for line in res.out.splitlines()] == FORMS


def test_cli_writes_and_refuses_to_overwrite(run_cli, tmp_path):
    out = tmp_path / "t.docx"
    res = run_cli("formulier", "toestemming-loket", "-o", out)
    assert res.code == 0, res.err
    assert "Formulier geschreven" in res.err and out.is_file()
    before = out.read_bytes()
    res = run_cli("formulier", "toestemming-loket", "-o", out)
    assert res.code == 2 and "--force" in res.err
    assert out.read_bytes() == before
    assert run_cli("formulier", "oplegger-doorbraaktafel", "-o", out, "--force").code == 0
    assert "Oplegger doorbraaktafel" in _all_text(out)
    assert [p.name for p in tmp_path.iterdir()] == ["t.docx"]  # no temporary files left


def test_cli_unknown_form_lists_the_names(run_cli, tmp_path):
    res = run_cli("formulier", "toestemming", "-o", tmp_path / "x.docx")
    assert res.code == 2
    assert "bestaat niet" in res.err and all(naam in res.err for naam in FORMS)
    assert not (tmp_path / "x.docx").exists()


def test_cli_usage_errors(run_cli, tmp_path):
    assert run_cli("formulier").code == 2
    assert run_cli("formulier", "toestemming-loket").code == 2  # no -o
    res = run_cli("formulier", "toestemming-loket", "-o", tmp_path / "x.pdf")
    assert res.code == 2 and ".docx" in res.err


# --- LibreOffice ------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_every_form_converts_to_pdf(written, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    profile = tmp_path / "profile"
    cmd = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
           "--outdir", str(tmp_path), *[str(p) for p in written.values()]]
    subprocess.run(cmd, check=True, capture_output=True, timeout=240)
    for naam in FORMS:
        pdf = tmp_path / f"{naam}.pdf"
        assert pdf.is_file(), naam
        reader = pypdf.PdfReader(str(pdf))
        assert 1 <= len(reader.pages) <= 4, (naam, len(reader.pages))
        box = reader.pages[0].mediabox
        assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4
        # white space folded: how a line wraps depends on the fonts LibreOffice finds (a
        # long title breaks before its last word with DejaVu Sans in place of Calibri)
        text = " ".join("\n".join(page.extract_text() for page in reader.pages).split())
        assert " ".join(load_form(naam).titel.split(":")[0].split()) in text
        assert f"formulier {naam}, versie" in text
        assert f"pagina {len(reader.pages)} van {len(reader.pages)}" in text
