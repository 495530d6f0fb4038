"""Processed documents kept between builds, encrypted, so a rebuild after editing only
the voorblad does not convert and redact every document again.

An entry's name is a hash of everything that determines the result: the file's bytes,
the identifiers, the manual regions, the converter and the product version. No name,
path or value is readable on disk; the content is sealed with a key from the keyring.
Without a usable keyring there is no cache (and nothing is stored)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from dossier_app import __version__
from dossier_app.anonymise.flag_pdf import findings
from dossier_app.anonymise.identifiers import IdentifierSet
from dossier_app.case_model import Document, Lakvlak
from dossier_app.documents.pipeline import PipelineOptions, ProcessedDocument
from dossier_app.fileio import atomic_write_bytes, file_sha256
from dossier_app.logs import data_dir
from dossier_app.meldingen import Melding
from dossier_app.store.keys import get_or_create_key
from dossier_app.store.memo import DOCUMENT_CACHE, prune_folder
from dossier_app.store.vault import VaultError, open_sealed, seal

PIPELINE_VERSION = "1"
MAX_AGE_S = 30 * 24 * 3600
_AAD = b"tafeldossier-cache-v1:"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def preparation_key(doc: Document, ids: IdentifierSet, options: PipelineOptions, content_hash: str, *,
                    for_review: bool = False) -> str:
    """What one document's processing depends on: the program, the file's content, the
    identifiers (extra terms included), the regions drawn on it, the converter and OCR.
    `for_review` adds what only the flagger's list depends on (the terms confirmed as no
    personal data, the password that opened the file): the wizard's review uses it."""
    ident = json.dumps(sorted(ids.literal_variants()), ensure_ascii=False)
    parts = [__version__, PIPELINE_VERSION, content_hash, _sha(ident.encode()),
             json.dumps([asdict(lak) for lak in doc.lakken]), options.converter, str(options.ocr)]
    if for_review:
        parts += [json.dumps(sorted(options.bevestigd)), _sha((options.password or "").encode())]
    return _sha("\0".join(parts).encode())


class DocumentCache:
    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self.key = key

    @classmethod
    def open_default(cls, key: bytes | None = None) -> DocumentCache | None:
        """The cache in the data folder; `key` when the caller has it already (see
        `Memo.open_default`). None without a usable keyring."""
        key = key or get_or_create_key("document-cache")
        if key is None:
            return None
        folder = data_dir() / "cache" / DOCUMENT_CACHE
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return cls(folder, key)

    def key_for(self, doc: Document, ids: IdentifierSet, options: PipelineOptions) -> str:
        return preparation_key(doc, ids, options, file_sha256(doc.pad))

    def get(self, entry: str, doc: Document, ids: IdentifierSet, workdir: Path,
            confirmed: frozenset[str] = frozenset(), *, flag: bool = False) -> ProcessedDocument | None:
        """The cached result, or None. `flag`: run the flagger on the cached output (a bundle
        build does not: it flags the whole bundle once)."""
        path = self.folder / f"{entry}.bin"
        try:
            blob = open_sealed(self.key, path.read_bytes(), _AAD + entry.encode())
        except (OSError, VaultError):
            return None
        size = int.from_bytes(blob[:8], "big")
        meta = json.loads(blob[8:8 + size])
        pdf = workdir / f"cache-{entry[:16]}.pdf"
        pdf.write_bytes(blob[8 + size:])
        os.utime(path)  # recently used
        return _from_meta(meta, doc, pdf, ids, confirmed if flag else None)

    def put(self, entry: str, done: ProcessedDocument) -> None:
        meta = json.dumps(_to_meta(done)).encode()
        blob = len(meta).to_bytes(8, "big") + meta + done.pdf.read_bytes()
        # Not synced, as the checks' memo (store/memo.py): a lost or cut-short entry (its
        # seal then fails) only means the document is processed again.
        atomic_write_bytes(self.folder / f"{entry}.bin", seal(self.key, blob, _AAD + entry.encode()),
                           durable=False)

    def prune(self, now: float | None = None) -> None:
        prune_folder(self.folder, MAX_AGE_S, now)


def _to_meta(done: ProcessedDocument) -> dict:
    return {
        "paginas": done.paginas, "converter": done.converter,
        "meldingen": [m.as_dict() for m in done.meldingen],
        "niet_gecontroleerd": done.niet_gecontroleerd,
        "gerasterd": {str(k): v for k, v in done.gerasterd.items()},
        "treffers": done.treffers, "ocr_vlakken": {str(k): v for k, v in done.ocr_vlakken.items()},
        "vlakken": {str(k): [asdict(v) for v in vs] for k, vs in done.vlakken.items()},
    }


def _from_meta(meta: dict, doc: Document, pdf: Path, ids: IdentifierSet,
               confirmed: frozenset[str] | None) -> ProcessedDocument:
    return ProcessedDocument(
        document=doc, pdf=pdf, paginas=meta["paginas"], converter=meta["converter"],
        meldingen=[Melding(**m) for m in meta["meldingen"]],
        niet_gecontroleerd=list(meta["niet_gecontroleerd"]),
        gerasterd={int(k): v for k, v in meta["gerasterd"].items()},
        treffers=dict(meta["treffers"]),
        ocr_vlakken={int(k): v for k, v in meta["ocr_vlakken"].items()},
        vlakken={int(k): [Lakvlak(**v) for v in vs] for k, vs in meta["vlakken"].items()},
        bevindingen=findings(pdf, ids, confirmed) if confirmed is not None else [])
