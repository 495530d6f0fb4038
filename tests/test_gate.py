"""verify_pdf: an independent re-check that refuses leaking output, without leaking."""

from __future__ import annotations

import logging
import sys
import time
import zlib
from pathlib import Path

import pdfmaker
import pikepdf
import pytest
from pikepdf import Dictionary, Name

from dossier_app.anonymise import gate
from dossier_app.anonymise.gate import verify_pdf
from dossier_app.anonymise.pdf_redact import clean_pdf
from dossier_app.errors import ExitCode, LeakError
from dossier_app.store.memory import ContentMemory

VALUES = [value.lower() for value, _ in pdfmaker.LITERALS] + ["noor", "jansen"]


def _assert_no_value_in(error: LeakError) -> None:
    text = (error.message + " " + " ".join(error.details)).lower()
    for value in VALUES:
        assert value not in text


def _leak(path: Path) -> LeakError:
    with pytest.raises(LeakError) as info:
        verify_pdf(path, pdfmaker.finder, pdfmaker.LITERALS)
    _assert_no_value_in(info.value)
    assert info.value.exit_code == ExitCode.leak
    return info.value


def _clean_copy(tmp_path: Path) -> Path:
    src = pdfmaker.make_text_pdf(tmp_path / "bron.pdf", 2)
    dst = tmp_path / "schoon.pdf"
    clean_pdf(src, dst, pdfmaker.finder, [], bestand="bron.pdf")
    return dst


def test_clean_output_passes(tmp_path: Path) -> None:
    report = verify_pdf(_clean_copy(tmp_path), pdfmaker.finder, pdfmaker.LITERALS)
    assert report.paginas == 2
    assert report.engines[:2] == ("objecten", "pdfium")
    independent = set(report.engines) & {"pypdf", "pdfminer", "pdftotext", "mutool"}
    assert len(independent) >= gate.MIN_INDEPENDENT_ENGINES
    assert list(report.engines) == gate.engines()  # what the manifest will say


@pytest.mark.parametrize(("installed", "from_wheels"), [
    (set(), {"pypdf", "pdfminer"}), ({"pdftotext"}, {"pypdf"}), ({"mutool"}, {"pypdf"}),
    ({"pdftotext", "mutool"}, set())])
def test_engines_in_wheels_stand_in_for_missing_external_engines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: set[str], from_wheels: set[str]) -> None:
    available = {name: exe for name, exe in gate.external_engines().items() if name in installed}
    if set(available) != installed:
        pytest.skip(f"not installed: {sorted(installed - set(available))}")
    monkeypatch.setattr(gate, "external_engines", lambda: dict(available))
    report = verify_pdf(_clean_copy(tmp_path), pdfmaker.finder, pdfmaker.LITERALS)
    assert set(report.engines) == {"objecten", "pdfium", *installed, *from_wheels}
    assert len(set(report.engines) - {"objecten", "pdfium"}) == gate.MIN_INDEPENDENT_ENGINES
    missing = {m.tekst.split()[0] for m in report.meldingen if m.code == "TEKSTMOTOR_ONTBREEKT"}
    assert missing == {"pdftotext", "mutool"} - installed


@pytest.mark.parametrize("name", ["pdftotext", "mutool"])
def test_each_external_engine_reads_every_page_and_sees_the_leak(tmp_path: Path, name: str) -> None:
    exe = gate.external_engines().get(name)
    if exe is None:
        pytest.skip(f"{name} is not installed")
    leaky = pdfmaker.make_rich_pdf(tmp_path / "rijk.pdf")
    texts = gate._engine_pages(gate._start_engine(name, exe, leaky))
    with pikepdf.open(leaky) as pdf:
        assert len(texts) == len(pdf.pages)
    lits = gate._Literals.build(pdfmaker.LITERALS)
    assert gate._check_texts(name, texts, pdfmaker.finder, lits)
    from reportlab.pdfgen import canvas

    blank = tmp_path / "leeg.pdf"  # an empty page in the middle keeps the numbering
    pdf = canvas.Canvas(str(blank))
    for words in ("een", "", "drie"):
        pdf.drawString(100, 700, words)
        pdf.showPage()
    pdf.save()
    pages = gate._engine_pages(gate._start_engine(name, exe, blank))
    assert [t.strip() for t in pages] == ["een", "", "drie"]


