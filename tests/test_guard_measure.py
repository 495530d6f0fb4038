"""The inflated size of a stream and whether bytes follow its compressed end, measured once
per process for the same bytes: the answer from memory is the measurement's, for data
that fits, data beyond the cap, data with bytes after its end and damaged data."""

from __future__ import annotations

import random
import zlib

from dossier_app.bundle import guard
from dossier_app.store.memory import ContentMemory


def test_sizes_from_memory_are_the_measurements(monkeypatch) -> None:
    monkeypatch.setattr(guard, "_MEASURED", ContentMemory())
    rng = random.Random(6122026)
    body = bytes(rng.randrange(256) for _ in range(5000)) * 40
    cases = [zlib.compress(b"BT (Noor) Tj ET" * 100), zlib.compress(body),
             zlib.compress(b"abc") + b"  \n", zlib.compress(b"abc") + b"verborgen",
             zlib.compress(body)[:3000], b"geen zlib"]
    for cap in (1 << 30, 1000):
        for raw in cases:
            first = guard._inflated_size_known(raw, cap)
            assert first == guard.inflated_size(raw, cap)
            assert guard._inflated_size_known(raw, cap) == first  # from memory, the same
    assert len(guard._MEASURED) == 2 * len(cases)  # by bytes and cap: none taken for another
    assert guard._inflated_size_known(cases[1], 1000)[0] <= 1000 + guard._CHUNK
    assert guard._inflated_size_known(cases[1], 1 << 30)[0] == len(body)
    assert guard._inflated_size_known(cases[3], 1 << 30) == (3, True)


def test_the_memory_is_bounded() -> None:
    from dossier_app.store.memory import ContentMemory

    memory: ContentMemory[int] = ContentMemory(most=3)
    for n in range(3):
        memory.put(bytes([n]), n)
    assert [memory.get(bytes([n])) for n in range(3)] == [0, 1, 2] and len(memory) == 3
    memory.put(b"x", 9)  # full: emptied first
    assert len(memory) == 1 and memory.get(b"x") == 9 and memory.get(b"\x00") is None
