"""One input file -> one anonymised, sanitised PDF that passed the leak gate.

The steps read as the method in ANONYMISATION.md: intake (type, limits, repair),
Word at the source (anonymise the DOCX, then convert), true redaction of the PDF with
manual regions burnt in (and OCR-proposed boxes on scans), sanitising with a full
rewrite, then the independent gate. Nothing leaves the private work folder unless
the gate passed.
"""

from __future__ import annotations

import tempfile
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

import pypdfium2 as pdfium

from dossier_app.anonymise.docx_redact import anonymise_docx
from dossier_app.anonymise.flag_pdf import Bevinding, PageFlagger, page_count, with_boxes, without_pages
from dossier_app.anonymise.gate import verify_pdf
from dossier_app.anonymise.identifiers import IdentifierSet
from dossier_app.anonymise.ocr import ocr_engine, ocr_regions, pages_without_text
from dossier_app.anonymise.ocr_check import MAX_ROUNDS, picture_boxes, readable_identifiers
from dossier_app.anonymise.pdf_redact import PdfCleanResult, clean_pdf
from dossier_app.anonymise.pictures import UnreadablePicture
from dossier_app.case_model import Document, Lakvlak
from dossier_app.documents.convert import convert_docx
from dossier_app.documents.docx_package import NS_W
from dossier_app.documents.intake import intake
from dossier_app.meldingen import Melding
from dossier_app.store.memo import Memo
from dossier_app.taal import aantal


@dataclass(frozen=True)
class PipelineOptions:
    converter: str = "auto"
    password: str | None = None
    timeout: float = 120.0
    ocr: bool = True  # propose boxes on scanned pages with Tesseract, when installed
    bevestigd: frozenset[str] = frozenset()  # confirmation hashes of findings marked as fine
    # A bundle build gates and flags the whole bundle once; a single document gets both here.
    gate: bool = True
    flagger: bool = True
    # The checks' memo, for what Tesseract read in a page image: the re-read of scans
    # with boxes and the gate fill it, and the gate reads those pixels again (the bundle's
    # beneath their stamps) without Tesseract. In no key: it changes no result, only time.
    memo: Memo | None = field(default=None, compare=False, repr=False)
    # The re-read of a scan with boxes runs Tesseract's page-segmentation modes at the same
    # time (one program each: on two cores a page then costs the time of one). A build that
    # processes documents side by side (bundle/build.py) runs them one after the other: the
    # other core is busy with another document, so it costs no time there (measured), and
    # one program (65 MB) less runs at once. (The wizard's preparation, which the user
    # waits for, keeps them together: one after the other measured 1-2 s slower there in
    # two of two pairs, within the machine's noise.) In no key: it changes no result.
    ocr_modes_at_once: bool = field(default=True, compare=False)


@dataclass
class ProcessedDocument:
    document: Document
    pdf: Path  # inside the work folder
    paginas: int
    converter: str | None = None  # for Word files: which converter made the PDF
    meldingen: list[Melding] = field(default_factory=list)
    niet_gecontroleerd: list[int] = field(default_factory=list)  # pages nobody could search
    gerasterd: dict[int, str] = field(default_factory=dict)  # page -> why it became an image
    treffers: dict[str, int] = field(default_factory=dict)  # categorie -> removed count
    ocr_vlakken: dict[int, int] = field(default_factory=dict)  # page -> boxes proposed by OCR
    vlakken: dict[int, list[Lakvlak]] = field(default_factory=dict)  # black boxes, for previews
    bevindingen: list[Bevinding] = field(default_factory=list)


@dataclass
class Prepared:
    """A document after intake and, for Word files, anonymisation at the source and
    conversion: a PDF in the work folder, not yet redacted or checked."""

    document: Document
    pdf: Path
    folder: Path  # this document's own folder inside the work folder
    converter: str | None = None
    meldingen: list[Melding] = field(default_factory=list)
    treffers: dict[str, int] = field(default_factory=dict)


def process_document(doc: Document, ids: IdentifierSet, workdir: Path,
                     options: PipelineOptions | None = None) -> ProcessedDocument:
    options = options or PipelineOptions()
    return finish_document(prepare_document(doc, ids, workdir, options), ids, workdir, options)


def prepare_document(doc: Document, ids: IdentifierSet, workdir: Path,
                     options: PipelineOptions) -> Prepared:
    """Intake and conversion. Uses no PDFium, so several may run in threads (the
    converters are subprocesses)."""
    # Every document gets its own folder: intermediate names can never collide, also
    # when several documents are prepared at once.
    docdir = Path(tempfile.mkdtemp(prefix="stuk-", dir=workdir))
    got = intake(doc.pad, bestand=doc.bestand, workdir=docdir, password=options.password)
    prepared = Prepared(doc, got.output, docdir, meldingen=list(got.meldingen))
    if got.output_format == "docx":
        prepared.pdf, prepared.converter, prepared.treffers = _word_to_pdf(
            got.output, doc, ids, options, prepared.meldingen)
    return prepared