def test_an_engine_writing_more_than_a_pipe_holds_runs_to_the_end_unattended() -> None:
    # 1 MiB of output: without a reader it would stop at 64 KiB until `output` is called,
    # and the engines would no longer run beside the gate's own checks.
    program = gate._Program([sys.executable, "-c", "import sys; sys.stdout.write('x' * 2**20)"])
    try:
        deadline = time.monotonic() + 30
        while program._proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert program._proc.poll() == 0
        assert program.output(5) == b"x" * 2**20
    finally:
        program.stop()


def test_a_timed_out_or_failing_program_raises() -> None:
    slow = gate._Program([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with pytest.raises(RuntimeError, match="timed out"):
            slow.output(0.5)
    finally:
        slow.stop()
    assert slow._proc.returncode is not None  # stopped, not left running
    failing = gate._Program([sys.executable, "-c", "raise SystemExit(3)"])
    with pytest.raises(RuntimeError, match="failed"):
        failing.output(30)
    failing.stop()


def test_a_failing_engine_means_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gate, "external_engines", lambda: {"mutool": "/bin/false", "pdftotext": "/bin/false"})
    error = _leak(_clean_copy(tmp_path))
    assert "niet volledig worden gecontroleerd" in error.message


def test_leaky_file_is_refused_without_naming_the_value(tmp_path: Path) -> None:
    src = pdfmaker.add_hidden_channels(pdfmaker.make_rich_pdf(tmp_path / "rijk.pdf"))
    error = _leak(src)
    assert "pagina" in error.message or "bijlage" in error.message
    assert any("metadata" in d for d in error.details)
    assert any("bladwijzer" in d for d in error.details)


def _with(tmp_path: Path, change) -> Path:
    path = _clean_copy(tmp_path)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        change(pdf)
        pdf.save(path, fix_metadata_version=False)
    return path


def test_leak_in_info_is_metadata(tmp_path: Path) -> None:
    path = _with(tmp_path, lambda pdf: pdf.docinfo.__setitem__(
        "/Author", pikepdf.String("Mentor Jansen")))
    error = _leak(path)
    assert "metadata" in error.message, error.details


def test_leak_in_utf16_xmp(tmp_path: Path) -> None:
    def add(pdf: pikepdf.Pdf) -> None:
        xmp = "<x:xmpmeta><dc:creator>Noor Jansen</dc:creator></x:xmpmeta>".encode("utf-16-be")
        pdf.Root.Metadata = pdf.make_stream(xmp, Type=Name.Metadata, Subtype=Name.XML)
    assert "metadata" in _leak(_with(tmp_path, add)).message


def test_leak_in_bookmark(tmp_path: Path) -> None:
    def add(pdf: pikepdf.Pdf) -> None:
        with pdf.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem("Verslag JANSEN", 0))
    assert "bladwijzer" in _leak(_with(tmp_path, add)).message


def test_leak_in_kerned_content_stream(tmp_path: Path) -> None:
    def add(pdf: pikepdf.Pdf) -> None:
        # Drawn with an unknown font: no text engine sees it, the stream walk must.
        pdf.pages[1].contents_add(pdf.make_stream(b"BT /Nope 1 Tf [(Jan)-12(sen)] TJ ET"))
    error = _leak(_with(tmp_path, add))
    assert "pagina 2" in " ".join(error.details)


def _join_kerned_reference(data: bytes) -> bytes:
    """The join as specified: a gap between two TJ strings goes when its size is at most
    200 (exactly, as a decimal), one match at a time."""
    import re
    from decimal import Decimal

    def join(m: re.Match[bytes]) -> bytes:
        return b"" if abs(Decimal((m.group(1) or m.group(2)).decode())) <= 200 else m.group(0)
    return re.sub(rb"\)\s*(-?\d*\.?\d+)\s*\(|>\s*(-?\d*\.?\d+)\s*<", join, data)


