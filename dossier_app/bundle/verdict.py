"""What the loket will say of a bundle, in the words the school reads after a build.

The build runs the loket's own check (`verify_bundle`) over the bundle it made, so the
school sees before upload what the loket will see: the same verdict, the same count, and
for the CLI the same exit code as `dossier verify` on that file.
"""

from __future__ import annotations

from dataclasses import dataclass

from dossier_app.bundle.verify import VerifyReport
from dossier_app.taal import aantal

ONBEOORDEELD = "MOGELIJK_PERSOONSGEGEVEN"


@dataclass(frozen=True)
class LoketOordeel:
    ok: bool
    kop: str  # one line
    regels: tuple[str, ...]  # what is wrong and what to do
    onbeoordeeld: int = 0  # possible personal data nobody judged ("Lakken" or "Laten staan")


def loket_oordeel(report: VerifyReport) -> LoketOordeel:
    if report.ok:
        return LoketOordeel(True, "Het loket ziet deze bundel als in orde: compleet, ongewijzigd en "
                            "zonder gevonden persoonsgegevens.", ())
    problemen = report.problemen
    open_items = [m for m in problemen if m.code == ONBEOORDEELD]
    overig = [m for m in problemen if m.code != ONBEOORDEELD]
    kop = (f"Let op: het loket zal deze bundel afkeuren ({aantal(len(problemen), 'probleem', 'problemen')}"
           "). Los dit op en maak de bundel opnieuw voordat u hem uploadt.")
    regels = []
    if open_items:
        wat = aantal(len(open_items), "mogelijk persoonsgegeven is", "mogelijke persoonsgegevens zijn")
        regels.append(f"- {wat} nog niet beoordeeld. Kies bij Controleren per gegeven 'Lakken' of "
                      "'Laten staan'.")
    regels += [f"- {m.tekst}" for m in overig]
    return LoketOordeel(False, kop, tuple(regels), len(open_items))
