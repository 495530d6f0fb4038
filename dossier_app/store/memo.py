"""Results of costly, pure checks kept between runs: sealed, under a keyed name.

A rebuild after editing only the voorblad makes a bundle whose other pages are the same
as before. The loket's flagger reads the same page texts again and the gate's OCR the
same page images again; both results depend only on what they read and on the code that
reads it. This store keeps such results by a name that is an HMAC (with the document
cache's key from the keyring) of everything they depend on, so a name reveals nothing and
cannot be guessed from a page; the content is sealed with the same key (AES-GCM, the name
as associated data). Without a usable keyring there is no memo and nothing is stored.

A memo is only as sound as its name: callers put into it every input the result depends
on, including `code_fingerprint()` (the detection code and its word lists), so a changed
program never reads an old answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from dossier_app.fileio import atomic_write_bytes
from dossier_app.store.vault import VaultError, open_sealed, seal

MAX_AGE_S = 30 * 24 * 3600
_AAD = b"tafeldossier-memo-v1:"
# The data folder's cache folders that hold results made from a pupil's documents: the
# processed documents (bundle/cache.py) and this memo. "Casus verwijderen" empties them.
DOCUMENT_CACHE = "documenten"
CHECKS_MEMO = "controles"


def clear_caches() -> None:
    """Remove every sealed result made from documents (both folders above). Their names
    do not say which case they belong to, so all go: they only ever save time."""
    from dossier_app.logs import data_dir

    for kind in (DOCUMENT_CACHE, CHECKS_MEMO):
        for path in (data_dir() / "cache" / kind).glob("*.bin"):
            path.unlink(missing_ok=True)
    _RECENT.clear()


class _Recent:
    """The values this process read from or wrote to a memo lately, unsealed, by their
    file and the key that sealed it, each with the signature of its file (device, inode,
    size, modification time in ns).

    A rebuild's checks run in worker processes that stay between builds, and read the same
    few hundred entries each time: a read from disk costs ~60 µs (opening the file,
    unsealing it), one from here a `stat` and the JSON. A remembered value is only given
    while its file is there with that signature: an entry removed ("Casus verwijderen",
    pruned) or rewritten (damaged, replaced) is read from disk again, or not at all, as
    without this. At most MAX_BYTES are kept; the least recently used go first."""

    MAX_BYTES = 16 * 1024 * 1024

    def __init__(self) -> None:
        self._values: OrderedDict[tuple[str, bytes], tuple[tuple[int, int, int, int], bytes]] = \
            OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def recall(self, path: str, key: bytes) -> bytes | None:
        with self._lock:
            known = self._values.get((path, key))
            if known is None:
                return None
            self._values.move_to_end((path, key))
        try:
            if _signature(os.stat(path)) == known[0]:
                return known[1]
        except OSError:
            pass
        self.forget(path, key)
        return None

    def keep(self, path: str, key: bytes, plain: bytes,
             signature: tuple[int, int, int, int] | None = None) -> None:
        """`signature`: of the very file `plain` was read from (its open handle's); else
        the file's now, just after writing it (a value under one name is the same whoever
        writes it: the name holds everything it depends on)."""
        if len(plain) > self.MAX_BYTES // 16:
            return  # a rare large value (a scan's OCR words) is not worth the room
        if signature is None:
            try:
                signature = _signature(os.stat(path))
            except OSError:
                return
        with self._lock:
            old = self._values.pop((path, key), None)
            if old is not None:
                self._size -= len(old[1])
            self._values[(path, key)] = (signature, plain)
            self._size += len(plain)
            while self._size > self.MAX_BYTES:
                _, (_, dropped) = self._values.popitem(last=False)
                self._size -= len(dropped)

    def forget(self, path: str, key: bytes) -> None:
        with self._lock:
            old = self._values.pop((path, key), None)
            if old is not None:
                self._size -= len(old[1])

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._size = 0

    @property
    def size(self) -> int:
        return self._size


def _signature(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


_RECENT = _Recent()


class Memo:
    """One folder of sealed JSON values. Picklable (a spawned worker gets the key with it:
    the worker cannot ask a keyring that lives only in the parent process)."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self.key = key
        self._prefix = os.path.join(folder, "")  # the entries' paths, without pathlib per read

    @classmethod
    def open_default(cls, kind: str, key: bytes | None = None) -> Memo | None:
        """The memo of `kind` in the data folder, sealed with the document cache's key:
        `key` when the caller asked the keyring for it already (once per build), else asked
        here. None without a usable keyring."""
        from dossier_app.logs import data_dir
        from dossier_app.store.keys import get_or_create_key

        key = key or get_or_create_key("document-cache")
        if key is None:
            return None
        folder = data_dir() / "cache" / kind
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            return None
        return cls(folder, key)

    def name(self, parts: Iterable[bytes | str]) -> str:
        mac = hmac.new(self.key, digestmod=hashlib.sha256)
        for part in parts:
            data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
            mac.update(len(data).to_bytes(8, "big") + data)  # length-prefixed: unambiguous
        return mac.hexdigest()

    def get(self, name: str) -> Any | None:
        path = f"{self._prefix}{name}.bin"
        plain = _RECENT.recall(path, self.key)
        if plain is None:
            try:
                with open(path, "rb") as fh:
                    signature = _signature(os.fstat(fh.fileno()))
                    blob = fh.read()
                plain = open_sealed(self.key, blob, _AAD + name.encode())
            except (OSError, VaultError):
                return None
            _RECENT.keep(path, self.key, plain, signature)
        try:
            return json.loads(plain)
        except ValueError:
            return None

    def put(self, name: str, value: Any, *, keep: bool = True) -> None:
        """`keep=False`: not into this process's memory (a value written for another
        process to read, as `commit` does in the window's process for the gate's worker)."""
        data = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
        path = f"{self._prefix}{name}.bin"
        # Not synced to disk (a first build writes hundreds; on Windows each sync costs
        # milliseconds): an entry lost in a power cut, or cut short (its seal then fails),
        # only costs time next run, as does one not written at all.
        try:
            atomic_write_bytes(Path(path), seal(self.key, data, _AAD + name.encode()), durable=False)
        except OSError:
            return
        if keep:
            _RECENT.keep(path, self.key, data)

    def forget(self, name: str) -> None:
        """Remove one entry (from disk and from this process's memory)."""
        path = f"{self._prefix}{name}.bin"
        _RECENT.forget(path, self.key)
        with contextlib.suppress(OSError):
            os.unlink(path)

    def prune(self, now: float | None = None) -> None:
        prune_folder(self.folder, MAX_AGE_S, now)


