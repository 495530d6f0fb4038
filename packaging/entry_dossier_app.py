"""Frozen entry point of the windowed program `dossier-app` (see tafeldossier.spec)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # see entry_dossier.py
    from dossier_app.ui.app import main

    sys.exit(main())
