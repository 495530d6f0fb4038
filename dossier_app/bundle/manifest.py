"""The bundle manifest: what was put in the bundle, so the loket can check it.

A JSON document embedded in the bundle as the file `tafeldossier-manifest.json`
(docs/manifest.md describes every key). It holds the case key (OT-nummer) but no
identifier of the pupil or the parents, and never a source file name: a `bestand`
key anywhere in the caller's extras is dropped before writing.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import is_dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

import pikepdf
from pikepdf import AttachedFileSpec, Name

from dossier_app.meldingen import Melding
from dossier_app.taal import aantal

SCHEMA = 1
BESTANDSNAAM = "tafeldossier-manifest.json"
MIME = "application/json"
RESERVED = frozenset({"schema", "product_versie", "routeboek", "casus", "onderdelen",
                      "paginas_totaal", "concept", "hash"})
VOORWAARDEN_KEY = "casus_voorwaarden"  # caller's extra that goes to casus.voorwaarden
_FORBIDDEN_KEYS = frozenset({"bestand", "pad", "path", "bestandsnaam"})


class ManifestError(ValueError):
    """The embedded manifest is missing or does not follow the schema (English: for logs)."""


def jsonable(value: Any) -> Any:
    """Plain JSON values from what callers pass: Meldingen, dates, tuples, mappings.

    Paths are refused: a source file name must never reach the bundle."""
    if isinstance(value, Melding):
        value = value.as_dict()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items() if str(k) not in _FORBIDDEN_KEYS}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [jsonable(v) for v in items]
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, PurePath) or is_dataclass(value):
        raise TypeError(f"manifest value of type {type(value).__name__} is not allowed")
    raise TypeError(f"manifest value of type {type(value).__name__} is not JSON")


def merge_extra(manifest: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Add the caller's keys (controles, niet_gecontroleerd, meldingen, converter, ...)."""
    for key, value in extra.items():
        if key == VOORWAARDEN_KEY:
            manifest["casus"]["voorwaarden"] = jsonable(value)
        elif key in RESERVED:
            raise ValueError(f"manifest_extra may not set the reserved key {key!r}")
        else:
            manifest[key] = jsonable(value)
    return manifest


# --- confirmations on the voorblad ------------------------------------------------------
# The manifest's `bevestigd` (hashes of findings the school left in, "Laten staan") is bound
# to the bundle's pages: the generated voorblad prints how many there are and a code over
# them. The voorblad page is in the page digests, so a hash added to or removed from the
# JSON no longer matches what the page says (verify: BEVESTIGINGEN_ANDERS).

BEVESTIGD_KOP = "Door de school beoordeeld en laten staan:"
# No vowels (no words), no 0/1/O/I: a code the flagger never takes for a number or a name.
_CODE_ALFABET = "23456789BCDFGHJKLMNPQRSTVWXZ"
# Tolerant on purpose: a line that was edited is still found, and then differs.
BEVESTIGD_RE = re.compile(re.escape(BEVESTIGD_KOP) + r" (?:geen mogelijke persoonsgegevens|\d+ mogelijke? "
                          r"persoonsgegevens?(?: \(controlecode [0-9A-Z]{4}-[0-9A-Z]{4}\))?)\.?")


def bevestigd_code(ot_nummer: str, hashes: Sequence[str]) -> str:
    """A short code over the case key and the sorted confirmation hashes ("KFTX-9QRM")."""
    digest = hashlib.sha256(json.dumps([ot_nummer, sorted(hashes)]).encode("utf-8")).digest()
    n = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(8):
        n, r = divmod(n, len(_CODE_ALFABET))
        chars.append(_CODE_ALFABET[r])
    return "".join(chars[:4]) + "-" + "".join(chars[4:])


def bevestigd_regel(ot_nummer: str, hashes: Sequence[str]) -> str:
    """The voorblad's line about the confirmations, as the assembler prints it and verify
    expects it (`hashes` as in the manifest: one per term, duplicates count)."""
    if not hashes:
        return f"{BEVESTIGD_KOP} geen mogelijke persoonsgegevens."
    wat = aantal(len(hashes), "mogelijk persoonsgegeven", "mogelijke persoonsgegevens")
    return f"{BEVESTIGD_KOP} {wat} (controlecode {bevestigd_code(ot_nummer, hashes)})."


