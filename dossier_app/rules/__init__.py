"""The routeboek model: which tafel, which components, complete, on time."""

from dossier_app.rules.loader import RoutebookError, default_rulesets, load_rulesets
from dossier_app.rules.model import Onderdeel, RuleSet, Tafel, Venster, Voorwaarde
from dossier_app.rules.select import ruleset_by_id, ruleset_for

__all__ = [
    "Onderdeel", "RoutebookError", "RuleSet", "Tafel", "Venster", "Voorwaarde",
    "default_rulesets", "load_rulesets", "ruleset_by_id", "ruleset_for",
]
