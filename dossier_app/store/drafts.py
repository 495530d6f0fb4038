"""Drafts: the case being edited and copies of its documents, sealed, in the data folder.

Layout (every name random or fixed, never derived from the case):

    <data>/concepten/
        wachtwoordzin.json          only when no keyring is usable (salt, scrypt cost, verifier)
        <32 hex>/                   one draft
            case.bin                the Case (JSON, see casecodec) + the list of document copies
            meta.bin                what the list shows: OT-nummer, tafel, dates; never a name
            doc-<16 hex>.bin        one document copy, written once, never changed

Crash safety without a journal: a document copy is written (temp file, fsync, rename)
before the case.bin that refers to it, and case.bin is replaced atomically; copies
that the current case.bin no longer names are removed only after that replacement. So
at every moment case.bin is a complete version whose copies all exist. A new draft is
prepared in `.nieuw-<id>-<pid>` and renamed into place when complete. Every blob is
sealed with AES-256-GCM bound to its draft and name, so blobs cannot be swapped.
"""

from __future__ import annotations

import builtins
import json
import os
import secrets
import shutil
import sys
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from dossier_app.case_model import Case, Document
from dossier_app.errors import DossierError, InputError
from dossier_app.fileio import atomic_write_bytes, fsync_dir
from dossier_app.logs import data_dir, get_logger
from dossier_app.store import passphrase as passphrase_mod
from dossier_app.store.casecodec import case_from_json, case_to_json
from dossier_app.store.keys import get_or_create_key
from dossier_app.store.memo import clear_caches
from dossier_app.store.vault import VaultError, open_sealed, seal
from dossier_app.store.workdir import _pid_alive

KEY_NAME = "concepten"
RETENTION_DAYS = 90
_AAD = b"tafeldossier-concept-v1:"
_CASE, _META = "case.bin", "meta.bin"
log = get_logger("drafts")


class DraftDamagedError(InputError):
    def __init__(self) -> None:
        super().__init__("Dit concept is beschadigd of gewijzigd en kan niet worden geopend. Uw "
                         "andere concepten zijn niet aangetast. Verwijder dit concept, of open het "
                         "casusbestand zelf als u dat nog hebt.", code="CONCEPT_BESCHADIGD")


class NoKeyringError(DossierError):
    """No secure keyring and no passphrase: nothing may be stored."""

    def __init__(self) -> None:
        super().__init__("Op deze computer is geen beveiligde sleutelbos beschikbaar (zoals "
                         "Windows Referentiebeheer). Tafeldossier bewaart concepten alleen "
                         "versleuteld. Kies een wachtwoordzin om concepten toch te bewaren, of sla "
                         "de casus zelf op als casusbestand.")


class PassphraseNeededError(DossierError):
    def __init__(self) -> None:
        super().__init__("Uw concepten zijn beveiligd met een wachtwoordzin. Vul de wachtwoordzin "
                         "in om ze te openen.")


@dataclass(frozen=True)
class DraftInfo:
    """One line of the draft list. Holds no identifier of the pupil or family."""

    id: str
    ot_nummer: str = ""
    tafel: str = ""
    aangemaakt: datetime | None = None
    gewijzigd: datetime | None = None
    gesloten: bool = True
    pid: int = 0
    beschadigd: bool = False

    @property
    def titel(self) -> str:
        when = self.gewijzigd.strftime("%d-%m-%Y %H:%M") if self.gewijzigd else "onbekend"
        if self.beschadigd:
            return f"Beschadigd concept (laatst gewijzigd {when})"
        ot = self.ot_nummer or "zonder OT-nummer"
        return f"{ot}, {self.tafel or 'geen tafel'} (laatst opgeslagen {when})"


@dataclass(frozen=True)
class DraftDocument:
    index: int
    blob: str
    bron: str  # the original path (sealed; shown to the user only)
    grootte: int
    mtime_ns: int


@dataclass(frozen=True)
class LoadedDraft:
    info: DraftInfo
    case: Case
    documenten: tuple[DraftDocument, ...]


