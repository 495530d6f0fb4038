"""Drafts: sealed on disk, complete after a crash, damaged ones isolated, deletion, retention."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import REPO, case_dict, docs, write_case
from keyringhelpers import file_keyring_contents, memory_keyring, no_keyring

from dossier_app.case import read_case
from dossier_app.logs import data_dir
from dossier_app.store import drafts as drafts_mod
from dossier_app.store import passphrase as pp
from dossier_app.store.drafts import (
    DraftDamagedError,
    DraftStore,
    NoKeyringError,
    PassphraseNeededError,
)

SECRETS = ("Daan", "van der Berg", "111222333", "2016-03-04", "Sanne", "06-12345678")


@pytest.fixture
def keyring_mem():
    with memory_keyring() as store:
        yield store


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch):
    monkeypatch.setattr(pp, "DEFAULT_PARAMS", pp.KdfParams(n=2 ** 12))


@pytest.fixture
def case(tmp_path):
    path = write_case(tmp_path / "Daan van der Berg", case_dict(documenten=docs("opp", "opp")))
    (path.parent / "stukken" / "opp-0.pdf").write_bytes(b"%PDF-1.4 Daan van der Berg 111222333")
    return read_case(path)


def _all_bytes(folder: Path) -> list[tuple[str, bytes]]:
    return [(str(p.relative_to(folder)), p.read_bytes()) for p in folder.rglob("*") if p.is_file()]


def test_round_trip_with_document_copies(keyring_mem, case):
    store = DraftStore.open_default()
    draft_id = store.save(case)
    loaded = store.load(draft_id)
    assert loaded.case == case
    assert len(loaded.documenten) == 2
    first = next(d for d in loaded.documenten if d.index == 0)
    assert store.document_bytes(draft_id, first) == case.documenten[0].pad.read_bytes()
    names = {p.name for p in (store.root / draft_id).iterdir()}
    assert {"case.bin", "meta.bin"} <= names
    assert sum(n.startswith("doc-") for n in names) == 2 and len(names) == 4
    assert "Tafeldossier/concepten" in keyring_mem


def test_nothing_identifying_on_disk(keyring_mem, case):
    store = DraftStore.open_default()
    store.save(case)
    for name, data in _all_bytes(data_dir()):
        for secret in SECRETS:
            assert secret.lower() not in name.lower()
            for enc in ("utf-8", "utf-16-le"):
                assert secret.encode(enc) not in data and secret.lower().encode(enc) not in data


def test_title_has_no_name(keyring_mem, case):
    store = DraftStore.open_default()
    store.save(case)
    [info] = store.list()
    assert info.ot_nummer == "OT-7654321" and info.tafel == "adviestafel"
    assert "Daan" not in info.titel and "OT-7654321" in info.titel


def test_incomplete_case_round_trips(keyring_mem, case):
    unfinished = replace(case, casus=replace(case.casus, ot_nummer=""), documenten=())
    store = DraftStore.open_default()
    assert store.load(store.save(unfinished)).case == unfinished


def test_unchanged_documents_are_not_copied_again(keyring_mem, case):
    store = DraftStore.open_default()
    draft_id = store.save(case)
    before = {p.name for p in (store.root / draft_id).glob("doc-*.bin")}
    store.save(replace(case, casus=replace(case.casus, spoor=1)), draft_id)
    assert {p.name for p in (store.root / draft_id).glob("doc-*.bin")} == before
    pad = case.documenten[0].pad
    pad.write_bytes(b"%PDF-1.4 changed content")
    os.utime(pad, ns=(1, 1))
    store.save(case, draft_id)
    after = {p.name for p in (store.root / draft_id).glob("doc-*.bin")}
    assert len(after) == 2 and after != before  # new copy written, the old one removed


def test_copy_survives_when_original_is_gone(keyring_mem, case, tmp_path):
    store = DraftStore.open_default()
    draft_id = store.save(case)
    original = case.documenten[0].pad.read_bytes()
    for doc in case.documenten:
        doc.pad.unlink(missing_ok=True)
    store.save(case, draft_id)
    restored = store.restore_documents(draft_id, tmp_path / "terug")
    assert restored.documenten[0].pad.read_bytes() == original
    assert "Daan" not in restored.documenten[0].pad.name


@pytest.mark.parametrize("damage", ["flip", "truncate", "swap"])
def test_damaged_draft_gives_a_clear_message_and_others_are_fine(keyring_mem, case, damage):
    store = DraftStore.open_default()
    bad, good = store.save(case), store.save(case)
    target = store.root / bad / "case.bin"
    data = target.read_bytes()
    if damage == "flip":
        target.write_bytes(data[:-5] + bytes([data[-5] ^ 1]) + data[-4:])
    elif damage == "truncate":
        target.write_bytes(data[: len(data) // 2])
    else:  # a blob of another draft: bound to its own id, refused
        target.write_bytes((store.root / good / "case.bin").read_bytes())
    with pytest.raises(DraftDamagedError) as err:
        store.load(bad)
    assert "beschadigd" in err.value.message and "andere concepten" in err.value.message
    assert store.load(good).case == case


def test_damaged_meta_is_listed_not_fatal(keyring_mem, case):
    store = DraftStore.open_default()
    bad, good = store.save(case), store.save(case)
    (store.root / bad / "meta.bin").write_bytes(b"junk")
    infos = {i.id: i for i in store.list()}
    assert infos[bad].beschadigd and "Beschadigd" in infos[bad].titel
    assert not infos[good].beschadigd


def test_delete_removes_draft_and_copies(keyring_mem, case):
    store = DraftStore.open_default()
    draft_id = store.save(case)
    # what was prepared from documents is kept sealed in two cache folders; their names do
    # not say which case, so "Casus verwijderen" empties both
    from dossier_app.bundle.cache import DocumentCache
    from dossier_app.store.memo import CHECKS_MEMO, Memo

    memo = Memo.open_default(CHECKS_MEMO)
    cache = DocumentCache.open_default()
    assert memo is not None and cache is not None
    memo.put(memo.name(["flag", "Daan van der Berg"]), ["Daan"])
    (cache.folder / "stuk.bin").write_bytes(b"verzegeld")
    store.delete(draft_id)
    assert not (store.root / draft_id).exists() and store.list() == []
    assert list(memo.folder.glob("*.bin")) == [] and list(cache.folder.glob("*.bin")) == []


def test_retention_offers_old_drafts(keyring_mem, case):
    store = DraftStore.open_default()
    draft_id = store.save(case)
    assert store.expired(days=90) == []
    later = datetime.now() + timedelta(days=91)
    assert [d.id for d in store.expired(days=90, now=later)] == [draft_id]
    assert store.expired(days=120, now=later) == []


def test_recovery_offers_drafts_of_a_crashed_program(keyring_mem, case, monkeypatch):
    store = DraftStore.open_default()
    crashed, closed = store.save(case), store.save(case)
    store.mark_closed(closed)
    assert store.recoverable() == []  # our own process is still running
    monkeypatch.setattr(drafts_mod, "_pid_alive", lambda pid: False)
    assert [d.id for d in store.recoverable()] == [crashed]


def test_cleanup_removes_leftovers_of_a_crash(keyring_mem, case, monkeypatch):
    store = DraftStore.open_default()
    draft_id = store.save(case)
    (store.root / draft_id / ".case.bin.999999.abcd.tmp").write_bytes(b"x")
    (store.root / ".nieuw-0123-999999").mkdir()
    (store.root / ".weg-0123").mkdir()
    monkeypatch.setattr(drafts_mod, "_pid_alive", lambda pid: False)
    assert store.cleanup() == 3
    assert sorted(p.name for p in store.root.iterdir()) == [draft_id]


def test_no_keyring_means_nothing_stored_unless_a_passphrase(case):
    with no_keyring():
        assert DraftStore.key_mode() == "geen"
        with pytest.raises(NoKeyringError) as err:
            DraftStore.open_default()
        assert "wachtwoordzin" in err.value.message
        assert not (data_dir() / "concepten").exists() or not any((data_dir() / "concepten").iterdir())
        store = DraftStore.open_default("paard batterij niet")
        draft_id = store.save(case)
        assert DraftStore.key_mode() == "wachtwoordzin"
        with pytest.raises(PassphraseNeededError):
            DraftStore.open_default()
        with pytest.raises(pp.WrongPassphraseError) as err:
            DraftStore.open_default("verkeerde zin!!")
        assert "klopt niet" in err.value.message
        assert DraftStore.open_default("paard batterij niet").load(draft_id).case == case


def test_passphrase_too_short(case):
    with no_keyring(), pytest.raises(pp.UsageError):
        DraftStore.open_default("kort")


# --- crash tests ---------------------------------------------------------------------------

SAVER = textwrap.dedent("""
    import sys
    from dataclasses import replace
    from pathlib import Path
    from dossier_app.case import read_case
    from dossier_app.store.drafts import DraftStore
    case = read_case(Path(sys.argv[1]))
    doc = case.documenten[0].pad
    store = DraftStore.open_default()
    draft_id = None
    i = 0
    while True:
        i += 1
        doc.write_bytes(b"%PDF-1.4 versie " + str(i).encode() + b" " + b"x" * 200_000)
        draft_id = store.save(replace(case, casus=replace(case.casus, ot_nummer=f"OT-{i}")), draft_id)
        print(draft_id, i, flush=True)
