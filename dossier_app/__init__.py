"""Tafeldossier: dossiers for the tafels of the Routeboek verzuim en thuiszitters."""

from __future__ import annotations

import os
from functools import cache

# numpy, which deduce's docdeid imports for one small array helper, loads OpenBLAS, and
# OpenBLAS starts a thread per core when it loads: each commits its own buffer (~40 MB) and
# spins for a while on a core the product needs (measured here with 2 cores: import CPU
# 0.17-0.24 s against 0.10-0.16 s with one thread, 88 against 48 MB committed; numpy issue
# 29193 shows far more on many cores). Nothing in the product does linear algebra. Set
# before anything imports numpy, in every process (spawned workers inherit it); a value
# the user set stays.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


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
