"""The object-header scan of verify's layout check: the fast scan finds exactly the headers
the reference pattern finds, on real bundles and on byte soup made of the tokens that
matter (digits, every kind of white space, `obj`, ends of line at odd places)."""

from __future__ import annotations

import random

from dossier_app.bundle import structure

_TOKENS = [b"1", b"12", b"0", b"65535", b"12345678901", b" ", b"\t", b"\r", b"\n", b"\r\n",
           b"\f", b"\0", b"obj", b"objx", b"endobj", b"stream", b"%", b"<<", b"R", b"x"]


_WHITE = [b" ", b"\t", b"\r", b"\n", b"\r\n", b"\f", b"\0", b"  "]


def _fragment(rng: random.Random) -> bytes:
    """A header, a near-header (a part missing, too many digits, `objx`) or a bare token."""
    if rng.random() < 0.4:
        return rng.choice(_TOKENS)
    parts = [rng.choice(_TOKENS[:5]), rng.choice(_WHITE), rng.choice(_TOKENS[:5]),
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
    for _ in range(5000):
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
