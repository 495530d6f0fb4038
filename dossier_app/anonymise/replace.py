"""Replace what a Finder found in plain text by its pseudonym label."""

from __future__ import annotations

from dossier_app.anonymise.hits import Finder, Hit


def replace_hits(text: str, hits: list[Hit]) -> str:
    out, pos = [], 0
    for hit in sorted(hits, key=lambda h: h.start):
        if hit.start < pos:  # overlapping hits: the earlier one already covers this text
            continue
        out.append(text[pos:hit.start])
        out.append(hit.label)
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)


def anonymise_text(text: str, finder: Finder) -> str:
    return replace_hits(text, finder(text)) if text else text
