"""The loket's check of a received bundle: complete, unchanged, clean, no personal data.

Every tampering case starts from a freshly assembled bundle (see test_assemble) and
asserts exit code 1 and the specific Dutch reason.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from test_assemble import NAMES, build_bundle, make_info, make_parts, make_pdf

from dossier_app.bundle import manifest
from dossier_app.bundle.assemble import Part, assemble
from dossier_app.bundle.verify import VerifyReport, count_revisions, report_dict, report_text, verify_bundle
from dossier_app.errors import ExitCode, NotABundleError


@dataclass(frozen=True)
class FakeFinding:
    start: int
    end: int
    categorie: str
    context: str
    review: bool = False


def phone_flagger(text: str) -> list[FakeFinding]:
    """A minimal finder so these tests do not depend on the real flagger."""
    return [FakeFinding(m.start(), m.end(), "telefoon", text[max(0, m.start() - 10):m.end() + 10])
            for m in re.finditer(r"06-\d{8}", text)]


def verify(path: Path, flagger=phone_flagger):
    return verify_bundle(path, bestand=path.name, flagger=flagger)


def codes(report) -> set[str]:
    return {m.code for m in report.problemen}


@pytest.fixture
def fresh(tmp_path) -> Path:
    return build_bundle(tmp_path)[0]


def test_a_fresh_bundle_is_ok(fresh):
    report = verify(fresh)
    assert report.ok and report.exit_code == ExitCode.ok
    assert report.compleet and report.intact and report.schoon
    assert report.problemen == []
    assert report.tafel_naam == "Adviestafel"
    status = {o.id: o.status for o in report.onderdelen}
    assert status["opp"] == "aanwezig" and status["smw-verslag"] == "niet-nodig"
    assert status["zienswijze-ouders"] == "optioneel"
    assert report.termijn.week == 7 and report.termijn.status == "binnen"
    lines = report_text(report)
    assert "Volledigheid: compleet" in lines
    assert lines[-1].startswith("Uitslag: in orde")
    data = report_dict(report)
    assert json.loads(json.dumps(data, ensure_ascii=False))["ok"] is True
    assert data["exit_code"] == 0 and data["termijn"]["status"] == "binnen"


def test_a_plain_resave_is_still_ok(fresh, tmp_path):
    with pikepdf.open(fresh) as pdf:
        pdf.save(tmp_path / "resaved.pdf", object_stream_mode=pikepdf.ObjectStreamMode.disable)
    assert verify(tmp_path / "resaved.pdf").ok


# --- (a) a page changed ---------------------------------------------------------------

def append_incremental_update(path: Path, page_index: int, content: bytes) -> None:
    """Append an update section by hand, as an editor saving 'incrementally' would: a new
    content stream and a new version of the page object pointing to it."""
    raw = path.read_bytes()
    with pikepdf.open(path) as pdf:
        size = int(pdf.trailer.Size)
        page = pdf.pages[page_index].obj
        num, gen = page.objgen
        root = pdf.Root.objgen
        body = pikepdf.Dictionary({k: page[k] for k in page}).unparse(resolved=False)
    body = re.sub(rb"/Contents [^/>]*", b"/Contents %d 0 R " % size, body)
    prev = int(re.findall(rb"startxref\s+(\d+)", raw)[-1])
    out = bytearray(raw if raw.endswith(b"\n") else raw + b"\n")
    at_stream = len(out)
    out += b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (size, len(content), content)
    at_page = len(out)
    out += b"%d %d obj\n%s\nendobj\n" % (num, gen, body)
    at_xref = len(out)
    out += b"xref\n%d 1\n%010d %05d n \n%d 1\n%010d 00000 n \n" % (num, at_page, gen, size, at_stream)
    out += b"trailer\n<< /Size %d /Root %d %d R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size + 1, root[0], root[1], prev, at_xref)
    path.write_bytes(bytes(out))


def test_incremental_update_that_changes_a_page(fresh):
    append_incremental_update(fresh, 2, b"BT /F1 24 Tf 72 700 Td (ander verslag) Tj ET")
    assert count_revisions(fresh.read_bytes()) == 2
    report = verify(fresh)
    assert report.exit_code == ExitCode.incomplete
    assert {"BEWERKT_NA_MAKEN", "PAGINA_GEWIJZIGD"} <= codes(report)
    teksten = [m.tekst for m in report.problemen]
    assert "Pagina 3 (MDO-verslagen) is na het maken gewijzigd." in teksten
    assert any("incrementele update" in t for t in teksten)
    changes = [(w.soort, w.pagina, w.onderdeel) for w in report.wijzigingen]
    assert changes == [("gewijzigd", 3, "mdo-verslagen")]


def test_edited_and_resaved_page(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        pdf.pages[5].contents_add(b"q 1 0 0 rg 100 100 200 50 re f Q")  # a box over the OPP
        pdf.save(fresh)
    report = verify(fresh)
    assert report.exit_code == ExitCode.incomplete
    assert codes(report) == {"PAGINA_GEWIJZIGD"}
    assert report.problemen[0].tekst == ("Pagina 6 (Ontwikkelingsperspectiefplan (OPP)) is na het maken "
                                         "gewijzigd.")


# --- (b) a page deleted ---------------------------------------------------------------

def test_deleted_page(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        del pdf.pages[3]
        pdf.save(fresh)
    report = verify(fresh)
    assert report.exit_code == ExitCode.incomplete
    assert {"PAGINA_AANTAL_ANDERS", "PAGINA_VERWIJDERD"} <= codes(report)
    assert "Pagina 4 (MDO-verslagen) is verwijderd." in [m.tekst for m in report.problemen]
    assert "De bundel heeft 7 pagina's; bij het maken waren het er 8." in report.problemen[0].tekst
    assert report.compleet  # MDO-verslagen still has pages


# --- (c) JavaScript -------------------------------------------------------------------

def test_javascript_open_action(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        pdf.save(fresh)
    report = verify(fresh)
    assert report.exit_code == ExitCode.incomplete
    assert codes(report) == {"VERBORGEN_INHOUD"}
    assert "JavaScript dat bij het openen wordt uitgevoerd" in report.problemen[0].tekst
    assert report.intact and not report.schoon


def test_javascript_in_names_tree_and_page_actions(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        js = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("x")))
        pdf.Root.Names.JavaScript = pikepdf.Dictionary(Names=[pikepdf.String("a"), js])
        pdf.save(fresh)
    report = verify(fresh)
    assert any("JavaScript" in m.tekst for m in report.problemen)


# --- (d) an attachment ----------------------------------------------------------------

def test_added_attachment(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        pdf.attachments["leerling.txt"] = pikepdf.AttachedFileSpec(pdf, b"geheim", filename="leerling.txt")
        pdf.save(fresh)
    report = verify(fresh)
    assert report.exit_code == ExitCode.incomplete
    assert codes(report) == {"BIJLAGE_TOEGEVOEGD"}
    assert any("1 bijgevoegd bestand naast het manifest" in m.tekst for m in report.problemen)


def test_file_attachment_annotation(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        spec = pikepdf.AttachedFileSpec(pdf, b"geheim", filename="x.txt").obj
        annot = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment, Rect=[0, 0, 20, 20], FS=spec))
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([annot]))
        pdf.save(fresh)
    report = verify(fresh)
    assert "Pagina 1 bevat een bijgevoegd bestand (als aantekening)." in [m.tekst for m in report.problemen]
    assert "PAGINA_GEWIJZIGD" in codes(report)  # the annotation is part of the page


# --- (e) a required component removed ------------------------------------------------

def test_required_component_pages_removed(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        del pdf.pages[5:7]  # the OPP
        pdf.save(fresh)
    report = verify(fresh)
    assert report.exit_code == ExitCode.incomplete
    assert not report.compleet
    assert "Ontwikkelingsperspectiefplan (OPP) ontbreekt in de bundel." in [m.tekst for m in report.problemen]
    assert {o.id: o.status for o in report.onderdelen}["opp"] == "ontbreekt"
    assert "Volledigheid: NIET COMPLEET" in report_text(report)


def test_bundle_built_without_a_required_component(tmp_path):
    parts = [p for p in make_parts(tmp_path / "p") if p.onderdeel != "verzuimregistratie"]
    out = tmp_path / "b.pdf"
    assemble(parts, make_info(), out, manifest_extra={})
    report = verify(out)
    assert codes(report) == {"ONDERDEEL_ONTBREEKT"}
    assert report.intact and report.schoon


def test_conditional_component_uses_the_manifest_conditions(tmp_path):
    out, _ = build_bundle(tmp_path, extra={"casus_voorwaarden": {"smw_betrokken": True}})
    report = verify(out)
    assert "Verslag schoolmaatschappelijk werk ontbreekt" in report.problemen[0].tekst
    out2, _ = build_bundle(tmp_path / "zonder", extra={})
    report2 = verify(out2)
    assert report2.ok
    assert "ONDERDEEL_ZELF_BEOORDELEN" in {m.code for m in report2.meldingen}


# --- other hidden channels ------------------------------------------------------------

def test_metadata_added_after_building(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        pdf.docinfo["/Author"] = "Iemand"
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:creator"] = ["Iemand"]
        pdf.save(fresh)
    report = verify(fresh)
    assert {"METADATA_AANGEVULD", "VERBORGEN_INHOUD"} <= codes(report)
    assert any("XMP-metadata" in m.tekst for m in report.problemen)


def test_changed_title(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        pdf.docinfo["/Title"] = "Dossier van Noor"
        pdf.save(fresh)
    report = verify(fresh)
    assert codes(report) == {"METADATA_AANGEVULD"}
    assert "titel" in report.problemen[0].tekst


def test_renamed_bookmark(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        with pdf.open_outline() as outline:
            outline.root[1].title = "toestemming-Jansen.pdf"
        pdf.save(fresh)
    report = verify(fresh)
    assert codes(report) == {"BLADWIJZERS_ANDERS"}


def test_form_fields_and_layers(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[], XFA=pikepdf.Array())
        pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[])
        pdf.save(fresh)
    teksten = " ".join(m.tekst for m in verify(fresh).problemen)
    assert "XFA-formulier" in teksten and "lagen" in teksten


# --- personal data --------------------------------------------------------------------

def test_personal_data_is_a_problem(tmp_path):
    out, _ = build_bundle(tmp_path, extra_text="Bel moeder op 06-41528376 na het MDO.")
    report = verify(out)
    assert report.exit_code == ExitCode.incomplete
    assert report.compleet and report.intact and report.schoon
    found = [(p.pagina, p.onderdeel, p.categorie) for p in report.persoonsgegevens]
    assert found == [(3, "mdo-verslagen", "telefoon"), (4, "mdo-verslagen", "telefoon")]
    assert "Pagina 3: mogelijk persoonsgegeven (telefoon)" in report.problemen[0].tekst
    assert report_dict(report)["persoonsgegevens"][0]["context"].strip().startswith("moeder op")


def test_review_findings_do_not_fail_the_bundle(fresh):
    report = verify(fresh, flagger=lambda text: [FakeFinding(0, 3, "naam", "juf Ans", review=True)])
    assert report.ok
    assert any(m.code == "NAAM_TER_CONTROLE" for m in report.meldingen)


def test_real_flagger_finds_a_phone_number(tmp_path):
    pytest.importorskip("dossier_app.anonymise.detect")
    out, _ = build_bundle(tmp_path, extra_text="Bel moeder op 06-41528376 na het MDO.")
    report = verify_bundle(out, bestand="b.pdf")
    assert "telefoon" in {p.categorie for p in report.persoonsgegevens}
    assert report.exit_code == ExitCode.incomplete


def test_page_without_text_is_listed_as_not_checked(tmp_path):
    scan = tmp_path / "scan.pdf"
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(scan))
    c.rect(100, 100, 300, 300, fill=1)
    c.showPage()
    c.save()
    parts = [*make_parts(tmp_path / "p"), Part("overige-verslagen", "Overige relevante verslagen", (scan,))]
    out = tmp_path / "b.pdf"
    assemble(parts, make_info(), out, manifest_extra={})
    report = verify(out)
    assert report.ok
    assert report.niet_gecontroleerd == [9]
    note = next(m.tekst for m in report.meldingen if m.code == "NIET_GECONTROLEERD")
    assert note.startswith("Pagina 9 heeft geen tekst") and note.endswith("Bekijk deze pagina zelf.")


def test_several_pages_without_text_are_named_in_the_plural():
    from dossier_app.bundle.verify import _note_meldingen

    report = VerifyReport("bundel.pdf", {})
    report.niet_gecontroleerd = [3, 4, 5, 9]
    [note] = _note_meldingen(report)
    assert note.tekst.startswith("Pagina's 3-5, 9 hebben geen tekst")
    assert note.tekst.endswith("Bekijk deze pagina's zelf.")


# --- the manifest's rules -------------------------------------------------------------

def test_unknown_routeboek_is_reported_not_a_crash(tmp_path):
    out, _ = build_bundle(tmp_path, info=make_info(routeboek_id="po-2031-2032", routeboek_versie="2031.1"))
    report = verify(out)
    assert codes(report) == {"ROUTEBOEK_ONBEKEND"}
    assert "po-2031-2032" in report.problemen[0].tekst
    assert report.intact and report.schoon


def test_concept_bundle_is_not_accepted(tmp_path):
    out, _ = build_bundle(tmp_path, info=make_info(concept=True))
    assert codes(verify(out)) == {"BUNDEL_CONCEPT"}


def test_late_registration_is_reported_but_not_a_problem(tmp_path):
    from datetime import date
    out, _ = build_bundle(tmp_path, info=make_info(aanmelddatum=date(2026, 12, 21)))
    report = verify(out)
    assert report.ok and report.termijn.status == "na"
    assert "TERMIJN_VERSTREKEN" in {m.code for m in report.meldingen}


# --- not a bundle ---------------------------------------------------------------------

def test_plain_pdf_is_not_a_bundle(tmp_path):
    plain = make_pdf(tmp_path / "gewoon.pdf", 2)
    with pytest.raises(NotABundleError) as info:
        verify(plain)
    assert info.value.exit_code == ExitCode.input_error
    assert info.value.message == ("gewoon.pdf is geen Tafeldossier-bundel: er zit geen manifest in. "
                                  "Vraag de school om de bundel opnieuw te maken met Tafeldossier.")


@pytest.mark.parametrize("content, expected", [
    (b"dit is geen pdf", "is geen PDF-bestand"),
    (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "beschadigd"),
    (b"", "is geen PDF-bestand"),
])
def test_corrupt_files_are_not_bundles(tmp_path, content, expected):
    path = tmp_path / "ontvangen.pdf"
    path.write_bytes(content)
    with pytest.raises(NotABundleError, match=expected) as info:
        verify(path)
    assert "ontvangen.pdf" in info.value.message


def test_truncated_bundle(fresh):
    data = fresh.read_bytes()
    fresh.write_bytes(data[: len(data) // 3])
    with pytest.raises(NotABundleError):
        verify(fresh)


def test_missing_file(tmp_path):
    with pytest.raises(NotABundleError, match="kan niet worden gelezen"):
        verify(tmp_path / "weg.pdf")


def test_encrypted_bundle(fresh, tmp_path):
    out = tmp_path / "versleuteld.pdf"
    with pikepdf.open(fresh) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="x", user="", R=6))
    with pytest.raises(NotABundleError, match="versleuteld"):
        verify(out)


def test_broken_manifest(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        pdf.attachments[manifest.BESTANDSNAAM] = pikepdf.AttachedFileSpec(pdf, b"{kapot", filename="m.json")
        pdf.save(fresh)
    with pytest.raises(NotABundleError, match="manifest erin is beschadigd"):
        verify(fresh)


def test_newer_manifest_schema(fresh):
    with pikepdf.open(fresh, allow_overwriting_input=True) as pdf:
        data = json.loads(pdf.attachments[manifest.BESTANDSNAAM].get_file().read_bytes())
        data["schema"] = 2
        pdf.attachments[manifest.BESTANDSNAAM] = pikepdf.AttachedFileSpec(
            pdf, json.dumps(data).encode(), filename=manifest.BESTANDSNAAM)
        pdf.save(fresh)
    with pytest.raises(NotABundleError, match="nieuwere versie van Tafeldossier"):
        verify(fresh)


def test_names_in_report_are_component_names_not_files(fresh):
    text = "\n".join(report_text(verify(fresh)))
    for naam in NAMES.values():
        assert naam in text
    assert ".pdf\n" not in text.replace("Bundel: bundel.pdf\n", "")
    assert io.StringIO(text).readline().startswith("Bundel: bundel.pdf")
