"""A PDF's objects as plain Python values, for the gate's object walk.

Walking thousands of objects through pikepdf's proxies costs a call into C++ for every
key, item and type test (0.3 s for a 200-page bundle). qpdf can write each object as JSON
(schema version 2) in C++ instead, which `json.loads` reads in C: the walk then runs over
dicts, lists and strings. In that schema every string value says what it is:

- ``"u:text"`` a PDF string that is text, ``"b:6869"`` one that is not (hex bytes);
- ``"/Name"`` a name, ``"n:/X#ff"`` a name that is not UTF-8 (its bytes #-escaped);
- ``"12 0 R"`` a reference to another object; numbers, booleans and null as in JSON.

A stream's value is its dictionary; its data is read through pikepdf (`streams`).
qpdf writes a number as the file has it, and a few odd forms ("+.5", "-00.5") are not
JSON: such an object is converted through pikepdf instead (`_plain`), into the same values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

Key = tuple[int, int]

MAX_DEPTH = 64  # nesting deeper than this is not followed (as the walk always did)
_REF = re.compile(r"(\d+) (\d+) R")
_MAX_HOPS = 32  # a chain of references to references longer than this is broken anyway


def ref(value: object) -> Key | None:
    """The object a reference value points to; None for any other value."""
    if isinstance(value, str) and value[:1].isdigit():
        match = _REF.fullmatch(value)
        if match:
            return int(match[1]), int(match[2])
    return None


class PdfObjects:
    """Every object of an open PDF: `values` by (number, generation), the pikepdf stream
    for each stream (its data), and the pages in order."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.values: dict[Key, Any] = {}
        self.streams: dict[Key, pikepdf.Stream] = {}
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Object):
                continue  # an indirect number, true/false or null: pikepdf gives its value
            key = obj.objgen
            self.values[key] = plain_value(obj)
            if isinstance(obj, pikepdf.Stream):
                self.streams[key] = obj
        self.pages: list[Key] = [page.obj.objgen for page in pdf.pages]

    def resolve(self, value: Any) -> Any:
        """What a value is after following references (an unknown object is null)."""
        for _ in range(_MAX_HOPS):
            key = ref(value)
            if key is None:
                return value
            value = self.values.get(key)
        return None

    def get(self, value: Any, name: str) -> Any:
        """`value[name]` resolved, for a dictionary; None otherwise or when absent."""
        return self.resolve(value.get(name)) if isinstance(value, dict) else None

    def is_container(self, key: Key) -> bool:
        return isinstance(self.values.get(key), dict | list)


def plain_value(obj: pikepdf.Object) -> Any:
    """One indirect object as a plain value: qpdf's JSON, or `_plain` when that is not JSON."""
    try:
        return json.loads(obj.to_json(dereference=True, schema_version=2))
    except (ValueError, RecursionError):
        return _plain(obj, 0, top=True)


def _plain(obj: object, depth: int, top: bool = False) -> Any:
    """The value qpdf's JSON would give, made through pikepdf (the rare object whose
    numbers qpdf writes in a form JSON does not accept)."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(obj, pikepdf.Object) and obj.is_indirect and not top:
        number, generation = obj.objgen
        return f"{number} {generation} R"
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, Dictionary):
        return {_name_value(key.encode("utf-8", "surrogateescape")): _plain(item, depth + 1)
                for key, item in obj.items()}
    if isinstance(obj, Array):
        return [_plain(item, depth + 1) for item in obj]
    return _plain_scalar(obj)


def _plain_scalar(obj: object) -> Any:
    if isinstance(obj, pikepdf.String):
        return "b:" + bytes(obj).hex()
    if isinstance(obj, Name):
        return _name_value(_unescaped(bytes(obj.unparse())))
    if isinstance(obj, bool) or obj is None:
        return obj
    return 0 if isinstance(obj, int | Decimal) else None  # numbers carry no text


def _name_value(raw: bytes) -> str:
    """A name (its bytes, with the slash) as the JSON schema writes it: UTF-8 as it is,
    other bytes as "n:" and the name with #xx escapes."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "n:" + "".join(chr(b) if 0x21 <= b < 0x7F and b != 0x23 else f"#{b:02x}" for b in raw)


def _unescaped(name: bytes) -> bytes:
    return re.sub(rb"#([0-9a-fA-F]{2})", lambda m: bytes([int(m[1], 16)]), name)


def text_of(value: str) -> str | None:
    """The text of a string or name value (a name without its slash); None for a reference."""
    if value.startswith("u:"):
        return value[2:]
    if value.startswith("/"):
        return value[1:]
    if value.startswith("b:"):
        return str(pikepdf.String(bytes.fromhex(value[2:])))  # PDFDocEncoding, as pikepdf reads it
    if value.startswith("n:"):
        return _unescaped_name(value[2:])[1:]
    return None


def _unescaped_name(name: str) -> str:
    raw = _unescaped(name.encode("utf-8", "surrogateescape"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def strings(value: Any, objects: PdfObjects) -> Iterator[str]:
    """Every string, name and dictionary key inside a value, decoded. A reference to a
    string or name counts here too; a referenced dictionary or array does not (the walk
    visits it on its own)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            text = text_of(item)
            if text is not None:
                yield text
            else:
                target = objects.resolve(item)
                if isinstance(target, str) and ref(target) is None:
                    stack.append((target, depth))
        elif depth > MAX_DEPTH:
            continue
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                stack.append((child, depth + 1))
                stack.append((key, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in reversed(item))
