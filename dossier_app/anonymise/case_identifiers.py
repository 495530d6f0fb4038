"""The identifiers of a case, compiled once; refuses to go on without them (fail closed)."""

from __future__ import annotations

from collections.abc import Sequence

from dossier_app.anonymise.identifiers import IdentifierSet, build_identifiers
from dossier_app.case_model import Case
from dossier_app.errors import InputError


def identifiers_for_case(case: Case, extra_terms: Sequence[str] = ()) -> IdentifierSet:
    lr = case.leerling
    if not lr.achternaam or not (lr.voornamen or lr.roepnaam):
        shown = case.path.name if case.path else "het casusbestand"
        raise InputError(
            f"In {shown} ontbreken de naamgegevens van de leerling ([leerling] voornamen en "
            "achternaam). Zonder die gegevens kan Tafeldossier niet controleren of de stukken "
            "geanonimiseerd zijn, en schrijft het niets. Vul ze in; ze komen nooit in de bundel.",
            bestand=shown, code="LEERLING_ONVOLLEDIG")
    return build_identifiers(lr, case.personen, [*case.extra_termen, *extra_terms])
