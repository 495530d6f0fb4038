"""The loket's inbox: a folder of 30+ bundles (built, altered, damaged, not a bundle, locked
with a password) in one table; the window, `dossier verify MAP` and the CSV agree; a
folder opened again checks only what changed; a bundle saved into the folder appears."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO
from test_assemble import build_bundle, make_info, make_pdf
from uihelpers import window_fixture  # noqa: F401 (fixture)

from dossier_app.bundle.inbox import HEADERS, InboxCache, check_folder

pytestmark = [pytest.mark.gui, pytest.mark.slow]


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("maken")
    folder = tmp_path_factory.mktemp("postvak")
    for n in range(28):
        out, _ = build_bundle(work / f"b{n}", info=make_info(ot_nummer=f"OT-{7000000 + n}"))
        shutil.copy(out, folder / f"bundel-OT-{7000000 + n}.pdf")
    with pikepdf.open(folder / "bundel-OT-7000003.pdf") as pdf:  # altered: a page taken out
        del pdf.pages[3]
        pdf.save(folder / "bundel-ingekort.pdf")
    data = (folder / "bundel-OT-7000004.pdf").read_bytes()
    (folder / "bundel-kapot.pdf").write_bytes(data[: len(data) // 2])  # damaged in transfer
    make_pdf(folder / "brief-van-ouders.pdf", 1)  # a PDF, but no bundle
    with pikepdf.open(folder / "bundel-OT-7000005.pdf") as pdf:  # locked with a password
        pdf.save(folder / "bundel-beveiligd.pdf", encryption=pikepdf.Encryption(owner="x", user="geheim"))
    (folder / "sub").mkdir()
    shutil.copy(folder / "bundel-OT-7000006.pdf", folder / "sub" / "in-submap.pdf")
    return folder


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from dossier_app.cli import run; run()", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=600)


def test_window_cli_and_csv_agree_and_a_reopen_checks_only_changes(qtbot, inbox, tmp_path):
    from dossier_app.ui.inbox import InboxWindow
    from dossier_app.ui.jobs import JobRunner

    folder = tmp_path / "postvak"
    shutil.copytree(inbox, folder)
    opened: list[Path] = []
    window = InboxWindow(JobRunner(), folder, open_bundle=opened.append)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.job is not None and not window.job.running, timeout=300_000)
    shown = window.shown_rows()
    assert len(shown) == 32  # the subfolder only with "Ook submappen"
    by_name = {r[0]: r for r in shown}
    uitslag = list(HEADERS).index("uitslag")
    assert by_name["bundel-OT-7000001.pdf"][uitslag] == "in orde"
    assert by_name["bundel-ingekort.pdf"][uitslag].endswith(("probleem", "problemen"))
    for name in ("bundel-kapot.pdf", "brief-van-ouders.pdf", "bundel-beveiligd.pdf"):
        assert by_name[name][uitslag] not in ("", "in orde"), name  # a row with the reason
    assert window.checks == 32

    # the CLI and its CSV say the same, row for row
    res = _cli("verify", folder, "--csv", tmp_path / "t.csv", "--json")
    assert res.returncode == 1, res.stderr  # some bundles are not in order
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh, delimiter=";"))
    assert table[0] == list(HEADERS.values())
    assert sorted(table[1:]) == sorted(shown)
    import json

    cli_rows = {r["bestand"]: r["uitslag"] for r in json.loads(res.stdout)["bundels"]}
    assert cli_rows == {r[0]: r[uitslag] for r in shown}

    # opened again, only what changed is checked; the changed file is marked
    with pikepdf.open(folder / "bundel-OT-7000002.pdf", allow_overwriting_input=True) as pdf:
        del pdf.pages[1]
        pdf.save(folder / "bundel-OT-7000002.pdf")
    before = window.checks
    window.check()
    qtbot.wait(2500)  # the folder watcher may start a run of its own too
    qtbot.waitUntil(lambda: not window.settle.isActive() and not window.job.running, timeout=300_000)
    assert window.checks - before == 1
    row = {r[0]: r for r in window.shown_rows()}["bundel-OT-7000002.pdf (gewijzigd, opnieuw gecontroleerd)"]
    assert row[uitslag] != "in orde"

    # the filter, and a double-click opens the full report
    window.status_filter.setCurrentIndex(1)  # "Niet in orde"
    assert all(r[uitslag] != "in orde" for r in window.shown_rows()) and window.shown_rows()
    window.status_filter.setCurrentIndex(0)
    window.search.setText("7000007")
    assert [r[0] for r in window.shown_rows()] == ["bundel-OT-7000007.pdf"]
    window._open_row(window.proxy.index(0, 0))
    assert opened == [folder / "bundel-OT-7000007.pdf"]

    # a bundle saved into the watched folder appears by itself
    window.search.setText("")
    shutil.copy(inbox / "bundel-OT-7000008.pdf", folder / "nieuw-binnen.pdf")
    qtbot.waitUntil(lambda: "nieuw-binnen.pdf" in window.rows, timeout=60_000)

    # export: the whole table, Dutch headers, as Excel
    window.export(tmp_path / "t.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "t.xlsx").active
    assert [c.value for c in sheet[1]] == list(HEADERS.values())
    assert sheet.max_row == 1 + len(window.rows)
    window.close()


def test_the_cache_holds_no_finding_text(inbox, tmp_path):
    cache = InboxCache(tmp_path / "cache.json")
    rows = check_folder(inbox, cache=cache)
    text = (tmp_path / "cache.json").read_text(encoding="utf-8")
    assert len(rows) == 32 and "OT-7000001" in text
    assert "context" not in text and "persoonsgegevens\":" not in text
