"""The case being edited, shared by every page of the wizard.

`CaseState` holds one immutable `Case`; pages change it with `dataclasses.replace`
through `update`/`update_casus`, and every page listens to `changed`. The routeboek
check (`check_case`) is run here, once per change, so all pages show the same answer.

What the case file cannot hold stays in memory only: passwords of protected PDFs and
the outcome of the anonymisation review (which pages the user has looked at).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from dossier_app.case import read_case
from dossier_app.case_model import Case, Casus, Document, Lakvlak, Leerling
from dossier_app.errors import DossierError
from dossier_app.rules.check import CheckResult, check_case
from dossier_app.ui.case_writer import document_bestand, write_case_file
from dossier_app.ui.signals import emit


@dataclass
class Review:
    """What the review step learned about one document (screen only, never written)."""

    pdf: bytes  # the document as it will be in the bundle
    paginas: int
    niet_gecontroleerd: list[int]
    bevindingen: list[Any]  # pipeline.Bevinding
    vlakken: dict[int, int]  # page -> black boxes
    meldingen: list[Any]
    bekeken: set[int] = field(default_factory=set)  # pages the user confirmed
    afgehandeld: set[int] = field(default_factory=set)  # finding indexes dismissed or redacted


def new_case(today: date | None = None) -> Case:
    today = today or date.today()
    casus = Casus(onderwijs="po", gemeente="den-haag", tafel="adviestafel", ot_nummer="",
                  eerste_verzuimdatum=today, aanmelddatum=today)
    return Case(casus=casus, leerling=Leerling())


class CaseState(QObject):
    changed = Signal()
    loaded = Signal()  # a different case: pages refill every field
    review_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.case: Case = new_case()
        self.path: Path | None = None
        self.passwords: dict[str, str] = {}
        self.reviews: dict[str, Review] = {}
        self.dirty = False
        self._check: CheckResult | None = None
        self._check_error: str | None = None
        self._recheck()

    # --- loading and saving -------------------------------------------------------------

    def load(self, path: Path) -> None:
        """Read a case file; raises DossierError with the core's Dutch message."""
        case = read_case(path, bestand=path.name)
        self._replace_all(case, path.resolve())

    def start_new(self) -> None:
        self._replace_all(new_case(), None)

    def _replace_all(self, case: Case, path: Path | None) -> None:
        self.case, self.path = case, path
        self.passwords.clear()
        self.reviews.clear()
        self.dirty = False
        self._recheck()
        emit(self.loaded)
        emit(self.changed)
        emit(self.review_changed)

    def save(self, path: Path) -> None:
        path = path.resolve()
        case = replace(self.case, path=path)
        write_case_file(case, path)
        self.case, self.path, self.dirty = case, path, False
        emit(self.changed)

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    # --- changing ----------------------------------------------------------------------

    def update(self, **fields: Any) -> None:
        new = replace(self.case, **fields)
        if new == self.case:
            return
        self.case = new
        self.dirty = True
        self._recheck()
        emit(self.changed)

    def update_casus(self, **fields: Any) -> None:
        self.update(casus=replace(self.case.casus, **fields))

    def set_documents(self, docs: list[Document]) -> None:
        renumbered = tuple(replace(d, index=i) for i, d in enumerate(docs))
        keep = {str(d.pad) for d in renumbered}
        for key in list(self.reviews):
            if key not in keep:
                del self.reviews[key]
        self.update(documenten=renumbered)
        emit(self.review_changed)

    def add_document(self, onderdeel: str, pad: Path) -> None:
        pad = pad.resolve()
        doc = Document(onderdeel=onderdeel, bestand=document_bestand(pad, self.folder), pad=pad)
        self.set_documents([*self.case.documenten, doc])

    def add_lakvlak(self, doc: Document, vlak: Lakvlak) -> None:
        docs = [replace(d, lakken=(*d.lakken, vlak)) if d.index == doc.index else d
                for d in self.case.documenten]
        self.set_documents(docs)

    # --- check -------------------------------------------------------------------------

    def _recheck(self) -> None:
        try:
            self._check, self._check_error = check_case(self.case), None
        except DossierError as exc:
            self._check, self._check_error = None, exc.message

    @property
    def check(self) -> CheckResult | None:
        return self._check

    @property
    def check_error(self) -> str | None:
        return self._check_error

    # --- review ------------------------------------------------------------------------

    def set_review(self, doc: Document, review: Review) -> None:
        self.reviews[str(doc.pad)] = review
        emit(self.review_changed)

    def review_for(self, doc: Document) -> Review | None:
        return self.reviews.get(str(doc.pad))

    def documents_in_bundle(self) -> list[Document]:
        """The files the build will process: present components, files that exist."""
        result = self._check
        if result is None:
            return []
        docs: list[Document] = []
        for s in result.onderdelen:
            if s.status == "aanwezig":
                docs += [d for d in s.documenten if d.pad.is_file()]
        return docs

    def open_pages(self, doc: Document) -> list[int]:
        """Pages without text the user has neither looked at nor marked a region on."""
        review = self.review_for(doc)
        if review is None:
            return []
        marked = {v.pagina for v in doc.lakken}
        return [p for p in review.niet_gecontroleerd if p not in review.bekeken and p not in marked]

    def review_pending(self) -> list[str]:
        """Dutch lines: what must still be looked at before the bundle can be made."""
        out = []
        for doc in self.documents_in_bundle():
            if self.review_for(doc) is None:
                out.append(f"{doc.bestand}: nog niet voorbereid en bekeken")
                continue
            pages = self.open_pages(doc)
            if pages:
                lijst = ", ".join(str(p) for p in pages)
                out.append(f"{doc.bestand}: pagina {lijst} zonder tekst nog bekijken")
        return out

    @property
    def password(self) -> str | None:
        """The build takes one password for all files (BuildOptions.password)."""
        values = list(dict.fromkeys(self.passwords.values()))
        return values[0] if values else None