def test_kerning_gaps_are_joined_exactly_up_to_200() -> None:
    import random

    from dossier_app.anonymise.gate import _join_kerned

    rng = random.Random(20261206)
    numbers = ["0", "-0", "5", "-12", "199", "200", "-200", "201", "250", "-1000", "1999", "0200",
               "000199.9", ".5", "-.25", "0.0", "200.0", "200.000", "200.01", "-200.5", "199.999",
               "12.", "1.2.3", "99", "100", "007", "2000", "20", "-", ".", "1e3", "300.0"]
    spaces = [b"", b" ", b"\n", b"  \t"]
    for _ in range(4000):
        parts = []
        for _ in range(rng.randint(1, 8)):
            opener, closer = rng.choice([(b"(", b")"), (b"<", b">")])
            parts.append(opener + rng.choice([b"Ja", b"n", b"4a61", b"", b"s)(x"]) + closer)
            parts.append(rng.choice(spaces) + rng.choice(numbers).encode() + rng.choice(spaces))
        data = b"[" + b"".join(parts) + b"] TJ"
        assert _join_kerned(data) == _join_kerned_reference(data), data
    assert _join_kerned(b"[(Jan)-12(sen)] TJ") == b"[(Jansen)] TJ"
    assert _join_kerned(b"[(Jan)-250(sen)] TJ") == b"[(Jan)-250(sen)] TJ"


def test_word_inside_a_longer_word_is_no_leak(tmp_path: Path) -> None:
    path = _clean_copy(tmp_path)
    verify_pdf(path, pdfmaker.finder, [("onder", "naam")])  # as in "ondersteuningsplan"


def test_javascript_and_attachment_refused(tmp_path: Path) -> None:
    def add(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=pikepdf.String("1"))
        pdf.attachments["x.txt"] = pikepdf.AttachedFileSpec(pdf, b"niets")
    error = _leak(_with(tmp_path, add))
    assert any("JavaScript" in d for d in error.details)
    assert any("bijlage" in d for d in error.details)


def test_flate_bomb_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gate, "_MAX_INFLATED", 8 << 20)  # the real limit is 512 MB

    def add(pdf: pikepdf.Pdf) -> None:
        bomb = zlib.compress(b"\0" * (20 << 20), 9)  # 20 MB of zeros in 20 kB
        stream = pikepdf.Stream(pdf, bomb)
        stream.Filter = Name.FlateDecode
        pdf.Root.TdBom = pdf.make_indirect(stream)
    error = _leak(_with(tmp_path, add))  # refused as "not checked", not a crash
    assert "niet volledig worden gecontroleerd" in error.message


# --- the one-pass prefilters must never miss what the single checks find -----------------

_TRICKY_TEXTS = [
    "", "Noor Jansen", "noor   jansen", "NOORJANSEN", "Noorwegen", "xNoor", "Noor_", "Noor2",
    "leerling: noor\njansen.", "\u212aees Noor", "Jan-\nsen", "Jan\u00adsen", "+31 6 12345678",
    "tel. +31612345678x", "2015-11-17", "17-11-2015", "117-11-20151", "Weimarstraat 212b",
    "weimarstraat,212", "BSN 123456782", "1234567820", "noor.jansen@example.nl",
]


def test_combined_literal_regex_agrees_with_the_single_patterns() -> None:
    lits = gate._Literals.build([*pdfmaker.LITERALS, ("Noor Jansen", "naam"), ("+31 6", "x")])
    assert lits.any_text is not None
    words = [*(value for value, _ in pdfmaker.LITERALS), *_TRICKY_TEXTS]
    texts = _TRICKY_TEXTS + [f"{a} {b}" for a in words for b in words[:8]] + \
        [a + b for a in words for b in words[:8]]
    for text in texts:
        single = any(pattern.search(text) for pattern, _ in lits.text)
        assert bool(lits.any_text.search(text)) == single, text


