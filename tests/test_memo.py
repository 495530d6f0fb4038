"""The checks' memo: answers of the flagger and of OCR for page texts and images read
before, sealed under keyed names; a rebuild after a voorblad edit reuses them and gets the
same verdicts, and anything that differs is read again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO
from keyringhelpers import memory_keyring

from dossier_app.anonymise import detect, ocr_check
from dossier_app.anonymise.case_identifiers import identifiers_for_case
from dossier_app.anonymise.gate import verify_pdf
from dossier_app.bundle.build import BuildOptions, build_bundle
from dossier_app.bundle.manifest import BESTANDSNAAM
from dossier_app.case import read_case
from dossier_app.errors import LeakError
from dossier_app.logs import data_dir
from dossier_app.store.memo import Memo
from dossier_app.store.vault import new_key

EXAMPLE = REPO / "examples" / "adviestafel-den-haag"


def test_a_memo_value_is_sealed_and_read_only_with_its_key(tmp_path: Path) -> None:
    memo = Memo(tmp_path, new_key())
    name = memo.name(["flag", "Ilse Kramer woont in Den Haag"])
    memo.put(name, [{"waarde": "Ilse Kramer"}])
    assert memo.get(name) == [{"waarde": "Ilse Kramer"}]
    stored = (tmp_path / f"{name}.bin").read_bytes()
    assert b"Ilse" not in stored and b"Kramer" not in stored
    assert "Ilse" not in name
    assert Memo(tmp_path, new_key()).get(name) is None  # another key reads nothing
    # the name depends on the key (no dictionary of names for a known text) and on how
    # the parts are split (length-prefixed)
    assert Memo(tmp_path, new_key()).name(["flag", "x"]) != name
    assert memo.name(["ab", "c"]) != memo.name(["a", "bc"])
    damaged = bytearray(stored)
    damaged[-1] ^= 1
    (tmp_path / f"{name}.bin").write_bytes(bytes(damaged))
    assert memo.get(name) is None
    # a value sealed under one name is not accepted under another
    other = memo.name(["flag", "iets anders"])
    (tmp_path / f"{other}.bin").write_bytes(stored)
    assert memo.get(other) is None


def test_a_memo_entry_is_written_whole_but_not_synced(tmp_path: Path, monkeypatch) -> None:
    # Hundreds of entries per build: a sync each costs milliseconds on a laptop. An entry
    # cut short by a power cut fails its seal and reads as unknown (only time is lost).
    import os

    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    memo = Memo(tmp_path, new_key())
    name = memo.name(["ocr", "pagina"])
    memo.put(name, ["tsv"])
    assert memo.get(name) == ["tsv"] and synced == []
    assert [p.name for p in tmp_path.iterdir()] == [f"{name}.bin"]  # no temporary file left
    (tmp_path / f"{name}.bin").write_bytes((tmp_path / f"{name}.bin").read_bytes()[:-5])
    assert memo.get(name) is None
    # what must survive a power cut is still synced: a case file, a bundle
    from dossier_app.fileio import atomic_write_bytes

    atomic_write_bytes(tmp_path / "casus.toml", b"[casus]\n")
    assert synced


def _edit_summary(folder: Path) -> None:
    path = folder / "casus.toml"
    text = path.read_text(encoding="utf-8")
    assert 'samenvatting = """\n' in text
    path.write_text(text.replace('samenvatting = """\n', 'samenvatting = """\nBijgewerkt na het '
                                 'gesprek van vandaag. ', 1), encoding="utf-8")


