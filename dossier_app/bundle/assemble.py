"""Assemble the bundle: components in the routeboek's order, one PDF for the tafel.

The steps, in order: copy the pages of every component into a new document (nothing
of the sources' document level comes along), stamp every page, add bookmarks and page
labels, hash the final pages, embed the manifest, set the metadata, write atomically.

Page labels: every component's pages are labelled "<component id> 1", "<component id> 2",
... (e.g. "opp 1", "mdo-verslagen 3"), so a viewer's page box shows which component a
page belongs to and the label matches the id in the manifest.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem

from dossier_app import __version__
from dossier_app.bundle import guard, hashing, manifest, stamp
from dossier_app.documents.limits import DEFAULT_LIMITS
from dossier_app.errors import InputError
from dossier_app.fileio import atomic_output

if TYPE_CHECKING:
    from dossier_app.store.memo import Memo

# Page-level keys that can hide content or point out of the page. The sanitiser should
# have removed them; dropping them here keeps the promise that the assembler adds none.
PAGE_KEYS_DROPPED = ("/Annots", "/AA", "/Thumb", "/PieceInfo", "/Metadata", "/StructParents",
                     "/B", "/ID", "/PZ", "/SeparationInfo", "/Tabs", "/VP", "/AF", "/OutputIntents",
                     "/Trans", "/Dur")
INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
VOORBLAD_NAAM = "Voorblad"  # the generated cover's component name (bookmark, footer, manifest)


@dataclass(frozen=True)
class Part:
    """One component of the bundle: its clean PDFs in order."""

    onderdeel: str  # component id from the routeboek, e.g. "opp"
    naam: str  # component name for people, e.g. "Ontwikkelingsperspectiefplan (OPP)"
    pdfs: tuple[Path, ...]
    gegenereerd: bool = False  # made by Tafeldossier (voorblad, offerte)


@dataclass(frozen=True)
class BundleInfo:
    ot_nummer: str
    tafel_id: str
    tafel_naam: str
    spoor: int | None
    gemeente: str
    onderwijs: str
    aanmelddatum: date
    eerste_verzuimdatum: date
    routeboek_id: str
    routeboek_versie: str
    concept: bool = False


@dataclass(frozen=True)
class PartPages:
    onderdeel: str
    naam: str
    pagina_van: int  # 1-based, inclusive; 0 and 0 when the component has no pages
    pagina_tot: int


@dataclass(frozen=True)
class AssembleResult:
    out: Path
    paginas: int
    onderdelen: tuple[PartPages, ...]
    manifest: dict[str, Any]
    duur: float  # seconds
    # The pages' digests as assembled, with the optional-content setting's: what the file
    # must show. The bundle's gate looks pages up in the memo by these; the build has verify,
    # which reads the file on its own, confirm them (build._final_checks).
    sleutels: hashing.FileKeys | None = field(default=None, compare=False)
    # With a memo: each source's page digests by their memo name (`_source_name`), for the
    # build to keep once verify has confirmed them (a later process then walks only the
    # pages that changed), or to remove when verify found other digests.
    bronsleutels: dict[str, list[str]] = field(default_factory=dict, compare=False)


def assemble(parts: Sequence[Part], info: BundleInfo, out: Path, *,
             manifest_extra: Mapping[str, Any], memo: Memo | None = None) -> AssembleResult:
    """`memo`: the checks' memo, where earlier builds kept the page digests of their sources
    (see `_page_digests`); only read here, never written."""
    started = time.perf_counter()
    with pikepdf.new() as pdf:
        ranges, sources = _merge(pdf, parts)
        normalise_streams(pdf)  # before the digests: they are of what is written
        stamps = stamp.apply_stamps(pdf, _footers(info, ranges), concept=info.concept)
        _add_outline(pdf, ranges)
        _add_page_labels(pdf, ranges)
        digests, by_source = _page_digests(pdf, sources, stamps, memo)
        data = build_manifest(info, parts, ranges, digests)
        manifest.merge_extra(data, manifest_extra)
        manifest.embed(pdf, data)
        _set_catalog_and_metadata(pdf, info)
        keys = hashing.FileKeys(digests, hashing.object_digest(pdf.Root.get("/OCProperties")))
        _write_atomically(pdf, out)
    return AssembleResult(out, len(_flat(ranges)), tuple(ranges), data, time.perf_counter() - started,
                          keys, by_source)


# --- merging ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Source:
    """The pages one source PDF gave the bundle: `count` pages from index `first`, and the
    SHA-256 of the file's bytes."""

    sha256: str
    first: int
    count: int


def _merge(pdf: pikepdf.Pdf, parts: Sequence[Part]) -> tuple[list[PartPages], list[_Source]]:
    ranges, sources = [], []
    for part in parts:
        first = len(pdf.pages) + 1
        for path in part.pdfs:
            sources.append(_append_document(pdf, path, part))
        last = len(pdf.pages)
        ranges.append(PartPages(part.onderdeel, part.naam, first if last >= first else 0,
                                last if last >= first else 0))
    if not pdf.pages:
        raise InputError("De bundel heeft geen pagina's: geen enkel onderdeel bevat een pagina.")
    return ranges, sources


