"""How a font splits a string into char codes, how wide each glyph is, and what text a
code shows (ToUnicode, or the encoding's glyph names), as PDFium reads it."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

import pikepdf
from pikepdf import Array, Dictionary, Name

from dossier_app.anonymise.pdf_redact.context import Context

if TYPE_CHECKING:
    from dossier_app.anonymise.pdf_redact.content import TextOp


class FontInfo:
    """How to split a font's strings into char codes and how wide each glyph is."""

    def __init__(self, split: str, widths: dict[int, float] | None, default: float,
                 single_byte: bool, to_unicode: ToUnicode | None = None,
                 names: list[str | None] | None = None) -> None:
        self.split = split  # "byte", "two-byte" or "" (unsupported)
        self.widths = widths or {}
        self.default = default
        self.single_byte = single_byte  # word spacing applies to code 32
        self.to_unicode = to_unicode
        self.names = names  # glyph name per code (simple fonts), from the encoding
        self._forms: dict[int, tuple[str, ...] | None] = {}
        self._advances: dict[tuple[float, float, float], Advances] = {}

    def unicode(self, code: int) -> str | None:
        """What PDFium reads for a char code: ToUnicode, else the encoding's glyph name.

        None when neither says; then the glyph cannot be matched to PDFium's text.
        """
        if self.to_unicode is not None:
            text = self.to_unicode.lookup(code)
            if text:
                return text
        if self.names is not None and 0 <= code < len(self.names):
            return _unicode_of_name(self.names[code])
        return None

    def forms(self, code: int) -> tuple[str, ...] | None:
        """`glyph_forms` of what the code shows (None: unknown), asked once per code."""
        if code not in self._forms:
            shown = self.unicode(code)
            self._forms[code] = None if shown is None else glyph_forms(shown)
        return self._forms[code]

    def advances(self, text_op: TextOp) -> Advances:
        """The advances in this font for the text state of `text_op`, shared by every
        operator with the same spacing and size."""
        key = (text_op.char_spacing, text_op.word_spacing, text_op.font_size)
        if key not in self._advances:
            self._advances[key] = Advances(self, text_op)
        return self._advances[key]

    def codes(self, data: bytes) -> list[int] | None:
        if self.split == "byte":
            return list(data)
        if self.split == "two-byte" and len(data) % 2 == 0:
            return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
        return None

    def encode(self, codes: list[int]) -> bytes:
        size = 1 if self.split == "byte" else 2
        return b"".join(c.to_bytes(size, "big") for c in codes)

    def width(self, code: int) -> float:
        return self.widths.get(code, self.default)


_UNSUPPORTED = FontInfo("", None, 0.0, False)
_STANDARD_ALIASES = {
    "Arial": "Helvetica", "ArialMT": "Helvetica", "Arial,Bold": "Helvetica-Bold",
    "Arial-BoldMT": "Helvetica-Bold", "Arial,Italic": "Helvetica-Oblique",
    "Arial-ItalicMT": "Helvetica-Oblique", "Arial,BoldItalic": "Helvetica-BoldOblique",
    "Arial-BoldItalicMT": "Helvetica-BoldOblique", "TimesNewRoman": "Times-Roman",
    "TimesNewRomanPSMT": "Times-Roman", "TimesNewRoman,Bold": "Times-Bold",
    "TimesNewRomanPS-BoldMT": "Times-Bold", "CourierNew": "Courier",
    "CourierNewPSMT": "Courier",
}


def font_info(ctx: Context, font: object) -> FontInfo:
    if not isinstance(font, Dictionary):
        return _UNSUPPORTED
    key = font.objgen if font.is_indirect else id(font)
    if key not in ctx.fonts:
        try:
            ctx.fonts[key] = _load_font(font)
        except (ValueError, TypeError, KeyError, IndexError, pikepdf.PdfError):
            ctx.fonts[key] = _UNSUPPORTED
    return ctx.fonts[key]


def _load_font(font: Dictionary) -> FontInfo:
    subtype = font.get("/Subtype")
    if subtype == Name.Type0:
        return _load_type0(font)
    if subtype in (Name.Type1, Name.TrueType, Name.MMType1):
        return _load_simple(font)
    return _UNSUPPORTED  # Type3 glyphs are drawings: the page falls back to an image


