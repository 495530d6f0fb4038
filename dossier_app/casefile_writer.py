"""Write a Case as a case file, schema 1 (see docs/casusbestand.md). Pure Python, no Qt.

`case_to_toml(case, folder)` gives the text; document paths are written relative to
`folder` (the case file's folder) when the file lies inside it, else as absolute paths.
`parse_case(case_to_toml(case), path=...)` gives the same case back.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import tomli_w

from dossier_app.case_model import Case, Casus, Document, Leerling, Persoon
from dossier_app.fileio import atomic_write_bytes

SCHEMA = 1


def _drop_empty(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, "")}


def _casus(c: Casus) -> dict[str, Any]:
    out: dict[str, Any] = {"onderwijs": c.onderwijs, "gemeente": c.gemeente, "tafel": c.tafel}
    if c.spoor is not None:
        out["spoor"] = c.spoor
    out["ot_nummer"] = c.ot_nummer
    out["eerste_verzuimdatum"] = c.eerste_verzuimdatum
    if c.aanmelddatum_gegeven:
        out["aanmelddatum"] = c.aanmelddatum
    out["smw_betrokken"] = c.smw_betrokken
    out["herplaatsing_vanuit_onderbouw"] = c.herplaatsing_vanuit_onderbouw
    if c.benaderde_scholen is not None:
        out["benaderde_scholen"] = c.benaderde_scholen
    if c.mdo:
        out["mdo"] = [{"datum": m.datum, "deelnemers": list(m.deelnemers)} for m in c.mdo]
    return out


def _leerling(lr: Leerling) -> dict[str, Any]:
    return _drop_empty({"voornamen": lr.voornamen, "roepnaam": lr.roepnaam,
                        "achternaam": lr.achternaam, "geboortedatum": lr.geboortedatum,
                        "bsn": lr.bsn, "adres": lr.adres, "postcode": lr.postcode,
                        "woonplaats": lr.woonplaats})


def _persoon(p: Persoon) -> dict[str, Any]:
    return {"rol": p.rol, "naam": p.naam, **_drop_empty({
        "telefoon": p.telefoon, "email": p.email, "adres": p.adres, "postcode": p.postcode,
        "geboortedatum": p.geboortedatum})}


def document_bestand(pad: Path, folder: Path) -> str:
    """How a document's path is written: relative (with /) inside `folder`, else absolute."""
    pad = Path(os.path.abspath(pad))
    try:
        return pad.relative_to(Path(os.path.abspath(folder))).as_posix()
    except ValueError:
        return str(pad)


def _document(d: Document, folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"onderdeel": d.onderdeel, "bestand": document_bestand(d.pad, folder)}
    if d.lakken:
        out["lakken"] = [{"pagina": v.pagina, "x": float(v.x), "y": float(v.y),
                          "breedte": float(v.breedte), "hoogte": float(v.hoogte)} for v in d.lakken]
    return out


def case_to_dict(case: Case, folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = {"schema": SCHEMA, "casus": _casus(case.casus)}
    leerling = _leerling(case.leerling)
    if leerling:
        data["leerling"] = leerling
    if case.personen:
        data["personen"] = [_persoon(p) for p in case.personen]
    if case.documenten:
        data["documenten"] = [_document(d, folder) for d in case.documenten]
    if case.voorblad is not None:
        vb = case.voorblad
        data["voorblad"] = {"samenvatting": vb.samenvatting, "hoofdvraag": vb.hoofdvraag,
                            "aanbod": vb.aanbod, "aanbod_voorhanden": vb.aanbod_voorhanden,
                            "waarom_niet": vb.waarom_niet, "wat_nodig": vb.wat_nodig}
    if case.offerte:
        data["offerte"] = {"regels": [{"soort": r.soort, "omschrijving": r.omschrijving,
                                       "bedrag": float(r.bedrag)} for r in case.offerte]}
    anonimiseren = {key: list(getattr(case, key)) for key in ("extra_termen", "geen_persoonsgegeven")
                    if getattr(case, key, ())}  # newer core: [anonimiseren]
    if anonimiseren:
        data["anonimiseren"] = anonimiseren
    for key, value in case.extra.items():
        data.setdefault(key, value)
    return data


def case_to_toml(case: Case, folder: Path) -> str:
    header = ("# Casusbestand van Tafeldossier (schema 1), zie docs/casusbestand.md.\n"
              "# Bevat gegevens van de leerling: bewaar het alleen op deze computer.\n")
    return header + tomli_w.dumps(case_to_dict(case, folder), multiline_strings=True)


def write_case_file(case: Case, path: Path) -> None:
    """Write atomically: a half-written case file must never replace a good one."""
    atomic_write_bytes(path, case_to_toml(case, path.parent).encode("utf-8"))
