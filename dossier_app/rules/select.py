"""Pick the rule set in force for an onderwijs on a date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dossier_app.errors import IncompleteError
from dossier_app.rules.loader import default_rulesets
from dossier_app.rules.model import RuleSet
from dossier_app.rules.terms import ONDERWIJS


def ruleset_for(onderwijs: str, datum: date, sets: Sequence[RuleSet] | None = None) -> RuleSet:
    sets = sets if sets is not None else default_rulesets()
    for ruleset in sets:
        if ruleset.onderwijs == onderwijs and ruleset.geldig_op(datum):
            return ruleset
    eerste = min((s.geldig_vanaf for s in sets if s.onderwijs == onderwijs), default=None)
    vanaf = f" De oudste regels gelden vanaf {eerste.isoformat()}." if eerste else ""
    raise IncompleteError(
        f"Er is geen routeboek voor het {ONDERWIJS.get(onderwijs, onderwijs)} dat geldt op "
        f"{datum.isoformat()}.{vanaf} Controleer de aanmelddatum in de casus."
    )


def ruleset_by_id(ruleset_id: str, sets: Sequence[RuleSet] | None = None) -> RuleSet | None:
    sets = sets if sets is not None else default_rulesets()
    return next((s for s in sets if s.id == ruleset_id), None)