def _load_type0(font: Dictionary) -> FontInfo:
    # Only Identity-H: code = CID, two bytes, horizontal. Other CMaps need the CMap
    # program; those pages fall back to an image.
    if font.get("/Encoding") != Name("/Identity-H"):
        return _UNSUPPORTED
    descendants = font.get("/DescendantFonts")
    if not isinstance(descendants, Array) or len(descendants) == 0:
        return _UNSUPPORTED
    cid_font = descendants[0]
    default = _pdfium_width(cid_font.get("/DW", 1000))
    return FontInfo("two-byte", _cid_widths(cid_font.get("/W")), default, False,
                     ToUnicode.load(font))


def _cid_widths(w: object) -> dict[int, float]:
    widths: dict[int, float] = {}
    if not isinstance(w, Array):
        return widths
    items = list(w)
    i = 0
    while i + 1 < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], Array):
            for k, value in enumerate(items[i + 1]):
                widths[first + k] = _pdfium_width(value)
            i += 2
        elif i + 2 < len(items):
            last, width = int(items[i + 1]), _pdfium_width(items[i + 2])
            if last - first > 65535:
                raise ValueError("CID range too large")
            for cid in range(first, last + 1):
                widths[cid] = width
            i += 3
        else:
            break
    return widths


def _pdfium_width(value: object) -> float:
    """A width as PDFium lays text out: it truncates fractional widths to integers.

    Following PDFium keeps the text after a removed glyph on exactly the same pixels
    in PDFium-based viewers (Chrome, Edge, our own preview); elsewhere the difference
    is below 1/1000 em per removed glyph.
    """
    return float(int(float(value)))  # type: ignore[arg-type]


def _load_simple(font: Dictionary) -> FontInfo:
    from reportlab.pdfbase import _fontdata

    base = str(font.get("/BaseFont", "/"))[1:]
    names = _glyph_names(font, _STANDARD_ALIASES.get(base, base), _fontdata.encodings)
    to_unicode = ToUnicode.load(font)
    widths = font.get("/Widths")
    if isinstance(widths, Array):
        first = int(font.get("/FirstChar", 0))
        table = {first + k: _pdfium_width(v) for k, v in enumerate(widths)}
        descriptor = font.get("/FontDescriptor")
        missing = 0.0
        if isinstance(descriptor, Dictionary):
            missing = _pdfium_width(descriptor.get("/MissingWidth", 0))
        return FontInfo("byte", table, missing, True, to_unicode, names)
    standard = _standard_widths(font)
    return FontInfo("byte", standard, 0.0, True, to_unicode, names) if standard else _UNSUPPORTED


def _standard_widths(font: Dictionary) -> dict[int, float] | None:
    """Widths of a standard-14 font without /Widths, from the AFM data in reportlab."""
    from reportlab.pdfbase import _fontdata

    base = str(font.get("/BaseFont", "/"))[1:]
    base = _STANDARD_ALIASES.get(base, base)
    metrics = _fontdata.widthsByFontGlyph.get(base)
    if metrics is None:
        return None
    names = _glyph_names(font, base, _fontdata.encodings)
    return {code: float(metrics.get(name, 0)) for code, name in enumerate(names) if name}


def _glyph_names(font: Dictionary, base: str, encodings: dict) -> list[str | None]:
    builtin = {"Symbol": "SymbolEncoding", "ZapfDingbats": "ZapfDingbatsEncoding"}
    enc = font.get("/Encoding")
    base_enc = builtin.get(base, "StandardEncoding")
    diffs: list = []
    if isinstance(enc, Name):
        base_enc = str(enc)[1:]
    elif isinstance(enc, Dictionary):
        if isinstance(enc.get("/BaseEncoding"), Name):
            base_enc = str(enc.BaseEncoding)[1:]
        diffs = list(enc.get("/Differences", Array()))
    names: list[str | None] = list(encodings.get(base_enc, encodings["StandardEncoding"]))
    code = 0
    for item in diffs:
        if isinstance(item, int):
            code = item
        elif isinstance(item, Name) and 0 <= code < 256:
            names[code] = str(item)[1:]
            code += 1
    return names


def _unicode_of_name(name: str | None) -> str | None:
    """A glyph name's text by the Adobe Glyph List rules (uniXXXX, uXXXX, AGL names)."""
    from reportlab.pdfbase._glyphlist import _glyphname2unicode

    if not name or name == ".notdef":
        return None
    if name in _glyphname2unicode:
        return chr(_glyphname2unicode[name])
    hex_part = name[3:] if name.startswith("uni") else name[1:] if name.startswith("u") else ""
    if 4 <= len(hex_part) <= 6 and all(c in "0123456789ABCDEF" for c in hex_part):
        value = int(hex_part, 16)
        if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF:
            return chr(value)
    return None