def finish_document(prepared: Prepared, ids: IdentifierSet, workdir: Path,
                    options: PipelineOptions) -> ProcessedDocument:
    """Redaction, sanitising and the gate: one document at a time (PDFium is not
    thread-safe). The flagger gets the page texts the redactor reads and works on them
    meanwhile (see `flag_pdf`)."""
    with (PageFlagger(ids, options.bevestigd, page_count(prepared.pdf)) if options.flagger
          else nullcontext()) as flagging:
        done = _redact_and_gate(prepared, ids, options, flagging)
        if flagging is not None:
            done.bevindingen = with_boxes(without_pages(flagging.result(), set(done.gerasterd)),
                                          prepared.pdf)
            if flagging.names_incomplete:
                done.meldingen += _with_document([_names_partly_looked_for()], prepared.document)
    return done


def _redact_and_gate(prepared: Prepared, ids: IdentifierSet, options: PipelineOptions,
                     flagging: PageFlagger | None) -> ProcessedDocument:
    doc = prepared.document
    scans = _scan_pages(prepared.pdf) if options.ocr else []
    ocr = ocr_regions(prepared.pdf, scans, ids.finder, prepared.folder) if scans else {}
    # Pictures on the other pages (a screenshot from the pupil administration): what
    # Tesseract reads in them is boxed too, and their pages become images with it burnt in.
    in_pictures = _picture_regions(prepared, ids, set(scans), options)
    lakken = list(doc.lakken) + [box for found in (ocr, in_pictures) for boxes in found.values()
                                 for box in boxes]
    clean = prepared.folder / "schoon.pdf"
    result = clean_pdf(prepared.pdf, clean, ids.finder, lakken, bestand=doc.bestand,
                       on_page_text=flagging.feed if flagging is not None else None)
    still_readable: list[int] = []
    boxed = sorted((set(scans) | set(in_pictures)) & {lak.pagina for lak in lakken})
    if boxed:
        result, still_readable = _reread_scans(prepared, ids, lakken, result, ocr, boxed, options.memo,
                                               at_once=options.ocr_modes_at_once)
    if options.gate:
        verify_pdf(clean, ids.finder, ids.literal_variants(), memo=options.memo)
    meldingen = list(prepared.meldingen)
    if ocr:
        meldingen.append(_ocr_melding(ocr))
    if in_pictures:
        meldingen.append(_picture_melding(in_pictures))
    if still_readable:
        meldingen.append(_still_readable_melding(still_readable))
    return ProcessedDocument(
        document=doc, pdf=clean, paginas=result.paginas, converter=prepared.converter,
        meldingen=_with_document(meldingen + result.meldingen, doc),
        niet_gecontroleerd=_not_checked(result.niet_gecontroleerd, doc, set(ocr) | set(in_pictures)),
        gerasterd=dict(result.gerasterd), treffers=_totals(prepared.treffers, result.treffers),
        ocr_vlakken={p: len(b) for p, b in ocr.items()}, vlakken=dict(result.vlakken))


def _word_to_pdf(src: Path, doc: Document, ids: IdentifierSet, options: PipelineOptions,
                 meldingen: list[Melding]) -> tuple[Path, str, dict[str, int]]:
    anon = src.with_name("anoniem.docx")
    done = anonymise_docx(src, anon, ids.finder, bestand=doc.bestand)
    meldingen.extend(done.meldingen)
    if not _body_has_text(anon):
        meldingen.append(Melding("DOCX_GEEN_HOOFDTEKST", "Dit Word-document heeft geen tekst in de "
                                 "hoofdtekst, alleen in kop- of voetteksten of velden. Controleer of u "
                                 "het juiste bestand heeft gekozen.", "waarschuwing"))
    pdf = src.with_name("omgezet.pdf")
    conv = convert_docx(anon, pdf, converter=options.converter, timeout=options.timeout,
                        bestand=doc.bestand)
    meldingen.extend(conv.meldingen)
    return pdf, conv.converter, dict(done.aantallen)


_W = f"{{{NS_W}}}"


def _body_has_text(docx: Path) -> bool:
    """Whether the main document part holds any visible text (intake normalised its name)."""
    import zipfile

    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    with zipfile.ZipFile(docx) as zf:
        root = etree.fromstring(zf.read("word/document.xml"), parser)
    return any((t.text or "").strip() for t in root.iter(f"{_W}t"))


def _scan_pages(pdf: Path) -> list[int]:
    """The pages OCR looks at (none without any Tesseract: built in or the program). The
    pages first: starting the built-in engine loads its language data (0.13 s), which a
    document without scans never needs."""
    try:
        pages = pages_without_text(pdf)
    except pdfium.PdfiumError:
        return []  # clean_pdf reports the unreadable file with a clear message
    return pages if pages and ocr_engine() is not None else []


