"""The object-header scan of verify's layout check: the fast scan finds exactly the headers
the reference pattern finds, on real bundles and on byte soup made of the tokens that
matter (digits, every kind of white space, `obj`, ends of line at odd places)."""

from __future__ import annotations

import random

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


def test_the_scan_finds_what_the_reference_pattern_finds_on_byte_soup() -> None:
    rng = random.Random(20261205)
    found = 0
    for _ in range(20000):
        raw = b"".join(_fragment(rng) for _ in range(rng.randint(0, 12)))
        expected = _reference(raw)
        assert list(structure.object_headers(raw)) == expected, raw
        found += len(expected)
    assert found > 100  # the soup does hold headers, at the start and after every end of line


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
        assert list(structure.object_headers(raw)) == _reference(raw), path.name


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
