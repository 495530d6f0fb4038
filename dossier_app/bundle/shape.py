"""What a bundle may contain besides its pages: exactly what the assembler writes.

The page digests cover everything a page shows. Everything else in the file (trailer,
catalog, page tree, bookmarks, page labels, the name tree, the manifest's file
specification and stream, the document information, the manifest's own JSON) is
compared here with what `assemble` writes, key by key and value by value: whatever is
there and is not in that list is a channel nobody checked, so it is a finding.

Every function returns Meldingen (niveau "fout") in Dutch; `verify` adds them to its
report. The footer check compares the text stamped on each page with the manifest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pikepdf
from pikepdf import Name

from dossier_app.bundle import manifest
from dossier_app.bundle.assemble import VOORBLAD_NAAM
from dossier_app.meldingen import Melding
from dossier_app.taal import aantal

_TRAILER_KEYS = frozenset({"/Root", "/Info", "/ID", "/Size", "/Encrypt",
                           # an xref stream's own dictionary, which qpdf shows as the trailer
                           "/Type", "/W", "/Index", "/Filter", "/DecodeParms", "/Length"})
_PAGES_KEYS = frozenset({"/Type", "/Kids", "/Count", "/Parent",
                         # inheritable page attributes: part of each page's digest
                         "/Resources", "/MediaBox", "/CropBox", "/Rotate"})
_FILESPEC_KEYS = frozenset({"/Type", "/F", "/UF", "/EF", "/Desc", "/AFRelationship"})
_EMBEDDED_KEYS = frozenset({"/Type", "/Subtype", "/Params", "/Length", "/Filter"})
_PARAMS_KEYS = frozenset({"/Size", "/CheckSum"})
_OUTLINE_ITEM_KEYS = frozenset({"/Title", "/Parent", "/Prev", "/Next", "/Dest", "/Count"})
_OUTLINES_KEYS = frozenset({"/Type", "/First", "/Last", "/Count"})
_LABEL_KEYS = frozenset({"/S", "/P", "/St"})
MANIFEST_DESC = "Tafeldossier-manifest"


def _fout(code: str, tekst: str) -> Melding:
    return Melding(code, tekst, "fout")


def _extra(code: str, waar: str) -> Melding:
    return _fout(code, f"{waar} bevat gegevens die Tafeldossier er niet in zet; die zijn niet "
                 "gecontroleerd en kunnen persoonsgegevens bevatten.")


def document_level(pdf: pikepdf.Pdf, data: dict[str, Any]) -> list[Melding]:
    """The objects around the pages, each compared with what the assembler writes."""
    out = []
    if set(pdf.trailer.keys()) - _TRAILER_KEYS:
        out.append(_extra("VERBORGEN_INHOUD", "Het slot van het bestand (de trailer)"))
    root = pdf.Root
    if root.get("/Type") != Name.Catalog or root.get("/PageMode", Name.UseOutlines) != Name.UseOutlines:
        out.append(_extra("VERBORGEN_INHOUD", "De catalogus van het bestand"))
    out += _page_tree(root.get("/Pages"))
    out += _outline_shape(root.get("/Outlines"))
    out += _label_shape(root.get("/PageLabels"))
    out += _producer(pdf, str(data["product_versie"]))
    return out


def _page_tree(node: Any) -> list[Melding]:
    """Page-tree nodes carry only structure and inheritable attributes."""
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if not isinstance(current, pikepdf.Dictionary) or current.get("/Type") != Name.Pages:
            continue
        if current.objgen in seen:
            continue
        seen.add(current.objgen)
        if set(current.keys()) - _PAGES_KEYS:
            return [_extra("VERBORGEN_INHOUD", "De paginaboom (/Pages)")]
        todo.extend(current.get("/Kids", pikepdf.Array()))
    return []


def _outline_shape(outlines: Any) -> list[Melding]:
    if outlines is None:
        return []
    bad = not isinstance(outlines, pikepdf.Dictionary) or bool(set(outlines.keys()) - _OUTLINES_KEYS)
    item, hops = (outlines.get("/First") if not bad else None), 0
    while isinstance(item, pikepdf.Dictionary) and not bad and hops < 10_000:
        dest = item.get("/Dest")
        bad = bool(set(item.keys()) - _OUTLINE_ITEM_KEYS) or not (
            isinstance(dest, pikepdf.Array) and len(dest) == 2 and dest[1] == Name.Fit)
        item, hops = item.get("/Next"), hops + 1
    return [_extra("BLADWIJZERS_ANDERS", "De bladwijzers")] if bad else []


def _label_shape(labels: Any) -> list[Melding]:
    if labels is None:
        return []
    if not isinstance(labels, pikepdf.Dictionary) or set(labels.keys()) != {"/Nums"}:
        return [_extra("PAGINALABELS_ANDERS", "De paginalabels")]
    for label in list(labels.Nums)[1::2]:
        if not isinstance(label, pikepdf.Dictionary) or set(label.keys()) != _LABEL_KEYS or \
                label.get("/S") != Name.D or label.get("/St") != 1:
            return [_extra("PAGINALABELS_ANDERS", "De paginalabels")]
    return []


def _producer(pdf: pikepdf.Pdf, versie: str) -> list[Melding]:
    producer = pdf.docinfo.get("/Producer")
    if producer is not None and str(producer) != f"Tafeldossier {versie}":
        return [_fout("METADATA_AANGEVULD", "De documenteigenschappen zijn na het maken veranderd "
                      "(Producer).")]
    return []


# --- the manifest's name tree, file specification and stream --------------------------

def attachment_shape(pdf: pikepdf.Pdf) -> list[Melding]:
    """One name-tree entry, one file specification, the catalog's /AF pointing to it."""
    names = pdf.Root.get("/Names")
    tree = names.get("/EmbeddedFiles") if isinstance(names, pikepdf.Dictionary) else None
    if not isinstance(tree, pikepdf.Dictionary) or set(tree.keys()) != {"/Names"}:
        return [_fout("BIJLAGE_TOEGEVOEGD", "De lijst met bijgevoegde bestanden is niet zoals Tafeldossier "
                      "die maakt (meer dan één lijst of een vertakte lijst). Open de bijlagen niet zonder "
                      "overleg met de school.")]
    pairs = list(tree.Names)
    if len(pairs) != 2:
        n = max(len(pairs) // 2 - 1, 1)
        bijlagen = aantal(n, "bijgevoegd bestand", "bijgevoegde bestanden")
        return [_fout("BIJLAGE_TOEGEVOEGD", f"De bundel bevat {bijlagen} naast het "
                      "manifest (ook een bestand met dezelfde naam telt mee). Open die niet zonder overleg "
                      "met de school.")]
    spec = pairs[1]
    out = _filespec(spec)
    af = pdf.Root.get("/AF")
    if af is not None and not (isinstance(af, pikepdf.Array) and len(af) == 1 and af[0].is_indirect
                               and spec.is_indirect and af[0].objgen == spec.objgen):
        out.append(_fout("BIJLAGE_TOEGEVOEGD", "De bundel verwijst naar een ander of meer bijgevoegd "
                         "bestand dan alleen het manifest."))
    return out


def _filespec(spec: Any) -> list[Melding]:
    bad = not isinstance(spec, pikepdf.Dictionary) or bool(set(spec.keys()) - _FILESPEC_KEYS)
    if not bad:
        bad = any(str(spec.get(k, manifest.BESTANDSNAAM)) != manifest.BESTANDSNAAM for k in ("/F", "/UF")) \
            or str(spec.get("/Desc", MANIFEST_DESC)) != MANIFEST_DESC \
            or spec.get("/Type") != Name.Filespec
        ef = spec.get("/EF")
        bad = bad or not isinstance(ef, pikepdf.Dictionary) or bool(set(ef.keys()) - {"/F", "/UF"})
        if not bad:
            stream, uf = ef.F, ef.get("/UF")
            bad = not isinstance(stream, pikepdf.Stream) or _embedded_dict(stream) or (
                uf is not None and (not uf.is_indirect or uf.objgen != stream.objgen))
    if bad:
        return [_extra("BIJLAGE_TOEGEVOEGD", "De bestandsbeschrijving van het manifest")]
    return []


def _embedded_dict(stream: pikepdf.Stream) -> bool:
    d = stream.stream_dict
    if set(d.keys()) - _EMBEDDED_KEYS or d.get("/Type") != Name.EmbeddedFile:
        return True
    if d.get("/Subtype", Name("/application/json")) != Name("/application/json"):
        return True
    params = d.get("/Params")
    return params is not None and (not isinstance(params, pikepdf.Dictionary)
                                   or bool(set(params.keys()) - _PARAMS_KEYS))


def manifest_bytes(pdf: pikepdf.Pdf, data: dict[str, Any]) -> list[Melding]:
    """The manifest is written in one canonical form; any other layout is a channel."""
    spec = pdf.attachments.get(manifest.BESTANDSNAAM)
    if spec is None or manifest.read_bytes(spec.obj) != manifest.to_bytes(data):
        return [_fout("MANIFEST_AANGEPAST", "Het manifest is niet zoals Tafeldossier het schrijft: het is "
                      "na het maken bewerkt.")]
    return []


# --- the manifest's content ------------------------------------------------------------

_EXTRA_KEYS = frozenset({"controles", "niet_gecontroleerd", "meldingen", "converter", "bevestigd"})
_MAX_STRING = 1000
_MAX_ITEMS = 20_000
_KEY_RE = re.compile(r"[A-Za-z0-9_\-]{1,64}\Z")
_SHA_RE = re.compile(r"[0-9a-f]{64}\Z")
_ID_RE = re.compile(r"[a-z0-9][a-z0-9\-]{0,63}\Z")


def manifest_content(data: dict[str, Any], routeboek_namen: dict[str, str] | None) -> list[Melding]:
    """Known keys only, short strings, digests that are digests, names from the routeboek."""
    problems = []
    if set(data) - manifest.RESERVED - _EXTRA_KEYS:
        problems.append("onbekende sleutels")
    if not _bounded(data):
        problems.append("te lange of te diep geneste waarden")
    if not all(isinstance(h, str) and _SHA_RE.match(h) for h in data.get("bevestigd", [])):
        problems.append("bevestigde meldingen die geen controlegetal zijn")
    for o in data["onderdelen"]:
        if not _ID_RE.match(o["id"]) or not all(_SHA_RE.match(p["sha256"]) for p in o["paginas"]):
            problems.append("onderdelen of controlegetallen in een onbekende vorm")
            break
        allowed = {routeboek_namen.get(o["id"], o["naam"])} if routeboek_namen is not None else {o["naam"]}
        if o["id"] == "voorblad":
            allowed.add(VOORBLAD_NAAM)
        if o["naam"] not in allowed:
            problems.append(f"de naam van onderdeel {o['id']} wijkt af van het routeboek")
        numbers = [p["nummer"] for p in o["paginas"]]
        span = list(range(o["pagina_van"], o["pagina_tot"] + 1)) if o["pagina_van"] else []
        if numbers != span:
            problems.append(f"de pagina's van onderdeel {o['id']} kloppen niet met het paginabereik")
    if not problems:
        return []
    return [_fout("MANIFEST_AANGEPAST", "Het manifest is na het maken bewerkt: " + "; ".join(problems) + ".")]


def _bounded(value: Any, depth: int = 0) -> bool:
    count = 0
    todo: list[tuple[Any, int]] = [(value, depth)]
    while todo:
        item, level = todo.pop()
        count += 1
        if level > 8 or count > _MAX_ITEMS * 10:
            return False
        if isinstance(item, str):
            if len(item) > _MAX_STRING:
                return False
        elif isinstance(item, dict):
            if len(item) > _MAX_ITEMS or not all(_KEY_RE.match(k) for k in item):
                return False
            todo.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            if len(item) > _MAX_ITEMS:
                return False
            todo.extend((v, level + 1) for v in item)
    return True


def manifest_strings(data: dict[str, Any]) -> Iterator[str]:
    """Every free text in the manifest's extras (meldingen, labels): the flagger reads them."""
    todo: list[Any] = [data.get(k) for k in sorted(_EXTRA_KEYS)]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)