def test_a_rebuild_after_a_voorblad_edit_reuses_the_flaggers_answers(tmp_path: Path,
                                                                      monkeypatch) -> None:
    folder = tmp_path / "casus"
    shutil.copytree(EXAMPLE, folder)
    real_flag = detect.flag_personal_data
    calls: list[str] = []

    def counting(text: str, *args, **kwargs):
        calls.append(text)
        return real_flag(text, *args, **kwargs)

    monkeypatch.setattr(detect, "flag_personal_data", counting)
    monkeypatch.setenv("TAFELDOSSIER_PARALLEL", "0")  # every check in this process, where it is counted
    with memory_keyring():
        first = build_bundle(read_case(folder / "casus.toml"), tmp_path / "een.pdf",
                             BuildOptions(converter="builtin"))
        first_calls = len(calls)
        assert first_calls >= first.paginas - 2  # every page with text was flagged
        assert len(list((data_dir() / "cache" / "controles").glob("*.bin"))) >= first_calls // 2
        _edit_summary(folder)
        calls.clear()
        second = build_bundle(read_case(folder / "casus.toml"), tmp_path / "twee.pdf",
                              BuildOptions(converter="builtin"))
    assert second.paginas == first.paginas
    assert second.uit_cache == len(second.documenten)
    # only what changed is read again: the voorblad's page(s) and the manifest's text
    assert 0 < len(calls) <= 3, len(calls)
    assert any("Bijgewerkt na het gesprek" in text for text in calls)
    # and the answers are the same as reading everything again
    def shown(report):
        return sorted((p.pagina, p.categorie, p.context, p.review) for p in report.persoonsgegevens
                      if p.onderdeel != "voorblad")
    assert shown(second.verify) == shown(first.verify)
    assert second.verify.ok == first.verify.ok