def _append_document(pdf: pikepdf.Pdf, path: Path, part: Part) -> _Source:
    first = len(pdf.pages)
    try:
        data = path.read_bytes()  # once: the pages are made from exactly the bytes hashed
        with pikepdf.open(io.BytesIO(data)) as src:
            for page in src.pages:
                _detach(page)
                pdf.pages.append(page)
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise InputError(f"Het onderdeel {part.naam} kan niet in de bundel: de PDF {path.name} is niet "
                         f"leesbaar ({type(exc).__name__}). Maak het stuk opnieuw aan en probeer het "
                         "nog eens.", bestand=str(path)) from exc
    return _Source(hashlib.sha256(data).hexdigest(), first, len(pdf.pages) - first)


# --- page digests --------------------------------------------------------------------

# The digests of the last assembly in this process, by source file, stamp document and
# place. A bundle page is made from its source PDF's page by steps that depend on nothing
# else (detached from its document, its streams normalised, its stamp page from the stamp
# document placed on it), and its digest is of its own graph alone (links to other pages
# are markers): so the same source bytes at the same place under the same stamp document
# give the same digests. A rebuild after an edit of the voorblad alone walks only the new
# voorblad's pages. The build still has verify make every digest from the written file
# and refuses the bundle when one differs (build._final_checks).
_LAST_DIGESTS: dict[tuple[str, str, int, int], list[str]] = {}
_LAST_LOCK = threading.Lock()


def forget_digests() -> None:
    """Keep no digest for the next assembly (the build calls this when verify found other
    digests in the file than the assembly gave: a retry then walks every page)."""
    with _LAST_LOCK:
        _LAST_DIGESTS.clear()


def _page_digests(pdf: pikepdf.Pdf, sources: Sequence[_Source], stamps: str,
                  memo: Memo | None = None) -> tuple[list[str], dict[str, list[str]]]:
    """The bundle's page digests, and with `memo` each source's by its memo name. A source
    this process assembled last time, or one an earlier process kept in `memo` (the
    command line's rebuild, the wizard opened again), is not walked again: by the same
    argument as for `_LAST_DIGESTS`, with the program's code and pikepdf's and qpdf's
    versions in the name (what the pages are parsed into). Verify still makes every
    digest from the written file, and the build refuses the bundle when one differs."""
    with _LAST_LOCK:
        previous = dict(_LAST_DIGESTS)
    cache = hashing.DigestCache()
    pages = pdf.pages
    now: dict[tuple[str, str, int, int], list[str]] = {}
    by_name: dict[str, list[str]] = {}
    digests: list[str] = []
    for source in sources:
        key = (source.sha256, stamps, source.first, source.count)
        name = _source_name(memo, key) if memo is not None else None
        known = previous.get(key)
        if known is None and memo is not None and name is not None:
            known = _digest_list(memo.get(name), source.count)
        if known is None:
            known = [hashing.page_digest(pages[i], cache) for i in range(source.first,
                                                                         source.first + source.count)]
        now[key] = known
        if name is not None:
            by_name[name] = known
        digests += known
    with _LAST_LOCK:
        _LAST_DIGESTS.clear()
        _LAST_DIGESTS.update(now)
    return digests, by_name


def _source_name(memo: Memo, key: tuple[str, str, int, int]) -> str:
    from dossier_app.store.memo import code_fingerprint

    sha256, stamps, first, count = key
    return memo.name(["paginasleutels-bron", hashing.ALGORITME, code_fingerprint(), pikepdf.__version__,
                      pikepdf.__libqpdf_version__, sha256, stamps, str(first), str(count)])


def _digest_list(value: Any, count: int) -> list[str] | None:
    """A kept list of `count` page digests, or None for anything else."""
    if (isinstance(value, list) and len(value) == count
            and all(isinstance(d, str) and _HEX.fullmatch(d) for d in value)):
        return value
    return None


_HEX = re.compile(r"[0-9a-f]{64}")


def _detach(page: pikepdf.Page) -> None:
    """Make a source page self-contained: inherited attributes on the page itself, nothing
    that links out of the page or hides content (the copy would drag it along)."""
    obj = page.obj
    for key in INHERITABLE:
        if key not in obj:
            value = hashing.inherited(obj, key)
            if value is not None:
                obj[key] = value
    for key in PAGE_KEYS_DROPPED:
        if key in obj:
            del obj[key]


# --- navigation -----------------------------------------------------------------------

def _flat(ranges: Sequence[PartPages]) -> list[PartPages]:
    """One entry per page: which component it belongs to."""
    return [r for r in ranges if r.pagina_van for _ in range(r.pagina_van, r.pagina_tot + 1)]


def _footers(info: BundleInfo, ranges: Sequence[PartPages]) -> list[str]:
    pages = _flat(ranges)
    return [stamp.footer_text(info.ot_nummer, r.naam, n, len(pages)) for n, r in enumerate(pages, 1)]