# --- the footer on every page ------------------------------------------------------------

FOOTER_RE = re.compile(r"Vertrouwelijk · (?P<ot>\S+) · (?P<naam>.*?) · pagina (?P<n>\d+) van (?P<totaal>\d+)")


def footer_mismatches(texts: dict[int, str], data: dict[str, Any]) -> list[Melding]:
    """The stamp says OT-nummer, component, page n of N: it must agree with the manifest."""
    naam_of = {p["nummer"]: o["naam"] for o in data["onderdelen"] for p in o["paginas"]}
    totaal, ot = data["paginas_totaal"], data["casus"]["ot_nummer"]
    wrong = []
    for n, text in sorted(texts.items()):
        m = FOOTER_RE.search(" ".join(text.split()))
        if m is None or m["ot"] != ot or int(m["n"]) != n or int(m["totaal"]) != totaal or \
                not _same_name(naam_of.get(n, ""), m["naam"]):
            wrong.append(n)
    if not wrong:
        return []
    lijst = ", ".join(str(n) for n in wrong[:20]) + (" …" if len(wrong) > 20 else "")
    return [_fout("VOETTEKST_ANDERS", f"De voettekst op pagina {lijst} past niet bij het manifest "
                  "(OT-nummer, onderdeel of paginanummer): pagina's zijn verwijderd, verplaatst of anders "
                  "benoemd.")]


def _same_name(expected: str, shown: str) -> bool:
    """A long footer is shortened in the middle ("…"): compare what is left on both sides."""
    if "…" not in shown:
        return expected == shown
    head, _, tail = shown.partition("…")
    return expected.startswith(head) and expected.endswith(tail)
