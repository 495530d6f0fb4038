"""Blank forms the routeboek asks for, each rendered from one definition in `forms/*.toml`.

`dossier formulier NAAM -o FILE.docx` writes one; the routeboek names them in a
component's `formulier = "..."`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dossier_app.fileio import atomic_output, check_output
from dossier_app.forms.loader import (
    FormError,
    UnknownFormError,
    all_forms,
    form_names,
    forms_dir,
    load_form,
    parse_form,
    read_form,
)
from dossier_app.forms.model import Formulier
from dossier_app.forms.render import render_form
from dossier_app.rules import RuleSet, default_rulesets, ruleset_by_id


def routeboek_versie(form: Formulier, sets: Sequence[RuleSet] | None = None) -> str:
    """The version(s) of the routeboek the form implements, for its footer."""
    sets = sets if sets is not None else default_rulesets()
    found = [rs for rs in (ruleset_by_id(i, sets) for i in form.routeboeken) if rs is not None]
    if not found:
        raise FormError(f"Het formulier {form.naam} noemt een routeboek dat niet bestaat "
                        f"({', '.join(form.routeboeken)}).", bestand=form.bestand)
    if len(found) == 1:
        return found[0].versie
    return " en ".join(f"{rs.versie} ({rs.onderwijs.upper()})" for rs in found)


def write_form(naam: str, out: Path, *, force: bool = False) -> Formulier:
    """Write the blank form `naam` to `out` (.docx), atomically; refuses to overwrite without force."""
    form = load_form(naam)
    check_output(out, force=force)
    doc = render_form(form, routeboek_versie(form))
    with atomic_output(out) as tmp:
        doc.save(str(tmp))
    return form


__all__ = [
    "FormError", "Formulier", "UnknownFormError", "all_forms", "form_names", "forms_dir",
    "load_form", "parse_form", "read_form", "render_form", "routeboek_versie", "write_form",
]
