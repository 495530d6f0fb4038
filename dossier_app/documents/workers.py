"""Documents through the pipeline in spawned worker processes: the build's documents and
the wizard's "Alles voorbereiden". Each worker compiles the case's identifiers once.

Spawned, not forked: PDFium is not thread-safe, and forking next to Qt's threads is not
safe. A worker of the wizard's preparation runs its document's flagger and gate inside
itself (`nested=False`): the pool already keeps every core busy, and a flagger process per
worker would only add memory."""

from __future__ import annotations

import os
from pathlib import Path

from dossier_app.anonymise.case_identifiers import identifiers_for_case
from dossier_app.anonymise.identifiers import IdentifierSet
from dossier_app.case_model import Case, Document
from dossier_app.documents.pipeline import PipelineOptions, ProcessedDocument, process_document

_IDS: IdentifierSet | None = None


def init(case: Case, nested: bool = True) -> None:
    global _IDS
    _IDS = identifiers_for_case(case)
    if not nested:
        os.environ["TAFELDOSSIER_PARALLEL"] = "0"  # this process only


def process(doc: Document, workdir: str, options: PipelineOptions) -> ProcessedDocument:
    assert _IDS is not None, "init() runs first, as the pool's initializer"
    return process_document(doc, _IDS, Path(workdir), options)