def drafts_root() -> Path:
    return data_dir() / "concepten"


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


# --- files ---------------------------------------------------------------------------------

def atomic_write(path: Path, data: bytes) -> None:
    """Atomic and owner-only; the temporary name carries our process id so that `cleanup`
    removes only leftovers of processes that are gone."""
    atomic_write_bytes(path, data, prefix=f".{path.name}.{os.getpid()}.")


def _tmp_owner(path: Path) -> int | None:
    parts = path.name.split(".")
    try:
        return int(parts[-3])
    except (IndexError, ValueError):
        return None


def _is_id(name: str) -> bool:
    return len(name) == 32 and all(c in "0123456789abcdef" for c in name)


# --- the store -----------------------------------------------------------------------------

class DraftStore:
    def __init__(self, root: Path, key: bytes) -> None:
        self.root = root
        self.key = key
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        if sys.platform != "win32":
            os.chmod(root, 0o700)

    @classmethod
    def open_default(cls, passphrase: str | None = None) -> DraftStore:
        """The user's drafts: with the keyring's key, or a passphrase when there is none."""
        root = drafts_root()
        if passphrase_mod.is_configured(root):
            if passphrase is None:
                raise PassphraseNeededError()
            return cls(root, passphrase_mod.unlock(root, passphrase))
        key = get_or_create_key(KEY_NAME)
        if key is not None:
            return cls(root, key)
        if passphrase is None:
            raise NoKeyringError()
        return cls(root, passphrase_mod.create(root, passphrase))

    @staticmethod
    def key_mode() -> str:
        """"wachtwoordzin" (set up before), "sleutelbos" (keyring works) or "geen"."""
        from dossier_app.store.keys import keyring_available

        if passphrase_mod.is_configured(drafts_root()):
            return "wachtwoordzin"
        return "sleutelbos" if keyring_available() else "geen"

    # --- sealing ---------------------------------------------------------------------

    def _aad(self, draft_id: str, name: str) -> bytes:
        return _AAD + f"{draft_id}/{name}".encode("ascii")

    def _write(self, folder: Path, draft_id: str, name: str, data: bytes) -> None:
        atomic_write(folder / name, seal(self.key, data, self._aad(draft_id, name)))

    def _read(self, draft_id: str, name: str) -> bytes:
        try:
            blob = (self.root / draft_id / name).read_bytes()
            return open_sealed(self.key, blob, self._aad(draft_id, name))
        except (OSError, VaultError) as exc:
            raise DraftDamagedError() from exc

    # --- listing ---------------------------------------------------------------------

    def ids(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and _is_id(p.name))

    def info(self, draft_id: str) -> DraftInfo:
        try:
            meta = json.loads(self._read(draft_id, _META))
            return DraftInfo(
                id=draft_id, ot_nummer=str(meta.get("ot_nummer", "")), tafel=str(meta.get("tafel", "")),
                aangemaakt=datetime.fromisoformat(meta["aangemaakt"]),
                gewijzigd=datetime.fromisoformat(meta["gewijzigd"]),
                gesloten=bool(meta.get("gesloten", True)), pid=int(meta.get("pid", 0)))
        except (DraftDamagedError, ValueError, KeyError, TypeError):
            return DraftInfo(id=draft_id, gewijzigd=self._mtime(draft_id), beschadigd=True)

    def _mtime(self, draft_id: str) -> datetime | None:
        try:
            return datetime.fromtimestamp((self.root / draft_id).stat().st_mtime).replace(microsecond=0)
        except OSError:
            return None

    def list(self) -> builtins.list[DraftInfo]:
        """Every draft, newest first; damaged ones are listed (marked), never fatal."""
        infos = [self.info(i) for i in self.ids()]
        return sorted(infos, key=lambda d: d.gewijzigd or datetime.min, reverse=True)

    def recoverable(self) -> builtins.list[DraftInfo]:
        """Drafts whose program ended without closing them (crash, power loss)."""
        return [d for d in self.list()
                if not d.beschadigd and not d.gesloten and not _pid_alive(d.pid)]

    def expired(self, days: int = RETENTION_DAYS, now: datetime | None = None) -> builtins.list[DraftInfo]:
        limit = (now or datetime.now()) - timedelta(days=days)
        return [d for d in self.list() if d.gewijzigd is not None and d.gewijzigd < limit]

    # --- saving ----------------------------------------------------------------------

    def save(self, case: Case, draft_id: str | None = None, *, gesloten: bool = False) -> str:
        """Save a complete version of the case and its documents; returns the draft's id."""
        if draft_id is not None and (self.root / draft_id).is_dir():
            return self._save_into(self.root / draft_id, draft_id, case, gesloten)
        draft_id = draft_id if draft_id and _is_id(draft_id) else secrets.token_hex(16)
        staging = self.root / f".nieuw-{draft_id}-{os.getpid()}"
        staging.mkdir(mode=0o700)
        self._save_into(staging, draft_id, case, gesloten)
        os.replace(staging, self.root / draft_id)
        fsync_dir(self.root)
        log.info("concept aangemaakt")
        return draft_id

    def _save_into(self, folder: Path, draft_id: str, case: Case, gesloten: bool) -> str:
        previous = self._previous(draft_id)
        docs = self._copy_documents(folder, draft_id, case, previous)
        payload = {"versie": 1, "case": json.loads(case_to_json(case)),
                   "documenten": [d.__dict__ for d in docs]}
        self._write(folder, draft_id, _CASE, json.dumps(payload, ensure_ascii=False).encode())
        self._write(folder, draft_id, _META, self._meta(draft_id, case, gesloten))
        self._remove_unused(folder, {d.blob for d in docs})
        return draft_id

    def _previous(self, draft_id: str) -> dict[str, DraftDocument]:
        if not (self.root / draft_id / _CASE).exists():
            return {}
        try:
            return {d.bron: d for d in self._manifest(draft_id)}
        except DraftDamagedError:
            return {}

    def _copy_documents(self, folder: Path, draft_id: str, case: Case,
                        previous: dict[str, DraftDocument]) -> builtins.list[DraftDocument]:
        out = []
        for doc in case.documenten:
            copy = self._copy_one(folder, draft_id, doc, previous.get(str(doc.pad)))
            if copy is not None:
                out.append(copy)
        return out

    def _copy_one(self, folder: Path, draft_id: str, doc: Document,
                  before: DraftDocument | None) -> DraftDocument | None:
        try:
            st = doc.pad.stat()
        except OSError:  # the original is gone: keep the copy we have
            return replace(before, index=doc.index) if before else None
        if before and (before.grootte, before.mtime_ns) == (st.st_size, st.st_mtime_ns):
            return replace(before, index=doc.index)
        try:
            data = doc.pad.read_bytes()
        except OSError:
            return replace(before, index=doc.index) if before else None
        blob = f"doc-{secrets.token_hex(8)}.bin"
        self._write(folder, draft_id, blob, data)
        return DraftDocument(index=doc.index, blob=blob, bron=str(doc.pad), grootte=st.st_size,
                             mtime_ns=st.st_mtime_ns)

    def _meta(self, draft_id: str, case: Case, gesloten: bool) -> bytes:
        now = _now().isoformat()
        created = now
        if (self.root / draft_id / _META).exists():
            old = self.info(draft_id)
            created = old.aangemaakt.isoformat() if old.aangemaakt else now
        meta = {"versie": 1, "ot_nummer": case.casus.ot_nummer, "tafel": case.casus.tafel,
                "aangemaakt": created, "gewijzigd": now, "gesloten": gesloten, "pid": os.getpid()}
        return json.dumps(meta).encode()

    def _remove_unused(self, folder: Path, keep: set[str]) -> None:
        for path in folder.glob("doc-*.bin"):
            if path.name not in keep:
                path.unlink(missing_ok=True)

    def mark_closed(self, draft_id: str) -> None:
        """The program closed normally: do not offer this draft for recovery."""
        loaded = self.load(draft_id)
        self._write(self.root / draft_id, draft_id, _META, self._meta(draft_id, loaded.case, True))

    # --- loading ---------------------------------------------------------------------

    def _payload(self, draft_id: str) -> dict:
        try:
            payload = json.loads(self._read(draft_id, _CASE))
            if not isinstance(payload, dict) or payload.get("versie") != 1:
                raise ValueError("unknown version")
            return payload
        except (ValueError, TypeError) as exc:
            raise DraftDamagedError() from exc

    def _manifest(self, draft_id: str) -> builtins.list[DraftDocument]:
        try:
            return [DraftDocument(**d) for d in self._payload(draft_id)["documenten"]]
        except (KeyError, TypeError) as exc:
            raise DraftDamagedError() from exc

    def load(self, draft_id: str) -> LoadedDraft:
        """The draft's case; DraftDamagedError (Dutch message) when it was tampered with."""
        if not _is_id(draft_id):
            raise DraftDamagedError()
        try:
            case = case_from_json(json.dumps(self._payload(draft_id)["case"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise DraftDamagedError() from exc
        return LoadedDraft(info=self.info(draft_id), case=case,
                           documenten=tuple(self._manifest(draft_id)))

    def document_bytes(self, draft_id: str, doc: DraftDocument) -> bytes:
        return self._read(draft_id, doc.blob)

    def restore_documents(self, draft_id: str, folder: Path) -> Case:
        """Write the document copies to `folder` (the user's choice) for originals that are
        gone; returns the case pointing at files that exist."""
        loaded = self.load(draft_id)
        by_index = {d.index: d for d in loaded.documenten}
        docs = []
        for doc in loaded.case.documenten:
            copy = by_index.get(doc.index)
            if doc.pad.is_file() or copy is None:
                docs.append(doc)
                continue
            target = folder / f"stuk-{doc.index + 1}-{doc.onderdeel}{doc.pad.suffix.lower()}"
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(target, self.document_bytes(draft_id, copy))
            docs.append(replace(doc, pad=target, bestand=str(target)))
        return replace(loaded.case, documenten=tuple(docs))

    # --- deleting and cleaning up ------------------------------------------------------

    def delete(self, draft_id: str) -> None:
        """"Casus verwijderen": the draft and its document copies. A rename first, so a
        crash half-way leaves a folder that cleanup() removes, not a damaged draft."""
        if not _is_id(draft_id):
            return
        gone = self.root / f".weg-{draft_id}"
        try:
            os.replace(self.root / draft_id, gone)
        except FileNotFoundError:
            return
        shutil.rmtree(gone, ignore_errors=True)
        clear_caches()  # the prepared documents and the checks' memo, of every case
        log.info("concept verwijderd")

    def cleanup(self) -> int:
        """Remove what a crash left: temp files, half-made and half-deleted drafts."""
        removed = 0
        for path in self.root.glob(".weg-*"):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
        for path in self.root.glob(".nieuw-*"):
            pid = path.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or not _pid_alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
        for path in [*self.root.glob(".*.tmp"), *self.root.glob("*/.*.tmp")]:
            owner = _tmp_owner(path)
            if owner is None or not _pid_alive(owner):
                path.unlink(missing_ok=True)
                removed += 1
        removed += self._remove_orphans()
        if removed:
            log.info("opgeruimd na onderbreking: %d", removed)
        return removed

    def _remove_orphans(self) -> int:
        """Copies written just before a crash, never named by a case.bin."""
        removed = 0
        for info in self.list():
            if info.beschadigd or _pid_alive(info.pid):
                continue
            try:
                keep = {d.blob for d in self._manifest(info.id)}
            except DraftDamagedError:
                continue
            for path in (self.root / info.id).glob("doc-*.bin"):
                if path.name not in keep:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed
