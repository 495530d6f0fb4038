"""Frozen entry point of the windowed program `dossier-app` (see tafeldossier.spec)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # see entry_dossier.py
    from running import hold_running_mutex

    hold_running_mutex()
    from dossier_app.ui.app import main

    sys.exit(main())
