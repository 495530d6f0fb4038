"""Tafeldossier: dossiers for the tafels of the Routeboek verzuim en thuiszitters."""

from __future__ import annotations

from functools import cache


@cache
def _version() -> str:
    # importlib.metadata costs ~40 ms of every start: read only when the version is asked for
    from importlib import metadata

    try:
        return metadata.version("tafeldossier")
    except metadata.PackageNotFoundError:  # running from a source tree without install
        return "0.0.0+bron"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
