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


def _digests_kept() -> int:
    """In a worker: how many sources' page digests its assembler keeps."""
    from dossier_app.bundle import assemble

    return len(assemble._LAST_DIGESTS)


def test_beside_a_window_the_gate_worker_assembles_and_forgets_on_a_mismatch(tmp_path: Path) -> None:
    """Writing the bundle holds the interpreter's lock for tens of milliseconds at a time:
    beside a window the gate's worker assembles it, so the window's process keeps no page
    digests, the worker does (for the next rebuild), and a bundle whose file shows other
    pages than were assembled makes the worker forget them too."""
    import dataclasses

    from keyringhelpers import memory_keyring

    from dossier_app.anonymise.case_identifiers import identifiers_for_case
    from dossier_app.bundle import assemble as assemble_mod
    from dossier_app.bundle import build
    from dossier_app.bundle.hashing import FileKeys
    from dossier_app.errors import LeakError
    from dossier_app.store.memo import CHECKS_MEMO, Memo

    folder = tmp_path / "casus"
    shutil.copytree(REPO / "examples" / "adviestafel-den-haag", folder)
    case = read_case(folder / "casus.toml")
    assemble_mod.forget_digests()
    with memory_keyring(), CheckWorkers() as workers:
        done = build_bundle(case, tmp_path / "een.pdf",
                            BuildOptions(converter="builtin", beside_window=True, force=True),
                            workers=workers)
        checker, gater = workers.checker(), workers.gater()
        assert checker is not None and gater is not None
        assert done.verify.ok and not assemble_mod._LAST_DIGESTS
        assert gater.submit(_digests_kept).result(timeout=120) > 0
        keys = done.assembled.sleutels
        other = dataclasses.replace(done.assembled,
                                    sleutels=FileKeys(["0" * 64, *keys.pages[1:]], keys.optional_content))
        memo = Memo.open_default(CHECKS_MEMO)
        assert memo is not None
        with pytest.raises(LeakError):
            build._final_checks(tmp_path / "een.pdf", identifiers_for_case(case), other, "een.pdf", memo,
                                checker, gater)
        assert gater.submit(_digests_kept).result(timeout=120) == 0


def test_documents_side_by_side_read_the_modes_one_after_the_other(tmp_path: Path,
                                                                    monkeypatch) -> None:
    """Where the build processes documents in workers, each worker's re-read of a scan runs
    Tesseract's modes one after the other (the other core has its own document); alone,
    one document after the other in this process, at once. (Threads stand in for the
    spawned workers here, so the options each document got can be seen.)"""
    from concurrent.futures import ThreadPoolExecutor

    from dossier_app.anonymise.case_identifiers import identifiers_for_case
    from dossier_app.bundle import build
    from dossier_app.documents.pipeline import PipelineOptions

    case = read_case(REPO / "examples" / "adviestafel-den-haag" / "casus.toml")
    docs = [d for d in case.documenten if d.pad.is_file()][:3]
    got: list[bool] = []

    def process(doc, workdir, popts, *_rest):
        got.append(popts.ocr_modes_at_once)
        return doc

    monkeypatch.setattr(build.workers_mod, "process", process)
    monkeypatch.setattr(build, "process_document",
                        lambda doc, _ids, workdir, popts: process(doc, workdir, popts))
    monkeypatch.setattr(build, "spawn_pool", lambda n, **_kw: ThreadPoolExecutor(n))
    ids = identifiers_for_case(case)
    for workers, expected in ((2, False), (1, True)):
        monkeypatch.setattr(build, "parallel_workers", lambda _n, w=workers: w)
        got.clear()
        list(build._process_todo(case, docs, ids, tmp_path, PipelineOptions(), lambda *_a: None,
                                 lambda: False, here=True))
        assert len(got) == len(docs) and set(got) == {expected}

