"""Atomic writes, no silent overwrite, private work folders that do not outlive a crash."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from dossier_app.errors import ExitCode, InputError, OutputExistsError
from dossier_app.fileio import atomic_copy, check_output
from dossier_app.store.workdir import private_workdir, remove_stale_workdirs, work_root


def test_existing_output_needs_force(tmp_path):
    out = tmp_path / "b.pdf"
    out.write_bytes(b"old")
    with pytest.raises(OutputExistsError) as err:
        check_output(out, force=False)
    assert err.value.exit_code == ExitCode.usage and "--force" in str(err.value)
    check_output(out, force=True)
    with pytest.raises(InputError, match="bestaat niet"):
        check_output(tmp_path / "nope" / "b.pdf", force=True)


def test_atomic_copy_replaces_whole_file_and_leaves_no_temp(tmp_path):
    src, dst = tmp_path / "a", tmp_path / "b"
    src.write_bytes(b"x" * 3_000_000)
    dst.write_bytes(b"old")
    atomic_copy(src, dst)
    assert dst.read_bytes() == src.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_workdir_is_private_and_removed(tmp_path):
    with private_workdir() as folder:
        (folder / "x").write_text("secret")
        mode = stat.S_IMODE(os.stat(folder).st_mode)
        assert mode == 0o700
    assert not folder.exists()


def test_leftovers_of_a_killed_process_are_removed_but_live_ones_kept():
    code = ("import os\nfrom dossier_app.store.workdir import private_workdir\n"
            "cm = private_workdir(); d = cm.__enter__(); print(d, flush=True); os._exit(0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=os.environ.copy())
    from pathlib import Path
    leftover = Path(proc.stdout.strip())
    assert leftover.exists() and leftover.parent == work_root()
    with private_workdir() as mine:
        removed = remove_stale_workdirs()
        assert removed >= 1
        assert not leftover.exists()
        assert mine.exists()


def test_module_loggers_write_to_the_support_log_not_the_terminal(capsys):
    import logging

    from dossier_app.logs import get_logger, log_dir

    get_logger()
    logging.getLogger("dossier_app.anonymise.gate").warning("controle kon niet worden uitgevoerd (X)")
    for handler in logging.getLogger("dossier_app").handlers:
        handler.flush()
    assert capsys.readouterr().err == ""
    assert logging.getLogger("dossier_app").handlers  # routed to the support log's handler
    assert logging.getLogger("dossier_app").propagate is False
    assert log_dir().name == "logs"


def test_any_cli_start_removes_a_killed_build_s_copies_and_old_libreoffice_folders(tmp_path, monkeypatch):
    """After SIGKILL a job folder (with copies of source documents) stayed until the next build,
    and LibreOffice's folders in the system temp were never removed (issue 14)."""
    import signal
    import tempfile
    import time
    from pathlib import Path

    from dossier_app.cli import main

    code = ("import os, time\nfrom dossier_app.store.workdir import private_workdir\n"
            "cm = private_workdir(); d = cm.__enter__(); (d / 'kopie.pdf').write_bytes(b'%PDF');"
            "print(d, flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            env=os.environ.copy())
    leftover = Path(proc.stdout.readline().strip())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old_lo = tmp_path / "tafeldossier-lo-abc123"
    (old_lo / "profiel").mkdir(parents=True)
    long_ago = time.time() - 7200
    os.utime(old_lo, (long_ago, long_ago))
    recent_lo = tmp_path / "tafeldossier-lo-def456"
    recent_lo.mkdir()
    assert leftover.exists()
    assert main(["tafels"]) == 0
    assert not leftover.exists() and not old_lo.exists()
    assert recent_lo.exists()  # might belong to a conversion running right now

def _refuse_replacing(target, monkeypatch, calls):
    """Windows refuses to replace a file another program has open: os.replace raises
    PermissionError (WinError 32). Simulated here for one target path."""
    real_replace = os.replace

    def replace(src, dst):
        if os.fspath(dst) == os.fspath(target):
            calls.append(dst)
            raise PermissionError(13, "The process cannot access the file because it is being "
                                      "used by another process")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def test_replacing_a_bundle_open_in_a_viewer_says_close_the_pdf(tmp_path, monkeypatch, run_cli):
    from conftest import REPO

    case = REPO / "examples" / "adviestafel-den-haag" / "casus.toml"
    out = tmp_path / "bundel.pdf"
    out.write_bytes(b"%PDF-1.7 de vorige bundel")
    calls: list = []
    _refuse_replacing(out, monkeypatch, calls)
    monkeypatch.setattr("dossier_app.fileio._REPLACE_WAIT_S", 0.01)
    res = run_cli("build", case, "-o", out, "--converter", "builtin", "--stil", "--force")
    assert res.code == ExitCode.input_error
    assert "Sluit de PDF en probeer het opnieuw" in res.err and "bundel.pdf" in res.err
    assert "interne fout" not in res.err.lower() and "Traceback" not in res.err
    assert len(calls) >= 2  # retried before giving up
    assert out.read_bytes() == b"%PDF-1.7 de vorige bundel"
    assert [p.name for p in tmp_path.iterdir()] == ["bundel.pdf"]  # no temporary file left


def test_other_files_in_use_say_close_the_file(tmp_path, monkeypatch):
    from dossier_app.errors import FileInUseError
    from dossier_app.fileio import atomic_write_bytes

    target = tmp_path / "casus.toml"
    _refuse_replacing(target, monkeypatch, [])
    monkeypatch.setattr("dossier_app.fileio._REPLACE_WAIT_S", 0.01)
    with pytest.raises(FileInUseError) as err:
        atomic_write_bytes(target, b"x")
    assert "Sluit het bestand en probeer het opnieuw" in err.value.message
    assert not list(tmp_path.iterdir())
