"""The object-header scan of verify's layout check: the fast scan finds exactly the headers
the reference pattern finds, on real bundles and on byte soup made of the tokens that
matter (digits, every kind of white space, `obj`, ends of line at odd places)."""

from __future__ import annotations

import random

import pytest

from dossier_app.bundle import structure

_TOKENS = [b"1", b"12", b"0", b"65535", b"12345678901", b" ", b"\t", b"\r", b"\n", b"\r\n",
           b"\f", b"\0", b"obj", b"objx", b"endobj", b"stream", b"%", b"<<", b"R", b"x",
           b"123456", b"1234567890", b"ob", b"j", b"obj_", b"obj/", b"\n" * 3, b" " * 70, b"\xff"]


_NUMBERS = [b"1", b"12", b"0", b"65535", b"123456", b"1234567890", b"12345678901"]
_WHITE = [b" ", b"\t", b"\r", b"\n", b"\r\n", b"\f", b"\0", b"  ", b" " * 300, b"\n \r\t"]


def _fragment(rng: random.Random) -> bytes:
    """A header, a near-header (a part missing, too many digits, `objx`) or a bare token."""
    if rng.random() < 0.4:
        return rng.choice(_TOKENS)
    parts = [rng.choice(_NUMBERS), rng.choice(_WHITE), rng.choice(_NUMBERS),
             rng.choice(_WHITE), rng.choice([b"obj", b"obj", b"objx", b"ob"])]
    if rng.random() < 0.2:
        del parts[rng.randrange(len(parts))]
    return b"".join(parts)


def _reference(raw: bytes) -> list[tuple[int, int, int]]:
    return [(m.start(), int(m.group(1)), int(m.group(2)))
            for m in structure._OBJ_HEADER_RE.finditer(raw)]


SCANNED: list[int] = []  # how many inputs the backward scan read to the end (not too much white)


def _both_ways(raw: bytes) -> list[list[tuple[int, int, int]]]:
    """The headers as object_headers gives them, and by each of its two ways (the scan's
    when it reads the input to the end, else the reference's again)."""
    first = [h for h in _reference(raw) if h[0] == 0]  # the one header without a line end before
    scanned = structure._headers_by_scan(raw)
    if scanned is not None:
        SCANNED.append(1)
    return [list(structure.object_headers(raw)), first + list(structure._headers_by_pattern(raw)),
            first + scanned if scanned is not None else _reference(raw)]


def test_the_scan_finds_what_the_reference_pattern_finds_on_byte_soup() -> None:
    rng = random.Random(20261205)
    found = 0
    for _ in range(20000):
        raw = b"".join(_fragment(rng) for _ in range(rng.randint(0, 12)))
        expected = _reference(raw)
        assert _both_ways(raw) == [expected] * 3, raw
        found += len(expected)
    assert found > 100  # the soup does hold headers, at the start and after every end of line
    assert len(SCANNED) > 5000  # and most of it is read by the scan to the end


def test_the_scan_finds_every_object_of_a_written_pdf(tmp_path) -> None:
    import pikepdf

    path = tmp_path / "a.pdf"
    with pikepdf.new() as pdf:
        for _ in range(5):
            pdf.add_blank_page()
        pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    raw = path.read_bytes()
    headers = list(structure.object_headers(raw))
    assert headers == _reference(raw)
    with pikepdf.open(path) as pdf:
        assert len(headers) == len(pdf.objects)


def test_the_scan_finds_what_the_reference_pattern_finds_in_real_files() -> None:
    """Every PDF of the examples, and of the shared corpus where it is present."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    files = sorted(root.glob("examples/**/*.pdf")) + sorted((root.parent / "shared" / "corpus").glob("*.pdf"))
    assert files
    for path in files:
        raw = path.read_bytes()
        assert _both_ways(raw) == [_reference(raw)] * 3, path.name


def _unpredict_reference(data: bytes, columns: int) -> list[bytes]:
    """The PNG predictors as the PNG specification writes them, one byte at a time."""
    rows, prev = [], bytearray(columns)
    for i in range(0, len(data) - columns, columns + 1):
        kind, row = data[i], bytearray(data[i + 1:i + 1 + columns])
        for j in range(columns):
            left = row[j - 1] if j else 0
            up, upleft = prev[j], prev[j - 1] if j else 0
            p = left + up - upleft
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
            paeth = left if pa <= pb and pa <= pc else (up if pb <= pc else upleft)
            if kind <= 4:
                row[j] = (row[j] + (0, left, up, (left + up) // 2, paeth)[kind]) & 0xFF
        prev = row
        rows.append(bytes(row))
    return rows


def test_the_xref_streams_predictors_are_undone_as_png_defines_them() -> None:
    rng = random.Random(6122026)
    for _ in range(300):
        columns = rng.randint(1, 9)
        rows = rng.randint(0, 12)
        data = b"".join(bytes([rng.choice([0, 1, 2, 2, 2, 3, 4, 5, 255])])
                        + bytes(rng.randrange(256) for _ in range(columns)) for _ in range(rows))
        data += bytes(rng.randrange(256) for _ in range(rng.randint(0, columns)))  # a cut-off row
        assert list(structure._unpredict(data, columns, 12)) == _unpredict_reference(data, columns)


def test_a_file_dense_with_obj_is_read_by_the_pattern(monkeypatch) -> None:
    """A made file of `obj obj obj ...` would cost the scan a Python step per `obj` (0.6 s per
    2 MB, against 0.06 s for the pattern): such a file goes through the pattern, whose cost
    is per byte; a bundle, with one `obj` per thousand bytes or so, through the scan."""
    raw = b"%PDF-1.7\n" + b"obj " * 500_000 + b"\n1 0 obj\n"
    monkeypatch.setattr(structure, "_headers_by_scan", lambda raw: pytest.fail("scanned"))
    assert list(structure.object_headers(raw)) == _reference(raw) == [(len(raw) - 8, 1, 0)]

    bundle = b"%PDF-1.7\n" + b"".join(b"%d 0 obj\n<< /Length 990 >>\nstream\n" % n + bytes(990)
                                       + b"\nendstream\nendobj\n" for n in range(1, 50))
    monkeypatch.setattr(structure, "_headers_by_scan", lambda raw: [(9, 1, 0)])
    monkeypatch.setattr(structure, "_headers_by_pattern", lambda raw: pytest.fail("by the pattern"))
    assert list(structure.object_headers(bundle)) == [(9, 1, 0)]


def test_long_white_space_before_obj_sends_the_file_to_the_pattern() -> None:
    """Read backwards, a long run of white space would cost a Python step per byte: the scan
    gives up on it and the pattern reads the file, with the same headers."""
    raw = b"%PDF-1.7\n" + (b"\n12" + b" " * 40 + b"0 obj\n" + bytes(600)) * 3 + b"\n5 0 obj\n"
    assert structure._headers_by_scan(raw) is None
    assert list(structure.object_headers(raw)) == _reference(raw)
    assert [h[1] for h in _reference(raw)] == [12, 12, 12, 5]
