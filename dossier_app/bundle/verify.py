"""`dossier verify`: the loket's check of a received bundle.

Reads the embedded manifest and answers, in Dutch: is the bundle complete for the tafel
and the routeboek version it names, is every page as it was built (page digests), are
the hidden channels clean, does any text look like personal data, and how does the
aanmelding stand against the tafel's window.

Exit status (docs/manifest.md): 0 when complete, intact, clean, not a concept and without
personal-data findings; 1 otherwise; `NotABundleError` (exit 3) when the file is not a
readable Tafeldossier bundle. Findings marked `review` by the flagger (a professional's
name) and the timing are reported but do not change the exit status.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pikepdf

from dossier_app.anonymise.hits import hyphenated_seams
from dossier_app.bundle import guard, hashing, manifest, shape, structure
from dossier_app.bundle.assemble import page_label_prefix
from dossier_app.bundle.guard import Deadline
from dossier_app.dates import datum_nl
from dossier_app.documents.limits import DEFAULT_LIMITS, Limits, describe_bytes
from dossier_app.errors import ExitCode, NotABundleError
from dossier_app.meldingen import Melding
from dossier_app.privacy import confirmation_hash, fold
from dossier_app.rules import Tafel, ruleset_by_id
from dossier_app.rules.check import Termijn, termijn
from dossier_app.rules.terms import gemeente_naam
from dossier_app.store.memo import Memo
from dossier_app.taal import aantal, seconden
from dossier_app.taal import paginas as pagina_bereik

Flagger = Callable[[str], Sequence[Any]]  # text -> findings with start, end, categorie, context

OPNIEUW = "Vraag de school om de bundel opnieuw te maken met Tafeldossier."
MAX_SHOWN = 40  # findings listed on screen; the JSON has them all
_MIN_TEXT = 3  # visible characters (stamp excluded) below which a page counts as having no text
_STAMP_RE = re.compile(r"Vertrouwelijk · .*? · pagina \d+ van \d+|\bCONCEPT\b")
# The footer alone: it opens with a literal, which the regex engine scans for in C. The
# alternation above opens with \b, so it is tried at every position of every page (13 ms
# over a 190-page bundle, against 1 ms).
_FOOTER_STAMP_RE = re.compile(r"Vertrouwelijk · .*? · pagina \d+ van \d+")


def _without_stamp(text: str) -> str:
    """`text` with the stamp's footer and CONCEPT replaced by a space (`_STAMP_RE`)."""
    if "CONCEPT" in text:  # else that branch cannot match, and the footer is all there is
        return _STAMP_RE.sub(" ", text)
    return _FOOTER_STAMP_RE.sub(" ", text)


@dataclass(frozen=True)
class OnderdeelCheck:
    id: str
    naam: str
    regel: str  # verplicht | optioneel | voorwaardelijk | onbekend (not in this tafel's list)
    status: str  # aanwezig | ontbreekt | optioneel | niet-nodig | onbekend | extra
    pagina_van: int = 0
    pagina_tot: int = 0


@dataclass(frozen=True)
class PaginaWijziging:
    soort: str  # gewijzigd | verwijderd | toegevoegd
    pagina: int  # the page number in the bundle as built; for "toegevoegd" in the file received
    onderdeel: str | None  # component id from the manifest


@dataclass(frozen=True)
class Persoonsgegeven:
    pagina: int  # page in the file received
    onderdeel: str | None
    categorie: str
    context: str  # text around the finding: for the loket's own screen and JSON only
    review: bool = False  # the flagger asks to look, not to remove (a professional's name)
    bevestigd: bool = False  # the school confirmed "not personal data" (manifest "bevestigd")
    bron: str = "tekst"  # tekst | afbeelding (read by OCR from an image on the page) | manifest


@dataclass
class VerifyReport:
    bestand: str
    manifest: dict[str, Any]
    tafel_naam: str | None = None
    routeboek_bekend: bool = False
    onderdelen: list[OnderdeelCheck] = field(default_factory=list)
    paginas_bestand: int = 0
    wijzigingen: list[PaginaWijziging] = field(default_factory=list)
    verborgen: list[Melding] = field(default_factory=list)
    persoonsgegevens: list[Persoonsgegeven] = field(default_factory=list)
    niet_gecontroleerd: list[int] = field(default_factory=list)
    termijn: Termijn | None = None
    meldingen: list[Melding] = field(default_factory=list)
    opbouw: list[Melding] = field(default_factory=list)  # the file's layout is not one unambiguous reading
    duur: float = 0.0
    # what the pages are (their digests, the optional-content settings), for the memo
    sleutels: hashing.FileKeys | None = field(default=None, repr=False, compare=False)

    @property
    def compleet(self) -> bool:
        return self.routeboek_bekend and self.tafel_naam is not None and not any(
            o.status == "ontbreekt" for o in self.onderdelen)

    @property
    def intact(self) -> bool:
        return not self.wijzigingen and not self.opbouw and \
            self.paginas_bestand == self.manifest["paginas_totaal"]

    @property
    def schoon(self) -> bool:
        return not any(m.niveau == "fout" for m in self.verborgen)

    @property
    def problemen(self) -> list[Melding]:
        return [m for m in self.meldingen if m.niveau == "fout"]

    @property
    def ok(self) -> bool:
        return not self.problemen

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.ok if self.ok else ExitCode.incomplete


# --- entry point ----------------------------------------------------------------------

