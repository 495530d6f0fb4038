"""The gate's text memo: pages every text engine read clean before are known by their
digest, so a rebuild reads only the new pages' text; a new page, a changed page, other
identifiers or another engine are read again. A page is known clean with its break to the
next page: a page before a changed one is read again, with it, and so is the page after."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from dossier_app.anonymise import gate
from dossier_app.anonymise.gate import verify_pdf
from dossier_app.anonymise.identifiers import build_identifiers
from dossier_app.case_model import Leerling, Persoon
from dossier_app.errors import LeakError
from dossier_app.store.memo import Memo
from dossier_app.store.vault import new_key

IDS = build_identifiers(Leerling(voornamen="Mila", achternaam="Visser", bsn="123456782"), [])
PAGES = 8


def _report(path: Path, changed: dict[int, str] | None = None) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(1, PAGES + 1):
        c.drawString(72, 760, f"Verslag van het overleg, pagina {n}.")
        c.drawString(72, 740, (changed or {}).get(n, "De leerling komt sinds oktober niet meer op school."))
        c.showPage()
    c.save()
    return path


class _Reads:
    """Which pages the text engines were asked for: (engine, first, stop) per start."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.asked: list[tuple[str, int, int | None]] = []
        real_engine, real_pdfium = gate._start_engine, gate.page_texts

        def engine(name, exe, path, first=0, stop=None):
            self.asked.append((name, first, stop))
            return real_engine(name, exe, path, first, stop)

        def pdfium(path, *, bounded=False, first=0, stop=None):
            self.asked.append(("pdfium", first, stop))
            return real_pdfium(path, bounded=bounded, first=first, stop=stop)

        monkeypatch.setattr(gate, "_start_engine", engine)
        monkeypatch.setattr(gate, "page_texts", pdfium)

    def stretches(self) -> set[tuple[int, int | None]]:
        found = {(first, stop) for _, first, stop in self.asked}
        self.asked.clear()
        return found


def _memo(tmp_path: Path) -> Memo:
    (tmp_path / "memo").mkdir()
    return Memo(tmp_path / "memo", new_key())


def _check(path: Path, memo: Memo, ids=IDS) -> None:
    verify_pdf(path, ids.finder, ids.literal_variants(), memo=memo, identifiers_key=ids.fingerprint())


