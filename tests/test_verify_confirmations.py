"""Findings the school left in ("Laten staan") are bound to the bundle's pages (issue 14).

The manifest's `bevestigd` holds a hash per confirmed term; the generated voorblad prints
how many there are and a code over them. The voorblad is in the page digests, so a hash
added to or removed from the manifest (the embedded file rewritten, no page touched) no
longer matches the page: verify refuses (BEVESTIGINGEN_ANDERS). Bundles are built with
`dossier build` from the example case, as a school would.
"""

from __future__ import annotations

import io
import json
import shutil
import tomllib
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
import tomli_w
from conftest import REPO
from docx import Document as DocxDocument

from dossier_app.bundle import manifest
from dossier_app.bundle.verify import report_text, verify_bundle
from dossier_app.cli import main
from dossier_app.errors import ExitCode
from dossier_app.privacy import confirmation_hash

EXAMPLE = REPO / "examples" / "adviestafel-den-haag"
PHONE = "06-19283746"  # a neighbour's number in a report: the school judged it "Laten staan"
ABSENT = "P. Hoekstra"  # confirmed in the case, but in no document of the bundle
ANDERS = "De lijst met door de school bevestigde termen is na het maken veranderd"


def _build(folder: Path, confirmed: list[str]) -> Path:
    shutil.copytree(EXAMPLE, folder)
    doc = DocxDocument()
    doc.add_paragraph(f"Verslag huisbezoek. De buurvrouw belt bij zorgen naar {PHONE}; zij past soms op.")
    doc.save(folder / "stukken" / "huisbezoek.docx")
    data = tomllib.loads((folder / "casus.toml").read_text(encoding="utf-8"))
    data["documenten"].append({"onderdeel": "overige-verslagen", "bestand": "stukken/huisbezoek.docx"})
    if confirmed:
        data["anonimiseren"] = {"geen_persoonsgegeven": confirmed}
    (folder / "casus.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    out = folder / "bundel.pdf"
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        code = main(["build", str(folder / "casus.toml"), "-o", str(out), "--converter", "builtin", "--stil"])
    assert out.is_file(), code
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TAFELDOSSIER_DATA", str(tmp_path_factory.mktemp("data")))
        root = tmp_path_factory.mktemp("confirmations")
        return {"bevestigd": _build(root / "bevestigd", [PHONE, ABSENT]),
                "zonder": _build(root / "zonder", [])}


@pytest.fixture
def bevestigd(built, tmp_path) -> Path:
    return Path(shutil.copy(built["bevestigd"], tmp_path / "bundel.pdf"))


@pytest.fixture
def zonder(built, tmp_path) -> Path:
    return Path(shutil.copy(built["zonder"], tmp_path / "zonder.pdf"))


def cover_text(path: Path) -> str:
    doc = pdfium.PdfDocument(str(path))
    try:
        return " ".join(doc[0].get_textpage().get_text_range().split())
    finally:
        doc.close()


def embedded(path: Path) -> dict:
    with pikepdf.open(path) as pdf:
        return json.loads(pdf.attachments[manifest.BESTANDSNAAM].get_file().read_bytes())


def rewrite_bevestigd(path: Path, change) -> None:
    """Rewrite only the embedded manifest, as an attacker would; no page is touched."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        spec = pdf.attachments[manifest.BESTANDSNAAM]
        data = json.loads(spec.get_file().read_bytes())
        data["bevestigd"] = sorted(change(list(data["bevestigd"])))
        spec.obj.EF.F.write(manifest.to_bytes(data))
        pdf.save(path)


def check(path: Path):
    return verify_bundle(path, bestand=path.name)  # the real flagger, as at the loket


def refused_as_changed(path: Path, fragment: str):
    report = check(path)
    assert report.exit_code == ExitCode.incomplete
    assert not report.wijzigingen, report.wijzigingen  # every page is as built
    found = [m.tekst for m in report.problemen if m.code == "BEVESTIGINGEN_ANDERS"]
    assert found and found[0].startswith(ANDERS) and fragment in found[0], [m.tekst for m in report.problemen]
    assert "Ongewijzigd sinds het maken: NEE" in report_text(report)
    return report


def test_the_voorblad_states_the_confirmations_and_the_manifest_holds_their_hashes(bevestigd):
    data = embedded(bevestigd)
    assert data["bevestigd"] == sorted([confirmation_hash(PHONE), confirmation_hash(ABSENT)])
    line = manifest.bevestigd_regel(data["casus"]["ot_nummer"], data["bevestigd"])
    assert "2 mogelijke persoonsgegevens (controlecode " in line
    assert line in cover_text(bevestigd)
    assert PHONE not in cover_text(bevestigd) and "Hoekstra" not in cover_text(bevestigd)


def test_a_confirmed_term_passes_and_stays_visible(bevestigd):
    report = check(bevestigd)
    assert report.exit_code == ExitCode.ok, [m.tekst for m in report.problemen]
    shown = [m for m in report.meldingen if m.code == "PERSOONSGEGEVEN_BEVESTIGD"]
    assert len(shown) == 1 and shown[0].niveau == "waarschuwing"
    assert PHONE in shown[0].tekst and shown[0].pagina
    assert shown[0].tekst.startswith(f"Pagina {shown[0].pagina}:")
    note = [m for m in report.meldingen if m.code == "BEVESTIGING_NIET_GEVONDEN"]
    assert len(note) == 1 and note[0].niveau == "info" and note[0].tekst.startswith("1 door de school")


def test_a_hash_added_to_the_manifest_is_refused(bevestigd):
    rewrite_bevestigd(bevestigd, lambda h: [*h, confirmation_hash("06-12345678")])
    refused_as_changed(bevestigd, "het voorblad zegt “2 mogelijke persoonsgegevens")


def test_a_hash_removed_from_the_manifest_is_refused(bevestigd):
    rewrite_bevestigd(bevestigd, lambda h: [x for x in h if x != confirmation_hash(ABSENT)])
    refused_as_changed(bevestigd, "maar bij het manifest hoort “1 mogelijk persoonsgegeven")


def test_a_hash_swapped_for_another_is_refused(bevestigd):
    """Same count, another term: only the code tells."""
    rewrite_bevestigd(bevestigd, lambda h: [confirmation_hash(PHONE), confirmation_hash("Jan de Vries")])
    refused_as_changed(bevestigd, "controlecode")


def test_every_hash_removed_is_refused_and_the_finding_is_an_error_again(bevestigd):
    rewrite_bevestigd(bevestigd, lambda h: [])
    report = refused_as_changed(bevestigd, "maar bij het manifest hoort “geen mogelijke persoonsgegevens")
    assert "MOGELIJK_PERSOONSGEGEVEN" in {m.code for m in report.problemen}


def test_without_confirmations_the_voorblad_says_so_and_verify_passes_only_without_findings(zonder):
    assert "Door de school beoordeeld en laten staan: geen mogelijke persoonsgegevens." in cover_text(zonder)
    assert embedded(zonder)["bevestigd"] == []
    report = check(zonder)
    assert {m.code for m in report.problemen} == {"MOGELIJK_PERSOONSGEGEVEN"}  # the phone, not judged


def test_a_hash_added_to_a_bundle_without_confirmations_is_refused(zonder, tmp_path):
    rewrite_bevestigd(zonder, lambda h: [confirmation_hash(PHONE)])
    refused_as_changed(zonder, "het voorblad zegt “geen mogelijke persoonsgegevens”")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["verify", str(zonder)])
    assert code == 1 and ANDERS in err.getvalue() + out.getvalue()
