"""Answers this process worked out before, by a digest of everything they depend on.

For pure functions of content: a stream's inflated size (`bundle/guard`), the digest of
its decoded data (`bundle/hashing`), whether the gate found it clean (`anonymise/gate`). A
rebuild in the wizard's processes meets the same fonts and pages again. Only digests and
small answers are kept, never content; bounded, and emptied when full. Nothing is written.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

V = TypeVar("V")

MOST = 20_000  # a 200-page bundle has about 900 streams


class ContentMemory(Generic[V]):
    """Answers by key (a digest of everything the answer depends on), for one process."""

    def __init__(self, most: int = MOST) -> None:
        self._answers: dict[bytes, V] = {}
        self._lock = threading.Lock()
        self._most = most

    def get(self, key: bytes) -> V | None:
        with self._lock:
            return self._answers.get(key)

    def put(self, key: bytes, answer: V) -> None:
        with self._lock:
            if len(self._answers) >= self._most:
                self._answers.clear()
            self._answers[key] = answer

    def __len__(self) -> int:
        return len(self._answers)
