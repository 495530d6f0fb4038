"""The flagger's answer for a page text it has read before.

`flag_personal_data(text)` depends only on the text, the detection code and its word lists,
the name detector's version and today's date (a date 3-25 years back may be a birth date).
A rebuild after editing the voorblad hands the loket's check the same page texts again:
the answers come from a `Memo` (sealed, keyed) under a name made of exactly those inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, fields
from datetime import date
from functools import cache

from dossier_app.anonymise.detect import Finding, name_detector_failures
from dossier_app.store.memo import Memo, code_fingerprint

_FIELDS = frozenset(f.name for f in fields(Finding))


class MemoisedFlagger:
    def __init__(self, flag: Callable[[str], list[Finding]], memo: Memo,
                 today: date | None = None) -> None:
        self._flag = flag
        self._memo = memo
        self._today = (today or date.today()).isoformat()

    def __call__(self, text: str) -> list[Finding]:
        name = self._memo.name(["flag", code_fingerprint(), _detector_version(), self._today, text])
        stored = self._memo.get(name)
        found = _findings(stored)
        if found is None:
            failures = name_detector_failures()
            found = self._flag(text)
            if name_detector_failures() == failures:  # an answer made without a detector is not kept
                self._memo.put(name, [asdict(f) for f in found])
        return found


def _findings(stored: object) -> list[Finding] | None:
    if not isinstance(stored, list):
        return None
    out: list[Finding] = []
    for item in stored:  # sealed by us, so well-formed; a finding of another shape is a miss
        if not (isinstance(item, dict) and set(item) == _FIELDS):
            return None
        out.append(Finding(**item))
    return out


@cache
def _detector_version() -> str:
    try:
        import deduce
    except ImportError:
        return "zonder-deduce"
    return f"deduce-{deduce.__version__}"