def test_pages_read_clean_are_not_read_again_and_a_changed_page_is(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _Reads(monkeypatch)
    memo = _memo(tmp_path)
    _check(_report(tmp_path / "a.pdf"), memo)
    assert reads.stretches() == {(0, PAGES)}  # the first time: every page
    _check(_report(tmp_path / "b.pdf"), memo)  # the same pages in another file
    assert reads.stretches() == set()  # no engine read any page
    # Page 3 changed: the engines read pages 2 to 4 only (page 3 and the breaks on either
    # side of it), and a leak on page 3 is found there.
    leaking = _report(tmp_path / "c.pdf", {3: "Mila Visser (BSN 123456782) is ziek gemeld."})
    with pytest.raises(LeakError) as info:
        _check(leaking, memo)
    assert reads.stretches() == {(1, 4)}
    assert any("pagina 3" in d for d in info.value.details)
    # Pages 2 and 6 changed, clean: the stretch from the page before the one to the page
    # after the other is read, then remembered.
    _check(_report(tmp_path / "d.pdf", {2: "Nieuwe zin.", 6: "Nog een nieuwe zin."}), memo)
    assert reads.stretches() == {(0, 7)}
    _check(_report(tmp_path / "d2.pdf", {2: "Nieuwe zin.", 6: "Nog een nieuwe zin."}), memo)
    assert reads.stretches() == set()


def test_other_identifiers_read_every_page_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _Reads(monkeypatch)
    memo = _memo(tmp_path)
    named = _report(tmp_path / "a.pdf", {5: "Moeder Ilse Kramer belde."})
    _check(named, memo)  # clean for the pupil alone
    reads.stretches()
    with_mother = build_identifiers(Leerling(voornamen="Mila", achternaam="Visser", bsn="123456782"),
                                    [Persoon(rol="moeder", naam="Ilse Kramer")])
    assert with_mother.fingerprint() != IDS.fingerprint()
    with pytest.raises(LeakError) as info:
        _check(named, memo, with_mother)
    assert reads.stretches() == {(0, PAGES)}
    assert any("pagina 5" in d for d in info.value.details)


def _checked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[_Reads, Memo, Path]:
    """A report checked once (every page remembered clean), the reads counted from here."""
    reads = _Reads(monkeypatch)
    memo = _memo(tmp_path)
    report = _report(tmp_path / "a.pdf")
    _check(report, memo)
    reads.stretches()
    return reads, memo, report


def test_another_engine_reads_every_page_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads, memo, report = _checked_once(tmp_path, monkeypatch)
    engines = gate.external_engines()
    if not engines:
        pytest.skip("no external text engine installed")
    monkeypatch.setattr(gate, "external_engines", lambda: dict(list(engines.items())[:1]))
    _check(report, memo)  # one program less: pypdf stands in, and it never read these pages
    assert reads.stretches() == {(0, PAGES)}


def test_without_a_key_for_the_identifiers_every_page_is_read(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _Reads(monkeypatch)
    memo = _memo(tmp_path)
    report = _report(tmp_path / "a.pdf")
    for _ in range(2):
        verify_pdf(report, IDS.finder, IDS.literal_variants(), memo=memo)
        assert reads.stretches() == {(0, None)}


@pytest.mark.parametrize("name", ["pdftotext", "mutool"])
def test_an_external_engine_reads_exactly_the_stretch_asked_for(tmp_path: Path, name: str) -> None:
    exe = gate.external_engines().get(name)
    if exe is None:
        pytest.skip(f"{name} is not installed")
    report = _report(tmp_path / "a.pdf", {n: f"Regel van pagina {n}." for n in range(1, PAGES + 1)})
    every = gate._engine_pages(gate._start_engine(name, exe, report))
    some = gate._engine_pages(gate._start_engine(name, exe, report, 2, 5))
    assert len(every) == PAGES
    assert [t.strip() for t in some] == [t.strip() for t in every[2:5]]  # mutool: "\f\n"
    pdfium = gate.page_texts(report, bounded=True)
    assert gate.page_texts(report, bounded=True, first=2, stop=5) == pdfium[2:5]


def test_an_engine_that_reads_fewer_pages_than_asked_is_a_failed_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = gate._engine_pages
    monkeypatch.setattr(gate, "_engine_pages", lambda engine: real(engine)[:-1])
    if not gate.external_engines():
        monkeypatch.setattr(gate, "_BUILTIN_TEXTS", {name: (lambda path, first=0, stop=None: [])
                                                     for name in gate._BUILTIN_TEXTS})
    with pytest.raises(LeakError) as info:
        _check(_report(tmp_path / "a.pdf"), _memo(tmp_path))
    assert "niet volledig worden gecontroleerd" in info.value.message


def test_a_resaved_file_is_known_by_its_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads, memo, report = _checked_once(tmp_path, monkeypatch)
    resaved = tmp_path / "b.pdf"
    with pikepdf.open(report) as pdf:
        pdf.save(resaved, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=False)
    _check(resaved, memo)
    assert reads.stretches() == set()


def test_another_pdfium_reads_every_page_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # PDFium reads the text too: an upgraded pypdfium2 may read a page differently.
    import importlib.metadata

    reads, memo, report = _checked_once(tmp_path, monkeypatch)
    from dossier_app.anonymise.pdfium_chars import pdfium_identity

    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "999.0" if name == "pypdfium2" else real(name))
    pdfium_identity.cache_clear()  # asked once per process: an upgrade comes with a restart
    try:
        _check(report, memo)
    finally:
        pdfium_identity.cache_clear()
    assert reads.stretches() == {(0, PAGES)}


def test_a_name_split_by_a_page_break_is_found_when_only_the_page_after_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _Reads(monkeypatch)
    memo = _memo(tmp_path)
    before = {4: "Het gesprek was met de familie Vis-", 5: "sie en plan werden besproken."}
    _check(_report(tmp_path / "a.pdf", before), memo)  # "Vis-" / "sie": no identifier
    reads.stretches()
    # Page 4 is the same page; only page 5 changed, and over the break it reads "Visser".
    after = {**before, 5: "ser belde de school over het verzuim."}
    with pytest.raises(LeakError) as info:
        _check(_report(tmp_path / "b.pdf", after), memo)
    assert reads.stretches() == {(3, 6)}
    assert any("pagina 4-5" in d for d in info.value.details)
    assert not any("(pagina 4," in d or "(pagina 5," in d for d in info.value.details)