""")


def subprocess_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PYTHON_KEYRING_BACKEND="filekeyring.FileKeyring", PYTHONPATH=str(REPO / "tests"),
               TAFELDOSSIER_TEST_KEYRING=str(tmp_path / "keyring.json"))
    return env


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("delay", [0.3, 0.77, 1.31])
def test_sigkill_during_autosave_keeps_the_last_complete_draft(tmp_path, case, delay):
    script = tmp_path / "saver.py"
    script.write_text(SAVER, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(case.path)], cwd=REPO,
                            env=subprocess_env(tmp_path), stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline().split()  # at least one complete save
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    rest = proc.stdout.read().split("\n")
    proc.wait()
    lines = [first] + [r.split() for r in rest if r.strip()]
    draft_id, last = lines[-1][0], int(lines[-1][1])
    with memory_keyring(file_keyring_contents(tmp_path / "keyring.json")):
        store = DraftStore.open_default()
        store.cleanup()
        loaded = store.load(draft_id)
        n = int(loaded.case.casus.ot_nummer.split("-")[1])
        assert n in (last, last + 1)  # the last reported save, or one finished unreported
        copy = next(d for d in loaded.documenten if d.index == 0)
        assert store.document_bytes(draft_id, copy).startswith(f"%PDF-1.4 versie {n} ".encode())
        assert [i.id for i in store.recoverable()] == [draft_id]
    leftovers = [p for p in data_dir().rglob("*") if p.name.endswith(".tmp") or ".nieuw-" in p.name]
    assert leftovers == []
    assert len(list((data_dir() / "concepten" / draft_id).glob("doc-*.bin"))) <= 2


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_during_build_leaves_no_temporary_files(tmp_path):
    import shutil

    from dossier_app.store.workdir import remove_stale_workdirs, work_root

    folder = tmp_path / "casus"
    shutil.copytree(REPO / "examples" / "adviestafel-den-haag", folder)
    proc = subprocess.Popen([sys.executable, "-m", "dossier_app", "build", str(folder / "casus.toml"),
                             "-o", str(tmp_path / "bundel.pdf"), "--stil"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any(work_root().glob("job-*/*.pdf")) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (tmp_path / "bundel.pdf").exists()
    assert remove_stale_workdirs() >= 1
    assert list(work_root().iterdir()) == []