def _add_outline(pdf: pikepdf.Pdf, ranges: Sequence[PartPages]) -> None:
    with pdf.open_outline() as outline:
        for r in ranges:
            if r.pagina_van:
                outline.root.append(OutlineItem(r.naam, r.pagina_van - 1))


def page_label_prefix(onderdeel: str) -> str:
    return f"{onderdeel} "


def _add_page_labels(pdf: pikepdf.Pdf, ranges: Sequence[PartPages]) -> None:
    nums = Array()
    for r in ranges:
        if r.pagina_van:
            nums.append(r.pagina_van - 1)
            nums.append(Dictionary(S=Name.D, P=pikepdf.String(page_label_prefix(r.onderdeel)), St=1))
    pdf.Root.PageLabels = Dictionary(Nums=nums)


# --- manifest and metadata -----------------------------------------------------------

def build_manifest(info: BundleInfo, parts: Sequence[Part], ranges: Sequence[PartPages],
                   digests: Sequence[str]) -> dict[str, Any]:
    onderdelen = []
    for part, r in zip(parts, ranges, strict=True):
        numbers = range(r.pagina_van, r.pagina_tot + 1) if r.pagina_van else range(0)
        onderdelen.append({
            "id": part.onderdeel, "naam": part.naam, "gegenereerd": part.gegenereerd,
            "pagina_van": r.pagina_van, "pagina_tot": r.pagina_tot,
            "paginas": [{"nummer": n, "sha256": digests[n - 1]} for n in numbers],
        })
    return {
        "schema": manifest.SCHEMA,
        "product_versie": __version__,
        "routeboek": {"id": info.routeboek_id, "versie": info.routeboek_versie},
        "casus": {"onderwijs": info.onderwijs, "gemeente": info.gemeente, "tafel": info.tafel_id,
                  "spoor": info.spoor, "ot_nummer": info.ot_nummer,
                  "eerste_verzuimdatum": info.eerste_verzuimdatum.isoformat(),
                  "aanmelddatum": info.aanmelddatum.isoformat(), "voorwaarden": {}},
        "onderdelen": onderdelen,
        "paginas_totaal": len(digests),
        "concept": info.concept,
        "hash": {"algoritme": hashing.ALGORITME},
    }


def bundle_title(info: BundleInfo) -> str:
    return f"Tafeldossier {info.ot_nummer} – {info.tafel_naam}"


def _set_catalog_and_metadata(pdf: pikepdf.Pdf, info: BundleInfo) -> None:
    pdf.Root.PageMode = Name.UseOutlines
    # Only a title from the case key and the product; no author, creator or dates (they
    # name people or machines). No XMP: nothing to keep consistent with the Info dictionary.
    pdf.docinfo = pdf.make_indirect(Dictionary(
        Title=pikepdf.String(bundle_title(info)), Producer=pikepdf.String(f"Tafeldossier {__version__}")))
    if "/Metadata" in pdf.Root:
        del pdf.Root.Metadata


def normalise_streams(pdf: pikepdf.Pdf) -> int:
    """Every stream in the encodings the loket's check can measure without trusting it
    (`guard.decoded_size`: none, Flate, an image codec, Flate before an image codec).
    Source documents bring other chains (reportlab writes JPEGs as ASCII85 + DCT; old tools
    LZW, RunLength, ASCIIHex): those text layers are taken off here, and the data is then
    compressed with Flate on saving. A Flate stream with bytes after the end of its
    compressed data (which verify refuses: no reader shows them) is written again without
    them. Returns how many streams were rewritten."""
    rewritten = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Type") in (Name.ObjStm, Name.XRef):
            continue
        size, tail = guard.measure(obj, DEFAULT_LIMITS.max_stream_bytes)
        if size is not None and not tail:
            continue
        filters = guard.filter_names(obj)
        if filters is None:
            continue  # not a list of names: left for the verifier to refuse, never guessed at
        keep = next((i for i, f in enumerate(filters) if f in guard.IMAGE_FILTERS), len(filters))
        parms = obj.get("/DecodeParms")
        parms_list = list(parms) if isinstance(parms, pikepdf.Array) else [parms] * len(filters)
        layer = pikepdf.Stream(pdf, obj.read_raw_bytes())
        layer.Filter = pikepdf.Array([Name(f) for f in filters[:keep]])
        if any(p is not None for p in parms_list[:keep]):
            layer.DecodeParms = pikepdf.Array([p if p is not None else pikepdf.Dictionary()
                                               for p in parms_list[:keep]])
        data = layer.read_bytes()
        rest = filters[keep:]
        if rest:
            rest_parms = parms_list[keep:]
            obj.write(data, filter=pikepdf.Array([Name(f) for f in rest]),
                      decode_parms=(pikepdf.Array([p if p is not None else pikepdf.Dictionary()
                                                   for p in rest_parms])
                                    if any(p is not None for p in rest_parms) else None))
        else:
            obj.write(data)  # compressed with Flate on saving
        rewritten += 1
    return rewritten


def _write_atomically(pdf: pikepdf.Pdf, out: Path) -> None:
    with atomic_output(Path(out)) as tmp:
        pdf.save(tmp, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
