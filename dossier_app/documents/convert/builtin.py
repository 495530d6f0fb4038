"""The built-in DOCX -> PDF renderer (python-docx to open the package, reportlab to draw).

It is the converter that always works: no Word, no LibreOffice, no network. It aims
at faithful *content*, not at Word's exact layout: every paragraph's text must be in
the PDF (body, tables at any depth, text boxes, headers and footers, footnotes),
with headings, bold/italic/underline, lists, tables with borders and rough column
widths, explicit page breaks, PNG/JPEG images and A4 pages. Fonts are the bundled
DejaVu family, so every Dutch character renders (é, ë, ï, ĳ, €).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree
from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from dossier_app.documents.docx_package import NS_W
from dossier_app.errors import DocumentError
from dossier_app.meldingen import Melding
from dossier_app.paths import resources_dir

W = NS_W
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
V = "urn:schemas-microsoft-com:vml"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


W_P, W_R, W_T, W_TBL, W_TR, W_TC = (_w(n) for n in ("p", "r", "t", "tbl", "tr", "tc"))
W_PPR, W_RPR, W_VAL = _w("pPr"), _w("rPr"), _w("val")
W_SDT, W_SDTCONTENT, W_TXBX = _w("sdt"), _w("sdtContent"), _w("txbxContent")
MC_ALT, MC_CHOICE, MC_FALLBACK = f"{{{MC}}}AlternateContent", f"{{{MC}}}Choice", f"{{{MC}}}Fallback"
A_BLIP, V_IMAGEDATA = f"{{{A}}}blip", f"{{{V}}}imagedata"
_SKIP_BLOCK = {W_PPR, _w("sectPr"), _w("tblPr"), _w("tblGrid"), _w("trPr"), _w("tcPr"),
               _w("del"), _w("moveFrom"), _w("bookmarkStart"), _w("bookmarkEnd")}
_SKIP_INLINE = {W_PPR, _w("del"), _w("moveFrom"), _w("sdtPr"), _w("sdtEndPr")}

FONT = "DejaVuSans"
_FONT_FILES = {FONT: "DejaVuSans.ttf", f"{FONT}-Bold": "DejaVuSans-Bold.ttf",
               f"{FONT}-Oblique": "DejaVuSans-Oblique.ttf",
               f"{FONT}-BoldOblique": "DejaVuSans-BoldOblique.ttf"}
_EMU_PER_PT = 12700
_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf0fc": "✓", "o": "◦", "": "•"}
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@cache
def register_fonts() -> str:
    """Register the bundled DejaVu family once per process; returns its name."""
    folder = resources_dir() / "fonts"
    for name, filename in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=f"{FONT}-Bold",
                                  italic=f"{FONT}-Oblique", boldItalic=f"{FONT}-BoldOblique")
    return FONT


def convert(src: Path, dst: Path, *, bestand: str) -> list[Melding]:
    """Render the DOCX `src` as a PDF at `dst`; returns meldingen about what was lost."""
    register_fonts()
    try:
        document = docx.Document(str(src))
    except Exception:
        raise _unreadable(bestand) from None
    for flat in (False, True):
        renderer = _Renderer(document, bestand, flat_tables=flat)
        try:
            renderer.build(dst)
            return renderer.meldingen()
        except LayoutError:
            # A table row taller than a page cannot be split by reportlab: retry with
            # tables laid out as plain paragraphs rather than lose any text.
            continue
        except DocumentError:
            raise
        except Exception:
            raise _unreadable(bestand) from None
    raise _unreadable(bestand)


def _unreadable(bestand: str) -> DocumentError:
    return DocumentError(
        f"Het Word-bestand {bestand} kon niet naar PDF worden omgezet. Open het in Word, sla "
        "het op als PDF en voeg die PDF toe in plaats van het Word-bestand.",
        bestand=bestand, code="DOCX_OMZETTEN")


# --- formatting properties -----------------------------------------------------------


@dataclass(frozen=True)
class RunFmt:
    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    size: float = 11.0
    color: str | None = None
    vert: str | None = None
    hidden: bool = False
    caps: bool = False


def _on(el: etree._Element) -> bool:
    return el.get(W_VAL) not in ("0", "false", "off", "none")


def _run_props(rpr: etree._Element | None) -> dict[str, object]:
    props: dict[str, object] = {}
    if rpr is None:
        return props
    for child in rpr:
        tag = child.tag
        if tag in (_w("b"), _w("i"), _w("strike"), _w("dstrike"), _w("vanish"), _w("caps")):
            key = {_w("b"): "bold", _w("i"): "italic", _w("vanish"): "hidden",
                   _w("caps"): "caps"}.get(tag, "strike")
            props[key] = _on(child)
        elif tag == _w("u"):
            props["underline"] = _on(child)
        elif tag == _w("sz") and (child.get(W_VAL) or "").isdigit():
            props["size"] = max(2.0, int(child.get(W_VAL) or 22) / 2)
        elif tag == _w("color") and re.fullmatch(r"[0-9A-Fa-f]{6}", child.get(W_VAL) or ""):
            props["color"] = None if child.get(W_VAL) == "000000" else "#" + child.get(W_VAL)
        elif tag == _w("vertAlign"):
            props["vert"] = child.get(W_VAL) if child.get(W_VAL) != "baseline" else None
    return props


def _twips(el: etree._Element | None, attr: str) -> float | None:
    value = el.get(_w(attr)) if el is not None else None
    try:
        return int(float(value)) / 20 if value is not None else None
    except ValueError:
        return None


def _para_props(ppr: etree._Element | None) -> dict[str, object]:
    props: dict[str, object] = {}
    if ppr is None:
        return props
    jc = ppr.find(_w("jc"))
    if jc is not None:
        props["align"] = jc.get(W_VAL)
    ind = ppr.find(_w("ind"))
    for key, attrs in (("left", ("left", "start")), ("right", ("right", "end")),
                       ("hanging", ("hanging",)), ("first", ("firstLine",))):
        for attr in attrs:
            if _twips(ind, attr) is not None:
                props[key] = _twips(ind, attr)
    spacing = ppr.find(_w("spacing"))
    for key in ("before", "after"):
        if _twips(spacing, key) is not None:
            props[key] = _twips(spacing, key)
    if spacing is not None and spacing.get(_w("line")) and spacing.get(_w("lineRule"),
                                                                       "auto") == "auto":
        props["line"] = max(0.5, min(3.0, (_twips(spacing, "line") or 12) / 12))
    for key in ("keepNext", "pageBreakBefore"):
        el = ppr.find(_w(key))
        if el is not None:
            props[key] = _on(el)
    num = ppr.find(_w("numPr"))
    if num is not None:
        num_id, ilvl = num.find(_w("numId")), num.find(_w("ilvl"))
        props["numId"] = num_id.get(W_VAL) if num_id is not None else props.get("numId")
        props["ilvl"] = int(ilvl.get(W_VAL) or 0) if ilvl is not None else 0
    return props


class _Styles:
    """Resolves paragraph and run formatting through docDefaults and style chains."""

    def __init__(self, root: etree._Element | None) -> None:
        self.by_id: dict[str, etree._Element] = {}
        self.default_para: str | None = None
        self.rpr_default: dict[str, object] = {}
        self.ppr_default: dict[str, object] = {}
        self._chain_cache: dict[tuple[str | None, str], tuple[dict, dict]] = {}
        self._run_cache: dict[tuple[object, ...], RunFmt] = {}
        if root is None:
            return
        defaults = root.find(_w("docDefaults"))
        if defaults is not None:
            self.rpr_default = _run_props(defaults.find(f"{_w('rPrDefault')}/{W_RPR}"))
            self.ppr_default = _para_props(defaults.find(f"{_w('pPrDefault')}/{W_PPR}"))
        for style in root.iter(_w("style")):
            style_id = style.get(_w("styleId"))
            if style_id:
                self.by_id[style_id] = style
                if style.get(_w("default")) in ("1", "true") and style.get(_w("type")) == \
                        "paragraph":
                    self.default_para = style_id

    def chain(self, style_id: str | None, kind: str = "paragraph") -> tuple[dict, dict]:
        """Merged (pPr, rPr) of a style and its basedOn ancestors."""
        if style_id is None and kind == "paragraph":
            style_id = self.default_para
        key = (style_id, kind)
        if key not in self._chain_cache:
            ppr: dict[str, object] = {}
            rpr: dict[str, object] = {}
            seen: list[etree._Element] = []
            style = self.by_id.get(style_id or "")
            while style is not None and style not in seen and len(seen) < 20:
                seen.append(style)
                based = style.find(_w("basedOn"))
                style = self.by_id.get(based.get(W_VAL) or "") if based is not None else None
            for style in reversed(seen):
                ppr.update(_para_props(style.find(W_PPR)))
                rpr.update(_run_props(style.find(W_RPR)))
            self._chain_cache[key] = (ppr, rpr)
        return self._chain_cache[key]

    def paragraph(self, p: etree._Element) -> tuple[str | None, dict[str, object]]:
        ppr = p.find(W_PPR)
        pstyle = ppr.find(_w("pStyle")) if ppr is not None else None
        style_id = pstyle.get(W_VAL) if pstyle is not None else None
        props = dict(self.ppr_default)
        props.update(self.chain(style_id)[0])
        props.update(_para_props(ppr))
        return style_id, props

    def run(self, pstyle: str | None, rpr: etree._Element | None) -> RunFmt:
        rstyle = rpr.find(_w("rStyle")) if rpr is not None else None
        key = (pstyle, rstyle.get(W_VAL) if rstyle is not None else None,
               etree.tostring(rpr) if rpr is not None else b"")
        if key not in self._run_cache:
            props = dict(self.rpr_default)
            props.update(self.chain(pstyle)[1])
            if key[1]:
                props.update(self.chain(key[1], "character")[1])
            props.update(_run_props(rpr))
            self._run_cache[key] = RunFmt(**props)  # type: ignore[arg-type]
        return self._run_cache[key]


# --- numbering -----------------------------------------------------------------------


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        text = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return text.upper() if fmt == "upperLetter" else text
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class _Numbering:
    def __init__(self, root: etree._Element | None) -> None:
        self.abstract: dict[str, dict[int, etree._Element]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        if root is None:
            return
        for abstract in root.iter(_w("abstractNum")):
            levels = {int(lvl.get(_w("ilvl")) or 0): lvl for lvl in abstract.iter(_w("lvl"))}
            self.abstract[abstract.get(_w("abstractNumId")) or ""] = levels
        for num in root.iter(_w("num")):
            ref = num.find(_w("abstractNumId"))
            overrides = {}
            for override in num.iter(_w("lvlOverride")):
                start = override.find(_w("startOverride"))
                if start is not None and (start.get(W_VAL) or "").isdigit():
                    overrides[int(override.get(_w("ilvl")) or 0)] = int(start.get(W_VAL) or 1)
            self.nums[num.get(_w("numId")) or ""] = (
                ref.get(W_VAL) if ref is not None else "", overrides)

    def _level(self, num_id: str, ilvl: int) -> etree._Element | None:
        abstract_id, _ = self.nums.get(num_id, ("", {}))
        return self.abstract.get(abstract_id, {}).get(ilvl)

    def label(self, num_id: str, ilvl: int) -> tuple[str, dict[str, object]] | None:
        """The list label for the next paragraph at this level, with the level's indent."""
        lvl = self._level(num_id, ilvl)
        if lvl is None:
            return None
        fmt = _val(lvl.find(_w("numFmt")), "decimal")
        text = _val(lvl.find(_w("lvlText")), "")
        indent = _para_props(lvl.find(W_PPR))
        if fmt == "none":
            return "", indent
        if fmt == "bullet":
            return _BULLETS.get(text, text if text and not "\ue000" <= text <= "\uf8ff"
                                else "•"), indent
        counters = self.counters.setdefault(num_id, [0] * 10)
        if counters[ilvl] == 0:
            counters[ilvl] = self._start(num_id, ilvl) - 1
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = 0
        for level in range(ilvl + 1):
            lvl_el = self._level(num_id, level)
            level_fmt = _val(lvl_el.find(_w("numFmt")), "decimal") if lvl_el is not None \
                else "decimal"
            value = counters[level] or self._start(num_id, level)
            text = text.replace(f"%{level + 1}", _format_number(value, level_fmt))
        return text, indent

    def _start(self, num_id: str, ilvl: int) -> int:
        overrides = self.nums.get(num_id, ("", {}))[1]
        if ilvl in overrides:
            return overrides[ilvl]
        lvl = self._level(num_id, ilvl)
        start = _val(lvl.find(_w("start")) if lvl is not None else None, "1")
        return int(start) if start.isdigit() else 1