def verify_bundle(path: Path, *, bestand: str, flagger: Flagger | None = None, password: str | None = None,
                  limits: Limits = DEFAULT_LIMITS, read_images: bool = True,
                  memo: Memo | None = None) -> VerifyReport:
    """Check the bundle at `path`; `bestand` is its name as the user gave it (for messages).

    `password` opens a bundle made with a password (`build --wachtwoord`). The intake's
    `limits` bound size, pages, objects, inflated bytes and time: a file beyond them is
    refused (NotABundleError) before it costs more. `read_images=False` skips the OCR of
    images on pages that have text (the build's own final check: its pipeline read them).
    `memo`: the flagger's answers for page texts it read before (`flag_memo`)."""
    started = time.perf_counter()
    deadline = Deadline(bestand, limits.max_verify_seconds)
    raw = _read(path, bestand, limits)
    layout = _layout(raw, bestand, limits)
    with _open(raw, bestand, password) as pdf:
        data = _manifest(pdf, bestand)
        report = VerifyReport(bestand, data)
        try:
            tails = guard.check_resources(pdf, bestand, limits, deadline)
            _check_pdf(report, pdf, raw, layout, deadline)
            if tails:
                report.opbouw.append(_tails(tails))
                report.meldingen.append(report.opbouw[-1])
        except (pikepdf.PdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            raise NotABundleError(f"{bestand} is beschadigd en kan niet worden gecontroleerd "
                                  f"({type(exc).__name__}). {OPNIEUW}", bestand=bestand) from exc
    _check_text(report, raw, flagger, password, deadline, read_images, memo)
    report.meldingen.extend(_note_meldingen(report))
    report.duur = time.perf_counter() - started
    return report


def _check_pdf(report: VerifyReport, pdf: pikepdf.Pdf, raw: bytes,
               layout: structure.XrefTable | Melding, deadline: Deadline) -> None:
    data = report.manifest
    report.paginas_bestand = len(pdf.pages)
    cache = hashing.DigestCache()
    digests = []
    for page in pdf.pages:
        deadline.check()
        digests.append(hashing.page_digest(page, cache))
    report.wijzigingen = compare_pages(data, digests)
    report.sleutels = hashing.FileKeys(digests, hashing.object_digest(pdf.Root.get("/OCProperties")))
    report.meldingen.extend(_concept(data))
    _check_completeness(report)
    report.opbouw = _opbouw(pdf, raw, layout)
    report.meldingen.extend(report.opbouw)
    report.meldingen.extend(_integrity_meldingen(report))
    report.verborgen = hidden_channels(pdf, raw, data, intact=report.intact, tafel_naam=report.tafel_naam)
    report.verborgen += shape.document_level(pdf, data) + shape.attachment_shape(pdf)
    report.verborgen += shape.manifest_bytes(pdf, data) + shape.manifest_content(data, _routeboek_namen(data))
    report.meldingen.extend(report.verborgen)
    if pdf.get_warnings() and not any(m.code == "OPBOUW_AFWIJKEND" for m in report.opbouw):
        report.opbouw.append(_hersteld())
        report.meldingen.append(report.opbouw[-1])


# --- the file's layout ----------------------------------------------------------------

_LAYOUT_TEXT = {
    "bytes before %PDF- or no header": ("BYTES_BUITEN_PDF", "Het bestand bevat gegevens vóór het begin van "
                                        "de PDF; geen PDF-lezer toont die, maar ze reizen wel mee."),
    "bytes after the last %%EOF": ("BYTES_BUITEN_PDF", "Het bestand bevat gegevens na het einde van de PDF "
                                   "(na %%EOF); geen PDF-lezer toont die, maar ze reizen wel mee, en "
                                   "PDF-lezers kunnen het bestand daardoor verschillend lezen."),
    "comment inside an object": ("OPBOUW_AFWIJKEND", "Het bestand bevat commentaar binnen de "
                                 "PDF-objecten: tekst die geen PDF-lezer toont, maar die wel meereist. "
                                 "Tafeldossier schrijft dat nooit."),
    "more than one revision": ("BEWERKT_NA_MAKEN", "Het bestand is na het maken bewerkt en als aanvulling "
                               "opgeslagen (incrementele update): eerdere inhoud kan er nog in zitten."),
}


_TOO_LARGE = {
    "too many objects": "heeft meer PDF-objecten dan {limits.max_pdf_objects}",
    "object too large": "bevat een PDF-object (geen afbeelding of tekst) van meer dan {size}",
    "object stream too large": "bevat een objectstroom die uitgepakt meer dan {stream} is",
    "too many references": "bevat meer dan {limits.max_pdf_references} verwijzingen tussen PDF-objecten",
}


def _bounded(raw: bytes, bestand: str, limits: Limits, headers: list[structure.Header] | None = None) -> None:
    """The raw-byte limits (structure.prescan), as a Dutch refusal."""
    try:
        structure.prescan(raw, max_objects=limits.max_pdf_objects,
                          max_object_bytes=limits.max_pdf_object_bytes,
                          max_stream_bytes=limits.max_stream_bytes, max_references=limits.max_pdf_references,
                          headers=headers)
    except structure.LayoutError as exc:
        raise _too_large(str(exc), bestand, limits) from exc


def _too_large(reason: str, bestand: str, limits: Limits) -> NotABundleError:
    wat = _TOO_LARGE.get(reason, _TOO_LARGE["too many objects"]).format(
        limits=limits, size=describe_bytes(limits.max_pdf_object_bytes),
        stream=describe_bytes(limits.max_stream_bytes))
    return NotABundleError(f"{bestand} {wat}. {guard.TE_GROOT}", bestand=bestand)


def _layout(raw: bytes, bestand: str, limits: Limits) -> structure.XrefTable | Melding:
    headers = list(structure.object_headers(raw))  # read once, for the limits and the layout
    _bounded(raw, bestand, limits, headers)
    try:
        return structure.check_layout(raw, limits.max_pdf_objects, headers)
    except structure.LayoutError as exc:
        if str(exc) == "too many objects":
            raise _too_large(str(exc), bestand, limits) from exc
        code, tekst = _LAYOUT_TEXT.get(str(exc), ("OPBOUW_AFWIJKEND", ""))
        if code == "BEWERKT_NA_MAKEN":
            n = count_revisions(raw)
            tekst = tekst.replace("bewerkt en", f"{max(n - 1, 1)} keer bewerkt en")
        return _fout(code, tekst or _OPBOUW_TEKST)


_OPBOUW_TEKST = ("De opbouw van het bestand is na het maken veranderd: objecten staan er dubbel in, buiten "
                 "de inhoudsopgave van het bestand of tussen de objecten in. Verschillende PDF-lezers kunnen "
                 "er dan verschillende pagina's in tonen; wat hier is gecontroleerd, hoeft niet te zijn wat "
                 "u in uw PDF-lezer ziet.")


def _hersteld() -> Melding:
    return _fout("OPBOUW_AFWIJKEND", "Het bestand is beschadigd en moest bij het lezen worden hersteld. "
                 "Verschillende PDF-lezers kunnen het dan verschillend tonen; wat hier is gecontroleerd, "
                 "hoeft niet te zijn wat u in uw PDF-lezer ziet.")


def _opbouw(pdf: pikepdf.Pdf, raw: bytes, layout: structure.XrefTable | Melding) -> list[Melding]:
    if isinstance(layout, Melding):
        return [layout]
    try:
        structure.object_stream_members(pdf, layout)
        orphans = structure.orphans(pdf, layout, len(layout.offsets) + len(layout.in_stream) + 16)
    except structure.LayoutError as exc:
        return [_fout("OPBOUW_AFWIJKEND", _LAYOUT_TEXT.get(str(exc), ("", _OPBOUW_TEKST))[1])]
    if orphans:
        objecten = aantal(orphans, "object", "objecten")
        return [_fout("VERBORGEN_OBJECTEN", f"Het bestand bevat {objecten} waar niets in de bundel "
                      "naar verwijst: inhoud die geen PDF-lezer toont en die niet is gecontroleerd, maar wel "
                      "meereist.")]
    return []


def _tails(n: int) -> Melding:
    stromen = aantal(n, "datastroom", "datastromen")
    return _fout("VERBORGEN_BYTES", f"Het bestand bevat {stromen} met gegevens na het einde van de "
                 "gecomprimeerde inhoud: bytes die geen PDF-lezer toont en die niet zijn gecontroleerd, maar "
                 "wel meereizen. Tafeldossier schrijft dat nooit; de bundel is na het maken bewerkt.")


def _routeboek_namen(data: dict[str, Any]) -> dict[str, str] | None:
    ruleset = ruleset_by_id(data["routeboek"]["id"])
    tafel = ruleset.tafel(data["casus"]["tafel"]) if ruleset else None
    if tafel is None:
        return None
    casus = data["casus"]
    return {o.id: o.naam for o in tafel.onderdelen_voor(casus["gemeente"], casus.get("spoor"))}


# --- reading --------------------------------------------------------------------------

def _read(path: Path, bestand: str, limits: Limits) -> bytes:
    """The file's bytes: only a regular file, within the size limit, starting as a PDF."""
    try:
        with open(path, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise NotABundleError(f"{bestand} is geen gewoon bestand en dus geen Tafeldossier-bundel. "
                                      "Kies het PDF-bestand dat u hebt ontvangen.", bestand=bestand)
            if info.st_size > limits.max_file_bytes:
                raise NotABundleError(f"{bestand} is groter dan {describe_bytes(limits.max_file_bytes)}; "
                                      f"dat is te groot om veilig te controleren. {OPNIEUW}", bestand=bestand)
            if b"%PDF-" not in f.read(1024):
                raise NotABundleError(f"{bestand} is geen PDF-bestand en dus geen Tafeldossier-bundel. "
                                      f"{OPNIEUW}", bestand=bestand)
            f.seek(0)
            raw = f.read(limits.max_file_bytes + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        reden = exc.strerror if isinstance(exc, OSError) and exc.strerror else "ongeldige naam"
        raise NotABundleError(f"{bestand} kan niet worden gelezen ({reden}). Controleer "
                              "de naam en de map.", bestand=bestand) from exc
    if len(raw) > limits.max_file_bytes:  # grew while we read it
        raise NotABundleError(f"{bestand} is groter dan {describe_bytes(limits.max_file_bytes)}; dat is te "
                              f"groot om veilig te controleren. {OPNIEUW}", bestand=bestand)
    return raw


def _open(raw: bytes, bestand: str, password: str | None) -> pikepdf.Pdf:
    try:
        pdf = pikepdf.open(io.BytesIO(raw), password=password or "")
    except pikepdf.PasswordError as exc:
        wat = ("Het opgegeven wachtwoord is onjuist. Vraag de school om het juiste wachtwoord (via een "
               "ander kanaal dan de bundel)") if password else \
            ("Geef het wachtwoord op dat u van de school hebt gekregen (dossier verify --wachtwoord, of "
             "in het venster van het loket)")
        raise NotABundleError(f"{bestand} is met een wachtwoord beveiligd. {wat}.", bestand=bestand,
                              code="WACHTWOORD_NODIG") from exc
    except (pikepdf.PdfError, ValueError, OSError) as exc:
        raise NotABundleError(f"{bestand} is een beschadigde PDF en kan niet worden gecontroleerd. "
                              f"{OPNIEUW}", bestand=bestand) from exc
    if pdf.is_encrypted and not (password and _as_protected(pdf)):
        pdf.close()
        raise NotABundleError(f"{bestand} is versleuteld, maar niet zoals Tafeldossier een bundel met een "
                              f"wachtwoord beveiligt (AES-256 met een wachtwoord om te openen). {OPNIEUW}",
                              bestand=bestand)
    return pdf


def needs_password(path: Path, limits: Limits = DEFAULT_LIMITS) -> bool:
    """True when the file opens only with a password (a bundle made with `build --wachtwoord`);
    anything else, including a file verify will refuse, is False: verify says why."""
    try:
        raw = _read(Path(path), str(path), limits)
        _bounded(raw, str(path), limits)  # a hostile file costs qpdf gigabytes even to open
        pikepdf.open(io.BytesIO(raw)).close()
    except pikepdf.PasswordError:
        return True
    except (pikepdf.PdfError, OSError, ValueError, NotABundleError):
        return False
    return False


def _as_protected(pdf: pikepdf.Pdf) -> bool:
    """Encrypted as `protect` does it: AES-256 (R6), with a password needed to open."""
    info = pdf.encryption
    return info.R >= 6 and info.stream_method.name == "aesv3" and pdf.user_password_matched


def _manifest(pdf: pikepdf.Pdf, bestand: str) -> dict[str, Any]:
    try:
        return manifest.read(pdf)
    except manifest.ManifestError as exc:
        if str(exc) == "no manifest":
            reden = "er zit geen manifest in"
        elif str(exc) == "manifest too large":
            reden = (f"het manifest erin is uitgepakt groter dan {describe_bytes(manifest.MAX_BYTES)}, veel "
                     "groter dan Tafeldossier het ooit maakt")
        elif str(exc) == "more than one manifest":
            reden = ("er zitten twee bijlagen met de naam van het manifest in (PDF-lezers tonen dan een "
                     "andere "
                     "dan Tafeldossier leest); de bundel is na het maken bewerkt")
        elif str(exc).startswith("schema") and _newer_schema(pdf):
            reden = ("hij is gemaakt met een nieuwere versie van Tafeldossier. Werk Tafeldossier bij "
                     "en controleer de bundel opnieuw; of")
        else:
            reden = "het manifest erin is beschadigd of onvolledig"
        raise NotABundleError(f"{bestand} is geen Tafeldossier-bundel: {reden}. {OPNIEUW}",
                              bestand=bestand) from exc
    except (pikepdf.PdfError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise NotABundleError(f"{bestand} is geen Tafeldossier-bundel: het manifest kan niet worden "
                              f"gelezen. {OPNIEUW}", bestand=bestand) from exc


def _newer_schema(pdf: pikepdf.Pdf) -> bool:
    try:
        spec = pdf.attachments[manifest.BESTANDSNAAM]
        schema = json.loads(spec.get_file().read_bytes()).get("schema")
    except (ValueError, AttributeError, KeyError, pikepdf.PdfError):
        return False
    return isinstance(schema, int) and schema > manifest.SCHEMA


# --- integrity ------------------------------------------------------------------------

def _manifest_pages(data: dict[str, Any]) -> list[tuple[int, str, str]]:
    """(page number, digest, component id) for every page the manifest lists."""
    return [(p["nummer"], p["sha256"], o["id"]) for o in data["onderdelen"] for p in o["paginas"]]


def compare_pages(data: dict[str, Any], digests: Sequence[str]) -> list[PaginaWijziging]:
    """Align the built pages with the received ones; what does not line up is a change."""
    built = _manifest_pages(data)
    matcher = difflib.SequenceMatcher(None, [d for _, d, _ in built], list(digests), autojunk=False)
    out: list[PaginaWijziging] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        out += [PaginaWijziging("gewijzigd", built[i][0], built[i][2]) for i in range(i1, i1 + paired)]
        out += [PaginaWijziging("verwijderd", built[i][0], built[i][2]) for i in range(i1 + paired, i2)]
        out += [PaginaWijziging("toegevoegd", j + 1, None) for j in range(j1 + paired, j2)]
    return out


def _integrity_meldingen(report: VerifyReport) -> list[Melding]:
    totaal = report.manifest["paginas_totaal"]
    out = []
    if report.paginas_bestand != totaal:
        out.append(Melding("PAGINA_AANTAL_ANDERS", f"De bundel heeft {report.paginas_bestand} pagina's; "
                           f"bij het maken waren het er {totaal}. De bundel is na het maken bewerkt.",
                           "fout"))
    namen = {o["id"]: o["naam"] for o in report.manifest["onderdelen"]}
    teksten = {"gewijzigd": "is na het maken gewijzigd", "verwijderd": "is verwijderd",
               "toegevoegd": "is na het maken toegevoegd"}
    for w in report.wijzigingen:
        waar = f" ({namen.get(w.onderdeel, w.onderdeel)})" if w.onderdeel else ""
        out.append(Melding(f"PAGINA_{w.soort.upper()}", f"Pagina {w.pagina}{waar} {teksten[w.soort]}.",
                           "fout", onderdeel=w.onderdeel, pagina=w.pagina))
    return out


def _concept(data: dict[str, Any]) -> list[Melding]:
    if not data["concept"]:
        return []
    return [Melding("BUNDEL_CONCEPT", "Dit is een conceptbundel (elke pagina is als CONCEPT gemarkeerd), "
                    "niet de definitieve aanmelding. Vraag de school om de definitieve bundel.", "fout")]


# --- completeness ---------------------------------------------------------------------

def _check_completeness(report: VerifyReport) -> None:
    data = report.manifest
    rb, casus = data["routeboek"], data["casus"]
    ruleset = ruleset_by_id(rb["id"])
    if ruleset is None:
        report.meldingen.append(Melding("ROUTEBOEK_ONBEKEND", f"De bundel is gemaakt volgens routeboek "
                                        f"{rb['id']} (versie {rb['versie']}), dat deze versie van "
                                        "Tafeldossier niet kent. Werk Tafeldossier bij om de volledigheid "
                                        "te controleren.", "fout"))
        return
    report.routeboek_bekend = True
    if ruleset.versie != rb["versie"]:
        report.meldingen.append(Melding("ROUTEBOEK_VERSIE_ANDERS", f"De bundel is gemaakt met versie "
                                        f"{rb['versie']} van het routeboek; Tafeldossier kent versie "
                                        f"{ruleset.versie} en controleert daarmee.", "waarschuwing"))
    tafel = ruleset.tafel(casus["tafel"])
    if tafel is None:
        report.meldingen.append(Melding("TAFEL_ONBEKEND", f'De tafel "{casus["tafel"]}" staat niet in '
                                        f"{ruleset.naam}; de volledigheid kan niet worden gecontroleerd.",
                                        "fout"))
        return
    report.tafel_naam = tafel.naam
    report.onderdelen = _onderdelen(data, tafel, _pages_present(report))
    report.meldingen.extend(_completeness_meldingen(report.onderdelen))
    report.termijn = _termijn(data, tafel)
    report.meldingen.extend(_termijn_meldingen(report.termijn, tafel))


def _pages_present(report: VerifyReport) -> set[int]:
    """Built page numbers that are still in the file (unchanged or changed in place)."""
    gone = {w.pagina for w in report.wijzigingen if w.soort == "verwijderd"}
    return {n for n, _, _ in _manifest_pages(report.manifest)} - gone


def _onderdelen(data: dict[str, Any], tafel: Tafel, present: set[int]) -> list[OnderdeelCheck]:
    casus = data["casus"]
    voorwaarden = casus.get("voorwaarden") or {}
    built = {o["id"]: o for o in data["onderdelen"]}
    out = []
    for o in tafel.onderdelen_voor(casus["gemeente"], casus.get("spoor")):
        b = built.get(o.id)
        has_pages = b is not None and any(p["nummer"] in present for p in b["paginas"])
        if has_pages:
            status = "aanwezig"
        elif o.regel == "verplicht":
            status = "ontbreekt"
        elif o.regel == "voorwaardelijk":
            value = voorwaarden.get(o.voorwaarde) if isinstance(voorwaarden, dict) else None
            status = "onbekend" if value is None else ("ontbreekt" if value is True else "niet-nodig")
        else:
            status = "optioneel"
        van, tot = (b["pagina_van"], b["pagina_tot"]) if b else (0, 0)
        out.append(OnderdeelCheck(o.id, o.naam, o.regel, status, van, tot))
    known = {c.id for c in out}
    out += [OnderdeelCheck(b["id"], b["naam"], "onbekend", "extra", b["pagina_van"], b["pagina_tot"])
            for b in data["onderdelen"] if b["id"] not in known]
    return out


def _completeness_meldingen(checks: list[OnderdeelCheck]) -> list[Melding]:
    out = []
    for c in checks:
        if c.status == "ontbreekt":
            waarom = " (nodig omdat de school heeft aangegeven dat het van toepassing is)" \
                if c.regel == "voorwaardelijk" else ""
            out.append(Melding("ONDERDEEL_ONTBREEKT", f"{c.naam} ontbreekt in de bundel{waarom}.", "fout",
                               onderdeel=c.id))
        elif c.status == "onbekend":
            out.append(Melding("ONDERDEEL_ZELF_BEOORDELEN", f"Of {c.naam} nodig is, staat niet in de bundel "
                               "(de voorwaarde is niet vastgelegd). Beoordeel dit zelf.", "waarschuwing",
                               onderdeel=c.id))
        elif c.status == "extra":
            out.append(Melding("ONDERDEEL_EXTRA", f"{c.naam} hoort volgens het routeboek niet bij deze "
                               "tafel.", "info", onderdeel=c.id))
    return out


def _termijn(data: dict[str, Any], tafel: Tafel) -> Termijn | None:
    casus = data["casus"]
    try:
        eerste = date.fromisoformat(casus["eerste_verzuimdatum"])
        aanmeld = date.fromisoformat(casus["aanmelddatum"])
    except ValueError:
        return None
    return termijn(eerste, aanmeld, tafel.venster)


def _termijn_meldingen(t: Termijn | None, tafel: Tafel) -> list[Melding]:
    if t is None or t.status == "geen":
        return []
    basis = (f"De aanmelding valt in week {t.week} sinds de eerste verzuimdatum; de {tafel.naam} "
             f"verwacht: {t.venster.tekst}")
    if t.status == "voor":
        return [Melding("TERMIJN_TE_VROEG", f"{basis}. De aanmelding is vroeg.", "waarschuwing")]
    if t.status == "na":
        tot = f" (uiterlijk {datum_nl(t.uiterlijk)})" if t.uiterlijk else ""
        return [Melding("TERMIJN_VERSTREKEN", f"{basis}{tot}. De termijn is voorbij.", "waarschuwing")]
    return [Melding("TERMIJN_BINNEN", f"{basis}.", "info")]


# --- hidden channels -----------------------------------------------------------------

_CATALOG_ALLOWED = frozenset({"/Type", "/Pages", "/Outlines", "/PageLabels", "/PageMode", "/Names", "/AF"})
_CATALOG_TEXT = {
    "/OpenAction": "een actie bij het openen",
    "/AA": "acties bij documentgebeurtenissen",
    "/AcroForm": "formuliervelden",
    "/OCProperties": "lagen (optionele inhoud)",
    "/StructTreeRoot": "een structuurboom (met mogelijk alternatieve tekst)",
    "/Metadata": "XMP-metadata",
    "/Threads": "artikeldraden",
    "/Dests": "benoemde bestemmingen",
    "/URI": "een basis-URI",
    "/Collection": "een portfolio",
    "/Perms": "handtekeningrechten",
}
_PAGE_ALLOWED = frozenset({"/Type", "/Parent", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox",
                           "/ArtBox", "/Rotate", "/Resources", "/Contents", "/Group", "/UserUnit",
                           "/Trans", "/Dur"})  # page transitions: shown, harmless
_INFO_ALLOWED = frozenset({"/Title", "/Producer"})


def _fout(code: str, tekst: str, pagina: int | None = None) -> Melding:
    return Melding(code, tekst, "fout", pagina=pagina)


def hidden_channels(pdf: pikepdf.Pdf, raw: bytes, data: dict[str, Any], *, intact: bool,
                    tafel_naam: str | None = None) -> list[Melding]:
    """Everything a reader does not see on the page that the assembler did not put there.

    (Incremental updates and other layout changes of `raw` are reported by `_layout`.)"""
    out = _catalog(pdf)
    out += _names(pdf)
    out += _pages(pdf)
    out += _info(pdf, data["casus"]["ot_nummer"], tafel_naam)
    out += _outline(pdf, data, intact=intact)
    out += _page_labels(pdf, data, intact=intact)
    return out


def count_revisions(raw: bytes) -> int:
    """Each save (the first and every incremental update) ends with startxref ... %%EOF."""
    return max(len(re.findall(rb"startxref\s+\d+\s+%%EOF", raw)), raw.count(b"%%EOF"))


def _catalog(pdf: pikepdf.Pdf) -> list[Melding]:
    out = []
    for key in sorted(set(pdf.Root.keys()) - _CATALOG_ALLOWED - _aes256_extension(pdf)):
        wat = _CATALOG_TEXT.get(key, f"het onderdeel {key}")
        if key == "/OpenAction" and _is_javascript(pdf.Root[key]):
            wat = "JavaScript dat bij het openen wordt uitgevoerd"
        if key == "/AcroForm" and "/XFA" in pdf.Root[key]:
            wat = "formuliervelden met een XFA-formulier"
        out.append(_fout("VERBORGEN_INHOUD", f"De bundel bevat {wat}; dat maakt Tafeldossier nooit."))
    if "/AF" in pdf.Root and len(pdf.Root.AF) != 1:
        out.append(_fout("BIJLAGE_TOEGEVOEGD", "De bundel verwijst naar meer bijgevoegde bestanden dan "
                         "alleen het manifest."))
    return out


def _aes256_extension(pdf: pikepdf.Pdf) -> set[str]:
    """qpdf marks an AES-256 (R6) file with Adobe's extension level 8: that is all it may say."""
    ext = pdf.Root.get("/Extensions")
    if not pdf.is_encrypted or not isinstance(ext, pikepdf.Dictionary) or set(ext.keys()) != {"/ADBE"}:
        return set()
    adbe = ext.ADBE
    ok = isinstance(adbe, pikepdf.Dictionary) and set(adbe.keys()) == {"/BaseVersion", "/ExtensionLevel"} \
        and adbe.BaseVersion == pikepdf.Name("/1.7") and adbe.ExtensionLevel == 8
    return {"/Extensions"} if ok else set()


def _is_javascript(action: pikepdf.Object) -> bool:
    return isinstance(action, pikepdf.Dictionary) and action.get("/S") == pikepdf.Name.JavaScript


def _names(pdf: pikepdf.Pdf) -> list[Melding]:
    names = pdf.Root.get("/Names")
    if names is None:
        return []
    out = []
    for key in sorted(set(names.keys()) - {"/EmbeddedFiles"}):
        wat = "JavaScript" if key == "/JavaScript" else f"een naamlijst {key}"
        out.append(_fout("VERBORGEN_INHOUD", f"De bundel bevat {wat}; dat maakt Tafeldossier nooit."))
    extra = [n for n in pdf.attachments if n != manifest.BESTANDSNAAM]
    if extra:
        bijlagen = aantal(len(extra), "bijgevoegd bestand", "bijgevoegde bestanden")
        out.append(_fout("BIJLAGE_TOEGEVOEGD", f"De bundel bevat {bijlagen} "
                         "naast het manifest. Open die niet zonder overleg met de school."))
    return out


def _pages(pdf: pikepdf.Pdf) -> list[Melding]:
    out = []
    for n, page in enumerate(pdf.pages, 1):
        obj = page.obj
        for annot in obj.get("/Annots", pikepdf.Array()):
            out.append(_annot_melding(annot, n))
        for key in sorted(set(obj.keys()) - _PAGE_ALLOWED - {"/Annots"}):
            wat = "acties (mogelijk JavaScript)" if key == "/AA" else f"het onderdeel {key}"
            out.append(_fout("VERBORGEN_INHOUD", f"Pagina {n} bevat {wat}; dat maakt Tafeldossier nooit.", n))
    return out


def _annot_melding(annot: pikepdf.Object, n: int) -> Melding:
    subtype = str(annot.get("/Subtype", "")) if isinstance(annot, pikepdf.Dictionary) else ""
    if subtype == "/FileAttachment":
        return _fout("BIJLAGE_TOEGEVOEGD", f"Pagina {n} bevat een bijgevoegd bestand (als aantekening).", n)
    soort = f" ({subtype.lstrip('/')})" if subtype else ""
    return _fout("AANTEKENING_TOEGEVOEGD", f"Pagina {n} bevat een aantekening{soort}: een bundel heeft er "
                 "geen. De inhoud ervan is niet gecontroleerd.", n)


def _info(pdf: pikepdf.Pdf, ot_nummer: str, tafel_naam: str | None) -> list[Melding]:
    out = []
    extra = sorted(set(pdf.docinfo.keys()) - _INFO_ALLOWED)
    if extra:
        lijst = ", ".join(k.lstrip("/") for k in extra)
        out.append(_fout("METADATA_AANGEVULD", "De documenteigenschappen zijn aangevuld na het maken "
                         f"({lijst})."))
    title = str(pdf.docinfo.get("/Title", ""))
    prefix = f"Tafeldossier {ot_nummer} – "
    # Without the rule set the tafel's name is unknown: then only the case-key part is checked.
    title_ok = title == prefix + tafel_naam if tafel_naam else title.startswith(prefix)
    if not title_ok:
        out.append(_fout("METADATA_AANGEVULD", "De titel in de documenteigenschappen is na het maken "
                         "veranderd."))
    return out


def _outline(pdf: pikepdf.Pdf, data: dict[str, Any], *, intact: bool) -> list[Melding]:
    expected = [(o["naam"], o["pagina_van"] - 1) for o in data["onderdelen"] if o["paginas"]]
    with pdf.open_outline() as outline:
        items = list(outline.root)
        found = [(item.title, _target(pdf, item)) for item in items]
        nested = any(item.children for item in items)
    if [t for t, _ in found] != [t for t, _ in expected] or nested:
        return [_fout("BLADWIJZERS_ANDERS", "De bladwijzers komen niet overeen met de onderdelen van de "
                      "bundel: ze zijn na het maken veranderd.")]
    if intact and found != expected:
        return [_fout("BLADWIJZERS_ANDERS", "Een bladwijzer wijst naar een andere pagina dan het begin van "
                      "zijn onderdeel.")]
    return []


def _target(pdf: pikepdf.Pdf, item: pikepdf.OutlineItem) -> int | None:
    dest: Any = item.destination
    if dest is None and item.action is not None:
        dest = item.action.get("/D")
    if isinstance(dest, pikepdf.Array) and len(dest) and isinstance(dest[0], pikepdf.Dictionary):
        try:
            return pdf.pages.index(pikepdf.Page(dest[0]))
        except (ValueError, pikepdf.PdfError):
            return None
    return None


def _page_labels(pdf: pikepdf.Pdf, data: dict[str, Any], *, intact: bool) -> list[Melding]:
    if not intact:
        return []  # labels follow the page count; a changed count is reported already
    expected = [(o["pagina_van"] - 1, page_label_prefix(o["id"])) for o in data["onderdelen"] if o["paginas"]]
    labels = pdf.Root.get("/PageLabels")
    nums = list(labels.get("/Nums", [])) if isinstance(labels, pikepdf.Dictionary) else []
    found: list[tuple[int, str | None]] = []
    for index, label in zip(nums[0::2], nums[1::2], strict=False):
        if not isinstance(label, pikepdf.Dictionary):
            found.append((int(index), None))
            continue
        found.append((int(index), str(label.get("/P", ""))))
    if found != expected:
        return [_fout("PAGINALABELS_ANDERS", "De paginalabels zijn na het maken veranderd.")]
    return []


# --- personal data --------------------------------------------------------------------

def _check_text(report: VerifyReport, raw: bytes, flagger: Flagger | None, password: str | None,
                deadline: Deadline, read_images: bool = True,
                memo: Memo | None = None) -> None:
    flag = flagger or _default_flagger(report, memo)
    failures = _name_detector_failures()
    onderdeel_of = _file_page_components(report)
    confirmed = set(report.manifest.get("bevestigd", []))
    used: set[str] = set()
    footers: dict[int, str] = {}
    texts: dict[int, str] = {}
    cover_lines: list[str] = []
    found: list[tuple[int, Any, str]] = []  # page, finding, its value as read
    previous: tuple[int, str] | None = None  # the page before, when it had text to flag
    for n, text, has_image in _page_texts(report, raw, password, images=read_images, memo=memo):
        deadline.check()
        flat = " ".join(text.split())
        footer = shape.FOOTER_RE.search(flat)
        footers[n] = footer.group(0) if footer else ""
        if onderdeel_of.get(n, "voorblad") == "voorblad":
            cover_lines += manifest.BEVESTIGD_RE.findall(flat)
        body = _without_stamp(text)
        if len("".join(body.split())) < _MIN_TEXT:
            report.niet_gecontroleerd.append(n)
            previous = None
            continue
        if flag is None:
            continue
        if has_image and read_images:
            texts[n] = body
        found += [(n, f, _value(f, body)) for f in flag(body)]
        found += _across_the_break(previous, n, body, flag)
        previous = (n, body)
    for n, f, value, review in _professionals_in_bundle(found):
        digest = confirmation_hash(value) if value else ""
        seen = bool(digest) and digest in confirmed
        if seen:
            used.add(digest)
        report.persoonsgegevens.append(Persoonsgegeven(
            n, onderdeel_of.get(n), str(f.categorie), str(getattr(f, "context", "")), review, seen))
    if flag is not None:
        _check_manifest_text(report, flag)
        _check_images(report, raw, password, texts, flag, deadline)
    if footers:
        # pages and manifest no longer describe each other: not intact
        mismatches = _confirmations_on_cover(report.manifest, cover_lines)
        if report.paginas_bestand == len(footers):
            mismatches += shape.footer_mismatches(footers, report.manifest)
        report.opbouw += mismatches
        report.meldingen.extend(mismatches)
    report.meldingen.extend(_personal_meldingen(report))
    report.meldingen.extend(_names_partly_looked_for(failures) if flag is not None else [])
    if flag is not None and confirmed - used:
        report.meldingen.append(_unused_confirmations(len(confirmed - used)))


def _value(finding: Any, text: str) -> str:
    """The value as read (a name hyphenated over a line end joined), as the school saw it."""
    read = getattr(finding, "tekst", "")
    return read or (text[finding.start:finding.end] if hasattr(finding, "start") else "")


def _across_the_break(previous: tuple[int, str] | None, n: int, after: str,
                      flag: Flagger) -> list[tuple[int, Any, str]]:
    """What the flagger finds in a word hyphenated over the break between page n-1 (the
    `previous` page flagged, with its text) and page `n` ("Yasmi-" / "na Bakkali"), read in
    the two lines together: on page n-1, where it starts."""
    if previous is None or previous[0] + 1 != n:
        return []
    found = []
    for seam in hyphenated_seams(previous[1], after):
        found += [(previous[0], f, _value(f, seam.text)) for f in flag(seam.text)
                  if hasattr(f, "start") and seam.crosses(f.start, f.end)]
    return found


def _confirmations_on_cover(data: dict[str, Any], lines: Sequence[str]) -> list[Melding]:
    """The manifest's `bevestigd` against the line the voorblad prints about it (count and
    code, manifest.bevestigd_regel). A bundle without that line (not built by `build`) may
    carry no confirmations: then nothing is confirmed, so nothing can be silenced."""
    hashes = data.get("bevestigd", [])
    expected = manifest.bevestigd_regel(data["casus"]["ot_nummer"], hashes)
    if not lines and not hashes:
        return []
    if not lines:
        waarom = (f"het manifest noemt {aantal(len(hashes), 'bevestigde term', 'bevestigde termen')}, "
                  "maar het voorblad noemt ze niet")
    elif any(line.rstrip(".") != expected.rstrip(".") for line in lines):
        waarom = (f"het voorblad zegt “{_after_kop(lines[0])}”, maar bij het manifest hoort "
                  f"“{_after_kop(expected)}”")
    else:
        return []
    return [_fout("BEVESTIGINGEN_ANDERS", "De lijst met door de school bevestigde termen is na het maken "
                  f"veranderd: {waarom}. Zo kan een mogelijk persoonsgegeven als bevestigd worden getoond "
                  f"zonder dat de school dat heeft gedaan. {OPNIEUW}")]


def _after_kop(line: str) -> str:
    return line.removeprefix(manifest.BEVESTIGD_KOP).strip().rstrip(".")


def _unused_confirmations(n: int) -> Melding:
    termen = aantal(n, "door de school bevestigde term komt", "door de school bevestigde termen komen")
    return Melding("BEVESTIGING_NIET_GEVONDEN", f"{termen} niet in de tekst van deze bundel voor "
                   "(bijvoorbeeld omdat een document later is aangepast). Dat is geen fout.", "info")


MAX_OCR_PAGES = 40  # pages with text and images read by OCR; beyond that the loket looks itself


def _check_images(report: VerifyReport, raw: bytes, password: str | None, texts: dict[int, str],
                  flag: Flagger, deadline: Deadline) -> None:
    """Images on pages that have text: read them with OCR and look for what the text layer
    does not already hold (a name pasted in as a picture). Pages without text are listed
    as not checked already."""
    if not texts:
        return
    from dossier_app.anonymise.ocr import page_text
    from dossier_app.store.workdir import private_workdir

    pages = sorted(texts)
    unread: list[int] = pages[MAX_OCR_PAGES:]
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(raw, password=password)
    try:
        with private_workdir() as workdir:
            for n in pages[:MAX_OCR_PAGES]:
                deadline.check()
                ocr = page_text(doc[n - 1], workdir)
                if ocr is None:
                    unread = pages
                    break
                _flag_image_text(report, n, ocr, texts[n], flag)
    finally:
        doc.close()
    if unread:
        report.meldingen.append(Melding(
            "AFBEELDING_NIET_GELEZEN", f"Pagina {_ranges(unread)} bevat naast tekst ook afbeeldingen "
            "die niet op persoonsgegevens zijn gelezen (tekstherkenning niet beschikbaar of te veel "
            "pagina's). Bekijk deze pagina's zelf.", "waarschuwing"))


def _flag_image_text(report: VerifyReport, n: int, ocr: str, layer: str, flag: Flagger) -> None:
    known = " ".join(fold(layer).split())
    for f in flag(ocr):
        found = " ".join(fold(ocr[f.start:f.end]).split()) if hasattr(f, "start") else ""
        if found and found in known:
            continue  # also in the text layer: reported with the text already
        report.persoonsgegevens.append(Persoonsgegeven(
            n, _file_page_components(report).get(n), str(f.categorie), str(getattr(f, "context", "")),
            bool(getattr(f, "review", False)), bron="afbeelding"))


def _check_manifest_text(report: VerifyReport, flag: Flagger) -> None:
    """The manifest's free texts (meldingen of the build) travel with the bundle: read them too."""
    for text in shape.manifest_strings(report.manifest):
        for f in flag(text):
            report.persoonsgegevens.append(Persoonsgegeven(
                0, None, str(f.categorie), str(getattr(f, "context", "")), bool(getattr(f, "review", False)),
                bron="manifest"))


def _professionals_in_bundle(found: list[tuple[int, Any, str]]) -> list[tuple[int, Any, str, bool]]:
    """Each finding with whether it is a name to check: a professional identified with the
    role anywhere in the bundle (any document of the case, also after this page) makes
    the bare mentions of that name review items too ("Bouwman belde" in another report)."""
    from dossier_app.anonymise.detect_context import ProfessionalNames

    names = ProfessionalNames()
    for _n, f, value in found:
        if str(f.categorie) == "naam" and getattr(f, "review", False):
            names.add(value)
    return [(n, f, value, bool(getattr(f, "review", False))
             or (str(f.categorie) == "naam" and bool(names.words) and names.known(value)))
            for n, f, value in found]


def _names_partly_looked_for(failures_before: int) -> list[Melding]:
    """A name detector that failed while this bundle was read (it is skipped, the check goes
    on with Tafeldossier's own rules): the reader is told, names may have been missed."""
    if _name_detector_failures() <= failures_before:
        return []
    return [Melding("NAAMHERKENNING_ONVOLLEDIG", "De herkenning van namen werkte niet volledig: namen "
                    "zijn alleen met de eigen regels van Tafeldossier gezocht. Kijk de tekst zelf na "
                    "op namen, of controleer de bundel opnieuw.", "waarschuwing")]


def _name_detector_failures() -> int:
    try:
        from dossier_app.anonymise.detect import name_detector_failures
    except ImportError:
        return 0
    return name_detector_failures()


def _default_flagger(report: VerifyReport, memo: Memo | None = None) -> Flagger | None:
    try:
        from dossier_app.anonymise.detect import RemembersProfessionals, flag_personal_data
    except ImportError:
        report.meldingen.append(Melding("PERSOONSGEGEVENS_NIET_GEZOCHT", "Tafeldossier kon de tekst niet op "
                                        "persoonsgegevens doorzoeken (onderdeel ontbreekt in deze "
                                        "installatie). Bekijk de bundel zelf.", "waarschuwing"))
        return None
    # pages in order: a professional named with the role on one page is a name to check on
    # the pages after it too
    if memo is None:
        return RemembersProfessionals(flag_personal_data)
    from dossier_app.anonymise.flag_memo import MemoisedFlagger

    return RemembersProfessionals(MemoisedFlagger(flag_personal_data, memo))


def _file_page_components(report: VerifyReport) -> dict[int, str]:
    """Page in the file -> component id, when the page count is as built."""
    if report.paginas_bestand != report.manifest["paginas_totaal"]:
        return {}
    return {n: o for n, _, o in _manifest_pages(report.manifest)}


def _page_texts(report: VerifyReport, raw: bytes, password: str | None,
                images: bool = True, memo: Memo | None = None) -> Iterator[tuple[int, str, bool]]:
    """Each page's number, text, and (with `images`) whether it draws an image. `memo`:
    what PDFium read on the same page before (a rebuild after a voorblad edit has the
    same pages but the voorblad), found by the page's digest."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(raw, password=password)
    except pdfium.PdfiumError:
        report.meldingen.append(Melding("TEKST_NIET_GELEZEN", "De tekst van de bundel kon niet worden "
                                        "gelezen; zoeken naar persoonsgegevens was niet mogelijk. Bekijk "
                                        "de bundel zelf.", "waarschuwing"))
        return
    try:
        names = _text_names(report, memo, images, len(doc)) if memo else []
        for i in range(len(doc)):
            known = memo.get(names[i]) if memo and names else None
            if (isinstance(known, list) and len(known) == 2 and isinstance(known[0], str)
                    and isinstance(known[1], bool)):
                yield i + 1, known[0], known[1]
                continue
            text, has_image = _page_text(doc, i, images)
            if memo and names and text:  # an empty read (also a failed one) is not kept
                memo.put(names[i], [text, has_image])
            yield i + 1, text, has_image
    finally:
        doc.close()


def _text_names(report: VerifyReport, memo: Memo, images: bool, count: int) -> list[str]:
    """Memo names for each page's text as PDFium reads it: the page's digest (content,
    resources, boxes, annotations), the document's optional-content settings, PDFium's
    version, the program's code and whether images were looked for; none when the digests
    do not describe the pages PDFium sees."""
    from dossier_app.anonymise.pdfium_chars import pdfium_identity

    keys = report.sleutels
    if keys is None or len(keys.pages) != count:
        return []
    return keys.memo_names(memo, "verify-paginatekst", pdfium_identity(), "beelden" if images else "tekst")


def _page_text(doc: Any, index: int, images: bool = True) -> tuple[str, bool]:
    """The page's text layer, and whether it draws an image (also inside a form; False
    without asking when `images` is False: nobody reads them then)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        page = doc[index]
        textpage = page.get_textpage()
        try:
            text = str(textpage.get_text_range())
            if not images:
                return text, False
            found = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=8)
            return text, next(iter(found), None) is not None
        finally:
            textpage.close()
            page.close()
    except pdfium.PdfiumError:
        return "", False  # counted as a page without text: the loket looks at it


def _personal_meldingen(report: VerifyReport) -> list[Melding]:
    out = []
    for f in report.persoonsgegevens:
        if f.bevestigd:
            out.append(Melding("PERSOONSGEGEVEN_BEVESTIGD", f"Pagina {f.pagina}: door de school bevestigd "
                               f"als geen persoonsgegeven ({f.categorie}): “{f.context}”. Kijk zelf of dat "
                               "klopt.",
                               "waarschuwing", onderdeel=f.onderdeel, pagina=f.pagina))
        elif f.pagina == 0:
            out.append(Melding("MOGELIJK_PERSOONSGEGEVEN", f"In het manifest: mogelijk persoonsgegeven "
                               f"({f.categorie}): “{f.context}”.", "info" if f.review else "fout"))
        elif f.review:
            out.append(Melding("NAAM_TER_CONTROLE", f"Pagina {f.pagina}: naam van (vermoedelijk) een "
                               f"professional, ter controle: “{f.context}”.", "info",
                               onderdeel=f.onderdeel, pagina=f.pagina))
        else:
            waar = " in een afbeelding" if f.bron == "afbeelding" else ""
            out.append(Melding("MOGELIJK_PERSOONSGEGEVEN", f"Pagina {f.pagina}: mogelijk "
                               f"persoonsgegeven{waar} ({f.categorie}): “{f.context}”.", "fout",
                               onderdeel=f.onderdeel, pagina=f.pagina))
    return out


def _note_meldingen(report: VerifyReport) -> list[Melding]:
    if not report.niet_gecontroleerd:
        return []
    lijst = _ranges(report.niet_gecontroleerd)
    if len(report.niet_gecontroleerd) == 1:
        tekst = (f"Pagina {lijst} heeft geen tekst (scan of afbeelding) en is niet op "
                 "persoonsgegevens doorzocht. Bekijk deze pagina zelf.")
    else:
        tekst = (f"Pagina's {lijst} hebben geen tekst (scans of afbeeldingen) en zijn niet op "
                 "persoonsgegevens doorzocht. Bekijk deze pagina's zelf.")
    return [Melding("NIET_GECONTROLEERD", tekst, "waarschuwing")]


def _ranges(numbers: Sequence[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7"."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


# --- output ---------------------------------------------------------------------------

def report_dict(report: VerifyReport) -> dict[str, Any]:
    """The JSON form: stable keys (docs/manifest.md, "verify --json")."""
    data = report.manifest
    t = report.termijn
    return {
        "bestand": report.bestand,
        "ok": report.ok,
        "exit_code": int(report.exit_code),
        "compleet": report.compleet,
        "intact": report.intact,
        "schoon": report.schoon,
        "manifest": {k: data[k] for k in ("schema", "product_versie", "routeboek", "casus",
                                          "paginas_totaal", "concept") if k in data},
        "tafel": {"id": data["casus"]["tafel"], "naam": report.tafel_naam},
        "routeboek_bekend": report.routeboek_bekend,
        "onderdelen": [vars(o) for o in report.onderdelen],
        "paginas_bestand": report.paginas_bestand,
        "wijzigingen": [vars(w) for w in report.wijzigingen],
        "verborgen_kanalen": [m.as_dict() for m in report.verborgen],
        "opbouw": [m.as_dict() for m in report.opbouw],
        "persoonsgegevens": [vars(p) for p in report.persoonsgegevens],
        "niet_gecontroleerd": list(report.niet_gecontroleerd),
        "termijn": None if t is None else {
            "week": t.week, "status": t.status, "venster": t.venster.tekst,
            "vanaf": t.vanaf.isoformat() if t.vanaf else None,
            "uiterlijk": t.uiterlijk.isoformat() if t.uiterlijk else None},
        "meldingen": [m.as_dict() for m in report.meldingen],
        "duur_s": round(report.duur, 3),
    }


_STATUS_TEKST = {"aanwezig": "aanwezig", "ontbreekt": "ONTBREEKT",
                 "optioneel": "niet meegestuurd (optioneel)",
                 "niet-nodig": "niet nodig", "onbekend": "zelf beoordelen", "extra": "extra"}


def report_text(report: VerifyReport) -> list[str]:
    """Lines for the terminal, in Dutch."""
    data, casus = report.manifest, report.manifest["casus"]
    lines = [f"Bundel: {report.bestand}",
             f"Tafel: {report.tafel_naam or casus['tafel']} ({casus['onderwijs'].upper()}, "
             f"{gemeente_naam(str(casus['gemeente']))}), {casus['ot_nummer']}",
             f"Routeboek: {data['routeboek']['id']} (versie {data['routeboek']['versie']}); gemaakt met "
             f"Tafeldossier {data['product_versie']}; {data['paginas_totaal']} pagina's"]
    lines.append("Volledigheid: " + ("compleet" if report.compleet else "NIET COMPLEET"))
    for o in report.onderdelen:
        getoond = o.pagina_van and o.status == "aanwezig"
        paginas = f", {pagina_bereik(o.pagina_van, o.pagina_tot)}" if getoond else ""
        lines.append(f"  - {o.naam}: {_STATUS_TEKST[o.status]}{paginas}")
    lines.append("Ongewijzigd sinds het maken: " + ("ja" if report.intact else "NEE"))
    lines.append("Verborgen inhoud: " + ("geen" if report.schoon else "GEVONDEN"))
    echte = [p for p in report.persoonsgegevens if not p.review and not p.bevestigd]
    bevestigd = [p for p in report.persoonsgegevens if p.bevestigd]
    door_school = f"; door de school beoordeeld en laten staan: {len(bevestigd)} (zie LET OP)" \
        if bevestigd else ""
    lines.append(f"Mogelijke persoonsgegevens: {len(echte) or 'geen gevonden'}{door_school}")
    lines += _meldingen_lines(report)
    uitslag = "in orde" if report.ok else f"{aantal(len(report.problemen), 'probleem', 'problemen')} gevonden"
    lines.append(f"Uitslag: {uitslag} (controle duurde {seconden(report.duur)})")
    return lines


def _meldingen_lines(report: VerifyReport) -> list[str]:
    shown = report.meldingen[:MAX_SHOWN]
    lines = [m.regel() for m in shown]
    if len(report.meldingen) > MAX_SHOWN:
        lines.append(f"... en nog {len(report.meldingen) - MAX_SHOWN} meldingen (zie --json).")
    return lines


__all__ = ["OnderdeelCheck", "PaginaWijziging", "Persoonsgegeven", "VerifyReport", "compare_pages",
           "count_revisions", "hidden_channels", "needs_password", "report_dict", "report_text",
           "verify_bundle"]