def _reread_scans(prepared: Prepared, ids: IdentifierSet, lakken: list[Lakvlak],
                  result: PdfCleanResult, ocr: dict[int, list[Lakvlak]],
                  pages: list[int], memo: Memo | None = None, *,
                  at_once: bool = True) -> tuple[PdfCleanResult, list[int]]:
    """Read the scans with boxes (`pages`) again as they came out, the boxes blanked
    (`ocr_check`): a word that touched a dark region is readable now. What is, gets a box
    and the document is redacted again, until nothing is readable or MAX_ROUNDS; returns
    the last result and the pages where a known identifier is still readable. New boxes
    join `ocr`. (A scan without boxes is read the same way by the gate, which refuses the
    file when a known identifier is readable on it.) `memo`: Tesseract's answers by the
    pixels read, which the gate then finds for the last round's pages. `at_once`: see
    `PipelineOptions.ocr_modes_at_once`."""
    clean = prepared.folder / "schoon.pdf"
    for round_ in range(MAX_ROUNDS + 1):
        found = readable_identifiers(clean, pages, ids.finder, prepared.folder, result.vlakken, memo,
                                     at_once=at_once)
        if not found or round_ == MAX_ROUNDS:
            return result, sorted(found)
        for page, boxes in found.items():
            ocr.setdefault(page, []).extend(boxes)
            lakken = lakken + boxes
        result = clean_pdf(prepared.pdf, clean, ids.finder, lakken,
                           bestand=prepared.document.bestand)
        pages = sorted(found)
    return result, []


def _not_checked(pages: list[int], doc: Document, boxed_by_ocr: set[int]) -> list[int]:
    """Pages without text stay 'not checked' unless the user marked regions on them: an OCR
    box is a safety net, not a human look. So do pages that became an image because OCR
    boxed a picture on them (the page's own text is no longer reviewed for names)."""
    marked = {lak.pagina for lak in doc.lakken}
    return sorted(set(pages) | (boxed_by_ocr - marked))


def _names_partly_looked_for() -> Melding:
    return Melding("NAAMHERKENNING_ONVOLLEDIG", "De herkenning van namen werkte bij dit document niet "
                   "volledig: namen die niet bij de leerling en de personen staan, zijn alleen met de "
                   "eigen regels van Tafeldossier gezocht. Lees het document zelf na op namen.",
                   "waarschuwing")


def _picture_regions(prepared: Prepared, ids: IdentifierSet, scans: set[int],
                     options: PipelineOptions) -> dict[int, list[Lakvlak]]:
    if not options.ocr:
        return {}
    try:
        return picture_boxes(prepared.pdf, ids.finder, scans)
    except (pdfium.PdfiumError, UnreadablePicture):
        return {}  # the gate reads the pictures too, and refuses the file when it cannot


def _picture_melding(found: dict[int, list[Lakvlak]]) -> Melding:
    pages = ", ".join(str(p) for p in sorted(found))
    waar = f"pagina {pages}" if len(found) == 1 else f"pagina's {pages}"
    return Melding("OCR_AFBEELDING_GELAKT", f"Tekstherkenning vond bekende persoonsgegevens in een "
                   f"afbeelding op {waar} en heeft die gelakt; die pagina is als afbeelding opgenomen. "
                   "Bekijk de afbeelding toch zelf: tekstherkenning mist kleine en slecht leesbare "
                   "tekst.", "waarschuwing")


def _ocr_melding(ocr: dict[int, list[Lakvlak]]) -> Melding:
    pages = ", ".join(str(p) for p in sorted(ocr))
    # Vakken, not identifiers: one split over two lines gets a box on each line.
    vakken = aantal(sum(len(b) for b in ocr.values()), "vak", "vakken")
    waar = f"gescande pagina {pages}" if len(ocr) == 1 else f"gescande pagina's {pages}"
    return Melding("OCR_GELAKT", f"Tekstherkenning vond bekende persoonsgegevens op {waar} en heeft "
                   f"die gelakt ({vakken}). "
                   "Bekijk de pagina toch zelf: tekstherkenning mist handschrift en slecht leesbare "
                   "tekst.", "waarschuwing")


def _still_readable_melding(pages: list[int]) -> Melding:
    lijst = ", ".join(str(p) for p in pages)
    waar, deze = (f"pagina {lijst}", "deze pagina") if len(pages) == 1 else (f"pagina's {lijst}",
                                                                          "deze pagina's")
    return Melding("OCR_NOG_LEESBAAR", f"Op gescande {waar} leest tekstherkenning na het lakken nog "
                   f"een bekend persoonsgegeven. Bekijk {deze} en teken een vak over wat weg moet.",
                   "waarschuwing")


def _totals(docx_counts: dict[str, int], pdf_counts: dict[int, dict[str, int]]) -> dict[str, int]:
    totals = dict(docx_counts)
    for per_page in pdf_counts.values():
        for cat, n in per_page.items():
            totals[cat] = totals.get(cat, 0) + n
    return totals


def _with_document(meldingen: list[Melding], doc: Document) -> list[Melding]:
    return [replace(m, onderdeel=m.onderdeel or doc.onderdeel or None, bestand=m.bestand or doc.bestand)
            for m in meldingen]