def _val(el: etree._Element | None, default: str) -> str:
    return (el.get(W_VAL) or default) if el is not None else default


# --- rendering -----------------------------------------------------------------------


@dataclass
class _FieldState:
    instruction: str = ""
    separated: bool = False
    suppress: bool = False


@dataclass
class _Line:
    """The inline content of one paragraph while it is collected."""

    pstyle: str | None
    width: float
    page: int | None  # page number when rendering a header or footer
    pieces: list[list[tuple[str, RunFmt]]] = field(default_factory=lambda: [[]])
    after: list[Flowable] = field(default_factory=list)  # images, text boxes

    def add(self, text: str, fmt: RunFmt) -> None:
        if text:
            self.pieces[-1].append((text, fmt))

    def page_break(self) -> None:
        self.pieces.append([])


@dataclass
class _Section:
    sectpr: etree._Element | None
    headers: dict[str, etree._Element] = field(default_factory=dict)  # kind -> hdr/ftr root
    first_page: int | None = None


class _Renderer:
    def __init__(self, document: docx.document.Document, bestand: str, *,
                 flat_tables: bool) -> None:
        self.doc = document
        self.bestand = bestand
        self.flat = flat_tables
        self.part = document.part
        self.styles = _Styles(_related_root(self.part, RT.STYLES))
        self.numbering = _Numbering(_related_root(self.part, RT.NUMBERING))
        self.notes = {kind: _related_root(self.part, rt) for kind, rt in
                      (("footnote", RT.FOOTNOTES), ("endnote", RT.ENDNOTES))}
        self.note_refs: list[tuple[str, str, int]] = []
        self.fields: list[_FieldState] = []
        self.events: set[str] = set()
        self.chars: set[str] = set()
        self.para_styles: dict[tuple[object, ...], ParagraphStyle] = {}
        settings = _related_root(self.part, RT.SETTINGS)
        self.even_odd = settings is not None and settings.find(_w("evenAndOddHeaders")) \
            is not None
        self.sections: list[_Section] = []

    # document level

    def build(self, dst: Path) -> None:
        body = self.doc.element.body
        self._collect_sections(body)
        story: list[Flowable] = [NextPageTemplate("s0")]
        story += self._body(body)
        story += self._notes()
        if len(story) == 1:
            story.append(Spacer(1, 1))  # an empty document still gets a page
        templates = [self._template(i, s) for i, s in enumerate(self.sections)]
        pdf = BaseDocTemplate(str(dst), pagesize=A4, pageTemplates=templates, title="",
                              author="", subject="", creator="Tafeldossier",
                              keywords="", invariant=1)
        pdf.build(story)

    def meldingen(self) -> list[Melding]:
        texts = {
            "metafile": ("DOCX_WMF_EMF", "afbeelding in WMF/EMF-formaat niet weergegeven"),
            "image": ("DOCX_AFBEELDING", "afbeelding kon niet worden weergegeven"),
            "chart": ("DOCX_GRAFIEK", "grafiek of SmartArt niet weergegeven; controleer het "
                      "origineel of gebruik Word of LibreOffice voor de omzetting"),
        }
        out = [Melding(code=c, tekst=t, bestand=self.bestand)
               for key, (c, t) in texts.items() if key in self.events]
        font = pdfmetrics.getFont(FONT).face.charToGlyph
        if any(ord(ch) not in font for ch in self.chars if not ch.isspace()):
            out.append(Melding(code="DOCX_TEKENS", bestand=self.bestand, tekst=(
                "sommige tekens (bijvoorbeeld Chinees of Japans) hebben geen lettertype in de "
                "ingebouwde omzetter en zijn als vakjes weergegeven; de tekst is wel aanwezig")))
        if any(_RTL.search(ch) for ch in self.chars):
            out.append(Melding(code="DOCX_RTL", bestand=self.bestand, tekst=(
                "tekst van rechts naar links (zoals Arabisch) staat in de PDF maar de volgorde "
                "kan afwijken; gebruik Word of LibreOffice voor een getrouwe weergave")))
        return out

    def _collect_sections(self, body: etree._Element) -> None:
        sectprs = [p.find(f"{W_PPR}/{_w('sectPr')}") for p in body.iterchildren(W_P)]
        chain = [s for s in sectprs if s is not None] + [body.find(_w("sectPr"))]
        inherited: dict[str, etree._Element] = {}
        for sectpr in chain:
            headers = dict(inherited)
            for ref in sectpr.iter(_w("headerReference"), _w("footerReference")) \
                    if sectpr is not None else ():
                root = _part_root(self.part, ref.get(f"{{{R}}}id"))
                if root is not None:
                    headers[f"{etree.QName(ref).localname[:6]}:{ref.get(_w('type'))}"] = root
            inherited = headers
            self.sections.append(_Section(sectpr, headers))

    def _template(self, index: int, section: _Section) -> PageTemplate:
        size, (top, right, bottom, left), (hdr, ftr) = _page_geometry(section.sectpr)
        width = size[0] - left - right
        top = max(top, hdr + self._hf_height(section, "header", width) + 4)
        bottom = max(bottom, ftr + self._hf_height(section, "footer", width) + 4)
        frame = Frame(left, bottom, width, size[1] - top - bottom, id=f"f{index}",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

        def on_page(canvas, doc) -> None:
            self._draw_headers(canvas, section, size, (left, width, hdr, ftr))

        return PageTemplate(id=f"s{index}", frames=[frame], onPage=on_page, pagesize=size)

    def _hf_root(self, section: _Section, kind: str, page: int) -> etree._Element | None:
        title_pg = section.sectpr is not None and section.sectpr.find(_w("titlePg")) is not None
        if title_pg and page == section.first_page:
            return section.headers.get(f"{kind}:first")
        if self.even_odd and page % 2 == 0:
            return section.headers.get(f"{kind}:even", section.headers.get(f"{kind}:default"))
        return section.headers.get(f"{kind}:default")

    def _hf_flowables(self, root: etree._Element | None, width: float,
                      page: int) -> list[Flowable]:
        if root is None:
            return []
        saved, self.fields = self.fields, []
        try:
            return self._blocks(root, width, page=page)
        finally:
            self.fields = saved

    def _hf_height(self, section: _Section, kind: str, width: float) -> float:
        heights = [sum(f.wrap(width, 1000)[1] for f in self._hf_flowables(root, width, 1))
                   for key, root in section.headers.items() if key.startswith(kind)]
        return min(max(heights, default=0), 250)

    def _draw_headers(self, canvas, section: _Section, size: tuple[float, float],
                      geometry: tuple[float, float, float, float]) -> None:
        left, width, hdr, ftr = geometry
        page = canvas.getPageNumber()
        if section.first_page is None:
            section.first_page = page
        y = size[1] - hdr
        for flowable in self._hf_flowables(self._hf_root(section, "header", page), width, page):
            _, height = flowable.wrap(width, size[1])
            flowable.drawOn(canvas, left, y - height)
            y -= height
        footer = self._hf_flowables(self._hf_root(section, "footer", page), width, page)
        heights = [f.wrap(width, size[1])[1] for f in footer]
        y = ftr + sum(heights)
        for flowable, height in zip(footer, heights, strict=True):
            flowable.drawOn(canvas, left, y - height)
            y -= height

    def _body(self, body: etree._Element) -> list[Flowable]:
        out: list[Flowable] = []
        section = 0
        width = self._frame_width(0)
        for child in body:
            if child.tag == W_P and child.find(f"{W_PPR}/{_w('sectPr')}") is not None:
                out += self._paragraph(child, width)
                section += 1
                if section < len(self.sections):
                    out += self._section_break(section)
                    width = self._frame_width(section)
            elif child.tag not in _SKIP_BLOCK and isinstance(child.tag, str):
                out += self._blocks_of(child, width)
        return out

    def _section_break(self, index: int) -> list[Flowable]:
        sectpr = self.sections[index].sectpr
        kind = _val(sectpr.find(_w("type")) if sectpr is not None else None, "nextPage")
        out: list[Flowable] = [NextPageTemplate(f"s{index}")]
        return out + ([] if kind == "continuous" else [PageBreak()])

    def _frame_width(self, index: int) -> float:
        size, (_, right, _, left), _ = _page_geometry(self.sections[index].sectpr)
        return size[0] - left - right

    def _notes(self) -> list[Flowable]:
        out: list[Flowable] = []
        width = self._frame_width(len(self.sections) - 1)
        for kind, note_id, number in self.note_refs:
            root = self.notes.get(kind)
            note = next((n for n in root.iter(_w(kind)) if n.get(_w("id")) == note_id), None) \
                if root is not None else None
            if note is None:
                continue
            if not out:
                out += [Spacer(1, 12), Paragraph("<b>Voetnoten en eindnoten</b>",
                                                 self._pstyle(11, {}))]
            blocks = self._blocks(note, width)
            out.append(Paragraph(f"<super>{number}</super>", self._pstyle(9, {})))
            out += blocks
        return out

    # blocks

    def _blocks(self, container: etree._Element, width: float,
                page: int | None = None) -> list[Flowable]:
        out: list[Flowable] = []
        for child in container:
            out += self._blocks_of(child, width, page)
        return out

    def _blocks_of(self, el: etree._Element, width: float,
                   page: int | None = None) -> list[Flowable]:
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP_BLOCK:
            return []
        if tag == W_P:
            return self._paragraph(el, width, page)
        if tag == W_TBL:
            return self._table(el, width, page)
        if tag == MC_ALT:
            return self._blocks(_choose(el), width, page)
        # sdt, sdtContent, customXml, ins, moveTo and anything unknown: look inside,
        # so no text is ever dropped because of an unfamiliar wrapper.
        return self._blocks(el, width, page)

    def _paragraph(self, p: etree._Element, width: float,
                   page: int | None = None) -> list[Flowable]:
        pstyle, props = self.styles.paragraph(p)
        line = _Line(pstyle, width, page)
        self._inline(p, line, self.styles.run(pstyle, None))
        label = self._list_label(props)
        base = self.styles.run(pstyle, p.find(f"{W_PPR}/{W_RPR}"))
        out: list[Flowable] = [PageBreak()] if props.get("pageBreakBefore") and page is None \
            else []
        for index, pieces in enumerate(line.pieces):
            if index:
                out.append(PageBreak())
            markup = _markup(pieces, base.size)
            self.chars.update(t for text, _ in pieces for t in text)
            if not markup.strip() and label is None:
                out.append(Spacer(1, base.size * 1.15))
                continue
            style = self._pstyle(base.size, props, bullet=label is not None)
            if label is not None and index == 0:
                bullet = escape(label[0]) if label[0] else None
                out.append(Paragraph(markup or "&nbsp;", style, bulletText=bullet))
            else:
                out.append(Paragraph(markup, style))
        return out + line.after

    def _list_label(self, props: dict[str, object]) -> tuple[str, dict[str, object]] | None:
        num_id = props.get("numId")
        if not num_id or num_id == "0":
            return None
        found = self.numbering.label(str(num_id), int(props.get("ilvl") or 0))  # type: ignore[call-overload]
        if found is not None:
            for key, value in found[1].items():
                props.setdefault(key, value)
        return found

    def _pstyle(self, size: float, props: dict[str, object], *,
                bullet: bool = False) -> ParagraphStyle:
        left = float(props.get("left") or 0)  # type: ignore[arg-type]
        hanging = float(props.get("hanging") or 0)  # type: ignore[arg-type]
        first = float(props.get("first") or 0) - hanging  # type: ignore[arg-type]
        key = (size, props.get("align"), left, props.get("right"), first,
               props.get("before"), props.get("after"), props.get("line"), bullet,
               props.get("keepNext"))
        if key not in self.para_styles:
            align = {"center": TA_CENTER, "right": TA_RIGHT, "end": TA_RIGHT, "both": TA_JUSTIFY,
                     "distribute": TA_JUSTIFY}.get(str(props.get("align")), TA_LEFT)
            self.para_styles[key] = ParagraphStyle(
                f"p{len(self.para_styles)}", fontName=FONT, fontSize=size,
                leading=size * 1.2 * float(props.get("line") or 1.0),  # type: ignore[arg-type]
                alignment=align, leftIndent=max(0.0, left),
                rightIndent=max(0.0, float(props.get("right") or 0)),  # type: ignore[arg-type]
                firstLineIndent=0 if bullet else first,
                bulletIndent=max(0.0, left - (hanging or 14)), bulletFontName=FONT,
                bulletFontSize=size, spaceBefore=float(props.get("before") or 0),  # type: ignore[arg-type]
                spaceAfter=float(props.get("after") or 0),  # type: ignore[arg-type]
                autoLeading="max", keepWithNext=bool(props.get("keepNext")))
        return self.para_styles[key]

    # inline content

    def _inline(self, el: etree._Element, line: _Line, para_fmt: RunFmt) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_INLINE:
                continue
            if tag == W_R:
                fmt = self.styles.run(line.pstyle, child.find(W_RPR))
                self._run_content(child, line, fmt)
            elif tag == MC_ALT:
                self._inline(_choose(child), line, para_fmt)
            elif tag in (f"{{{M}}}oMath", f"{{{M}}}oMathPara"):
                line.add("".join(t.text or "" for t in child.iter(f"{{{M}}}t")), para_fmt)
            elif tag == _w("fldSimple") and self._page_field(child.get(_w("instr")), line):
                continue
            elif tag not in (W_P, W_TBL):
                self._inline(child, line, para_fmt)

    def _page_field(self, instruction: str | None, line: _Line) -> bool:
        if line.page is None or (instruction or "").split()[:1] != ["PAGE"]:
            return False
        line.add(str(line.page), self.styles.run(line.pstyle, None))
        return True

    def _run_content(self, run: etree._Element, line: _Line, fmt: RunFmt) -> None:  # noqa: PLR0912 - one flat dispatch over a run's children reads best
        for child in run:
            tag = child.tag
            if tag == _w("fldChar"):
                self._field_char(child, line, fmt)
            elif tag == _w("instrText"):
                if self.fields and not self.fields[-1].separated:
                    self.fields[-1].instruction += child.text or ""
            elif any(not f.separated or f.suppress for f in self.fields) or fmt.hidden:
                continue
            elif tag == W_T:
                line.add(child.text or "", fmt)
            elif tag in (_w("tab"), _w("ptab")):
                line.add("\t", fmt)
            elif tag == _w("br"):
                if child.get(_w("type")) == "page" and line.page is None:
                    line.page_break()
                else:
                    line.add("\n", fmt)
            elif tag in (_w("cr"), _w("noBreakHyphen"), _w("sym")):
                line.add({_w("cr"): "\n", _w("noBreakHyphen"): "-"}.get(tag, "•"), fmt)
            elif tag in (_w("footnoteReference"), _w("endnoteReference")):
                kind = "footnote" if tag == _w("footnoteReference") else "endnote"
                self.note_refs.append((kind, child.get(_w("id")) or "", len(self.note_refs) + 1))
                line.add(str(len(self.note_refs)), replace(fmt, vert="superscript"))
            elif tag in (_w("drawing"), _w("pict"), _w("object")):
                line.after += self._graphics(child, line)
            elif tag == MC_ALT:
                self._run_content(_choose(child), line, fmt)

    def _field_char(self, el: etree._Element, line: _Line, fmt: RunFmt) -> None:
        kind = el.get(_w("fldCharType"))
        if kind == "begin":
            self.fields.append(_FieldState())
        elif kind == "separate" and self.fields:
            state = self.fields[-1]
            state.separated = True
            state.suppress = self._is_page(state, line)
            if state.suppress:
                line.add(str(line.page), fmt)
        elif kind == "end" and self.fields:
            state = self.fields.pop()
            if not state.separated and self._is_page(state, line):
                line.add(str(line.page), fmt)

    def _is_page(self, state: _FieldState, line: _Line) -> bool:
        return line.page is not None and state.instruction.split()[:1] == ["PAGE"] \
            and not any(not f.separated for f in self.fields[:-1])

    # graphics: images, text boxes, charts

    def _graphics(self, el: etree._Element, line: _Line) -> list[Flowable]:
        out: list[Flowable] = []
        for kind, item in _graphic_items(el):
            if kind == "txbx":
                out += self._text_box(item, line.width)
            elif kind == "chart":
                self.events.add("chart")
                out.append(_placeholder("[grafiek of SmartArt]", line.width * 0.6, 40))
            else:
                rid = item.get(f"{{{R}}}embed") or item.get(f"{{{R}}}id") or ""
                out.append(self._image(rid, _extent(el), line.width))
        return out

    def _text_box(self, txbx: etree._Element, width: float) -> list[Flowable]:
        inner = self._blocks(txbx, width - 12)
        if self.flat or not inner:
            return inner
        table = Table([[inner]], colWidths=[width])
        table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return [table]

    def _image(self, rid: str, extent: tuple[float, float] | None, width: float) -> Flowable:
        try:
            blob = self.part.related_parts[rid].blob
        except (KeyError, AttributeError):
            blob = b""
        size = extent or (width / 2, 60.0)
        if _is_metafile(blob):
            self.events.add("metafile")
            return _placeholder("[afbeelding in WMF/EMF-formaat niet weergegeven]", *size)
        try:
            with PILImage.open(io.BytesIO(blob)) as img:
                pixels = img.size
                img.verify()
        except Exception:
            self.events.add("image")
            return _placeholder("[afbeelding niet weergegeven]", *size)
        w, h = extent or (pixels[0] * 0.75, pixels[1] * 0.75)
        scale = min(1.0, width / max(w, 1), 650 / max(h, 1))
        return Image(io.BytesIO(blob), width=max(w * scale, 1), height=max(h * scale, 1),
                     hAlign="LEFT")

    # tables

    def _table(self, tbl: etree._Element, width: float,
               page: int | None = None) -> list[Flowable]:
        rows = list(_table_rows(tbl))
        if self.flat:
            return [f for row in rows for cell in _cells(row)
                    for f in self._blocks(cell, width, page)]
        grid = [_twips(col, "w") or 0.0 for col in tbl.iter(_w("gridCol"))
                if col.getparent().getparent() is tbl]
        ncols = max([len(grid)] + [_row_width(r) for r in rows] + [1])
        widths = _scale_columns(grid + [0.0] * (ncols - len(grid)), width)
        data, spans, backgrounds = self._table_cells(rows, widths, ncols, page)
        if not data:
            return []
        table = Table(data, colWidths=widths, repeatRows=_header_rows(rows), hAlign="LEFT")
        commands: list[tuple[object, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
        if self._has_borders(tbl):
            commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
        commands += spans + backgrounds
        table.setStyle(TableStyle(commands))
        return [table]

    def _table_cells(self, rows: list[etree._Element], widths: list[float], ncols: int,
                     page: int | None) -> tuple[list[list[object]], list, list]:
        data: list[list[object]] = []
        spans: list[tuple[object, ...]] = []
        backgrounds: list[tuple[object, ...]] = []
        merge_start: dict[int, int] = {}
        for r, row in enumerate(rows):
            cells: list[object] = [""] * ncols
            col = _grid_before(row)
            for cell in _cells(row):
                span = max(1, int(_val(cell.find(f"{_w('tcPr')}/{_w('gridSpan')}"), "1")
                                  if _val(cell.find(f"{_w('tcPr')}/{_w('gridSpan')}"), "1")
                                  .isdigit() else 1))
                span = min(span, ncols - col) if col < ncols else 0
                if span <= 0:
                    break
                vmerge = cell.find(f"{_w('tcPr')}/{_w('vMerge')}")
                cell_width = sum(widths[col:col + span]) - 6
                if vmerge is not None and vmerge.get(W_VAL, "continue") == "continue" \
                        and col in merge_start:
                    spans.append(("SPAN", (col, merge_start[col]), (col + span - 1, r)))
                    cells[col] = self._blocks(cell, cell_width, page) or ""
                    if cells[col]:  # text in a merged-away cell: keep it, unmerged
                        spans.pop()
                else:
                    merge_start.pop(col, None)
                    if vmerge is not None:
                        merge_start[col] = r
                    cells[col] = self._blocks(cell, cell_width, page)
                    if span > 1:
                        spans.append(("SPAN", (col, r), (col + span - 1, r)))
                fill = cell.find(f"{_w('tcPr')}/{_w('shd')}")
                if fill is not None and re.fullmatch(r"[0-9A-Fa-f]{6}", fill.get(_w("fill"), "")):
                    backgrounds.append(("BACKGROUND", (col, r), (col + span - 1, r),
                                        colors.HexColor("#" + fill.get(_w("fill")))))
                col += span
            data.append(cells)
        return data, _merge_spans(spans), backgrounds

    def _has_borders(self, tbl: etree._Element) -> bool:
        tblpr = tbl.find(_w("tblPr"))
        candidates = [tblpr.find(_w("tblBorders")) if tblpr is not None else None]
        style = tblpr.find(_w("tblStyle")) if tblpr is not None else None
        seen = 0
        style_el = self.styles.by_id.get(style.get(W_VAL) or "") if style is not None else None
        while style_el is not None and seen < 10:
            candidates.append(style_el.find(f"{_w('tblPr')}/{_w('tblBorders')}"))
            based = style_el.find(_w("basedOn"))
            style_el = self.styles.by_id.get(based.get(W_VAL) or "") if based is not None \
                else None
            seen += 1
        for borders in candidates:
            if borders is not None:
                return any(b.get(W_VAL) not in ("nil", "none") for b in borders)
        return False


# --- helpers -------------------------------------------------------------------------


def _related_root(part, reltype: str) -> etree._Element | None:
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return _element_of(rel.target_part)
    return None


def _part_root(part, rid: str | None) -> etree._Element | None:
    try:
        return _element_of(part.related_parts[rid])
    except KeyError:
        return None


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _element_of(part) -> etree._Element | None:
    """python-docx models some parts (styles, headers); others only have a blob."""
    element = getattr(part, "element", None)
    if element is not None:
        return element
    try:
        return etree.fromstring(part.blob, parser=_PARSER)
    except etree.XMLSyntaxError:
        return None


def _choose(alternate: etree._Element) -> etree._Element:
    """The mc:Choice branch if it holds anything we can show, else the fallback."""
    choice = alternate.find(MC_CHOICE)
    fallback = alternate.find(MC_FALLBACK)
    if choice is not None and (fallback is None or any(True for _ in _graphic_items(choice))
                               or choice.find(f".//{W_T}") is not None):
        return choice
    return fallback if fallback is not None else alternate


def _graphic_items(el: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """Text boxes, pictures and charts in a drawing, not those nested in a text box."""
    for child in el:
        tag = child.tag
        if tag == W_TXBX:
            yield "txbx", child
        elif tag in (A_BLIP, V_IMAGEDATA):
            yield "image", child
        elif tag == f"{{{A}}}graphicData" and ("chart" in (child.get("uri") or "")
                                              or "diagram" in (child.get("uri") or "")):
            yield "chart", child
        elif tag == MC_ALT:
            yield from _graphic_items(_choose(child))
        elif isinstance(tag, str):
            yield from _graphic_items(child)


def _extent(el: etree._Element) -> tuple[float, float] | None:
    ext = el.find(f".//{{{WP}}}extent")
    if ext is not None:
        try:
            return int(ext.get("cx") or 0) / _EMU_PER_PT, int(ext.get("cy") or 0) / _EMU_PER_PT
        except ValueError:
            return None
    shape = el.find(f".//{{{V}}}shape")
    if shape is not None:
        sizes = dict(re.findall(r"(width|height):\s*([\d.]+)pt", shape.get("style") or ""))
        if "width" in sizes and "height" in sizes:
            return float(sizes["width"]), float(sizes["height"])
    return None


def _is_metafile(blob: bytes) -> bool:
    return (blob[:4] == b"\xd7\xcd\xc6\x9a" or blob[:4] in (b"\x01\x00\x09\x00", b"\x02\x00\x09\x00")
            or (blob[:4] == b"\x01\x00\x00\x00" and blob[40:44] == b" EMF"))


def _placeholder(text: str, width: float, height: float) -> Flowable:
    style = ParagraphStyle("placeholder", fontName=FONT, fontSize=8, leading=10,
                           textColor=colors.grey)
    table = Table([[Paragraph(escape(text), style)]], colWidths=[max(width, 60)],
                  rowHeights=[min(max(height, 24), 200)], hAlign="LEFT")
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def _markup(pieces: list[tuple[str, RunFmt]], base_size: float) -> str:
    merged: list[tuple[str, RunFmt]] = []
    for text, fmt in pieces:
        if merged and merged[-1][1] == fmt:
            merged[-1] = (merged[-1][0] + text, fmt)
        else:
            merged.append((text, fmt))
    return "".join(_wrap(text, fmt, base_size) for text, fmt in merged)


def _wrap(text: str, fmt: RunFmt, base_size: float) -> str:
    text = _CONTROL.sub("", text.upper() if fmt.caps else text)
    s = escape(text).replace("\t", "\u00a0" * 4).replace("\n", "<br/>")
    for flag, tag in ((fmt.bold, "b"), (fmt.italic, "i"), (fmt.underline, "u"),
                      (fmt.strike, "strike")):
        if flag:
            s = f"<{tag}>{s}</{tag}>"
    if fmt.vert in ("superscript", "subscript"):
        s = f"<{fmt.vert[:3]}>{s}</{fmt.vert[:3]}>"
    attrs = ""
    if fmt.size != base_size:
        attrs += f' size="{fmt.size:g}"'
    if fmt.color:
        attrs += f' color="{fmt.color}"'
    return f"<font{attrs}>{s}</font>" if attrs else s


def _page_geometry(sectpr: etree._Element | None) -> tuple[
        tuple[float, float], tuple[float, float, float, float], tuple[float, float]]:
    """A4 (landscape when the section is), with the section's margins kept sane."""
    pgsz = sectpr.find(_w("pgSz")) if sectpr is not None else None
    wide = pgsz is not None and (pgsz.get(_w("orient")) == "landscape"
                                 or (_twips(pgsz, "w") or 0) > (_twips(pgsz, "h") or 1))
    size = landscape(A4) if wide else A4
    mar = sectpr.find(_w("pgMar")) if sectpr is not None else None

    def margin(name: str, default: float) -> float:
        value = _twips(mar, name)
        return default if value is None else min(max(abs(value), 18.0), 144.0)

    margins = (margin("top", 72), margin("right", 72), margin("bottom", 72), margin("left", 72))
    return size, margins, (margin("header", 36), margin("footer", 36))


def _table_rows(tbl: etree._Element) -> Iterator[etree._Element]:
    for child in tbl:
        if child.tag == W_TR:
            yield child
        elif child.tag in (W_SDT, W_SDTCONTENT, _w("customXml"), _w("ins"), _w("moveTo")):
            yield from _table_rows(child)


def _cells(row: etree._Element) -> Iterator[etree._Element]:
    for child in row:
        if child.tag == W_TC:
            yield child
        elif child.tag in (W_SDT, W_SDTCONTENT, _w("customXml"), _w("ins"), _w("moveTo")):
            yield from _cells(child)


def _grid_before(row: etree._Element) -> int:
    value = _val(row.find(f"{_w('trPr')}/{_w('gridBefore')}"), "0")
    return int(value) if value.isdigit() else 0


def _row_width(row: etree._Element) -> int:
    total = _grid_before(row)
    for cell in _cells(row):
        value = _val(cell.find(f"{_w('tcPr')}/{_w('gridSpan')}"), "1")
        total += int(value) if value.isdigit() else 1
    return total


def _header_rows(rows: list[etree._Element]) -> int:
    count = 0
    for row in rows:
        if row.find(f"{_w('trPr')}/{_w('tblHeader')}") is None:
            break
        count += 1
    return count if count < len(rows) else 0


def _scale_columns(grid: list[float], width: float) -> list[float]:
    known = [g for g in grid if g > 0]
    fill = sum(known) / len(known) if known else width / max(len(grid), 1)
    cols = [g if g > 0 else fill for g in grid]
    scale = width / sum(cols) if sum(cols) > width or not known else 1.0
    return [max(c * scale, 12.0) for c in cols]


def _merge_spans(spans: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Vertical merges are recorded per row; keep only the largest span per start cell."""
    best: dict[object, tuple[object, ...]] = {}
    for span in spans:
        best[span[1]] = span
    return list(best.values())