class PendingMemo(Memo):
    """A memo whose new entries wait: `get` reads `memo` (and what this one was given),
    `put` only collects (`entries`) until the caller writes them with `commit`, once it
    knows they are sound. Picklable like Memo: a worker sends its entries back."""

    def __init__(self, memo: Memo) -> None:
        super().__init__(memo.folder, memo.key)
        self.entries: dict[str, Any] = {}

    def get(self, name: str) -> Any | None:
        return self.entries[name] if name in self.entries else super().get(name)

    def put(self, name: str, value: Any, *, keep: bool = True) -> None:
        self.entries[name] = value


def commit(memo: Memo, entries: dict[str, Any]) -> None:
    """Write what a PendingMemo collected (its `entries`) to `memo`: for the process that
    made them (the gate's worker), which reads them again from disk, not for this one."""
    for name, value in entries.items():
        memo.put(name, value, keep=False)


PRUNE_EVERY_S = 12 * 3600  # a folder is looked through for old entries at most this often
_PRUNED = ".opgeschoond"  # its time says when the folder was last looked through


def prune_folder(folder: Path, max_age_s: float, now: float | None = None) -> None:
    """Remove the sealed entries (*.bin) of `folder` not written for longer than
    `max_age_s`. At most once per PRUNE_EVERY_S: looking through a folder of ten thousand
    entries took 0.09 s, on every build."""
    now = now or time.time()
    marker = folder / _PRUNED
    try:
        if now - marker.stat().st_mtime < PRUNE_EVERY_S:
            return
    except OSError:
        pass  # never looked through
    for path in folder.glob("*.bin"):
        try:
            if now - path.stat().st_mtime > max_age_s:
                path.unlink()
        except OSError:
            continue
    with contextlib.suppress(OSError):
        marker.touch()
        os.utime(marker, (now, now))


@cache
def code_fingerprint() -> str:
    """SHA-256 over the product version, the program's source (all of dossier_app: the
    detectors use dates, folding and word lists from outside anonymise/ too) and the word
    lists in resources/detect. In a frozen build without sources the version and the word
    lists (a release changes the version). Read once per process."""
    from dossier_app import __version__
    from dossier_app.paths import resources_dir

    h = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent.parent
    for folder in (package, resources_dir() / "detect"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".py", ".txt", ".toml", ".json"}:
                h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
