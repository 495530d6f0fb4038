"""Export and import a case between colleagues as one `.tafeldossier` file.

File format:
    b"TDX1" | 4-byte big-endian header length | header (JSON) | vault blob
The header holds the scrypt parameters, the salt and a verifier (a known text sealed
with the derived key) so a wrong passphrase gives its own message. The vault blob
(AES-256-GCM, the header as associated data) holds:
    8-byte length | JSON {"casus": case-file text, "documenten": [...]} | document bytes
Document names inside are `stukken/<n>-<onderdeel><ext>`: an original name may hold
the pupil's name and would otherwise end up as a file name on the colleague's disk."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from dossier_app.case import read_case
from dossier_app.case_model import Case
from dossier_app.casefile_writer import case_to_dict
from dossier_app.errors import InputError, UsageError
from dossier_app.fileio import check_output
from dossier_app.logs import get_logger
from dossier_app.store import passphrase as pp
from dossier_app.store.drafts import atomic_write
from dossier_app.store.vault import VaultError, open_sealed, seal

MAGIC = b"TDX1"
EXTENSION = ".tafeldossier"
_VERIFIER = b"tafeldossier-export-ok"
_VERIFIER_AAD = b"tafeldossier-export-verifier-v1"
log = get_logger("transfer")


class DamagedExportError(InputError):
    def __init__(self, bestand: str) -> None:
        super().__init__(f"Het bestand {bestand} is geen Tafeldossier-export, of het is beschadigd "
                         "of gewijzigd. Vraag uw collega het opnieuw te sturen.", bestand=bestand,
                         code="EXPORT_BESCHADIGD")


@dataclass(frozen=True)
class _Entry:
    naam: str
    data: bytes


def _entries(case: Case) -> list[_Entry]:
    out = []
    for n, doc in enumerate(case.documenten, start=1):
        try:
            data = doc.pad.read_bytes()
        except OSError as exc:
            raise InputError(f"Het document {doc.bestand} kan niet worden gelezen. Zet het terug of "
                             "haal het uit de casus en exporteer opnieuw.", bestand=doc.bestand) from exc
        out.append(_Entry(f"stukken/{n}-{doc.onderdeel}{doc.pad.suffix.lower()}", data))
    return out


def _payload(case: Case, entries: list[_Entry]) -> bytes:
    import tomli_w

    data = case_to_dict(case, case.folder)
    for item, entry in zip(data.get("documenten", []), entries, strict=True):
        item["bestand"] = entry.naam
    index = {"versie": 1, "casus": tomli_w.dumps(data, multiline_strings=True),
             "documenten": [{"naam": e.naam, "grootte": len(e.data)} for e in entries]}
    head = json.dumps(index, ensure_ascii=False).encode()
    return len(head).to_bytes(8, "big") + head + b"".join(e.data for e in entries)


def _header(key: bytes, params: pp.KdfParams) -> bytes:
    verifier = base64.b64encode(seal(key, _VERIFIER, _VERIFIER_AAD)).decode("ascii")
    return json.dumps({"versie": 1, "kdf": "scrypt", **params.as_dict(), "controle": verifier}).encode()


def export_case(case: Case, out: Path, passphrase: str, *, force: bool = False,
                base: pp.KdfParams | None = None) -> None:
    """Seal the case and copies of its documents into `out` with the passphrase."""
    pp.check_strength(passphrase)
    check_output(out, force=force)
    params = pp.new_params(base)
    key = pp.derive_key(passphrase, params)
    header = _header(key, params)
    blob = seal(key, _payload(case, _entries(case)), MAGIC + header)
    atomic_write(out, MAGIC + len(header).to_bytes(4, "big") + header + blob)
    log.info("export: %d documenten", len(case.documenten))


# --- import --------------------------------------------------------------------------------

def _split(raw: bytes, shown: str) -> tuple[bytes, bytes]:
    if not raw.startswith(MAGIC) or len(raw) < 8:
        raise DamagedExportError(shown)
    size = int.from_bytes(raw[4:8], "big")
    if size > 64_000 or len(raw) < 8 + size:
        raise DamagedExportError(shown)
    return raw[8:8 + size], raw[8 + size:]


def _key_for(header: bytes, passphrase: str, shown: str) -> bytes:
    try:
        data = json.loads(header)
        verifier = base64.b64decode(data["controle"])
    except (ValueError, KeyError, TypeError) as exc:
        raise DamagedExportError(shown) from exc
    try:
        params = pp.params_from_dict(data)
    except InputError as exc:
        raise DamagedExportError(shown) from exc
    key = pp.derive_key(passphrase, params)
    try:
        open_sealed(key, verifier, _VERIFIER_AAD)
    except VaultError as exc:
        raise pp.WrongPassphraseError() from exc
    return key


def _unpack(payload: bytes, shown: str) -> tuple[str, list[_Entry]]:
    try:
        size = int.from_bytes(payload[:8], "big")
        index = json.loads(payload[8:8 + size])
        pos, entries = 8 + size, []
        for item in index["documenten"]:
            naam, grootte = str(item["naam"]), int(item["grootte"])
            entries.append(_Entry(naam, payload[pos:pos + grootte]))
            pos += grootte
        return str(index["casus"]), entries
    except (ValueError, KeyError, TypeError) as exc:
        raise DamagedExportError(shown) from exc


def _safe_target(folder: Path, naam: str, shown: str) -> Path:
    target = (folder / naam).resolve()
    if not naam.startswith("stukken/") or folder.resolve() not in target.parents:
        raise DamagedExportError(shown)
    return target


def _check_target(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"De map {folder} bestaat al en is niet leeg. Kies een nieuwe map voor de "
                         "geïmporteerde casus.")
    if not folder.parent.is_dir():
        raise InputError(f"De map {folder.parent} bestaat niet. Maak de map eerst aan of kies een "
                         "andere plek.", bestand=str(folder.parent), code="MAP_ONTBREEKT")


def import_case(src: Path, folder: Path, passphrase: str) -> Path:
    """Unpack an export into a new folder: casus.toml and stukken/; returns the case file."""
    shown = src.name
    _check_target(folder)
    try:
        raw = src.read_bytes()
    except OSError as exc:
        raise InputError(f"Het bestand {shown} kan niet worden gelezen ({exc.strerror}).",
                         bestand=shown) from exc
    header, blob = _split(raw, shown)
    key = _key_for(header, passphrase, shown)
    try:
        payload = open_sealed(key, blob, MAGIC + header)
    except VaultError as exc:
        raise DamagedExportError(shown) from exc
    text, entries = _unpack(payload, shown)
    return _write_import(folder, text, entries, shown)


def _check_documents(folder: Path, text: str, entries: list[_Entry], shown: str) -> None:
    """Every document of the imported case is one of the files in the export, relative to the
    new folder: a path from the sender's disk (or any other) would make a later build pull
    that file from this computer into the bundle."""
    from dossier_app.case import leaves_folder, parse_case

    names = {e.naam for e in entries}
    case = parse_case(text, path=folder / "casus.toml", bestand="casus.toml")
    for doc in case.documenten:
        if leaves_folder(doc.bestand, folder) or doc.bestand not in names:
            raise InputError(f"Het bestand {shown} verwijst naar een document buiten de export "
                             f"(document {doc.index + 1}). Tafeldossier importeert alleen casussen "
                             "waarvan alle documenten in de export zitten. Vraag uw collega de casus "
                             "opnieuw te exporteren.", bestand=shown, code="EXPORT_PAD_BUITEN_MAP")


def _write_import(folder: Path, text: str, entries: list[_Entry], shown: str) -> Path:
    _check_documents(folder, text, entries, shown)
    (folder / "stukken").mkdir(parents=True, exist_ok=True, mode=0o700)
    for entry in entries:
        atomic_write(_safe_target(folder, entry.naam, shown), entry.data)
    case_file = folder / "casus.toml"
    header = ("# Casusbestand van Tafeldossier (schema 1), geïmporteerd.\n"
              "# Bevat gegevens van de leerling: bewaar het alleen op deze computer.\n")
    atomic_write(case_file, (header + text).encode("utf-8"))
    read_case(case_file, bestand="casus.toml")  # prove it reads back
    log.info("import: %d documenten", len(entries))
    if os.name != "nt":
        os.chmod(folder, 0o700)
    return case_file
