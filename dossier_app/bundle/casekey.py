"""How the bundle names the pupil: OT-nummer and initials, never a name."""

from __future__ import annotations

from dossier_app.case_model import Leerling

TUSSENVOEGSELS = {"van", "der", "den", "de", "het", "ter", "ten", "te", "el", "al", "la", "le",
                  "du", "da", "di", "op", "in", "'t", "v.d.", "vd"}


def initialen(leerling: Leerling) -> str:
    """'Noor Aaliyah' + 'el Amrani' -> 'N.A.A.': first names, then the surname's main part."""
    voornamen = leerling.voornamen or leerling.roepnaam
    letters = [part[0].upper() for part in voornamen.split() if part]
    main = [p for p in leerling.achternaam.replace("-", " ").split() if p.lower() not in TUSSENVOEGSELS]
    if main:
        letters.append(main[0][0].upper())
    return "".join(f"{letter}." for letter in letters)


def case_key(ot_nummer: str, leerling: Leerling) -> str:
    ini = initialen(leerling)
    return f"{ot_nummer} · {ini}" if ini else ot_nummer
