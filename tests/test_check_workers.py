"""The build's checking workers (bundle/checker.py): kept between builds by whoever holds
them (the wizard), replaced when one died, let go on close."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from conftest import REPO
from proctools import gone_within

from dossier_app.bundle.build import BuildOptions, build_bundle
from dossier_app.bundle.checker import CheckWorkers
from dossier_app.bundle.verify import verify_bundle
from dossier_app.case import read_case
from dossier_app.processes import parallel_workers

pytestmark = pytest.mark.skipif(parallel_workers(2) < 2, reason="needs two cores for worker processes")


def _pid(pool) -> int:
    return pool.submit(os.getpid).result(timeout=120)


def test_builds_use_the_workers_they_are_given_and_leave_them_running(tmp_path: Path) -> None:
    folder = tmp_path / "casus"
    shutil.copytree(REPO / "examples" / "adviestafel-den-haag", folder)
    case = read_case(folder / "casus.toml")
    options = BuildOptions(converter="builtin", beside_window=True, force=True)
    with CheckWorkers() as workers:
        first = build_bundle(case, tmp_path / "een.pdf", options, workers=workers)
        checker, gater = workers.checker(), workers.gater()
        assert checker is not None and gater is not None
        pids = (_pid(checker), _pid(gater))
        second = build_bundle(case, tmp_path / "twee.pdf", options, workers=workers)
        assert (workers.checker(), workers.gater()) == (checker, gater)  # the same pools
        assert (_pid(checker), _pid(gater)) == pids  # and the same processes
        assert first.verify.exit_code == second.verify.exit_code == 0
        assert verify_bundle(tmp_path / "twee.pdf", bestand="twee.pdf").exit_code == 0
    assert not workers.active
    assert gone_within(pids)


def test_a_worker_that_died_is_replaced_when_next_asked_for() -> None:
    with CheckWorkers() as workers:
        checker = workers.checker()
        assert checker is not None
        pid = _pid(checker)
        os.kill(pid, signal.SIGKILL)
        future = checker.submit(os.getpid)
        with pytest.raises(Exception):  # noqa: B017  (BrokenProcessPool: the pool knows it died)
            future.result(timeout=120)
        again = workers.checker()
        assert again is not None and again is not checker
        assert _pid(again) != pid


def test_close_lets_the_workers_go_and_asking_again_starts_new_ones() -> None:
    workers = CheckWorkers()
    checker = workers.checker()
    assert checker is not None and workers.active
    pid = _pid(checker)
    workers.close()
    assert not workers.active
    assert gone_within((pid,))
    fresh = workers.checker()
    assert fresh is not None and _pid(fresh) != pid
    workers.close()


def _name_detector_loaded() -> bool:
    import sys

    return "deduce" in sys.modules


def test_the_checker_loads_the_name_detector_only_when_told() -> None:
    # Not while the documents are made: the document workers and the detector (60 MB) need
    # not be held at the same time.
    with CheckWorkers() as workers:
        checker = workers.checker()
        assert checker is not None
        assert not checker.submit(_name_detector_loaded).result(timeout=120)
        workers.load_name_detector()
        assert checker.submit(_name_detector_loaded).result(timeout=120)