_CMAP_SECTION = re.compile(rb"beginbf(char|range)(.*?)endbf\1", re.S)
_CMAP_TOKEN = re.compile(rb"<([0-9A-Fa-f\s]*)>|(\[)|(\])")
_CMAP_MAX_BYTES = 4_000_000
_CMAP_MAX_RANGE = 65536


class ToUnicode:
    """A ToUnicode CMap: its bfchar and bfrange entries, as PDFium reads them."""

    def __init__(self) -> None:
        self.chars: dict[int, str] = {}
        self.ranges: list[tuple[int, int, str | list[str | None]]] = []

    @classmethod
    def load(cls, font: Dictionary) -> ToUnicode | None:
        stream = font.get("/ToUnicode")
        if not isinstance(stream, pikepdf.Stream):
            return None
        data = stream.read_bytes()
        if len(data) > _CMAP_MAX_BYTES:
            return None
        cmap = cls()
        for section in _CMAP_SECTION.finditer(data):
            tokens = _cmap_tokens(section.group(2))
            if section.group(1) == b"char":
                for src, dst in zip(tokens[0::2], tokens[1::2], strict=False):
                    text = _utf16(dst)
                    if isinstance(src, bytes) and src and text:
                        cmap.chars.setdefault(int.from_bytes(src, "big"), text)
            else:
                cmap._add_ranges(tokens)
        return cmap

    def _add_ranges(self, tokens: list[bytes | list[bytes]]) -> None:
        for i in range(0, len(tokens) - 2, 3):
            lo, hi, dst = tokens[i:i + 3]
            if not (isinstance(lo, bytes) and isinstance(hi, bytes) and lo and hi):
                return  # out of step: ignore the rest of the section
            first, last = int.from_bytes(lo, "big"), int.from_bytes(hi, "big")
            if not 0 <= last - first < _CMAP_MAX_RANGE:
                continue
            target = [_utf16(d) for d in dst] if isinstance(dst, list) else _utf16(dst)
            if target:
                self.ranges.append((first, last, target))

    def lookup(self, code: int) -> str | None:
        if code in self.chars:
            return self.chars[code]
        for first, last, target in self.ranges:
            if first <= code <= last:
                if isinstance(target, list):
                    return target[code - first] if code - first < len(target) else None
                value = ord(target[-1]) + code - first
                return target[:-1] + chr(value) if value <= 0x10FFFF else None
        return None


def _cmap_tokens(body: bytes) -> list[bytes | list[bytes]]:
    """The hex strings of a bfchar or bfrange section; arrays as lists."""
    tokens: list[bytes | list[bytes]] = []
    array: list[bytes] | None = None
    for match in _CMAP_TOKEN.finditer(body):
        if match.group(2):
            array = []
        elif match.group(3):
            if array is not None:
                tokens.append(array)
            array = None
        else:
            raw = bytes.fromhex(re.sub(rb"\s", b"", match.group(1)).decode("ascii"))
            (array if array is not None else tokens).append(raw)
    return tokens


def _utf16(raw: object) -> str | None:
    if not isinstance(raw, bytes) or not raw or len(raw) % 2:
        return None
    try:
        return raw.decode("utf-16-be")
    except UnicodeDecodeError:
        return None


@functools.lru_cache(maxsize=4096)
def glyph_forms(shown: str) -> tuple[str, ...]:
    """What a glyph's text may look like in PDFium's chars: as decoded and NFKC-normalised
    (a ligature as its letters), without spaces; each form once, in that order."""
    return tuple(dict.fromkeys("".join(c for c in form if not c.isspace())
                               for form in (shown, unicodedata.normalize("NFKC", shown))))


def _advance(code: int, font: FontInfo, text_op: TextOp) -> float:
    """A glyph's advance as a TJ number (thousandths of text space, before Tfs)."""
    spacing = text_op.char_spacing
    if font.single_byte and code == 32:
        spacing += text_op.word_spacing
    return round(font.width(code) + spacing * 1000.0 / text_op.font_size, 4)


class Advances(dict[int, float]):
    """`_advance` by char code for one font and text state, each computed once."""

    def __init__(self, font: FontInfo, text_op: TextOp) -> None:
        super().__init__()
        self.font, self.text_op = font, text_op

    def __missing__(self, code: int) -> float:
        value = self[code] = _advance(code, self.font, self.text_op)
        return value
