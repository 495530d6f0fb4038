"""Frozen entry point of the console program `dossier` (see tafeldossier.spec)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # Nothing in Tafeldossier uses multiprocessing today; this keeps a frozen build safe
    # if a dependency ever does (a child would otherwise start the whole program again).
    multiprocessing.freeze_support()
    from dossier_app.cli import main

    sys.exit(main())
