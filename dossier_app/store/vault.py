"""Authenticated encryption for everything Tafeldossier keeps on disk (AES-256-GCM).

Blob format: b"TDV1" | 12-byte nonce | ciphertext with 16-byte tag. The associated data
binds a blob to its purpose (and name), so a blob cannot be swapped for another."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"TDV1"
NONCE = 12
KEY_BYTES = 32


class VaultError(Exception):
    """A blob is not ours, was truncated or was tampered with."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, blob: bytes, aad: bytes) -> bytes:
    if len(blob) < len(MAGIC) + NONCE + 16 or not blob.startswith(MAGIC):
        raise VaultError("geen geldig versleuteld bestand")
    nonce = blob[len(MAGIC):len(MAGIC) + NONCE]
    try:
        return AESGCM(key).decrypt(nonce, blob[len(MAGIC) + NONCE:], aad)
    except InvalidTag as exc:
        raise VaultError("bestand is beschadigd of gewijzigd") from exc