def test_combined_needle_regex_agrees_with_find() -> None:
    lits = gate._Literals.build(pdfmaker.LITERALS)
    assert lits.any_raw is not None
    needles = [needle for needle, *_ in lits.raw]
    hay = [b"", b"(noor) tj", b"<4e6f6f72>", "Noor".encode("utf-16-be").lower(), b"xx\x00n\x00o"]
    hay += [a + b for a in needles[::7] for b in (b"", b"x", b"\x00")]
    hay += [n[:-1] for n in needles] + [n[1:] for n in needles]
    for data in hay:
        assert bool(lits.any_raw.search(data)) == any(n in data for n in needles), data


def test_text_check_still_names_every_category(tmp_path: Path) -> None:
    lits = gate._Literals.build([("Noor", "naam"), ("2562 HK", "postcode")])
    found = gate._text_hits("Noor woont op 2562 hk", lambda text: [], lits)
    assert found == {"naam", "postcode"}


@pytest.mark.parametrize("python", [True, False], ids=["python-workers", "spawned-as-frozen"])
@pytest.mark.parametrize("name", gate.BUILTIN_ENGINES)
def test_worker_of_an_engine_in_a_wheel_extracts_like_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, python: bool) -> None:
    """Workers start `python -c`/`-m`; a frozen app (no interpreter to start) spawns them
    through multiprocessing instead."""
    monkeypatch.setattr(gate, "_can_start_python", lambda: python)
    path = pdfmaker.make_text_pdf(tmp_path / "lang.pdf", gate.PARALLEL_FROM_PAGES)
    workers = gate._start_builtin_workers(name, path)
    assert all(isinstance(w, gate._Program) == python for w in workers)
    assert len(workers) == 2
    texts = gate._finish_pypdf_workers(workers)
    assert texts == gate._BUILTIN_TEXTS[name](path)
    assert len(texts) == gate.PARALLEL_FROM_PAGES


def test_pdfminer_reads_every_page_and_sees_the_leak(tmp_path: Path) -> None:
    leaky = pdfmaker.make_rich_pdf(tmp_path / "rijk.pdf")
    texts = gate.pdfminer_texts(leaky)
    with pikepdf.open(leaky) as pdf:
        assert len(texts) == len(pdf.pages)
    lits = gate._Literals.build(pdfmaker.LITERALS)
    assert gate._check_texts("pdfminer", texts, pdfmaker.finder, lits)
    from reportlab.pdfgen import canvas

    blank = tmp_path / "leeg.pdf"  # an empty page in the middle keeps the numbering;
    pdf = canvas.Canvas(str(blank))  # words drawn apart stay apart
    for words in (["een"], [], ["Noor", "drie"]):
        for i, word in enumerate(words):
            pdf.drawString(100 + 40 * i, 700, word)
        pdf.showPage()
    pdf.save()
    assert [t.split() for t in gate.pdfminer_texts(blank)] == [["een"], [], ["Noor", "drie"]]


def test_redactor_and_gate_join_split_words_the_same_way() -> None:
    from dossier_app.anonymise.hits import text_views

    # PDFium's mark, a hyphen before CR LF, LF or CR, the next line indented (pdftotext)
    for split in ("Am\x02\r\nrani", "Am-\r\nrani", "Am-\n    rani", "Am-\rrani", "Am\ufffe rani"):
        views = [view for view, _ in text_views(f"Noor el {split} komt")]
        # both readings of the line-end hyphen: soft (dropped) and hard (kept)
        assert views[1:] == ["Noor el Amrani komt", "Noor el Am-rani komt"]
        assert gate._views(f"Noor el {split} komt") == views
    assert [v for v, _ in text_views("Noor el-Amrani")] == ["Noor el-Amrani"]  # not at a line end
    for view, index in list(text_views("Am-\r\n  rani"))[1:]:
        assert [("Am-\r\n  rani")[i] for i in index] == list(view)


def test_a_file_under_a_folder_with_a_non_ascii_name_is_read_by_every_engine(tmp_path: Path) -> None:
    """A user profile like C:\\Users\\Özlem: programs get a path they can open
    (processes.program_path: the short name on Windows), the in-process engines the path."""
    folder = tmp_path / "Özlem Çelik" / "Documenten"
    folder.mkdir(parents=True)
    leaky = pdfmaker.make_rich_pdf(folder / "rijk.pdf")
    lits = gate._Literals.build(pdfmaker.LITERALS)
    for name, exe in gate.external_engines().items():
        assert gate._check_texts(name, gate._engine_pages(gate._start_engine(name, exe, leaky)),
                                 pdfmaker.finder, lits), name
    for name in gate.BUILTIN_ENGINES:
        assert gate._check_texts(name, gate._BUILTIN_TEXTS[name](leaky), pdfmaker.finder, lits), name


