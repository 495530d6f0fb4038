"""The case being edited, shared by every page of the wizard.

`CaseState` holds one immutable `Case`; pages change it with `dataclasses.replace`
through `update`/`update_casus`. `edited` is emitted at once for every change (the
autosave times itself on it); `changed`, which pages refresh on, is emitted at once for
a choice (a button, a list) but only after a pause for typing (`typing=True`), so a
keystroke costs the work of its own field. The routeboek check (`check_case`) runs once
per `changed`, or when someone asks for it, so all pages show the same answer.

Each prepared document (`Review`) remembers the key of what it was prepared with (file
content, identifiers, extra and confirmed terms, regions, converter, password); when the
case no longer gives that key the preparation is stale ("verouderd"): it is prepared
again and the build waits for it.

What the case file cannot hold stays in memory only: passwords of protected PDFs and
the outcome of the anonymisation review (which pages the user has looked at).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from dossier_app.anonymise.case_identifiers import identifiers_for_case
from dossier_app.anonymise.flag_pdf import case_wide
from dossier_app.anonymise.identifiers import IdentifierSet
from dossier_app.bundle.cache import preparation_key
from dossier_app.case import read_case
from dossier_app.case_model import Case, Casus, Document, Lakvlak, Leerling
from dossier_app.documents.pipeline import PipelineOptions
from dossier_app.errors import DossierError
from dossier_app.fileio import file_sha256
from dossier_app.privacy import confirmed_hashes
from dossier_app.rules.check import CheckResult, check_case
from dossier_app.ui.case_writer import document_bestand, write_case_file


@dataclass
class Review:
    """What the review step learned about one document (screen only, never written)."""

    pdf: bytes  # the document as it will be in the bundle
    paginas: int
    niet_gecontroleerd: list[int]
    bevindingen: list[Any]  # pipeline.Bevinding
    vlakken: dict[int, int]  # page -> black boxes
    meldingen: list[Any]
    bekeken: set[int] = field(default_factory=set)  # pages without text the user confirmed
    afgehandeld: set[int] = field(default_factory=set)  # finding indexes dismissed or redacted
    key: str = ""  # preparation_key of what it was prepared with
    getoond: set[int] = field(default_factory=set)  # pages shown on screen
    # The document's own findings, before the professionals of the other documents of the
    # case were applied (`bevindingen` is what the review shows: see CaseState.set_review).
    eigen: list[Any] | None = None

    @property
    def niet_getoond(self) -> int:
        return len(set(range(1, self.paginas + 1)) - self.getoond)


def new_case(today: date | None = None) -> Case:
    today = today or date.today()
    casus = Casus(onderwijs="po", gemeente="den-haag", tafel="adviestafel", ot_nummer="",
                  eerste_verzuimdatum=today, aanmelddatum=today)
    return Case(casus=casus, leerling=Leerling())


TYPING_PAUSE_MS = 300


def prepare_options(case: Case, password: str | None) -> PipelineOptions:
    """The options the wizard prepares a document with (and its key is made of)."""
    return PipelineOptions(password=password,
                           bevestigd=confirmed_hashes(case))


class CaseState(QObject):
    changed = Signal()
    edited = Signal()  # every change of the case, at once, typing included
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
        self._stale_check = True
        self._pending = False
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.flush)
        self._ids: tuple[tuple, IdentifierSet | None, str] | None = None
        self._hashes: dict[tuple[str, int, int], str] = {}

    # --- loading and saving -------------------------------------------------------------

    def load(self, path: Path) -> None:
        """Read a case file; raises DossierError with the core's Dutch message."""
        case = read_case(path, bestand=path.name)
        self._replace_all(case, path.resolve())

    def start_new(self) -> None:
        self._replace_all(new_case(), None)

    def _replace_all(self, case: Case, path: Path | None) -> None:
        self._typing.stop()
        self.case, self.path = case, path
        self.passwords.clear()
        self.reviews.clear()
        self.dirty = False
        self._stale_check = True
        self._pending = False
        self.loaded.emit()
        self.changed.emit()
        self.review_changed.emit()

    def save(self, path: Path) -> None:
        path = path.resolve()
        case = replace(self.case, path=path)
        write_case_file(case, path)
        self.case, self.path, self.dirty = case, path, False
        self.changed.emit()

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    # --- changing ----------------------------------------------------------------------

    def update(self, *, typing: bool = False, **fields: Any) -> None:
        """Change the case. `typing`: a keystroke; pages hear of it after a pause."""
        new = replace(self.case, **fields)
        if new == self.case:
            return
        self.case = new
        self.dirty = True
        self._stale_check = True
        self.edited.emit()
        self._pending = True
        if typing:
            self._typing.start()
        else:
            self.flush()

    def update_casus(self, *, typing: bool = False, **fields: Any) -> None:
        self.update(casus=replace(self.case.casus, **fields), typing=typing)

    def flush(self) -> None:
        """Tell the pages now about changes that wait for a pause in typing."""
        self._typing.stop()
        if self._pending:
            self._pending = False
            self.changed.emit()

    @property
    def typing_pending(self) -> bool:
        return self._typing.isActive()

    def set_documents(self, docs: list[Document]) -> None:
        renumbered = tuple(replace(d, index=i) for i, d in enumerate(docs))
        keep = {str(d.pad) for d in renumbered}
        for key in list(self.reviews):
            if key not in keep:
                del self.reviews[key]
        self._share_professionals()  # a document gone takes its professionals along
        self.update(documenten=renumbered)
        self.review_changed.emit()

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
        if not self._stale_check:
            return
        self._stale_check = False
        try:
            self._check, self._check_error = check_case(self.case), None
        except DossierError as exc:
            self._check, self._check_error = None, exc.message

    @property
    def check(self) -> CheckResult | None:
        self._recheck()
        return self._check

    @property
    def check_error(self) -> str | None:
        self._recheck()
        return self._check_error

    # --- review ------------------------------------------------------------------------

    def set_review(self, doc: Document, review: Review) -> None:
        if review.eigen is None:
            review.eigen = list(review.bevindingen)
        self.reviews[str(doc.pad)] = review
        self._share_professionals()
        self.review_changed.emit()

    def _share_professionals(self) -> None:
        """A professional identified with the role in one document is a name to check in
        every document of the case ("Bouwman belde" in the next report). Applied to the
        reviews, not to a preparation: what one document's preparation (and its cache
        key) depends on stays that document's."""
        reviews = list(self.reviews.values())
        shared = case_wide([list(r.eigen if r.eigen is not None else r.bevindingen) for r in reviews])
        for review, found in zip(reviews, shared, strict=True):
            review.bevindingen = found  # same findings, same order: indexes stay valid

    def review_for(self, doc: Document) -> Review | None:
        return self.reviews.get(str(doc.pad))

    def identifiers(self) -> tuple[IdentifierSet | None, str]:
        """The case's identifiers (compiled once per set of names), or the Dutch reason
        there are none."""
        c = self.case
        basis = (c.leerling, c.personen, c.extra_termen)
        if self._ids is None or self._ids[0] != basis:
            try:
                self._ids = (basis, identifiers_for_case(c), "")
            except DossierError as exc:
                self._ids = (basis, None, exc.message)
        return self._ids[1], self._ids[2]

    def _content_hash(self, pad: Path) -> str:
        try:
            st = pad.stat()
        except OSError:
            return ""
        key = (str(pad), st.st_mtime_ns, st.st_size)
        if key not in self._hashes:
            try:
                self._hashes[key] = file_sha256(pad)
            except OSError:
                return ""
        return self._hashes[key]

    def preparation_key(self, doc: Document) -> str:
        """The key a preparation of `doc` made now would have ("" if it cannot be made)."""
        ids, _reason = self.identifiers()
        content = self._content_hash(doc.pad)
        if ids is None or not content:
            return ""
        options = prepare_options(self.case, self.passwords.get(str(doc.pad)))
        return preparation_key(doc, ids, options, content, for_review=True)

    def is_stale(self, doc: Document) -> bool:
        """Prepared with other data than the case now holds: "verouderd"."""
        review = self.review_for(doc)
        return review is not None and review.key != self.preparation_key(doc)

    def stale_documents(self) -> list[Document]:
        return [d for d in self.documents_in_bundle() if self.is_stale(d)]

    def documents_in_bundle(self) -> list[Document]:
        """The files the build will process: present components, files that exist."""
        result = self.check
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
            if self.is_stale(doc):
                out.append(f"{doc.bestand}: verouderd (de gegevens zijn gewijzigd); wordt opnieuw "
                           "voorbereid, bekijk het daarna")
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
