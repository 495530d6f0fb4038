"""`dossier build` without a window hands its documents out to one worker process fewer and
takes documents itself (bundle/build.py, `_shared_out`): the same bundle, byte for byte,
one process less; an error or a stop ends the handing out, and nothing is left running."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from conftest import REPO

from dossier_app.bundle import build
from dossier_app.bundle.build import BuildOptions, build_bundle
from dossier_app.case import read_case
from dossier_app.errors import CancelledError, DossierError
from dossier_app.processes import parallel_workers

pytestmark = pytest.mark.skipif(parallel_workers(2) < 2, reason="needs two cores for worker processes")

EXAMPLE = REPO / "examples" / "adviestafel-den-haag"


def _case(tmp_path: Path):
    folder = tmp_path / "casus"
    shutil.copytree(EXAMPLE, folder)
    return folder, read_case(folder / "casus.toml")


def _feeders() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "documenten"]


def test_without_a_window_the_build_takes_documents_itself_beside_one_worker_fewer(
        tmp_path: Path, monkeypatch) -> None:
    _, case = _case(tmp_path)
    pools: list[int] = []
    real_pool = build.spawn_pool
    monkeypatch.setattr(build, "spawn_pool", lambda workers, **kw: pools.append(workers)
                        or real_pool(workers, **kw))
    here: list[str] = []
    real_process = build.process_document
    monkeypatch.setattr(build, "process_document", lambda doc, *a: here.append(doc.bestand)
                        or real_process(doc, *a))
    options = BuildOptions(converter="builtin", cache=False)
    alone = build_bundle(case, tmp_path / "zonder-venster.pdf", options)
    workers = parallel_workers(len(case.documenten))
    assert pools == [workers - 1]
    assert 1 <= len(here) < len(case.documenten)  # some here, the others in the worker
    assert len(alone.documenten) == len(case.documenten)
    pools.clear(), here.clear()
    beside = build_bundle(case, tmp_path / "naast-venster.pdf",
                          BuildOptions(converter="builtin", cache=False, beside_window=True))
    assert pools == [workers] and here == []  # beside a window: every document in a worker
    assert (tmp_path / "zonder-venster.pdf").read_bytes() == (tmp_path / "naast-venster.pdf").read_bytes()
    assert alone.verify.ok and beside.verify.ok
    assert _feeders() == []


def test_a_broken_document_stops_the_build_with_its_message_and_nothing_keeps_running(
        tmp_path: Path) -> None:
    folder, case = _case(tmp_path)
    (folder / "stukken" / "opp.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")  # header, then nothing
    out = tmp_path / "bundel.pdf"
    with pytest.raises(DossierError) as info:
        build_bundle(case, out, BuildOptions(converter="builtin", cache=False))
    assert "stukken/opp.pdf" in info.value.message
    assert not out.exists()
    assert _feeders() == []


def test_a_stop_asked_for_while_documents_are_made_ends_the_build(tmp_path: Path) -> None:
    _, case = _case(tmp_path)
    reports: list[str] = []

    def progress(label: str, done: int, total: int) -> None:
        reports.append(label)

    out = tmp_path / "bundel.pdf"
    with pytest.raises(CancelledError):
        build_bundle(case, out, BuildOptions(converter="builtin", cache=False), progress=progress,
                     cancelled=lambda: any(r.startswith("Anonimiseren") for r in reports))
    assert not out.exists()
    assert _feeders() == []