def test_pypdf_tells_the_user_nothing_in_english(tmp_path: Path, caplog) -> None:
    # A signed form with a CFF font, redacted (its fields flattened into form XObjects):
    # pypdf logs "fontTools is required ..." under "pypdf._cmap", which reached a plain
    # laptop's terminal when only the "pypdf" logger was disabled.
    from conftest import CORPUS

    signed = CORPUS / "pdf-signed.pdf"
    if not signed.is_file():
        pytest.skip("the shared corpus is not here")
    clean = tmp_path / "schoon.pdf"
    clean_pdf(signed, clean, pdfmaker.finder, [], bestand=signed.name)
    caplog.set_level(logging.WARNING)
    assert gate.pypdf_texts(clean)
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]


# --- streams found clean before -------------------------------------------------------

def _searched(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """What the object walk searches (each stream's data as decoded and joined)."""
    seen: list[bytes] = []
    real = gate._search_chunks

    def recording(chunks, lits, minimum):
        data = list(chunks)
        seen.append(b"".join(data))
        return real(iter(data), lits, minimum)

    monkeypatch.setattr(gate, "_search_chunks", recording)
    return seen


def _walk(path: Path, literals=pdfmaker.LITERALS) -> list[str]:
    findings: list = []
    gate._check_objects(path, pdfmaker.finder, gate._Literals.build(literals), findings)
    return [f.regel() for f in findings]


def test_a_stream_found_clean_is_not_searched_again_but_a_changed_one_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gate, "_CLEAN_STREAMS", ContentMemory())
    searched = _searched(monkeypatch)
    clean = _clean_copy(tmp_path)
    with pikepdf.open(clean) as pdf:
        pages = [gate._join_kerned(page.obj.Contents.read_bytes()) for page in pdf.pages]
    assert _walk(clean) == [] and all(p in searched for p in pages)
    searched.clear()
    assert _walk(clean) == [] and searched == []  # the same streams: none searched again

    leaking = tmp_path / "lek.pdf"
    with pikepdf.open(clean) as pdf:
        pdf.pages[1].contents_add(pdf.make_stream(b"BT /Nope 1 Tf [(Jan)-12(sen)] TJ ET"))
        pdf.save(leaking)
    findings = _walk(leaking)
    assert any("pagina 2" in f for f in findings)
    assert b"BT /Nope 1 Tf [(Jansen)] TJ ET" in searched  # the new stream is searched
    assert not any(p in searched for p in pages)  # the pages' own streams are not


def test_streams_found_clean_for_other_identifiers_are_searched_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gate, "_CLEAN_STREAMS", ContentMemory())
    path = _with(tmp_path, lambda pdf: pdf.pages[0].contents_add(
        pdf.make_stream(b"BT /Nope 1 Tf (Bouwman) Tj ET")))
    assert _walk(path) == []
    searched = _searched(monkeypatch)
    assert _walk(path, [*pdfmaker.LITERALS, ("Bouwman", "naam")]) != []
    assert b"BT /Nope 1 Tf (Bouwman) Tj ET" in searched


def test_a_stream_decoded_by_a_filter_given_by_reference_is_always_searched(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gate, "_CLEAN_STREAMS", ContentMemory())

    def add(pdf: pikepdf.Pdf) -> None:
        stream = pdf.make_stream(zlib.compress(b"BT /Nope 1 Tf (Niets) Tj ET"))
        stream.Filter = pdf.make_indirect(Name.FlateDecode)
        pdf.pages[0].contents_add(stream)
    path = _with(tmp_path, add)
    assert _walk(path) == []
    searched = _searched(monkeypatch)
    assert _walk(path) == [] and searched == [b"BT /Nope 1 Tf (Niets) Tj ET"]
