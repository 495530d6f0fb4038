"""The bundle's file structure as bytes: one reading, the same for every PDF reader.

Viewers and libraries differ in how they read a PDF that is not clean: qpdf rebuilds a
damaged cross-reference table by scanning and takes the *last* definition of an object,
PDFium and poppler follow the cross-reference and show another one. A bundle is only
checked when there is no room for such a difference:

- the file starts with `%PDF-` and ends with its one `startxref … %%EOF` (no bytes before
  or after, no incremental update, no `/Prev`);
- every object header in the file stands at the offset the cross-reference gives for it,
  and is there once; between objects there is only white space;
- every object stream holds exactly the objects the cross-reference puts in it;
- every object is reachable from the trailer (no orphan with content nobody checks).

`check_layout` reads only the raw bytes and the cross-reference it finds through
`startxref`; `orphans` needs the qpdf view. Both return English reasons (for the log and
for tests); verify turns them into one Dutch message.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import pikepdf

HEADER_RE = re.compile(rb"%PDF-[12]\.\d\r?\n")
_BINARY_COMMENT_RE = re.compile(rb"%[^\r\n]{0,64}\r?\n")
_OBJ_HEADER_RE = re.compile(rb"(?:^|(?<=[\r\n]))(\d{1,10})[ \t\r\n\f\0]+(\d{1,5})[ \t\r\n\f\0]+obj\b")
_WS = b" \t\r\n\f\0"
_MAX_XREF_BYTES = 64 * 1024 * 1024


class LayoutError(ValueError):
    """The bytes do not have the one unambiguous layout (English reason)."""


@dataclass
class XrefTable:
    offsets: dict[tuple[int, int], int] = field(default_factory=dict)  # type 1: (num, gen) -> offset
    in_stream: dict[int, int] = field(default_factory=dict)  # type 2: num -> object stream num
    xref_at: int = 0
    xref_obj: tuple[int, int] | None = None  # the xref stream itself, when there is one


def object_headers(raw: bytes) -> Iterator[tuple[int, int, int]]:
    """(offset, number, generation) of every object header at the start of a line, in file
    order: exactly what `_OBJ_HEADER_RE.finditer` finds.

    Two ways to the same list. Most of a bundle is stream data where no `obj` stands: there
    the scan goes from one `obj` to the next (a C search) and reads each header backwards
    (a 2 MB bundle: 8 against 21 ms). The pattern's parts cannot trade bytes (digits, white
    space, digits, white space), so each `obj` closes at most one header and two headers
    never overlap: the matches the pattern finds. A file dense with `obj`, or with long
    white space before one (a made file), would cost the scan many Python steps: it goes
    through the pattern after every end of line, whose cost is per byte."""
    first = _OBJ_HEADER_RE.match(raw)
    if first is not None:
        yield 0, int(first.group(1)), int(first.group(2))
    scanned = _headers_by_scan(raw) if raw.count(b"obj") * _BYTES_PER_OBJ_FOR_SCAN <= len(raw) else None
    yield from scanned if scanned is not None else _headers_by_pattern(raw)


_BYTES_PER_OBJ_FOR_SCAN = 500  # a bundle: one `obj` (or `endobj`) per ~700-1,100 bytes
_MAX_WHITE_SCANNED = 32  # qpdf writes one space; a longer run: the pattern reads the file
# The header after an end of line, the end of line included: a pattern that opens with a
# character class lets the regex engine skip to the next \r or \n, where `_OBJ_HEADER_RE`
# tries its lookbehind at every byte (a 2 MB bundle: 21 against 63 ms).
_OBJ_HEADER_AFTER_EOL_RE = re.compile(rb"[\r\n](\d{1,10})[ \t\r\n\f\0]+(\d{1,5})[ \t\r\n\f\0]+obj\b")


def _headers_by_pattern(raw: bytes) -> Iterator[tuple[int, int, int]]:
    for m in _OBJ_HEADER_AFTER_EOL_RE.finditer(raw):
        yield m.start(1), int(m.group(1)), int(m.group(2))


class _LongWhite(Exception):
    """White space longer than `_MAX_WHITE_SCANNED` before an `obj` or its generation."""


def _headers_by_scan(raw: bytes) -> list[tuple[int, int, int]] | None:
    """The headers by the backward reading of each `obj`; None when a run of white space
    was too long to read that way (the caller then uses the pattern)."""
    found = []
    at = raw.find(b"obj")
    try:
        while at >= 0:
            header = _header_before(raw, at)
            if header is not None:
                found.append(header)
            at = raw.find(b"obj", at + 3)
    except _LongWhite:
        return None
    return found


_WORD_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_DIGIT_BYTES = frozenset(b"0123456789")
_WS_BYTES = frozenset(_WS)


def _header_before(raw: bytes, at: int) -> tuple[int, int, int] | None:
    """The header `\n<number> <generation> obj` whose `obj` is at `at`, as the pattern
    after an end of line reads it: `obj` not followed by a word byte, 1-5 digits and
    1-10 digits, each run whole, white space after each, an end of line before."""
    if at + 3 < len(raw) and raw[at + 3] in _WORD_BYTES:
        return None
    gen_end = _skip_white(raw, at - 1)
    if gen_end == at - 1:
        return None
    gen_start = _skip_back(raw, gen_end, _DIGIT_BYTES, 6)
    if not 1 <= gen_end - gen_start <= 5 or gen_start < 0 or raw[gen_start] not in _WS_BYTES:
        return None
    num_end = _skip_white(raw, gen_start)
    num_start = _skip_back(raw, num_end, _DIGIT_BYTES, 11)
    if not 1 <= num_end - num_start <= 10 or num_start < 0 or raw[num_start] not in (0x0A, 0x0D):
        return None
    return (num_start + 1, int(raw[num_start + 1:num_end + 1]), int(raw[gen_start + 1:gen_end + 1]))


def _skip_white(raw: bytes, k: int) -> int:
    stop = _skip_back(raw, k, _WS_BYTES, _MAX_WHITE_SCANNED)
    if k - stop >= _MAX_WHITE_SCANNED:
        raise _LongWhite
    return stop


def _skip_back(raw: bytes, k: int, kind: frozenset[int], most: int) -> int:
    """From index `k` backwards over bytes of `kind` (at most `most` of them): the index of
    the first byte before them that is not (-1 at the start of the file)."""
    stop = max(k - most, -1)
    while k > stop and raw[k] in kind:
        k -= 1
    return k


Header = tuple[int, int, int]  # offset, number, generation (`object_headers`)


def check_layout(raw: bytes, max_objects: int, headers: Sequence[Header] | None = None) -> XrefTable:
    """Raise LayoutError unless the file has one revision and every byte is where it belongs.
    `headers`: `object_headers(raw)` when the caller has them already (verify: `prescan`
    reads them too)."""
    if not HEADER_RE.match(raw):
        raise LayoutError("bytes before %PDF- or no header")
    end = raw.rstrip(_WS)
    if not end.endswith(b"%%EOF"):
        raise LayoutError("bytes after the last %%EOF")
    if raw.count(b"%%EOF") != 1 or raw.count(b"startxref") != 1:
        raise LayoutError("more than one revision")
    tail = re.search(rb"startxref[ \t\r\n]+(\d{1,12})[ \t\r\n]+%%EOF$", end)
    if tail is None:
        raise LayoutError("startxref not at the end")
    table = _read_xref(raw, int(tail.group(1)), max_objects)
    _check_headers(raw, table, tail.start(), object_headers(raw) if headers is None else headers)
    return table


def _read_xref(raw: bytes, at: int, max_objects: int) -> XrefTable:
    if at >= len(raw):
        raise LayoutError("startxref points outside the file")
    if raw.startswith(b"xref", at):
        return _read_xref_table(raw, at, max_objects)
    return _read_xref_stream(raw, at, max_objects)


def _read_xref_table(raw: bytes, at: int, max_objects: int) -> XrefTable:
    table = XrefTable(xref_at=at)
    pos = at + 4
    section = re.compile(rb"[ \t\r\n]*(\d{1,10}) (\d{1,10})[ \t]*\r?\n")
    while True:
        m = section.match(raw, pos)
        if m is None:
            break
        first, count = int(m.group(1)), int(m.group(2))
        if count > max_objects or len(table.offsets) + count > max_objects:
            raise LayoutError("too many objects")
        pos = m.end()
        for i in range(count):
            entry = raw[pos:pos + 20]
            if len(entry) < 18 or entry[17:18] not in (b"n", b"f"):
                raise LayoutError("broken xref entry")
            if entry[17:18] == b"n":
                table.offsets[(first + i, int(entry[11:16]))] = int(entry[0:10])
            pos += 20
    trailer = re.compile(rb"[ \t\r\n]*trailer[ \t\r\n]*<<").match(raw, pos)
    if trailer is None:
        raise LayoutError("no trailer after the xref table")
    text = raw[trailer.end():raw.find(b"startxref", trailer.end())]
    if b"/Prev" in text or b"/XRefStm" in text:
        raise LayoutError("trailer with /Prev or /XRefStm")
    return table


def _dict_text(raw: bytes, at: int) -> tuple[int, int, bytes]:
    """Object number, generation and dictionary text of the stream object at `at`."""
    m = re.compile(rb"(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+obj[ \t\r\n]*<<").match(raw, at)
    if m is None:
        raise LayoutError("startxref does not point to an xref")
    stream_at = raw.find(b"stream", m.end(), m.end() + 4096)
    if stream_at < 0:
        raise LayoutError("xref stream without data")
    return int(m.group(1)), int(m.group(2)), raw[m.end():stream_at]


def _int_key(text: bytes, key: bytes) -> int | None:
    m = re.search(rb"/" + key + rb"[ \t\r\n]+(\d{1,12})(?![ \t\r\n]+\d+[ \t\r\n]+R)", text)
    return int(m.group(1)) if m else None


def _array_key(text: bytes, key: bytes) -> list[int]:
    m = re.search(rb"/" + key + rb"[ \t\r\n]*\[([0-9 \t\r\n]*)\]", text)
    if m is None:
        return []
    return [int(v) for v in m.group(1).split()]


def _read_xref_stream(raw: bytes, at: int, max_objects: int) -> XrefTable:
    num, gen, text = _dict_text(raw, at)
    if b"/XRef" not in text or b"/Prev" in text:
        raise LayoutError("not a single xref stream")
    widths, length, size = _array_key(text, b"W"), _int_key(text, b"Length"), _int_key(text, b"Size")
    if len(widths) != 3 or length is None or size is None or size > max_objects + 1:
        raise LayoutError("xref stream dictionary not understood")
    index = _array_key(text, b"Index") or [0, size]
    start = raw.find(b"stream", at) + 6
    start += 2 if raw[start:start + 2] == b"\r\n" else 1
    data = _inflate(raw[start:start + length], _MAX_XREF_BYTES) if b"/FlateDecode" in text else \
        raw[start:start + length]
    columns = _int_key(text, b"Columns") or sum(widths)
    predictor = _int_key(text, b"Predictor") or 1
    rows = _unpredict(data, columns, predictor)
    table = XrefTable(xref_at=at, xref_obj=(num, gen))
    _fill(table, rows, widths, index)
    return table


def _inflate(data: bytes, cap: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, cap)
    except zlib.error as exc:
        raise LayoutError("xref stream does not inflate") from exc
    if inflater.unconsumed_tail:
        raise LayoutError("xref stream too large")
    return out


def _unpredict(data: bytes, columns: int, predictor: int) -> Iterator[bytes]:
    """The rows of an xref stream, PNG predictors undone. qpdf writes "Up" (2) on every row:
    that one is a sum of two rows, not a loop with a branch per byte."""
    if predictor < 10:
        for i in range(0, len(data) - columns + 1, columns):
            yield data[i:i + columns]
        return
    prev = bytes(columns)
    for i in range(0, len(data) - columns, columns + 1):
        kind, row = data[i], data[i + 1:i + 1 + columns]
        if kind == 2:
            row = bytes([(a + b) & 0xFF for a, b in zip(row, prev, strict=True)])
        elif 1 <= kind <= 4:
            row = _unfilter(kind, bytearray(row), prev)
        prev = row
        yield row


def _unfilter(kind: int, row: bytearray, prev: bytes) -> bytes:
    """PNG filters Sub (1), Average (3) and Paeth (4) undone, left to right."""
    for j in range(len(row)):
        left = row[j - 1] if j else 0
        up, upleft = prev[j], prev[j - 1] if j else 0
        if kind == 1:
            add = left
        elif kind == 3:
            add = (left + up) // 2
        else:
            add = _paeth(left, up, upleft)
        row[j] = (row[j] + add) & 0xFF
    return bytes(row)


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _fill(table: XrefTable, rows: Iterator[bytes], widths: list[int], index: list[int]) -> None:
    numbers = (n for first, count in zip(index[0::2], index[1::2], strict=False)
               for n in range(first, first + count))
    w0, w1, _ = widths
    for num, row in zip(numbers, rows, strict=False):
        kind = int.from_bytes(row[:w0], "big") if w0 else 1
        a = int.from_bytes(row[w0:w0 + w1], "big")
        b = int.from_bytes(row[w0 + w1:], "big")
        if kind == 1:
            table.offsets[(num, b)] = a
        elif kind == 2:
            table.in_stream[num] = a


def _check_headers(raw: bytes, table: XrefTable, startxref_at: int, headers: Iterable[Header]) -> None:
    """Each object header once, at the offset the xref gives; only white space between."""
    by_offset = {off: key for key, off in table.offsets.items()}
    seen: set[tuple[int, int]] = set()
    for offset, number, generation in headers:
        key = (number, generation)
        if by_offset.get(offset) != key or key in seen:
            raise LayoutError("object defined outside the xref or twice")
        seen.add(key)
    if seen != set(table.offsets):
        raise LayoutError("xref points to no object header")
    _check_gaps(raw, sorted(table.offsets.values()), table, startxref_at)


def _check_gaps(raw: bytes, starts: list[int], table: XrefTable, startxref_at: int) -> None:
    header = HEADER_RE.match(raw)
    assert header is not None
    pos = header.end()
    comment = _BINARY_COMMENT_RE.match(raw, pos)
    if comment is not None:
        pos = comment.end()
    ends = [*starts[1:], table.xref_at if table.xref_obj is None else startxref_at]
    if starts and raw[pos:starts[0]].strip(_WS):
        raise LayoutError("bytes between the header and the first object")
    for start, end in zip(starts, ends, strict=True):
        _check_object_span(raw, start, end)


def _one_top_level_object(raw: bytes, start: int, end: int) -> None:
    header = _OBJ_HEADER_RE.match(raw, start)
    body = raw[header.end() if header else start:end]
    if has_comment(body):
        raise LayoutError("comment inside an object")
    if not one_object(body):
        raise LayoutError("bytes after an object")


def _check_object_span(raw: bytes, start: int, end: int) -> None:
    """From one object's header to the next: the object, its `endobj`, white space. A plain
    object ends at its first `endobj`; a stream object at `endstream endobj` after /Length
    bytes of data (the data itself may hold any bytes)."""
    first_end = raw.find(b"endobj", start, end)
    stream_at = raw.find(b"stream", start, end)
    if first_end < 0:
        raise LayoutError("object without endobj")
    if stream_at < 0 or stream_at > first_end:
        if raw[first_end + 6:end].strip(_WS):
            raise LayoutError("bytes after an object")
        _one_top_level_object(raw, start, first_end)
        return
    _one_top_level_object(raw, start, stream_at)
    length = _int_key(raw[start:stream_at], b"Length")
    if length is None:  # an indirect /Length (qpdf never writes one): the last endobj ends it
        last = raw.rfind(b"endobj", start, end)
        if raw[last + 6:end].strip(_WS):
            raise LayoutError("bytes after an object")
        return
    data = stream_at + 6 + (2 if raw[stream_at + 6:stream_at + 8] == b"\r\n" else 1)
    if not re.fullmatch(rb"[ \t\r\n\f\0]*endstream[ \t\r\n\f\0]*endobj[ \t\r\n\f\0]*",
                        raw[data + length:end]):
        raise LayoutError("bytes after the stream data")


def has_comment(text: bytes) -> bool:
    """A `%` outside strings: a comment, which every reader skips and nobody sees."""
    if b"%" not in text:
        return False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == 0x25:  # %
            return True
        if c == 0x28:  # ( a literal string, nested parentheses and backslash escapes
            depth, i = 1, i + 1
            while i < n and depth:
                c = text[i]
                if c == 0x5C:  # backslash
                    i += 1
                elif c == 0x28:
                    depth += 1
                elif c == 0x29:
                    depth -= 1
                i += 1
            continue
        if c == 0x3C and text[i + 1:i + 2] != b"<":  # < a hex string (not <<)
            close = text.find(b">", i)
            i = n if close < 0 else close + 1
            continue
        if c == 0x3C:
            i += 2
            continue
        i += 1
    return False


_DELIMS = b"()<>[]{}/%"
_SPACE = frozenset(b" \t\r\n\f\0")


_FAST_TOKEN_RE = re.compile(rb"<<|>>|[\[\]{}]|<[^<>]*>|/?[^ \t\r\n\f\0()<>\[\]{}/%]+|/|[^ \t\r\n\f\0]")


def _tokens(text: bytes) -> Iterator[bytes]:
    """PDF tokens: << >> [ ] strings (whole), names, numbers and keywords; comments end it."""
    if b"(" not in text and b"%" not in text:  # no literal string, no comment: one regex pass
        yield from _FAST_TOKEN_RE.findall(text)
        return
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in _SPACE:
            i += 1
        elif text.startswith(b"<<", i) or text.startswith(b">>", i):
            yield text[i:i + 2]
            i += 2
        elif c in b"[]{}":
            yield text[i:i + 1]
            i += 1
        elif c == 0x28:
            start, depth, i = i, 1, i + 1
            while i < n and depth:
                depth += {0x28: 1, 0x29: -1}.get(text[i], 0)
                i += 2 if text[i] == 0x5C else 1
            yield text[start:i]
        elif c == 0x3C:
            close = text.find(b">", i)
            end = n if close < 0 else close + 1
            yield text[i:end]
            i = end
        else:
            start, i = i, i + 1
            while i < n and text[i] not in _SPACE and text[i] not in _DELIMS:
                i += 1
            yield text[start:i]


def one_object(text: bytes) -> bool:
    """True when `text` holds exactly one PDF object (a reference counts as one): anything
    after it is ignored by readers, so it would be a channel nobody checks."""
    tokens = list(_tokens(text))
    if not tokens:
        return False
    if tokens[0] in (b"<<", b"["):
        depth = 0
        for i, tok in enumerate(tokens):
            depth += 1 if tok in (b"<<", b"[") else -1 if tok in (b">>", b"]") else 0
            if depth == 0:
                return i == len(tokens) - 1
        return False
    if len(tokens) == 3 and tokens[2] == b"R" and tokens[0].isdigit() and tokens[1].isdigit():
        return True
    return len(tokens) == 1


def object_stream_members(pdf: pikepdf.Pdf, table: XrefTable) -> None:
    """Each object stream holds exactly the objects the xref places in it."""
    expected: dict[int, set[int]] = {}
    for num, container in table.in_stream.items():
        expected.setdefault(container, set()).add(num)
    for container, members in expected.items():
        stream = pdf.get_object((container, 0))
        if not isinstance(stream, pikepdf.Stream) or stream.get("/Type") != pikepdf.Name.ObjStm:
            raise LayoutError("xref points into something that is not an object stream")
        first = int(stream.get("/First", 0))
        data = stream.read_bytes()
        if not re.fullmatch(rb"[0-9 \t\r\n\f\0]*", data[:first]):
            raise LayoutError("object stream header not understood")
        if has_comment(data[first:]):
            raise LayoutError("comment inside an object")
        _one_object_each(data, first)
        head = data[:first].split()
        found = [int(v) for v in head[0::2]]
        if len(found) != int(stream.get("/N", -1)) or sorted(found) != sorted(members) or \
                len(set(found)) != len(found):
            raise LayoutError("object stream holds other objects than the xref lists")
    for num in expected:
        table.offsets.setdefault((num, 0), -1)


def _one_object_each(data: bytes, first: int) -> None:
    numbers = data[:first].split()
    offsets = [int(v) for v in numbers[1::2]]
    for a, b in zip(offsets, [*offsets[1:], len(data) - first], strict=True):
        if not one_object(data[first + a:first + b]):
            raise LayoutError("bytes after an object")


def orphans(pdf: pikepdf.Pdf, table: XrefTable, max_objects: int) -> int:
    """Objects in the file that nothing reaches from the trailer (object streams aside)."""
    listed = set(table.offsets) | {(n, 0) for n in table.in_stream}
    containers = {(c, 0) for c in table.in_stream.values()}
    if table.xref_obj is not None:
        containers.add(table.xref_obj)
    reached = reachable(pdf.trailer, max_objects)
    return len(listed - containers - reached)


def reachable(root: pikepdf.Object, max_objects: int) -> set[tuple[int, int]]:
    """Object ids reachable from `root`, walked without recursion."""
    seen: set[tuple[int, int]] = set()
    todo: list[pikepdf.Object] = [root]
    while todo:
        obj = todo.pop()
        if not isinstance(obj, pikepdf.Object):
            continue  # numbers and booleans come back as Python values
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
            if len(seen) > max_objects:
                raise LayoutError("too many objects")
        if isinstance(obj, pikepdf.Stream):
            todo.extend(obj.stream_dict.values())
        elif isinstance(obj, pikepdf.Dictionary):
            todo.extend(obj.values())
        elif isinstance(obj, pikepdf.Array):
            todo.extend(obj)
    return seen


class TooLargeError(LayoutError):
    """A resource limit: the file is refused before qpdf parses it."""


_REF_RE = re.compile(rb"\d+[ \t\r\n\f\0]+\d+[ \t\r\n\f\0]+R(?![A-Za-z0-9_])")


def prescan(raw: bytes, *, max_objects: int, max_object_bytes: int, max_stream_bytes: int,
            max_references: int, headers: Sequence[Header] | None = None) -> None:
    """Bound what qpdf will parse, before it parses anything: the number of objects and the
    size of every object that is not stream data, also inside object streams (an array
    naming one page a million times is 7 MB of references that qpdf turns into gigabytes).
    Works on the raw bytes alone, whatever the cross-reference says."""
    starts = [offset for offset, _, _ in (object_headers(raw) if headers is None else headers)]
    count, refs = len(starts), 0
    for start, end in zip(starts, [*starts[1:], len(raw)], strict=True):
        if count > max_objects:
            raise TooLargeError("too many objects")
        if refs > max_references:
            raise TooLargeError("too many references")
        stop = raw.find(b"endobj", start, end)
        stream_at = raw.find(b"stream", start, stop if stop >= 0 else end)
        head_end = stream_at if stream_at >= 0 else (stop if stop >= 0 else end)
        if head_end - start > max_object_bytes:
            raise TooLargeError("object too large")
        refs += _count_refs(raw[start:head_end])
        if stream_at >= 0 and b"/ObjStm" in raw[start:stream_at]:
            n, r = _object_stream_sizes(raw, start, stream_at, stop if stop >= 0 else end,
                                        max_object_bytes, max_stream_bytes)
            count, refs = count + n, refs + r
    if refs > max_references:
        raise TooLargeError("too many references")


def _count_refs(data: bytes) -> int:
    return len(_REF_RE.findall(data))


def _object_stream_sizes(raw: bytes, start: int, stream_at: int, stop: int, max_object_bytes: int,
                         max_stream_bytes: int) -> tuple[int, int]:
    text = raw[start:stream_at]
    data_at = stream_at + 6 + (2 if raw[stream_at + 6:stream_at + 8] == b"\r\n" else 1)
    length = _int_key(text, b"Length")
    end = data_at + length if length is not None else raw.rfind(b"endstream", data_at, stop)
    data = raw[data_at:max(end, data_at)]
    if b"/FlateDecode" in text:
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(data, max_stream_bytes + 1)
        except zlib.error:
            return 0, 0  # qpdf cannot read it either: it ends up as a damaged file
        if len(data) > max_stream_bytes:
            raise TooLargeError("object stream too large")
    first = _int_key(text, b"First") or 0
    numbers = data[:first].split()
    offsets = sorted(int(v) for v in numbers[1::2] if v.isdigit())
    for a, b in zip([*offsets], [*offsets[1:], len(data) - first], strict=True):
        if b - a > max_object_bytes:
            raise TooLargeError("object too large")
    return len(offsets), _count_refs(data[first:])