def to_bytes(manifest: Mapping[str, Any]) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")


def embed(pdf: pikepdf.Pdf, manifest: Mapping[str, Any]) -> None:
    """Attach the manifest as an associated file (AFRelationship Data) of the document."""
    spec = AttachedFileSpec(pdf, to_bytes(manifest), description="Tafeldossier-manifest",
                            filename=BESTANDSNAAM, mime_type=MIME,
                            relationship=Name.Data)
    pdf.attachments[BESTANDSNAAM] = spec
    pdf.Root.AF = pikepdf.Array([pdf.Root.Names.EmbeddedFiles.Names[1]])


MAX_BYTES = 8 * 1024 * 1024  # a manifest of 2,000 pages with many meldingen is well below 1 MB


def read(pdf: pikepdf.Pdf, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """The embedded manifest, checked for the keys verify relies on."""
    specs = _specs(pdf)
    if not specs:
        raise ManifestError("no manifest")
    if len(specs) > 1:
        raise ManifestError("more than one manifest")
    raw = read_bytes(specs[0], max_bytes)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, pikepdf.PdfError) as exc:
        raise ManifestError(f"manifest is not JSON: {exc}") from exc
    validate(data)
    return data


def _specs(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    """Every file specification named as the manifest in the name tree's top-level /Names
    (pikepdf's attachment view keeps one of two equal names; viewers list both)."""
    names = pdf.Root.get("/Names")
    tree = names.get("/EmbeddedFiles") if isinstance(names, pikepdf.Dictionary) else None
    if not isinstance(tree, pikepdf.Dictionary):
        return []
    pairs = tree.get("/Names")
    if not isinstance(pairs, pikepdf.Array):  # a tree with /Kids: pikepdf's view, checked by verify
        spec = pdf.attachments.get(BESTANDSNAAM)
        return [spec.obj] if spec is not None else []
    items = list(pairs)
    return [spec for key, spec in zip(items[0::2], items[1::2], strict=False)
            if isinstance(key, pikepdf.String) and str(key) == BESTANDSNAAM]


def read_bytes(filespec: pikepdf.Object, max_bytes: int = MAX_BYTES) -> bytes:
    """The manifest's bytes, inflated at most to `max_bytes` (a Flate bomb stops there)."""
    stream = filespec.EF.F
    filters = stream.get("/Filter")
    raw = stream.read_raw_bytes()
    if filters is None:
        data = raw
    elif filters == Name.FlateDecode and "/DecodeParms" not in stream:
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(raw, max_bytes + 1)
        except zlib.error as exc:
            raise ManifestError("manifest does not inflate") from exc
    else:
        raise ManifestError("manifest with an unexpected filter")
    if len(data) > max_bytes:
        raise ManifestError("manifest too large")
    return data


def validate(data: Any) -> None:
    if not isinstance(data, dict):
        raise ManifestError("manifest is not an object")
    if data.get("schema") != SCHEMA:
        raise ManifestError(f"schema {data.get('schema')!r}")
    _need(data, {"product_versie": str, "routeboek": dict, "casus": dict, "onderdelen": list,
                 "paginas_totaal": int, "concept": bool})
    _need(data["routeboek"], {"id": str, "versie": str})
    _need(data["casus"], {"onderwijs": str, "gemeente": str, "tafel": str, "ot_nummer": str,
                          "eerste_verzuimdatum": str, "aanmelddatum": str})
    nummer = 0
    for onderdeel in data["onderdelen"]:
        _need(onderdeel, {"id": str, "naam": str, "pagina_van": int, "pagina_tot": int, "paginas": list})
        for pagina in onderdeel["paginas"]:
            nummer += 1
            _need(pagina, {"nummer": int, "sha256": str})
            if pagina["nummer"] != nummer:
                raise ManifestError(f"page numbers out of order at {nummer}")
    if nummer != data["paginas_totaal"]:
        raise ManifestError("paginas_totaal does not match the pages listed")


def _need(obj: Any, fields: Mapping[str, type]) -> None:
    if not isinstance(obj, dict):
        raise ManifestError("expected an object")
    for key, kind in fields.items():
        value = obj.get(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ManifestError(f"key {key!r} missing or not {kind.__name__}")