def test_without_a_keyring_nothing_is_remembered(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("dossier_app.store.keys.get_or_create_key", lambda name: None)
    assert Memo.open_default("controles") is None


@pytest.mark.skipif(ocr_check._engine() is None, reason="Tesseract (nld) not installed")
def test_the_gate_reads_an_identical_scan_once_and_a_changed_one_again(tmp_path: Path,
                                                                        monkeypatch) -> None:
    from test_ocr_check import IDS, _consent_form, _scan_pdf

    runs: list[int] = []
    real = ocr_check._tsv_outputs

    def counting(exe, image, target, at_once=True):
        runs.append(1)
        return real(exe, image, target, at_once)

    monkeypatch.setattr(ocr_check, "_tsv_outputs", counting)
    memo = Memo(tmp_path / "memo", new_key())
    (tmp_path / "memo").mkdir()
    form = _consent_form()
    leaking = _scan_pdf(tmp_path / "lek.pdf", form)
    for _ in range(2):  # the memo answers the second time, with the same verdict
        with pytest.raises(LeakError) as info:
            verify_pdf(leaking, IDS.finder, IDS.literal_variants(), memo=memo)
        assert "naam (pagina 1, tekstherkenning)" in info.value.details
    assert len(runs) == 1
    # a page whose pixels differ (the name painted over) is read anew, and passes
    from PIL import ImageDraw

    covered = form.copy()
    ImageDraw.Draw(covered).rectangle((100, 280, 900, 700), fill=245)
    verify_pdf(_scan_pdf(tmp_path / "schoon.pdf", covered), IDS.finder, IDS.literal_variants(),
               memo=memo)
    assert len(runs) == 2


@pytest.mark.skipif(ocr_check._engine() is None, reason="Tesseract (nld) not installed")
def test_the_gate_knows_a_page_it_read_before_without_rendering_it(tmp_path: Path,
                                                                   monkeypatch) -> None:
    import pikepdf
    from test_ocr_check import IDS, _consent_form, _scan_pdf

    rendered: list[int] = []
    real = ocr_check._rendered

    def counting(pdf_path, pages, **kwargs):
        pages = list(pages)
        rendered.extend(pages)
        yield from real(pdf_path, pages, **kwargs)

    monkeypatch.setattr(ocr_check, "_rendered", counting)
    memo = Memo(tmp_path / "memo", new_key())
    (tmp_path / "memo").mkdir()
    leaking = _scan_pdf(tmp_path / "lek.pdf", _consent_form())

    def refused(path: Path) -> list[str]:
        with pytest.raises(LeakError) as info:
            verify_pdf(path, IDS.finder, IDS.literal_variants(), memo=memo)
        return info.value.details

    first = refused(leaking)
    assert "naam (pagina 1, tekstherkenning)" in first
    assert rendered == [1]
    # Saved again with other object numbers and object streams: the same page, not rendered.
    resaved = tmp_path / "opnieuw.pdf"
    with pikepdf.open(leaking) as pdf:
        pdf.add_blank_page()
        pdf.pages.reverse()
        del pdf.pages[0]
        pdf.save(resaved, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert refused(resaved) == first
    assert rendered == [1]
    # A document-level setting the rendering depends on (optional content) makes it new.
    layered = tmp_path / "lagen.pdf"
    with pikepdf.open(leaking) as pdf:
        pdf.Root.OCProperties = pikepdf.Dictionary(
            OCGs=pikepdf.Array(), D=pikepdf.Dictionary(Order=pikepdf.Array()))
        pdf.save(layered)
    assert refused(layered) == first
    assert rendered == [1, 1]


@pytest.mark.skipif(ocr_check._engine() is None, reason="Tesseract (nld) not installed")
def test_a_scan_tesseract_gave_no_answer_for_is_refused_not_passed(tmp_path: Path,
                                                                   monkeypatch) -> None:
    from test_ocr_check import IDS, _consent_form, _scan_pdf

    # A run that timed out or crashed writes nothing: the page was not read, so not checked.
    monkeypatch.setattr(ocr_check, "_tsv_outputs", lambda *_args: ["", ""])
    memo = Memo(tmp_path / "memo", new_key())
    (tmp_path / "memo").mkdir()
    with pytest.raises(LeakError) as info:
        verify_pdf(_scan_pdf(tmp_path / "scan.pdf", _consent_form()), IDS.finder,
                   IDS.literal_variants(), memo=memo)
    assert "niet volledig worden gecontroleerd" in info.value.message
    assert not list((tmp_path / "memo").iterdir())  # and nothing of it was remembered


class _Ctx:
    """The job API the wizard's runner hands a job: progress reports and a stop flag."""

    def __init__(self) -> None:
        self.reports: list[str] = []

    def progress(self, label: str, done: int, total: int) -> None:
        self.reports.append(label)

    def cancelled(self) -> bool:
        return False


def test_starting_a_preparation_asks_the_keyring_nothing_in_the_windows_thread(monkeypatch) -> None:
    # prepare_job is called in the window's thread when the job starts: the keyring (a
    # D-Bus or Credential Manager call) and compiling the identifiers belong in the job.
    from dossier_app.ui import review_page

    asked: list[str] = []
    monkeypatch.setattr(review_page, "get_or_create_key", lambda name: asked.append("sleutelbos"))
    real_ids = review_page.identifiers_for_case
    monkeypatch.setattr(review_page, "identifiers_for_case",
                        lambda case: asked.append("gegevens") or real_ids(case))
    case = read_case(EXAMPLE / "casus.toml")
    job = review_page.prepare_job(case, [], {})
    assert asked == []
    assert job(_Ctx()) == []
    assert asked == ["sleutelbos", "gegevens"]


def test_bouwen_after_alles_voorbereiden_converts_nothing_again(tmp_path: Path) -> None:
    """The wizard's preparation fills the document cache under the build's keys: the build
    then takes every document from it, and its pages are the pages of a build that made
    everything itself."""
    import pikepdf

    from dossier_app.bundle import hashing
    from dossier_app.ui.review_page import prepare_job

    folder = tmp_path / "casus"
    shutil.copytree(EXAMPLE, folder)
    case = read_case(folder / "casus.toml")
    with memory_keyring():
        ctx = _Ctx()
        prepared = prepare_job(case, list(case.documenten), {})(ctx)
        assert [p.document for p in prepared] == list(case.documenten)
        assert all(p.review is not None for p in prepared)
        assert ctx.reports  # progress was reported
        cached = build_bundle(case, tmp_path / "uit-cache.pdf", BuildOptions())
    fresh = build_bundle(case, tmp_path / "vers.pdf", BuildOptions(cache=False))
    assert cached.uit_cache == len(cached.documenten) == len(case.documenten)
    assert fresh.uit_cache == 0
    with pikepdf.open(tmp_path / "uit-cache.pdf") as a, pikepdf.open(tmp_path / "vers.pdf") as b:
        assert hashing.page_digests(a) == hashing.page_digests(b)
    # and byte for byte: a build is reproducible (the stamp's resource name is chosen, not random)
    assert (tmp_path / "uit-cache.pdf").read_bytes() == (tmp_path / "vers.pdf").read_bytes()
    assert cached.verify.ok and fresh.verify.ok


@pytest.mark.skipif(ocr_check._engine() is None, reason="Tesseract (nld) not installed")
def test_a_build_reads_a_boxed_scan_once_for_the_redactor_and_the_gate(tmp_path: Path,
                                                                       monkeypatch) -> None:
    """The example's consent form has a region: the pipeline reads it again after burning
    the box in, blanking black boxes as the gate does, and the gate (beneath the stamp)
    finds that very answer. Without the checks' memo (no keyring, or no cache) the build
    keeps that answer in a memo of its own, gone when it ends."""
    case = read_case(EXAMPLE / "casus.toml")
    reads: list[str] = []
    real = ocr_check._tsv_outputs
    monkeypatch.setattr(ocr_check, "_tsv_outputs", lambda *a: reads.append(ocr_check.image_digest(a[1]))
                        or real(*a))
    monkeypatch.setenv("TAFELDOSSIER_PARALLEL", "0")  # the documents and the gate in this process
    with memory_keyring():
        build_bundle(case, tmp_path / "bundel.pdf", BuildOptions(converter="builtin"))
    assert len(reads) == 1  # the re-read after the box was burnt in; the gate took its answer
    first = list(reads)
    reads.clear()
    made: list[Path] = []
    real_memo = Memo.__init__
    monkeypatch.setattr(Memo, "__init__", lambda self, folder, key: made.append(folder)
                        or real_memo(self, folder, key))
    build_bundle(case, tmp_path / "zonder.pdf", BuildOptions(converter="builtin", cache=False))
    assert reads == first  # the same pixels, read once in this build too
    assert len(made) == 1 and not made[0].exists()  # its own memo, gone with its work folder


@pytest.mark.skipif(ocr_check._engine() is None, reason="Tesseract (nld) not installed")
def test_bouwen_after_alles_voorbereiden_reads_no_scan_again(tmp_path: Path, monkeypatch) -> None:
    """The preparation's gate read the example's scanned consent form; the build's gate reads
    the same page beneath its footer stamp, the same pixels, and takes Tesseract's answer
    from the memo. Without the stamp lifted the pixels differ and Tesseract reads again."""
    from dossier_app.anonymise import gate
    from dossier_app.ui.review_page import prepare_job

    folder = tmp_path / "casus"
    shutil.copytree(EXAMPLE, folder)
    case = read_case(folder / "casus.toml")
    runs: list[int] = []
    real = ocr_check._tsv_outputs
    monkeypatch.setattr(ocr_check, "_tsv_outputs", lambda *a: runs.append(1) or real(*a))
    real_pages = ocr_check.image_pages
    looked_at: list[int] = []
    monkeypatch.setattr(ocr_check, "image_pages",
                        lambda p, **k: looked_at.extend(real_pages(p, **k)) or real_pages(p, **k))
    monkeypatch.setenv("TAFELDOSSIER_PARALLEL", "0")  # preparation and gate in this process, counted
    with memory_keyring():
        prepare_job(case, list(case.documenten), {})(_Ctx())
        assert runs and looked_at  # the consent form's own gate read it
        runs.clear(), looked_at.clear()
        build_bundle(case, tmp_path / "bundel.pdf", BuildOptions())
        assert looked_at  # the build's gate found the scan among its pages
        assert runs == []  # and Tesseract read nothing
        # the same bundle with its stamp on the scan: other pixels, read again, and clean
        ids = identifiers_for_case(case)
        memo = Memo.open_default("controles")
        gate.verify_pdf(tmp_path / "bundel.pdf", ids.finder, ids.literal_variants(), memo=memo,
                        allowed_attachments=frozenset({BESTANDSNAAM}))
    assert runs


@pytest.mark.skipif(not detect.DeduceNames.available(), reason="deduce is not installed")
def test_a_name_detector_that_fails_is_said_and_its_answers_are_not_kept(tmp_path: Path,
                                                                         monkeypatch) -> None:
    from dossier_app.bundle.verify import verify_bundle

    folder = tmp_path / "casus"
    shutil.copytree(EXAMPLE, folder)
    bundle = tmp_path / "bundel.pdf"
    build_bundle(read_case(folder / "casus.toml"), bundle, BuildOptions(converter="builtin", cache=False))
    plain = verify_bundle(bundle, bestand="bundel.pdf")
    assert "NAAMHERKENNING_ONVOLLEDIG" not in {m.code for m in plain.meldingen}

    def broken(self, text: str):
        raise RuntimeError("opzoekgegevens beschadigd")

    monkeypatch.setattr(detect.DeduceNames, "find_names", broken)
    memo = Memo(tmp_path / "memo", new_key())
    (tmp_path / "memo").mkdir()
    report = verify_bundle(bundle, bestand="bundel.pdf", memo=memo)
    warning = next(m for m in report.meldingen if m.code == "NAAMHERKENNING_ONVOLLEDIG")
    assert warning.niveau == "waarschuwing" and "zelf na op namen" in warning.tekst
    # nothing made without the detector is kept: what is kept are PDFium's page texts
    from dossier_app.bundle.verify import _text_names

    texts = set(_text_names(report, memo, True, report.paginas_bestand))
    kept = {p.stem for p in (tmp_path / "memo").glob("*.bin")}
    assert kept and kept <= texts


def test_verify_reads_a_pages_text_once_and_a_changed_page_again(tmp_path: Path, monkeypatch) -> None:
    """verify finds what PDFium read on a page before by the page's digest (a rebuild after
    a voorblad edit has the other pages unchanged), with the same verdict; a page whose
    content changed is read again."""
    import pikepdf

    from dossier_app.bundle import verify

    folder = tmp_path / "casus"
    shutil.copytree(EXAMPLE, folder)
    bundle = tmp_path / "bundel.pdf"
    build_bundle(read_case(folder / "casus.toml"), bundle, BuildOptions(converter="builtin", cache=False))
    read: list[int] = []
    real = verify._page_text
    monkeypatch.setattr(verify, "_page_text",
                        lambda doc, i, images=True: read.append(i + 1) or real(doc, i, images))
    memo = Memo(tmp_path / "memo", new_key())
    (tmp_path / "memo").mkdir()

    def seen(report):
        return (sorted((p.pagina, p.categorie, p.context) for p in report.persoonsgegevens),
                report.niet_gecontroleerd, sorted(m.code for m in report.meldingen), report.ok)

    first = verify.verify_bundle(bundle, bestand="bundel.pdf", memo=memo)
    pages = first.paginas_bestand
    assert read == list(range(1, pages + 1))
    read.clear()
    again = verify.verify_bundle(bundle, bestand="bundel.pdf", memo=memo)
    assert read == [] and seen(again) == seen(first)
    # the last page gets a line of text more: read again, and found to differ from the manifest
    changed = tmp_path / "gewijzigd.pdf"
    with pikepdf.open(bundle) as pdf:
        pdf.pages[-1].contents_add(b"BT /F1 1 Tf ET", prepend=False)
        pdf.save(changed)
    report = verify.verify_bundle(changed, bestand="gewijzigd.pdf", memo=memo)
    assert read == [pages]
    assert not report.intact


def test_old_entries_go_and_the_folder_is_looked_through_at_most_twice_a_day(tmp_path) -> None:
    import os

    from dossier_app.store.memo import MAX_AGE_S, PRUNE_EVERY_S, prune_folder

    now = 2_000_000_000.0

    def entry(name: str, age: float):
        path = tmp_path / f"{name}.bin"
        path.write_bytes(b"x")
        os.utime(path, (now - age, now - age))
        return path

    old, young = entry("oud", MAX_AGE_S + 60), entry("jong", 60)
    prune_folder(tmp_path, MAX_AGE_S, now)
    assert not old.exists() and young.exists()
    later = entry("ook-oud", MAX_AGE_S + 60)
    prune_folder(tmp_path, MAX_AGE_S, now + 60)  # looked through a minute ago: not again
    assert later.exists()
    prune_folder(tmp_path, MAX_AGE_S, now + PRUNE_EVERY_S + 1)
    assert not later.exists() and young.exists()


def test_the_bundles_gate_takes_the_assembled_digests_and_keeps_its_work_once_verify_agrees(
        tmp_path: Path, monkeypatch) -> None:
    """With a memo the bundle's gate does not make the page digests again: it looks the
    pages up by those the assembly made, and what it read is kept only after verify, which
    reads the file on its own, found the same digests."""
    from dossier_app.anonymise import gate
    from dossier_app.bundle import build

    folder = tmp_path / "casus"
    shutil.copytree(EXAMPLE, folder)
    monkeypatch.setenv("TAFELDOSSIER_PARALLEL", "0")
    monkeypatch.setattr(gate, "file_keys", lambda path: pytest.fail("the gate made the digests again"))
    kept: list[int] = []
    real_commit = build.commit
    monkeypatch.setattr(build, "commit", lambda memo, entries: kept.append(len(entries))
                        or real_commit(memo, entries))
    with memory_keyring():
        result = build_bundle(read_case(folder / "casus.toml"), tmp_path / "een.pdf",
                              BuildOptions(converter="builtin"))
    assert result.verify.ok and result.verify.sleutels == result.assembled.sleutels
    assert kept and kept[0] > result.paginas  # what every page read clean, kept at the end


def test_a_bundle_that_is_not_what_was_assembled_is_not_written_nor_its_checks_kept(
        tmp_path: Path, monkeypatch) -> None:
    """Should the file not show the pages the assembly made (their digests differ), the gate
    may have taken a changed page for one it knew: nothing is written, nothing remembered."""
    import dataclasses

    from dossier_app.bundle import build
    from dossier_app.bundle.hashing import FileKeys

    folder = tmp_path / "casus"
    shutil.copytree(EXAMPLE, folder)
    monkeypatch.setenv("TAFELDOSSIER_PARALLEL", "0")
    real_assemble = build.assemble

    def other_digests(*args, **kwargs):
        done = real_assemble(*args, **kwargs)
        pages = ["0" * 64, *done.sleutels.pages[1:]]
        return dataclasses.replace(done, sleutels=FileKeys(pages, done.sleutels.optional_content))

    monkeypatch.setattr(build, "assemble", other_digests)
    monkeypatch.setattr(build, "commit", lambda memo, entries: pytest.fail("kept"))
    with memory_keyring(), pytest.raises(LeakError) as info:
        build_bundle(read_case(folder / "casus.toml"), tmp_path / "een.pdf",
                     BuildOptions(converter="builtin"))
    assert "niet geschreven" in info.value.message
    assert not (tmp_path / "een.pdf").exists()
    # and the assembly keeps no digest for the retry: it walks every page again
    from dossier_app.bundle import assemble as assemble_mod

    assert not assemble_mod._LAST_DIGESTS


def test_a_build_asks_the_keyring_once(tmp_path: Path, monkeypatch) -> None:
    """The document cache and the checks' memo share one key: a build asks the keyring for
    it once (each ask is a D-Bus or Credential Manager call, and may show an unlock dialog)."""
    import keyring

    folder = tmp_path / "casus"
    shutil.copytree(EXAMPLE, folder)
    monkeypatch.setenv("TAFELDOSSIER_PARALLEL", "0")
    with memory_keyring():
        backend = keyring.get_keyring()
        asked: list[str] = []
        real = type(backend).get_password
        monkeypatch.setattr(type(backend), "get_password",
                            lambda self, service, name: asked.append(name) or real(self, service, name))
        result = build_bundle(read_case(folder / "casus.toml"), tmp_path / "een.pdf",
                              BuildOptions(converter="builtin"))
    assert result.verify.ok
    assert asked == ["document-cache"]


def test_a_value_read_again_comes_from_memory_only_while_its_file_is_unchanged(tmp_path: Path,
                                                                               monkeypatch) -> None:
    # A rebuild's workers read the same entries each time: the second read unseals
    # nothing. A removed, rewritten or damaged file is not answered from memory.
    from dossier_app.store import memo as memo_mod

    memo = Memo(tmp_path, new_key())
    name = memo.name(["flag", "Ilse Kramer woont in Den Haag"])
    memo.put(name, [{"waarde": "Ilse Kramer"}])
    opened: list[bytes] = []
    real_open = memo_mod.open_sealed
    monkeypatch.setattr(memo_mod, "open_sealed", lambda *a: opened.append(a[1]) or real_open(*a))
    assert memo.get(name) == [{"waarde": "Ilse Kramer"}] and opened == []
    first = memo.get(name)
    first.append("door de aanroeper veranderd")  # each read is a value of its own
    assert memo.get(name) == [{"waarde": "Ilse Kramer"}] and opened == []
    # another process's memo object for the same folder (a worker gets one pickled)
    assert Memo(tmp_path, memo.key).get(name) == [{"waarde": "Ilse Kramer"}] and opened == []

    path = tmp_path / f"{name}.bin"
    stored = path.read_bytes()
    damaged = bytearray(stored)
    damaged[-1] ^= 1
    path.write_bytes(bytes(damaged))
    assert memo.get(name) is None and len(opened) == 1
    path.write_bytes(stored)
    assert memo.get(name) == [{"waarde": "Ilse Kramer"}] and len(opened) == 2
    assert memo.get(name) == [{"waarde": "Ilse Kramer"}] and len(opened) == 2
    path.unlink()  # "Casus verwijderen" or pruned
    assert memo.get(name) is None
    memo.put(name, ["nieuw"])
    memo_mod.clear_caches()  # the data folder's memo (not tmp_path): forgets this process's copies
    assert memo_mod._RECENT.size == 0
    assert memo.get(name) == ["nieuw"] and len(opened) == 3  # from disk again


def test_the_remembered_values_stay_within_their_bound(tmp_path: Path, monkeypatch) -> None:
    from dossier_app.store import memo as memo_mod

    monkeypatch.setattr(memo_mod._Recent, "MAX_BYTES", 64 * 1024)
    memo_mod._RECENT.clear()
    memo = Memo(tmp_path, new_key())
    names = [memo.name(["ocr", str(n)]) for n in range(100)]
    for name in names:
        memo.put(name, "x" * 3000)
        assert memo_mod._RECENT.size <= 64 * 1024
    assert memo_mod._RECENT.size > 48 * 1024
    memo.put(memo.name(["groot"]), "x" * 5000)  # over a sixteenth of the bound: not kept
    assert memo_mod._RECENT.size <= 64 * 1024
    assert all(memo.get(name) == "x" * 3000 for name in names)  # the rest read from disk


def test_what_a_build_commits_for_the_gates_worker_is_not_kept_in_the_window(tmp_path: Path) -> None:
    from dossier_app.store import memo as memo_mod

    memo_mod._RECENT.clear()
    memo = Memo(tmp_path, new_key())
    names = [memo.name(["poort", str(n)]) for n in range(3)]
    memo_mod.commit(memo, {name: "schoon" for name in names})
    assert memo_mod._RECENT.size == 0
    assert [memo.get(name) for name in names] == ["schoon"] * 3  # on disk, sealed
    assert memo_mod._RECENT.size > 0  # read here: kept from now on


def _page_walks(monkeypatch) -> list[int]:
    from dossier_app.bundle import hashing

    walks: list[int] = []
    real = hashing.page_digest
    monkeypatch.setattr(hashing, "page_digest", lambda *a, **k: walks.append(1) or real(*a, **k))
    return walks


def _a_new_process_later(monkeypatch) -> None:
    """What a build in another process, a day later, does not share with this one: the
    stamp document it keeps, the clock."""
    import time

    from dossier_app.bundle import stamp

    stamp._stamps_for.cache_clear()
    later = time.time() + 86400
    monkeypatch.setattr(time, "time", lambda: later)


def test_the_same_stamps_are_the_same_bytes_another_day(monkeypatch) -> None:
    # Their SHA-256 is part of the name under which a build keeps its page digests.
    from dossier_app.bundle.stamp import stamp_document

    args = ([(595.0, 842.0)] * 2, ["Vertrouwelijk · OT-1234567 · OPP · pagina 1 van 2"] * 2)
    before = stamp_document(*args, concept=False)
    _a_new_process_later(monkeypatch)
    assert stamp_document(*args, concept=False) == before


def test_a_rebuild_in_a_new_process_walks_only_the_pages_that_changed(tmp_path: Path,
                                                                      monkeypatch) -> None:
    # The command line's rebuild, or the wizard opened again: the assembler's digests of
    # the unchanged sources come from the memo, kept by the build before once its verify
    # had confirmed them. Verify still walks every page of the written file.
    from dossier_app.bundle import assemble as assemble_mod

    folder = tmp_path / "casus"
    shutil.copytree(EXAMPLE, folder)
    monkeypatch.setenv("TAFELDOSSIER_PARALLEL", "0")
    walks = _page_walks(monkeypatch)
    assemble_mod._LAST_DIGESTS.clear()  # a new process: nothing from the tests before
    with memory_keyring():
        first = build_bundle(read_case(folder / "casus.toml"), tmp_path / "een.pdf",
                             BuildOptions(converter="builtin"))
        assert len(walks) == 2 * first.paginas  # the assembly's and verify's
        assert first.assembled.bronsleutels
        assemble_mod._LAST_DIGESTS.clear()  # what a new process knows
        _a_new_process_later(monkeypatch)
        _edit_summary(folder)
        walks.clear()
        again = build_bundle(read_case(folder / "casus.toml"), tmp_path / "twee.pdf",
                             BuildOptions(converter="builtin"))
    cover = next(p for p in again.assembled.onderdelen if p.onderdeel == "voorblad")
    assert len(walks) == again.paginas + (cover.pagina_tot - cover.pagina_van + 1)
    assert again.verify.ok and again.verify.sleutels == again.assembled.sleutels
    assert again.assembled.sleutels is not None and first.assembled.sleutels is not None
    rest = slice(cover.pagina_tot, None)
    assert again.assembled.sleutels.pages[rest] == first.assembled.sleutels.pages[rest]


def test_a_wrong_kept_digest_is_refused_and_gone_for_the_retry(tmp_path: Path, monkeypatch) -> None:
    # Should a kept digest not be what the page is (another qpdf parsing the same bytes
    # otherwise, a damaged entry), verify finds other digests in the file: the bundle is not
    # written, and the kept digests are removed, so that "Probeer het opnieuw" works.
    from dossier_app.bundle import assemble as assemble_mod
    from dossier_app.store.memo import CHECKS_MEMO

    folder = tmp_path / "casus"
    shutil.copytree(EXAMPLE, folder)
    monkeypatch.setenv("TAFELDOSSIER_PARALLEL", "0")
    assemble_mod._LAST_DIGESTS.clear()
    with memory_keyring():
        first = build_bundle(read_case(folder / "casus.toml"), tmp_path / "een.pdf",
                             BuildOptions(converter="builtin"))
        memo = Memo.open_default(CHECKS_MEMO)
        assert memo is not None
        for name, digests in first.assembled.bronsleutels.items():
            memo.put(name, ["0" * 64] * len(digests))
        assemble_mod._LAST_DIGESTS.clear()
        with pytest.raises(LeakError) as info:
            build_bundle(read_case(folder / "casus.toml"), tmp_path / "twee.pdf",
                         BuildOptions(converter="builtin"))
        assert "niet geschreven" in info.value.message
        assert not (tmp_path / "twee.pdf").exists()
        # every source's but the voorblad's (rendered again, into other bytes: not used)
        kept = [name for name in first.assembled.bronsleutels if memo.get(name) is not None]
        assert len(first.assembled.bronsleutels) > 2 and len(kept) <= 1
        retry = build_bundle(read_case(folder / "casus.toml"), tmp_path / "twee.pdf",
                             BuildOptions(converter="builtin"))
    assert retry.verify.ok and retry.assembled.sleutels == first.assembled.sleutels


def test_a_kept_digest_list_of_another_shape_is_not_taken() -> None:
    from dossier_app.bundle.assemble import _digest_list

    good = ["a" * 64, "0123456789abcdef" * 4]
    assert _digest_list(good, 2) == good
    for bad in (None, "a" * 64, good[:1], [*good, "b" * 64], ["A" * 64, good[1]], ["a" * 63, good[1]],
                [1, good[1]], {"a": 1}):
        assert _digest_list(bad, 2) is None
