"""Frozen entry point of the console program `dossier` (see tafeldossier.spec)."""

import multiprocessing

if __name__ == "__main__":
    # A build spawns worker processes (documents, the flagger beside a long document's
    # redaction): in a frozen program each child starts this script again, and
    # freeze_support() makes it run the worker instead of the whole program.
    multiprocessing.freeze_support()
    from running import hold_running_mutex

    hold_running_mutex()
    from dossier_app.cli import run

    run()
